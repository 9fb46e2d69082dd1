"""
===========================================================
Prune by layer-wise reconstruction instead of retraining
===========================================================

With ``reconstruct=True`` each pruning step is followed by a least-squares
refit of every layer's surviving weights and bias, so that its
pre-activations match those of the network before pruning (Net-Trim,
Optimal Brain Compression, SparseGPT). No gradient step is needed for that;
a short fine-tune follows. A warm start that reconstructs -- here
:meth:`PrunedMLPClassifier.from_mlp <skprune.PrunedMLPClassifier.from_mlp>`
of a fitted :class:`~sklearn.neural_network.MLPClassifier` -- skips the
dense training altogether.

This example prunes one fitted MLP at several sparsities both ways and
compares accuracy and CPU time. Digits is a small problem: a solve costs a
few milliseconds but the network has little to spare, so reconstruction
loses accuracy from about 90 % sparsity on, where gradient retraining does
not. On wide networks fitted on many rows (MNIST with 300 and 100 hidden
units) reconstruction kept the MLP's accuracy at 90 % sparsity for about an
eighth of the MLP's fit time; see the :ref:`User Guide
<layerwise_reconstruction>`.
"""

# %%
# The MLP to prune
# ----------------
import time

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from skprune import PrunedMLPClassifier, PrunedMLPClassifierCV

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

start = time.process_time()
mlp = MLPClassifier((300,), random_state=0).fit(X_train, y_train)
mlp_time = time.process_time() - start
print(f"MLPClassifier((300,)): test accuracy {mlp.score(X_test, y_test):.4f}, "
      f"fit {mlp_time:.2f} s of CPU")

# %%
# Reconstruction against gradient retraining
# -------------------------------------------
# ``reconstruct=True``: one pruning step, the refit, and the 'auto' recipe's
# 30-iteration fine-tune. ``reconstruct=False``: the gradual recipe, which
# trains the network again before pruning it in many small steps.
sparsities = [0.5, 0.7, 0.8, 0.9, 0.95]
results = {True: [], False: []}
for reconstruct in (True, False):
    for sparsity in sparsities:
        start = time.process_time()
        pruned = PrunedMLPClassifier.from_mlp(
            mlp, sparsity=sparsity, reconstruct=reconstruct, random_state=0
        ).fit(X_train, y_train)
        seconds = time.process_time() - start
        results[reconstruct].append((pruned.score(X_test, y_test), seconds))
        print(f"reconstruct={reconstruct!s:5} sparsity={sparsity:.2f}: test accuracy "
              f"{results[reconstruct][-1][0]:.4f}, {seconds / mlp_time:.2f} x the MLP's fit")

fig, ax = plt.subplots(figsize=(6, 4))
for reconstruct, label in [(True, "reconstruct=True"), (False, "gradient retraining")]:
    ax.plot(sparsities, [score for score, _ in results[reconstruct]], "o-", label=label)
ax.axhline(mlp.score(X_test, y_test), color="gray", linestyle="--", label="the MLP")
ax.set(xlabel="sparsity", ylabel="test accuracy", title="from_mlp on digits")
ax.legend()
plt.show()

# %%
# Levels by solves in the CV estimator
# ------------------------------------
# With ``reconstruct=True`` the CV estimator fits the dense network once per
# fold and reaches every level from it by a solve, so more levels cost
# little. Each level is scored as ``fit`` at that level leaves it, and the
# chosen level is refitted on all the rows.
start = time.process_time()
cv = PrunedMLPClassifierCV((300,), sparsities=10, reconstruct=True, cv=3,
                           random_state=0).fit(X_train, y_train)
print(f"chosen sparsity {cv.best_sparsity_:.3f} of {len(cv.sparsities_)} levels, "
      f"test accuracy {cv.score(X_test, y_test):.4f}, "
      f"{time.process_time() - start:.1f} s of CPU")
