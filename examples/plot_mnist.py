"""
=========================================================
A 95 % sparse network on MNIST-10k (or digits without it)
=========================================================

A mid-sized benchmark: the 10,000 images of the official MNIST test split,
the first 8,000 for training and the last 2,000 for testing, pixels scaled
to [0, 1] and kept in float32. A 784-100-10 network is trained dense, and
the same network is pruned to 95 % sparsity on the cubic schedule, with the
same number of solver iterations (full-batch Adam, the default solver).

The data are read from the folder named by the ``SKPRUNE_MNIST_DIR``
environment variable, holding ``t10k-images-idx3-ubyte.gz`` and
``t10k-labels-idx1-ubyte.gz``; they are not shipped with skprune.
``python benchmarks/get_mnist.py DIR`` writes them into ``DIR`` from
:func:`sklearn.datasets.fetch_openml` (``"mnist_784"``, whose last 10,000
rows are the test split). **Without them this example runs on
scikit-learn's 8×8 digits instead** and says so in its first line of output
and in the figure's title: read the output below to see which data this
build used.

The budget is small on purpose, so that the gallery builds in a minute: 100
iterations of dense training on a 784-100-10 network, then the estimator's
own gradual recipe. :doc:`/pruning_benchmark` runs the larger LeNet-300-100
network (784-300-100-10), compares the pruning criteria and schedules, and
goes up to 98 % sparsity.
"""

# %%
# Loading the data
# ----------------
# The IDX files need nothing beyond numpy and the standard library.
import gzip
import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits

from skprune import PrunedMLPClassifier


def find_mnist():
    """The first candidate folder holding the MNIST test split, or None."""
    folder = os.environ.get("SKPRUNE_MNIST_DIR")
    if folder and (Path(folder) / "t10k-images-idx3-ubyte.gz").is_file():
        return Path(folder)
    return None


folder = find_mnist()
if folder is not None:
    with gzip.open(folder / "t10k-images-idx3-ubyte.gz") as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)
    with gzip.open(folder / "t10k-labels-idx1-ubyte.gz") as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)
    X, y = (images / np.float32(255)).astype(np.float32), labels
    n_train, name = 8000, "MNIST-10k"
    print("Data: MNIST-10k, read from the folder SKPRUNE_MNIST_DIR names")
else:
    print(
        "Data: scikit-learn's 8x8 digits -- MNIST was not found "
        "(set SKPRUNE_MNIST_DIR to its folder to run on MNIST)."
    )
    X, y = load_digits(return_X_y=True)
    X = (X / 16).astype(np.float32)
    n_train, name = 1400, "digits"

X_train, y_train, X_test, y_test = X[:n_train], y[:n_train], X[n_train:], y[n_train:]
side = int(np.sqrt(X.shape[1]))
print(
    f"{name}: {X_train.shape[0]} training and {X_test.shape[0]} test images "
    f"of {side}x{side} pixels"
)

# %%
# Dense and pruned, on the same budget
# ------------------------------------
# The solver, its step size and the pruning schedule are the defaults: with a
# sparsity target, ``'auto'`` prunes gradually in many small steps and
# fine-tunes at the end. The dense reference has every pruning rule switched
# off and gets the same number of iterations in all.
common = {"hidden_layer_sizes": (100,), "max_iter": 100, "random_state": 0}
pruned = PrunedMLPClassifier(sparsity=0.95, **common).fit(X_train, y_train)
dense = PrunedMLPClassifier(
    weight_threshold=0.0, neuron_threshold=0.0, n_prune_steps=1,
    retrain_iter=pruned.n_iter_ - common["max_iter"], **common,
).fit(X_train, y_train)
print(f"pruned: {pruned.n_prune_steps_} pruning steps, {pruned.n_iter_} iterations in all")


def csr_bytes(clf):
    return sum(W.data.nbytes + W.indices.nbytes + W.indptr.nbytes for W in clf.coefs_)


for label, clf in [("dense", dense), ("pruned", pruned)]:
    print(
        f"{label:>6}: test accuracy {clf.score(X_test, y_test):.4f}, "
        f"sparsity {clf.sparsity_:.3f}, layers {clf.hidden_layer_sizes_}, "
        f"{sum(W.nnz for W in clf.coefs_)} weights in {csr_bytes(clf)} bytes"
    )

# %%
# Which pixels still matter
# -------------------------
# The number of surviving first-layer weights leaving each input pixel: the
# pruned network has dropped the border, where digits never are, as Han et
# al. (2015) observed for the first layer of LeNet-300-100 on MNIST.
W0 = pruned.coefs_[0]
connections = np.diff(W0.indptr).reshape(side, side)  # stored weights per input row

fig, (ax_mean, ax_kept) = plt.subplots(1, 2, figsize=(8, 3.8), layout="constrained")
ax_mean.imshow(X_train.mean(axis=0).reshape(side, side), cmap="gray_r")
ax_mean.set_title("mean training image")
image = ax_kept.imshow(connections, cmap="viridis")
ax_kept.set_title(f"weights kept per pixel (of {W0.shape[1]})")
fig.colorbar(image, ax=ax_kept)
for ax in (ax_mean, ax_kept):
    ax.set_axis_off()
fig.suptitle(f"{name}: {X_train.shape[0]} training images")
plt.show()
