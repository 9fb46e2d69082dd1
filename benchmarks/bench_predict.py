"""Predict latency: skprune against scikit-learn's dense MLP and onnxruntime.

A 784-300-100-10 ``PrunedMLPClassifier`` is pruned layer by layer to each
sparsity (0 to 99 %); a further model has half the hidden neurons
(784-150-50-10) and 90 % of the remaining weights pruned. Each is timed
against scikit-learn's ``MLPClassifier`` of the original 784-300-100-10
architecture holding the unpruned model's weights as dense arrays (a dense
product costs the same whatever the values), and against onnxruntime running
the model's ONNX export (``skprune.onnx``; one intra-op thread).

Times are of ``predict`` and ``predict_proba`` end to end, input validation
included, per call (at batches 1 and 64 a measurement averages many calls);
candidates run interleaved, one BLAS thread, and the tables give medians and
ratios (speed relative to scikit-learn: above 1 is faster). A second table
gives ONNX file sizes against the file skl2onnx writes for the dense
``MLPClassifier``.

Run ``python benchmarks/bench_predict.py`` (about 10 minutes), or ``--quick``.
"""

import argparse
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
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from skprune import PrunedMLPClassifier

SPARSITIES = [0.0, 0.5, 0.8, 0.9, 0.95, 0.99]
NEURONS = "half the neurons + 90 %"


def pruned_model(X, y, hidden, sparsity):
    return PrunedMLPClassifier(
        hidden_layer_sizes=hidden,
        max_iter=2,
        retrain_iter=0,
        sparsity=sparsity,
        # Every layer at the same density: the tables are read per layer.
        criterion="magnitude",
        prune_scope="layer",
        weight_threshold=0.0,
        neuron_threshold=0.0,
        random_state=0,
    ).fit(X, y)


def sklearn_twin(model, X, y):
    """An MLPClassifier carrying the same weights, dense."""
    twin = MLPClassifier(hidden_layer_sizes=model.hidden_layer_sizes_, max_iter=1).fit(
        X[:50], y[:50]
    )
    twin.coefs_ = [W.toarray() for W in model.coefs_]
    twin.intercepts_ = [b.copy() for b in model.intercepts_]
    return twin


def onnx_runner(model, X):
    """``(predict, predict_proba, file bytes)`` of onnxruntime, or None without it."""
    try:
        import onnxruntime as ort
        import skl2onnx

        import skprune.onnx
    except ImportError:
        return None
    skprune.onnx.register()
    onx = skl2onnx.to_onnx(model, X[:1], options={"zipmap": False})
    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    session = ort.InferenceSession(
        onx.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )
    name = session.get_inputs()[0].name
    return (
        lambda A: session.run(["label"], {name: A})[0],
        lambda A: session.run(["probabilities"], {name: A})[0],
        len(onx.SerializeToString()),
    )


def dense_onnx_bytes(twin, X):
    try:
        import skl2onnx
    except ImportError:
        return None
    return len(
        skl2onnx.to_onnx(twin, X[:1], options={"zipmap": False}).SerializeToString()
    )


def per_call(fn, X, calls):
    def run():
        t0 = time.perf_counter()
        for _ in range(calls):
            fn(X)
        return (time.perf_counter() - t0) / calls

    return run


def check_outputs(models, runners, X):
    """onnxruntime's probabilities against skprune's: the largest difference."""
    worst = 0.0
    for key, model in models.items():
        if runners.get(key):
            diff = np.abs(runners[key][1](X) - model.predict_proba(X)).max()
            worst = max(worst, float(diff))
    return worst


def time_batch(models, twin, runners, Xb, repeats, threads):
    calls = {1: 200, 64: 20}.get(len(Xb), 1)
    candidates = {}
    for method in ("predict", "predict_proba"):
        candidates[("sklearn", method)] = per_call(getattr(twin, method), Xb, calls)
        for key, model in models.items():
            candidates[(key, method)] = per_call(getattr(model, method), Xb, calls)
            if runners.get(key):
                fn = runners[key][0 if method == "predict" else 1]
                candidates[(("onnx", key), method)] = per_call(fn, Xb, calls)
    with pinned(threads):
        times = interleaved(candidates, repeats)
    return {k: median(v) for k, v in times.items()}


def main():
    parser = common_arguments(argparse.ArgumentParser(description=__doc__))
    args = parser.parse_args()
    repeats = args.repeats or (3 if args.quick else 7)
    header(
        "predict latency, 784-300-100-10 (median of %d interleaved repeats)" % repeats,
        args.threads,
    )
    warnings.simplefilter("ignore", ConvergenceWarning)
    n_train = 1000 if args.quick else 2000
    big = 1000 if args.quick else 10_000
    X, y = synthetic(n_train + big, 784, 10)
    X_train, y_train, X_test = X[:n_train], y[:n_train], X[n_train:]
    rows, sizes, worst = [], [], 0.0
    for dtype in (np.float32, np.float64):
        Xt = X_train.astype(dtype)
        models = {s: pruned_model(Xt, y_train, (300, 100), s) for s in SPARSITIES}
        models[NEURONS] = pruned_model(Xt, y_train, (150, 50), 0.9)
        twin = sklearn_twin(models[0.0], Xt, y_train)
        runners = {k: onnx_runner(m, Xt) for k, m in models.items()}
        worst = max(worst, check_outputs(models, runners, X_test[:1000].astype(dtype)))
        dense_file = dense_onnx_bytes(twin, Xt)
        name = np.dtype(dtype).name
        for key, model in models.items():
            if runners.get(key) and dense_file:
                sizes.append(
                    [
                        name,
                        _label(key, model),
                        runners[key][2],
                        dense_file,
                        "**%.3f**" % (runners[key][2] / dense_file),
                    ]
                )
        for batch in (1, 64, big):
            Xb = np.ascontiguousarray(X_test[:batch], dtype=dtype)
            reps = repeats if batch < 5000 else max(3, repeats // 2)
            t = time_batch(models, twin, runners, Xb, reps, args.threads)
            for method in ("predict", "predict_proba"):
                base = t[("sklearn", method)]
                for key, model in models.items():
                    onnx_time = t.get((("onnx", key), method))
                    rows.append(
                        [
                            name,
                            batch,
                            method,
                            _label(key, model),
                            "%.3g" % (1e3 * base),
                            "%.3g" % (1e3 * t[(key, method)]),
                            "**%.2f**" % (base / t[(key, method)]),
                            "%.3g" % (1e3 * onnx_time) if onnx_time else "",
                            "%.2f" % (base / onnx_time) if onnx_time else "",
                        ]
                    )
    print(
        markdown_table(
            [
                "dtype",
                "batch",
                "method",
                "model",
                "sklearn dense (ms)",
                "skprune (ms)",
                "skprune speed-up",
                "onnxruntime (ms)",
                "onnxruntime speed-up",
            ],
            rows,
        )
    )
    print("\n## ONNX files (skl2onnx.to_onnx, zipmap=False)\n")
    print(
        markdown_table(
            [
                "dtype",
                "model",
                "skprune ONNX bytes",
                "sklearn dense MLPClassifier ONNX bytes",
                "skprune / sklearn",
            ],
            sizes,
        )
    )
    print("\nLargest |onnxruntime - skprune| predict_proba difference: %.2g" % worst)


def _label(key, model):
    if key == NEURONS:
        return "%s (%.1f %% of the original weights pruned)" % (
            NEURONS,
            100
            * (1 - sum(W.nnz for W in model.coefs_) / (784 * 300 + 300 * 100 + 1000)),
        )
    return "%g %% pruned" % (100 * key)


if __name__ == "__main__":
    main()
