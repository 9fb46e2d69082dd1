"""Saving, loading and sharing fitted models.

A fitted model predicts the same thing forever: after a skops, joblib
(memory-mapped too) or pickle round trip, in a fresh Python process, and from
many threads at once; fitting it again and again does not grow memory.
"""

import gc
import pickle
import subprocess
import sys
import textwrap
import threading
import tracemalloc
import warnings
from concurrent.futures import ThreadPoolExecutor

import joblib
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skprune import PrunedMLPClassifier, PrunedMLPRegressor

sio = pytest.importorskip("skops.io")

# What a skops file of a skprune model asks the user to trust beyond skops'
# defaults (numpy, scikit-learn): skprune's own estimators, and scipy's CSR
# array (skops 0.16 trusts sparse data by its base class name only; its
# content is read with numpy's allow_pickle=False, so it runs no code).
TRUSTABLE = {
    "scipy.sparse._csr.csr_array",
    "skprune._classifier.PrunedMLPClassifier",
    "skprune._regressor.PrunedMLPRegressor",
}


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:600], y[:600]


def fitted_models(X, y):
    params = dict(hidden_layer_sizes=(32,), max_iter=40, random_state=0)
    classifier = make_pipeline(
        StandardScaler(),
        PrunedMLPClassifier(sparsity=0.8, n_prune_steps=2, retrain_iter=10, **params),
    ).fit(X, y)
    # Two targets: multi-output regression, with neuron removal.
    Y = np.c_[X[:, 20], X[:, 43]] / 16
    regressor = PrunedMLPRegressor(neuron_threshold=0.05, **params).fit(X / 16, Y)
    return [(classifier, X), (regressor, X / 16)]


def outputs(model, X):
    out = [model.predict(X)]
    if hasattr(model, "predict_proba"):
        out.append(model.predict_proba(X))
    return out


def test_skops_round_trip(digits, tmp_path):
    X, y = digits
    for i, (model, X_in) in enumerate(fitted_models(X, y)):
        path = tmp_path / f"model{i}.skops"
        sio.dump(model, path)
        untrusted = sio.get_untrusted_types(file=path)
        assert set(untrusted) <= TRUSTABLE
        # Nothing loads until the user says what they trust.
        with pytest.raises(Exception, match="Untrusted types"):
            sio.load(path)
        loaded = sio.load(path, trusted=untrusted)
        for a, b in zip(outputs(model, X_in), outputs(loaded, X_in)):
            np.testing.assert_array_equal(a, b)
        network = loaded[-1] if hasattr(loaded, "steps") else loaded
        saved = model[-1] if hasattr(model, "steps") else model
        # The sparse type the model was fitted with (scikit-learn's sparse_interface).
        assert [type(W) for W in network.coefs_] == [type(W) for W in saved.coefs_]


@pytest.mark.parametrize("mmap_mode", [None, "r"])
def test_joblib_round_trip(digits, tmp_path, mmap_mode):
    X, y = digits
    for i, (model, X_in) in enumerate(fitted_models(X, y)):
        path = tmp_path / f"model{i}.joblib"
        joblib.dump(model, path)
        # Memory-mapped, read-only arrays: predict must never write to them.
        loaded = joblib.load(path, mmap_mode=mmap_mode)
        for a, b in zip(outputs(model, X_in), outputs(loaded, X_in)):
            np.testing.assert_array_equal(a, b)


# Fitted states the digits models above do not hold: float32 weights,
# multilabel targets, string classes with feature names and early stopping.
VARIANTS = {
    "float32-neurons": dict(neuron_threshold=0.2, dtype=np.float32),
    "multilabel": dict(multilabel=True, sparsity=0.8, n_prune_steps=2),
    "strings-frame": dict(strings=True, frame=True, early_stopping=True),
}


def _blobs(n_samples=300, n_features=20, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(scale=2, size=(4, n_features))
    y = rng.integers(4, size=n_samples)
    return centers[y] + rng.normal(size=(n_samples, n_features)), y


def _variant(name):
    options = dict(VARIANTS[name])
    dtype = options.pop("dtype", np.float64)
    multilabel = options.pop("multilabel", False)
    strings = options.pop("strings", False)
    frame = options.pop("frame", False)
    X, y = _blobs()
    X = X.astype(dtype)
    if multilabel:
        y = np.stack([y % 2, y // 2, (y == 3)], axis=1).astype(int)
    if strings:
        y = np.array(["ant", "bee", "cat", "dog"])[y]
    if frame:
        pd = pytest.importorskip("pandas")
        X = pd.DataFrame(X, columns=["x%d" % i for i in range(X.shape[1])])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = PrunedMLPClassifier(max_iter=60, random_state=0, **options).fit(X, y)
    return clf, X


@pytest.mark.parametrize("name", VARIANTS)
def test_round_trips_of_every_fitted_state(name, tmp_path):
    clf, X = _variant(name)
    joblib.dump(clf, tmp_path / "model.joblib")
    data = sio.dumps(clf)
    untrusted = sio.get_untrusted_types(data=data)
    assert set(untrusted) <= TRUSTABLE
    loaded = {
        "pickle": pickle.loads(pickle.dumps(clf, protocol=pickle.HIGHEST_PROTOCOL)),
        "joblib-mmap": joblib.load(tmp_path / "model.joblib", mmap_mode="r"),
        "skops": sio.loads(data, trusted=untrusted),
    }
    assert isinstance(loaded["joblib-mmap"].intercepts_[0], np.memmap)
    for how, model in loaded.items():
        assert type(model) is PrunedMLPClassifier, how
        assert model.get_params() == clf.get_params(), how
        for a, b in zip(outputs(clf, X), outputs(model, X)):
            np.testing.assert_array_equal(a, b, err_msg=how)


def test_round_trips_in_a_fresh_process(digits, tmp_path):
    """Save in this process; load and predict in a new interpreter."""
    X, y = digits
    models = fitted_models(X, y)
    for i, (model, X_in) in enumerate(models):
        np.save(tmp_path / f"X{i}.npy", X_in)
        with open(tmp_path / f"model{i}.pkl", "wb") as f:
            pickle.dump(model, f)
        joblib.dump(model, tmp_path / f"model{i}.joblib")
        sio.dump(model, tmp_path / f"model{i}.skops")
    script = textwrap.dedent(
        f"""
        import pickle, joblib, numpy as np, skops.io as sio
        for i in range({len(models)}):
            X = np.load(f"X{{i}}.npy")
            with open(f"model{{i}}.pkl", "rb") as f:
                loaded = {{"pickle": pickle.load(f)}}
            loaded["joblib"] = joblib.load(f"model{{i}}.joblib")
            loaded["joblib-mmap"] = joblib.load(f"model{{i}}.joblib", mmap_mode="r")
            loaded["skops"] = sio.load(f"model{{i}}.skops", trusted={sorted(TRUSTABLE)!r})
            for how, model in loaded.items():
                np.save(f"{{how}}{{i}}.npy", model.predict(X))
        """
    )
    subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, check=True, timeout=120
    )
    for i, (model, X_in) in enumerate(models):
        for how in ("pickle", "joblib", "joblib-mmap", "skops"):
            np.testing.assert_array_equal(
                np.load(tmp_path / f"{how}{i}.npy"), model.predict(X_in), err_msg=how
            )


def _predict_from_threads(predict, X, n_threads=8, n_calls=10):
    start = threading.Barrier(n_threads)

    def work(_):
        start.wait()  # all threads enter predict together
        return [predict(X) for _ in range(n_calls)]

    with ThreadPoolExecutor(n_threads) as pool:
        return [out for batch in pool.map(work, range(n_threads)) for out in batch]


@pytest.mark.parametrize("name", ["float32-neurons", "multilabel"])
@pytest.mark.parametrize("fmt", ["dense", "csr"])
def test_predict_proba_from_eight_threads(name, fmt):
    clf, _ = _variant(name)
    X, _ = _blobs(n_samples=4000, seed=1)
    X = X.astype(clf.coefs_[0].dtype)
    if fmt == "csr":
        X = sp.csr_array(X * (np.abs(X) > 1))
    expected = clf.predict_proba(X)
    results = _predict_from_threads(clf.predict_proba, X)
    assert len(results) == 80
    for proba in results:
        np.testing.assert_array_equal(proba, expected)


def test_regressor_predict_from_eight_threads(digits):
    X, y = digits
    regressor, X_in = fitted_models(X, y)[1]
    X_in = np.tile(X_in, (5, 1))
    expected = regressor.predict(X_in)
    for out in _predict_from_threads(regressor.predict, X_in):
        np.testing.assert_array_equal(out, expected)


@pytest.mark.slow
def test_one_hundred_fits_do_not_grow_memory():
    """100 consecutive fits on small data: traced memory stays flat.

    Quick (a few seconds) and run in CI like every test; the ``slow`` mark
    only lets a developer deselect it with ``-m "not slow"``. numpy and
    scikit-learn fill small internal caches during the first fits (tens of
    bytes per object, growth that flattens out; scipy's L-BFGS, which
    retrains after pruning, fills some more), so the bound is 128 KiB over
    100 fits, about 1.3 kB per fit: a leaked copy of the training data
    (12.8 kB) or of the fitted weights (about 2 kB) per fit still exceeds it.
    """
    X, y = _blobs(n_samples=200, n_features=8)
    params = dict(
        hidden_layer_sizes=(16,),
        max_iter=20,
        retrain_iter=5,
        n_prune_steps=2,
        sparsity=0.5,
        random_state=0,
    )

    def fit():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            PrunedMLPClassifier(**params).fit(X, y).predict_proba(X)

    for _ in range(30):  # warm up caches: imports, sklearn config, warning registries
        fit()
    gc.collect()
    tracemalloc.start()
    try:
        fit()
        gc.collect()
        baseline = tracemalloc.get_traced_memory()[0]
        for _ in range(100):
            fit()
        gc.collect()
        growth = tracemalloc.get_traced_memory()[0] - baseline
    finally:
        tracemalloc.stop()
    assert growth < 128 * 1024, "memory grew by %d bytes over 100 fits" % growth


# ---------------------------------------------------------------------- #
# The skprune version travels with the model; old models fail clearly.
# ---------------------------------------------------------------------- #
def _small_models():
    X, y = load_digits(return_X_y=True)
    X, y = X[:300] / 16, y[:300]
    params = dict(hidden_layer_sizes=(20,), max_iter=20, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return [
            (PrunedMLPClassifier(**params).fit(X, y), X),
            (PrunedMLPRegressor(**params).fit(X, X[:, 20]), X),
        ]


@pytest.mark.parametrize("fmt", ["pickle", "skops"])
def test_version_is_stored_and_checked(fmt, tmp_path, monkeypatch):
    import skprune

    for model, X in _small_models():
        assert model.__getstate__()["_skprune_version"] == skprune.__version__
        # Same version: no warning.
        with warnings.catch_warnings():
            warnings.simplefilter("error", skprune.InconsistentVersionWarning)
            pickle.loads(pickle.dumps(model))
        monkeypatch.setattr(skprune._net.storage, "__version__", "0.0.1")
        if fmt == "pickle":
            data = pickle.dumps(model)
        else:
            path = tmp_path / "model.skops"
            sio.dump(model, path)
        monkeypatch.undo()
        with pytest.warns(skprune.InconsistentVersionWarning) as record:
            if fmt == "pickle":
                loaded = pickle.loads(data)
            else:
                loaded = sio.load(path, trusted=sio.get_untrusted_types(file=path))
        warning = record[0].message
        assert warning.original_skprune_version == "0.0.1"
        assert warning.current_skprune_version == skprune.__version__
        assert type(model).__name__ in str(warning)
        np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


@pytest.mark.parametrize("missing", ["n_outputs_", "out_activation_", "intercepts_"])
def test_model_missing_an_attribute_fails_clearly(missing):
    from sklearn.exceptions import NotFittedError

    import skprune

    for model, X in _small_models():
        state = model.__getstate__()
        # A model saved by a version without the attribute (and without the
        # version stamp, as models saved before it was stored).
        del state[missing], state["_skprune_version"]
        old = type(model).__new__(type(model))
        with pytest.warns(skprune.InconsistentVersionWarning, match="pre-0.1.0"):
            old.__setstate__(state)
        with pytest.raises(NotFittedError, match="lacks '%s'" % missing):
            old.predict(X)


def test_pre_version_pickle_with_plain_csr_loads():
    """State written before packed patterns (coefs_ as CSR arrays) still loads."""
    import skprune

    model, X = _small_models()[0]
    state = dict(model.__dict__)
    del state["_plan"]
    old = type(model).__new__(type(model))
    with pytest.warns(skprune.InconsistentVersionWarning):
        old.__setstate__(state)
    np.testing.assert_array_equal(old.predict_proba(X), model.predict_proba(X))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_pickle_stores_patterns_compactly(dtype):
    """At 90 % sparsity the pickle is a small fraction of the dense weights."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 400)).astype(dtype)
    y = rng.integers(3, size=200)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = PrunedMLPClassifier(
            (300, 100),
            sparsity=0.9,
            weight_threshold=0,
            neuron_threshold=0,
            max_iter=3,
            retrain_iter=0,
            random_state=0,
        ).fit(X, y)
    # The dense model of the original architecture (neuron removal can
    # shrink the fitted shapes).
    dense_bytes = model.n_weights_original_ * np.dtype(dtype).itemsize + sum(
        model.layer_units_original_[1:]
    ) * np.dtype(dtype).itemsize
    # Values alone are 10 % of the dense bytes; a 4-byte index per value
    # would add another 10 % (float32) or 5 % (float64).
    assert len(pickle.dumps(model)) < 0.15 * dense_bytes
