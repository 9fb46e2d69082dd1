"""Refactoring keeps fitted models: fingerprints of fits, and files saved by earlier versions.

``tests/fingerprints/fingerprints.json`` holds, for every configuration of
``tests/fingerprints/models.py``, hashes of the fitted ``coefs_`` /
``intercepts_`` and of the predictions, with sums and the first rows'
predictions. In the environment that recorded them (the same numpy, scipy,
scikit-learn and BLAS), a refit must match the hashes bit for bit; elsewhere,
the sparsity patterns exactly and the values to a tolerance (:data:`RTOL`). A deliberate
change of a model is re-recorded with ``python tests/fingerprints/record.py``.

``tests/fingerprints/saved/<version>/`` holds pickle, joblib and skops files
written by that version (``tests/fingerprints/save.py``); every one loads and
predicts what the model predicted when it was saved.
"""

import json
import os
import pickle
import sys
import warnings

import joblib
import numpy as np
import pytest
from numpy.testing import assert_allclose
from threadpoolctl import threadpool_limits

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fingerprints")
sys.path.insert(0, HERE)

import models  # noqa: E402
import save  # noqa: E402

#: Across environments, rounding differs from the first iteration on (numpy's
#: AVX-512 kernels against AVX2, say) and a fit of hundreds of iterations
#: carries it into the fifth significant digit; the patterns stay exact.
RTOL, ATOL = 1e-4, 1e-8

with open(os.path.join(HERE, "fingerprints.json")) as f:
    RECORDED = json.load(f)

SAVED = os.path.join(HERE, "saved")
FORMATS = ("pkl", "joblib", "skops")


@pytest.fixture(scope="module")
def refitted():
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = models.fitted_models()
        return {name: models.outputs(m, X) for name, (m, X) in fitted.items()}


@pytest.mark.slow
def test_fits_keep_their_fingerprints(refitted):
    assert sorted(refitted) == sorted(RECORDED["models"])
    exact = models.environment() == RECORDED["environment"]
    changed = []
    for name, arrays in refitted.items():
        recorded = RECORDED["models"][name]
        assert sorted(arrays) == sorted(recorded), name
        for key, array in arrays.items():
            entry = recorded[key]
            where = "%s %s" % (name, key)
            if list(array.shape) != entry["shape"]:
                changed.append(where)
                continue
            if exact:
                if models.digest(array) != entry["hash"]:
                    changed.append(where)
                continue
            if array.dtype.kind != "f":
                assert int(array.sum()) == entry["sum"], where
            else:
                assert_allclose(array.sum(), entry["sum"], rtol=RTOL, atol=ATOL,
                                err_msg=where)
            if "head" in entry:
                head = array[: len(entry["head"]) // max(1, array[:1].size)].ravel()
                assert_allclose(head, entry["head"], rtol=RTOL, atol=ATOL, err_msg=where)
    assert not changed, "fitted models changed bit for bit: %s" % changed


def _load(path, fmt):
    if fmt == "pkl":
        with open(path, "rb") as f:
            return pickle.load(f)
    if fmt == "joblib":
        return joblib.load(path)
    sio = pytest.importorskip("skops.io")
    untrusted = sio.get_untrusted_types(file=path)
    # What a skops file of a skprune model asks to trust: the package's own
    # classes and scipy's CSR array, by their public or private module names.
    assert all(t.startswith(("skprune.", "scipy.sparse.")) for t in untrusted), untrusted
    return sio.load(path, trusted=untrusted)


SAVED_FILES = [
    (era, name, fmt)
    for era in sorted(os.listdir(SAVED))
    for name in sorted({f.rsplit(".", 1)[0] for f in os.listdir(os.path.join(SAVED, era))
                        if not f.endswith(".npz")})
    for fmt in FORMATS
]


@pytest.mark.parametrize("era, name, fmt", SAVED_FILES, ids=["-".join(c) for c in SAVED_FILES])
def test_saved_files_load_and_predict_as_saved(era, name, fmt):
    expected = np.load(os.path.join(SAVED, era, "expected.npz"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a file of another version warns so
        model = _load(os.path.join(SAVED, era, "%s.%s" % (name, fmt)), fmt)
    X = save.inputs(name)[0]
    for key, value in save.predictions(model, X).items():
        want = expected["%s.%s" % (name, key)]
        if value.dtype.kind == "f":
            assert_allclose(value, want, rtol=1e-12, atol=1e-14)
        else:
            np.testing.assert_array_equal(value, want)

