"""Size and accuracy of weight sharing after pruning (per-layer KMeans codebooks).

A ``PrunedMLPClassifier`` is fitted (float32 data, ``StandardScaler``), then
each layer's surviving weights are shared: a codebook of ``2 ** bits`` values
fitted by KMeans on the layer's stored weights, bit-packed codes, the compact
sparsity pattern, and a short full-batch fine-tune of the shared values with
the codes fixed (``skprune._compress``; not yet a parameter of ``fit``).

Bytes are those of the stored parts (codebooks, packed codes, patterns and
biases) against the original dense float32 weights and biases; accuracy is
on the held-out rows, against ``MLPClassifier()`` (defaults) and the dense
architecture ``MLPClassifier(hidden_layer_sizes=...)``, in the same process,
one BLAS thread.

Run ``python benchmarks/bench_compress.py [--quick] [--seeds 0 1 2]``.
"""

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
from _timing import common_arguments, digits_split, header, load_mnist, pinned
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from skprune import PrunedMLPClassifier, compression_report
from skprune._compress import (
    decode_layer,
    fine_tune_codebooks,
    share_layer,
    stored_bytes,
)

MNIST_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mnist"
BITS = (4, 5, 6)


def mnist_split(root, seed, rows):
    X, y = load_mnist(root)
    if rows:
        X, y = X[:rows], y[:rows]
    X_tr, X_te, y_tr, y_te = train_test_split(
        X, y, test_size=0.2, random_state=seed, stratify=y
    )
    scaler = StandardScaler().fit(X_tr)
    return (*(scaler.transform(a).astype(np.float32) for a in (X_tr, X_te)), y_tr, y_te)


def shared_score(clf, X_tr, y_tr, X_te, y_te, bits):
    """Accuracy and stored bytes of ``clf`` with its layers shared at ``bits``."""
    shared = [share_layer(W, bits, random_state=0) for W in clf.coefs_]
    Y = (y_tr[:, None] == clf.classes_[None, :]).astype(X_tr.dtype)
    t0 = time.process_time()
    books, biases, _ = fine_tune_codebooks(
        X_tr, Y, np.ones(len(y_tr), X_tr.dtype), shared, clf.intercepts_,
        clf.activation, "log_loss", clf.alpha, n_iter=30,
    )
    seconds = time.process_time() - t0
    original = clf.coefs_, clf.intercepts_
    clf.coefs_ = [decode_layer(s, b) for s, b in zip(shared, books)]
    clf.intercepts_ = biases
    clf._build_inference_plan()
    accuracy = clf.score(X_te, y_te)
    clf.coefs_, clf.intercepts_ = original
    clf._build_inference_plan()
    return accuracy, stored_bytes(shared, biases), seconds


def run(name, split, hidden, sparsity, seeds):
    rows = []
    for seed in seeds:
        X_tr, X_te, y_tr, y_te = split(seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            default = MLPClassifier(random_state=seed).fit(X_tr, y_tr)
            dense = MLPClassifier(hidden, random_state=seed).fit(X_tr, y_tr)
            clf = PrunedMLPClassifier(hidden, sparsity=sparsity, random_state=seed)
            clf.fit(X_tr, y_tr)
        units = [X_tr.shape[1], *hidden, len(clf.classes_)]
        dense_bytes = 4 * sum(a * b + b for a, b in zip(units[:-1], units[1:]))
        report = compression_report(clf)
        rows.append((seed, "MLPClassifier()", default.score(X_te, y_te), None, None))
        rows.append((seed, "MLPClassifier%s" % (hidden,), dense.score(X_te, y_te),
                     dense_bytes, None))
        rows.append((seed, "pruned %.2f (CSR float32)" % sparsity,
                     clf.score(X_te, y_te), report["stored_bytes"], None))
        for bits in BITS:
            acc, parts, sec = shared_score(clf, X_tr, y_tr, X_te, y_te, bits)
            rows.append((seed, "pruned + %d-bit shared" % bits, acc, parts["total"],
                         parts))
        for seed_, label, acc, nbytes, parts in rows[-3 - len(BITS):]:
            ratio = "" if nbytes is None else "1/%.1f" % (dense_bytes / nbytes)
            detail = "" if parts is None else (
                "values %(values)d, indices %(indices)d, pattern %(pattern)d, "
                "biases %(biases)d, %(bits_per_weight).2f bits/weight" % parts)
            print("| %s | %d | %s | %.4f | %s | %s | %s |" % (
                name, seed_, label, acc, "" if nbytes is None else nbytes, ratio, detail),
                flush=True)
    return rows


def main():
    parser = common_arguments(argparse.ArgumentParser(description=__doc__))
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--skip-mnist", action="store_true")
    parser.add_argument("--mnist-dir", type=Path, default=MNIST_DIR)
    args = parser.parse_args()
    header("Weight sharing after pruning: bytes and accuracy", args.threads)
    print("| data | seed | model | test accuracy | stored bytes | of dense float32 "
          "| parts |\n|---|---|---|---|---|---|---|")
    with pinned(args.threads):
        n = 400 if args.quick else None
        run("digits (100,)", lambda s: digits_split(n, np.float32), (100,), 0.9,
            args.seeds)
        if not args.skip_mnist and load_mnist(args.mnist_dir) is not None:
            rows = 1500 if args.quick else None
            run("MNIST-10k LeNet-300-100", lambda s: mnist_split(args.mnist_dir, s, rows),
                (300, 100), 0.92, args.seeds)


if __name__ == "__main__":
    main()
