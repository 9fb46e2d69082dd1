"""The shared estimator: validation, the train -> prune -> retrain loop, fitted attributes.

Data flows one way: the estimator calls the loop, the loop calls the network
math (:mod:`skprune._net.network`), the criteria (:mod:`skprune._prune.criteria`), the schedule
(:mod:`skprune._prune.schedules`) and, once at the very end, the sparse conversion
(:mod:`skprune._net.surgery`). Nothing below this module knows about estimators.

While training, weights are dense arrays with boolean masks; pruned weights
are held at exactly zero by masking their gradients (the velocities of a
fresh optimizer are zero there too), and masks only ever shrink. ``fit``
builds everything in local variables and sets the fitted attributes at the
end, so an interrupted fit leaves the estimator as it was.
"""

import contextlib
import functools
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, _fit_context, is_classifier
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    _get_feature_names,
    validate_data,
)

from ._data.factory import is_dask_collection, make_data
from ._data.memory import InMemoryData
from ._fit.callbacks import CallbackSupportMixin, fit_task
from ._fit.checks import (
    check_fit_memory,
    check_sample_weight_scale,
    check_target_scale,
)
from ._fit.config import FitConfig
from ._fit.finish import finish, midfit_view
from ._fit.loop import Record, fit_loop
from ._fit.path import PathPlan
from ._fit.recipes import (
    problem_size,
    reconstruct_conflicts,
    resolve_recipe,
    solver_factory,
    step_descriptions,
)
from ._fit.solvers import SolverNames
from ._net.inference import InferenceMixin
from ._net.network import OUTPUT_ACTIVATIONS
from ._net.products import blas_threads
from ._net.surgery import Network, to_dense
from ._prune.criteria import (
    NEURON_CRITERIA,
    WEIGHT_CRITERIA,
    NeuronCriterion,
    WeightCriterion,
    resolve_criterion,
)
from ._prune.reconstruct import check_gram_memory
from ._prune.schedules import SCHEDULES, schedule_targets


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


class IntInterval(Interval):
    """An :class:`~sklearn.utils._param_validation.Interval` of ints that refuses bools.

    ``True`` is an ``Integral`` to Python, so the plain constraint would take
    ``weight_bits=True`` for 1 bit; a bool there is a mistake, refused with
    the usual message ("must be None or an int in the range [1, 8]").
    """

    def __init__(self, left, right, *, closed):
        super().__init__(Integral, left, right, closed=closed)

    def is_satisfied_by(self, val):
        return not isinstance(val, (bool, np.bool_)) and super().is_satisfied_by(val)


def lazy_on_dask(method):
    """The entry point ``method`` as written for in-memory ``X``; lazy on a dask collection.

    The one place prediction and scoring dispatch on the input: for a dask
    array or DataFrame, a prediction method runs, unchanged, on every row
    block of ``X`` (:func:`skprune._data.dask_inputs.predict_blocks`) and ``score`` adds up
    per-block sums of the same score (:func:`skprune._data.dask_inputs.score_blocks`), both
    lazily.
    """

    @functools.wraps(method)
    def entry(self, X, *args, **kwargs):
        if not is_dask_collection(X):
            return method(self, X, *args, **kwargs)
        from ._data.dask_inputs import predict_blocks, score_blocks

        if method.__name__ == "score":
            return score_blocks(self, X, *args, **kwargs)
        return predict_blocks(self, X, method.__name__)

    return entry


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
        "solver": [StrOptions(SolverNames())],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "weight_threshold": [Interval(Real, 0, None, closed="left"), StrOptions({"auto"})],
        "neuron_threshold": [Interval(Real, 0, None, closed="left"), StrOptions({"auto"})],
        "sparsity": [None, Interval(Real, 0, 1, closed="left")],
        "criterion": [StrOptions(set(WEIGHT_CRITERIA) | {"auto"}), WeightCriterion],
        "neuron_criterion": [StrOptions(set(NEURON_CRITERIA)), NeuronCriterion],
        "neuron_sparsity": [None, Interval(Real, 0, 1, closed="left")],
        "schedule": [StrOptions(set(SCHEDULES)), callable],
        "prune_scope": [StrOptions({"layer", "global"})],
        "min_layer_density": [Interval(Real, 0, 1, closed="both")],
        "n_prune_steps": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "retrain_iter": [Interval(Integral, 0, None, closed="left"), StrOptions({"auto"})],
        "retrain_solver": [StrOptions(SolverNames({"auto"}))],
        "reconstruct": ["boolean", StrOptions({"auto"})],
        "finetune_iter": [
            None, Interval(Integral, 0, None, closed="left"), StrOptions({"auto"}),
        ],
        "rewind": ["boolean"],
        "l1_alpha": [Interval(Real, 0, None, closed="left")],
        "weight_bits": [None, IntInterval(1, 8, closed="both")],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        *,
        activation="relu",
        solver="adam",
        alpha=1e-4,
        learning_rate="constant",
        learning_rate_init="auto",
        power_t=0.5,
        max_iter=200,
        tol=1e-4,
        n_iter_no_change=10,
        momentum=0.9,
        nesterovs_momentum=True,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        max_fun=15000,
        early_stopping=False,
        validation_fraction=0.1,
        weight_threshold="auto",
        neuron_threshold="auto",
        sparsity=None,
        criterion="auto",
        neuron_criterion="activation",
        neuron_sparsity=None,
        schedule="gradual",
        prune_scope="global",
        min_layer_density=0.01,
        n_prune_steps="auto",
        retrain_iter="auto",
        finetune_iter="auto",
        retrain_solver="auto",
        reconstruct="auto",
        rewind=False,
        l1_alpha=0.0,
        weight_bits=None,
        warm_start=False,
        random_state=None,
        verbose=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.max_fun = max_fun
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
        self.retrain_solver = retrain_solver
        self.reconstruct = reconstruct
        self.rewind = rewind
        self.l1_alpha = l1_alpha
        self.weight_bits = weight_bits
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ #
    # Hooks for the subclasses.
    # ------------------------------------------------------------------ #
    #: Whether ``fit`` requires numeric targets.
    _y_numeric = False

    def _fit_targets(self, y, warm):
        """The loss and the target attributes (e.g. ``classes_``) for targets ``y``.

        ``y`` is the targets as given in memory; for dask targets, their
        distinct rows for a classifier, none for a regressor (see
        :func:`skprune._data.dask_inputs.check_fit_inputs`).
        """
        raise NotImplementedError

    def _encode_y(self, y, dtype, target_attrs):
        """Encoded targets ``Y`` (2-D, ``dtype``) of rows ``y`` (all, or one block)."""
        raise NotImplementedError

    def _scorer(self, loss):
        """The validation score, as per-block sums and a finisher (see :meth:`skprune._data.memory.DataSource.score`)."""
        raise NotImplementedError

    def _stratify(self, Y, loss):
        """Labels to stratify the ``early_stopping`` split by; None (the default) for none."""

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

    @_fit_context(prefer_skip_nested_validation=True)
    @_atomic_fit
    def fit(self, X, y, sample_weight=None):
        """Fit the network to ``X`` and ``y``, pruning it as configured.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)
            Training data. float32 is kept float32; other dtypes become float64.
            A dask array or DataFrame is fitted where its blocks live, on the
            current ``dask.distributed`` client's cluster (see the Scaling page).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Class labels, or a label-indicator matrix for multilabel targets
            (classifier); target values (regressor). A dask array or Series
            with dask ``X``.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights. An integer weight is equivalent to
            repeating the sample. A dask array with dask ``X``.

        Returns
        -------
        self : object
            The fitted estimator.

        Raises
        ------
        ValueError
            Besides scikit-learn's standard input errors (invalid parameters,
            empty, NaN, infinite or non-numeric ``X`` or ``y``, inconsistent
            lengths, negative ``sample_weight``), when

            - a classifier's ``y`` holds fewer than two classes;
            - the sample weights sum to zero;
            - ``early_stopping`` cannot split off a (stratified) validation
              set of at least two samples, with positive total weight on both
              sides;
            - ``warm_start`` refits with other classes than the previous fit
              saw, another number of regression targets, or another
              ``hidden_layer_sizes`` than the previous network's original
              architecture;
            - the loss is not finite at the initial weights (features or
              targets too large for the floating-point type: scale them).

            A failed or interrupted fit (also by ``KeyboardInterrupt``)
            leaves the estimator exactly as it was: unfitted, or with the
            previous fit intact.
        """
        ((_, fitted),) = self._run(X, y, sample_weight, sparsity=self.sparsity)
        self._adopt(fitted)
        return self


    @_fit_context(prefer_skip_nested_validation=True)
    def _fit_path(self, X, y, sample_weight, levels, level_finetune):
        """``[(level, fitted attributes)]`` from one pruning path (see :meth:`_run`).

        Sets no fitted attribute but ``n_features_in_`` (``feature_names_in_``):
        each level's model is made from its attributes.
        """
        return self._run(X, y, sample_weight, sparsity=float(levels[-1]), levels=levels,
                         level_finetune=level_finetune)

    def _warm(self):
        """Whether this fit continues the previous one (``warm_start`` and a fitted model)."""
        return bool(self.get_params(deep=False).get("warm_start")) and hasattr(self, "coefs_")

    def _run(self, X, y, sample_weight, *, sparsity, levels=None, level_finetune=None):
        """Validate, train and finish: ``[(level, fitted attributes)]``.

        Without ``levels`` one fit at ``sparsity``; with them one pruning
        path (:class:`skprune._fit.path.PathPlan`) to the highest level,
        each level finished as a fit is. ``sparsity`` is an argument so the
        CV estimators, which have no such parameter, run the same code.
        """
        warm = self._warm()
        if is_dask_collection(X) or is_dask_collection(y):
            # Checked in one lazy pass on the cluster; the blocks stay there.
            from ._data.dask_inputs import check_fit_inputs, map_rows

            names = _get_feature_names(getattr(X, "_meta", X))
            X, y, sample_weight, facts = check_fit_inputs(
                X, y, sample_weight, classifier=is_classifier(self))
            self._check_dask_features(names, X.shape[1], warm)
            seen = facts["seen"]
            encode = functools.partial(map_rows, self._encode_y, seen[:1])
        else:
            X, y = validate_data(
                self, X, y, accept_sparse=["csr", "csc"], multi_output=True,
                y_numeric=self._y_numeric, dtype=(np.float64, np.float32), reset=not warm,
            )
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=X.dtype, ensure_non_negative=True
            )
            seen, encode, facts = y, self._encode_y, {}
        loss, target_attrs = self._fit_targets(seen, warm)
        Y = encode(y, X.dtype, target_attrs)
        check_sample_weight_scale(sample_weight, facts.get("sw_sum"), facts.get("sw_max"))
        if loss == "squared_error":
            check_target_scale(Y, facts.get("y_absmax"))
        fits = self._fit(X, Y, sample_weight, loss, (X, y, sample_weight), target_attrs,
                         sparsity, levels, level_finetune)
        inputs = {"n_features_in_": self.n_features_in_}
        if hasattr(self, "feature_names_in_"):
            inputs["feature_names_in_"] = self.feature_names_in_
        return [(level, {**inputs, **target_attrs, **fitted}) for level, fitted in fits]

    def _check_dask_features(self, names, n_features, warm):
        """``n_features_in_`` and ``feature_names_in_``, as ``validate_data`` sets them.

        ``names`` are a dask DataFrame's column names (those of its empty
        pandas meta), or None.
        """
        if warm and n_features != self.n_features_in_:
            raise ValueError(
                "X has %d features, but %s is expecting %d features as input."
                % (n_features, type(self).__name__, self.n_features_in_)
            )
        self.n_features_in_ = int(n_features)
        if names is not None:
            self.feature_names_in_ = names
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_

    def _resolved_recipe(self, size=None, *, sparsity):
        """The 'auto' parameters resolved for this solver, target and problem size.

        One source for ``fit`` and for reports that need the iteration budget
        (:func:`skprune._report.pruning_off_params`); see
        :func:`skprune._fit.recipes.resolve_recipe`.
        """
        return resolve_recipe(self._recipe_params(sparsity), size, warm=self._warm())

    def _recipe_params(self, sparsity, layer_units=None):
        """The parameters the recipe reads: ``sparsity`` given, and ``reconstruct='auto'``
        without reconstruction where a layer's Gram matrix would not fit (see
        :func:`skprune._prune.reconstruct.check_gram_memory`)."""
        params = {**self.get_params(deep=False), "sparsity": sparsity}
        if params.get("reconstruct") == "auto" and layer_units is not None:
            try:
                check_gram_memory(layer_units[:-1])
            except MemoryError:
                params["reconstruct"] = False
        return params

    def _config(self, loss, layer_units, n_samples=None, *, sparsity):
        """Resolve every hyper-parameter once: the loop reads this, never the estimator.

        ``n_samples`` (the training rows, after any ``early_stopping``
        split) and ``layer_units`` size the problem for the 'auto' recipe.
        """
        params = self._recipe_params(sparsity, layer_units)
        warm = self._warm()
        recipe = resolve_recipe(params, problem_size(n_samples, layer_units), warm=warm)
        n_prune_steps = recipe["n_prune_steps"]
        retrain_solver = recipe["retrain_solver"]
        return FitConfig(
            activation=self.activation, loss=loss, out_activation=OUTPUT_ACTIVATIONS[loss],
            alpha=self.alpha, l1_alpha=self.l1_alpha,
            make_solver=solver_factory(self.solver, recipe["learning_rate_init"], params),
            make_retrain_solver=solver_factory(
                retrain_solver, recipe["retrain_learning_rate"], params
            ),
            retrain_solver=retrain_solver,
            max_iter=self.max_iter,
            n_prune_steps=n_prune_steps, retrain_iter=recipe["retrain_iter"],
            finetune_iter=recipe["finetune_iter"],
            tol=self.tol, n_iter_no_change=self.n_iter_no_change,
            weight_threshold=recipe["weight_threshold"],
            neuron_threshold=recipe["neuron_threshold"],
            sparsity=sparsity, neuron_sparsity=self.neuron_sparsity,
            criterion=resolve_criterion(recipe["criterion"], WEIGHT_CRITERIA),
            neuron_criterion=resolve_criterion(self.neuron_criterion, NEURON_CRITERIA),
            # Every schedule value is known, and checked, before any training.
            sparsity_targets=tuple(
                schedule_targets(self.schedule, n_prune_steps, sparsity)
            ),
            neuron_targets=tuple(
                schedule_targets(self.schedule, n_prune_steps, self.neuron_sparsity)
            ),
            prune_scope=self.prune_scope, min_layer_density=self.min_layer_density,
            rewind=self.rewind, verbose=bool(self.verbose),
            score=self._scorer(loss),
            step_description=step_descriptions(recipe, params),
            layer_units=tuple(int(u) for u in layer_units),
            short_phases=recipe["short_phases"], initial_tol=recipe["initial_tol"],
            schedule=self.schedule,
            reconstruct=recipe["reconstruct"],
            # A warm start that reconstructs prunes the trained network it
            # starts from (from_mlp's fitted MLP): no dense training first.
            train_initial=not (recipe["reconstruct"] and warm),
        )

    def _start_network(self, layer_units, dtype, rng, sparsity):
        """The network training starts from: the previous fit's, or a fresh one."""
        if not self._warm():
            coefs, intercepts = self._initial_network(layer_units, dtype, rng)
            return Network(coefs, intercepts, [np.ones(W.shape, dtype=bool) for W in coefs])
        previous = getattr(self, "layer_units_original_", None)
        if previous is not None and tuple(layer_units[1:-1]) != previous[1:-1] or (
            len(layer_units) - 2 != len(self.hidden_layer_sizes_)
            or any(h < k for h, k in zip(layer_units[1:-1], self.hidden_layer_sizes_))
        ):
            raise ValueError(
                "warm_start refits the previous network, whose original hidden "
                "layers had %s neurons (now %s), so hidden_layer_sizes=%s cannot "
                "be its original architecture. Set warm_start=False to fit a new "
                "network." % (
                    None if previous is None else previous[1:-1],
                    self.hidden_layer_sizes_, tuple(layer_units[1:-1]),
                )
            )
        self._warn_if_less_sparse(sparsity)
        coefs = [to_dense(W).astype(dtype) for W in self.coefs_]
        intercepts = [np.array(b, dtype=dtype) for b in self.intercepts_]
        # Masks only shrink, across warm starts too: zeros stay pruned.
        return Network(coefs, intercepts, [W != 0 for W in coefs])

    def _warn_if_less_sparse(self, sparsity):
        """Warn when a warm start asks for less sparsity than the previous fit left."""
        history = getattr(self, "pruning_history_", None) or []
        units = self.layer_units_original_
        kept_neurons = 1 - sum(self.hidden_layer_sizes_) / max(sum(units[1:-1]), 1)
        for name, key, reached in (
            ("sparsity", "target_sparsity", self.sparsity_),
            ("neuron_sparsity", "target_neuron_sparsity", kept_neurons),
        ):
            wanted = sparsity if name == "sparsity" else self.neuron_sparsity
            targets = [h[key] for h in history if h.get(key) is not None]
            # The previous target, or what the thresholds reached without one;
            # rounding and removed neurons can take a fit a little past its target.
            previous = max(targets) if targets else reached
            if wanted is not None and wanted < previous - 1e-12:
                warnings.warn(
                    "warm_start keeps every weight and neuron the previous fit "
                    "pruned (pruning only removes), so %s=%r cannot lower the "
                    "model's %.3f. Set warm_start=False to fit a new network at "
                    "%s=%r." % (name, wanted, reached, name, wanted),
                    UserWarning,
                )

    def _record(self, warm):
        """The fit's record; a warm start continues the previous one (as scikit-learn's MLP)."""
        if not warm:
            return Record()
        return Record(
            # loss_curve_ holds one value per iteration of every fit so far.
            n_iter=len(self.loss_curve_),
            loss_curve=list(self.loss_curve_),
            validation_scores=list(self.validation_scores_ or []),
            best_validation_score=(
                -np.inf if self.best_validation_score_ is None else self.best_validation_score_
            ),
        )

    def _fit(self, X, Y, sample_weight, loss, hooks, target_attrs, sparsity, levels,
             level_finetune):
        """Train, prune and retrain on validated ``X`` and encoded targets ``Y``.

        ``hooks`` (``X``, ``y`` and ``sample_weight`` as validated) and
        ``target_attrs`` (the subclass's fitted attributes known before
        training, e.g. ``classes_``) are only for the callbacks. Returns
        ``[(level, fitted attributes)]`` (see :meth:`_run`).
        """
        rng = check_random_state(self.random_state)
        # The one place training data is wrapped (in memory or on a dask
        # cluster): the loop asks it for every loss, gradient, statistic and score.
        data = make_data(X, Y, sample_weight)
        if not data.sw_sum > 0:
            raise ValueError("The sample weights sum to zero: there is nothing to fit.")
        data.check_chunks(problem_size(1, self._layer_units(data.n_features, data.n_outputs)))
        # The start network is drawn before the early-stopping split, as
        # always: the split takes the generator's next numbers.
        net = self._checked_start(data.n_features, data.n_outputs, data.n_samples,
                                  data.dtype, rng, sparsity)
        validation = None
        if self.early_stopping:
            data, validation = data.split(
                self.validation_fraction, rng, functools.partial(self._stratify, loss=loss))
        # BLAS threads are chosen for passes in this process; a cluster's
        # workers have their own.
        threads = (blas_threads(data.n_samples,
                                self._layer_units(data.n_features, data.n_outputs))
                   if isinstance(data, InMemoryData) else contextlib.nullcontext())
        with threads:
            return self._train(data, validation, loss, target_attrs, rng, hooks, net,
                               sparsity, levels, level_finetune)

    def _checked_start(self, n_features, n_outputs, n_samples, dtype, rng, sparsity):
        """The start network, once the memory it needs is known to be there."""
        layer_units = self._layer_units(n_features, n_outputs)
        solvers = (self.solver, self._resolved_recipe(sparsity=sparsity)["retrain_solver"])
        check_fit_memory(layer_units, n_samples, dtype, rewind=self.rewind, solvers=solvers)
        self._check_reconstruct(layer_units)
        return self._start_network(layer_units, dtype, rng, sparsity)

    def _check_reconstruct(self, layer_units):
        """Refuse ``reconstruct=True`` with what it cannot be combined with, before any work."""
        if getattr(self, "reconstruct", False) is not True:
            return
        conflicts = reconstruct_conflicts(self.get_params(deep=False))
        if conflicts:
            raise ValueError(
                "reconstruct=True refits each pruned layer by least squares to the "
                "network before pruning, which cannot be combined with %s: "
                "rewinding resets the weights it refits, and an L1 penalty's zeros "
                "would not survive the refit. Set reconstruct=False to retrain by "
                "gradient steps only." % " or ".join(conflicts)
            )
        check_gram_memory(layer_units[:-1])

    def _layer_units(self, n_features, n_outputs):
        layer_units = (n_features, *self._hidden_sizes(), n_outputs)
        if self._warm() and getattr(self, "layer_units_original_", None) is not None:
            if layer_units[1:-1] == self.layer_units_original_[1:-1]:
                layer_units = self.layer_units_original_
        return layer_units

    def _train(self, data, validation, loss, target_attrs, rng, hooks, net, sparsity,
               levels, level_finetune):
        """Run the recipe on a data source and finish every model it reaches."""
        warm = self._warm()
        layer_units = self._layer_units(data.n_features, data.n_outputs)
        config = self._config(loss, layer_units, data.n_samples, sparsity=sparsity)
        plan = None
        if levels is not None:
            plan = PathPlan(levels, level_finetune)
            config = plan.configure(config)
        task = fit_task(self, *hooks, 1 + config.n_prune_steps)
        record = self._record(warm)
        n_iter_before = record.n_iter
        t_before = getattr(self, "t_", 0) if warm else 0
        net, history = fit_loop(
            config, data, validation, record, net, rng, task,
            midfit_view(config, record, validation, target_attrs),
            on_step=None if plan is None else plan.on_step,
        )
        runs = ([(sparsity, config, record, net, history)] if plan is None
                else plan.results(config, record, net, history))
        fits = [
            (level, finish(level_config, data, level_net, level_record, level_history,
                           validation, weight_bits=self.weight_bits,
                           n_iter_before=n_iter_before, t_before=t_before))
            for level, level_config, level_record, level_net, level_history in runs
        ]
        task.end(lambda: {**target_attrs, **fits[-1][1]})
        return fits
