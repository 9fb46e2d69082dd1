"""Network math of a fully connected perceptron, as pure numpy functions.

Nothing here knows about estimators: every function takes arrays and returns
new arrays (the activation helpers work in place on arrays that the caller
has just allocated). That is what lets the gradient be checked by finite
differences without fitting anything.

Weights follow scikit-learn's layout: ``coefs[i]`` has shape
``(fan_in, fan_out)`` and a layer computes ``act(A @ coefs[i] + intercepts[i])``.
"""

import math

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, xlogy
from sklearn.utils.extmath import safe_sparse_dot

from .products import (
    csr_rows,
    layer_dot,
    prefers_sampled,
    prefers_sparse,
    sampled_dot,
)


def _identity(Z):
    return Z


def _logistic(Z):
    return expit(Z, out=Z)


def _tanh(Z):
    return np.tanh(Z, out=Z)


def _relu(Z):
    return np.maximum(Z, 0, out=Z)


def _softmax(Z):
    Z -= Z.max(axis=1, keepdims=True)
    np.exp(Z, out=Z)
    Z /= Z.sum(axis=1, keepdims=True)
    return Z


#: Activation functions, applied in place to a freshly computed pre-activation.
ACTIVATIONS = {
    "identity": _identity,
    "logistic": _logistic,
    "tanh": _tanh,
    "relu": _relu,
    "softmax": _softmax,
}


# Derivatives are written in terms of the activation's *output* A, so the
# backward pass needs no copy of the pre-activations. Each multiplies the
# incoming delta in place.
def _identity_derivative(A, delta):
    return delta


def _logistic_derivative(A, delta):
    delta *= A
    delta *= 1 - A
    return delta


def _tanh_derivative(A, delta):
    delta *= 1 - A**2
    return delta


def _relu_derivative(A, delta):
    # A multiply by the boolean mask is several times faster than the
    # fancy-indexed assignment ``delta[A == 0] = 0``.
    return np.multiply(delta, A > 0, out=delta)


DERIVATIVES = {
    "identity": _identity_derivative,
    "logistic": _logistic_derivative,
    "tanh": _tanh_derivative,
    "relu": _relu_derivative,
}


def _log_loss(Y, P, sample_weight):
    eps = np.finfo(P.dtype).eps
    # Y * log(P) is xlogy(Y, P) once P is clipped away from 0, and numpy's
    # vectorised log is about twice as fast as scipy's xlogy.
    L = np.clip(P, eps, 1 - eps)
    np.log(L, out=L)
    L *= Y
    return -float((sample_weight @ L).sum())


def _binary_log_loss(Y, P, sample_weight):
    eps = np.finfo(P.dtype).eps
    P = np.clip(P, eps, 1 - eps)
    per_sample = xlogy(Y, P) + xlogy(1 - Y, 1 - P)
    return -float(sample_weight @ per_sample.sum(axis=1))


def _squared_error(Y, P, sample_weight):
    # Averaged over the outputs, as scikit-learn's MLPRegressor does.
    return 0.5 * float(sample_weight @ ((Y - P) ** 2).mean(axis=1))


#: Sample-weighted *sums* of per-sample losses. Each pairs with its output
#: activation (its canonical link) so that d loss / d pre-activation = P - Y
#: (divided by the number of outputs for the squared error, which averages
#: over them).
LOSSES = {
    "log_loss": _log_loss,
    "binary_log_loss": _binary_log_loss,
    "squared_error": _squared_error,
}

#: The output activation each loss is paired with.
OUTPUT_ACTIVATIONS = {
    "log_loss": "softmax",
    "binary_log_loss": "logistic",
    "squared_error": "identity",
}


def forward(X, coefs, intercepts, activation, out_activation):
    """Propagate ``X`` through the network.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Input data.
    coefs : list of {ndarray, sparse array}
        Weight matrices, ``coefs[i]`` of shape ``(fan_in, fan_out)``. Each
        product uses dense BLAS or a sparse kernel, whichever is faster for
        the layer's density and the batch size (:func:`skprune._net.products.layer_dot`).
    intercepts : list of ndarray
        Bias vectors, ``intercepts[i]`` of shape ``(fan_out,)``.
    activation : str
        Hidden activation, a key of :data:`ACTIVATIONS`.
    out_activation : str
        Output activation, a key of :data:`ACTIVATIONS`.

    Returns
    -------
    activations : list of ndarray
        ``[X, A_1, ..., A_out]``: the input followed by every layer's output.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._net.network import forward
    >>> X = np.ones((2, 3))
    >>> coefs = [np.full((3, 2), 0.5), np.ones((2, 1))]
    >>> intercepts = [np.zeros(2), np.zeros(1)]
    >>> forward(X, coefs, intercepts, "relu", "identity")[-1]
    array([[3.],
           [3.]])
    """
    activations = [X]
    last = len(coefs) - 1
    for i, (W, b) in enumerate(zip(coefs, intercepts)):
        Z = layer_dot(activations[-1], W)
        Z += b
        activations.append(ACTIVATIONS[out_activation if i == last else activation](Z))
    return activations


def _squared_norm(coefs):
    """Sum of the squared weights, dense or CSR."""
    return sum(
        float(np.vdot(W.data, W.data) if sp.issparse(W) else np.vdot(W, W))
        for W in coefs
    )


def _objective(Y, P, sample_weight, coefs, loss, alpha, sw_sum):
    """The penalised loss of outputs ``P``, divided by ``sw_sum``."""
    value = LOSSES[loss](Y, P, sample_weight)
    value += 0.5 * alpha * _squared_norm(coefs)
    return value / sw_sum


def loss_value(X, Y, sample_weight, coefs, intercepts, activation, loss, alpha, sw_sum=None):
    """The loss of :func:`loss_and_gradients` alone: one forward pass, no gradient.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._net.network import loss_value
    >>> X, Y = np.eye(2), np.eye(2)
    >>> round(loss_value(X, Y, np.ones(2), [np.zeros((2, 2))], [np.zeros(2)],
    ...                  "relu", "log_loss", 0.0), 6)
    0.693147
    """
    if sw_sum is None:
        sw_sum = float(sample_weight.sum())
    # Only the output is kept, row chunk by row chunk: no n_samples x width
    # activations, whatever the data size.
    P = predict_output(X, coefs, intercepts, activation, OUTPUT_ACTIVATIONS[loss])
    return _objective(Y, P, sample_weight, coefs, loss, alpha, sw_sum)


#: Bytes of activations and deltas that one row chunk of
#: :func:`loss_and_gradients` may hold. About a core's L2 cache: the
#: element-wise work that follows each matrix product (bias, activation and
#: its derivative) then reads cached data instead of main memory, which on a
#: 2-core EPYC made the whole pass faster than the bare full-size matrix
#: products. It also bounds the memory of a full-batch gradient on any data
#: size.
CHUNK_BYTES = 2**20

#: Fewest and most rows per chunk: fewer rows make the matrix products
#: inefficient, more rows stop paying once a chunk is far out of cache.
_CHUNK_ROWS = (256, 4096)


def chunk_rows(n_samples, widths, itemsize):
    """Rows per chunk of :func:`loss_and_gradients` for layers of ``widths`` units.

    Examples
    --------
    >>> from skprune._net.network import chunk_rows
    >>> chunk_rows(20_000, [256, 128, 10], 8)
    256
    >>> chunk_rows(20_000, [256, 128, 10], 4)
    332
    >>> chunk_rows(100, [256, 128, 10], 8)
    100
    """
    rows = CHUNK_BYTES // (2 * itemsize * sum(widths))
    return int(min(n_samples, max(_CHUNK_ROWS[0], min(rows, _CHUNK_ROWS[1]))))


def _dot_into(M, B, out):
    """``out[...] = M @ B`` for a dense or sparse ``M`` and a dense or sparse ``B``.

    Forward products are ``W.T @ AT`` and backward ones ``W @ DT``. For a CSR
    ``W``, ``W.T`` is CSC: either way scipy's multi-vector kernel then runs
    over contiguous rows of the dense operand. Callers transpose ``W`` once
    per call, not per chunk: building the CSC object costs ~20 us.
    """
    if sp.issparse(B):
        # Sparse input (first layer only): sparse operand on the left.
        out[...] = safe_sparse_dot(B.T, M.T, dense_output=True).T
    elif sp.issparse(M):
        out[...] = M @ B
    else:
        np.matmul(M, B, out=out)
    return out


def _add_weight_gradient(W, AT, DT, grad, pattern):
    """Add ``AT @ DT.T`` to ``grad``; for a CSR ``W``, its entries on ``pattern``."""
    if sp.issparse(W):
        if sp.issparse(AT) or not prefers_sampled(W):
            full = safe_sparse_dot(AT, DT.T, dense_output=True)
            grad += np.asarray(full)[pattern]
        else:
            sampled_dot(AT, DT, *pattern, out=grad)
    elif sp.issparse(AT):
        grad += safe_sparse_dot(AT, DT.T, dense_output=True)
    else:
        grad += AT @ DT.T


def loss_and_gradients(
    X,
    Y,
    sample_weight,
    coefs,
    intercepts,
    activation,
    loss,
    alpha,
    sw_sum=None,
    chunk_size=None,
):
    """Sample-weighted loss and its gradient with respect to every parameter.

    The loss is ``(sum_i w_i * loss_i + alpha / 2 * ||W||^2) / sum_i w_i``:
    dividing by the sum of the sample weights, never by ``n_samples``, is what
    makes an integer weight equivalent to repeating a row.

    The rows are processed in chunks and the gradients summed: only one
    chunk's activations exist at a time, which keeps them in cache and the
    memory bounded whatever ``n_samples`` is. Inside a chunk activations are
    held transposed (units x rows), so that the sparse kernels of CSR layers
    run over contiguous rows.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Input data.
    Y : ndarray of shape (n_samples, n_outputs)
        Targets (one-hot or indicator for the log losses).
    sample_weight : ndarray of shape (n_samples,)
        Non-negative sample weights.
    coefs : list of {ndarray, CSR array}
        Weights. A CSR layer (canonical: sorted indices, no duplicates) is a
        layer whose weights are held at zero outside its stored pattern: it
        is multiplied with sparse kernels and its gradient is computed at the
        stored entries only.
    intercepts : list of ndarray
        Biases.
    activation : str
        Hidden activation.
    loss : {"log_loss", "binary_log_loss", "squared_error"}
        Loss; the output activation is the one it is paired with.
    alpha : float
        L2 penalty.
    sw_sum : float, default=None
        Normaliser; defaults to ``sample_weight.sum()``. Passing the total of a
        larger data set lets a caller add up the results of row chunks.
    chunk_size : int, default=None
        Rows per chunk; by default about :data:`CHUNK_BYTES` of activations
        (see :func:`chunk_rows`). The result does not depend on it beyond
        rounding.

    Returns
    -------
    loss_value : float
    coef_grads : list of ndarray
        Dense arrays of the weights' shapes; for a CSR layer, a vector aligned
        with its ``data``.
    intercept_grads : list of ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._net.network import loss_and_gradients
    >>> X, Y = np.eye(2), np.eye(2)
    >>> coefs, intercepts = [np.zeros((2, 2))], [np.zeros(2)]
    >>> value, gW, gb = loss_and_gradients(
    ...     X, Y, np.ones(2), coefs, intercepts, "relu", "log_loss", 0.0)
    >>> round(value, 6)  # log(2): both classes equally likely
    0.693147
    """
    if sw_sum is None:
        sw_sum = float(sample_weight.sum())
    if sp.issparse(X) and X.format != "csr":
        X = X.tocsr()
    n_samples = X.shape[0]
    n_layers = len(coefs)
    dtype = np.result_type(*intercepts)
    widths = [W.shape[1] for W in coefs]
    if chunk_size is None:
        chunk_size = chunk_rows(n_samples, widths, dtype.itemsize)
    hidden_act = ACTIVATIONS[activation]
    out_act = ACTIVATIONS[OUTPUT_ACTIVATIONS[loss]]
    derivative = DERIVATIVES[activation]
    patterns = [(csr_rows(W), W.indices) if sp.issparse(W) else None for W in coefs]
    transposed = [W.T for W in coefs]
    # The squared error averages over the outputs; the log losses sum.
    delta_scale = Y.shape[1] if loss == "squared_error" else 1

    # The L2 term, added once: alpha / sw_sum * W.
    decay = alpha / sw_sum
    coef_grads = [
        decay * (W.data if sp.issparse(W) else W) for W in coefs
    ]
    intercept_grads = [np.zeros(w, dtype=dtype) for w in widths]
    value = 0.0
    buffers = None
    for start in range(0, n_samples, chunk_size):
        stop = min(start + chunk_size, n_samples)
        rows = stop - start
        if buffers is None or buffers[0].shape[1] != rows:
            buffers = [np.empty((w, rows), dtype=dtype) for w in widths]
            deltas = [np.empty((w, rows), dtype=dtype) for w in widths[:-1]]
        XT = X[start:stop].T
        if sp.issparse(coefs[0]) and not sp.issparse(XT):
            # The sparse kernels read rows of XT: make them contiguous once.
            XT = np.ascontiguousarray(XT)
        acts = [XT]
        for i, b in enumerate(intercepts):
            ZT = _dot_into(transposed[i], acts[-1], buffers[i])
            ZT += b[:, np.newaxis]
            if i < n_layers - 1:
                hidden_act(ZT)
            else:
                out_act(ZT.T)
            acts.append(ZT)

        PT, Yc, sw = acts[-1], Y[start:stop], sample_weight[start:stop]
        value += LOSSES[loss](Yc, PT.T, sw)
        # With a canonical link, d loss_i / d Z_out = P - Y. The output
        # buffer becomes the delta: P is not needed any more.
        DT = np.subtract(PT, Yc.T, out=PT)
        DT *= (sw / (sw_sum * delta_scale)).astype(dtype, copy=False)
        for i in range(n_layers - 1, -1, -1):
            _add_weight_gradient(coefs[i], acts[i], DT, coef_grads[i], patterns[i])
            intercept_grads[i] += DT.sum(axis=1)
            if i > 0:
                DT = derivative(acts[i], _dot_into(coefs[i], DT, deltas[i - 1]))

    value = (value + 0.5 * alpha * _squared_norm(coefs)) / sw_sum
    return value, coef_grads, intercept_grads


def _predict_weights(W, n_rows, chunk):
    """``W`` in the form fastest for ``n_rows`` rows multiplied ``chunk`` at a time."""
    if not sp.issparse(W):
        return W
    if prefers_sparse(n_rows, W, chunk):
        return W
    return W.toarray()


def predict_output(X, coefs, intercepts, activation, out_activation, chunk_size=None):
    """The network's output alone, for prediction.

    Like :func:`forward` but computed row chunk by row chunk (in cache, in
    bounded memory) and keeping only the last layer. Each CSR layer is
    multiplied by scipy's sparse kernel or, when that is slower for its
    density and the chunk's size, densified once per call
    (:func:`skprune._net.products.prefers_sparse`). Nothing is cached.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
    coefs : list of {ndarray, CSR array}
    intercepts : list of ndarray
    activation, out_activation : str
    chunk_size : int, default=None
        Rows per chunk; see :func:`chunk_rows`.

    Returns
    -------
    output : ndarray of shape (n_samples, n_outputs)

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from skprune._net.network import predict_output
    >>> coefs = [sp.csr_array(np.full((3, 2), 0.5)), np.ones((2, 1))]
    >>> predict_output(np.ones((2, 3)), coefs, [np.zeros(2), np.zeros(1)],
    ...                "relu", "identity")
    array([[3.],
           [3.]])
    """
    if sp.issparse(X) and X.format != "csr":
        X = X.tocsr()
    n_samples = X.shape[0]
    widths = [W.shape[1] for W in coefs]
    dtype = np.result_type(X.dtype, *intercepts)
    if chunk_size is None:
        chunk_size = chunk_rows(n_samples, widths, dtype.itemsize)
    transposed = [_predict_weights(W, n_samples, chunk_size).T for W in coefs]
    hidden_act = ACTIVATIONS[activation]
    out_act = ACTIVATIONS[out_activation]
    last = len(coefs) - 1
    output = np.empty((n_samples, widths[-1]), dtype=dtype)
    buffers = None
    for start in range(0, n_samples, chunk_size):
        stop = min(start + chunk_size, n_samples)
        if buffers is None or buffers[0].shape[1] != stop - start:
            buffers = [np.empty((w, stop - start), dtype=dtype) for w in widths]
        AT = X[start:stop].T
        if sp.issparse(transposed[0]) and not sp.issparse(AT):
            AT = np.ascontiguousarray(AT, dtype=dtype)
        for i, b in enumerate(intercepts):
            AT = _dot_into(transposed[i], AT, buffers[i])
            AT += b[:, np.newaxis]
            if i < last:
                hidden_act(AT)
        output[start:stop] = AT.T
    # The output activation works row-wise (softmax): apply it once, on rows.
    return out_act(output)


#: Hidden activations with ``act(2**k * z) == 2**k * act(z)`` for k >= 0: a
#: row's power-of-two scale passes through them unchanged.
_HOMOGENEOUS = frozenset({"identity", "relu"})


def activate_output(Z, X, coefs, intercepts, activation, out_activation):
    """The output activation of pre-activations ``Z``, exact where they overflowed.

    A finite row can overflow the float range inside the network (a row of
    1e308): a product of inf and a weight of the other sign then gives
    ``inf - inf = nan``, and a softmax of ``+inf`` gives nan. The rows of
    ``Z`` that are not finite, and only those, are recomputed from their
    input ``X`` by :func:`rescaled_output`; other rows cost one finiteness
    check. For prediction only: training counts non-finite outputs as
    divergence.

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_outputs)
        The last layer's pre-activations for ``X``, overwritten.
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        The finite input ``Z`` was computed from.
    coefs, intercepts : list of {ndarray, CSR array}, list of ndarray
    activation, out_activation : str

    Returns
    -------
    output : ndarray of shape (n_samples, n_outputs)

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._net.network import activate_output
    >>> coefs, intercepts = [np.array([[1.0, -1.0]]), np.eye(2) * 2], [np.zeros(2)] * 2
    >>> X = np.array([[1e308]])  # hidden layer [1e308, 0], output [inf, 0]
    >>> Z = np.array([[np.inf, 0.0]])
    >>> activate_output(Z, X, coefs, intercepts, "relu", "softmax")
    array([[1., 0.]])
    """
    if _all_finite(Z):
        return ACTIVATIONS[out_activation](Z)
    overflowed = ~np.isfinite(Z).all(axis=1)
    if not overflowed.any():  # finite values whose sum overflowed
        return ACTIVATIONS[out_activation](Z)
    Z[overflowed] = 0
    Z = ACTIVATIONS[out_activation](Z)
    Z[overflowed] = rescaled_output(
        X[overflowed], coefs, intercepts, activation, out_activation
    )
    return Z


def _all_finite(Z):
    """False if a value of ``Z`` is not finite (or, for a few values, their sum overflows).

    A few values (a single row's outputs) are summed as Python floats:
    several times cheaper than a numpy check, and overflow gives inf
    without a warning.
    """
    if Z.size <= 64:
        return math.isfinite(sum(Z.ravel().tolist()))
    return bool(np.isfinite(Z).all())


def rescaled_output(X, coefs, intercepts, activation, out_activation):
    """The network's output for rows ``X``, each carried with a power-of-two scale.

    Each row is held as ``2**k * A`` with ``max|A| <= 1``: every layer
    multiplies ``A`` (never the huge values) and adds the bias times
    ``2**-k``, so nothing overflows and no ``inf - inf`` arises. ReLU and
    identity layers keep the scale; a tanh or logistic layer applies it (a
    value past the float range saturates, as its exact value would). The
    output applies it last: a softmax of ``2**k * (z - max z)``, a logistic
    of ``2**k * z``, or the identity's ``2**k * z`` (inf when the exact value
    is past the float range). Scaling by powers of two is exact, so this is
    the ordinary pass up to rounding; it is slower and only for rows whose
    ordinary pass overflowed.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Finite input.
    coefs, intercepts : list of {ndarray, CSR array}, list of ndarray
    activation, out_activation : str

    Returns
    -------
    output : ndarray of shape (n_samples, n_outputs)
    """
    dtype = np.result_type(X.dtype, *intercepts)
    A = X.toarray().astype(dtype) if sp.issparse(X) else np.array(X, dtype=dtype)
    k = np.zeros((A.shape[0], 1), dtype=np.intc)
    last = len(coefs) - 1
    with np.errstate(over="ignore", under="ignore"):
        for i, (W, b) in enumerate(zip(coefs, intercepts)):
            # Scale each row down to max|A| < 1 (never up: a bias times 2**-k
            # must not overflow).
            e = np.maximum(np.frexp(np.abs(A).max(axis=1, initial=0))[1], 0)
            A = np.ldexp(A, -e[:, np.newaxis].astype(np.intc))
            k += e[:, np.newaxis].astype(np.intc)
            Z = np.asarray(A @ W, dtype=dtype) + np.ldexp(b, -k).astype(dtype)
            if i == last:
                break
            if activation in _HOMOGENEOUS:
                A = ACTIVATIONS[activation](Z)
            else:
                A = ACTIVATIONS[activation](np.ldexp(Z, k).astype(dtype))
                k[:] = 0
        if out_activation == "softmax":
            Z -= Z.max(axis=1, keepdims=True)
        return ACTIVATIONS[out_activation](np.ldexp(Z, k).astype(dtype))


def weighted_mean_outputs(activations, sample_weight):
    """Sample-weighted mean of every hidden layer's output and of its absolute value.

    Parameters
    ----------
    activations : list of ndarray
        As returned by :func:`forward`.
    sample_weight : ndarray of shape (n_samples,)

    Returns
    -------
    means : list of ndarray
        Signed weighted mean output per hidden neuron (what bias folding adds).
    abs_means : list of ndarray
        Weighted mean ``|output|`` per hidden neuron (the 'activation' neuron score).
    """
    weights = (sample_weight / sample_weight.sum()).astype(activations[-1].dtype)
    means = [weights @ A for A in activations[1:-1]]
    abs_means = []
    for A in activations[1:-1]:
        # |A| a block of rows at a time: no temporary the size of A.
        total = np.zeros(A.shape[1], dtype=A.dtype)
        step = max(1, CHUNK_BYTES // max(1, A.itemsize * A.shape[1]))
        for start in range(0, A.shape[0], step):
            total += weights[start : start + step] @ np.abs(A[start : start + step])
        abs_means.append(total)
    return means, abs_means
