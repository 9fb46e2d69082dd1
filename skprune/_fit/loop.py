"""The train -> prune -> retrain loop, knowing no estimator.

It reads a frozen :class:`skprune._fit.config.FitConfig`, asks a data object (see
:mod:`skprune._data.memory`) for losses and pruning statistics, hands each training phase
to a solver (:mod:`skprune._fit.solvers`) and keeps the record of the fit in a
:class:`Record`. A phase is described by :class:`Phase`; whether to stop is
the :class:`StopRule`'s call; which weights to keep is the
:class:`BestWeights` tracker's.

While training, weights are dense arrays with boolean masks (very sparse
layers are retrained packed, see :func:`skprune._net.products.pack_sparse`); masks only
ever shrink.
"""

import warnings
from dataclasses import dataclass, field

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from .._data.memory import InMemoryData
from .._net.products import bind_sparse, pack_sparse, unpack_sparse
from .._net.surgery import Network, slice_neurons
from .._prune.reconstruct import Reference
from .._prune.step import prune
from .callbacks import _NO_TASK
from .collapse import CollapseGuard, cool_outputs
from .solvers import CONTINUE, STALLED, STOP


@dataclass
class Record:
    """What a fit has done so far; carried over from the previous fit on a warm start."""

    n_iter: int = 0
    loss_curve: list = field(default_factory=list)
    validation_scores: list = field(default_factory=list)
    best_validation_score: float = -np.inf
    diverged: bool = False
    #: Whether a warning has already named why the model fits badly.
    warned: bool = False
    #: Whether the latest phase ended by its stopping rule (not its budget),
    #: and the loss of the weights it ended with (None when not known).
    converged: bool = False
    end_loss: float = None

    def __post_init__(self):
        #: Iterations done by earlier fits (a warm start continues the record).
        self.start = self.n_iter


@dataclass(frozen=True)
class Phase:
    """One training phase: how many iterations, and whether it is the initial training.

    Only the initial training warns when it does not converge, counts a
    rising loss as divergence, and uses the validation split to stop and
    restore its best weights.
    """

    n_iter: int
    initial: bool
    use_validation: bool


class StopRule:
    """Stop when the watched value has not improved by ``tol`` for ``patience`` iterations.

    Examples
    --------
    >>> from skprune._fit.loop import StopRule
    >>> rule = StopRule(tol=0.1, patience=1, higher_is_better=False)
    >>> [rule.update(v) for v in (1.0, 0.95, 0.93)]
    [False, False, True]
    """

    def __init__(self, tol, patience, higher_is_better):
        self.tol, self.patience = tol, patience
        self.sign = 1.0 if higher_is_better else -1.0
        self.best = -np.inf
        self.count = 0

    def update(self, value):
        """Record ``value``; return True once it has stalled for too long."""
        value = self.sign * value
        improved = value >= self.best + self.tol
        self.best = max(self.best, value)
        self.count = 0 if improved else self.count + 1
        if self.count > self.patience:
            self.count = 0
            return True
        return False


class BestWeights:
    """The weights to fall back on: lowest training loss, and best validation score."""

    def __init__(self):
        self.lowest = (np.inf, None)
        self.best_score = (-np.inf, None)

    def saw_loss(self, value, params):
        if value < self.lowest[0]:
            self.lowest = (value, params)

    def saw_score(self, score, params):
        if score > self.best_score[0]:
            self.best_score = (score, params)


class _Objective:
    """The solver's view of the network: packed parameters in, loss and gradients out."""

    def __init__(self, config, data, masks, patterns):
        self.config, self.data, self.patterns = config, data, patterns
        self.n_coefs = len(masks)
        # Gradients need masking only in dense layers that have pruned entries.
        self.grad_masks = [
            None if (m.all() or p is not None) else m for m, p in zip(masks, patterns)
        ]
        self.l1 = config.l1_alpha / data.sw_sum

    def weights(self, params):
        return bind_sparse(params[: self.n_coefs], self.patterns), params[self.n_coefs :]

    def l1_term(self, params):
        if self.l1 == 0:
            return 0.0
        return self.l1 * sum(float(np.abs(W).sum()) for W in params[: self.n_coefs])

    def __call__(self, params):
        """Loss and gradients; an infinite loss (and no gradient) on any overflow."""
        cfg = self.config
        with np.errstate(over="raise", invalid="raise"):
            try:
                value, cg, ig = self.data.loss_and_gradients(
                    *self.weights(params), cfg.activation, cfg.loss, cfg.alpha
                )
            except FloatingPointError:
                return np.inf, None
        for g, m in zip(cg, self.grad_masks):
            if m is not None:
                g *= m
        return value + self.l1_term(params), cg + ig

    def loss(self, params):
        """Loss by a forward pass; infinite on any overflow."""
        cfg = self.config
        with np.errstate(over="raise", invalid="raise"):
            try:
                return self.data.loss(
                    *self.weights(params), cfg.activation, cfg.loss, cfg.alpha
                ) + self.l1_term(params)
            except FloatingPointError:
                return np.inf


def validation_score(config, validation, coefs, intercepts):
    """Score of a network on the held-out data source (``-inf`` if an output is not finite)."""
    return validation.score(coefs, intercepts, config.activation, config.loss, config.score)


class _Trainer:
    """One phase's bookkeeping, called by the solver after every iteration."""

    def __init__(self, config, objective, validation, record, phase, task, attributes,
                 solver):
        self.config, self.objective, self.validation = config, objective, validation
        self.record, self.phase, self.task = record, phase, task
        self.attributes = attributes
        self.solver_name = solver.name
        self.best = BestWeights()
        watch_score = phase.use_validation
        patience = config.n_iter_no_change
        if solver.stops_by_gradient and not watch_score:
            # A solver with its own convergence test (L-BFGS's projected
            # gradient, as in scikit-learn) is not stopped by a slow stretch
            # of the loss.
            patience = np.inf
        tol = config.tol
        if phase.initial and config.initial_tol is not None:
            tol = config.initial_tol
        self.rule = StopRule(tol, patience, watch_score)
        self.start = len(record.loss_curve)
        self.steps = 0
        self.stopped = False

    def on_iteration(self, value, evaluated, new):
        cfg, record = self.config, self.record
        step_task = self.task.subtask("iteration", 0)
        step_task.begin()
        if not np.isfinite(value):
            step_task.end()
            if not record.loss_curve:
                raise ValueError(
                    "The training loss is not finite at the initial weights: the "
                    "data are too large for %s arithmetic (max |X| = %.3g). Scale "
                    "the features (and regression targets), e.g. with "
                    "StandardScaler." % (self.objective.data.dtype, self.objective.data.max_abs())
                )
            diverge(cfg, record, self.solver_name, "an overflow or a non-finite loss")
            return STOP
        self.best.saw_loss(value, evaluated)
        record.loss_curve.append(value)
        record.n_iter += 1
        self.steps += 1
        if cfg.verbose:
            print("Iteration %d, loss = %.8f" % (record.n_iter, value))
        watched = value
        if self.validation is not None:
            # The weights after the step are scored, so the last ones can be best.
            score = validation_score(cfg, self.validation, *self.objective.weights(new))
            if not np.isfinite(score):
                step_task.end()
                diverge(cfg, record, self.solver_name, "a non-finite validation score")
                return STOP
            record.validation_scores.append(score)
            if cfg.verbose:
                print("Validation score: %f" % score)
            if self.phase.use_validation:
                watched = score
                self.best.saw_score(score, new)
                record.best_validation_score = max(record.best_validation_score, score)
        if step_task.end(self.attributes(*self.objective.weights(new))):
            self.stopped = True
            return STOP
        if self.rule.update(watched):
            if cfg.verbose:
                what = "Validation score" if self.phase.use_validation else "Training loss"
                print("%s did not improve more than tol=%f for %s consecutive "
                      "iterations." % (what, self.rule.tol, cfg.n_iter_no_change))
            self.stopped = True
            # In the recipe for large problems, when pruning steps and their
            # retraining follow, the initial training ends at its first
            # stall: no smaller steps.
            short = self.phase.initial and cfg.short_phases and cfg.retrains
            return STOP if short else STALLED
        return CONTINUE

    def finish(self, params):
        """The weights the phase ends with, checked for divergence."""
        cfg, record, phase = self.config, self.record, self.phase
        if record.diverged:
            return self.best.lowest[1] or params
        record.converged = self.stopped or self.steps < phase.n_iter
        record.end_loss = None
        if phase.initial and self.steps >= phase.n_iter and not self.stopped:
            warnings.warn(
                "%s: maximum iterations (%d) reached and the optimization hasn't "
                "converged yet." % (self.solver_name, phase.n_iter),
                ConvergenceWarning,
            )
        if self.steps == 0:
            return params
        # The last step's weights have not been evaluated yet; a phase whose
        # loss ends above where it started blew up, even if clipping in the
        # log-loss kept it finite.
        first = record.loss_curve[self.start]
        final = self.objective.loss(params)
        if not np.isfinite(final):
            diverge(cfg, record, self.solver_name, "an overflow or a non-finite loss")
            return self.best.lowest[1]
        if final > first:
            # A retraining phase that starts afresh right after a pruning step
            # can spike and end above its start (Adam's first steps): keep its
            # best weights and go on. Ending a hundredfold above (and above
            # 100) is a blow-up in any phase. The initial training diverged
            # when it rose by a tenth of the larger of its start and the best
            # constant prediction's loss: a warm start from a converged
            # network (loss 1e-4) moves by noise, not divergence.
            scale = max(first, self.objective.data.prior_loss(cfg.loss))
            if (phase.initial and final > first + DIVERGENCE_RISE * scale
                    or final > BLOWUP_FACTOR * max(first, 1.0)):
                diverge(cfg, record, self.solver_name,
                        "a training loss that rose from %.4g to %.4g" % (first, final))
            record.end_loss = self.best.lowest[0]
            return self.best.lowest[1]
        if phase.use_validation and self.best.best_score[1] is not None:
            return self.best.best_score[1]
        record.end_loss = final
        return params


#: The rise, as a share of the larger of its starting loss and the best
#: constant prediction's, that makes an initial training phase diverged.
DIVERGENCE_RISE = 0.1

#: A phase whose loss ends this many times above its start (and above this
#: much) blew up, whatever the phase: a retraining spike after a pruning step
#: stays well below it, an overflowing step goes far beyond.
BLOWUP_FACTOR = 100.0

#: A final data loss above this share of the best constant prediction's is
#: "no better than the prior": 1 % leaves room for a network that learnt only
#: a little, so the warning is kept for models that learnt nothing.
NO_BETTER_THAN_PRIOR = 0.99


def diverge(config, record, solver_name, symptom):
    """Mark the fit as diverged: later phases skip training."""
    record.diverged = True
    warnings.warn(
        "Training diverged (%s) after %d iterations with solver=%r and %s; "
        "training stopped and the weights with the lowest training loss were "
        "kept. Lower learning_rate_init, use solver='lbfgs', or scale the "
        "features (StandardScaler)." % (symptom, record.n_iter - record.start, solver_name,
                                         config.step_description[solver_name]),
        ConvergenceWarning,
    )


def train(config, data, validation, record, net, phase, task=_NO_TASK, attributes=None):
    """Run one training phase on ``net`` (a :class:`skprune._net.surgery.Network`); return it trained."""
    coefs, intercepts, masks = net
    if record.diverged or phase.n_iter == 0:
        return net
    # Very sparse layers are trained as CSR arrays of their alive values
    # (see _products.pack_sparse): cheaper products, same iterates.
    packed, patterns = pack_sparse(coefs, masks)
    objective = _Objective(config, data, masks, patterns)
    # The initial training uses ``solver``; retraining after pruning steps
    # uses ``retrain_solver``.
    make = config.make_solver if phase.initial else config.make_retrain_solver
    solver = make(objective.l1, len(coefs), record.n_iter)
    trainer = _Trainer(
        config, objective, validation, record, phase, task,
        attributes or (lambda c, b: None), solver,
    )
    variables = objective.grad_masks + [None] * len(intercepts)
    params = solver.run(
        objective, packed + list(intercepts), variables, phase.n_iter, trainer.on_iteration
    )
    params = trainer.finish(params)
    n = len(coefs)
    return Network(unpack_sparse(params[:n], patterns), list(params[n:]), masks)


def fit_loop(config, data, validation, record, net, rng, task=_NO_TASK, attributes=None,
             on_step=None):
    """Initial training, then ``n_prune_steps`` prune -> retrain rounds and a final prune.

    With ``config.reconstruct``, every round refits the pruned network by
    layer-wise least squares to the network the rounds started from
    (:class:`skprune._prune.reconstruct.Reference`) before its retraining;
    with ``config.train_initial`` False the initial training is skipped
    (the start network is already trained).

    ``on_step(config, data, validation, record, net, history, step, rng)``,
    when given, sees the network after every round (:func:`._path.pruning_path`
    keeps copies of it); it must not modify it. Returns the trained network
    and the pruning history.
    """
    attributes = attributes or (lambda c, b: None)
    initial = (list(net.coefs), list(net.intercepts)) if config.rewind else None
    phase_task = task.subtask("train", config.max_iter)
    phase_task.begin()
    n_initial = config.max_iter if config.train_initial else 0
    net = train(config, data, validation, record, net,
                Phase(n_initial, True, validation is not None), phase_task, attributes)
    stop = phase_task.end(attributes(net.coefs, net.intercepts))
    reference = Reference(net) if config.reconstruct else None
    history = []
    guard = CollapseGuard(config, data, net, validation_score)
    for step in range(1, 0 if stop else config.n_prune_steps + 1):
        n_iter = config.phase_iterations(step)
        phase_task = task.subtask("prune-retrain", n_iter)
        phase_task.begin()
        before = (net, initial, reference)
        net, initial, reference, entry = prune_round(
            config, data, validation, record, before, step, rng, phase_task, attributes
        )
        if guard.collapsed(net, record):
            # The step destroyed a network that was fitting: redo it from the
            # network before it with the fallback criteria; keep the better.
            first, first_loss = (net, initial, reference, entry), _last_loss(record)
            retry = prune_round(guard.fallback, data, validation, record, before, step,
                                rng, phase_task, attributes, cool=True)
            net, initial, reference, entry = guard.better(first, first_loss, retry, record)
        else:
            guard.passed()
        history.append(entry)
        if on_step is not None:
            on_step(config, data, validation, record, net, history, step, rng)
        if phase_task.end(attributes(net.coefs, net.intercepts)):
            break  # a callback may stop the pruning steps; the final prune still runs
    # The last thing done to the weights is a prune, so retraining cannot
    # leave survivors below the threshold.
    net, _ = prune(config, data, net, None, rng)
    guard.check_final(net, record)
    return net, history


def prune_round(config, data, validation, record, start, step, rng, task, attributes,
                cool=False):
    """Pruning step ``step`` on ``start = (net, rewinding weights, reference)``, then its retraining.

    With a reference (:class:`skprune._prune.reconstruct.Reference`), the
    pruned network is reconstructed to it before the retraining. With
    ``cool``, the output layer is scaled down first where that lowers the
    loss (see :func:`cool_outputs`). Returns the network, the rewinding
    weights, the reference (following the neurons removed) and the history
    entry.
    """
    net, initial, reference = start
    # In the recipe for large problems, a round skips its retraining when it
    # starts from a phase that converged and its prune raises the loss by at
    # most ``tol``.
    settled = (config.short_phases and initial is None and not cool and record.converged
               and not record.diverged)
    before = settled and (record.end_loss if record.end_loss is not None
                          else _loss(config, data, net))
    net, removed = prune(config, data, net, step, rng)
    if initial is not None:
        initial = rewind(initial, removed)
        net = Network([W0 * m for W0, m in zip(initial[0], net.masks)], list(initial[1]),
                      net.masks)
    pruned_loss = None
    if reference is not None:
        reference = reference.follow(removed)
        pruned_loss = _loss(config, data, net)
        net = reference.refit(net, data, config.activation)
    if cool:
        net = cool_outputs(config, data, net)
    entry = _history_record(config, data, record, net, step, pruned_loss)
    start_loss = entry.get("reconstructed_loss", entry["loss"])
    n_iter = config.phase_iterations(step)
    if settled and start_loss - before <= config.tol:
        # What the step removed did not matter to the loss: retraining has
        # less than ``tol`` to win back, which the stopping rule counts as
        # no improvement.
        n_iter = 0
    net = train(config, data, validation, record, net, Phase(n_iter, False, False), task,
                attributes)
    if n_iter == 0:
        record.end_loss = start_loss
    return net, initial, reference, entry


def _last_loss(record):
    """The latest training loss of the record (inf before any iteration)."""
    return record.loss_curve[-1] if record.loss_curve else np.inf


def _loss(config, data, net):
    """The training loss (penalties included) of the :class:`skprune._net.surgery.Network` ``net``."""
    coefs, intercepts, masks = net
    return _Objective(config, data, masks, [None] * len(masks)).loss(
        list(coefs) + list(intercepts))


def rewind(initial, removed):
    """The rewinding weights with the neurons removed since sliced away too."""
    coefs, intercepts = initial
    for keeps in removed:
        coefs, intercepts, _ = slice_neurons(coefs, intercepts, None, keeps)
    return coefs, intercepts


def _history_record(config, data, record, net, step, pruned_loss=None):
    """The pruning history's entry of step ``step``; ``net`` is the network retraining starts from.

    With ``pruned_loss`` (the loss before a reconstruction), ``loss`` is
    that and ``reconstructed_loss`` the loss of ``net``.
    """
    coefs, intercepts, masks = net
    target, neuron_target = config.targets(step)
    entry = {
        "step": step,
        "iteration": record.n_iter,
        "target_sparsity": target,
        "target_neuron_sparsity": neuron_target,
        "weights_kept": int(sum(m.sum() for m in masks)),
        "neurons_kept": tuple(W.shape[1] for W in coefs[:-1]),
        "loss": _loss(config, data, net),
    }
    if pruned_loss is not None:
        entry["reconstructed_loss"], entry["loss"] = entry["loss"], pruned_loss
    if config.verbose:
        print("Pruning step %d: %d weights and %s neurons kept, loss = %.8f"
              % (step, entry["weights_kept"], entry["neurons_kept"], entry["loss"])
              + ("" if pruned_loss is None
                 else ", after reconstruction %.8f" % entry["reconstructed_loss"]))
    return entry


def check_learned(data, config, record, net, n_iter_before):
    """Warn when the model ends no better than predicting the prior, naming the likely cause.

    The data loss of the final network (no penalty) is compared with the
    best constant prediction's; a cut-off network and a pruning collapse
    have had their own warnings.
    """
    if record.n_iter == n_iter_before or not record.loss_curve or record.warned:
        return
    coefs, intercepts, masks = net
    if not any(m.any() for m in masks):
        return  # pruning cut every path, and said so
    prior = data.prior_loss(config.loss)
    with np.errstate(over="ignore", invalid="ignore"):
        final = data.loss(coefs, intercepts, config.activation, config.loss, 0.0)
    if not (prior > 1e-8 and final > NO_BETTER_THAN_PRIOR * prior):
        return
    warnings.warn(
        "Training did not learn: the training data loss (%.4g) is no better than "
        "predicting the %s (%.4g). %s"
        % (final, "target mean" if config.loss == "squared_error" else "class prior",
           prior, _no_learning_cause(data, config)),
        ConvergenceWarning,
    )


def _no_learning_cause(data, config):
    """The cause of a model no better than the prior, when it is detectable; else the list."""
    X = data.X if isinstance(data, InMemoryData) else None
    if X is not None and X.shape[0] > 1:
        low, high = X.min(axis=0), X.max(axis=0)
        if hasattr(low, "toarray"):
            low, high = low.toarray(), high.toarray()
        if np.all(low == high):
            return ("Every feature is constant (the same value in every row), so no "
                    "model can do better than that.")
    if config.l1_alpha > 0 or config.alpha >= 1.0:
        return ("The penalty (alpha=%r, l1_alpha=%r) outweighs the data and pulls "
                "the weights towards zero: lower it." % (config.alpha, config.l1_alpha))
    return ("Possible causes: features that carry no information about the target "
            "(e.g. duplicated rows with conflicting targets; then this is the best "
            "fit); unscaled features (scale them, e.g. with StandardScaler, and the "
            "targets of a regression); a dead network or a stuck solver (try "
            "solver='lbfgs' or a smaller learning_rate_init).")
