"""Layer-wise least-squares reconstruction: a pruned network refitted without a gradient step.

Post-training pruning refits each layer instead of retraining the network
(Optimal Brain Compression, Frantar, Singh & Alistarh 2022; SparseGPT,
Frantar & Alistarh 2023; Net-Trim, Aghasi et al. 2017). Given a pruned
network and a *reference* (the network before pruning began), layer ``l``
is refitted on the pruned network's own inputs ``A`` (the outputs of its
already refitted layers ``< l``): every output neuron ``j`` gets the
surviving weights ``w`` and bias that minimise

    sum_i s_i (a_i[S_j] . w + b - t_ij) ** 2 / sum(s) + lam * ||w|| ** 2

where ``S_j`` are the alive entries of column ``j`` of the layer's mask and
``t_ij`` the reference's pre-activation of that neuron on row ``i``. The
normal equations need only the layer's Gram matrix ``G = [A 1]^T diag(s) [A
1]`` and cross-products ``C = [A 1]^T diag(s) T`` (:func:`layer_statistics`):
sums over rows, accumulated in float64 over row chunks through the data
source's ``reduce`` (so in bounded memory, and over dask blocks unchanged).

Nothing here knows an estimator: networks travel as
:class:`skprune._net.surgery.Network` values, pruned entries stay exactly zero and the
masks are never changed.
"""

import numpy as np
import scipy.sparse as sp
from scipy.linalg.blas import dsyrk
from sklearn.utils.extmath import safe_sparse_dot

from .._net.network import forward
from .._net.surgery import Network, slice_neurons, to_csr

#: The largest Gram matrix, in bytes, that :func:`layer_statistics` builds:
#: a layer of ``fan_in`` inputs needs ``(fan_in + 1) ** 2 * 8`` bytes, held
#: about three times while its row chunks are added up (the running sum, a
#: chunk's part, and the stacked systems of :func:`solve_layer`). 1 GiB is a
#: fan-in of 11,584; MNIST's 784 inputs need 4.8 MiB.
MAX_GRAM_BYTES = 2**30

#: Bytes of stacked normal equations that :func:`solve_layer` gathers and
#: solves at once. The outputs are solved in chunks of at most this much
#: (a single output's system is solved alone if it is larger). 32 MiB holds
#: the systems of 650 outputs with 80 surviving inputs each, and a batch of
#: that size runs LAPACK at full speed: on a 2-core EPYC the batched solve of
#: MNIST's first layer at sparsity 0.9 took 0.02 s against 0.03 s for a
#: Python loop over its 300 outputs and 0.3 s for the Gram matrix.
SOLVE_BYTES = 2**25

#: Bytes of layer inputs that one row chunk of the statistics holds (float64).
#: Larger chunks make the Gram's rank-k updates run at full BLAS speed
#: (1,024 rows of 785 inputs: 0.22 s for 8,000 rows against 0.25 s with
#: 256-row chunks); the memory they cost is small next to the Gram.
STATS_CHUNK_BYTES = 2**23


#: The default ridge penalty, relative to the mean second moment of a layer's
#: inputs. On MNIST-10k, (300, 100), 3 seeds, 1e-3 reconstructed 0.04 to
#: 0.19 points more accurately than 1e-2 at sparsities 0.9 to 0.98, 0.5 to
#: 0.8 more than 1e-1, and within 0.02 of 1e-4; on digits and a regression
#: set 1e-4 to 1e-2 were within 0.15 points / 0.0002 R² of each other
#: (benchmarks/results/bench_reconstruct.md).
RIDGE = 1e-3


def gram_bytes(fan_in):
    """Bytes of the float64 Gram matrix of a layer with ``fan_in`` inputs (bias included).

    Examples
    --------
    >>> from skprune._prune.reconstruct import gram_bytes
    >>> gram_bytes(784)
    4929800
    """
    return 8 * (int(fan_in) + 1) ** 2


def check_gram_memory(fan_ins, max_gram_bytes=None):
    """Raise a MemoryError, before any pass over the data, if a layer's Gram is too large.

    Parameters
    ----------
    fan_ins : sequence of int
        Every layer's number of inputs (a network's ``layer_units[:-1]``).
    max_gram_bytes : int, default=None
        The limit; None reads :data:`MAX_GRAM_BYTES` at the call.

    Examples
    --------
    >>> from skprune._prune.reconstruct import check_gram_memory
    >>> check_gram_memory([784, 300, 100])
    >>> check_gram_memory([784, 300, 100], max_gram_bytes=2**20)
    Traceback (most recent call last):
    ...
    MemoryError: Least-squares reconstruction of layer 0 (784 inputs) needs a Gram ...
    """
    limit = MAX_GRAM_BYTES if max_gram_bytes is None else max_gram_bytes
    for layer, fan_in in enumerate(fan_ins):
        need = gram_bytes(fan_in)
        if need > limit:
            raise MemoryError(
                "Least-squares reconstruction of layer %d (%d inputs) needs a Gram "
                "matrix of %.1f MiB, more than the limit of %.1f MiB. Prune this "
                "network with gradient retraining instead (reconstruct=False), or "
                "reduce its number of inputs (e.g. with a feature selection step)."
                % (layer, fan_in, need / 2**20, limit / 2**20)
            )


def _as_indices(kept, width):
    """Reference-neuron indices from a keep-mask or index array (None: all ``width``)."""
    if kept is None:
        return np.arange(width)
    kept = np.asarray(kept)
    return np.flatnonzero(kept) if kept.dtype == bool else kept.astype(np.intp)


class _LayerSums:
    """Per-chunk Gram and cross-products of one layer (picklable: it travels to dask workers).

    Returns the upper triangle of ``A^T diag(s) A`` (``A`` the pruned
    network's inputs of the layer), ``A^T s``, ``sum(s)``, ``A^T diag(s) T``
    and ``s^T T`` (``T`` the reference's pre-activations of the kept
    neurons), all float64.
    """

    def __init__(self, net, reference, layer, activation, targets):
        # CSR: the forward products then take the sparse kernel where it is
        # faster for the layer's density (see _products.layer_dot).
        self.coefs = [to_csr(W) for W in net.coefs[:layer]]
        self.intercepts = list(net.intercepts[:layer])
        self.ref_coefs = list(reference.coefs[: layer + 1])
        self.ref_intercepts = list(reference.intercepts[: layer + 1])
        self.activation, self.targets = activation, targets

    def __call__(self, X, Y, sw):
        sw = np.asarray(sw, dtype=np.float64)
        A = X
        if self.coefs:
            A = forward(X, self.coefs, self.intercepts, self.activation, self.activation)[-1]
        T = forward(X, self.ref_coefs, self.ref_intercepts, self.activation, "identity")[-1]
        T = np.asarray(T[:, self.targets], dtype=np.float64)
        if sp.issparse(A):
            A = sp.csr_array(A, dtype=np.float64)
            weighted = sp.csr_array(A.multiply(sw[:, np.newaxis]))
            gram = np.triu(np.asarray(safe_sparse_dot(A.T, weighted, dense_output=True)))
            a_sum = np.asarray(weighted.sum(axis=0)).ravel()
        else:
            A = np.asarray(A, dtype=np.float64)
            # syrk: the upper triangle only, half the multiply-adds of A^T A.
            gram = dsyrk(1.0, A * np.sqrt(sw)[:, np.newaxis], trans=1)
            a_sum = sw @ A
        cross = np.asarray(safe_sparse_dot(A.T, T * sw[:, np.newaxis], dense_output=True))
        return gram, a_sum, np.array([sw.sum()]), cross, sw @ T


def layer_statistics(data, net, reference, layer, activation, kept=None, chunk_size=None,
                     cache=None):
    """Gram matrix and cross-products of layer ``layer``, summed over the rows of ``data``.

    Parameters
    ----------
    data : DataSource
        The training rows (:mod:`skprune._data.memory`); its ``reduce`` runs the row
        chunks, in memory or on dask blocks. Its weights are
        ``sample_weight / sum(sample_weight)``, so the sums are weighted means.
    net : Network
        The pruned network; its layers ``< layer`` give the inputs ``A``.
    reference : Network
        The network before pruning; its pre-activations of layer ``layer``
        are the targets ``T``.
    layer : int
        The layer (0 is the one fed by ``X``).
    activation : str
        Hidden activation of both networks.
    kept : ndarray of int or bool, default=None
        Which of the reference's neurons of layer ``layer`` the network's
        neurons are (None: all, the widths agree).
    chunk_size : int, default=None
        Rows per chunk; by default about :data:`STATS_CHUNK_BYTES` of inputs.
    cache : dict, default=None
        Where the first layer's statistics are kept between calls with the
        same ``data`` and ``reference``: its inputs are ``X`` however the
        network is pruned, and its targets the reference's, so a later
        pruning step needs no pass over the data for it.

    Returns
    -------
    gram : ndarray of shape (fan_in + 1, fan_in + 1)
        ``[A 1]^T diag(s) [A 1]`` in float64; the last row and column are
        the bias's.
    cross : ndarray of shape (fan_in + 1, fan_out)
        ``[A 1]^T diag(s) T`` in float64.
    """
    fan_in = net.coefs[layer].shape[0]
    targets = _as_indices(kept, reference.coefs[layer].shape[1])
    if layer == 0 and cache is not None:
        if "first" not in cache:
            cache["first"] = layer_statistics(data, net, reference, 0, activation, None,
                                              chunk_size)
        gram, cross = cache["first"]
        return gram, cross[:, targets]
    if chunk_size is None:
        widths = [W.shape[1] for W in reference.coefs[: layer + 1]] + [fan_in]
        chunk_size = max(256, STATS_CHUNK_BYTES // (8 * sum(widths)))
    fn = _LayerSums(net, reference, layer, activation, targets)
    upper, a_sum, total, cross, t_sum = data.reduce(fn, chunk_size=chunk_size)
    gram = np.empty((fan_in + 1, fan_in + 1))
    gram[:fan_in, :fan_in] = upper + np.triu(upper, 1).T
    gram[fan_in, :fan_in] = gram[:fan_in, fan_in] = a_sum
    gram[fan_in, fan_in] = total[0]
    return gram, np.vstack([cross, t_sum])


def _supports(mask):
    """Per output, its alive inputs in order, as a padded index array.

    Returns ``(index, counts)``: ``index[j, :counts[j]]`` are the alive rows
    of ``mask[:, j]``, followed by the bias's index ``fan_in``, then padding
    (also ``fan_in``).
    """
    fan_in, fan_out = mask.shape
    counts = mask.sum(axis=0)
    outputs, inputs = np.nonzero(mask.T)  # ordered by output, then input
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.arange(len(outputs)) - starts[outputs]
    index = np.full((fan_out, int(counts.max(initial=0)) + 1), fan_in, dtype=np.intp)
    index[outputs, rank] = inputs
    return index, counts


def _output_chunks(sizes, budget):
    """Consecutive slices of outputs (sorted by ``sizes``) whose stacked systems fit ``budget``."""
    chunks, start = [], 0
    while start < len(sizes):
        stop = start + 1
        # Sizes ascend: a chunk's largest system is its last output's.
        while stop < len(sizes) and (stop + 1 - start) * 8 * int(sizes[stop]) ** 2 <= budget:
            stop += 1
        chunks.append(slice(start, stop))
        start = stop
    return chunks


def solve_layer(gram, cross, mask, ridge=RIDGE, budget=SOLVE_BYTES):
    """Every output's surviving weights and bias by ridge least squares on the layer's statistics.

    For output ``j`` with alive inputs ``S_j`` (``mask[:, j]``), solves
    ``(G[S, S] + lam * I_w) x = C[S, j]`` over ``S = S_j`` plus the bias,
    with ``lam = ridge * mean(diag G[:fan_in, :fan_in])`` (``ridge`` where
    that mean is 0) on the weights and
    no penalty on the bias. The penalty keeps every system positive
    definite, also where an input never varies (a dead neuron).

    The systems are solved in batches, not one output at a time: outputs are
    sorted by their number of alive inputs, and each chunk of at most
    ``budget`` bytes of stacked systems is gathered from ``G`` (padded to its
    largest system by identity rows) and solved by one stacked
    :func:`numpy.linalg.solve`. Exact per-output solves were chosen over
    SparseGPT's column updates, which approximate them to reuse one inverse
    Hessian across outputs: here each system is small (an output's
    surviving inputs), the stacked solve costs a fraction of the Gram
    matrix, and exact solves need no ordering of the pruned weights. The
    stacked LU solve was measured the fastest on a 2-core EPYC (300 systems
    of 400: 0.98 s, against 1.4 s for numpy's stacked Cholesky factorisation
    alone and 1.2 to 2.3 s for scipy's positive-definite solvers).

    Parameters
    ----------
    gram : ndarray of shape (fan_in + 1, fan_in + 1)
        As returned by :func:`layer_statistics` (the bias last).
    cross : ndarray of shape (fan_in + 1, fan_out)
    mask : ndarray of bool of shape (fan_in, fan_out)
        The alive weights.
    ridge : float, default=RIDGE
        The penalty relative to the mean input second moment.
    budget : int, default=SOLVE_BYTES
        Bytes of stacked systems solved at once.

    Returns
    -------
    coef : ndarray of shape (fan_in, fan_out)
        The refitted weights, float64, exactly zero where ``mask`` is False.
    intercept : ndarray of shape (fan_out,)

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._prune.reconstruct import solve_layer
    >>> A = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]])
    >>> A1, T = np.hstack([A, np.ones((4, 1))]), A @ [[2.0], [3.0]] + 1
    >>> coef, b = solve_layer(A1.T @ A1, A1.T @ T, np.array([[True], [True]]), ridge=0)
    >>> coef.round(6).ravel().tolist(), b.round(6).tolist()
    ([2.0, 3.0], [1.0])
    """
    fan_in, fan_out = mask.shape
    index, counts = _supports(mask)
    scale = float(np.mean(np.diag(gram)[:fan_in])) if fan_in else 0.0
    # Inputs that are all zero (a layer of dead neurons) give no scale: the
    # penalty is then ``ridge`` itself, which keeps their systems solvable.
    lam = ridge * (scale if scale > 0 else 1.0)
    order = np.argsort(counts, kind="stable")
    coef, intercept = np.zeros((fan_in, fan_out)), np.zeros(fan_out)
    for part in _output_chunks(counts[order] + 1, budget):
        outs = order[part]
        size = int(counts[outs[-1]]) + 1
        idx = index[outs, :size]
        pos = np.arange(size)
        is_weight = pos < counts[outs, np.newaxis]
        valid = pos <= counts[outs, np.newaxis]
        systems = gram[idx[:, :, np.newaxis], idx[:, np.newaxis, :]]
        systems *= valid[:, :, np.newaxis] & valid[:, np.newaxis, :]
        # Padding rows become identity rows with a zero right-hand side.
        diag = systems.reshape(len(outs), -1)[:, :: size + 1]
        diag += np.where(is_weight, lam, np.where(valid, 0.0, 1.0))
        rhs = np.where(valid, cross[idx, outs[:, np.newaxis]], 0.0)
        try:
            solution = np.linalg.solve(systems, rhs[:, :, np.newaxis])[:, :, 0]
        except np.linalg.LinAlgError:
            raise np.linalg.LinAlgError(
                "The least-squares systems of a layer are singular (an input "
                "that never varies, or fewer rows than inputs): use ridge > 0."
            ) from None
        rows, cols = np.nonzero(is_weight)
        coef[idx[rows, cols], outs[rows]] = solution[rows, cols]
        intercept[outs] = solution[np.arange(len(outs)), counts[outs]]
    return coef, intercept


def refit_layer(net, reference, data, activation, layer, kept=None, ridge=RIDGE,
                chunk_size=None, budget=SOLVE_BYTES, cache=None):
    """``net`` with layer ``layer``'s surviving weights and biases refitted to ``reference``.

    The statistics are taken on ``net``'s own inputs of the layer (see
    :func:`layer_statistics`), so the earlier layers should be refitted
    first; the other layers are returned as they are.

    Parameters
    ----------
    net, reference : Network
        The pruned network and the network before pruning. ``net.masks``
        None means every weight is alive.
    data : DataSource
    activation : str
    layer : int
    kept : list of ndarray, default=None
        Per hidden layer, which of the reference's neurons the network's
        neurons are (bool keep-masks over the reference's width, or
        indices). Needed when neurons were removed; None when the widths
        agree.
    ridge : float, default=RIDGE
    chunk_size : int, default=None
        Rows per chunk of the statistics.
    budget : int, default=SOLVE_BYTES
        Bytes of stacked systems solved at once.
    cache : dict, default=None
        See :func:`layer_statistics`.

    Returns
    -------
    net : Network
        New lists; the refitted layer in ``net``'s dtype, zero where masked.
    """
    coefs, intercepts = list(net.coefs), list(net.intercepts)
    W = coefs[layer]
    mask = np.ones(W.shape, bool) if net.masks is None else net.masks[layer]
    layer_kept = None if kept is None or layer == len(coefs) - 1 else kept[layer]
    gram, cross = layer_statistics(data, net, reference, layer, activation,
                                   layer_kept, chunk_size, cache)
    coef, intercept = solve_layer(gram, cross, mask, ridge, budget)
    coefs[layer] = coef.astype(W.dtype)
    intercepts[layer] = intercept.astype(intercepts[layer].dtype)
    return Network(coefs, intercepts, net.masks)


def _check_shapes(net, reference, kept):
    """A ValueError unless ``net`` is ``reference`` with (at most) some hidden neurons removed."""
    if len(net.coefs) != len(reference.coefs) or (
            net.coefs[0].shape[0] != reference.coefs[0].shape[0]
            or net.coefs[-1].shape[1] != reference.coefs[-1].shape[1]):
        raise ValueError(
            "The network to reconstruct must have the reference's inputs, outputs "
            "and number of layers; got layer shapes %s and %s."
            % ([W.shape for W in net.coefs], [W.shape for W in reference.coefs]))
    for layer, (W, R) in enumerate(zip(net.coefs[:-1], reference.coefs[:-1])):
        width = len(_as_indices(None if kept is None else kept[layer], R.shape[1]))
        if W.shape[1] != width:
            raise ValueError(
                "Hidden layer %d has %d neurons and the reference %d: pass `kept`, "
                "which of the reference's neurons remain (%d given)."
                % (layer, W.shape[1], R.shape[1], width))


def reconstruct(net, reference, data, activation, *, kept=None, layers=None, ridge=RIDGE,
                chunk_size=None, budget=SOLVE_BYTES, max_gram_bytes=None, cache=None):
    """Refit every layer of a pruned network to the reference's pre-activations, in order.

    Layer by layer from the input, each layer's surviving weights and
    biases are refitted by sample-weighted ridge least squares
    (:func:`solve_layer`) on the inputs the already refitted earlier
    layers give, to the reference's pre-activations of the same neurons.
    One pass over the data per layer; no gradient step.

    Parameters
    ----------
    net : Network
        The pruned network: weights, biases and alive-masks (None: all
        alive). Its hidden layers may be narrower than the reference's
        (neurons removed): ``kept`` then says which neurons remain, and the
        layer after a removal is refitted from the neurons left, which
        compensates for the removed ones.
    reference : Network
        The network before pruning began (its masks are not read).
    data : DataSource
        The training rows (:func:`skprune._data.factory.make_data`): in memory or dask.
    activation : str
        Hidden activation.
    kept : list of ndarray, default=None
        Per hidden layer, which of the reference's neurons remain (bool
        masks over the reference's width, or indices); None when the
        widths agree.
    layers : iterable of int, default=None
        The layers to refit, in increasing order (None: all).
    ridge : float, default=RIDGE
        Ridge penalty relative to the mean input second moment of each
        layer; it must be positive where an input never varies.
    chunk_size : int, default=None
        Rows per chunk of the statistics (:func:`layer_statistics`).
    budget : int, default=SOLVE_BYTES
        Bytes of stacked systems solved at once (:func:`solve_layer`).
    max_gram_bytes : int, default=None
        A layer whose Gram matrix would be larger raises a MemoryError,
        before any pass over the data (None: :data:`MAX_GRAM_BYTES`).
    cache : dict, default=None
        Statistics kept between calls with the same ``reference`` and
        ``data`` (see :func:`layer_statistics`).

    Returns
    -------
    net : Network
        The refitted network: same shapes, dtype and masks, pruned entries
        exactly zero.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._data.memory import InMemoryData
    >>> from skprune._prune.reconstruct import reconstruct
    >>> from skprune._net.surgery import Network
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 3))
    >>> ref = Network([rng.normal(size=(3, 4)), rng.normal(size=(4, 1))],
    ...               [np.zeros(4), np.zeros(1)], None)
    >>> masks = [np.abs(W) > 0.5 for W in ref.coefs]
    >>> pruned = Network([W * m for W, m in zip(ref.coefs, masks)], ref.intercepts, masks)
    >>> out = reconstruct(pruned, ref, InMemoryData(X, None, np.ones(200)), "tanh")
    >>> all(((W != 0) <= m).all() for W, m in zip(out.coefs, masks))
    True
    """
    if not (np.isfinite(ridge) and ridge >= 0):
        raise ValueError("ridge must be a finite number >= 0; got %r." % (ridge,))
    _check_shapes(net, reference, kept)
    check_gram_memory([W.shape[0] for W in net.coefs], max_gram_bytes)
    for layer in range(len(net.coefs)) if layers is None else layers:
        net = refit_layer(net, reference, data, activation, layer, kept, ridge,
                          chunk_size, budget, cache)
    return net


def remove_and_compensate(net, data, activation, keeps, *, ridge=RIDGE, chunk_size=None,
                          budget=SOLVE_BYTES, max_gram_bytes=None):
    """Remove hidden neurons, and refit each layer after a removal from the neurons left.

    Instead of folding a removed neuron's mean output into the next bias
    (:func:`skprune._net.surgery.remove_neurons`), the next layer's surviving weights
    and biases are refitted by least squares (:func:`reconstruct`) to its
    pre-activations before the removal: the neurons left take over what
    the removed ones contributed, as far as they linearly can.

    Parameters
    ----------
    net : Network
        The network before the removal (also the reference).
    data : DataSource
    activation : str
    keeps : list of ndarray of bool
        Per hidden layer, True for the neurons to keep.
    ridge, chunk_size, budget, max_gram_bytes
        As in :func:`reconstruct`.

    Returns
    -------
    net : Network
        The smaller network; the layers after a removal refitted, the
        others sliced only.
    """
    sliced = slice_neurons(net.coefs, net.intercepts, net.masks, keeps)
    layers = [layer + 1 for layer, keep in enumerate(keeps) if not keep.all()]
    if not layers:
        return sliced
    return reconstruct(sliced, net, data, activation, kept=keeps, layers=layers, ridge=ridge,
                       chunk_size=chunk_size, budget=budget, max_gram_bytes=max_gram_bytes)


class Reference:
    """What a fit's reconstructions refit to: the network before pruning, and its neurons left.

    Parameters
    ----------
    net : Network
        The network before the first pruning step of the fit.
    kept : list of ndarray of int, default=None
        Per hidden layer, the reference's neurons the pruned network still
        has (None: all of them).
    cache : dict, default=None
        Statistics shared by every reconstruction of the fit (see
        :func:`layer_statistics`).
    """

    def __init__(self, net, kept=None, cache=None):
        self.net = net
        self.kept = kept if kept is not None else [np.arange(W.shape[1]) for W in net.coefs[:-1]]
        self.cache = {} if cache is None else cache

    def follow(self, removed):
        """The reference after the neuron removals ``removed`` (keep-masks, in turn).

        A new object: a pruning round that is redone starts from the old one.
        """
        kept = self.kept
        for keeps in removed:
            kept = [k[keep] for k, keep in zip(kept, keeps)]
        return Reference(self.net, kept, self.cache)

    def refit(self, net, data, activation):
        """``net`` reconstructed layer by layer to this reference (:func:`reconstruct`)."""
        return reconstruct(net, self.net, data, activation, kept=self.kept, cache=self.cache)
