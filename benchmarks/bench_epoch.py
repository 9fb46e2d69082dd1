"""Full-batch training epoch: skprune against MLPClassifier and the GEMM bound.

scikit-learn's ``MLPClassifier(solver='sgd', batch_size=n_samples, momentum=0,
learning_rate='constant', shuffle=False, tol=0)`` is plain full-batch gradient
descent, the same algorithm as ``PrunedMLPClassifier(momentum=0)``; both draw
the same initial weights from the same seed, so their loss curves must agree
(the table shows the largest relative difference).

The time of one epoch is measured through the public ``fit``: the difference
between a fit of ``k2`` and one of ``k1`` iterations, divided by ``k2 - k1``,
so fixed costs (validation, label encoding, the final CSR conversion) cancel.
The GEMM bound is the time of the epoch's matrix products alone (forward,
weight gradients, backward deltas) on preallocated full-size arrays.

Run ``python benchmarks/bench_epoch.py`` (about 5 minutes on 2 cores), or
``--quick`` for a smoke run.
"""

import argparse
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
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from skprune import PrunedMLPClassifier


def synthetic(n, d, n_classes, seed=0):
    """Gaussian features; labels from a random two-layer teacher."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    hidden = np.tanh(X @ rng.standard_normal((d, 32)) / np.sqrt(d))
    y = (hidden @ rng.standard_normal((32, n_classes))).argmax(axis=1)
    return X, y


def datasets(quick):
    X, y = load_digits(return_X_y=True)
    scale = 10 if quick else 1
    yield "digits 1797x64", X / 16.0, y, (100,)
    yield (
        ("%dx100, 10 classes" % (20000 // scale),)
        + synthetic(20000 // scale, 100, 10)
        + ((256, 128),)
    )
    yield (
        ("%dx50, 10 classes" % (100000 // scale),)
        + synthetic(100000 // scale, 50, 10)
        + ((128,),)
    )


def skprune_model(hidden, max_iter):
    return PrunedMLPClassifier(
        hidden_layer_sizes=hidden,
        solver="gd",
        learning_rate_init=0.01,
        momentum=0.0,
        nesterovs_momentum=False,
        tol=0.0,
        n_iter_no_change=10**6,
        max_iter=max_iter,
        weight_threshold=0.0,
        neuron_threshold=0.0,
        retrain_iter=0,
        random_state=0,
    )


def sklearn_model(hidden, max_iter, n_samples):
    return MLPClassifier(
        hidden_layer_sizes=hidden,
        solver="sgd",
        batch_size=n_samples,
        momentum=0.0,
        learning_rate="constant",
        learning_rate_init=0.01,
        shuffle=False,
        tol=0.0,
        n_iter_no_change=10**6,
        max_iter=max_iter,
        random_state=0,
    )


def gemm_bound(X, hidden, n_classes):
    """A callable timing the matrix products of one full-batch epoch.

    Each product writes into its own preallocated output, so the inputs keep
    their (random, finite) values from one repeat to the next.
    """
    rng = np.random.default_rng(0)
    units = [X.shape[1], *hidden, n_classes]
    n, dtype = X.shape[0], X.dtype

    def rand(*shape):
        return rng.standard_normal(shape).astype(dtype)

    W = [rand(a, b) for a, b in zip(units[:-1], units[1:])]
    A = [X] + [rand(n, u) for u in units[1:-1]]  # layer inputs
    D = [rand(n, u) for u in units[1:]]  # deltas of layer outputs
    Z = [np.empty((n, u), dtype=dtype) for u in units[1:]]
    G = [np.empty_like(w) for w in W]
    B = [np.empty((n, u), dtype=dtype) for u in units[:-1]]

    def epoch():
        for i in range(len(W)):
            np.matmul(A[i], W[i], out=Z[i])
        for i in range(len(W) - 1, -1, -1):
            np.matmul(A[i].T, D[i], out=G[i])
            if i > 0:
                np.matmul(D[i], W[i].T, out=B[i])

    return epoch


def main():
    parser = common_arguments(argparse.ArgumentParser(description=__doc__))
    args = parser.parse_args()
    repeats = args.repeats or (2 if args.quick else 5)
    header(
        "Full-batch training epoch (ms per epoch, median of %d interleaved repeats)"
        % repeats,
        args.threads,
    )
    warnings.simplefilter("ignore", ConvergenceWarning)
    rows, f32_rows = [], []
    for name, X64, y, hidden in datasets(args.quick):
        n = X64.shape[0]
        small = n < 5000
        k1, k2 = (2, 32) if small else (2, 5 if args.quick else 10)
        per_epoch = {}
        for dtype in (np.float64, np.float32):
            X = X64.astype(dtype)
            fits = {}

            def fit(key, model):
                def run():
                    fits[key] = model.fit(X, y)

                return run

            candidates = {
                "skprune k1": fit("skprune k1", skprune_model(hidden, k1)),
                "skprune k2": fit("skprune k2", skprune_model(hidden, k2)),
                "sklearn k1": fit("sklearn k1", sklearn_model(hidden, k1, n)),
                "sklearn k2": fit("sklearn k2", sklearn_model(hidden, k2, n)),
                "bound": gemm_bound(X, hidden, len(np.unique(y))),
            }
            with pinned(args.threads):
                times = interleaved(candidates, repeats)
            ours = median(np.subtract(times["skprune k2"], times["skprune k1"])) / (
                k2 - k1
            )
            theirs = median(np.subtract(times["sklearn k2"], times["sklearn k1"])) / (
                k2 - k1
            )
            bound = median(times["bound"])
            a = np.array(fits["skprune k2"].loss_curve_)
            b = np.array(fits["sklearn k2"].loss_curve_)
            loss_diff = float(np.max(np.abs(a - b) / np.abs(b)))
            per_epoch[dtype] = ours
            rows.append(
                [
                    name,
                    "-".join(map(str, hidden)),
                    np.dtype(dtype).name,
                    "%.2f" % (1e3 * theirs),
                    "%.2f" % (1e3 * ours),
                    "**%.2f**" % (ours / theirs),
                    "%.2f" % (1e3 * bound),
                    "%.2f" % (bound / theirs),
                    "**%.2f**" % (bound / ours),
                    "%.0e" % loss_diff,
                ]
            )
        f32_rows.append(
            [name, "%.2f" % (per_epoch[np.float64] / per_epoch[np.float32])]
        )
    print(
        markdown_table(
            [
                "data",
                "hidden",
                "dtype",
                "sklearn ms",
                "skprune ms",
                "skprune / sklearn",
                "GEMM bound ms",
                "sklearn: fraction of bound",
                "skprune: fraction of bound",
                "max rel. loss-curve diff.",
            ],
            rows,
        )
    )
    print()
    print(
        markdown_table(
            ["data", "skprune float64 time / float32 time"], f32_rows
        )
    )


if __name__ == "__main__":
    main()
