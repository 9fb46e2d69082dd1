"""Render pruning_curve_digits.png, the PruningCurveDisplay figure of the README.

Run from anywhere with the ``plot`` extra installed; it takes about a minute
on two cores:

    python docs/images/pruning_curve_digits.py
"""

from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.ticker import NullFormatter, PercentFormatter
from sklearn.datasets import load_digits
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skprune import PrunedMLPClassifier, PruningCurveDisplay

X, y = load_digits(return_X_y=True)
cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
targets = [0.5, 0.8, 0.9, 0.95, 0.98, 0.99]

fig, ax = plt.subplots(figsize=(6.4, 4), layout="constrained")
for n_steps, label in [(1, "one-shot (n_prune_steps=1)"), ("auto", "gradual (the default 'auto')")]:
    model = make_pipeline(
        StandardScaler(),
        PrunedMLPClassifier(n_prune_steps=n_steps, random_state=0),
    )
    display = PruningCurveDisplay.from_estimator(
        model,
        X,
        y,
        param_name="sparsity",
        param_range=targets,
        cv=cv,
        unpruned=n_steps == 1,
        label=label,
        ax=ax,
    )
    for target, reached, scores in zip(targets, display.sparsity, display.test_scores):
        print(
            f"| {label} | {target} | {reached.mean():.3f} "
            f"| {scores.mean():.4f} ± {scores.std():.4f} |"
        )
    if display.unpruned_scores is not None:
        scores = display.unpruned_scores
        print(f"| unpruned | - | 0 | {scores.mean():.4f} ± {scores.std():.4f} |")
ax.set_xscale("logit")
ax.set_xticks(targets)
ax.xaxis.set_major_formatter(PercentFormatter(1, decimals=0))
ax.xaxis.set_minor_formatter(NullFormatter())
ax.set_title("PrunedMLPClassifier, 64-100-10 on digits, 5-fold CV")
fig.savefig(Path(__file__).with_suffix(".png"), dpi=90)
