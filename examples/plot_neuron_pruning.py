"""
=======================================
Neuron pruning and bias folding
=======================================

Besides single weights, :class:`~skprune.PrunedMLPClassifier` removes whole
hidden neurons: a neuron whose sample-weighted mean ``|activation|`` over the
training data is below ``neuron_threshold`` is sliced out of the network,
which leaves smaller *dense* layers (structured pruning). Its mean output,
times its outgoing weights, is folded into the next layer's bias, so the
predictions barely move when a neuron that is nearly constant goes.

This example isolates neuron pruning (``weight_threshold=0``): it looks at
the statistic, reproduces one removal by hand with and without bias folding,
and sweeps the threshold.
"""

# %%
# The statistic: mean absolute activation per hidden neuron
# ---------------------------------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skprune import PrunedMLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

params = {"hidden_layer_sizes": (100,), "weight_threshold": 0.0, "random_state": 0}
dense = PrunedMLPClassifier(neuron_threshold=0.0, **params).fit(X_train, y_train)

W0, W1 = (W.toarray() for W in dense.coefs_)
b0, b1 = dense.intercepts_
hidden_train = np.maximum(X_train @ W0 + b0, 0)  # ReLU
mean_abs = np.abs(hidden_train).mean(axis=0)

fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
ax.hist(mean_abs, bins=np.geomspace(max(mean_abs.min(), 1e-3), mean_abs.max(), 30))
ax.set(
    xscale="log",
    xlabel="mean |activation| on the training set",
    ylabel="hidden neurons",
)
ax.set_title(f"{dense.hidden_layer_sizes_[0]} neurons of the dense network")
plt.show()

# %%
# Removing neurons by hand, with and without folding
# -------------------------------------------------------
# With the fitted ``coefs_`` and ``intercepts_`` the removal is a few lines of
# numpy. Without folding, a removed neuron's contribution simply disappears;
# with folding, its mean contribution ``mean(a_j) * W1[j, :]`` moves into the
# output bias. Nothing is retrained here.
mean_out = hidden_train.mean(axis=0)


def accuracy_without(keep, fold):
    bias = b1 + (mean_out[~keep] @ W1[~keep] if fold else 0)
    hidden = np.maximum(X_test @ W0[:, keep] + b0[keep], 0)
    return np.mean(np.argmax(hidden @ W1[keep] + bias, axis=1) == y_test)


thresholds = np.quantile(mean_abs, [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
removed, folded, not_folded = [], [], []
for theta in thresholds:
    keep = mean_abs >= theta
    removed.append((~keep).sum())
    folded.append(accuracy_without(keep, fold=True))
    not_folded.append(accuracy_without(keep, fold=False))

fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
ax.plot(removed, folded, "o-", label="with bias folding")
ax.plot(removed, not_folded, "s--", label="without")
ax.set(
    xlabel="neurons removed (lowest mean |activation| first)",
    ylabel="test accuracy, no retraining",
)
ax.legend()
plt.show()

# %%
# The estimator does the same, then retrains
# ------------------------------------------
# ``neuron_threshold`` applies the rule at every pruning step, with folding,
# and retrains the smaller network between steps. A layer is never emptied.
rows = []
for theta in [0.0, 0.3, 0.4, 0.5, 0.6, 0.7]:
    clf = PrunedMLPClassifier(neuron_threshold=theta, n_prune_steps=3, **params)
    clf.fit(X_train, y_train)
    rows.append(
        (theta, clf.hidden_layer_sizes_[0], clf.score(X_test, y_test), clf.sparsity_)
    )
    print(
        f"neuron_threshold={theta:<4}: {clf.hidden_layer_sizes_[0]:3d} neurons kept, "
        f"test accuracy {rows[-1][2]:.4f}, sparsity {clf.sparsity_:.3f}"
    )

fig, ax_neurons = plt.subplots(figsize=(6, 3.5), layout="constrained")
theta, kept, accuracy, _ = map(np.array, zip(*rows))
ax_neurons.plot(theta, kept, "o-", color="C0")
ax_neurons.set(xlabel="neuron_threshold θ", ylabel="hidden neurons kept")
ax_accuracy = ax_neurons.twinx()
ax_accuracy.plot(theta, accuracy, "s--", color="C1")
ax_accuracy.set_ylabel("test accuracy", color="C1")
plt.show()
