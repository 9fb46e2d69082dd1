"""The pruning path: one gradual run, a fitted model at every requested sparsity.

:func:`pruning_path` is the public face of the path engine
(:mod:`skprune._fit.path`); :func:`path_models` is what every caller of the
engine uses -- the function itself, the CV estimators' fold scoring and
:class:`~skprune.PruningCurveDisplay` -- and :func:`check_levels` the one
check of the levels they are given.
"""

from numbers import Integral, Real

import numpy as np
from sklearn import get_config
from sklearn.base import clone
from sklearn.utils._param_validation import Interval, validate_parameter_constraints

from ._fit.recipes import resolve_recipe


def default_sparsities(n_levels):
    """``n_levels`` sparsities whose densities are log-spaced from 0.5 to 0.02.

    Examples
    --------
    >>> from skprune._path import default_sparsities
    >>> default_sparsities(5).tolist()
    [0.5, 0.776, 0.9, 0.955, 0.98]
    """
    if n_levels == 1:
        return np.array([0.9])
    return np.round(1 - np.geomspace(0.5, 0.02, n_levels), 3)


def check_levels(sparsities, name="sparsities", allow_count=False):
    """The sorted, distinct levels of ``sparsities``, each a float in [0, 1).

    With ``allow_count`` an int ``n`` stands for :func:`default_sparsities`.

    Examples
    --------
    >>> from skprune._path import check_levels
    >>> check_levels([0.9, 0.5, 0.9]).tolist()
    [0.5, 0.9]
    >>> check_levels(True)
    Traceback (most recent call last):
    ...
    ValueError: sparsities must be a 1-D list of floats in [0, 1), got True.
    """
    if allow_count and isinstance(sparsities, Integral) and not isinstance(sparsities, bool):
        if sparsities < 1:
            raise ValueError("%s must be an int >= 1 or a 1-D list of floats in [0, 1), "
                             "got %r." % (name, sparsities))
        return default_sparsities(int(sparsities))
    try:
        levels = np.asarray(sparsities)
    except (TypeError, ValueError):
        levels = np.array(None)
    valid = (
        levels.ndim == 1 and levels.size > 0
        and all(isinstance(s, Real) and not isinstance(s, (bool, np.bool_))
                for s in levels.tolist())
    )
    if valid:
        levels = levels.astype(np.float64)
        valid = bool(np.all((levels >= 0) & (levels < 1)))
    if not valid:
        raise ValueError("%s must be a 1-D list of floats in [0, 1), got %r."
                         % (name, sparsities))
    return np.unique(levels)


def shares_path(estimator, sparsity):
    """Whether ``estimator``'s fits at the levels up to ``sparsity`` share one run.

    They do with a schedule of more than one pruning step, or when the levels
    are reached by reconstruction from one dense fit (``reconstruct=True``;
    a path's fits are not warm starts, so 'auto' means False).
    """
    params = {**estimator.get_params(deep=False), "sparsity": sparsity}
    recipe = resolve_recipe(params)
    if recipe["reconstruct"]:
        return True
    return params["schedule"] != "one-shot" and recipe["n_prune_steps"] > 1


def path_models(estimator, X, y, levels, sample_weight=None, level_finetune=None):
    """A fitted clone of ``estimator`` at every level of sorted ``levels``, from one run.

    ``level_finetune`` is each level's fine-tune (see
    :class:`skprune._fit.path.PathPlan`). With a one-step schedule there is
    no run to share, and each level is a run of its own.
    """
    levels = [float(s) for s in levels]
    runs = [levels] if shares_path(estimator, levels[-1]) else [[s] for s in levels]
    parent_context = estimator.__dict__.get("_parent_callback_ctx")
    models = []
    for run in runs:
        model = clone(estimator).set_params(sparsity=run[-1], warm_start=False)
        if parent_context is not None:
            # A meta-estimator's callback context (clone drops it): the run
            # reports into the meta-estimator's task tree.
            model._parent_callback_ctx = parent_context
        try:
            fits = model._fit_path(X, y, sample_weight, run, level_finetune)
        finally:
            model.__dict__.pop("_parent_callback_ctx", None)
        for level, fitted in fits:
            level_model = model if level == run[-1] else clone(model).set_params(
                sparsity=level)
            level_model._adopt(fitted)
            models.append(level_model)
    return models


def check_arguments(constraints, arguments, caller):
    """Validate a function's ``arguments`` with scikit-learn's constraints and messages.

    Like :func:`sklearn.utils._param_validation.validate_params`, and
    skipped under ``skip_parameter_validation`` as it is, but without its
    renaming: an estimator's ``InvalidParameterError`` raised inside the
    function keeps the estimator's name (the decorator would blame the
    function for an estimator's ``alpha``).
    """
    if not get_config()["skip_parameter_validation"]:
        validate_parameter_constraints(constraints, arguments, caller_name=caller)


_PATH_CONSTRAINTS = {
    "sparsities": ["array-like"],
    "sample_weight": ["array-like", None],
    "finetune_iter": [Interval(Integral, 0, None, closed="left"), None],
}


def pruning_path(estimator, X, y, sparsities, *, sample_weight=None, finetune_iter=None):
    """Fit one model per sparsity level from a single gradual pruning run.

    A gradual fit to a sparsity passes through every lower sparsity on its
    way. This runs ``estimator``'s recipe once, to the highest of
    ``sparsities``, with each level in place of the nearest step of the
    recipe's schedule, so the run costs about one fit to the highest level.
    After the step that reaches a level, a copy of the network is fine-tuned
    with the pruned weights held at zero (as long as ``fit``'s own
    fine-tune, unless ``finetune_iter`` says otherwise), pruned to the level
    exactly and finished as ``fit`` finishes a model (weight sharing
    included); the run goes on from the network before the fine-tune.
    Each model is a fitted estimator like
    ``estimator.set_params(sparsity=level).fit(X, y)`` returns: CSR weights,
    removed neurons gone, ``sparsity_`` within half a weight of the level,
    and every fitted attribute (the loss curve and ``pruning_history_`` are
    the run's up to that level).

    With a one-step schedule (``schedule='one-shot'`` or
    ``n_prune_steps=1``) there is no path to share, and each level is an
    independent ``fit``.

    Read more in the :ref:`User Guide <choosing-sparsity>`.

    .. versionadded:: 0.3

    Parameters
    ----------
    estimator : PrunedMLPClassifier or PrunedMLPRegressor
        The estimator to fit, not modified (a clone is fitted). Its
        ``sparsity`` is replaced by the levels; a ``neuron_sparsity`` follows
        its own schedule and is reached at the highest level.

    X : {array-like, sparse matrix, dask collection} of shape (n_samples, n_features)
        Training data.

    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Targets.

    sparsities : array-like of float
        The levels, each in [0, 1). Duplicates are dropped.

    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights, as in ``fit``.

    finetune_iter : int, default=None
        Fine-tuning iterations after each level's step; None is ``fit``'s
        (the estimator's ``finetune_iter``). Fewer make the path cheaper and
        each level's model a little less tuned.

    Returns
    -------
    sparsities : ndarray of shape (n_levels,)
        The levels, sorted in increasing order.

    estimators : list of estimator
        The fitted model of every level, in the order of ``sparsities``;
        each has ``sparsity`` set to its level.

    See Also
    --------
    PrunedMLPClassifierCV : The sparsity chosen by cross-validation, from
        one path per fold.
    PruningCurveDisplay : Score against sparsity.
    sklearn.linear_model.lasso_path : The Lasso's regularization path.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skprune import PrunedMLPClassifier, pruning_path
    >>> X, y = load_digits(return_X_y=True)
    >>> X = X / 16
    >>> levels, models = pruning_path(
    ...     PrunedMLPClassifier((32,), max_iter=50, random_state=0), X, y, [0.5, 0.9])
    >>> [round(m.sparsity_, 2) for m in models]
    [0.5, 0.9]
    >>> models[1].coefs_[0].format
    'csr'
    """
    from ._base import BasePrunedMLP

    check_arguments(_PATH_CONSTRAINTS, {"sparsities": sparsities, "sample_weight": sample_weight,
                                        "finetune_iter": finetune_iter}, "pruning_path")
    if not isinstance(estimator, BasePrunedMLP) or hasattr(estimator, "sparsities"):
        raise TypeError("pruning_path needs a PrunedMLPClassifier or PrunedMLPRegressor, "
                        "got %s." % type(estimator).__name__)
    estimator._validate_params()
    levels = check_levels(sparsities)
    return levels, path_models(estimator, X, y, levels, sample_weight, finetune_iter)

