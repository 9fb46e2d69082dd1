"""The mask rules: scores to masks, for every criterion alike."""

import numpy as np
import pytest

from skprune._prune.masks import (
    fraction_masks,
    neuron_fraction_masks,
    neuron_keep_masks,
    threshold_masks,
)


def _random_scores_and_masks(rng, shapes=((6, 5), (5, 4), (4, 2))):
    scores = [rng.uniform(size=s) for s in shapes]
    masks = [rng.uniform(size=s) > 0.2 for s in shapes]
    return scores, masks, [int(np.prod(s)) for s in shapes]


@pytest.mark.parametrize("scope", ["layer", "global"])
@pytest.mark.parametrize("sparsity", [0.0, 0.3, 0.6, 0.95])
def test_fraction_masks_only_shrink_and_hit_the_target(scope, sparsity):
    rng = np.random.RandomState(0)
    scores, masks, n_original = _random_scores_and_masks(rng)
    new = fraction_masks(scores, masks, sparsity, scope, n_original, min_density=0.1)
    for m_new, m in zip(new, masks):
        assert not (m_new & ~m).any()
    budget = round((1 - sparsity) * sum(n_original))
    n_alive = sum(int(m.sum()) for m in masks)
    if scope == "global":
        assert sum(int(m.sum()) for m in new) == min(budget, n_alive)
    # Every kept weight outscores every dropped alive weight of its layer.
    for s, m_new, m in zip(scores, new, masks):
        dropped = m & ~m_new
        if dropped.any() and m_new.any() and scope == "layer":
            assert s[m_new].min() >= s[dropped].max()


def test_a_mask_of_ones_changes_nothing():
    rng = np.random.RandomState(0)
    scores = [rng.uniform(size=(4, 3))]
    ones = [np.ones((4, 3), bool)]
    for scope in ("layer", "global"):
        np.testing.assert_array_equal(fraction_masks(scores, ones, 0.0, scope, [12])[0], ones[0])
    np.testing.assert_array_equal(threshold_masks(scores, ones, 0.0)[0], ones[0])


def test_global_floor_keeps_every_layer_alive():
    # The last layer's scores are all tiny: plain global pruning empties it.
    scores = [np.full((10, 10), 5.0), np.full((10, 2), 1e-3)]
    masks = [np.ones((10, 10), bool), np.ones((10, 2), bool)]
    naive = fraction_masks(scores, masks, 0.9, "global", [100, 20])
    assert naive[1].sum() == 0
    floored = fraction_masks(scores, masks, 0.9, "global", [100, 20], min_density=0.1)
    assert [int(m.sum()) for m in floored] == [10, 2]
    floored = fraction_masks(scores, masks, 0.9, "global", [100, 20], min_density=0.05)
    assert [int(m.sum()) for m in floored] == [11, 1]
    # Floors above the whole budget are scaled down to fit it.
    tight = fraction_masks(scores, masks, 0.95, "global", [100, 20], min_density=0.5)
    assert sum(int(m.sum()) for m in tight) == 6
    assert all(m.sum() > 0 for m in tight)


def test_neuron_masks():
    scores = [np.array([0.5, 0.1, 0.3, 0.0]), np.array([0.0, 0.0])]
    with pytest.warns(UserWarning, match="every neuron"):
        keeps = neuron_keep_masks(scores, 0.2)
    np.testing.assert_array_equal(keeps[0], [True, False, True, False])
    assert keeps[1].sum() == 1
    keeps = neuron_fraction_masks(scores, 0.99, [4, 2])
    assert [k.sum() for k in keeps] == [1, 1]
    # Fractions count the original width: a layer already at 2 of 4 neurons
    # keeps both at 50 %.
    assert neuron_fraction_masks([np.array([0.1, 0.2])], 0.5, [4])[0].all()
