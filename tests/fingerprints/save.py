"""Save fitted models as pickle, joblib and skops files, with what they predict.

    python tests/fingerprints/save.py ERA

writes ``saved/ERA/`` next to this script: each model in the three formats and
``expected.npz``, the predictions of the model as fitted. Run with the
package of a past release on the path to keep files as that release wrote
them; ``tests/test_fingerprints.py`` loads every file and compares.
"""

import os
import pickle
import sys
import warnings

import joblib
import numpy as np
from sklearn.datasets import load_digits, make_regression

HERE = os.path.dirname(os.path.abspath(__file__))


def inputs(name):
    """``(X, y)`` the model ``name`` was fitted on."""
    if "regressor" in name:
        X, y = make_regression(160, 8, noise=1.0, random_state=0)
        return X, y / np.abs(y).max()
    X, y = load_digits(return_X_y=True)
    return X[:300] / 16, y[:300]


def models():
    """``{name: (fitted model, X)}`` of what users save, as far as the package has it."""
    import skprune
    from skprune import MagnitudeCriterion, PrunedMLPClassifier, PrunedMLPRegressor

    (X, y), (Xr, yr) = inputs("classifier"), inputs("regressor")
    small = dict(hidden_layer_sizes=(16,), max_iter=60, random_state=0)
    fitted = {
        "classifier": PrunedMLPClassifier(sparsity=0.8, n_prune_steps=2, **small).fit(X, y),
        "regressor": PrunedMLPRegressor(neuron_threshold=0.05, **small).fit(Xr, yr),
        "criterion_instance": PrunedMLPClassifier(
            sparsity=0.7, n_prune_steps=2, criterion=MagnitudeCriterion(), **small
        ).fit(X, y),
    }
    if "weight_bits" in PrunedMLPClassifier().get_params():
        fitted["shared_weights"] = PrunedMLPClassifier(
            sparsity=0.8, n_prune_steps=2, weight_bits=3, **small).fit(X, y)
    if hasattr(skprune, "PrunedMLPClassifierCV"):
        fitted["cv"] = skprune.PrunedMLPClassifierCV(
            sparsities=[0.5, 0.8], cv=2, n_prune_steps=2, **small).fit(X, y)
    return {name: (m, inputs(name)[0]) for name, m in fitted.items()}


def predictions(model, X):
    out = {"predict": np.asarray(model.predict(X))}
    if hasattr(model, "predict_proba"):
        out["predict_proba"] = model.predict_proba(X)
    return out


def main(era):
    import skops.io as sio

    folder = os.path.join(HERE, "saved", era)
    os.makedirs(folder, exist_ok=True)
    expected = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, (model, X) in models().items():
            with open(os.path.join(folder, name + ".pkl"), "wb") as f:
                pickle.dump(model, f)
            joblib.dump(model, os.path.join(folder, name + ".joblib"))
            sio.dump(model, os.path.join(folder, name + ".skops"))
            for key, value in predictions(model, X).items():
                expected[name + "." + key] = value
    np.savez_compressed(os.path.join(folder, "expected.npz"), **expected)
    print("saved %d models in %s" % (len(expected) and len({k.split('.')[0] for k in expected}),
                                      folder))


if __name__ == "__main__":
    main(sys.argv[1])
