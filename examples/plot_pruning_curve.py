"""
=====================================
Accuracy against sparsity
=====================================

How far can a network be pruned before it loses accuracy?
:class:`~skprune.PruningCurveDisplay` answers with cross-validation: it fits
the estimator for each value of a pruning parameter, places each point at
the sparsity the fitted networks actually reached, and draws the score of
the same estimator with pruning switched off as a dashed line.

Here the parameter is the ``sparsity`` target, reached on Zhu & Gupta's
cubic schedule, and two curves compare its two scopes: ``prune_scope="layer"``
prunes every layer to the target, ``"global"`` ranks all weights together.
"""

# %%
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skprune import PrunedMLPClassifier, PruningCurveDisplay

X, y = load_digits(return_X_y=True)
cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
targets = [0.5, 0.8, 0.9, 0.95, 0.98, 0.99]

fig, ax = plt.subplots(figsize=(6.4, 4.2), layout="constrained")
displays = {}
for scope in ["layer", "global"]:
    model = make_pipeline(
        StandardScaler(),
        PrunedMLPClassifier(
            hidden_layer_sizes=(100,),
            prune_scope=scope,
            n_prune_steps=5,
            retrain_iter=30,
            random_state=0,
        ),
    )
    displays[scope] = PruningCurveDisplay.from_estimator(
        model,
        X,
        y,
        param_name="sparsity",
        param_range=targets,
        cv=cv,
        # The unpruned reference is the same for both scopes.
        unpruned=scope == "layer",
        label=f'prune_scope="{scope}"',
        ax=ax,
    )
ax.set_title("64-100-10 network on digits, 3-fold cross-validation")
plt.show()

# %%
# The sparsity the networks reached and their accuracy, over the three folds.
# Where a curve leaves the level of the dashed line is how far this network
# can be pruned on this data.
for scope, display in displays.items():
    for target, reached, scores in zip(targets, display.sparsity, display.test_scores):
        print(
            f"{scope:>6} target {target:.2f}: reached {reached.mean():.3f}, "
            f"accuracy {scores.mean():.4f} ± {scores.std():.4f}"
        )

# %%
# Zooming in on the sparse end
# ----------------------------
# Past 90 % the differences are in the last few percent of weights; matplotlib's
# ``"logit"`` scale spreads 0.9, 0.99, 0.999 evenly. The ``errorbar`` style
# also shows the spread of the sparsity over the folds.
from matplotlib.ticker import NullFormatter, PercentFormatter

fig, ax = plt.subplots(figsize=(6.4, 4.2), layout="constrained")
for scope, display in displays.items():
    display.plot(ax=ax, std_display_style="errorbar", label=f'prune_scope="{scope}"')
ax.set_xscale("logit")
# Up to 99.8 %: the 99 % target can land slightly above 99 %, and its error
# bar must not touch the frame.
ax.set_xlim(0.4, 0.998)
ax.set_xticks(targets)
ax.xaxis.set_major_formatter(PercentFormatter(1, decimals=0))
ax.xaxis.set_minor_formatter(NullFormatter())
plt.show()
