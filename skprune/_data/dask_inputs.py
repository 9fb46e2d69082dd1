"""Dask inputs: detection, validation, target encoding, lazy prediction and scoring.

Everything an estimator needs around dask collections except the training
data object itself (:mod:`skprune._data.dask_blocks`): detecting a dask input without
importing dask, validating it block by block with the checks of an
in-memory ``fit``, discovering the classes and encoding the targets on
blocks, and lazy block-wise ``predict`` / ``predict_proba`` / ``score``.

dask is an optional dependency (``pip install ".[dask]"``): nothing here
imports it before a dask collection is seen.
"""

import functools
import inspect
import math

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils import check_consistent_length
from sklearn.utils.validation import _check_sample_weight, check_X_y


def as_dask_array(X):
    """``X`` as a dask array with known row chunks and all other axes in one chunk.

    A dask DataFrame or Series is converted with its partitions' lengths
    computed (``to_dask_array(lengths=True)``); unknown chunk sizes are
    computed. Nothing else is computed, and nothing is checked: that is
    scikit-learn's work, on every block (:func:`check_fit_inputs`).

    Examples
    --------
    >>> import dask.array as da
    >>> from skprune._data.dask_inputs import as_dask_array
    >>> as_dask_array(da.ones((10, 4), chunks=(3, 2))).chunks
    ((3, 3, 3, 1), (4,))
    """
    import dask.array as da

    if hasattr(X, "to_dask_array"):  # DataFrame or Series
        X = X.to_dask_array(lengths=True)
    elif not isinstance(X, da.Array):
        X = da.asarray(X)
    if X.ndim and any(math.isnan(c) for c in X.chunks[0]):
        X = X.compute_chunk_sizes()
    return X.rechunk({axis: -1 for axis in range(1, X.ndim)})


def _align(arr, chunks):
    """``arr`` rechunked to the row chunks ``chunks`` (other axes in one chunk)."""
    return arr.rechunk((chunks,) + tuple((n,) for n in arr.shape[1:]))


#: A block may hold only zero weights (the whole data may not: see ``fit``);
#: scikit-learn >= 1.8 refuses them unless told.
_ANY_BLOCK_ZERO = {"allow_all_zero_weights": True} if (
    "allow_all_zero_weights" in inspect.signature(_check_sample_weight).parameters) else {}


def _check_block(X, y, sw, classifier, ensure_min_samples):
    """One row block through ``fit``'s in-memory checks: the block, and what fit needs of it."""
    try:
        X, y = check_X_y(X, y, multi_output=True, y_numeric=not classifier,
                         dtype=(np.float64, np.float32), ensure_min_samples=ensure_min_samples)
        sw = _check_sample_weight(sw, X, dtype=X.dtype, ensure_non_negative=True,
                                  **_ANY_BLOCK_ZERO)
    except (ValueError, TypeError) as exc:  # for the client to raise, not the worker to log
        return None, None, exc
    # A classifier's distinct targets (classes, or rows of a label-indicator y).
    seen = np.unique(y, axis=0 if y.ndim == 2 else None) if classifier else y[:0]
    absmax = 0.0 if classifier else np.abs(y).max(initial=0)
    return X, sw, (seen, sw.sum(dtype=np.float64), sw.max(initial=0), absmax)


def check_fit_inputs(X, y, sample_weight=None, *, classifier):
    """Validate dask training data block by block as ``fit`` does in memory.

    Every row block goes through the checks of an in-memory ``fit``
    (scikit-learn's ``check_X_y`` and ``_check_sample_weight``: 2-D float
    ``X``, finite values, non-negative weights), with their messages, on the
    workers; the facts fit needs (the classes, the sum and largest of the
    weights, the largest ``|y|``) come from the same pass, in one
    ``dask.compute``. Only the lengths are checked on the client.

    Parameters
    ----------
    X : dask array or DataFrame of shape (n_samples, n_features)
    y : dask array, DataFrame or Series of shape (n_samples,) or (n_samples, n_outputs)
    sample_weight : dask array of shape (n_samples,), ndarray or None
    classifier : bool
        Discover the classes of ``y`` (classifier) or require numeric
        targets (regressor).

    Returns
    -------
    X, y, sample_weight : dask arrays with the same row chunks
        ``X`` and ``sample_weight`` as the checks convert them.
    facts : dict
        ``sw_sum``, ``sw_max`` and ``y_absmax`` (floats; ``y_absmax`` 0 for
        a classifier); ``seen``, an in-memory array with the distinct rows
        of ``y`` for a classifier (its sorted classes for 1-D ``y``), none
        for a regressor, which is what the estimator's target encoder is
        fitted on.
    """
    import dask
    import dask.array as da

    X, y = as_dask_array(X), as_dask_array(y)
    if classifier and y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]  # a column of labels, as scikit-learn's column_or_1d takes it
    sw = None if sample_weight is None else as_dask_array(sample_weight)
    check_consistent_length(X, y, sw)
    rows = X.chunks[0]
    y = _align(y, rows)
    blocks = [dask.delayed(_check_block, nout=3)(
        x, t, None if sw is None else w, classifier, int(X.shape[0] == 0),
    ) for x, t, w in zip(X.to_delayed().ravel(), y.to_delayed().ravel(),
                         (y if sw is None else _align(sw, rows)).to_delayed().ravel())]
    found = dask.compute([f for *_, f in blocks])[0]
    error = next((f for f in found if isinstance(f, Exception)), None)
    if error is not None:  # the first failing block's, as in memory the first bad row's
        raise error
    seen, sw_sum, sw_max, y_absmax = zip(*found)
    facts = {"seen": np.unique(np.concatenate(seen), axis=0 if y.ndim == 2 else None),
             "sw_sum": float(np.sum(sw_sum)), "sw_max": float(max(sw_max)),
             "y_absmax": float(max(y_absmax))}
    dtype = X.dtype if X.dtype in (np.float64, np.float32) else np.dtype(np.float64)
    X = da.concatenate([da.from_delayed(x, (n, X.shape[1]), dtype=dtype)
                        for (x, _, _), n in zip(blocks, rows)])
    sw = da.concatenate([da.from_delayed(w, (n,), dtype=dtype)
                         for (_, w, _), n in zip(blocks, rows)])
    return X, y, sw, facts


def map_rows(fn, probe, arr, *args):
    """``fn(block, *args)`` on every row block of ``arr``, lazily: the in-memory code per block.

    The output's columns and dtype are those of ``fn(probe, *args)``, called
    now (so that the in-memory checks of ``fn`` fail before any work).

    Examples
    --------
    >>> import numpy as np, dask.array as da
    >>> from skprune._data.dask_inputs import map_rows
    >>> y = da.from_array(np.array([1, 0, 2]), chunks=2)
    >>> one_hot = lambda y, dtype: np.eye(3, dtype=dtype)[y]
    >>> map_rows(one_hot, np.zeros(1, int), y, float).compute()
    array([[0., 1., 0.],
           [1., 0., 0.],
           [0., 0., 1.]])
    """
    out = fn(probe, *args)
    return arr.map_blocks(
        fn, *args, dtype=out.dtype, meta=np.empty((0,) * out.ndim, dtype=out.dtype),
        chunks=(arr.chunks[0],) + tuple((n,) for n in out.shape[1:]),
        drop_axis=list(range(out.ndim, arr.ndim)), new_axis=list(range(arr.ndim, out.ndim)),
    )


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
    >>> from skprune._data.dask_inputs import predict_blocks
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
    X = as_dask_array(X)
    # One row of zeros (none if X has none): the in-memory checks of X's shape, now.
    probe = np.zeros((min(X.shape[0], 1),) + X.shape[1:], dtype=X.dtype)
    return map_rows(_apply_method, probe, X, estimator, method, names)


def _score_sums(X, y, sw, estimator, names, mean):
    """One block's sums of ``estimator.score``; with ``X=None``, of ``y``'s weighted mean."""
    from sklearn.metrics import accuracy_score

    sw = np.ones(len(y)) if sw is None else sw
    prediction = None if X is None else _apply_method(X, estimator, "predict", names)
    if is_classifier(estimator):  # scikit-learn's accuracy, before its division
        return np.array([accuracy_score(y, prediction, normalize=False, sample_weight=sw),
                         sw.sum()])
    scorer, y = estimator._scorer(None), y.reshape(len(y), -1)
    if X is None:
        return scorer.target_sums(None, y, sw)
    return scorer.sums(prediction.reshape(len(y), -1), y, sw, mean)


def score_blocks(estimator, X, y, sample_weight=None):
    """``estimator.score(X, y)`` as a lazy dask scalar, computed block-wise.

    Accuracy (exact match for multilabel targets) for a classifier:
    scikit-learn's ``accuracy_score`` of every block, as a weighted count,
    added up; the coefficient of determination R² averaged over the outputs
    for a regressor: the sums of the estimator's validation score, added up
    over the blocks. Both sample-weighted, as scikit-learn's ``score``.

    Examples
    --------
    >>> import numpy as np, dask.array as da
    >>> from skprune import PrunedMLPClassifier
    >>> from skprune._data.dask_inputs import score_blocks
    >>> X = np.r_[np.zeros((10, 2)), np.ones((10, 2))]
    >>> y = np.r_[np.zeros(10), np.ones(10)]
    >>> est = PrunedMLPClassifier(max_iter=50, random_state=0).fit(X, y)
    >>> lazy = score_blocks(est, da.from_array(X, chunks=6), da.from_array(y, chunks=5))
    >>> float(lazy) == est.score(X, y)
    True
    """
    import dask
    import dask.array
    from sklearn.utils.validation import _get_feature_names

    from .dask_blocks import _combine_all

    names = _get_feature_names(getattr(X, "_meta", X))
    X = as_dask_array(X)
    y, sw = ([None] * X.numblocks[0] if a is None
             else _align(as_dask_array(a), X.chunks[0]).to_delayed().ravel()
             for a in (y, sample_weight))
    blocks = list(zip(X.to_delayed().ravel(), y, sw))
    scorer, mean = estimator._scorer(None), None
    total = functools.partial(dask.delayed(_combine_all), np.add)
    if not is_classifier(estimator):
        mean = dask.delayed(scorer.target)(total(*[
            dask.delayed(_score_sums)(None, t, w, estimator, names, None)
            for _, t, w in blocks]))
    sums = total(*[dask.delayed(_score_sums)(x, t, w, estimator, names, mean)
                   for x, t, w in blocks])
    score = dask.delayed(np.float64)(dask.delayed(scorer.finish)(sums))
    return dask.array.from_delayed(score, (), dtype=np.float64)
