"""Training data held in dask blocks on a ``distributed`` cluster (:class:`DaskData`).

dask is an optional dependency (``pip install ".[dask]"``); this module
is imported only once a dask collection is seen.
"""

import asyncio
import math
import warnings
from contextlib import contextmanager

import numpy as np
from sklearn.utils import check_random_state

from .memory import InMemoryData, _Source

#: Results combined per task of the tree reduction.
SPLIT_EVERY = 8

#: Work per row block (rows times the network's weights) below which a pass
#: over the data spends more time on the cluster's fixed cost per block
#: (scheduling a task, shipping its result: about 3-4 ms of CPU) than on the
#: arithmetic. Measured by ``benchmarks/bench_dask_chunks.py``
#: (``benchmarks/results/bench_dask_chunks.md``): the break-even work per
#: block was 3.5e6, 8.6e6 and 7.9e6 for hidden layers of 16, 256 and 1024
#: units; this is the smallest, rounded down, so :meth:`DaskData.check_chunks`
#: warns only where the overhead dominates on every network measured.
MIN_CHUNK_WORK = 3e6


# ---------------------------------------------------------------------- #
# The data: loss, gradient and row sums computed where the blocks live.
# ---------------------------------------------------------------------- #
def _combine_all(combine, *parts):
    """Combine equally nested tuples/lists of arrays element-wise (``np.add``: a sum)."""
    first = parts[0]
    if isinstance(first, (tuple, list)):
        return type(first)(_combine_all(combine, *items) for items in zip(*parts))
    total = np.array(first, copy=True)
    for part in parts[1:]:
        total = combine(total, part)
    return total if total.ndim else total[()]


def _block_loss_and_gradients(X, Y, sw, weights, activation, loss, alpha, sw_sum,
                              method="loss_and_gradients"):
    # The in-memory code on the block. The L2 term goes with the first block
    # only (alpha=0 on the others); normalising by the whole data's sum of
    # weights makes the blocks' results add up to the whole data's. With one
    # block this is the in-memory computation, step for step.
    return getattr(InMemoryData(X, Y, sw, sw_sum), method)(*weights, activation, loss, alpha)


def _block_apply(X, Y, sw, fn):
    return tuple(fn(X, Y, sw))


def _block_reduce(X, Y, sw, fn, combine, widths, chunk_size, sw_sum):
    """:meth:`InMemoryData.reduce` on one block, normalised by the whole data's ``sw_sum``."""
    return InMemoryData(X, Y, sw, sw_sum).reduce(
        fn, combine, widths=widths, chunk_size=chunk_size)


def _sw_total(X, Y, sw):
    return (sw.sum(),)


def _on_block(block_fn, errors, X, Y, sw, shared, *args):
    # The caller's floating-point error handling, on the worker too: an
    # overflow raises FloatingPointError on the client exactly when it would
    # in memory.
    with np.errstate(**errors):
        return block_fn(X, Y, sw, shared, *args)


def _noop(*args):
    return 0.0


@contextmanager
def _on_cluster(client, what, address=None):
    """Turn a lost scheduler or connection into a ConnectionError naming it."""
    from concurrent.futures import CancelledError

    from distributed.comm.core import CommClosedError
    from distributed.scheduler import KilledWorker

    address = address or getattr(client.scheduler, "address", None) or "<unknown>"
    if client.status not in ("running", "connecting", "newly-created"):
        raise ConnectionError(
            "Cannot %s: the dask client is %s, not connected to the scheduler "
            "at %s." % (what, client.status, address)
        )
    try:
        yield
    except KilledWorker as exc:
        raise RuntimeError(
            "Cannot %s: a task on the dask cluster at %s kept killing its "
            "workers (out of memory?): %s" % (what, address, exc)
        ) from exc
    # Not OSError at large: an error raised by the computation itself on a
    # worker comes back with its own type and must stay what it is.
    except (CommClosedError, ConnectionError, CancelledError, asyncio.CancelledError,
            TimeoutError, asyncio.TimeoutError) as exc:
        raise ConnectionError(
            "Cannot %s: lost the connection to the dask scheduler at %s (%s: %s). "
            "The cluster went away or is unreachable."
            % (what, address, type(exc).__name__, exc)
        ) from exc


class DaskData(_Source):
    """Training rows persisted in blocks on a dask cluster: a :class:`skprune._data.memory.DataSource`.

    The loss, its gradient and the pruning statistics are sums over rows, so
    each is computed by the in-memory code (:class:`skprune._data.memory.InMemoryData`) on
    every block where it lives, and the blocks' results are added up on the
    workers (a tree reduction, :data:`SPLIT_EVERY` at a time); only the sum
    travels to the client. With a single block, every number is the
    in-memory one, bit for bit. Every call ships the current weights to the
    workers once (a broadcast scatter), whatever the number of blocks. The
    blocks stay persisted for the object's lifetime; a worker lost in between
    is made up for by the scheduler, which recomputes its blocks from their
    lineage, giving the same numbers.

    Parameters
    ----------
    X : dask array of shape (n_samples, n_features)
        Validated inputs (see :func:`skprune._data.dask_inputs.check_fit_inputs`).
    Y : dask array of shape (n_samples, n_outputs)
        Encoded targets, row chunks as ``X``.
    sample_weight : dask array of shape (n_samples,)
        Non-negative weights, row chunks as ``X``.
    client : distributed.Client, default=None
        The cluster's client; by default the current one
        (``distributed.get_client()``).

    Attributes
    ----------
    X, Y, sample_weight : dask arrays
        The persisted arrays.
    n_samples, n_features, n_outputs : int
    dtype : numpy dtype
    sw_sum : float
        Every loss, gradient and statistic is divided by it: the blocks'
        sums of the weights, added up.
    """

    def __init__(self, X, Y, sample_weight, *, client=None):
        import distributed

        if client is None:
            try:
                client = distributed.get_client()
            except ValueError as exc:
                raise ValueError(
                    "Fitting on dask arrays needs a dask.distributed Client, and "
                    "none is running in this process: create one before calling "
                    "fit, e.g. client = distributed.Client() for a local cluster or "
                    "distributed.Client('tcp://<scheduler>:8786'); fit uses it."
                ) from exc
        self.client = client
        #: The scheduler's address, for error messages once it is gone.
        self.address = client.scheduler.address
        if not (X.chunks[0] == Y.chunks[0] == sample_weight.chunks[0]):
            raise ValueError("X, Y and sample_weight must have the same row chunks.")
        with _on_cluster(client, "persist the training data"):
            self.X, self.Y, self.sample_weight = client.persist([X, Y, sample_weight])
        self._blocks = list(zip(*(
            _block_futures(arr) for arr in (self.X, self.Y, self.sample_weight)
        )))
        self.n_samples, self.n_features = (int(n) for n in X.shape)
        self.n_outputs = int(Y.shape[1])
        self.dtype = X.dtype
        self.sw_sum = float(self.block_sum(_sw_total)[0])

    @property
    def n_blocks(self):
        """Number of row blocks."""
        return len(self._blocks)

    def _reduce(self, block_fn, shared, *args, what, combine=np.add, first=None):
        """Combine ``block_fn(X_b, Y_b, sw_b, shared, *args)`` over the blocks.

        ``first``, when given, replaces ``args`` on the first block.
        """
        client = self.client
        errors = np.geterr()
        with _on_cluster(client, what, self.address):
            # One copy of the weights per worker, not one per task.
            [shared] = client.scatter([shared], broadcast=True, hash=False)
            parts = [
                client.submit(_on_block, block_fn, errors, x, y, w, shared,
                              *(first if i == 0 and first is not None else args),
                              pure=False)
                for i, (x, y, w) in enumerate(self._blocks)
            ]
            while len(parts) > 1:
                parts = [
                    client.submit(_combine_all, combine, *parts[i : i + SPLIT_EVERY],
                                  pure=False)
                    for i in range(0, len(parts), SPLIT_EVERY)
                ]
            return parts[0].result()

    def loss_and_gradients(self, coefs, intercepts, activation, loss, alpha):
        """Loss and gradients of the whole data, as :func:`skprune._net.network.loss_and_gradients`.

        Floating-point errors are handled on the workers as the caller's
        ``numpy.errstate`` says: under ``errstate(over="raise")`` an
        overflow on any block raises ``FloatingPointError`` here.
        """
        value, coef_grads, intercept_grads = self._reduce(
            _block_loss_and_gradients, (coefs, intercepts), activation, loss, 0.0,
            self.sw_sum, first=(activation, loss, alpha, self.sw_sum),
            what="compute the loss and gradient",
        )
        return float(value), list(coef_grads), list(intercept_grads)

    def loss(self, coefs, intercepts, activation, loss, alpha):
        """Penalised loss of the whole data by a forward pass (see :func:`skprune._net.network.loss_value`)."""
        return float(self._reduce(
            _block_loss_and_gradients, (coefs, intercepts), activation, loss, 0.0,
            self.sw_sum, "loss", first=(activation, loss, alpha, self.sw_sum, "loss"),
            what="compute the loss",
        ))

    def block_sum(self, fn, combine=np.add):
        """Combine ``fn(X_block, Y_block, sw_block)`` over the blocks, element-wise.

        ``fn`` returns a tuple of arrays (or numbers) of the same shapes on
        every block; it is shipped to every worker once. ``combine`` is
        ``np.add`` (a sum) or another element-wise binary ufunc
        (``np.maximum`` for ranges).
        """
        return tuple(self._reduce(_block_apply, fn, what="compute a data statistic",
                                  combine=combine))

    def reduce(self, fn, combine=np.add, *, widths=(), chunk_size=None):
        """:meth:`skprune._data.memory.InMemoryData.reduce` on every block, combined by ``combine``."""
        return tuple(self._reduce(
            _block_reduce, fn, combine, list(widths), chunk_size, self.sw_sum,
            what="compute a data statistic", combine=combine))

    def _split(self, fraction, rng, stratify):
        # Every block draws its validation rows (see _validation_rows) with a
        # generator seeded from ``rng``: reproducible, and done where it lives.
        chunks = self.X.chunks[0]
        seeds = check_random_state(rng).randint(np.iinfo(np.int32).max, size=len(chunks))
        mask = self.Y.map_blocks(_validation_rows, fraction, seeds, stratify, drop_axis=1,
                                 dtype=bool, meta=np.empty(0, dtype=bool))
        validation = tuple(math.ceil(fraction * c) for c in chunks)
        train = tuple(c - v for c, v in zip(chunks, validation))
        return tuple(DaskData(*(_with_rows(a[rows], sizes)
                                for a in (self.X, self.Y, self.sample_weight)),
                              client=self.client)
                     for rows, sizes in ((~mask, train), (mask, validation)))

    def check_chunks(self, n_weights):
        """Warn when the blocks are so small that each pass is mostly per-block overhead.

        One block can be no larger; with several, a block of fewer than
        :data:`MIN_CHUNK_WORK` rows x weights costs more to schedule than to
        compute. The warning names the rows per block and the rechunking
        that brings a block to that work.
        """
        rows = self.n_samples / max(self.n_blocks, 1)
        if self.n_blocks < 2 or rows * n_weights >= MIN_CHUNK_WORK:
            return
        advised = min(self.n_samples, int(np.ceil(MIN_CHUNK_WORK / max(n_weights, 1))))
        warnings.warn(
            "X is in %d row chunks of about %d rows: with a network of %d weights "
            "each pass over the data spends more time on the cluster's fixed cost "
            "per chunk than on computing, so fit is slow. Fewer, larger chunks "
            "fit faster: X.rechunk({0: %d}) (y and sample_weight follow X's chunks)."
            % (self.n_blocks, round(rows), n_weights, advised),
            UserWarning, stacklevel=2,
        )

    def round_trip(self):
        """One scheduling round trip over all blocks with no work: the fixed cost of a call."""
        return self._reduce(_noop, None, what="reach the workers")

    def __reduce__(self):
        # A pruning state's statistics close over the state and travel to the
        # workers with it: the data source (a client connection) stays behind.
        return (type(None), ())


def _validation_rows(Y, fraction, seeds, stratify, block_info=None):
    """Boolean mask of one block's validation rows, stratified by ``stratify(Y)``.

    ``ceil(fraction * rows)`` rows, as scikit-learn's ``train_test_split``
    takes; with labels, shared out among the classes in proportion, the
    remainder to the largest fractional parts (ties broken at random).
    """
    n_rows, labels = len(Y), stratify(Y)
    rng = np.random.RandomState(seeds[block_info[0]["chunk-location"][0]])
    total = math.ceil(fraction * n_rows)
    if labels is None:
        groups, takes = [np.arange(n_rows)], [total]
    else:
        classes, inverse = np.unique(labels, return_inverse=True)
        groups = [np.flatnonzero(inverse == c) for c in range(len(classes))]
        exact = np.array([fraction * len(g) for g in groups])
        takes = np.floor(exact).astype(int)
        order = np.lexsort((rng.permutation(len(groups)), -(exact - takes)))
        takes[order[: total - takes.sum()]] += 1
    mask = np.zeros(n_rows, dtype=bool)
    for rows, take in zip(groups, takes):
        mask[rng.permutation(rows)[:take]] = True
    return mask


def _with_rows(arr, row_chunks):
    """``arr`` (row chunks unknown after boolean indexing) with its known row chunks."""
    import dask.array as da

    return da.Array(arr.dask, arr.name, (row_chunks,) + arr.chunks[1:], meta=arr._meta)


def _block_futures(arr):
    """The futures holding a persisted array's row blocks, in row order."""
    from distributed import futures_of

    by_key = {f.key: f for f in futures_of(arr)}
    keys = arr.__dask_keys__()
    flat = [k[0] if isinstance(k, list) else k for k in keys]
    return [by_key[k] for k in flat]


