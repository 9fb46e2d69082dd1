"""scikit-learn callbacks (``sklearn.callback``, experimental in 1.9) on the pruned MLPs."""

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler, scale

from skprune import PrunedMLPClassifier, PrunedMLPRegressor

callback = pytest.importorskip("sklearn.callback", reason="scikit-learn < 1.9")


class Recorder:
    """Records every hook call, with the task's path and name."""

    def __init__(self, stop_at=None):
        self.calls = []
        self.stop_at = stop_at  # (task name, task id) at whose end to stop

    def setup(self, estimator, context):
        self.calls.append(("setup", None, None))

    def teardown(self, estimator, context):
        self.calls.append(("teardown", None, None))

    def on_fit_task_begin(self, estimator, context):
        self.calls.append(("begin", context.task_name, context.task_id))

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None, X=None):
        self.calls.append(("end", context.task_name, context.task_id))
        if fitted_estimator is not None and X is not None:
            # Every reported state must be a working model.
            assert np.isfinite(fitted_estimator.predict(X[:3]).astype(float)).all()
        return (context.task_name, context.task_id) == self.stop_at

    def count(self, kind, name):
        return sum(1 for k, n, _ in self.calls if k == kind and n == name)


@pytest.fixture
def classification():
    X, y = make_classification(200, 8, n_informative=5, n_classes=3, random_state=0)
    return StandardScaler().fit_transform(X), y


@pytest.fixture
def regression():
    X, y = make_regression(200, 8, noise=1.0, random_state=0)
    return StandardScaler().fit_transform(X), scale(y)


@pytest.mark.parametrize("Estimator", [PrunedMLPClassifier, PrunedMLPRegressor])
def test_task_tree(Estimator, classification, regression):
    X, y = classification if Estimator is PrunedMLPClassifier else regression
    rec = Recorder()
    est = Estimator(
        hidden_layer_sizes=(16,), max_iter=30, n_prune_steps=3, retrain_iter=7,
        tol=0, random_state=0,
    ).set_callbacks(rec)
    est.fit(X, y)
    assert rec.calls[0][0] == "setup" and rec.calls[-1][0] == "teardown"
    assert rec.count("begin", "fit") == rec.count("end", "fit") == 1
    assert rec.count("end", "train") == 1
    assert rec.count("end", "prune-retrain") == 3
    # One leaf per gradient-descent iteration, begun and ended.
    assert rec.count("begin", "iteration") == rec.count("end", "iteration")
    assert rec.count("end", "iteration") == est.n_iter_ == 30 + 3 * 7
    # The fit's context is gone once fit returns.
    assert not hasattr(est, "_callback_fit_ctx")


def test_callback_stops_a_phase(classification):
    X, y = classification
    params = dict(
        hidden_layer_sizes=(16,), max_iter=50, n_prune_steps=2, retrain_iter=10,
        weight_threshold=0.05, tol=0, random_state=0,
    )
    est = PrunedMLPClassifier(**params).set_callbacks(Recorder(("iteration", 4)))
    est.fit(X, y)
    # Every phase stops at its fifth iteration; pruning still ends the fit.
    assert est.n_iter_ == 3 * 5
    assert len(est.pruning_history_) == 2
    assert all(np.abs(W.data).min() >= 0.05 for W in est.coefs_)


def test_callback_stops_the_pruning_steps(classification):
    X, y = classification
    est = PrunedMLPClassifier(
        hidden_layer_sizes=(16,), max_iter=20, n_prune_steps=4, retrain_iter=5,
        tol=0, random_state=0,
    ).set_callbacks(Recorder(("prune-retrain", 1)))
    est.fit(X, y)
    assert len(est.pruning_history_) == 1
    assert est.n_iter_ == 20 + 5


def test_no_callbacks_same_fit(classification):
    X, y = classification
    params = dict(hidden_layer_sizes=(16,), max_iter=30, sparsity=0.5, random_state=0)
    plain = PrunedMLPClassifier(**params).fit(X, y)
    watched = PrunedMLPClassifier(**params).set_callbacks(Recorder()).fit(X, y)
    for A, B in zip(plain.coefs_, watched.coefs_):
        np.testing.assert_array_equal(A.toarray(), B.toarray())


def test_scoring_monitor(classification):
    X, y = classification
    monitor = callback.ScoringMonitor(scoring="accuracy")
    est = PrunedMLPClassifier(
        hidden_layer_sizes=(16,), max_iter=40, retrain_iter=10, tol=0, random_state=0
    ).set_callbacks(monitor)
    est.fit(X, y)
    rows = monitor.get_logs().data
    per_iteration = [r["accuracy"] for r in rows if r["task_name"] == "iteration"]
    assert len(per_iteration) == est.n_iter_
    # Training accuracy is scored on the network as it learns.
    assert per_iteration[-1] > per_iteration[0]
    final = [r["accuracy"] for r in rows if r["task_name"] == "fit"]
    assert final == [pytest.approx(est.score(X, y))]


def test_progress_bar_in_grid_search(classification, capsys):
    pytest.importorskip("rich")
    X, y = classification
    search = GridSearchCV(
        make_pipeline(
            StandardScaler(),
            PrunedMLPClassifier(hidden_layer_sizes=(8,), max_iter=10, retrain_iter=3),
        ),
        {"prunedmlpclassifier__weight_threshold": [0.01, 0.1]},
        cv=2,
    )
    search.set_callbacks(callback.ProgressBar(max_propagation_depth=None))
    search.fit(X, y)
    out = capsys.readouterr().out
    assert "PrunedMLPClassifier - prune-retrain" in out
    assert "GridSearchCV - fit" in out


def test_progress_bar_direct(classification, capsys):
    pytest.importorskip("rich")
    X, y = classification
    est = PrunedMLPRegressor(hidden_layer_sizes=(8,), max_iter=10, n_prune_steps=2)
    est.set_callbacks(callback.ProgressBar()).fit(X, y.astype(float))
    out = capsys.readouterr().out
    assert "PrunedMLPRegressor - train" in out
    assert out.count("PrunedMLPRegressor - prune-retrain") == 2
