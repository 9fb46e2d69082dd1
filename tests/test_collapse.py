"""Pruning must not silently destroy a network that was fitting.

On easily separable data the retraining drives the training loss to about 0,
the outputs saturate, and a pruning step can then remove what the fit needs
(saliencies that vanish with the curvature; a neuron removal that leaves
outputs confidently wrong, where the clipped log-loss is flat). Each case
here either keeps the fit or says why with a :class:`PruningCollapseWarning`.
"""

import warnings

import numpy as np
import pytest
from _strategies import examples
from hypothesis import event, given
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning

from skprune import (
    OBDCriterion,
    PrunedMLPClassifier,
    PrunedMLPRegressor,
    PruningCollapseWarning,
    PruningState,
)


def _categories(caught):
    return [w.category for w in caught]


def _separable(seed, n=200):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    return X, (X[:, 0] > 0).astype(int)


# --------------------------------------------------------------------------- #
# The two cases of the report
# --------------------------------------------------------------------------- #
def test_default_sparsity_recipe_keeps_a_separable_fit():
    X, y = _separable(1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf = PrunedMLPClassifier((10,), sparsity=0.9, random_state=1).fit(X, y)
    assert clf.sparsity_ >= 0.9
    assert clf.score(X, y) >= 0.95
    assert PruningCollapseWarning not in _categories(caught)


def test_neuron_pruning_of_a_saturated_network_keeps_the_fit():
    # A neuron removal from a network at training loss ~1e-4 left every row
    # predicted as class 1 with p = 1.0 (log-loss 19.1); L-BFGS cannot move
    # on a log-loss clipped flat, so the step is redone.
    X, y = _separable(0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf = PrunedMLPClassifier((4, 4), neuron_sparsity=0.5, max_iter=20,
                                  random_state=0).fit(X, y)
    assert clf.hidden_layer_sizes_ == (2, 2)
    assert clf.score(X, y) >= 0.95
    assert PruningCollapseWarning not in _categories(caught)
    assert abs(clf.intercepts_[-1][0]) < 50


def test_too_few_weights_left_warns_with_the_possible_causes():
    # XOR on two features needs more than the four weights that
    # sparsity=0.85 leaves of (8,)'s 24: no criterion can keep that fit.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = ((X[:, 0] > 0) ^ (X[:, 1] > 0)).astype(int)
    clf = PrunedMLPClassifier((8,), solver="lbfgs", sparsity=0.85, random_state=0)
    with pytest.warns(PruningCollapseWarning, match="too few weights") as record:
        clf.fit(X, y)
    assert clf.score(X, y) < 0.75
    assert any("4 of 24 weights" in str(w.message) for w in record)
    # The named cause replaces the guess that the features are unscaled.
    assert not any("Scale them" in str(w.message) for w in record)


def test_collapse_warning_for_regression_speaks_of_r2():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = np.sin(3 * X[:, 0]) * np.cos(3 * X[:, 1]) * 10
    reg = PrunedMLPRegressor((16,), solver="lbfgs", sparsity=0.8, random_state=0,
                             max_iter=500)
    with pytest.warns(PruningCollapseWarning, match="training R²"):
        reg.fit(X, y)


def test_pruning_collapse_warning_is_a_convergence_warning():
    assert issubclass(PruningCollapseWarning, ConvergenceWarning)
    assert issubclass(PruningCollapseWarning, UserWarning)


# --------------------------------------------------------------------------- #
# Damped OBD saliency
# --------------------------------------------------------------------------- #
def _saturated_state():
    # Two inputs, one logistic output far from 0.5 on every row.
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    Y = np.ones((3, 1))
    W = np.array([[40.0], [0.5]])
    return PruningState([W], [np.zeros(1)], [W != 0], X, np.ones(3), "relu",
                        "binary_log_loss", Y=Y), W


def test_damping_keeps_obd_saliency_informative_where_outputs_saturate():
    state, W = _saturated_state()
    plain = OBDCriterion(damping=0).scores(state)[0]
    damped = OBDCriterion(damping=0.01).scores(state)[0]
    # Undamped, the weight the fit rests on scores below the one it barely uses.
    assert plain[0, 0] < 1e-10
    assert damped[0, 0] > damped[1, 0] > 0
    assert np.all(damped >= plain)


@pytest.mark.parametrize("damping", [-0.1, np.inf, np.nan, "0.1", True])
def test_obd_damping_is_validated(damping):
    with pytest.raises(ValueError, match="damping must be a finite number"):
        OBDCriterion(damping=damping)


def test_damping_does_not_change_squared_error():
    X = np.eye(2)
    W = np.array([[1.0, -1.0], [2.0, 0.0]])
    state = PruningState([W], [np.zeros(2)], [W != 0], X, np.ones(2), "relu",
                         "squared_error", Y=np.eye(2))
    np.testing.assert_array_equal(OBDCriterion(damping=0.3).scores(state)[0],
                                  OBDCriterion(damping=0).scores(state)[0])


# --------------------------------------------------------------------------- #
# The property: over small separable problems, pruning keeps half the gap
# between the best constant prediction and the dense model, or says why.
# --------------------------------------------------------------------------- #
HIDDEN = [(4,), (8,), (16,), (32,), (4, 4), (8, 8), (16, 8), (32, 16)]


@st.composite
def separable_problems(draw):
    kind = draw(st.sampled_from(["linear", "xor", "blobs"]))
    n_features = draw(st.integers(2, 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = 120
    X = rng.normal(size=(n, n_features))
    if kind == "linear":
        y = (X @ rng.normal(size=n_features) > 0).astype(int)
    elif kind == "xor":
        y = ((X[:, 0] > 0) ^ (X[:, 1] > 0)).astype(int)
    else:
        k = draw(st.integers(2, 4))
        centers = rng.normal(scale=4, size=(k, n_features))
        y = rng.integers(k, size=n)
        X = centers[y] + rng.normal(size=(n, n_features))
    event(kind)
    return X, y


@st.composite
def pruning_params(draw):
    targets = draw(st.sampled_from(["weights", "neurons", "both"]))
    return dict(
        hidden_layer_sizes=draw(st.sampled_from(HIDDEN)),
        solver=draw(st.sampled_from(["gd", "adam", "lbfgs"])),
        retrain_solver=draw(st.sampled_from(["auto", "gd", "adam", "lbfgs"])),
        criterion=draw(st.sampled_from(["magnitude", "taylor", "obd"])),
        neuron_criterion=draw(st.sampled_from(["activation", "entropy", "variance",
                                               "taylor"])),
        sparsity=None if targets == "neurons" else draw(st.floats(0.5, 0.95)),
        neuron_sparsity=None if targets == "weights" else draw(st.floats(0.25, 0.75)),
        random_state=draw(st.integers(0, 1000)),
        max_iter=100,
    )


@examples(0.08)
@given(problem=separable_problems(), params=pruning_params())
def test_pruning_keeps_the_fit_or_says_why(problem, params):
    X, y = problem
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dense = PrunedMLPClassifier(**{**params, "sparsity": None, "neuron_sparsity": None,
                                       "weight_threshold": 0.0, "neuron_threshold": 0.0})
        dense_score = dense.fit(X, y).score(X, y)
        pruned = PrunedMLPClassifier(**params)
        score = pruned.fit(X, y).score(X, y)
    constant = np.bincount(y).max() / len(y)
    if score >= constant + 0.5 * (dense_score - constant):
        event("kept the fit")
        return
    event("warned")
    # The same fit again (same random_state) must say why.
    with pytest.warns(PruningCollapseWarning):
        again = PrunedMLPClassifier(**params).fit(X, y)
    assert again.score(X, y) == score


def test_rounds_are_scored_on_at_most_4096_evenly_spaced_rows():
    from skprune._data.memory import InMemoryData
    from skprune._fit.collapse import SCORED_ROWS, scored_rows

    X = np.arange(10_000.0)[:, np.newaxis]
    data = InMemoryData(X, np.ones((10_000, 1)), np.ones(10_000))
    Xs = scored_rows(data).X
    assert len(Xs) <= SCORED_ROWS == 4096
    assert np.all(np.diff(Xs[:, 0]) == 3)
    # A sample whose weights sum to zero would score nothing: all rows then.
    sw = np.zeros(10_000)
    sw[1] = 1.0
    assert scored_rows(InMemoryData(X, np.ones((10_000, 1)), sw)).n_samples == 10_000


def test_a_collapsed_round_is_redone_on_a_cluster_too():
    # The neuron case of the report with its rows on a dask cluster: the
    # rounds are scored on the blocks, and the redo keeps the fit.
    da = pytest.importorskip("dask.array")
    distributed = pytest.importorskip("distributed")
    X, y = _separable(0)
    with (
        distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                 dashboard_address=":0") as cluster,
        distributed.Client(cluster, timeout="30s"),
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always")
        clf = PrunedMLPClassifier((4, 4), neuron_sparsity=0.5, max_iter=20,
                                  random_state=0).fit(da.from_array(X, chunks=100),
                                                      da.from_array(y, chunks=100))
    assert clf.score(X, y) >= 0.95
    assert PruningCollapseWarning not in _categories(caught)
