"""Pruning criteria: importance scores, kept apart from the rules that turn them into masks.

A criterion is a small immutable strategy object (a frozen dataclass) with one
method, ``scores(state)``, that reads a :class:`PruningState` (the network
plus the training data) and returns one array of importances per layer:
weight criteria one array shaped like each ``coefs[l]``, neuron criteria one
vector per hidden layer. Higher means more important. The mask rules
(:func:`threshold_masks`, :func:`fraction_masks`, :func:`neuron_keep_masks`,
:func:`neuron_fraction_masks`) serve every criterion alike and only ever
shrink a mask. Sample weighting lives in exactly one place: the data
statistics of :class:`PruningState`, all normalised by ``sum(sample_weight)``.
"""

import warnings
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.extmath import safe_sparse_dot

from ._network import (
    DERIVATIVES,
    OUTPUT_ACTIVATIONS,
    forward,
    loss_and_gradients,
    weighted_mean_outputs,
)


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
    Y : ndarray of shape (n_samples, n_outputs), default=None
        Encoded targets; needed by the gradient-based criteria only.
    random_state : int, RandomState instance or None, default=None
        Source of randomness for the random criteria; the estimator passes
        the generator seeded by its own ``random_state``.
    """

    def __init__(
        self, coefs, intercepts, masks, X, sample_weight, activation, loss,
        Y=None, random_state=None,
    ):
        self.coefs = coefs
        self.intercepts = intercepts
        self.masks = masks
        self.X = X
        self.sample_weight = sample_weight
        self.activation = activation
        self.loss = loss
        self.Y = Y
        self.random_state = random_state

    @cached_property
    def rng(self):
        """The random generator of the random criteria."""
        return check_random_state(self.random_state)

    @cached_property
    def _weights(self):
        # Per-sample factor s_i / sum(s): the one place data statistics are normalised.
        dtype = self.coefs[0].dtype
        return (self.sample_weight / self.sample_weight.sum()).astype(dtype)

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

    @cached_property
    def output_variances(self):
        """Sample-weighted variance of every hidden neuron's output."""
        means = self.mean_outputs[0]
        return [
            self._weights @ (A - m) ** 2
            for A, m in zip(self.activations[1:-1], means)
        ]

    @cached_property
    def gradients(self):
        """Exact whole-data gradient of the data loss (no L2 term) per weight matrix."""
        if self.Y is None:
            raise ValueError("This criterion needs the targets: pass Y to PruningState.")
        return loss_and_gradients(
            self.X, self.Y, self.sample_weight, self.coefs, self.intercepts,
            self.activation, self.loss, 0.0,
        )[1]

    def _output_factors(self):
        """Yield ``D`` with ``sum_c D_c D_c^T`` the Hessian of the loss in the output pre-activations.

        For the canonical links the Gauss-Newton matrix equals the Fisher
        information: softmax + log-loss has ``H = diag(p) - p p^T``, whose
        factors are ``sqrt(p_c) (e_c - p)``; independent logistic outputs
        have ``H = diag(p (1 - p))``; squared error has ``H = I``.
        """
        P = self.activations[-1]
        n_outputs = P.shape[1]
        for c in range(n_outputs):
            if self.loss == "log_loss":
                D = -P * np.sqrt(P[:, c : c + 1])
                D[:, c] += np.sqrt(P[:, c])
            else:
                D = np.zeros_like(P)
                if self.loss == "binary_log_loss":
                    D[:, c] = np.sqrt(P[:, c] * (1 - P[:, c]))
                else:
                    D[:, c] = 1
            yield D

    @cached_property
    def hessian_diagonal(self):
        """Gauss-Newton diagonal of the data loss per weight matrix, in one pass.

        Entry ``(j, k)`` of layer ``l`` is ``sum_i s_i sum_c (a_ij d_ik^c)^2 /
        sum(s)``: the squared Jacobian of every output factor ``c`` with
        respect to the weight, backpropagated once per output. The squared
        inputs do not depend on ``c``, so each layer needs a single
        ``(A^2)^T (sum_c D_c^2)`` product.
        """
        activations = self.activations
        derivative = DERIVATIVES[self.activation]
        n_layers = len(self.coefs)
        sums = [None] * n_layers
        for D in self._output_factors():
            delta = D
            for i in range(n_layers - 1, -1, -1):
                sq = delta * delta
                sums[i] = sq if sums[i] is None else sums[i] + sq
                if i > 0:
                    delta = derivative(activations[i], delta @ self.coefs[i].T)
        diagonal = []
        for A, S in zip(activations[:-1], sums):
            A2 = A.multiply(A) if hasattr(A, "multiply") else A * A
            S *= self._weights[:, np.newaxis]
            diagonal.append(np.asarray(safe_sparse_dot(A2.T, S, dense_output=True)))
        return diagonal


_WEIGHT_SCORES_DOC = """Importance of every weight.

        Parameters
        ----------
        state : PruningState
            The network and the training data.

        Returns
        -------
        scores : list of ndarray
            One array per layer, shaped like ``state.coefs[l]``; higher means
            more important.
        """

_NEURON_SCORES_DOC = """Importance of every hidden neuron.

        Parameters
        ----------
        state : PruningState
            The network and the training data.

        Returns
        -------
        scores : list of ndarray
            One vector per hidden layer, one entry per neuron; higher means
            more important.
        """


def _normalise_layer(score):
    """Divide by the layer's largest score, so scores of different layers compare."""
    top = score.max() if score.size else 0.0
    return score / top if top > 0 else score


# ---------------------------------------------------------------------- #
# Weight criteria: one score per weight, shaped like coefs[l].
# ---------------------------------------------------------------------- #
@dataclass(frozen=True)
class MagnitudeCriterion:
    """Weight importance ``|w|`` (Han et al., 2015).

    Examples
    --------
    >>> import numpy as np
    >>> from skprune import MagnitudeCriterion, PruningState
    >>> W = np.array([[0.5, -0.01]])
    >>> state = PruningState([W], [np.zeros(2)], [W != 0], None, None, "relu", "log_loss")
    >>> MagnitudeCriterion().scores(state)
    [array([[0.5 , 0.01]])]
    """

    def scores(self, state):
        return [np.abs(W) for W in state.coefs]

    scores.__doc__ = _WEIGHT_SCORES_DOC


@dataclass(frozen=True)
class TaylorCriterion:
    """First-order Taylor importance ``|w * dL/dw|`` (Molchanov et al., 2017).

    The estimated change of the data loss when ``w`` is set to zero. Full-batch
    training has the exact whole-data gradient, so the score is noise-free.
    Near a minimum of the regularised loss the data gradient is about
    ``-alpha * w / sum(s)``, and the score tends to a multiple of ``w ** 2``:
    first-order Taylor then ranks like magnitude, which is why second-order
    saliency (:class:`OBDCriterion`) exists.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune import PruningState, TaylorCriterion
    >>> X, Y = np.eye(2), np.eye(2)
    >>> W = np.array([[1.0, 0.0], [0.0, 0.5]])
    >>> state = PruningState([W], [np.zeros(2)], [W != 0], X, np.ones(2),
    ...                      "relu", "log_loss", Y=Y)
    >>> TaylorCriterion().scores(state)[0].round(3)
    array([[0.134, 0.   ],
           [0.   , 0.094]])
    """

    def scores(self, state):
        return [np.abs(W * G) for W, G in zip(state.coefs, state.gradients)]

    scores.__doc__ = _WEIGHT_SCORES_DOC


@dataclass(frozen=True)
class OBDCriterion:
    """Optimal Brain Damage saliency ``h_kk * w ** 2 / 2`` (LeCun et al., 1990).

    ``h_kk`` is the diagonal of the Gauss-Newton matrix of the data loss,
    which for the canonical output links used here equals the Fisher
    information. It is exact (not sampled) and positive semi-definite, unlike
    the true Hessian diagonal, and is computed in one pass over the data with
    one backward pass per output unit. The approximation ignores the
    off-diagonal terms (weights are pruned as if independently) and the
    second-derivative-of-activation terms of the true Hessian, which vanish
    at a perfect fit.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune import OBDCriterion, PruningState
    >>> X, Y = np.eye(2), np.eye(2)
    >>> W = np.array([[1.0, -1.0], [2.0, 0.0]])
    >>> state = PruningState([W], [np.zeros(2)], [W != 0], X, np.ones(2),
    ...                      "relu", "log_loss", Y=Y)
    >>> OBDCriterion().scores(state)[0].round(3)
    array([[0.026, 0.026],
           [0.105, 0.   ]])
    """

    def scores(self, state):
        return [
            0.5 * H * W * W for H, W in zip(state.hessian_diagonal, state.coefs)
        ]

    scores.__doc__ = _WEIGHT_SCORES_DOC


@dataclass(frozen=True)
class RandomCriterion:
    """Uniform random importances: the baseline every pruning result needs.

    The draws come from the estimator's ``random_state``, so refits with the
    same seed prune the same weights.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune import PruningState, RandomCriterion
    >>> W = np.ones((2, 3))
    >>> state = PruningState([W], [np.zeros(3)], [W != 0], None, None, "relu",
    ...                      "log_loss", random_state=0)
    >>> RandomCriterion().scores(state)[0].shape
    (2, 3)
    """

    def scores(self, state):
        return [state.rng.random_sample(W.shape) for W in state.coefs]

    scores.__doc__ = _WEIGHT_SCORES_DOC


# ---------------------------------------------------------------------- #
# Neuron criteria: one score per hidden neuron.
# ---------------------------------------------------------------------- #
@dataclass(frozen=True)
class ActivationCriterion:
    """Neuron importance: sample-weighted mean ``|activation|`` on the training data.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune import ActivationCriterion, PruningState
    >>> X = np.array([[1.0], [-1.0]])
    >>> coefs, intercepts = [np.array([[1.0, 0.0]]), np.ones((2, 1))], [np.zeros(2), np.zeros(1)]
    >>> state = PruningState(coefs, intercepts, [c != 0 for c in coefs], X,
    ...                      np.array([3.0, 1.0]), "relu", "log_loss")
    >>> ActivationCriterion().scores(state)
    [array([0.75, 0.  ])]
    """

    def scores(self, state):
        return state.mean_outputs[1]

    scores.__doc__ = _NEURON_SCORES_DOC


@dataclass(frozen=True)
class EntropyCriterion:
    """Neuron importance: entropy, in bits, of its output distribution over the data.

    A neuron whose output barely varies carries little information: removing
    it and folding its mean output into the next bias barely changes the
    network. Outputs are binned on ``n_bins`` equal-width bins spanning the
    *layer's* range, so a neuron that only moves within a sliver of that range
    falls in one bin and scores zero, like a dead one; the histogram is
    sample-weighted. Scores range from 0 to ``log2(n_bins)``.

    Parameters
    ----------
    n_bins : int, default=32
        Number of histogram bins per layer.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune import EntropyCriterion, PruningState
    >>> X = np.array([[0.0], [1.0]])
    >>> coefs, intercepts = [np.array([[1.0, 0.0]]), np.ones((2, 1))], [np.zeros(2), np.ones(1)]
    >>> state = PruningState(coefs, intercepts, [c != 0 for c in coefs], X,
    ...                      np.ones(2), "relu", "log_loss")
    >>> EntropyCriterion().scores(state)  # one bit; the constant neuron none
    [array([1., 0.])]
    """

    n_bins: int = 32

    def scores(self, state):
        weights = state._weights
        out = []
        for A in state.activations[1:-1]:
            lo, hi = A.min(), A.max()
            width = (hi - lo) / self.n_bins if hi > lo else 1.0
            bins = np.clip(((A - lo) / width).astype(np.intp), 0, self.n_bins - 1)
            bins += self.n_bins * np.arange(A.shape[1])
            counts = np.bincount(
                bins.ravel(),
                weights=np.repeat(weights, A.shape[1]),
                minlength=self.n_bins * A.shape[1],
            ).reshape(A.shape[1], self.n_bins)
            p = counts[counts > 0]
            counts[counts > 0] = -p * np.log2(p)
            out.append(np.abs(counts.sum(axis=1)))
        return out

    scores.__doc__ = _NEURON_SCORES_DOC


@dataclass(frozen=True)
class VarianceCriterion:
    """Neuron importance: the error that removing the neuron would cause.

    Removing hidden neuron ``j`` and folding its mean output into the next bias
    replaces its output ``a_j`` by its mean; the root-mean-square change of
    the next layer's pre-activations is exactly
    ``std(a_j) * ||W_next[j, :]||`` (sample-weighted), and that is the score.
    For a Gaussian output this is a monotone function of its entropy.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune import PruningState, VarianceCriterion
    >>> X = np.array([[0.0], [2.0]])
    >>> coefs = [np.array([[1.0, 0.0]]), np.array([[3.0], [4.0]])]
    >>> intercepts = [np.zeros(2), np.zeros(1)]
    >>> state = PruningState(coefs, intercepts, [c != 0 for c in coefs], X,
    ...                      np.ones(2), "relu", "log_loss")
    >>> VarianceCriterion().scores(state)  # std 1 times |3|; the constant neuron 0
    [array([3., 0.])]
    """

    def scores(self, state):
        return [
            np.sqrt(var) * np.linalg.norm(W_next, axis=1)
            for var, W_next in zip(state.output_variances, state.coefs[1:])
        ]

    scores.__doc__ = _NEURON_SCORES_DOC


@dataclass(frozen=True)
class NeuronTaylorCriterion:
    """Neuron importance ``sum_k (w_kj * dL/dw_kj) ** 2`` over its incoming weights.

    Molchanov et al. (2019)'s group Taylor score, computed from the exact
    whole-data gradient and divided by the layer's largest score, so that
    scores lie in ``[0, 1]`` in every layer.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune import NeuronTaylorCriterion, PruningState
    >>> X, Y = np.eye(2), np.eye(2)
    >>> coefs = [np.array([[1.0, 0.0], [0.0, 0.0]]), np.eye(2)]
    >>> state = PruningState(coefs, [np.zeros(2), np.zeros(2)],
    ...                      [c != 0 for c in coefs], X, np.ones(2), "relu",
    ...                      "log_loss", Y=Y)
    >>> NeuronTaylorCriterion().scores(state)
    [array([1., 0.])]
    """

    def scores(self, state):
        return [
            _normalise_layer(((W * G) ** 2).sum(axis=0))
            for W, G in zip(state.coefs[:-1], state.gradients[:-1])
        ]

    scores.__doc__ = _NEURON_SCORES_DOC


@dataclass(frozen=True)
class RandomNeuronCriterion:
    """Uniform random neuron importances, drawn from the estimator's ``random_state``.

    A baseline for ``neuron_sparsity``. Scores are uniform on ``[0, 1)``, so a
    ``neuron_threshold`` above zero removes about that fraction of the
    neurons at random at every step: set ``neuron_threshold=0`` with it.
    """

    def scores(self, state):
        return [state.rng.random_sample(W.shape[1]) for W in state.coefs[:-1]]

    scores.__doc__ = _NEURON_SCORES_DOC


#: The ``criterion`` parameter's names.
WEIGHT_CRITERIA = {
    "magnitude": MagnitudeCriterion,
    "taylor": TaylorCriterion,
    "obd": OBDCriterion,
    "random": RandomCriterion,
}

#: The ``neuron_criterion`` parameter's names.
NEURON_CRITERIA = {
    "activation": ActivationCriterion,
    "entropy": EntropyCriterion,
    "variance": VarianceCriterion,
    "taylor": NeuronTaylorCriterion,
    "random": RandomNeuronCriterion,
}


def resolve_criterion(criterion, registry):
    """A criterion instance from a parameter value: a registry name or an instance."""
    if isinstance(criterion, str):
        return registry[criterion]()
    return criterion


# ---------------------------------------------------------------------- #
# Mask rules.
# ---------------------------------------------------------------------- #
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
    >>> from skprune._criteria import fraction_masks
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
    >>> from skprune._criteria import neuron_fraction_masks
    >>> neuron_fraction_masks([np.array([0.3, 0.1, 0.2, 0.4])], 0.5, [4])
    [array([ True, False, False,  True])]
    """
    return [
        _keep_top(s, np.ones(s.shape, dtype=bool), max(int(round((1 - sparsity) * n)), 1))
        for s, n in zip(scores, n_original)
    ]
