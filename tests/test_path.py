"""pruning_path: one run, a model per level that is a complete fit at that level."""

import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression

from skprune import PrunedMLPClassifier, PrunedMLPRegressor, pruning_path
from skprune._fit.path import snapped_targets

LEVELS = [0.3, 0.6, 0.85]


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(n_samples=90, n_features=8, n_informative=5, n_classes=3,
                               random_state=0)
    return X, y


def _small(**params):
    defaults = dict(hidden_layer_sizes=(24,), max_iter=20, retrain_iter=4,
                    n_prune_steps=4, random_state=0)
    return PrunedMLPClassifier(**{**defaults, **params})


def _fitted_names(est):
    return {k for k in vars(est) if k.endswith("_") and not k.startswith("__")}


def _check_level(model, level):
    # Half a weight; with prune_scope='layer', half a weight per layer.
    rounded = len(model.coefs_) if model.prune_scope == "layer" else 1
    half = 0.5 * rounded / model.n_weights_original_ + 1e-12
    assert model.sparsity_ >= level - half
    # A hidden neuron left with no input or output weights is removed with its
    # weights, as in fit; only then may the model be sparser than the level.
    # At most all the weights of the removed neurons come on top of the level.
    units = model.layer_units_original_
    removed_weights = sum(
        (original - kept) * (units[k] + units[k + 2])
        for k, (original, kept) in enumerate(zip(units[1:-1], model.hidden_layer_sizes_)))
    assert model.sparsity_ <= level + half + removed_weights / model.n_weights_original_
    assert all(sp.issparse(W) and W.format == "csr" for W in model.coefs_)
    assert model.hidden_layer_sizes_ == tuple(W.shape[1] for W in model.coefs_[:-1])
    assert model.sparsity == level


def test_every_level_is_a_complete_fit(data):
    X, y = data
    est = _small()
    levels, models = pruning_path(est, X, y, [0.85, 0.3, 0.6, 0.6])
    assert levels.tolist() == LEVELS
    reference = clone(est).set_params(sparsity=0.6).fit(X, y)
    for level, model in zip(levels, models):
        _check_level(model, level)
        assert _fitted_names(model) == _fitted_names(reference)
        assert model.predict(X).shape == y.shape
        assert model.score(X, y) > 0.5
        # Each model stands alone: pickles and predicts the same after loading.
        np.testing.assert_array_equal(pickle.loads(pickle.dumps(model)).predict(X),
                                      model.predict(X))
    # Later levels come later in the same run.
    n_iters = [m.n_iter_ for m in models]
    assert n_iters == sorted(n_iters) and len(set(n_iters)) == len(n_iters)
    assert [len(m.pruning_history_) for m in models] == sorted(
        len(m.pruning_history_) for m in models)
    assert est.get_params() == _small().get_params()  # the estimator is not fitted
    assert not hasattr(est, "coefs_")


def test_one_level_is_the_fit_itself(data):
    # With one level the path's schedule is the recipe's: the same fit.
    X, y = data
    _, (model,) = pruning_path(_small(), X, y, [0.7])
    fitted = _small(sparsity=0.7).fit(X, y)
    for A, B in zip(model.coefs_, fitted.coefs_):
        np.testing.assert_array_equal(A.toarray(), B.toarray())
    assert model.loss_curve_ == fitted.loss_curve_


def test_snapped_schedule_makes_every_level_a_step():
    assert snapped_targets([0.2, 0.5, 0.8], [0.5, 0.6, 0.8]) == [0.5, 0.6, 0.8]
    assert snapped_targets([0.3, 0.6, 0.8, 0.9], [0.5, 0.9]) == [0.3, 0.5, 0.8, 0.9]
    # More levels than steps: the extra ones are steps of their own.
    assert snapped_targets([0.2, 0.4], [0.1, 0.3, 0.5]) == [0.1, 0.3, 0.5]


def test_finetune_iter_shortens_each_level(data):
    X, y = data
    est = _small(solver="adam", retrain_solver="adam", retrain_iter=3, finetune_iter=15,
                 n_iter_no_change=np.inf)
    _, full = pruning_path(est, X, y, LEVELS)
    _, short = pruning_path(est, X, y, LEVELS, finetune_iter=0)
    assert full[0].n_iter_ - short[0].n_iter_ == 15
    for level, model in zip(LEVELS, short):
        _check_level(model, level)


@pytest.mark.parametrize("solver", ["adam", "lbfgs", "gd"])
@pytest.mark.parametrize("prune_scope", ["layer", "global"])
def test_solvers_and_scopes(data, solver, prune_scope):
    X, y = data
    est = _small(solver=solver, prune_scope=prune_scope, hidden_layer_sizes=(16, 8))
    levels, models = pruning_path(est, X, y, LEVELS)
    for level, model in zip(levels, models):
        _check_level(model, level)


@pytest.mark.parametrize("criterion", ["magnitude", "taylor", "obd", "random"])
def test_criteria_and_regression(criterion):
    X, y = make_regression(n_samples=60, n_features=6, noise=1.0, random_state=0)
    y = y / y.std()
    est = PrunedMLPRegressor((10,), max_iter=20, retrain_iter=4, n_prune_steps=3,
                             criterion=criterion, random_state=0)
    levels, models = pruning_path(est, X, y, [0.4, 0.7])
    for level, model in zip(levels, models):
        _check_level(model, level)
        assert model.predict(X).shape == y.shape


def test_neuron_sparsity_reached_at_the_highest_level(data):
    X, y = data
    est = _small(hidden_layer_sizes=(20,), neuron_sparsity=0.5)
    _, models = pruning_path(est, X, y, LEVELS)
    widths = [m.hidden_layer_sizes_[0] for m in models]
    assert widths == sorted(widths, reverse=True)
    assert widths[-1] <= 10


def test_sample_weight(data):
    X, y = data
    # The loss is divided by the total weight: a constant factor changes nothing.
    _, plain = pruning_path(_small(), X, y, LEVELS)
    _, scaled = pruning_path(_small(), X, y, LEVELS, sample_weight=np.full(len(y), 3.0))
    for a, b in zip(plain, scaled):
        np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), atol=2e-3)
    # Weights that do differ change the models.
    sw = np.where(y == 0, 5.0, 0.2)
    _, weighted = pruning_path(_small(), X, y, LEVELS, sample_weight=sw)
    assert not np.allclose(weighted[0].predict_proba(X), plain[0].predict_proba(X))
    with pytest.raises(ValueError, match="sample_weight"):
        pruning_path(_small(), X, y, LEVELS, sample_weight=np.ones(3))


def test_early_stopping(data):
    X, y = data
    _, models = pruning_path(_small(early_stopping=True), X, y, LEVELS)
    for level, model in zip(LEVELS, models):
        _check_level(model, level)
        assert model.validation_scores_ is not None
        assert model.best_loss_ is None


@pytest.mark.parametrize("params", [dict(schedule="one-shot"), dict(n_prune_steps=1)])
def test_one_step_schedules_fit_each_level_independently(data, params):
    X, y = data
    est = _small(**params)
    levels, models = pruning_path(est, X, y, [0.4, 0.8])
    for level, model in zip(levels, models):
        alone = clone(est).set_params(sparsity=level).fit(X, y)
        for A, B in zip(model.coefs_, alone.coefs_):
            np.testing.assert_array_equal(A.toarray(), B.toarray())


@pytest.mark.parametrize(
    "sparsities, match",
    [
        ([0.5, 1.0], r"in \[0, 1\)"),
        ([-0.1], r"in \[0, 1\)"),
        ([[0.5, 0.6]], "1-D"),
        ([], "1-D list of floats"),
        ([0.5, np.nan], r"in \[0, 1\)"),
        ([True], "1-D list of floats"),
        (["0.5"], "1-D list of floats"),
    ],
)
def test_bad_levels(data, sparsities, match):
    X, y = data
    with pytest.raises(ValueError, match=match):
        pruning_path(_small(), X, y, sparsities)


def test_bad_estimator_and_finetune(data):
    X, y = data
    from sklearn.neural_network import MLPClassifier

    with pytest.raises(TypeError, match="PrunedMLPClassifier or PrunedMLPRegressor"):
        pruning_path(MLPClassifier(), X, y, LEVELS)
    with pytest.raises(ValueError, match="finetune_iter"):
        pruning_path(_small(), X, y, LEVELS, finetune_iter=-1)
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        pruning_path(_small(hidden_layer_sizes=-3), X, y, LEVELS)


def test_the_run_keeps_the_recipes_number_of_steps(data):
    X, y = data
    est = _small(n_prune_steps=6)
    _, models = pruning_path(est, X, y, LEVELS)
    assert len(models[-1].pruning_history_) == 6
    targets = [h["target_sparsity"] for h in models[-1].pruning_history_]
    assert set(LEVELS) <= set(targets) and targets == sorted(targets)
    for level, model in zip(LEVELS, models):
        _check_level(model, level)
