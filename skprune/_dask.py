"""Dask inputs: detection, validation, target encoding, splitting, lazy prediction.

Everything an estimator needs around dask collections except the training
data object itself (:mod:`._data_dask`): detecting a dask input without
importing dask, validating it in one lazy pass as scikit-learn would,
discovering the classes and encoding the targets on blocks, a seeded
per-block validation split, and lazy block-wise ``predict`` /
``predict_proba`` / ``score``.

dask is an optional dependency (``pip install ".[dask]"``): nothing here
imports it before a dask collection is seen.
"""

import math
import sys

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils import check_random_state


def is_dask_collection(obj):
    """Whether ``obj`` is a dask collection (array, DataFrame, Series, ...).

    Never imports dask: an object cannot be a dask collection unless dask was
    imported by whoever made it.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._dask import is_dask_collection
    >>> is_dask_collection(np.ones(3))
    False
    >>> import dask.array as da
    >>> is_dask_collection(da.ones(3))
    True
    """
    if "dask" not in sys.modules:
        return False
    import dask

    return dask.is_dask_collection(obj)


def _dask_array():
    try:
        import dask.array as da
    except ImportError as exc:  # pragma: no cover - the extra is installed in CI
        raise ImportError(
            'Dask inputs need dask: pip install ".[dask]".'
        ) from exc
    return da


# ---------------------------------------------------------------------- #
# Input handling.
# ---------------------------------------------------------------------- #
def as_dask_array(X, *, ndim=2, name="X", dtype=(np.float64, np.float32)):
    """``X`` as a dask array with known row chunks and all columns in one chunk.

    A dask DataFrame or Series is converted with its partitions' lengths
    computed (``to_dask_array(lengths=True)``); unknown chunk sizes are
    computed. The checks are scikit-learn's: the number of dimensions, at
    least one row, a numeric dtype. A dtype in ``dtype`` is kept, any other
    numeric dtype becomes the first of them; ``dtype=None`` keeps any dtype.
    Nothing is computed but the chunk lengths.

    Parameters
    ----------
    X : dask array, DataFrame or Series
    ndim : {1, 2, None}, default=2
        Required number of dimensions; None accepts 1 or 2.
    name : str, default="X"
        Name used in error messages.
    dtype : tuple of dtypes or None, default=(float64, float32)

    Returns
    -------
    X : dask.array.Array

    Examples
    --------
    >>> import dask.array as da
    >>> from skprune._dask import as_dask_array
    >>> X = as_dask_array(da.ones((10, 4), dtype=int, chunks=(3, 2)))
    >>> X.dtype, X.chunks
    (dtype('float64'), ((3, 3, 3, 1), (4,)))
    """
    da = _dask_array()
    if hasattr(X, "to_dask_array"):  # DataFrame or Series
        X = X.to_dask_array(lengths=True)
    elif not isinstance(X, da.Array):
        X = da.asarray(X)
    if any(math.isnan(c) for c in X.chunks[0]) if X.ndim else False:
        X = X.compute_chunk_sizes()
    if ndim is not None and X.ndim != ndim or X.ndim not in (1, 2):
        raise ValueError(
            "Expected %s array for %s, got a %dD dask array of shape %s instead."
            % ("2D" if ndim == 2 else "1D or 2D" if ndim is None else "1D",
               name, X.ndim, X.shape)
        )
    if X.shape[0] == 0:
        raise ValueError(
            "Found array with 0 sample(s) (shape=%s) while a minimum of 1 is "
            "required." % (X.shape,)
        )
    if dtype is not None and X.dtype not in dtype:
        if X.dtype.kind not in "biuf":
            raise ValueError(
                "%s must hold numbers; got a dask array of dtype %s." % (name, X.dtype)
            )
        X = X.astype(dtype[0])
    if X.ndim == 2:
        X = X.rechunk({1: -1})
    return X


def _align(arr, chunks):
    """``arr`` rechunked to the row chunks ``chunks`` (columns in one chunk)."""
    if arr.ndim == 1:
        return arr.rechunk((chunks,))
    return arr.rechunk((chunks, -1))


def check_fit_inputs(X, y, sample_weight=None, *, classifier):
    """Validate dask training data in one lazy pass; discover the classes.

    The checks of scikit-learn's ``validate_data`` and ``_check_sample_weight``
    (2-D float ``X``, consistent lengths, finite values, non-negative weights
    with a positive sum) are computed together with what fit needs anyway
    (the classes, the sum of the weights) in a single ``dask.compute``: the
    data is read once, on the workers.

    Parameters
    ----------
    X : dask array or DataFrame of shape (n_samples, n_features)
    y : dask array, DataFrame or Series of shape (n_samples,) or (n_samples, n_outputs)
    sample_weight : dask array of shape (n_samples,), ndarray or None
    classifier : bool
        Discover the classes of ``y`` (classifier) or check that ``y`` is
        finite (regressor).

    Returns
    -------
    X, y, sample_weight : dask arrays with the same row chunks
    facts : dict
        ``sw_sum`` and ``sw_max`` (floats); ``seen``, an in-memory array
        with every distinct kind of row of ``y`` (for a classifier with 1-D
        ``y`` its sorted classes, for a label-indicator ``y`` an indicator
        matrix of its width, for a regressor one row of zeros), which is
        what the estimator's target encoder is fitted on; for a regressor
        ``y_absmax``.
    """
    da = _dask_array()
    import dask

    X = as_dask_array(X)
    y = as_dask_array(y, ndim=None, name="y", dtype=None if classifier else (X.dtype,))
    if classifier and y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]  # a column of labels, as scikit-learn's column_or_1d takes it
    if y.shape[0] != X.shape[0]:
        raise ValueError(
            "Found input variables with inconsistent numbers of samples: %r"
            % [X.shape[0], y.shape[0]]
        )
    y = _align(y, X.chunks[0])
    if sample_weight is None:
        # Real arrays of ones, not dask's stride-0 broadcasts: numpy's
        # products take another path for those (and round otherwise).
        sample_weight = da.ones(X.shape[0], dtype=X.dtype, chunks=(X.chunks[0],)).map_blocks(
            np.ascontiguousarray, dtype=X.dtype)
    else:
        sample_weight = as_dask_array(
            sample_weight, ndim=1, name="sample_weight", dtype=(X.dtype,)
        )
        if sample_weight.shape[0] != X.shape[0]:
            raise ValueError(
                "sample_weight.shape == %s, expected (%d,)!"
                % (sample_weight.shape, X.shape[0])
            )
        sample_weight = _align(sample_weight, X.chunks[0])
    lazy = {
        "X_finite": da.isfinite(X).all(),
        "sw_finite": da.isfinite(sample_weight).all(),
        "sw_min": sample_weight.min(),
        "sw_sum": sample_weight.sum(dtype=np.float64),
        "sw_max": sample_weight.max(),
    }
    if classifier and y.ndim == 1:
        lazy["classes"] = da.unique(y)
    elif not classifier:
        lazy["y_finite"] = da.isfinite(y).all()
        lazy["y_absmax"] = abs(y).max()
    facts = dict(zip(lazy, dask.compute(*lazy.values())))
    if not facts.pop("X_finite") or not facts.pop("y_finite", True):
        raise ValueError("Input contains NaN or infinity.")
    if not facts.pop("sw_finite") or facts.pop("sw_min") < 0:
        raise ValueError("Negative values in data passed to `sample_weight`")
    facts["sw_sum"] = float(facts["sw_sum"])
    facts["sw_max"] = float(facts["sw_max"])
    width = 1 if y.ndim == 1 else y.shape[1]
    if classifier and y.ndim == 2:
        # A label-indicator matrix: every column set, and none.
        facts["seen"] = np.vstack([np.eye(width, dtype=int), np.zeros(width, dtype=int)])
    elif classifier:
        facts["seen"] = facts.pop("classes")
    else:
        facts["seen"] = np.zeros((1,) + y.shape[1:], dtype=X.dtype)
    return X, y, sample_weight, facts


def encode_blocks(encode, seen, y, dtype, target_attrs):
    """``encode(y, dtype, target_attrs)`` block by block (lazy): the in-memory encoding.

    ``seen`` (see :func:`check_fit_inputs`) gives the encoding's width.

    Examples
    --------
    >>> import numpy as np, dask.array as da
    >>> from sklearn.preprocessing import LabelBinarizer
    >>> from skprune._dask import encode_blocks
    >>> def encode(y, dtype, attrs):
    ...     return attrs["binarizer"].transform(y).astype(dtype)
    >>> seen = np.array(["a", "b", "c"])
    >>> attrs = {"binarizer": LabelBinarizer().fit(seen)}
    >>> y = da.from_array(np.array(["b", "a", "c"]), chunks=2)
    >>> encode_blocks(encode, seen, y, np.float64, attrs).compute()
    array([[0., 1., 0.],
           [1., 0., 0.],
           [0., 0., 1.]])
    """
    width = encode(seen[:1], dtype, target_attrs).shape[1]
    return y.map_blocks(
        encode, dtype, target_attrs, dtype=dtype, chunks=(y.chunks[0], (width,)),
        new_axis=1 if y.ndim == 1 else None, meta=np.empty((0, width), dtype=dtype),
    )


# ---------------------------------------------------------------------- #
# The early-stopping split, on blocks.
# ---------------------------------------------------------------------- #
def _validation_rows(n_rows, fraction, labels, seed):
    """Boolean mask of one block's validation rows (stratified by ``labels``).

    ``ceil(fraction * n_rows)`` rows, as scikit-learn's ``train_test_split``
    takes; with labels, shared out among the classes in proportion, the
    remainder to the largest fractional parts (ties broken at random).
    """
    rng = np.random.RandomState(seed)
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


def _block_mask(block, fraction, seeds, stratify, block_info=None):
    index = block_info[0]["chunk-location"][0]
    labels = block if stratify else None
    return _validation_rows(len(block), fraction, labels, seeds[index])


def split_validation(arrays, fraction, random_state, stratify=None):
    """Split row-aligned dask arrays into a training and a validation part.

    Every row block draws its own validation rows with a generator seeded
    from ``random_state``, so the split is reproducible and computed where
    the block lives: ``ceil(fraction * rows)`` rows per block, with
    ``stratify`` (labels, aligned with the rows) shared out among the classes
    in proportion. The result's row chunks are
    computed (one pass over the masks).

    Parameters
    ----------
    arrays : list of dask arrays with the same row chunks
    fraction : float in (0, 1)
    random_state : int, RandomState instance or None
    stratify : dask array of shape (n_samples,), default=None

    Returns
    -------
    train, validation : list of dask arrays

    Examples
    --------
    >>> import dask.array as da
    >>> from skprune._dask import split_validation
    >>> X = da.arange(20, chunks=5)
    >>> (train,), (val,) = split_validation([X], 0.2, 0)
    >>> len(train), len(val)
    (16, 4)
    """
    da = _dask_array()
    chunks = arrays[0].chunks[0]
    seeds = check_random_state(random_state).randint(
        np.iinfo(np.int32).max, size=len(chunks)
    )
    source = arrays[0] if stratify is None else _align(stratify, chunks)
    if source.ndim == 2:
        source = source[:, 0]
    mask = da.map_blocks(
        _block_mask, source, fraction, seeds, stratify is not None,
        dtype=bool, meta=np.empty(0, dtype=bool),
    )
    sizes = da.map_blocks(
        lambda m: np.array([m.sum()]), mask, dtype=np.int64, chunks=((1,) * len(chunks),)
    ).compute()
    val_chunks = tuple(int(s) for s in sizes)
    train_chunks = tuple(c - v for c, v in zip(chunks, val_chunks))
    train = [_with_rows(a[~mask], train_chunks) for a in arrays]
    validation = [_with_rows(a[mask], val_chunks) for a in arrays]
    return train, validation


def _with_rows(arr, row_chunks):
    """``arr`` (row chunks unknown after boolean indexing) with its known row chunks."""
    # The counts come from the very masks that built ``arr``; using them
    # spares a second pass over the data (dask's compute_chunk_sizes).
    da = _dask_array()
    return da.Array(arr.dask, arr.name, (row_chunks,) + arr.chunks[1:], meta=arr._meta)


# ---------------------------------------------------------------------- #
# Lazy prediction.
# ---------------------------------------------------------------------- #
def _apply_method(block, estimator, method, names=None):
    if names is not None:  # a DataFrame's block: the estimator checks the names
        import pandas as pd

        block = pd.DataFrame(block, columns=names)
    return getattr(estimator, method)(block)


def predict_blocks(estimator, X, method="predict"):
    """``estimator.<method>(X)`` as a lazy dask array, block by block.

    The fitted estimator is sent to the workers with the graph and called on
    every row block; nothing is computed until the result is. The output's
    shape and dtype come from calling the method on one row of zeros, which
    also checks ``X``'s number of features before any work.

    Parameters
    ----------
    estimator : fitted estimator
    X : dask array or DataFrame of shape (n_samples, n_features)
    method : str, default="predict"
        ``"predict"``, ``"predict_proba"``, ``"predict_log_proba"``, ...

    Returns
    -------
    result : dask array with ``X``'s row chunks

    Examples
    --------
    >>> import numpy as np, dask.array as da
    >>> from skprune import PrunedMLPRegressor
    >>> from skprune._dask import predict_blocks
    >>> X = np.linspace(0, 1, 40).reshape(20, 2)
    >>> est = PrunedMLPRegressor(max_iter=5, random_state=0).fit(X, X.sum(axis=1))
    >>> lazy = predict_blocks(est, da.from_array(X, chunks=8))
    >>> lazy.chunks
    ((8, 8, 4),)
    >>> bool(np.allclose(lazy.compute(), est.predict(X)))
    True
    """
    from sklearn.utils.validation import _get_feature_names

    names = _get_feature_names(getattr(X, "_meta", X))
    X = as_dask_array(X, dtype=None)
    probe = _apply_method(np.zeros((1, X.shape[1]), dtype=X.dtype), estimator, method,
                          names)
    if probe.ndim == 1:
        kwargs = {"chunks": (X.chunks[0],), "drop_axis": 1}
    else:
        kwargs = {"chunks": (X.chunks[0], (probe.shape[1],))}
    return X.map_blocks(
        _apply_method, estimator, method, names, dtype=probe.dtype,
        meta=np.empty((0,) * probe.ndim, dtype=probe.dtype), **kwargs,
    )


def score_blocks(estimator, X, y, sample_weight=None):
    """``estimator.score(X, y)`` as a lazy dask scalar, computed block-wise.

    Accuracy (exact match for multilabel targets) for a classifier, the
    coefficient of determination R² averaged over the outputs for a
    regressor, both sample-weighted, as scikit-learn's ``score``.

    Examples
    --------
    >>> import numpy as np, dask.array as da
    >>> from skprune import PrunedMLPClassifier
    >>> from skprune._dask import score_blocks
    >>> X = np.r_[np.zeros((10, 2)), np.ones((10, 2))]
    >>> y = np.r_[np.zeros(10), np.ones(10)]
    >>> est = PrunedMLPClassifier(max_iter=50, random_state=0).fit(X, y)
    >>> lazy = score_blocks(est, da.from_array(X, chunks=6), da.from_array(y, chunks=5))
    >>> float(lazy) == est.score(X, y)
    True
    """
    da = _dask_array()
    prediction = predict_blocks(estimator, X)
    rows = prediction.chunks[0]
    y = _align(as_dask_array(y, ndim=None, name="y", dtype=None), rows)
    if sample_weight is None:
        sw = da.ones(y.shape[0], chunks=(rows,))
    else:
        sw = _align(as_dask_array(sample_weight, ndim=1, name="sample_weight"), rows)
    if is_classifier(estimator):
        correct = prediction == y
        if correct.ndim == 2:
            correct = correct.all(axis=1)
        return (correct * sw).sum() / sw.sum()
    Y = y[:, np.newaxis] if y.ndim == 1 else y
    P = prediction[:, np.newaxis] if prediction.ndim == 1 else prediction
    w = sw[:, np.newaxis]
    mean = (w * Y).sum(axis=0) / sw.sum()
    ss_res = (w * (Y - P) ** 2).sum(axis=0)
    ss_tot = (w * (Y - mean) ** 2).sum(axis=0)
    # scikit-learn's r2_score: a constant target scores 1 if fitted exactly, else 0.
    r2 = da.where(
        ss_tot > 0,
        1 - ss_res / da.where(ss_tot > 0, ss_tot, 1),
        da.where(ss_res == 0, 1.0, 0.0),
    )
    return r2.mean()
