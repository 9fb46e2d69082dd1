"""Behaviour of PrunedMLPRegressor: regression on the shared pruning machinery."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_diabetes, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import StandardScaler, scale

from skprune import PrunedMLPRegressor


@pytest.fixture(scope="module")
def data():
    X, y = make_regression(300, 8, n_informative=5, noise=5.0, random_state=0)
    return StandardScaler().fit_transform(X), scale(y)


def test_fits_and_prunes(data):
    X, y = data
    reg = PrunedMLPRegressor(
        hidden_layer_sizes=(32,), sparsity=0.8, n_prune_steps=3, random_state=0
    ).fit(X, y)
    assert reg.score(X, y) > 0.95
    # 288 weights: the target is met to the nearest whole weight.
    assert reg.sparsity_ == pytest.approx(0.8, abs=0.5 / 288)
    assert all(sp.issparse(W) and W.format == "csr" for W in reg.coefs_)
    assert reg.out_activation_ == "identity"
    assert reg.predict(X).shape == (300,)


def test_resolved_recipe_attributes(data):
    X, y = data
    reg = PrunedMLPRegressor((8,), max_iter=30, random_state=0).fit(X, y)
    assert (reg.retrain_iter_, reg.finetune_iter_, reg.retrain_solver_) == (50, 50, "adam")
    reg = PrunedMLPRegressor((8,), sparsity=0.7, finetune_iter=12, max_iter=30,
                             random_state=0).fit(X, y)
    assert (reg.retrain_iter_, reg.finetune_iter_, reg.retrain_solver_) == (15, 12, "lbfgs")
    assert reg.n_iter_ <= 30 + (reg.n_prune_steps_ - 1) * 15 + 12


def test_multi_output(data):
    X, y = data
    Y = np.c_[y, -2 * y + X[:, 0]]
    reg = PrunedMLPRegressor(hidden_layer_sizes=(32,), random_state=0).fit(X, Y)
    assert reg.n_outputs_ == 2
    P = reg.predict(X)
    assert P.shape == (300, 2)
    # Both targets are learnt, not just their average.
    assert min(r2_score(Y, P, multioutput="raw_values")) > 0.9


def test_neuron_removal_folds_into_the_output_bias(data):
    X, y = data
    params = dict(
        hidden_layer_sizes=(64,), max_iter=100, solver="gd", learning_rate_init=0.1,
        random_state=0,
    )
    kept = PrunedMLPRegressor(neuron_threshold=0.0, retrain_iter=0, **params).fit(X, y)
    cut = PrunedMLPRegressor(neuron_threshold=0.05, retrain_iter=0, **params).fit(X, y)
    assert cut.hidden_layer_sizes_[0] < kept.hidden_layer_sizes_[0]
    # Removing low-activity neurons with their mean output folded into the
    # bias, and no retraining, barely moves the predictions.
    assert r2_score(kept.predict(X), cut.predict(X)) > 0.98


def test_sample_weight_is_repetition(data):
    X, y = data
    X, y = X[:60], y[:60]
    w = np.arange(60) % 3
    params = dict(hidden_layer_sizes=(8,), max_iter=50, retrain_iter=10, random_state=0)
    weighted = PrunedMLPRegressor(**params).fit(X, y, sample_weight=w)
    repeated = PrunedMLPRegressor(**params).fit(np.repeat(X, w, 0), np.repeat(y, w))
    np.testing.assert_allclose(weighted.predict(X), repeated.predict(X), atol=1e-8)


def test_early_stopping_scores_r2(data):
    X, y = data
    reg = PrunedMLPRegressor(
        hidden_layer_sizes=(16,), early_stopping=True, random_state=0
    ).fit(X, y)
    # R² on the held-out split at every iteration; the best of the initial
    # training (before the first prune) is kept.
    n_initial = reg.pruning_history_[0]["iteration"]
    assert len(reg.validation_scores_) == reg.n_iter_
    assert reg.best_validation_score_ == max(reg.validation_scores_[:n_initial])
    assert reg.best_validation_score_ > 0.9


def test_warm_start_needs_the_same_targets(data):
    X, y = data
    reg = PrunedMLPRegressor(max_iter=5, warm_start=True).fit(X, y)
    with pytest.raises(ValueError, match="same number of targets"):
        reg.fit(X, np.c_[y, y])


def test_raw_targets_diverge_with_a_warning():
    # The pitfall of plain gradient descent: unscaled targets and a step size
    # made for scaled ones.
    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    with pytest.warns(ConvergenceWarning, match="diverged"):
        PrunedMLPRegressor(solver="gd", random_state=0).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        warnings.filterwarnings("ignore", ".*maximum iterations")
        reg = PrunedMLPRegressor(
            solver="gd", learning_rate_init=0.001, random_state=0
        ).fit(X, y)
    assert reg.score(X, y) > 0.3


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_raw_targets_need_no_scaling_with_adam_or_lbfgs(solver):
    # Adam's steps and L-BFGS's line search do not depend on the targets' scale.
    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        warnings.filterwarnings("ignore", ".*maximum iterations")
        reg = PrunedMLPRegressor(solver=solver, random_state=0).fit(X, y)
    assert reg.score(X, y) > 0.4


def test_grid_search_over_thresholds(data):
    X, y = data
    search = GridSearchCV(
        PrunedMLPRegressor(hidden_layer_sizes=(16,), max_iter=50, random_state=0),
        {"weight_threshold": [0.0, 0.05], "neuron_threshold": [0.0, 0.05]},
        cv=3,
    ).fit(X, y)
    assert search.best_score_ > 0.8
