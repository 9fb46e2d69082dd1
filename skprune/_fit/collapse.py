"""Pruning rounds that collapse the training score: found, redone, or reported.

On easily separable data, retraining drives the training loss to about 0 and
the outputs saturate; a pruning step can then remove what the fit needs (the
curvature behind OBD vanishes at saturated outputs) or leave every row
confidently wrong, where the clipped log-loss is flat and L-BFGS cannot
move. :class:`CollapseGuard` scores the network after every prune -> retrain
round, has the loop redo a round that collapsed with safer settings, and
warns (:class:`skprune._prune.step.PruningCollapseWarning`) when the final model still
fits far worse than the network did earlier in the fit.
"""

import warnings
from dataclasses import replace

import numpy as np

from .._data.memory import InMemoryData, weighted_targets
from .._net.surgery import Network
from .._prune.criteria import MagnitudeCriterion, OBDCriterion, VarianceCriterion
from .._prune.step import PruningCollapseWarning


def cool_outputs(config, data, net):
    """``net`` with its output layer scaled by the factor in ``2 ** -k`` (k = 0..12) of lowest loss.

    A pruning step that removes weights of a network with saturated outputs
    can leave outputs that are confidently wrong, where the log-loss is
    clipped flat and gradient steps barely move it; scaling the output
    layer's weights and bias down brings the outputs back to where the
    loss has a slope.
    """
    coefs, intercepts, masks = net
    best = (np.inf, 1.0)
    for k in range(13):
        t = 2.0 ** -k
        c = list(coefs[:-1]) + [coefs[-1] * t]
        b = list(intercepts[:-1]) + [intercepts[-1] * t]
        with np.errstate(over="ignore", invalid="ignore"):
            value = data.loss(c, b, config.activation, config.loss, config.alpha)
        value = value if np.isfinite(value) else np.inf
        best = min(best, (value, t))
    t = best[1]
    return Network(list(coefs[:-1]) + [coefs[-1] * t],
                   list(intercepts[:-1]) + [intercepts[-1] * t], masks)


class CollapseGuard:
    """Whether a prune -> retrain round destroyed a network that was fitting.

    The training score (accuracy, or R² for regression) is taken after the
    initial training and after every round, on at most :data:`SCORED_ROWS`
    evenly spaced training rows (all rows of data on a cluster). A round has
    collapsed when its score is below the best constant prediction's plus
    half the gap from there to the score before it. :attr:`fallback` is the
    configuration a collapsed round is redone with: damped OBD for OBD,
    magnitude for the other weight criteria, the neuron criterion that
    measures the error a removal causes (:class:`skprune._prune.criteria.VarianceCriterion`),
    and retraining by ``solver``, which (unlike L-BFGS's line search) is not
    stopped by a loss clipped flat at saturated outputs.
    """

    def __init__(self, config, data, net, score):
        self.config, self._score = config, score
        self.rows = scored_rows(data)
        self.n_weights = sum(int(m.sum()) for m in net.masks)
        self.active = config.score is not None
        self.floor = self.score(constant_prediction(data, config.loss, net))
        self.last = self.best = self.score(net)
        criterion = config.criterion
        if isinstance(criterion, OBDCriterion) and criterion.damping < FALLBACK_DAMPING:
            weights = OBDCriterion(damping=FALLBACK_DAMPING)
        else:
            weights = MagnitudeCriterion()
        self.fallback = replace(config, criterion=weights,
                                neuron_criterion=VarianceCriterion(),
                                make_retrain_solver=config.make_solver)

    def score(self, net):
        """The training score of ``(coefs, intercepts, ...)``; -inf when not scored."""
        if not self.active:
            return -np.inf
        return self._score(self.config, self.rows, net.coefs, net.intercepts)

    def _below(self, score, reached):
        return reached > self.floor and score < self.floor + 0.5 * (reached - self.floor)

    def collapsed(self, net, record):
        """Whether the round that ended with ``net`` collapsed; records its score."""
        if not self.active or record.diverged:
            return False
        before, self.last = self.last, self.score(net)
        return self._below(self.last, before)

    def better(self, first, first_loss, retry, record):
        """The better round by training score, then loss: the first try or its redo."""
        retry_score = self.score(retry[0])
        retry_loss = record.loss_curve[-1] if record.loss_curve else np.inf
        if (retry_score, -retry_loss) > (self.last, -first_loss):
            self.last = retry_score
            first = retry
        self.best = max(self.best, self.last)
        return first

    def passed(self):
        """Record that the round just scored is kept as it is."""
        self.best = max(self.best, self.last)

    def check_final(self, net, record):
        """Warn when the pruned model fits far worse than the network before pruning."""
        if not self.active or record.diverged or not any(m.any() for m in net.masks):
            return  # a cut-off network has had its own warning
        floor, reached, final = self.floor, self.best, self.score(net)
        if not self._below(final, reached):
            return
        record.warned = True
        what = "R²" if self.config.loss == "squared_error" else "accuracy"
        warnings.warn(
            "Pruning left a model that fits the training data much worse than "
            "the network did earlier in the fit: a training %s of %.3f, against "
            "%.3f earlier and %.3f for the best constant prediction, with %d of %d "
            "weights and %s hidden neurons left. Possible causes: too few weights "
            "or neurons left for this problem (lower sparsity or neuron_sparsity, "
            "or use more hidden neurons); too few retraining iterations to recover "
            "from a pruning step (raise retrain_iter or finetune_iter); a pruning "
            "criterion that misjudges this network (try criterion='magnitude')."
            % (what, final, reached, floor, sum(int(m.sum()) for m in net.masks),
               self.n_weights, tuple(W.shape[1] for W in net.coefs[:-1])),
            PruningCollapseWarning,
        )


#: The most training rows :class:`CollapseGuard` scores a network on.
SCORED_ROWS = 4096


def scored_rows(data):
    """The source of at most :data:`SCORED_ROWS` evenly spaced rows of ``data``.

    Data on a cluster is returned as it is (its score is computed on the
    blocks); so are rows whose sample of weights sums to zero.
    """
    if not isinstance(data, InMemoryData):
        return data
    X, Y, sw = data.X, data.Y, data.sample_weight
    step = -(-X.shape[0] // SCORED_ROWS)
    if step > 1 and sw[::step].sum() > 0:
        return InMemoryData(X[::step], Y[::step], sw[::step])
    return data


#: The OBD damping a collapsed pruning step is redone with (see :class:`CollapseGuard`).
FALLBACK_DAMPING = 0.01


def constant_prediction(data, loss, net):
    """``net`` with every weight zero and the output bias giving the best constant prediction."""
    coefs, intercepts = net.coefs, net.intercepts
    mean = np.asarray(data.block_sum(weighted_targets)[0], dtype=np.float64) / data.sw_sum
    if loss != "squared_error":
        p = np.clip(mean, 1e-12, 1 - 1e-12)
        mean = np.log(p) if loss == "log_loss" else np.log(p) - np.log1p(-p)
    bias = mean.astype(intercepts[-1].dtype)
    zeros = [np.zeros_like(W) for W in coefs]
    return Network(zeros, list(intercepts[:-1]) + [bias], [W != 0 for W in zeros])
