"""Pruned multi-layer perceptrons that are really smaller and faster, as scikit-learn estimators."""

from ._classifier import PrunedMLPClassifier
from ._plot import PruningCurveDisplay
from ._regressor import PrunedMLPRegressor

__version__ = "0.1.0"

__all__ = [
    "PrunedMLPClassifier",
    "PrunedMLPRegressor",
    "PruningCurveDisplay",
    "__version__",
]
