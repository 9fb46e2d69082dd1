import numpy as np
import pytest

from skprune._solvers import CONTINUE, STALLED, AdamSolver


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
