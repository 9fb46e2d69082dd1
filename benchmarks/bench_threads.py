"""BLAS threads and small full-batch fits: one thread against two, by problem size.

For each size (training rows x weights per pass), a short pruned fit
(L-BFGS, two pruning steps) is timed with BLAS limited to one thread and to
two, in turn, in one process; wall time (what a user waits) and CPU time
(what the machine pays) are reported as medians with their ratio. The
package's own rule (``skprune._net.products.ONE_THREAD_BELOW``: fits under 1e8
multiply-adds per pass use one thread) is switched off here so that both
settings are really measured. Run it on an idle machine and on a busy one:
idle OpenBLAS threads spin, so a second thread costs most when the cores are
shared.

Usage::

    python benchmarks/bench_threads.py            # MNIST sizes if --mnist-dir holds MNIST
    python benchmarks/bench_threads.py --quick    # random data, small sizes
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import (  # noqa: E402
    default_mnist_dir,
    describe_machine,
    load_mnist,
    markdown_table,
    median,
    provenance,
)
from threadpoolctl import threadpool_limits  # noqa: E402

import skprune._net.products  # noqa: E402
from skprune import PrunedMLPClassifier  # noqa: E402

MNIST_DIR = default_mnist_dir()
SIZES = [(500, 64, (50,)), (2000, 196, (100,)), (2000, 784, (100,)), (8000, 784, (100,)),
         (8000, 784, (300, 100))]


def fit_once(X, y, hidden, threads):
    with threadpool_limits(limits=threads, user_api="blas"):
        wall, cpu = time.perf_counter(), time.process_time()
        PrunedMLPClassifier(hidden, solver="lbfgs", max_iter=15, sparsity=0.5,
                            n_prune_steps=2, retrain_iter=5, random_state=0).fit(X, y)
        return time.perf_counter() - wall, time.process_time() - cpu


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="random data, small sizes")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--mnist-dir", default=str(MNIST_DIR))
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    rule = skprune._net.products.ONE_THREAD_BELOW
    skprune._net.products.ONE_THREAD_BELOW = 0  # measure both settings as they are
    try:
        rows = measure(args)
    finally:
        skprune._net.products.ONE_THREAD_BELOW = rule
    lines = [provenance(__file__, argv), "", "# BLAS threads and small full-batch fits", ""]
    lines += describe_machine(2) + [
        "", markdown_table(["rows", "network", "multiply-adds per pass", "wall s, 1 thread",
                            "wall s, 2 threads", "2 threads / 1 thread (wall)",
                            "CPU s, 1 thread", "CPU s, 2 threads"], rows), ""]
    print("\n".join(lines))


def measure(args):
    data = None if args.quick else load_mnist(args.mnist_dir)
    if data is None:
        rng = np.random.RandomState(0)
        data = rng.rand(2000, 784), rng.randint(10, size=2000)
    X_all, y_all = data
    sizes = SIZES[:1] if args.quick else SIZES
    rows = []
    for n, n_features, hidden in sizes:
        X, y = X_all[:n, :n_features], y_all[:n]
        times = {1: [], 2: []}
        for _ in range(args.repeats):
            for threads in (1, 2):
                times[threads].append(fit_once(X, y, hidden, threads))
        units = (n_features, *hidden, 10)
        work = n * sum(a * b for a, b in zip(units[:-1], units[1:]))
        wall = {t: median([w for w, _ in times[t]]) for t in times}
        cpu = {t: median([c for _, c in times[t]]) for t in times}
        rows.append([n, "%d-%s-10" % (n_features, "-".join(map(str, hidden))), "%.1e" % work,
                     "%.2f" % wall[1], "%.2f" % wall[2], "%.2f×" % (wall[2] / wall[1]),
                     "%.2f" % cpu[1], "%.2f" % cpu[2]])
        print(rows[-1], flush=True)
    return rows


if __name__ == "__main__":
    main()
