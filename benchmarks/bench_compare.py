"""PrunedMLPClassifier against scikit-learn's MLPClassifier, side by side.

One table per data set: test accuracy, stored weights, pickled model bytes,
the bytes of the weights alone (``MLPClassifier``'s pickle also holds
Adam's two moment estimates and a copy of the best weights, four times its
weights in all), fit time and predict time at batch 1, 64 and 10,000, for

- ``MLPClassifier(random_state=0)`` -- scikit-learn's defaults (Adam,
  mini-batches of 200, 200 epochs);
- ``PrunedMLPClassifier(random_state=0)`` -- skprune's defaults;
- ``PrunedMLPClassifier(sparsity=0.9, random_state=0)`` and ``sparsity=0.95``
  -- the defaults plus a sparsity target, nothing else.

Data: scikit-learn's digits (``train_test_split(test_size=0.25,
random_state=0, stratify=y)``, ``StandardScaler`` fitted on the training
part) and MNIST-10k (the official 10,000-image test split, read from
``--mnist-dir``, which ``python benchmarks/get_mnist.py DIR`` fills: the first 8,000
images train, the last 2,000 test, pixels / 255; skipped when absent). Both
are float64, what a user passes by default.

Timing: one process, BLAS pinned to one thread, the candidates timed in
turn (A, B, C, D, A, B, ...) and the median of the repeats reported. Predict
at batch 1 and 64 is the median time per call over many calls; batch 10,000
repeats test rows up to 10,000. Fit time is a single fit (noisy on a shared
machine).

Usage::

    python benchmarks/bench_compare.py            # digits and MNIST-10k, a few minutes
    python benchmarks/bench_compare.py --rst      # the same, as reST for the docs
    python benchmarks/bench_compare.py --quick    # seconds: a smoke run at tiny sizes
"""

import argparse
import pickle
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from skprune import PrunedMLPClassifier
from skprune._net.storage import pack_csr

# The tests load this file by path, so its folder is not on sys.path then.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import (  # noqa: E402
    default_mnist_dir,
    describe_machine,
    digits_split,
    interleaved,
    load_mnist,
    median,
    pinned,
    provenance,
)

MNIST_DIR = default_mnist_dir()

#: The candidates: a label and a factory taking ``quick``.
MODELS = {
    "MLPClassifier()": lambda quick: MLPClassifier(
        random_state=0, **({"max_iter": 20} if quick else {})
    ),
    "PrunedMLPClassifier()": lambda quick: PrunedMLPClassifier(
        random_state=0, **({"max_iter": 20, "retrain_iter": 5} if quick else {})
    ),
    "PrunedMLPClassifier, sparsity=0.9": lambda quick: PrunedMLPClassifier(
        sparsity=0.9, random_state=0,
        **({"max_iter": 20, "retrain_iter": 5} if quick else {}),
    ),
    "PrunedMLPClassifier, sparsity=0.95": lambda quick: PrunedMLPClassifier(
        sparsity=0.95, random_state=0,
        **({"max_iter": 20, "retrain_iter": 5} if quick else {}),
    ),
}


# ---------------------------------------------------------------------- #
# Data.
# ---------------------------------------------------------------------- #
def mnist_data(root=MNIST_DIR, n_samples=None):
    """First 8,000 images train, last 2,000 test, pixels / 255; None if absent."""
    data = load_mnist(root)
    if data is None:
        return None
    X, y = data
    n_train, n_test = n_samples or (8000, 2000)
    return X[:n_train], X[-n_test:], y[:n_train], y[-n_test:]


# ---------------------------------------------------------------------- #
# Measuring.
# ---------------------------------------------------------------------- #
def stored_weights(model):
    """Weights the fitted model stores: CSR non-zeros, or every dense entry."""
    return int(sum(W.nnz if hasattr(W, "nnz") else W.size for W in model.coefs_))


def weight_bytes(model):
    """Bytes of the weights and biases alone, as the model's pickle holds them.

    Dense arrays for scikit-learn's MLP; for a pruned model each layer's
    values and compact sparsity pattern (``skprune._net.inference.pack_csr``).
    """
    layers = [pack_csr(W) if sp.issparse(W) else {"W": W} for W in model.coefs_]
    arrays = [a for layer in layers for a in layer.values()] + list(model.intercepts_)
    return int(sum(a.nbytes for a in arrays))


def architecture(model):
    sizes = getattr(model, "hidden_layer_sizes_", model.hidden_layer_sizes)
    return "-".join(map(str, [model.n_features_in_, *sizes, model.n_outputs_]))


def batch_of(X, size):
    """``size`` rows: the test rows, repeated as often as needed."""
    reps = -(-size // len(X))
    return np.ascontiguousarray(np.tile(X, (reps, 1))[:size])


def time_predict(models, X, size, repeats, calls):
    """Median seconds per ``predict`` call at one batch size, per model."""
    batch = batch_of(X, size)

    def per_call(model):
        def run():
            t0 = time.perf_counter()
            for _ in range(calls):
                model.predict(batch)
            return (time.perf_counter() - t0) / calls

        return run

    times = interleaved({k: per_call(m) for k, m in models.items()}, repeats)
    return {k: median(v) for k, v in times.items()}


def measure(data, quick, repeats, batches):
    """Fit every candidate on ``data``; return one dict of results per model."""
    X_train, X_test, y_train, y_test = data
    models, rows = {}, {}
    for label, make in MODELS.items():
        t0 = time.perf_counter()
        model = make(quick).fit(X_train, y_train)
        fit_seconds = time.perf_counter() - t0
        models[label] = model
        rows[label] = {
            "model": label,
            "accuracy": model.score(X_test, y_test),
            "weights": stored_weights(model),
            "bytes": len(pickle.dumps(model)),
            "weight_bytes": weight_bytes(model),
            "network": architecture(model),
            "fit": fit_seconds,
        }
        print("  %s fitted in %.1f s" % (label, fit_seconds), file=sys.stderr)
    for size in batches:
        calls = max(1, min(200, 2000 // size))
        medians = time_predict(models, X_test, size, repeats, calls)
        for label, seconds in medians.items():
            rows[label]["predict_%d" % size] = seconds
    return list(rows.values())


# ---------------------------------------------------------------------- #
# Output.
# ---------------------------------------------------------------------- #
def _time(seconds):
    if seconds < 1e-3:
        return "%.0f µs" % (seconds * 1e6)
    if seconds < 1:
        return "%.2f ms" % (seconds * 1e3)
    return "%.2f s" % seconds


def table(rows, batches):
    """Header and rows of strings; ratios against the first row (MLPClassifier)."""
    ref = rows[0]
    header = ["model", "network", "accuracy", "weights", "bytes", "weights' bytes", "fit"]
    header += ["predict %s" % format(size, ",") for size in batches]
    body = []
    for row in rows:
        cells = [
            row["model"],
            row["network"],
            "%.4f" % row["accuracy"],
            format(row["weights"], ","),
            "%s (%.2f×)" % (format(row["bytes"], ","), row["bytes"] / ref["bytes"]),
            "%s (%.2f×)" % (format(row["weight_bytes"], ","),
                            row["weight_bytes"] / ref["weight_bytes"]),
            _time(row["fit"]),
        ]
        for size in batches:
            key = "predict_%d" % size
            cells.append("%s (%.2f×)" % (_time(row[key]), row[key] / ref[key]))
        body.append(cells)
    return header, body


def markdown(header, body):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cells) + " |" for cells in body]
    return lines


def rst(header, body):
    lines = [".. list-table::", "   :header-rows: 1", "   :widths: auto", ""]
    for cells in [header, *body]:
        lines.append("   * - " + cells[0])
        lines += ["     - " + c for c in cells[1:]]
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes and budgets, few repeats (a smoke run)")
    parser.add_argument("--rst", action="store_true",
                        help="reST list-tables (for the docs) instead of markdown")
    parser.add_argument("--datasets", nargs="+", default=["digits", "mnist"],
                        choices=["digits", "mnist"])
    parser.add_argument("--mnist-dir", type=Path, default=MNIST_DIR,
                        help="folder of the MNIST .gz files (default: %(default)s)")
    parser.add_argument("--repeats", type=int, default=None,
                        help="timing repeats per batch size (default 15; 3 with --quick)")
    args = parser.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 15)
    batches = (1, 64, 1000) if args.quick else (1, 64, 10_000)
    warnings.filterwarnings("ignore", category=ConvergenceWarning)

    lines = [
        provenance(__file__, argv, rst=args.rst),
        "",
        *describe_machine(1),
        "- columns: test accuracy; weights stored (non-zeros); pickled model bytes; "
        "bytes of the weights and biases alone, as each pickle holds them (dense "
        "arrays for MLPClassifier, values and compact sparsity patterns for the "
        "pruned models); "
        "fit time; predict time per call at batch 1, 64 and %s rows; ratios in "
        "brackets against ``MLPClassifier()`` in the same table (below 1 is smaller "
        "or faster)" % format(batches[-1], ","),
        "",
    ]
    with pinned(1):
        for name in args.datasets:
            if name == "digits":
                data = digits_split(400 if args.quick else None)
                title = "digits (1,347 train / 450 test images, 8×8)"
            else:
                data = mnist_data(args.mnist_dir, (400, 100) if args.quick else None)
                title = "MNIST-10k (8,000 train / 2,000 test images, 28×28)"
                if data is None:
                    lines += ["**MNIST-10k**: skipped, %s not found." % args.mnist_dir, ""]
                    continue
            if args.quick:
                title = "%s: --quick, %d train / %d test" % (
                    name, len(data[0]), len(data[1]))
            print("%s ..." % name, file=sys.stderr)
            rows = measure(data, args.quick, repeats, batches)
            header, body = table(rows, batches)
            lines += ["**%s**" % title, ""]
            lines += (rst if args.rst else markdown)(header, body)
            lines.append("")
    text = "\n".join(lines)
    print(text)
    return text


if __name__ == "__main__":
    main()
