"""The training data behind one object: every pass over the rows goes through it.

The training loop never touches ``X`` or ``Y`` directly; it asks a data
source (:class:`DataSource`) for the loss, the loss and gradients, the
statistics the pruning criteria need (:meth:`DataSource.reduce`), the loss
of the best constant prediction, the score on a validation part, and that
validation part itself. :func:`make_data` builds the one for the input:
:class:`InMemoryData` for numpy (or CSR) arrays, :class:`skprune._data.dask_blocks.DaskData`
for dask arrays held on a cluster.

Both run the same in-memory code: a dask source runs it on each of its row
blocks and adds the blocks' results up, so that with a single block it does
exactly what the in-memory source does, in the same order. Everything the
two share but the passes over the rows (the prior loss, the validation
score, the checks of a split) is written once, in :class:`_Source`, against
one primitive, ``block_sum``.
"""

from typing import Protocol

import numpy as np
import scipy.sparse as sp
from sklearn.model_selection import train_test_split

from .._net.network import chunk_rows, loss_and_gradients, loss_value, predict_output


class DataSource(Protocol):
    """What the training loop asks of its training (or validation) data.

    Attributes
    ----------
    n_samples, n_features, n_outputs : int
        The data's dimensions.
    dtype : numpy dtype
        Floating-point type of ``X`` (and of the network).
    sw_sum : float
        Sum of the sample weights, the normaliser of every loss and statistic.
    """

    n_samples: int
    n_features: int
    n_outputs: int
    dtype: np.dtype
    sw_sum: float

    def loss_and_gradients(self, coefs, intercepts, activation, loss, alpha):
        """Penalised loss and its gradients, as :func:`skprune._net.network.loss_and_gradients`."""

    def loss(self, coefs, intercepts, activation, loss, alpha):
        """Penalised loss by a forward pass, as :func:`skprune._net.network.loss_value`."""

    def reduce(self, fn, combine=np.add, *, widths=(), chunk_size=None):
        """Combine ``fn(X_chunk, Y_chunk, weights_chunk)`` over row chunks.

        ``weights_chunk`` is the chunk's ``sample_weight / sw_sum``; ``fn``
        returns a tuple of arrays, combined element-wise by ``combine``
        (``np.add``, or ``np.maximum`` for ranges). Chunks hold ``chunk_size``
        rows, by default :func:`skprune._net.network.chunk_rows` for layers of
        ``widths`` units. What :class:`.PruningState` statistics are made of.
        """

    def prior_loss(self, loss):
        """The loss of the best constant prediction (the class prior, the target mean)."""

    def score(self, coefs, intercepts, activation, loss, scorer):
        """``scorer``'s score of the network on these rows; ``-inf`` on a non-finite output."""

    def split(self, fraction, rng, stratify):
        """``(train, validation)`` sources: the early-stopping split."""

    def max_abs(self):
        """Largest ``|X|`` entry (for error messages)."""


    def check_chunks(self, n_weights):
        """Warn when the passes of a network of ``n_weights`` weights are mostly overhead."""


class _Source:
    """What every data source derives from its ``block_sum`` (written once)."""

    def prior_loss(self, loss):
        """The loss of the best constant prediction (the class prior, the target mean)."""
        mean = np.asarray(self.block_sum(weighted_targets)[0], dtype=np.float64) / self.sw_sum
        if loss == "squared_error":
            squares = self.block_sum(_Squares(mean))[0]
            return 0.5 * float((np.asarray(squares, dtype=np.float64) / self.sw_sum).mean())
        p = np.clip(mean, 1e-12, 1 - 1e-12)
        if loss == "log_loss":
            return -float(np.sum(mean * np.log(p)))
        return -float(np.sum(mean * np.log(p) + (1 - mean) * np.log(1 - p)))

    def score(self, coefs, intercepts, activation, loss, scorer):
        """``scorer``'s score of the network on these rows; ``-inf`` on a non-finite output.

        ``scorer`` (the estimator's) gives ``target_sums(Y, sw)`` and
        ``sums(P, Y, sw, target)``, added up over the blocks, and
        ``target(sums)`` and ``finish(sums)``, which turn them into a score.
        The target's part does not depend on the network and is computed once.
        """
        if getattr(self, "_scored_by", None) is not scorer:
            self._target = scorer.target(self.block_sum(scorer.target_sums))
            self._scored_by = scorer
        with np.errstate(over="ignore", invalid="ignore"):
            blown, *sums = self.block_sum(
                _ScoreSums(scorer, self._target, coefs, intercepts, activation, loss)
            )
            if blown:
                return -np.inf  # the step blew up; the caller treats it as divergence
            score = scorer.finish(sums)
        return score if np.isfinite(score) else -np.inf

    def check_chunks(self, n_weights):
        """Nothing to check in memory: a pass has no fixed cost per chunk."""

    def max_abs(self):
        """Largest ``|X|`` entry (for error messages)."""
        return float(self.block_sum(_max_abs, np.maximum)[0])

    def split(self, fraction, rng, stratify):
        """``(train, validation)``: the early-stopping split, with the checks both need.

        ``stratify(Y)`` gives the labels to stratify by, or None.
        """
        train, validation = self._split(fraction, rng, stratify)
        if validation.n_samples < 2:
            raise ValueError(
                "early_stopping could not split off a validation set of at least "
                "2 samples. Increase 'validation_fraction' or the size of your "
                "dataset."
            )
        # Both parts are normalised by their total weight.
        if not (train.sw_sum > 0 and validation.sw_sum > 0):
            raise ValueError(
                "early_stopping could not split the data into a training and a "
                "validation part that both have positive total sample weight."
            )
        return train, validation


def _max_abs(X, Y, sw):
    return (float(abs(X).max()) if X.shape[0] else 0.0,)


def weighted_targets(X, Y, sw):
    return (sw @ Y,)


class _Squares:
    """Per-block ``sum_i s_i (Y_i - mean) ** 2`` (picklable: it travels to workers)."""

    def __init__(self, mean):
        self.mean = mean

    def __call__(self, X, Y, sw):
        return (sw @ (Y - self.mean) ** 2,)


class _ScoreSums:
    """Per-block sums of a validation score, with the count of non-finite outputs first."""

    def __init__(self, scorer, target, coefs, intercepts, activation, loss):
        self.scorer, self.target = scorer, target
        self.coefs, self.intercepts = coefs, intercepts
        self.activation, self.loss = activation, loss

    def __call__(self, X, Y, sw):
        from .._net.network import OUTPUT_ACTIVATIONS

        with np.errstate(over="ignore", invalid="ignore"):
            P = predict_output(X, self.coefs, self.intercepts, self.activation,
                               OUTPUT_ACTIVATIONS[self.loss])
            blown = float((~np.isfinite(P)).any(axis=1).sum()) if P.size else 0.0
            return (blown, *self.scorer.sums(P, Y, sw, self.target))


class InMemoryData(_Source):
    """Training rows, encoded targets and sample weights held in memory.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Training data (CSC is converted to CSR once: gradients slice rows).
    Y : ndarray of shape (n_samples, n_outputs) or None
        Encoded targets (None: no loss, statistics of ``X`` only).
    sample_weight : ndarray of shape (n_samples,)
        Non-negative sample weights with a positive sum.
    sw_sum : float, default=None
        The normaliser of every loss and statistic; by default
        ``sum(sample_weight)``. Rows that are one block of a larger data set
        take the whole set's, so that the blocks' results add up.

    Attributes
    ----------
    sw_sum : float
        The normaliser of every loss and statistic.
    n_samples, n_features, n_outputs : int
        The data's dimensions.
    dtype : numpy dtype
        Floating-point type of ``X`` (and of the network).

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._data.memory import InMemoryData
    >>> data = InMemoryData(np.eye(2), np.eye(2), np.ones(2))
    >>> round(data.loss([np.zeros((2, 2))], [np.zeros(2)], "relu", "log_loss", 0.0), 6)
    0.693147
    >>> round(data.prior_loss("log_loss"), 6)
    0.693147
    """

    def __init__(self, X, Y, sample_weight, sw_sum=None):
        if sp.issparse(X) and X.format != "csr":
            X = X.tocsr()
        self.X, self.Y, self.sample_weight = X, Y, sample_weight
        self.sw_sum = float(sample_weight.sum()) if sw_sum is None else sw_sum
        self.n_samples, self.n_features = X.shape
        self.n_outputs = None if Y is None else Y.shape[1]
        self.dtype = X.dtype

    def loss_and_gradients(self, coefs, intercepts, activation, loss, alpha):
        """Penalised loss and its gradients (see :func:`skprune._net.network.loss_and_gradients`)."""
        return loss_and_gradients(
            self.X, self.Y, self.sample_weight, coefs, intercepts, activation,
            loss, alpha, self.sw_sum,
        )

    def loss(self, coefs, intercepts, activation, loss, alpha):
        """Penalised loss by a forward pass (see :func:`skprune._net.network.loss_value`)."""
        return loss_value(
            self.X, self.Y, self.sample_weight, coefs, intercepts, activation,
            loss, alpha, self.sw_sum,
        )

    def block_sum(self, fn, combine=np.add):
        """``fn(X, Y, sample_weight)`` on all the rows: the one block in memory."""
        return tuple(fn(self.X, self.Y, self.sample_weight))

    def reduce(self, fn, combine=np.add, *, widths=(), chunk_size=None):
        """Combine ``fn(X_chunk, Y_chunk, weights_chunk)`` over row chunks (see :class:`DataSource`)."""
        if chunk_size is None:
            chunk_size = chunk_rows(self.n_samples, list(widths), self.dtype.itemsize)
        step = max(int(chunk_size), 1)
        weights = (self.sample_weight / self.sw_sum).astype(self.dtype, copy=False)
        total = None
        for start in range(0, self.n_samples, step):
            rows = slice(start, start + step)
            Y = None if self.Y is None else self.Y[rows]
            part = fn(self.X[rows], Y, weights[rows])
            if total is None:
                total = [np.array(p, copy=True) for p in part]
            else:
                total = [combine(t, p, out=t) for t, p in zip(total, part)]
        return tuple(total)

    def _split(self, fraction, rng, stratify):
        try:
            X_train, X_val, Y_train, Y_val, sw_train, sw_val = train_test_split(
                self.X, self.Y, self.sample_weight, random_state=rng,
                test_size=fraction, stratify=stratify(self.Y),
            )
        except ValueError as exc:
            # train_test_split speaks of test sizes and groups; say what failed.
            raise ValueError(
                "early_stopping could not split off a validation set of "
                "validation_fraction=%r from %d samples: %s Increase "
                "validation_fraction or the number of samples (per class), or "
                "set early_stopping=False." % (fraction, self.n_samples, exc)
            ) from exc
        return InMemoryData(X_train, Y_train, sw_train), InMemoryData(X_val, Y_val, sw_val)

    def all_rows(self):
        """``X`` itself: every row at once."""
        return self.X
