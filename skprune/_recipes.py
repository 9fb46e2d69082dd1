"""What the 'auto' parameters mean, and the solver each training phase gets.

Pure functions of the estimator's parameters (``get_params(deep=False)``):
the estimator calls them once per ``fit`` to build its
:class:`._config.FitConfig`, and reports call :func:`resolve_recipe` for the
iteration budget.
"""

import functools

from ._solvers import AdamSolver, GDSolver, LBFGSSolver

#: The 'auto' step size of each first-order solver (L-BFGS takes none).
_AUTO_STEP = {"gd": 0.1, "adam": 0.01, "lbfgs": None}

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


def _make_solver(name, settings, l1, n_l1, t0):
    """A fresh solver for one phase (see :attr:`._config.FitConfig.make_solver`)."""
    if name == "gd":
        return GDSolver(*settings, l1=l1, n_l1=n_l1, t0=t0)
    if name == "adam":
        return AdamSolver(*settings, l1=l1, n_l1=n_l1)
    return LBFGSSolver(*settings, l1=l1, n_l1=n_l1)


def resolve_recipe(params):
    """The 'auto' parameters resolved for the solver and the target.

    Parameters
    ----------
    params : dict
        The estimator's parameters.

    Returns
    -------
    recipe : dict
        ``weight_threshold``, ``neuron_threshold``, ``n_prune_steps``,
        ``retrain_iter``, ``finetune_iter`` (an int), ``retrain_solver``,
        ``learning_rate_init`` (the step of ``solver``) and
        ``retrain_learning_rate`` (the step of the retraining solver).

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
    recipe = _TARGETED_RECIPES[retrain_solver] if targeted else _DENSE_RECIPE
    resolved = {
        name: default if params[name] == "auto" else params[name]
        for name, default in recipe.items()
    }
    if params["finetune_iter"] == "auto" and params["retrain_iter"] != "auto":
        resolved["finetune_iter"] = None  # an explicit retrain_iter also sets the fine-tune
    if resolved["finetune_iter"] is None:
        resolved["finetune_iter"] = resolved["retrain_iter"]
    step = params["learning_rate_init"]
    resolved["retrain_solver"] = retrain_solver
    resolved["learning_rate_init"] = _AUTO_STEP[params["solver"]] if step == "auto" else step
    resolved["retrain_learning_rate"] = _AUTO_STEP[retrain_solver] if step == "auto" else step
    return resolved


def solver_factory(solver, step, params):
    """``make(l1, n_l1, t0)``: a fresh ``solver`` for one phase (see :mod:`._solvers`)."""
    if solver == "gd":
        settings = (step, params["learning_rate"], params["momentum"],
                    params["nesterovs_momentum"], params["power_t"])
    elif solver == "adam":
        settings = (step, params["beta_1"], params["beta_2"], params["epsilon"])
    else:
        settings = (params["max_fun"], params["tol"])
    return functools.partial(_make_solver, solver, settings)


def step_descriptions(recipe, params):
    """Per solver name, its step size (or evaluation budget), for divergence messages."""
    return {
        name: ("max_fun=%r" % params["max_fun"] if name == "lbfgs"
               else "learning_rate_init=%r" % step)
        for name, step in ((recipe["retrain_solver"], recipe["retrain_learning_rate"]),
                           (params["solver"], recipe["learning_rate_init"]))
    }
