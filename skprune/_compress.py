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
from sklearn.cluster import KMeans

from ._inference import pack_csr, unpack_csr
from ._network import loss_and_gradients


def _canonical(W):
    W = sp.csr_array(W, copy=True)
    W.sum_duplicates()
    W.sort_indices()
    return W


def fit_codebook(values, n_bits, random_state=None):
    """A codebook of at most ``2 ** n_bits`` shared values and each value's code.

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
    >>> codebook, codes = fit_codebook(np.array([-1.0, -0.9, 0.5, 0.6]), 1)
    >>> codebook.round(2).tolist(), codes.tolist()
    ([-0.95, 0.55], [0, 0, 1, 1])
    """
    values = np.asarray(values)
    unique = np.unique(values)
    if unique.size <= 2**n_bits:  # exact: every distinct value is a code
        return unique.copy(), np.searchsorted(unique, values).astype(np.uint32)
    k = 2**n_bits
    init = np.linspace(unique[0], unique[-1], k).reshape(-1, 1)
    km = KMeans(k, init=init, n_init=1, random_state=random_state)
    labels = km.fit_predict(values.reshape(-1, 1).astype(np.float64))
    centres = km.cluster_centers_.ravel()
    order = np.argsort(centres)
    rank = np.empty(k, dtype=np.uint32)
    rank[order] = np.arange(k, dtype=np.uint32)
    return centres[order].astype(values.dtype), rank[labels]


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


def fine_tune_codebooks(
    X,
    Y,
    sample_weight,
    shared_layers,
    intercepts,
    activation,
    loss,
    alpha,
    n_iter=30,
    learning_rate=1e-3,
):
    """Full-batch Adam on the shared values and biases, assignments fixed.

    The gradient of a shared value is the sum of the gradients of the
    stored weights coded to it. The codebooks and biases with the lowest
    training loss seen (the starting ones included) are returned, so the
    fine-tune never ends worse than it started on the training data.

    Returns
    -------
    codebooks : list of ndarray
    intercepts : list of ndarray
    losses : list of float
        Training loss before each step, then after the last.
    """
    codes = [layer_codes(s).astype(np.intp) for s in shared_layers]
    coefs = [decode_layer(s) for s in shared_layers]
    params = [np.array(s["codebook"]) for s in shared_layers]
    params += [np.array(b) for b in intercepts]
    n_books = len(shared_layers)
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    best, best_loss, losses = [p.copy() for p in params], np.inf, []
    for step in range(n_iter + 1):
        for W, book, c in zip(coefs, params[:n_books], codes):
            W.data[:] = book[c]
        value, gW, gb = loss_and_gradients(
            X, Y, sample_weight, coefs, params[n_books:], activation, loss, alpha
        )
        losses.append(value)
        if value < best_loss:
            best, best_loss = [p.copy() for p in params], value
        if step == n_iter:
            break
        grads = [
            np.bincount(c, weights=g, minlength=len(book)).astype(book.dtype)
            for c, g, book in zip(codes, gW, params[:n_books])
        ] + list(gb)
        for p, g, mi, vi in zip(params, grads, m, v):  # Adam
            mi += 0.1 * (g - mi)
            vi += 0.001 * (g * g - vi)
            m_hat = mi / (1 - 0.9 ** (step + 1))
            v_hat = vi / (1 - 0.999 ** (step + 1))
            p -= learning_rate * m_hat / (np.sqrt(v_hat) + 1e-8)
    return best[:n_books], best[n_books:], losses
