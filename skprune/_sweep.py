"""What a pruning curve fits: the sweep checked, then one pruning path per split or one fit per value.

:class:`._plot.PruningCurveDisplay` draws; this module decides what is fitted
and scored. A sweep over the pruned MLP's ``sparsity`` with a schedule of
several steps takes one :func:`._path.pruning_path` per split.
"""

from numbers import Real

import numpy as np
from sklearn.base import clone
from sklearn.utils._param_validation import (
    InvalidParameterError,
    validate_parameter_constraints,
)

from ._model_selection import score_path_split
from ._path import check_levels, shares_path
from ._report import pruning_off_params


def resolve_param_name(estimator, name):
    """Full name of parameter ``name`` of ``estimator``, or None if it has none.

    ``"sparsity"`` resolves to ``"prunedmlpclassifier__sparsity"`` in a
    pipeline, provided exactly one nested parameter ends that way.
    """
    params = estimator.get_params(deep=True)
    if name in params:
        return name
    matches = sorted(key for key in params if key.endswith("__" + name))
    if len(matches) > 1:
        raise ValueError(
            f"Parameter {name!r} is ambiguous: it matches {matches}. "
            "Pass the full name."
        )
    return matches[0] if matches else None


def _validated_parts(estimator):
    """``(prefix, part)`` for ``estimator`` and every nested estimator that validates its parameters."""
    parts = [("", estimator)]
    for name, value in estimator.get_params(deep=True).items():
        parts.append((name + "__", value))
    return [(prefix, part) for prefix, part in parts
            if isinstance(getattr(part, "_parameter_constraints", None), dict)
            and hasattr(part, "get_params")]


def check_params(estimator, params, what):
    """Validate ``params`` on a clone of ``estimator`` (nested estimators too), fitting nothing.

    Every other parameter is checked first, with scikit-learn's own message
    (a bad parameter of the estimator is not blamed on the swept value);
    then the parameters set here, whose message is prefixed by ``what``.
    """
    candidate = clone(estimator).set_params(**params)
    parts = _validated_parts(candidate)
    for given in (False, True):
        for prefix, part in parts:
            constraints = {
                name: rule for name, rule in part._parameter_constraints.items()
                if (prefix + name in params) is given
            }
            try:
                validate_parameter_constraints(constraints, part.get_params(deep=False),
                                               caller_name=type(part).__name__)
            except InvalidParameterError as exc:
                if not given:
                    raise
                raise InvalidParameterError(f"{what} is not a valid value: {exc}") from None


def fitted_sparsity(estimator):
    """``sparsity_`` of a fitted pruned estimator, also inside a Pipeline or search."""
    found = estimator
    while not hasattr(found, "sparsity_"):
        if hasattr(found, "steps"):
            found = found.steps[-1][1]
        elif hasattr(found, "best_estimator_"):
            found = found.best_estimator_
        elif hasattr(found, "regressor_"):
            found = found.regressor_
        else:
            raise ValueError(
                f"{type(estimator).__name__} has no fitted attribute 'sparsity_' "
                "(nor has its last step): PruningCurveDisplay needs a pruned "
                "estimator such as PrunedMLPClassifier."
            )
    return float(found.sparsity_)


def path_target(estimator, full_name, param_range, fit_params):
    """``(prefix steps, pruned MLP)`` when a sweep can come from one path per split, else None.

    That is a sweep over the pruned MLP's own ``sparsity`` (the estimator,
    or a Pipeline's last step) with a schedule of several steps, numeric
    levels, and at most ``sample_weight`` as fit parameter of a bare estimator.
    """
    from ._base import BasePrunedMLP

    steps = list(getattr(estimator, "steps", []))
    mlp = steps[-1][1] if steps else estimator
    own_name = steps[-1][0] + "__sparsity" if steps else "sparsity"
    if (
        not isinstance(mlp, BasePrunedMLP)
        or full_name != own_name
        or param_range.dtype.kind != "f"
        or set(fit_params or {}) - ({"sample_weight"} if not steps else set())
        or not shares_path(mlp, float(np.max(param_range)))
    ):
        return None
    return steps[:-1], mlp


def path_sweep(target, estimator, X, y, splits, param_range, scoring, n_jobs,
               return_train, fit_params):
    """The sweep's ``(sparsity, test, train)`` arrays (values x splits) from one path per split.

    Each split is scored by the CV estimators' fold scorer
    (:func:`skprune._model_selection.score_path_split`), so the curve and
    :class:`~skprune.PrunedMLPClassifierCV` report the same scores on the
    same splits and levels.
    """
    from sklearn.metrics import check_scoring
    from sklearn.utils.parallel import Parallel, delayed

    prefix, mlp = target
    levels = check_levels(param_range, name="param_range")
    scorer = check_scoring(estimator, scoring=scoring)
    sample_weight = (fit_params or {}).get("sample_weight")
    per_split = Parallel(n_jobs=n_jobs)(
        delayed(score_path_split)(mlp, prefix, X, y, train, test, levels, scorer,
                                  sample_weight=sample_weight, return_train=return_train,
                                  error_score="raise")
        for train, test in splits
    )
    # Back to the order (and repeats) of param_range.
    rows = np.searchsorted(levels, param_range)
    keys = ("sparsity", "test_scores", "train_scores")
    return [np.array([split[k] for split in per_split]).T[rows]
            if per_split[0][k] is not None else None for k in keys]


def checked_sweep(estimator, param_name, param_range, unpruned):
    """``(full parameter name, values, unpruned-reference params)``, each value checked.

    Every value (and the reference) is validated before anything is fitted.
    The "unpruned" reference keeps the rest of the configuration, including
    the retraining iterations, so it sees the same training budget.
    """
    full_name = resolve_param_name(estimator, param_name)
    if full_name is None:
        raise ValueError(f"{type(estimator).__name__} has no parameter {param_name!r}.")
    param_range = np.asarray(param_range, dtype=object)
    if param_range.ndim != 1 or len(param_range) == 0:
        raise ValueError("param_range must be a non-empty 1d sequence of values.")
    if all(isinstance(v, Real) and not isinstance(v, (bool, np.bool_)) for v in param_range):
        param_range = param_range.astype(float)
    off = {}
    if unpruned:
        try:
            off = pruning_off_params(estimator)
        except ValueError as exc:
            raise ValueError(f"{exc} Pass unpruned=False.") from None
    for i, value in enumerate(param_range):
        shown = value.item() if isinstance(value, np.generic) else value
        check_params(estimator, {full_name: value}, f"param_range[{i}]={shown!r}")
    if off:
        check_params(estimator, off, "the unpruned reference")
    return full_name, param_range, off
