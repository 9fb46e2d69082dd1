"""
=================================================
Choose the sparsity by cross-validation
=================================================

:class:`~skprune.PrunedMLPClassifierCV` chooses the ``sparsity`` the way
:class:`~sklearn.linear_model.LassoCV` chooses the Lasso's ``alpha``: on every
fold, one gradual pruning run to the highest level scores each level on the
held-out part, the level with the best mean score is chosen, and a model at
that level is refitted on all the training data. A
:class:`~sklearn.model_selection.GridSearchCV` over ``sparsity`` would fit one
model per level and fold instead.

``selection_rule='one-standard-error'`` chooses the sparsest level whose
mean score is within one standard error of the best: a smaller model for a
score within the noise of the folds.
"""

# %%
# The CV estimator in a pipeline
# ------------------------------
# It takes every parameter of :class:`~skprune.PrunedMLPClassifier` but
# ``sparsity``: the levels to compare go in ``sparsities``.
import time

import matplotlib.pyplot as plt
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skprune import PrunedMLPClassifierCV, PruningCurveDisplay

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)

levels = [0.5, 0.8, 0.9, 0.95, 0.98]
start = time.process_time()
model = make_pipeline(
    StandardScaler(),
    PrunedMLPClassifierCV(sparsities=levels, cv=3, random_state=0),
).fit(X_train, y_train)
cv_time = time.process_time() - start
search = model[-1]
print(f"chosen level: {search.best_sparsity_} (the refit reached {search.sparsity_:.3f})")
print(f"test accuracy of the refitted model: {model.score(X_test, y_test):.4f}")
print(f"CPU time, 3 folds x 5 levels and the refit: {cv_time:.1f} s")

# %%
# What each level scored
# ----------------------
# ``cv_results_`` has :class:`~sklearn.model_selection.GridSearchCV`'s keys,
# plus the stored weights of each level's models.
columns = ["param_sparsity", "mean_test_score", "std_test_score", "rank_test_score"]
print(pd.DataFrame(search.cv_results_)[columns].to_string(index=False))

# %%
# The curve, with the chosen level marked
# ---------------------------------------
fig, ax = plt.subplots(figsize=(6.4, 4.2), layout="constrained")
PruningCurveDisplay.from_cv_results(search, ax=ax)
ax.set_title("digits, 3-fold cross-validation")
plt.show()

# %%
# A smaller model within the noise of the folds
# ---------------------------------------------
# The one-standard-error rule (Breiman et al., 1984) chooses the sparsest
# level whose mean score is at least the best mean minus the best level's
# standard error over the folds. Changing the rule refits the search; on
# these folds the levels within that margin are printed first.
results = pd.DataFrame(search.cv_results_)
best = results["rank_test_score"].idxmin()
margin = results.loc[best, "std_test_score"] / 3**0.5
within = results["mean_test_score"] >= results.loc[best, "mean_test_score"] - margin
print(f"levels within one standard error ({margin:.4f}) of the best: "
      f"{list(results.loc[within, 'param_sparsity'])}")

model.set_params(prunedmlpclassifiercv__selection_rule="one-standard-error")
model.fit(X_train, y_train)
print(
    f"one-standard-error rule: level {model[-1].best_sparsity_}, "
    f"{sum(W.nnz for W in model[-1].coefs_)} weights stored, "
    f"test accuracy {model.score(X_test, y_test):.4f}"
)
