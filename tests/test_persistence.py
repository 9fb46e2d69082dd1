"""Saving and loading fitted models: skops.io (safe) and joblib (pickle)."""

import joblib
import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skprune import PrunedMLPClassifier, PrunedMLPRegressor

sio = pytest.importorskip("skops.io")

# What a skops file of a skprune model asks the user to trust beyond skops'
# defaults (numpy, scikit-learn): skprune's own estimators, and scipy's CSR
# array (skops 0.16 trusts sparse data by its base class name only; its
# content is read with numpy's allow_pickle=False, so it runs no code).
TRUSTABLE = {
    "scipy.sparse._csr.csr_array",
    "skprune._classifier.PrunedMLPClassifier",
    "skprune._regressor.PrunedMLPRegressor",
}


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:600], y[:600]


def fitted_models(X, y):
    params = dict(hidden_layer_sizes=(32,), max_iter=40, random_state=0)
    classifier = make_pipeline(
        StandardScaler(),
        PrunedMLPClassifier(sparsity=0.8, n_prune_steps=2, retrain_iter=10, **params),
    ).fit(X, y)
    # Two targets: multi-output regression, with neuron removal.
    Y = np.c_[X[:, 20], X[:, 43]] / 16
    regressor = PrunedMLPRegressor(neuron_threshold=0.05, **params).fit(X / 16, Y)
    return [(classifier, X), (regressor, X / 16)]


def outputs(model, X):
    out = [model.predict(X)]
    if hasattr(model, "predict_proba"):
        out.append(model.predict_proba(X))
    return out


def test_skops_round_trip(digits, tmp_path):
    X, y = digits
    for i, (model, X_in) in enumerate(fitted_models(X, y)):
        path = tmp_path / f"model{i}.skops"
        sio.dump(model, path)
        untrusted = sio.get_untrusted_types(file=path)
        assert set(untrusted) <= TRUSTABLE
        # Nothing loads until the user says what they trust.
        with pytest.raises(Exception, match="Untrusted types"):
            sio.load(path)
        loaded = sio.load(path, trusted=untrusted)
        for a, b in zip(outputs(model, X_in), outputs(loaded, X_in)):
            np.testing.assert_array_equal(a, b)
        network = loaded[-1] if hasattr(loaded, "steps") else loaded
        assert all(type(W).__name__ == "csr_array" for W in network.coefs_)


@pytest.mark.parametrize("mmap_mode", [None, "r"])
def test_joblib_round_trip(digits, tmp_path, mmap_mode):
    X, y = digits
    for i, (model, X_in) in enumerate(fitted_models(X, y)):
        path = tmp_path / f"model{i}.joblib"
        joblib.dump(model, path)
        # Memory-mapped, read-only arrays: predict must never write to them.
        loaded = joblib.load(path, mmap_mode=mmap_mode)
        for a, b in zip(outputs(model, X_in), outputs(loaded, X_in)):
            np.testing.assert_array_equal(a, b)
