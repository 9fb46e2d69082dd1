"""One full-batch gradient iteration on a dask cluster against the same in memory.

A ``distributed.LocalCluster`` of 2 worker processes (1 thread each) holds
``rows x 100`` float32 rows (10 classes, a linear teacher) generated on the
workers with ``dask.array.random``: the client never holds them. Each worker's
``memory_limit`` is set below the data's size, so no single worker could
hold it all. One iteration is :meth:`skprune._data.dask_blocks.DaskData.loss_and_gradients`
for a network of one hidden layer of 100 units: the weights broadcast to the
workers, ``skprune._net.network.loss_and_gradients`` on every row block, a tree
sum on the workers, the sum sent back.

Measured:

- the time per iteration, against ``_network.loss_and_gradients`` on the same
  rows held in the client's memory, interleaved, medians; in memory with BLAS
  pinned to ``--memory-threads`` (default 1: on a shared, oversubscribed
  machine OpenBLAS's threads spin and a 2-thread run can be 10x slower than
  a 1-thread one), so the table also gives the ratio per core: cluster time
  x workers / in-memory time x threads;
- what an iteration costs beyond computing: a round trip over all blocks
  doing nothing (scheduling), and the weights' broadcast (communication);
- a cost model ``T = t_noop + t_broadcast + ceil(blocks / workers) * t_block``
  with ``t_block`` the compute time of one block measured inside the workers
  (all of them at once, as in an iteration), against the measured ``T``, and
  the share of an iteration the busiest worker spends computing (from
  dask's task stream);
- the client process's peak resident memory (sampled every 10 ms) while the
  data is generated, persisted and iterated on, against the data's size.

Run ``python benchmarks/bench_dask.py`` (4,000,000 rows, 1.6 GB, about two
minutes on 2 cores) or ``--quick`` (200,000 rows).
"""

import argparse
import math
import threading
import time

import numpy as np
from _timing import describe_machine, markdown_table, median, pinned, provenance

#: Extra worker memory configuration: no spilling to disk (it would time the
#: disk), pause and terminate only near the limit.
MEMORY_CONFIG = {
    "distributed.worker.memory.target": False,
    "distributed.worker.memory.spill": False,
    "distributed.worker.memory.pause": 0.95,
    "distributed.worker.memory.terminate": 0.98,
}


class PeakRSS:
    """The process's peak resident memory while the context runs, sampled."""

    def __init__(self, interval=0.01):
        import psutil

        self.process = psutil.Process()
        self.interval = interval
        self.peak = self.process.memory_info().rss
        self._stop = threading.Event()

    def _sample(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(self.interval)

    def __enter__(self):
        self.start = self.process.memory_info().rss
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def make_data(da, rows, features, classes, block_rows, seed=0):
    """Lazy float32 data and one-hot targets of a linear teacher, built per block."""
    rng = da.random.default_rng(seed)
    X = rng.standard_normal((rows, features), dtype=np.float32,
                            chunks=(block_rows, features))
    teacher = np.random.default_rng(seed).standard_normal((features, classes))
    labels = (X @ teacher.astype(np.float32)).argmax(axis=1)
    Y = labels.map_blocks(
        lambda b: np.eye(classes, dtype=np.float32)[b], new_axis=1,
        chunks=(X.chunks[0], (classes,)), dtype=np.float32,
    )
    sw = da.ones(rows, dtype=np.float32, chunks=(X.chunks[0],))
    return X, Y, sw


def network(features, hidden, classes, seed=0):
    rng = np.random.default_rng(seed)
    coefs = [rng.uniform(-0.1, 0.1, (features, hidden)).astype(np.float32),
             rng.uniform(-0.1, 0.1, (hidden, classes)).astype(np.float32)]
    intercepts = [np.zeros(hidden, np.float32), np.zeros(classes, np.float32)]
    return coefs, intercepts


def _time_block(X, Y, sw, weights, sw_sum, repeats):
    """Compute time of one block's loss and gradient, measured inside the worker."""
    from skprune._data.dask_blocks import _block_loss_and_gradients

    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        _block_loss_and_gradients(X, Y, sw, weights, "relu", "log_loss", 0.0, sw_sum)
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def _busy_share(tasks, wall):
    """Share of an iteration's wall time the busiest worker spent computing."""
    busy = {}
    for task in tasks:
        for part in task["startstops"]:
            if part["action"] == "compute":
                busy[task["worker"]] = busy.get(task["worker"], 0.0) + (
                    part["stop"] - part["start"])
    return max(busy.values()) / wall


def measure(args):
    import dask
    import dask.array as da
    import distributed

    from skprune._data.dask_blocks import DaskData

    data_bytes = args.rows * args.features * 4
    memory_limit = max(int(0.9 * data_bytes), 600 * 2**20)
    dask.config.set(MEMORY_CONFIG)
    out = {"data_bytes": data_bytes, "memory_limit": memory_limit}
    coefs, intercepts = network(args.features, args.hidden, args.classes)
    weights_bytes = sum(a.nbytes for a in coefs + intercepts)
    with (
        distributed.LocalCluster(
            n_workers=args.workers, threads_per_worker=1, processes=True,
            memory_limit=memory_limit, dashboard_address=":0",
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        with PeakRSS() as rss:
            X, Y, sw = make_data(da, args.rows, args.features, args.classes,
                                 args.block_rows)
            t0 = time.perf_counter()
            data = DaskData(X, Y, sw, client=client)
            distributed.wait([*distributed.futures_of(data.X)])
            out["persist"] = time.perf_counter() - t0
            step = lambda: data.loss_and_gradients(  # noqa: E731
                coefs, intercepts, "relu", "log_loss", 1e-4)
            step()  # warm-up: imports and first-call costs on the workers
            dask_times, noop, bcast = [], [], []
            for _ in range(args.repeats):
                t0 = time.perf_counter()
                step()
                dask_times.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                data.round_trip()
                noop.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                [f] = client.scatter([(coefs, intercepts)], broadcast=True, hash=False)
                bcast.append(time.perf_counter() - t0)
                del f
        # Calibrate the block cost with every worker computing at once, as
        # they do during an iteration (they share memory bandwidth and cores).
        workers = list(client.scheduler_info()["workers"])
        x0, y0, s0 = data._blocks[0]
        t_block = float(np.mean(client.gather([
            client.submit(
                _time_block, x0, y0, s0, (coefs, intercepts), data.sw_sum,
                args.repeats, pure=False, workers=[w], allow_other_workers=False,
            ) for w in workers
        ])))
        with distributed.get_task_stream(client) as stream:
            t0 = time.perf_counter()
            step()
            wall = time.perf_counter() - t0
        out["busy_share"] = _busy_share(stream.data, wall)
        out.update(
            client_start=rss.start, client_peak=rss.peak, dask=dask_times, noop=noop,
            broadcast=bcast, t_block=t_block, n_blocks=data.n_blocks,
            weights_bytes=weights_bytes, value=step()[0],
        )
        if args.rows <= args.in_memory_max_rows:
            # The same rows, now computed into the client (after the memory
            # figures above), for the in-memory reference.
            out.update(in_memory(args, data, X, Y, sw, coefs, intercepts, step))
    return out


def in_memory(args, data, X, Y, sw, coefs, intercepts, step):
    from skprune._net.network import loss_and_gradients

    Xm, Ym, swm = (a.compute(scheduler="threads") for a in (X, Y, sw))
    reference = loss_and_gradients(
        Xm, Ym, swm, coefs, intercepts, "relu", "log_loss", 1e-4)
    times = {"dask": [], "memory": []}
    with pinned(args.memory_threads):
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            got = step()
            times["dask"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            loss_and_gradients(Xm, Ym, swm, coefs, intercepts, "relu", "log_loss", 1e-4)
            times["memory"].append(time.perf_counter() - t0)
    diff = max(
        float(np.max(np.abs(g - r)) / max(float(np.max(np.abs(r))), 1e-30))
        for g, r in zip(got[1] + got[2], reference[1] + reference[2])
    )
    return {"paired": times, "max_rel_diff": diff,
            "loss_rel_diff": abs(got[0] - reference[0]) / abs(reference[0])}


def report(args, out, argv=None):
    mib = 2**20
    lines = [provenance(__file__, argv) + "\n",
             "## One gradient iteration on a dask cluster\n"]
    lines += describe_machine(args.memory_threads)
    lines.append(
        "- data: %d x %d float32 (%.0f MiB), %d classes, %d blocks of %d rows; "
        "network %d-%d-%d; LocalCluster of %d worker processes x 1 thread, "
        "memory_limit %.0f MiB each\n"
        % (args.rows, args.features, out["data_bytes"] / mib, args.classes,
           out["n_blocks"], args.block_rows, args.features, args.hidden, args.classes,
           args.workers, out["memory_limit"] / mib))
    T = median(out["dask"])
    noop, bcast, t_block = median(out["noop"]), median(out["broadcast"]), out["t_block"]
    model = noop + bcast + math.ceil(out["n_blocks"] / args.workers) * t_block
    rows = [
        ["iteration on the cluster (median of %d)" % len(out["dask"]), "%.3f s" % T],
        ["no-op round trip over all blocks (scheduling)", "%.1f ms (%.1f %%)"
         % (1e3 * noop, 100 * noop / T)],
        ["broadcast of the weights (%.0f KiB)" % (out["weights_bytes"] / 1024),
         "%.1f ms (%.1f %%)" % (1e3 * bcast, 100 * bcast / T)],
        ["one block's compute, all workers computing at once", "%.1f ms"
         % (1e3 * t_block)],
        ["share of an iteration the busiest worker computes (task stream)",
         "%.0f %%" % (100 * out["busy_share"])],
        ["model: no-op + broadcast + ceil(%d blocks / %d workers) x block"
         % (out["n_blocks"], args.workers), "%.3f s (%+.0f %% of measured)"
         % (model, 100 * (model - T) / T)],
    ]
    if "paired" in out:
        d, m = median(out["paired"]["dask"]), median(out["paired"]["memory"])
        rows += [
            ["in memory, same rows, BLAS %d thread(s) (paired median)"
             % args.memory_threads, "%.3f s" % m],
            ["cluster / in memory (paired medians)", "%.2f x" % (d / m)],
            ["per core: cluster x %d workers / in memory x %d thread(s)"
             % (args.workers, args.memory_threads),
             "%.2f x" % (d * args.workers / (m * args.memory_threads))],
            ["largest relative difference of a gradient, loss (float32)",
             "%.1e, %.1e" % (out["max_rel_diff"], out["loss_rel_diff"])],
        ]
    else:
        rows.append(["in memory", "not run (more than --in-memory-max-rows rows)"])
    growth = out["client_peak"] - out["client_start"]
    rows += [
        ["client RSS: at start, peak (generate, persist, iterate)", "%.0f MiB, %.0f MiB"
         % (out["client_start"] / mib, out["client_peak"] / mib)],
        ["client peak growth / data size", "%.1f %% (peak / data: %.1f %%)"
         % (100 * growth / out["data_bytes"],
            100 * out["client_peak"] / out["data_bytes"])],
        ["persisting the data (generated on the workers)", "%.1f s" % out["persist"]],
    ]
    lines.append(markdown_table(["measure", "value"], rows))
    lines.append(
        "\nTargets: iteration <= 1.5 x in memory; model within 30 %; client peak "
        "< 10 % of the data's size.")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200,000 rows, 3 repeats")
    parser.add_argument("--rows", type=int, default=4_000_000)
    parser.add_argument("--features", type=int, default=100)
    parser.add_argument("--hidden", type=int, default=100)
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--block-rows", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--memory-threads", type=int, default=1)
    parser.add_argument("--in-memory-max-rows", type=int, default=4_000_000)
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.block_rows, args.repeats = 200_000, 25_000, 3
    text = report(args, measure(args), argv)
    print(text)
    return text


if __name__ == "__main__":
    main()
