"""The one place a data source is made: in memory, or on a dask cluster.

Above both sources (:mod:`skprune._data.memory`,
:mod:`skprune._data.dask_blocks`), which know nothing of each other's
construction. dask is optional: nothing here imports it before a dask
collection is seen.
"""

import sys

from .memory import InMemoryData


def is_dask_collection(obj):
    """Whether ``obj`` is a dask collection (array, DataFrame, Series, ...).

    Never imports dask: an object cannot be a dask collection unless dask was
    imported by whoever made it.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._data.factory import is_dask_collection
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


# ---------------------------------------------------------------------- #
# Input handling.
# ---------------------------------------------------------------------- #


def make_data(X, Y, sample_weight, **kwargs):
    """The data source for ``X``: in memory, or on a dask cluster for dask arrays.

    ``kwargs`` go to :class:`skprune._data.dask_blocks.DaskData` (``client``).

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._data.factory import make_data
    >>> type(make_data(np.eye(2), np.eye(2), np.ones(2))).__name__
    'InMemoryData'
    """
    if is_dask_collection(X):
        from .dask_blocks import DaskData

        return DaskData(X, Y, sample_weight, **kwargs)
    return InMemoryData(X, Y, sample_weight)
