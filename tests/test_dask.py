"""Scaling out: GridSearchCV on a dask.distributed cluster via joblib's dask backend."""

import joblib
import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV

from skprune import PrunedMLPClassifier

distributed = pytest.importorskip("distributed")


def test_grid_search_on_local_cluster():
    X, y = load_digits(return_X_y=True)
    X, y = X[:400] / 16, y[:400]
    search = GridSearchCV(
        PrunedMLPClassifier(hidden_layer_sizes=(16,), max_iter=30, random_state=0),
        {"weight_threshold": [0.0, 0.05, 0.2]},
        cv=2,
        n_jobs=-1,
    )
    # One in-process worker with threads: no subprocesses, no TCP port, a
    # quick start and a clean shutdown, yet the real scheduler and protocol.
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False,
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster, timeout="30s") as client,
        distributed.get_task_stream(client) as stream,
        joblib.parallel_backend("dask"),
    ):
        search.fit(X, y)
    # The 3 x 2 fits ran as tasks on the cluster ...
    assert len(stream.data) >= 6
    # ... and found what a local search finds.
    local = GridSearchCV(search.estimator, search.param_grid, cv=2).fit(X, y)
    np.testing.assert_allclose(
        search.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )
    assert search.best_params_ == local.best_params_
