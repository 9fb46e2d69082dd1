"""Extension points checked, figures from the fitted model, refusals before any work."""

import time
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.utils._param_validation import InvalidParameterError

from skprune import (
    ActivationCriterion,
    EntropyCriterion,
    MagnitudeCriterion,
    NeuronCriterion,
    OBDCriterion,
    PrunedMLPClassifier,
    PrunedMLPRegressor,
    PruningState,
    VarianceCriterion,
    WeightCriterion,
    compression_report,
)
from skprune._fit.checks import check_fit_memory, estimate_fit_memory
from skprune._fit.recipes import LARGE_PROBLEM, resolve_recipe
from skprune._prune.schedules import SCHEDULES, schedule_targets
from skprune._report import pruning_off_params


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:300] / 16, y[:300]


def quick(**params):
    return PrunedMLPClassifier(
        **{"hidden_layer_sizes": (16,), "max_iter": 20, "retrain_iter": 3,
           "random_state": 0, **params}
    )


def fit_quietly(est, X, y, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return est.fit(X, y, **kw)


# --------------------------------------------------------------------- #
# Schedules: computed and checked before any training.
# --------------------------------------------------------------------- #
@pytest.mark.parametrize(
    "schedule, match",
    [
        (lambda k, n, s: 2.0, r"returned 2\.0 at step 1 of 2: .*\[0, 1\)"),
        (lambda k, n, s: float("nan"), r"returned nan at step 1"),
        (lambda k, n, s: s if k == 1 else s / 2, r"non-decreasing"),
        (lambda k, n, s: s / 2, r"must reach the target 0\.5"),
        (lambda k, n, s: "0.5", r"finite number"),
        (lambda k, n, s: 1 / 0, r"raised ZeroDivisionError at step 1"),
    ],
    ids=["above-one", "nan", "decreasing", "short-of-target", "string", "raises"],
)
def test_bad_schedule_is_refused_before_training(digits, capsys, schedule, match):
    X, y = digits
    est = quick(sparsity=0.5, n_prune_steps=2, schedule=schedule, verbose=True)
    with pytest.raises(ValueError, match=match):
        est.fit(X, y)
    assert "Iteration" not in capsys.readouterr().out  # not one training step
    # The neuron target goes through the same check.
    with pytest.raises(ValueError, match=match.replace("0\\.5", "0\\.25")):
        quick(neuron_sparsity=0.25 if "target" in match else 0.5,
              n_prune_steps=2, schedule=schedule).fit(X, y)


@pytest.mark.parametrize("name", sorted(SCHEDULES))
@pytest.mark.parametrize("n_steps", [1, 2, 7])
def test_builtin_schedules_pass_their_own_check(name, n_steps):
    targets = schedule_targets(name, n_steps, 0.9)
    assert len(targets) == n_steps and targets[-1] == pytest.approx(0.9)
    assert targets == sorted(targets)
    assert schedule_targets(name, n_steps, None) == [None] * n_steps


def test_history_follows_the_checked_schedule(digits):
    X, y = digits
    est = fit_quietly(
        quick(sparsity=0.6, n_prune_steps=3, schedule=lambda k, n, s: s * k / n), X, y
    )
    targets = [r["target_sparsity"] for r in est.pruning_history_]
    assert targets == pytest.approx([0.2, 0.4, 0.6])
    assert est.sparsity_ == pytest.approx(0.6, abs=1e-3)


# --------------------------------------------------------------------- #
# Criteria: typed, checked, read-only.
# --------------------------------------------------------------------- #
class NaNWeights(WeightCriterion):
    def scores(self, state):
        return [np.full(W.shape, np.nan) for W in state.coefs]


class WrongShapeNeurons(NeuronCriterion):
    def scores(self, state):
        return [np.ones(W.shape[1] + 1) for W in state.coefs[:-1]]


class NaNNeurons(NeuronCriterion):
    def scores(self, state):
        return [np.full(W.shape[1], np.nan) for W in state.coefs[:-1]]


class TooFewLayers(WeightCriterion):
    def scores(self, state):
        return [np.abs(state.coefs[0])]


class Vandal(WeightCriterion):
    def scores(self, state):
        state.coefs[0][:] = 0
        return [np.abs(W) for W in state.coefs]


class StatsVandal(NeuronCriterion):
    def scores(self, state):
        state.mean_outputs[0][0][:] = 1e9
        return list(state.mean_outputs[1])


@pytest.mark.parametrize(
    "params, match",
    [
        ({"sparsity": 0.5, "criterion": NaNWeights()},
         r"NaNWeights\.scores returned \d+ NaN or infinite scores for layer 0"),
        ({"sparsity": 0.5, "criterion": TooFewLayers()},
         r"TooFewLayers\.scores returned 1 arrays for a network with 2 layers"),
        ({"neuron_criterion": WrongShapeNeurons()},
         r"WrongShapeNeurons\.scores returned scores of shape \(17,\) for hidden layer 0"),
        ({"neuron_criterion": NaNNeurons()},
         r"NaNNeurons\.scores returned 16 NaN or infinite scores for hidden layer 0"),
        ({"sparsity": 0.5, "criterion": Vandal()}, r"read-only"),
        ({"neuron_criterion": StatsVandal()}, r"read-only"),
    ],
    ids=["nan-weights", "too-few-layers", "wrong-shape", "nan-neurons", "writes-coefs",
         "writes-stats"],
)
def test_bad_criterion_output_is_a_value_error_naming_it(digits, params, match):
    X, y = digits
    est = quick(**params)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ValueError, match=match):
            est.fit(X, y)
    # Not blamed on neuron_threshold, and the estimator stays unfitted.
    assert not [w for w in caught if "neuron_threshold" in str(w.message)]
    assert not hasattr(est, "coefs_")


@pytest.mark.parametrize(
    "params",
    [{"neuron_criterion": MagnitudeCriterion()}, {"criterion": VarianceCriterion()},
     {"criterion": object()}, {"neuron_criterion": "magnitude"}],
    ids=["weight-as-neuron", "neuron-as-weight", "duck", "weight-name-as-neuron"],
)
def test_criterion_of_the_wrong_kind_is_an_invalid_parameter(digits, params):
    X, y = digits
    with pytest.raises(InvalidParameterError, match="criterion"):
        quick(**params).fit(X, y)


@pytest.mark.parametrize("n_bins", [0, 1, -3, 2.5, True, "8"])
def test_entropy_criterion_validates_n_bins(n_bins):
    with pytest.raises(ValueError, match=r"EntropyCriterion\(n_bins=.*at least 2"):
        EntropyCriterion(n_bins=n_bins)


def test_builtin_criteria_are_typed():
    from skprune._prune.criteria import NEURON_CRITERIA, WEIGHT_CRITERIA

    assert all(issubclass(c, WeightCriterion) for c in WEIGHT_CRITERIA.values())
    assert all(issubclass(c, NeuronCriterion) for c in NEURON_CRITERIA.values())
    with pytest.raises(TypeError):
        WeightCriterion()


def _random_state(rng, n=37, sizes=(5, 6, 4, 3), loss="log_loss"):
    coefs = [rng.normal(size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    intercepts = [rng.normal(size=b) * 0.1 for b in sizes[1:]]
    X = rng.normal(size=(n, sizes[0]))
    Y = np.eye(sizes[-1])[rng.integers(sizes[-1], size=n)]
    return coefs, intercepts, X, Y, rng.uniform(0.1, 3, size=n)


@pytest.mark.parametrize("chunk_size", [1, 4, 36])
def test_chunked_statistics_equal_whole_data_ones(chunk_size):
    coefs, intercepts, X, Y, sw = _random_state(np.random.default_rng(0))
    masks = [np.ones(W.shape, bool) for W in coefs]
    whole = PruningState(coefs, intercepts, masks, X, sw, "tanh", "log_loss", Y=Y,
                         chunk_size=len(X))
    chunked = PruningState(coefs, intercepts, masks, X, sw, "tanh", "log_loss", Y=Y,
                           chunk_size=chunk_size)
    # The whole-data reference computed from the full activations.
    w = sw / sw.sum()
    acts = whole.activations
    for layer, A in enumerate(acts[1:-1]):
        np.testing.assert_allclose(chunked.mean_outputs[0][layer], w @ A)
        np.testing.assert_allclose(chunked.mean_outputs[1][layer], w @ np.abs(A))
        np.testing.assert_allclose(
            chunked.output_variances[layer], w @ (A - w @ A) ** 2, atol=1e-12
        )
        assert chunked.output_ranges[0][layer] == A.min()
        assert chunked.output_ranges[1][layer] == A.max()
    for a, b in zip(chunked.hessian_diagonal, whole.hessian_diagonal):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-14)
    for a, b in zip(chunked.histograms(8), whole.histograms(8)):
        np.testing.assert_allclose(a, b, atol=1e-12)
        np.testing.assert_allclose(a.sum(axis=1), 1.0)
    for criterion in (EntropyCriterion(), VarianceCriterion(), ActivationCriterion()):
        for a, b in zip(criterion.scores(chunked), criterion.scores(whole)):
            np.testing.assert_allclose(a, b, atol=1e-12)
    for a, b in zip(OBDCriterion().scores(chunked), OBDCriterion().scores(whole)):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-14)


def test_state_hands_out_read_only_views():
    coefs, intercepts, X, Y, sw = _random_state(np.random.default_rng(1))
    before = [W.copy() for W in coefs]
    state = PruningState(coefs, intercepts, [W != 0 for W in coefs], X, sw, "relu",
                         "log_loss", Y=Y)
    for array in (state.coefs[0], state.intercepts[0], state.masks[0], state.X,
                  state.gradients[0], state.hessian_diagonal[0]):
        with pytest.raises(ValueError, match="read-only"):
            array[...] = 0
    with pytest.raises(TypeError):
        state.coefs[0] = None
    for a, b in zip(coefs, before):
        np.testing.assert_array_equal(a, b)


# --------------------------------------------------------------------- #
# Figures from the fitted model.
# --------------------------------------------------------------------- #
def test_compression_report_reads_the_fitted_architecture(digits):
    X, y = digits
    est = fit_quietly(quick(sparsity=0.5), X, y)
    assert est.layer_units_original_ == (64, 16, 10)
    assert est.n_weights_original_ == 64 * 16 + 16 * 10
    before = compression_report(est)
    est.set_params(hidden_layer_sizes=(1000,))
    after = compression_report(est)
    assert after["n_weights_original"] == est.n_weights_original_
    assert after["compression_ratio"] == before["compression_ratio"] < 3
    assert after["neurons_original"] == (16,)


def test_pruning_off_params_cover_every_pruning_parameter():
    est = PrunedMLPClassifier()
    off = pruning_off_params(est)
    # Every parameter is either switched off or known not to prune; a new
    # parameter must be classified here.
    not_pruning = {
        "hidden_layer_sizes", "activation", "alpha", "learning_rate",
        "learning_rate_init", "power_t", "max_iter", "tol", "n_iter_no_change",
        "momentum", "nesterovs_momentum", "early_stopping", "validation_fraction",
        "criterion", "neuron_criterion", "schedule", "prune_scope",
        "min_layer_density", "n_prune_steps", "retrain_iter", "finetune_iter",
        "warm_start", "random_state", "verbose",
        # Optimizer parameters; reconstruction is a way to retrain.
        "solver", "retrain_solver", "beta_1", "beta_2", "epsilon", "max_fun", "reconstruct",
    }
    unknown = set(est.get_params()) - not_pruning - set(off)
    assert not unknown, f"classify these parameters: {sorted(unknown)}"
    # Weight sharing compresses what pruning keeps: the dense reference has none.
    assert off == {"weight_threshold": 0.0, "neuron_threshold": 0.0, "sparsity": None,
                   "neuron_sparsity": None, "l1_alpha": 0.0, "rewind": False,
                   "weight_bits": None}
    one = pruning_off_params(
        PrunedMLPClassifier(max_iter=10, n_prune_steps=3, retrain_iter=4, finetune_iter=7),
        one_phase=True,
    )
    assert one["max_iter"] == 10 + 2 * 4 + 7 and one["n_prune_steps"] == 1
    assert one["retrain_iter"] == 0 and one["finetune_iter"] is None


def test_one_phase_budget_follows_the_problem_size():
    # Large problems resolve a shorter gradual recipe; the one-phase
    # reference gets that budget, not the small problems' one.
    est = PrunedMLPClassifier(max_iter=10, sparsity=0.9)
    small = pruning_off_params(est, one_phase=True)
    large = pruning_off_params(est, one_phase=True, size=int(LARGE_PROBLEM))
    for size, off in ((None, small), (int(LARGE_PROBLEM), large)):
        recipe = resolve_recipe(est.get_params(), size)
        steps, retrain = recipe["n_prune_steps"], recipe["retrain_iter"]
        assert off["max_iter"] == 10 + (steps - 1) * retrain + recipe["finetune_iter"]
    assert large["max_iter"] < small["max_iter"]


def test_pruning_off_really_prunes_nothing(digits):
    X, y = digits
    est = quick(sparsity=0.8, neuron_sparsity=0.5, l1_alpha=1.0, rewind=True,
                n_prune_steps=2)
    dense = fit_quietly(est.set_params(**pruning_off_params(est)), X, y)
    assert dense.sparsity_ == 0 and dense.hidden_layer_sizes_ == (16,)


# --------------------------------------------------------------------- #
# Refusals before any work, naming the real cause.
# --------------------------------------------------------------------- #
def test_network_too_large_for_memory_is_refused_before_training(digits):
    X, y = digits
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"needs about .* GiB to fit .* available"):
        PrunedMLPClassifier(hidden_layer_sizes=(10**8,)).fit(X, y)
    assert time.perf_counter() - start < 5  # no weight was even drawn


def test_memory_estimate_grows_with_the_weights_not_the_rows():
    small = estimate_fit_memory([64, 100, 10], 1_000, "float64")
    many_rows = estimate_fit_memory([64, 100, 10], 10**7, "float64")
    wide = estimate_fit_memory([64, 10**5, 10], 1_000, "float64")
    assert many_rows < 2 * small + 2**22  # only one chunk of rows counts
    assert wide > 100 * small
    assert estimate_fit_memory([64, 100, 10], 1000, "float32") < small
    check_fit_memory([64, 100, 10], 1000, "float64", available=2**30)
    with pytest.raises(ValueError, match=r"\(64, 100, 10\)"):
        check_fit_memory([64, 100, 10], 1000, "float64", available=2**10)


@pytest.mark.parametrize(
    "value, match", [(1e308, r"sum to inf .*overflow"), (1e-320, r"below the smallest normal")]
)
def test_sample_weight_scale_is_named(digits, value, match):
    X, y = digits
    with pytest.raises(ValueError, match=match) as info:
        quick().fit(X, y, sample_weight=np.full(len(y), value))
    assert "max |X|" not in str(info.value)


def test_huge_regression_targets_are_named(digits):
    X, y = digits
    with pytest.raises(ValueError, match=r"regression targets are too large .*max \|y\|"):
        PrunedMLPRegressor(hidden_layer_sizes=(8,), max_iter=5).fit(X, y * 1e200)
