"""Size and accuracy of weight sharing after pruning (``weight_bits``).

On each data set and seed the same process fits ``MLPClassifier`` and
``PrunedMLPClassifier`` with the pruned models' hidden layers and otherwise
default settings (the latter prunes what its thresholds remove), the pruned
architecture without sharing, and the pruned architecture with ``weight_bits`` (each
layer's surviving weights share ``2 ** weight_bits`` values, fine-tuned with
the codes fixed), on float32 data scaled by ``StandardScaler``. Data: digits, (100,),
split 75 / 25 (stratified, ``random_state=0``); MNIST-10k, (300, 100), the
first 8,000 images to train and the last 2,000 to test; the seeds are the
fits' ``random_state``.

Sizes: ``stored`` is what :func:`skprune.compression_report` counts (values
or codebooks, codes, sparsity pattern, biases); ``pickle`` is the whole
``pickle.dumps`` of the fitted estimator (loss curve, history and other
fitted attributes included). Both are compared with the original
architecture's dense float32 weights and biases. Fit times are CPU seconds,
one BLAS thread.

With ``--onnx`` the pruned models are also exported by skl2onnx (float32)
and the file's bytes compared with the dense float32 weights and biases
(a dense export is at least that large); the largest difference from
``predict_proba`` on the test rows is printed with it.

Run ``python benchmarks/bench_compress.py [--quick] [--seeds 0 1 2]
[--bits 4 5] [--onnx] [--mnist-dir DIR]``.
"""

import argparse
import pickle
import time
import warnings
from pathlib import Path

import numpy as np
from _timing import (
    common_arguments,
    default_mnist_dir,
    digits_split,
    header,
    load_mnist,
    pinned,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from skprune import PrunedMLPClassifier, compression_report

MNIST_DIR = default_mnist_dir()


def mnist_split(root, seed, rows):
    """The first 80 % of the rows to train, the last 20 % to test (the seed is the fits')."""
    X, y = load_mnist(root)
    if rows:
        X, y = X[:rows], y[:rows]
    cut = len(y) * 4 // 5
    X_tr, X_te, y_tr, y_te = X[:cut], X[cut:], y[:cut], y[cut:]
    scaler = StandardScaler().fit(X_tr)
    return (*(scaler.transform(a).astype(np.float32) for a in (X_tr, X_te)), y_tr, y_te)


def models(hidden, sparsity, bits_list, seed):
    # The references have the pruned models' architecture; the default one,
    # (100,), is written as the default.
    shape = "" if hidden == (100,) else repr(hidden)
    yield "MLPClassifier(%s)" % shape, MLPClassifier(hidden, random_state=seed)
    yield "PrunedMLPClassifier(%s)" % shape, PrunedMLPClassifier(hidden, random_state=seed)
    pruned = dict(hidden_layer_sizes=hidden, sparsity=sparsity, random_state=seed)
    yield "pruned %.2f" % sparsity, PrunedMLPClassifier(**pruned)
    for bits in bits_list:
        yield ("pruned %.2f, weight_bits=%d" % (sparsity, bits),
               PrunedMLPClassifier(weight_bits=bits, **pruned))


def onnx_size(model, X):
    """Bytes of the float32 ONNX file and its largest deviation from ``predict_proba``."""
    import onnxruntime as ort
    import skl2onnx

    import skprune.onnx

    skprune.onnx.register()
    onx = skl2onnx.to_onnx(model, X[:1], options={"zipmap": False})
    session = ort.InferenceSession(onx.SerializeToString(),
                                   providers=["CPUExecutionProvider"])
    _, proba = session.run(None, {session.get_inputs()[0].name: X})
    return len(onx.SerializeToString()), float(np.abs(proba - model.predict_proba(X)).max())


def run(name, split, hidden, sparsity, seeds, bits_list, onnx=False):
    rows = []
    for seed in seeds:
        X_tr, X_te, y_tr, y_te = split(seed)
        units = [X_tr.shape[1], *hidden, len(np.unique(y_tr))]
        dense_bytes = 4 * sum(a * b + b for a, b in zip(units[:-1], units[1:]))
        for label, model in models(hidden, sparsity, bits_list, seed):
            t0 = time.process_time()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model.fit(X_tr, y_tr)
            seconds = time.process_time() - t0
            row = {"data": name, "seed": seed, "model": label,
                   "accuracy": model.score(X_te, y_te), "seconds": seconds,
                   "pickle": len(pickle.dumps(model)), "dense": dense_bytes}
            if label.startswith("pruned"):
                row["report"] = compression_report(model)
                if onnx:
                    row["onnx"] = onnx_size(model, X_te)
            rows.append(row)
            print_row(row)
    return rows


def print_row(row):
    report = row.get("report")
    stored = parts = ""
    if report is not None:
        stored = "%d (1/%.1f)" % (report["stored_bytes"],
                                  row["dense"] / report["stored_bytes"])
        parts = ("values %(values_bytes)d, codes %(codes_bytes)d, pattern "
                 "%(pattern_bytes)d, biases %(biases_bytes)d; %(bits_per_weight).2f "
                 "bits/weight" % report)
    if "onnx" in row:
        nbytes, deviation = row["onnx"]
        parts += "; ONNX %d bytes (1/%.1f), max |diff| %.1e" % (
            nbytes, row["dense"] / nbytes, deviation)
    print("| %s | %d | %s | %.4f | %.1f | %s | %d (1/%.1f) | %s |" % (
        row["data"], row["seed"], row["model"], row["accuracy"], row["seconds"], stored,
        row["pickle"], row["dense"] / row["pickle"], parts), flush=True)


def summary(rows):
    """Per model: mean accuracy, worst paired gap to the ``MLPClassifier``, size ratios."""
    print("\n| data | model | accuracy (mean ± sd) | worst gap to MLPClassifier (points) "
          "| stored of dense float32 | pickle of dense float32 | fit CPU s |\n"
          "|---|---|---|---|---|---|---|")
    reference = {(r["data"], r["seed"]): r["accuracy"] for r in rows
                 if r["model"].startswith("MLPClassifier(")}
    keys = list(dict.fromkeys((r["data"], r["model"]) for r in rows))
    for data, model in keys:
        group = [r for r in rows if (r["data"], r["model"]) == (data, model)]
        acc = np.array([r["accuracy"] for r in group]) * 100
        gap = min(r["accuracy"] - reference[r["data"], r["seed"]] for r in group) * 100
        stored = [r["dense"] / r["report"]["stored_bytes"] for r in group if "report" in r]
        pickled = [r["dense"] / r["pickle"] for r in group]
        ratio = "1/%.1f - 1/%.1f" % (min(stored), max(stored)) if stored else ""
        onnx = [r["dense"] / r["onnx"][0] for r in group if "onnx" in r]
        if onnx:
            ratio += "; ONNX 1/%.1f - 1/%.1f" % (min(onnx), max(onnx))
        print("| %s | %s | %.2f ± %.2f | %+.2f | %s | 1/%.1f - 1/%.1f | %.1f |" % (
            data, model, acc.mean(), acc.std(), gap, ratio, min(pickled), max(pickled),
            np.median([r["seconds"] for r in group])))


def main():
    parser = common_arguments(argparse.ArgumentParser(description=__doc__))
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--bits", type=int, nargs="+", default=[4])
    parser.add_argument("--skip-mnist", action="store_true")
    parser.add_argument("--onnx", action="store_true",
                        help="also export the pruned models to ONNX (float32)")
    parser.add_argument("--mnist-dir", type=Path, default=MNIST_DIR)
    args = parser.parse_args()
    header("Weight sharing (weight_bits): bytes and accuracy", args.threads)
    print("| data | seed | model | test accuracy | fit CPU s | stored bytes (of dense "
          "float32) | pickle bytes (of dense float32) | parts |\n"
          "|---|---|---|---|---|---|---|---|")
    rows = []
    with pinned(args.threads):
        n = 400 if args.quick else None
        rows += run("digits (100,)", lambda s: digits_split(n, np.float32), (100,), 0.9,
                    args.seeds, args.bits, args.onnx)
        if not args.skip_mnist and load_mnist(args.mnist_dir) is not None:
            n = 1500 if args.quick else None
            rows += run("MNIST-10k LeNet-300-100",
                        lambda s: mnist_split(args.mnist_dir, s, n), (300, 100), 0.92,
                        args.seeds, args.bits, args.onnx)
    summary(rows)


if __name__ == "__main__":
    main()
