import numpy as np
import pytest

from skprune._fit.optimizers import Adam, GradientDescent, PlateauRule


def test_plain_step():
    opt = GradientDescent([np.zeros(2)], 0.1, momentum=0.0, nesterov=False)
    p = [np.array([1.0, 2.0])]
    new = opt.step(p, [np.array([1.0, -1.0])])
    np.testing.assert_allclose(new[0], [0.9, 2.1])
    np.testing.assert_allclose(p[0], [1.0, 2.0])  # inputs untouched


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_steps(nesterov):
    lr, mu = 0.1, 0.5
    opt = GradientDescent([np.zeros(1)], lr, momentum=mu, nesterov=nesterov)
    p = [np.array([0.0])]
    g = [np.array([1.0])]
    p = opt.step(p, g)  # v1 = -0.1
    p = opt.step(p, g)  # v2 = 0.5 * -0.1 - 0.1 = -0.15
    if nesterov:
        # p += mu * v - lr * g at each step
        expected = (mu * -0.1 - 0.1) + (mu * -0.15 - 0.1)
    else:
        expected = -0.1 - 0.15
    np.testing.assert_allclose(p[0], [expected])


def test_invscaling():
    opt = GradientDescent([np.zeros(1)], 1.0, learning_rate="invscaling", power_t=0.5)
    opt.iteration_ends(3)
    assert opt.learning_rate == pytest.approx(0.5)


def test_adaptive_divides_then_stops():
    # 'adaptive' gradient descent's plateau rule: divide by 5 down to 1e-6.
    opt = GradientDescent([np.zeros(1)], 1e-5, learning_rate="adaptive")
    rule = PlateauRule(5.0, max_decays=np.inf, min_learning_rate=1e-6)
    assert not rule.on_stall(opt)
    assert opt.learning_rate == pytest.approx(2e-6)
    assert not rule.on_stall(opt)
    assert rule.on_stall(opt)


def test_no_decay_stops_at_once():
    opt = GradientDescent([np.zeros(1)], 0.1)
    assert PlateauRule(max_decays=0).on_stall(opt)
    assert opt.learning_rate == 0.1


def test_adam_first_step_moves_by_the_step_size_and_leaves_its_input():
    opt = Adam([np.zeros(2)], 0.1, 0.9, 0.999, 1e-12)
    p = [np.array([1.0, -1.0])]
    new = opt.step(p, [np.array([3.0, -0.5])])
    np.testing.assert_allclose(new[0], [0.9, -0.9])  # sign(g) * lr, bias-corrected
    np.testing.assert_allclose(p[0], [1.0, -1.0])


def test_adam_keeps_float32():
    opt = Adam([np.zeros(2, np.float32)], 0.1, 0.9, 0.999, 1e-8)
    new = opt.step([np.ones(2, np.float32)], [np.ones(2, np.float32)])
    assert new[0].dtype == np.float32


def test_invscaling_continues_from_the_iterations_already_run():
    # A warm start does not restart 'invscaling' at the full step.
    from skprune._fit.solvers import CONTINUE, GDSolver

    solver = GDSolver(1.0, "invscaling", 0.0, False, 0.5, t0=4)
    quadratic = lambda p: (float(p[0] @ p[0]) / 2, [np.ones(1)])  # noqa: E731
    out = solver.run(quadratic, [np.zeros(1)], [None], 1, lambda *a: CONTINUE)
    assert out[0][0] == pytest.approx(-1.0 / 4**0.5)
