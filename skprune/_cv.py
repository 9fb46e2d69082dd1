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

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import _fit_context, clone, is_classifier
from sklearn.exceptions import NotFittedError
from sklearn.metrics import check_scoring, get_scorer_names
from sklearn.model_selection import check_cv
from sklearn.utils import Bunch
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.validation import _check_sample_weight, validate_data

from ._base import _atomic_fit
from ._classifier import PrunedMLPClassifier
from ._docs import _BASE_ATTRS_DOC, _BASE_PARAMS_DOC, drop_entries
from ._model_selection import score_path_split, warn_failed_fits
from ._path import check_levels
from ._regressor import PrunedMLPRegressor

#: Parameters of the base estimator the CV estimators do not take: the
#: sparsity is what they choose, and every fold starts from scratch.
_NOT_TAKEN = ("sparsity", "warm_start")

_CV_CONSTRAINTS = {
    "sparsities": [Interval(numbers.Integral, 1, None, closed="left"), "array-like"],
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


_CV_PARAMS_DOC = """sparsities : int or array-like of float, default=5
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
        path fails, ``fit`` raises. The selection rules skip NaN scores.

    return_train_score : bool, default=False
        Also score every level on the training part of each fold
        (``cv_results_['mean_train_score']`` and friends).

    n_jobs : int, default=None
        Folds run in parallel with joblib (``-1`` is all cores); works with
        joblib's dask backend too.

    refit : bool, default=True
        Fit the model at the chosen level on all the data (a complete
        ``fit``), and predict with it. With False only the choice is made.
"""



def select_level(levels, scores, rule):
    """Index of the chosen level: ``scores`` is (n_levels, n_folds), higher is better.

    Levels with a NaN score on some fold (a failed fit or scoring, see
    ``error_score``) are skipped; the standard error is over the folds.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._cv import select_level
    >>> scores = np.array([[0.95, 0.97], [0.96, 0.96], [0.90, 0.94]])
    >>> select_level([0.5, 0.8, 0.9], scores, "best")  # a tie goes to the sparser
    1
    >>> select_level([0.5, 0.8, 0.9], scores, "one-standard-error")
    1
    """
    mean = scores.mean(axis=1)
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

    def _routed_params(self, sample_weight, params):
        if _routing_enabled():
            return process_routing(self, "fit", sample_weight=sample_weight, **params)
        routed = Bunch(splitter=Bunch(split={}), scorer=Bunch(score=dict(params)))
        if sample_weight is not None:
            routed.scorer.score["sample_weight"] = sample_weight
        return routed

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
            Sample weights of every fit; the scorer gets them too (with
            metadata routing enabled, when it requests them).
        **params : dict
            Metadata routed to the splitter and the scorer (scikit-learn's
            metadata routing must be enabled).

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
        routed = self._routed_params(sample_weight, params)
        base = self._base_estimator()
        cv = check_cv(self.cv, y, classifier=is_classifier(base))
        splits = list(cv.split(X, y, **routed.splitter.split))
        scorer = check_scoring(base, scoring=self.scoring)
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
            "best_index_": chosen, "best_score_": float(scores[chosen].mean()),
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

    def _forward_fitted(self, X):
        if "best_sparsity_" in self.__dict__ and "coefs_" not in self.__dict__:
            raise NotFittedError(
                "This %s was fitted with refit=False: it chose best_sparsity_=%r but "
                "fitted no model to predict with. Set refit=True, or fit %s(sparsity=%r)."
                % (type(self).__name__, self.best_sparsity_, self._base_class.__name__,
                   self.best_sparsity_)
            )
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
            .add(scorer=check_scoring(self._base_estimator(), scoring=self.scoring),
                 method_mapping=MethodMapping().add(caller="fit", callee="score"))
        )

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


_CV_ATTRS_DOC = """best_sparsity_ : float
        The chosen level.

    best_index_ : int
        Its index in ``sparsities_`` and ``cv_results_``.

    sparsities_ : ndarray of shape (n_levels,)
        The levels, sorted.

    scores_path_ : ndarray of shape (n_levels, n_folds)
        Held-out score of every level on every fold.

    best_score_ : float
        Mean held-out score of the chosen level.

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

    """


_CV_NOTES = """
    Notes
    -----
    Each fold runs one gradual pruning run (:func:`~skprune.pruning_path`)
    to the highest level, with every level a step of the schedule, and
    scores each level's model on the held-out part; a level's model there
    gets a fine-tune as long as one retraining step (``retrain_iter``)
    instead of ``fit``'s (``finetune_iter``). With a one-step schedule
    (``schedule='one-shot'`` or ``n_prune_steps=1``) there is no run to
    share, and each level is fitted on its own. ``verbose=1`` prints every
    fold's scores; ``verbose=2`` also the fits' own lines. Callbacks set with
    ``set_callbacks`` see one task per fold and one for the refit.
"""


class PrunedMLPClassifierCV(_CVMixin, PrunedMLPClassifier):
    __doc__ = """Pruned multi-layer perceptron classifier whose sparsity is chosen by cross-validation.

    Like :class:`~sklearn.linear_model.LassoCV` for the Lasso's alpha: on
    every fold one gradual pruning run visits all the ``sparsities`` and
    scores each on the held-out part, so choosing among ``n`` levels costs
    about one pruned fit per fold instead of ``n``. The level with the best
    mean score (see ``selection_rule``) is then refitted on all the data, and
    this estimator predicts with that model.

    Parameters
    ----------
    %s

    %s

    Attributes
    ----------
    %s
    classes_ : ndarray or list of ndarray
        Class labels (for multilabel targets, the column indices).

    %s
    %s
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
    """ % (drop_entries(_BASE_PARAMS_DOC, _NOT_TAKEN), _CV_PARAMS_DOC, _CV_ATTRS_DOC,
           _BASE_ATTRS_DOC, _CV_NOTES)

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
    __doc__ = """Pruned multi-layer perceptron regressor whose sparsity is chosen by cross-validation.

    Like :class:`~sklearn.linear_model.LassoCV` for the Lasso's alpha: on
    every fold one gradual pruning run visits all the ``sparsities`` and
    scores each on the held-out part (R² by default), so choosing among
    ``n`` levels costs about one pruned fit per fold instead of ``n``. The
    level with the best mean score (see ``selection_rule``) is then refitted on
    all the data, and this estimator predicts with that model.

    Parameters
    ----------
    %s

    %s

    Attributes
    ----------
    %s
    %s
    %s
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
    >>> sorted(reg.cv_results_)[:3]
    ['mean_test_score', 'n_weights', 'rank_test_score']
    """ % (drop_entries(_BASE_PARAMS_DOC, _NOT_TAKEN), _CV_PARAMS_DOC, _CV_ATTRS_DOC,
           _BASE_ATTRS_DOC, _CV_NOTES)

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
