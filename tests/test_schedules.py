"""Sparsity schedules: formulas at their end points, monotonicity, per-step fractions."""

import numpy as np
import pytest

from skprune._prune.schedules import (
    SCHEDULES,
    cubic_sparsity,
    geometric_sparsity,
    one_shot_sparsity,
)


@pytest.mark.parametrize("name", sorted(SCHEDULES))
@pytest.mark.parametrize("n_steps", [1, 3, 20])
def test_schedules_end_at_the_target_and_never_decrease(name, n_steps):
    schedule = SCHEDULES[name]
    values = [schedule(k, n_steps, 0.9) for k in range(n_steps + 1)]
    assert values[-1] == pytest.approx(0.9)
    assert all(b >= a - 1e-12 for a, b in zip(values, values[1:]))
    assert all(0 <= v <= 0.9 + 1e-12 for v in values)


def test_cubic_matches_zhu_and_gupta_at_its_end_points():
    # s_t = s_f + (s_i - s_f)(1 - (t - t0) / (n dt))^3
    assert cubic_sparsity(0, 10, 0.95, initial_sparsity=0.2) == pytest.approx(0.2)
    assert cubic_sparsity(10, 10, 0.95, initial_sparsity=0.2) == pytest.approx(0.95)
    assert cubic_sparsity(5, 10, 0.8) == pytest.approx(0.8 - 0.8 * 0.5**3)
    # Past the end the target holds.
    assert cubic_sparsity(12, 10, 0.8) == pytest.approx(0.8)
    # Fast first: the first half of the steps does 7/8 of the pruning.
    assert cubic_sparsity(5, 10, 1.0) == pytest.approx(0.875)


def test_geometric_removes_the_same_fraction_of_survivors_each_step():
    kept = [1 - geometric_sparsity(k, 5, 0.98) for k in range(6)]
    ratios = np.array(kept[1:]) / np.array(kept[:-1])
    np.testing.assert_allclose(ratios, ratios[0])
    assert kept[0] == pytest.approx(1.0)
    assert kept[-1] == pytest.approx(0.02)
    assert geometric_sparsity(0, 4, 0.9, initial_sparsity=0.5) == pytest.approx(0.5)


def test_one_shot_prunes_everything_at_the_first_step():
    assert one_shot_sparsity(0, 5, 0.9) == 0.0
    assert [one_shot_sparsity(k, 5, 0.9) for k in range(1, 6)] == [0.9] * 5
