"""The inference plan: derived, never stale, never written at predict time."""

import copy
import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_digits

from skprune import PrunedMLPClassifier, PrunedMLPRegressor
from skprune._net.inference import InferencePlan
from skprune._net.network import forward
from skprune._net.storage import pack_csr, unpack_csr


def _network(rng, widths, density, dtype):
    coefs, intercepts = [], []
    for fan_in, fan_out in zip(widths[:-1], widths[1:]):
        W = sp.random_array(
            (fan_in, fan_out), density=density, format="csr", rng=rng, dtype=dtype
        )
        coefs.append(W)
        intercepts.append(rng.normal(size=fan_out).astype(dtype))
    return coefs, intercepts


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("density", [1.0, 0.3, 0.05, 0.0])
@pytest.mark.parametrize("n", [1, 2, 64, 700])
@pytest.mark.parametrize("form", ["chosen", "sparse", "dense"])
def test_plan_equals_dense_forward(dtype, density, n, form):
    rng = np.random.default_rng(0)
    coefs, intercepts = _network(rng, [50, 40, 30, 3], density, dtype)
    plan = InferencePlan(coefs, intercepts)
    if form != "chosen":
        # Force one form: both kernels must compute the same thing.
        for layer, W in zip(plan.layers, coefs):
            dense = W.toarray()
            layer.sparse = W.T.tocsr() if form == "sparse" else None
            layer.dense = dense if form == "dense" else None
    X = rng.normal(size=(n, 50)).astype(dtype)
    got = plan.forward(X, "tanh", "softmax")
    dense = [W.toarray() for W in coefs]
    expected = forward(X, dense, intercepts, "tanh", "softmax")[-1]
    assert got.dtype == dtype
    np.testing.assert_allclose(
        got, expected, rtol=1e-5 if dtype == np.float32 else 1e-12
    )


@pytest.fixture(scope="module")
def fitted():
    X, y = load_digits(return_X_y=True)
    X = X[:400] / 16
    clf = PrunedMLPClassifier((40, 20), sparsity=0.8, max_iter=30, random_state=0)
    return clf.fit(X, y[:400]), X


def test_predict_writes_nothing(fitted):
    clf, X = fitted
    before = dict(clf.__dict__)
    for n in (1, 5, 300):
        clf.predict(X[:n])
        clf.predict_proba(X[:n])
    assert clf.__dict__.keys() == before.keys()
    assert all(clf.__dict__[k] is before[k] for k in before)


def test_plan_is_not_pickled_and_is_rebuilt(fitted):
    clf, X = fitted
    assert "_plan" in clf.__dict__
    state = clf.__getstate__()
    assert "_plan" not in state
    loaded = pickle.loads(pickle.dumps(clf))
    assert loaded._plan.matches(loaded.coefs_, loaded.intercepts_)
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    twin = copy.deepcopy(clf)
    np.testing.assert_array_equal(twin.predict_proba(X), clf.predict_proba(X))


def test_replaced_coefs_are_used(fitted):
    """coefs_ is the source of truth: weights set by hand are what predicts."""
    clf, X = fitted
    clf = copy.deepcopy(clf)
    before = clf.predict_proba(X)
    # A new list: scaled weights.
    clf.coefs_ = [W * 3 for W in clf.coefs_]
    expected = forward(
        X,
        [W.toarray() for W in clf.coefs_],
        clf.intercepts_,
        clf.activation,
        clf.out_activation_,
    )[-1]
    # Subnormal probabilities (below 2.2e-308) carry fewer significant digits.
    np.testing.assert_allclose(clf.predict_proba(X), expected, rtol=1e-12, atol=1e-300)
    assert not np.allclose(clf.predict_proba(X), before)
    # An element of the list replaced, dense this time.
    clf.coefs_[0] = clf.coefs_[0].toarray() / 3
    clf.intercepts_[1] = clf.intercepts_[1] + 1
    expected = forward(
        X,
        [W if isinstance(W, np.ndarray) else W.toarray() for W in clf.coefs_],
        clf.intercepts_,
        clf.activation,
        clf.out_activation_,
    )[-1]
    np.testing.assert_allclose(clf.predict_proba(X), expected, rtol=1e-12)


def test_fitted_weights_cannot_be_edited_in_place(fitted):
    """An in-place edit would leave the plan stale: it raises instead."""
    clf, _ = fitted
    with pytest.raises(ValueError, match="read-only"):
        clf.coefs_[0].data[0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        clf.intercepts_[0][0] = 1.0


@pytest.mark.parametrize("kind", ["float32 model, float64 X", "sparse X"])
def test_inputs_the_plan_does_not_take(kind):
    X, y = load_digits(return_X_y=True)
    X = (X[:300] / 16).astype(np.float32)
    reg = PrunedMLPRegressor(
        (30,), sparsity=0.5, weight_threshold=0, neuron_threshold=0, random_state=0
    )
    reg.fit(X, X[:, 20])
    if kind == "sparse X":
        Xp = sp.csr_array(X)
        expected = reg.predict(X)
        # float32 rounding of two summation orders: relative on large
        # outputs, absolute near zero.
        np.testing.assert_allclose(reg.predict(Xp), expected, rtol=1e-5, atol=1e-6)
    else:
        Xp = X.astype(np.float64)
        expected = forward(
            Xp,
            [W.toarray().astype(np.float64) for W in reg.coefs_],
            [b.astype(np.float64) for b in reg.intercepts_],
            reg.activation,
            "identity",
        )[-1].ravel()
        got = reg.predict(Xp)
        assert got.dtype == np.float64
        np.testing.assert_allclose(got, expected, rtol=1e-6)


@pytest.mark.parametrize("shape", [(30, 20), (5, 70000), (1, 1)])
@pytest.mark.parametrize("density", [0.0, 0.001, 0.1, 0.9, 1.0])
def test_pack_csr_round_trip(shape, density):
    W = sp.random_array(shape, density=density, format="csr", rng=1, dtype=np.float32)
    back = unpack_csr(pack_csr(W))
    assert back.shape == W.shape and back.dtype == W.dtype
    np.testing.assert_array_equal(back.toarray(), W.toarray())
    assert back.nnz == W.nnz


@pytest.mark.parametrize("target", ["binary", "multiclass", "strings", "multilabel"])
def test_predict_decodes_labels_as_label_binarizer(target):
    X, y = load_digits(return_X_y=True)
    X, y = X[:300] / 16, y[:300]
    if target == "binary":
        y = y % 2
    elif target == "strings":
        y = np.array(["ant", "bee", "cat"])[y % 3]
    elif target == "multilabel":
        y = np.stack([y % 2, y > 4], axis=1)
    clf = PrunedMLPClassifier((20,), max_iter=20, random_state=0).fit(X, y)
    P = clf.predict_proba(X)
    if target == "binary":
        P = P[:, 1]
    expected = clf._label_binarizer.inverse_transform(P)
    got = clf.predict(X)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)
