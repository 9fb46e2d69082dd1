"""Pruned multi-layer perceptrons that are really smaller (and, sparse enough, faster), as scikit-learn estimators."""

import sys

from . import _prune
from ._classifier import PrunedMLPClassifier
from ._cv import PrunedMLPClassifierCV, PrunedMLPRegressorCV
from ._net.inference import InconsistentVersionWarning
from ._path import pruning_path
from ._plot import PruningCurveDisplay
from ._prune.criteria import (
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
from ._prune.step import PruningCollapseWarning
from ._regressor import PrunedMLPRegressor
from ._report import compression_report, format_report
from ._version import __version__

# Files saved before the modules were grouped by layer name the criteria's
# old module; pickle, joblib and skops find it here.
sys.modules.setdefault(__name__ + "._criteria", _prune.criteria)

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
