"""``coefs_`` follow scikit-learn's ``sparse_interface``: csr_matrix or csr_array.

The type is chosen where every fit is finished (``skprune._fit.finish``):
``fit``, every level of a pruning path, the CV estimators' refit,
``from_mlp`` and weight-shared models alike. The numbers do not depend on
it, and a saved model loads with the type it was fitted with.
"""

import pickle
import warnings

import joblib
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import config_context
from sklearn.datasets import load_iris
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import scale

from skprune import (
    PrunedMLPClassifier,
    PrunedMLPClassifierCV,
    compression_report,
    pruning_path,
)
from skprune._net.storage import current_sharing

TYPES = {"spmatrix": sp.csr_matrix, "sparray": sp.csr_array}
SMALL = dict(hidden_layer_sizes=(8,), max_iter=40, n_prune_steps=2, retrain_iter=5,
             random_state=0)


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return scale(X), y


def _fitted(kind, X, y, **params):
    with config_context(sparse_interface=kind), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return PrunedMLPClassifier(sparsity=0.6, **{**SMALL, **params}).fit(X, y)


def test_the_default_is_scikit_learns():
    from sklearn import get_config

    assert get_config()["sparse_interface"] == "spmatrix"


@pytest.mark.parametrize("weight_bits", [None, 3])
@pytest.mark.parametrize("kind", sorted(TYPES))
def test_fit_follows_the_setting_and_predicts_the_same(iris, kind, weight_bits):
    X, y = iris
    model = _fitted(kind, X, y, weight_bits=weight_bits)
    other = _fitted("sparray" if kind == "spmatrix" else "spmatrix", X, y,
                    weight_bits=weight_bits)
    assert all(type(W) is TYPES[kind] for W in model.coefs_)
    for W, V in zip(model.coefs_, other.coefs_):
        np.testing.assert_array_equal(W.toarray(), V.toarray())
    np.testing.assert_array_equal(model.predict_proba(X), other.predict_proba(X))
    np.testing.assert_array_equal(model.predict_proba(X[:1]), other.predict_proba(X[:1]))
    np.testing.assert_array_equal(model.predict(sp.csr_matrix(X)), model.predict(X))
    ours, theirs = compression_report(model), compression_report(other)
    assert ours.keys() == theirs.keys()
    for key in ours:
        np.testing.assert_array_equal(ours[key], theirs[key], err_msg=key)
    if weight_bits:
        # The shared layers are still known as the weights' source.
        assert current_sharing(model) is not None
        assert compression_report(model)["weight_bits"] == weight_bits


@pytest.mark.parametrize("weight_bits", [None, 3])
@pytest.mark.parametrize("kind", sorted(TYPES))
def test_a_saved_model_loads_with_its_type(iris, kind, weight_bits, tmp_path):
    X, y = iris
    model = _fitted(kind, X, y, weight_bits=weight_bits)
    for load_kind in TYPES:  # the setting when loading does not matter
        with config_context(sparse_interface=load_kind):
            loaded = pickle.loads(pickle.dumps(model))
            joblib.dump(model, tmp_path / "model.joblib")
            from_joblib = joblib.load(tmp_path / "model.joblib")
        for copy in (loaded, from_joblib):
            assert all(type(W) is TYPES[kind] for W in copy.coefs_)
            np.testing.assert_array_equal(copy.predict_proba(X), model.predict_proba(X))
            assert compression_report(copy)["stored_bytes"] == \
                compression_report(model)["stored_bytes"]


@pytest.mark.parametrize("kind", sorted(TYPES))
def test_every_way_to_a_model_follows_the_setting(iris, kind):
    X, y = iris
    with config_context(sparse_interface=kind), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, models = pruning_path(PrunedMLPClassifier(**SMALL), X, y, [0.3, 0.6])
        cv = PrunedMLPClassifierCV(sparsities=[0.3, 0.6], cv=2, n_jobs=2, **SMALL).fit(X, y)
        mlp = MLPClassifier((8,), max_iter=20, random_state=0).fit(X, y)
        started = PrunedMLPClassifier.from_mlp(mlp, sparsity=0.5)
        warm = PrunedMLPClassifier.from_mlp(mlp, sparsity=0.5, max_iter=5).fit(X, y)
    for model in (*models, cv, started, warm):
        assert all(type(W) is TYPES[kind] for W in model.coefs_), model
    np.testing.assert_array_equal(started.predict_proba(X), mlp.predict_proba(X))
