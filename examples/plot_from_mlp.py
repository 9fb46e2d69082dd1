"""
=================================================
Prune an MLPClassifier you have already fitted
=================================================

:meth:`PrunedMLPClassifier.from_mlp <skprune.PrunedMLPClassifier.from_mlp>`
builds a pruned estimator that carries a fitted scikit-learn
:class:`~sklearn.neural_network.MLPClassifier`'s network -- weights,
architecture, activation and classes -- and its ``fit`` prunes and retrains
that network on your data instead of training a new one from scratch.
:meth:`PrunedMLPRegressor.from_mlp <skprune.PrunedMLPRegressor.from_mlp>`
does the same for :class:`~sklearn.neural_network.MLPRegressor`.
"""

# %%
# The MLP to prune
# ----------------
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from skprune import PrunedMLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)

pipe = make_pipeline(StandardScaler(), MLPClassifier(random_state=0)).fit(X_train, y_train)
print(f"MLPClassifier(): test accuracy {pipe.score(X_test, y_test):.4f}")

# %%
# Start from its network
# ----------------------
# Before its ``fit``, the estimator ``from_mlp`` returns is the same network,
# unpruned: it predicts exactly what the MLP predicts.
pruned = PrunedMLPClassifier.from_mlp(pipe[-1], sparsity=0.9, random_state=0)
Z_train, Z_test = pipe[:-1].transform(X_train), pipe[:-1].transform(X_test)
same = np.array_equal(pruned.predict_proba(Z_test), pipe[-1].predict_proba(Z_test))
print(f"same probabilities as the MLP before pruning: {same}")

# %%
# Prune and retrain it
# --------------------
# ``fit`` runs the usual recipe from the MLP's weights: training, gradual
# pruning to ``sparsity`` with retraining after each step, a fine-tune. The
# pipeline's transformers are fitted already, so the pruned step is fitted on
# transformed data and put back in their place.
start = time.process_time()
pruned.fit(Z_train, y_train)
from_mlp_time = time.process_time() - start
small = Pipeline(pipe.steps[:-1] + [("pruned", pruned)])

start = time.process_time()
scratch = make_pipeline(
    StandardScaler(), PrunedMLPClassifier(sparsity=0.9, random_state=0)
).fit(X_train, y_train)
scratch_time = time.process_time() - start

for label, model, seconds in [("from_mlp", small, from_mlp_time),
                              ("from scratch", scratch, scratch_time)]:
    print(
        f"{label:>12}: test accuracy {model.score(X_test, y_test):.4f}, "
        f"sparsity_ {model[-1].sparsity_:.3f}, hidden layers {model[-1].hidden_layer_sizes_}, "
        f"fit {seconds:.2f} s of CPU"
    )

# %%
# What is kept and what is not: the weights, hidden layer sizes, activation,
# classes and feature names come from the MLP; its solver state, loss curve
# and iteration counts do not (``loss_curve_`` starts with the pruning fit).
# :func:`~sklearn.base.clone` keeps only the parameters, so a grid search
# over the result of ``from_mlp`` fits from scratch.
