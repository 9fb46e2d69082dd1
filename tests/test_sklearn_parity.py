"""scikit-learn's own MLP tests, written for skprune with pruning off.

These are the tests of scikit-learn 1.9.1's
``sklearn/neural_network/tests/test_mlp.py``, one per behaviour, wherever
their subject exists in skprune. Pruning is off in every one
(``weight_threshold=0``, ``neuron_threshold=0``, no ``sparsity``, one pruning
step with no retraining or fine-tuning), so the estimators are plain full-batch MLPs. Tests
of momentum, step-size schedules and tolerances use ``solver='gd'`` (when the
estimators have a ``solver`` parameter), scikit-learn's ``'sgd'`` tests with
the whole training set as one batch; ``'lbfgs'`` and ``'adam'`` tests use those
solvers. Where the two libraries draw the same initial weights and take the
same steps, the tests compare their numbers directly.

Deliberate differences from scikit-learn, not tested as parity (the same
list is in ``docs/sklearn_parity.rst``):

- **One class is refused.** ``PrunedMLPClassifier`` raises a ``ValueError``
  when ``y`` holds a single class, where ``MLPClassifier`` fits a model that
  always predicts it: a pruned network of a constant is not a model worth
  fitting, and the error names the problem at once.
- **The divergence guard keeps finite weights.** When a training phase
  diverges, skprune restores the weights with the lowest training loss and
  warns (``ConvergenceWarning``), so ``coefs_``, ``validation_scores_`` and the
  predictions stay finite; scikit-learn keeps the blown-up weights and records
  a NaN validation score. A pruning criterion cannot rank NaN weights.
- **A non-finite loss at the initial weights** raises a ``ValueError`` that
  says to scale the features, instead of scikit-learn's "Solver produced
  non-finite parameter weights".
- **No ``partial_fit``, ``batch_size`` or ``shuffle``.** Every step uses the
  exact gradient over all training rows (chunked), which pruning criteria
  need (Taylor, OBD); so mini-batch options do not exist.
- **No ``loss='poisson'``** for the regressor: only the squared error.
- **The step-size schedule counts iterations**, not samples: with
  ``learning_rate='invscaling'`` the step after iteration ``t`` is
  ``learning_rate_init / t ** power_t``, where scikit-learn's SGD uses the
  number of samples seen (the same thing for one-sample batches only).
- **Weights are** ``scipy.sparse`` **CSR arrays** after ``fit``, and removed
  neurons are gone from the shapes; with pruning off the values are those of
  the dense network.
"""

import re
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import (
    load_digits,
    load_iris,
    make_classification,
    make_multilabel_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import roc_auc_score
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import MinMaxScaler, scale

from skprune import PrunedMLPClassifier, PrunedMLPRegressor

ACTIVATION_TYPES = ["identity", "logistic", "tanh", "relu"]

X_digits, y_digits = load_digits(n_class=3, return_X_y=True)
X_digits_multi = MinMaxScaler().fit_transform(X_digits[:200])
y_digits_multi = y_digits[:200]

X_digits, y_digits = load_digits(n_class=2, return_X_y=True)
X_digits_binary = MinMaxScaler().fit_transform(X_digits[:200])
y_digits_binary = y_digits[:200]

classification_datasets = [
    (X_digits_multi, y_digits_multi),
    (X_digits_binary, y_digits_binary),
]

X_reg, y_reg = make_regression(
    n_samples=200, n_features=10, bias=20.0, noise=100.0, random_state=7
)
y_reg = scale(y_reg)

X_iris, y_iris = load_iris(return_X_y=True)
X_iris_scaled = scale(X_iris)

#: Pruning off: no weight or neuron is ever removed, no retraining phase runs.
NO_PRUNING = dict(
    weight_threshold=0.0, neuron_threshold=0.0, sparsity=None, n_prune_steps=1,
    retrain_iter=0, finetune_iter=0,
)


def _has_solver(Estimator):
    return "solver" in Estimator().get_params()


def make(Estimator, **params):
    """The estimator with pruning off and ``params``."""
    return Estimator(**{**NO_PRUNING, **params})


def make_gd(Estimator, **params):
    """Full-batch gradient descent (scikit-learn's 'sgd' tests)."""
    if _has_solver(Estimator):
        params = {"solver": "gd", **params}
    return make(Estimator, **params)


def sklearn_full_batch_sgd(Estimator, n_samples, **params):
    """scikit-learn's SGD with one batch of all samples, in a fixed order."""
    return Estimator(solver="sgd", batch_size=n_samples, shuffle=False, **params)


def dense(W):
    return W.toarray() if hasattr(W, "toarray") else np.asarray(W)


# ---------------------------------------------------------------------- #
# Fitting and predicting.
# ---------------------------------------------------------------------- #
def test_alpha():
    # A larger alpha gives weights closer to zero.
    X, y = X_digits_binary[:100], y_digits_binary[:100]
    sums = []
    for alpha in (0, 1):
        mlp = make_gd(PrunedMLPClassifier, hidden_layer_sizes=10, alpha=alpha, random_state=1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            mlp.fit(X, y)
        sums.append([abs(dense(W)).sum() for W in mlp.coefs_])
    assert (np.array(sums[0]) > np.array(sums[1])).all()


@pytest.mark.parametrize("Estimator", [MLPClassifier, MLPRegressor])
def test_gd_iterates_equal_full_batch_sgd(Estimator):
    # scikit-learn's worked example, generalised: from the same initial
    # weights, gradient descent with Nesterov momentum takes the same steps as
    # scikit-learn's SGD with the whole data set as its batch.
    X, y = X_digits_binary[:60], y_digits_binary[:60]
    params = dict(hidden_layer_sizes=5, activation="logistic", alpha=0.1,
                  learning_rate_init=0.1, momentum=0.9, nesterovs_momentum=True,
                  max_iter=8, tol=0.0, n_iter_no_change=100, random_state=1)
    ours = PrunedMLPClassifier if Estimator is MLPClassifier else PrunedMLPRegressor
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs = sklearn_full_batch_sgd(Estimator, len(y), **params).fit(X, y)
        mlp = make_gd(ours, **params).fit(X, y)
    assert_allclose(mlp.loss_curve_, theirs.loss_curve_, rtol=1e-6)
    for W, W_ref in zip(mlp.coefs_, theirs.coefs_):
        assert_allclose(dense(W), W_ref, rtol=1e-6, atol=1e-9)
    for b, b_ref in zip(mlp.intercepts_, theirs.intercepts_):
        assert_allclose(b, b_ref, rtol=1e-6, atol=1e-9)
    assert_allclose(mlp.predict_proba(X) if ours is PrunedMLPClassifier else mlp.predict(X),
                    theirs.predict_proba(X) if ours is PrunedMLPClassifier else theirs.predict(X),
                    rtol=1e-6)


@pytest.mark.parametrize("X,y", classification_datasets)
def test_classification_every_activation(X, y):
    # scikit-learn's lbfgs classification test, with the default solver.
    X_train, y_train, X_test = X[:150], y[:150], X[150:]
    for activation in ACTIVATION_TYPES:
        mlp = make(PrunedMLPClassifier, hidden_layer_sizes=50, max_iter=150,
                   random_state=1, activation=activation)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            mlp.fit(X_train, y_train)
        y_predict = mlp.predict(X_test)
        assert mlp.score(X_train, y_train) > 0.95
        assert (y_predict.shape[0], y_predict.dtype.kind) == (X_test.shape[0], y_train.dtype.kind)


@pytest.mark.parametrize("X,y", classification_datasets)
def test_lbfgs_classification(X, y):
    X_train, y_train, X_test = X[:150], y[:150], X[150:]
    for activation in ACTIVATION_TYPES:
        mlp = make(PrunedMLPClassifier, solver="lbfgs", hidden_layer_sizes=50,
                   max_iter=150, random_state=1, activation=activation)
        mlp.fit(X_train, y_train)
        y_predict = mlp.predict(X_test)
        assert mlp.score(X_train, y_train) > 0.95
        assert (y_predict.shape[0], y_predict.dtype.kind) == (X_test.shape[0], y_train.dtype.kind)


def test_lbfgs_regression():
    for activation in ACTIVATION_TYPES:
        mlp = make(PrunedMLPRegressor, solver="lbfgs", hidden_layer_sizes=50,
                   max_iter=200, tol=1e-3, random_state=1, activation=activation)
        mlp.fit(X_reg, y_reg)
        if activation == "identity":
            assert mlp.score(X_reg, y_reg) > 0.80
        else:
            # Non-linear models do much better than a linear bottleneck.
            assert mlp.score(X_reg, y_reg) > 0.98


@pytest.mark.parametrize("X,y", classification_datasets)
def test_lbfgs_classification_maxfun(X, y):
    # max_fun limits the number of iterations on its own.
    for activation in ACTIVATION_TYPES:
        mlp = make(PrunedMLPClassifier, solver="lbfgs", hidden_layer_sizes=50,
                   max_iter=150, max_fun=10, random_state=1, activation=activation)
        with pytest.warns(ConvergenceWarning):
            mlp.fit(X, y)
        assert 10 >= mlp.n_iter_


def test_lbfgs_regression_maxfun():
    for activation in ACTIVATION_TYPES:
        mlp = make(PrunedMLPRegressor, solver="lbfgs", hidden_layer_sizes=50, tol=0.0,
                   max_iter=150, max_fun=10, random_state=1, activation=activation)
        with pytest.warns(ConvergenceWarning):
            mlp.fit(X_reg, y_reg)
        assert 10 >= mlp.n_iter_


def test_adam_iterates_equal_full_batch_adam():
    # Full-batch Adam with scikit-learn's names takes scikit-learn's steps.
    X, y = X_digits_multi[:90], y_digits_multi[:90]
    params = dict(hidden_layer_sizes=8, learning_rate_init=0.01, beta_1=0.8, beta_2=0.99,
                  epsilon=1e-7, max_iter=15, tol=0.0, n_iter_no_change=100, random_state=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs = MLPClassifier(solver="adam", batch_size=len(y), shuffle=False,
                               **params).fit(X, y)
        mlp = make(PrunedMLPClassifier, solver="adam", **params).fit(X, y)
    assert_allclose(mlp.loss_curve_, theirs.loss_curve_, rtol=1e-4)
    assert_allclose(mlp.predict_proba(X), theirs.predict_proba(X), rtol=1e-3, atol=1e-6)


def test_multilabel_classification():
    X, y = make_multilabel_classification(n_samples=50, random_state=0, return_indicator=True)
    mlp = make(PrunedMLPClassifier, solver="lbfgs", hidden_layer_sizes=50, alpha=1e-5,
               max_iter=150, random_state=0, activation="logistic")
    mlp.fit(X, y)
    assert mlp.score(X, y) > 0.97


def test_multilabel_classification_gd():
    # scikit-learn's multilabel partial_fit test, as 100 full-batch steps.
    X, y = make_multilabel_classification(n_samples=50, random_state=0, return_indicator=True)
    mlp = make_gd(PrunedMLPClassifier, hidden_layer_sizes=50, max_iter=300, random_state=0,
                  activation="logistic", alpha=1e-5, learning_rate_init=0.2, tol=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(X, y)
    assert mlp.score(X, y) > 0.9


def test_multilabel_early_stopping():
    # The early-stopping split cannot be stratified for multilabel targets.
    X, y = make_multilabel_classification(n_samples=50, random_state=0, return_indicator=True)
    mlp = make(PrunedMLPClassifier, early_stopping=True, max_iter=20, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        assert mlp.fit(X, y).predict(X).shape == y.shape


def test_multioutput_regression():
    X, y = make_regression(n_samples=200, n_targets=5, random_state=11)
    mlp = make(PrunedMLPRegressor, solver="lbfgs", hidden_layer_sizes=50, max_iter=200,
               tol=1e-2, random_state=1)
    mlp.fit(X, y)
    assert mlp.score(X, y) > 0.9


def test_multioutput_regression_loss_is_averaged_over_outputs():
    # The squared error is averaged over the outputs, as in scikit-learn: at
    # the same initial weights both report the same loss.
    X, y = make_regression(n_samples=60, n_features=4, n_targets=3, random_state=0)
    X, y = scale(X), scale(y)
    params = dict(hidden_layer_sizes=6, max_iter=1, learning_rate_init=0.01,
                  momentum=0.0, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs = sklearn_full_batch_sgd(MLPRegressor, len(y), **params).fit(X, y)
        mlp = make_gd(PrunedMLPRegressor, **params).fit(X, y)
    assert_allclose(mlp.loss_curve_[0], theirs.loss_curve_[0], rtol=1e-6)


def test_nonfinite_params():
    # Data too large for float64 arithmetic: a clear error, no NaN model.
    rng = np.random.RandomState(0)
    X = np.finfo(np.float64).max * rng.uniform(size=(10, 2))
    y = rng.standard_normal(size=10)
    with pytest.raises(ValueError, match="Scale the features"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            make(PrunedMLPRegressor).fit(X, y)


def test_predict_proba_binary():
    X, y = X_digits_binary[:50], y_digits_binary[:50]
    clf = make(PrunedMLPClassifier, hidden_layer_sizes=5, activation="logistic",
               random_state=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    y_proba, y_log_proba = clf.predict_proba(X), clf.predict_log_proba(X)
    assert y_proba.shape == (50, 2)
    assert_array_equal(y_proba.argmax(axis=1), y_log_proba.argmax(axis=1))
    assert_allclose(y_log_proba, np.log(y_proba))
    assert roc_auc_score(y, y_proba[:, 1]) == 1.0


def test_predict_proba_multiclass():
    X, y = X_digits_multi[:10], y_digits_multi[:10]
    clf = make(PrunedMLPClassifier, hidden_layer_sizes=5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    y_proba, y_log_proba = clf.predict_proba(X), clf.predict_log_proba(X)
    assert y_proba.shape == (10, np.unique(y).size)
    assert_array_equal(y_proba.argmax(axis=1), y_log_proba.argmax(axis=1))
    assert_allclose(y_log_proba, np.log(y_proba))


def test_predict_proba_multilabel():
    # Multilabel probabilities are independent (no softmax).
    X, Y = make_multilabel_classification(n_samples=50, random_state=0, return_indicator=True)
    clf = make(PrunedMLPClassifier, solver="lbfgs", hidden_layer_sizes=30, random_state=0)
    clf.fit(X, Y)
    y_proba = clf.predict_proba(X)
    assert y_proba.shape == Y.shape
    assert_array_equal(y_proba > 0.5, Y)
    y_log_proba = clf.predict_log_proba(X)
    assert (y_proba.sum(1) - 1).dot(y_proba.sum(1) - 1) > 1e-10
    assert_array_equal(y_proba.argmax(axis=1), y_log_proba.argmax(axis=1))
    assert_allclose(y_log_proba, np.log(y_proba))


def test_sparse_matrices():
    import scipy.sparse as sp

    X, y = X_digits_binary[:50], y_digits_binary[:50]
    mlp = make(PrunedMLPClassifier, hidden_layer_sizes=15, random_state=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pred1 = mlp.fit(X, y).predict(X)
        pred2 = mlp.fit(sp.csr_array(X), y).predict(sp.csr_array(X))
    assert_array_equal(pred1, pred2)
    assert_array_equal(mlp.predict(X), mlp.predict(sp.csr_matrix(X)))


def test_tolerance():
    # A large tol stops the solver long before max_iter.
    clf = make_gd(PrunedMLPClassifier, tol=0.5, max_iter=3000)
    clf.fit([[3, 2], [1, 6]], [1, 0])
    assert clf.max_iter > clf.n_iter_


def test_verbose_gd(capsys):
    clf = make_gd(PrunedMLPClassifier, max_iter=2, verbose=10, hidden_layer_sizes=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit([[3, 2], [1, 6]], [1, 0])
    assert "Iteration" in capsys.readouterr().out


# ---------------------------------------------------------------------- #
# Stopping rules and early stopping.
# ---------------------------------------------------------------------- #
@pytest.mark.parametrize("Estimator", [PrunedMLPClassifier, PrunedMLPRegressor])
def test_early_stopping(Estimator):
    X, y = X_digits_binary[:100], y_digits_binary[:100]
    tol = 0.2
    mlp = make_gd(Estimator, tol=tol, max_iter=3000, early_stopping=True)
    mlp.fit(X, y)
    assert mlp.max_iter > mlp.n_iter_
    assert mlp.best_loss_ is None
    assert isinstance(mlp.validation_scores_, list)
    valid_scores = mlp.validation_scores_
    best_valid_score = mlp.best_validation_score_
    assert max(valid_scores) == best_valid_score
    assert best_valid_score + tol > valid_scores[-2]
    assert best_valid_score + tol > valid_scores[-1]

    mlp = make_gd(Estimator, tol=tol, max_iter=3000, early_stopping=False)
    mlp.fit(X, y)
    assert mlp.validation_scores_ is None
    assert mlp.best_validation_score_ is None
    assert mlp.best_loss_ is not None


@pytest.mark.parametrize("Estimator", [MLPClassifier, MLPRegressor])
def test_validation_scores_score_the_weights_after_each_step(Estimator):
    # validation_scores_[i] scores the weights after iteration i, so the last
    # step's weights are scored too: identical iterates give identical scores.
    # (Binary labels: both libraries then draw the same stratified split.)
    X, y = make_classification(n_samples=120, n_features=10, flip_y=0.2, random_state=0)
    params = dict(hidden_layer_sizes=5, learning_rate_init=0.05, momentum=0.9,
                  max_iter=12, tol=0.0, n_iter_no_change=100, early_stopping=True,
                  validation_fraction=0.25, random_state=0)
    ours = PrunedMLPClassifier if Estimator is MLPClassifier else PrunedMLPRegressor
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        n_train = len(y) - int(np.ceil(0.25 * len(y)))
        theirs = sklearn_full_batch_sgd(Estimator, n_train, **params).fit(X, y)
        mlp = make_gd(ours, **params).fit(X, y)
    assert len(mlp.validation_scores_) == mlp.n_iter_ == theirs.n_iter_
    assert_allclose(mlp.validation_scores_, theirs.validation_scores_, rtol=1e-6)
    assert_allclose(mlp.best_validation_score_, theirs.best_validation_score_, rtol=1e-6)


def test_adaptive_learning_rate():
    clf = make_gd(PrunedMLPClassifier, tol=0.5, max_iter=3000, learning_rate="adaptive")
    clf.fit([[3, 2], [1, 6]], [1, 0])
    assert clf.max_iter > clf.n_iter_


@pytest.mark.parametrize("n_iter_no_change", [2, 5, 10, 50])
def test_n_iter_no_change(n_iter_no_change):
    # Training stops after n_iter_no_change + 1 iterations without an
    # improvement of tol over the best loss.
    X, y = X_digits_binary[:100], y_digits_binary[:100]
    tol = 0.01
    clf = make_gd(PrunedMLPClassifier, tol=tol, max_iter=3000,
                  n_iter_no_change=n_iter_no_change)
    clf.fit(X, y)
    assert 3000 > clf.n_iter_
    curve, n = clf.loss_curve_, n_iter_no_change
    assert len(curve) == clf.n_iter_ >= n + 2
    # The last n + 1 losses do not improve on the best before them by tol ...
    for i in range(len(curve) - n - 1, len(curve)):
        assert curve[i] > min(curve[:i]) - tol
    # ... and the one before them does (or is the first).
    i = len(curve) - n - 2
    assert i == 0 or curve[i] <= min(curve[:i]) - tol


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_n_iter_no_change_inf():
    # np.inf never stops training, even with a tolerance nothing can meet.
    X, y = X_digits_binary[:100], y_digits_binary[:100]
    clf = make_gd(PrunedMLPClassifier, tol=1e9, max_iter=300, n_iter_no_change=np.inf)
    clf.fit(X, y)
    assert clf.n_iter_ == 300


def test_early_stopping_stratified():
    # The early-stopping split is stratified, so a class of one member fails.
    mlp = make(PrunedMLPClassifier, early_stopping=True)
    with pytest.raises(ValueError, match="least populated class"):
        mlp.fit([[1, 2], [2, 3], [3, 4], [4, 5]], [0, 0, 0, 1])


def test_mlp_early_stopping_string_labels():
    X, y = make_classification(n_samples=200, n_features=10, n_classes=3, n_informative=5,
                               random_state=42)
    y = np.array(["class_a", "class_b", "class_c"], dtype=object)[y]
    mlp = make(PrunedMLPClassifier, early_stopping=True, max_iter=50, random_state=42)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(X, y)
    assert mlp.validation_scores_ is not None
    assert len(mlp.validation_scores_) == mlp.n_iter_
    assert np.isfinite(mlp.validation_scores_).all()


def test_minimum_input_sample_size():
    X, y = make_regression(n_samples=2, n_features=5, random_state=0)
    model = make(PrunedMLPRegressor, early_stopping=True, random_state=0)
    with pytest.raises(ValueError, match="validation set"):
        model.fit(X, y)


def test_mlp_sample_weight_with_early_stopping():
    # Unit weights and no weights give the same split and the same model.
    X, y = make_regression(n_samples=100, n_features=2, n_informative=2, random_state=42)
    params = dict(hidden_layer_sizes=10, early_stopping=True, tol=1e-2,
                  learning_rate_init=0.01, random_state=42)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        m1 = make(PrunedMLPRegressor, **params).fit(X, y, sample_weight=np.ones_like(y))
        m2 = make(PrunedMLPRegressor, **params).fit(X, y, sample_weight=None)
    assert_allclose(m1.predict(X), m2.predict(X))


def test_mlp_diverging_loss_keeps_finite_weights():
    # scikit-learn records a NaN validation score here; skprune's divergence
    # guard (a deliberate difference) keeps the best finite weights and warns.
    mlp = make_gd(PrunedMLPRegressor, hidden_layer_sizes=100, activation="identity",
                  learning_rate_init=1, max_iter=20, early_stopping=True,
                  n_iter_no_change=10, random_state=0)
    with pytest.warns(ConvergenceWarning, match="diverged"):
        mlp.fit(X_iris, y_iris)
    assert np.isfinite(mlp.validation_scores_).all()
    assert np.isfinite(mlp.predict(X_iris)).all()


def test_single_class_is_refused():
    # A deliberate difference: scikit-learn fits a constant model.
    with pytest.raises(ValueError, match="at least 2 classes"):
        make(PrunedMLPClassifier).fit(X_iris[:10], np.ones(10))


# ---------------------------------------------------------------------- #
# Warm starts.
# ---------------------------------------------------------------------- #
@pytest.mark.parametrize("learning_rate", ["constant", "invscaling"])
def test_learning_rate_warmstart(learning_rate):
    # A warm start continues the step-size schedule: two warm fits of three
    # iterations take the steps of one fit of six.
    X, y = [[3, 2], [1, 6], [5, 6], [-2, -4]], [1, 1, 1, 0]
    params = dict(hidden_layer_sizes=4, learning_rate=learning_rate, power_t=0.25,
                  momentum=0.0, tol=0.0, n_iter_no_change=100, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warm = make_gd(PrunedMLPClassifier, max_iter=3, warm_start=True, **params)
        warm.fit(X, y).fit(X, y)
        once = make_gd(PrunedMLPClassifier, max_iter=6, **params).fit(X, y)
    for W, W_ref in zip(warm.coefs_, once.coefs_):
        assert_allclose(dense(W), dense(W_ref), rtol=1e-10)


def test_warm_start():
    X, y = X_iris, y_iris
    y_2classes = np.array([0] * 75 + [1] * 75)
    y_3classes = np.array([0] * 40 + [1] * 40 + [2] * 70)
    y_3classes_alt = np.array([0] * 50 + [1] * 50 + [3] * 50)
    y_4classes = np.array([0] * 37 + [1] * 37 + [2] * 38 + [3] * 38)
    y_5classes = np.array([0] * 30 + [1] * 30 + [2] * 30 + [3] * 30 + [4] * 30)
    params = dict(hidden_layer_sizes=2, warm_start=True, random_state=42, tol=1e-2,
                  max_iter=20)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        # The same classes, also in other proportions: no error.
        clf = make(PrunedMLPClassifier, **params).fit(X, y)
        clf.fit(X, y)
        clf.fit(X, y_3classes)
        for y_i in (y_2classes, y_3classes_alt, y_4classes, y_5classes):
            clf = make(PrunedMLPClassifier, **params).fit(X, y)
            message = ("warm_start can only be used where `y` has the same classes as in "
                       "the previous call to fit")
            with pytest.raises(ValueError, match=re.escape(message)):
                clf.fit(X, y_i)
        # A subset of the previous classes is refused too.
        clf = make(PrunedMLPClassifier, **params).fit(X, y_4classes)
        with pytest.raises(ValueError, match=re.escape(message)):
            clf.fit(X, y)


@pytest.mark.parametrize("Estimator", [PrunedMLPClassifier, PrunedMLPRegressor])
def test_warm_start_full_iteration(Estimator):
    # Every warm fit runs max_iter iterations.
    clf = make_gd(Estimator, hidden_layer_sizes=2, warm_start=True, max_iter=3, tol=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X_iris, y_iris)
        assert clf.n_iter_ == 3
        clf.fit(X_iris, y_iris)
        assert clf.n_iter_ == 3


@pytest.mark.parametrize("Estimator", [PrunedMLPClassifier, PrunedMLPRegressor])
def test_warm_start_accumulates_loss_curve_and_t(Estimator):
    # As in scikit-learn, loss_curve_ and t_ go on over warm starts.
    clf = make_gd(Estimator, hidden_layer_sizes=3, warm_start=True, max_iter=4, tol=0.0,
                  n_iter_no_change=100, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X_iris_scaled, y_iris)
        first = list(clf.loss_curve_)
        clf.set_params(max_iter=5).fit(X_iris_scaled, y_iris)
    assert len(clf.loss_curve_) == 9
    assert clf.loss_curve_[:4] == first
    assert clf.t_ == 9 * len(y_iris)


@pytest.mark.parametrize("Estimator", [PrunedMLPClassifier, PrunedMLPRegressor])
def test_mlp_warm_start_with_early_stopping(Estimator):
    # validation_scores_ go on over warm starts, one per iteration.
    mlp = make(Estimator, max_iter=10, random_state=0, warm_start=True, early_stopping=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(X_iris, y_iris)
        n_validation_scores = len(mlp.validation_scores_)
        mlp.set_params(max_iter=20)
        mlp.fit(X_iris, y_iris)
    assert len(mlp.validation_scores_) == n_validation_scores + mlp.n_iter_


@pytest.mark.parametrize("Estimator", [PrunedMLPClassifier, PrunedMLPRegressor])
@pytest.mark.parametrize("solver", ["gd", "adam", "lbfgs"])
def test_mlp_warm_start_no_convergence(Estimator, solver):
    # Each warm fit stops at max_iter, with a ConvergenceWarning.
    model = make(Estimator, solver=solver, warm_start=True, early_stopping=False,
                 max_iter=10, n_iter_no_change=np.inf, random_state=0)
    with pytest.warns(ConvergenceWarning):
        model.fit(X_iris, y_iris)
    assert model.n_iter_ == 10
    model.set_params(max_iter=20)
    with pytest.warns(ConvergenceWarning):
        model.fit(X_iris, y_iris)
    assert model.n_iter_ == 20


# ---------------------------------------------------------------------- #
# Data types.
# ---------------------------------------------------------------------- #
def test_mlp_classifier_dtypes_casting():
    params = dict(alpha=1e-5, hidden_layer_sizes=(5, 3), random_state=1, max_iter=100, tol=1e-1)
    X = MinMaxScaler().fit_transform(X_digits)
    mlp_64 = make(PrunedMLPClassifier, **params).fit(X[:300], y_digits[:300])
    mlp_32 = make(PrunedMLPClassifier, **params).fit(X[:300].astype(np.float32), y_digits[:300])
    assert_array_equal(mlp_64.predict(X[300:]), mlp_32.predict(X[300:].astype(np.float32)))
    assert_allclose(mlp_64.predict_proba(X[300:]),
                    mlp_32.predict_proba(X[300:].astype(np.float32)), rtol=1e-2)


def test_mlp_regressor_dtypes_casting():
    params = dict(alpha=1e-5, hidden_layer_sizes=(5, 3), random_state=1, max_iter=150, tol=1e-3)
    X = MinMaxScaler().fit_transform(X_digits)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp_64 = make(PrunedMLPRegressor, **params).fit(X[:300], y_digits[:300])
        mlp_32 = make(PrunedMLPRegressor, **params).fit(X[:300].astype(np.float32),
                                                        y_digits[:300])
    assert_allclose(mlp_64.predict(X[300:]), mlp_32.predict(X[300:].astype(np.float32)),
                    rtol=5e-4)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("Estimator", [PrunedMLPClassifier, PrunedMLPRegressor])
def test_mlp_param_dtypes(dtype, Estimator):
    # The input dtype is the dtype of the weights and of the predictions.
    X = MinMaxScaler().fit_transform(X_digits).astype(dtype)
    mlp = make(Estimator, alpha=1e-5, hidden_layer_sizes=(5, 3), random_state=1, max_iter=50,
               tol=1e-1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(X[:300], y_digits[:300])
    pred = mlp.predict(X[300:])
    assert all(b.dtype == dtype for b in mlp.intercepts_)
    assert all(W.dtype == dtype for W in mlp.coefs_)
    if Estimator is PrunedMLPRegressor:
        assert pred.dtype == dtype
