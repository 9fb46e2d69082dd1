"""Scale: 1,000,000 x 100 float32, 10 classes, hidden (128,), 50 full-batch iterations.

The fit runs in a child process so that its peak resident memory is its own;
the table gives that peak next to the data's size, and the peak of the
memory allocated during ``fit`` alone (``tracemalloc``, which numpy reports
to). The full-batch gradient is computed in row chunks, so activations never
exist for all rows at once during gradient descent; the pruning step computes
each hidden layer's mean activation on the whole training set once.

A second table shows how the time of an epoch grows with ``n_samples`` and
with the hidden width (measured through ``fit`` differences, as in
``bench_epoch.py``).

Run ``python benchmarks/bench_scale.py`` (about 6 minutes on 2 cores), or
``--quick`` (100,000 rows).
"""

import argparse
import json
import resource
import subprocess
import sys
import time
import tracemalloc
import warnings

import numpy as np
from _timing import (
    common_arguments,
    header,
    interleaved,
    markdown_table,
    median,
    pinned,
)
from sklearn.exceptions import ConvergenceWarning

from skprune import PrunedMLPClassifier


def data(n, d=100, n_classes=10, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d), dtype=np.float32)
    teacher = rng.standard_normal((d, n_classes)).astype(np.float32)
    y = (X @ teacher).argmax(axis=1)
    return X, y


def model(hidden, max_iter):
    return PrunedMLPClassifier(
        hidden_layer_sizes=hidden,
        max_iter=max_iter,
        tol=0.0,
        n_iter_no_change=10**6,
        retrain_iter=0,
        random_state=0,
    )


def child(n, threads):
    """Fit once; print a JSON line with times and memory."""
    warnings.simplefilter("ignore", ConvergenceWarning)
    X, y = data(n)
    rss_data = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()
    with pinned(threads):
        t0 = time.perf_counter()
        m = model((128,), 50).fit(X, y)
        elapsed = time.perf_counter() - t0
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "n": n,
                "data_bytes": X.nbytes,
                "fit_seconds": elapsed,
                "n_iter": m.n_iter_,
                "rss_after_data": rss_data,
                "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                "fit_traced_peak": traced_peak,
                "train_accuracy": float(m.score(X[:100000], y[:100000])),
            }
        )
    )


def growth(args, repeats):
    rows = []
    k1, k2 = 2, 6
    base_n = 25000 if args.quick else 250000
    cases = [(n, 128) for n in (base_n // 2, base_n, 2 * base_n, 4 * base_n)]
    cases += [(base_n, w) for w in (32, 64, 256, 512)]
    for n, width in cases:
        X, y = data(n)
        with pinned(args.threads):
            times = interleaved(
                {k: (lambda k=k: model((width,), k).fit(X, y)) for k in (k1, k2)},
                repeats,
            )
        epoch = median(np.subtract(times[k2], times[k1])) / (k2 - k1)
        macs = n * (100 * width + width * 10) * 2 + n * width * 10
        rows.append([n, width, "%.1f" % (1e3 * epoch), "%.2f" % (1e9 * epoch / macs)])
    rows.sort()
    print(
        markdown_table(
            ["n_samples", "hidden width", "ms / epoch", "ns per multiply-add"], rows
        )
    )


def main():
    parser = common_arguments(argparse.ArgumentParser(description=__doc__))
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.threads)
        return
    repeats = args.repeats or (2 if args.quick else 3)
    n = 100000 if args.quick else 1000000
    header("Scale: %d x 100 float32, hidden (128,), 50 iterations" % n, args.threads)
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(n), "--threads", str(args.threads)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    r = json.loads(out.strip().splitlines()[-1])
    gib = 2.0**30
    print(
        markdown_table(
            [
                "rows",
                "iterations",
                "fit time (s)",
                "s / iteration (whole fit / 50)",
                "data X (GiB)",
                "RSS before fit (GiB)",
                "peak RSS (GiB)",
                "(peak - before) / data",
                "allocated during fit, peak (GiB)",
                "train accuracy (first 100k rows)",
            ],
            [
                [
                    r["n"],
                    r["n_iter"],
                    "%.1f" % r["fit_seconds"],
                    "%.2f" % (r["fit_seconds"] / r["n_iter"]),
                    "%.2f" % (r["data_bytes"] / gib),
                    "%.2f" % (r["rss_after_data"] / gib),
                    "%.2f" % (r["peak_rss"] / gib),
                    "**%.1f**"
                    % ((r["peak_rss"] - r["rss_after_data"]) / r["data_bytes"]),
                    "%.2f" % (r["fit_traced_peak"] / gib),
                    "%.3f" % r["train_accuracy"],
                ]
            ],
        )
    )
    print(
        "\n### Cost growth (ms per epoch, median of %d interleaved repeats)\n" % repeats
    )
    warnings.simplefilter("ignore", ConvergenceWarning)
    growth(args, repeats)


if __name__ == "__main__":
    main()
