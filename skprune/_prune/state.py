"""What a pruning criterion sees: the network, read-only, and data statistics over row chunks.

Every data statistic of :class:`PruningState` is a sample-weighted sum over
the training rows, normalised by ``sum(sample_weight)``, and is computed by
one primitive, :meth:`PruningState.reduce`: it runs a function on one row
chunk at a time and adds up the results. Only one chunk's activations exist
at a time, so the memory a pruning step needs beyond the data and the
weights is bounded by the chunk size, whatever the number of samples. The
chunks are run by the training data's source (:mod:`skprune._data.memory`): in memory, or
on the blocks of a dask array where they live.
"""

import warnings
from functools import cached_property

import numpy as np
import scipy.sparse as sp
from sklearn.utils import check_random_state
from sklearn.utils.extmath import safe_sparse_dot

from .._net.network import (
    DERIVATIVES,
    OUTPUT_ACTIVATIONS,
    forward,
)


def _read_only_view(array):
    """A view of ``array`` that raises on any write (sparse arrays: of its buffers)."""
    if array is None:
        return None
    if sp.issparse(array):
        # Data only (never the network): passed on as it is.
        return array
    view = np.asarray(array).view()
    view.flags.writeable = False
    return view


def _read_only_views(arrays):
    """A tuple of :func:`_read_only_view` of each array."""
    return tuple(_read_only_view(a) for a in arrays)


class PruningState:
    """What a criterion may look at: the network (read-only) and data statistics.

    The arrays handed out are read-only views: a criterion that writes into
    them raises ``ValueError: assignment destination is read-only`` instead
    of corrupting the fit. Statistics are computed on first use, over row
    chunks (see :meth:`reduce`), and cached.

    Parameters
    ----------
    coefs, intercepts : list of ndarray
        Dense weights (pruned entries are exactly zero) and biases.
    masks : list of ndarray of bool
        ``True`` where a weight is still alive.
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Training data.
    sample_weight : ndarray of shape (n_samples,)
        Sample weights; every data statistic is normalised by their sum.
    activation : str
        Hidden activation.
    loss : str
        Training loss (fixes the output activation).
    Y : ndarray of shape (n_samples, n_outputs), default=None
        Encoded targets; needed by the gradient-based criteria only.
    random_state : int, RandomState instance or None, default=None
        Source of randomness for the random criteria; the estimator passes
        the generator seeded by its own ``random_state``.
    chunk_size : int, default=None
        Rows per chunk of the data statistics; by default about 1 MiB of
        activations.
    """

    def __init__(
        self, coefs, intercepts, masks, X, sample_weight, activation, loss,
        Y=None, random_state=None, chunk_size=None,
    ):
        self.coefs = _read_only_views(coefs)
        self.intercepts = _read_only_views(intercepts)
        self.masks = _read_only_views(masks)
        self.X = _read_only_view(X)
        self.sample_weight = _read_only_view(sample_weight)
        self.activation = activation
        self.loss = loss
        self.Y = _read_only_view(Y)
        self.random_state = random_state
        self.chunk_size = chunk_size
        self._data = None
        if X is not None and sample_weight is not None:
            from .._data.memory import InMemoryData

            self._data = InMemoryData(self.X, self.Y, self.sample_weight)

    @classmethod
    def _on_data(cls, data, coefs, intercepts, masks, activation, loss, random_state=None):
        """A state whose data statistics come from the data source ``data``."""
        rows = getattr(data, "all_rows", None)
        X = rows() if rows is not None else None
        if X is None:
            state = cls(coefs, intercepts, masks, None, None, activation, loss,
                        random_state=random_state)
        else:
            state = cls(coefs, intercepts, masks, X, data.sample_weight, activation, loss,
                        Y=data.Y, random_state=random_state)
        state._data = data
        return state

    @property
    def out_activation(self):
        """Output activation, fixed by the loss."""
        return OUTPUT_ACTIVATIONS[self.loss]

    @cached_property
    def rng(self):
        """The random generator of the random criteria."""
        return check_random_state(self.random_state)

    @cached_property
    def normalised_sample_weight(self):
        """Per-sample factor ``s_i / sum(s)``: the one place data statistics are normalised."""
        if self._data is None or self.X is None:
            raise TypeError("This pruning state has no training rows in memory.")
        dtype = self.coefs[0].dtype
        weights = (self.sample_weight / self._data.sw_sum).astype(dtype, copy=False)
        return _read_only_view(weights)

    @property
    def weights(self):
        """Deprecated alias of :attr:`normalised_sample_weight`."""
        warnings.warn(
            "PruningState.weights is deprecated: use normalised_sample_weight.",
            FutureWarning, stacklevel=2,
        )
        return self.normalised_sample_weight

    # ------------------------------------------------------------------ #
    # The primitive.
    # ------------------------------------------------------------------ #
    def reduce(self, fn, combine=np.add):
        """Combine ``fn(X_chunk, Y_chunk, weights_chunk)`` over row chunks.

        ``fn`` returns a tuple of arrays; the results of all chunks are
        combined elementwise by ``combine`` (a sum by default; ``np.maximum``
        for ranges). ``weights_chunk`` is the chunk's part of
        :attr:`normalised_sample_weight`, so sums of ``weights_chunk``-weighted
        terms are sample-weighted means. The training data's source runs the
        chunks: in memory, or where the
        blocks of a dask array live.

        Parameters
        ----------
        fn : callable
            ``fn(X_chunk, Y_chunk, weights_chunk)`` returning a tuple of
            arrays (or numbers) of the same shapes for every chunk.
        combine : callable, default=numpy.add
            Element-wise binary function combining two chunks' results.

        Returns
        -------
        result : tuple
            The combined results, one entry per entry of ``fn``'s tuple.
        """
        if self._data is None:
            raise ValueError("This pruning state has no training data: pass X and sample_weight.")
        return self._data.reduce(fn, combine, widths=[W.shape[1] for W in self.coefs],
                                 chunk_size=self.chunk_size)

    _reduce = reduce

    def forward(self, X):
        """Every layer's output on the rows ``X``.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (n_rows, n_features)
            Some rows of the data, e.g. one chunk.

        Returns
        -------
        activations : list of ndarray
            ``[X, A_1, ..., A_out]``.
        """
        return forward(X, self.coefs, self.intercepts, self.activation, self.out_activation)

    # ------------------------------------------------------------------ #
    # Statistics.
    # ------------------------------------------------------------------ #
    @cached_property
    def activations(self):
        """Every layer's output on all the training data, at once.

        This holds ``n_samples x width`` values per layer; the built-in
        criteria never use it (they read the statistics below, computed
        over row chunks).
        """
        if self.X is None:
            raise TypeError(
                "The training data lives on a dask cluster: a pruning criterion "
                "cannot read every layer's output on all rows at once. Compute "
                "statistics through the state's reduce(fn) instead."
            )
        return _read_only_views(self.forward(self.X))

    @cached_property
    def mean_outputs(self):
        """``(means, abs_means)`` per hidden layer, sample-weighted."""
        n_hidden = len(self.coefs) - 1

        def fn(X, Y, w):
            hidden = self.forward(X)[1:-1]
            return (*(w @ A for A in hidden), *(w @ np.abs(A) for A in hidden))

        sums = self.reduce(fn) if n_hidden else ()
        return _read_only_views(sums[:n_hidden]), _read_only_views(sums[n_hidden:])

    @cached_property
    def output_variances(self):
        """Sample-weighted variance of every hidden neuron's output."""
        means = self.mean_outputs[0]
        if not means:
            return ()

        def fn(X, Y, w):
            return tuple(w @ (A - m) ** 2 for A, m in zip(self.forward(X)[1:-1], means))

        return _read_only_views(self.reduce(fn))

    @cached_property
    def output_ranges(self):
        """``(lows, highs)``: the smallest and largest output of each hidden layer."""
        if len(self.coefs) == 1:
            return (), ()

        def fn(X, Y, w):
            hidden = self.forward(X)[1:-1]
            return (*(np.array([A.max()]) for A in hidden), *(np.array([-A.min()]) for A in hidden))

        extremes = self.reduce(fn, combine=np.maximum)
        n = len(self.coefs) - 1
        return tuple(-float(e[0]) for e in extremes[n:]), tuple(float(e[0]) for e in extremes[:n])

    def histograms(self, n_bins):
        """Sample-weighted histogram of every hidden neuron's output.

        Outputs are binned on ``n_bins`` equal-width bins spanning the
        *layer's* range (:attr:`output_ranges`): a first pass over the data
        finds the ranges, a second counts.

        Parameters
        ----------
        n_bins : int
            Number of bins per layer.

        Returns
        -------
        histograms : tuple of ndarray
            One array of shape ``(n_neurons, n_bins)`` per hidden layer,
            each row summing to one.
        """
        lows, highs = self.output_ranges
        if not lows:
            return ()
        widths = [(hi - lo) / n_bins if hi > lo else 1.0 for lo, hi in zip(lows, highs)]

        def fn(X, Y, w):
            counts = []
            for A, lo, width in zip(self.forward(X)[1:-1], lows, widths):
                bins = np.clip(((A - lo) / width).astype(np.intp), 0, n_bins - 1)
                bins += n_bins * np.arange(A.shape[1])
                counts.append(
                    np.bincount(
                        bins.ravel(), weights=np.repeat(w, A.shape[1]),
                        minlength=n_bins * A.shape[1],
                    ).reshape(A.shape[1], n_bins)
                )
            return tuple(counts)

        return _read_only_views(self.reduce(fn))

    @cached_property
    def gradients(self):
        """Exact whole-data gradient of the data loss (no L2 term) per weight matrix."""
        if self._data is None or self._data.n_outputs is None:
            raise ValueError("This criterion needs the targets: pass Y to PruningState.")
        # The data source works over row chunks (and blocks).
        return _read_only_views(self._data.loss_and_gradients(
            list(self.coefs), list(self.intercepts), self.activation, self.loss, 0.0,
        )[1])

    def _output_factors(self, P, damping=0.0):
        """Yield ``D`` with ``sum_c D_c D_c^T`` the Hessian of the loss in the output pre-activations.

        For the canonical links the Gauss-Newton matrix equals the Fisher
        information: softmax + log-loss has ``H = diag(p) - p p^T``, whose
        factors are ``sqrt(p_c) (e_c - p)``; independent logistic outputs
        have ``H = diag(p (1 - p))``; squared error has ``H = I``. With
        ``damping`` ``d``, the probabilities are first mixed with the uniform
        ones, ``q = (p + d) / (1 + K d)`` over ``K`` outcomes, so that the
        curvature does not vanish where the outputs saturate.
        """
        if damping and self.loss != "squared_error":
            K = P.shape[1] if self.loss == "log_loss" else 2
            P = (P + damping) / (1 + K * damping)
        for c in range(P.shape[1]):
            if self.loss == "log_loss":
                D = -P * np.sqrt(P[:, c : c + 1])
                D[:, c] += np.sqrt(P[:, c])
            else:
                D = np.zeros_like(P)
                if self.loss == "binary_log_loss":
                    D[:, c] = np.sqrt(P[:, c] * (1 - P[:, c]))
                else:
                    D[:, c] = 1
            yield D

    @cached_property
    def hessian_diagonal(self):
        """Gauss-Newton diagonal of the data loss per weight matrix.

        Entry ``(j, k)`` of layer ``l`` is ``sum_i s_i sum_c (a_ij d_ik^c)^2 /
        sum(s)``: the squared Jacobian of every output factor ``c`` with
        respect to the weight, backpropagated once per output. The squared
        inputs do not depend on ``c``, so each layer needs a single
        ``(A^2)^T (sum_c D_c^2)`` product per row chunk.
        """
        return self.damped_hessian_diagonal(0.0)

    def damped_hessian_diagonal(self, damping):
        """:attr:`hessian_diagonal` at output probabilities mixed with ``damping`` of uniform.

        Where the outputs saturate (``p`` near 0 or 1) the Gauss-Newton
        diagonal of the log-losses vanishes; mixing in ``damping`` keeps it at
        least about ``damping`` times the squared output Jacobian.

        Parameters
        ----------
        damping : float
            Share of the uniform probabilities mixed into the predicted
            ones, ``q = (p + damping) / (1 + K * damping)`` over ``K``
            outcomes. No effect on squared error; 0 gives
            :attr:`hessian_diagonal`.

        Returns
        -------
        diagonal : tuple of ndarray
            One array per layer, shaped like ``coefs[l]``.
        """
        cache = self.__dict__.setdefault("_damped_hessians", {})
        if damping not in cache:
            cache[damping] = self._gauss_newton_diagonal(damping)
        return cache[damping]

    def _gauss_newton_diagonal(self, damping):
        derivative = DERIVATIVES[self.activation]
        n_layers = len(self.coefs)

        def fn(X, Y, w):
            activations = self.forward(X)
            sums = [None] * n_layers
            for D in self._output_factors(activations[-1], damping):
                delta = D
                for i in range(n_layers - 1, -1, -1):
                    sq = delta * delta
                    sums[i] = sq if sums[i] is None else sums[i] + sq
                    if i > 0:
                        delta = derivative(activations[i], delta @ self.coefs[i].T)
            out = []
            for A, S in zip(activations[:-1], sums):
                A2 = A.multiply(A) if hasattr(A, "multiply") else A * A
                S = S * w[:, np.newaxis]
                out.append(np.asarray(safe_sparse_dot(A2.T, S, dense_output=True)))
            return tuple(out)

        return _read_only_views(self.reduce(fn))
