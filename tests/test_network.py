"""The network math, checked without any estimator."""

import numpy as np
import pytest
import scipy.sparse as sp

from skprune._net.network import (
    ACTIVATIONS,
    DERIVATIVES,
    LOSSES,
    OUTPUT_ACTIVATIONS,
    activate_output,
    forward,
    loss_and_gradients,
    rescaled_output,
    weighted_mean_outputs,
)


def _network(rng, layer_units):
    coefs = [rng.normal(0, 0.5, (a, b)) for a, b in zip(layer_units[:-1], layer_units[1:])]
    intercepts = [rng.normal(0, 0.5, b) for b in layer_units[1:]]
    return coefs, intercepts


def _targets(rng, loss, n, n_out):
    if loss == "log_loss":
        return np.eye(n_out)[rng.integers(0, n_out, n)]
    if loss == "binary_log_loss":
        return rng.integers(0, 2, (n, n_out)).astype(float)
    return rng.normal(size=(n, n_out))


@pytest.mark.parametrize("activation", sorted(DERIVATIVES))
@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_gradients_match_finite_differences(activation, loss):
    rng = np.random.default_rng(0)
    n, units = 7, [4, 5, 3, 3]
    X = rng.normal(size=(n, units[0]))
    Y = _targets(rng, loss, n, units[-1])
    sw = rng.uniform(0.1, 3.0, n)
    coefs, intercepts = _network(rng, units)
    alpha = 0.3

    def f(c, b):
        return loss_and_gradients(X, Y, sw, c, b, activation, loss, alpha)[0]

    _, coef_grads, intercept_grads = loss_and_gradients(
        X, Y, sw, coefs, intercepts, activation, loss, alpha
    )
    eps = 1e-6
    params = coefs + intercepts
    grads = coef_grads + intercept_grads
    for p, g in zip(params, grads):
        numeric = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + eps
            up = f(coefs, intercepts)
            p[idx] = old - eps
            down = f(coefs, intercepts)
            p[idx] = old
            numeric[idx] = (up - down) / (2 * eps)
        np.testing.assert_allclose(g, numeric, rtol=1e-5, atol=1e-7)


def test_loss_is_normalised_by_sum_of_sample_weights():
    # Integer weights are equivalent to repeated rows: same loss, same gradients.
    rng = np.random.default_rng(1)
    X = rng.normal(size=(5, 3))
    Y = np.eye(2)[[0, 1, 1, 0, 1]]
    coefs, intercepts = _network(rng, [3, 4, 2])
    sw = np.array([1, 2, 3, 1, 2], dtype=float)
    X_rep, Y_rep = np.repeat(X, sw.astype(int), axis=0), np.repeat(Y, sw.astype(int), axis=0)
    a = loss_and_gradients(X, Y, sw, coefs, intercepts, "tanh", "log_loss", 0.5)
    b = loss_and_gradients(
        X_rep, Y_rep, np.ones(len(X_rep)), coefs, intercepts, "tanh", "log_loss", 0.5
    )
    assert a[0] == pytest.approx(b[0])
    for ga, gb in zip(a[1] + a[2], b[1] + b[2]):
        np.testing.assert_allclose(ga, gb)


def test_row_chunks_add_up_to_the_whole():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(10, 3))
    Y = np.eye(3)[rng.integers(0, 3, 10)]
    sw = rng.uniform(0.5, 2, 10)
    coefs, intercepts = _network(rng, [3, 4, 3])
    whole = loss_and_gradients(X, Y, sw, coefs, intercepts, "relu", "log_loss", 0.0)
    total = sw.sum()
    parts = [
        loss_and_gradients(X[s], Y[s], sw[s], coefs, intercepts, "relu", "log_loss", 0.0, total)
        for s in (slice(0, 4), slice(4, 10))
    ]
    assert parts[0][0] + parts[1][0] == pytest.approx(whole[0])
    for i in range(2):
        np.testing.assert_allclose(parts[0][1][i] + parts[1][1][i], whole[1][i])


def test_sparse_input_gives_the_same_result():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(6, 4)) * (rng.random((6, 4)) < 0.5)
    Y = np.eye(2)[rng.integers(0, 2, 6)]
    coefs, intercepts = _network(rng, [4, 3, 2])
    dense = loss_and_gradients(X, Y, np.ones(6), coefs, intercepts, "relu", "log_loss", 0.1)
    sparse = loss_and_gradients(
        sp.csr_matrix(X), Y, np.ones(6), coefs, intercepts, "relu", "log_loss", 0.1
    )
    assert dense[0] == pytest.approx(sparse[0])
    for a, b in zip(dense[1], sparse[1]):
        np.testing.assert_allclose(a, b)


def test_forward_accepts_csr_weights():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(5, 4))
    coefs, intercepts = _network(rng, [4, 3, 2])
    coefs[0][np.abs(coefs[0]) < 0.4] = 0
    dense = forward(X, coefs, intercepts, "tanh", "softmax")[-1]
    sparse = forward(X, [sp.csr_array(c) for c in coefs], intercepts, "tanh", "softmax")[-1]
    np.testing.assert_allclose(dense, sparse)
    np.testing.assert_allclose(dense.sum(axis=1), 1)


def test_float32_stays_float32():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(5, 3)).astype(np.float32)
    Y = np.eye(2, dtype=np.float32)[[0, 1, 0, 1, 1]]
    coefs, intercepts = _network(rng, [3, 4, 2])
    coefs = [c.astype(np.float32) for c in coefs]
    intercepts = [b.astype(np.float32) for b in intercepts]
    _, gw, gb = loss_and_gradients(
        X, Y, np.ones(5, np.float32), coefs, intercepts, "relu", "log_loss", 1e-4
    )
    assert all(g.dtype == np.float32 for g in gw + gb)


def test_softmax_is_stable_for_large_inputs():
    Z = np.array([[1000.0, 0.0], [-1000.0, 1000.0]])
    P = ACTIVATIONS["softmax"](Z)
    assert np.isfinite(P).all()
    np.testing.assert_allclose(P, [[1, 0], [0, 1]])


@pytest.mark.parametrize("activation", sorted(DERIVATIVES))
@pytest.mark.parametrize("out_activation", ["softmax", "logistic", "identity"])
@pytest.mark.parametrize("sparse_weights", [False, True])
def test_rescaled_output_is_the_ordinary_pass_on_ordinary_rows(
    activation, out_activation, sparse_weights
):
    rng = np.random.default_rng(0)
    coefs, intercepts = _network(rng, [6, 9, 7, 3])
    X = rng.normal(size=(40, 6)) * np.logspace(-3, 3, 40)[:, np.newaxis]
    expected = forward(X, coefs, intercepts, activation, out_activation)[-1]
    if sparse_weights:
        coefs = [sp.csr_array(W * (rng.random(W.shape) < 0.6)) for W in coefs]
        expected = forward(X, [W.toarray() for W in coefs], intercepts, activation,
                           out_activation)[-1]
    got = rescaled_output(X, coefs, intercepts, activation, out_activation)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("out_activation", ["softmax", "logistic", "identity"])
def test_overflowing_rows_get_the_exact_limit(out_activation):
    # Without biases a ReLU network is positively homogeneous:
    # f(c * u) = c * f(u), which gives the exact output of a huge row c * u.
    rng = np.random.default_rng(1)
    coefs, _ = _network(rng, [5, 8, 8, 4])
    coefs[0] *= 100  # the first layer overflows, and inf - inf follows
    intercepts = [np.zeros(W.shape[1]) for W in coefs]
    U = rng.normal(size=(30, 5))
    c = 1e308 / np.abs(U).max()
    unit = forward(U, coefs, intercepts, "relu", "identity")[-1]
    with np.errstate(over="ignore", invalid="ignore"):
        Z = forward(c * U, coefs, intercepts, "relu", "identity")[-1]
        if out_activation == "softmax":
            unit -= unit.max(axis=1, keepdims=True)
        expected = ACTIVATIONS[out_activation](c * unit)
    assert np.isnan(Z).any()
    with np.errstate(all="raise"):  # nothing may overflow unhandled
        got = activate_output(Z, c * U, coefs, intercepts, "relu", out_activation)
    assert not np.isnan(got).any()
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    if out_activation == "identity":
        assert np.isinf(got).any() and np.isfinite(got).any()
    else:
        assert np.isfinite(got).all()


def test_finite_outputs_whose_sum_overflows_are_kept():
    # The quick check sums a row's outputs: an overflowing sum of finite
    # values sends it to the exact check, which keeps them as they are.
    coefs, intercepts = [np.eye(2)], [np.zeros(2)]
    for n in (1, 40):
        Z = np.full((n, 2), 1e308)
        with np.errstate(all="raise"):
            got = activate_output(Z.copy(), Z, coefs, intercepts, "relu", "identity")
        np.testing.assert_array_equal(got, Z)


def test_weighted_mean_outputs():
    A = [np.zeros((3, 1)), np.array([[1.0, -2.0], [3.0, 2.0], [0.0, 0.0]]), np.zeros((3, 1))]
    sw = np.array([1.0, 1.0, 2.0])
    means, abs_means = weighted_mean_outputs(A, sw)
    np.testing.assert_allclose(means[0], [1.0, 0.0])
    np.testing.assert_allclose(abs_means[0], [1.0, 1.0])


def test_every_loss_has_an_output_activation():
    assert set(LOSSES) == set(OUTPUT_ACTIVATIONS)


def test_squared_error_averages_over_the_outputs():
    # As scikit-learn's MLPRegressor: two identical targets predicted alike
    # give the loss (and the gradient) of one.
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 3)), rng.normal(size=(20, 1))
    W0, W1 = rng.normal(size=(3, 4)), rng.normal(size=(4, 1))
    one = loss_and_gradients(
        X, y, np.ones(20), [W0, W1], [np.zeros(4), np.zeros(1)], "tanh", "squared_error", 0.0
    )
    two = loss_and_gradients(
        X, np.hstack([y, y]), np.ones(20), [W0, np.hstack([W1, W1])],
        [np.zeros(4), np.zeros(2)], "tanh", "squared_error", 0.0,
    )
    assert two[0] == pytest.approx(one[0])
    np.testing.assert_allclose(two[1][0], one[1][0])
