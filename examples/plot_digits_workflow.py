"""
============================================
Train, prune and inspect a network on digits
============================================

The whole workflow of :class:`~skprune.PrunedMLPClassifier` on scikit-learn's
8×8 digits: train a multi-layer perceptron by full-batch Adam (the default solver),
prune it (weights with ``|w| < θ`` set to zero, neurons whose mean
``|activation|`` is below ``θ`` removed), retrain the survivors, and end with
weights stored as ``scipy.sparse`` CSR arrays.
"""

# %%
# Data and two models
# -------------------
# Both models are the same estimator with the same settings and seed; the
# reference has every pruning rule switched off.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skprune import PrunedMLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)

common = {
    "hidden_layer_sizes": (100,),
    "n_prune_steps": 10,
    "retrain_iter": 20,
    "random_state": 0,
}
dense = make_pipeline(
    StandardScaler(),
    PrunedMLPClassifier(weight_threshold=0.0, neuron_threshold=0.0, **common),
).fit(X_train, y_train)
pruned = make_pipeline(
    StandardScaler(),
    PrunedMLPClassifier(sparsity=0.95, neuron_threshold=0.05, **common),
).fit(X_train, y_train)

# %%
# What pruning bought
# -------------------
# ``sparsity_`` counts the weights that are zero *or* were removed with their
# neuron, as a fraction of the original 64-100-10 architecture.


def csr_bytes(clf):
    """Bytes of the weights and biases as stored: CSR data, indices and indptr."""
    weights = sum(
        W.data.nbytes + W.indices.nbytes + W.indptr.nbytes for W in clf.coefs_
    )
    return weights + sum(b.nbytes for b in clf.intercepts_)


def dense_bytes(clf):
    """Bytes the same (possibly shrunken) layers would take as dense arrays."""
    weights = sum(W.shape[0] * W.shape[1] * W.dtype.itemsize for W in clf.coefs_)
    return weights + sum(b.nbytes for b in clf.intercepts_)


for name, model in [("dense", dense), ("pruned", pruned)]:
    clf = model[-1]
    print(
        f"{name:>6}: test accuracy {model.score(X_test, y_test):.4f}, "
        f"sparsity {clf.sparsity_:.3f}, hidden layer {clf.hidden_layer_sizes_}, "
        f"{sum(W.nnz for W in clf.coefs_)} non-zero weights, "
        f"{csr_bytes(clf)} bytes as CSR, {dense_bytes(clf)} as dense arrays"
    )

# %%
# CSR stores an index next to every value, so it pays off in memory only
# below about two thirds density (12 bytes per float64 weight instead of 8):
# the dense model is better off dense, the pruned one sparse. See
# :ref:`sparse_storage` in the user guide.

# %%
# The pruned network's weights are CSR arrays, and the neurons that pruning
# removed are gone from their shapes: predicting costs fewer operations, not
# the same operations on zeros.
clf = pruned[-1]
print([type(W).__name__ for W in clf.coefs_], [W.shape for W in clf.coefs_])

# %%
# The training run
# ----------------
# ``loss_curve_`` covers the initial training and every retraining phase;
# ``pruning_history_`` records each pruning step. The loss jumps at each step
# and retraining recovers it; the cubic schedule prunes most at the first
# steps, while the network is most redundant.
fig, (ax_loss, ax_kept) = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
ax_loss.plot(np.arange(1, clf.n_iter_ + 1), clf.loss_curve_, label="pruned")
ax_loss.plot(
    np.arange(1, dense[-1].n_iter_ + 1), dense[-1].loss_curve_, label="dense", alpha=0.7
)
for record in clf.pruning_history_:
    ax_loss.axvline(record["iteration"], color="0.85", zorder=0)
ax_loss.set(xlabel="Gradient-descent iteration", ylabel="Training loss", yscale="log")
ax_loss.legend()

steps = [r["step"] for r in clf.pruning_history_]
ax_kept.plot(
    steps,
    [r["target_sparsity"] for r in clf.pruning_history_],
    "o-",
    label="target sparsity",
)
n_weights = sum(W.shape[0] * W.shape[1] for W in dense[-1].coefs_)  # 64·100 + 100·10
ax_kept.plot(
    steps,
    [1 - r["weights_kept"] / n_weights for r in clf.pruning_history_],
    "s--",
    label="reached",
)
ax_kept.set(xlabel="Pruning step", ylabel="Sparsity")
ax_kept.legend()
plt.show()

# %%
# Where the surviving weights are
# -------------------------------
# Each dot is a weight that survived. Pixels on the left and right borders of
# the 8×8 images carry almost no information, and their columns end up empty
# (listed below the figure). Each layer's sparsity, relative to its original
# shape, is in ``layer_sparsity_``.
fig, axes = plt.subplots(
    1, 2, figsize=(10, 3.2), width_ratios=[3, 1], layout="constrained"
)
for ax, W, sparsity in zip(axes, clf.coefs_, clf.layer_sparsity_):
    ax.spy(W.T, markersize=2, aspect="auto")
    ax.set_title(f"{W.shape[0]}×{W.shape[1]}, {sparsity:.1%} sparse")
    ax.set_xlabel("input unit")
axes[0].set_ylabel("output unit")
plt.show()

# %%
# A CSR row with no stored entry is an input the network no longer reads.
empty = np.flatnonzero(np.diff(clf.coefs_[0].indptr) == 0)
print("pixels with no weight left (row, column):", [divmod(int(i), 8) for i in empty])
