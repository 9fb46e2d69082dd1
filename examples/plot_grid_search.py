"""
===================================================
Tune the weight threshold with GridSearchCV
===================================================

:class:`~skprune.PrunedMLPClassifier` is an ordinary scikit-learn estimator,
so ``weight_threshold`` (the ``θ`` of the rule ``w = 0`` where ``|w| < θ``)
can be tuned inside a :class:`~sklearn.pipeline.Pipeline` by
:class:`~sklearn.model_selection.GridSearchCV`.

The most accurate threshold is rarely the most useful one: a larger ``θ``
gives a much sparser network for a small loss of accuracy. Scoring the
sparsity next to the accuracy lets the search refit the sparsest model whose
accuracy is within one standard deviation of the best.
"""

# %%
# The search
# ----------
# A second "score", the fitted network's ``sparsity_``, is recorded for every
# fold next to the accuracy.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skprune import PrunedMLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)

pipe = make_pipeline(
    StandardScaler(),
    PrunedMLPClassifier(hidden_layer_sizes=(64,), n_prune_steps=3, random_state=0),
)


def sparsity(estimator, X, y):
    """The fraction of weights the fitted pipeline's network pruned."""
    return estimator[-1].sparsity_


def sparsest_within_one_std(cv_results):
    """Index of the sparsest candidate within one standard deviation of the best.

    The same rule as scikit-learn's example "Balance model complexity and
    cross-validated score", with sparsity as the measure of simplicity.
    """
    accuracy = cv_results["mean_test_accuracy"]
    best = np.argmax(accuracy)
    good_enough = np.flatnonzero(
        accuracy >= accuracy[best] - cv_results["std_test_accuracy"][best]
    )
    return good_enough[np.argmax(cv_results["mean_test_sparsity"][good_enough])]


search = GridSearchCV(
    pipe,
    {"prunedmlpclassifier__weight_threshold": [0.0, 0.05, 0.1, 0.2, 0.3, 0.4]},
    scoring={"accuracy": "accuracy", "sparsity": sparsity},
    refit=sparsest_within_one_std,
    cv=3,
).fit(X_train, y_train)

results = pd.DataFrame(search.cv_results_)[
    [
        "param_prunedmlpclassifier__weight_threshold",
        "mean_test_accuracy",
        "std_test_accuracy",
        "mean_test_sparsity",
    ]
].rename(columns=lambda name: name.replace("prunedmlpclassifier__", ""))
results  # noqa: B018 (the gallery renders the last expression as a table)

# %%
# The refitted model
# ------------------
# ``best_estimator_`` is the pipeline refitted on the whole training set with
# the chosen threshold.
chosen = search.best_params_["prunedmlpclassifier__weight_threshold"]
clf = search.best_estimator_[-1]
print(
    f"weight_threshold={chosen}: test accuracy "
    f"{search.best_estimator_.score(X_test, y_test):.4f} with {clf.sparsity_:.1%} of the weights "
    f"pruned (hidden layer {clf.hidden_layer_sizes_})"
)

# %%
# Accuracy and sparsity against the threshold
# -------------------------------------------
fig, ax = plt.subplots(figsize=(6, 3.8), layout="constrained")
thresholds = results["param_weight_threshold"].astype(float)
ax.errorbar(
    thresholds,
    results["mean_test_accuracy"],
    results["std_test_accuracy"],
    marker="o",
    capsize=3,
    label="accuracy (3-fold CV)",
)
ax.plot(thresholds, results["mean_test_sparsity"], "s--", label="sparsity")
ax.axvline(chosen, color="0.6", linestyle=":", label="refitted threshold")
ax.set(xlabel="weight_threshold θ", ylim=(0, 1.02))
ax.legend(loc="lower left")
plt.show()
