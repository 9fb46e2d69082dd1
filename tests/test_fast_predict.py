"""The predict fast path: same results and errors as full validation, nothing written."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError
from sklearn.neural_network import MLPClassifier

from skprune import PrunedMLPClassifier, PrunedMLPRegressor
from skprune._net.inference import _all_finite


def _data(n=120, n_features=6, n_classes=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_features))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5) * (n_classes - 2)
    return X, y


def _fitted(cls, dtype, n_classes=3, **params):
    X, y = _data(n_classes=n_classes)
    params = {"hidden_layer_sizes": (8,), "max_iter": 30, "random_state": 0, **params}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cls(sparsity=0.5, **params).fit(X.astype(dtype), y)


def _methods(est):
    if isinstance(est, PrunedMLPClassifier):
        return ("predict", "predict_proba", "predict_log_proba")
    return ("predict",)


def _full_path(est, method, X, monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(type(est), "_forward_fast", lambda self, X: None)
        return getattr(est, method)(X)


def _spy(est, monkeypatch):
    taken = []
    original = type(est)._forward_fast

    def spy(self, X):
        out = original(self, X)
        taken.append(out is not None)
        return out

    monkeypatch.setattr(type(est), "_forward_fast", spy)
    return taken


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")
@pytest.mark.parametrize("cls", [PrunedMLPClassifier, PrunedMLPRegressor])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n", [1, 2, 7, 300, 2000])
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_fast_path_equals_full_path(cls, dtype, n, order, n_classes, monkeypatch):
    est = _fitted(cls, dtype, n_classes=n_classes)
    X = np.asarray(_data(n=n, seed=1)[0], dtype=dtype, order=order)
    taken = _spy(est, monkeypatch)
    for method in _methods(est):
        fast = getattr(est, method)(X)
        full = _full_path(est, method, X, monkeypatch)
        np.testing.assert_array_equal(fast, full)
        assert fast.dtype == full.dtype and fast.shape == full.shape
    assert taken and all(taken)


@pytest.mark.parametrize("cls", [PrunedMLPClassifier, PrunedMLPRegressor])
@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")
def test_other_inputs_take_the_full_path_with_the_same_results(cls, monkeypatch):
    est = _fitted(cls, np.float64)
    X = _data(n=9, seed=2)[0]
    expected = {m: getattr(est, m)(X) for m in _methods(est)}
    strided = np.zeros((X.shape[0], 2 * X.shape[1]))
    strided[:, ::2] = X
    others = [
        X.tolist(),
        sp.csr_array(X),
        sp.csc_matrix(X),
        X.astype(np.float32),  # another dtype than the fitted one
        strided[:, ::2],  # not contiguous
    ]
    taken = _spy(est, monkeypatch)
    for other in others:
        taken.clear()
        for method in _methods(est):
            got = getattr(est, method)(other)
            np.testing.assert_allclose(
                np.asarray(got, dtype=float), expected[method], rtol=1e-5, atol=1e-6
            )
        assert taken and not any(taken), type(other)


def _message(callable_, *args):
    with pytest.raises(Exception) as info:
        callable_(*args)
    return type(info.value), str(info.value)


@pytest.mark.filterwarnings("ignore:the matrix subclass:PendingDeprecationWarning")
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_errors_are_sklearns(dtype, monkeypatch):
    est = _fitted(PrunedMLPClassifier, dtype)
    X, y = _data()
    mlp = MLPClassifier(hidden_layer_sizes=(4,), max_iter=5).fit(X, y)
    bad = {
        "nan": np.array([[np.nan] + [0.0] * 5], dtype=dtype),
        "inf": np.array([[np.inf] + [0.0] * 5], dtype=dtype),
        "-inf": np.array([[0.0] * 5 + [-np.inf]], dtype=dtype),
        "nan, many rows": np.vstack(
            [np.zeros((3000, 6)), np.full((1, 6), np.nan)]
        ).astype(dtype),
        "width": np.zeros((1, 5), dtype=dtype),
        "1-d": np.zeros(6, dtype=dtype),
        "0 rows": np.zeros((0, 6), dtype=dtype),
        "3-d": np.zeros((1, 6, 1), dtype=dtype),
        "np.matrix": np.asmatrix(np.zeros((1, 6), dtype=dtype)),  # a subclass
    }
    for name, Xbad in bad.items():
        for method in ("predict", "predict_proba"):
            ours = _message(getattr(est, method), Xbad)
            theirs = _message(getattr(mlp, method), Xbad)
            assert ours[0] is theirs[0], name
            assert ours[1] == theirs[1].replace("MLPClassifier", "PrunedMLPClassifier")
            assert ours == _message(
                lambda X, m=method: _full_path(est, m, X, monkeypatch), Xbad
            )


@pytest.mark.parametrize("n", [1, 2000])
def test_a_huge_finite_sum_is_still_predicted(n, monkeypatch):
    est = _fitted(PrunedMLPClassifier, np.float32)
    X = np.full((n, 6), np.finfo(np.float32).max / 2, dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the check itself warns of no overflow
        assert _all_finite(X) == (n == 1)
        assert not _all_finite(np.where(np.arange(6) == 3, np.nan, X))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the network's products overflow
        np.testing.assert_array_equal(
            est.predict_proba(X), _full_path(est, "predict_proba", X, monkeypatch)
        )


def test_unfitted_raises_not_fitted():
    with pytest.raises(NotFittedError):
        PrunedMLPClassifier().predict(np.zeros((1, 3)))


def test_feature_names_take_the_full_path():
    pd = pytest.importorskip("pandas")
    X, y = _data()
    frame = pd.DataFrame(X, columns=["f%d" % i for i in range(6)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = PrunedMLPClassifier(hidden_layer_sizes=(8,), max_iter=30).fit(frame, y)
    expected = est.predict_proba(frame.iloc[:1])
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        got = est.predict_proba(X[:1])
    np.testing.assert_array_equal(got, expected)
    renamed = frame.rename(columns={"f0": "g0"})
    with pytest.raises(ValueError, match="feature names"):
        est.predict(renamed.iloc[:1])


def test_replaced_weights_are_used(monkeypatch):
    est = _fitted(PrunedMLPRegressor, np.float64)
    X = _data(n=3, seed=3)[0]
    before = est.predict(X)
    est.intercepts_ = [b + 1.0 for b in est.intercepts_]
    taken = _spy(est, monkeypatch)
    after = est.predict(X)
    assert not any(taken)
    assert not np.allclose(before, after)


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")
@pytest.mark.parametrize("cls", [PrunedMLPClassifier, PrunedMLPRegressor])
def test_predict_never_writes_to_the_estimator(cls):
    est = _fitted(cls, np.float64)
    before = pickle.dumps(est)
    attributes = {k: id(v) for k, v in vars(est).items()}
    X = _data(n=1, seed=4)[0]
    for method in _methods(est):
        getattr(est, method)(X)
        getattr(est, method)(np.asfortranarray(_data(n=5, seed=4)[0]))
    assert {k: id(v) for k, v in vars(est).items()} == attributes
    assert pickle.dumps(est) == before
