"""Training data on dask blocks: exact sums, input checks, lazy prediction, faults."""

import re
import threading
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from skprune import PrunedMLPClassifier, PrunedMLPRegressor
from skprune._net.network import loss_and_gradients, loss_value

distributed = pytest.importorskip("distributed")
da = pytest.importorskip("dask.array")

from skprune._data.dask_blocks import DaskData  # noqa: E402
from skprune._data.dask_inputs import (  # noqa: E402
    check_fit_inputs,
    predict_blocks,
    score_blocks,
)
from skprune._data.factory import is_dask_collection  # noqa: E402


def _dedicated_cluster():
    # In-process workers (threads): the real scheduler and protocol, no
    # subprocesses, a quick start.
    return distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
    )


@pytest.fixture(scope="module")
def client():
    with (
        _dedicated_cluster() as cluster,
        distributed.Client(cluster, timeout="30s") as client,
    ):
        yield client


def _problem(loss, n=203, n_features=7, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, n_features))
    if loss == "squared_error":
        Y = rng.normal(size=(n, 2))
        widths = [n_features, 5, 2]
    elif loss == "log_loss":
        Y = np.eye(3)[rng.randint(3, size=n)]
        widths = [n_features, 5, 3]
    else:
        Y = rng.randint(2, size=(n, 1)).astype(float)
        widths = [n_features, 5, 1]
    sw = rng.uniform(0, 2, size=n)
    coefs = [rng.normal(size=(a, b)) for a, b in zip(widths[:-1], widths[1:])]
    intercepts = [rng.normal(size=b) for b in widths[1:]]
    return X, Y, sw, coefs, intercepts


def _dask_data(client, X, Y, sw, chunks):
    return DaskData(
        da.from_array(X, chunks=(chunks, -1)),
        da.from_array(Y, chunks=(chunks, -1)),
        da.from_array(sw, chunks=(chunks,)),
        client=client,
    )


def _assert_close(actual, expected, rtol=1e-10):
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=1e-14)


@pytest.mark.parametrize("loss", ["log_loss", "binary_log_loss", "squared_error"])
@pytest.mark.parametrize("chunks", [203, 50, (7, 100, 96), 1])
def test_loss_and_gradients_equal_the_whole_array(client, loss, chunks):
    X, Y, sw, coefs, intercepts = _problem(loss)
    data = _dask_data(client, X, Y, sw, chunks)
    assert data.sw_sum == pytest.approx(sw.sum(), rel=1e-14)
    expected = loss_and_gradients(X, Y, sw, coefs, intercepts, "tanh", loss, 0.3)
    actual = data.loss_and_gradients(coefs, intercepts, "tanh", loss, 0.3)
    _assert_close(actual[0], expected[0])
    for got, want in zip(actual[1] + actual[2], expected[1] + expected[2]):
        _assert_close(got, want)
    _assert_close(
        data.loss(coefs, intercepts, "tanh", loss, 0.3),
        loss_value(X, Y, sw, coefs, intercepts, "tanh", loss, 0.3),
    )


def test_csr_layers_and_float32(client):
    X, Y, sw, coefs, intercepts = _problem("log_loss")
    coefs[0][np.abs(coefs[0]) < 0.7] = 0
    coefs = [sp.csr_array(coefs[0]), coefs[1]]
    data = _dask_data(client, X, Y, sw, 37)
    expected = loss_and_gradients(X, Y, sw, coefs, intercepts, "relu", "log_loss", 1e-2)
    actual = data.loss_and_gradients(coefs, intercepts, "relu", "log_loss", 1e-2)
    assert actual[1][0].shape == coefs[0].data.shape
    for got, want in zip(actual[1] + actual[2], expected[1] + expected[2]):
        _assert_close(got, want)
    # float32 data stays float32 on the workers: the same sum, float32 rounding.
    X32, Y32, sw32 = X.astype(np.float32), Y.astype(np.float32), sw.astype(np.float32)
    c32 = [W.astype(np.float32) for W in coefs]
    b32 = [b.astype(np.float32) for b in intercepts]
    data32 = _dask_data(client, X32, Y32, sw32, 37)
    got = data32.loss_and_gradients(c32, b32, "relu", "log_loss", 1e-2)
    want = loss_and_gradients(X32, Y32, sw32, c32, b32, "relu", "log_loss", 1e-2)
    assert got[2][0].dtype == np.float32
    np.testing.assert_allclose(got[0], want[0], rtol=1e-5)


def test_overflow_follows_the_callers_errstate(client):
    X, Y, sw, coefs, intercepts = _problem("squared_error")
    X = X * 1e200
    data = _dask_data(client, X, Y, sw, 50)
    args = (coefs, intercepts, "relu", "squared_error", 0.0)
    # As in memory: raised under errstate(over="raise") ...
    with np.errstate(over="raise", invalid="raise"):
        with pytest.raises(FloatingPointError):
            loss_and_gradients(X, Y, sw, *args)
        with pytest.raises(FloatingPointError):
            data.loss_and_gradients(*args)
        with pytest.raises(FloatingPointError):
            data.loss(*args)
    # ... and an infinite loss otherwise.
    with np.errstate(over="ignore", invalid="ignore"):
        assert data.loss(*args) == loss_value(X, Y, sw, *args) == np.inf


def test_dimensions_and_max_abs(client):
    X, Y, sw, *_ = _problem("log_loss")
    data = _dask_data(client, X, Y, sw, 60)
    assert (data.n_samples, data.n_features, data.n_outputs) == (203, 7, 3)
    assert data.dtype == np.float64 and data.n_blocks == 4
    assert data.max_abs() == np.abs(X).max()


def test_pruning_state_statistics_on_blocks(client):
    from skprune import PruningState

    X, Y, sw, coefs, intercepts = _problem("log_loss")
    masks = [np.ones(W.shape, dtype=bool) for W in coefs]
    data = _dask_data(client, X, Y, sw, (7, 100, 96))
    state = PruningState._on_data(data, coefs, intercepts, masks, "tanh", "log_loss")
    memory = PruningState(coefs, intercepts, masks, X, sw, "tanh", "log_loss", Y=Y,
                          chunk_size=13)
    assert type(state) is PruningState
    assert state.X is None  # no rows on the client
    with pytest.raises(TypeError, match="dask cluster"):
        _ = state.activations
    for name in ("mean_outputs", "output_variances", "hessian_diagonal", "gradients"):
        for got, want in zip(getattr(state, name), getattr(memory, name)):
            _assert_close(got, want)
    for got, want in zip(state.output_ranges, memory.output_ranges):
        assert got == want


def test_one_block_statistics_are_the_in_memory_ones(client):
    """One block: every number the in-memory source gives, bit for bit."""
    from skprune import PruningState
    from skprune._data.memory import InMemoryData

    X, Y, sw, coefs, intercepts = _problem("log_loss", n=600)
    masks = [np.ones(W.shape, dtype=bool) for W in coefs]
    data, memory = _dask_data(client, X, Y, sw, 600), InMemoryData(X, Y, sw)
    assert data.sw_sum == memory.sw_sum
    assert data.prior_loss("log_loss") == memory.prior_loss("log_loss")
    got = data.loss_and_gradients(coefs, intercepts, "relu", "log_loss", 0.3)
    want = memory.loss_and_gradients(coefs, intercepts, "relu", "log_loss", 0.3)
    assert got[0] == want[0]
    for g, w in zip(got[1] + got[2], want[1] + want[2]):
        np.testing.assert_array_equal(g, w)
    assert data.loss(coefs, intercepts, "relu", "log_loss", 0.3) == memory.loss(
        coefs, intercepts, "relu", "log_loss", 0.3)
    state = PruningState._on_data(data, coefs, intercepts, masks, "relu", "log_loss")
    local = PruningState(coefs, intercepts, masks, X, sw, "relu", "log_loss", Y=Y)
    for got, want in zip(state.hessian_diagonal, local.hessian_diagonal):
        np.testing.assert_array_equal(got, want)


def test_block_sum_sums_block_statistics(client):
    X, Y, sw, coefs, intercepts = _problem("log_loss")
    data = _dask_data(client, X, Y, sw, (7, 100, 96))

    def stats(Xb, Yb, swb):
        A = np.tanh(Xb @ coefs[0] + intercepts[0])
        return swb @ A, swb @ np.abs(A), float(swb.sum())

    means, abs_means, total = data.block_sum(stats)
    A = np.tanh(X @ coefs[0] + intercepts[0])
    _assert_close(means, sw @ A)
    _assert_close(abs_means, sw @ np.abs(A))
    _assert_close(total, sw.sum())


def test_inputs_checked_in_one_pass():
    rng = np.random.RandomState(0)
    X = da.from_array(rng.normal(size=(30, 3)), chunks=(7, 2))
    y = da.from_array(np.array(list("abc") * 10), chunks=11)
    Xc, yc, swc, facts = check_fit_inputs(X, y, classifier=True)
    assert Xc.chunks == ((7, 7, 7, 7, 2), (3,))
    assert yc.chunks == swc.chunks == ((7, 7, 7, 7, 2),)
    assert list(facts["seen"]) == ["a", "b", "c"]
    assert facts["sw_sum"] == 30
    np.testing.assert_array_equal(swc.compute(), np.ones(30))
    Xi, _, _, _ = check_fit_inputs(X.astype(int), y, classifier=True)
    assert Xi.dtype == Xi.compute().dtype == np.float64
    # A block of zero weights is fine (the whole data's weights are what count).
    zeros = da.from_array(np.r_[np.zeros(7), np.ones(23)], chunks=7)
    assert check_fit_inputs(X, y, zeros, classifier=True)[3]["sw_sum"] == 23

    bad = X.copy()
    bad[3, 1] = np.nan
    strings = da.from_array(np.array([["a"] * 3] * 30), chunks=10)
    # Every block goes through the in-memory checks: scikit-learn's messages.
    for args, kwargs in [
        ((bad, y), {}),
        ((X, y[:20]), {}),
        ((X[:, 0], y), {}),
        ((X, y, -da.ones(30, chunks=10)), {}),
        ((X, da.full(30, np.inf, chunks=10)), {"classifier": False}),
        ((strings, y), {}),
        ((X[:0], y[:0]), {}),
    ]:
        kwargs = {"classifier": True, **kwargs}
        with pytest.raises((ValueError, TypeError)) as in_memory:
            Est = PrunedMLPClassifier if kwargs["classifier"] else PrunedMLPRegressor
            Est().fit(*(a.compute() for a in args))
        with pytest.raises(type(in_memory.value), match=re.escape(
                str(in_memory.value).split(" by Pruned")[0].split("\n")[0])):
            check_fit_inputs(*args, **kwargs)


def test_dataframes_converted_with_known_chunks():
    dd = pytest.importorskip("dask.dataframe")
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"a": np.arange(20.0), "b": np.ones(20), "t": np.arange(20) % 2})
    ddf = dd.from_pandas(frame, npartitions=3)
    X, y, sw, facts = check_fit_inputs(ddf[["a", "b"]], ddf["t"], classifier=True)
    assert is_dask_collection(X)
    assert sum(X.chunks[0]) == 20 and len(X.chunks[0]) == 3
    assert list(facts["seen"]) == [0, 1]
    np.testing.assert_array_equal(X.compute(), frame[["a", "b"]].to_numpy())


def test_validation_split_on_blocks_is_seeded_and_stratified(client):
    y = np.tile([0, 1, 1, 2], 25)
    X, Y = np.arange(200.0).reshape(100, 2), np.eye(3)[y]

    def split(chunks, fraction, seed, stratify=lambda Y: Y.argmax(axis=1)):
        data = _dask_data(client, X, Y, np.ones(100), chunks)
        return data.split(fraction, np.random.RandomState(seed), stratify)

    train, val = split(30, 0.2, 0)
    again = split(30, 0.2, 0)[1]
    np.testing.assert_array_equal(val.X.compute(), again.X.compute())
    Xt, Xv = train.X.compute(), val.X.compute()
    assert len(Xt) + len(Xv) == 100 == train.n_samples + val.n_samples
    # The row chunks known without a pass are the true ones.
    for part in (train, val):
        for arr in (part.X, part.Y, part.sample_weight):
            assert [b.compute().shape[0] for b in arr.blocks] == list(arr.chunks[0])
    assert not set(Xt[:, 0]) & set(Xv[:, 0])
    # Roughly every class in proportion, in every block.
    counts = val.Y.compute().sum(axis=0)
    np.testing.assert_allclose(counts / counts.sum(), [0.25, 0.5, 0.25], atol=0.06)
    # Small blocks and a small fraction still give ceil(fraction * rows) per block.
    assert split(10, 0.04, 0)[1].X.chunks[0] == (1,) * 10
    other = split(30, 0.2, 1, stratify=lambda Y: None)[1].X.compute()
    assert not np.array_equal(other, Xv)


def test_lazy_prediction_and_score():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 4))
    y = np.array(["no", "yes"])[(X[:, 0] + X[:, 1] > 0).astype(int)]
    clf = PrunedMLPClassifier(hidden_layer_sizes=(8,), max_iter=40, random_state=0).fit(X, y)
    dX = da.from_array(X, chunks=(25, 4))
    for method in ["predict", "predict_proba", "predict_log_proba"]:
        lazy = predict_blocks(clf, dX, method)
        # The inference plan may pick another product form for a block than
        # for the whole array: equal up to rounding, labels exactly equal.
        if method == "predict":
            np.testing.assert_array_equal(lazy.compute(), clf.predict(X))
        else:
            np.testing.assert_allclose(
                lazy.compute(), getattr(clf, method)(X), rtol=1e-12, atol=1e-15
            )
    assert predict_blocks(clf, dX).chunks == ((25, 25, 25, 25, 20),)
    sw = rng.uniform(size=120)
    lazy = score_blocks(clf, dX, da.from_array(y, chunks=30), da.from_array(sw, chunks=7))
    assert is_dask_collection(lazy)
    assert float(lazy) == pytest.approx(clf.score(X, y, sample_weight=sw), rel=1e-12)
    with pytest.raises(ValueError, match="features"):
        predict_blocks(clf, dX[:, :3])

    Yr = np.c_[X[:, 0] * 2, X[:, 1] - X[:, 2]]
    reg = PrunedMLPRegressor(hidden_layer_sizes=(8,), max_iter=40, random_state=0).fit(X, Yr)
    lazy = score_blocks(reg, dX, da.from_array(Yr, chunks=(40, 2)), da.from_array(sw, chunks=7))
    assert float(lazy) == pytest.approx(reg.score(X, Yr, sample_weight=sw), rel=1e-10)


def test_worker_lost_between_calls_gives_the_same_numbers():
    X, Y, sw, coefs, intercepts = _problem("log_loss", n=400)
    with (
        _dedicated_cluster() as cluster,
        distributed.Client(cluster, timeout="30s") as client,
    ):
        # Blocks computed from a graph (not scattered): lineage to recompute from.
        data = DaskData(
            da.from_array(X, chunks=(40, -1)) * 1.0,
            da.from_array(Y, chunks=(40, -1)) * 1.0,
            da.from_array(sw, chunks=40) * 1.0,
            client=client,
        )
        before = data.loss_and_gradients(coefs, intercepts, "relu", "log_loss", 1e-3)
        holders = client.who_has(distributed.futures_of(data.X))
        victim = next(iter(holders.values()))[0]
        # An abrupt close: the blocks it held are gone, not handed over.
        client.sync(cluster.scheduler.remove_worker, victim, stimulus_id="test",
                    close=True)
        assert len(client.scheduler_info()["workers"]) == 1
        after = data.loss_and_gradients(coefs, intercepts, "relu", "log_loss", 1e-3)
    _assert_close(after[0], before[0], rtol=1e-12)
    for got, want in zip(after[1] + after[2], before[1] + before[2]):
        _assert_close(got, want, rtol=1e-12)


def test_cluster_gone_is_a_clear_error():
    X, Y, sw, coefs, intercepts = _problem("log_loss", n=60)
    cluster = distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0"
    )
    client = distributed.Client(cluster, timeout="5s")
    try:
        data = _dask_data(client, X, Y, sw, 20)
        address = cluster.scheduler_address
        cluster.close()
        with pytest.raises(ConnectionError, match=address.replace(".", r"\.")):
            data.loss_and_gradients(coefs, intercepts, "relu", "log_loss", 0.0)
    finally:
        client.close()
        cluster.close()


def test_no_client_is_a_clear_error(monkeypatch):
    def no_client():
        # What distributed.get_client says outside any cluster (the module's
        # client fixture may be alive in this process).
        raise ValueError("No global client found and no address provided")

    monkeypatch.setattr(distributed, "get_client", no_client)
    X, Y, sw, *_ = _problem("log_loss", n=20)
    with pytest.raises(ValueError, match="distributed Client"):
        DaskData(da.from_array(X), da.from_array(Y), da.from_array(sw))


@pytest.mark.parametrize("loss", ["log_loss", "binary_log_loss", "squared_error"])
@pytest.mark.parametrize("chunks", [203, (7, 100, 96)])
def test_validation_score_from_block_sums(client, loss, chunks):
    from sklearn.metrics import r2_score

    from skprune._classifier import _Accuracy
    from skprune._net.network import OUTPUT_ACTIVATIONS, predict_output
    from skprune._regressor import _R2

    X, Y, sw, coefs, intercepts = _problem(loss)
    data = _dask_data(client, X, Y, sw, chunks)
    scorer = _R2() if loss == "squared_error" else _Accuracy(loss)
    got = data.score(coefs, intercepts, "tanh", loss, scorer)
    P = predict_output(X, coefs, intercepts, "tanh", OUTPUT_ACTIVATIONS[loss])
    if loss == "log_loss":
        want = np.average(P.argmax(axis=1) == Y.argmax(axis=1), weights=sw)
    elif loss == "binary_log_loss":
        want = np.average(((P > 0.5) == (Y > 0.5)).all(axis=1), weights=sw)
    else:
        want = r2_score(Y, P, sample_weight=sw)
    if chunks == 203:  # one block: the in-memory number
        assert got == want
    assert got == pytest.approx(want, rel=1e-10)


def test_validation_split_of_a_dask_source(client):
    X, Y, sw, *_ = _problem("log_loss", n=200)
    data = _dask_data(client, X, Y, sw, 45)
    train, validation = data.split(0.25, 0, lambda Y: Y.argmax(axis=1))
    assert train.n_samples + validation.n_samples == 200
    assert 40 <= validation.n_samples <= 60
    assert train.sw_sum + validation.sw_sum == pytest.approx(sw.sum())
    small = _dask_data(client, X[:10], Y[:10], sw[:10], 10)
    with pytest.raises(ValueError, match="validation set of at least 2"):
        small.split(0.1, 0, lambda Y: None)


@pytest.mark.slow
def test_benchmark_runs_at_smoke_size():
    import importlib.util
    from pathlib import Path

    pytest.importorskip("psutil")
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_dask.py"
    spec = importlib.util.spec_from_file_location("bench_dask", path)
    module = importlib.util.module_from_spec(spec)
    import sys

    sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(module)
        text = module.main(["--rows", "4000", "--block-rows", "1000", "--repeats", "1",
                            "--features", "10", "--hidden", "8", "--classes", "3"])
    finally:
        sys.path.remove(str(path.parent))
    assert "| cluster / in memory (paired medians) |" in text
    assert "| model: no-op + broadcast" in text and "nan" not in text.lower()
    rows = [line for line in text.splitlines() if line.startswith("|")]
    assert len({r.count("|") for r in rows}) == 1


def test_gradient_descent_on_blocks_follows_the_in_memory_path(client):
    # Training is a sequence of these calls: 30 steps of gradient descent
    # from the same start end at the same weights, whatever the chunking.
    X, Y, sw, coefs, intercepts = _problem("log_loss", n=300)
    args = ("tanh", "log_loss", 1e-3)

    def descend(gradient):
        W, b = [c.copy() for c in coefs], [i.copy() for i in intercepts]
        for _ in range(30):
            _, gW, gb = gradient(W, b)
            W = [w - 0.3 * g for w, g in zip(W, gW)]
            b = [v - 0.3 * g for v, g in zip(b, gb)]
        return W + b

    memory = descend(lambda W, b: loss_and_gradients(X, Y, sw, W, b, *args))
    data = _dask_data(client, X, Y, sw, (1, 150, 149))
    blocks = descend(lambda W, b: data.loss_and_gradients(W, b, *args))
    for got, want in zip(blocks, memory):
        _assert_close(got, want)
    assert not np.allclose(memory[0], coefs[0])  # it did move


_BLOCK_STARTED, _BLOCKS_RELEASED = threading.Event(), threading.Event()


def _held_sums(X, Y, sw):
    # In-process workers share this module: the test sees the computation
    # start and loses a worker while every running block waits.
    _BLOCK_STARTED.set()
    assert _BLOCKS_RELEASED.wait(60)
    return sw @ X, float(sw.sum())


def test_worker_lost_during_a_computation_gives_the_same_numbers():
    X, Y, sw, *_ = _problem("log_loss", n=400)
    _BLOCK_STARTED.clear()
    _BLOCKS_RELEASED.clear()
    with (
        _dedicated_cluster() as cluster,
        distributed.Client(cluster, timeout="30s") as client,
    ):
        data = DaskData(
            da.from_array(X, chunks=(20, -1)) * 1.0,
            da.from_array(Y, chunks=(20, -1)) * 1.0,
            da.from_array(sw, chunks=20) * 1.0,
            client=client,
        )
        result = {}
        thread = threading.Thread(
            target=lambda: result.setdefault("sums", data.block_sum(_held_sums)))
        thread.start()
        try:
            assert _BLOCK_STARTED.wait(60)
            victim = list(client.scheduler_info()["workers"])[0]
            client.sync(cluster.scheduler.remove_worker, victim, stimulus_id="test",
                        close=True)
        finally:
            _BLOCKS_RELEASED.set()
        thread.join(60)
    assert len(result) == 1
    _assert_close(result["sums"][0], sw @ X)
    _assert_close(result["sums"][1], sw.sum())


# ---------------------------------------------------------------------- #
# The estimators on dask collections.
# ---------------------------------------------------------------------- #
def _fit_problem(n=240, n_features=6, seed=3):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, n_features))
    y_class = np.array(["a", "b", "c"])[(X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 0.8)]
    y_reg = np.c_[X[:, 0] - 2 * X[:, 1] ** 2, np.tanh(X[:, 2])]
    sw = rng.uniform(0.2, 2.0, size=n)
    return X, y_class, y_reg, sw


_PRUNING = dict(
    hidden_layer_sizes=(10,), max_iter=25, sparsity=0.6, neuron_sparsity=0.3,
    n_prune_steps=2, retrain_iter=4, finetune_iter=6, neuron_criterion="entropy",
    random_state=0,
)


def _max_relative_difference(a, b):
    """Largest ``|a - b|`` over all weights and biases, relative to the largest ``|a|``."""
    worst = 0.0
    for p, q in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        p = p.toarray() if sp.issparse(p) else p
        q = q.toarray() if sp.issparse(q) else q
        assert p.shape == q.shape
        worst = max(worst, np.abs(p - q).max() / max(np.abs(p).max(), 1e-300))
    return worst


def _assert_same_model(memory, blocks, rtol=1e-10):
    assert blocks.hidden_layer_sizes_ == memory.hidden_layer_sizes_
    for p, q in zip(memory.coefs_, blocks.coefs_):
        # The same pruning masks: the same stored entries.
        np.testing.assert_array_equal(p.indptr, q.indptr)
        np.testing.assert_array_equal(p.indices, q.indices)
    assert _max_relative_difference(memory, blocks) <= rtol
    assert blocks.n_iter_ == memory.n_iter_
    assert blocks.sparsity_ == memory.sparsity_
    np.testing.assert_allclose(blocks.loss_curve_, memory.loss_curve_, rtol=1e-10)


@pytest.mark.parametrize("solver", ["gd", "adam", "lbfgs"])
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_dask_fit_gives_the_in_memory_model(client, kind, solver):
    X, y_class, y_reg, _ = _fit_problem()
    Estimator, y = ((PrunedMLPClassifier, y_class) if kind == "classifier"
                    else (PrunedMLPRegressor, y_reg))
    criterion = "taylor" if solver != "adam" else "obd"
    params = dict(_PRUNING, solver=solver, criterion=criterion)
    memory = Estimator(**params).fit(X, y)
    assert 0.55 <= memory.sparsity_ < 1 and memory.hidden_layer_sizes_[0] <= 7
    for chunks in ((17, 100, 123), 41):
        blocks = Estimator(**params).fit(
            da.from_array(X, chunks=(chunks, 3)),
            da.from_array(y, chunks=(chunks,) + (-1,) * (y.ndim - 1)),
        )
        _assert_same_model(memory, blocks)
        assert blocks.n_features_in_ == 6 and not hasattr(blocks, "feature_names_in_")
    if kind == "classifier":
        assert list(blocks.classes_) == ["a", "b", "c"]


def test_dask_fit_with_sample_weight_float32_and_binary_labels(client):
    X, y_class, _, sw = _fit_problem()
    y = (y_class == "a").astype(int)
    params = dict(_PRUNING, solver="lbfgs", criterion="obd")
    memory = PrunedMLPClassifier(**params).fit(X, y, sample_weight=sw)
    blocks = PrunedMLPClassifier(**params).fit(
        da.from_array(X, chunks=(50, -1)), da.from_array(y, chunks=60),
        sample_weight=da.from_array(sw, chunks=70),
    )
    _assert_same_model(memory, blocks)
    unweighted = PrunedMLPClassifier(**params).fit(X, y)
    # The weights mattered (they may even change which neurons survive).
    assert np.abs(memory.predict_proba(X) - unweighted.predict_proba(X)).max() > 1e-3
    # float32 data trains a float32 network on the blocks too.
    X32 = X.astype(np.float32)
    memory = PrunedMLPClassifier(**params).fit(X32, y)
    blocks = PrunedMLPClassifier(**params).fit(
        da.from_array(X32, chunks=(50, -1)), da.from_array(y, chunks=50))
    assert blocks.coefs_[0].dtype == np.float32
    assert blocks.hidden_layer_sizes_ == memory.hidden_layer_sizes_
    assert _max_relative_difference(memory, blocks) < 1e-3


def test_dask_dataframe_input(client):
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    X, _, y_reg, _ = _fit_problem()
    frame = pd.DataFrame(X, columns=["f%d" % i for i in range(X.shape[1])])
    target = pd.Series(y_reg[:, 0], name="target")
    params = dict(_PRUNING, solver="adam")
    memory = PrunedMLPRegressor(**params).fit(frame, target)
    blocks = PrunedMLPRegressor(**params).fit(
        dd.from_pandas(frame, npartitions=3), dd.from_pandas(target, npartitions=3)
    )
    _assert_same_model(memory, blocks)
    np.testing.assert_array_equal(blocks.feature_names_in_, frame.columns)
    lazy = blocks.predict(dd.from_pandas(frame, npartitions=4))
    assert is_dask_collection(lazy)
    np.testing.assert_allclose(lazy.compute(), memory.predict(frame), rtol=1e-9)


def test_lazy_predict_and_score_through_the_estimators(client):
    X, y_class, y_reg, sw = _fit_problem()
    dX = da.from_array(X, chunks=(70, -1))
    clf = PrunedMLPClassifier(**_PRUNING).fit(X, y_class)
    for method in ("predict", "predict_proba", "predict_log_proba"):
        lazy = getattr(clf, method)(dX)
        assert is_dask_collection(lazy) and lazy.chunks[0] == dX.chunks[0]
        expected = getattr(clf, method)(X)
        if method == "predict":
            np.testing.assert_array_equal(lazy.compute(), expected)
        else:
            np.testing.assert_allclose(lazy.compute(), expected, rtol=1e-9, atol=1e-12)
    score = clf.score(dX, da.from_array(y_class, chunks=70), da.from_array(sw, chunks=70))
    assert is_dask_collection(score)
    assert float(score) == pytest.approx(clf.score(X, y_class, sample_weight=sw), abs=1e-12)
    reg = PrunedMLPRegressor(**_PRUNING).fit(X, y_reg)
    score = reg.score(dX, y_reg)
    assert is_dask_collection(score)
    assert float(score) == pytest.approx(reg.score(X, y_reg), rel=1e-9)
    with pytest.raises(ValueError, match="features"):
        reg.predict(dX[:, :4])


def test_early_stopping_on_blocks(client):
    X, y_class, _, _ = _fit_problem(n=400)
    est = PrunedMLPClassifier(
        hidden_layer_sizes=(6,), early_stopping=True, validation_fraction=0.2,
        max_iter=100, n_iter_no_change=5, retrain_iter=5, random_state=0,
    ).fit(da.from_array(X, chunks=(200, -1)), da.from_array(y_class, chunks=200))
    memory = PrunedMLPClassifier(**est.get_params()).fit(X, y_class)
    # Another split of the rows (per block), so another model, as good.
    assert len(est.validation_scores_) == est.n_iter_
    assert est.best_validation_score_ > memory.best_validation_score_ - 0.1
    assert est.best_loss_ is None
    # The split is seeded: the same random_state gives the same model.
    again = PrunedMLPClassifier(**est.get_params()).fit(
        da.from_array(X, chunks=(200, -1)), da.from_array(y_class, chunks=200))
    assert _max_relative_difference(est, again) == 0


def test_dask_fit_input_errors(client):
    X, y_class, y_reg, _ = _fit_problem(n=60)
    dX = da.from_array(X, chunks=(20, -1))
    bad = X.copy()
    bad[5, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        PrunedMLPClassifier().fit(da.from_array(bad, chunks=20), y_class)
    with pytest.raises(ValueError, match="at least 2 classes"):
        PrunedMLPClassifier().fit(dX, da.zeros(60, chunks=20))
    with pytest.raises(ValueError, match="Unknown label type"):
        PrunedMLPClassifier().fit(dX, da.from_array(X[:, 0], chunks=20))
    with pytest.raises(ValueError, match="too large"):
        PrunedMLPRegressor().fit(dX, da.from_array(y_reg * 1e160, chunks=20))
    with pytest.raises(ValueError, match="sum to inf"):
        PrunedMLPRegressor().fit(dX, y_reg, sample_weight=da.full(60, 1e307, chunks=20))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        PrunedMLPRegressor().fit(dX, y_reg[:50])
    est = PrunedMLPRegressor(max_iter=5)
    with pytest.raises(ValueError, match="Negative values"):
        est.fit(dX, y_reg, sample_weight=da.from_array(-np.ones(60), chunks=20))
    assert not hasattr(est, "n_features_in_")  # a failed fit leaves no trace


def _fit_in_thread(est, *args, **kwargs):
    outcome = {}

    def run():
        try:
            outcome["fitted"] = est.fit(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


class _PauseAtIteration:
    """A ``sklearn.callback`` that holds the fit after its n-th iteration.

    The test acts on the cluster while the fit waits, then lets it go on: the
    event happens mid-fit whatever the machine's speed.
    """

    def __init__(self, n):
        import threading

        self.n, self.seen = n, 0
        self.reached, self.resume = threading.Event(), threading.Event()

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context, **kwargs):
        if context.task_name == "iteration":
            self.seen += 1
            if self.seen == self.n:
                self.reached.set()
                assert self.resume.wait(120), "the test never resumed the fit"
        return False

    def release_after(self, action):
        """Wait for the pause, run ``action``, let the fit go on."""
        assert self.reached.wait(120), "the fit never reached the pause"
        try:
            action()
        finally:
            self.resume.set()


def test_worker_lost_mid_fit_gives_the_same_model():
    pytest.importorskip("sklearn.callback", reason="scikit-learn < 1.9")
    X, y_class, _, _ = _fit_problem()
    params = dict(_PRUNING, solver="gd", max_iter=40, criterion="taylor")
    memory = PrunedMLPClassifier(**params).fit(X, y_class)
    with _dedicated_cluster() as cluster, distributed.Client(cluster, timeout="30s") as c:
        pause = _PauseAtIteration(20)
        est = PrunedMLPClassifier(**params).set_callbacks(pause)
        thread, outcome = _fit_in_thread(
            est, da.from_array(X, chunks=(30, -1)), da.from_array(y_class, chunks=30))

        def lose_a_worker():
            victim = list(c.scheduler_info()["workers"])[0]
            c.sync(cluster.scheduler.remove_worker, victim, stimulus_id="test",
                   close=True)

        pause.release_after(lose_a_worker)
        thread.join(120)
    assert "error" not in outcome, outcome.get("error")
    _assert_same_model(memory, outcome["fitted"])


def test_cluster_gone_mid_fit_is_a_clear_error_and_leaves_the_estimator():
    pytest.importorskip("sklearn.callback", reason="scikit-learn < 1.9")
    X, y_class, _, _ = _fit_problem()
    params = dict(_PRUNING, solver="gd", max_iter=60, n_iter_no_change=np.inf)
    est = PrunedMLPClassifier(**dict(params, max_iter=5)).fit(X, y_class)
    pause = _PauseAtIteration(10)
    est.set_callbacks(pause)
    before = dict(est.__dict__)
    est.set_params(max_iter=60)
    with _dedicated_cluster() as cluster:
        client = distributed.Client(cluster, timeout="30s")
        thread, outcome = _fit_in_thread(
            est, da.from_array(X, chunks=(60, -1)), da.from_array(y_class, chunks=60))
        pause.release_after(client.close)
        thread.join(60)
    assert isinstance(outcome.get("error"), ConnectionError), outcome
    assert "dask" in str(outcome["error"])
    assert set(est.__dict__) == set(before)
    for name, value in before.items():
        if name != "max_iter":
            assert est.__dict__[name] is value, name


def test_pruning_path_on_blocks_gives_the_in_memory_path(client):
    from skprune import pruning_path

    X, y_class, _, sw = _fit_problem()
    params = dict(_PRUNING, neuron_sparsity=None)
    levels, memory = pruning_path(PrunedMLPClassifier(**params), X, y_class, [0.3, 0.6],
                                  sample_weight=sw)
    _, blocks = pruning_path(
        PrunedMLPClassifier(**params), da.from_array(X, chunks=(41, 3)),
        da.from_array(y_class, chunks=41), [0.3, 0.6], sample_weight=da.from_array(sw, 41))
    for m, b in zip(memory, blocks):
        _assert_same_model(m, b)
    assert [round(b.sparsity_, 2) for b in blocks] == [0.3, 0.6]


def test_small_chunks_warn_with_the_rechunking_that_helps(client):
    from skprune._data.dask_blocks import MIN_CHUNK_WORK

    X, y_class, _, _ = _fit_problem(n=60)
    params = dict(hidden_layer_sizes=(8,), max_iter=2, random_state=0)
    n_weights = X.shape[1] * 8 + 8 * len(np.unique(y_class))
    advised = min(60, int(np.ceil(MIN_CHUNK_WORK / n_weights)))
    with pytest.warns(UserWarning, match=r"6 row chunks of about 10 rows: with a network "
                      r"of %d weights.*X\.rechunk\(\{0: %d\}\)" % (n_weights, advised)):
        PrunedMLPClassifier(**params).fit(
            da.from_array(X, chunks=(10, -1)), da.from_array(y_class, chunks=10))
    # One chunk can be no larger: no warning, and none when each chunk's
    # work (rows x weights) reaches the threshold.
    with warnings.catch_warnings():
        warnings.filterwarnings("error", "X is in .* row chunks")
        PrunedMLPClassifier(**params).fit(da.from_array(X, chunks=(60, -1)), y_class)
        data = _dask_data(client, *_problem("log_loss", n=60)[:3], 30)
        data.check_chunks(int(np.ceil(MIN_CHUNK_WORK / 30)))
    with pytest.warns(UserWarning, match="2 row chunks of about 30 rows"):
        data.check_chunks(int(MIN_CHUNK_WORK / 30) - 1)
