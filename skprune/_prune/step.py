"""One pruning step on a network: weights by threshold and criterion, then neurons.

Pure functions of a frozen :class:`skprune._fit.config.FitConfig`, a data object (for
the criteria's statistics) and the network ``(coefs, intercepts, masks)``.
"""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from .._net.surgery import (
    Network,
    constant_network,
    disconnected_neurons,
    is_cut_off,
    remove_neurons,
)
from .criteria import checked_neuron_scores, checked_weight_scores
from .masks import (
    fraction_masks,
    meets_fraction,
    neuron_fraction_masks,
    neuron_keep_masks,
    threshold_masks,
)
from .state import PruningState


class PruningCollapseWarning(ConvergenceWarning):
    """Pruning left a model that fits the training data far worse than before it.

    Issued when pruning cuts every path from the inputs to the outputs, and
    when the pruned model's training score ends below the best constant
    prediction's plus half the gap from there to the network's score before
    pruning. A subclass of :class:`~sklearn.exceptions.ConvergenceWarning`
    (and so of :class:`UserWarning`): filters on either also catch it.

    Examples
    --------
    >>> from sklearn.exceptions import ConvergenceWarning
    >>> from skprune import PruningCollapseWarning
    >>> issubclass(PruningCollapseWarning, ConvergenceWarning)
    True
    """


def prune_weights(config, data, net, target, rng, final=False):
    """Threshold rule, then the ``target`` fraction by ``config.criterion``.

    With ``final`` (the prune that ends a fit), masks that already meet the
    target are kept without scoring them: the scores could not change them.
    """
    coefs, intercepts, masks = net
    # Exact zeros (the L1 penalty makes them) are pruned for good.
    masks = [m & (W != 0) for W, m in zip(coefs, masks)]
    masks = threshold_masks([np.abs(W) for W in coefs], masks, config.weight_threshold)
    if final and target is not None and meets_fraction(
        masks, target, config.prune_scope, list(config.n_original)
    ) and not any(
        # A neuron cut off here (e.g. by L1 zeros) is for the fraction rule to handle.
        (~(masks[k].any(axis=0) & masks[k + 1].any(axis=1))).any()
        for k in range(len(masks) - 1)
    ):
        target = None
    if target is not None:
        state = PruningState._on_data(
            data, coefs, intercepts, masks, config.activation, config.loss, rng
        )
        scores = checked_weight_scores(config.criterion, state)
        masks = connected_fraction_masks(config, scores, masks, target)
    return Network([W * m for W, m in zip(coefs, masks)], intercepts, masks)


def connected_fraction_masks(config, scores, masks, target):
    """The ``target`` fraction by score, without spending it on neurons it cuts off.

    A hidden neuron left with no incoming or no outgoing weight is removed
    with the weights it still has (:func:`skprune._net.surgery.disconnected_neurons`),
    which would take the sparsity past ``target``. Those weights are
    withdrawn from the candidates and the next best ones get their share,
    until no neuron is cut off (or a whole layer is, which the caller
    reports).
    """
    candidates = masks
    while True:
        kept = fraction_masks(scores, candidates, target, config.prune_scope,
                              list(config.n_original), config.min_layer_density)
        cut = [
            ~(kept[k].any(axis=0) & kept[k + 1].any(axis=1)) for k in range(len(kept) - 1)
        ]
        if any(c.all() for c in cut):
            return kept
        # Only neurons that still have candidate weights: each round withdraws
        # at least one neuron's, so the loop ends.
        new = [
            c & (candidates[k].any(axis=0) | candidates[k + 1].any(axis=1))
            for k, c in enumerate(cut)
        ]
        if not any(c.any() for c in new):
            return kept
        candidates = [m.copy() for m in candidates]
        for k, c in enumerate(new):
            candidates[k][:, c] = False
            candidates[k + 1][c, :] = False


def prune_neurons(config, data, net, neuron_target, rng):
    """Remove the neurons below ``neuron_threshold`` and beyond ``neuron_target``.

    Returns the network and the per-layer keep-masks applied.
    """
    coefs, intercepts, masks = net
    state = PruningState._on_data(data, coefs, intercepts, masks, config.activation,
                                  config.loss, rng)
    scores = checked_neuron_scores(config.neuron_criterion, state)
    keeps = neuron_keep_masks(scores, config.neuron_threshold)
    if neuron_target is not None:
        # Fractions count the original widths, so indices of neurons
        # already removed need no bookkeeping: only the number kept.
        widths = list(config.layer_units[1:-1])
        keeps = [k & f for k, f in zip(keeps, neuron_fraction_masks(scores, neuron_target, widths))]
    return remove_neurons(coefs, intercepts, masks, keeps, state.mean_outputs[0]), keeps


def _cut_causes(config):
    """The parameters that can have pruned every weight, in the cut-off warning's words."""
    causes = [name for name, value in (("sparsity", config.sparsity),
                                       ("weight_threshold", config.weight_threshold),
                                       ("l1_alpha", config.l1_alpha)) if value]
    return " or ".join(causes) or "weight_threshold or sparsity"


def prune(config, data, net, step, rng):
    """Pruning step ``step`` (None: the final weights-only prune at the end of fit).

    Returns the new network and the list of neuron keep-masks applied in turn
    (for slicing the rewinding weights alike).
    """
    target, neuron_target = config.targets(step) if step else (config.sparsity, None)
    net = prune_weights(config, data, net, target, rng, final=step is None)
    removed = []
    wants_neurons = config.neuron_threshold > 0 or neuron_target is not None
    if step and wants_neurons and len(net.coefs) > 1:
        net, keeps = prune_neurons(config, data, net, neuron_target, rng)
        removed.append(keeps)
    coefs, intercepts, masks = net
    if is_cut_off(masks):
        warnings.warn(
            "Pruning cut every path from the inputs to the outputs, so the "
            "model predicts a constant; one neuron per hidden layer and no "
            "weight is kept. Lower %s." % _cut_causes(config),
            PruningCollapseWarning,
        )
        removed.append([np.arange(W.shape[1]) == 0 for W in coefs[:-1]])
        return constant_network(coefs, intercepts, config.activation), removed
    # Neurons cut off by weight pruning go too; removing them is exact.
    keeps, fill = disconnected_neurons(coefs, intercepts, masks, config.activation)
    removed.append(keeps)
    return remove_neurons(coefs, intercepts, masks, keeps, fill), removed
