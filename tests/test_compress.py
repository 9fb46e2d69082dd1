"""Weight sharing after pruning (private layer): codebooks, packing, fine-tune."""

import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_digits

from skprune import PrunedMLPClassifier
from skprune._data.memory import InMemoryData
from skprune._net.sharing import (
    fine_tune_codebooks,
    fit_codebook,
    magnitude_floor,
    share_layer,
)
from skprune._net.storage import (
    decode_layer,
    pack_codes,
    pack_gaps,
    pack_shared,
    stored_bytes,
    unpack_codes,
    unpack_gaps,
    unpack_shared,
)


@pytest.mark.parametrize("n_bits", [1, 2, 3, 5, 8, 12])
@pytest.mark.parametrize("n", [0, 1, 7, 1000])
def test_pack_codes_round_trip(n_bits, n):
    codes = np.random.default_rng(n_bits).integers(0, 2**n_bits, n)
    packed = pack_codes(codes, n_bits)
    assert packed.nbytes == (n * n_bits + 7) // 8
    np.testing.assert_array_equal(unpack_codes(packed, n, n_bits), codes)


@pytest.mark.parametrize("n_bits", [1, 3, 6])
def test_codebook_is_sorted_and_codes_point_to_nearest_of_same_sign(n_bits):
    values = np.random.default_rng(0).normal(size=500)
    codebook, codes = fit_codebook(values, n_bits, random_state=0)
    assert len(codebook) == 2**n_bits
    assert np.all(np.diff(codebook) > 0)
    # Signs are coded apart: a value's code is the nearest of its own sign.
    np.testing.assert_array_equal(np.sign(codebook[codes]), np.sign(values))
    same_sign = np.sign(values[:, None]) == np.sign(codebook[None, :])
    distance = np.where(same_sign, np.abs(values[:, None] - codebook[None, :]), np.inf)
    np.testing.assert_array_equal(codes, distance.argmin(1))
    # Codes are shared in proportion to the values of each sign.
    n_negative = int((codebook < 0).sum())
    assert abs(n_negative - 2**n_bits * (values < 0).mean()) <= 1


def test_codebook_of_one_sign_uses_every_code():
    values = np.random.default_rng(0).uniform(0.1, 1.0, 300)
    codebook, codes = fit_codebook(values, 2, random_state=0)
    assert len(codebook) == 4 and codebook.min() > 0
    assert len(np.unique(codes)) == 4


def test_few_distinct_values_are_kept_exactly():
    values = np.array([0.5, -2.0, 0.5, 3.0], dtype=np.float32)
    codebook, codes = fit_codebook(values, 4)
    assert codebook.dtype == np.float32
    np.testing.assert_array_equal(codebook[codes], values)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("density", [0.0, 0.02, 0.3, 1.0])
def test_shared_layer_decodes_to_pattern_and_codebook(dtype, density):
    W = sp.random_array((40, 30), density=density, format="csr", rng=1, dtype=dtype)
    shared = share_layer(W, 3, random_state=0)
    decoded = decode_layer(shared)
    assert decoded.dtype == dtype and decoded.shape == W.shape
    np.testing.assert_array_equal(decoded.indptr, W.indptr)
    np.testing.assert_array_equal(decoded.indices, W.indices)
    assert set(decoded.data) <= set(shared["codebook"])
    if W.nnz:
        assert np.abs(decoded.data - W.data).max() <= np.ptp(W.data) / 2
    # Smaller than the CSR arrays it replaces, pickled too.
    parts = stored_bytes([shared], [np.zeros(30, dtype)])
    if W.nnz > 50:
        assert parts["bits_per_weight"] < 8 * W.data.itemsize
        assert len(pickle.dumps(shared)) < W.data.nbytes + W.indices.nbytes


def test_fine_tune_lowers_the_training_loss_and_keeps_codes():
    X, y = load_digits(return_X_y=True)
    X, y = X[:300] / 16, y[:300]
    clf = PrunedMLPClassifier((20,), sparsity=0.8, max_iter=40, random_state=0)
    clf.fit(X, y)
    data = InMemoryData(X, np.eye(10)[y], np.ones(len(y)))
    shared = [share_layer(W, 2, random_state=0) for W in clf.coefs_]
    books, biases, losses, best = fine_tune_codebooks(
        data, shared, clf.intercepts_, clf.activation,
        "log_loss", clf.alpha, floor=0.05, n_iter=15,
    )
    assert losses[best] == min(losses) < losses[0]
    for book, s in zip(books, shared):
        # Signs kept, magnitudes at least the floor.
        np.testing.assert_array_equal(np.sign(book), np.sign(s["codebook"]))
        assert np.abs(book).min() >= 0.05
    for s, book in zip(shared, books):
        assert book.shape == s["codebook"].shape
        decoded = decode_layer(s, book)
        assert len(np.unique(decoded.data)) <= 4
    assert [b.shape for b in biases] == [b.shape for b in clf.intercepts_]


@pytest.mark.parametrize("density", [0.0, 0.001, 0.08, 0.5, 1.0])
@pytest.mark.parametrize("shape", [(1, 1), (300, 100), (7, 2000)])
def test_relative_pattern_round_trip(shape, density):
    W = sp.random_array(shape, density=density, format="csr", rng=3)
    packed = pack_gaps(W)
    indptr, indices = unpack_gaps(packed)
    np.testing.assert_array_equal(indptr, W.indptr)
    np.testing.assert_array_equal(indices, W.indices)
    assert int(packed["nnz"]) == W.nnz


def test_relative_pattern_beats_the_bit_mask_at_low_density():
    W = sp.random_array((784, 300), density=0.08, format="csr", rng=0)
    shared = share_layer(W, 4, random_state=0)
    assert "gaps" in shared["pattern"]
    assert shared["pattern"]["gaps"].nbytes < 0.6 * (784 * 300 / 8)
    decoded = decode_layer(shared)
    np.testing.assert_array_equal(decoded.indices, W.indices)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape, density", [
    ((40, 30), 0.0), ((40, 30), 0.02), ((40, 30), 0.5), ((300, 100), 0.05),
    ((1, 1), 1.0), ((5, 3000), 0.001),
])
def test_shared_layers_pack_into_one_buffer_and_back(dtype, shape, density):
    W = sp.random_array(shape, density=density, format="csr", rng=2, dtype=dtype)
    W.data -= 0.5
    layers = [share_layer(W, bits, random_state=0) for bits in (1, 3, 8)]
    buffer = pack_shared(layers)
    assert buffer.dtype == np.uint8 and buffer.ndim == 1
    back = unpack_shared(buffer.copy())
    assert len(back) == 3
    for a, b in zip(layers, back):
        A, B = decode_layer(a), decode_layer(b)
        assert B.dtype == dtype and B.shape == A.shape
        for part in ("data", "indices", "indptr"):
            np.testing.assert_array_equal(getattr(A, part), getattr(B, part))
    # Nothing but the header per layer on top of the arrays themselves.
    payload = sum(s["codebook"].nbytes + s["codes"].nbytes for s in layers)
    assert len(unpack_shared(pack_shared([]))) == 0
    assert buffer.nbytes >= payload


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("threshold", [0.0, 1e-3, 0.01, 0.1, 1 / 3, 100.0])
def test_magnitude_floor_passes_the_threshold_in_float64(dtype, threshold):
    floor = magnitude_floor(threshold, dtype)
    assert floor.dtype == dtype and float(floor) >= threshold and floor > 0
    # The smallest such value of the dtype.
    below = np.nextafter(floor, np.asarray(0, dtype=dtype))
    assert float(below) < threshold or below < np.finfo(dtype).tiny
