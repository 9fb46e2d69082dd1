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
:func:`._inference.pack_csr` (a bit mask or 16-bit column indices) or as
relative positions of a few bits each (:func:`pack_gaps`), whichever is
smaller, so that
a pickle holds a few bits per stored weight instead of a float and an index.
"""

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize
from sklearn.cluster import KMeans

from ._inference import pack_csr, unpack_csr
from ._surgery import Network, to_csr, to_dense


def _canonical(W):
    W = sp.csr_array(W, copy=True)
    W.sum_duplicates()
    W.sort_indices()
    return W


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
    >>> from skprune._compress import fit_codebook
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


def pack_codes(codes, n_bits):
    """Codes packed ``n_bits`` to a value into bytes (see :func:`unpack_codes`).

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._compress import pack_codes, unpack_codes
    >>> packed = pack_codes(np.array([5, 0, 7, 3]), 3)
    >>> packed.nbytes, unpack_codes(packed, 4, 3).tolist()
    (2, [5, 0, 7, 3])
    """
    codes = np.asarray(codes, dtype=np.uint32)
    shifts = np.arange(n_bits - 1, -1, -1, dtype=np.uint32)
    bits = ((codes[:, np.newaxis] >> shifts) & 1).astype(np.uint8)
    return np.packbits(bits.ravel())


def unpack_codes(packed, n_values, n_bits):
    """The codes that :func:`pack_codes` packed."""
    bits = np.unpackbits(packed, count=n_values * n_bits).reshape(n_values, n_bits)
    weights = (1 << np.arange(n_bits - 1, -1, -1)).astype(np.uint32)
    return bits.astype(np.uint32) @ weights


def pack_gaps(W, max_bits=8):
    """A CSR pattern as relative positions of ``gap_bits`` bits each (Han et al.).

    The stored entries' row-major positions are coded as the number of empty
    positions before each; a gap too long for ``gap_bits`` bits is split by
    filler symbols (the largest code, which skips that many positions and
    stores no weight). The width giving the fewest bytes is chosen.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from skprune._compress import pack_gaps, unpack_gaps
    >>> W = sp.random_array((60, 50), density=0.08, format="csr", rng=0)
    >>> packed = pack_gaps(W)
    >>> packed["gaps"].nbytes < W.indices.nbytes / 4
    True
    >>> indptr, indices = unpack_gaps(packed)
    >>> bool((indptr == W.indptr).all() and (indices == W.indices).all())
    True
    """
    W = _canonical(W)
    n_rows, n_cols = W.shape
    rows = np.repeat(np.arange(n_rows, dtype=np.int64), np.diff(W.indptr))
    positions = rows * n_cols + W.indices
    gaps = np.diff(positions, prepend=-1) - 1
    best = None
    for bits in range(1, max_bits + 1):
        top = 2**bits - 1
        fillers = gaps // top
        n_symbols = int(fillers.sum()) + len(gaps)
        if best is None or n_symbols * bits < best[0]:
            best = (n_symbols * bits, bits, fillers)
    _, bits, fillers = best
    top = 2**bits - 1
    symbols = np.full(int(fillers.sum()) + len(gaps), top, dtype=np.uint32)
    ends = np.cumsum(fillers + 1) - 1  # each weight's symbol follows its fillers
    symbols[ends] = gaps - fillers * top
    return {
        "shape": np.array(W.shape, dtype=np.int64),
        "gaps": pack_codes(symbols, bits),
        "gap_bits": np.int64(bits),
        "n_symbols": np.int64(len(symbols)),
        "nnz": np.int64(W.nnz),
    }


def unpack_gaps(packed):
    """``(indptr, indices)`` of the pattern that :func:`pack_gaps` packed."""
    n_rows, n_cols = (int(s) for s in packed["shape"])
    bits = int(packed["gap_bits"])
    top = 2**bits - 1
    symbols = unpack_codes(packed["gaps"], int(packed["n_symbols"]), bits)
    symbols = symbols.astype(np.int64)
    weight = symbols < top
    advance = np.where(weight, symbols + 1, top)
    positions = (np.cumsum(advance) - 1)[weight]
    rows, indices = np.divmod(positions, n_cols)
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_rows), out=indptr[1:])
    return indptr, indices


def share_layer(W, n_bits, random_state=None):
    """A CSR layer as a codebook, packed codes and a compact pattern.

    Returns a dict of small numpy arrays (see :func:`decode_layer`); the
    codes follow the stored entries of the canonical CSR form (row by row,
    columns sorted).

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from skprune._compress import share_layer, decode_layer
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


def layer_codes(shared):
    """The unpacked codes of a shared layer, one per stored weight."""
    pattern = shared["pattern"]
    n_bits = int(shared["n_bits"])
    if "nnz" in pattern:
        nnz = int(pattern["nnz"])
    elif "indptr" in pattern:
        nnz = int(pattern["indptr"][-1])
    else:
        n_rows, n_cols = (int(s) for s in pattern["shape"])
        mask = np.unpackbits(pattern["mask"], count=n_rows * n_cols)
        nnz = int(np.count_nonzero(mask))
    return unpack_codes(shared["codes"], nnz, n_bits)


def decode_layer(shared, codebook=None):
    """The CSR array of a shared layer's decoded values."""
    codebook = shared["codebook"] if codebook is None else codebook
    codes = layer_codes(shared)
    pattern = dict(shared["pattern"])
    data = np.asarray(codebook)[codes]
    if "gaps" in pattern:
        indptr, indices = unpack_gaps(pattern)
        pattern = {"shape": pattern["shape"], "data": data,
                   "indices": indices, "indptr": indptr}
    pattern["data"] = data
    return unpack_csr(pattern)


def stored_bytes(shared_layers, intercepts):
    """Bytes per part of shared layers and biases, and bits per stored weight.

    Returns
    -------
    parts : dict
        ``values`` (codebooks), ``indices`` (packed codes), ``pattern``
        (sparsity patterns), ``biases``, ``total`` and
        ``bits_per_weight`` (all but the biases, per stored weight).
    """
    parts = {"values": 0, "indices": 0, "pattern": 0}
    n_stored = 0
    for shared in shared_layers:
        parts["values"] += shared["codebook"].nbytes
        parts["indices"] += shared["codes"].nbytes
        parts["pattern"] += sum(a.nbytes for a in shared["pattern"].values())
        n_stored += len(layer_codes(shared))
    parts["biases"] = int(sum(np.asarray(b).nbytes for b in intercepts))
    parts["total"] = int(sum(parts.values()))
    weights = parts["values"] + parts["indices"] + parts["pattern"]
    parts["bits_per_weight"] = 8.0 * weights / n_stored if n_stored else 0.0
    return parts


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

    ``data`` is a training data source (:mod:`._data`). The gradient of a
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


def current_sharing(estimator):
    """The shared layers of a fitted estimator whose ``coefs_`` are still theirs, else None."""
    state = estimator.__dict__
    layers, source = state.get("_shared_layers"), state.get("_shared_coefs")
    coefs = state.get("coefs_")
    if layers is None or source is None or not isinstance(coefs, list):
        return None
    if len(coefs) != len(source) or any(a is not b for a, b in zip(coefs, source)):
        return None
    return layers


# One byte buffer for all shared layers: a pickle or skops file then holds
# one small array instead of a dozen tiny ones, each with its own header.
_FLOATS = {0: np.dtype("<f4"), 1: np.dtype("<f8")}
_PATTERNS = ("mask", "indices", "gaps")
_HEADER = np.dtype([("dtype", "u1"), ("n_bits", "u1"), ("pattern", "u1"),
                    ("gap_bits", "u1"), ("n_codes", "<u4"), ("n_rows", "<u8"),
                    ("n_cols", "<u8"), ("nnz", "<u8"), ("n_symbols", "<u8")])


def pack_shared(layers):
    """Shared layers (see :func:`share_layer`) as one uint8 array.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from skprune._compress import share_layer, pack_shared, unpack_shared
    >>> W = sp.random_array((30, 20), density=0.2, format="csr", rng=0)
    >>> buffer = pack_shared([share_layer(W, 3, random_state=0)])
    >>> buffer.dtype, buffer.nbytes < W.data.nbytes / 4
    (dtype('uint8'), True)
    >>> (decode_layer(unpack_shared(buffer)[0]) != decode_layer(
    ...     share_layer(W, 3, random_state=0))).nnz
    0
    """
    parts = []
    for layer in layers:
        pattern = layer["pattern"]
        kind = next(i for i, name in enumerate(_PATTERNS) if name in pattern)
        book = np.asarray(layer["codebook"])
        header = np.zeros(1, dtype=_HEADER)
        header[0] = (int(book.dtype.itemsize == 8), int(layer["n_bits"]), kind,
                     int(pattern.get("gap_bits", 0)), len(book), *pattern["shape"],
                     len(layer_codes(layer)), int(pattern.get("n_symbols", 0)))
        blocks = [header, book.astype(_FLOATS[header["dtype"][0]]), layer["codes"]]
        if kind == 1:
            blocks += [pattern["indices"].astype("<u2"), pattern["indptr"].astype("<i8")]
        else:
            blocks.append(pattern[_PATTERNS[kind]])
        parts.extend(np.ascontiguousarray(b).view(np.uint8).ravel() for b in blocks)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint8)


def unpack_shared(buffer):
    """The shared layers that :func:`pack_shared` packed."""
    buffer, offset, layers = np.asarray(buffer, dtype=np.uint8), 0, []

    def take(dtype, count):
        nonlocal offset
        dtype = np.dtype(dtype)
        block = buffer[offset: offset + dtype.itemsize * count].view(dtype)
        offset += dtype.itemsize * count
        return block.astype(dtype.newbyteorder("="))

    while offset < len(buffer):
        head = buffer[offset: offset + _HEADER.itemsize].view(_HEADER)[0]
        offset += _HEADER.itemsize
        n_rows, n_cols, nnz, n_bits = (int(head[k]) for k in ("n_rows", "n_cols", "nnz",
                                                              "n_bits"))
        book = take(_FLOATS[int(head["dtype"])], int(head["n_codes"]))
        codes = take("u1", (nnz * n_bits + 7) // 8)
        shape = np.array([n_rows, n_cols], dtype=np.int64)
        kind = _PATTERNS[int(head["pattern"])]
        if kind == "mask":
            pattern = {"shape": shape, "mask": take("u1", (n_rows * n_cols + 7) // 8)}
        elif kind == "indices":
            pattern = {"shape": shape, "indices": take("<u2", nnz),
                       "indptr": take("<i8", n_rows + 1)}
        else:
            gap_bits, n_symbols = int(head["gap_bits"]), int(head["n_symbols"])
            pattern = {"shape": shape, "gaps": take("u1", (n_symbols * gap_bits + 7) // 8),
                       "gap_bits": np.int64(gap_bits), "n_symbols": np.int64(n_symbols),
                       "nnz": np.int64(nnz)}
        layers.append({"codebook": book, "codes": codes, "n_bits": np.int64(n_bits),
                       "pattern": pattern})
    return layers
