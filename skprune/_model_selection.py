"""Scoring pruning paths on cross-validation splits: the one fold scorer.

:class:`~skprune.PrunedMLPClassifierCV` / :class:`~skprune.PrunedMLPRegressorCV`
and :meth:`~skprune.PruningCurveDisplay.from_estimator` both score a split
with :func:`score_path_split`: the steps before the pruned MLP (a Pipeline's)
are fitted on the training part, one pruning path
(:func:`skprune._path.path_models`) runs on what they output, and every
level's model is scored on the test part (and, if asked, the training part).
Each level's model is the run's network after its step's retraining (the
highest level's fine-tune is as long: ``min(retrain_iter,
finetune_iter)``): ``benchmarks/bench_path.py`` measures that this ranks the
levels as independent fits do, for a fraction of the cost of ``fit``'s
fine-tune at every level.
"""

import time
import traceback
import warnings

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import FitFailedWarning
from sklearn.pipeline import Pipeline
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import _check_method_params

from ._fit.path import RETRAIN_LENGTH
from ._path import path_models


def score_path_split(mlp, prefix, X, y, train, test, levels, scorer, *,
                     sample_weight=None, score_params=None, return_train=False,
                     error_score=np.nan, context=None):
    """One split: one pruning path on ``train``, every level scored on ``test``.

    Parameters
    ----------
    mlp : PrunedMLPClassifier or PrunedMLPRegressor
        The pruned MLP (not fitted; cloned).
    prefix : list of (name, transformer)
        The Pipeline steps before it (empty for a bare MLP).
    X, y : array-like
        All the data; ``train`` and ``test`` index it.
    levels : sequence of float
        Sorted, distinct levels.
    scorer : callable
        ``scorer(model, X, y, **score_params)``.
    sample_weight : array-like or None
        Weights of the fit (indexed by ``train``).
    score_params : dict or None
        Metadata for the scorer, indexed by the part it scores.
    return_train : bool
        Also score the training part.
    error_score : 'raise' or float
        The score of a failed fit (all levels) or a failed scoring (one
        cell); 'raise' raises.
    context : CallbackContext or None
        The split's callback context: the path reports into it.

    Returns
    -------
    result : dict
        ``sparsity``, ``test_scores``, ``train_scores`` (None unless
        ``return_train``) and ``n_weights``, one entry per level;
        ``fit_time`` and ``score_time`` in seconds; ``fit_error`` (None, or
        the formatted exception of a failed fit).
    """
    n = len(levels)
    X_train, y_train = _safe_indexing(X, train), _safe_indexing(y, train)
    X_test, y_test = _safe_indexing(X, test), _safe_indexing(y, test)
    sw_train = None if sample_weight is None else _safe_indexing(sample_weight, train)
    start = time.perf_counter()
    try:
        fitted_prefix = clone(Pipeline(prefix)).fit(X_train, y_train) if prefix else None
        inputs = fitted_prefix.transform(X_train) if prefix else X_train
        models = _fit_path(mlp, inputs, y_train, levels, sw_train, context)
    except Exception:
        if error_score == "raise":
            raise
        nan = np.full(n, np.nan)
        return {"sparsity": nan, "test_scores": np.full(n, float(error_score)),
                "train_scores": np.full(n, float(error_score)) if return_train else None,
                "n_weights": nan, "fit_time": time.perf_counter() - start,
                "score_time": 0.0, "fit_error": traceback.format_exc()}
    fit_time = time.perf_counter() - start
    if prefix:
        models = [Pipeline(fitted_prefix.steps + [("pruned", m)]) for m in models]
    start = time.perf_counter()
    score_params = score_params or {}
    test_params = _check_method_params(X, params=score_params, indices=test)
    test_scores = [_score(scorer, m, X_test, y_test, test_params, error_score) for m in models]
    train_scores = None
    if return_train:
        train_params = _check_method_params(X, params=score_params, indices=train)
        train_scores = [_score(scorer, m, X_train, y_train, train_params, error_score)
                        for m in models]
    mlps = [m[-1] if prefix else m for m in models]
    return {
        "sparsity": np.array([m.sparsity_ for m in mlps]),
        "test_scores": np.array(test_scores, dtype=float),
        "train_scores": None if train_scores is None else np.array(train_scores, dtype=float),
        "n_weights": np.array([sum(W.nnz for W in m.coefs_) for m in mlps]),
        "fit_time": fit_time, "score_time": time.perf_counter() - start, "fit_error": None,
    }


def _fit_path(mlp, X, y, levels, sample_weight, context):
    if context is None:
        return path_models(mlp, X, y, levels, sample_weight, RETRAIN_LENGTH)
    metadata = None if sample_weight is None else {"sample_weight": sample_weight}
    with context.propagate_callback_context(mlp):
        context.call_on_fit_task_begin(estimator=mlp, X=X, y=y, metadata=metadata)
        models = path_models(mlp, X, y, levels, sample_weight, RETRAIN_LENGTH)
        context.call_on_fit_task_end(estimator=mlp, X=X, y=y, metadata=metadata)
    return models


def _score(scorer, model, X, y, params, error_score):
    """``scorer``'s score, or ``error_score`` (with a warning) where scoring fails."""
    try:
        return scorer(model, X, y, **params)
    except Exception:
        if error_score == "raise":
            raise
        warnings.warn(
            "Scoring failed. The score on this train-test partition for these "
            "parameters will be set to %f. Details: \n%s"
            % (error_score, traceback.format_exc()),
            UserWarning,
        )
        return error_score


def warn_failed_fits(results, error_score):
    """Raise if every split's fit failed, else warn about the failed ones (as GridSearchCV)."""
    errors = [r["fit_error"] for r in results if r["fit_error"] is not None]
    if not errors:
        return
    if len(errors) == len(results):
        raise ValueError(
            "All the %d pruning-path fits failed. It is very likely that your model "
            "is misconfigured. You can try to debug the error by setting "
            "error_score='raise'.\n\nBelow are more details about the failures:\n%s"
            % (len(errors), errors[0])
        )
    warnings.warn(
        "%d fits failed out of a total of %d. The score on these train-test "
        "partitions will be set to %s. If these failures are not expected, you "
        "can try to debug them by setting error_score='raise'.\n\nBelow are more "
        "details about the failures:\n%s"
        % (len(errors), len(results), error_score, errors[0]),
        FitFailedWarning,
    )
