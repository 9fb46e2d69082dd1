"""scikit-learn's estimator checks, on every configuration users' grids rely on."""

import pytest
from sklearn.utils.estimator_checks import (
    check_dataframe_column_names_consistency,
    check_param_validation,
    parametrize_with_checks,
)

from skprune import (
    PrunedMLPClassifier,
    PrunedMLPClassifierCV,
    PrunedMLPRegressor,
    PrunedMLPRegressorCV,
)

ESTIMATORS = [
    PrunedMLPClassifier(),
    PrunedMLPClassifier(weight_threshold=0.05, neuron_threshold=0.05, n_prune_steps=2),
    PrunedMLPClassifier(sparsity=0.8, prune_scope="global", n_prune_steps=2),
    PrunedMLPRegressor(),
    PrunedMLPRegressor(sparsity=0.8, neuron_threshold=0.05, n_prune_steps=2),
    PrunedMLPClassifier(
        sparsity=0.7, criterion="obd", neuron_criterion="variance", neuron_sparsity=0.3,
        schedule="iterative", n_prune_steps=2, l1_alpha=0.1,
    ),
    PrunedMLPClassifier(
        sparsity=0.5, criterion="taylor", neuron_criterion="entropy",
        schedule="one-shot", n_prune_steps=2, rewind=True, finetune_iter=100,
    ),
    # One configuration per non-default solver, pruning included.
    PrunedMLPClassifier(solver="gd", sparsity=0.5, n_prune_steps=2, l1_alpha=0.01),
    PrunedMLPRegressor(solver="gd", learning_rate_init=0.01),
    # (alpha=1: unpenalised L-BFGS drives the checks' separable toy data to
    # probabilities of exactly 0 and 1 in float64.)
    # alpha keeps the multilabel probabilities off exactly 1.0 (the check asks
    # for values strictly inside (0, 1)).
    PrunedMLPClassifier(solver="lbfgs", sparsity=0.5, n_prune_steps=2, alpha=0.1),
    PrunedMLPRegressor(solver="lbfgs"),
    # Shared weights: codebooks in the fitted model and in its pickle.
    PrunedMLPClassifier(sparsity=0.5, n_prune_steps=2, weight_bits=2),
    PrunedMLPRegressor(weight_bits=4),
    # The CV estimators, on short grids (each fit is one pruning run per fold
    # and a refit); the other selection rule and L-BFGS once.
    PrunedMLPClassifierCV(sparsities=[0.5, 0.8], cv=2, n_prune_steps=2),
    PrunedMLPRegressorCV(sparsities=[0.5, 0.8], cv=2, n_prune_steps=2),
    PrunedMLPClassifierCV(sparsities=[0.3, 0.6], cv=2, selection_rule="one-standard-error",
                          solver="lbfgs", n_prune_steps=2, alpha=0.1),
]

# Every instance must pass every check: nothing is expected to fail, and
# xfail_strict turns an unexpected pass of a listed check into a failure.
EXPECTED_FAILED_CHECKS = {}


@parametrize_with_checks(
    ESTIMATORS,
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS,
    xfail_strict=True,
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=repr)
def test_param_validation(estimator):
    check_param_validation(type(estimator).__name__, estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=repr)
def test_dataframe_column_names_consistency(estimator):
    check_dataframe_column_names_consistency(type(estimator).__name__, estimator)
