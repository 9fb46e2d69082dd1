"""Start a pruned estimator from a fitted scikit-learn MLPClassifier or MLPRegressor.

The weights, biases, architecture, activation, output activation, classes
(the label binarizer) and the input's width and feature names are taken from
the fitted model; the estimator is set up as if a previous ``fit`` had left
them, with ``warm_start=True``, so that its next ``fit`` prunes and retrains
from these weights through the ordinary warm-start path. Nothing of the
scikit-learn model's training is kept: its solver state (Adam moments,
momentum velocities, L-BFGS memory), learning-rate schedule, loss curve,
iteration counts, ``batch_size`` and ``shuffle`` have no counterpart in
full-batch pruning, and every training parameter is the pruned estimator's
own (its defaults, or those passed).
"""

import copy

import numpy as np
from sklearn import get_config
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from ._fit.finish import finish
from ._fit.loop import Record
from ._net.surgery import Network

#: The pruned estimator's loss for each output activation of a scikit-learn MLP.
_LOSSES = {
    "softmax": "log_loss",
    "logistic": "binary_log_loss",
    "identity": "squared_error",
}

#: Parameters taken from the scikit-learn model, which ``params`` may not change.
_KEPT = ("hidden_layer_sizes", "activation")


def _check_mlp(mlp, mlp_class, cls):
    if not isinstance(mlp, mlp_class):
        raise TypeError(
            "%s.from_mlp takes a fitted %s; got %s. Pass a pipeline's last step "
            "(pipeline[-1]) and fit on the data the earlier steps transform."
            % (cls.__name__, mlp_class.__name__, type(mlp).__name__)
        )
    try:
        check_is_fitted(mlp, "coefs_")
    except NotFittedError as exc:
        raise NotFittedError(
            "%s.from_mlp needs a fitted %s: call its fit first, or fit a %s "
            "from scratch." % (cls.__name__, type(mlp).__name__, cls.__name__)
        ) from exc
    if mlp.out_activation_ not in _LOSSES:
        raise ValueError(
            "%s.from_mlp keeps the output activation, and %s's %r (loss=%r) has "
            "no counterpart here: the pruned estimators train with %s."
            % (
                cls.__name__,
                type(mlp).__name__,
                mlp.out_activation_,
                getattr(mlp, "loss", None),
                "the log-loss" if "Classifier" in cls.__name__ else "the squared error",
            )
        )


def _check_params(mlp, params, cls):
    hidden = tuple(int(W.shape[1]) for W in mlp.coefs_[:-1])
    kept = {"hidden_layer_sizes": hidden, "activation": mlp.activation}
    for name in _KEPT:
        if name in params:
            given = params[name]
            if name == "hidden_layer_sizes":
                given = tuple(np.atleast_1d(given).tolist())
            if given != kept[name]:
                raise ValueError(
                    "from_mlp keeps the fitted network's %s=%r; got %s=%r. Fit a "
                    "new %s to change it."
                    % (name, kept[name], name, params[name], cls.__name__)
                )
    if params.get("warm_start") is False:
        raise ValueError(
            "from_mlp starts from the fitted weights through warm_start=True; "
            "warm_start=False would discard them. Fit a new %s instead." % cls.__name__
        )
    return {**params, **kept, "warm_start": True}


def from_mlp(cls, mlp, params, mlp_class, target_attrs):
    """A ``cls`` carrying ``mlp``'s fitted network, ready for a warm-start ``fit``.

    ``target_attrs(mlp)`` gives the subclass's target attributes (the label
    binarizer and classes for a classifier).
    """
    _check_mlp(mlp, mlp_class, cls)
    if not get_config()["skip_parameter_validation"]:
        # The parameters as given, through fit's constraints and messages,
        # before anything is derived from them.
        cls(**params)._validate_params()
    est = cls(**_check_params(mlp, params, cls))
    coefs = [np.array(W) for W in mlp.coefs_]
    intercepts = [np.array(b) for b in mlp.intercepts_]
    layer_units = (int(mlp.n_features_in_),) + tuple(int(W.shape[1]) for W in coefs)
    config = est._config(_LOSSES[mlp.out_activation_], layer_units, sparsity=est.sparsity)
    # Finished as any fit is, without rows: nothing to check or share yet.
    fitted = finish(config, None, Network(coefs, intercepts, None), Record(), [], None)
    fitted.update(
        n_features_in_=int(mlp.n_features_in_),
        out_activation_=mlp.out_activation_,
        **target_attrs(mlp),
    )
    if hasattr(mlp, "feature_names_in_"):
        fitted["feature_names_in_"] = np.array(mlp.feature_names_in_, dtype=object)
    est._adopt(fitted)
    return est


def classifier_targets(mlp):
    binarizer = copy.deepcopy(mlp._label_binarizer)
    return {"_label_binarizer": binarizer, "classes_": binarizer.classes_}


def regressor_targets(mlp):
    return {}
