"""from_mlp: a pruned estimator that starts from a fitted scikit-learn MLP."""

import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import (
    InvalidParameterError,
    generate_invalid_param_val,
    make_constraint,
)

from skprune import PrunedMLPClassifier, PrunedMLPRegressor


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X[:900], y[:900], random_state=0, stratify=y[:900]
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


@pytest.fixture(scope="module")
def mlp(digits):
    X_train, _, y_train, _ = digits
    return _quiet(
        MLPClassifier((64,), max_iter=300, random_state=0).fit, X_train, y_train
    )


def test_before_fit_it_is_the_mlp(mlp, digits):
    _, X_test, _, _ = digits
    clf = PrunedMLPClassifier.from_mlp(mlp, random_state=0)
    np.testing.assert_allclose(
        clf.predict_proba(X_test), mlp.predict_proba(X_test), rtol=1e-12, atol=1e-15
    )
    np.testing.assert_array_equal(clf.predict(X_test), mlp.predict(X_test))
    np.testing.assert_array_equal(clf.classes_, mlp.classes_)
    assert clf.warm_start and clf.sparsity_ == 0.0 and clf.n_iter_ == 0
    assert clf.hidden_layer_sizes == clf.hidden_layer_sizes_ == (64,)
    assert clf.activation == mlp.activation
    assert clf.n_features_in_ == mlp.n_features_in_
    assert clf.coefs_[0] is not mlp.coefs_[0]
    # The MLP is not touched.
    assert mlp.coefs_[0].flags.writeable


def test_pruning_from_the_mlp_keeps_accuracy(mlp, digits):
    X_train, X_test, y_train, y_test = digits
    clf = PrunedMLPClassifier.from_mlp(mlp, random_state=0).set_params(sparsity=0.9)
    clf = _quiet(clf.fit, X_train, y_train)
    np.testing.assert_array_equal(clf.classes_, mlp.classes_)
    assert clf.sparsity_ == pytest.approx(0.9, abs=0.01)
    assert clf.hidden_layer_sizes_[0] <= 64
    assert clf.score(X_test, y_test) >= mlp.score(X_test, y_test) - 0.03
    # The training record starts with this fit.
    assert clf.n_iter_ == len(clf.loss_curve_) > 0


def test_binary_string_labels_and_float32():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4)).astype(np.float32)
    y = np.where(X[:, 0] + X[:, 1] > 0, "yes", "no")
    mlp = _quiet(MLPClassifier((8,), max_iter=200, random_state=0).fit, X, y)
    clf = PrunedMLPClassifier.from_mlp(mlp)
    assert clf.out_activation_ == "logistic" and clf._plan.dtype == np.float32
    np.testing.assert_allclose(clf.predict_proba(X), mlp.predict_proba(X), rtol=1e-5)
    clf = _quiet(clf.set_params(sparsity=0.5, random_state=0).fit, X, y)
    assert list(clf.classes_) == ["no", "yes"]
    assert clf.score(X, y) > 0.9
    with pytest.raises(ValueError, match="same classes"):
        clf.fit(X, np.where(y == "yes", "oui", "non"))


def test_multilabel():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 5))
    Y = np.column_stack([X[:, 0] > 0, X[:, 1] > 0, X[:, 2] + X[:, 3] > 0]).astype(int)
    mlp = _quiet(MLPClassifier((16,), max_iter=300, random_state=0).fit, X, Y)
    clf = PrunedMLPClassifier.from_mlp(mlp, sparsity=0.5, random_state=0)
    np.testing.assert_array_equal(clf.predict(X), mlp.predict(X))
    clf = _quiet(clf.fit, X, Y)
    assert clf.predict(X).shape == Y.shape


def test_regressor():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 6))
    Y = np.column_stack([X @ rng.normal(size=6), X[:, 0] * X[:, 1]])
    mlp = _quiet(
        MLPRegressor(hidden_layer_sizes=(32,), max_iter=500, random_state=0).fit, X, Y
    )
    reg = PrunedMLPRegressor.from_mlp(mlp, sparsity=0.7, random_state=0)
    np.testing.assert_allclose(reg.predict(X), mlp.predict(X), rtol=1e-12, atol=1e-12)
    reg = _quiet(reg.fit, X, Y)
    assert reg.n_outputs_ == 2
    assert reg.sparsity_ == pytest.approx(0.7, abs=0.01)
    assert reg.score(X, Y) >= mlp.score(X, Y) - 0.1


def test_feature_names_are_kept():
    pd = pytest.importorskip("pandas")
    X, y = load_digits(return_X_y=True)
    frame = pd.DataFrame(X[:300] / 16, columns=["p%d" % i for i in range(64)])
    mlp = _quiet(MLPClassifier((16,), max_iter=100, random_state=0).fit, frame, y[:300])
    clf = PrunedMLPClassifier.from_mlp(mlp, sparsity=0.5)
    np.testing.assert_array_equal(clf.feature_names_in_, mlp.feature_names_in_)
    clf = _quiet(clf.fit, frame, y[:300])
    with pytest.warns(UserWarning, match="valid feature names"):
        clf.predict(X[:2] / 16)
    with pytest.raises(ValueError, match="feature names"):
        clf.fit(frame.rename(columns={"p0": "q0"}), y[:300])


def test_pipeline_last_step(digits):
    X, y = load_digits(return_X_y=True)
    pipe = _quiet(
        make_pipeline(
            StandardScaler(), MLPClassifier((32,), max_iter=200, random_state=0)
        ).fit,
        X[:600],
        y[:600],
    )
    clf = PrunedMLPClassifier.from_mlp(pipe[-1], sparsity=0.8, random_state=0)
    clf = _quiet(clf.fit, pipe[:-1].transform(X[:600]), y[:600])
    small = Pipeline(pipe.steps[:-1] + [("prunedmlpclassifier", clf)])
    assert (
        small.score(X[600:900], y[600:900]) >= pipe.score(X[600:900], y[600:900]) - 0.05
    )
    with pytest.raises(TypeError, match=r"pipeline\[-1\]"):
        PrunedMLPClassifier.from_mlp(pipe)


def test_clone_starts_from_scratch(mlp):
    fresh = clone(PrunedMLPClassifier.from_mlp(mlp, sparsity=0.9))
    assert not hasattr(fresh, "coefs_")
    assert fresh.get_params()["hidden_layer_sizes"] == (64,)
    assert fresh.sparsity == 0.9 and fresh.warm_start


def test_refusals(mlp):
    with pytest.raises(NotFittedError, match="needs a fitted MLPClassifier"):
        PrunedMLPClassifier.from_mlp(MLPClassifier())
    for other in (LogisticRegression(), PrunedMLPClassifier(), MLPRegressor()):
        with pytest.raises(TypeError, match="takes a fitted MLPClassifier"):
            PrunedMLPClassifier.from_mlp(other)
    with pytest.raises(TypeError, match="takes a fitted MLPRegressor"):
        PrunedMLPRegressor.from_mlp(mlp)
    with pytest.raises(ValueError, match="hidden_layer_sizes=\\(64,\\)"):
        PrunedMLPClassifier.from_mlp(mlp, hidden_layer_sizes=(32,))
    with pytest.raises(ValueError, match="activation='relu'"):
        PrunedMLPClassifier.from_mlp(mlp, activation="tanh")
    with pytest.raises(ValueError, match="warm_start=False would discard"):
        PrunedMLPClassifier.from_mlp(mlp, warm_start=False)
    # The same values are accepted.
    PrunedMLPClassifier.from_mlp(mlp, hidden_layer_sizes=64, activation="relu")


class _NotAParameter:
    """A value of no type any parameter accepts."""


def _bad_values(constraints):
    """Values that break every constraint of one parameter: a foreign type, and
    a value just outside each interval or option set."""
    constraints = [make_constraint(c) for c in constraints]
    values = [_NotAParameter()]
    for constraint in constraints:
        try:
            values.append(generate_invalid_param_val(constraint))
        except NotImplementedError:
            continue
    return [v for v in values if not any(c.is_satisfied_by(v) for c in constraints)]


def _error(call):
    with pytest.raises(Exception) as info:
        call()
    return type(info.value), str(info.value)


@pytest.mark.parametrize("Estimator", [PrunedMLPClassifier, PrunedMLPRegressor])
def test_bad_parameters_are_refused_as_fit_refuses_them(Estimator):
    X, y = load_digits(return_X_y=True)
    X, y = X[:60] / 16, y[:60]
    MLP = MLPClassifier if Estimator is PrunedMLPClassifier else MLPRegressor
    mlp = _quiet(MLP(hidden_layer_sizes=(4,), max_iter=5, random_state=0).fit, X, y)
    drawn = {
        name: _bad_values(constraints)
        for name, constraints in Estimator._parameter_constraints.items()
    }
    drawn["solver"].append("bogus")
    drawn["criterion"].append("nope")
    drawn["sparsity"].append(2.0)
    for name, values in drawn.items():
        assert values, name
        for value in values:
            params = {name: value}
            from_fit = _error(lambda p=params: Estimator(**p).fit(X, y))
            from_mlp = _error(lambda p=params: Estimator.from_mlp(mlp, **p))
            assert issubclass(from_fit[0], InvalidParameterError), (name, value)
            assert from_mlp == from_fit, (name, value)


def test_poisson_regressor_is_refused():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 3))
    y = rng.poisson(2.0, size=100)
    mlp = _quiet(
        MLPRegressor(loss="poisson", hidden_layer_sizes=(4,), max_iter=50).fit, X, y
    )
    with pytest.raises(ValueError, match="loss='poisson'"):
        PrunedMLPRegressor.from_mlp(mlp)


def test_unpruned_model_pickles_and_reports(mlp, digits):
    import pickle

    from skprune import compression_report

    _, X_test, _, _ = digits
    clf = PrunedMLPClassifier.from_mlp(mlp)
    loaded = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(
        loaded.predict_proba(X_test), clf.predict_proba(X_test)
    )
    report = compression_report(clf)
    assert report["compression_ratio"] == 1.0
    assert report["n_weights_nonzero"] == sum(W.size for W in mlp.coefs_)


def test_dask_fit_starts_from_the_mlp(mlp, digits):
    distributed = pytest.importorskip("distributed")
    da = pytest.importorskip("dask.array")
    X_train, X_test, y_train, y_test = digits
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster, timeout="30s"),
    ):
        clf = PrunedMLPClassifier.from_mlp(mlp, sparsity=0.8, random_state=0)
        clf = _quiet(
            clf.fit,
            da.from_array(X_train, chunks=200),
            da.from_array(y_train, chunks=200),
        )
    memory = PrunedMLPClassifier.from_mlp(mlp, sparsity=0.8, random_state=0)
    memory = _quiet(memory.fit, X_train, y_train)
    np.testing.assert_array_equal(clf.classes_, mlp.classes_)
    # Both continue from the MLP's loss, far below a fresh network's.
    assert clf.loss_curve_[0] == pytest.approx(memory.loss_curve_[0], rel=1e-6)
    assert clf.loss_curve_[0] < 0.1
    assert clf.sparsity_ == pytest.approx(0.8, abs=0.01)
    assert clf.score(X_test, y_test) >= mlp.score(X_test, y_test) - 0.05


def test_unpruned_model_exports_to_onnx():
    ort = pytest.importorskip("onnxruntime")
    skl2onnx = pytest.importorskip("skl2onnx")
    import skprune.onnx

    skprune.onnx.register()
    X, y = load_digits(return_X_y=True)
    X = (X[:400] / 16).astype(np.float32)
    mlp = _quiet(MLPClassifier((16,), max_iter=50, random_state=0).fit, X, y[:400])
    clf = PrunedMLPClassifier.from_mlp(mlp)
    onx = skl2onnx.to_onnx(clf, X[:1], options={"zipmap": False})
    session = ort.InferenceSession(onx.SerializeToString())
    labels, proba = session.run(None, {session.get_inputs()[0].name: X})
    np.testing.assert_allclose(proba, mlp.predict_proba(X), atol=1e-5)
    np.testing.assert_array_equal(labels, mlp.predict(X))
