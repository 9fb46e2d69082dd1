import numpy as np
import pytest

from skprune._net.network import forward
from skprune._net.surgery import disconnected_neurons, remove_neurons, to_csr


def _net(rng):
    coefs = [rng.normal(size=(4, 6)), rng.normal(size=(6, 5)), rng.normal(size=(5, 3))]
    intercepts = [rng.normal(size=6), rng.normal(size=5), rng.normal(size=3)]
    return coefs, intercepts


def test_removing_a_constant_neuron_changes_nothing():
    rng = np.random.default_rng(0)
    coefs, intercepts = _net(rng)
    coefs[0][:, 2] = 0  # neuron 2 of layer 0 now outputs tanh(b) for every sample
    masks = [c != 0 for c in coefs]
    X = rng.normal(size=(20, 4))
    before = forward(X, coefs, intercepts, "tanh", "softmax")[-1]
    keeps, fill = disconnected_neurons(coefs, intercepts, masks, "tanh")
    assert keeps[0].tolist() == [True, True, False, True, True, True]
    assert keeps[1].all()
    c, b, m = remove_neurons(coefs, intercepts, masks, keeps, fill)
    assert c[0].shape == (4, 5) and c[1].shape == (5, 5) and b[0].shape == (5,)
    after = forward(X, c, b, "tanh", "softmax")[-1]
    np.testing.assert_allclose(after, before, atol=1e-12)


def test_removing_a_neuron_with_no_outgoing_weights_changes_nothing():
    rng = np.random.default_rng(1)
    coefs, intercepts = _net(rng)
    coefs[1][3, :] = 0
    masks = [c != 0 for c in coefs]
    X = rng.normal(size=(20, 4))
    before = forward(X, coefs, intercepts, "relu", "softmax")[-1]
    c, b, m = remove_neurons(coefs, intercepts, masks, *disconnected_neurons(coefs, intercepts, masks, "relu"))
    assert c[1].shape == (5, 5)
    np.testing.assert_allclose(forward(X, c, b, "relu", "softmax")[-1], before, atol=1e-12)


def test_bias_folding_uses_the_mean_output():
    rng = np.random.default_rng(2)
    coefs, intercepts = _net(rng)
    masks = [c != 0 for c in coefs]
    X = rng.normal(size=(50, 4))
    # Make neuron 0 of layer 1 nearly constant: tiny incoming weights.
    coefs[1][:, 0] *= 1e-4
    acts = forward(X, coefs, intercepts, "tanh", "identity")
    keeps = [np.ones(6, bool), np.array([False, True, True, True, True])]
    means = [acts[1].mean(axis=0), acts[2].mean(axis=0)]
    c, b, _ = remove_neurons(coefs, intercepts, masks, keeps, means)
    after = forward(X, c, b, "tanh", "identity")[-1]
    np.testing.assert_allclose(after, acts[-1], atol=1e-3)
    # Dropping without folding would move the outputs by the neuron's contribution.
    unfolded = forward(X, c, b[:2] + [intercepts[2]], "tanh", "identity")[-1]
    assert np.abs(unfolded - acts[-1]).max() > 10 * np.abs(after - acts[-1]).max()


def test_a_layer_is_never_emptied():
    rng = np.random.default_rng(3)
    coefs, intercepts = _net(rng)
    coefs[1][:] = 0
    masks = [c != 0 for c in coefs]
    with pytest.warns(UserWarning, match="one neuron is kept"):
        keeps, _ = disconnected_neurons(coefs, intercepts, masks, "relu")
    assert keeps[0].sum() == 1


def test_to_csr_stores_no_zeros():
    W = np.array([[0.0, 1.0], [-0.0, 0.0]], dtype=np.float32)
    csr = to_csr(W)
    assert csr.nnz == 1 and csr.dtype == np.float32 and csr.format == "csr"


def test_surgery_returns_a_named_network_that_still_unpacks():
    from skprune._net.surgery import Network, constant_network, slice_neurons

    rng = np.random.default_rng(0)
    coefs, intercepts = _net(rng)
    masks = [np.ones(W.shape, bool) for W in coefs]
    keeps = [np.array([True, False, True, True, True, True]), np.ones(5, bool)]
    net = slice_neurons(coefs, intercepts, masks, keeps)
    assert isinstance(net, Network) and net.coefs[0].shape == (4, 5)
    c, b, m = net
    assert c is net.coefs and b is net.intercepts and m is net.masks
    assert m[1].shape == (5, 5)
    constant = constant_network(coefs, intercepts, "tanh")
    assert isinstance(constant, Network) and not any(x.any() for x in constant.masks)
