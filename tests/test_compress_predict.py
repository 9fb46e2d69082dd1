"""Prediction without ``validate_data`` for input it would pass unchanged.

The fast path must give the very result of the validated path, and every
input it does not take must meet the same errors and warnings as before.
"""

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_digits

from skprune import PrunedMLPClassifier, PrunedMLPRegressor
from skprune import _inference
from skprune._network import predict_output


def _fit(cls, dtype=np.float64, names=False):
    X, y = load_digits(return_X_y=True)
    X = (X[:300] / 16).astype(dtype)
    if names:
        X = pd.DataFrame(X, columns=["f%d" % i for i in range(X.shape[1])])
    est = cls((20,), sparsity=0.7, max_iter=20, random_state=0)
    return est.fit(X, y[:300]), np.asarray(X)


@pytest.fixture
def count_validation(monkeypatch):
    """How many times ``validate_data`` ran at predict time."""
    calls = []
    original = _inference.validate_data

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(_inference, "validate_data", counted)
    return calls


@pytest.mark.parametrize("cls", [PrunedMLPClassifier, PrunedMLPRegressor])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("n", [1, 3, 70])
def test_fast_path_is_taken_and_equals_generic_pass(
    cls, dtype, order, n, count_validation
):
    est, X = _fit(cls, dtype)
    rows = np.asarray(X[:n], order=order)
    got = est.predict_proba(rows) if cls is PrunedMLPClassifier else est.predict(rows)
    assert count_validation == []
    out = predict_output(
        rows, est.coefs_, est.intercepts_, est.activation, est.out_activation_
    )
    if cls is PrunedMLPClassifier:
        expected = out
        np.testing.assert_array_equal(est.predict(rows), est.classes_[out.argmax(1)])
    else:
        expected = out.ravel()
    assert got.dtype == dtype
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)


@pytest.mark.parametrize(
    "make",
    [
        lambda X: X[:4:2].tolist(),  # a list
        lambda X: X[:4:2],  # not contiguous
        lambda X: X[:4:2].astype(np.float32),  # another dtype than the model's
        lambda X: np.round(X[:4:2] * 16).astype(np.int64),
    ],
    ids=["list", "strided", "float32", "int64"],
)
def test_other_inputs_are_validated_and_agree(make, count_validation):
    est, X = _fit(PrunedMLPClassifier)
    rows = make(X)
    got = est.predict_proba(rows)
    assert len(count_validation) == 1
    expected = est.predict_proba(np.array(rows, dtype=np.float64))
    assert len(count_validation) == 1  # a C-ordered float64 copy: fast path
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("method", ["predict", "predict_proba"])
def test_non_finite_rows_raise_the_validation_error(value, method):
    est, X = _fit(PrunedMLPClassifier)
    row = X[:1].copy()
    row[0, 3] = value
    with pytest.raises(ValueError, match="Input X contains (NaN|infinity)"):
        getattr(est, method)(row)


def test_overflowing_sum_of_finite_values_is_predicted(count_validation):
    est, X = _fit(PrunedMLPRegressor, np.float32)
    row = np.full((1, X.shape[1]), 3e37, dtype=np.float32)
    got = est.predict(row)
    assert len(count_validation) == 1  # the sum overflowed: fully checked
    out = predict_output(
        row, est.coefs_, est.intercepts_, est.activation, est.out_activation_
    )
    np.testing.assert_array_equal(got, out.ravel())


@pytest.mark.parametrize("width", [63, 65])
def test_wrong_width_raises_the_validation_error(width):
    est, _ = _fit(PrunedMLPRegressor)
    with pytest.raises(ValueError, match="expecting 64 features"):
        est.predict(np.zeros((1, width)))


def test_one_dimensional_and_empty_inputs_raise_as_before():
    est, _ = _fit(PrunedMLPClassifier)
    with pytest.raises(ValueError, match="Expected 2D array"):
        est.predict(np.zeros(64))
    with pytest.raises(ValueError, match="0 sample"):
        est.predict(np.zeros((0, 64)))


def test_matrix_input_is_refused_as_before():
    est, X = _fit(PrunedMLPClassifier)
    with pytest.raises(TypeError, match="np.matrix is not supported"):
        est.predict_proba(np.asmatrix(X[:1]))


def test_fitted_with_feature_names_still_warns(count_validation):
    est, X = _fit(PrunedMLPClassifier, names=True)
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        est.predict(X[:1])
    assert len(count_validation) == 1


def test_replaced_coefs_bypass_the_fast_path(count_validation):
    est, X = _fit(PrunedMLPRegressor)
    before = est.predict(X[:1])
    est.coefs_ = [W * 2 for W in est.coefs_]
    after = est.predict(X[:1])
    assert len(count_validation) == 1
    assert not np.allclose(before, after)


def test_unfitted_raises_not_fitted():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        PrunedMLPClassifier().predict(np.zeros((1, 3)))
