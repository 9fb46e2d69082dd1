"""Behaviour of PrunedMLPClassifier: the pruning contract and scikit-learn integration."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import (
    load_digits,
    make_classification,
    make_multilabel_classification,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skprune import PrunedMLPClassifier


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    return train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)


@pytest.fixture(scope="module")
def small():
    X, y = make_classification(
        n_samples=200, n_features=10, n_informative=6, n_classes=3, random_state=0
    )
    return StandardScaler().fit_transform(X), y


def test_weights_are_csr_without_explicit_zeros_and_above_threshold(small):
    X, y = small
    clf = PrunedMLPClassifier(weight_threshold=0.05, random_state=0).fit(X, y)
    for W in clf.coefs_:
        assert sp.issparse(W) and W.format == "csr"
        assert np.all(W.data != 0)
        assert np.all(np.abs(W.data) >= 0.05)
    assert 0 < clf.sparsity_ < 1


def test_defaults_prune_something(small):
    clf = PrunedMLPClassifier(random_state=0).fit(*small)
    assert clf.sparsity_ > 0
    assert clf.score(*small) > 0.9


@pytest.mark.parametrize("scope", ["layer", "global"])
def test_sparsity_target_is_met(small, scope):
    X, y = small
    clf = PrunedMLPClassifier(
        hidden_layer_sizes=(20, 10),
        sparsity=0.8,
        prune_scope=scope,
        weight_threshold=0,
        neuron_threshold=0,
        n_prune_steps=3,
        random_state=0,
    ).fit(X, y)
    n_original = np.array([10 * 20, 20 * 10, 10 * 3])
    kept = np.array([W.nnz for W in clf.coefs_])
    if scope == "layer":
        # Each layer to rounding, unless a cut-off neuron took weights with
        # it: at most its whole row or column.
        assert np.all(kept <= np.round(0.2 * n_original))
        r1, r2 = 20 - clf.hidden_layer_sizes_[0], 10 - clf.hidden_layer_sizes_[1]
        taken = np.array([10 * r1, 10 * r1 + 20 * r2, 3 * r2])
        assert np.all(kept >= np.round(0.2 * n_original) - taken)
    assert clf.sparsity_ >= 0.8 - 1 / n_original.sum()
    assert clf.sparsity_ == pytest.approx(1 - kept.sum() / n_original.sum())
    np.testing.assert_allclose(clf.layer_sparsity_, 1 - kept / n_original)


def test_masks_only_shrink_across_pruning_steps(small):
    clf = PrunedMLPClassifier(sparsity=0.9, n_prune_steps=4, random_state=0).fit(*small)
    kept = [r["weights_kept"] for r in clf.pruning_history_]
    assert kept == sorted(kept, reverse=True)
    assert [r["step"] for r in clf.pruning_history_] == [1, 2, 3, 4]
    assert clf.pruning_history_[-1]["target_sparsity"] == pytest.approx(0.9)


def test_pruned_weights_stay_zero_through_retraining(small):
    # warm_start retrains the pruned network: every zero must still be zero.
    X, y = small
    clf = PrunedMLPClassifier(sparsity=0.7, random_state=0, warm_start=True).fit(X, y)
    before = [(W != 0).toarray() for W in clf.coefs_]
    clf.set_params(sparsity=None, weight_threshold=0, neuron_threshold=0, max_iter=30)
    clf.fit(X, y)
    after = [(W != 0).toarray() for W in clf.coefs_]
    for b, a in zip(before, after):
        assert a.shape == b.shape
        assert not np.any(a & ~b)


def test_neuron_pruning_removes_neurons_and_keeps_predictions_close(digits):
    X_train, X_test, y_train, y_test = digits
    common = dict(hidden_layer_sizes=(100,), random_state=0, retrain_iter=0,
                  weight_threshold=0)
    dense = PrunedMLPClassifier(neuron_threshold=0, **common).fit(X_train, y_train)
    pruned = PrunedMLPClassifier(neuron_threshold=0.4, **common).fit(X_train, y_train)
    width = pruned.hidden_layer_sizes_[0]
    assert width < 100
    assert pruned.coefs_[0].shape == (64, width)
    assert pruned.coefs_[1].shape == (width, 10)
    assert pruned.intercepts_[0].shape == (width,)
    # No retraining: what keeps predictions close is the folding of the
    # removed neurons' mean outputs into the output bias.
    agreement = np.mean(dense.predict(X_test) == pruned.predict(X_test))
    assert agreement > 0.95


def test_a_neuron_threshold_that_would_empty_a_layer_keeps_one_neuron(small):
    with pytest.warns(UserWarning, match="highest-scoring neuron is kept"):
        clf = PrunedMLPClassifier(neuron_threshold=1e9, random_state=0).fit(*small)
    assert clf.hidden_layer_sizes_ == (1,)
    assert np.isfinite(clf.predict_proba(small[0])).all()


def test_digits_at_ninety_percent_sparsity(digits):
    X_train, X_test, y_train, y_test = digits
    dense = PrunedMLPClassifier(weight_threshold=0, neuron_threshold=0, random_state=0)
    pruned = PrunedMLPClassifier(sparsity=0.9, n_prune_steps=5, random_state=0)
    dense_score = dense.fit(X_train, y_train).score(X_test, y_test)
    pruned_score = pruned.fit(X_train, y_train).score(X_test, y_test)
    assert pruned.sparsity_ >= 0.9
    assert pruned_score > dense_score - 0.03


def test_pipeline_grid_search_and_cross_validation(small):
    X, y = small
    pipe = make_pipeline(StandardScaler(), PrunedMLPClassifier(max_iter=50, random_state=0))
    search = GridSearchCV(
        pipe, {"prunedmlpclassifier__weight_threshold": [0.0, 0.05, 0.2]}, cv=3
    ).fit(X, y)
    assert search.best_params_["prunedmlpclassifier__weight_threshold"] in (0.0, 0.05, 0.2)
    sparsities = [
        est.fit(X, y)[-1].sparsity_
        for est in [
            pipe.set_params(prunedmlpclassifier__weight_threshold=t) and pipe.__sklearn_clone__()
            for t in (0.0, 0.05, 0.2)
        ]
    ]
    assert sparsities == sorted(sparsities) and sparsities[-1] > sparsities[0]
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.shape == (3,) and np.all(scores > 0.6)


def test_pickle_round_trip(small):
    X, y = small
    clf = PrunedMLPClassifier(sparsity=0.8, random_state=0).fit(X, y)
    clone = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(clone.predict_proba(X), clf.predict_proba(X))
    assert all(sp.issparse(W) for W in clone.coefs_)


def test_float32_end_to_end(small):
    X, y = small
    clf = PrunedMLPClassifier(random_state=0).fit(X.astype(np.float32), y)
    assert all(W.dtype == np.float32 for W in clf.coefs_)
    assert all(b.dtype == np.float32 for b in clf.intercepts_)
    assert clf.predict_proba(X.astype(np.float32)).dtype == np.float32
    clf64 = PrunedMLPClassifier(random_state=0).fit(X.astype(np.int64), y)
    assert clf64.coefs_[0].dtype == np.float64


def test_multilabel():
    X, Y = make_multilabel_classification(n_samples=150, n_classes=4, random_state=0)
    X = StandardScaler().fit_transform(X)
    clf = PrunedMLPClassifier(random_state=0).fit(X, Y)
    assert clf.predict(X).shape == Y.shape
    P = clf.predict_proba(X)
    assert P.shape == Y.shape and clf.out_activation_ == "logistic"
    assert clf.score(X, Y) > 0.5


def test_string_labels(small):
    X, y = small
    labels = np.array(["ant", "bee", "cat"])[y]
    clf = PrunedMLPClassifier(random_state=0).fit(X, labels)
    assert set(clf.predict(X)) <= {"ant", "bee", "cat"}
    np.testing.assert_array_equal(clf.classes_, ["ant", "bee", "cat"])


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
def test_sparse_x_equals_dense_x(fmt):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 15)) * (rng.random((120, 15)) < 0.3)
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    dense = PrunedMLPClassifier(sparsity=0.5, random_state=0).fit(X, y)
    sparse = PrunedMLPClassifier(sparsity=0.5, random_state=0).fit(sp.coo_matrix(X).asformat(fmt), y)
    for a, b in zip(dense.coefs_, sparse.coefs_):
        np.testing.assert_allclose(a.toarray(), b.toarray(), atol=1e-10)
    np.testing.assert_allclose(
        dense.predict_proba(X), sparse.predict_proba(sp.csr_matrix(X)), atol=1e-10
    )


def test_sample_weight_equals_repetition(small):
    X, y = small
    sw = np.random.default_rng(0).integers(0, 3, len(y))
    a = PrunedMLPClassifier(sparsity=0.5, random_state=0).fit(X, y, sample_weight=sw)
    b = PrunedMLPClassifier(sparsity=0.5, random_state=0).fit(
        np.repeat(X, sw, axis=0), np.repeat(y, sw)
    )
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), atol=1e-6)


@pytest.mark.parametrize("solver", ["gd", "adam"])
def test_divergence_keeps_finite_weights_and_warns(small, solver):
    X, y = small
    with pytest.warns(ConvergenceWarning, match="learning_rate_init=1000000000000.0"):
        clf = PrunedMLPClassifier(
            solver=solver, learning_rate_init=1e12, random_state=0
        ).fit(X * 1e3, y)
    assert all(np.isfinite(W.data).all() for W in clf.coefs_)
    assert all(np.isfinite(b).all() for b in clf.intercepts_)
    assert np.isfinite(clf.predict_proba(X)).all()


def test_wrong_number_of_features(small):
    X, y = small
    clf = PrunedMLPClassifier(max_iter=5).fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but PrunedMLPClassifier is expecting 10"):
        clf.predict(X[:, :3])


def test_one_class_is_refused(small):
    X, _ = small
    with pytest.raises(ValueError, match="class"):
        PrunedMLPClassifier().fit(X, np.zeros(len(X)))


def test_early_stopping(small):
    X, y = small
    clf = PrunedMLPClassifier(early_stopping=True, random_state=0).fit(X, y)
    assert clf.best_loss_ is None
    assert len(clf.validation_scores_) == clf.n_iter_
    assert 0 <= clf.best_validation_score_ <= 1


def test_verbose_prints_iterations_and_pruning_steps(small, capsys):
    PrunedMLPClassifier(max_iter=3, retrain_iter=2, verbose=True).fit(*small)
    out = capsys.readouterr().out
    assert "Iteration 1, loss = " in out
    assert "Pruning step 1:" in out


def test_fitted_attributes(small):
    X, y = small
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = PrunedMLPClassifier(hidden_layer_sizes=(8, 6), max_iter=20).fit(X, y)
    assert clf.n_layers_ == 4 and clf.n_outputs_ == 3
    assert clf.n_iter_ == len(clf.loss_curve_)
    assert clf.loss_ == clf.loss_curve_[-1]
    assert clf.best_loss_ == min(clf.loss_curve_)
    assert clf.t_ == clf.n_iter_ * len(X)
    assert len(clf.hidden_layer_sizes_) == 2


# --------------------------------------------------------------------------- #
# Parity with scikit-learn's MLP
# --------------------------------------------------------------------------- #
def test_warm_start_with_a_subset_of_the_classes_is_refused(small):
    X, y = small
    clf = PrunedMLPClassifier(max_iter=5, warm_start=True, random_state=0).fit(X, y)
    keep = y != y.max()
    with pytest.raises(ValueError, match="same classes"):
        clf.fit(X[keep], y[keep])


@pytest.mark.parametrize("solver", ["gd", "adam", "lbfgs"])
def test_warm_start_continues_the_loss_curve_and_t(small, solver):
    # As in scikit-learn's MLP: loss_curve_ and t_ accumulate over warm
    # starts, n_iter_ counts the latest fit.
    X, y = small
    clf = PrunedMLPClassifier(solver=solver, max_iter=5, warm_start=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        first = list(clf.fit(X, y).loss_curve_)
        n_first, t_first = clf.n_iter_, clf.t_
        clf.fit(X, y)
    assert len(first) == n_first
    assert len(clf.loss_curve_) == n_first + clf.n_iter_
    assert clf.loss_curve_[:n_first] == first
    assert clf.t_ == t_first + clf.n_iter_ * X.shape[0]


def test_n_iter_no_change_inf_runs_every_iteration(small):
    X, y = small
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = PrunedMLPClassifier(
            n_iter_no_change=np.inf, max_iter=30, retrain_iter=0, random_state=0
        ).fit(X, y)
    assert clf.n_iter_ == 30


def test_original_architecture_attributes(small):
    X, y = small
    clf = PrunedMLPClassifier(hidden_layer_sizes=(7, 5), sparsity=0.5, random_state=0)
    clf.fit(X, y)
    units = (X.shape[1], 7, 5, len(np.unique(y)))
    assert clf.layer_units_original_ == units
    assert clf.n_weights_original_ == sum(a * b for a, b in zip(units[:-1], units[1:]))


@pytest.mark.parametrize("target", [0.5, 0.9])
def test_sparsity_alone_lands_on_the_target(small, target):
    # With only sparsity set, the thresholds default to 0 ('auto'): sparsity_
    # is the target, not the target plus what a threshold adds.
    clf = PrunedMLPClassifier(sparsity=target, random_state=0).fit(*small)
    assert clf.weight_threshold_ == 0 and clf.neuron_threshold_ == 0
    assert clf.n_prune_steps_ > 1  # a gradual recipe, never one-shot
    assert abs(clf.sparsity_ - target) <= 0.005 + 1 / clf.n_weights_original_


@pytest.mark.parametrize("params, resolved", [
    ({}, (50, 50, "adam")),
    ({"solver": "lbfgs"}, (50, 50, "lbfgs")),
    ({"retrain_iter": 7}, (7, 7, "adam")),
    ({"sparsity": 0.9}, (15, 100, "lbfgs")),
    ({"sparsity": 0.9, "retrain_solver": "adam"}, (10, 150, "adam")),
    ({"sparsity": 0.5, "l1_alpha": 0.01}, (10, 150, "adam")),
    ({"neuron_sparsity": 0.5, "finetune_iter": None, "retrain_iter": 4}, (4, 4, "lbfgs")),
])
def test_resolved_recipe_attributes(small, params, resolved):
    clf = PrunedMLPClassifier((8,), max_iter=20, random_state=0, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(*small)
    assert (clf.retrain_iter_, clf.finetune_iter_, clf.retrain_solver_) == resolved
    budget = clf.max_iter + (clf.n_prune_steps_ - 1) * clf.retrain_iter_ + clf.finetune_iter_
    assert clf.n_iter_ <= budget


def test_n_iter_counts_every_phase(small):
    # Without a stopping rule every phase runs its whole budget: n_iter_ is
    # max_iter plus what the fitted recipe attributes say the steps add.
    clf = PrunedMLPClassifier(
        (8,), solver="gd", retrain_solver="gd", sparsity=0.6, n_prune_steps=3,
        retrain_iter=4, finetune_iter=6, max_iter=10, n_iter_no_change=np.inf,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(*small)
    assert (clf.n_prune_steps_, clf.retrain_iter_, clf.finetune_iter_) == (3, 4, 6)
    assert clf.n_iter_ == 10 + 2 * 4 + 6


def _fit_sized(X, y, large, monkeypatch, **params):
    """A fit with the recipe of large problems (``large``) or of small ones."""
    import skprune._fit.recipes

    monkeypatch.setattr(skprune._fit.recipes, "LARGE_PROBLEM", 0 if large else np.inf)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return PrunedMLPClassifier((8,), random_state=0, **params).fit(X, y)


def test_large_problem_recipe_skips_retraining_that_has_nothing_to_win(small, monkeypatch):
    # Thresholds of 0 remove nothing: after a converged initial training the
    # round's loss does not rise, so the recipe of large problems does not
    # retrain; the recipe of small ones does.
    X, y = small
    params = dict(weight_threshold=0, neuron_threshold=0, tol=1e-3, max_iter=1000)
    large = _fit_sized(X, y, True, monkeypatch, **params)
    small_recipe = _fit_sized(X, y, False, monkeypatch, **params)
    assert large.n_iter_ == large.pruning_history_[0]["iteration"] < large.max_iter
    assert small_recipe.n_iter_ > small_recipe.pruning_history_[0]["iteration"]
    # With nothing to prune, the initial training is the same in both.
    assert large.loss_curve_ == small_recipe.loss_curve_[: large.n_iter_]
    # A round whose prune raises the loss is retrained.
    large = _fit_sized(X, y, True, monkeypatch, sparsity=0.8, n_prune_steps=2)
    assert large.n_iter_ > large.pruning_history_[-1]["iteration"]


def test_large_problem_recipe_ends_the_initial_training_at_its_first_stall(
        small, monkeypatch):
    # Adam lowers its step at a stall (up to 3 times) in the recipe of small
    # problems; when pruning follows, the recipe of large ones stops there.
    X, y = small
    params = dict(n_iter_no_change=2, tol=1e-3, max_iter=500, retrain_iter=0,
                  finetune_iter=5)
    firsts = [_fit_sized(X, y, large, monkeypatch, **params).pruning_history_[0]["iteration"]
              for large in (True, False)]
    assert firsts[0] < firsts[1] < 500
    curves = [_fit_sized(X, y, large, monkeypatch, **params).loss_curve_[: firsts[0]]
              for large in (True, False)]
    assert curves[0] == curves[1]


def test_large_problem_gradual_recipe_stops_the_dense_phase_at_ten_times_tol(
        small, monkeypatch):
    X, y = small
    params = dict(n_iter_no_change=2, max_iter=500)
    large = _fit_sized(X, y, True, monkeypatch, sparsity=0.8, **params)
    first = large.pruning_history_[0]["iteration"]
    assert (large.n_prune_steps_, large.retrain_iter_, large.retrain_solver_) == (
        5, 15, "lbfgs")
    # The same initial training as the small-problem recipe at tol=1e-3, up
    # to its first stall, where the large-problem recipe stops.
    loose = _fit_sized(X, y, False, monkeypatch, sparsity=0.8, tol=1e-3, **params)
    assert large.loss_curve_[:first] == loose.loss_curve_[:first]
    assert loose.pruning_history_[0]["iteration"] > first
    dense = _fit_sized(X, y, True, monkeypatch, **params)
    assert dense.pruning_history_[0]["iteration"] > first


def test_problem_size_picks_the_recipe():
    from skprune._fit.recipes import LARGE_PROBLEM, problem_size, resolve_recipe

    params = PrunedMLPClassifier().get_params()
    units = (784, 300, 100, 10)
    assert problem_size(8000, units) == 8000 * 266200
    assert resolve_recipe(params, problem_size(8000, units))["short_phases"]
    assert not resolve_recipe(params, problem_size(1347, (64, 100, 10)))["short_phases"]
    assert not resolve_recipe(params)["short_phases"]
    assert resolve_recipe(params, int(LARGE_PROBLEM))["short_phases"]
    # Large problems get fewer L-BFGS pruning steps; the other rows stay.
    large = int(LARGE_PROBLEM)
    recipe = resolve_recipe({**params, "sparsity": 0.9}, large)
    assert (recipe["n_prune_steps"], recipe["retrain_iter"], recipe["finetune_iter"]) == (
        5, 15, 100)
    assert recipe["initial_tol"] == 10 * params["tol"]
    assert resolve_recipe(params, large)["initial_tol"] == params["tol"]  # no target
    recipe = resolve_recipe({**params, "sparsity": 0.9, "n_prune_steps": 3}, large)
    assert recipe["n_prune_steps"] == 3
    recipe = resolve_recipe({**params, "sparsity": 0.9, "retrain_solver": "adam"}, large)
    assert recipe == resolve_recipe({**params, "sparsity": 0.9, "retrain_solver": "adam"},
                                    None) | {"short_phases": True}


def test_early_stopping_scores_the_weights_after_each_step(small):
    X, y = small
    clf = PrunedMLPClassifier(
        early_stopping=True, max_iter=20, tol=0, n_iter_no_change=np.inf,
        retrain_iter=0, weight_threshold=0, neuron_threshold=0, random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    assert len(clf.validation_scores_) == clf.n_iter_ == 20
    assert clf.best_validation_score_ == max(clf.validation_scores_)


def _same_model(a, b):
    return all(
        np.array_equal(Wa.toarray(), Wb.toarray()) for Wa, Wb in zip(a.coefs_, b.coefs_)
    ) and a.loss_curve_ == b.loss_curve_


@pytest.mark.parametrize("solver", ["adam", "gd"])
def test_retrain_solver_auto_is_lbfgs_with_a_target_and_solver_without(small, solver):
    X, y = small
    params = dict(solver=solver, max_iter=30, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fit = lambda **kw: PrunedMLPClassifier(**params, **kw).fit(X, y)  # noqa: E731
        assert _same_model(fit(sparsity=0.8), fit(sparsity=0.8, retrain_solver="lbfgs"))
        assert not _same_model(fit(sparsity=0.8), fit(sparsity=0.8, retrain_solver=solver))
        assert _same_model(fit(), fit(retrain_solver=solver))
        # An L1 penalty keeps the solver's proximal steps.
        assert _same_model(fit(sparsity=0.8, l1_alpha=0.01),
                           fit(sparsity=0.8, l1_alpha=0.01, retrain_solver=solver))


@pytest.mark.parametrize("retrain_solver, n_iter", [("gd", 3), ("lbfgs", 10)])
def test_lbfgs_retraining_is_not_stopped_by_the_loss_rule(
    small, retrain_solver, n_iter
):
    # The loop's rule (tol=10 on the loss, n_iter_no_change=1) stops a
    # constant-step 'gd' phase after 3 iterations; L-BFGS (gtol=0 here) runs
    # its whole budget.
    import dataclasses

    from skprune._data.memory import InMemoryData
    from skprune._fit.loop import Phase, Record, train

    X, y = small
    Y = np.eye(len(np.unique(y)))[np.searchsorted(np.unique(y), y)]
    est = PrunedMLPClassifier(hidden_layer_sizes=(8,), retrain_solver=retrain_solver,
                              tol=0.0, n_iter_no_change=1)
    config = dataclasses.replace(est._config("log_loss", (X.shape[1], 8, Y.shape[1]),
                                             sparsity=est.sparsity),
                                 tol=10.0)
    rng = np.random.default_rng(0)
    coefs = [rng.normal(size=(X.shape[1], 8)) * 0.3, rng.normal(size=(8, Y.shape[1])) * 0.3]
    net = (coefs, [np.zeros(8), np.zeros(Y.shape[1])], [np.ones(c.shape, bool) for c in coefs])
    record = Record()
    train(config, InMemoryData(X, Y, np.ones(len(X))), None, record, net,
          Phase(10, False, False))
    assert record.n_iter == n_iter


def test_a_diverging_retraining_solver_is_named(small):
    X, y = small
    clf = PrunedMLPClassifier(sparsity=0.5, n_prune_steps=2, retrain_solver="gd",
                              learning_rate_init=1e6, solver="lbfgs", max_iter=20,
                              random_state=0)
    with pytest.warns(ConvergenceWarning, match="solver='gd' and learning_rate_init=1000000.0"):
        clf.fit(X, y)
    assert all(np.isfinite(W.data).all() for W in clf.coefs_)


@pytest.mark.parametrize("target", [0.9, 0.95, 0.98])
def test_neurons_cut_off_give_their_weight_budget_back(target):
    # On a small network, weight pruning cuts some neurons off; their
    # weights are not counted as kept, so sparsity_ still lands on the target.
    X, y = load_digits(return_X_y=True)
    clf = PrunedMLPClassifier(hidden_layer_sizes=(32,), sparsity=target, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X / 16, y)
    assert clf.hidden_layer_sizes_[0] < 32  # neurons were cut off ...
    assert abs(clf.sparsity_ - target) <= 0.005  # ... and the budget went elsewhere
