"""Every public entry point validates its parameters as ``fit`` does, before any work.

``fit`` of the four estimators, ``from_mlp``, :func:`~skprune.pruning_path`,
:meth:`~skprune.PruningCurveDisplay.from_estimator`, the command line and
:func:`~skprune.compression_report`: a bad value of any parameter is refused
with scikit-learn's ``InvalidParameterError`` and the message ``fit`` gives
(the command line says the option's name, with exit status 2), and no
training starts (``_fit`` is replaced by a function that fails the test).
"""

import contextlib
import io
import warnings

import numpy as np
import pytest
from _strategies import bad_parameter, examples
from hypothesis import given
from hypothesis import strategies as st
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from skprune import (
    PrunedMLPClassifier,
    PrunedMLPClassifierCV,
    PrunedMLPRegressor,
    PrunedMLPRegressorCV,
    PruningCurveDisplay,
    compression_report,
    pruning_path,
)
from skprune._base import BasePrunedMLP
from skprune._cli import estimator_options, main

RNG = np.random.default_rng(0)
X = RNG.normal(size=(30, 4))
Y = np.arange(30) % 3
ESTIMATORS = (PrunedMLPClassifier, PrunedMLPRegressor, PrunedMLPClassifierCV,
              PrunedMLPRegressorCV)

#: Values the generic constraints' draws miss, each refused by fit.
EXTRA = {
    "solver": ["bogus"], "criterion": ["nope"], "sparsity": [2.0, True],
    "weight_bits": [True, 0], "sparsities": [True, None, 0],
    "scoring": ["bogus", ["accuracy"], {"a": "accuracy"}], "refit": [lambda r: 0, "accuracy"],
}


class WorkStarted(AssertionError):
    pass


@pytest.fixture(autouse=True, scope="module")
def no_training():
    """Training of any estimator fails the test: validation must come first."""
    def refuse(*args, **kwargs):
        raise WorkStarted("training started before the parameters were validated")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BasePrunedMLP, "_fit", refuse)
        yield


_MLP = {}


def _mlp():
    if not _MLP:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _MLP["mlp"] = MLPClassifier((4,), max_iter=5, random_state=0).fit(X, Y)
    return _MLP["mlp"]


def _refusal(call):
    """``(type, message)`` of what ``call`` raised; a refusal is never training."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            call()
        except WorkStarted:
            raise
        except Exception as exc:  # noqa: BLE001 -- compared below
            return type(exc), str(exc)
    raise AssertionError("accepted")


def _y(Estimator):
    return Y.astype(float) if "Regressor" in Estimator.__name__ else Y


def _of_fit(Estimator, name, value):
    refused = _refusal(lambda: Estimator(**{name: value}).fit(X, _y(Estimator)))
    assert refused[0] is InvalidParameterError, (name, value, refused)
    assert refused[1].startswith("The %r parameter of %s must be"
                                 % (name, Estimator.__name__)), refused
    return refused


@given(st.sampled_from(ESTIMATORS).flatmap(
    lambda E: st.tuples(st.just(E), bad_parameter(E._parameter_constraints, EXTRA))))
@examples(0.25)
def test_fit_refuses_before_training(drawn):
    Estimator, (name, value) = drawn
    _of_fit(Estimator, name, value)


@given(bad_parameter(PrunedMLPClassifier._parameter_constraints, EXTRA))
@examples(0.15)
def test_from_mlp_pruning_path_and_the_curve_refuse_as_fit(drawn):
    name, value = drawn
    expected = _of_fit(PrunedMLPClassifier, name, value)
    if name not in ("hidden_layer_sizes", "activation", "warm_start"):
        # (from_mlp keeps those three of the fitted network: see test_from_mlp)
        assert _refusal(lambda: PrunedMLPClassifier.from_mlp(_mlp(), **{name: value})) \
            == expected
    if name != "sparsity":  # the path's levels replace it
        assert _refusal(lambda: pruning_path(PrunedMLPClassifier(**{name: value}), X, Y,
                                             [0.5])) == expected
    pytest.importorskip("matplotlib")
    swept = "neuron_sparsity" if name == "sparsity" else "sparsity"
    assert _refusal(lambda: PruningCurveDisplay.from_estimator(
        PrunedMLPClassifier(**{name: value}), X, Y, param_name=swept,
        param_range=[0.5], cv=2)) == expected


#: Each argument of the functions themselves, with values they refuse.
OWN = {
    "pruning_path": (
        lambda **kw: pruning_path(PrunedMLPClassifier(), X, Y, **{"sparsities": [0.5], **kw}),
        {"sparsities": [None, True, 3.0], "sample_weight": ["w", 1.0],
         "finetune_iter": [-1, "auto", 1.5]},
    ),
    "PruningCurveDisplay.from_estimator": (
        lambda **kw: PruningCurveDisplay.from_estimator(**{
            "estimator": PrunedMLPClassifier(), "X": X, "y": Y, "param_name": "sparsity",
            "param_range": [0.5], **kw}),
        {"cv": ["bogus", 1.5], "scoring": ["bogus", 3], "n_jobs": ["all", 1.5],
         "unpruned": ["yes", None], "fit_params": [[("sample_weight", 1)]],
         "score_type": ["bogus"], "std_display_style": ["bars"], "negate_score": ["no"],
         "param_name": [3], "param_range": [None, True], "groups": [5], "label": [3],
         "estimator": [object()]},
    ),
}


@pytest.mark.parametrize("function", sorted(OWN))
def test_own_arguments_are_refused_with_scikit_learns_message(function):
    pytest.importorskip("matplotlib")
    call, bad = OWN[function]
    for name, values in bad.items():
        for value in values:
            refused = _refusal(lambda n=name, v=value: call(**{n: v}))
            assert refused[0] is InvalidParameterError, (name, value, refused)
            assert refused[1].startswith("The %r parameter of %s must be"
                                         % (name, function)), refused


def test_a_bad_estimator_parameter_is_not_blamed_on_the_swept_value():
    pytest.importorskip("matplotlib")
    refused = _refusal(lambda: PruningCurveDisplay.from_estimator(
        make_pipeline(StandardScaler(), PrunedMLPClassifier(alpha=-1.0)), X, Y,
        param_name="sparsity", param_range=[0.5, 2.0]))
    assert refused[0] is InvalidParameterError
    assert refused[1].startswith("The 'alpha' parameter of PrunedMLPClassifier must be")
    refused = _refusal(lambda: PruningCurveDisplay.from_estimator(
        PrunedMLPClassifier(), X, Y, param_name="sparsity", param_range=[0.5, 2.0]))
    assert refused[0] is InvalidParameterError
    assert refused[1].startswith("param_range[1]=2.0 is not a valid value: The 'sparsity'")


def _cli(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(argv)
        except SystemExit as exc:  # argparse's own refusals
            status = exc.code
    return status, err.getvalue()


_OPTIONS = estimator_options()
_CLI_BAD = {
    name: [v for v in values if isinstance(v, (int, float, str)) and not isinstance(v, bool)]
    for name, values in ((n, [-1, 0, 1.5, 9, "bogus", "2.0", "-0.5", "1e9"])
                         for n in _OPTIONS)
}


@given(st.sampled_from(sorted(_OPTIONS)).flatmap(
    lambda name: st.tuples(st.just(name), st.sampled_from(_CLI_BAD[name]))))
@examples(0.1)
def test_the_command_line_refuses_as_fit_with_the_options_name(drawn):
    name, text = drawn
    option = "--" + name.replace("_", "-")
    _, _, convert, choices = _OPTIONS[name]
    try:
        value = convert(str(text))
        if choices is not None and value not in choices:
            raise ValueError(value)
    except Exception:  # noqa: BLE001 -- argparse refuses it: status 2, the option named
        value = None
    else:
        params = {name: value}
        try:
            PrunedMLPClassifier(**params)._validate_params()
        except InvalidParameterError as exc:
            expected = str(exc).replace("The %r parameter of PrunedMLPClassifier" % name,
                                        "option " + option)
        else:
            return  # a valid value: nothing to refuse
    status, err = _cli([option, str(text), "-q", "--no-dense"])
    assert status == 2, (option, text, err)
    assert option in err, err
    if value is not None:
        assert expected in err, (expected, err)


class _Fitted(BaseEstimator):
    coefs_ = None


@pytest.mark.parametrize("bad, error, match", [
    (object(), TypeError, "compression_report reads a PrunedMLPClassifier"),
    (StandardScaler(), TypeError, "got StandardScaler"),
    (_Fitted(), TypeError, "got _Fitted"),
    (make_pipeline(StandardScaler()), TypeError, "whose last step is StandardScaler"),
    (PrunedMLPClassifier(), NotFittedError, "is not fitted yet"),
    (PrunedMLPClassifierCV(), NotFittedError, "is not fitted yet"),
])
def test_compression_report_refuses_what_it_cannot_read(bad, error, match):
    with pytest.raises(error, match=match):
        compression_report(bad)
