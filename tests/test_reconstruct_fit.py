"""Layer-wise reconstruction through the estimators: ``reconstruct`` and ``from_mlp``."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_digits, make_regression
from sklearn.neural_network import MLPClassifier, MLPRegressor

import skprune._prune.reconstruct as reconstruct_module
from skprune import PrunedMLPClassifier, PrunedMLPRegressor
from skprune._net.surgery import to_dense

ACTIVATIONS = ["relu", "tanh", "logistic", "identity"]


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:300] / 16, y[:300]


@pytest.fixture(scope="module")
def regression():
    X, y = make_regression(240, 8, n_informative=5, noise=1.0, random_state=0)
    return X, y / y.std()


def _mlp(cls, X, y, activation="relu", seed=0):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cls(hidden_layer_sizes=(16,), activation=activation, max_iter=150,
                   random_state=seed).fit(X, y)


def _solve_only(est_cls, mlp, **params):
    """``from_mlp`` that prunes in one step by reconstruction alone: no gradient step."""
    return est_cls.from_mlp(mlp, sparsity=0.8, reconstruct=True, criterion="magnitude",
                            n_prune_steps=1, retrain_iter=0, finetune_iter=0, **params)


def _weights(est):
    return [to_dense(W) for W in est.coefs_] + list(est.intercepts_)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_from_mlp_prunes_by_reconstruction_without_a_dense_phase(digits, regression,
                                                                 activation, kind):
    X, y = digits if kind == "classifier" else regression
    mlp = _mlp(MLPClassifier if kind == "classifier" else MLPRegressor, X, y, activation)
    cls = PrunedMLPClassifier if kind == "classifier" else PrunedMLPRegressor
    est = _solve_only(cls, mlp).fit(X, y)
    assert est.n_iter_ == 0 and est.loss_curve_ == []
    assert est.sparsity_ == pytest.approx(0.8, abs=2e-3)
    (entry,) = est.pruning_history_
    # The refit recovers much of what the prune lost, and the model's loss is it.
    assert entry["reconstructed_loss"] < entry["loss"]
    assert est.loss_ == pytest.approx(entry["reconstructed_loss"])
    pruned_only = cls.from_mlp(mlp, sparsity=0.8, criterion="magnitude", reconstruct=False,
                               n_prune_steps=1, max_iter=1, retrain_iter=0,
                               finetune_iter=0).fit(X, y)
    assert est.score(X, y) > pruned_only.score(X, y)


def test_from_mlp_with_fine_tune_counts_only_its_iterations(digits):
    X, y = digits
    mlp = _mlp(MLPClassifier, X, y)
    est = PrunedMLPClassifier.from_mlp(mlp, sparsity=0.8, reconstruct=True, n_prune_steps=2,
                                       retrain_iter=3, finetune_iter=4).fit(X, y)
    assert [h["iteration"] for h in est.pruning_history_] == [0, 3]
    assert est.n_iter_ == len(est.loss_curve_) <= 7
    # Without reconstruction the warm start trains the dense network first.
    plain = PrunedMLPClassifier.from_mlp(mlp, sparsity=0.8, reconstruct=False, max_iter=20,
                                         n_prune_steps=2, retrain_iter=3,
                                         finetune_iter=4).fit(X, y)
    assert plain.pruning_history_[0]["iteration"] > 0


def test_from_scratch_reconstructs_after_the_dense_phase(digits):
    X, y = digits
    est = PrunedMLPClassifier((16,), sparsity=0.8, reconstruct=True, max_iter=60,
                              random_state=0).fit(X, y)
    entries = est.pruning_history_
    assert entries and all("reconstructed_loss" in h for h in entries)
    assert entries[0]["iteration"] > 0  # the dense phase ran first
    assert est.score(X, y) > 0.8


def test_integer_sample_weights_equal_repeated_rows(regression):
    X, y = regression
    mlp = _mlp(MLPRegressor, X, y, "tanh")
    sw = np.tile([1.0, 2.0, 0.0], len(y) // 3)
    weighted = _solve_only(PrunedMLPRegressor, mlp).fit(X, y, sample_weight=sw)
    rows = np.repeat(np.arange(len(y)), sw.astype(int))
    repeated = _solve_only(PrunedMLPRegressor, mlp).fit(X[rows], y[rows])
    for a, b in zip(_weights(weighted), _weights(repeated)):
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-9)


def test_sparse_and_float32_inputs(digits):
    X, y = digits
    mlp = _mlp(MLPClassifier, X, y)
    dense = _solve_only(PrunedMLPClassifier, mlp).fit(X, y)
    csr = _solve_only(PrunedMLPClassifier, mlp).fit(sp.csr_matrix(X), y)
    for a, b in zip(_weights(dense), _weights(csr)):
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10)
    single = _solve_only(PrunedMLPClassifier, mlp).fit(X.astype(np.float32), y)
    assert all(w.dtype == np.float32 for w in _weights(single))
    for a, b in zip(_weights(single), _weights(dense)):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize("params, named", [
    (dict(rewind=True), "rewind=True"),
    (dict(l1_alpha=0.1), "l1_alpha=0.1"),
])
def test_refused_combinations_raise_before_training(digits, params, named):
    X, y = digits
    est = PrunedMLPClassifier((8,), sparsity=0.5, reconstruct=True, max_iter=5, **params)
    with pytest.raises(ValueError, match="reconstruct=True .*%s" % named):
        est.fit(X, y)
    assert not hasattr(est, "coefs_")
    # 'auto' is never refused: it does not reconstruct there.
    auto = PrunedMLPClassifier((8,), sparsity=0.5, max_iter=5, **params).fit(X, y)
    assert all("reconstructed_loss" not in h for h in auto.pruning_history_)


def test_combinations_that_are_defined(digits):
    X, y = digits
    est = PrunedMLPClassifier(
        (16,), sparsity=0.7, neuron_sparsity=0.25, reconstruct=True, early_stopping=True,
        prune_scope="layer", weight_bits=3, n_prune_steps=2, max_iter=40, random_state=0,
    ).fit(X, y)
    assert est.hidden_layer_sizes_[0] <= 12
    assert all("reconstructed_loss" in h for h in est.pruning_history_)
    assert max(len(np.unique(W.data)) for W in est.coefs_) <= 8
    assert est.score(X, y) > 0.7


def test_too_large_gram_is_refused_before_training(digits, monkeypatch):
    X, y = digits
    monkeypatch.setattr(reconstruct_module, "MAX_GRAM_BYTES", 8 * 64**2)
    est = PrunedMLPClassifier((8,), sparsity=0.5, reconstruct=True, max_iter=5)
    with pytest.raises(MemoryError, match=r"layer 0 \(64 inputs\).*reconstruct=False"):
        est.fit(X, y)
    assert not hasattr(est, "coefs_")


def test_callbacks_see_each_reconstructed_round_and_no_iteration(digits):
    pytest.importorskip("sklearn.callback", reason="scikit-learn < 1.9")
    X, y = digits
    mlp = _mlp(MLPClassifier, X, y)
    ends = []

    class Recorder:
        def setup(self, estimator, context):
            pass

        def teardown(self, estimator, context):
            pass

        def on_fit_task_begin(self, estimator, context):
            pass

        def on_fit_task_end(self, estimator, context, *, fitted_estimator=None, X=None):
            ends.append(context.task_name)
            if context.task_name == "prune-retrain":
                assert fitted_estimator.sparsity_ > 0

    est = PrunedMLPClassifier.from_mlp(mlp, sparsity=0.8, reconstruct=True, n_prune_steps=2,
                                       retrain_iter=0, finetune_iter=0)
    est.set_callbacks(Recorder()).fit(X, y)
    assert ends.count("prune-retrain") == 2 and ends.count("train") == 1
    assert "iteration" not in ends


@pytest.mark.filterwarnings("ignore:X is in .* row chunks")
def test_a_dask_fit_reconstructs_as_in_memory(regression):
    distributed = pytest.importorskip("distributed")
    da = pytest.importorskip("dask.array")
    X, y = regression
    mlp = _mlp(MLPRegressor, X, y, "tanh")
    expected = _solve_only(PrunedMLPRegressor, mlp).fit(X, y)
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                 dashboard_address=":0") as cluster,
        distributed.Client(cluster, timeout="30s"),
    ):
        got = _solve_only(PrunedMLPRegressor, mlp).fit(
            da.from_array(X, chunks=(70, -1)), da.from_array(y, chunks=70))
    assert got.n_iter_ == 0
    for a, b in zip(_weights(got), _weights(expected)):
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10)


# Levels reached by solves: the path and the CV estimators with reconstruct=True.
LEVELS = [0.5, 0.7, 0.8, 0.9]


def _path(digits, finetune_iter=None, **params):
    from skprune import pruning_path

    X, y = digits
    est = PrunedMLPClassifier((16,), reconstruct=True, max_iter=60, random_state=0, **params)
    return pruning_path(est, X, y, LEVELS, finetune_iter=finetune_iter)[1]


def test_path_levels_are_solves_from_one_dense_fit(digits):
    models = _path(digits, finetune_iter=0)
    dense_iterations = models[0].pruning_history_[0]["iteration"]
    for level, model in zip(LEVELS, models):
        history = model.pruning_history_
        # One step per level, every one after the same dense phase and refitted
        # to it; no gradient step between levels, none after.
        assert [h["iteration"] for h in history] == [dense_iterations] * len(history)
        assert len(history) == LEVELS.index(level) + 1
        assert all(h["reconstructed_loss"] < h["loss"] for h in history)
        assert model.n_iter_ == dense_iterations
        # At least the level: the refit zeroes the weights of inputs that are
        # always zero (digits' border pixels) on top of the pruned ones.
        assert model.sparsity_ >= level - 5e-3
        assert model.coefs_[0].format == "csr"
    assert np.all(np.diff([m.sparsity_ for m in models]) > 0)


def test_a_solve_level_is_the_fit_of_that_level_in_one_step(digits):
    # The lowest level's model is a one-step fit at that level: dense phase,
    # prune, refit, the fit's fine-tune.
    X, y = digits
    (model, *_) = _path(digits, criterion="magnitude")
    fit = PrunedMLPClassifier((16,), reconstruct=True, max_iter=60, random_state=0,
                              criterion="magnitude", sparsity=LEVELS[0]).fit(X, y)
    assert fit.n_prune_steps == "auto" and len(fit.pruning_history_) == 1
    for a, b in zip(_weights(model), _weights(fit)):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-9)


def test_cv_scores_solve_levels_with_one_dense_fit_per_fold(digits, monkeypatch):
    import skprune._fit.loop as loop
    from skprune import PrunedMLPClassifierCV

    dense_fits = []
    real = loop.train

    def counting(config, data, validation, record, net, phase, *args, **kwargs):
        if phase.initial and phase.n_iter > 0:
            dense_fits.append(phase.n_iter)
        return real(config, data, validation, record, net, phase, *args, **kwargs)

    monkeypatch.setattr(loop, "train", counting)
    X, y = digits
    cv = PrunedMLPClassifierCV((16,), sparsities=LEVELS, cv=3, reconstruct=True, max_iter=60,
                               random_state=0).fit(X, y)
    # One dense fit per fold and one for the refit, whatever the number of levels.
    assert len(dense_fits) == 3 + 1
    assert cv.best_sparsity_ in LEVELS
    assert np.all(np.isfinite(cv.cv_results_["mean_test_score"]))


def test_cv_scores_a_solve_level_as_fit_leaves_it(digits):
    # Scoring a fold gives a level reached by a solve the fine-tune of fit,
    # not the shortened one of a gradient path's levels.
    from skprune._fit.path import RETRAIN_LENGTH
    from skprune._path import path_models

    X, y = digits
    est = PrunedMLPClassifier((16,), reconstruct=True, max_iter=60, random_state=0)
    scored = path_models(est, X, y, LEVELS, level_finetune=RETRAIN_LENGTH)
    fitted = path_models(est, X, y, LEVELS)
    for a, b in zip(scored, fitted):
        assert a.n_iter_ == b.n_iter_ > a.pruning_history_[0]["iteration"]
        for u, v in zip(_weights(a), _weights(b)):
            np.testing.assert_array_equal(u, v)
