"""Pruning an existing MLPClassifier: from_mlp against pruning from scratch.

A ``StandardScaler`` + ``MLPClassifier()`` pipeline (scikit-learn's defaults)
is fitted on the training split; ``PrunedMLPClassifier.from_mlp`` then prunes
its last step to ``sparsity=0.9`` (defaults otherwise) on the scaled training
split and is put back into the pipeline. It is compared with
``PrunedMLPClassifier(sparsity=0.9)`` fitted from scratch with the same
hidden layer (100,) and with the ``MLPClassifier`` itself: test accuracy and
fit CPU time (the ``MLPClassifier``'s own fit is reported, not counted in
``from_mlp``'s). One BLAS thread; same process.

Data: digits (75 / 25 stratified split per seed) and, when present,
MNIST-10k (the official test set, pixels / 255, 80 / 20 split).

Run ``python benchmarks/bench_from_mlp.py`` (a few minutes with MNIST), or
``--quick`` (digits only, one seed).
"""

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
from _timing import (
    common_arguments,
    default_mnist_dir,
    header,
    load_mnist,
    markdown_table,
    pinned,
)
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from skprune import PrunedMLPClassifier

MNIST_DIR = default_mnist_dir()


def timed(fn, *args):
    t0 = time.process_time()
    out = fn(*args)
    return out, time.process_time() - t0


def one_run(X, y, seed, test_size):
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, stratify=y, random_state=seed
    )
    pipe, t_mlp = timed(
        make_pipeline(StandardScaler(), MLPClassifier(random_state=seed)).fit,
        X_train,
        y_train,
    )
    Xt = pipe[:-1].transform(X_train)
    start = PrunedMLPClassifier.from_mlp(pipe[-1], sparsity=0.9, random_state=seed)
    pruned, t_from = timed(start.fit, Xt, y_train)
    small = Pipeline(pipe.steps[:-1] + [("pruned", pruned)])
    scratch, t_scratch = timed(
        make_pipeline(
            StandardScaler(), PrunedMLPClassifier(sparsity=0.9, random_state=seed)
        ).fit,
        X_train,
        y_train,
    )
    return {
        "mlp": (pipe.score(X_test, y_test), t_mlp, 0.0),
        "from_mlp": (small.score(X_test, y_test), t_from, pruned.sparsity_),
        "scratch": (scratch.score(X_test, y_test), t_scratch, scratch[-1].sparsity_),
    }


def main():
    parser = common_arguments(argparse.ArgumentParser(description=__doc__))
    parser.add_argument("--mnist-dir", type=Path, default=MNIST_DIR)
    parser.add_argument("--seeds", type=int, default=3, help="seeds on digits")
    parser.add_argument("--mnist-seeds", type=int, default=1, help="seeds on MNIST")
    args = parser.parse_args()
    seeds = 1 if args.quick else args.seeds
    header("from_mlp: pruning a fitted MLPClassifier() to 90 %", args.threads)
    warnings.simplefilter("ignore")
    datasets = [("digits", load_digits(return_X_y=True), 0.25, seeds)]
    mnist = None if args.quick else load_mnist(args.mnist_dir)
    if mnist is not None:
        datasets.append(("MNIST-10k", mnist, 0.2, args.mnist_seeds))
    rows = []
    for name, (X, y), test_size, n_seeds in datasets:
        runs = []
        with pinned(args.threads):
            for seed in range(n_seeds):
                runs.append(one_run(X, y, seed, test_size))
        for key, label in (
            ("mlp", "MLPClassifier()"),
            ("from_mlp", "PrunedMLPClassifier.from_mlp(mlp, sparsity=0.9)"),
            ("scratch", "PrunedMLPClassifier(sparsity=0.9), from scratch"),
        ):
            acc = np.array([r[key][0] for r in runs])
            fit = np.array([r[key][1] for r in runs])
            # Paired by seed: the same split and the same MLP.
            gap = 100 * (acc - np.array([r["mlp"][0] for r in runs]))
            rows.append(
                [
                    name,
                    label,
                    "%.2f ± %.2f" % (100 * acc.mean(), 100 * acc.std()),
                    "" if key == "mlp" else "%+.2f / %+.2f" % (gap.mean(), gap.min()),
                    "%.1f" % np.median(fit),
                    "%.3f" % np.mean([r[key][2] for r in runs]),
                    len(runs),
                ]
            )
    print(
        markdown_table(
            [
                "data",
                "model",
                "test accuracy (%)",
                "points vs the MLP, mean / worst seed",
                "fit CPU s (median)",
                "sparsity_",
                "seeds",
            ],
            rows,
        )
    )
    print(
        "\nThe from_mlp fit time excludes the MLPClassifier's own fit "
        "(the row above it)."
    )


if __name__ == "__main__":
    main()
