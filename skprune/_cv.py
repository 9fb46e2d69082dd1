"""PrunedMLPClassifierCV and PrunedMLPRegressorCV: the sparsity chosen by cross-validation.

Like :class:`~sklearn.linear_model.LassoCV`, which gets its whole alpha path
from one path per fold, each fold runs one :func:`._path.pruning_path` and
scores every requested level on the held-out part; the chosen level is then
refitted on all the data, and the CV estimator predicts with that model
itself. The levels are scored after a fine-tune as long as one retraining
step (``retrain_iter``), not ``fit``'s full fine-tune: ``bench_path.py``
measures that this ranks the levels as independent fits do, for a fraction
of the cost. The refit is a complete ``fit`` at the chosen level.
"""

import inspect
import numbers
import time

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
from sklearn.utils.validation import (
    _check_method_params,
    _check_sample_weight,
    validate_data,
)

from ._base import _atomic_fit
from ._classifier import PrunedMLPClassifier
from ._docs import _BASE_ATTRS_DOC, _BASE_PARAMS_DOC
from ._path import run_path
from ._recipes import problem_size, resolve_recipe
from ._regressor import PrunedMLPRegressor

#: Parameters of the base estimator the CV estimators do not take: the
#: sparsity is what they choose, and every fold starts from scratch.
_NOT_TAKEN = {
    "sparsity": "it chooses the sparsity itself: give the levels to try as "
                "sparsities=[...] (best_sparsity_ is the chosen one)",
    "warm_start": "every fold's pruning path starts from a fresh network",
}

#: The CV estimators' own parameters and their defaults.
_CV_DEFAULTS = {
    "sparsities": 5,
    "cv": None,
    "scoring": None,
    "selection": "best",
    "n_jobs": None,
    "refit": True,
}

_CV_CONSTRAINTS = {
    "sparsities": [Interval(numbers.Integral, 1, None, closed="left"), "array-like"],
    "cv": ["cv_object"],
    "scoring": [StrOptions(set(get_scorer_names())), callable, None],
    "selection": [StrOptions({"best", "one-standard-error"})],
    "n_jobs": [numbers.Integral, None],
    "refit": ["boolean"],
}

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

    selection : {'best', 'one-standard-error'}, default='best'
        Which level is chosen: 'best' is the level with the best mean
        held-out score (ties go to the sparser level); 'one-standard-error'
        is the sparsest level whose mean score is within one standard error
        of the best's (the standard deviation over the folds divided by the
        square root of the number of folds), as in Breiman et al.'s
        one-standard-error rule. 'best' is the default because it is what
        :class:`~sklearn.model_selection.GridSearchCV` chooses; the
        other trades a little accuracy for a sparser model.

    n_jobs : int, default=None
        Folds run in parallel with joblib (``-1`` is all cores); works with
        joblib's dask backend too.

    refit : bool, default=True
        Fit the model at the chosen level on all the data (a complete
        ``fit``), and predict with it. With False only the choice is made.
"""


def default_sparsities(n_levels):
    """``n_levels`` sparsities whose densities are log-spaced from 0.5 to 0.02.

    Examples
    --------
    >>> from skprune._cv import default_sparsities
    >>> default_sparsities(5).tolist()
    [0.5, 0.776, 0.9, 0.955, 0.98]
    """
    if n_levels == 1:
        return np.array([0.9])
    return np.round(1 - np.geomspace(0.5, 0.02, n_levels), 3)


def _signature(base):
    """The base estimator's ``__init__`` signature without sparsity and warm_start, plus the CV parameters."""
    kept = [p for name, p in inspect.signature(base.__init__).parameters.items()
            if name not in _NOT_TAKEN]
    added = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default)
             for name, default in _CV_DEFAULTS.items()]
    return inspect.Signature(kept + added)


def _constraints(base):
    """The base estimator's parameter constraints without sparsity and warm_start, plus the CV ones."""
    return {**{k: v for k, v in base._parameter_constraints.items() if k not in _NOT_TAKEN},
            **_CV_CONSTRAINTS}


def _make_init(base):
    signature = _signature(base)

    def __init__(self, *args, **params):
        for name, reason in _NOT_TAKEN.items():
            if name in params:
                raise TypeError("%s does not take %s: %s."
                                % (type(self).__name__, name, reason))
        bound = signature.bind(self, *args, **params)
        bound.apply_defaults()
        for name, value in list(bound.arguments.items())[1:]:
            setattr(self, name, value)

    # Derived, so the CV estimators take every parameter their base
    # estimator takes and the two cannot drift apart.
    __init__.__signature__ = signature
    return __init__


def _drop_entries(doc, names):
    """A numpydoc parameter list without the entries of ``names``."""
    chunks = doc.split("\n\n    ")
    entries = []
    for chunk in chunks:
        if entries and chunk.startswith(" "):  # a second paragraph of one entry
            entries[-1] += "\n\n    " + chunk
        else:
            entries.append(chunk)
    kept = [e for e in entries if e.split(" :", 1)[0].strip() not in names]
    return "\n\n    ".join(kept)


def _fold_scores(estimator, X, y, sample_weight, train, test, levels, scorer,
                 score_params, finetune_iter, fold, verbose, context):
    """Fit one pruning path on ``train``; score every level on ``test``.

    ``context`` is the fold's callback context (None without callbacks): the
    path's fit reports into it, as a fit in ``GridSearchCV`` does.
    """
    from sklearn.utils import _safe_indexing

    X_train, y_train = _safe_indexing(X, train), _safe_indexing(y, train)
    X_test, y_test = _safe_indexing(X, test), _safe_indexing(y, test)
    sw_train = None if sample_weight is None else sample_weight[train]
    test_params = _check_method_params(X, params=score_params, indices=test)
    start = time.process_time()
    if context is None:
        _, models = run_path(estimator, X_train, y_train, levels, sw_train, finetune_iter,
                             steps="snap")
    else:
        metadata = None if sw_train is None else {"sample_weight": sw_train}
        with context.propagate_callback_context(estimator):
            context.call_on_fit_task_begin(estimator=estimator, X=X_train, y=y_train,
                                           metadata=metadata)
            _, models = run_path(estimator, X_train, y_train, levels, sw_train,
                                 finetune_iter, steps="snap")
            context.call_on_fit_task_end(estimator=estimator, X=X_train, y=y_train,
                                         metadata=metadata)
    scores = [scorer(model, X_test, y_test, **test_params) for model in models]
    n_weights = [int(sum(W.nnz for W in model.coefs_)) for model in models]
    if verbose:
        for level, score in zip(levels, scores):
            print("[%s] fold %d: sparsity=%.3f score=%.4f"
                  % (type(estimator).__name__ + "CV", fold + 1, level, score))
        print("[%sCV] fold %d done in %.1f s CPU"
              % (type(estimator).__name__, fold + 1, time.process_time() - start))
    return np.asarray(scores, dtype=float), np.asarray(n_weights)


def select_level(levels, scores, rule):
    """Index of the chosen level: ``scores`` is (n_levels, n_folds), higher is better.

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
    best = int(np.flatnonzero(mean >= mean.max() - 1e-12).max())
    if rule == "best":
        return best
    n_folds = scores.shape[1]
    standard_error = scores[best].std() / np.sqrt(n_folds)
    within = np.flatnonzero(mean >= mean[best] - standard_error)
    return int(within[np.argmax(np.asarray(levels)[within])])


class _CVMixin:
    """The fit of the CV estimators; the rest comes from the base estimator."""

    def _base_estimator(self):
        params = {name: getattr(self, name)
                  for name in self._base_class._get_param_names() if name not in _NOT_TAKEN}
        params["verbose"] = self.verbose > 1  # the fits' own lines only on verbose >= 2
        return self._base_class(**params)

    def _levels(self):
        if isinstance(self.sparsities, numbers.Integral):
            return default_sparsities(self.sparsities)
        try:
            levels = np.unique(np.asarray(self.sparsities, dtype=float))
        except (TypeError, ValueError):
            levels = np.array([np.nan])
        if levels.ndim != 1 or levels.size == 0 or not np.all((levels >= 0) & (levels < 1)):
            raise ValueError("sparsities must be one or more floats in [0, 1), got %r."
                             % (self.sparsities,))
        return levels

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
        levels = self._levels()
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
        # The recipe of a fold's fit: its rows and the network's weights size it
        # (the output layer's width does not change which side of the cut-off it is on).
        fold_rows = X.shape[0] - min(len(test) for _, test in splits)
        units = (X.shape[1], *base._hidden_sizes(), 1)
        recipe = resolve_recipe({**base.get_params(), "sparsity": float(levels[-1])},
                                problem_size(fold_rows, units))
        finetune = min(recipe["retrain_iter"], recipe["finetune_iter"])
        task = self._cv_task(X, y, sample_weight, len(splits))
        results = Parallel(n_jobs=self.n_jobs)(
            delayed(_fold_scores)(
                clone(base), X, y, sample_weight, train, test, levels, scorer,
                routed.scorer.score, finetune, k, self.verbose > 0,
                None if task is None else task.folds[k],
            )
            for k, (train, test) in enumerate(splits)
        )
        scores = np.column_stack([r[0] for r in results])
        n_weights = np.column_stack([r[1] for r in results]).mean(axis=1)
        chosen = select_level(levels, scores, self.selection)
        if self.refit:
            self._refit(base, float(levels[chosen]), X, y, sample_weight, task)
        self.sparsities_ = levels
        self.best_sparsity_ = float(levels[chosen])
        self.best_index_ = chosen
        self.scores_path_ = scores
        self.cv_results_ = _cv_results(levels, scores, n_weights)
        self.n_splits_ = len(splits)
        if task is not None:
            task.root.call_on_fit_task_end(estimator=self, X=X, y=y)
        return self

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
        model = clone(base).set_params(sparsity=level)
        if task is not None:
            metadata = None if sample_weight is None else {"sample_weight": sample_weight}
            with task.refit.propagate_callback_context(model):
                task.refit.call_on_fit_task_begin(estimator=self, X=X, y=y, metadata=metadata)
                model.fit(X, y, sample_weight=sample_weight)
                task.refit.call_on_fit_task_end(estimator=self, X=X, y=y, metadata=metadata)
        else:
            model.fit(X, y, sample_weight=sample_weight)
        for name, value in model.__dict__.items():
            if name.endswith("_") and not name.startswith("_") or name in self._fitted_private:
                setattr(self, name, value)
        self._build_inference_plan()

    #: Private attributes of the refit model that predicting and saving read.
    _fitted_private = ("_label_binarizer", "_shared_layers", "_shared_coefs")

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


def _cv_results(levels, scores, n_weights):
    mean, std = scores.mean(axis=1), scores.std(axis=1)
    # Equal means share a rank, as in GridSearchCV.
    rank = np.array([1 + np.sum(mean > m + 1e-12) for m in mean], dtype=np.int32)
    results = {"sparsity": np.asarray(levels, dtype=float), "n_weights": n_weights}
    for k in range(scores.shape[1]):
        results["split%d_test_score" % k] = scores[:, k]
    results.update(mean_test_score=mean, std_test_score=std, rank_test_score=rank)
    return results


_CV_ATTRS_DOC = """best_sparsity_ : float
        The chosen level.

    best_index_ : int
        Its index in ``sparsities_`` and ``cv_results_``.

    sparsities_ : ndarray of shape (n_levels,)
        The levels, sorted.

    scores_path_ : ndarray of shape (n_levels, n_folds)
        Held-out score of every level on every fold.

    cv_results_ : dict of ndarray
        Per level: ``sparsity``, ``n_weights`` (stored weights, the mean
        over the folds), ``split{k}_test_score``, ``mean_test_score``,
        ``std_test_score`` and ``rank_test_score``; can be read into a
        pandas DataFrame.

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
    mean score (see ``selection``) is then refitted on all the data, and
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
    """ % (_drop_entries(_BASE_PARAMS_DOC, _NOT_TAKEN), _CV_PARAMS_DOC, _CV_ATTRS_DOC,
           _BASE_ATTRS_DOC, _CV_NOTES)

    _base_class = PrunedMLPClassifier
    _parameter_constraints = _constraints(PrunedMLPClassifier)
    __init__ = _make_init(PrunedMLPClassifier)


class PrunedMLPRegressorCV(_CVMixin, PrunedMLPRegressor):
    __doc__ = """Pruned multi-layer perceptron regressor whose sparsity is chosen by cross-validation.

    Like :class:`~sklearn.linear_model.LassoCV` for the Lasso's alpha: on
    every fold one gradual pruning run visits all the ``sparsities`` and
    scores each on the held-out part (R² by default), so choosing among
    ``n`` levels costs about one pruned fit per fold instead of ``n``. The
    level with the best mean score (see ``selection``) is then refitted on
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
    """ % (_drop_entries(_BASE_PARAMS_DOC, _NOT_TAKEN), _CV_PARAMS_DOC, _CV_ATTRS_DOC,
           _BASE_ATTRS_DOC, _CV_NOTES)

    _base_class = PrunedMLPRegressor
    _parameter_constraints = _constraints(PrunedMLPRegressor)
    __init__ = _make_init(PrunedMLPRegressor)
