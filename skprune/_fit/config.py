"""The frozen fit configuration: every hyper-parameter resolved once, before training.

The estimator turns its parameters into a :class:`FitConfig` at the start of
``fit`` ('auto' values decided, criteria and schedule resolved to objects,
the solver chosen); the training loop and the solvers read this value only
and never the estimator.
"""

from dataclasses import dataclass
from typing import Any, Callable, Optional


@dataclass(frozen=True)
class FitConfig:
    """Everything the train -> prune -> retrain loop needs to know.

    Attributes
    ----------
    activation, loss, out_activation : str
        Hidden activation, training loss and the output activation it pairs with.
    alpha, l1_alpha : float
        L2 and L1 strengths (divided by the sum of sample weights in the loss).
    make_solver : callable
        ``make_solver(l1, n_l1, t0)`` returns a fresh solver for one phase
        (see :mod:`skprune._fit.solvers`); ``l1`` is ``l1_alpha / sum(sample_weight)``,
        ``n_l1`` the number of weight arrays, ``t0`` the iterations run so far.
    make_retrain_solver : callable
        The same for the phases after each pruning step (``retrain_solver``).
        Solvers carry their ``name``, for messages.
    retrain_solver : str
        The name of the retraining solver ('auto' resolved).
    max_iter, n_prune_steps, retrain_iter, finetune_iter : int
        Iterations of the initial training, pruning steps, iterations after
        each pruning step and after the last one.
    tol, n_iter_no_change : float
        Stopping rule.
    weight_threshold, neuron_threshold : float
        Threshold rules.
    sparsity, neuron_sparsity : float or None
        Final targets.
    criterion, neuron_criterion : object
        Objects with a ``scores(state)`` method.
    sparsity_targets, neuron_targets : tuple
        The weight and neuron sparsity after every pruning step, computed and
        checked before training (:func:`skprune._prune.schedules.schedule_targets`); None
        entries where there is no target.
    prune_scope : str
    min_layer_density : float
    rewind : bool
    verbose : bool
    score : callable or None
        ``score(P, Y, sample_weight)``: the validation score of outputs ``P``
        (with ``early_stopping``), higher is better.
    step_description : dict
        Per solver name, its step size (or evaluation budget) as resolved,
        for divergence messages.
    layer_units : tuple of int
        Widths of the original architecture, inputs and outputs included
        (what sparsity fractions count).
    short_phases : bool
        The recipe for large problems (see :mod:`skprune._fit.recipes`): the initial
        training ends at its first stall when pruning and retraining follow,
        and a round whose prune raised the loss by at most ``tol`` after a
        converged phase skips its retraining.
    initial_tol : float or None
        The ``tol`` of the initial training's stopping rule (None: ``tol``);
        looser in the gradual recipe of large problems.
    reconstruct : bool
        Whether every pruning step is followed by a layer-wise least-squares
        reconstruction (:mod:`skprune._prune.reconstruct`) before its
        retraining.
    train_initial : bool
        Whether the initial training runs; False for a warm start that
        reconstructs (the start network is already trained).
    """

    activation: str
    loss: str
    out_activation: str
    alpha: float
    l1_alpha: float
    make_solver: Callable[..., Any]
    make_retrain_solver: Callable[..., Any]
    retrain_solver: str
    max_iter: int
    n_prune_steps: int
    retrain_iter: int
    finetune_iter: int
    tol: float
    n_iter_no_change: float
    weight_threshold: float
    neuron_threshold: float
    sparsity: Optional[float]
    neuron_sparsity: Optional[float]
    criterion: Any
    neuron_criterion: Any
    sparsity_targets: tuple
    neuron_targets: tuple
    prune_scope: str
    min_layer_density: float
    rewind: bool
    verbose: bool
    score: Optional[Callable[..., float]]
    step_description: dict
    layer_units: tuple
    short_phases: bool = False
    initial_tol: Optional[float] = None
    #: The schedule (a name or a callable) the targets were drawn from; a
    #: pruning path redraws the neuron targets on its own steps.
    schedule: Any = "gradual"
    reconstruct: bool = False
    train_initial: bool = True

    @property
    def n_original(self):
        """Number of weights of every layer of the original architecture."""
        units = self.layer_units
        return tuple(a * b for a, b in zip(units[:-1], units[1:]))

    @property
    def retrains(self):
        """Whether pruning steps follow the initial training, with retraining after them."""
        prunes = (self.weight_threshold > 0 or self.neuron_threshold > 0
                  or bool(self.sparsity) or bool(self.neuron_sparsity))
        budget = self.finetune_iter + (self.n_prune_steps - 1) * self.retrain_iter
        return prunes and budget > 0

    def phase_iterations(self, step):
        """Iterations of the phase after pruning step ``step`` (0: the initial training)."""
        if step == 0:
            return self.max_iter
        return self.finetune_iter if step == self.n_prune_steps else self.retrain_iter

    def targets(self, step):
        """The (weight, neuron) sparsity targets after pruning step ``step``."""
        return self.sparsity_targets[step - 1], self.neuron_targets[step - 1]
