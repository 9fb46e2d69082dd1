"""Record the fingerprints of :mod:`models` into ``fingerprints.json``.

    python tests/fingerprints/record.py

Each model's arrays are stored as hashes (compared bit for bit when the
environment is the recorded one) and as summaries (compared to a tolerance
elsewhere): the sparsity pattern, the sum of each array, and the predictions.
"""

import json
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.dirname(HERE), HERE]

import models  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

#: Rows whose predictions are stored as values (all rows are in the hashes).
PROBE_ROWS = 30


def fingerprint(model, X):
    record = {}
    for name, array in models.outputs(model, X).items():
        entry = {"hash": models.digest(array), "shape": list(array.shape)}
        if array.dtype.kind == "f":
            entry["sum"] = float(array.sum())
            entry["abs_sum"] = float(abs(array).sum())
        else:
            entry["sum"] = int(array.sum())
        if name in ("predict", "predict_proba"):
            # The first rows' values, for a tolerance comparison elsewhere.
            entry["head"] = [float("%.12g" % v) for v in array[:PROBE_ROWS].ravel()]
        record[name] = entry
    return record


def main():
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = models.fitted_models()
        result = {"environment": models.environment(),
                  "models": {name: fingerprint(m, X) for name, (m, X) in fitted.items()}}
    path = os.path.join(HERE, "fingerprints.json")
    with open(path, "w") as f:
        # One line per array: small diffs when a fingerprint changes.
        f.write('{"environment": %s,\n "models": {\n' % json.dumps(result["environment"]))
        names = sorted(result["models"])
        for i, name in enumerate(names):
            arrays = result["models"][name]
            f.write('  %s: {\n' % json.dumps(name))
            keys = sorted(arrays)
            for j, key in enumerate(keys):
                f.write('   %s: %s%s\n' % (json.dumps(key), json.dumps(arrays[key]),
                                           "," if j < len(keys) - 1 else ""))
            f.write('  }%s\n' % ("," if i < len(names) - 1 else ""))
        f.write(" }}\n")
    print("wrote %d model fingerprints" % len(result["models"]))


if __name__ == "__main__":
    main()
