"""Single-row predict latency: skprune's fast path against MLPClassifier.

A 784-300-100-10 ``PrunedMLPClassifier`` at 95 % sparsity (every layer
pruned to the same density) on MNIST-shaped random data is timed, per call,
on batches of 1, 8, 64 and 2,000 rows of a C-contiguous ndarray against:

- scikit-learn's ``MLPClassifier`` of the original 784-300-100-10
  architecture holding the unpruned weights (dense);
- the same skprune model with input validation forced through scikit-learn's
  ``validate_data`` (the full path every other input takes);
- the network pass alone: the model's inference plan (products, biases,
  activations) on an already validated array, the compute cost that no
  validation can go below.

Each candidate's figure is the CPU time per call averaged over a run of
calls; candidates run interleaved, one BLAS thread, and the table gives the
median of the repeats and the ratios (above 1 is faster than scikit-learn).

Run ``python benchmarks/bench_predict_row.py`` (about 2 minutes), or
``--quick``.
"""

import argparse
import copy
import time
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
from bench_epoch import synthetic
from bench_predict import pruned_model, sklearn_twin
from sklearn.exceptions import ConvergenceWarning


def per_call(fn, X, calls):
    def run():
        t0 = time.process_time()
        for _ in range(calls):
            fn(X)
        return (time.process_time() - t0) / calls

    return run


def full_path_copy(model):
    """A copy of ``model`` whose predictions always go through ``validate_data``."""
    full = copy.deepcopy(model)
    full._forward_fast = lambda X: None
    return full


def time_batch(model, twin, Xb, repeats, threads, calls):
    full = full_path_copy(model)
    plan = model._plan
    candidates = {}
    for method in ("predict", "predict_proba"):
        candidates[("sklearn", method)] = per_call(getattr(twin, method), Xb, calls)
        candidates[("skprune", method)] = per_call(getattr(model, method), Xb, calls)
        candidates[("full", method)] = per_call(getattr(full, method), Xb, calls)
    candidates[("products", "predict_proba")] = per_call(
        lambda X: plan.forward(X, model.activation, model.out_activation_), Xb, calls
    )
    with pinned(threads):
        times = interleaved(candidates, repeats)
    return {k: median(v) for k, v in times.items()}


def main():
    parser = common_arguments(argparse.ArgumentParser(description=__doc__))
    args = parser.parse_args()
    repeats = args.repeats or (5 if args.quick else 21)
    calls = 50 if args.quick else 400
    header(
        "single-row predict, 784-300-100-10 at 95 %% sparsity (median of %d "
        "interleaved repeats of %d calls, CPU time)" % (repeats, calls),
        args.threads,
    )
    warnings.simplefilter("ignore", ConvergenceWarning)
    n_train = 500 if args.quick else 2000
    X, y = synthetic(n_train + 2000, 784, 10)
    X_train, y_train, X_test = X[:n_train], y[:n_train], X[n_train:]
    rows = []
    for dtype in (np.float64, np.float32):
        Xt = X_train.astype(dtype)
        model = pruned_model(Xt, y_train, (300, 100), 0.95)
        twin = sklearn_twin(pruned_model(Xt, y_train, (300, 100), 0.0), Xt, y_train)
        for batch in (1, 8, 64, 2000):
            Xb = np.ascontiguousarray(X_test[:batch], dtype=dtype)
            np.testing.assert_array_equal(
                model.predict_proba(Xb), full_path_copy(model).predict_proba(Xb)
            )
            n_calls = calls if batch < 100 else max(2, calls // 100)
            t = time_batch(model, twin, Xb, repeats, args.threads, n_calls)
            products = t[("products", "predict_proba")]
            for method in ("predict", "predict_proba"):
                base, ours = t[("sklearn", method)], t[("skprune", method)]
                full = t[("full", method)]
                rows.append(
                    [
                        np.dtype(dtype).name,
                        batch,
                        method,
                        "%.4g" % (1e6 * base),
                        "%.4g" % (1e6 * full),
                        "%.4g" % (1e6 * ours),
                        "%.4g" % (1e6 * products),
                        "**%.1f**" % (base / ours),
                        "%.2f" % (full / ours),
                    ]
                )
    print(
        markdown_table(
            [
                "dtype",
                "batch",
                "method",
                "MLPClassifier (µs)",
                "skprune, validate_data (µs)",
                "skprune (µs)",
                "network pass alone (µs)",
                "speed-up vs MLPClassifier",
                "speed-up vs validate_data",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    main()
