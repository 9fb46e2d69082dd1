"""
=================================================
A model at every sparsity from one pruning run
=================================================

A gradual fit to 98 % sparsity passes through 50 %, 80 %, 90 % and 95 % on
its way. :func:`~skprune.pruning_path` runs the recipe once, to the highest
level, and returns a fitted model at every level, as
:func:`~sklearn.linear_model.lasso_path` returns the Lasso's whole path:
each model is fine-tuned from the run's network at its level, so the run
costs about one fit to the highest level.

Here the path is set against independent fits, one per level, on the same
data: their test accuracy and their CPU time.
"""

# %%
# The path
# --------
import time

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skprune import PrunedMLPClassifier, pruning_path

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

estimator = PrunedMLPClassifier(random_state=0)
levels = [0.5, 0.8, 0.9, 0.95, 0.98]

start = time.process_time()
levels, path_models = pruning_path(estimator, X_train, y_train, levels)
path_time = time.process_time() - start
for level, model in zip(levels, path_models):
    print(
        f"level {level:.2f}: sparsity_ {model.sparsity_:.3f}, "
        f"hidden layers {model.hidden_layer_sizes_}, "
        f"test accuracy {model.score(X_test, y_test):.4f}"
    )

# %%
# Against one fit per level
# -------------------------
# Each independent fit is ``estimator.set_params(sparsity=level).fit(...)``,
# the model a path level stands for.
start = time.process_time()
fits = [
    PrunedMLPClassifier(sparsity=level, random_state=0).fit(X_train, y_train)
    for level in levels
]
fits_time = time.process_time() - start
print(f"CPU time: path {path_time:.1f} s, one fit per level {fits_time:.1f} s")

fig, ax = plt.subplots(figsize=(6.4, 4.2), layout="constrained")
for label, models, marker in [("pruning_path", path_models, "o"),
                              ("one fit per level", fits, "s")]:
    ax.plot(
        [m.sparsity_ for m in models], [m.score(X_test, y_test) for m in models],
        marker=marker, label=label,
    )
ax.set_xlabel("fraction of weights pruned (sparsity_)")
ax.set_ylabel("test accuracy")
ax.set_title("digits, 64-100-10")
ax.legend()
plt.show()

# %%
# The path's models are ordinary fitted estimators: they predict, pickle and
# report (:func:`~skprune.compression_report`) like any other. To *choose* a
# level by cross-validation, :class:`~skprune.PrunedMLPClassifierCV` runs
# one path per fold.
