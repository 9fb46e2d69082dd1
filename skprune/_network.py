"""Network math of a fully connected perceptron, as pure numpy functions.

Nothing here knows about estimators: every function takes arrays and returns
new arrays (the activation helpers work in place on arrays that the caller
has just allocated). That is what lets the gradient be checked by finite
differences without fitting anything.

Weights follow scikit-learn's layout: ``coefs[i]`` has shape
``(fan_in, fan_out)`` and a layer computes ``act(A @ coefs[i] + intercepts[i])``.
"""

import numpy as np
from scipy.special import expit, xlogy
from sklearn.utils.extmath import safe_sparse_dot


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
    P = np.clip(P, eps, 1 - eps)
    return -float(sample_weight @ xlogy(Y, P).sum(axis=1))


def _binary_log_loss(Y, P, sample_weight):
    eps = np.finfo(P.dtype).eps
    P = np.clip(P, eps, 1 - eps)
    per_sample = xlogy(Y, P) + xlogy(1 - Y, 1 - P)
    return -float(sample_weight @ per_sample.sum(axis=1))


def _squared_error(Y, P, sample_weight):
    return 0.5 * float(sample_weight @ ((Y - P) ** 2).sum(axis=1))


#: Sample-weighted *sums* of per-sample losses. Each pairs with its output
#: activation (its canonical link) so that d loss / d pre-activation = P - Y.
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
        Weight matrices, ``coefs[i]`` of shape ``(fan_in, fan_out)``.
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
    >>> from skprune._network import forward
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
        Z = np.asarray(safe_sparse_dot(activations[-1], W, dense_output=True))
        Z += b
        activations.append(ACTIVATIONS[out_activation if i == last else activation](Z))
    return activations


def _objective(Y, P, sample_weight, coefs, loss, alpha, sw_sum):
    """The penalised loss of outputs ``P``, divided by ``sw_sum``."""
    value = LOSSES[loss](Y, P, sample_weight)
    value += 0.5 * alpha * sum(float(np.vdot(W, W)) for W in coefs)
    return value / sw_sum


def loss_value(X, Y, sample_weight, coefs, intercepts, activation, loss, alpha, sw_sum=None):
    """The loss of :func:`loss_and_gradients` alone: one forward pass, no gradient.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._network import loss_value
    >>> X, Y = np.eye(2), np.eye(2)
    >>> round(loss_value(X, Y, np.ones(2), [np.zeros((2, 2))], [np.zeros(2)],
    ...                  "relu", "log_loss", 0.0), 6)
    0.693147
    """
    if sw_sum is None:
        sw_sum = float(sample_weight.sum())
    P = forward(X, coefs, intercepts, activation, OUTPUT_ACTIVATIONS[loss])[-1]
    return _objective(Y, P, sample_weight, coefs, loss, alpha, sw_sum)


def loss_and_gradients(
    X, Y, sample_weight, coefs, intercepts, activation, loss, alpha, sw_sum=None
):
    """Sample-weighted loss and its gradient with respect to every parameter.

    The loss is ``(sum_i w_i * loss_i + alpha / 2 * ||W||^2) / sum_i w_i``:
    dividing by the sum of the sample weights, never by ``n_samples``, is what
    makes an integer weight equivalent to repeating a row.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Input data.
    Y : ndarray of shape (n_samples, n_outputs)
        Targets (one-hot or indicator for the log losses).
    sample_weight : ndarray of shape (n_samples,)
        Non-negative sample weights.
    coefs, intercepts : list of ndarray
        Dense weights and biases.
    activation : str
        Hidden activation.
    loss : {"log_loss", "binary_log_loss", "squared_error"}
        Loss; the output activation is the one it is paired with.
    alpha : float
        L2 penalty.
    sw_sum : float, default=None
        Normaliser; defaults to ``sample_weight.sum()``. Passing the total of a
        larger data set lets a caller add up the results of row chunks.

    Returns
    -------
    loss_value : float
    coef_grads : list of ndarray
    intercept_grads : list of ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._network import loss_and_gradients
    >>> X, Y = np.eye(2), np.eye(2)
    >>> coefs, intercepts = [np.zeros((2, 2))], [np.zeros(2)]
    >>> value, gW, gb = loss_and_gradients(
    ...     X, Y, np.ones(2), coefs, intercepts, "relu", "log_loss", 0.0)
    >>> round(value, 6)  # log(2): both classes equally likely
    0.693147
    """
    if sw_sum is None:
        sw_sum = float(sample_weight.sum())
    out_activation = OUTPUT_ACTIVATIONS[loss]
    activations = forward(X, coefs, intercepts, activation, out_activation)
    P = activations[-1]
    value = _objective(Y, P, sample_weight, coefs, loss, alpha, sw_sum)

    derivative = DERIVATIVES[activation]
    # With a canonical link, d loss_i / d Z_out = P - Y.
    delta = P - Y
    delta *= (sample_weight / sw_sum)[:, np.newaxis].astype(P.dtype, copy=False)
    n_layers = len(coefs)
    coef_grads = [None] * n_layers
    intercept_grads = [None] * n_layers
    for i in range(n_layers - 1, -1, -1):
        grad = np.asarray(safe_sparse_dot(activations[i].T, delta, dense_output=True))
        grad += (alpha / sw_sum) * coefs[i]
        coef_grads[i] = grad
        intercept_grads[i] = delta.sum(axis=0)
        if i > 0:
            delta = derivative(activations[i], delta @ coefs[i].T)
    return value, coef_grads, intercept_grads


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
        Weighted mean ``|output|`` per hidden neuron (the seed's neuron score).
    """
    weights = (sample_weight / sample_weight.sum()).astype(activations[-1].dtype)
    means = [weights @ A for A in activations[1:-1]]
    abs_means = [weights @ np.abs(A) for A in activations[1:-1]]
    return means, abs_means
