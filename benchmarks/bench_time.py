"""Time to a pruned model: fit CPU time and accuracy against ``MLPClassifier()``.

MNIST-10k (the official test set, pixels / 255, split 75 / 25 stratified by
seed) with (300, 100) hidden layers, or digits with (100,) with
``--quick``; every model in a ``StandardScaler`` pipeline, 1 BLAS thread,
CPU time of ``fit``. The models of a seed run one after the other in the
same process, the order rotated from seed to seed (interleaved repeats).
Ratios are medians of per-seed ratios to that seed's ``MLPClassifier()``
fit. Usage::

    python benchmarks/bench_time.py                  # MNIST-10k, 3 seeds
    python benchmarks/bench_time.py --quick          # digits only
    python benchmarks/bench_time.py --float32 --out benchmarks/results/bench_time.md
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skprune import PrunedMLPClassifier

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import (  # noqa: E402
    default_mnist_dir,
    describe_machine,
    load_mnist,
    markdown_table,
    pinned,
    provenance,
)

MNIST_DIR = default_mnist_dir()
SK = "MLPClassifier()"


def models(hidden):
    """``{row name: estimator}``: scikit-learn's default MLP and skprune's recipes."""
    return {
        SK: MLPClassifier(hidden),
        "PrunedMLPClassifier()": PrunedMLPClassifier(hidden),
        "PrunedMLPClassifier(sparsity=0.9)": PrunedMLPClassifier(hidden, sparsity=0.9),
        "PrunedMLPClassifier(sparsity=0.95)": PrunedMLPClassifier(hidden, sparsity=0.95),
    }


def fit_one(estimator, seed, split):
    """Fit a fresh copy in a scaler pipeline; return (accuracy, fit CPU s, n_iter_, sparsity_)."""
    X_train, X_test, y_train, y_test = split
    model = make_pipeline(StandardScaler(), clone(estimator).set_params(random_state=seed))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.process_time()
        model.fit(X_train, y_train)
        elapsed = time.process_time() - start
    final = model[-1]
    return (model.score(X_test, y_test), elapsed, final.n_iter_,
            getattr(final, "sparsity_", 0.0))


def run(X, y, hidden, seeds, log):
    """``{row: [(accuracy, seconds, n_iter, sparsity), ...]}`` over the seeds."""
    rows = models(hidden)
    results = {name: [] for name in rows}
    for i, seed in enumerate(seeds):
        split = train_test_split(X, y, test_size=0.25, random_state=seed, stratify=y)
        order = list(rows)[i % len(rows):] + list(rows)[:i % len(rows)]
        for name in order:
            out = fit_one(rows[name], seed, split)
            results[name].append(out)
            log("seed %d %s: accuracy %.4f, %.2f s CPU, n_iter_ %d"
                % (seed, name, out[0], out[1], out[2]))
    return results


def table(results):
    """The markdown table: accuracy, its difference to ``MLPClassifier()``, CPU time, ratio."""
    reference = results[SK]
    body = []
    for name, outs in results.items():
        acc = np.array([o[0] for o in outs])
        secs = np.array([o[1] for o in outs])
        ratio = np.median(secs / np.array([o[1] for o in reference]))
        delta = 100 * (acc.mean() - np.mean([o[0] for o in reference]))
        body.append([
            name, "%.4f ± %.4f" % (acc.mean(), acc.std()), "%+.2f" % delta,
            "%.1f" % np.median(secs), "%.2f×" % ratio,
            "%.0f" % np.median([o[2] for o in outs]), "%.3f" % np.mean([o[3] for o in outs]),
        ])
    return markdown_table(
        ["model", "test accuracy", "Δ points", "fit CPU s (median)",
         "ratio to %s" % SK, "n_iter_ (median)", "sparsity_"], body)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="digits only (seconds)")
    parser.add_argument("--seeds", type=int, default=3, help="number of seeds (default 3)")
    parser.add_argument("--float32", action="store_true",
                        help="float32 input for every model")
    parser.add_argument("--mnist-dir", type=Path, default=MNIST_DIR,
                        help="folder of the MNIST .gz files (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=None, help="also write the markdown here")
    args = parser.parse_args(argv)
    if args.quick:
        (X, y), hidden, what = load_digits(return_X_y=True), (100,), "digits"
    else:
        data = load_mnist(args.mnist_dir)
        if data is None:
            sys.exit("MNIST not found in %s (see --mnist-dir)." % args.mnist_dir)
        (X, y), hidden, what = data, (300, 100), "MNIST-10k"
    X = X.astype(np.float32 if args.float32 else np.float64)
    lines = [provenance(__file__, argv), "",
             "## Time to a pruned model: %s, hidden layers %s, %s input"
             % (what, hidden, X.dtype.name), "",
             *describe_machine(1),
             "- %d training rows, %d test rows; seeds %s" % (
                 len(y) - int(np.ceil(0.25 * len(y))), int(np.ceil(0.25 * len(y))),
                 ", ".join(map(str, range(args.seeds)))), ""]

    def log(message):
        print(message, file=sys.stderr, flush=True)

    start = time.process_time()
    with pinned(1):
        results = run(X, y, hidden, list(range(args.seeds)), log)
    lines += [table(results), "", "Total: %.0f s CPU." % (time.process_time() - start)]
    text = "\n".join(lines)
    print(text)
    if args.out is not None:
        args.out.write_text(text + "\n")
    return text


if __name__ == "__main__":
    main()
