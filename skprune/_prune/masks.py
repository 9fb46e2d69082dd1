"""Mask rules: how importance scores become pruning masks.

Every rule serves every criterion alike (:mod:`skprune._prune.criteria` computes the
scores) and only ever shrinks a mask: :func:`threshold_masks` keeps what
scores at least a threshold, :func:`fraction_masks` the best fraction of a
layer or of the whole network, :func:`neuron_keep_masks` and
:func:`neuron_fraction_masks` the same for hidden neurons. Ties are broken
by position, so refits prune the same entries.
"""

import warnings

import numpy as np


def threshold_masks(scores, masks, threshold):
    """Keep the alive entries whose score is at least ``threshold``.

    The comparison is made in float64: a float32 score equal to
    ``float32(threshold)`` can be below ``threshold`` itself, and the promise
    is ``|w| >= threshold`` for every weight kept.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._prune.masks import threshold_masks
    >>> w = np.array([np.float32(0.01), np.float32(0.02)])
    >>> threshold_masks([w], [np.ones(2, bool)], 0.01)
    [array([False,  True])]
    """
    threshold = np.float64(threshold)
    return [m & (s >= threshold) for s, m in zip(scores, masks)]


def _keep_top(score, mask, n_keep):
    """Mask keeping the ``n_keep`` highest-scoring alive entries of ``score``."""
    flat = np.where(mask, score, -np.inf).ravel()
    n_alive = int(mask.sum())
    if n_keep >= n_alive:
        return mask.copy()
    keep = np.zeros(flat.size, dtype=bool)
    if n_keep > 0:
        # Stable sort: ties are broken by position, so refits are identical.
        keep[np.argsort(-flat, kind="stable")[:n_keep]] = True
    return keep.reshape(mask.shape)


def _layer_floors(masks, n_original, n_keep, min_density):
    """Weights each layer keeps whatever its scores: the floor, clipped to the budget."""
    floors = np.array(
        [min(int(np.ceil(min_density * n)), int(m.sum())) for m, n in zip(masks, n_original)]
    )
    if floors.sum() > n_keep:
        # A floor above the whole budget would empty some other layer: share
        # the budget in proportion to the floors instead.
        floors = np.floor(floors * (n_keep / floors.sum())).astype(int)
    return floors


def fraction_masks(scores, masks, sparsity, scope, n_original, min_density=0.0):
    """Keep the top-scoring weights so that ``sparsity`` of the original weights are gone.

    Parameters
    ----------
    scores, masks : list of ndarray
        Importance and alive-mask per layer.
    sparsity : float
        Fraction in ``[0, 1)`` of the *original* architecture's weights that
        must be zero or removed afterwards.
    scope : {"layer", "global"}
        Whether the fraction holds in every layer or over all layers at once.
    n_original : list of int
        Number of weights of each layer in the original (unpruned) architecture.
    min_density : float, default=0.0
        With ``scope="global"``, every layer keeps its best
        ``ceil(min_density * n_original[l])`` alive weights before the rest of
        the budget is shared by score. If the floors exceed the budget they
        are scaled down to fit it.

    Returns
    -------
    masks : list of ndarray of bool
        New masks, each a subset of the old one.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._prune.masks import fraction_masks
    >>> s = [np.array([[1.0, 2.0, 3.0, 4.0]])]
    >>> fraction_masks(s, [np.ones((1, 4), bool)], 0.5, "layer", [4])
    [array([[False, False,  True,  True]])]
    >>> s = [np.array([[1.0, 2.0]]), np.array([[5.0, 6.0]])]
    >>> fraction_masks(s, [np.ones((1, 2), bool)] * 2, 0.5, "global", [2, 2],
    ...                min_density=0.5)
    [array([[False,  True]]), array([[False,  True]])]
    """
    if scope == "layer":
        return [
            _keep_top(s, m, int(round((1 - sparsity) * n)))
            for s, m, n in zip(scores, masks, n_original)
        ]
    n_keep = int(round((1 - sparsity) * sum(n_original)))
    reserved = [
        _keep_top(s, m, int(k))
        for s, m, k in zip(scores, masks, _layer_floors(masks, n_original, n_keep, min_density))
    ]
    n_reserved = sum(int(r.sum()) for r in reserved)
    rest = _keep_top(
        np.concatenate([s.ravel() for s in scores]),
        np.concatenate([(m & ~r).ravel() for m, r in zip(masks, reserved)]),
        max(n_keep - n_reserved, 0),
    )
    bounds = np.cumsum([m.size for m in masks])[:-1]
    return [
        part.reshape(m.shape) | r
        for part, m, r in zip(np.split(rest, bounds), masks, reserved)
    ]


def meets_fraction(masks, sparsity, scope, n_original):
    """Whether ``masks`` keep no more weights than :func:`fraction_masks` would keep.

    Then :func:`fraction_masks` returns ``masks`` unchanged whatever the
    scores, so they need not be computed.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._prune.masks import meets_fraction
    >>> meets_fraction([np.array([[True, False, False, False]])], 0.75, "global", [4])
    True
    >>> meets_fraction([np.array([[True, True, False, False]])], 0.75, "layer", [4])
    False
    """
    if scope == "layer":
        return all(int(m.sum()) <= int(round((1 - sparsity) * n))
                   for m, n in zip(masks, n_original))
    return sum(int(m.sum()) for m in masks) <= int(round((1 - sparsity) * sum(n_original)))


def neuron_keep_masks(scores, threshold):
    """Per hidden layer, which neurons score at least ``threshold``.

    A layer is never emptied: if no neuron passes, its best one is kept and a
    ``UserWarning`` says so.
    """
    keeps = []
    for layer, s in enumerate(scores):
        keep = s >= threshold
        if not keep.any():
            warnings.warn(
                f"neuron_threshold={threshold} would remove every neuron of hidden "
                f"layer {layer}; its highest-scoring neuron is kept.",
                UserWarning,
            )
            keep[np.argmax(s)] = True
        keeps.append(keep)
    return keeps


def neuron_fraction_masks(scores, sparsity, n_original):
    """Per hidden layer, keep the top-scoring neurons so ``sparsity`` of the original ones are gone.

    At least one neuron per layer is kept.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._prune.masks import neuron_fraction_masks
    >>> neuron_fraction_masks([np.array([0.3, 0.1, 0.2, 0.4])], 0.5, [4])
    [array([ True, False, False,  True])]
    """
    return [
        _keep_top(s, np.ones(s.shape, dtype=bool), max(int(round((1 - sparsity) * n)), 1))
        for s, n in zip(scores, n_original)
    ]
