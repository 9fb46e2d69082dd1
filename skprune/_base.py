"""The shared estimator: validation, the train -> prune -> retrain loop, fitted attributes.

Data flows one way: the estimator calls the loop, the loop calls the network
math (:mod:`._network`), the criteria (:mod:`._criteria`), the schedule
(:mod:`._schedules`) and, once at the very end, the sparse conversion
(:mod:`._sparse`). Nothing below this module knows about estimators.

While training, weights are dense arrays with boolean masks; pruned weights
are held at exactly zero by masking their gradients (the velocities of a
fresh optimizer are zero there too), and masks only ever shrink. ``fit``
builds everything in local variables and sets the fitted attributes at the
end, so an interrupted fit leaves the estimator as it was.
"""

import functools
import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
)

from ._callbacks import _NO_TASK, CallbackSupportMixin, fit_task
from ._criteria import (
    NEURON_CRITERIA,
    WEIGHT_CRITERIA,
    NeuronCriterion,
    PruningState,
    WeightCriterion,
    checked_neuron_scores,
    checked_weight_scores,
    fraction_masks,
    neuron_fraction_masks,
    neuron_keep_masks,
    resolve_criterion,
    threshold_masks,
)
from ._inference import InferenceMixin
from ._network import loss_and_gradients, loss_value
from ._optim import GradientDescent, soft_threshold
from ._products import bind_sparse, pack_sparse, unpack_sparse
from ._schedules import SCHEDULES, schedule_targets
from ._sparse import (
    constant_network,
    disconnected_neurons,
    is_cut_off,
    remove_neurons,
    to_csr,
    to_dense,
)
from ._validation import (
    check_fit_memory,
    check_sample_weight_scale,
    check_target_scale,
)

_BASE_PARAMS_DOC = """hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of neurons in the ith hidden layer,
        before pruning (the widths after pruning are ``hidden_layer_sizes_``).

    activation : {'identity', 'logistic', 'tanh', 'relu'}, default='relu'
        Activation function of the hidden layers.

    alpha : float, default=1e-4
        Strength of the L2 penalty; the penalty is divided by the sum of the
        sample weights, like the data term.

    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Step-size schedule. 'invscaling' divides ``learning_rate_init`` by
        ``t ** power_t``; 'adaptive' divides the step by 5 each time the loss
        fails to improve by ``tol`` for ``n_iter_no_change`` iterations.

    learning_rate_init : float, default=0.1
        Step size of gradient descent. Full-batch steps use the exact
        gradient, so they can be much larger than stochastic ones. If a
        training phase diverges (the initial training's loss ends above where
        it started, or any phase's loss becomes non-finite), the weights with
        the lowest loss are restored, later phases skip training, and a
        ``ConvergenceWarning`` says so. A retraining phase whose loss ends
        above its start keeps its lowest-loss weights and pruning goes on.

    power_t : float, default=0.5
        Exponent of the 'invscaling' schedule.

    max_iter : int, default=200
        Maximum number of gradient-descent iterations (full passes over the
        data) before the first pruning step.

    tol : float, default=1e-4
        Tolerance: training stops when the loss (or the validation score,
        with ``early_stopping``) has not improved by ``tol`` for
        ``n_iter_no_change`` consecutive iterations.

    n_iter_no_change : int, default=10
        See ``tol``.

    momentum : float, default=0.9
        Momentum of gradient descent, in [0, 1].

    nesterovs_momentum : bool, default=True
        Whether to use Nesterov's momentum.

    early_stopping : bool, default=False
        Whether to hold out ``validation_fraction`` of the training data and
        stop the initial training when its score stops improving, restoring
        the best weights. Pruning statistics use the training part only.

    validation_fraction : float, default=0.1
        Fraction of the data held out for ``early_stopping``.

    weight_threshold : float, default=0.01
        Weights with ``|w| < weight_threshold`` are set to zero at every
        pruning step and once more at the very end of ``fit``, so every
        stored weight of ``coefs_`` satisfies ``|w| >= weight_threshold``.
        If pruning (by threshold or ``sparsity``) cuts every path from the
        inputs to the outputs, the model is stored as the constant it then
        computes: one neuron per hidden layer, no weight, and a
        ``UserWarning``.

    neuron_threshold : float, default=0.01
        A hidden neuron whose ``neuron_criterion`` score is below this is
        removed at each pruning step (with the default criterion: whose
        sample-weighted mean ``|activation|`` over the training data is);
        its mean output times its outgoing weights is folded into the next
        layer's bias. A layer is never emptied (its best neuron is kept,
        with a warning).

    sparsity : float or None, default=None
        If set, a fraction in [0, 1): the least important weights by
        ``criterion`` are pruned until this fraction of the original
        architecture's weights is zero or removed (``weight_threshold``
        still applies on top). With several pruning steps the target is
        approached on ``schedule`` and reached at the last step.

    criterion : {'magnitude', 'taylor', 'obd', 'random'} or object, \
            default='magnitude'
        Weight importance that ``sparsity`` ranks by: ``|w|``; the
        first-order Taylor loss change ``|w * dL/dw|`` with the exact
        whole-data gradient; Optimal Brain Damage ``h_kk * w ** 2 / 2`` with
        the Gauss-Newton diagonal ``h_kk``; or uniform random scores (a
        baseline, drawn from ``random_state``). An instance of a
        :class:`~skprune.WeightCriterion` subclass can take their place;
        what its ``scores(state)`` returns is checked at every step.

    neuron_criterion : {'activation', 'entropy', 'variance', 'taylor', \
            'random'} or object, default='activation'
        Neuron importance that ``neuron_threshold`` and ``neuron_sparsity``
        use: sample-weighted mean ``|activation|``; the entropy in bits of
        the neuron's output histogram; ``std(a_j) * ||W_next[j, :]||``, the
        exact RMS error that removing the neuron and folding its mean adds
        to the next layer; the layer-normalised Taylor score
        ``sum_k (w_kj * dL/dw_kj) ** 2``; or random scores. Or an instance
        of a :class:`~skprune.NeuronCriterion` subclass.

    neuron_sparsity : float or None, default=None
        If set, a fraction in [0, 1) of every hidden layer's original neurons
        to remove, lowest ``neuron_criterion`` score first, following
        ``schedule`` like ``sparsity`` (``neuron_threshold`` still applies on
        top). At least one neuron per layer is kept.

    schedule : {'gradual', 'iterative', 'one-shot'} or callable, \
            default='gradual'
        How the targets ``sparsity`` and ``neuron_sparsity`` are approached
        over the ``n_prune_steps`` steps: Zhu & Gupta's cubic
        ``s_k = s (1 - (1 - k / n) ** 3)``; Han et al.'s iterative pruning,
        which removes the same fraction of the surviving weights at every
        step; or everything at the first step. A callable
        ``schedule(step, n_steps, final_sparsity)`` returning the sparsity
        after step ``step`` (counted from 1) can take their place; it is
        evaluated for every step before training starts, and must give
        finite, non-decreasing values in [0, 1) ending at the target.

    prune_scope : {'layer', 'global'}, default='layer'
        Whether ``sparsity`` holds in every layer or over all layers at once.

    min_layer_density : float, default=0.01
        With ``prune_scope='global'``, every pruning step keeps at least
        this fraction of each layer's original weights (its best ones by
        ``criterion``), so a small layer is never gutted; the floors are
        scaled down if they exceed the whole budget. A neuron cut off from
        all of its inputs is still removed with its outgoing weights, so a
        layer can end up below its floor that way.

    n_prune_steps : int, default=1
        Number of prune -> retrain rounds after the initial training.

    retrain_iter : int, default=50
        Gradient-descent iterations after each pruning step, with pruned
        weights held at exactly zero.

    finetune_iter : int or None, default=None
        Gradient-descent iterations after the last pruning step; None means
        ``retrain_iter``. The recipe "train dense, prune gradually with short
        retraining, then fine-tune longer" is ``max_iter=300,
        n_prune_steps=20, retrain_iter=15, finetune_iter=300``.

    rewind : bool, default=False
        Lottery-ticket rewinding (Frankle & Carbin, 2019): after every
        pruning step the surviving weights and the biases are reset to their
        values at the start of ``fit`` before retraining.

    l1_alpha : float, default=0.0
        Strength of an L1 penalty ``l1_alpha * sum|w|`` on the weights,
        divided by the sum of the sample weights like ``alpha``. It is
        applied by a proximal (soft-thresholding) step after every gradient
        step, so it produces exact zeros, which the next pruning step
        removes for good.

    warm_start : bool, default=False
        Reuse the previous fit's (pruned) network as the starting point.
        Pruned weights and removed neurons stay pruned.

    random_state : int, RandomState instance or None, default=None
        Seed of the weight initialisation and of the ``early_stopping`` split.

    verbose : bool, default=False
        Print the loss at every iteration and a line per pruning step."""


# Fitted attributes shared by the classifier and the regressor.
_BASE_ATTRS_DOC = """coefs_ : list of scipy.sparse.csr_array
        ``coefs_[i]`` holds the weights from layer ``i`` to layer ``i + 1``,
        of shape ``(fan_in, fan_out)`` after neuron removal, with no explicit
        zeros stored.

    intercepts_ : list of ndarray
        ``intercepts_[i]`` is the bias vector of layer ``i + 1``.

    hidden_layer_sizes_ : tuple of int
        Hidden layer widths after neuron removal.

    layer_units_original_ : tuple of int
        Units of every layer of the architecture the fit started from:
        ``(n_features_in_, *hidden_layer_sizes, n_outputs_)``. Every figure
        about the original network (``sparsity_``, ``compression_report``,
        the command line's report) is counted from it.

    n_weights_original_ : int
        Number of weights of that architecture.

    sparsity_ : float
        Fraction of the original architecture's weights that are zero or
        were removed with their neuron.

    layer_sparsity_ : ndarray of shape (n_layers - 1,)
        The same fraction per layer.

    feature_mask_ : ndarray of bool of shape (`n_features_in_`,)
        ``True`` for the input features that still have a non-zero outgoing
        weight; the others are never read by ``predict``.

    n_features_used_ : int
        Number of input features still used (``feature_mask_.sum()``).

    pruning_history_ : list of dict
        One record per pruning step: ``step``, ``iteration``,
        ``target_sparsity``, ``target_neuron_sparsity``, ``weights_kept``,
        ``neurons_kept`` and ``loss`` (measured right after pruning, before
        retraining).

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``, when ``X`` has string column
        names.

    n_iter_ : int
        Number of gradient-descent iterations run, retraining included.

    t_ : int
        Number of training samples seen by the solver (``n_iter_ * n_samples``).

    n_layers_ : int
        Number of layers, input and output included."""

def _copy_list(arrays):
    return [a.copy() for a in arrays]


def _atomic_fit(fit):
    """Make ``fit`` all or nothing: on any exception, put every attribute back.

    ``validate_data`` sets ``n_features_in_`` (and ``feature_names_in_``)
    before training starts, so a fit that raises or is interrupted
    (``KeyboardInterrupt``) would otherwise leave a fresh estimator looking
    fitted to ``check_is_fitted`` and a fitted one half-overwritten. Fitted
    arrays are never modified in place (a warm start copies them), so a
    shallow copy of ``__dict__`` is a complete snapshot.
    """

    @functools.wraps(fit)
    def wrapper(self, *args, **kwargs):
        saved = dict(self.__dict__)
        try:
            return fit(self, *args, **kwargs)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(saved)
            raise

    return wrapper


class BasePrunedMLP(InferenceMixin, CallbackSupportMixin, BaseEstimator):
    """Shared machinery of the pruned multi-layer perceptrons (not for direct use)."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions({"identity", "logistic", "tanh", "relu"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "weight_threshold": [Interval(Real, 0, None, closed="left")],
        "neuron_threshold": [Interval(Real, 0, None, closed="left")],
        "sparsity": [None, Interval(Real, 0, 1, closed="left")],
        "criterion": [StrOptions(set(WEIGHT_CRITERIA)), WeightCriterion],
        "neuron_criterion": [StrOptions(set(NEURON_CRITERIA)), NeuronCriterion],
        "neuron_sparsity": [None, Interval(Real, 0, 1, closed="left")],
        "schedule": [StrOptions(set(SCHEDULES)), callable],
        "prune_scope": [StrOptions({"layer", "global"})],
        "min_layer_density": [Interval(Real, 0, 1, closed="both")],
        "n_prune_steps": [Interval(Integral, 1, None, closed="left")],
        "retrain_iter": [Interval(Integral, 0, None, closed="left")],
        "finetune_iter": [None, Interval(Integral, 0, None, closed="left")],
        "rewind": ["boolean"],
        "l1_alpha": [Interval(Real, 0, None, closed="left")],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        *,
        activation="relu",
        alpha=1e-4,
        learning_rate="constant",
        learning_rate_init=0.1,
        power_t=0.5,
        max_iter=200,
        tol=1e-4,
        n_iter_no_change=10,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        weight_threshold=0.01,
        neuron_threshold=0.01,
        sparsity=None,
        criterion="magnitude",
        neuron_criterion="activation",
        neuron_sparsity=None,
        schedule="gradual",
        prune_scope="layer",
        min_layer_density=0.01,
        n_prune_steps=1,
        retrain_iter=50,
        finetune_iter=None,
        rewind=False,
        l1_alpha=0.0,
        warm_start=False,
        random_state=None,
        verbose=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.alpha = alpha
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.weight_threshold = weight_threshold
        self.neuron_threshold = neuron_threshold
        self.sparsity = sparsity
        self.criterion = criterion
        self.neuron_criterion = neuron_criterion
        self.neuron_sparsity = neuron_sparsity
        self.schedule = schedule
        self.prune_scope = prune_scope
        self.min_layer_density = min_layer_density
        self.n_prune_steps = n_prune_steps
        self.retrain_iter = retrain_iter
        self.finetune_iter = finetune_iter
        self.rewind = rewind
        self.l1_alpha = l1_alpha
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ #
    # Hooks for the subclasses.
    # ------------------------------------------------------------------ #
    def _validation_score(self, coefs, intercepts, loss, X, Y, sample_weight):
        """Score of the network on the held-out split (higher is better)."""
        raise NotImplementedError

    def _stratify(self, Y, loss):
        """Labels to stratify the ``early_stopping`` split by; None (the default) for none."""

    def _split_validation(self, X, Y, sample_weight, loss, rng):
        """Split off the ``early_stopping`` validation set, or say clearly why not."""
        try:
            X_train, X_val, Y_train, Y_val, sw_train, sw_val = train_test_split(
                X,
                Y,
                sample_weight,
                random_state=rng,
                test_size=self.validation_fraction,
                stratify=self._stratify(Y, loss),
            )
        except ValueError as exc:
            # train_test_split speaks of test sizes and groups; say what failed.
            raise ValueError(
                "early_stopping could not split off a validation set of "
                "validation_fraction=%r from %d samples: %s Increase "
                "validation_fraction or the number of samples (per class), or "
                "set early_stopping=False." % (self.validation_fraction, X.shape[0], exc)
            ) from exc
        if X_val.shape[0] < 2:
            raise ValueError(
                "early_stopping could not split off a validation set of at least "
                "2 samples. Increase 'validation_fraction' or the size of your "
                "dataset."
            )
        # Both parts are normalised by their total weight.
        if not (sw_train.sum() > 0 and sw_val.sum() > 0):
            raise ValueError(
                "early_stopping could not split the data into a training and a "
                "validation part that both have positive total sample weight."
            )
        return X_train, Y_train, sw_train, (X_val, Y_val, sw_val)

    # ------------------------------------------------------------------ #
    # The loop.
    # ------------------------------------------------------------------ #
    def _hidden_sizes(self):
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if isinstance(sizes, Integral) else list(sizes)
        if any(not isinstance(h, Integral) or h <= 0 for h in sizes):
            raise ValueError(
                "hidden_layer_sizes must be > 0 integers, got %s." % (sizes,)
            )
        return sizes

    def _initial_network(self, layer_units, dtype, rng):
        """Glorot-uniform weights and biases, as scikit-learn's MLP draws them."""
        factor = 2.0 if self.activation == "logistic" else 6.0
        coefs, intercepts = [], []
        for fan_in, fan_out in zip(layer_units[:-1], layer_units[1:]):
            bound = np.sqrt(factor / (fan_in + fan_out))
            coefs.append(rng.uniform(-bound, bound, (fan_in, fan_out)).astype(dtype))
            intercepts.append(rng.uniform(-bound, bound, fan_out).astype(dtype))
        return coefs, intercepts

    def _fit(self, X, Y, sample_weight, loss, y=None, fitted_attrs=None):
        """Train, prune and retrain on validated ``X`` and encoded targets ``Y``.

        ``y`` (the targets as given) and ``fitted_attrs`` (the subclass's
        fitted attributes known before training, e.g. ``classes_``) are only
        for the callbacks: with them a copy of the estimator can predict at
        any iteration.

        Returns a dict of fitted attributes; the caller sets them.
        """
        task = fit_task(self, X, y, sample_weight, 1 + self.n_prune_steps)
        hidden = self._hidden_sizes()
        rng = check_random_state(self.random_state)
        dtype = X.dtype
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=dtype, ensure_non_negative=True
        )
        check_sample_weight_scale(sample_weight)
        if not sample_weight.sum() > 0:
            raise ValueError("The sample weights sum to zero: there is nothing to fit.")
        if loss == "squared_error":
            check_target_scale(Y)
        layer_units = [X.shape[1], *hidden, Y.shape[1]]
        check_fit_memory(layer_units, X.shape[0], dtype, rewind=self.rewind)
        n_original = [a * b for a, b in zip(layer_units[:-1], layer_units[1:])]
        # Every schedule value is known, and checked, before any training.
        targets = schedule_targets(self.schedule, self.n_prune_steps, self.sparsity)
        neuron_targets = schedule_targets(
            self.schedule, self.n_prune_steps, self.neuron_sparsity
        )

        if self.warm_start and hasattr(self, "coefs_"):
            if len(hidden) != len(self.hidden_layer_sizes_) or any(
                h < kept for h, kept in zip(hidden, self.hidden_layer_sizes_)
            ):
                raise ValueError(
                    "warm_start refits the previous network, whose hidden layers "
                    "now have %s neurons, so hidden_layer_sizes=%s cannot be its "
                    "original architecture. Set warm_start=False to fit a new "
                    "network." % (self.hidden_layer_sizes_, tuple(hidden))
                )
            coefs = [to_dense(W).astype(dtype) for W in self.coefs_]
            intercepts = [np.array(b, dtype=dtype) for b in self.intercepts_]
            # Masks only shrink, across warm starts too: zeros stay pruned.
            masks = [W != 0 for W in coefs]
        else:
            coefs, intercepts = self._initial_network(layer_units, dtype, rng)
            masks = [np.ones(W.shape, dtype=bool) for W in coefs]

        if self.early_stopping:
            X, Y, sample_weight, validation = self._split_validation(
                X, Y, sample_weight, loss, rng
            )
        else:
            validation = None

        run = _Run(self, X, Y, sample_weight, loss, validation, fitted_attrs, rng)
        # Lottery-ticket rewinding returns to the weights fit started from.
        initial = (_copy_list(coefs), _copy_list(intercepts)) if self.rewind else None
        phase = task.subtask("train", self.max_iter)
        phase.begin()
        coefs, intercepts = run.descend(
            coefs, intercepts, masks, self.max_iter, True, phase
        )
        stop = phase.end(run.attributes(coefs, intercepts))

        history = []
        for step in range(1, 0 if stop else self.n_prune_steps + 1):
            n_iter = self.retrain_iter
            if step == self.n_prune_steps and self.finetune_iter is not None:
                n_iter = self.finetune_iter
            phase = task.subtask("prune-retrain", n_iter)
            phase.begin()
            target, neuron_target = targets[step - 1], neuron_targets[step - 1]
            coefs, intercepts, masks, removed = self._prune(
                run, coefs, intercepts, masks, target, n_original,
                neurons=True, neuron_target=neuron_target, hidden=hidden,
            )
            if initial is not None:
                initial = _slice_neurons(*initial, removed)
                coefs = [W0 * m for W0, m in zip(initial[0], masks)]
                intercepts = _copy_list(initial[1])
            record = {
                "step": step,
                "iteration": run.n_iter,
                "target_sparsity": target,
                "target_neuron_sparsity": neuron_target,
                "weights_kept": int(sum(m.sum() for m in masks)),
                "neurons_kept": tuple(W.shape[1] for W in coefs[:-1]),
                "loss": run.loss(coefs, intercepts),
            }
            history.append(record)
            if self.verbose:
                print(
                    "Pruning step %d: %d weights and %s neurons kept, loss = %.8f"
                    % (step, record["weights_kept"], record["neurons_kept"], record["loss"])
                )
            coefs, intercepts = run.descend(
                coefs, intercepts, masks, n_iter, False, phase
            )
            # A callback may stop the pruning steps; the final prune still runs.
            if phase.end(run.attributes(coefs, intercepts)):
                break

        # The last thing done to the weights is a prune, so retraining cannot
        # leave survivors below the threshold.
        coefs, intercepts, masks, _ = self._prune(
            run, coefs, intercepts, masks, self.sparsity, n_original, neurons=False
        )
        coefs_csr = [to_csr(W) for W in coefs]
        kept = np.array([W.nnz for W in coefs_csr])
        n_original = np.array(n_original)
        # An input feature with no surviving outgoing weight is never read.
        feature_mask = np.diff(coefs_csr[0].indptr) > 0
        fitted = {
            "coefs_": coefs_csr,
            "intercepts_": intercepts,
            "n_iter_": run.n_iter,
            "t_": run.n_iter * X.shape[0],
            "n_layers_": len(coefs) + 1,
            "n_outputs_": Y.shape[1],
            "layer_units_original_": tuple(int(u) for u in layer_units),
            "n_weights_original_": int(sum(n_original)),
            "hidden_layer_sizes_": tuple(int(W.shape[1]) for W in coefs[:-1]),
            "sparsity_": float(1 - kept.sum() / n_original.sum()),
            "layer_sparsity_": 1 - kept / n_original,
            "feature_mask_": feature_mask,
            "n_features_used_": int(feature_mask.sum()),
            "pruning_history_": history,
            "loss_": run.loss_curve[-1],
            "loss_curve_": run.loss_curve,
            "best_loss_": None if validation else min(run.loss_curve),
            "validation_scores_": run.validation_scores if validation else None,
            "best_validation_score_": run.best_validation_score if validation else None,
        }
        task.end(lambda: {**run.fitted_attrs, **fitted})
        return fitted

    def _prune(
        self, run, coefs, intercepts, masks, target, n_original, neurons,
        neuron_target=None, hidden=None,
    ):
        """One pruning step: weights (threshold, then fraction), then neurons.

        Returns the new network and masks, and the list of per-layer neuron
        keep-masks applied in turn (for slicing the rewinding weights alike).
        """
        # Exact zeros (the L1 proximal step makes them) are pruned for good.
        masks = [m & (W != 0) for W, m in zip(coefs, masks)]
        masks = threshold_masks([np.abs(W) for W in coefs], masks, self.weight_threshold)
        if target is not None:
            criterion = resolve_criterion(self.criterion, WEIGHT_CRITERIA)
            scores = checked_weight_scores(criterion, run.state(coefs, intercepts, masks))
            masks = fraction_masks(
                scores, masks, target, self.prune_scope, n_original,
                self.min_layer_density,
            )
        coefs = [W * m for W, m in zip(coefs, masks)]

        removed = []
        prune_neurons = self.neuron_threshold > 0 or neuron_target is not None
        if neurons and prune_neurons and len(coefs) > 1:
            state = run.state(coefs, intercepts, masks)
            criterion = resolve_criterion(self.neuron_criterion, NEURON_CRITERIA)
            scores = checked_neuron_scores(criterion, state)
            keeps = neuron_keep_masks(scores, self.neuron_threshold)
            if neuron_target is not None:
                # Fractions count the original widths, so indices of neurons
                # already removed need no bookkeeping: only the number kept.
                keeps = [
                    k & f for k, f in zip(keeps, neuron_fraction_masks(scores, neuron_target, hidden))
                ]
            coefs, intercepts, masks = remove_neurons(
                coefs, intercepts, masks, keeps, state.mean_outputs[0]
            )
            removed.append(keeps)
        if is_cut_off(masks):
            warnings.warn(
                "Pruning cut every path from the inputs to the outputs, so the "
                "model predicts a constant; one neuron per hidden layer and no "
                "weight is kept. Lower weight_threshold or sparsity.",
                UserWarning,
            )
            # The constant network keeps one neuron per hidden layer: say the first.
            removed.append([np.arange(W.shape[1]) == 0 for W in coefs[:-1]])
            return (*constant_network(coefs, intercepts, self.activation), removed)
        # Neurons cut off by weight pruning go too; removing them is exact.
        keeps, fill = disconnected_neurons(coefs, intercepts, masks, self.activation)
        removed.append(keeps)
        return (*remove_neurons(coefs, intercepts, masks, keeps, fill), removed)


def _slice_neurons(coefs, intercepts, removed):
    """Apply the neuron keep-masks of :meth:`BasePrunedMLP._prune` to another network."""
    coefs, intercepts = list(coefs), list(intercepts)
    for keeps in removed:
        for layer, keep in enumerate(keeps):
            coefs[layer] = coefs[layer][:, keep]
            intercepts[layer] = intercepts[layer][keep]
            coefs[layer + 1] = coefs[layer + 1][keep, :]
    return coefs, intercepts


class _Run:
    """State of one fit's gradient descent: data, loss curve, stopping rule."""

    def __init__(
        self, est, X, Y, sample_weight, loss, validation, fitted_attrs=None, rng=None
    ):
        self.est = est
        self.fitted_attrs = fitted_attrs or {}
        if sp.issparse(X) and X.format != "csr":
            # Gradients slice row chunks, which CSC cannot do cheaply.
            X = X.tocsr()
        self.rng = rng
        self.X, self.Y, self.sample_weight = X, Y, sample_weight
        self.sw_sum = float(sample_weight.sum())
        self.loss_name = loss
        self.validation = validation
        self.n_iter = 0
        self.loss_curve = []
        self.validation_scores = []
        self.best_validation_score = -np.inf
        self.diverged = False

    def state(self, coefs, intercepts, masks):
        est = self.est
        return PruningState(
            coefs, intercepts, masks, self.X, self.sample_weight, est.activation,
            self.loss_name, Y=self.Y, random_state=self.rng,
        )

    def _args(self, coefs, intercepts):
        return (
            self.X, self.Y, self.sample_weight, coefs, intercepts,
            self.est.activation, self.loss_name, self.est.alpha, self.sw_sum,
        )

    def _l1_term(self, coefs):
        # The L1 penalty enters the loss value only: its (sub)gradient is
        # handled by the proximal step in descend.
        l1_alpha = self.est.l1_alpha
        if l1_alpha == 0:
            return 0.0
        return l1_alpha * sum(float(np.abs(W).sum()) for W in coefs) / self.sw_sum

    def loss_and_gradients(self, coefs, intercepts):
        """Loss and gradients; an infinite loss (and no gradient) on any overflow.

        Overflow anywhere counts as divergence, even where the clipped
        log-loss would stay finite (saturated outputs of blown-up weights);
        it is reported as such (a ConvergenceWarning, or a ValueError at the
        initial weights), so numpy's own warning would only be noise.
        """
        with np.errstate(over="raise", invalid="raise"):
            try:
                value, coef_grads, intercept_grads = loss_and_gradients(
                    *self._args(coefs, intercepts)
                )
            except FloatingPointError:
                return np.inf, None, None
        return value + self._l1_term(coefs), coef_grads, intercept_grads

    def loss(self, coefs, intercepts, strict=False):
        """Training loss by a forward pass; with ``strict``, infinite on any overflow."""
        with np.errstate(**dict.fromkeys(("over", "invalid"), "raise" if strict else "ignore")):
            try:
                return loss_value(*self._args(coefs, intercepts)) + self._l1_term(coefs)
            except FloatingPointError:
                return np.inf

    def attributes(self, coefs, intercepts):
        """A callable giving the fitted attributes of a network (for callbacks)."""
        return lambda: {
            "coefs_": coefs,
            "intercepts_": intercepts,
            "n_layers_": len(coefs) + 1,
            "n_outputs_": self.Y.shape[1],
            **self.fitted_attrs,
        }

    def descend(self, coefs, intercepts, masks, n_iter, initial, task=_NO_TASK):
        """Run up to ``n_iter`` gradient-descent steps with ``masks`` held fixed.

        ``initial`` marks the first training phase: only it warns when it
        does not converge, and only it uses the validation split to stop and
        restore the best weights. Each step is reported to the callbacks as a
        subtask of ``task``; one of them may stop the phase.
        """
        if self.diverged or n_iter == 0:
            return coefs, intercepts
        # Very sparse layers are retrained as CSR arrays of their alive values
        # (see _products.pack_sparse): cheaper products, same iterates.
        params, patterns = pack_sparse(coefs, masks)
        params, intercepts = self._descend(
            params, patterns, intercepts, masks, n_iter, initial, task
        )
        return unpack_sparse(params, patterns), intercepts

    def _descend(self, coefs, patterns, intercepts, masks, n_iter, initial, task):
        est = self.est
        opt = GradientDescent(
            coefs + intercepts,
            est.learning_rate_init,
            est.learning_rate,
            est.momentum,
            est.nesterovs_momentum,
            est.power_t,
        )
        n_coefs = len(coefs)
        # Gradients need masking only in dense layers that have pruned entries.
        dense = [m.all() or p is not None for m, p in zip(masks, patterns)]
        best_loss, no_improvement = np.inf, 0
        use_validation = initial and self.validation is not None
        best_params = None
        # The optimizer returns new arrays, so keeping references is enough
        # to restore the weights with the lowest training loss of this phase
        # if it diverges.
        lowest = (np.inf, coefs, intercepts)
        start = len(self.loss_curve)
        for t in range(n_iter):
            step_task = task.subtask("iteration", 0)
            step_task.begin()
            weights = bind_sparse(coefs, patterns)
            value, coef_grads, intercept_grads = self.loss_and_gradients(
                weights, intercepts
            )
            if not np.isfinite(value):
                step_task.end()
                if not self.loss_curve:
                    raise ValueError(
                        "The training loss is not finite at the initial weights: "
                        "the data are too large for %s arithmetic (max |X| = "
                        "%.3g). Scale the features (and regression targets), "
                        "e.g. with StandardScaler." % (self.X.dtype, abs(self.X).max())
                    )
                self._diverge("an overflow or a non-finite loss")
                return lowest[1:]
            if value < lowest[0]:
                lowest = (value, coefs, intercepts)
            self.loss_curve.append(value)
            self.n_iter += 1
            if est.verbose:
                print("Iteration %d, loss = %.8f" % (self.n_iter, value))
            if self.validation is not None:
                with np.errstate(over="ignore", invalid="ignore"):
                    score = est._validation_score(
                        weights, intercepts, self.loss_name, *self.validation
                    )
                self.validation_scores.append(score)
                if est.verbose:
                    print("Validation score: %f" % score)
            if use_validation:
                score = self.validation_scores[-1]
                improved = score >= self.best_validation_score + est.tol
                if score > self.best_validation_score:
                    self.best_validation_score = score
                    best_params = (coefs, intercepts)
            else:
                improved = value <= best_loss - est.tol
                best_loss = min(best_loss, value)
            no_improvement = 0 if improved else no_improvement + 1

            for g, m, d in zip(coef_grads, masks, dense):
                if not d:
                    g *= m
            with np.errstate(over="ignore", invalid="ignore"):  # divergence is checked
                new = opt.step(coefs + intercepts, coef_grads + intercept_grads)
            coefs, intercepts = new[:n_coefs], new[n_coefs:]
            if est.l1_alpha > 0:
                # Proximal step; for packed CSR layers it acts on their
                # alive values, which is the same operation.
                shrink = opt.learning_rate * est.l1_alpha / self.sw_sum
                coefs = [soft_threshold(W, shrink) for W in coefs]
            opt.iteration_ends(t)
            if step_task.end(self.attributes(bind_sparse(coefs, patterns), intercepts)):
                break
            if no_improvement > est.n_iter_no_change:
                what = "Validation score" if use_validation else "Training loss"
                msg = "%s did not improve more than tol=%f for %d consecutive iterations." % (
                    what, est.tol, est.n_iter_no_change,
                )
                if opt.trigger_stopping(msg, est.verbose):
                    break
                no_improvement = 0
        else:
            if initial:
                warnings.warn(
                    "Gradient descent: maximum iterations (%d) reached and the "
                    "optimization hasn't converged yet." % n_iter,
                    ConvergenceWarning,
                )
        # The last step's weights have not been evaluated yet; one more loss
        # (a forward pass per phase) makes sure they are worth keeping.
        # Full-batch descent with a workable step size lowers the loss over a
        # phase: a loss that ends above where the phase started means the
        # steps blew up, even if clipping in the log-loss kept it finite.
        first = self.loss_curve[start]
        final = self.loss(bind_sparse(coefs, patterns), intercepts, strict=True)
        if not np.isfinite(final):
            self._diverge("an overflow or a non-finite loss")
            return lowest[1:]
        if final > first:
            if initial:
                self._diverge(
                    "a training loss that rose from %.4g to %.4g" % (first, final)
                )
            # A short retraining phase that starts with a fresh momentum right
            # after a pruning step can end above its start without anything
            # blowing up: keep its best weights and go on pruning.
            return lowest[1:]
        if use_validation and best_params is not None:
            return best_params
        return coefs, intercepts

    def _diverge(self, symptom):
        self.diverged = True
        warnings.warn(
            "Gradient descent diverged (%s) after %d iterations with "
            "learning_rate_init=%r; training stopped and the weights with the "
            "lowest training loss were kept. Lower learning_rate_init or scale "
            "the features." % (symptom, self.n_iter, self.est.learning_rate_init),
            ConvergenceWarning,
        )
