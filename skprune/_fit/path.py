"""The pruning path engine: one gradual run, a finished model at every level.

A gradual fit to sparsity ``s`` passes through every lower sparsity on its
way. :class:`PathPlan` makes the requested levels steps of the recipe's
schedule: each level takes the place of the recipe step nearest to it
(:func:`snapped_targets`), so the run costs about one fit to the highest
level. A fit that reconstructs (``reconstruct``) reaches its levels by
solves instead: the steps are the levels themselves, each refitted by
layer-wise least squares to the dense network with no retraining between
them, so a level costs a solve, not a retraining. After the step that
reaches a level, a copy of the network is
fine-tuned with the pruned weights held at zero, pruned to the level
exactly and kept; the run goes on from the network before that fine-tune,
as a fit's retraining steps do. Each kept network, and the run's own result
at the highest level, is then finished like any fit
(:func:`skprune._fit.finish.finish`: learned-check, weight sharing, fitted
attributes).

The plan is an argument of the estimator's training (``levels``), not state
on the estimator: :func:`skprune.pruning_path`, the CV estimators' fold
scoring and :class:`skprune.PruningCurveDisplay` all run it this way.
"""

from dataclasses import replace

from .._net.surgery import Network
from .._prune.schedules import schedule_targets
from .._prune.step import prune
from .loop import Phase, Record, train


def snapped_targets(recipe_targets, levels):
    """The recipe's step targets with each level in place of the nearest one.

    The schedule keeps the recipe's number of steps (one more per level that
    finds no target of its own), so a run through it costs about what a
    fit costs.

    Examples
    --------
    >>> from skprune._fit.path import snapped_targets
    >>> snapped_targets([0.3, 0.6, 0.8, 0.9], [0.5, 0.9])
    [0.3, 0.5, 0.8, 0.9]
    """
    targets = [float(t) for t in recipe_targets]
    free = list(range(len(targets)))
    for level in sorted(levels, reverse=True):
        if not free:
            targets.append(level)
            continue
        nearest = min(free, key=lambda k: abs(targets[k] - level))
        targets[nearest] = float(level)
        free.remove(nearest)
    return sorted(set(targets))


#: ``level_finetune`` value for scoring: each level's model is the run's
#: network after its step's retraining, the highest level fine-tuned as long
#: as one retraining step (``min(retrain_iter, finetune_iter)``).
RETRAIN_LENGTH = "retrain"


class PathPlan:
    """The schedule of a path run, and the network kept at each level below the top.

    Parameters
    ----------
    levels : sequence of float
        The sorted, distinct levels; the last is the run's own sparsity.
    level_finetune : int, None or ``RETRAIN_LENGTH``
        Fine-tuning iterations of each level's copy: None is ``fit``'s
        (``finetune_iter``). :data:`RETRAIN_LENGTH` is what scoring a fold
        uses: a level's model is the run's network after that step's
        retraining, with no fine-tune of its own, and the highest level's
        fine-tune is one retraining step's (``min(retrain_iter,
        finetune_iter)``); measured by ``benchmarks/bench_path.py``, this
        ranks the levels as independent fits do, at about one fit's cost.
        Levels reached by solves (a fit that reconstructs) have no run to
        carry over, and scoring gives each ``fit``'s fine-tune.
    """

    def __init__(self, levels, level_finetune=None):
        self.levels = [float(s) for s in levels]
        self.level_finetune = level_finetune
        self.kept = {}
        self.copy_finetune = None
        self.step_levels = {}

    def configure(self, config):
        """``config`` with the levels in its schedule and the levels' fine-tune length."""
        if self.levels == [config.sparsity]:
            # The run's own sparsity alone: the recipe's schedule as it is (a
            # one-shot schedule repeats its level, and its steps must stay).
            targets, neuron_targets = config.sparsity_targets, config.neuron_targets
        elif config.reconstruct:
            # Levels reached by solves: each level's step prunes the network
            # of the level below further and refits it by least squares to
            # the dense network; no gradient step comes between levels.
            targets = list(self.levels)
            neuron_targets = schedule_targets(config.schedule, len(targets),
                                              config.neuron_sparsity)
            config = replace(config, retrain_iter=0)
        else:
            targets = snapped_targets(config.sparsity_targets, self.levels)
            neuron_targets = schedule_targets(config.schedule, len(targets),
                                              config.neuron_sparsity)
        n_steps = len(targets)
        steps = [k + 1 for k, t in enumerate(targets) if t in self.levels]
        if self.level_finetune == RETRAIN_LENGTH and config.reconstruct:
            # Solves leave nothing of the run to carry over: a level's model
            # is scored as fit at that level leaves it, fine-tune included.
            finetune = self.copy_finetune = config.finetune_iter
        elif self.level_finetune == RETRAIN_LENGTH:
            # Scoring: a level's model is the run's network after its step's
            # retraining, and the highest level's fine-tune is as long.
            finetune = min(config.retrain_iter, config.finetune_iter)
            self.copy_finetune = 0
        else:
            finetune = (config.finetune_iter if self.level_finetune is None
                        else int(self.level_finetune))
            self.copy_finetune = finetune
        self.step_levels = dict(zip(steps, self.levels))
        return replace(
            config, n_prune_steps=n_steps, sparsity_targets=tuple(targets),
            neuron_targets=tuple(neuron_targets), finetune_iter=finetune,
        )

    def on_step(self, config, data, validation, record, net, history, step, rng):
        """Keep a copy of the network, fine-tuned and pruned exactly to the level."""
        level = self.step_levels.get(step)
        if level is None or level == self.levels[-1]:
            return  # the highest level is the run's own result
        coefs, intercepts, masks = net
        net = Network([W.copy() for W in coefs], [b.copy() for b in intercepts],
                      [m.copy() for m in masks])
        level_config = replace(config, sparsity=level)
        kept = Record(
            n_iter=record.n_iter, loss_curve=list(record.loss_curve),
            validation_scores=list(record.validation_scores),
            best_validation_score=record.best_validation_score,
        )
        kept.start = record.start
        # The fine-tune runs on the copy; the run goes on from the network
        # before it, as an independent fit's retraining steps do.
        net = train(config, data, validation, kept, net,
                    Phase(self.copy_finetune, False, False))
        net, _ = prune(level_config, data, net, None, rng)
        self.kept[level] = (level_config, kept, net, list(history))

    def results(self, config, record, net, history):
        """``[(level, config, record, network, history)]`` for every level, in order.

        Raises
        ------
        RuntimeError
            If the run stopped (a callback asked it to) before a level.
        """
        out = []
        for level in self.levels[:-1]:
            if level not in self.kept:
                raise RuntimeError(
                    "The pruning run stopped (a callback asked it to) before it "
                    "reached sparsity %r, so there is no model for that level." % level
                )
            out.append((level, *self.kept[level]))
        out.append((self.levels[-1], config, record, net, history))
        return out
