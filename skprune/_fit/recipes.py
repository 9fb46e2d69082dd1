"""What the 'auto' parameters mean, and the solver each training phase gets.

The recipes are one table, :data:`RECIPES`, that :func:`resolve_recipe`
reads and the user guide shows (``docs/recipe_table.py`` renders it). The
estimator calls :func:`resolve_recipe` once per ``fit`` with its parameters
(``get_params(deep=False)``) to build its :class:`skprune._fit.config.FitConfig`, and
reports call it for the iteration budget.
"""

import dataclasses
import functools
from typing import Optional

from .solvers import SOLVERS, make_solver

#: Problems of at least this size (training rows times weights of the
#: original network: a full-batch pass costs about twice as many
#: multiply-adds) are *large*: the rows of :data:`RECIPES` marked ``large``
#: apply to them. Chosen between three measured problems. On MNIST-10k with
#: (300, 100) hidden layers (7,500 x 266,200 = 2.0e9,
#: ``benchmarks/bench_time.py``) the recipe for large problems cut the fit
#: time of the defaults from 3.4x to 1.6x ``MLPClassifier()``'s at the same
#: accuracy (0.9487, seeds 0-2). On the 20-class synthetic set of
#: ``benchmarks/bench_quality.py`` (15,000 x 7,000 = 1.05e8) it cost 1.6
#: points at ``sparsity=0.9`` and 1.0 at 0.95 (0.336 / 0.240 against 0.352 /
#: 0.250) on fits of a few seconds; on digits with (100,) (1,347 x 7,400 =
#: 1.0e7) the retraining it skips measured more accurate. So the cut-off
#: sits between the last two problems and MNIST.
LARGE_PROBLEM = 5e8


@dataclasses.dataclass(frozen=True)
class RecipeRule:
    """One row of :data:`RECIPES`: what 'auto' means where the row applies.

    A row applies to a fit when each of ``target``, ``retrain_solver`` and
    ``large`` matches it (None matches anything; ``large=False`` matches
    every size). The rows that apply are read in table order, and each sets
    the fields it gives (not None), over the rows before it; a field no row
    sets has its default: ``finetune_iter`` is ``retrain_iter``,
    ``initial_tol_factor`` is 1 and ``short_phases`` is False.

    ``source`` names the benchmark result that measured the row's values.
    """

    #: Whether ``sparsity`` or ``neuron_sparsity`` is set.
    target: Optional[bool]
    #: The solver that retrains; a registered solver without a row of its own
    #: reads the rows of its kind: a solver with its own convergence test
    #: L-BFGS's, a first-order one gradient descent's.
    retrain_solver: Optional[str]
    #: Whether the row is for problems of at least :data:`LARGE_PROBLEM`.
    large: bool
    source: str
    weight_threshold: Optional[float] = None
    neuron_threshold: Optional[float] = None
    n_prune_steps: Optional[int] = None
    retrain_iter: Optional[int] = None
    finetune_iter: Optional[int] = None
    #: The initial training stops at ``initial_tol_factor * tol``.
    initial_tol_factor: Optional[float] = None
    #: Whether the initial training ends at its first stall when pruning and
    #: retraining follow (no smaller steps on a plateau), and a pruning step
    #: that raised the loss by at most ``tol`` after a converged phase is not
    #: retrained.
    short_phases: Optional[bool] = None
    #: Whether the row is only for fits that reconstruct after each pruning
    #: step (True), or for any fit (None).
    reconstructing: Optional[bool] = None
    #: Whether the row is only for warm starts (``warm_start`` with a fitted
    #: model, or ``from_mlp``), whose start network is trained (True), or
    #: for any fit (None).
    warm: Optional[bool] = None
    #: What ``reconstruct='auto'`` means where the row applies.
    reconstruct: Optional[bool] = None
    #: What ``criterion='auto'`` means where the row applies.
    criterion: Optional[str] = None


#: The 'auto' recipes. Without a sparsity target: the threshold rules, then
#: one prune -> retrain round. With one: thresholds off, so ``sparsity_``
#: lands on the target, and the gradual recipe "prune in many small steps
#: with short retraining, then fine-tune longer", whose budget depends on
#: the retraining solver. Large problems, where every pass over the data is
#: expensive, spend fewer passes: on MNIST-10k, (300, 100), seeds 0-2, with
#: L-BFGS retraining 5 steps of 15 iterations after a dense phase at
#: 10 * tol took about 30 s against 55-60 s for 10 steps of 15, at the same
#: test accuracy; 5 steps of 10 after the usual dense phase took 34 s but
#: lost 0.5 points at sparsity 0.95.
RECIPES = (
    RecipeRule(False, None, False, "benchmarks/results/bench_quality.md",
               weight_threshold=0.01, neuron_threshold=0.01, n_prune_steps=1,
               retrain_iter=50),
    RecipeRule(True, "gd", False, "benchmarks/results/accuracy_vs_sparsity_digits.md",
               weight_threshold=0.0, neuron_threshold=0.0, n_prune_steps=20,
               retrain_iter=15, finetune_iter=100),
    RecipeRule(True, "adam", False, "benchmarks/results/accuracy_vs_sparsity_digits.md",
               weight_threshold=0.0, neuron_threshold=0.0, n_prune_steps=20,
               retrain_iter=10, finetune_iter=150),
    RecipeRule(True, "lbfgs", False, "benchmarks/results/bench_quality.md",
               weight_threshold=0.0, neuron_threshold=0.0, n_prune_steps=10,
               retrain_iter=15, finetune_iter=100),
    RecipeRule(None, None, True, "benchmarks/results/bench_time_mnist.md",
               short_phases=True),
    RecipeRule(True, "lbfgs", True, "benchmarks/results/bench_time_mnist.md",
               n_prune_steps=5, retrain_iter=15, finetune_iter=100, initial_tol_factor=10),
    RecipeRule(True, None, True, "benchmarks/results/bench_reconstruct_api.md",
               warm=True, reconstruct=True),
    RecipeRule(None, None, False, "benchmarks/results/bench_reconstruct_api.md",
               reconstructing=True, n_prune_steps=1, retrain_iter=0, finetune_iter=30,
               criterion="magnitude"),
    RecipeRule(None, None, True, "benchmarks/results/bench_reconstruct_api.md",
               reconstructing=True, finetune_iter=0),
)

#: The fields of :class:`RecipeRule` that hold the recipe, with their
#: defaults (None: ``retrain_iter``'s value).
_DEFAULTS = dict(finetune_iter=None, initial_tol_factor=1, short_phases=False,
                 reconstruct=False, criterion="obd")
_AUTO_PARAMS = ("weight_threshold", "neuron_threshold", "n_prune_steps", "retrain_iter",
                "finetune_iter", "criterion")


def recipe_rules(targeted, retrain_solver, large, reconstructing=False, warm=False):
    """The rows of :data:`RECIPES` that apply, in table order.

    ``reconstructing``: whether the fit reconstructs after each pruning step;
    ``warm``: whether it starts from a trained network (the rows only for
    such fits apply then too).

    Examples
    --------
    >>> from skprune._fit.recipes import recipe_rules
    >>> [rule.n_prune_steps for rule in recipe_rules(True, "lbfgs", large=True)]
    [10, None, 5]
    """
    if retrain_solver not in {rule.retrain_solver for rule in RECIPES}:
        retrain_solver = "lbfgs" if SOLVERS[retrain_solver].stops_by_gradient else "gd"
    return [
        rule for rule in RECIPES
        if rule.target in (None, targeted) and rule.retrain_solver in (None, retrain_solver)
        and (large or not rule.large)
        and (reconstructing or not rule.reconstructing)
        and (warm or not rule.warm)
    ]


def recipe_values(targeted, retrain_solver, large, reconstructing=False, warm=False):
    """The recipe's values: every field of :class:`RecipeRule` the rows set.

    Examples
    --------
    >>> from skprune._fit.recipes import recipe_values
    >>> recipe_values(False, "adam", large=False)["retrain_iter"]
    50
    """
    values = dict(_DEFAULTS)
    for rule in recipe_rules(targeted, retrain_solver, large, reconstructing, warm):
        values.update(
            (field.name, getattr(rule, field.name)) for field in dataclasses.fields(rule)
            if field.name in (*_AUTO_PARAMS, *_DEFAULTS) and getattr(rule, field.name) is not None
        )
    return values


def _is_auto(value):
    """Whether a parameter value is 'auto' (a criterion instance is not)."""
    return isinstance(value, str) and value == "auto"


def problem_size(n_samples, layer_units):
    """Training rows times weights of the network of ``layer_units``; None if unknown.

    Examples
    --------
    >>> from skprune._fit.recipes import problem_size
    >>> problem_size(100, (4, 8, 3))
    5600
    """
    if n_samples is None:
        return None
    return int(n_samples) * sum(a * b for a, b in zip(layer_units[:-1], layer_units[1:]))


def resolve_recipe(params, size=None, warm=False):
    """The 'auto' parameters resolved for the solver, the target and the problem size.

    Parameters
    ----------
    params : dict
        The estimator's parameters.
    size : int or None, default=None
        Training rows times weights (:func:`problem_size`); None for a
        problem of unknown size, which gets the recipe of small ones.
    warm : bool, default=False
        Whether the fit starts from a trained network (a warm start).

    Returns
    -------
    recipe : dict
        ``weight_threshold``, ``neuron_threshold``, ``n_prune_steps``,
        ``retrain_iter``, ``finetune_iter`` (an int), ``criterion`` (a name
        or an instance), ``retrain_solver``,
        ``learning_rate_init`` (the step of ``solver``) and
        ``retrain_learning_rate`` (the step of the retraining solver),
        ``short_phases`` (whether the problem is large, see
        :data:`LARGE_PROBLEM`), ``initial_tol`` (the ``tol`` of the
        initial training's stopping rule) and ``reconstruct`` (a bool).

    Examples
    --------
    >>> from skprune import PrunedMLPClassifier
    >>> from skprune._fit.recipes import resolve_recipe
    >>> recipe = resolve_recipe(PrunedMLPClassifier(sparsity=0.9).get_params())
    >>> recipe["retrain_solver"], recipe["n_prune_steps"], recipe["weight_threshold"]
    ('lbfgs', 10, 0.0)
    >>> resolve_recipe(PrunedMLPClassifier().get_params())["retrain_solver"]
    'adam'
    """
    targeted = params["sparsity"] is not None or params["neuron_sparsity"] is not None
    retrain_solver = params["retrain_solver"]
    if retrain_solver == "auto":
        # L-BFGS-B's bounds for the L1 split amplify rounding (see
        # ``l1_alpha``): with L1 the solver keeps its proximal steps.
        lbfgs = targeted and params["l1_alpha"] == 0
        retrain_solver = "lbfgs" if lbfgs else params["solver"]
    large = size is not None and size >= LARGE_PROBLEM
    reconstruct = resolve_reconstruct(params, targeted, retrain_solver, large, warm)
    recipe = recipe_values(targeted, retrain_solver, large, reconstruct, warm)
    resolved = {
        name: recipe[name] if _is_auto(params.get(name, "auto")) else params[name]
        for name in _AUTO_PARAMS
    }
    resolved["initial_tol"] = recipe["initial_tol_factor"] * params["tol"]
    if params["finetune_iter"] == "auto" and params["retrain_iter"] != "auto":
        resolved["finetune_iter"] = None  # an explicit retrain_iter also sets the fine-tune
    if resolved["finetune_iter"] is None:
        resolved["finetune_iter"] = resolved["retrain_iter"]
    step = params["learning_rate_init"]
    resolved["retrain_solver"] = retrain_solver
    resolved["short_phases"] = recipe["short_phases"]
    resolved["reconstruct"] = reconstruct
    resolved["learning_rate_init"] = (
        SOLVERS[params["solver"]].auto_learning_rate if step == "auto" else step
    )
    resolved["retrain_learning_rate"] = (
        SOLVERS[retrain_solver].auto_learning_rate if step == "auto" else step
    )
    return resolved


#: The parameters that reconstruction cannot be combined with, and the value
#: that refuses it: rewinding resets the weights a reconstruction refits, and
#: an L1 penalty's exact zeros would not survive a least-squares refit.
RECONSTRUCT_EXCLUDES = {"rewind": True, "l1_alpha": lambda value: value > 0}


def reconstruct_conflicts(params):
    """The parameters set to values reconstruction cannot be combined with.

    Examples
    --------
    >>> from skprune._fit.recipes import reconstruct_conflicts
    >>> reconstruct_conflicts({"rewind": True, "l1_alpha": 0.0})
    ['rewind=True']
    """
    conflicts = []
    for name, refused in RECONSTRUCT_EXCLUDES.items():
        value = params[name]
        if (refused(value) if callable(refused) else value == refused):
            conflicts.append("%s=%r" % (name, value))
    return conflicts


def resolve_reconstruct(params, targeted, retrain_solver, large, warm=False):
    """``reconstruct`` as a bool: 'auto' is the recipe's choice, where nothing refuses it.

    Parameters missing from ``params`` (an estimator without a
    ``reconstruct`` parameter) mean no reconstruction.
    """
    value = params.get("reconstruct", False)
    if value != "auto":
        return bool(value)
    chosen = recipe_values(targeted, retrain_solver, large, warm=warm)["reconstruct"]
    return bool(chosen) and not reconstruct_conflicts(params)


def solver_factory(solver, step, params):
    """``make(l1, n_l1, t0)``: a fresh ``solver`` for one phase (see :mod:`skprune._fit.solvers`)."""
    return functools.partial(make_solver, solver, step, params)


def step_descriptions(recipe, params):
    """Per solver name, its step size (or evaluation budget), for divergence messages."""
    return {
        # A solver with no step size (L-BFGS's line search) has its budget.
        name: ("max_fun=%r" % params["max_fun"] if SOLVERS[name].auto_learning_rate is None
               else "learning_rate_init=%r" % step)
        for name, step in ((recipe["retrain_solver"], recipe["retrain_learning_rate"]),
                           (params["solver"], recipe["learning_rate_init"]))
    }
