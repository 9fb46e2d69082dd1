"""Training data held in dask blocks on a ``distributed`` cluster.

Full-batch training parallelises over rows exactly: the loss and its gradient
are sums over row blocks. :class:`DaskData` keeps ``X``, the encoded targets
and the sample weights persisted on the workers, block by block, and answers
the same questions as the in-memory data object: the loss and its gradient
for given weights, and any per-row statistic combined over the rows (what the
pruning criteria need). Each question ships the weights to the workers once,
runs :func:`._network.loss_and_gradients` on every block, adds the blocks'
results up with a tree reduction on the workers and returns only the sum to
the client: nothing of ``X`` is gathered.

dask is an optional dependency (``pip install "skprune[dask]"``); this module
is imported only once a dask collection is seen.
"""

import asyncio
from contextlib import contextmanager

import numpy as np

from ._dask import check_fit_inputs, encode_targets, split_validation
from ._network import (
    OUTPUT_ACTIVATIONS,
    _squared_norm,
    loss_and_gradients,
    loss_value,
    predict_output,
)

#: Results combined per task of the tree reduction.
SPLIT_EVERY = 8


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


def _block_loss_and_gradients(X, Y, sw, weights, activation, loss, sw_sum):
    # No L2 term per block (alpha=0): the client adds it once. Normalising
    # by the global sum of the weights makes the blocks' results add up to
    # the whole data's.
    coefs, intercepts = weights
    return loss_and_gradients(X, Y, sw, coefs, intercepts, activation, loss, 0.0, sw_sum)


def _block_loss(X, Y, sw, weights, activation, loss, sw_sum):
    coefs, intercepts = weights
    return loss_value(X, Y, sw, coefs, intercepts, activation, loss, 0.0, sw_sum)


def _block_apply(X, Y, sw, fn):
    return tuple(fn(X, Y, sw))


def _block_max_abs(X, Y, sw, _):
    return float(np.abs(X).max()) if X.size else 0.0


def _on_block(block_fn, errors, X, Y, sw, shared, *args):
    # The caller's floating-point error handling, on the worker too: an
    # overflow raises FloatingPointError on the client exactly when it would
    # in memory.
    with np.errstate(**errors):
        return block_fn(X, Y, sw, shared, *args)


def _noop(*args):
    return 0.0


def _cluster_errors():
    """The exceptions by which ``distributed`` says the cluster is unreachable."""
    from concurrent.futures import CancelledError

    from distributed.comm.core import CommClosedError

    # Not OSError at large: an error raised by the computation itself on a
    # worker comes back with its own type and must stay what it is.
    return (CommClosedError, ConnectionError, CancelledError, asyncio.CancelledError,
            TimeoutError, asyncio.TimeoutError)


@contextmanager
def _on_cluster(client, what, address=None):
    """Turn a lost scheduler or connection into a ConnectionError naming it."""
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
    except _cluster_errors() as exc:
        raise ConnectionError(
            "Cannot %s: lost the connection to the dask scheduler at %s (%s: %s). "
            "The cluster went away or is unreachable."
            % (what, address, type(exc).__name__, exc)
        ) from exc


class DaskData:
    """Training rows persisted in blocks on a dask cluster.

    The loss, its gradient and the pruning statistics are sums over rows, so
    each is computed on every block where it lives and the blocks' results
    are added up on the workers (a tree reduction, :data:`SPLIT_EVERY` at a
    time); only the sum travels to the client. Every call ships the current
    weights to the workers once (a broadcast scatter), whatever the number
    of blocks. The blocks stay persisted for the object's lifetime; a worker
    lost in between is made up for by the scheduler, which recomputes its
    blocks from their lineage, giving the same numbers.

    Parameters
    ----------
    X : dask array of shape (n_samples, n_features)
        Validated inputs (see :func:`check_fit_inputs`).
    Y : dask array of shape (n_samples, n_outputs)
        Encoded targets (see :func:`encode_targets`), row chunks as ``X``.
    sample_weight : dask array of shape (n_samples,)
        Non-negative weights, row chunks as ``X``.
    client : distributed.Client, default=None
        The cluster's client; by default the current one
        (``distributed.get_client()``).
    sw_sum : float, default=None
        ``sum(sample_weight)`` when already known; computed otherwise.

    Attributes
    ----------
    X, Y, sample_weight : dask arrays
        The persisted arrays.
    n_samples, n_features, n_outputs : int
    dtype : numpy dtype
    sw_sum : float
        Every loss, gradient and statistic is divided by it.
    """

    def __init__(self, X, Y, sample_weight, *, client=None, sw_sum=None):
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
        if sw_sum is None:
            with _on_cluster(client, "sum the sample weights"):
                sw_sum = float(client.compute(
                    self.sample_weight.sum(dtype=np.float64)).result())
        self.sw_sum = float(sw_sum)

    @property
    def n_blocks(self):
        """Number of row blocks."""
        return len(self._blocks)

    def _reduce(self, block_fn, shared, *args, what, combine=np.add):
        """Combine ``block_fn(X_b, Y_b, sw_b, shared, *args)`` over the blocks."""
        client = self.client
        errors = np.geterr()
        with _on_cluster(client, what, self.address):
            # One copy of the weights per worker, not one per task.
            [shared] = client.scatter([shared], broadcast=True, hash=False)
            parts = [
                client.submit(_on_block, block_fn, errors, x, y, w, shared, *args,
                              pure=False)
                for x, y, w in self._blocks
            ]
            while len(parts) > 1:
                parts = [
                    client.submit(_combine_all, combine, *parts[i : i + SPLIT_EVERY],
                                  pure=False)
                    for i in range(0, len(parts), SPLIT_EVERY)
                ]
            return parts[0].result()

    def loss_and_gradients(self, coefs, intercepts, activation, loss, alpha):
        """Loss and gradients of the whole data, as :func:`._network.loss_and_gradients`.

        Floating-point errors are handled on the workers as the caller's
        ``numpy.errstate`` says: under ``errstate(over="raise")`` an
        overflow on any block raises ``FloatingPointError`` here.
        """
        value, coef_grads, intercept_grads = self._reduce(
            _block_loss_and_gradients, (coefs, intercepts), activation, loss,
            self.sw_sum, what="compute the loss and gradient",
        )
        # The L2 term, added once: alpha / sw_sum * W.
        decay = alpha / self.sw_sum
        for W, grad in zip(coefs, coef_grads):
            grad += decay * (W.data if hasattr(W, "tocsr") else W)
        value += 0.5 * alpha * _squared_norm(coefs) / self.sw_sum
        return float(value), coef_grads, intercept_grads

    def loss(self, coefs, intercepts, activation, loss, alpha):
        """Penalised loss of the whole data by a forward pass (see :func:`._network.loss_value`)."""
        value = self._reduce(
            _block_loss, (coefs, intercepts), activation, loss, self.sw_sum,
            what="compute the loss",
        )
        return float(value) + 0.5 * alpha * _squared_norm(coefs) / self.sw_sum

    def map_reduce(self, fn, combine=np.add):
        """Combine ``fn(X_block, Y_block, sw_block)`` over the blocks, element-wise.

        ``fn`` returns a tuple of arrays (or numbers) of the same shapes on
        every block; it is shipped to every worker once. ``combine`` is
        ``np.add`` (a sum) or another element-wise binary ufunc
        (``np.maximum`` for ranges). Dividing by :attr:`sw_sum` is the
        caller's business.
        """
        return self._reduce(_block_apply, fn, what="compute a data statistic",
                            combine=combine)

    def max_abs(self):
        """Largest ``|X|`` entry (for error messages)."""
        return float(self._reduce(_block_max_abs, None, what="read the data",
                                  combine=np.maximum))

    def pruning_state(self, coefs, intercepts, masks, activation, loss,
                      random_state=None, base=None):
        """A pruning state whose data statistics are computed on the blocks.

        ``base`` is the pruning-state class (by default skprune's); it must
        compute every data statistic through ``_reduce(fn, combine)``, with
        ``fn(X_chunk, Y_chunk, weights_chunk)`` and ``weights_chunk`` the
        chunk's ``sample_weight / sum(sample_weight)``. The returned state
        runs ``_reduce`` on the blocks (:meth:`map_reduce`) and takes its
        gradients from :meth:`loss_and_gradients`.
        """
        if base is None:
            from . import _criteria

            base = _criteria.PruningState
        if not hasattr(base, "_reduce"):
            raise TypeError(
                "%s computes its statistics on the whole array; data on a dask "
                "cluster needs a pruning state with a _reduce(fn, combine) "
                "primitive." % base.__name__
            )
        state = _dask_state_class(base)(
            coefs, intercepts, masks, None, None, activation, loss, Y=None,
            random_state=random_state,
        )
        state._dask_data = self
        return state

    def round_trip(self):
        """One scheduling round trip over all blocks with no work: the fixed cost of a call."""
        return self._reduce(_noop, None, what="reach the workers")


class _Normalised:
    """``fn`` called with the block's ``sample_weight / sw_sum`` as weights."""

    def __init__(self, fn, sw_sum, dtype):
        self.fn, self.sw_sum, self.dtype = fn, sw_sum, dtype

    def __call__(self, X, Y, sw):
        return self.fn(X, Y, (sw / self.sw_sum).astype(self.dtype, copy=False))


class _DaskStateMixin:
    """Data statistics of a pruning state computed on the blocks of a :class:`DaskData`."""

    def _reduce(self, fn, combine=np.add):
        data = self._dask_data
        return data.map_reduce(_Normalised(fn, data.sw_sum, self.coefs[0].dtype), combine)

    @property
    def gradients(self):
        """Exact whole-data gradient of the data loss (no L2 term) per weight matrix."""
        if "_gradients" not in self.__dict__:
            self.__dict__["_gradients"] = tuple(self._dask_data.loss_and_gradients(
                list(self.coefs), list(self.intercepts), self.activation, self.loss, 0.0
            )[1])
        return self.__dict__["_gradients"]

    @property
    def activations(self):
        """Not available: every layer's output on all rows would gather the data."""
        raise TypeError(
            "The training data lives on a dask cluster: a pruning criterion "
            "cannot read every layer's output on all rows at once. Compute "
            "statistics through the state's _reduce(fn) instead."
        )

    def __getstate__(self):
        # The statistics' functions close over the state and travel to the
        # workers with it; the client connection stays behind.
        state = self.__dict__.copy()
        state.pop("_dask_data", None)
        return state


_STATE_CLASSES = {}


def _dask_state_class(base):
    """``base`` with :class:`_DaskStateMixin`'s ``_reduce`` (one class per base)."""
    if base not in _STATE_CLASSES:
        _STATE_CLASSES[base] = type("Dask" + base.__name__, (_DaskStateMixin, base), {})
    return _STATE_CLASSES[base]


def _block_futures(arr):
    """The futures holding a persisted array's row blocks, in row order."""
    from distributed import futures_of

    by_key = {f.key: f for f in futures_of(arr)}
    keys = arr.__dask_keys__()
    flat = [k[0] if isinstance(k, list) else k for k in keys]
    return [by_key[k] for k in flat]


class _ScoreBlock:
    """Per-block sums of a validation score: picklable, the weights inside."""

    def __init__(self, coefs, intercepts, activation, loss):
        self.coefs, self.intercepts = coefs, intercepts
        self.activation, self.loss = activation, loss

    def __call__(self, X, Y, sw):
        P = predict_output(X, self.coefs, self.intercepts, self.activation,
                           OUTPUT_ACTIVATIONS[self.loss])
        # Rows with a non-finite output are counted: the step blew up.
        blown = float((~np.isfinite(P)).any(axis=1).sum()) if P.size else 0.0
        if self.loss == "log_loss":
            return blown, float(sw @ (P.argmax(axis=1) == Y.argmax(axis=1)))
        if self.loss == "binary_log_loss":
            return blown, float(sw @ ((P > 0.5) == (Y > 0.5)).all(axis=1))
        sw = sw.astype(np.float64)
        Y64 = Y.astype(np.float64)
        return blown, sw @ Y64, sw @ Y64**2, sw @ (Y64 - P) ** 2


def validation_score(data, coefs, intercepts, activation, loss):
    """The estimators' early-stopping score on :class:`DaskData`, from block sums.

    Sample-weighted accuracy (exact match for several outputs) for the log
    losses, R² averaged over the outputs for squared error: what
    ``PrunedMLPClassifier`` and ``PrunedMLPRegressor`` score their in-memory
    validation split with; ``-inf`` when any output is not finite.
    """
    blown, *sums = data.map_reduce(_ScoreBlock(coefs, intercepts, activation, loss))
    if blown:
        return -np.inf  # a non-finite output: the caller treats it as divergence
    if loss != "squared_error":
        return sums[0] / data.sw_sum
    s_y, s_yy, ss_res = sums
    ss_tot = s_yy - s_y**2 / data.sw_sum
    # scikit-learn's r2_score: a constant target scores 1 if fitted exactly, else 0.
    r2 = np.where(ss_tot > 0, 1 - ss_res / np.where(ss_tot > 0, ss_tot, 1),
                  np.where(ss_res == 0, 1.0, 0.0))
    return float(r2.mean())


def _check_scales(facts, dtype, n_targets):
    """The in-memory fit's sample-weight and target scale checks, on the one pass's facts."""
    finfo = np.finfo(dtype)
    total = facts["sw_sum"]
    problem = None
    if total > finfo.max:
        problem = "sum to inf in %s (overflow)" % dtype
    elif 0 < total and (total < finfo.tiny or facts["sw_max"] < finfo.tiny):
        problem = "sum to %.3g, below the smallest normal %s number (%.3g)" % (
            total, dtype, finfo.tiny)
    if problem:
        raise ValueError(
            "The sample weights %s: every loss and gradient is divided by their "
            "sum. Only their ratios matter, so divide or multiply them all by a "
            "common factor (e.g. sample_weight / sample_weight.max())." % problem
        )
    largest = facts.get("y_absmax")
    limit = float(np.sqrt(finfo.max / max(n_targets, 1)))
    if largest is not None and largest > limit:
        raise ValueError(
            "The regression targets are too large for %s arithmetic (max |y| = "
            "%.3g; their squared errors overflow above %.3g). Scale them, e.g. "
            "with sklearn.compose.TransformedTargetRegressor(transformer="
            "StandardScaler())." % (dtype, largest, limit)
        )


def dask_targets(estimator, facts, warm):
    """The loss and target attributes of a fit on dask data, as the in-memory fit sets them.

    A classifier's ``LabelBinarizer`` is fitted on the classes discovered on
    the blocks (or on the label-indicator columns); a regressor fits one
    output per target column. A warm start must see the previous fit's
    classes or number of targets.
    """
    from sklearn.base import is_classifier
    from sklearn.preprocessing import LabelBinarizer

    if not is_classifier(estimator):
        n_outputs = 1 if facts["y_ndim"] == 1 else int(facts["n_outputs"])
        if warm and n_outputs != estimator.n_outputs_:
            raise ValueError(
                "warm_start can only be used where `y` has the same number of "
                "targets as in the previous call to fit: %d, got %d."
                % (estimator.n_outputs_, n_outputs)
            )
        return "squared_error", {"out_activation_": "identity"}
    classes = facts["classes"]
    if facts["y_ndim"] == 2:
        # A label-indicator matrix: fit the binarizer on one of its kind.
        indicator = np.vstack([np.eye(len(classes), dtype=int), np.zeros(len(classes), int)])
        binarizer = LabelBinarizer().fit(indicator)
    else:
        from sklearn.utils.multiclass import check_classification_targets

        check_classification_targets(classes)
        binarizer = LabelBinarizer().fit(classes)
    if warm and (binarizer.y_type_ != estimator._label_binarizer.y_type_ or not
                 np.array_equal(classes, estimator._label_binarizer.classes_)):
        raise ValueError(
            "warm_start can only be used where `y` has the same classes as in the "
            "previous call to fit. Previously got %s, `y` has %s"
            % (estimator._label_binarizer.classes_, classes)
        )
    loss = "log_loss" if binarizer.y_type_ == "multiclass" else "binary_log_loss"
    return loss, {
        "_label_binarizer": binarizer,
        "classes_": binarizer.classes_,
        "out_activation_": "softmax" if loss == "log_loss" else "logistic",
    }


def prepare_fit(X, y, sample_weight=None, *, classifier, validation_fraction=None,
                random_state=None, client=None):
    """Everything ``fit`` needs from dask inputs, in one call.

    Validates the inputs and discovers the classes in one pass
    (:func:`check_fit_inputs`), encodes the targets (:func:`encode_targets`),
    splits off the early-stopping validation rows per block when
    ``validation_fraction`` is given (:func:`split_validation`, stratified for
    single-output classification) and persists everything on the cluster.

    Returns
    -------
    data : DaskData
        The training rows.
    validation : DaskData or None
        The validation rows.
    facts : dict
        ``classes`` (classifiers: sorted labels, or output indices for a
        label-indicator ``y``), ``y_ndim``, ``n_features``, ``dtype``.
    """
    X, y, sw, facts = check_fit_inputs(X, y, sample_weight, classifier=classifier)
    if classifier:
        if y.ndim == 2:
            facts["classes"] = np.arange(y.shape[1])
        elif len(facts["classes"]) < 2:
            raise ValueError(
                "The classifier needs samples of at least 2 classes in the data, "
                "but the data contains only one class: %r." % facts["classes"][0]
            )
    facts.update(y_ndim=y.ndim, n_features=X.shape[1], dtype=X.dtype,
                 n_outputs=1 if y.ndim == 1 else y.shape[1])
    _check_scales(facts, X.dtype, y.size)
    Y = encode_targets(y, X.dtype, facts.get("classes") if y.ndim == 1 else None)
    if validation_fraction is None:
        return DaskData(X, Y, sw, client=client, sw_sum=facts["sw_sum"]), None, facts
    stratify = y if classifier and y.ndim == 1 else None
    (X, Y, sw), (Xv, Yv, swv) = split_validation(
        [X, Y, sw], validation_fraction, random_state, stratify=stratify
    )
    if Xv.shape[0] < 2:
        raise ValueError(
            "early_stopping could not split off a validation set of at least "
            "2 samples. Increase 'validation_fraction' or the size of your dataset."
        )
    data, validation = DaskData(X, Y, sw, client=client), DaskData(
        Xv, Yv, swv, client=client)
    if not (data.sw_sum > 0 and validation.sw_sum > 0):
        raise ValueError(
            "early_stopping could not split the data into a training and a "
            "validation part that both have positive total sample weight."
        )
    return data, validation, facts
