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


def _huge_rows(n_features, seed=0):
    """13 finite rows at the top of the float range, of mixed signs, then 6 rows
    whose products stay in range (large and ordinary ones)."""
    rng = np.random.default_rng(seed)
    U = rng.choice([-1.0, 1.0], size=(12, n_features)) * rng.uniform(0.1, 1, (12, n_features))
    mixed = np.r_[1e308, -1e307, 1.0, np.zeros(n_features - 3)]
    in_range = rng.normal(size=(6, n_features)) * [[1e290], [-1e280], [1e100], [1], [1], [0]]
    return np.vstack([U * 1e308, mixed, in_range])


def _predictions(est, method, X):
    """``method`` on ``X`` through each way in: single rows (the fast path), one
    batch (the inference plan) and sparse input (the generic pass)."""
    predict = getattr(est, method)
    return {
        "rows": np.vstack([predict(X[i : i + 1]) for i in range(len(X))]),
        "batch": predict(X),
        "sparse": predict(sp.csr_array(X)),
    }


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # scikit-learn's pass overflows
@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_huge_rows_give_probabilities(activation, n_classes):
    from sklearn.neural_network import MLPClassifier

    X, y = load_digits(n_class=n_classes, return_X_y=True)
    X = X[:, :8] / 16
    mlp = MLPClassifier(
        hidden_layer_sizes=(8, 8), activation=activation, max_iter=100, random_state=0
    ).fit(X, y)
    # Large first-layer weights: a huge row overflows it, and inf - inf follows.
    mlp.coefs_[0] *= 100
    clf = PrunedMLPClassifier.from_mlp(mlp)
    rows = _huge_rows(8)
    theirs = mlp.predict_proba(rows)
    # Unbounded hidden layers pass inf on, and inf - inf gives NaN; tanh and
    # logistic ones saturate instead.
    assert np.isnan(theirs).any() == (activation in ("relu", "identity"))
    for path, P in _predictions(clf, "predict_proba", rows).items():
        assert np.isfinite(P).all(), path
        assert (P >= 0).all(), path
        np.testing.assert_allclose(P.sum(axis=1), 1, rtol=1e-12, err_msg=path)
        # Rows that overflow nothing: scikit-learn's probabilities. (Where a
        # sum overflows, both passes are only as exact as their rounding.)
        np.testing.assert_allclose(P[13:], theirs[13:], rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(
        clf.predict(rows), clf.classes_[clf.predict_proba(rows).argmax(axis=1)]
    )


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # scikit-learn's pass overflows
def test_huge_rows_give_the_exact_probabilities_of_a_homogeneous_network():
    from sklearn.neural_network import MLPClassifier

    X, y = load_digits(n_class=4, return_X_y=True)
    X = X[:, :8] / 16
    mlp = MLPClassifier(hidden_layer_sizes=(8, 8), max_iter=100, random_state=0).fit(X, y)
    mlp.coefs_[0] *= 100
    # Without biases a ReLU network is positively homogeneous: the logits
    # of c * u are c times those of u, which gives the exact answer.
    mlp.intercepts_ = [np.zeros_like(b) for b in mlp.intercepts_]
    clf = PrunedMLPClassifier.from_mlp(mlp)
    rows = _huge_rows(8)
    scale = np.maximum(np.abs(rows).max(axis=1, keepdims=True), 1.0)
    unit = forward(rows / scale, mlp.coefs_, mlp.intercepts_, "relu", "identity")[-1]
    unit -= unit.max(axis=1, keepdims=True)
    expected = np.exp(scale * unit)
    expected /= expected.sum(axis=1, keepdims=True)
    for path, P in _predictions(clf, "predict_proba", rows).items():
        np.testing.assert_allclose(P, expected, rtol=1e-9, atol=1e-300, err_msg=path)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # scikit-learn's pass overflows
@pytest.mark.parametrize("activation", ["relu", "tanh", "identity"])
def test_huge_rows_give_no_nan_in_regression(activation):
    from sklearn.neural_network import MLPRegressor

    X, _ = load_digits(return_X_y=True)
    X = X[:300, :8] / 16
    Y = X[:, :2] * 3 - 1
    mlp = MLPRegressor(
        hidden_layer_sizes=(8, 8), activation=activation, max_iter=100, random_state=0
    ).fit(X, Y)
    mlp.coefs_[0] *= 100
    reg = PrunedMLPRegressor.from_mlp(mlp)
    rows = _huge_rows(8)
    theirs = mlp.predict(rows)
    assert np.isnan(theirs).any() == (activation != "tanh")
    for path, P in _predictions(reg, "predict", rows).items():
        assert not np.isnan(P).any(), path
        np.testing.assert_allclose(P[13:], theirs[13:], rtol=1e-9, err_msg=path)
        if activation == "identity":
            # A linear network's output past the float range: inf, as
            # scikit-learn's where its pass does not meet inf - inf first.
            signs = np.sign(rows @ np.linalg.multi_dot(mlp.coefs_))
            overflowed = np.isinf(theirs)
            np.testing.assert_array_equal(
                np.isinf(P) & overflowed, overflowed & np.isinf(signs * np.inf)
            )
