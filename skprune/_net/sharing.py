"""Weight sharing after pruning: per-layer codebooks and bit-packed codes.

Each layer's surviving weights are replaced by ``2 ** n_bits`` shared values
(a codebook fitted by scikit-learn's :class:`~sklearn.cluster.KMeans` on the
layer's stored values, linearly initialised over their range as in Han et
al., *Deep Compression*, ICLR 2016) and one ``n_bits`` code per weight. The
shared values can then be fine-tuned with the assignments fixed: the
gradient of a shared value is the sum of the gradients of the weights that
use it.

A shared layer is stored as its codebook, its codes packed ``n_bits`` to a
weight, and its sparsity pattern in the compact form of
:func:`skprune._net.storage.pack_csr` (a bit mask or 16-bit column indices) or as
relative positions of a few bits each (:func:`pack_gaps`), whichever is
smaller, so that
a pickle holds a few bits per stored weight instead of a float and an index.
"""

import numpy as np
from scipy.optimize import minimize
from sklearn.cluster import KMeans

from .storage import (
    _canonical,
    decode_layer,
    layer_codes,
    pack_codes,
    pack_csr,
    pack_gaps,
)
from .surgery import Network, to_csr, to_dense


def _kmeans_1d(values, k, random_state):
    """At most ``k`` sorted centres of 1-D ``values`` and each value's centre index."""
    unique = np.unique(values)
    if unique.size <= k:  # exact: every distinct value is a centre
        return unique.astype(np.float64), np.searchsorted(unique, values)
    init = np.linspace(unique[0], unique[-1], k).reshape(-1, 1)
    km = KMeans(k, init=init, n_init=1, random_state=random_state)
    labels = km.fit_predict(values.reshape(-1, 1).astype(np.float64))
    centres = km.cluster_centers_.ravel()
    order = np.argsort(centres)
    rank = np.empty(k, dtype=np.intp)
    rank[order] = np.arange(k)
    return centres[order], rank[labels]


def fit_codebook(values, n_bits, random_state=None):
    """A codebook of at most ``2 ** n_bits`` shared values and each value's code.

    Negative and positive values get codes of their own (shared in
    proportion to their counts), so a shared value never changes a
    weight's sign and is never zero: a weight kept by pruning stays a
    weight, as large as the pruning threshold required.

    Parameters
    ----------
    values : ndarray of shape (n_values,)
        The stored weights of one layer.
    n_bits : int
        Bits per code.
    random_state : int, RandomState instance or None, default=None
        Passed to :class:`~sklearn.cluster.KMeans` (the linear
        initialisation leaves only ties to it).

    Returns
    -------
    codebook : ndarray of shape (n_codes,)
        Sorted shared values, of the dtype of ``values``.
    codes : ndarray of shape (n_values,), dtype uint32
        Index of each value's shared value.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._net.sharing import fit_codebook
    >>> codebook, codes = fit_codebook(np.array([-1.0, -0.9, 0.5, 0.6, 0.7]), 1)
    >>> codebook.round(2).tolist(), codes.tolist()
    ([-0.95, 0.6], [0, 0, 1, 1, 1])
    """
    values = np.asarray(values)
    k = 2**n_bits
    negative = values < 0
    parts = [values[negative], values[~negative]]
    counts = [np.unique(p).size for p in parts]
    if sum(counts) <= k or min(counts) == 0:
        book, codes = _kmeans_1d(values, k, random_state)
        books = [book]
    else:
        share = int(round(k * len(parts[0]) / len(values)))
        k_neg = min(max(share, 1), k - 1, counts[0])
        k_pos = min(k - k_neg, counts[1])
        k_neg = min(k - k_pos, counts[0])
        (neg, c_neg), (pos, c_pos) = (
            _kmeans_1d(p, n, random_state) for p, n in zip(parts, (k_neg, k_pos)))
        books = [neg, pos]
        codes = np.empty(len(values), dtype=np.intp)
        codes[negative], codes[~negative] = c_neg, c_pos + len(neg)
    codebook = np.concatenate(books).astype(values.dtype)
    return codebook, codes.astype(np.uint32)


def share_layer(W, n_bits, random_state=None):
    """A CSR layer as a codebook, packed codes and a compact pattern.

    Returns a dict of small numpy arrays (see :func:`decode_layer`); the
    codes follow the stored entries of the canonical CSR form (row by row,
    columns sorted).

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from skprune._net.sharing import share_layer
    >>> from skprune._net.storage import decode_layer
    >>> W = sp.random_array((30, 20), density=0.2, format="csr", rng=0)
    >>> shared = share_layer(W, 3, random_state=0)
    >>> sorted(shared)
    ['codebook', 'codes', 'n_bits', 'pattern']
    >>> decoded = decode_layer(shared)
    >>> len(np.unique(decoded.data)) <= 8, decoded.nnz == W.nnz
    (True, True)
    """
    W = _canonical(W)
    codebook, codes = fit_codebook(W.data, n_bits, random_state)
    pattern = pack_csr(W)
    del pattern["data"]
    gaps = pack_gaps(W)
    if sum(a.nbytes for a in gaps.values()) < sum(a.nbytes for a in pattern.values()):
        pattern = gaps
    return {
        "codebook": codebook,
        "codes": pack_codes(codes, n_bits),
        "n_bits": np.int64(n_bits),
        "pattern": pattern,
    }


#: Most L-BFGS-B iterations of the fine-tune of the shared values after sharing.
SHARE_ITER = 30


def magnitude_floor(threshold, dtype):
    """The smallest magnitude of ``dtype`` that is nonzero and ``>= threshold``."""
    floor = np.asarray(max(threshold, 0.0), dtype=dtype)
    if float(floor) < threshold:  # compared in float64: rounded down to dtype
        floor = np.nextafter(floor, np.asarray(np.inf, dtype=dtype))
    return max(floor, np.finfo(dtype).tiny)


def _keep_signs(book, signs, floor):
    """Clip shared values in place to their sign and to at least ``floor`` in magnitude."""
    np.multiply(signs, np.maximum(signs * book, floor), out=book)


class _SharedObjective:
    """Loss and gradient of the shared values and biases, packed in one float64 vector."""

    def __init__(self, data, shared_layers, intercepts, activation, loss, alpha, l1_alpha):
        self.data, self.args = data, (activation, loss, alpha)
        self.codes = [layer_codes(s).astype(np.intp) for s in shared_layers]
        self.coefs = [decode_layer(s) for s in shared_layers]
        self.sizes = [len(s["codebook"]) for s in shared_layers] + [len(b) for b in intercepts]
        self.dtype = np.result_type(*intercepts)
        self.counts = [np.bincount(c, minlength=n) for c, n in zip(self.codes, self.sizes)]
        self.l1 = l1_alpha / data.sw_sum

    def split(self, x):
        parts = [p.copy() for p in np.split(x.astype(self.dtype), np.cumsum(self.sizes)[:-1])]
        return parts[: len(self.codes)], parts[len(self.codes):]

    def __call__(self, x):
        books, biases = self.split(x)
        for W, book, c in zip(self.coefs, books, self.codes):
            W.data[:] = book[c]
        with np.errstate(over="raise", invalid="raise"):
            try:
                value, gW, gb = self.data.loss_and_gradients(self.coefs, biases, *self.args)
            except FloatingPointError:
                return np.inf, np.zeros_like(x)
        value += self.l1 * sum(float(n @ np.abs(b)) for n, b in zip(self.counts, books))
        grads = [np.bincount(c, weights=g, minlength=len(b)) + self.l1 * n * np.sign(b)
                 for c, g, b, n in zip(self.codes, gW, books, self.counts)]
        grad = np.concatenate(grads + [np.asarray(g, dtype=np.float64) for g in gb])
        return (value, grad) if np.isfinite(value) else (np.inf, np.zeros_like(x))


def fine_tune_codebooks(
    data,
    shared_layers,
    intercepts,
    activation,
    loss,
    alpha,
    l1_alpha=0.0,
    floor=0.0,
    n_iter=SHARE_ITER,
):
    """Fine-tune the shared values and the biases by L-BFGS-B, every weight's code fixed.

    ``data`` is a training data source (:mod:`skprune._data.memory`). The gradient of a
    shared value is the sum of the gradients of the stored weights coded
    to it (Han et al.'s centroid update); the bounds keep each shared value
    on its side of zero with a magnitude of at least ``floor``. There are
    few parameters (the codebooks and the biases), so a quasi-Newton method
    converges in a few dozen full-batch passes, whatever the weights' scale.
    The parameters with the lowest training loss seen (the starting ones
    included) are returned, so the fine-tune never ends worse than it
    started on the training data.

    Returns
    -------
    codebooks : list of ndarray
    intercepts : list of ndarray
    losses : list of float
        Training loss (penalties included) at the start and after every
        iteration.
    best : int
        Index in ``losses`` of the returned parameters.
    """
    objective = _SharedObjective(data, shared_layers, intercepts, activation, loss,
                                 alpha, l1_alpha)
    x0 = np.concatenate([np.asarray(s["codebook"], dtype=np.float64) for s in shared_layers]
                        + [np.asarray(b, dtype=np.float64) for b in intercepts])
    n_books = sum(len(s["codebook"]) for s in shared_layers)
    bounds = [(None, -float(floor)) if v < 0 else (float(floor), None) for v in x0[:n_books]]
    bounds += [(None, None)] * (len(x0) - n_books)
    start, _ = objective(x0)
    seen = [(start, x0)]

    def record(intermediate_result):
        seen.append((float(intermediate_result.fun), np.array(intermediate_result.x)))

    if np.isfinite(start) and n_iter > 0:
        minimize(objective, x0, jac=True, method="L-BFGS-B", bounds=bounds,
                 callback=record, options={"maxiter": n_iter, "maxfun": 2 * n_iter})
    losses = [value for value, _ in seen]
    best = int(np.argmin(losses))
    books, biases = objective.split(seen[best][1])
    return books, biases, losses, best


def share_network(config, data, net, record, n_bits):
    """Share the fitted network's weights at ``n_bits`` and fine-tune the shared values.

    Every layer of ``net`` (dense weights, biases, masks, as the training
    loop leaves them) gets a codebook of at most ``2 ** n_bits`` values;
    the shared values and the biases are fine-tuned on ``data`` for
    at most :data:`SHARE_ITER` L-BFGS-B iterations, and the training losses up to
    the kept step are appended to ``record``.

    Returns
    -------
    net : Network
        The decoded network, in the loop's form.
    shared_layers : list of dict
        Each layer as :func:`share_layer` gives it, with the tuned codebook.
    """
    coefs, intercepts, masks = net
    dtype = np.result_type(*intercepts)
    floor = magnitude_floor(config.weight_threshold, dtype)
    layers = [share_layer(to_csr(W), n_bits, random_state=0) for W in coefs]
    for shared in layers:
        book = shared["codebook"]
        _keep_signs(book, np.where(book < 0, -1, 1).astype(dtype), floor)
    books, intercepts, losses, best = fine_tune_codebooks(
        data, layers, intercepts, config.activation, config.loss, config.alpha,
        config.l1_alpha, floor,
    )
    for shared, book in zip(layers, books):
        shared["codebook"] = book
    kept = losses[: best + 1]
    record.loss_curve.extend(kept)
    record.n_iter += len(kept)
    if config.verbose and losses:
        print("Weight sharing: %d bits per weight, loss %.8f after sharing, %.8f "
              "after %d fine-tune iterations" % (n_bits, losses[0], losses[best], best))
    decoded = [to_dense(decode_layer(s)) for s in layers]
    return Network(decoded, intercepts, masks), layers


def shared_attributes(shared_layers):
    """The fitted attributes of a shared network (or of an unshared one, for None).

    ``coefs_`` is decoded from the shared layers, exactly as loading a saved
    model decodes it; ``_shared_coefs`` remembers those very arrays, so that
    :func:`current_sharing` can tell whether ``coefs_`` still holds them.
    """
    if shared_layers is None:
        return {"_shared_layers": None, "_shared_coefs": None}
    coefs = [decode_layer(s) for s in shared_layers]
    return {"coefs_": coefs, "_shared_layers": shared_layers,
            "_shared_coefs": tuple(coefs)}


