"""What the 'auto' parameters mean, and the solver each training phase gets.

Pure functions of the estimator's parameters (``get_params(deep=False)``):
the estimator calls them once per ``fit`` to build its
:class:`._config.FitConfig`, and reports call :func:`resolve_recipe` for the
iteration budget.
"""

import functools

from ._solvers import SOLVERS, make_solver

#: What 'auto' means without a sparsity target: the threshold rules, then one
#: prune -> retrain round by ``solver``.
_DENSE_RECIPE = dict(
    weight_threshold=0.01, neuron_threshold=0.01, n_prune_steps=1, retrain_iter=50,
    finetune_iter=None,
)

#: What 'auto' means with a sparsity target: thresholds off, so ``sparsity_``
#: lands on the target, and the gradual recipe, whose budget depends on the
#: solver that retrains (``retrain_solver``; 'auto' is 'lbfgs').
_TARGETED_RECIPES = {
    retrain_solver: dict(
        weight_threshold=0.0, neuron_threshold=0.0, n_prune_steps=steps,
        retrain_iter=retrain, finetune_iter=finetune,
    )
    for retrain_solver, steps, retrain, finetune in (
        ("gd", 20, 15, 100),
        ("adam", 20, 10, 150),
        ("lbfgs", 10, 15, 100),
    )
}


#: Problems of at least this size (training rows times weights of the
#: original network: a full-batch pass costs about twice as many
#: multiply-adds) get the recipe for expensive passes, ``short_phases``: the
#: initial training ends at its first stall when pruning and retraining
#: follow (no smaller steps on a plateau), and a pruning step that raised
#: the loss by at most ``tol`` after a converged phase is not retrained.
#: Chosen with ``benchmarks/bench_time.py``: on MNIST-10k with (300, 100)
#: hidden layers (7,500 x 266,200 = 2.0e9) it cut the fit time of the
#: defaults from 3.4x to 1.6x ``MLPClassifier()``'s at the same accuracy
#: (0.9487, seeds 0-2); on digits with (100,) (1,347 x 7,400 = 1.0e7) the
#: retraining that it skips measured more accurate, so smaller problems keep
#: the long recipe.
LARGE_PROBLEM = 1e8

#: The gradual recipe of large problems, per retraining solver (the others
#: keep their rows of :data:`_TARGETED_RECIPES`): fewer pruning steps, each
#: with its criterion's pass over the data and its retraining, after an
#: initial training that stops at ``initial_tol_factor * tol`` (the steps
#: retrain anyway). Chosen with ``benchmarks/bench_time.py`` on MNIST-10k,
#: (300, 100), seeds 0-2: with L-BFGS retraining, 5 steps of 15 iterations
#: after a dense phase at 10 * tol took about 30 s against 55-60 s for 10
#: steps of 15, at the same test accuracy; 5 steps of 10 after the usual
#: dense phase took 34 s but lost 0.5 points at sparsity 0.95.
_LARGE_TARGETED_RECIPES = {
    "lbfgs": dict(n_prune_steps=5, retrain_iter=15, finetune_iter=100, initial_tol_factor=10),
}


def problem_size(n_samples, layer_units):
    """Training rows times weights of the network of ``layer_units``; None if unknown.

    Examples
    --------
    >>> from skprune._recipes import problem_size
    >>> problem_size(100, (4, 8, 3))
    5600
    """
    if n_samples is None:
        return None
    return int(n_samples) * sum(a * b for a, b in zip(layer_units[:-1], layer_units[1:]))


def _targeted_recipe(retrain_solver):
    """The gradual recipe of ``retrain_solver``.

    A registered solver without a row of its own gets the row of its kind: a
    solver with its own convergence test L-BFGS's, a first-order one
    gradient descent's.
    """
    if retrain_solver in _TARGETED_RECIPES:
        return _TARGETED_RECIPES[retrain_solver]
    return _TARGETED_RECIPES["lbfgs" if SOLVERS[retrain_solver].stops_by_gradient else "gd"]


def resolve_recipe(params, size=None):
    """The 'auto' parameters resolved for the solver, the target and the problem size.

    Parameters
    ----------
    params : dict
        The estimator's parameters.
    size : int or None, default=None
        Training rows times weights (:func:`problem_size`); None for a
        problem of unknown size, which gets the recipe of small ones.

    Returns
    -------
    recipe : dict
        ``weight_threshold``, ``neuron_threshold``, ``n_prune_steps``,
        ``retrain_iter``, ``finetune_iter`` (an int), ``retrain_solver``,
        ``learning_rate_init`` (the step of ``solver``) and
        ``retrain_learning_rate`` (the step of the retraining solver),
        ``short_phases`` (whether the problem is large, see
        :data:`LARGE_PROBLEM`) and ``initial_tol`` (the ``tol`` of the
        initial training's stopping rule).

    Examples
    --------
    >>> from skprune import PrunedMLPClassifier
    >>> from skprune._recipes import resolve_recipe
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
    recipe = _targeted_recipe(retrain_solver) if targeted else _DENSE_RECIPE
    if targeted and large:
        recipe = {**recipe, **_LARGE_TARGETED_RECIPES.get(retrain_solver, {})}
    factor = recipe.get("initial_tol_factor", 1)
    resolved = {
        name: default if params[name] == "auto" else params[name]
        for name, default in recipe.items() if name != "initial_tol_factor"
    }
    resolved["initial_tol"] = factor * params["tol"]
    if params["finetune_iter"] == "auto" and params["retrain_iter"] != "auto":
        resolved["finetune_iter"] = None  # an explicit retrain_iter also sets the fine-tune
    if resolved["finetune_iter"] is None:
        resolved["finetune_iter"] = resolved["retrain_iter"]
    step = params["learning_rate_init"]
    resolved["retrain_solver"] = retrain_solver
    resolved["short_phases"] = large
    resolved["learning_rate_init"] = (
        SOLVERS[params["solver"]].auto_learning_rate if step == "auto" else step
    )
    resolved["retrain_learning_rate"] = (
        SOLVERS[retrain_solver].auto_learning_rate if step == "auto" else step
    )
    return resolved


def solver_factory(solver, step, params):
    """``make(l1, n_l1, t0)``: a fresh ``solver`` for one phase (see :mod:`._solvers`)."""
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
