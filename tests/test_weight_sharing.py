"""``weight_bits``: weights shared through per-layer codebooks as a step of ``fit``."""

import copy
import pickle
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from skprune import (
    PrunedMLPClassifier,
    PrunedMLPRegressor,
    compression_report,
    format_report,
    pruning_path,
)
from skprune._net.network import predict_output
from skprune._net.storage import decode_layer


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    return train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)


def _fit(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y)


def _small(**params):
    params = {"sparsity": 0.8, "n_prune_steps": 2, **params}
    return PrunedMLPClassifier((24,), max_iter=40, random_state=0, **params)


def _regression(dtype=np.float64):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 6)).astype(dtype)
    Y = np.c_[X[:, 0] - 2 * X[:, 1], np.tanh(X[:, 2])].astype(dtype)
    return X, Y


@pytest.mark.parametrize("n_bits", [1, 2, 4, 8])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_each_layer_holds_at_most_2_to_the_bits_values(digits, n_bits, dtype):
    X_train, _, y_train, _ = digits
    X = X_train[:300].astype(dtype)
    clf = _fit(_small(weight_bits=n_bits, weight_threshold=0.01), X, y_train[:300])
    unshared = _fit(_small(weight_threshold=0.01), X, y_train[:300])
    for W, W_free in zip(clf.coefs_, unshared.coefs_):
        assert W.format == "csr" and W.dtype == dtype
        assert len(np.unique(W.data)) <= 2**n_bits
        # Sharing comes after the final prune: the same weights survive,
        # each keeps its sign and stays above the threshold.
        np.testing.assert_array_equal(W.indptr, W_free.indptr)
        np.testing.assert_array_equal(W.indices, W_free.indices)
        np.testing.assert_array_equal(np.sign(W.data), np.sign(W_free.data))
        assert np.abs(W.data).min() >= 0.01
    assert clf.sparsity_ == unshared.sparsity_


def test_predictions_come_from_the_shared_values(digits):
    X_train, X_test, y_train, _ = digits
    clf = _fit(_small(weight_bits=3), X_train[:300], y_train[:300])
    coefs = [decode_layer(s) for s in clf._shared_layers]
    for W, D, s in zip(clf.coefs_, coefs, clf._shared_layers):
        assert len(s["codebook"]) <= 8
        np.testing.assert_array_equal(W.toarray(), D.toarray())
    expected = predict_output(X_test, coefs, clf.intercepts_, clf.activation, "softmax")
    np.testing.assert_allclose(clf.predict_proba(X_test), expected, rtol=1e-12)


def test_fine_tune_continues_the_loss_curve(digits):
    X_train, _, y_train, _ = digits
    X, y = X_train[:300], y_train[:300]
    shared = _fit(_small(weight_bits=2), X, y)
    free = _fit(_small(), X, y)
    n = len(free.loss_curve_)
    # The same training, then the losses of the shared network's fine-tune
    # up to the kept step; n_iter_ counts them.
    assert shared.loss_curve_[:n] == free.loss_curve_
    tail = shared.loss_curve_[n:]
    assert len(tail) >= 1 and shared.n_iter_ == len(shared.loss_curve_)
    assert shared.loss_ == tail[-1] == min(tail)
    np.testing.assert_array_equal(shared.coefs_[0].indices, free.coefs_[0].indices)


def test_accuracy_on_digits_is_close_to_unshared(digits):
    X_train, X_test, y_train, y_test = digits
    params = dict(hidden_layer_sizes=(100,), sparsity=0.9, random_state=0)
    free = _fit(PrunedMLPClassifier(**params), X_train, y_train)
    shared = _fit(PrunedMLPClassifier(weight_bits=4, **params), X_train, y_train)
    assert [len(np.unique(W.data)) for W in shared.coefs_] == [16, 16]
    assert shared.score(X_test, y_test) >= free.score(X_test, y_test) - 0.01


def test_regressor_shares_too():
    X, Y = _regression(np.float32)
    est = PrunedMLPRegressor((16,), sparsity=0.7, max_iter=100, n_prune_steps=2,
                             weight_bits=2, random_state=0)
    est = _fit(est, X, Y)
    assert all(len(np.unique(W.data)) <= 4 for W in est.coefs_)
    assert est.predict(X).dtype == np.float32
    assert est.score(X, Y) > 0.5


def test_warm_start_continues_from_the_shared_values(digits):
    X_train, _, y_train, _ = digits
    X, y = X_train[:300], y_train[:300]
    clf = _fit(_small(weight_bits=2), X, y)
    layer_units = clf.layer_units_original_
    clf.set_params(warm_start=True)
    start, _, _ = clf._start_network(layer_units, X.dtype, np.random.RandomState(0),
                                     clf.sparsity)
    for W, S in zip(clf.coefs_, start):
        np.testing.assert_array_equal(W.toarray(), S)
    before = [W.toarray() != 0 for W in clf.coefs_]
    n_before = len(clf.loss_curve_)
    # Sharing again after more training: still 4 values, no weight revived.
    _fit(clf.set_params(max_iter=5, retrain_iter=3), X, y)
    assert len(clf.loss_curve_) > n_before
    for W, b in zip(clf.coefs_, before):
        assert len(np.unique(W.data)) <= 4
        if W.shape == b.shape:
            assert not np.any((W.toarray() != 0) & ~b)
    # Without weight_bits the next fit frees the values again.
    _fit(clf.set_params(weight_bits=None, max_iter=20), X, y)
    assert clf._shared_layers is None
    assert len(np.unique(clf.coefs_[0].data)) > 4


def test_a_constant_network_shares_its_empty_layers(digits):
    X_train, _, y_train, _ = digits
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = _small(weight_bits=2, weight_threshold=100.0, sparsity=None).fit(
            X_train[:200], y_train[:200])
    assert sum(W.nnz for W in clf.coefs_) == 0
    proba = clf.predict_proba(X_train[:5])
    np.testing.assert_allclose(proba, np.broadcast_to(proba[0], proba.shape))


@pytest.mark.parametrize("value", [0, 9, -1, 2.5, "4"])
@pytest.mark.parametrize("Estimator", [PrunedMLPClassifier, PrunedMLPRegressor])
def test_bad_weight_bits_are_refused(Estimator, value):
    X, Y = _regression()
    y = (Y[:, 0] > 0).astype(int) if Estimator is PrunedMLPClassifier else Y
    message = (r"The 'weight_bits' parameter of %s must be None or an int in the "
               r"range \[1, 8\]" % Estimator.__name__)
    with pytest.raises(InvalidParameterError, match=message):
        Estimator(weight_bits=value).fit(X, y)


def test_dask_fit_shares_like_the_in_memory_fit(digits):
    distributed = pytest.importorskip("distributed")
    da = pytest.importorskip("dask.array")
    X_train, _, y_train, _ = digits
    X, y = X_train[:300], y_train[:300]
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster, timeout="30s"),
    ):
        clf = _fit(_small(weight_bits=3), da.from_array(X, chunks=300),
                   da.from_array(y, chunks=300))
    memory = _fit(_small(weight_bits=3), X, y)
    for W, M in zip(clf.coefs_, memory.coefs_):
        assert len(np.unique(W.data)) <= 8
        np.testing.assert_array_equal(W.indices, M.indices)
        np.testing.assert_allclose(W.data, M.data, rtol=1e-6)


# --------------------------------------------------------------------- #
# Saved compactly: codebooks, packed codes and patterns, decoded on load.
# --------------------------------------------------------------------- #
def _assert_same_coefs(a, b):
    for W, V in zip(a.coefs_, b.coefs_, strict=True):
        assert W.dtype == V.dtype and W.shape == V.shape
        for part in ("data", "indices", "indptr"):
            np.testing.assert_array_equal(getattr(W, part), getattr(V, part))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_pickle_round_trip_is_exact_and_smaller(digits, dtype):
    X_train, X_test, y_train, _ = digits
    X = X_train.astype(dtype)
    params = dict(hidden_layer_sizes=(64,), sparsity=0.9, max_iter=60, random_state=0)
    free = _fit(PrunedMLPClassifier(**params), X, y_train)
    shared = _fit(PrunedMLPClassifier(weight_bits=4, **params), X, y_train)
    state = shared.__getstate__()
    assert "coefs_" not in state and state["_shared_layers"].dtype == np.uint8
    loaded = pickle.loads(pickle.dumps(shared))
    _assert_same_coefs(shared, loaded)
    for a, b in zip(shared.intercepts_, loaded.intercepts_):
        np.testing.assert_array_equal(a, b)
    X_test = X_test.astype(dtype)
    np.testing.assert_array_equal(loaded.predict_proba(X_test), shared.predict_proba(X_test))
    # Saved again, it is the same model: still shared, byte for byte the same state.
    again = loaded.__getstate__()
    assert set(again) == set(state)
    for key, value in state.items():
        assert pickle.dumps(again[key]) == pickle.dumps(value), key
    # The weights take a fraction of the unshared CSR arrays' bytes.
    weights = len(pickle.dumps(state["_shared_layers"]))
    free_weights = len(pickle.dumps(free.__getstate__()["coefs_"]))
    assert weights < free_weights / 2
    assert len(pickle.dumps(shared)) < len(pickle.dumps(free))


def test_skops_round_trip_is_exact_and_trusts_only_the_estimator(digits, tmp_path):
    sio = pytest.importorskip("skops.io")
    X_train, X_test, y_train, _ = digits
    shared = _fit(_small(weight_bits=3), X_train[:300], y_train[:300])
    path = tmp_path / "model.skops"
    sio.dump(shared, path)
    untrusted = sio.get_untrusted_types(file=path)
    assert untrusted == ["skprune._classifier.PrunedMLPClassifier"]
    loaded = sio.load(path, trusted=untrusted)
    _assert_same_coefs(shared, loaded)
    np.testing.assert_array_equal(loaded.predict_proba(X_test), shared.predict_proba(X_test))
    assert len(loaded.__getstate__()["_shared_layers"]) == len(
        shared.__getstate__()["_shared_layers"])


def test_copies_stay_shared_and_replaced_weights_are_saved_as_they_are(digits):
    X_train, X_test, y_train, _ = digits
    shared = _fit(_small(weight_bits=2), X_train[:300], y_train[:300])
    copied = copy.deepcopy(shared)
    _assert_same_coefs(shared, copied)
    assert "coefs_" not in copied.__getstate__()
    # Weights set by hand are no longer the shared ones: saved as CSR, predicted as set.
    copied.coefs_ = [W * 2 for W in copied.coefs_]
    state = copied.__getstate__()
    assert state["_shared_layers"] is None and "coefs_" in state
    loaded = pickle.loads(pickle.dumps(copied))
    _assert_same_coefs(copied, loaded)
    # (the loaded model goes through the inference plan, the edited one
    # through the generic pass: equal up to rounding)
    np.testing.assert_allclose(loaded.predict_proba(X_test), copied.predict_proba(X_test),
                               rtol=1e-9, atol=1e-300)
    assert not np.array_equal(loaded.predict_proba(X_test), shared.predict_proba(X_test))


# --------------------------------------------------------------------- #
# compression_report: bits per stored weight, bytes per part.
# --------------------------------------------------------------------- #
def test_compression_report_counts_the_shared_parts(digits):
    X_train, _, y_train, _ = digits
    X, y = X_train[:300].astype(np.float32), y_train[:300]
    shared = _fit(_small(weight_bits=3), X, y)
    free = _fit(_small(), X, y)
    report, plain = compression_report(shared), compression_report(free)
    nnz = report["n_weights_nonzero"]
    assert nnz == plain["n_weights_nonzero"] > 0
    assert report["weight_bits"] == 3 and plain["weight_bits"] is None
    layers = shared._shared_layers
    assert report["values_bytes"] == sum(s["codebook"].nbytes for s in layers) <= 2 * 8 * 4
    assert report["codes_bytes"] == sum((W.nnz * 3 + 7) // 8 for W in shared.coefs_)
    assert report["biases_bytes"] == sum(b.nbytes for b in shared.intercepts_)
    weights = report["values_bytes"] + report["codes_bytes"] + report["pattern_bytes"]
    assert report["stored_bytes"] == weights + report["biases_bytes"]
    assert report["bits_per_weight"] == pytest.approx(8 * weights / nnz)
    # What a saved model holds, up to a few bytes of header per layer.
    saved = shared.__getstate__()["_shared_layers"].nbytes
    assert abs(saved - weights) <= 64 * len(layers)
    # The plain CSR parts without sharing.
    assert plain["values_bytes"] == sum(W.data.nbytes for W in free.coefs_)
    assert plain["codes_bytes"] == 0
    assert plain["pattern_bytes"] == sum(W.indices.nbytes + W.indptr.nbytes
                                         for W in free.coefs_)
    assert plain["bits_per_weight"] > 32 > 3 + report["pattern_bytes"] * 8 / nnz
    assert report["stored_bytes"] < plain["stored_bytes"] / 3
    table = format_report(report)
    assert "| bits_per_weight |" in table and table.count("\n") == len(report) + 1


def test_compression_report_of_edited_or_empty_shared_models(digits):
    X_train, _, y_train, _ = digits
    shared = _fit(_small(weight_bits=2), X_train[:300], y_train[:300])
    shared.coefs_ = list(shared.coefs_)  # the same arrays: still shared
    assert compression_report(shared)["weight_bits"] == 2
    shared.coefs_ = [W.copy() for W in shared.coefs_]  # replaced: read as CSR
    assert compression_report(shared)["weight_bits"] is None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        empty = _small(weight_bits=2, weight_threshold=100.0, sparsity=None).fit(
            X_train[:200], y_train[:200])
    report = compression_report(empty)
    assert report["weight_bits"] == 2 and report["codes_bytes"] == 0
    assert np.isnan(report["bits_per_weight"])


def test_pruning_path_models_save_their_own_weights(digits):
    X_train, X_test, y_train, _ = digits
    est = _small(weight_bits=2, n_prune_steps=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        levels, models = pruning_path(est, X_train[:300], y_train[:300], [0.5, 0.8])
    top = models[-1]
    assert compression_report(top)["weight_bits"] == 2
    for model in models:
        loaded = pickle.loads(pickle.dumps(model))
        _assert_same_coefs(model, loaded)
        np.testing.assert_array_equal(loaded.predict_proba(X_test), model.predict_proba(X_test))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n_bits", [1, 3, 8])
def test_onnx_export_keeps_codebooks_and_predicts_the_same(digits, dtype, n_bits):
    skl2onnx = pytest.importorskip("skl2onnx")
    ort = pytest.importorskip("onnxruntime")
    from onnx import numpy_helper

    import skprune.onnx

    skprune.onnx.register()
    X_train, X_test, y_train, _ = digits
    X = X_train[:300].astype(dtype)
    files = {}
    for bits in (n_bits, None):
        clf = _fit(PrunedMLPClassifier((64,), sparsity=0.5, max_iter=40, n_prune_steps=2,
                                       weight_bits=bits, random_state=0), X, y_train[:300])
        onx = skl2onnx.to_onnx(clf, X[:1], options={"zipmap": False})
        session = ort.InferenceSession(onx.SerializeToString(),
                                       providers=["CPUExecutionProvider"])
        X_in = X_test.astype(dtype)
        _, proba = session.run(None, {session.get_inputs()[0].name: X_in})
        np.testing.assert_allclose(proba, clf.predict_proba(X_in),
                                   atol=1e-5 if dtype == np.float32 else 1e-12)
        files[bits] = (onx, clf)
    onx, clf = files[n_bits]
    size = len(onx.SerializeToString())
    if n_bits == 8:
        # On layers this small 256 shared values save nothing: floats kept
        # (the two models differ, so their files by a few bytes).
        assert size <= 1.01 * len(files[None][0].SerializeToString())
        return
    floats = [numpy_helper.to_array(t) for t in onx.graph.initializer
              if t.data_type in (1, 11)]
    # Codebooks, biases and a few constants per layer (the zero the mask
    # fills in, the powers of two that unpack the codes): no stored values.
    n_biases = sum(len(b) for b in clf.intercepts_)
    assert sum(a.size for a in floats) <= n_biases + sum(
        min(W.nnz, 2**n_bits) + 1 + n_bits for W in clf.coefs_) + 1
    books = [t for t in onx.graph.initializer if t.name.startswith("codebook")]
    assert len(books) == len(clf.coefs_)
    assert all(len(numpy_helper.to_array(t)) <= 2**n_bits for t in books)
    assert size < len(files[None][0].SerializeToString())


def test_onnx_export_of_a_very_sparse_layer_scatters_relative_positions():
    skl2onnx = pytest.importorskip("skl2onnx")
    ort = pytest.importorskip("onnxruntime")
    import skprune.onnx

    skprune.onnx.register()
    # A wide input layer at 3 % density: relative positions beat the bit mask.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 784)).astype(np.float32)
    y = (X[:, :10].sum(axis=1) > 0).astype(int) + (X[:, 10:20].sum(axis=1) > 0)
    clf = _fit(PrunedMLPClassifier((100,), sparsity=0.97, max_iter=20, n_prune_steps=1,
                                   neuron_threshold=0.0, weight_bits=3, random_state=0),
               X, y)
    assert "gaps" in clf._shared_layers[0]["pattern"]
    X_test = rng.normal(size=(50, 784))
    onx = skl2onnx.to_onnx(clf, X[:1], options={"zipmap": False})
    assert {"ScatterElements", "Compress", "Gather"} <= {n.op_type for n in onx.graph.node}
    session = ort.InferenceSession(onx.SerializeToString(),
                                   providers=["CPUExecutionProvider"])
    X_in = X_test.astype(np.float32)
    _, proba = session.run(None, {session.get_inputs()[0].name: X_in})
    np.testing.assert_allclose(proba, clf.predict_proba(X_in), atol=1e-5)
    # Smaller than the mask of the first layer alone would be with its values.
    W = clf.coefs_[0]
    assert len(onx.SerializeToString()) < W.shape[0] * W.shape[1] / 8 + 4 * W.nnz
