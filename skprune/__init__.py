"""Pruned multi-layer perceptrons that are really smaller and faster, as scikit-learn estimators."""

from ._classifier import PrunedMLPClassifier
from ._criteria import (
    ActivationCriterion,
    EntropyCriterion,
    MagnitudeCriterion,
    NeuronCriterion,
    NeuronTaylorCriterion,
    OBDCriterion,
    PruningState,
    RandomCriterion,
    RandomNeuronCriterion,
    TaylorCriterion,
    VarianceCriterion,
    WeightCriterion,
)
from ._cv import PrunedMLPClassifierCV, PrunedMLPRegressorCV
from ._inference import InconsistentVersionWarning
from ._path import pruning_path
from ._plot import PruningCurveDisplay
from ._pruning import PruningCollapseWarning
from ._regressor import PrunedMLPRegressor
from ._report import compression_report, format_report

__version__ = "0.2.0"

__all__ = [
    "ActivationCriterion",
    "EntropyCriterion",
    "InconsistentVersionWarning",
    "MagnitudeCriterion",
    "NeuronCriterion",
    "NeuronTaylorCriterion",
    "OBDCriterion",
    "PrunedMLPClassifier",
    "PrunedMLPClassifierCV",
    "PrunedMLPRegressor",
    "PrunedMLPRegressorCV",
    "PruningCollapseWarning",
    "PruningCurveDisplay",
    "PruningState",
    "RandomCriterion",
    "RandomNeuronCriterion",
    "TaylorCriterion",
    "VarianceCriterion",
    "WeightCriterion",
    "__version__",
    "compression_report",
    "format_report",
    "pruning_path",
]
