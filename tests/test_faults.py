"""Faults and degenerate cases: divergence, pruning everything, odd data, warm starts, interrupts.

Each case either fits a sound model (the invariants of ``_checks.assert_sound``)
or fails with a documented ValueError; none may leave NaN in the estimator or
a half-written estimator behind.
"""

import _thread
import builtins
import importlib
import threading
import time
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from _checks import assert_nothing_non_finite, assert_sound, documented_reason
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.metrics import log_loss

import skprune._base
import skprune._classifier
from skprune import PrunedMLPClassifier, PrunedMLPRegressor
from skprune._net.network import forward
from skprune._net.surgery import constant_network, is_cut_off
from skprune._prune.masks import threshold_masks


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    centers = rng.normal(scale=3, size=(3, 6))
    y = rng.integers(3, size=90)
    return centers[y] + rng.normal(size=(90, 6)), y


def _fit(X, y, sample_weight=None, **params):
    """Fit with all warnings recorded; returns (estimator, warning messages)."""
    params = {"random_state": 0, "max_iter": 50, "retrain_iter": 10, **params}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf = PrunedMLPClassifier(**params).fit(X, y, sample_weight=sample_weight)
    return clf, caught


def _messages(caught, category):
    return [str(w.message) for w in caught if issubclass(w.category, category)]


# --------------------------------------------------------------------------- #
# Divergence
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("activation", ["relu", "tanh", "identity"])
@pytest.mark.parametrize("learning_rate_init", [1e3, 1e6])
def test_huge_learning_rate_restores_the_best_weights(data, activation, learning_rate_init):
    X, y = data
    clf, caught = _fit(
        X, y, activation=activation, learning_rate_init=learning_rate_init,
        weight_threshold=0.0, neuron_threshold=0.0,
    )
    # Clipping in the log-loss keeps an exploding loss finite, so divergence
    # must be seen in the loss rising, not only in NaN.
    assert any("diverged" in m for m in _messages(caught, ConvergenceWarning))
    assert_sound(clf, X)
    # The weights kept are the lowest-loss ones seen, never worse than the start.
    loss = log_loss(y, clf.predict_proba(X)) + 0.5 * clf.alpha * sum(
        (W.data**2).sum() for W in clf.coefs_
    ) / len(y)
    assert loss <= clf.loss_curve_[0] * (1 + 1e-9)
    assert all(np.abs(W.data).max() < 1e3 for W in clf.coefs_)


@pytest.mark.parametrize("scale", [1e6, 1e-6])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("solver", ["gd", "adam", "lbfgs"])
def test_extreme_input_scales_give_finite_models(data, scale, dtype, solver):
    X, y = data
    X = (X * scale).astype(dtype)
    clf, caught = _fit(X, y, solver=solver)
    assert not _messages(caught, RuntimeWarning)  # no raw numpy overflow noise
    assert_sound(clf, X)
    if scale == 1e6:
        # Never a silent failure: divergence or a dead network is reported,
        # or the model did learn.
        warned = [
            m for m in _messages(caught, ConvergenceWarning)
            if "diverged" in m or "StandardScaler" in m
        ]
        assert warned or clf.score(X, y) > 0.8
        if solver == "gd":
            assert any("diverged" in m for m in warned)


def test_overflow_at_the_initial_weights_is_refused_clearly():
    # Regression: float32 inputs near the top of the float32 range made the
    # very first loss non-finite, and fit died with an IndexError.
    rng = np.random.default_rng(0)
    X = (np.sign(rng.normal(size=(30, 100))) * 3e38).astype(np.float32)
    y = np.arange(30) % 3
    clf = PrunedMLPClassifier(max_iter=5, random_state=0)
    with pytest.raises(ValueError, match="not finite at the initial weights") as exc:
        clf.fit(X, y)
    assert documented_reason(exc.value) == "non-finite initial loss"
    with pytest.raises(NotFittedError):
        clf.predict(X)


# --------------------------------------------------------------------------- #
# Pruning that would leave nothing
# --------------------------------------------------------------------------- #
def _assert_minimal_model(clf, X, caught):
    """The documented minimal model: one neuron per hidden layer, constant output."""
    assert any("predicts a constant" in m or "highest-scoring neuron is kept" in m
               for m in _messages(caught, UserWarning))
    assert clf.hidden_layer_sizes_ == (1,) * len(clf.hidden_layer_sizes_)
    assert_sound(clf, X)
    proba = clf.predict_proba(X)
    if clf.sparsity_ == 1.0:  # no weight left: every row gets the same answer
        assert_allclose(proba, np.broadcast_to(proba[0], proba.shape))


@pytest.mark.parametrize("hidden", [(5,), (4, 3)])
def test_threshold_above_every_weight(data, hidden):
    X, y = data
    clf, caught = _fit(X, y, hidden_layer_sizes=hidden, weight_threshold=100.0)
    _assert_minimal_model(clf, X, caught)
    assert clf.sparsity_ == 1.0


@pytest.mark.parametrize("scope", ["layer", "global"])
@pytest.mark.parametrize("copies", [1, 20], ids=["6x5x3", "120x100x3"])
def test_sparsity_0999_keeps_a_minimal_model(data, scope, copies):
    # 0.1 % of a 300-weight output layer rounds to no weight at all, so even
    # the larger network is cut in two: the budget is honoured and what is
    # left is the documented minimal model.
    X, y = data
    X = np.hstack([X] * copies)
    hidden = (5,) if copies == 1 else (100,)
    # (Plain gradient descent: the weights it ends with leave no path.)
    clf, caught = _fit(X, y, hidden_layer_sizes=hidden, sparsity=0.999, prune_scope=scope,
                       weight_threshold=0.0, neuron_threshold=0.0, solver="gd",
                       learning_rate_init=0.1, n_prune_steps=1, finetune_iter=None)
    _assert_minimal_model(clf, X, caught)
    if scope == "layer":  # not one output weight is left
        assert clf.sparsity_ == 1.0


@pytest.mark.parametrize("hidden", [(6,), (6, 6, 6)])
def test_neuron_threshold_that_would_empty_a_layer(data, hidden):
    X, y = data
    clf, caught = _fit(X, y, hidden_layer_sizes=hidden, neuron_threshold=1e6)
    _assert_minimal_model(clf, X, caught)
    assert any("would remove every neuron" in m for m in _messages(caught, UserWarning))


def test_stored_weights_pass_the_threshold_in_float64():
    # Regression: float32(0.01) < 0.01, yet a float32 comparison kept it.
    w = np.array([np.float32(0.01), np.float32(0.02)])
    mask = threshold_masks([w], [np.ones(2, bool)], 0.01)[0]
    assert_array_equal(mask, [False, True])


# --------------------------------------------------------------------------- #
# Degenerate data
# --------------------------------------------------------------------------- #
def test_constant_features(data):
    X, y = data
    X = np.full_like(X, 3.0)
    clf, _ = _fit(X, y)
    proba = assert_sound(clf, X)
    assert_allclose(proba, np.broadcast_to(proba[0], proba.shape))


def test_duplicated_rows_equal_integer_weights(data):
    X, y = data
    clf_dup, _ = _fit(np.vstack([X, X[:30]]), np.concatenate([y, y[:30]]))
    weights = np.ones(len(y))
    weights[:30] = 2
    clf_w, _ = _fit(X, y, sample_weight=weights)
    assert_sound(clf_dup, X)
    assert_allclose(clf_dup.predict_proba(X), clf_w.predict_proba(X), rtol=1e-6, atol=1e-9)


def test_class_present_only_through_zero_weight(data):
    X, y = data
    clf, _ = _fit(X, y, sample_weight=(y != 2).astype(float))
    proba = assert_sound(clf, X)
    assert_array_equal(clf.classes_, [0, 1, 2])
    # Nothing pulls the hidden class up: it is the least likely class.
    assert np.all(proba[:, 2] < proba[:, :2].max(axis=1))


@pytest.mark.parametrize("y", [[1], [[0, 1]]], ids=["binary", "multilabel"])
def test_one_sample(y):
    X = np.array([[1.0, 2.0]])
    clf = PrunedMLPClassifier(max_iter=5)
    try:
        clf.fit(X, y)
    except ValueError as exc:
        assert documented_reason(exc) == "one class"
        with pytest.raises(NotFittedError):
            clf.predict(X)
    else:
        assert_sound(clf, X)


def test_one_feature(data):
    X, y = data
    clf, _ = _fit(X[:, :1], y)
    assert_sound(clf, X[:, :1])
    assert clf.coefs_[0].shape[0] == 1


@pytest.mark.parametrize("fmt", ["dense", "csr"])
def test_ten_thousand_features_twenty_rows(fmt):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 10_000)) * (rng.random((20, 10_000)) < 0.1)
    y = np.arange(20) % 2
    if fmt == "csr":
        X = sp.csr_array(X)
    # (One pruning step: the output layer keeps a single weight at 0.9.)
    clf, _ = _fit(X, y, hidden_layer_sizes=(8,), sparsity=0.9, n_prune_steps=1)
    assert_sound(clf, X)
    assert clf.coefs_[0].shape[0] == 10_000
    assert clf.score(X, y) >= 0.8  # learns: 20 points in 10,000 dimensions


def test_sparse_input_of_another_dtype_than_the_model(data):
    # Regression: a float32 model given float64 sparse X (or the reverse)
    # failed in scipy's sparse product ("Dtype of A and B must be the same").
    X, y = data
    for fit_dtype, predict_dtype in [(np.float32, np.float64), (np.float64, np.float32)]:
        clf, _ = _fit(sp.csc_array(X.astype(fit_dtype)), y, max_iter=10)
        dense = clf.predict_proba(X.astype(predict_dtype))
        sparse = clf.predict_proba(sp.csr_array(X.astype(predict_dtype)))
        assert_allclose(sparse, dense, rtol=1e-5, atol=1e-6)
        reg = PrunedMLPRegressor(max_iter=10, random_state=0).fit(
            sp.csr_array(X.astype(fit_dtype)), X[:, 0]
        )
        assert_allclose(
            reg.predict(sp.csr_array(X.astype(predict_dtype))),
            reg.predict(X.astype(predict_dtype)),
            rtol=1e-5, atol=1e-5,
        )


def test_early_stopping_failures_are_explained(data):
    X, y = data
    # Regression: these surfaced train_test_split's messages about
    # "test_size" and "groups", which name nothing the user set.
    for n in (3, 5):
        with pytest.raises(ValueError, match="early_stopping could not") as exc:
            PrunedMLPClassifier(early_stopping=True).fit(X[:n], np.arange(n) % 2)
        assert documented_reason(exc.value) == "early stopping split"
    # Regression: a validation split whose weights are all zero divided by zero.
    weights = np.zeros(len(y))
    weights[:2] = 1
    with pytest.raises(ValueError, match="early_stopping could not"):
        PrunedMLPClassifier(early_stopping=True, validation_fraction=0.5,
                            random_state=0).fit(X, y % 2, sample_weight=weights)


# --------------------------------------------------------------------------- #
# Warm starts after pruning
# --------------------------------------------------------------------------- #
def test_warm_start_keeps_masks_and_shapes(data):
    X, y = data
    clf, _ = _fit(X, y, hidden_layer_sizes=(20, 10), sparsity=0.8, n_prune_steps=3,
                  neuron_threshold=0.05)
    before = [W.toarray() != 0 for W in clf.coefs_]
    sizes = clf.hidden_layer_sizes_
    # Nothing prunes this time, so neither shapes nor masks may change, and
    # training must not revive a single weight.
    clf.set_params(warm_start=True, sparsity=None, weight_threshold=0.0,
                   neuron_threshold=0.0, max_iter=30)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    assert clf.hidden_layer_sizes_ == sizes
    for b, W in zip(before, clf.coefs_):
        assert_array_equal(W.toarray() != 0, b)
    assert_sound(clf, X)
    assert clf.sparsity_ >= 0.8 - 1e-3


def test_warm_start_with_another_architecture_is_refused(data):
    # Regression: numpy's "operands could not be broadcast" came out of fit.
    X, y = data
    clf, _ = _fit(X, y, hidden_layer_sizes=(10,), warm_start=True)
    expected = clf.predict_proba(X)
    for hidden in [(5, 5), (), (4,)]:
        clf.set_params(hidden_layer_sizes=hidden)
        if hidden == (4,) and clf.hidden_layer_sizes_[0] <= 4:
            continue
        with pytest.raises(ValueError, match="warm_start refits the previous network"):
            clf.fit(X, y)
        assert_array_equal(clf.predict_proba(X), expected)


# --------------------------------------------------------------------------- #
# Interrupted and failed fits
# --------------------------------------------------------------------------- #
def _state(clf):
    """Everything fit can change, compared by value."""
    return {
        k: (v.toarray() if sp.issparse(v) else v)
        for k, v in vars(clf).items()
        if k.endswith("_") or k.startswith("_label")
    }


def _assert_same_state(clf, state):
    now = _state(clf)
    assert now.keys() == state.keys()
    for k, v in state.items():
        if isinstance(v, np.ndarray):
            assert_array_equal(now[k], v)
        elif k in ("coefs_", "intercepts_"):
            for a, b in zip(now[k], v):
                assert_array_equal(a.toarray() if sp.issparse(a) else a,
                                   b.toarray() if sp.issparse(b) else b)
        else:
            assert now[k] is v or now[k] == v, k


def _interrupt_after(monkeypatch, module, name, n_calls):
    """Make ``module.name`` raise KeyboardInterrupt on its ``n_calls``-th call."""
    original = getattr(module, name)
    calls = []

    def wrapper(*args, **kwargs):
        calls.append(1)
        if len(calls) >= n_calls:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)


def _interrupt_setattr(monkeypatch, module, n_calls):
    """Interrupt ``module``'s ``n_calls``-th setattr: fit dies half-way through setting attributes."""
    calls = []

    def wrapper(obj, name, value):
        calls.append(name)
        if len(calls) >= n_calls:
            raise KeyboardInterrupt
        builtins.setattr(obj, name, value)

    # A module global shadows the builtin inside that module only.
    monkeypatch.setattr(module, "setattr", wrapper, raising=False)


# Points in fit where the interrupt lands: during training, during pruning,
# during the CSR conversion, and half-way through setting the attributes.
INTERRUPTS = {
    "training": ("_data.memory", "loss_and_gradients", 5),
    "pruning": ("_prune.step", "remove_neurons", 1),
    "csr": ("_fit.finish", "to_csr", 2),
}


@pytest.mark.parametrize("where", [*INTERRUPTS, "attributes"])
@pytest.mark.parametrize("previous", [False, True], ids=["fresh", "fitted"])
def test_interrupted_fit_leaves_the_estimator_as_it_was(data, monkeypatch, where, previous):
    X, y = data
    clf = PrunedMLPClassifier(max_iter=20, retrain_iter=5, random_state=0,
                              neuron_threshold=0.05)
    if previous:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X[:, :4], y)  # other features: a half-written state shows
        expected = clf.predict_proba(X[:, :4])
    state = _state(clf)
    if where == "attributes":
        _interrupt_setattr(monkeypatch, skprune._net.inference, 5)
    else:
        module, name, n_calls = INTERRUPTS[where]
        _interrupt_after(monkeypatch, importlib.import_module("skprune." + module), name,
                         n_calls)
    with pytest.raises(KeyboardInterrupt), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(pd_frame(X), y)
    _assert_same_state(clf, state)
    if previous:
        assert_array_equal(clf.predict_proba(X[:, :4]), expected)
    else:
        with pytest.raises(NotFittedError):
            clf.predict(X)


def pd_frame(X):
    """X as a DataFrame, so that fit also sets feature_names_in_ before failing."""
    pd = pytest.importorskip("pandas")
    return pd.DataFrame(X, columns=["f%d" % i for i in range(X.shape[1])])


@pytest.mark.parametrize(
    "estimator, y, sample_weight, match",
    [
        (PrunedMLPClassifier(), [1, 1, 1], None, "at least 2 classes"),
        (PrunedMLPRegressor(), [1.0, 2.0, 3.0], [0.0, 0.0, 0.0], "non-zero"),
        (PrunedMLPRegressor(early_stopping=True), [1.0, 2.0, 3.0], None, "early_stopping"),
    ],
    ids=["classifier-one-class", "regressor-zero-weights", "regressor-early-stopping"],
)
def test_failed_fit_leaves_a_fresh_estimator_unfitted(estimator, y, sample_weight, match):
    # Regression: validate_data set n_features_in_ before the error, so
    # check_is_fitted passed and predict died with AttributeError.
    with pytest.raises(ValueError, match=match):
        estimator.fit(np.ones((3, 2)), y, sample_weight=sample_weight)
    assert not any(k.endswith("_") for k in vars(estimator))
    with pytest.raises(NotFittedError):
        estimator.predict(np.ones((3, 2)))


@pytest.mark.parametrize("delay", [0.0, 0.02, 0.05, 0.1, 0.2])
def test_real_keyboard_interrupt(data, delay):
    """A real SIGINT-style interrupt, landing wherever fit happens to be."""
    X, y = data
    clf = PrunedMLPClassifier(hidden_layer_sizes=(50,), max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X[:, :4], y)
        previous = clf.predict_proba(X[:, :4])
        clf.set_params(max_iter=300, tol=0.0)
        reference = PrunedMLPClassifier(**clf.get_params()).fit(X, y)
    timer = threading.Timer(delay, _thread.interrupt_main)
    interrupted = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            timer.start()
            try:
                clf.fit(X, y)
            finally:
                timer.join()
                time.sleep(0.01)  # let a late interrupt land inside the try
    except KeyboardInterrupt:
        interrupted = True
    if getattr(clf, "n_features_in_", None) == 4:  # rolled back
        assert interrupted
        assert_array_equal(clf.predict_proba(X[:, :4]), previous)
    else:  # fit had finished before the interrupt landed
        assert_array_equal(clf.predict_proba(X), reference.predict_proba(X))
        assert_nothing_non_finite(clf)


@pytest.mark.parametrize("activation", ["relu", "logistic", "tanh", "identity"])
def test_a_cut_off_network_becomes_an_exact_constant(activation):
    # Whichever neuron used to be kept for an emptied layer could carry dead
    # weights, and which one was kept could flip as the threshold grew
    # (sparsity_ then fell); a cut network is now stored as the constant it is.
    rng = np.random.default_rng(0)
    coefs = [rng.normal(size=(4, 3)), rng.normal(size=(3, 5)), rng.normal(size=(5, 2))]
    coefs[1][:, :] = 0  # hidden layer 1 receives nothing: the network is cut
    intercepts = [rng.normal(size=3), rng.normal(size=5), rng.normal(size=2)]
    masks = [W != 0 for W in coefs]
    assert is_cut_off(masks) and not is_cut_off([np.ones((4, 3), bool), np.ones((3, 2), bool)])
    X = rng.normal(size=(7, 4))
    new_coefs, new_intercepts, new_masks = constant_network(coefs, intercepts, activation)
    assert [W.shape for W in new_coefs] == [(4, 1), (1, 1), (1, 2)]
    assert not any(m.any() for m in new_masks)
    assert_allclose(
        forward(X, new_coefs, new_intercepts, activation, "softmax")[-1],
        forward(X, coefs, intercepts, activation, "softmax")[-1],
    )



def _tiny_gd_phase_problem(step):
    """A 4-3-1 network, its data and a 'gd' configuration at ``step``."""
    from skprune import PrunedMLPClassifier
    from skprune._data.memory import InMemoryData

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 4))
    Y = (X[:, :1] > 0).astype(float)
    data = InMemoryData(X, Y, np.ones(60))
    est = PrunedMLPClassifier(
        solver="gd", learning_rate_init=step, tol=0.0, n_iter_no_change=10**6
    )
    config = est._config("binary_log_loss", (4, 3, 1), sparsity=est.sparsity)
    coefs = [rng.normal(size=(4, 3)), rng.normal(size=(3, 1))]
    net = (coefs, [np.zeros(3), np.zeros(1)], [np.ones_like(c, dtype=bool) for c in coefs])
    return config, data, net


def test_a_retraining_phase_whose_loss_rises_does_not_stop_training():
    # Regression: a rise over a short retraining phase (fresh momentum right
    # after a pruning step) was taken for divergence, and every later phase
    # skipped training. A rise over the initial training means divergence;
    # over a retraining phase only a blow-up does (see the next test).
    from skprune._fit.loop import Phase, Record, train

    # The loss goes 0.617 -> 0.974 -> ... -> 0.751.
    config, data, net = _tiny_gd_phase_problem(5.0)

    # The same phase as initial training: its loss rises, so it diverged.
    initial = Record()
    with pytest.warns(ConvergenceWarning, match="rose"):
        train(config, data, None, initial, net, Phase(5, True, False))
    assert initial.diverged

    # As a retraining phase: the best weights of the phase, and training goes on.
    retrain = Record()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        best = train(config, data, None, retrain, net, Phase(5, False, False))
    assert not retrain.diverged
    loss = data.loss(best[0], best[1], "relu", "binary_log_loss", config.alpha)
    assert loss == pytest.approx(min(retrain.loss_curve))


def test_a_retraining_phase_that_blows_up_is_divergence():
    # Ending a hundredfold above the start (0.617 -> 2415) is no fresh-start
    # spike: warned, and the lowest-loss weights kept.
    from skprune._fit.loop import Phase, Record, train

    config, data, net = _tiny_gd_phase_problem(30.0)
    record = Record()
    with pytest.warns(ConvergenceWarning, match="rose from 0.617 to 2415"):
        best = train(config, data, None, record, net, Phase(5, False, False))
    assert record.diverged
    loss = data.loss(best[0], best[1], "relu", "binary_log_loss", config.alpha)
    assert loss == pytest.approx(min(record.loss_curve))


# --------------------------------------------------------------------------- #
# Warnings that name the real cause
# --------------------------------------------------------------------------- #
def _iris(scaled=True):
    from sklearn.datasets import load_iris
    from sklearn.preprocessing import StandardScaler

    X, y = load_iris(return_X_y=True)
    return (StandardScaler().fit_transform(X) if scaled else X), y


def test_a_cut_off_model_in_a_pipeline_gets_only_the_cut_warning():
    # Regression: a constant model (every path cut) also got "Training did
    # not learn ... unscaled features. Scale them", inside a StandardScaler
    # pipeline.
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skprune import PruningCollapseWarning

    X, y = _iris(scaled=False)
    pipe = make_pipeline(StandardScaler(), PrunedMLPClassifier(
        (8,), sparsity=0.999, max_iter=50, random_state=0))
    with pytest.warns(PruningCollapseWarning, match="cut every path.*Lower sparsity") as record:
        pipe.fit(X, y)
    assert not any("did not learn" in str(w.message) for w in record)


def test_l1_cutting_every_path_names_l1_alpha():
    from skprune import PruningCollapseWarning

    X, y = _iris()
    with pytest.warns(PruningCollapseWarning, match=r"Lower .*l1_alpha\."):
        PrunedMLPClassifier((16,), solver="gd", l1_alpha=100, random_state=0).fit(X, y)


def test_the_learning_check_compares_the_data_loss_not_the_penalised_one():
    # Regression: with l1_alpha=100 the penalised loss (13.8 with adam) was
    # compared with the prior's 1.099, while the data log-loss was 0.66 and
    # the accuracy 0.75.
    X, y = _iris()
    clf, caught = _fit(X, y, hidden_layer_sizes=(16,), l1_alpha=100, max_iter=200,
                       retrain_iter="auto")
    assert log_loss(y, clf.predict_proba(X)) < 0.9
    assert not any("did not learn" in m for m in _messages(caught, ConvergenceWarning))


def test_constant_features_are_named_as_the_cause():
    X, y = np.ones((60, 3)), np.arange(60) % 2
    with pytest.warns(ConvergenceWarning, match="Every feature is constant") as record:
        PrunedMLPClassifier((8,), max_iter=50, random_state=0).fit(X, y)
    assert not any("Scale them" in str(w.message) for w in record)


def test_no_learning_without_a_detectable_cause_lists_the_possible_ones():
    # Duplicated rows with conflicting labels: the prior is the best fit, so
    # the message must not assert that the features are unscaled.
    X = np.repeat(np.random.default_rng(0).normal(size=(10, 3)), 2, axis=0)
    y = np.tile([0, 1], 10)
    with pytest.warns(ConvergenceWarning, match="Possible causes: .*conflicting"):
        PrunedMLPClassifier((8,), max_iter=50, random_state=0).fit(X, y)


def test_a_warm_start_of_a_converged_model_is_not_divergence():
    # Regression: the second fit warned "Training diverged (a training loss
    # that rose from 0.0001016 to 0.000437) after 231 iterations" while the
    # model was fine and n_iter_ was 30.
    X, y = _iris()
    clf = PrunedMLPClassifier((32, 16), sparsity=0.8, warm_start=True, max_iter=30,
                              random_state=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, y)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf.fit(X, y)
    assert not any("diverged" in str(w.message) for w in caught)
    assert clf.score(X, y) == 1.0


def test_divergence_on_a_warm_start_counts_this_fits_iterations():
    X, y = _iris()
    clf = PrunedMLPClassifier((16,), solver="gd", warm_start=True, max_iter=30,
                              random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, y)
    clf.set_params(learning_rate_init=1e6)
    with pytest.warns(ConvergenceWarning, match="diverged") as record:
        clf.fit(X, y)
    message = next(str(w.message) for w in record if "diverged" in str(w.message))
    assert "after %d iterations" % clf.n_iter_ in message
    assert clf.n_iter_ < len(clf.loss_curve_)


# --------------------------------------------------------------------------- #
# compression_report, the dask client, the CLI header, warm-start sparsity
# --------------------------------------------------------------------------- #
def test_compression_report_reads_a_pipelines_last_step():
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skprune import compression_report

    X, y = _iris(scaled=False)
    pipe = make_pipeline(StandardScaler(), PrunedMLPClassifier(
        (8,), sparsity=0.5, max_iter=50, random_state=0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipe.fit(X, y)
    report, direct = compression_report(pipe), compression_report(pipe[-1])
    assert_array_equal(report.pop("layer_density"), direct.pop("layer_density"))
    assert report == direct
    with pytest.raises(NotFittedError):
        compression_report(make_pipeline(StandardScaler(), PrunedMLPClassifier()))


@pytest.mark.parametrize("kind", ["mlp", "pipeline", "other"])
def test_compression_report_refuses_what_it_cannot_read(kind):
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skprune import compression_report

    X, y = _iris()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp = MLPClassifier((8,), max_iter=20, random_state=0).fit(X, y)
    given = {"mlp": mlp, "pipeline": make_pipeline(StandardScaler(), mlp),
             "other": object()}[kind]
    with pytest.raises(TypeError, match="reads a PrunedMLPClassifier or PrunedMLPRegressor"):
        compression_report(given)


def test_compression_report_with_no_weight_left_is_inf():
    from skprune import PruningCollapseWarning, compression_report, format_report

    X, y = _iris()
    with pytest.warns(PruningCollapseWarning):
        clf = PrunedMLPClassifier((8,), sparsity=0.999, max_iter=50, random_state=0).fit(X, y)
    report = compression_report(clf)
    assert report["pruned_macs"] == report["n_weights_nonzero"] == 0
    assert report["compression_ratio"] == report["theoretical_speedup"] == np.inf
    assert "| compression_ratio | inf |" in format_report(report)


def test_dask_fit_without_a_client_gives_advice_that_works():
    da = pytest.importorskip("dask.array")
    distributed = pytest.importorskip("distributed")
    try:
        distributed.get_client()
        pytest.skip("a dask client is running in this process")
    except ValueError:
        pass
    X, y = _iris()
    with pytest.raises(ValueError, match="create one before calling fit") as info:
        PrunedMLPClassifier((4,), max_iter=5).fit(da.from_array(X), da.from_array(y))
    assert "client=" not in str(info.value)  # fit has no such argument


def test_cli_refuses_duplicate_column_names(tmp_path, capsys):
    from skprune._cli import main

    path = tmp_path / "dup.csv"
    path.write_text("a,a,c,label\n1,2,3,0\n2,1,3,1\n3,3,1,0\n1,1,1,1\n")
    assert main(["--data", str(path), "--target", "a"]) == 1
    assert "more than one column 'a'" in capsys.readouterr().err


def test_a_warm_start_asking_for_less_sparsity_warns():
    X, y = _iris()
    clf = PrunedMLPClassifier((8,), sparsity=0.9, warm_start=True, max_iter=50,
                              random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, y)
    reached = clf.sparsity_
    with pytest.warns(UserWarning, match="sparsity=0.5 cannot lower the model's"):
        clf.set_params(sparsity=0.5).fit(X, y)
    assert clf.sparsity_ >= reached
    # The same target again is no request for less.
    clf2 = PrunedMLPClassifier((8,), sparsity=0.9, warm_start=True, max_iter=50,
                               random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf2.fit(X, y)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf2.fit(X, y)
    assert not any("cannot lower" in str(w.message) for w in caught)


def test_a_warm_start_asking_for_less_neuron_sparsity_warns():
    X, y = _iris()
    clf = PrunedMLPClassifier((8,), neuron_sparsity=0.75, warm_start=True, max_iter=50,
                              random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, y)
    with pytest.warns(UserWarning, match="neuron_sparsity=0.25 cannot lower"):
        clf.set_params(neuron_sparsity=0.25).fit(X, y)
