"""Pruning criteria: importance scores, kept apart from the rules that turn them into masks.

A criterion is a small immutable strategy object (a frozen dataclass) deriving
from :class:`WeightCriterion` or :class:`NeuronCriterion`, with one method,
``scores(state)``, that reads a :class:`PruningState` (the network
plus the training data) and returns one array of importances per layer:
weight criteria one array shaped like each ``coefs[l]``, neuron criteria one
vector per hidden layer. Higher means more important. The rules that turn
scores into masks live in :mod:`._masks` and serve every criterion alike.
Sample weighting lives in exactly one place: the data
statistics of :class:`PruningState`, all normalised by ``sum(sample_weight)``.
What a criterion returns is checked (:func:`checked_weight_scores`,
:func:`checked_neuron_scores`) before any mask is changed.
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

from ._state import PruningState

__all__ = ["NeuronCriterion", "PruningState", "WeightCriterion"]


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


class WeightCriterion(ABC):
    """Base class of the weight criteria: one importance per weight.

    Subclass it (a frozen dataclass is the model) and implement
    :meth:`scores`; an instance can then be passed as ``criterion``. The
    estimator checks what ``scores`` returns: one finite array per layer,
    shaped like ``state.coefs[l]``.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune import WeightCriterion
    >>> class SquaredMagnitude(WeightCriterion):
    ...     def scores(self, state):
    ...         return [W ** 2 for W in state.coefs]
    >>> isinstance(SquaredMagnitude(), WeightCriterion)
    True
    """

    @abstractmethod
    def scores(self, state):
        """Importance of every weight.

        Parameters
        ----------
        state : PruningState
            The network (read-only) and the training data.

        Returns
        -------
        scores : list of ndarray
            One array per layer, shaped like ``state.coefs[l]``; higher
            means more important.
        """


class NeuronCriterion(ABC):
    """Base class of the neuron criteria: one importance per hidden neuron.

    Subclass it and implement :meth:`scores`; an instance can then be passed
    as ``neuron_criterion``. The estimator checks what ``scores`` returns:
    one finite vector per hidden layer, one entry per neuron.

    Examples
    --------
    >>> from skprune import NeuronCriterion
    >>> class MeanOutput(NeuronCriterion):
    ...     def scores(self, state):
    ...         return list(state.mean_outputs[1])
    >>> isinstance(MeanOutput(), NeuronCriterion)
    True
    """

    @abstractmethod
    def scores(self, state):
        """Importance of every hidden neuron.

        Parameters
        ----------
        state : PruningState
            The network (read-only) and the training data.

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
class MagnitudeCriterion(WeightCriterion):
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
class TaylorCriterion(WeightCriterion):
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
class OBDCriterion(WeightCriterion):
    """Optimal Brain Damage saliency ``h_kk * w ** 2 / 2`` (LeCun et al., 1990).

    ``h_kk`` is the diagonal of the Gauss-Newton matrix of the data loss,
    which for the canonical output links used here equals the Fisher
    information. It is exact (not sampled) and positive semi-definite, unlike
    the true Hessian diagonal, and is computed in one pass over the data with
    one backward pass per output unit. The approximation ignores the
    off-diagonal terms (weights are pruned as if independently) and the
    second-derivative-of-activation terms of the true Hessian, which vanish
    at a perfect fit.

    Where the outputs saturate (a network that fits its training data almost
    perfectly predicts probabilities of almost exactly 0 and 1) the
    Gauss-Newton diagonal of the log-losses vanishes, every saliency is near
    zero and the ranking says little about which weights the fit needs. With
    ``damping``, the diagonal is computed at the predicted probabilities
    mixed with a share ``damping`` of the uniform ones, ``q = (p + damping)
    / (1 + K * damping)`` over ``K`` outcomes: where ``p`` is not saturated
    this barely changes it, and where it is, the saliency becomes about
    ``damping`` times the squared change of the outputs when the weight is
    removed. The default is the undamped saliency, which ranks better on the
    quality benchmarks; a pruning round that collapses the training score is
    redone with ``damping=0.01`` (see :doc:`/reliability`).

    Parameters
    ----------
    damping : float, default=0.0
        Share of the uniform probabilities mixed into the predicted ones
        before the curvature is computed. No effect with squared error,
        whose curvature never vanishes.

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
    >>> OBDCriterion(damping=0.01).scores(state)[0].round(3)
    array([[0.028, 0.028],
           [0.111, 0.   ]])
    """

    damping: float = 0.0

    def __post_init__(self):
        if isinstance(self.damping, bool) or not isinstance(self.damping, Real) or not (
            0 <= self.damping < np.inf
        ):
            raise ValueError(
                f"OBDCriterion(damping={self.damping!r}): damping must be a "
                "finite number >= 0."
            )

    def scores(self, state):
        return [
            0.5 * H * W * W
            for H, W in zip(state.damped_hessian_diagonal(self.damping), state.coefs)
        ]

    scores.__doc__ = _WEIGHT_SCORES_DOC


@dataclass(frozen=True)
class RandomCriterion(WeightCriterion):
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
class ActivationCriterion(NeuronCriterion):
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
        return list(state.mean_outputs[1])

    scores.__doc__ = _NEURON_SCORES_DOC


@dataclass(frozen=True)
class EntropyCriterion(NeuronCriterion):
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

    def __post_init__(self):
        if isinstance(self.n_bins, bool) or not isinstance(self.n_bins, Integral) or self.n_bins < 2:
            raise ValueError(
                f"EntropyCriterion(n_bins={self.n_bins!r}): n_bins must be an "
                "integer of at least 2."
            )

    def scores(self, state):
        out = []
        for counts in state.histograms(self.n_bins):
            p = np.array(counts)
            positive = p > 0
            p[positive] = -p[positive] * np.log2(p[positive])
            out.append(np.abs(p.sum(axis=1)))
        return out

    scores.__doc__ = _NEURON_SCORES_DOC


@dataclass(frozen=True)
class VarianceCriterion(NeuronCriterion):
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
class NeuronTaylorCriterion(NeuronCriterion):
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
class RandomNeuronCriterion(NeuronCriterion):
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


def _checked(criterion, scores, shapes, what):
    """``scores`` as float arrays if they match ``shapes`` and are finite; else a ValueError."""
    name = type(criterion).__name__
    try:
        scores = list(scores)
    except TypeError:
        raise ValueError(
            f"{name}.scores returned {type(scores).__name__}, not a list of arrays "
            f"(one per {what})."
        ) from None
    if len(scores) != len(shapes):
        raise ValueError(
            f"{name}.scores returned {len(scores)} arrays for a network with "
            f"{len(shapes)} {what}s; it must return one per {what}."
        )
    checked = []
    for layer, (score, shape) in enumerate(zip(scores, shapes)):
        try:
            score = np.asarray(score, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                f"{name}.scores returned non-numeric scores for {what} {layer}."
            ) from None
        if score.shape != shape:
            raise ValueError(
                f"{name}.scores returned scores of shape {score.shape} for {what} "
                f"{layer}, which needs shape {shape}."
            )
        if not np.isfinite(score).all():
            raise ValueError(
                f"{name}.scores returned {int(np.sum(~np.isfinite(score)))} NaN or "
                f"infinite scores for {what} {layer}; scores must be finite."
            )
        checked.append(score)
    return checked


def checked_weight_scores(criterion, state):
    """``criterion.scores(state)``, checked: one finite array per layer, shaped like its weights.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune import MagnitudeCriterion, PruningState
    >>> from skprune._criteria import checked_weight_scores
    >>> W = np.array([[0.5, np.nan]])
    >>> state = PruningState([W], [np.zeros(2)], [W != 0], None, None, "relu", "log_loss")
    >>> checked_weight_scores(MagnitudeCriterion(), state)
    Traceback (most recent call last):
    ...
    ValueError: MagnitudeCriterion.scores returned 1 NaN or infinite scores for layer 0; ...
    """
    shapes = [tuple(W.shape) for W in state.coefs]
    return _checked(criterion, criterion.scores(state), shapes, "layer")


def checked_neuron_scores(criterion, state):
    """``criterion.scores(state)``, checked: one finite vector per hidden layer."""
    shapes = [(W.shape[1],) for W in state.coefs[:-1]]
    return _checked(criterion, criterion.scores(state), shapes, "hidden layer")
