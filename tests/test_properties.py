"""Property-based tests: whatever a user passes, fit gives a sound model or a clear ValueError.

The hypothesis profile (tests/conftest.py) is derandomized, so CI runs the
same examples every time. Each test takes a share of the profile's budget
(1,200 examples here by default, 4,800 with ``skprune-long``); run
``pytest tests/test_properties.py --hypothesis-show-statistics`` to see the
count, the time per example and the outcome events of each test.
"""

import warnings
from itertools import pairwise

import numpy as np
import pytest
from _checks import assert_sound, documented_reason
from _strategies import (
    classification_data,
    estimator_params,
    examples,
    regression_data,
    thresholds,
)
from hypothesis import assume, event, given
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.utils.validation import check_is_fitted

from skprune import PrunedMLPClassifier, PrunedMLPRegressor


def _fit_outcome(clf, X, y, sample_weight):
    """Fit; return the warnings on success, or the reason of a documented refusal."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            clf.fit(X, y, sample_weight=sample_weight)
        except ValueError as exc:
            reason = documented_reason(exc)
            assert reason is not None, "undocumented ValueError: %r" % exc
            event("refused: " + reason)
            with pytest.raises(NotFittedError):
                check_is_fitted(clf)
            return reason, caught
    event("fitted")
    return None, caught


def _sound_or_documented_error(estimator, data):
    X, y, sample_weight = data
    reason, caught = _fit_outcome(estimator, X, y, sample_weight)
    if reason is None:
        assert_sound(estimator, X)
        # fit explains itself with sklearn's warnings; numpy's overflow and
        # invalid-value RuntimeWarnings would mean NaN or inf went unhandled.
        for w in caught:
            assert issubclass(w.category, (ConvergenceWarning, UserWarning)), w
            assert not issubclass(w.category, RuntimeWarning), w


@examples(1.0)
@given(data=classification_data(), params=estimator_params())
def test_fit_gives_a_sound_model_or_a_documented_error(data, params):
    _sound_or_documented_error(PrunedMLPClassifier(**params), data)


@examples(0.3)
@given(data=regression_data(), params=estimator_params())
def test_regressor_fit_gives_a_sound_model_or_a_documented_error(data, params):
    _sound_or_documented_error(PrunedMLPRegressor(**params), data)


def _trained(data, params):
    X, y, sample_weight = data
    clf = PrunedMLPClassifier(**params)
    reason, _ = _fit_outcome(clf, X, y, sample_weight)
    # Data drawn with all_classes=True leave early stopping's split as the
    # only reason to refuse.
    assert reason in (None, "early stopping split"), reason
    assume(reason is None)
    return clf


@examples(0.3)
@given(
    data=classification_data(all_classes=True),
    params=estimator_params(early_stopping=(False,)),
    seed=st.integers(0, 2**32 - 1),
)
def test_predictions_do_not_depend_on_row_order(data, params, seed):
    clf = _trained(data, params)
    X = data[0]
    order = np.random.default_rng(seed).permutation(X.shape[0])
    proba = clf.predict_proba(X)
    permuted = clf.predict_proba(X[order])
    tol = 1e-5 if clf.coefs_[0].dtype == np.float32 else 1e-12
    assert_allclose(permuted, proba[order], rtol=tol, atol=tol)
    # Labels agree wherever the decision is not a near tie.
    pred, pred_permuted = clf.predict(X)[order], clf.predict(X[order])
    top2 = np.sort(proba[order], axis=1)[:, -2:]
    clear = (top2[:, 1] - top2[:, 0] > 10 * tol) & np.all(
        np.abs(proba[order] - 0.5) > 10 * tol, axis=1
    )
    assert_array_equal(pred_permuted[clear], pred[clear])


@examples(0.3)
@given(data=classification_data(all_classes=True), params=estimator_params())
def test_refit_with_the_same_seed_is_bit_identical(data, params):
    X, y, sample_weight = data
    first = _trained(data, params)
    second = PrunedMLPClassifier(**params)
    _fit_outcome(second, X, y, sample_weight)
    for W1, W2 in zip(first.coefs_, second.coefs_):
        assert_array_equal(W1.indptr, W2.indptr)
        assert_array_equal(W1.indices, W2.indices)
        assert_array_equal(W1.data, W2.data)
    for b1, b2 in zip(first.intercepts_, second.intercepts_):
        assert_array_equal(b1, b2)
    assert first.loss_curve_ == second.loss_curve_
    assert_array_equal(first.predict_proba(X), second.predict_proba(X))


@examples(0.25)
@given(
    data=classification_data(all_classes=True, max_samples=80, max_features=20),
    params=estimator_params(
        schedule_names=("one-shot",), sparsity=False, early_stopping=(False,)
    ),
    levels=st.lists(thresholds(), min_size=2, max_size=4),
)
def test_one_shot_sparsity_grows_with_the_weight_threshold(data, params, levels):
    # The same seed trains the same network (pruning starts after training);
    # with no retraining, a higher threshold prunes a superset of weights.
    params.update(
        retrain_iter=0, neuron_threshold=0.0, n_prune_steps=1, finetune_iter=None,
        rewind=False,
    )
    sparsities = [
        _trained(data, {**params, "weight_threshold": level}).sparsity_
        for level in sorted(levels)
    ]
    assert all(a <= b for a, b in pairwise(sparsities)), sparsities


@examples(0.25)
@given(
    data=classification_data(all_classes=True, max_samples=80, max_features=20),
    params=estimator_params(early_stopping=(False,)),
    second=st.fixed_dictionaries(
        {
            "weight_threshold": thresholds(),
            "neuron_threshold": thresholds(),
            "sparsity": st.none() | st.floats(0.0, 0.99),
            "max_iter": st.integers(1, 10),
        }
    ),
)
def test_warm_start_never_revives_pruned_weights(data, params, second):
    X, y, sample_weight = data
    clf = _trained(data, params)
    before = [W.toarray() != 0 for W in clf.coefs_]
    clf.set_params(warm_start=True, **second)
    reason, _ = _fit_outcome(clf, X, y, sample_weight)
    assert reason is None
    assert_sound(clf, X)
    after = [W.toarray() != 0 for W in clf.coefs_]
    for b, a in zip(before, after):
        assert a.sum() <= b.sum()
        if a.shape == b.shape:  # no neuron on either side was removed
            assert not np.any(a & ~b), "a pruned weight came back"
