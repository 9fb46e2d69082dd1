"""What pruning bought: compression ratio, theoretical speedup, storage.

The figures follow Blalock et al. (2020), "What is the state of neural network
pruning?": report the compression ratio (original weights / non-zero weights)
*and* the theoretical speedup (dense multiply-adds / pruned multiply-adds) so
that results can be compared at all.
"""

import numpy as np
from sklearn.utils.validation import check_is_fitted

#: How each kind of pruning parameter is switched off, by the end of its
#: name: every ``*sparsity`` target to None, every ``*threshold`` to 0, the
#: L1 penalty (its exact zeros are pruned) to 0, rewinding off, and weight
#: sharing (which compresses what pruning keeps) off.
_OFF_BY_SUFFIX = (
    ("sparsity", None),
    ("threshold", 0.0),
    ("l1_alpha", 0.0),
    ("rewind", False),
    ("weight_bits", None),
)


def _pruning_names(estimator):
    """``{full parameter name: off value}`` for every pruning parameter, nested ones too."""
    off = {}
    for name in estimator.get_params(deep=True):
        base = name.rsplit("__", 1)[-1]
        for suffix, value in _OFF_BY_SUFFIX:
            if base.endswith(suffix):
                off[name] = value
    return off


def pruning_off_params(estimator, one_phase=False, size=None):
    """Parameters that make ``estimator`` the same model with pruning switched off.

    Every parameter whose name ends in ``sparsity`` (``sparsity``,
    ``neuron_sparsity``) becomes None, every ``*threshold`` 0, ``l1_alpha``
    0, ``rewind`` False and ``weight_bits`` None (no weight sharing); the
    rest of the configuration is kept. Works on a pruned MLP and on a
    meta-estimator holding one (nested names).

    Parameters
    ----------
    estimator : estimator
        A pruned MLP, or a pipeline or search around one.
    one_phase : bool, default=False
        If True, also give the whole solver-iteration budget
        (``max_iter + n_prune_steps * retrain_iter``, with ``finetune_iter``
        for the last step) to one training phase: ``n_prune_steps=1``,
        ``retrain_iter=0``, ``finetune_iter=None``. If False the reference
        runs the same phases, retraining included.
    size : int or None, default=None
        With ``one_phase``: the problem's training rows times weights
        (:func:`skprune._fit.recipes.problem_size`), which picks the 'auto' recipe whose
        budget the one phase gets (large problems have shorter recipes);
        None for the recipe of small problems.

    Returns
    -------
    params : dict
        For ``estimator.set_params(**params)``.

    Raises
    ------
    ValueError
        If ``estimator`` has no pruning parameter.

    Examples
    --------
    >>> from skprune import PrunedMLPClassifier
    >>> from skprune._report import pruning_off_params
    >>> off = pruning_off_params(
    ...     PrunedMLPClassifier(sparsity=0.9, neuron_sparsity=0.5, weight_bits=4))
    >>> off["sparsity"], off["neuron_sparsity"], off["weight_threshold"], off["weight_bits"]
    (None, None, 0.0, None)
    """
    off = _pruning_names(estimator)
    if not off:
        raise ValueError(
            f"{type(estimator).__name__} has no pruning parameter (none named "
            "*sparsity, *threshold, l1_alpha or rewind)."
        )
    if one_phase:
        params = estimator.get_params(deep=True)
        for name in params:
            prefix, _, base = name.rpartition("__")
            if base != "n_prune_steps":
                continue
            owner = params[prefix] if prefix else estimator
            # 'auto' values resolve per solver and target: ask the estimator.
            recipe = owner._resolved_recipe(size, sparsity=getattr(owner, "sparsity", None))
            steps, retrain = recipe["n_prune_steps"], recipe["retrain_iter"]
            budget = owner.max_iter + (steps - 1) * retrain + recipe["finetune_iter"]
            for key, value in (("max_iter", budget), ("n_prune_steps", 1),
                               ("retrain_iter", 0), ("finetune_iter", None)):
                off[f"{prefix}__{key}" if prefix else key] = value
    return off


def _nbytes(array):
    if hasattr(array, "indptr"):
        return array.data.nbytes + array.indices.nbytes + array.indptr.nbytes
    return np.asarray(array).nbytes


def _pruned_mlp(estimator):
    """The fitted pruned MLP a report reads: ``estimator``, or a pipeline's last step."""
    from ._base import BasePrunedMLP

    given = estimator
    if hasattr(estimator, "steps") and estimator.steps:  # a Pipeline
        estimator = estimator.steps[-1][1]
    if not isinstance(estimator, BasePrunedMLP):
        where = "" if estimator is given else ", whose last step is %s" % (
            type(estimator).__name__)
        raise TypeError(
            "compression_report reads a PrunedMLPClassifier or PrunedMLPRegressor, "
            "or a pipeline whose last step is one; got %s%s."
            % (type(given).__name__, where)
        )
    refitted = getattr(estimator, "_check_refitted", None)
    if refitted is not None:
        refitted()  # a CV estimator fitted with refit=False chose a level, has no model
    check_is_fitted(estimator, "coefs_")
    return estimator


def compression_report(estimator):
    """Compression ratio, speedup, per-layer density and storage of a fitted pruned MLP.

    Read more in the :ref:`User Guide <compression_report>`.

    Parameters
    ----------
    estimator : fitted estimator derived from ``BasePrunedMLP``, or a Pipeline ending in one
        For example a fitted :class:`~skprune.PrunedMLPClassifier`; of a
        :class:`~sklearn.pipeline.Pipeline`, its last step is read.

    Returns
    -------
    report : dict
        - ``n_weights_original``: weights of the architecture fit started
          from (the fitted ``layer_units_original_``).
        - ``n_weights_nonzero``: weights stored after pruning.
        - ``compression_ratio``: ``n_weights_original / n_weights_nonzero``;
          ``inf`` when no weight is left (pruning cut every path and the model
          predicts a constant).
        - ``dense_macs``, ``pruned_macs``: multiply-adds per sample of the
          weight products (one per weight; biases and activations are not
          counted) before and after pruning.
        - ``theoretical_speedup``: ``dense_macs / pruned_macs``; ``inf`` when
          ``pruned_macs`` is 0.
        - ``layer_density``: ndarray, non-zero fraction of each layer's
          original weights.
        - ``neurons_original``, ``neurons_kept``: tuples of hidden widths.
        - ``neurons_removed``: total hidden neurons removed.
        - ``n_features_used``: input features with a surviving weight.
        - ``weight_bits``: bits per codebook index of a model fitted with
          ``weight_bits`` (whose layers share their values), else None.
        - ``values_bytes``: bytes of the weight values: the CSR data of
          ``coefs_``, or the codebooks of a model with shared weights.
        - ``codes_bytes``: bytes of the bit-packed codebook index of every
          stored weight (0 without shared weights).
        - ``pattern_bytes``: bytes saying which weights are stored: the CSR
          indices and index pointers, or the compact patterns (bit masks,
          16-bit column indices or relative positions) of a model with
          shared weights, as its pickle and skops files hold them.
        - ``biases_bytes``: bytes of the biases.
        - ``stored_bytes``: the sum of these four parts.
        - ``bits_per_weight``: bits of values, codes and pattern per stored
          weight (NaN when no weight is stored).
        - ``dense_bytes``: bytes the unpruned network would take as dense
          arrays of the same dtype.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.preprocessing import scale
    >>> from skprune import PrunedMLPClassifier, compression_report
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = PrunedMLPClassifier(hidden_layer_sizes=(20,), sparsity=0.75,
    ...                           random_state=0).fit(scale(X), y)
    >>> report = compression_report(clf)
    >>> report["n_weights_original"], report["neurons_original"]
    (140, (20,))
    >>> report["n_weights_nonzero"] <= 35, report["compression_ratio"] >= 4
    (True, True)

    For a fully connected network every weight costs one multiply-add per
    sample, so ``theoretical_speedup`` equals ``compression_ratio``; both
    are reported so that tables line up with the literature's.

    Raises
    ------
    TypeError
        If ``estimator`` (or a pipeline's last step) is not a pruned MLP.
    sklearn.exceptions.NotFittedError
        If it is not fitted, or is a CV estimator fitted with ``refit=False``
        (which chose a level but fitted no model).
    """
    estimator = _pruned_mlp(estimator)
    # The architecture fit started from, not the current parameters, which
    # set_params may have changed since.
    units = list(estimator.layer_units_original_)
    hidden = units[1:-1]
    original = np.array([a * b for a, b in zip(units[:-1], units[1:])])
    kept = np.array([W.nnz for W in estimator.coefs_])
    density = kept / original
    itemsize = estimator.intercepts_[0].dtype.itemsize
    dense_macs = int(original.sum())
    pruned_macs = int(kept.sum())
    neurons_kept = tuple(int(h) for h in estimator.hidden_layer_sizes_)
    return {
        "n_weights_original": dense_macs,
        "n_weights_nonzero": pruned_macs,
        "compression_ratio": dense_macs / pruned_macs if pruned_macs else np.inf,
        "dense_macs": dense_macs,
        "pruned_macs": pruned_macs,
        "theoretical_speedup": dense_macs / pruned_macs if pruned_macs else np.inf,
        "layer_density": density,
        "neurons_original": tuple(hidden),
        "neurons_kept": neurons_kept,
        "neurons_removed": int(sum(hidden) - sum(neurons_kept)),
        "n_features_used": int(np.count_nonzero(np.diff(estimator.coefs_[0].indptr))),
        **_storage(estimator, pruned_macs),
        "dense_bytes": int((dense_macs + sum(units[1:])) * itemsize),
    }


def _storage(estimator, n_stored):
    """Bytes per part of the fitted weights and biases, and bits per stored weight."""
    from ._net.storage import current_sharing, stored_bytes

    shared = current_sharing(estimator)
    biases = int(sum(_nbytes(b) for b in estimator.intercepts_))
    if shared is None:
        values = sum(W.data.nbytes for W in estimator.coefs_)
        codes, bits = 0, None
        pattern = sum(W.indices.nbytes + W.indptr.nbytes for W in estimator.coefs_)
    else:
        parts = stored_bytes(shared, estimator.intercepts_)
        values, codes, pattern = parts["values"], parts["indices"], parts["pattern"]
        bits = int(shared[0]["n_bits"])
    weights = values + codes + pattern
    return {
        "weight_bits": bits,
        "values_bytes": int(values),
        "codes_bytes": int(codes),
        "pattern_bytes": int(pattern),
        "biases_bytes": biases,
        "stored_bytes": int(weights + biases),
        "bits_per_weight": 8.0 * weights / n_stored if n_stored else np.nan,
    }


def format_report(report):
    """The report of :func:`compression_report` as a two-column markdown table.

    Parameters
    ----------
    report : dict
        As returned by :func:`compression_report`.

    Returns
    -------
    table : str
        One row per entry; floats with two decimals, arrays as
        comma-separated values.

    Examples
    --------
    >>> from skprune._report import format_report
    >>> print(format_report({"compression_ratio": 10.0, "neurons_kept": (3,)}))
    | measure | value |
    |---|---|
    | compression_ratio | 10.00 |
    | neurons_kept | (3,) |
    """
    lines = ["| measure | value |", "|---|---|"]
    for key, value in report.items():
        if isinstance(value, float):
            value = "%.2f" % value
        elif isinstance(value, np.ndarray):
            value = ", ".join("%.3f" % v for v in value)
        lines.append("| %s | %s |" % (key, value))
    return "\n".join(lines)
