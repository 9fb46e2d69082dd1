"""
=================================================
Fit on data spread over a dask cluster
=================================================

``fit``, ``predict``, ``predict_proba`` and ``score`` accept dask arrays and
DataFrames. The training rows stay in blocks on the workers of a
``dask.distributed`` cluster: every solver iteration sends the current
weights to the workers, computes the loss and gradient of each block there,
and adds them up, so a full-batch step on the cluster is the step an
in-memory fit takes, up to the order of the sums. The fitted model itself is
small and lives on the client.

This example starts a small in-process :class:`~distributed.LocalCluster`
on digits; on a real cluster only the :class:`~distributed.Client` changes
(see :doc:`/scaling`). It needs the ``dask`` extra
(``pip install ".[dask]"``) and is skipped without it.
"""

# %%
# A local cluster and a dask array
# --------------------------------
# Chunks hold whole rows. Each chunk is a task per pass over the data, with
# a fixed cost of a few milliseconds, so ``fit`` warns when chunks are so
# small that this cost dominates; two chunks of 675 rows are enough here.
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skprune import PrunedMLPClassifier

try:
    import dask.array as da
    from distributed import Client, LocalCluster
except ImportError:
    da = None
    print("dask.distributed is not installed: this example is skipped.")

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

if da is not None:
    cluster = LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    )
    client = Client(cluster)
    X_blocks = da.from_array(X_train, chunks=(675, -1)).persist()
    y_blocks = da.from_array(y_train, chunks=675).persist()
    print(f"{X_blocks.numblocks[0]} blocks of rows, held by the cluster")

# %%
# Fit, prune and predict
# ----------------------
# The same estimator and call as in memory. ``predict`` and ``score`` on
# dask input are lazy: ``compute()`` (or ``float()``) runs them on the
# workers, block by block. (A short initial training, ``max_iter=50``, keeps
# the example fast.)
if da is not None:
    estimator = PrunedMLPClassifier(sparsity=0.9, max_iter=50, random_state=0)
    on_cluster = estimator.fit(X_blocks, y_blocks)
    labels = on_cluster.predict(da.from_array(X_test, chunks=(225, -1)))
    print(f"predict returns {type(labels).__name__}; {labels.numblocks[0]} blocks")
    print(f"test accuracy (cluster fit): {np.mean(labels.compute() == y_test):.4f}")
    print(f"sparsity_ {on_cluster.sparsity_:.3f}, hidden layers {on_cluster.hidden_layer_sizes_}")

# %%
# The same fit in memory
# ----------------------
# With several blocks the sums are added in another order than in memory, so
# the two fits can differ in the last bits of their losses, and the long
# L-BFGS fine-tune can let that grow; the models are the same up to that.
if da is not None:
    in_memory = PrunedMLPClassifier(sparsity=0.9, max_iter=50, random_state=0)
    in_memory.fit(X_train, y_train)
    gap = np.abs(on_cluster.predict_proba(X_test) - in_memory.predict_proba(X_test)).max()
    same_masks = all(
        np.array_equal(A.indices, B.indices) and np.array_equal(A.indptr, B.indptr)
        for A, B in zip(on_cluster.coefs_, in_memory.coefs_)
    )
    print(f"test accuracy (in memory):   {in_memory.score(X_test, y_test):.4f}")
    print(f"same sparsity patterns: {same_masks}; "
          f"largest predict_proba difference: {gap:.1e}")
    client.close()
    cluster.close()
