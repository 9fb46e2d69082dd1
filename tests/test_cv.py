"""PrunedMLPClassifierCV / PrunedMLPRegressorCV: one pruning path per fold, the level chosen, a refit."""

import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import config_context
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import FitFailedWarning, NotFittedError
from sklearn.metrics import balanced_accuracy_score, get_scorer, make_scorer
from sklearn.model_selection import GridSearchCV, GroupKFold, KFold, StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from skprune import (
    PrunedMLPClassifier,
    PrunedMLPClassifierCV,
    PrunedMLPRegressor,
    PrunedMLPRegressorCV,
    compression_report,
    pruning_path,
)
from skprune._cv import select_level
from skprune._fit.path import RETRAIN_LENGTH
from skprune._path import default_sparsities, path_models

LEVELS = [0.3, 0.6, 0.85]
SMALL = dict(hidden_layer_sizes=(16,), max_iter=30, n_prune_steps=3, retrain_iter=4,
             random_state=0)


def _scoring_path(estimator, X, y, levels, sample_weight=None):
    """The run the CV estimators score a fold with: each level fine-tuned one retraining's length."""
    return levels, path_models(estimator, X, y, levels, sample_weight, RETRAIN_LENGTH)


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(n_samples=120, n_features=8, n_informative=5, n_classes=3,
                               random_state=0)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def fitted(data):
    X, y = data
    return PrunedMLPClassifierCV(sparsities=LEVELS, cv=3, **SMALL).fit(X, y)


def test_parameters_are_the_base_estimators_but_sparsity_and_warm_start():
    base = set(PrunedMLPClassifier().get_params())
    cv = set(PrunedMLPClassifierCV().get_params())
    own = {"sparsities", "cv", "scoring", "selection_rule", "error_score",
           "return_train_score", "n_jobs", "refit"}
    assert cv == (base - {"sparsity", "warm_start"}) | own
    assert set(PrunedMLPRegressorCV().get_params()) == (
        set(PrunedMLPRegressor().get_params()) - {"sparsity", "warm_start"}) | own
    assert PrunedMLPClassifierCV((7, 3)).hidden_layer_sizes == (7, 3)


@pytest.mark.parametrize("name", ["sparsity", "warm_start"])
def test_sparsity_and_warm_start_are_refused_clearly(name):
    with pytest.raises(TypeError, match="unexpected keyword argument '%s'" % name):
        PrunedMLPClassifierCV(**{name: 0.5 if name == "sparsity" else True})
    with pytest.raises(ValueError, match="Invalid parameter"):
        PrunedMLPRegressorCV().set_params(**{name: 0.5})


def test_fitted_attributes(fitted, data):
    X, y = data
    cv = fitted
    assert cv.sparsities_.tolist() == LEVELS
    assert cv.scores_path_.shape == (3, 3)
    assert cv.n_splits_ == 3
    assert cv.best_sparsity_ == LEVELS[cv.best_index_]
    results = cv.cv_results_
    assert results["sparsity"].tolist() == LEVELS
    np.testing.assert_allclose(results["mean_test_score"], cv.scores_path_.mean(axis=1))
    np.testing.assert_allclose(results["std_test_score"], cv.scores_path_.std(axis=1))
    for k in range(3):
        np.testing.assert_array_equal(results["split%d_test_score" % k], cv.scores_path_[:, k])
    assert results["rank_test_score"][cv.best_index_] == 1
    assert np.all(np.diff(results["n_weights"]) < 0)  # sparser levels keep fewer weights
    # The refit model's attributes, sparsity_ keeping its meaning.
    assert abs(cv.sparsity_ - cv.best_sparsity_) < 0.02
    assert all(sp.issparse(W) for W in cv.coefs_)
    assert cv.classes_.tolist() == [0, 1, 2]
    assert cv.score(X, y) == pytest.approx(np.mean(cv.predict(X) == y))


def test_scores_are_those_of_a_pruning_path_per_fold(fitted, data):
    X, y = data
    base = PrunedMLPClassifier(**SMALL)
    for k, (train, test) in enumerate(StratifiedKFold(3).split(X, y)):
        _, models = _scoring_path(base, X[train], y[train], LEVELS)
        scores = [m.score(X[test], y[test]) for m in models]
        np.testing.assert_allclose(fitted.scores_path_[:, k], scores)


def test_the_refit_is_a_fit_at_the_chosen_level(fitted, data):
    X, y = data
    model = PrunedMLPClassifier(sparsity=fitted.best_sparsity_, **SMALL).fit(X, y)
    np.testing.assert_array_equal(fitted.predict_proba(X), model.predict_proba(X))
    assert fitted.n_iter_ == model.n_iter_


def test_selection_rules():
    levels = [0.5, 0.8, 0.9, 0.95]
    scores = np.array([[0.90, 0.92, 0.94], [0.93, 0.93, 0.93], [0.92, 0.91, 0.93],
                       [0.80, 0.82, 0.81]])
    assert select_level(levels, scores, "best") == 1
    # Best mean 0.93 (std 0): the one-standard-error band is the best alone.
    assert select_level(levels, scores, "one-standard-error") == 1
    scores[1] = [0.96, 0.90, 0.93]  # std 0.0245, standard error 0.0141
    assert select_level(levels, scores, "one-standard-error") == 2
    tie = np.array([[0.9, 0.9], [0.9, 0.9], [0.5, 0.5]])
    assert select_level([0.1, 0.2, 0.3], tie, "best") == 1  # a tie goes to the sparser


def test_one_standard_error_is_never_denser_than_best(data):
    X, y = data
    best = PrunedMLPClassifierCV(sparsities=LEVELS, cv=3, **SMALL).fit(X, y)
    rule = PrunedMLPClassifierCV(sparsities=LEVELS, cv=3, selection_rule="one-standard-error",
                                 **SMALL).fit(X, y)
    np.testing.assert_array_equal(best.scores_path_, rule.scores_path_)
    assert rule.best_sparsity_ >= best.best_sparsity_


def test_default_grid():
    np.testing.assert_allclose(default_sparsities(5), [0.5, 0.776, 0.9, 0.955, 0.98])
    assert np.all(np.diff(default_sparsities(9)) > 0)
    assert PrunedMLPClassifierCV().sparsities == 5


@pytest.mark.parametrize("bad", [[], [0.5, 1.0], [-0.1], [[0.5, "x"]]])
def test_bad_levels_are_refused_before_any_fit(bad, data):
    X, y = data
    with pytest.raises(ValueError, match="sparsities"):
        PrunedMLPClassifierCV(sparsities=bad, **SMALL).fit(X, y)


def test_refit_false_chooses_without_a_model(data):
    X, y = data
    cv = PrunedMLPClassifierCV(sparsities=LEVELS, cv=3, refit=False, **SMALL).fit(X, y)
    assert cv.best_sparsity_ in LEVELS
    assert not hasattr(cv, "coefs_")
    with pytest.raises(NotFittedError, match="refit=False"):
        cv.predict(X)


def test_a_refit_false_fit_forgets_an_earlier_model(fitted, data):
    X, y = data
    cv = clone(fitted)
    cv.fit(X, y)
    cv.set_params(refit=False).fit(X, y)
    with pytest.raises(NotFittedError, match="refit=False"):
        cv.predict_proba(X)


def test_pipeline_pickle_clone_and_report(data):
    X, y = data
    pipe = make_pipeline(StandardScaler(),
                         PrunedMLPClassifierCV(sparsities=[0.5, 0.8], cv=2, **SMALL)).fit(X, y)
    report = compression_report(pipe)
    cv = pipe[-1]
    assert report["n_weights_nonzero"] == sum(W.nnz for W in cv.coefs_)
    assert report["n_weights_original"] == cv.n_weights_original_
    loaded = pickle.loads(pickle.dumps(pipe))
    np.testing.assert_array_equal(loaded.predict_proba(X), pipe.predict_proba(X))
    assert clone(cv).get_params() == cv.get_params()


def test_sample_weight_reaches_the_fits_and_the_scorer(data):
    X, y = data
    weights = np.where(y == 0, 3.0, 1.0)
    plain = PrunedMLPClassifierCV(sparsities=LEVELS, cv=3, **SMALL).fit(X, y)
    weighted = PrunedMLPClassifierCV(sparsities=LEVELS, cv=3, **SMALL).fit(
        X, y, sample_weight=weights)
    assert not np.allclose(plain.scores_path_, weighted.scores_path_)
    # The loss is divided by the weights' sum: doubling every weight changes nothing.
    doubled = PrunedMLPClassifierCV(sparsities=LEVELS, cv=3, **SMALL).fit(
        X, y, sample_weight=2 * weights)
    np.testing.assert_allclose(doubled.scores_path_, weighted.scores_path_)
    model = PrunedMLPClassifier(sparsity=weighted.best_sparsity_, **SMALL).fit(
        X, y, sample_weight=weights)
    np.testing.assert_array_equal(weighted.predict(X), model.predict(X))


def test_metadata_routing_to_the_scorer_and_the_splitter(data):
    X, y = data
    weights = np.where(y == 0, 3.0, 1.0)
    groups = np.arange(len(y)) % 4
    with config_context(enable_metadata_routing=True):
        scorer = make_scorer(balanced_accuracy_score).set_score_request(sample_weight=True)
        cv = PrunedMLPClassifierCV(sparsities=[0.5, 0.8], cv=GroupKFold(2), scoring=scorer,
                                   **SMALL).fit(X, y, sample_weight=weights, groups=groups)
    train, test = next(GroupKFold(2).split(X, y, groups))
    _, models = _scoring_path(PrunedMLPClassifier(**SMALL), X[train], y[train], [0.5, 0.8],
                              sample_weight=weights[train])
    expected = [balanced_accuracy_score(y[test], m.predict(X[test]),
                                        sample_weight=weights[test]) for m in models]
    np.testing.assert_allclose(cv.scores_path_[:, 0], expected)


def test_scoring_by_name(data):
    X, y = data
    cv = PrunedMLPClassifierCV(sparsities=[0.5], cv=2, scoring="neg_log_loss",
                               **SMALL).fit(X, y)
    assert np.all(cv.scores_path_ < 0)
    train, test = next(StratifiedKFold(2).split(X, y))
    _, (model,) = _scoring_path(PrunedMLPClassifier(**SMALL), X[train], y[train], [0.5])
    assert cv.scores_path_[0, 0] == pytest.approx(
        get_scorer("neg_log_loss")(model, X[test], y[test]))


def test_folds_in_parallel_give_the_same_result(fitted, data):
    X, y = data
    parallel = PrunedMLPClassifierCV(sparsities=LEVELS, cv=3, n_jobs=2, **SMALL).fit(X, y)
    np.testing.assert_array_equal(parallel.scores_path_, fitted.scores_path_)


def test_verbose_reports_every_fold_and_level(data, capsys):
    X, y = data
    PrunedMLPClassifierCV(sparsities=[0.5, 0.8], cv=2, verbose=1, **SMALL).fit(X, y)
    out = capsys.readouterr().out
    assert out.count("[PrunedMLPClassifierCV] fold") == 2 * 2 + 2
    assert "fold 2: sparsity=0.800 score=" in out


def test_callbacks_see_each_fold_and_the_refit(data, capsys):
    callback = pytest.importorskip("sklearn.callback", reason="scikit-learn < 1.9")
    from test_callbacks import Recorder

    X, y = data
    rec = Recorder()
    cv = PrunedMLPClassifierCV(sparsities=[0.5, 0.8], cv=2, **SMALL)
    cv.set_callbacks(rec).fit(X, y)
    assert [(kind, name) for kind, name, _ in rec.calls] == [
        ("setup", None), ("begin", "fit"),
        ("begin", "pruning-path-on-fold"), ("end", "pruning-path-on-fold"),
        ("begin", "pruning-path-on-fold"), ("end", "pruning-path-on-fold"),
        ("begin", "refit"), ("end", "refit"), ("end", "fit"), ("teardown", None),
    ]
    # An auto-propagated callback reaches the fits of the folds and the refit.
    pytest.importorskip("rich")
    cv.set_callbacks(callback.ProgressBar(max_propagation_depth=None)).fit(X, y)
    out = capsys.readouterr().out
    assert "PrunedMLPClassifierCV - fit" in out
    assert "PrunedMLPClassifier - prune-retrain" in out


def test_regressor(data):
    X, y = make_regression(150, 6, noise=1.0, random_state=0)
    y = y / y.std()
    cv = PrunedMLPRegressorCV(sparsities=[0.5, 0.9], cv=KFold(3), **SMALL).fit(X, y)
    assert cv.best_sparsity_ in (0.5, 0.9)
    assert cv.score(X, y) > 0.8
    model = PrunedMLPRegressor(sparsity=cv.best_sparsity_, **SMALL).fit(X, y)
    np.testing.assert_array_equal(cv.predict(X), model.predict(X))


def test_one_step_schedules_fit_every_level_on_its_own(data):
    X, y = data
    cv = PrunedMLPClassifierCV(sparsities=[0.5, 0.8], cv=2, schedule="one-shot",
                               **SMALL).fit(X, y)
    train, test = next(StratifiedKFold(2).split(X, y))
    scores = [PrunedMLPClassifier(sparsity=s, schedule="one-shot", **SMALL)
              .set_params(finetune_iter=SMALL["retrain_iter"])
              .fit(X[train], y[train]).score(X[test], y[test]) for s in (0.5, 0.8)]
    np.testing.assert_allclose(cv.scores_path_[:, 0], scores)


def test_from_mlp_points_to_the_base_class():
    with pytest.raises(TypeError, match="PrunedMLPClassifier.from_mlp"):
        PrunedMLPClassifierCV.from_mlp(None)


def test_weight_sharing_is_kept_by_the_refit(data):
    X, y = data
    cv = PrunedMLPClassifierCV(sparsities=[0.5, 0.8], cv=2, weight_bits=3, **SMALL).fit(X, y)
    for W in cv.coefs_:
        assert len(np.unique(W.data)) <= 2 ** 3
    report = compression_report(cv)
    assert report["weight_bits"] == 3
    loaded = pickle.loads(pickle.dumps(cv))
    np.testing.assert_array_equal(loaded.predict_proba(X), cv.predict_proba(X))
    assert len(pickle.dumps(cv)) < len(pickle.dumps(
        PrunedMLPClassifierCV(sparsities=[0.5, 0.8], cv=2, **SMALL).fit(X, y)))


# ---------------------------------------------------------------------- #
# Metadata as GridSearchCV passes it: scorer weights, groups, routing.
# ---------------------------------------------------------------------- #
def _accuracy_of_path(X, y, train, test, levels, sample_weight=None, score_weight=None):
    """Accuracy of every level's model of the fold's path, weighted by ``score_weight``."""
    fit_weight = None if sample_weight is None else sample_weight[train]
    _, models = _scoring_path(PrunedMLPClassifier(**SMALL), X[train], y[train], levels,
                              sample_weight=fit_weight)
    return [np.average(m.predict(X[test]) == y[test], weights=score_weight)
            for m in models]


def test_a_scorer_without_sample_weight_gets_none_with_a_warning(data):
    X, y = data
    weights = np.where(y == 0, 3.0, 1.0)
    calls = []

    def scorer(estimator, X_part, y_part):
        calls.append(len(y_part))
        return np.mean(estimator.predict(X_part) == y_part)

    cv = PrunedMLPClassifierCV(sparsities=[0.5], cv=2, scoring=scorer, **SMALL)
    with pytest.warns(UserWarning, match="does not support sample_weight"):
        cv.fit(X, y, sample_weight=weights)
    assert len(calls) == 2 and not np.isnan(cv.scores_path_).any()
    train, test = next(StratifiedKFold(2).split(X, y))
    np.testing.assert_allclose(cv.scores_path_[:, 0],
                               _accuracy_of_path(X, y, train, test, [0.5], weights))


def test_a_scorer_with_sample_weight_gets_the_test_parts_weights(data):
    X, y = data
    weights = np.where(y == 0, 3.0, 1.0)

    def scorer(estimator, X_part, y_part, sample_weight=None):
        return np.average(estimator.predict(X_part) == y_part, weights=sample_weight)

    cv = PrunedMLPClassifierCV(sparsities=[0.5, 0.8], cv=2, scoring=scorer, **SMALL)
    cv.fit(X, y, sample_weight=weights)
    train, test = next(StratifiedKFold(2).split(X, y))
    np.testing.assert_allclose(
        cv.scores_path_[:, 0],
        _accuracy_of_path(X, y, train, test, [0.5, 0.8], weights, weights[test]))


def test_groups_go_to_the_splitter_without_routing(data):
    X, y = data
    groups = np.arange(len(y)) % 5
    cv = PrunedMLPClassifierCV(sparsities=[0.5], cv=GroupKFold(2), **SMALL).fit(
        X, y, groups=groups)
    for k, (train, test) in enumerate(GroupKFold(2).split(X, y, groups)):
        np.testing.assert_allclose(cv.scores_path_[:, k],
                                   _accuracy_of_path(X, y, train, test, [0.5]))


def test_other_metadata_needs_routing(data):
    X, y = data
    with pytest.raises(TypeError, match=r"unexpected keyword arguments \['foo'\].*routing"):
        PrunedMLPClassifierCV(sparsities=[0.5], cv=2, **SMALL).fit(X, y, foo=1)


def test_routing_with_default_scoring_names_the_cv_estimators_request(data):
    X, y = data
    weights = np.where(y == 0, 3.0, 1.0)
    with config_context(enable_metadata_routing=True):
        cv = PrunedMLPClassifierCV(sparsities=[0.5], cv=2, **SMALL)
        with pytest.raises(ValueError, match=r"PrunedMLPClassifierCV\.set_score_request"):
            cv.fit(X, y, sample_weight=weights)
        weighted = clone(cv).set_score_request(sample_weight=True).fit(
            X, y, sample_weight=weights)
        unweighted = clone(cv).set_score_request(sample_weight=False).fit(
            X, y, sample_weight=weights)
    train, test = next(StratifiedKFold(2).split(X, y))
    np.testing.assert_allclose(
        weighted.scores_path_[:, 0],
        _accuracy_of_path(X, y, train, test, [0.5], weights, weights[test]))
    np.testing.assert_allclose(unweighted.scores_path_[:, 0],
                               _accuracy_of_path(X, y, train, test, [0.5], weights))


# ---------------------------------------------------------------------- #
# error_score: a failed path fit, a failed scoring, all failing.
# ---------------------------------------------------------------------- #
def _splits_with_a_class_missing(y):
    """Two splits; the first trains without class 2 (its test part holds all of it)."""
    rows = np.arange(len(y))
    first_test = np.concatenate([rows[y == 2], rows[y != 2][::4]])
    first = (np.setdiff1d(rows, first_test), first_test)
    second = (rows[::2], rows[1::2])
    return [first, second]


def test_a_failed_scoring_is_one_cell_of_error_score(data):
    X, y = data
    splits = _splits_with_a_class_missing(y)
    cv = PrunedMLPClassifierCV(sparsities=[0.5, 0.8], cv=splits, scoring="neg_log_loss",
                               **SMALL)
    with pytest.warns(UserWarning, match="Scoring failed"):
        cv.fit(X, y)
    assert np.isnan(cv.scores_path_[:, 0]).all()
    assert np.isfinite(cv.scores_path_[:, 1]).all()
    assert np.isnan(cv.cv_results_["mean_test_score"]).all()
    assert cv.best_score_ == cv.scores_path_[:, 1].max()
    with pytest.warns(UserWarning, match="Scoring failed"):
        cv.set_params(error_score=-5.0).fit(X, y)
    np.testing.assert_array_equal(cv.scores_path_[:, 0], [-5.0, -5.0])
    with pytest.raises(ValueError, match="different number of classes"):
        cv.set_params(error_score="raise").fit(X, y)


def test_a_failed_path_fit_gives_its_folds_levels_error_score(data):
    X, y = data
    splits = _splits_with_a_class_missing(y)
    weights = np.ones(len(y))
    weights[splits[0][0]] = 0.0  # the first fold has nothing to fit
    cv = PrunedMLPClassifierCV(sparsities=[0.5, 0.8], cv=splits, **SMALL)
    with pytest.warns(FitFailedWarning, match="1 fits failed out of a total of 2"):
        cv.fit(X, y, sample_weight=weights)
    assert np.isnan(cv.scores_path_[:, 0]).all() and np.isfinite(cv.scores_path_[:, 1]).all()
    assert np.isnan(cv.cv_results_["n_weights"]).sum() == 0  # the fitted fold's counts
    assert hasattr(cv, "coefs_")  # the refit on all the data has weights to fit
    # Chosen on the fold that was fitted; cv_results_ is NaN as GridSearchCV's.
    assert np.isnan(cv.cv_results_["mean_test_score"]).all()
    assert cv.best_score_ == cv.scores_path_[cv.best_index_, 1]
    assert cv.best_score_ == cv.scores_path_[:, 1].max()
    with pytest.raises(ValueError, match="at least one non-zero"):
        cv.set_params(error_score="raise").fit(X, y, sample_weight=weights)


def test_every_path_fit_failing_raises(data):
    X, y = data
    rows = np.arange(len(y))
    one_class = [(rows[y == c], rows[y != c]) for c in (0, 1)]
    with pytest.raises(ValueError, match="All the 2 pruning-path fits failed"):
        PrunedMLPClassifierCV(sparsities=[0.5], cv=one_class, **SMALL).fit(X, y)


def test_selection_skips_levels_with_a_failed_fold(data):
    X, y = data
    folds = []

    def scorer(estimator, X_part, y_part):
        # The densest level scores best but fails on the second fold.
        folds.append(estimator.sparsity)
        if estimator.sparsity == 0.3:
            if folds.count(0.3) == 2:
                raise RuntimeError("no score")
            return 1.0
        return 0.5 - estimator.sparsity / 10

    cv = PrunedMLPClassifierCV(sparsities=LEVELS, cv=2, scoring=scorer, **SMALL)
    with pytest.warns(UserWarning, match="Scoring failed"):
        cv.fit(X, y)
    assert cv.best_sparsity_ == 0.6
    assert cv.cv_results_["rank_test_score"].tolist() == [3, 1, 2]
    assert cv.best_score_ == pytest.approx(0.44)
    rule = clone(cv).set_params(selection_rule="one-standard-error")
    with pytest.warns(UserWarning, match="Scoring failed"):
        folds.clear()
        rule.fit(X, y)
    assert rule.best_sparsity_ in (0.6, 0.85)
    scores = np.array([[1.0, np.nan], [0.9, 0.9], [0.9, 0.7]])
    assert select_level([0.3, 0.6, 0.85], scores, "best") == 1
    assert select_level([0.3, 0.6, 0.85], scores, "one-standard-error") == 1


# ---------------------------------------------------------------------- #
# Refusals: refit=False reports, levels, parameters GridSearchCV has.
# ---------------------------------------------------------------------- #
def test_compression_report_of_a_refit_false_model_says_why(data):
    X, y = data
    cv = PrunedMLPClassifierCV(sparsities=[0.5], cv=2, refit=False, **SMALL).fit(X, y)
    with pytest.raises(NotFittedError, match="refit=False: it chose best_sparsity_=0.5"):
        compression_report(cv)
    with pytest.raises(NotFittedError, match="refit=False"):
        compression_report(make_pipeline(StandardScaler(), cv))


@pytest.mark.parametrize("bad, error, match", [
    ([[0.5, 0.9]], ValueError, r"sparsities must be a 1-D list of floats in \[0, 1\), got"),
    ([], ValueError, r"sparsities must be a 1-D list .* got \[\]"),
    (True, InvalidParameterError, "'sparsities' parameter of PrunedMLPClassifierCV must be"),
    (None, InvalidParameterError, "'sparsities' parameter of PrunedMLPClassifierCV must be"),
])
def test_levels_are_checked_at_every_entry_point(data, bad, error, match):
    X, y = data
    with pytest.raises(error, match=match):
        PrunedMLPClassifierCV(sparsities=bad, **SMALL).fit(X, y)
    path_match = match.replace("PrunedMLPClassifierCV", "pruning_path")
    with pytest.raises(error, match=path_match):
        pruning_path(PrunedMLPClassifier(**SMALL), X, y, bad)
    pytest.importorskip("matplotlib")
    from skprune import PruningCurveDisplay

    sweep_match = (r"param_range must be a non-empty 1d" if error is ValueError
                   else "'param_range' parameter of PruningCurveDisplay.from_estimator")
    with pytest.raises(error, match=sweep_match):
        PruningCurveDisplay.from_estimator(PrunedMLPClassifier(**SMALL), X, y,
                                           param_name="sparsity", param_range=bad)


@pytest.mark.parametrize("value", [True, False, np.True_])
def test_weight_bits_is_no_bool(data, value):
    X, y = data
    message = r"The 'weight_bits' parameter of %s must be None or an int in the range \[1, 8\]"
    for Estimator in (PrunedMLPClassifier, PrunedMLPClassifierCV):
        with pytest.raises(InvalidParameterError, match=message % Estimator.__name__):
            Estimator(weight_bits=value).fit(X, y)
    mlp = MLPClassifier((4,), max_iter=3).fit(X, y)
    with pytest.raises(InvalidParameterError, match=message % "PrunedMLPClassifier"):
        PrunedMLPClassifier.from_mlp(mlp, weight_bits=value)
    Xr, yr = make_regression(40, 3, random_state=0)
    for Estimator in (PrunedMLPRegressor, PrunedMLPRegressorCV):
        with pytest.raises(InvalidParameterError, match=message % Estimator.__name__):
            Estimator(weight_bits=value).fit(Xr, yr)


@pytest.mark.parametrize("scoring", [["accuracy"], ("accuracy", "f1_macro"),
                                     {"acc": "accuracy"}, {"accuracy"}])
def test_multimetric_scoring_is_refused_clearly(data, scoring):
    X, y = data
    with pytest.raises(InvalidParameterError, match="multimetric scoring .* is not supported"):
        PrunedMLPClassifierCV(scoring=scoring, **SMALL).fit(X, y)


@pytest.mark.parametrize("refit", [lambda results: 0, "accuracy"])
def test_a_refit_other_than_a_bool_is_refused_clearly(data, refit):
    X, y = data
    with pytest.raises(InvalidParameterError, match="must be a bool: the level is chosen by "
                                                    "selection_rule"):
        PrunedMLPClassifierCV(refit=refit, **SMALL).fit(X, y)


def test_pre_dispatch_is_not_a_parameter():
    with pytest.raises(TypeError, match="unexpected keyword argument 'pre_dispatch'"):
        PrunedMLPClassifierCV(pre_dispatch="2*n_jobs")
    with pytest.raises(ValueError, match="Invalid parameter 'pre_dispatch'"):
        PrunedMLPRegressorCV().set_params(pre_dispatch=2)


# ---------------------------------------------------------------------- #
# cv_results_ as GridSearchCV's.
# ---------------------------------------------------------------------- #
def test_cv_results_have_grid_search_cvs_fields(data):
    X, y = data
    cv = PrunedMLPClassifierCV(sparsities=[0.5, 0.8], cv=3, return_train_score=True,
                               **SMALL).fit(X, y)
    grid = GridSearchCV(PrunedMLPClassifier(**SMALL), {"sparsity": [0.5, 0.8]}, cv=3,
                        return_train_score=True).fit(X, y)
    ours, theirs = cv.cv_results_, grid.cv_results_
    assert set(theirs) <= set(ours)
    assert set(ours) - set(theirs) == {"sparsity", "n_weights"}
    assert ours["params"] == theirs["params"]
    np.testing.assert_array_equal(ours["param_sparsity"], theirs["param_sparsity"])
    assert ours["param_sparsity"].dtype == theirs["param_sparsity"].dtype
    for key in theirs:
        assert np.shape(ours[key]) == np.shape(theirs[key]), key
    for key in ("mean_fit_time", "mean_score_time"):
        assert np.all(ours[key] > 0)
    assert ours["rank_test_score"].dtype == theirs["rank_test_score"].dtype
    train = np.column_stack([ours["split%d_train_score" % k] for k in range(3)])
    np.testing.assert_allclose(ours["mean_train_score"], train.mean(axis=1))
    assert cv.best_score_ == ours["mean_test_score"][cv.best_index_]
    assert cv.best_score_ == np.max(ours["mean_test_score"])
