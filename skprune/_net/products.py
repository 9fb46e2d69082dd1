"""Matrix products that pick dense BLAS or a sparse kernel by density and batch size.

Two places need them. Retraining at high sparsity keeps each sparse layer as
a CSR array with a fixed pattern and needs three products per layer and row
chunk: the forward product, the backward product, and the gradient *at the
stored entries only* (a sampled dense-dense product, :func:`sampled_dot`).
Prediction multiplies a batch by CSR weights and chooses, per layer, between
scipy's sparse kernel and dense BLAS (:func:`layer_dot`).

Everything here is a pure function of its arguments: nothing is cached, so a
fitted estimator stays read-only at predict time.

The cut-offs were measured on a 2-core AMD EPYC with OpenBLAS (one thread),
float64 and float32, 784x300 and 100x256 layers; the performance page of the
documentation reproduces the measurements (``benchmarks/``).
"""

import contextlib

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

#: Below this density a masked layer is retrained as a CSR array: its forward
#: and backward products use scipy's sparse kernel, which costs several times
#: a dense product per stored entry; a whole training pass broke even near
#: 15-20% density in float64 and near 10% in float32.
RETRAIN_SPARSE_DENSITY = 0.12

#: Below this density the gradient of a CSR layer is computed at its stored
#: entries only (:func:`sampled_dot`); above it, as a dense product whose
#: entries on the pattern are kept. A sampled entry gathers two rows, about
#: 20 times the cost of a dense product's entry: the break-even was 3-5%.
SAMPLED_GRADIENT_DENSITY = 0.04

#: Predict-time cost model, in nanoseconds, one BLAS thread, float64 (float32
#: per-entry costs are scaled by ``_FLOAT32_SCALE``). Read off
#: ``benchmarks/bench_products.py``: scipy's sparse kernel costs about
#: ``0.2 + 0.4 / rows`` ns per stored entry and row plus ~20 us per call (it
#: builds the transposed CSC object); dense BLAS ``0.04 + 0.06 / rows`` ns per
#: entry and row; densifying a CSR array ~1 us plus 0.1 ns per entry and
#: 0.5 ns per stored entry.
_SPARSE_NS = (0.2, 0.4, 20_000.0)
_DENSE_NS = (0.04, 0.06)
_DENSIFY_NS = (1_000.0, 0.1, 0.5)
_FLOAT32_SCALE = {"sparse": 0.8, "dense": 0.5}

#: Cost model of the inference plan (:mod:`skprune._net.inference`), in nanoseconds, one
#: BLAS thread: ``(per stored entry and row, per stored entry and call,
#: per call)`` for scipy's compiled CSR kernel called directly on the
#: transposed weights (``csr_matvec`` for one row, ``csr_matvecs`` for a
#: block), and ``(per entry and row, per entry and call, per call)`` for a
#: dense BLAS product of the transposed weights. Measured on a 2-core AMD
#: EPYC with OpenBLAS, 784x300, 300x100 and 100x10 layers at densities 1 to
#: 100 %, 1, 64 and 256 rows (``python benchmarks/bench_plan_kernels.py``).
#: The per-entry-and-call terms are the cost of a product of a single row
#: (a matrix-vector product is bound by memory, not by arithmetic).
_PLAN_SPARSE_NS = {
    np.dtype(np.float64): (0.35, 0.4, 500.0),
    np.dtype(np.float32): (0.2, 0.7, 500.0),
}
_PLAN_DENSE_NS = {
    np.dtype(np.float64): (0.075, 0.1, 1000.0),
    np.dtype(np.float32): (0.04, 0.06, 1000.0),
}


def plan_prefers_sparse_coefficients(shape, nnz, dtype):
    """Sparse-minus-dense cost of a layer's product, as ``m * slope + offset`` ns.

    For ``m`` rows at a time, the plan's sparse product is estimated faster
    than its dense one when ``m * slope + offset < 0`` (a layer's weights
    of ``shape`` with ``nnz`` stored entries; see the cost model above).

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._net.products import plan_prefers_sparse_coefficients
    >>> slope, offset = plan_prefers_sparse_coefficients((784, 300), 11_760, np.float32)
    >>> bool(slope + offset < 0), bool(10_000 * slope + offset < 0)  # 5 % dense
    (True, True)
    >>> slope, offset = plan_prefers_sparse_coefficients((784, 300), 117_600, np.float32)
    >>> bool(slope + offset < 0), bool(10_000 * slope + offset < 0)  # 50 % dense
    (False, False)
    """
    dtype = np.dtype(dtype)
    if dtype not in _PLAN_SPARSE_NS:
        dtype = np.dtype(np.float64)
    size = shape[0] * shape[1]
    s_row, s_call_entry, s_call = _PLAN_SPARSE_NS[dtype]
    d_row, d_call_entry, d_call = _PLAN_DENSE_NS[dtype]
    slope = nnz * s_row - size * d_row
    offset = nnz * s_call_entry - size * d_call_entry + s_call - d_call
    return slope, offset


#: Rows per block of :func:`layer_dot`'s sparse product.
_SPARSE_BLOCK_ROWS = 256

#: Number of stored entries per block of :func:`sampled_dot`: the gathered
#: rows of one block (``block x n_rows``) stay in a core's L2 cache.
_SAMPLED_BLOCK_BYTES = 1024 * 1024


def csr_rows(W):
    """Row index of every stored entry of a CSR array, in storage order.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from skprune._net.products import csr_rows
    >>> csr_rows(sp.csr_array(np.array([[1.0, 2.0], [0.0, 3.0]]))).tolist()
    [0, 0, 1]
    """
    return np.repeat(np.arange(W.shape[0], dtype=W.indices.dtype), np.diff(W.indptr))


def pack_sparse(coefs, masks):
    """Parameters for gradient descent: layers sparse enough become their alive values.

    A masked layer below :data:`RETRAIN_SPARSE_DENSITY` is retrained as a CSR
    array with the mask as its fixed pattern: its parameter is the vector of
    alive values, in CSR order, so pruned weights are not merely held at zero
    but absent from every product.

    Parameters
    ----------
    coefs : list of ndarray
        Dense weights.
    masks : list of ndarray of bool
        Alive entries.

    Returns
    -------
    params : list of ndarray
        ``coefs[i]``, or the vector ``coefs[i][masks[i]]`` for a sparse layer.
    patterns : list of {None, CSR array}
        The pattern of each sparse layer (its values are unused), else None.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._net.products import pack_sparse, bind_sparse, unpack_sparse
    >>> W = np.arange(1.0, 101.0).reshape(10, 10)
    >>> mask = np.zeros((10, 10), dtype=bool)
    >>> mask[2, 3] = mask[7, 1] = True
    >>> params, patterns = pack_sparse([W], [mask])
    >>> params[0]
    array([24., 72.])
    >>> bind_sparse(params, patterns)[0].nnz
    2
    >>> bool((unpack_sparse(params, patterns)[0] == W * mask).all())
    True
    """
    params, patterns = [], []
    for W, mask in zip(coefs, masks):
        if mask.mean() < RETRAIN_SPARSE_DENSITY:
            pattern = sp.csr_array(mask)
            pattern.sort_indices()
            params.append(W[mask])
            patterns.append(pattern)
        else:
            params.append(W)
            patterns.append(None)
    return params, patterns


def bind_sparse(params, patterns):
    """Weights for the network math: a CSR array (sharing ``p``) per sparse layer."""
    return [
        p
        if pattern is None
        else sp.csr_array((p, pattern.indices, pattern.indptr), shape=pattern.shape)
        for p, pattern in zip(params, patterns)
    ]


def unpack_sparse(params, patterns):
    """Dense weights back from :func:`pack_sparse`'s parameters."""
    coefs = []
    for p, pattern in zip(params, patterns):
        if pattern is None:
            coefs.append(p)
        else:
            W = np.zeros(pattern.shape, dtype=p.dtype)
            W[csr_rows(pattern), pattern.indices] = p
            coefs.append(W)
    return coefs


def prefers_sampled(W):
    """Whether the gradient of CSR layer ``W`` is cheaper sampled than dense."""
    return W.nnz < SAMPLED_GRADIENT_DENSITY * W.shape[0] * W.shape[1]


def sampled_dot(AT, DT, rows, cols, out=None):
    """``(AT @ DT.T)[rows, cols]`` without forming the dense product.

    The gradient of a layer whose weights are held at zero outside a fixed
    pattern is only needed at the pattern's entries: entry ``k`` is the dot
    product of row ``rows[k]`` of ``AT`` with row ``cols[k]`` of ``DT``. Rows
    are gathered a block of entries at a time so the gathered copies stay in
    cache.

    Parameters
    ----------
    AT : ndarray of shape (fan_in, n_samples)
        The layer's inputs, transposed (C-contiguous rows).
    DT : ndarray of shape (fan_out, n_samples)
        The deltas of the layer's outputs, transposed.
    rows, cols : ndarray of int of shape (nnz,)
        The pattern's entries.
    out : ndarray of shape (nnz,), default=None
        Where to add the result (``out += ...``); a new array if None.

    Returns
    -------
    out : ndarray of shape (nnz,)

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._net.products import sampled_dot
    >>> AT = np.arange(6.0).reshape(2, 3)
    >>> DT = np.ones((2, 3))
    >>> sampled_dot(AT, DT, np.array([0, 1]), np.array([1, 0]))
    array([ 3., 12.])
    """
    nnz = len(rows)
    if out is None:
        out = np.zeros(nnz, dtype=np.result_type(AT, DT))
    n = AT.shape[1]
    if n == 0 or nnz == 0:
        return out
    block = max(16, _SAMPLED_BLOCK_BYTES // (2 * n * AT.itemsize))
    for start in range(0, nnz, block):
        stop = min(start + block, nnz)
        left = np.take(AT, rows[start:stop], axis=0)
        left *= np.take(DT, cols[start:stop], axis=0)
        out[start:stop] += left.sum(axis=1)
    return out


def prefers_sparse(n_rows, W, chunk=None):
    """Whether multiplying ``n_rows`` rows by CSR ``W`` is faster sparse than dense.

    Compares the sparse kernel's estimated cost with densifying ``W`` once
    plus dense BLAS (see the cost model above), the rows being multiplied
    ``chunk`` at a time (all at once by default).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from skprune._net.products import prefers_sparse
    >>> W = sp.random_array((784, 300), density=0.02, format="csr", rng=0)
    >>> prefers_sparse(1, W), prefers_sparse(10_000, W)
    (True, True)
    >>> W = sp.random_array((784, 300), density=0.5, format="csr", rng=0)
    >>> prefers_sparse(1, W), prefers_sparse(10_000, W)
    (True, False)
    >>> W = sp.random_array((100, 10), density=0.1, format="csr", rng=0)
    >>> prefers_sparse(1, W)  # too small to pay for the sparse call
    False
    """
    size = W.shape[0] * W.shape[1]
    single = W.dtype == np.float32
    s_scale = _FLOAT32_SCALE["sparse"] if single else 1.0
    d_scale = _FLOAT32_SCALE["dense"] if single else 1.0
    m = min(n_rows, chunk or n_rows)
    per_row, per_call_row, per_call = _SPARSE_NS
    sparse_cost = per_call + s_scale * n_rows * W.nnz * (per_row + per_call_row / m)
    per_row, per_call_row = _DENSE_NS
    base, per_entry, per_stored = _DENSIFY_NS
    dense_cost = (
        base
        + per_entry * size
        + per_stored * W.nnz
        + d_scale * n_rows * size * (per_row + per_call_row / m)
    )
    return sparse_cost < dense_cost


def layer_dot(A, W):
    """``A @ W`` with the faster product for this batch size and density of ``W``.

    Parameters
    ----------
    A : {ndarray, sparse matrix} of shape (n_samples, fan_in)
        A batch of layer inputs.
    W : {ndarray, CSR array} of shape (fan_in, fan_out)
        The layer's weights.

    Returns
    -------
    Z : ndarray of shape (n_samples, fan_out)
        A dense array (possibly Fortran-ordered).

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from skprune._net.products import layer_dot
    >>> W = sp.csr_array(np.array([[1.0, 0.0], [0.0, 2.0]]))
    >>> layer_dot(np.array([[1.0, 1.0]]), W)
    array([[1., 2.]])
    """
    if not sp.issparse(W):
        return np.asarray(A @ W)
    if sp.issparse(A):
        return np.asarray((A @ W).toarray())
    if not prefers_sparse(A.shape[0], W, _SPARSE_BLOCK_ROWS):
        return A @ W.toarray()
    if A.shape[0] == 1:
        # One row: W.T (CSC) times a vector is a single pass over the entries;
        # ``A @ W`` would go through the multi-vector kernel.
        return (W.T @ A[0])[np.newaxis, :]
    # W.T @ A.T runs scipy's multi-vector kernel over contiguous rows of A.T,
    # a block of rows at a time so that they stay in cache (the cost model
    # assumes it: unblocked, the kernel is several times slower on 10,000 rows).
    WT = W.T
    out = np.empty((A.shape[0], W.shape[1]), dtype=np.result_type(A, W))
    for start in range(0, A.shape[0], _SPARSE_BLOCK_ROWS):
        block = A[start : start + _SPARSE_BLOCK_ROWS]
        out[start : start + _SPARSE_BLOCK_ROWS] = (WT @ np.ascontiguousarray(block.T)).T
    return out


#: A fit whose full-batch pass is below this many multiply-adds (training
#: rows times weights) runs BLAS on one thread. Passes this small gain little
#: from a second thread, and lose most when the cores are shared: OpenBLAS's
#: idle threads spin, and ``benchmarks/bench_threads.py`` measured fits of
#: 1e6 to 1e8 multiply-adds per pass 8 to 18 times slower in wall time with
#: two threads than with one on a busy 2-core machine.
ONE_THREAD_BELOW = 1e8


def blas_threads(n_samples, layer_units):
    """A context manager: one BLAS thread for a fit too small to share, else no change.

    Parameters
    ----------
    n_samples : int
        Training rows.
    layer_units : sequence of int
        Units per layer, input and output included.

    Returns
    -------
    context : context manager

    Examples
    --------
    >>> from skprune._net.products import blas_threads
    >>> with blas_threads(1000, (64, 100, 10)):  # 7.4e6 multiply-adds: one thread
    ...     pass
    """
    work = n_samples * sum(a * b for a, b in zip(layer_units[:-1], layer_units[1:]))
    if work >= ONE_THREAD_BELOW:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")
