"""PrunedMLPClassifierCV and PrunedMLPRegressorCV: the sparsity chosen by cross-validation.

Like :class:`~sklearn.linear_model.LassoCV`, which gets its whole alpha path
from one path per fold, each fold runs one pruning path
(:func:`skprune._model_selection.score_path_split`, the fold scorer
:class:`~skprune.PruningCurveDisplay` uses too) and scores every requested
level on the held-out part; the chosen level is then refitted on all the
data by the same engine, and the CV estimator predicts with that model
itself.
"""

import numbers
import warnings
from inspect import signature

import numpy as np
from sklearn.base import _fit_context, clone, is_classifier
from sklearn.exceptions import NotFittedError
from sklearn.metrics import check_scoring, get_scorer_names
from sklearn.model_selection import check_cv
from sklearn.utils import Bunch
from sklearn.utils._param_validation import InvalidParameterError, StrOptions
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import _check_sample_weight, validate_data

from ._base import IntInterval, _atomic_fit
from ._classifier import PrunedMLPClassifier
from ._model_selection import score_path_split, warn_failed_fits
from ._path import check_levels
from ._regressor import PrunedMLPRegressor

#: Parameters of the base estimator the CV estimators do not take: the
#: sparsity is what they choose, and every fold starts from scratch.
_NOT_TAKEN = ("sparsity", "warm_start")

_CV_CONSTRAINTS = {
    "sparsities": [IntInterval(1, None, closed="left"), "array-like"],
    "cv": ["cv_object"],
    "scoring": [StrOptions(set(get_scorer_names())), callable, None],
    "selection_rule": [StrOptions({"best", "one-standard-error"})],
    "error_score": [StrOptions({"raise"}), numbers.Real],
    "return_train_score": ["boolean"],
    "n_jobs": [numbers.Integral, None],
    "refit": ["boolean"],
}


def _constraints(base):
    """The base estimator's parameter constraints without sparsity and warm_start, plus the CV ones."""
    return {**{k: v for k, v in base._parameter_constraints.items() if k not in _NOT_TAKEN},
            **_CV_CONSTRAINTS}


def scored_folds(scores):
    """The folds with a finite score at some level: a fold whose path fit failed has none.

    ``scores`` is (n_levels, n_folds). With ``error_score=np.nan`` a failed
    fit leaves every level of its fold NaN; that fold says nothing about
    which level is better, so the choice is made on the others.
    """
    return np.isfinite(scores).any(axis=0)


def select_level(levels, scores, rule):
    """Index of the chosen level: ``scores`` is (n_levels, n_folds), higher is better.

    Folds where every level is non-finite (a failed fit, see
    ``error_score``) are left out; of the rest, a level with a non-finite
    score on some fold (a failed scoring) is skipped. The standard error
    is over the folds used.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._cv import select_level
    >>> scores = np.array([[0.95, 0.97], [0.96, 0.96], [0.90, 0.94]])
    >>> select_level([0.5, 0.8, 0.9], scores, "best")  # a tie goes to the sparser
    1
    >>> select_level([0.5, 0.8, 0.9], scores, "one-standard-error")
    1
    >>> failed = np.array([[0.95, np.nan, 0.97], [0.96, np.nan, np.nan]])
    >>> select_level([0.5, 0.8], failed, "best")  # fold 2 failed, 0.8 failed on fold 3
    0
    """
    scores = scores[:, scored_folds(scores)]
    mean = scores.mean(axis=1) if scores.size else np.full(len(levels), np.nan)
    valid = np.isfinite(mean)
    if not valid.any():
        raise ValueError("Every level has a non-finite mean score: no level can be "
                         "chosen. Set error_score='raise' to see why.")
    best = int(np.flatnonzero(valid & (mean >= mean[valid].max() - 1e-12)).max())
    if rule == "best":
        return best
    n_folds = scores.shape[1]
    standard_error = scores[best].std() / np.sqrt(n_folds)
    within = np.flatnonzero(valid & (mean >= mean[best] - standard_error))
    return int(within[np.argmax(np.asarray(levels)[within])])


class _CVMixin:
    """The fit of the CV estimators; the rest comes from the base estimator."""

    def _base_estimator(self):
        params = {name: getattr(self, name) for name in self._base_class._get_param_names()
                  if name not in _NOT_TAKEN}
        params["verbose"] = self.verbose > 1  # the fits' own lines only on verbose >= 2
        return self._base_class(**params)

    def _validate_params(self):
        """Fit's constraints, with a word on what GridSearchCV takes that this does not."""
        name = type(self).__name__
        if isinstance(self.scoring, (list, tuple, set, dict)):
            raise InvalidParameterError(
                "The 'scoring' parameter of %s must be a str, a callable or None: %s "
                "chooses one level by one score, so multimetric scoring (a list, tuple, "
                "set or dict) is not supported; use GridSearchCV with a refit metric "
                "for several scores. Got %r instead." % (name, name, self.scoring))
        if callable(self.refit) or isinstance(self.refit, str):
            raise InvalidParameterError(
                "The 'refit' parameter of %s must be a bool: the level is chosen by "
                "selection_rule ('best' or 'one-standard-error'), not by refit. Got %r "
                "instead." % (name, self.refit))
        super()._validate_params()

    def _routed_params(self, scorer, sample_weight, params):
        """The metadata of the splitter and the scorer, as GridSearchCV routes it.

        With metadata routing, by the requests; without, ``groups`` goes to
        the splitter and ``sample_weight`` to the scorer if it takes it (else
        it is dropped, with GridSearchCV's warning).
        """
        if _routing_enabled():
            return process_routing(self, "fit", sample_weight=sample_weight, **params)
        params = dict(params)
        groups = params.pop("groups", None)
        if params:
            raise TypeError(
                "%s.fit got unexpected keyword arguments %s. Without metadata routing it "
                "takes sample_weight and groups; enable routing "
                "(sklearn.set_config(enable_metadata_routing=True)) to pass other "
                "metadata to the splitter and the scorer."
                % (type(self).__name__, sorted(params)))
        score = {}
        if sample_weight is not None and _accepts_sample_weight(scorer, self):
            score["sample_weight"] = sample_weight
        return Bunch(splitter=Bunch(split={"groups": groups}), scorer=Bunch(score=score))

    @_fit_context(prefer_skip_nested_validation=True)
    @_atomic_fit
    def fit(self, X, y, sample_weight=None, **params):
        """Choose the sparsity by cross-validation, then refit at it.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights of every fit. The scorer gets them too, as
            :class:`~sklearn.model_selection.GridSearchCV` passes them:
            without metadata routing, when it takes a ``sample_weight``
            argument (else they are dropped with a warning); with routing,
            when it requests them -- for the default ``scoring=None``, which
            is this estimator's ``score``, by
            ``set_score_request(sample_weight=True)`` on this estimator.
        **params : dict
            ``groups`` (the group labels of a group splitter such as
            :class:`~sklearn.model_selection.GroupKFold`); with metadata
            routing enabled, any metadata the splitter and the scorer request.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        levels = check_levels(self.sparsities, allow_count=True)
        for name in [n for n in self.__dict__ if n.endswith("_") and not n.startswith("_")]:
            delattr(self, name)  # a refit=False fit must not keep an earlier model
        self.__dict__.pop("_plan", None)
        # Checked once here, before any fold starts; sets n_features_in_ (and
        # feature_names_in_), which predict checks.
        X, y = validate_data(
            self, X, y, accept_sparse=["csr", "csc"], multi_output=True,
            y_numeric=self._y_numeric, dtype=(np.float64, np.float32),
        )
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, ensure_non_negative=True)
        base = self._base_estimator()
        scorer = check_scoring(base, scoring=self.scoring)
        routed = self._routed_params(scorer, sample_weight, params)
        cv = check_cv(self.cv, y, classifier=is_classifier(base))
        splits = list(cv.split(X, y, **routed.splitter.split))
        task = self._cv_task(X, y, sample_weight, len(splits))
        results = Parallel(n_jobs=self.n_jobs)(
            delayed(score_path_split)(
                clone(base), [], X, y, train, test, levels, scorer,
                sample_weight=sample_weight, score_params=routed.scorer.score,
                return_train=self.return_train_score, error_score=self.error_score,
                context=None if task is None else task.folds[k],
            )
            for k, (train, test) in enumerate(splits)
        )
        warn_failed_fits(results, self.error_score)
        self._print_folds(levels, results)
        scores = np.column_stack([r["test_scores"] for r in results])
        chosen = select_level(levels, scores, self.selection_rule)
        fitted = {}
        if self.refit:
            fitted = self._refit(base, float(levels[chosen]), X, y, sample_weight, task)
        self._adopt({
            **fitted,
            "sparsities_": levels, "best_sparsity_": float(levels[chosen]),
            "best_index_": chosen,
            "best_score_": float(scores[chosen, scored_folds(scores)].mean()),
            "scores_path_": scores, "cv_results_": _cv_results(levels, results),
            "n_splits_": len(splits),
        })
        if task is not None:
            task.root.call_on_fit_task_end(estimator=self, X=X, y=y)
        return self

    def _print_folds(self, levels, results):
        if not self.verbose:
            return
        name = type(self).__name__
        for k, result in enumerate(results):
            for level, score in zip(levels, result["test_scores"]):
                print("[%s] fold %d: sparsity=%.3f score=%.4f" % (name, k + 1, level, score))
            print("[%s] fold %d done in %.1f s" % (name, k + 1, result["fit_time"]))

    def _cv_task(self, X, y, sample_weight, n_folds):
        """The root callback context, with one subtask per fold and one for the refit."""
        if not hasattr(self, "_init_callback_context"):
            return None
        metadata = None if sample_weight is None else {"sample_weight": sample_weight}
        context = self._init_callback_context(max_subtasks=n_folds + bool(self.refit))
        context.call_on_fit_task_begin(estimator=self, X=X, y=y, metadata=metadata)
        # Created ahead, as GridSearchCV does: the folds may run in other processes.
        folds = [context.subcontext(task_name="pruning-path-on-fold") for _ in range(n_folds)]
        refit = context.subcontext(task_name="refit") if self.refit else None
        return Bunch(root=context, folds=folds, refit=refit)

    def _refit(self, base, level, X, y, sample_weight, task):
        """The fitted attributes of the model at ``level`` on all the data (the path engine's)."""
        model = clone(base).set_params(sparsity=level)
        if task is None:
            ((_, fitted),) = model._fit_path(X, y, sample_weight, [level], None)
            return fitted
        metadata = None if sample_weight is None else {"sample_weight": sample_weight}
        with task.refit.propagate_callback_context(model):
            task.refit.call_on_fit_task_begin(estimator=self, X=X, y=y, metadata=metadata)
            ((_, fitted),) = model._fit_path(X, y, sample_weight, [level], None)
            task.refit.call_on_fit_task_end(estimator=self, X=X, y=y, metadata=metadata)
        return fitted

    def _check_refitted(self):
        """Refuse a model fitted with ``refit=False``, which chose a level but has no model."""
        if "best_sparsity_" in self.__dict__ and "coefs_" not in self.__dict__:
            raise NotFittedError(
                "This %s was fitted with refit=False: it chose best_sparsity_=%r but "
                "fitted no model to predict with. Set refit=True, or fit %s(sparsity=%r)."
                % (type(self).__name__, self.best_sparsity_, self._base_class.__name__,
                   self.best_sparsity_)
            )

    def _forward_fitted(self, X):
        self._check_refitted()
        return super()._forward_fitted(X)  # an unfitted estimator is refused there

    def get_metadata_routing(self):
        """Where ``fit``'s metadata goes: the splitter and the scorer.

        Returns
        -------
        routing : MetadataRouter
            The routing of this estimator.
        """
        return (
            MetadataRouter(owner=self)
            .add_self_request(self)
            .add(splitter=check_cv(self.cv),
                 method_mapping=MethodMapping().add(caller="fit", callee="split"))
            .add(scorer=self._scorer_routing(),
                 method_mapping=MethodMapping().add(caller="fit", callee="score"))
        )

    def _scorer_routing(self):
        """What the scorer requests: for ``scoring=None``, this estimator's ``score`` requests.

        The default scorer is the estimator's ``score``; the fold models are
        made inside ``fit``, out of the user's reach, so their score request
        is the one set on this estimator (``set_score_request``), and an
        error about an unset request names a method the user can call.
        """
        if self.scoring is None:
            return self._get_metadata_request()
        return check_scoring(self._base_estimator(), scoring=self.scoring)

    @classmethod
    def from_mlp(cls, mlp, **params):
        """Not available: start from ``from_mlp`` of the base estimator instead.

        Parameters
        ----------
        mlp : MLPClassifier or MLPRegressor
            A fitted scikit-learn perceptron.
        **params : dict
            Parameters of the estimator.

        Raises
        ------
        TypeError
            Always.
        """
        raise TypeError("%s cannot start from a fitted MLP; use %s.from_mlp."
                        % (cls.__name__, cls._base_class.__name__))


def _accepts_sample_weight(scorer, owner):
    """Whether ``scorer`` takes ``sample_weight``; warns as GridSearchCV does when not."""
    if hasattr(scorer, "_accept_sample_weight"):
        accept = scorer._accept_sample_weight()
    else:  # a plain function given as scoring
        accept = "sample_weight" in signature(scorer).parameters
    if not accept:
        warnings.warn(
            f"The scoring {scorer} does not support sample_weight, which may lead to "
            f"statistically incorrect results when fitting {owner} with sample_weight. "
        )
    return accept


def _rank(mean):
    """Ranks as GridSearchCV gives them: equal means share one, NaN ranks last."""
    filled = np.where(np.isfinite(mean), mean, -np.inf)
    return np.array([1 + np.sum(filled > m + 1e-12) for m in filled], dtype=np.int32)


def _nanmean(values):
    """Row means over the finite entries; NaN for a row with none (and no warning)."""
    finite = np.isfinite(values)
    total = np.where(finite, values, 0).sum(axis=1)
    count = finite.sum(axis=1)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _cv_results(levels, results):
    """``cv_results_``: GridSearchCV's keys, one entry per level."""
    levels = np.asarray(levels, dtype=float)
    out = {
        "params": [{"sparsity": float(s)} for s in levels],
        "param_sparsity": np.ma.MaskedArray(levels, mask=False),
        "sparsity": levels,
        # Stored weights, the mean over the folds whose path was fitted.
        "n_weights": _nanmean(np.column_stack([r["n_weights"] for r in results])),
    }
    for kind in ("fit", "score"):
        times = np.array([r[kind + "_time"] for r in results])
        out["mean_%s_time" % kind] = np.full(len(levels), times.mean())
        out["std_%s_time" % kind] = np.full(len(levels), times.std())
    parts = ["test"] + (["train"] if results[0]["train_scores"] is not None else [])
    for part in parts:
        scores = np.column_stack([r[part + "_scores"] for r in results])
        for k in range(scores.shape[1]):
            out["split%d_%s_score" % (k, part)] = scores[:, k]
        mean = scores.mean(axis=1)
        out["mean_%s_score" % part] = mean
        out["std_%s_score" % part] = scores.std(axis=1)
        if part == "test":
            out["rank_test_score"] = _rank(mean)
    return out


class PrunedMLPClassifierCV(_CVMixin, PrunedMLPClassifier):
    """Pruned multi-layer perceptron classifier whose sparsity is chosen by cross-validation.

    Like :class:`~sklearn.linear_model.LassoCV` for the Lasso's alpha: on
    every fold one gradual pruning run visits all the ``sparsities`` and
    scores each on the held-out part, so choosing among ``n`` levels costs
    about one pruned fit per fold instead of ``n``. The level with the best
    mean score (see ``selection_rule``) is then refitted on all the data, and
    this estimator predicts with that model.

    Parameters
    ----------
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of neurons in the ith hidden layer,
        before pruning (the widths after pruning are ``hidden_layer_sizes_``).

    activation : {'identity', 'logistic', 'tanh', 'relu'}, default='relu'
        Activation function of the hidden layers.

    solver : {'adam', 'lbfgs', 'gd'}, default='adam'
        Full-batch solver; every step uses the exact gradient over all
        training rows. 'adam' is Adam (Kingma & Ba) with ``beta_1``,
        ``beta_2``, ``epsilon``, whose step is divided by 5 when the loss
        stalls (at most 3 times); 'lbfgs' is L-BFGS (scipy's L-BFGS-B) over
        the alive weights only, restarted after every pruning step, with at
        most ``max_fun`` loss evaluations per phase; 'gd' is gradient
        descent with (Nesterov) ``momentum`` and the ``learning_rate``
        schedule. 'adam' is the default because it matched scikit-learn's
        ``MLPClassifier()`` on scaled data and trained unscaled regression
        targets in the package's quality benchmark.

    alpha : float, default=1e-4
        Strength of the L2 penalty; the penalty is divided by the sum of the
        sample weights, like the data term.

    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Step-size schedule of 'gd'. 'invscaling' divides ``learning_rate_init``
        by ``t ** power_t``; 'adaptive' divides the step by 5 each time the
        loss fails to improve by ``tol`` for ``n_iter_no_change`` iterations,
        and stops the phase once the step is below 1e-6. 'adam' does not read
        it: it divides its step by 5 on a stall, at most 3 times (see ``tol``).

    learning_rate_init : float or 'auto', default='auto'
        Step size of the first-order solvers; 'auto' is 0.01 for 'adam' and
        0.1 for 'gd' ('lbfgs' chooses its steps by line search). Full-batch
        steps use the exact gradient, so they can be larger than stochastic
        ones. A training phase diverged when its loss becomes non-finite,
        when it ends more than 100 times above its start (and above 100),
        or, for the initial training, when it ends above its start by more
        than a tenth of the larger of that start and the loss of the best
        constant prediction. Then the weights with the lowest loss are
        restored, later phases skip training, and a ``ConvergenceWarning``
        says so. A retraining phase whose loss ends above its start
        otherwise (a spike after a pruning step) keeps its lowest-loss
        weights and pruning goes on.

    power_t : float, default=0.5
        Exponent of the 'invscaling' schedule.

    max_iter : int, default=200
        Maximum number of solver iterations (full passes over the data, more
        for the line searches of 'lbfgs') before the first pruning step.
        The pruning steps add at most ``retrain_iter_`` iterations after each
        step but the last and ``finetune_iter_`` after the last to
        ``n_iter_``; each phase can stop earlier by its own stopping rule.

    tol : float, default=1e-4
        Tolerance: the loss (or the validation score, with
        ``early_stopping``) has stalled when it has not improved by ``tol``
        for ``n_iter_no_change`` consecutive iterations. A stall stops the
        phase, except that 'adam' first divides its step size by 5 and goes
        on, at most 3 times per phase (full-batch Adam at a fixed step
        oscillates around a minimum), and 'gd' with
        ``learning_rate='adaptive'`` does the same until its step is below
        1e-6.

    n_iter_no_change : int or np.inf, default=10
        See ``tol``; ``np.inf`` never stops early. 'lbfgs' also stops when
        its projected gradient falls below ``tol`` (as scikit-learn's). On
        large problems (see ``n_prune_steps``), when pruning steps and their
        retraining follow, the initial training ends at the first such
        stall, without the smaller steps of 'adam' or of 'adaptive'.

    momentum : float, default=0.9
        Momentum of 'gd', in [0, 1].

    nesterovs_momentum : bool, default=True
        Whether 'gd' uses Nesterov's momentum.

    beta_1, beta_2 : float, default=0.9, 0.999
        Decay rates of Adam's first and second moment estimates, in [0, 1).

    epsilon : float, default=1e-8
        Adam's numerical-stability constant.

    max_fun : int, default=15000
        Most loss evaluations of 'lbfgs' per training phase.

    early_stopping : bool, default=False
        Whether to hold out ``validation_fraction`` of the training data and
        stop the initial training when its score stops improving, restoring
        the best weights. Pruning statistics use the training part only.

    validation_fraction : float, default=0.1
        Fraction of the data held out for ``early_stopping``.

    weight_threshold : float or 'auto', default='auto'
        'auto' is 0.01 when neither ``sparsity`` nor ``neuron_sparsity`` is
        set and 0 when one is (so that ``sparsity_`` lands on the target);
        the value used is ``weight_threshold_``. Weights with ``|w| <
        weight_threshold`` are set to zero at every pruning step and once
        more at the very end of ``fit``, so every stored weight of
        ``coefs_`` satisfies ``|w| >= weight_threshold``. If pruning (by
        threshold or ``sparsity``) cuts every path from the inputs to the
        outputs, the model is stored as the constant it then computes: one
        neuron per hidden layer, no weight, and a ``UserWarning``.

    neuron_threshold : float or 'auto', default='auto'
        'auto' as for ``weight_threshold``. A hidden neuron whose ``neuron_criterion`` score is below this is
        removed at each pruning step (with the default criterion: whose
        sample-weighted mean ``|activation|`` over the training data is);
        its mean output times its outgoing weights is folded into the next
        layer's bias. A layer is never emptied (its best neuron is kept,
        with a warning).

    criterion : {'auto', 'obd', 'magnitude', 'taylor', 'random'} or object,             default='auto'
        Weight importance that ``sparsity`` ranks by: Optimal Brain Damage
        ``h_kk * w ** 2 / 2`` with the Gauss-Newton diagonal ``h_kk`` (a
        pass over the data per pruning step, one backward pass per output
        unit); ``|w|``; the
        first-order Taylor loss change ``|w * dL/dw|`` with the exact
        whole-data gradient; or uniform random scores (a baseline, drawn
        from ``random_state``). 'auto' is 'obd', which keeps the most
        accuracy at 95 % sparsity with gradient retraining
        (``benchmarks/bench_quality.py``), and 'magnitude' for a fit that
        reconstructs (see ``reconstruct``). An
        instance of a :class:`~skprune.WeightCriterion` subclass can take
        their place; what its ``scores(state)`` returns is checked at every
        step. Without ``sparsity`` the criterion is not used
        (``weight_threshold`` always compares ``|w|``).

    neuron_criterion : {'activation', 'entropy', 'variance', 'taylor',             'random'} or object, default='activation'
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

    schedule : {'gradual', 'iterative', 'one-shot'} or callable,             default='gradual'
        How the targets ``sparsity`` and ``neuron_sparsity`` are approached
        over the ``n_prune_steps`` steps: Zhu & Gupta's cubic
        ``s_k = s (1 - (1 - k / n) ** 3)``; Han et al.'s iterative pruning,
        which removes the same fraction of the surviving weights at every
        step; or everything at the first step. A callable
        ``schedule(step, n_steps, final_sparsity)`` returning the sparsity
        after step ``step`` (counted from 1) can take their place; it is
        evaluated for every step before training starts, and must give
        finite, non-decreasing values in [0, 1) ending at the target.

    prune_scope : {'global', 'layer'}, default='global'
        Whether ``sparsity`` holds over all layers at once, the scores of
        every layer competing for one budget (with the floor
        ``min_layer_density``), or in every layer alike.

    min_layer_density : float, default=0.01
        With ``prune_scope='global'``, every pruning step keeps at least
        this fraction of each layer's original weights (its best ones by
        ``criterion``), so a small layer is never gutted; the floors are
        scaled down if they exceed the whole budget. A neuron cut off from
        all of its inputs is still removed with its outgoing weights, so a
        layer can end up below its floor that way.

    n_prune_steps : int or 'auto', default='auto'
        Number of prune -> retrain rounds after the initial training. 'auto'
        is 1 without a sparsity target; with ``sparsity`` or
        ``neuron_sparsity`` it is the gradual recipe "prune in many small
        steps with short retraining, then fine-tune longer", per retraining
        solver: 20 for 'adam' and 'gd', 10 for 'lbfgs'. On large problems
        (training rows times weights of at least 5e8, e.g. MNIST with (300,
        100) hidden layers), where every pass over the data is expensive,
        'lbfgs' retraining takes 5 steps, after an initial training that
        stops at ``10 * tol`` (the steps retrain anyway). The user guide's
        recipe table gives every value and the benchmark that chose it.

    retrain_iter : int or 'auto', default='auto'
        Most solver iterations after each pruning step, with pruned weights
        held at exactly zero. 'auto' is 50 without a sparsity target; with
        one, 10 for 'adam', 15 for 'lbfgs' and 'gd'. On large problems (see
        ``n_prune_steps``) a step after a converged phase whose prune raised
        the training loss by at most ``tol`` is not retrained.

    finetune_iter : int, 'auto' or None, default='auto'
        Most solver iterations after the last pruning step; None means
        ``retrain_iter``. 'auto' is ``retrain_iter`` when that is set or
        there is no sparsity target; otherwise 150 for 'adam', 100 for
        'lbfgs' and 'gd'.

    retrain_solver : {'auto', 'adam', 'lbfgs', 'gd'}, default='auto'
        Solver of the retraining after each pruning step and of the final
        fine-tune (``solver`` does the initial training). 'auto' is 'lbfgs'
        with a sparsity target and no L1 penalty (``l1_alpha=0``), and
        ``solver`` otherwise. Recovering from a pruning step is a short,
        local problem that L-BFGS, with no step size to get wrong, solves
        well: in the package's quality benchmark it gave more accurate
        sparse networks than Adam retraining on digits, and faster fits on
        MNIST-10k, where Adam retraining was more accurate (see the user
        guide, "Recipe for high sparsity"). An L-BFGS retraining phase ends at its
        projected-gradient test at ``tol``, as scikit-learn's L-BFGS does,
        or after its budget (``retrain_iter``, ``finetune_iter``). Running
        it further helps accuracy a little but is not reproducible: below
        that test its iterates follow rounding, and a fit with integer
        sample weights stops matching the fit on repeated rows. A
        first-order retraining solver uses
        ``learning_rate_init`` ('auto': its own default) and the ``tol`` /
        ``n_iter_no_change`` rule.

    reconstruct : bool or 'auto', default='auto'
        Whether each pruning step is followed by a layer-wise least-squares
        reconstruction before its retraining (post-training pruning in the
        manner of Net-Trim, Aghasi et al. 2017, Optimal Brain Compression
        and SparseGPT, Frantar & Alistarh 2022, 2023): layer by layer from
        the input, every output neuron's surviving weights and bias are
        refitted by sample-weighted ridge least squares so that, on the
        pruned network's own inputs, its pre-activation matches the one of
        the *reference*, the network before the first pruning step of this
        fit (after the initial training; with ``warm_start`` or
        :meth:`from_mlp`, the model it starts from). A layer after removed
        neurons is refitted from the neurons left, which compensates for
        them. No gradient step is taken: the statistics are one pass over
        the data per layer (the first layer's only once per fit), summed in
        float64 in row chunks (or on the dask blocks). Then
        ``retrain_solver`` retrains for at most ``retrain_iter`` (after the
        last step ``finetune_iter``) iterations, which may be 0. A warm
        start that reconstructs skips the initial training: the network it
        starts from is trained already, so ``from_mlp(mlp, sparsity=0.9,
        reconstruct=True).fit(X, y)`` prunes a fitted scikit-learn MLP
        without rerunning its training. The solves count no iteration
        (``n_iter_``, ``loss_curve_``) and callbacks see each round at its
        end, as for gradient retraining; each ``pruning_history_`` entry
        adds ``reconstructed_loss``. 'auto' is True for a warm start
        (``warm_start`` or ``from_mlp``) of a large problem (see
        ``n_prune_steps``) with a sparsity target, where it measured faster
        at the same accuracy, and False otherwise. With it, the 'auto'
        recipe is 1 pruning step, 0 retraining iterations and a fine-tune of
        30 iterations (0 on large problems). Magnitude pruning (what
        ``criterion='auto'`` then means) suits it best: the refit makes up
        for weights of small magnitude, while the loss-based criteria judge
        a weight by the unrefitted network. It cannot be combined with
        ``rewind`` or ``l1_alpha > 0`` (a ``ValueError`` before any
        training), and a layer of more than 11,584 inputs (a Gram matrix
        over 1 GiB) raises a ``MemoryError``; 'auto' then means False.
        ``early_stopping``'s validation rows are not used by the solves;
        masks (``prune_scope``, ``min_layer_density``), neuron removal, the
        collapse guard (a redone round is reconstructed too) and
        ``weight_bits`` (after the final prune) work as without it. In a
        pruning path (:func:`~skprune.pruning_path`, the CV estimators'
        folds, :class:`~skprune.PruningCurveDisplay`) a fit that
        reconstructs reaches its levels by solves: one dense fit, then each
        level pruned from the one below and refitted to the dense network,
        with no retraining between levels: a level costs a solve and
        ``fit``'s fine-tune (none on large problems).

        .. versionadded:: 0.3

    rewind : bool, default=False
        Lottery-ticket rewinding (Frankle & Carbin, 2019): after every
        pruning step the surviving weights and the biases are reset to their
        values at the start of ``fit`` before retraining.

    l1_alpha : float, default=0.0
        Strength of an L1 penalty ``l1_alpha * sum|w|`` on the weights,
        divided by the sum of the sample weights like ``alpha``. With 'gd'
        and 'adam' it is applied by a proximal (soft-thresholding) step after
        every step; with 'lbfgs' exactly, by writing each weight as
        ``u - v`` with ``u, v >= 0`` under L-BFGS-B's bounds. Either way it
        produces exact zeros, which the next pruning step removes for good.
        L-BFGS-B's choice of which bounds are active amplifies rounding: two
        fits that differ only in the last bits (sample weights of 2 against
        repeated rows) can end at visibly different weights, which is why
        ``retrain_solver='auto'`` does not pick 'lbfgs' under an L1 penalty.

    weight_bits : int or None, default=None
        If set, an integer in [1, 8]: after the final prune each layer's
        surviving weights share ``2 ** weight_bits`` values (a codebook
        fitted by scikit-learn's :class:`~sklearn.cluster.KMeans` on the
        layer's weights, negative and positive weights coded apart, so no
        weight changes sign or falls below ``weight_threshold``), and the
        shared values and the biases are fine-tuned with every weight's
        code fixed (Han et al., *Deep Compression*, 2016), by at most 30
        full-batch L-BFGS-B iterations; the fine-tune keeps the values with
        the lowest training loss and its losses are appended to
        ``loss_curve_``.
        ``coefs_`` holds the shared values, and a pickle or skops file
        stores each layer as its codebook, ``weight_bits``-bit codes and a
        compact sparsity pattern instead of floats and indices (see
        :func:`~skprune.compression_report`). A warm start trains from the
        shared values. None keeps every weight's own value.

        .. versionadded:: 0.3

    random_state : int, RandomState instance or None, default=None
        Seed of the weight initialisation and of the ``early_stopping`` split.

    verbose : bool, default=False
        Print the loss at every iteration and a line per pruning step.

    sparsities : int or array-like of float, default=5
        The sparsity levels to choose from, each in [0, 1). An int ``n``
        gives ``n`` levels whose densities ``1 - s`` are evenly spaced on a
        log scale from 0.5 to 0.02 (rounded to 3 decimals); 5 gives
        0.5, 0.776, 0.9, 0.955 and 0.98.

    cv : int, cross-validation generator or iterable, default=None
        The splits, as in :class:`~sklearn.model_selection.GridSearchCV`:
        None is 5 folds (stratified for classifiers).

    scoring : str or callable, default=None
        How the held-out part of a fold is scored (see
        :func:`sklearn.metrics.check_scoring`); None is the estimator's
        ``score``. Higher is better.

    selection_rule : {'best', 'one-standard-error'}, default='best'
        Which level is chosen: 'best' is the level with the best mean
        held-out score (ties go to the sparser level); 'one-standard-error'
        is the sparsest level whose mean score is within one standard error
        of the best's (the standard deviation over the folds divided by the
        square root of the number of folds), as in Breiman et al.'s
        one-standard-error rule. 'best' is the default because it is what
        :class:`~sklearn.model_selection.GridSearchCV` chooses; the
        other trades a little accuracy for a sparser model.

    error_score : 'raise' or numeric, default=np.nan
        The score of a level where fitting or scoring failed, as in
        :class:`~sklearn.model_selection.GridSearchCV`: a failed pruning
        path gives every level of that fold this score, a failed scoring
        one level; a warning says so. 'raise' raises instead. If every fold's
        path fails, ``fit`` raises. The selection rules leave out a fold
        whose path failed and skip a level with a NaN score on another fold;
        if no level is left, ``fit`` raises.

    return_train_score : bool, default=False
        Also score every level on the training part of each fold
        (``cv_results_['mean_train_score']`` and friends).

    n_jobs : int, default=None
        Folds run in parallel with joblib (``-1`` is all cores); works with
        joblib's dask backend too.

    refit : bool, default=True
        Fit the model at the chosen level on all the data (a complete
        ``fit``), and predict with it. With False only the choice is made.


    Attributes
    ----------
    best_sparsity_ : float
        The chosen level.

    best_index_ : int
        Its index in ``sparsities_`` and ``cv_results_``.

    sparsities_ : ndarray of shape (n_levels,)
        The levels, sorted.

    scores_path_ : ndarray of shape (n_levels, n_folds)
        Held-out score of every level on every fold.

    best_score_ : float
        Mean held-out score of the chosen level, over the folds the choice
        was made on: a fold whose pruning path failed (``error_score=np.nan``)
        is left out, where ``cv_results_['mean_test_score']`` is NaN as
        :class:`~sklearn.model_selection.GridSearchCV`'s.

    cv_results_ : dict of ndarray
        One entry per level, with
        :class:`~sklearn.model_selection.GridSearchCV`'s keys: ``params``,
        ``param_sparsity``, ``split{k}_test_score``, ``mean_test_score``,
        ``std_test_score``, ``rank_test_score`` (with
        ``return_train_score``, the same for ``train``), ``mean_fit_time``,
        ``std_fit_time``, ``mean_score_time`` and ``std_score_time`` (each
        fold's path is one fit, shared by its levels); and ``sparsity``, the
        level, and ``n_weights``, the stored weights (mean over the folds).
        Can be read into a pandas DataFrame.

    n_splits_ : int
        Number of folds.

    Every attribute of the refit model (``refit=True``), which this
    estimator predicts with:

    
    classes_ : ndarray or list of ndarray
        Class labels (for multilabel targets, the column indices).

    coefs_ : list of scipy.sparse.csr_matrix or scipy.sparse.csr_array
        ``coefs_[i]`` holds the weights from layer ``i`` to layer ``i + 1``,
        of shape ``(fan_in, fan_out)`` after neuron removal, with no explicit
        zeros stored. The sparse type is scikit-learn's ``sparse_interface``
        at fit time (``sklearn.set_config(sparse_interface="sparray")`` gives
        ``csr_array``; scikit-learn 1.9's default ``"spmatrix"``
        ``csr_matrix``; ``csr_array`` with a scikit-learn without the
        setting); a saved model loads with the type it was fitted with.

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
        retraining); with ``reconstruct``, also ``reconstructed_loss``, the
        loss after the reconstruction.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``, when ``X`` has string column
        names.

    n_iter_ : int
        Number of solver iterations run by the latest ``fit``, retraining
        included (``loss_curve_`` keeps those of earlier warm-started fits).

    weight_threshold_, neuron_threshold_ : float
        The thresholds used (``'auto'`` resolved).

    n_prune_steps_ : int
        The number of pruning steps used (``'auto'`` resolved).

    retrain_iter_, finetune_iter_ : int
        The most iterations after each pruning step and after the last one
        (``'auto'`` and None resolved).

    retrain_solver_ : str
        The solver of the retraining phases (``'auto'`` resolved).

    t_ : int
        Number of training samples seen by the solver (``n_iter_ * n_samples``).

    n_layers_ : int
        Number of layers, input and output included.
    
    Notes
    -----
    Each fold runs one gradual pruning run (:func:`~skprune.pruning_path`)
    to the highest level, with every level a step of the schedule, and
    scores each level's model on the held-out part; a level's model there
    gets a fine-tune as long as one retraining step (``retrain_iter``)
    instead of ``fit``'s (``finetune_iter``). With a one-step schedule
    (``schedule='one-shot'`` or ``n_prune_steps=1``) there is no run to
    share, and each level is fitted on its own. With ``reconstruct=True``
    each fold fits the dense network once and reaches every level from it by
    pruning and a layer-wise least-squares refit, with no retraining between
    levels; a level is scored as ``fit`` at that level leaves it (the solve,
    then ``finetune_iter``), and the refit is an
    ordinary ``fit`` at the chosen level. ``verbose=1`` prints every
    fold's scores; ``verbose=2`` also the fits' own lines. Callbacks set with
    ``set_callbacks`` see one task per fold and one for the refit.

    .. versionadded:: 0.3

    See Also
    --------
    PrunedMLPClassifier : One fit at a given sparsity.
    skprune.pruning_path : A fitted model at every level from one run.
    sklearn.model_selection.GridSearchCV : One fit per level and fold.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skprune import PrunedMLPClassifierCV
    >>> X, y = load_digits(return_X_y=True)
    >>> X = X / 16
    >>> clf = PrunedMLPClassifierCV((32,), sparsities=[0.5, 0.9], cv=3,
    ...                             max_iter=50, random_state=0).fit(X, y)
    >>> clf.best_sparsity_ in (0.5, 0.9), round(clf.sparsity_, 1) == clf.best_sparsity_
    (True, True)
    >>> clf.cv_results_["mean_test_score"].shape
    (2,)
    """

    _base_class = PrunedMLPClassifier
    _parameter_constraints = _constraints(PrunedMLPClassifier)

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
        random_state=None,
        verbose=False,
        sparsities=5,
        cv=None,
        scoring=None,
        selection_rule="best",
        error_score=np.nan,
        return_train_score=False,
        n_jobs=None,
        refit=True,
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
        self.random_state = random_state
        self.verbose = verbose
        self.sparsities = sparsities
        self.cv = cv
        self.scoring = scoring
        self.selection_rule = selection_rule
        self.error_score = error_score
        self.return_train_score = return_train_score
        self.n_jobs = n_jobs
        self.refit = refit


class PrunedMLPRegressorCV(_CVMixin, PrunedMLPRegressor):
    """Pruned multi-layer perceptron regressor whose sparsity is chosen by cross-validation.

    Like :class:`~sklearn.linear_model.LassoCV` for the Lasso's alpha: on
    every fold one gradual pruning run visits all the ``sparsities`` and
    scores each on the held-out part (R² by default), so choosing among
    ``n`` levels costs about one pruned fit per fold instead of ``n``. The
    level with the best mean score (see ``selection_rule``) is then refitted on
    all the data, and this estimator predicts with that model.

    Parameters
    ----------
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of neurons in the ith hidden layer,
        before pruning (the widths after pruning are ``hidden_layer_sizes_``).

    activation : {'identity', 'logistic', 'tanh', 'relu'}, default='relu'
        Activation function of the hidden layers.

    solver : {'adam', 'lbfgs', 'gd'}, default='adam'
        Full-batch solver; every step uses the exact gradient over all
        training rows. 'adam' is Adam (Kingma & Ba) with ``beta_1``,
        ``beta_2``, ``epsilon``, whose step is divided by 5 when the loss
        stalls (at most 3 times); 'lbfgs' is L-BFGS (scipy's L-BFGS-B) over
        the alive weights only, restarted after every pruning step, with at
        most ``max_fun`` loss evaluations per phase; 'gd' is gradient
        descent with (Nesterov) ``momentum`` and the ``learning_rate``
        schedule. 'adam' is the default because it matched scikit-learn's
        ``MLPClassifier()`` on scaled data and trained unscaled regression
        targets in the package's quality benchmark.

    alpha : float, default=1e-4
        Strength of the L2 penalty; the penalty is divided by the sum of the
        sample weights, like the data term.

    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Step-size schedule of 'gd'. 'invscaling' divides ``learning_rate_init``
        by ``t ** power_t``; 'adaptive' divides the step by 5 each time the
        loss fails to improve by ``tol`` for ``n_iter_no_change`` iterations,
        and stops the phase once the step is below 1e-6. 'adam' does not read
        it: it divides its step by 5 on a stall, at most 3 times (see ``tol``).

    learning_rate_init : float or 'auto', default='auto'
        Step size of the first-order solvers; 'auto' is 0.01 for 'adam' and
        0.1 for 'gd' ('lbfgs' chooses its steps by line search). Full-batch
        steps use the exact gradient, so they can be larger than stochastic
        ones. A training phase diverged when its loss becomes non-finite,
        when it ends more than 100 times above its start (and above 100),
        or, for the initial training, when it ends above its start by more
        than a tenth of the larger of that start and the loss of the best
        constant prediction. Then the weights with the lowest loss are
        restored, later phases skip training, and a ``ConvergenceWarning``
        says so. A retraining phase whose loss ends above its start
        otherwise (a spike after a pruning step) keeps its lowest-loss
        weights and pruning goes on.

    power_t : float, default=0.5
        Exponent of the 'invscaling' schedule.

    max_iter : int, default=200
        Maximum number of solver iterations (full passes over the data, more
        for the line searches of 'lbfgs') before the first pruning step.
        The pruning steps add at most ``retrain_iter_`` iterations after each
        step but the last and ``finetune_iter_`` after the last to
        ``n_iter_``; each phase can stop earlier by its own stopping rule.

    tol : float, default=1e-4
        Tolerance: the loss (or the validation score, with
        ``early_stopping``) has stalled when it has not improved by ``tol``
        for ``n_iter_no_change`` consecutive iterations. A stall stops the
        phase, except that 'adam' first divides its step size by 5 and goes
        on, at most 3 times per phase (full-batch Adam at a fixed step
        oscillates around a minimum), and 'gd' with
        ``learning_rate='adaptive'`` does the same until its step is below
        1e-6.

    n_iter_no_change : int or np.inf, default=10
        See ``tol``; ``np.inf`` never stops early. 'lbfgs' also stops when
        its projected gradient falls below ``tol`` (as scikit-learn's). On
        large problems (see ``n_prune_steps``), when pruning steps and their
        retraining follow, the initial training ends at the first such
        stall, without the smaller steps of 'adam' or of 'adaptive'.

    momentum : float, default=0.9
        Momentum of 'gd', in [0, 1].

    nesterovs_momentum : bool, default=True
        Whether 'gd' uses Nesterov's momentum.

    beta_1, beta_2 : float, default=0.9, 0.999
        Decay rates of Adam's first and second moment estimates, in [0, 1).

    epsilon : float, default=1e-8
        Adam's numerical-stability constant.

    max_fun : int, default=15000
        Most loss evaluations of 'lbfgs' per training phase.

    early_stopping : bool, default=False
        Whether to hold out ``validation_fraction`` of the training data and
        stop the initial training when its score stops improving, restoring
        the best weights. Pruning statistics use the training part only.

    validation_fraction : float, default=0.1
        Fraction of the data held out for ``early_stopping``.

    weight_threshold : float or 'auto', default='auto'
        'auto' is 0.01 when neither ``sparsity`` nor ``neuron_sparsity`` is
        set and 0 when one is (so that ``sparsity_`` lands on the target);
        the value used is ``weight_threshold_``. Weights with ``|w| <
        weight_threshold`` are set to zero at every pruning step and once
        more at the very end of ``fit``, so every stored weight of
        ``coefs_`` satisfies ``|w| >= weight_threshold``. If pruning (by
        threshold or ``sparsity``) cuts every path from the inputs to the
        outputs, the model is stored as the constant it then computes: one
        neuron per hidden layer, no weight, and a ``UserWarning``.

    neuron_threshold : float or 'auto', default='auto'
        'auto' as for ``weight_threshold``. A hidden neuron whose ``neuron_criterion`` score is below this is
        removed at each pruning step (with the default criterion: whose
        sample-weighted mean ``|activation|`` over the training data is);
        its mean output times its outgoing weights is folded into the next
        layer's bias. A layer is never emptied (its best neuron is kept,
        with a warning).

    criterion : {'auto', 'obd', 'magnitude', 'taylor', 'random'} or object,             default='auto'
        Weight importance that ``sparsity`` ranks by: Optimal Brain Damage
        ``h_kk * w ** 2 / 2`` with the Gauss-Newton diagonal ``h_kk`` (a
        pass over the data per pruning step, one backward pass per output
        unit); ``|w|``; the
        first-order Taylor loss change ``|w * dL/dw|`` with the exact
        whole-data gradient; or uniform random scores (a baseline, drawn
        from ``random_state``). 'auto' is 'obd', which keeps the most
        accuracy at 95 % sparsity with gradient retraining
        (``benchmarks/bench_quality.py``), and 'magnitude' for a fit that
        reconstructs (see ``reconstruct``). An
        instance of a :class:`~skprune.WeightCriterion` subclass can take
        their place; what its ``scores(state)`` returns is checked at every
        step. Without ``sparsity`` the criterion is not used
        (``weight_threshold`` always compares ``|w|``).

    neuron_criterion : {'activation', 'entropy', 'variance', 'taylor',             'random'} or object, default='activation'
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

    schedule : {'gradual', 'iterative', 'one-shot'} or callable,             default='gradual'
        How the targets ``sparsity`` and ``neuron_sparsity`` are approached
        over the ``n_prune_steps`` steps: Zhu & Gupta's cubic
        ``s_k = s (1 - (1 - k / n) ** 3)``; Han et al.'s iterative pruning,
        which removes the same fraction of the surviving weights at every
        step; or everything at the first step. A callable
        ``schedule(step, n_steps, final_sparsity)`` returning the sparsity
        after step ``step`` (counted from 1) can take their place; it is
        evaluated for every step before training starts, and must give
        finite, non-decreasing values in [0, 1) ending at the target.

    prune_scope : {'global', 'layer'}, default='global'
        Whether ``sparsity`` holds over all layers at once, the scores of
        every layer competing for one budget (with the floor
        ``min_layer_density``), or in every layer alike.

    min_layer_density : float, default=0.01
        With ``prune_scope='global'``, every pruning step keeps at least
        this fraction of each layer's original weights (its best ones by
        ``criterion``), so a small layer is never gutted; the floors are
        scaled down if they exceed the whole budget. A neuron cut off from
        all of its inputs is still removed with its outgoing weights, so a
        layer can end up below its floor that way.

    n_prune_steps : int or 'auto', default='auto'
        Number of prune -> retrain rounds after the initial training. 'auto'
        is 1 without a sparsity target; with ``sparsity`` or
        ``neuron_sparsity`` it is the gradual recipe "prune in many small
        steps with short retraining, then fine-tune longer", per retraining
        solver: 20 for 'adam' and 'gd', 10 for 'lbfgs'. On large problems
        (training rows times weights of at least 5e8, e.g. MNIST with (300,
        100) hidden layers), where every pass over the data is expensive,
        'lbfgs' retraining takes 5 steps, after an initial training that
        stops at ``10 * tol`` (the steps retrain anyway). The user guide's
        recipe table gives every value and the benchmark that chose it.

    retrain_iter : int or 'auto', default='auto'
        Most solver iterations after each pruning step, with pruned weights
        held at exactly zero. 'auto' is 50 without a sparsity target; with
        one, 10 for 'adam', 15 for 'lbfgs' and 'gd'. On large problems (see
        ``n_prune_steps``) a step after a converged phase whose prune raised
        the training loss by at most ``tol`` is not retrained.

    finetune_iter : int, 'auto' or None, default='auto'
        Most solver iterations after the last pruning step; None means
        ``retrain_iter``. 'auto' is ``retrain_iter`` when that is set or
        there is no sparsity target; otherwise 150 for 'adam', 100 for
        'lbfgs' and 'gd'.

    retrain_solver : {'auto', 'adam', 'lbfgs', 'gd'}, default='auto'
        Solver of the retraining after each pruning step and of the final
        fine-tune (``solver`` does the initial training). 'auto' is 'lbfgs'
        with a sparsity target and no L1 penalty (``l1_alpha=0``), and
        ``solver`` otherwise. Recovering from a pruning step is a short,
        local problem that L-BFGS, with no step size to get wrong, solves
        well: in the package's quality benchmark it gave more accurate
        sparse networks than Adam retraining on digits, and faster fits on
        MNIST-10k, where Adam retraining was more accurate (see the user
        guide, "Recipe for high sparsity"). An L-BFGS retraining phase ends at its
        projected-gradient test at ``tol``, as scikit-learn's L-BFGS does,
        or after its budget (``retrain_iter``, ``finetune_iter``). Running
        it further helps accuracy a little but is not reproducible: below
        that test its iterates follow rounding, and a fit with integer
        sample weights stops matching the fit on repeated rows. A
        first-order retraining solver uses
        ``learning_rate_init`` ('auto': its own default) and the ``tol`` /
        ``n_iter_no_change`` rule.

    reconstruct : bool or 'auto', default='auto'
        Whether each pruning step is followed by a layer-wise least-squares
        reconstruction before its retraining (post-training pruning in the
        manner of Net-Trim, Aghasi et al. 2017, Optimal Brain Compression
        and SparseGPT, Frantar & Alistarh 2022, 2023): layer by layer from
        the input, every output neuron's surviving weights and bias are
        refitted by sample-weighted ridge least squares so that, on the
        pruned network's own inputs, its pre-activation matches the one of
        the *reference*, the network before the first pruning step of this
        fit (after the initial training; with ``warm_start`` or
        :meth:`from_mlp`, the model it starts from). A layer after removed
        neurons is refitted from the neurons left, which compensates for
        them. No gradient step is taken: the statistics are one pass over
        the data per layer (the first layer's only once per fit), summed in
        float64 in row chunks (or on the dask blocks). Then
        ``retrain_solver`` retrains for at most ``retrain_iter`` (after the
        last step ``finetune_iter``) iterations, which may be 0. A warm
        start that reconstructs skips the initial training: the network it
        starts from is trained already, so ``from_mlp(mlp, sparsity=0.9,
        reconstruct=True).fit(X, y)`` prunes a fitted scikit-learn MLP
        without rerunning its training. The solves count no iteration
        (``n_iter_``, ``loss_curve_``) and callbacks see each round at its
        end, as for gradient retraining; each ``pruning_history_`` entry
        adds ``reconstructed_loss``. 'auto' is True for a warm start
        (``warm_start`` or ``from_mlp``) of a large problem (see
        ``n_prune_steps``) with a sparsity target, where it measured faster
        at the same accuracy, and False otherwise. With it, the 'auto'
        recipe is 1 pruning step, 0 retraining iterations and a fine-tune of
        30 iterations (0 on large problems). Magnitude pruning (what
        ``criterion='auto'`` then means) suits it best: the refit makes up
        for weights of small magnitude, while the loss-based criteria judge
        a weight by the unrefitted network. It cannot be combined with
        ``rewind`` or ``l1_alpha > 0`` (a ``ValueError`` before any
        training), and a layer of more than 11,584 inputs (a Gram matrix
        over 1 GiB) raises a ``MemoryError``; 'auto' then means False.
        ``early_stopping``'s validation rows are not used by the solves;
        masks (``prune_scope``, ``min_layer_density``), neuron removal, the
        collapse guard (a redone round is reconstructed too) and
        ``weight_bits`` (after the final prune) work as without it. In a
        pruning path (:func:`~skprune.pruning_path`, the CV estimators'
        folds, :class:`~skprune.PruningCurveDisplay`) a fit that
        reconstructs reaches its levels by solves: one dense fit, then each
        level pruned from the one below and refitted to the dense network,
        with no retraining between levels: a level costs a solve and
        ``fit``'s fine-tune (none on large problems).

        .. versionadded:: 0.3

    rewind : bool, default=False
        Lottery-ticket rewinding (Frankle & Carbin, 2019): after every
        pruning step the surviving weights and the biases are reset to their
        values at the start of ``fit`` before retraining.

    l1_alpha : float, default=0.0
        Strength of an L1 penalty ``l1_alpha * sum|w|`` on the weights,
        divided by the sum of the sample weights like ``alpha``. With 'gd'
        and 'adam' it is applied by a proximal (soft-thresholding) step after
        every step; with 'lbfgs' exactly, by writing each weight as
        ``u - v`` with ``u, v >= 0`` under L-BFGS-B's bounds. Either way it
        produces exact zeros, which the next pruning step removes for good.
        L-BFGS-B's choice of which bounds are active amplifies rounding: two
        fits that differ only in the last bits (sample weights of 2 against
        repeated rows) can end at visibly different weights, which is why
        ``retrain_solver='auto'`` does not pick 'lbfgs' under an L1 penalty.

    weight_bits : int or None, default=None
        If set, an integer in [1, 8]: after the final prune each layer's
        surviving weights share ``2 ** weight_bits`` values (a codebook
        fitted by scikit-learn's :class:`~sklearn.cluster.KMeans` on the
        layer's weights, negative and positive weights coded apart, so no
        weight changes sign or falls below ``weight_threshold``), and the
        shared values and the biases are fine-tuned with every weight's
        code fixed (Han et al., *Deep Compression*, 2016), by at most 30
        full-batch L-BFGS-B iterations; the fine-tune keeps the values with
        the lowest training loss and its losses are appended to
        ``loss_curve_``.
        ``coefs_`` holds the shared values, and a pickle or skops file
        stores each layer as its codebook, ``weight_bits``-bit codes and a
        compact sparsity pattern instead of floats and indices (see
        :func:`~skprune.compression_report`). A warm start trains from the
        shared values. None keeps every weight's own value.

        .. versionadded:: 0.3

    random_state : int, RandomState instance or None, default=None
        Seed of the weight initialisation and of the ``early_stopping`` split.

    verbose : bool, default=False
        Print the loss at every iteration and a line per pruning step.

    sparsities : int or array-like of float, default=5
        The sparsity levels to choose from, each in [0, 1). An int ``n``
        gives ``n`` levels whose densities ``1 - s`` are evenly spaced on a
        log scale from 0.5 to 0.02 (rounded to 3 decimals); 5 gives
        0.5, 0.776, 0.9, 0.955 and 0.98.

    cv : int, cross-validation generator or iterable, default=None
        The splits, as in :class:`~sklearn.model_selection.GridSearchCV`:
        None is 5 folds (stratified for classifiers).

    scoring : str or callable, default=None
        How the held-out part of a fold is scored (see
        :func:`sklearn.metrics.check_scoring`); None is the estimator's
        ``score``. Higher is better.

    selection_rule : {'best', 'one-standard-error'}, default='best'
        Which level is chosen: 'best' is the level with the best mean
        held-out score (ties go to the sparser level); 'one-standard-error'
        is the sparsest level whose mean score is within one standard error
        of the best's (the standard deviation over the folds divided by the
        square root of the number of folds), as in Breiman et al.'s
        one-standard-error rule. 'best' is the default because it is what
        :class:`~sklearn.model_selection.GridSearchCV` chooses; the
        other trades a little accuracy for a sparser model.

    error_score : 'raise' or numeric, default=np.nan
        The score of a level where fitting or scoring failed, as in
        :class:`~sklearn.model_selection.GridSearchCV`: a failed pruning
        path gives every level of that fold this score, a failed scoring
        one level; a warning says so. 'raise' raises instead. If every fold's
        path fails, ``fit`` raises. The selection rules leave out a fold
        whose path failed and skip a level with a NaN score on another fold;
        if no level is left, ``fit`` raises.

    return_train_score : bool, default=False
        Also score every level on the training part of each fold
        (``cv_results_['mean_train_score']`` and friends).

    n_jobs : int, default=None
        Folds run in parallel with joblib (``-1`` is all cores); works with
        joblib's dask backend too.

    refit : bool, default=True
        Fit the model at the chosen level on all the data (a complete
        ``fit``), and predict with it. With False only the choice is made.


    Attributes
    ----------
    best_sparsity_ : float
        The chosen level.

    best_index_ : int
        Its index in ``sparsities_`` and ``cv_results_``.

    sparsities_ : ndarray of shape (n_levels,)
        The levels, sorted.

    scores_path_ : ndarray of shape (n_levels, n_folds)
        Held-out score of every level on every fold.

    best_score_ : float
        Mean held-out score of the chosen level, over the folds the choice
        was made on: a fold whose pruning path failed (``error_score=np.nan``)
        is left out, where ``cv_results_['mean_test_score']`` is NaN as
        :class:`~sklearn.model_selection.GridSearchCV`'s.

    cv_results_ : dict of ndarray
        One entry per level, with
        :class:`~sklearn.model_selection.GridSearchCV`'s keys: ``params``,
        ``param_sparsity``, ``split{k}_test_score``, ``mean_test_score``,
        ``std_test_score``, ``rank_test_score`` (with
        ``return_train_score``, the same for ``train``), ``mean_fit_time``,
        ``std_fit_time``, ``mean_score_time`` and ``std_score_time`` (each
        fold's path is one fit, shared by its levels); and ``sparsity``, the
        level, and ``n_weights``, the stored weights (mean over the folds).
        Can be read into a pandas DataFrame.

    n_splits_ : int
        Number of folds.

    Every attribute of the refit model (``refit=True``), which this
    estimator predicts with:

    
    coefs_ : list of scipy.sparse.csr_matrix or scipy.sparse.csr_array
        ``coefs_[i]`` holds the weights from layer ``i`` to layer ``i + 1``,
        of shape ``(fan_in, fan_out)`` after neuron removal, with no explicit
        zeros stored. The sparse type is scikit-learn's ``sparse_interface``
        at fit time (``sklearn.set_config(sparse_interface="sparray")`` gives
        ``csr_array``; scikit-learn 1.9's default ``"spmatrix"``
        ``csr_matrix``; ``csr_array`` with a scikit-learn without the
        setting); a saved model loads with the type it was fitted with.

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
        retraining); with ``reconstruct``, also ``reconstructed_loss``, the
        loss after the reconstruction.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``, when ``X`` has string column
        names.

    n_iter_ : int
        Number of solver iterations run by the latest ``fit``, retraining
        included (``loss_curve_`` keeps those of earlier warm-started fits).

    weight_threshold_, neuron_threshold_ : float
        The thresholds used (``'auto'`` resolved).

    n_prune_steps_ : int
        The number of pruning steps used (``'auto'`` resolved).

    retrain_iter_, finetune_iter_ : int
        The most iterations after each pruning step and after the last one
        (``'auto'`` and None resolved).

    retrain_solver_ : str
        The solver of the retraining phases (``'auto'`` resolved).

    t_ : int
        Number of training samples seen by the solver (``n_iter_ * n_samples``).

    n_layers_ : int
        Number of layers, input and output included.
    
    Notes
    -----
    Each fold runs one gradual pruning run (:func:`~skprune.pruning_path`)
    to the highest level, with every level a step of the schedule, and
    scores each level's model on the held-out part; a level's model there
    gets a fine-tune as long as one retraining step (``retrain_iter``)
    instead of ``fit``'s (``finetune_iter``). With a one-step schedule
    (``schedule='one-shot'`` or ``n_prune_steps=1``) there is no run to
    share, and each level is fitted on its own. With ``reconstruct=True``
    each fold fits the dense network once and reaches every level from it by
    pruning and a layer-wise least-squares refit, with no retraining between
    levels; a level is scored as ``fit`` at that level leaves it (the solve,
    then ``finetune_iter``), and the refit is an
    ordinary ``fit`` at the chosen level. ``verbose=1`` prints every
    fold's scores; ``verbose=2`` also the fits' own lines. Callbacks set with
    ``set_callbacks`` see one task per fold and one for the refit.

    .. versionadded:: 0.3

    See Also
    --------
    PrunedMLPRegressor : One fit at a given sparsity.
    skprune.pruning_path : A fitted model at every level from one run.
    sklearn.model_selection.GridSearchCV : One fit per level and fold.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skprune import PrunedMLPRegressorCV
    >>> X, y = make_regression(200, 8, noise=1.0, random_state=0)
    >>> reg = PrunedMLPRegressorCV((16,), sparsities=[0.5, 0.8], cv=3,
    ...                            random_state=0).fit(X, y / 100)
    >>> reg.cv_results_["params"]
    [{'sparsity': 0.5}, {'sparsity': 0.8}]
    """

    _base_class = PrunedMLPRegressor
    _parameter_constraints = _constraints(PrunedMLPRegressor)

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
        random_state=None,
        verbose=False,
        sparsities=5,
        cv=None,
        scoring=None,
        selection_rule="best",
        error_score=np.nan,
        return_train_score=False,
        n_jobs=None,
        refit=True,
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
        self.random_state = random_state
        self.verbose = verbose
        self.sparsities = sparsities
        self.cv = cv
        self.scoring = scoring
        self.selection_rule = selection_rule
        self.error_score = error_score
        self.return_train_score = return_train_score
        self.n_jobs = n_jobs
        self.refit = refit
