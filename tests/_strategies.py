"""Hypothesis strategies for skprune's property tests: data sets and estimator parameters.

Data are generated from a drawn seed with numpy rather than element by element:
a 200 x 50 array drawn value by value would make every example slow and the
search would spend its budget on float noise. Hypothesis still shrinks the
shape, the layout, the dtype, the format and the seed, which is what a
counterexample needs to be readable.

Parameters are assembled from independent dimensions, one strategy per
estimator parameter in :data:`PARAMETERS`, so that a new parameter is one more
line there. The pruning schedule is kept in :data:`SCHEDULES` with its number of
steps, so that a new schedule is one more entry there, not a change to the tests.
"""

import numpy as np
import scipy.sparse as sp
from hypothesis import settings
from hypothesis import strategies as st

#: Dtypes of X that users pass; ints are converted to float64 by ``fit``.
DTYPES = ("float64", "float32", "int64", "int32")

#: How the columns of X are made (see :func:`classification_data`).
LAYOUTS = ("blobs", "gaussian", "constant", "duplicated_rows", "mostly_zero")

#: Magnitudes of X, the ones from the issue's divergence list included.
SCALES = (1.0, 1e-6, 1e6)

#: Sample-weight kinds; "zeros" gives some rows weight 0, which can hide a class.
SAMPLE_WEIGHTS = (None, "uniform", "zeros", "integers")


def examples(share):
    """Settings giving a property test ``share`` of the profile's example budget.

    The profile (``SKPRUNE_HYPOTHESIS_PROFILE``, see ``tests/conftest.py``)
    sets ``max_examples`` for the main test; the others run a fixed fraction
    of it, so a longer profile lengthens every property test alike.
    """
    return settings(max_examples=max(1, round(share * settings.default.max_examples)))


def _features(draw, rng, signal, scales):
    """X around ``signal`` (n_samples x n_features) in a drawn layout, scale, dtype and format."""
    n_samples, n_features = signal.shape
    layout = draw(st.sampled_from(LAYOUTS))
    dtype = draw(st.sampled_from(DTYPES))
    scale = draw(st.sampled_from(scales))
    fmt = draw(st.sampled_from(("dense", "csr", "csc")))
    noise = rng.normal(size=(n_samples, n_features))
    if layout == "blobs":
        X = signal + noise
    elif layout == "gaussian":
        X = noise
    elif layout == "constant":
        X = signal + noise
        X[:, rng.random(n_features) < 0.5] = rng.normal()
    elif layout == "duplicated_rows":
        X = (signal + noise)[rng.integers(max(1, n_samples // 3), size=n_samples)]
    else:  # mostly_zero: what sparse inputs usually look like
        X = (signal + noise) * (rng.random((n_samples, n_features)) < 0.1)
    X = X * scale
    if dtype.startswith("int"):
        X = np.round(X)
    X = X.astype(dtype)
    if fmt != "dense":
        X = {"csr": sp.csr_array, "csc": sp.csc_matrix}[fmt](X)
    return X


def _sample_weight(draw, rng, n_samples, kinds, n_protected=0):
    """Sample weights of a drawn kind; the first ``n_protected`` rows keep weight 1."""
    kind = draw(st.sampled_from(kinds))
    if kind is None:
        return None
    if kind == "uniform":
        return rng.uniform(0.1, 3.0, n_samples)
    if kind == "integers":
        return rng.integers(1, 4, n_samples)
    sample_weight = rng.uniform(0.1, 3.0, n_samples) * (rng.random(n_samples) < 0.7)
    sample_weight[:n_protected] = 1.0
    return sample_weight


@st.composite
def classification_data(
    draw,
    *,
    min_samples=1,
    max_samples=200,
    max_features=50,
    tasks=("binary", "multiclass", "multilabel"),
    sample_weights=SAMPLE_WEIGHTS,
    scales=SCALES,
    all_classes=False,
):
    """Draw ``(X, y, sample_weight)`` for a classifier.

    With ``all_classes=True`` every class (every label value of a multilabel
    target) appears with positive weight, so ``fit`` has no reason to refuse.
    """
    # Two samples are the fewest that can hold two classes.
    n_samples = draw(st.integers(max(min_samples, 2 if all_classes else 1), max_samples))
    n_features = draw(st.integers(1, max_features))
    task = draw(st.sampled_from(tasks))
    n_classes = 2 if task == "binary" else draw(st.integers(2, 6))
    labels = draw(st.sampled_from(("int", "str", "negative")))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))

    if task == "multilabel":
        Y = rng.random((n_samples, n_classes)) < 0.5
        if all_classes and n_samples >= 2:
            Y[0], Y[1] = True, False
        centers = rng.normal(scale=2.0, size=(n_classes, n_features))
        signal = (Y.astype(float) @ centers) / n_classes
        y = Y.astype(int)
    else:
        y = rng.integers(n_classes, size=n_samples)
        if all_classes:
            y[: min(n_classes, n_samples)] = np.arange(min(n_classes, n_samples))
        centers = rng.normal(scale=2.0, size=(n_classes, n_features))
        signal = centers[y]
        y = {
            "int": y,
            "str": np.array(["c%d" % k for k in range(n_classes)])[y],
            "negative": y - n_classes // 2,
        }[labels]
    X = _features(draw, rng, signal, scales)
    n_protected = min(n_classes, n_samples) if all_classes else 0
    return X, y, _sample_weight(draw, rng, n_samples, sample_weights, n_protected)


@st.composite
def regression_data(
    draw,
    *,
    max_samples=200,
    max_features=50,
    sample_weights=SAMPLE_WEIGHTS,
    scales=SCALES,
    target_scales=(1.0, 1e3),
):
    """Draw ``(X, y, sample_weight)`` for a regressor: one to three targets, linear plus noise."""
    n_samples = draw(st.integers(1, max_samples))
    n_features = draw(st.integers(1, max_features))
    n_targets = draw(st.integers(1, 3))
    target_scale = draw(st.sampled_from(target_scales))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    signal = rng.normal(size=(n_samples, n_features))
    y = signal @ rng.normal(size=(n_features, n_targets)) / np.sqrt(n_features)
    y = (y + 0.1 * rng.normal(size=y.shape)) * target_scale
    X = _features(draw, rng, signal, scales)
    y = y.ravel() if n_targets == 1 else y
    return X, y, _sample_weight(draw, rng, n_samples, sample_weights)


def _linear(step, n_steps, final_sparsity):
    """A user-supplied schedule (a plain function), to test that path too."""
    return final_sparsity * step / n_steps


def _steps(low, high):
    return lambda draw: {"n_prune_steps": draw(st.integers(low, high))}


#: Pruning schedules: the ``schedule`` value and how many steps to draw for it.
#: Add an entry here when ``schedule=`` gains an option.
SCHEDULES = {
    "one-shot": ("one-shot", _steps(1, 2)),
    "gradual-cubic": ("gradual", _steps(2, 4)),
    "iterative": ("iterative", _steps(1, 3)),
    "callable": (_linear, _steps(1, 3)),
}


@st.composite
def schedules(draw, names=tuple(SCHEDULES)):
    value, steps = SCHEDULES[draw(st.sampled_from(names))]
    return {"schedule": value, **steps(draw)}


@st.composite
def thresholds(draw):
    """A pruning threshold: zero, typical, or far above every weight."""
    return draw(
        st.sampled_from((0.0, 1e-3, 0.01, 0.1, 0.5, 100.0))
        | st.floats(0.0, 1.0, allow_subnormal=False)
    )


def _fractions():
    return st.none() | st.sampled_from((0.0, 0.5, 0.9, 0.999)) | st.floats(0.0, 0.99)


def _weight_criteria():
    from skprune import MagnitudeCriterion, OBDCriterion

    return st.sampled_from(("magnitude", "taylor", "obd", "random")) | st.sampled_from(
        (MagnitudeCriterion(), OBDCriterion())
    )


def _neuron_criteria():
    from skprune import EntropyCriterion

    return st.sampled_from(("activation", "entropy", "variance", "taylor", "random")) | (
        st.integers(2, 64).map(lambda n: EntropyCriterion(n_bins=n))
    )


#: One strategy per estimator parameter: adding a parameter to the draws is
#: one line here (``solver`` and its options go here too).
PARAMETERS = {
    "hidden_layer_sizes": lambda: st.lists(st.integers(1, 8), min_size=1, max_size=3).map(
        tuple
    ),
    "activation": lambda: st.sampled_from(("identity", "logistic", "tanh", "relu")),
    "solver": lambda: st.sampled_from(("gd", "adam", "lbfgs")),
    "retrain_solver": lambda: st.sampled_from(("auto", "gd", "adam", "lbfgs")),
    "beta_1": lambda: st.sampled_from((0.0, 0.9, 0.99)),
    "beta_2": lambda: st.sampled_from((0.0, 0.999)),
    "epsilon": lambda: st.sampled_from((1e-8, 1.0)),
    "max_fun": lambda: st.integers(1, 30),
    "alpha": lambda: st.sampled_from((0.0, 1e-4, 1.0)),
    "learning_rate": lambda: st.sampled_from(("constant", "invscaling", "adaptive")),
    "learning_rate_init": lambda: st.sampled_from(("auto", 1e-3, 0.1, 1.0, 100.0, 1e6)),
    "momentum": lambda: st.sampled_from((0.0, 0.5, 0.9, 1.0)),
    "nesterovs_momentum": st.booleans,
    "max_iter": lambda: st.integers(1, 15),
    "n_iter_no_change": lambda: st.integers(1, 5) | st.just(float("inf")),
    "weight_threshold": lambda: st.just("auto") | thresholds(),
    "neuron_threshold": lambda: st.just("auto") | thresholds(),
    "sparsity": _fractions,
    "criterion": _weight_criteria,
    "neuron_criterion": _neuron_criteria,
    "neuron_sparsity": lambda: st.none() | st.sampled_from((0.0, 0.5, 0.9)),
    "prune_scope": lambda: st.sampled_from(("layer", "global")),
    "min_layer_density": lambda: st.sampled_from((0.0, 0.01, 0.5, 1.0)),
    "retrain_iter": lambda: st.integers(0, 5),
    "finetune_iter": lambda: st.sampled_from((None, "auto")) | st.integers(0, 5),
    "rewind": st.booleans,
    "l1_alpha": lambda: st.sampled_from((0.0, 1e-3, 1.0, 100.0)),
    "weight_bits": lambda: st.none() | st.integers(1, 8),
    "random_state": lambda: st.integers(0, 2**16),
}


@st.composite
def estimator_params(
    draw,
    *,
    schedule_names=tuple(SCHEDULES),
    early_stopping=(False, True),
    sparsity=True,
    fixed=None,
):
    """Keyword arguments for :class:`~skprune.PrunedMLPClassifier`.

    Every parameter of :data:`PARAMETERS` is drawn, then the schedule; ``fixed``
    pins some of them. Networks and iteration counts are tiny: the properties
    are about what any fit produces, not about accuracy, and thousands of fits
    must run in CI.
    """
    fixed = dict(fixed or {})
    if not sparsity:
        fixed.update(sparsity=None, neuron_sparsity=None)
    params = {
        name: fixed[name] if name in fixed else draw(strategy())
        for name, strategy in PARAMETERS.items()
    }
    params["early_stopping"] = draw(st.sampled_from(early_stopping))
    params.update(draw(schedules(schedule_names)))
    return params


class NotAParameter:
    """A value of no type any parameter accepts."""

    def __repr__(self):
        return "NotAParameter()"


def bad_values(constraints):
    """Values that break every constraint of one parameter.

    A foreign object, and scikit-learn's own invalid value for each
    constraint (just outside an interval, a string not among the options).
    """
    from sklearn.utils._param_validation import (
        generate_invalid_param_val,
        make_constraint,
    )

    constraints = [make_constraint(c) for c in constraints]
    values = [NotAParameter()]
    for constraint in constraints:
        try:
            values.append(generate_invalid_param_val(constraint))
        except NotImplementedError:
            continue
    return [v for v in values if not any(c.is_satisfied_by(v) for c in constraints)]


@st.composite
def bad_parameter(draw, constraints, extra=None):
    """``(name, value)``: a parameter of ``constraints`` and a value none of its rules take.

    ``extra`` maps parameter names to more bad values to draw from.
    """
    extra = extra or {}
    name = draw(st.sampled_from(sorted(constraints)))
    values = bad_values(constraints[name]) + list(extra.get(name, ()))
    return name, draw(st.sampled_from(values))
