"""The per-chunk overhead of a fit pass on dask, against the rows per chunk.

A fit on dask arrays computes every loss and gradient (one pass per solver
iteration) block by block on the cluster: a task per row block, a tree sum,
the result back. Each block costs a fixed amount of scheduling and
bookkeeping on top of its arithmetic, so with small blocks the fixed cost
dominates the pass. This script measures it:

- the same rows (``--rows``, default 4,000 x 20 features, 3 classes) in row
  chunks of decreasing size, for networks of three widths, on an in-process
  ``distributed.LocalCluster`` (2 workers of 1 thread, ``processes=False``,
  so the CPU time of this process is the cluster's);
- the CPU time of one pass (:meth:`skprune._data.dask_blocks.DaskData.loss_and_gradients`),
  interleaved over the chunk sizes, medians, and the same pass in memory;
- per network, a least-squares line ``T = t_0 + t_chunk * n_chunks``: the
  per-chunk overhead ``t_chunk``, and the in-memory cost per row and weight
  ``t_row_weight``; their ratio ``t_chunk / t_row_weight`` is the work per
  chunk (rows x weights) at which the overhead equals the arithmetic.

The smallest of those break-even points is the threshold below which
``fit`` warns (:data:`skprune._data.dask_blocks.MIN_CHUNK_WORK`), rounded down.

Run ``python benchmarks/bench_dask_chunks.py`` (about two minutes on 2
cores) or ``--quick``.
"""

import argparse
import time

import numpy as np
from _timing import common_arguments, header, markdown_table, median, pinned

WIDTHS = (16, 256, 1024)
CHUNK_ROWS = (4000, 1000, 250, 100, 40, 10)


def _problem(rows, n_features, width, rng):
    X = rng.normal(size=(rows, n_features))
    Y = np.eye(3)[rng.randint(3, size=rows)]
    sw = np.ones(rows)
    units = (n_features, width, 3)
    coefs = [rng.normal(size=(a, b)) / np.sqrt(a) for a, b in zip(units[:-1], units[1:])]
    intercepts = [np.zeros(b) for b in units[1:]]
    return X, Y, sw, coefs, intercepts


def _cpu(fn, repeats):
    """Median CPU seconds of ``fn()`` (this process: the in-process cluster included)."""
    times = []
    for _ in range(repeats):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return median(times)


def measure(client, rows, n_features, width, chunk_rows, repeats, rng):
    """Per chunk size: (n_chunks, CPU s per pass); and the in-memory CPU s per pass."""
    import dask.array as da

    from skprune._data.dask_blocks import DaskData
    from skprune._net.network import loss_and_gradients

    X, Y, sw, coefs, intercepts = _problem(rows, n_features, width, rng)
    sources = {
        c: DaskData(da.from_array(X, chunks=(c, -1)), da.from_array(Y, chunks=(c, -1)),
                    da.from_array(sw, chunks=c), client=client)
        for c in chunk_rows
    }
    passes = {c: [] for c in chunk_rows}
    memory = []
    for _ in range(repeats):  # interleaved: a slow moment hits every size alike
        for c, data in sources.items():
            passes[c].append(_cpu(lambda: data.loss_and_gradients(
                coefs, intercepts, "relu", "log_loss", 1e-4), 1))
        memory.append(_cpu(lambda: loss_and_gradients(
            X, Y, sw, coefs, intercepts, "relu", "log_loss", 1e-4), 3))
    weights = sum(W.size for W in coefs)
    return {c: (sources[c].n_blocks, median(passes[c])) for c in chunk_rows}, \
        median(memory), weights


def main():
    parser = common_arguments(argparse.ArgumentParser(description=__doc__.split("\n")[0]))
    parser.add_argument("--rows", type=int, default=4000)
    parser.add_argument("--features", type=int, default=20)
    args = parser.parse_args()
    import distributed

    repeats = args.repeats or (3 if args.quick else 9)
    rows = 800 if args.quick else args.rows
    chunk_rows = tuple(c for c in CHUNK_ROWS if c <= rows)
    rng = np.random.RandomState(0)
    header("Per-chunk overhead of a fit pass on dask", args.threads)
    print("- %d rows x %d features, 3 classes; LocalCluster(n_workers=2, "
          "threads_per_worker=1, processes=False); CPU time of this process, "
          "median of %d interleaved repeats\n" % (rows, args.features, repeats))
    breaks, summary = [], []
    with pinned(args.threads), distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False,
            dashboard_address=":0") as cluster, distributed.Client(cluster) as client:
        for width in WIDTHS:
            by_chunk, memory, weights = measure(client, rows, args.features, width,
                                                chunk_rows, repeats, rng)
            n = np.array([v[0] for v in by_chunk.values()], dtype=float)
            t = np.array([v[1] for v in by_chunk.values()])
            t_chunk, t_0 = np.polyfit(n, t, 1)
            per_row_weight = memory / (rows * weights)
            break_even = t_chunk / per_row_weight
            breaks.append(break_even)
            print("### hidden layer of %d (%d weights)\n" % (width, weights))
            print(markdown_table(
                ["rows per chunk", "chunks", "CPU ms per pass", "x in memory",
                 "overhead share (t_chunk x chunks / pass)"],
                [(c, nb, "%.2f" % (1e3 * tp), "%.1f" % (tp / memory),
                  "%.0f %%" % min(100, 100 * t_chunk * nb / tp))
                 for c, (nb, tp) in by_chunk.items()]))
            print()
            summary.append((width, weights, "%.2f" % (1e3 * memory), "%.2f" % (1e3 * t_chunk),
                            "%.2f" % (1e9 * per_row_weight), "%.2g" % break_even,
                            "%.0f" % (break_even / weights)))
    print("### Per-chunk overhead and break-even work per chunk\n")
    print(markdown_table(
        ["hidden", "weights", "in-memory CPU ms per pass", "t_chunk ms",
         "t_row_weight ns", "break-even rows x weights per chunk",
         "break-even rows per chunk"], summary))
    print("\nSmallest break-even work per chunk: %.2g rows x weights." % min(breaks))


if __name__ == "__main__":
    main()
