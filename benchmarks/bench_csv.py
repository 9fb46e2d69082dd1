"""Time the command line's CSV reader on a 200,000 x 20 numeric file (plus a target column).

Each repeat runs ``skprune._cli_input.read_csv`` in a fresh process, alternating
between this checkout and ``--compare`` (another checkout, e.g. the reader
with a float() per cell), one BLAS thread; medians are printed.

    python benchmarks/bench_csv.py --compare /other/checkout
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _timing import describe_machine, provenance  # noqa: E402

_SCRIPT = """
import time
from skprune._cli_input import read_csv
start = time.perf_counter()
X, y, _ = read_csv({path!r})
print(time.perf_counter() - start, X.shape[0])
"""


def write_file(path, n_rows=200_000, n_features=20):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n_rows, n_features))
    y = rng.integers(3, size=n_rows)
    header = ",".join(f"x{i}" for i in range(n_features)) + ",y"
    np.savetxt(path, np.column_stack([X, y]), delimiter=",", header=header,
               comments="", fmt=["%.6g"] * n_features + ["%d"])


def time_once(path, checkout):
    env = {**os.environ, "PYTHONPATH": checkout, "OMP_NUM_THREADS": "1",
           "OPENBLAS_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", _SCRIPT.format(path=str(path))],
                         env=env, capture_output=True, text=True, check=True,
                         cwd=tempfile.gettempdir()).stdout  # "" is on sys.path
    return float(out.split()[0])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", metavar="CHECKOUT")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    versions = {"this checkout": str(HERE.parent)}
    if args.compare:
        versions = {f"before ({args.compare})": args.compare, **versions}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.csv"
        write_file(path)
        times = {label: [] for label in versions}
        for _ in range(args.repeats):
            for label, checkout in versions.items():
                times[label].append(time_once(path, checkout))
    print(provenance(__file__) + "\n")
    print("\n".join(describe_machine(1)))
    print()
    print("| reader | median read time (s) | min (s) |")
    print("|---|---|---|")
    for label, values in times.items():
        print(f"| {label} | {statistics.median(values):.2f} | {min(values):.2f} |")
    if len(times) == 2:
        before, after = (statistics.median(v) for v in times.values())
        print(f"\nspeed-up: {before / after:.1f}x")


if __name__ == "__main__":
    main()
