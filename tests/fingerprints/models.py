"""The models whose fitted weights and predictions are fingerprinted.

Every configuration of ``tests/test_common.py``, the recipe for large
problems at a small size, a pruning path's levels and a model started from a
scikit-learn MLP, each fitted on small fixed data with one BLAS thread.
``python tests/fingerprints/record.py`` writes their fingerprints to
``fingerprints.json``; ``tests/test_fingerprints.py`` refits them and compares.
"""

import contextlib
import copy
import hashlib

import numpy as np
from sklearn.base import clone
from sklearn.datasets import load_digits, make_regression


def datasets():
    """``(X, y)`` for classification (240 rows of digits) and for regression."""
    X, y = load_digits(return_X_y=True)
    X_clf, y_clf = X[:240] / 16, y[:240]
    X_reg, y_reg = make_regression(160, 8, n_informative=5, noise=1.0, random_state=0)
    return (X_clf, y_clf), (X_reg, y_reg / np.abs(y_reg).max())


def _common_estimators():
    import test_common

    return [clone(e).set_params(random_state=0) for e in test_common.ESTIMATORS]


@contextlib.contextmanager
def large_recipe():
    """The recipe for large problems, applied to the small data (cut-off at zero)."""
    from skprune._fit import recipes as _recipes

    saved = _recipes.LARGE_PROBLEM
    _recipes.LARGE_PROBLEM = 0
    try:
        yield
    finally:
        _recipes.LARGE_PROBLEM = saved


def fitted_models():
    """``{name: (fitted model, X to predict)}``, fitted in a fixed order."""
    from sklearn.neural_network import MLPClassifier

    from skprune import PrunedMLPClassifier, PrunedMLPRegressor, pruning_path

    (Xc, yc), (Xr, yr) = datasets()
    models = {}
    for k, est in enumerate(_common_estimators()):
        regression = "Regressor" in type(est).__name__
        X, y = (Xr, yr) if regression else (Xc, yc)
        models["common%02d" % k] = (est.fit(X, y), X)
    with large_recipe():
        for s in (None, 0.9):
            est = PrunedMLPClassifier((32,), sparsity=s, random_state=0)
            models["large_recipe_sparsity%s" % s] = (est.fit(Xc, yc), Xc)
        lbfgs = PrunedMLPClassifier((32,), sparsity=0.9, retrain_solver="lbfgs",
                                    random_state=0)
        models["large_recipe_lbfgs"] = (lbfgs.fit(Xc, yc), Xc)
    base = PrunedMLPClassifier((32,), max_iter=100, random_state=0)
    levels, path = pruning_path(base, Xc, yc, [0.5, 0.8, 0.9])
    for level, model in zip(levels, path):
        models["path_%.1f" % level] = (model, Xc)
    reg_levels, reg_path = pruning_path(
        PrunedMLPRegressor((16,), random_state=0), Xr, yr, [0.5, 0.8])
    for level, model in zip(reg_levels, reg_path):
        models["regressor_path_%.1f" % level] = (model, Xr)
    mlp = MLPClassifier((24,), max_iter=60, random_state=0).fit(Xc, yc)
    started = PrunedMLPClassifier.from_mlp(mlp, sparsity=0.8, random_state=0)
    models["from_mlp_unfitted"] = (copy.deepcopy(started), Xc)
    models["from_mlp"] = (started.fit(Xc, yc), Xc)
    return models


def outputs(model, X):
    """What a user reads from a fitted model: its arrays and its predictions."""
    out = {"predict": np.asarray(model.predict(X))}
    if hasattr(model, "predict_proba"):
        out["predict_proba"] = np.asarray(model.predict_proba(X))
    for i, W in enumerate(model.coefs_):
        W = W.tocsr()
        out["coefs_%d.indptr" % i] = W.indptr
        out["coefs_%d.indices" % i] = W.indices
        out["coefs_%d.data" % i] = W.data
    for i, b in enumerate(model.intercepts_):
        out["intercepts_%d" % i] = np.asarray(b)
    return out


def digest(array):
    """SHA-256 of an array's dtype, shape and bytes."""
    array = np.ascontiguousarray(array)
    h = hashlib.sha256(str(array.dtype.str).encode() + str(array.shape).encode())
    h.update(array.tobytes())
    return h.hexdigest()[:16]


def environment():
    """What bitwise reproducibility depends on: library versions, the BLAS, and
    the SIMD extensions numpy dispatches to (AVX-512 kernels round differently)."""
    import platform

    import scipy
    import sklearn
    from threadpoolctl import threadpool_info

    blas = sorted("%s %s %s" % (i.get("internal_api"), i.get("version"),
                                i.get("architecture")) for i in threadpool_info()
                  if i.get("user_api") == "blas")
    return {"numpy": np.__version__, "scipy": scipy.__version__,
            "scikit-learn": sklearn.__version__, "machine": platform.machine(),
            "blas": blas, "simd": np.show_config(mode="dicts")["SIMD Extensions"]["found"]}
