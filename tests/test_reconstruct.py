"""Layer-wise least-squares reconstruction, tested without an estimator."""

import numpy as np
import pytest
import scipy.sparse as sp

from skprune._data.memory import InMemoryData
from skprune._net.network import forward
from skprune._net.surgery import Network, remove_neurons, slice_neurons
from skprune._prune.reconstruct import (
    Reference,
    check_gram_memory,
    gram_bytes,
    layer_statistics,
    reconstruct,
    remove_and_compensate,
    solve_layer,
)

ACTIVATIONS = ["relu", "tanh", "logistic", "identity"]


def make_net(sizes, rng, dtype=np.float64, bias=0.0):
    coefs = [rng.normal(size=(a, b)) / np.sqrt(a) for a, b in zip(sizes[:-1], sizes[1:])]
    intercepts = [bias + 0.1 * rng.normal(size=b) for b in sizes[1:]]
    return Network([W.astype(dtype) for W in coefs], [b.astype(dtype) for b in intercepts],
                   None)


def magnitude_pruned(net, share):
    """Each layer's ``share`` of smallest |w| masked out."""
    masks = [np.abs(W) >= np.quantile(np.abs(W), share) for W in net.coefs]
    return Network([W * m for W, m in zip(net.coefs, masks)], list(net.intercepts), masks)


def data_of(X, sw=None):
    sw = np.ones(X.shape[0]) if sw is None else sw
    return InMemoryData(X, None, sw)


def pre_activations(net, X, layer, activation):
    coefs, intercepts = net.coefs[: layer + 1], net.intercepts[: layer + 1]
    return forward(X, coefs, intercepts, activation, "identity")[-1]


def test_batched_solve_equals_per_output_solve():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(60, 12))
    A[:, 3] = 0.0  # an input that never varies: the ridge keeps its system regular
    A1, T = np.hstack([A, np.ones((60, 1))]), rng.normal(size=(60, 9))
    sw = rng.uniform(0.5, 2, 60)
    gram, cross = A1.T @ (A1 * sw[:, None]), A1.T @ (T * sw[:, None])
    mask = rng.random((12, 9)) < np.linspace(0.05, 0.95, 9)  # supports of all sizes
    mask[:, 0] = False  # an output left with its bias only
    ridge = 0.03
    lam = ridge * np.mean(np.diag(gram)[:12])
    expected_W, expected_b = np.zeros((12, 9)), np.zeros(9)
    for j in range(9):
        idx = np.append(np.flatnonzero(mask[:, j]), 12)
        penalty = np.diag(np.append(np.full(len(idx) - 1, lam), 0.0))
        x = np.linalg.solve(gram[np.ix_(idx, idx)] + penalty, cross[idx, j])
        expected_W[idx[:-1], j], expected_b[j] = x[:-1], x[-1]
    for budget in (1, 2**12, 2**25):  # one output at a time, a few, all at once
        W, b = solve_layer(gram, cross, mask, ridge=ridge, budget=budget)
        np.testing.assert_allclose(W, expected_W, rtol=0, atol=1e-10)
        np.testing.assert_allclose(b, expected_b, rtol=0, atol=1e-10)
        assert (W[~mask] == 0).all()


def test_unpenalised_solve_is_weighted_lstsq():
    rng = np.random.default_rng(1)
    A, T = rng.normal(size=(80, 10)), rng.normal(size=(80, 5))
    sw = rng.uniform(0.1, 3, 80)
    A1 = np.hstack([A, np.ones((80, 1))])
    mask = rng.random((10, 5)) < 0.5
    W, b = solve_layer(A1.T @ (A1 * sw[:, None]), A1.T @ (T * sw[:, None]), mask, ridge=0)
    root = np.sqrt(sw)[:, None]
    for j in range(5):
        idx = np.append(np.flatnonzero(mask[:, j]), 10)
        x = np.linalg.lstsq(A1[:, idx] * root, T[:, j] * root[:, 0], rcond=None)[0]
        np.testing.assert_allclose(W[idx[:-1], j], x[:-1], atol=1e-10)
        np.testing.assert_allclose(b[j], x[-1], atol=1e-10)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_dense_network_is_recovered_exactly(activation):
    # With every weight alive and no penalty, the reference's weights are
    # the least-squares solution of every layer: a perturbed copy comes back.
    rng = np.random.default_rng(2)
    X = rng.normal(size=(300, 6))
    # Layers no wider than their inputs: with identity, wider ones would be
    # linearly dependent and their weights not unique.
    reference = make_net([6, 6, 5, 3], rng, bias=0.5)
    start = Network([W + rng.normal(size=W.shape) for W in reference.coefs],
                    [b + 1.0 for b in reference.intercepts],
                    [np.ones(W.shape, bool) for W in reference.coefs])
    out = reconstruct(start, reference, data_of(X), activation, ridge=1e-13)
    for got, want in zip(out.coefs + out.intercepts, reference.coefs + reference.intercepts):
        np.testing.assert_allclose(got, want, atol=1e-7)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_reconstruction_keeps_masks_and_beats_pruning(activation):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(400, 10))
    reference = make_net([10, 16, 4], rng)
    pruned = magnitude_pruned(reference, 0.7)
    masks = [m.copy() for m in pruned.masks]
    out = reconstruct(pruned, reference, data_of(X), activation)
    assert out.masks is pruned.masks
    for W, m, kept in zip(out.coefs, out.masks, masks):
        np.testing.assert_array_equal(m, kept)
        assert (W[~m] == 0).all() and (W[m] != 0).all()
    target = pre_activations(reference, X, 1, activation)

    def error(net):
        return np.mean((pre_activations(net, X, 1, activation) - target) ** 2)

    assert error(out) < 0.8 * error(pruned)


def test_chunked_statistics_equal_one_chunk():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(97, 7))
    reference = make_net([7, 6, 3], rng)
    net = magnitude_pruned(reference, 0.5)
    data = data_of(X, rng.uniform(0, 2, 97))
    for layer in (0, 1):
        whole = layer_statistics(data, net, reference, layer, "tanh", chunk_size=97)
        chunked = layer_statistics(data, net, reference, layer, "tanh", chunk_size=10)
        for a, b in zip(whole, chunked):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_statistics_are_the_weighted_gram_and_cross_products():
    rng = np.random.default_rng(5)
    X, sw = rng.normal(size=(50, 4)), rng.uniform(0, 3, 50)
    reference = make_net([4, 5, 2], rng)
    net = magnitude_pruned(reference, 0.5)
    gram, cross = layer_statistics(data_of(X, sw), net, reference, 1, "relu")
    A = forward(X, net.coefs[:1], net.intercepts[:1], "relu", "relu")[-1]
    A1, w = np.hstack([A, np.ones((50, 1))]), sw / sw.sum()
    np.testing.assert_allclose(gram, A1.T @ (A1 * w[:, None]), atol=1e-13)
    T = pre_activations(reference, X, 1, "relu")
    np.testing.assert_allclose(cross, A1.T @ (T * w[:, None]), atol=1e-13)


def test_sample_weights_equal_row_repetition():
    rng = np.random.default_rng(6)
    X = rng.normal(size=(40, 5))
    counts = rng.integers(0, 4, 40)
    reference = make_net([5, 7, 3], rng)
    net = magnitude_pruned(reference, 0.6)
    weighted = reconstruct(net, reference, data_of(X, counts.astype(float)), "tanh")
    repeated = reconstruct(net, reference, data_of(np.repeat(X, counts, axis=0)), "tanh")
    for a, b in zip(weighted.coefs + weighted.intercepts, repeated.coefs + repeated.intercepts):
        np.testing.assert_allclose(a, b, atol=1e-10)


def test_sparse_input_equals_dense():
    rng = np.random.default_rng(7)
    X = rng.normal(size=(60, 8)) * (rng.random((60, 8)) < 0.3)
    reference = make_net([8, 6, 2], rng)
    net = magnitude_pruned(reference, 0.5)
    sw = rng.uniform(0.5, 1.5, 60)
    dense = reconstruct(net, reference, data_of(X, sw), "relu")
    sparse = reconstruct(net, reference, data_of(sp.csr_matrix(X), sw), "relu")
    for a, b in zip(dense.coefs + dense.intercepts, sparse.coefs + sparse.intercepts):
        np.testing.assert_allclose(a, b, atol=1e-11)


def test_float32_sums_in_float64_and_keeps_dtype():
    rng = np.random.default_rng(8)
    X = rng.normal(size=(200, 6))
    reference = make_net([6, 9, 3], rng)
    net = magnitude_pruned(reference, 0.5)
    as32 = [Network(*([a.astype(np.float32) for a in part] for part in n[:2]), n.masks)
            for n in (net, reference)]
    gram, cross = layer_statistics(data_of(X.astype(np.float32)), *as32, 0, "relu")
    assert gram.dtype == cross.dtype == np.float64
    gram64, cross64 = layer_statistics(data_of(X), net, reference, 0, "relu")
    np.testing.assert_allclose(gram, gram64, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(cross, cross64, rtol=1e-4, atol=1e-5)
    out = reconstruct(*as32[:1], as32[1], data_of(X.astype(np.float32)), "relu")
    assert all(a.dtype == np.float32 for a in out.coefs + out.intercepts)


def test_compensating_a_removal_beats_folding_and_slicing():
    rng = np.random.default_rng(9)
    X = rng.normal(size=(300, 6))
    net = make_net([6, 12, 4], rng)
    net = Network(net.coefs, net.intercepts, [np.ones(W.shape, bool) for W in net.coefs])
    keep = np.arange(12) % 3 != 0
    target = pre_activations(net, X, 1, "tanh")
    A = forward(X, net.coefs[:1], net.intercepts[:1], "tanh", "tanh")[-1]

    def error(candidate):
        return np.mean((pre_activations(candidate, X, 1, "tanh") - target) ** 2)

    compensated = remove_and_compensate(net, data_of(X), "tanh", [keep], ridge=1e-8)
    folded = Network(*remove_neurons(*net, [keep], [A.mean(axis=0)]))
    sliced = Network(*remove_neurons(*net, [keep], [np.zeros(12)]))
    assert compensated.coefs[1].shape == (8, 4)
    np.testing.assert_array_equal(compensated.coefs[0], folded.coefs[0])
    assert error(compensated) < 0.9 * error(folded) < 0.9 * error(sliced)


def test_narrower_network_needs_kept():
    rng = np.random.default_rng(10)
    reference = make_net([3, 5, 2], rng)
    sliced = Network([reference.coefs[0][:, :4], reference.coefs[1][:4]],
                     [reference.intercepts[0][:4], reference.intercepts[1]], None)
    with pytest.raises(ValueError, match="pass `kept`"):
        reconstruct(sliced, reference, data_of(rng.normal(size=(20, 3))), "relu")


class _NoPasses:
    """A data source that fails any pass over its rows."""

    def reduce(self, *args, **kwargs):
        raise AssertionError("a pass over the data ran")


def test_too_large_gram_is_refused_before_any_pass():
    rng = np.random.default_rng(11)
    reference = make_net([30, 4, 2], rng)
    assert gram_bytes(30) == 8 * 31**2
    check_gram_memory([30, 4], gram_bytes(30))  # at the limit: accepted
    with pytest.raises(MemoryError, match="layer 0 .30 inputs.*gradient retraining"):
        reconstruct(reference, reference, _NoPasses(), "relu",
                    max_gram_bytes=gram_bytes(30) - 1)


def test_dask_source_gives_the_in_memory_statistics():
    distributed = pytest.importorskip("distributed")
    da = pytest.importorskip("dask.array")
    from skprune._data.dask_blocks import DaskData

    rng = np.random.default_rng(12)
    X, sw = rng.normal(size=(90, 5)), rng.uniform(0.5, 2, 90)
    reference = make_net([5, 6, 2], rng)
    net = magnitude_pruned(reference, 0.5)
    expected = reconstruct(net, reference, data_of(X, sw), "relu")
    with (
        distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                 dashboard_address=None) as cluster,
        distributed.Client(cluster, timeout="30s") as client,
    ):
        data = DaskData(da.from_array(X, chunks=(30, 5)), da.zeros((90, 1), chunks=(30, 1)),
                        da.from_array(sw, chunks=30), client=client)
        got = reconstruct(net, reference, data, "relu")
    for a, b in zip(got.coefs + got.intercepts, expected.coefs + expected.intercepts):
        np.testing.assert_allclose(a, b, atol=1e-11)


def test_cached_first_layer_statistics_give_the_same_refit():
    rng = np.random.default_rng(13)
    X, sw = rng.normal(size=(120, 6)), rng.uniform(0.5, 2, 120)
    reference = make_net([6, 7, 5, 2], rng)
    data = data_of(X, sw)
    keeps = [np.arange(7) != 3, np.arange(5) != 0]
    pruned = magnitude_pruned(reference, 0.5)
    smaller = Network(*slice_neurons(pruned.coefs, pruned.intercepts, pruned.masks, keeps))
    ref = Reference(reference)
    first = ref.refit(pruned, data, "tanh")  # fills the cache
    assert "first" in ref.cache
    follow = ref.follow([keeps])
    assert [list(k) for k in follow.kept] == [list(np.flatnonzero(k)) for k in keeps]
    assert ref.kept[0].size == 7  # the old reference is unchanged
    for got, expected in ((first, reconstruct(pruned, reference, data, "tanh")),
                          (follow.refit(smaller, data, "tanh"),
                           reconstruct(smaller, reference, data, "tanh", kept=follow.kept))):
        for a, b in zip(got.coefs + got.intercepts, expected.coefs + expected.intercepts):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-13)


def test_a_layer_whose_inputs_are_all_zero_is_solved():
    # Every hidden neuron dead (relu of negative pre-activations): the next
    # layer's inputs are all zero, and only the bias can fit its targets.
    rng = np.random.default_rng(14)
    X = rng.normal(size=(50, 3))
    reference = make_net([3, 4, 2], rng)
    dead = Network([reference.coefs[0] * 0, reference.coefs[1]],
                   [np.full(4, -1.0), reference.intercepts[1]], None)
    out = reconstruct(dead, reference, data_of(X), "relu", layers=[1])
    targets = pre_activations(reference, X, 1, "relu")
    np.testing.assert_allclose(out.intercepts[1], targets.mean(axis=0), rtol=1e-10)
    assert np.all(out.coefs[1] == 0)
