"""Pruning criteria and mask rules in isolation: no estimator is fitted here."""

import numpy as np
import pytest
from scipy import sparse

from skprune import (
    ActivationCriterion,
    EntropyCriterion,
    MagnitudeCriterion,
    NeuronTaylorCriterion,
    OBDCriterion,
    PruningState,
    RandomCriterion,
    RandomNeuronCriterion,
    TaylorCriterion,
    VarianceCriterion,
)
from skprune._net.network import forward, loss_and_gradients
from skprune._net.surgery import remove_neurons
from skprune._prune.criteria import NEURON_CRITERIA, WEIGHT_CRITERIA


def _network(rng, sizes=(5, 4, 3, 3)):
    coefs = [rng.normal(size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    intercepts = [rng.normal(size=b) * 0.1 for b in sizes[1:]]
    return coefs, intercepts


def _state(seed=0, n=12, activation="tanh", loss="log_loss", sample_weight=None, X=None):
    rng = np.random.RandomState(seed)
    coefs, intercepts = _network(rng)
    X = rng.normal(size=(n, 5)) if X is None else X
    n_out = coefs[-1].shape[1]
    if loss == "log_loss":
        Y = np.eye(n_out)[rng.randint(n_out, size=X.shape[0])]
    elif loss == "binary_log_loss":
        Y = (rng.uniform(size=(X.shape[0], n_out)) > 0.5).astype(float)
    else:
        Y = rng.normal(size=(X.shape[0], n_out))
    sw = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    masks = [np.ones(W.shape, dtype=bool) for W in coefs]
    return PruningState(coefs, intercepts, masks, X, sw, activation, loss, Y=Y, random_state=0)


def _repeated(state, counts):
    """The same state with every row repeated ``counts[i]`` times and unit weights."""
    return PruningState(
        state.coefs, state.intercepts, state.masks, np.repeat(state.X, counts, axis=0),
        np.ones(int(counts.sum())), state.activation, state.loss,
        Y=np.repeat(state.Y, counts, axis=0), random_state=0,
    )


def test_magnitude_is_absolute_value():
    state = _state()
    for s, W in zip(MagnitudeCriterion().scores(state), state.coefs):
        np.testing.assert_array_equal(s, np.abs(W))


def test_taylor_is_weight_times_exact_gradient():
    state = _state()
    scores = TaylorCriterion().scores(state)
    # Finite differences of the data loss (no L2 term) give the gradient.
    eps = 1e-6
    for layer, (j, k) in [(0, (1, 2)), (1, (3, 0)), (2, (2, 1))]:
        def loss_at(delta, layer=layer, j=j, k=k):
            coefs = [W.copy() for W in state.coefs]
            coefs[layer][j, k] += delta
            return loss_and_gradients(
                state.X, state.Y, state.sample_weight, coefs, state.intercepts,
                state.activation, state.loss, 0.0,
            )[0]
        g = (loss_at(eps) - loss_at(-eps)) / (2 * eps)
        w = state.coefs[layer][j, k]
        assert scores[layer][j, k] == pytest.approx(abs(w * g), rel=1e-5)


def _pre_activations(state, coefs):
    return forward(state.X, coefs, state.intercepts, state.activation, "identity")[-1]


@pytest.mark.parametrize("loss", ["log_loss", "binary_log_loss", "squared_error"])
def test_obd_hessian_is_gauss_newton_diagonal(loss):
    """Brute force: J^T H_out J per sample, J by finite differences of the outputs."""
    sw = np.arange(1.0, 13.0)
    state = _state(loss=loss, sample_weight=sw)
    P = state.activations[-1]
    eps = 1e-6
    for layer in range(3):
        W = state.coefs[layer]
        for j, k in [(0, 0), (W.shape[0] - 1, W.shape[1] - 1), (1, 1)]:
            plus = [c.copy() for c in state.coefs]
            minus = [c.copy() for c in state.coefs]
            plus[layer][j, k] += eps
            minus[layer][j, k] -= eps
            J = (_pre_activations(state, plus) - _pre_activations(state, minus)) / (2 * eps)
            if loss == "log_loss":
                H = [np.diag(p) - np.outer(p, p) for p in P]
            elif loss == "binary_log_loss":
                H = [np.diag(p * (1 - p)) for p in P]
            else:
                H = [np.eye(P.shape[1])] * len(P)
            expected = sum(s * J[i] @ H[i] @ J[i] for i, s in enumerate(sw)) / sw.sum()
            got = state.hessian_diagonal[layer][j, k]
            assert got == pytest.approx(expected, rel=1e-5, abs=1e-10)
    obd = OBDCriterion().scores(state)
    for s, H, W in zip(obd, state.hessian_diagonal, state.coefs):
        np.testing.assert_allclose(s, 0.5 * H * W**2)
        assert (s >= 0).all()


def test_obd_on_sparse_input_matches_dense():
    state = _state()
    sparse_state = PruningState(
        state.coefs, state.intercepts, state.masks, sparse.csr_array(state.X),
        state.sample_weight, state.activation, state.loss, Y=state.Y,
    )
    for a, b in zip(OBDCriterion().scores(state), OBDCriterion().scores(sparse_state)):
        np.testing.assert_allclose(a, b)


def test_random_scores_follow_random_state():
    a = RandomCriterion().scores(_state())
    b = RandomCriterion().scores(_state())
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
        assert ((x >= 0) & (x < 1)).all()
    other = _state()
    other.random_state = 1
    assert not np.array_equal(RandomCriterion().scores(other)[0], a[0])
    assert [s.shape for s in RandomNeuronCriterion().scores(_state())] == [(4,), (3,)]


def test_activation_is_weighted_mean_abs_output():
    sw = np.linspace(0.5, 2.0, 12)
    state = _state(sample_weight=sw)
    for s, A in zip(ActivationCriterion().scores(state), state.activations[1:-1]):
        np.testing.assert_allclose(s, np.average(np.abs(A), axis=0, weights=sw))


def test_entropy_counts_bits_of_the_output_histogram():
    # Hidden neuron 0 copies x (two values: one bit), neuron 1 is constant.
    X = np.array([[0.0], [1.0], [0.0], [1.0]])
    coefs = [np.array([[1.0, 0.0]]), np.ones((2, 1))]
    intercepts = [np.zeros(2), np.zeros(1)]
    masks = [np.ones(W.shape, bool) for W in coefs]
    state = PruningState(coefs, intercepts, masks, X, np.ones(4), "relu", "log_loss")
    np.testing.assert_allclose(EntropyCriterion().scores(state)[0], [1.0, 0.0])
    # Weighting one value 3:1 gives H(3/4, 1/4).
    state = PruningState(coefs, intercepts, masks, X, np.array([3.0, 1.0, 3.0, 1.0]),
                         "relu", "log_loss")
    h = -(0.75 * np.log2(0.75) + 0.25 * np.log2(0.25))
    np.testing.assert_allclose(EntropyCriterion().scores(state)[0], [h, 0.0])
    assert EntropyCriterion(n_bins=4).scores(_state())[0].max() <= 2.0


def test_variance_is_the_error_of_removing_and_folding():
    sw = np.linspace(0.5, 2.0, 12)
    state = _state(sample_weight=sw)
    scores = VarianceCriterion().scores(state)
    means = state.mean_outputs[0]
    for layer in range(2):
        for j in range(state.coefs[layer].shape[1]):
            keeps = [np.ones(W.shape[1], bool) for W in state.coefs[:-1]]
            keeps[layer][j] = False
            coefs, intercepts, _ = remove_neurons(
                state.coefs, state.intercepts, state.masks, keeps, means
            )
            # Pre-activations of the next layer, with the neuron and without it.
            before = state.activations[layer + 1] @ state.coefs[layer + 1]
            before += state.intercepts[layer + 1]
            kept = np.delete(state.activations[layer + 1], j, axis=1)
            after = kept @ coefs[layer + 1] + intercepts[layer + 1]
            rms = np.sqrt(np.average(((before - after) ** 2).sum(axis=1), weights=sw))
            assert scores[layer][j] == pytest.approx(rms, rel=1e-10)


def test_neuron_taylor_is_layer_normalised_group_score():
    state = _state()
    scores = NeuronTaylorCriterion().scores(state)
    for s, W, G in zip(scores, state.coefs, state.gradients):
        raw = ((W * G) ** 2).sum(axis=0)
        np.testing.assert_allclose(s, raw / raw.max())
        assert s.max() == 1.0


@pytest.mark.parametrize(
    "criterion",
    [TaylorCriterion(), OBDCriterion(), ActivationCriterion(), EntropyCriterion(),
     VarianceCriterion(), NeuronTaylorCriterion()],
    ids=repr,
)
def test_data_criteria_weight_equals_repetition(criterion):
    counts = np.array([1, 2, 0, 3, 1, 1, 2, 0, 1, 4, 1, 1])
    weighted = criterion.scores(_state(sample_weight=counts.astype(float)))
    repeated = criterion.scores(_repeated(_state(), counts))
    for a, b in zip(weighted, repeated):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_registries_build_immutable_criteria():
    for registry in (WEIGHT_CRITERIA, NEURON_CRITERIA):
        for name, cls in registry.items():
            criterion = cls()
            assert criterion == cls()
            assert name and repr(criterion).startswith(cls.__name__)
    with pytest.raises(AttributeError):
        EntropyCriterion().n_bins = 3
