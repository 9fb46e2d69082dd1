import numpy as np
import pytest

from skprune._fit.optimizers import GradientDescent, PlateauRule
from skprune._fit.solvers import (
    CONTINUE,
    SOLVERS,
    STALLED,
    AdamSolver,
    FirstOrderSolver,
    GDSolver,
)


def _linear(p):
    # Constant gradient 1: each Adam step moves by exactly its step size.
    return float(p[0].sum()), [np.ones_like(p[0])]


def _recorder(stall_at):
    seen = []

    def on_iteration(value, evaluated, new):
        seen.append(float(evaluated[0][0] - new[0][0]))
        return STALLED if len(seen) in stall_at else CONTINUE

    return seen, on_iteration


def test_adam_lowers_its_step_on_a_plateau_then_stops():
    seen, on_iteration = _recorder({2, 4})
    solver = AdamSolver(0.1, 0.9, 0.999, 1e-12, plateau_factor=5.0, plateau_decays=1)
    solver.run(_linear, [np.zeros(1)], [None], 10, on_iteration)
    # Two steps at 0.1, then two at 0.1 / 5; the second stall stops the phase.
    np.testing.assert_allclose(seen, [0.1, 0.1, 0.02, 0.02], rtol=1e-6)


@pytest.mark.parametrize("decays", [0, 3])
def test_adam_plateau_decays_bound_the_stalls(decays):
    seen, on_iteration = _recorder({1, 2, 3, 4, 5})
    AdamSolver(0.1, 0.9, 0.999, 1e-12, plateau_decays=decays).run(
        _linear, [np.zeros(1)], [None], 10, on_iteration
    )
    assert len(seen) == decays + 1
    np.testing.assert_allclose(seen, [0.1 / 5.0**k for k in range(decays + 1)], rtol=1e-6)


def test_adam_l1_shrink_follows_the_lowered_step():
    # With a zero gradient only the proximal L1 step moves the weight.
    flat = lambda p: (0.0, [np.zeros_like(p[0])])  # noqa: E731
    seen, on_iteration = _recorder({1})
    AdamSolver(0.1, 0.9, 0.999, 1e-8, l1=1.0, n_l1=1, plateau_decays=1).run(
        flat, [np.ones(1)], [None], 3, on_iteration
    )
    np.testing.assert_allclose(seen, [0.1, 0.02, 0.02], rtol=1e-6)


@pytest.mark.parametrize("learning_rate, n_steps", [("constant", 2), ("adaptive", 5)])
def test_gd_plateau_rule_by_schedule(learning_rate, n_steps):
    # 'constant' stops at the first stall; 'adaptive' divides its step by 5.
    seen, on_iteration = _recorder({2, 3, 4})
    GDSolver(0.1, learning_rate, 0.0, False, 0.5).run(
        _linear, [np.zeros(1)], [None], 5, on_iteration
    )
    expected = [0.1, 0.1, 0.02, 0.004, 0.0008][:n_steps]
    np.testing.assert_allclose(seen, expected, rtol=1e-6)


class ToySolver(FirstOrderSolver):
    """Plain gradient descent at a fixed step: a solver added with no new parameter."""

    name = "toy"
    summary = "plain gradient descent at ``learning_rate_init``"
    auto_learning_rate = 0.05

    def __init__(self, learning_rate_init, l1=0.0, n_l1=0, t0=0):
        super().__init__(l1, n_l1, t0)
        self.learning_rate_init = learning_rate_init

    @staticmethod
    def settings(learning_rate_init, params):
        return dict(learning_rate_init=learning_rate_init)

    @staticmethod
    def bytes_per_weight(itemsize):
        return 3 * itemsize + 1

    def _optimizer(self, params):
        return GradientDescent(params, self.learning_rate_init, momentum=0.0,
                               nesterov=False)

    def _plateau(self):
        return PlateauRule(max_decays=0)


def test_a_registered_solver_is_a_solver_everywhere(monkeypatch):
    # One class and one registry entry: the estimators accept the name for
    # both phases, 'auto' gives its step and a recipe of its kind, the memory
    # estimate counts it.
    from sklearn.datasets import make_classification

    from skprune import PrunedMLPClassifier
    from skprune._fit.checks import estimate_fit_memory
    from skprune._fit.recipes import resolve_recipe

    monkeypatch.setitem(SOLVERS, "toy", ToySolver)
    X, y = make_classification(120, 5, random_state=0)
    clf = PrunedMLPClassifier((8,), solver="toy", retrain_solver="toy", sparsity=0.5,
                              max_iter=30, random_state=0).fit(X, y)
    assert clf.score(X, y) > 0.8
    assert clf.sparsity_ == pytest.approx(0.5, abs=1 / 48)
    recipe = resolve_recipe(clf.get_params())
    assert recipe["learning_rate_init"] == recipe["retrain_learning_rate"] == 0.05
    assert recipe["n_prune_steps"] == resolve_recipe(
        {**clf.get_params(), "solver": "gd", "retrain_solver": "gd"})["n_prune_steps"]
    assert estimate_fit_memory([5, 8, 1], 120, "float64", solvers=("toy",)) > 0
    with pytest.raises(ValueError, match="'toy'"):
        PrunedMLPClassifier(solver="nope").fit(X, y)  # the message lists it


def test_registry_entries_have_what_the_estimators_read():
    for name, cls in SOLVERS.items():
        assert cls.name == name
        assert isinstance(cls.summary, str) and cls.summary
        assert cls.auto_learning_rate is None or cls.auto_learning_rate > 0
        assert cls.bytes_per_weight(8) > cls.bytes_per_weight(4) > 0
        assert isinstance(cls.stops_by_gradient, bool)
