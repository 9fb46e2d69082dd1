"""Structural surgery on a network: neuron removal with bias folding, CSR conversion.

Neuron removal is *physical*: the neuron's column of ``coefs[l]``, its entry of
``intercepts[l]`` and its row of ``coefs[l + 1]`` are sliced away. A removed
neuron's mean output times its outgoing weights is added to the next layer's
bias, so a neuron whose output barely varies can go without moving the
predictions; a neuron whose incoming weights are all pruned outputs the
constant ``act(b)``, and folding removes it exactly.
"""

import warnings
from typing import NamedTuple, Optional

import numpy as np
import scipy.sparse as sp

from .network import ACTIVATIONS, forward


class Network(NamedTuple):
    """A network as training holds it: per layer, dense weights, biases, alive-masks.

    A tuple, so ``coefs, intercepts, masks = net`` unpacks it. ``masks``
    may be None for a network without them (the rewinding weights, a
    converted ``MLPClassifier``).

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._net.surgery import Network
    >>> net = Network([np.ones((2, 1))], [np.zeros(1)], [np.ones((2, 1), bool)])
    >>> coefs, intercepts, masks = net
    >>> int(net.masks[0].sum())
    2
    """

    coefs: list
    intercepts: list
    masks: Optional[list]


def remove_neurons(coefs, intercepts, masks, keeps, fill_values):
    """Slice removed hidden neurons out of the network, folding their output into the next bias.

    Parameters
    ----------
    coefs, intercepts, masks : list of ndarray
        Dense weights, biases and alive-masks; not modified.
    keeps : list of ndarray of bool
        Per hidden layer, ``True`` for the neurons to keep.
    fill_values : list of ndarray
        Per hidden layer, the value each neuron is replaced by when it is
        removed (its sample-weighted mean output).

    Returns
    -------
    coefs, intercepts, masks : list of ndarray
        New lists of (possibly smaller) arrays.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._net.surgery import remove_neurons
    >>> coefs = [np.ones((1, 2)), np.array([[1.0], [3.0]])]
    >>> intercepts = [np.zeros(2), np.zeros(1)]
    >>> masks = [c != 0 for c in coefs]
    >>> keeps = [np.array([True, False])]
    >>> c, b, m = remove_neurons(coefs, intercepts, masks, keeps, [np.array([0.0, 0.5])])
    >>> c[0].shape, c[1].shape, b[1]
    ((1, 1), (1, 1), array([1.5]))
    """
    intercepts = list(intercepts)
    for layer, keep in enumerate(keeps):
        if not keep.all():
            drop, nxt = ~keep, layer + 1
            fold = fill_values[layer][drop] @ coefs[nxt][drop, :]
            intercepts[nxt] = intercepts[nxt] + fold.astype(intercepts[nxt].dtype)
    return slice_neurons(coefs, intercepts, masks, keeps)


def slice_neurons(coefs, intercepts, masks, keeps):
    """Keep the hidden neurons marked in ``keeps``: the one slicing of a network.

    Neuron removal, the constant network and rewinding all slice through
    here. ``masks`` may be None (a network without masks, e.g. the
    rewinding weights); new lists are returned and the inputs are not
    modified.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._net.surgery import slice_neurons
    >>> coefs, intercepts = [np.ones((1, 3)), np.ones((3, 1))], [np.zeros(3), np.zeros(1)]
    >>> c, b, m = slice_neurons(coefs, intercepts, None, [np.array([True, False, True])])
    >>> [W.shape for W in c], m
    ([(1, 2), (2, 1)], None)
    """
    coefs, intercepts = list(coefs), list(intercepts)
    masks = None if masks is None else list(masks)
    for layer, keep in enumerate(keeps):
        if keep.all():
            continue
        coefs[layer] = coefs[layer][:, keep]
        intercepts[layer] = intercepts[layer][keep]
        coefs[layer + 1] = coefs[layer + 1][keep, :]
        if masks is not None:
            masks[layer] = masks[layer][:, keep]
            masks[layer + 1] = masks[layer + 1][keep, :]
    return Network(coefs, intercepts, masks)


def disconnected_neurons(coefs, intercepts, masks, activation):
    """Find hidden neurons that pruning has cut off, and what each one outputs.

    A neuron with no alive outgoing weight affects nothing; one with no alive
    incoming weight outputs the constant ``act(bias)``. Both can be removed
    without changing any prediction (the constant is folded into the next
    bias). A layer is never emptied: if all of its neurons are cut off, the
    one with the largest outgoing weights is kept and a warning is raised.

    Returns
    -------
    keeps : list of ndarray of bool
        Per hidden layer, ``True`` for the neurons still connected.
    fill_values : list of ndarray
        Per hidden layer, the output to fold for a removed neuron.
    """
    keeps, fill_values = [], []
    act = ACTIVATIONS[activation]
    for layer in range(len(coefs) - 1):
        has_in = masks[layer].any(axis=0)
        has_out = masks[layer + 1].any(axis=1)
        keep = has_in & has_out
        if not keep.any():
            warnings.warn(
                f"Pruning disconnected every neuron of hidden layer {layer}; "
                "one neuron is kept so the layer is not empty.",
                UserWarning,
            )
            keep[np.argmax(np.abs(coefs[layer + 1]).sum(axis=1))] = True
        constant = act(intercepts[layer].copy())
        keeps.append(keep)
        fill_values.append(np.where(has_in, 0, constant).astype(coefs[layer].dtype))
    return keeps, fill_values


def is_cut_off(masks):
    """Whether pruning has cut every path from the inputs to the outputs.

    That happens when some hidden layer has no neuron with both an alive
    incoming and an alive outgoing weight (or, with no hidden layer, when no
    weight is alive): the network's output then no longer depends on its
    input.
    """
    if len(masks) == 1:
        return not masks[0].any()
    return any(
        not (m_in.any(axis=0) & m_out.any(axis=1)).any()
        for m_in, m_out in zip(masks[:-1], masks[1:])
    )


def constant_network(coefs, intercepts, activation):
    """The smallest network computing what a cut-off network computes: a constant.

    Every hidden layer keeps one neuron and no weight; the constant output
    pre-activation goes into the output bias, so predictions are unchanged.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._net.surgery import constant_network
    >>> coefs = [np.zeros((3, 2)), np.array([[1.0], [2.0]])]
    >>> intercepts = [np.array([1.0, 1.0]), np.array([0.5])]
    >>> c, b, m = constant_network(coefs, intercepts, "relu")
    >>> [W.shape for W in c], b[-1], [bool(x.any()) for x in m]
    ([(3, 1), (1, 1)], array([3.5]), [False, False])
    """
    n_in, dtype = coefs[0].shape[0], coefs[0].dtype
    # The output does not depend on the input, so any row gives the constant.
    out = forward(np.zeros((1, n_in), dtype), coefs, intercepts, activation, "identity")
    # Keep the first neuron of every hidden layer, with nothing attached.
    keeps = [np.arange(W.shape[1]) == 0 for W in coefs[:-1]]
    new_coefs, new_intercepts, _ = slice_neurons(coefs, intercepts, None, keeps)
    new_coefs = [np.zeros_like(W) for W in new_coefs]
    new_intercepts = [np.zeros_like(b) for b in new_intercepts[:-1]] + [out[-1][0]]
    return Network(new_coefs, new_intercepts, [np.zeros(W.shape, bool) for W in new_coefs])


def to_csr(W):
    """Dense weights to a CSR array that stores no explicit zeros.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._net.surgery import to_csr
    >>> to_csr(np.array([[0.0, 2.0], [0.0, 0.0]])).nnz
    1
    """
    W = sp.csr_array(W)
    W.eliminate_zeros()
    return W


def to_dense(W):
    """CSR (or dense) weights to a dense, writable ndarray."""
    if sp.issparse(W):
        return W.toarray()
    return np.array(W)
