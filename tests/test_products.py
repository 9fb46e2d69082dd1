"""Correctness of the fast paths: chunked gradients, sparse retraining, predict.

Every fast path must agree with the plain dense computation (up to rounding);
these tests force each branch through the module-level cut-offs.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_digits

import skprune._net.network as network
import skprune._net.products as products
from skprune import PrunedMLPClassifier
from skprune._net.network import (
    forward,
    loss_and_gradients,
    predict_output,
    weighted_mean_outputs,
)
from skprune._net.products import (
    bind_sparse,
    layer_dot,
    pack_sparse,
    sampled_dot,
    unpack_sparse,
)
from skprune._net.surgery import to_csr


def _problem(seed=0, n=157, units=(11, 9, 7, 3), density=None, dtype=np.float64):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, units[0])).astype(dtype)
    Y = np.eye(units[-1], dtype=dtype)[rng.integers(0, units[-1], n)]
    sw = rng.random(n).astype(dtype) + 0.1
    coefs = [
        (rng.standard_normal(s) * 0.4).astype(dtype) for s in zip(units[:-1], units[1:])
    ]
    if density is not None:
        coefs = [W * (rng.random(W.shape) < density) for W in coefs]
    intercepts = [(rng.standard_normal(u) * 0.1).astype(dtype) for u in units[1:]]
    return X, Y, sw, coefs, intercepts


def _naive(X, Y, sw, coefs, intercepts, activation, loss, alpha):
    """The textbook full-batch pass, unchunked and row-major."""
    acts = forward(X, coefs, intercepts, activation, network.OUTPUT_ACTIVATIONS[loss])
    total = sw.sum()
    value = network.LOSSES[loss](Y, acts[-1], sw)
    value = (value + 0.5 * alpha * sum(np.vdot(W, W) for W in coefs)) / total
    delta = (acts[-1] - Y) * (sw / total)[:, None]
    if loss == "squared_error":  # averaged over the outputs
        delta /= Y.shape[1]
    grads, bgrads = [None] * len(coefs), [None] * len(coefs)
    for i in range(len(coefs) - 1, -1, -1):
        grads[i] = np.asarray(acts[i].T @ delta) + alpha / total * coefs[i]
        bgrads[i] = delta.sum(axis=0)
        if i:
            delta = network.DERIVATIVES[activation](acts[i], delta @ coefs[i].T)
    return value, grads, bgrads


@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
@pytest.mark.parametrize("loss", ["log_loss", "binary_log_loss", "squared_error"])
@pytest.mark.parametrize("chunk_size", [None, 1, 10, 156])
def test_chunked_gradient_equals_unchunked(activation, loss, chunk_size):
    X, Y, sw, coefs, intercepts = _problem()
    expected = _naive(X, Y, sw, coefs, intercepts, activation, loss, 0.3)
    got = loss_and_gradients(
        X, Y, sw, coefs, intercepts, activation, loss, 0.3, chunk_size=chunk_size
    )
    assert got[0] == pytest.approx(expected[0], rel=1e-12)
    for a, b in zip(got[1] + got[2], expected[1] + expected[2]):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_input_gradient(fmt):
    X, Y, sw, coefs, intercepts = _problem()
    X[np.abs(X) < 1] = 0
    expected = loss_and_gradients(X, Y, sw, coefs, intercepts, "relu", "log_loss", 0.1)
    got = loss_and_gradients(
        sp.csr_array(X).asformat(fmt),
        Y,
        sw,
        coefs,
        intercepts,
        "relu",
        "log_loss",
        0.1,
        chunk_size=40,
    )
    for a, b in zip(got[1] + got[2], expected[1] + expected[2]):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize(
    "sampled", [0.0, 1.1], ids=["dense-gradient", "sampled-gradient"]
)
@pytest.mark.parametrize("sparse_input", [False, True])
def test_csr_layers_gradient_is_dense_gradient_on_pattern(
    monkeypatch, sampled, sparse_input
):
    monkeypatch.setattr(products, "SAMPLED_GRADIENT_DENSITY", sampled)
    X, Y, sw, coefs, intercepts = _problem(density=0.3)
    expected = _naive(X, Y, sw, coefs, intercepts, "relu", "log_loss", 0.2)
    csr = [sp.csr_array(W) for W in coefs]
    Xin = sp.csr_array(X) if sparse_input else X
    value, grads, bgrads = loss_and_gradients(
        Xin, Y, sw, csr, intercepts, "relu", "log_loss", 0.2, chunk_size=33
    )
    assert value == pytest.approx(expected[0], rel=1e-12)
    for g, full, W in zip(grads, expected[1], coefs):
        np.testing.assert_allclose(g, full[W != 0], rtol=1e-10, atol=1e-14)
    for a, b in zip(bgrads, expected[2]):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-14)


def test_gradient_matches_finite_differences():
    X, Y, sw, coefs, intercepts = _problem(n=40)
    csr = [sp.csr_array(W * (np.abs(W) > 0.3)) for W in coefs]
    value, grads, _ = loss_and_gradients(
        X, Y, sw, csr, intercepts, "tanh", "log_loss", 0.1, chunk_size=7
    )
    eps = 1e-6
    for layer, k in [(0, 0), (1, 3), (2, -1)]:
        bumped = [W.copy() for W in csr]
        bumped[layer].data[k] += eps
        up = loss_and_gradients(X, Y, sw, bumped, intercepts, "tanh", "log_loss", 0.1)[
            0
        ]
        assert (up - value) / eps == pytest.approx(grads[layer][k], rel=1e-4, abs=1e-8)


def test_sampled_dot_blocks(monkeypatch):
    monkeypatch.setattr(products, "_SAMPLED_BLOCK_BYTES", 64)
    rng = np.random.default_rng(1)
    AT, DT = rng.standard_normal((13, 21)), rng.standard_normal((8, 21))
    rows, cols = rng.integers(0, 13, 50), rng.integers(0, 8, 50)
    np.testing.assert_allclose(sampled_dot(AT, DT, rows, cols), (AT @ DT.T)[rows, cols])


def test_pack_bind_unpack_round_trip(monkeypatch):
    monkeypatch.setattr(products, "RETRAIN_SPARSE_DENSITY", 0.5)
    rng = np.random.default_rng(2)
    coefs = [rng.standard_normal((6, 5)), rng.standard_normal((5, 4))]
    masks = [rng.random((6, 5)) < 0.2, np.ones((5, 4), dtype=bool)]
    params, patterns = pack_sparse([W * m for W, m in zip(coefs, masks)], masks)
    assert patterns[0] is not None and patterns[1] is None
    assert params[0].shape == (masks[0].sum(),)
    bound = bind_sparse(params, patterns)
    np.testing.assert_array_equal(bound[0].toarray(), coefs[0] * masks[0])
    back = unpack_sparse(params, patterns)
    np.testing.assert_array_equal(back[0], coefs[0] * masks[0])
    assert back[1] is params[1]


def test_sparse_retraining_follows_the_dense_masked_iterates(monkeypatch):
    X, y = load_digits(return_X_y=True)
    X = X[:300] / 16
    fits = []
    for threshold in (0.0, 1.1):
        monkeypatch.setattr(products, "RETRAIN_SPARSE_DENSITY", threshold)
        fits.append(
            PrunedMLPClassifier(
                hidden_layer_sizes=(20,),
                sparsity=0.95,
                n_prune_steps=2,
                max_iter=10,
                retrain_iter=10,
                random_state=0,
            ).fit(X, y[:300])
        )
    dense, sparse = fits
    np.testing.assert_allclose(dense.loss_curve_, sparse.loss_curve_, rtol=1e-10)
    for a, b in zip(dense.coefs_, sparse.coefs_):
        np.testing.assert_allclose(a.toarray(), b.toarray(), atol=1e-12)


@pytest.mark.parametrize("n", [1, 2, 64, 300])
@pytest.mark.parametrize("density", [0.02, 0.3, 0.9])
def test_predict_output_equals_forward(n, density):
    X, _, _, coefs, intercepts = _problem(n=n, units=(30, 40, 20, 4), density=density)
    csr = [to_csr(W) for W in coefs]
    expected = forward(X, coefs, intercepts, "relu", "softmax")[-1]
    for chunk in (None, 7):
        got = predict_output(X, csr, intercepts, "relu", "softmax", chunk_size=chunk)
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
    got = predict_output(sp.csr_array(X), csr, intercepts, "relu", "softmax")
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("sparse_choice", [True, False])
def test_predict_output_both_products(monkeypatch, sparse_choice):
    monkeypatch.setattr(network, "prefers_sparse", lambda *args: sparse_choice)
    X, _, _, coefs, intercepts = _problem(n=50, units=(30, 40, 4), density=0.2)
    expected = forward(X, coefs, intercepts, "tanh", "logistic")[-1]
    got = predict_output(
        X,
        [sp.csr_array(W) for W in coefs],
        intercepts,
        "tanh",
        "logistic",
        chunk_size=16,
    )
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("n", [1, 5, 600])
@pytest.mark.parametrize("density", [0.01, 0.5])
def test_layer_dot_equals_dense(n, density):
    rng = np.random.default_rng(3)
    W = sp.random_array((60, 30), density=density, format="csr", rng=rng)
    A = rng.standard_normal((n, 60))
    np.testing.assert_allclose(layer_dot(A, W), A @ W.toarray(), atol=1e-12)
    np.testing.assert_allclose(
        layer_dot(sp.csr_array(A), W), A @ W.toarray(), atol=1e-12
    )
    np.testing.assert_allclose(layer_dot(A, W.toarray()), A @ W.toarray(), atol=1e-12)


def test_fitted_predict_equals_dense_forward():
    X, y = load_digits(return_X_y=True)
    X = X[:200] / 16
    for sparsity in (None, 0.97):
        clf = PrunedMLPClassifier(
            hidden_layer_sizes=(16,), max_iter=5, sparsity=sparsity, random_state=0
        ).fit(X, y[:200])
        dense = [W.toarray() for W in clf.coefs_]
        expected = forward(X[:50], dense, clf.intercepts_, "relu", "softmax")[-1]
        np.testing.assert_allclose(clf.predict_proba(X[:50]), expected, rtol=1e-12)


def test_weighted_mean_outputs_in_blocks(monkeypatch):
    monkeypatch.setattr(network, "CHUNK_BYTES", 64)
    rng = np.random.default_rng(5)
    A = [None, rng.standard_normal((30, 4)), np.zeros((30, 2))]
    sw = rng.random(30)
    means, abs_means = weighted_mean_outputs(A, sw)
    w = sw / sw.sum()
    np.testing.assert_allclose(means[0], w @ A[1])
    np.testing.assert_allclose(abs_means[0], w @ np.abs(A[1]))
