"""Peak memory (RSS) of a fit, one fresh process per case, for two versions of skprune.

Each case runs in its own Python process, which reports its peak resident
set size (``resource.getrusage(RUSAGE_SELF).ru_maxrss``). A "data only"
process builds the same data and stops: the difference is what the fit
itself needs beyond the data. The peak of the allocations traced by
:mod:`tracemalloc` during the fit (numpy's included) is shown too; it does not
depend on what the allocator gives back to the system.

    python benchmarks/bench_memory.py                       # this checkout
    python benchmarks/bench_memory.py --compare /other/checkout

``--compare`` runs the same cases with another checkout's ``skprune`` first
(on PYTHONPATH), e.g. the code before pruning statistics were accumulated
over row chunks.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _timing import describe_machine, provenance  # noqa: E402

CASES = {
    "digits, hidden (100000,)": (
        "from sklearn.datasets import load_digits\n"
        "X, y = load_digits(return_X_y=True); X = X / 16\n",
        # weight_threshold=0: Glorot weights of so wide a layer are all below
        # the default 0.01, and a network pruned to nothing measures nothing.
        "dict(hidden_layer_sizes=(100000,), max_iter=2, retrain_iter=1, "
        "weight_threshold=0.0, random_state=0)",
    ),
    "1M x 100 float32, hidden (100,)": (
        "import numpy as np\n"
        "rng = np.random.default_rng(0)\n"
        "X = rng.standard_normal((1_000_000, 100), dtype=np.float32)\n"
        "y = (X[:, 0] + X[:, 1] > 0).astype(int)\n",
        "dict(max_iter=2, retrain_iter=1, random_state=0)",
    ),
    "1M x 100 float32, OBD + entropy": (
        "import numpy as np\n"
        "rng = np.random.default_rng(0)\n"
        "X = rng.standard_normal((1_000_000, 100), dtype=np.float32)\n"
        "y = (X[:, 0] + X[:, 1] > 0).astype(int)\n",
        "dict(max_iter=2, retrain_iter=1, sparsity=0.5, criterion='obd', "
        "neuron_criterion='entropy', random_state=0)",
    ),
}

_SCRIPT = """
import resource, time, tracemalloc, warnings, json
{data}
fit_seconds = traced = None
if {fit}:
    from skprune import PrunedMLPClassifier
    warnings.simplefilter("ignore")
    tracemalloc.start()
    start = time.perf_counter()
    PrunedMLPClassifier(**{params}).fit(X, y)
    fit_seconds = time.perf_counter() - start
    traced = tracemalloc.get_traced_memory()[1]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({{"peak": peak, "seconds": fit_seconds, "traced": traced}}))
"""


def run_case(data, params, fit, pythonpath):
    env = {**os.environ, "PYTHONPATH": pythonpath, "OMP_NUM_THREADS": "1",
           "OPENBLAS_NUM_THREADS": "1"}
    script = _SCRIPT.format(data=data, params=params, fit=fit)
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True,
        check=False, cwd=tempfile.gettempdir(),  # not a checkout: "" is on sys.path
    )
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["?"])[-1]
        return {"error": last[:70]}
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", metavar="CHECKOUT",
                        help="another checkout whose skprune to measure too")
    args = parser.parse_args()
    versions = {}
    if args.compare:
        versions["before (" + args.compare + ")"] = args.compare
    versions["this checkout"] = str(HERE.parent)
    print(provenance(__file__) + "\n")
    print("\n".join(describe_machine(1)))
    print()
    print("| case | skprune | peak RSS (MiB) | data only (MiB) | RSS beyond data (MiB) "
          "| traced peak of fit (MiB) | fit (s) |")
    print("|---|---|---|---|---|---|---|")
    for case, (data, params) in CASES.items():
        base = run_case(data, params, False, str(HERE.parent))["peak"]
        for label, path in versions.items():
            res = run_case(data, params, True, path)
            if "error" in res:
                print(f"| {case} | {label} | failed: {res['error']} | {base / 2**20:.0f} | | | |")
                continue
            print(
                f"| {case} | {label} | {res['peak'] / 2**20:.0f} | {base / 2**20:.0f} | "
                f"{(res['peak'] - base) / 2**20:.0f} | {res['traced'] / 2**20:.0f} | "
                f"{res['seconds']:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
