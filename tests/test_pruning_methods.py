"""The pruning parameters end to end: criteria, schedules, rewinding, the floor, L1,
the feature mask and the compression report."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state

from skprune import PrunedMLPClassifier, compression_report, format_report
from skprune._prune.criteria import NEURON_CRITERIA, WEIGHT_CRITERIA


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X[:500])
    return X, y[:500]


def _fit(X, y, **params):
    base = dict(hidden_layer_sizes=(30,), max_iter=60, retrain_iter=10, tol=0.0,
                random_state=0)
    base.update(params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return PrunedMLPClassifier(**base).fit(X, y)


@pytest.mark.parametrize("criterion", sorted(WEIGHT_CRITERIA))
@pytest.mark.parametrize("schedule", ["one-shot", "iterative", "gradual"])
def test_every_criterion_and_schedule_reaches_the_target(digits, criterion, schedule):
    X, y = digits
    clf = _fit(X, y, sparsity=0.8, criterion=criterion, schedule=schedule,
               n_prune_steps=3, neuron_threshold=0)
    assert clf.sparsity_ >= 0.8 - 1e-3
    kept = [r["weights_kept"] for r in clf.pruning_history_]
    assert kept == sorted(kept, reverse=True)  # masks only shrink
    targets = [r["target_sparsity"] for r in clf.pruning_history_]
    assert targets[-1] == pytest.approx(0.8)
    if schedule == "one-shot":
        assert targets == [0.8] * 3
    if criterion != "random":
        assert clf.score(X, y) > 0.8


@pytest.mark.parametrize("neuron_criterion", sorted(NEURON_CRITERIA))
def test_every_neuron_criterion_removes_the_requested_fraction(digits, neuron_criterion):
    X, y = digits
    clf = _fit(X, y, neuron_sparsity=0.5, neuron_criterion=neuron_criterion,
               n_prune_steps=2, weight_threshold=0, neuron_threshold=0)
    assert clf.hidden_layer_sizes_ == (15,)
    assert [r["neurons_kept"] for r in clf.pruning_history_] == [(17,), (15,)]
    assert clf.coefs_[0].shape == (64, 15)


def test_criterion_instances_and_callable_schedules_are_accepted(digits):
    from skprune import OBDCriterion, VarianceCriterion

    X, y = digits
    by_name = _fit(X, y, sparsity=0.7, criterion="obd", neuron_criterion="variance",
                   neuron_sparsity=0.2, schedule="iterative")
    by_instance = _fit(X, y, sparsity=0.7, criterion=OBDCriterion(),
                       neuron_criterion=VarianceCriterion(), neuron_sparsity=0.2,
                       schedule=lambda k, n, s: 1 - (1 - s) ** (k / n))
    for a, b in zip(by_name.coefs_, by_instance.coefs_):
        np.testing.assert_allclose(a.toarray(), b.toarray())

    from skprune import WeightCriterion

    class Custom(WeightCriterion):
        def scores(self, state):  # prune the weights nearest to 0.05 in value
            return [-np.abs(np.abs(W) - 0.05) for W in state.coefs]

    assert _fit(X, y, sparsity=0.5, criterion=Custom()).sparsity_ >= 0.5


def test_sparsity_zero_is_a_mask_of_ones_and_changes_nothing(digits):
    X, y = digits
    # The retraining solver is set: 'auto' picks L-BFGS only with a target.
    params = dict(weight_threshold=0, neuron_threshold=0, n_prune_steps=2, retrain_iter=10,
                  retrain_solver="adam")
    plain = _fit(X, y, **params)
    for criterion in WEIGHT_CRITERIA:
        zero = _fit(X, y, sparsity=0.0, criterion=criterion, **params)
        for a, b in zip(plain.coefs_, zero.coefs_):
            np.testing.assert_array_equal(a.toarray(), b.toarray())
        assert zero.loss_curve_ == plain.loss_curve_


def test_random_criterion_is_reproducible(digits):
    X, y = digits
    a = _fit(X, y, sparsity=0.9, criterion="random", neuron_sparsity=0.3,
             neuron_criterion="random", n_prune_steps=2)
    b = _fit(X, y, sparsity=0.9, criterion="random", neuron_sparsity=0.3,
             neuron_criterion="random", n_prune_steps=2)
    c = _fit(X, y, sparsity=0.9, criterion="random", n_prune_steps=2, random_state=1)
    for Wa, Wb in zip(a.coefs_, b.coefs_):
        np.testing.assert_array_equal(Wa.toarray(), Wb.toarray())
    assert (a.coefs_[0].toarray() != 0).tolist() != (c.coefs_[0].toarray() != 0).tolist()


def _initial_weights(clf, n_features, n_outputs):
    units = [n_features, *clf.hidden_layer_sizes, n_outputs]
    return clf._initial_network(units, np.float64, check_random_state(clf.random_state))


def test_rewind_resets_survivors_to_their_initial_values(digits):
    X, y = digits
    clf = _fit(X, y, sparsity=0.5, rewind=True, retrain_iter=0, neuron_threshold=0,
               weight_threshold=0, n_prune_steps=2)
    coefs0, intercepts0 = _initial_weights(clf, X.shape[1], 10)
    assert clf.hidden_layer_sizes_ == (30,)
    for W, W0 in zip(clf.coefs_, coefs0):
        W = W.toarray()
        np.testing.assert_array_equal(W[W != 0], W0[W != 0])
    for b, b0 in zip(clf.intercepts_, intercepts0):
        np.testing.assert_array_equal(b, b0)
    # Without rewinding the survivors are the trained values.
    trained = _fit(X, y, sparsity=0.5, retrain_iter=0, neuron_threshold=0,
                   weight_threshold=0, n_prune_steps=2)
    W = trained.coefs_[0].toarray()
    assert not np.array_equal(W[W != 0], coefs0[0][W != 0])


def test_rewind_follows_removed_neurons(digits):
    X, y = digits
    clf = _fit(X, y, sparsity=0.5, neuron_sparsity=0.5, rewind=True, retrain_iter=0,
               n_prune_steps=2, weight_threshold=0, neuron_threshold=0)
    coefs0, _ = _initial_weights(clf, X.shape[1], 10)
    assert clf.hidden_layer_sizes_ == (15,)
    # Every survivor is the initial value of a weight of the original network.
    for W, W0 in zip(clf.coefs_, coefs0):
        assert np.isin(W.data, W0).all()
    # And it sits in the row (input) of the original weight.
    W, W0 = clf.coefs_[0].toarray(), coefs0[0]
    for i in range(W.shape[0]):
        assert np.isin(W[i][W[i] != 0], W0[i]).all()


def test_finetune_iter_sets_the_last_retraining(digits):
    X, y = digits
    clf = _fit(X, y, sparsity=0.5, n_prune_steps=3, retrain_iter=5, finetune_iter=40)
    assert clf.n_iter_ == 60 + 5 + 5 + 40
    assert [r["iteration"] for r in clf.pruning_history_] == [60, 65, 70]


def test_global_scope_floor_protects_small_layers(digits):
    X, y = digits
    # Budget round(0.1 * 2220) = 222 weights; the floors take 96 + 15 of them.
    floored = _fit(X, y, sparsity=0.9, prune_scope="global", min_layer_density=0.05,
                   neuron_threshold=0, n_prune_steps=2)
    assert 0.9 - 1e-3 <= floored.sparsity_ < 0.91
    assert (1 - floored.layer_sparsity_ >= 0.05 - 1e-9).all()


def test_global_floor_is_clipped_to_the_budget(digits):
    X, y = digits
    clf = _fit(X, y, sparsity=0.97, prune_scope="global", min_layer_density=0.5,
               neuron_threshold=0, n_prune_steps=2)
    assert clf.sparsity_ >= 0.97 - 1e-3
    assert all(W.nnz > 0 for W in clf.coefs_)


def test_l1_penalty_gives_exact_zeros(digits):
    X, y = digits
    # (The proximal shrink is step size x l1_alpha: gradient descent's step.)
    params = dict(weight_threshold=0, neuron_threshold=0, solver="gd", learning_rate_init=0.1)
    plain = _fit(X, y, **params)
    l1 = _fit(X, y, l1_alpha=20.0, **params)
    assert sum(W.nnz for W in l1.coefs_) < 0.5 * sum(W.nnz for W in plain.coefs_)
    assert l1.score(X, y) > 0.9
    # The loss curve includes the penalty: the regularised loss is larger.
    assert l1.loss_curve_[0] > plain.loss_curve_[0]


def test_feature_mask_reports_unused_inputs(digits):
    X, y = digits
    clf = _fit(X, y, sparsity=0.95, prune_scope="global", min_layer_density=0.0)
    mask = clf.feature_mask_
    assert mask.shape == (64,) and mask.dtype == bool
    assert clf.n_features_used_ == mask.sum() < 64
    rows = clf.coefs_[0].toarray()
    np.testing.assert_array_equal(mask, (rows != 0).any(axis=1))
    # Unused features do not influence the predictions.
    X_noisy = X.copy()
    X_noisy[:, ~mask] = np.random.RandomState(0).normal(size=(len(X), (~mask).sum())) * 100
    np.testing.assert_allclose(clf.predict_proba(X_noisy), clf.predict_proba(X))


def test_compression_report(digits):
    X, y = digits
    clf = _fit(X, y, sparsity=0.9, neuron_sparsity=0.2, n_prune_steps=2)
    report = compression_report(clf)
    nnz = sum(W.nnz for W in clf.coefs_)
    assert report["n_weights_original"] == 64 * 30 + 30 * 10
    assert report["n_weights_nonzero"] == nnz
    assert report["compression_ratio"] == pytest.approx(2220 / nnz)
    assert report["theoretical_speedup"] == pytest.approx(2220 / nnz)
    np.testing.assert_allclose(report["layer_density"], 1 - clf.layer_sparsity_)
    assert report["neurons_removed"] == 30 - clf.hidden_layer_sizes_[0] >= 6
    assert report["n_features_used"] == clf.n_features_used_
    stored = sum(W.data.nbytes + W.indices.nbytes + W.indptr.nbytes for W in clf.coefs_)
    assert report["stored_bytes"] == stored + sum(b.nbytes for b in clf.intercepts_)
    assert report["dense_bytes"] == (2220 + 40) * 8
    table = format_report(report)
    assert "| compression_ratio |" in table and table.count("\n") == len(report) + 1


def test_regressor_supports_every_method():
    from sklearn.datasets import make_regression

    from skprune import PrunedMLPRegressor

    X, y = make_regression(n_samples=200, n_features=8, n_targets=2, noise=0.1,
                           random_state=0)
    X = StandardScaler().fit_transform(X)
    y = StandardScaler().fit_transform(y)
    for criterion in WEIGHT_CRITERIA:
        for neuron_criterion in NEURON_CRITERIA:
            reg = PrunedMLPRegressor(
                hidden_layer_sizes=(20,), max_iter=50, retrain_iter=5, n_prune_steps=2,
                sparsity=0.6, criterion=criterion, neuron_sparsity=0.25,
                neuron_criterion=neuron_criterion, neuron_threshold=0,
                schedule="iterative", random_state=0,
            ).fit(X, y)
            # 25 % of the neurons by the criterion; more if weight pruning cuts some off.
            assert 1 <= reg.hidden_layer_sizes_[0] <= 15
            assert reg.sparsity_ >= 0.6 - 1e-3
            if criterion != "random" and neuron_criterion != "random":
                assert reg.score(X, y) > 0.5
    report = compression_report(reg)
    assert report["n_weights_original"] == 8 * 20 + 20 * 2
    assert report["neurons_removed"] == 20 - reg.hidden_layer_sizes_[0]
