"""The pruning path: one gradual run, a fitted model at every requested sparsity.

A gradual fit to sparsity ``s`` passes through every lower sparsity on its
way. :func:`pruning_path` runs the estimator's recipe once, to the highest
requested level. Its schedule is the recipe's steps, every requested level,
and the last two steps of each level's own schedule (so the run approaches a
level as a fit to that level does, rather than in one large step). After the
step that reaches a level, a copy of the network is fine-tuned (pruned
weights held at zero) as ``fit`` fine-tunes after its last step, pruned to
the level exactly and kept; the run goes on from the network before that
fine-tune, as a fit's retraining steps do. Measured on digits
(``benchmarks/bench_path.py``), both choices bring each level's model to an
independent fit's accuracy; without them the sparser levels lost about half
a point. The estimator's training loop does the work
(:func:`._loop.fit_loop`); this module only plans the steps and turns the
kept copies into fitted estimators.
"""

import copy
from dataclasses import replace
from numbers import Integral

import numpy as np
from sklearn.base import clone
from sklearn.utils.validation import check_array

from ._loop import Phase, Record, train
from ._pruning import prune
from ._recipes import resolve_recipe
from ._schedules import schedule_targets
from ._surgery import Network


def snapped_targets(recipe_targets, levels):
    """The recipe's step targets with each level in place of the nearest one.

    The schedule keeps the recipe's number of steps (one more per level that
    finds no target of its own), so a run through it costs about what a
    fit costs.

    Examples
    --------
    >>> from skprune._path import snapped_targets
    >>> snapped_targets([0.3, 0.6, 0.8, 0.9], [0.5, 0.9])
    [0.3, 0.5, 0.8, 0.9]
    """
    targets = [float(t) for t in recipe_targets]
    free = list(range(len(targets)))
    for level in sorted(levels, reverse=True):
        if not free:
            targets.append(level)
            continue
        nearest = min(free, key=lambda k: abs(targets[k] - level))
        targets[nearest] = float(level)
        free.remove(nearest)
    return sorted(set(targets))


def merged_targets(recipe_targets, levels):
    """The recipe's step targets and the requested levels, sorted, as one schedule.

    A recipe target within ``1e-9`` of a level is the level.

    Examples
    --------
    >>> from skprune._path import merged_targets
    >>> merged_targets([0.3, 0.6, 0.9], [0.5, 0.9])
    ([0.3, 0.5, 0.6, 0.9], [2, 4])
    """
    levels = [float(s) for s in levels]
    others = [float(t) for t in recipe_targets
              if not any(abs(t - s) <= 1e-9 for s in levels)]
    targets = sorted(others + levels)
    steps = [k + 1 for k, t in enumerate(targets) if t in levels]
    return targets, steps


class _PathPlan:
    """What the estimator's fit reads to run a path: the schedule, and copies at each level."""

    def __init__(self, levels, schedule, finetune_iter, steps="approach"):
        self.levels = levels
        self.schedule = schedule
        self.finetune_iter = finetune_iter
        self.steps = steps
        self.snapshots = {}
        self.last_step = None

    def configure(self, config):
        recipe = list(config.sparsity_targets)
        if self.steps == "snap":
            recipe = snapped_targets(recipe, self.levels)
        elif config.n_prune_steps > 2:
            # Each level is approached as its own fit approaches it: its
            # schedule's last two steps before it, where they lie above the
            # level below.
            below = [0.0] + list(self.levels[:-1])
            for low, level in zip(below, self.levels):
                own = schedule_targets(self.schedule, config.n_prune_steps, level)
                recipe += [t for t in own[-3:-1] if low + 1e-9 < t < level - 1e-9]
        targets, steps = merged_targets(sorted(set(recipe)), self.levels)
        n_steps = len(targets)
        neuron_targets = schedule_targets(self.schedule, n_steps, config.neuron_sparsity)
        finetune = config.finetune_iter if self.finetune_iter is None else self.finetune_iter
        self.step_levels = dict(zip(steps, self.levels))
        self.last_step = n_steps
        return replace(
            config, n_prune_steps=n_steps, sparsity_targets=tuple(targets),
            neuron_targets=tuple(neuron_targets), finetune_iter=finetune,
        )

    def on_step(self, config, data, validation, record, net, history, step, rng):
        """Keep a copy of the network, pruned exactly to the level, after a level's step."""
        level = self.step_levels.get(step)
        if level is None or step == self.last_step:
            return  # the last level is the fit's own result
        coefs, intercepts, masks = net
        net = Network([W.copy() for W in coefs], [b.copy() for b in intercepts],
                      [m.copy() for m in masks])
        level_config = replace(config, sparsity=level)
        kept = Record(
            n_iter=record.n_iter, loss_curve=list(record.loss_curve),
            validation_scores=list(record.validation_scores),
            best_validation_score=record.best_validation_score,
        )
        # The fine-tune runs on the copy; the run goes on from the network
        # before it, as an independent fit's retraining steps do. A snapped
        # run (scoring only) keeps the step's own retraining as the fine-tune.
        branch_iter = 0 if self.steps == "snap" else config.finetune_iter
        net = train(config, data, validation, kept, net, Phase(branch_iter, False, False))
        net, _ = prune(level_config, data, net, None, rng)
        self.snapshots[level] = (level_config, kept, net, list(history),
                                 validation, data.n_samples)


def _check_levels(sparsities):
    levels = check_array(sparsities, ensure_2d=False, dtype=np.float64,
                         input_name="sparsities")
    if levels.ndim != 1:
        raise ValueError("sparsities must be a 1-D list of floats, got an array of shape "
                         "%s." % (levels.shape,))
    if not np.all((levels >= 0) & (levels < 1)):
        raise ValueError("sparsities must be in [0, 1), got %s." % (levels.tolist(),))
    return np.unique(levels)


def shares_path(estimator, sparsity):
    """Whether ``estimator``'s recipe at ``sparsity`` has more than one pruning step to share."""
    params = {**estimator.get_params(deep=False), "sparsity": sparsity}
    return params["schedule"] != "one-shot" and resolve_recipe(params)["n_prune_steps"] > 1


def pruning_path(estimator, X, y, sparsities, *, sample_weight=None, finetune_iter=None):
    """Fit one model per sparsity level from a single gradual pruning run.

    A gradual fit to a sparsity passes through every lower sparsity on its
    way. This runs ``estimator``'s recipe once, to the highest of
    ``sparsities``, with every level made a pruning step of the schedule
    (and the last two steps of each level's own schedule before it). After
    the step that reaches a level, a copy of the network is fine-tuned with
    the pruned weights held at zero (as long as ``fit``'s own fine-tune,
    unless ``finetune_iter`` says otherwise), pruned to the level exactly and
    kept as that level's model; the run goes on from the network before the
    fine-tune.
    Each model is a fitted estimator like ``estimator.set_params(sparsity=level).fit(X, y)``
    returns: CSR weights, removed neurons gone, ``sparsity_`` within half a
    weight of the level, and every fitted attribute (the loss curve and
    ``pruning_history_`` are the run's up to that level).

    With a one-step schedule (``schedule='one-shot'`` or
    ``n_prune_steps=1``) there is no path to share, and each level is an
    independent ``fit``.

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
    >>> type(models[1].coefs_[0]).__name__
    'csr_array'
    """
    from ._base import BasePrunedMLP

    if not isinstance(estimator, BasePrunedMLP):
        raise TypeError("pruning_path needs a PrunedMLPClassifier or PrunedMLPRegressor, "
                        "got %s." % type(estimator).__name__)
    if finetune_iter is not None and (
        not isinstance(finetune_iter, Integral) or isinstance(finetune_iter, bool)
        or finetune_iter < 0
    ):
        raise ValueError("finetune_iter must be None or an int >= 0, got %r."
                         % (finetune_iter,))
    return run_path(estimator, X, y, _check_levels(sparsities), sample_weight, finetune_iter)


def run_path(estimator, X, y, levels, sample_weight, finetune_iter, steps="approach"):
    """:func:`pruning_path` on checked, sorted ``levels``; ``steps='snap'`` for a cheaper run.

    With ``steps='snap'`` (what the CV estimators score with) the schedule is
    the recipe's with each level in place of its nearest step
    (:func:`snapped_targets`), and a level's model is the run's network after
    that step's retraining (``retrain_iter`` iterations), with no fine-tune
    of its own; ``finetune_iter`` is then the highest level's fine-tune. The
    run costs about one fit to the highest level.
    """
    top = float(levels[-1])
    parent_context = estimator.__dict__.get("_parent_callback_ctx")
    estimator = clone(estimator).set_params(sparsity=top, warm_start=False)
    if parent_context is not None:
        # A meta-estimator's callback context (clone drops it): the run
        # reports into the meta-estimator's task tree.
        estimator._parent_callback_ctx = parent_context
    if not shares_path(estimator, top):
        models = [_independent_fit(estimator, float(s), X, y, sample_weight, finetune_iter)
                  for s in levels]
        return levels, models
    plan = _PathPlan([float(s) for s in levels], estimator.schedule, finetune_iter, steps)
    estimator._path_plan = plan
    try:
        estimator.fit(X, y, sample_weight=sample_weight)
    finally:
        estimator.__dict__.pop("_path_plan", None)
        estimator.__dict__.pop("_parent_callback_ctx", None)
    return levels, [
        estimator if s == top else _level_model(estimator, float(s), plan.snapshots.get(s))
        for s in levels
    ]


def _independent_fit(estimator, level, X, y, sample_weight, finetune_iter):
    params = {"sparsity": level}
    if finetune_iter is not None:
        params["finetune_iter"] = finetune_iter
    return clone(estimator).set_params(**params).fit(X, y, sample_weight=sample_weight)


def _level_model(final, level, snapshot):
    """A fitted estimator at ``level`` from the run's kept copy (``final`` gives the rest)."""
    if snapshot is None:
        raise RuntimeError(
            "The pruning run stopped (a callback asked it to) before it reached "
            "sparsity %r, so there is no model for that level." % level
        )
    config, record, net, history, validation, n_samples = snapshot
    model = copy.copy(final)
    model.__dict__ = dict(final.__dict__)
    model.__dict__.pop("_plan", None)
    model.set_params(sparsity=level)
    for name, value in final._fitted_attributes(config, record, net, history,
                                                validation).items():
        setattr(model, name, value)
    model.t_ = record.n_iter * n_samples
    model._build_inference_plan()
    return model
