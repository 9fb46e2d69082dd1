"""Checks ``fit`` makes before any training: memory, sample-weight and target scale.

Each check names the real cause of a failure that would otherwise show up
much later, or under another name: a ``MemoryError`` after minutes of
training, or a non-finite loss blamed on the features.
"""

import os

import numpy as np

from .._net.network import chunk_rows
from .solvers import SOLVERS

#: Fraction of the available memory a fit may plan to use.
MEMORY_FRACTION = 0.9


def estimate_fit_memory(layer_units, n_samples, dtype, rewind=False, solvers=("adam",)):
    """Bytes a fit needs beyond its data, for a network of ``layer_units``.

    While training, every weight has what the solver keeps of it (its
    ``bytes_per_weight``: for gradient descent the value, the gradient, the
    velocity, the next iterate and a mask byte; Adam one more array; L-BFGS
    its float64 vectors and correction pairs); while pruning, its value, its mask, a float64 score and the
    ranking's float64 and index arrays (``2 * itemsize + 25``). The larger of
    the two counts, plus a copy of the initial weights with ``rewind``, plus
    the activations and deltas of one row chunk (statistics and gradients
    are accumulated over row chunks, so this part does not grow with
    ``n_samples`` beyond a chunk).

    Parameters
    ----------
    layer_units : sequence of int
        Units of every layer, inputs and outputs included.
    n_samples : int
        Number of training samples.
    dtype : dtype
        Floating-point type of the training.
    rewind : bool, default=False
        Whether the initial weights are kept for lottery-ticket rewinding.
    solvers : sequence of str, default=("adam",)
        Names of the solvers the fit runs (``solver`` and the retraining
        solver), from :data:`skprune._fit.solvers.SOLVERS`.

    Returns
    -------
    n_bytes : int

    Examples
    --------
    >>> from skprune._fit.checks import estimate_fit_memory
    >>> estimate_fit_memory([64, 100, 10], 1797, "float64") // 2**20  # MiB
    2
    """
    itemsize = np.dtype(dtype).itemsize
    units = [int(u) for u in layer_units]
    n_weights = sum(a * b for a, b in zip(units[:-1], units[1:]))
    training = max(SOLVERS[name].bytes_per_weight(itemsize) for name in solvers)
    per_weight = max(training, 2 * itemsize + 25) + (itemsize if rewind else 0)
    widths = units[1:]
    rows = chunk_rows(max(int(n_samples), 1), widths, itemsize)
    chunk = 4 * rows * sum(widths) * itemsize
    return int(n_weights * per_weight + chunk)


def available_memory():
    """Bytes of memory available to this process, or None if unknown.

    ``MemAvailable`` of ``/proc/meminfo`` on Linux, else the free physical
    pages reported by ``os.sysconf``.
    """
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_fit_memory(layer_units, n_samples, dtype, rewind=False, available=None,
                     solvers=("adam",)):
    """Refuse, before any training, a network that cannot fit in memory.

    Raises a ``ValueError`` with the estimate of :func:`estimate_fit_memory`
    if it exceeds :data:`MEMORY_FRACTION` of ``available`` (by default
    :func:`available_memory`; nothing is checked if that is unknown).

    Examples
    --------
    >>> from skprune._fit.checks import check_fit_memory
    >>> check_fit_memory([64, 10**9, 10], 1797, "float64", available=2**34)
    Traceback (most recent call last):
    ...
    ValueError: A network with layer units (64, 1000000000, 10) needs about ...
    """
    if available is None:
        available = available_memory()
    if available is None:
        return
    needed = estimate_fit_memory(layer_units, n_samples, dtype, rewind, solvers)
    if needed > MEMORY_FRACTION * available:
        raise ValueError(
            "A network with layer units %s needs about %.3g GiB to fit in %s, "
            "more than the %.3g GiB of memory available. Use fewer hidden units "
            "(hidden_layer_sizes)."
            % (tuple(int(u) for u in layer_units), needed / 2**30, np.dtype(dtype),
               available / 2**30)
        )


def check_sample_weight_scale(sample_weight, total=None, largest=None):
    """Refuse sample weights whose sum overflows or is too small to divide by.

    Every loss, gradient and statistic is divided by ``sum(sample_weight)``,
    so only the ratios of the weights matter, and weights that are all huge
    or all tiny can be rescaled by a common factor. ``total`` and
    ``largest``, when known (data on a cluster), spare reading the weights.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._fit.checks import check_sample_weight_scale
    >>> check_sample_weight_scale(np.full(3, 1e308))
    Traceback (most recent call last):
    ...
    ValueError: The sample weights sum to inf in float64 ...
    """
    dtype = sample_weight.dtype
    if total is None:
        with np.errstate(over="ignore"):
            total = sample_weight.sum()
    finfo = np.finfo(dtype)
    if not np.isfinite(total) or total > finfo.max:
        problem = "sum to inf in %s (overflow)" % dtype
    elif 0 < total and (total < finfo.tiny or (
            sample_weight.max() if largest is None else largest) < finfo.tiny):
        problem = "sum to %.3g, below the smallest normal %s number (%.3g)" % (
            total, dtype, finfo.tiny,
        )
    else:
        return
    raise ValueError(
        "The sample weights %s: every loss and gradient is divided by their "
        "sum. Only their ratios matter, so divide or multiply them all by a "
        "common factor (e.g. sample_weight / sample_weight.max())." % problem
    )


def check_target_scale(Y, largest=None):
    """Refuse regression targets whose squared error overflows.

    ``largest``, the largest ``|Y|`` when known (data on a cluster), spares
    reading the targets.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._fit.checks import check_target_scale
    >>> check_target_scale(np.array([[1e200], [2e200]]))
    Traceback (most recent call last):
    ...
    ValueError: The regression targets are too large ...
    """
    if largest is None:
        Y = np.asarray(Y)
        if Y.size == 0:
            return
        largest = float(np.abs(Y).max())
    limit = float(np.sqrt(np.finfo(Y.dtype).max / Y.size))
    if largest > limit:
        raise ValueError(
            "The regression targets are too large for %s arithmetic (max |y| = "
            "%.3g; their squared errors overflow above %.3g). Scale them, e.g. "
            "with sklearn.compose.TransformedTargetRegressor(transformer="
            "StandardScaler())." % (Y.dtype, largest, limit)
        )
