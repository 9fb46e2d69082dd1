"""Invariants shared by the reliability tests: what a fitted model promises, which errors are documented."""

import numbers
import re
from itertools import pairwise

import numpy as np
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal

# Every ValueError fit may raise, one pattern per case of the Raises sections
# of PrunedMLPClassifier.fit and PrunedMLPRegressor.fit. A message matching none of them is a bug: either
# an undocumented failure or an unclear one.
DOCUMENTED_FIT_ERRORS = {
    "one class": r"at least 2 classes",
    "warm start targets": r"warm_start can only be used where `y` has the same number of targets",
    "zero total weight": r"[Ss]ample weights must contain at least one non-zero"
    r"|sample weights sum to zero",
    "early stopping split": r"early_stopping could not",
    "warm start classes": r"warm_start can only be used where `y` has the same classes",
    "warm start architecture": r"warm_start refits the previous network",
    "non-finite initial loss": r"loss is not finite at the initial weights",
    "sample-weight scale": r"The sample weights sum to (inf|.*below the smallest normal)",
    "target scale": r"regression targets are too large",
    "memory": r"needs about .* GiB to fit",
    "schedule": r"^schedule .* (returned|raised) ",
    "criterion output": r"\.scores returned ",
}


def documented_reason(exc):
    """The DOCUMENTED_FIT_ERRORS key that ``exc``'s message matches, or None."""
    for reason, pattern in DOCUMENTED_FIT_ERRORS.items():
        if re.search(pattern, str(exc)):
            return reason
    return None


def assert_nothing_non_finite(clf):
    """No NaN or infinity in any fitted attribute, however deeply nested."""

    def walk(name, value):
        if sp.issparse(value):
            walk(name, value.data)
        elif isinstance(value, dict):
            for key, item in value.items():
                walk("%s[%r]" % (name, key), item)
        elif isinstance(value, (list, tuple)):
            for i, item in enumerate(value):
                walk("%s[%d]" % (name, i), item)
        elif isinstance(value, np.ndarray) and value.dtype.kind == "f":
            assert np.all(np.isfinite(value)), name
        elif isinstance(value, numbers.Real) and not isinstance(value, bool):
            assert np.isfinite(value), name

    for name, value in vars(clf).items():
        if name.endswith("_") and not name.startswith("_"):
            walk(name, value)


def assert_sound(clf, X):
    """Every invariant a fitted PrunedMLPClassifier or PrunedMLPRegressor promises.

    Returns what ``predict_proba`` (classifier) or ``predict`` (regressor) gives on ``X``.
    """
    hidden = clf.hidden_layer_sizes
    hidden = [hidden] if np.ndim(hidden) == 0 else list(hidden)
    units = [clf.n_features_in_, *hidden, clf.n_outputs_]
    widths = [clf.n_features_in_, *clf.hidden_layer_sizes_, clf.n_outputs_]
    n_original = np.array([a * b for a, b in pairwise(units)])
    assert len(clf.coefs_) == len(clf.intercepts_) == len(units) - 1 == clf.n_layers_ - 1
    dtype = clf.coefs_[0].dtype
    for W, b, fan_in, fan_out in zip(clf.coefs_, clf.intercepts_, widths[:-1], widths[1:]):
        # Shapes chain up after neuron removal, and no layer is ever empty.
        assert W.shape == (fan_in, fan_out) and b.shape == (fan_out,)
        assert fan_out >= 1
        assert sp.issparse(W) and W.format == "csr" and W.has_canonical_format
        assert W.dtype == b.dtype == dtype
        # No explicit zeros, and every stored weight passed the threshold
        # (compared in float64, so float32 rounding cannot sneak one in).
        assert np.all(W.data != 0)
        assert np.all(np.abs(W.data.astype(np.float64)) >= clf.weight_threshold_)
        if clf.weight_threshold != "auto":
            assert clf.weight_threshold_ == clf.weight_threshold
    assert all(k <= h for k, h in zip(clf.hidden_layer_sizes_, hidden))

    kept = np.array([W.nnz for W in clf.coefs_])
    assert_allclose(clf.layer_sparsity_, 1 - kept / n_original)
    assert_allclose(clf.sparsity_, 1 - kept.sum() / n_original.sum())
    if clf.sparsity is not None:
        # Rounding the per-layer (or global) budget to a whole weight (half
        # to even) is the only slack allowed; 1e-12 absorbs float error at
        # exactly half a weight.
        if clf.prune_scope == "layer":
            assert np.all(clf.layer_sparsity_ >= clf.sparsity - 0.5 / n_original - 1e-12)
        else:
            assert clf.sparsity_ >= clf.sparsity - 0.5 / n_original.sum() - 1e-12

    assert_nothing_non_finite(clf)
    # loss_curve_ keeps the iterations of earlier warm-started fits too.
    assert clf.n_iter_ >= 1
    if clf.warm_start:
        assert len(clf.loss_curve_) >= clf.n_iter_
    else:
        assert len(clf.loss_curve_) == clf.n_iter_

    if not hasattr(clf, "classes_"):  # a regressor
        pred = clf.predict(X)
        assert pred.shape == ((X.shape[0],) if clf.n_outputs_ == 1 else (X.shape[0], clf.n_outputs_))
        assert np.all(np.isfinite(pred))
        return pred
    proba = clf.predict_proba(X)
    n_classes = len(clf.classes_)
    assert proba.shape == (X.shape[0], n_classes)
    assert np.all(np.isfinite(proba)) and np.all((proba >= 0) & (proba <= 1))
    with np.errstate(divide="ignore"):  # log(0) = -inf is the right answer
        assert not np.any(np.isnan(clf.predict_log_proba(X)))
    pred = clf.predict(X)
    if clf.out_activation_ == "softmax" or n_classes == 2 and pred.ndim == 1:
        assert_allclose(proba.sum(axis=1), 1, rtol=1e-5 if dtype == np.float32 else 1e-12)
        assert_array_equal(pred, clf.classes_[proba.argmax(axis=1)])
    else:  # multilabel: each label on its own
        assert_array_equal(pred, (proba > 0.5).astype(pred.dtype))
    return proba
