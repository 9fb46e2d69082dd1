"""Pruning criteria: importance scores, kept apart from the rules that turn them into masks.

A criterion is a small immutable strategy object with one method, ``scores``,
that reads a :class:`PruningState` (the network plus the training data) and
returns one array of importances per layer. The mask rules
(:func:`threshold_masks`, :func:`fraction_masks`, :func:`neuron_keep_masks`)
serve every criterion alike and only ever shrink a mask. Sample weighting
lives in exactly one place: the data statistics of :class:`PruningState`.
"""

import warnings
from functools import cached_property

import numpy as np

from ._network import OUTPUT_ACTIVATIONS, forward, weighted_mean_outputs


class PruningState:
    """What a criterion may look at, with data statistics computed on first use.

    Parameters
    ----------
    coefs, intercepts : list of ndarray
        Dense weights (pruned entries are exactly zero) and biases.
    masks : list of ndarray of bool
        ``True`` where a weight is still alive.
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Training data.
    sample_weight : ndarray of shape (n_samples,)
        Sample weights; every data statistic is normalised by their sum.
    activation : str
        Hidden activation.
    loss : str
        Training loss (fixes the output activation).
    """

    def __init__(self, coefs, intercepts, masks, X, sample_weight, activation, loss):
        self.coefs = coefs
        self.intercepts = intercepts
        self.masks = masks
        self.X = X
        self.sample_weight = sample_weight
        self.activation = activation
        self.loss = loss

    @cached_property
    def activations(self):
        """Every layer's output on the training data."""
        return forward(
            self.X,
            self.coefs,
            self.intercepts,
            self.activation,
            OUTPUT_ACTIVATIONS[self.loss],
        )

    @cached_property
    def mean_outputs(self):
        """``(means, abs_means)`` per hidden layer, sample-weighted."""
        return weighted_mean_outputs(self.activations, self.sample_weight)


class MagnitudeCriterion:
    """Weight importance ``|w|`` (Han et al., 2015).

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._criteria import MagnitudeCriterion, PruningState
    >>> W = np.array([[0.5, -0.01]])
    >>> state = PruningState([W], [np.zeros(2)], [W != 0], None, None, "relu", "log_loss")
    >>> MagnitudeCriterion().scores(state)
    [array([[0.5 , 0.01]])]
    """

    def scores(self, state):
        return [np.abs(W) for W in state.coefs]


class ActivationCriterion:
    """Neuron importance: sample-weighted mean ``|activation|`` on the training data."""

    def scores(self, state):
        return state.mean_outputs[1]


def threshold_masks(scores, masks, threshold):
    """Keep the alive entries whose score is at least ``threshold``.

    The comparison is made in float64: a float32 score equal to
    ``float32(threshold)`` can be below ``threshold`` itself, and the promise
    is ``|w| >= threshold`` for every weight kept.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._criteria import threshold_masks
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


def fraction_masks(scores, masks, sparsity, scope, n_original):
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

    Returns
    -------
    masks : list of ndarray of bool
        New masks, each a subset of the old one.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._criteria import fraction_masks
    >>> s = [np.array([[1.0, 2.0, 3.0, 4.0]])]
    >>> fraction_masks(s, [np.ones((1, 4), bool)], 0.5, "layer", [4])
    [array([[False, False,  True,  True]])]
    """
    if scope == "layer":
        return [
            _keep_top(s, m, int(round((1 - sparsity) * n)))
            for s, m, n in zip(scores, masks, n_original)
        ]
    n_keep = int(round((1 - sparsity) * sum(n_original)))
    flat = _keep_top(
        np.concatenate([s.ravel() for s in scores]),
        np.concatenate([m.ravel() for m in masks]),
        n_keep,
    )
    bounds = np.cumsum([m.size for m in masks])[:-1]
    return [
        part.reshape(m.shape) for part, m in zip(np.split(flat, bounds), masks)
    ]


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
