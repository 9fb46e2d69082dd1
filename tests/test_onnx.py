"""ONNX export: onnxruntime predicts what skprune predicts, from a smaller file."""

import os
import tempfile
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skprune import PrunedMLPClassifier, PrunedMLPRegressor

skl2onnx = pytest.importorskip("skl2onnx")
ort = pytest.importorskip("onnxruntime")
onnx = pytest.importorskip("onnx")

import skprune.onnx  # noqa: E402

skprune.onnx.register()

TOL = {np.float32: 1e-5, np.float64: 1e-12}


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:500], y[:500]


def _fit(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return make_pipeline(StandardScaler(), model).fit(X, y)


def _session(onx):
    onnx.checker.check_model(onx)
    return ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )


def _run(onx, X):
    session = _session(onx)
    return session.run(None, {session.get_inputs()[0].name: X})


CLASSIFIERS = [
    dict(hidden_layer_sizes=(64, 32), sparsity=0.9, activation="relu"),
    dict(hidden_layer_sizes=(40,), sparsity=0.5, activation="tanh"),
    dict(hidden_layer_sizes=(48, 24), sparsity=0.97, activation="logistic"),
    dict(hidden_layer_sizes=(37,), neuron_threshold=0.3, activation="identity"),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("params", CLASSIFIERS)
@pytest.mark.parametrize("target", ["multiclass", "binary", "strings"])
def test_classifier_labels_and_probabilities(digits, dtype, params, target):
    X, y = digits
    X = X.astype(dtype)
    if target == "binary":
        y = y % 2
    elif target == "strings":
        y = np.array(["c%d" % (v % 3) for v in y])
    pipe = _fit(PrunedMLPClassifier(max_iter=40, random_state=0, **params), X, y)
    onx = skl2onnx.to_onnx(pipe, X[:1], options={"zipmap": False})
    labels, proba = _run(onx, X)
    np.testing.assert_allclose(proba, pipe.predict_proba(X), atol=TOL[dtype])
    assert proba.dtype == dtype
    # A label may differ only where two probabilities tie within rounding.
    expected = pipe.predict(X)
    differ = labels != expected
    top2 = np.sort(pipe.predict_proba(X), axis=1)[:, -2:]
    assert np.all(np.abs(top2[differ, 1] - top2[differ, 0]) < 1e-5)
    # Removed neurons are gone from the graph.
    net = pipe[-1]
    if net.hidden_layer_sizes_[0] < net.hidden_layer_sizes[0]:
        assert _matmul_widths(onx) == [*net.hidden_layer_sizes_, net.n_outputs_]


def _matmul_widths(onx):
    """Output width of every product, read off the graph onnxruntime optimised.

    onnxruntime folds the nodes that expand masked weights once, when the
    session is created: afterwards every weight is a plain initializer.
    """
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    with tempfile.TemporaryDirectory() as tmp:
        options.optimized_model_filepath = os.path.join(tmp, "optimized.onnx")
        ort.InferenceSession(
            onx.SerializeToString(), options, providers=["CPUExecutionProvider"]
        )
        graph = onnx.load(options.optimized_model_filepath).graph
    assert not {"CumSum", "Where"} & {n.op_type for n in graph.node}
    dims = {t.name: list(t.dims) for t in graph.initializer}
    dims.update({t.values.name: list(t.dims) for t in graph.sparse_initializer})
    return [
        dims[n.input[1]][-1] for n in graph.node if n.op_type in ("MatMul", "Gemm")
    ]


def test_classifier_zipmap_default(digits):
    X, y = digits
    X = X.astype(np.float32)
    pipe = _fit(PrunedMLPClassifier((32,), max_iter=30, random_state=0), X, y)
    onx = skl2onnx.to_onnx(pipe, X[:1])
    labels, proba = _run(onx, X[:5])
    assert isinstance(proba[0], dict) and set(proba[0]) == set(range(10))
    np.testing.assert_array_equal(labels, pipe.predict(X[:5]))


@pytest.mark.parametrize(
    "classes, options",
    [
        ("binary", None), ("integers", None), ("strings", None),
        ("integers", {"zipmap": True}), ("strings", {"zipmap": True}),
        # String labels with nocl fail in float32 too, as scikit-learn's MLP.
        ("binary", {"nocl": True}), ("integers", {"nocl": True}),
    ],
)
def test_float64_with_zipmap_loads_and_predicts(digits, classes, options):
    # ONNX's ZipMap takes float32 only: the float64 graph casts the
    # probabilities to float32 before it, and takes the labels before the cast.
    X, y = digits
    names = np.array(["zero", "one", "two", "three", "four", "five", "six", "seven",
                      "eight", "nine"])
    y = {"binary": y % 2, "integers": y, "strings": names[y]}[classes]
    pipe = _fit(PrunedMLPClassifier((32,), sparsity=0.8, max_iter=30, random_state=0), X, y)
    X = X.astype(np.float64)
    labels, proba = _run(skl2onnx.to_onnx(pipe, X[:1], options=options), X)
    keys = range(len(pipe.classes_)) if options == {"nocl": True} else pipe.classes_
    assert [list(p) for p in proba[:3]] == [list(keys)] * 3
    ours = pipe.predict_proba(X)
    np.testing.assert_allclose(
        [[p[k] for k in keys] for p in proba], ours, rtol=1e-6, atol=1e-7
    )
    np.testing.assert_array_equal(labels, pipe.predict(X))
    # Without ZipMap the probabilities stay float64.
    _, exact = _run(skl2onnx.to_onnx(pipe, X[:1], options={"zipmap": False}), X)
    assert exact.dtype == np.float64
    np.testing.assert_allclose(exact, ours, rtol=TOL[np.float64], atol=1e-15)


def test_multilabel_classifier(digits):
    X, y = digits
    X = X.astype(np.float32)
    Y = np.stack([y % 2, y > 4, y % 3 == 0], axis=1).astype(int)
    pipe = _fit(
        PrunedMLPClassifier((32,), sparsity=0.8, max_iter=40, random_state=0), X, Y
    )
    onx = skl2onnx.to_onnx(pipe, X[:1])
    labels, proba = _run(onx, X)
    np.testing.assert_allclose(proba, pipe.predict_proba(X), atol=1e-5)
    far = np.abs(pipe.predict_proba(X) - 0.5) > 1e-5
    np.testing.assert_array_equal(labels[far], pipe.predict(X)[far])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "params",
    [
        dict(hidden_layer_sizes=(32,), sparsity=0.95, activation="tanh"),
        dict(hidden_layer_sizes=(40, 20), sparsity=0.5, activation="relu"),
        dict(hidden_layer_sizes=(24,), neuron_threshold=0.1, activation="logistic"),
    ],
)
@pytest.mark.parametrize("n_outputs", [1, 2])
def test_regressor(digits, dtype, params, n_outputs):
    X, _ = digits
    X = X.astype(dtype)
    y = np.c_[X[:, 20], X[:, 43]] / 16 if n_outputs == 2 else X[:, 20] / 16
    pipe = _fit(PrunedMLPRegressor(max_iter=40, random_state=0, **params), X, y)
    (out,) = _run(skl2onnx.to_onnx(pipe, X[:1]), X)
    assert out.shape == (len(X), n_outputs) and out.dtype == dtype
    np.testing.assert_allclose(
        out, pipe.predict(X).reshape(len(X), -1), atol=TOL[dtype]
    )


def test_pruned_file_is_smaller_than_dense(digits):
    """At 90 % sparsity the pruned weights are stored compactly, not densely."""
    X, y = digits
    X = X.astype(np.float32)
    sizes = {}
    for s in (0.0, 0.9):
        pipe = _fit(
            PrunedMLPClassifier(
                (200, 100),
                sparsity=s,
                weight_threshold=0,
                neuron_threshold=0,
                max_iter=5,
                retrain_iter=0,
                random_state=0,
            ),
            X,
            y,
        )
        onx = skl2onnx.to_onnx(pipe, X[:1], options={"zipmap": False})
        sizes[s] = len(onx.SerializeToString())
        _run(onx, X[:3])
    assert sizes[0.9] < 0.25 * sizes[0.0]


def test_weight_forms():
    import scipy.sparse as sp

    from skprune._onnx import weight_form

    dense = sp.random_array((300, 100), density=0.99, rng=0)
    masked = sp.random_array((300, 100), density=0.1, rng=0)
    sparse = sp.random_array((300, 100), density=0.005, rng=0)
    assert [weight_form(W, 4) for W in (dense, masked, sparse)] == [
        "dense",
        "mask",
        "sparse",
    ]
