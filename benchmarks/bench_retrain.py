"""Masked retraining: the cost of an epoch falls with sparsity.

After pruning, ``PrunedMLPClassifier`` retrains the surviving weights with the
pruned ones held at zero. A layer below
``skprune._net.products.RETRAIN_SPARSE_DENSITY`` is retrained as a CSR array: its
forward and backward products use scipy's sparse kernels and its gradient is
computed at the alive entries only (a sampled dense-dense product). Denser
layers keep dense BLAS products and a masked gradient.

A model is trained briefly and pruned layer by layer (untimed); the time of
one retraining epoch is then measured through the public ``fit`` with
``warm_start=True`` (which keeps pruned weights at zero): the difference
between warm fits of ``k2`` and ``k1`` iterations, divided by ``k2 - k1``.
At each sparsity the default choice is compared with retraining every layer
as dense masked BLAS (the cut-off set to 0).

Run ``python benchmarks/bench_retrain.py`` (about 5 minutes on 2 cores), or
``--quick`` for a smoke run.
"""

import argparse
import copy
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

import skprune._net.products as products
from skprune import PrunedMLPClassifier


def pruned(X, y, hidden, sparsity):
    """A model trained briefly and pruned to ``sparsity`` layer by layer (untimed)."""
    return PrunedMLPClassifier(
        hidden_layer_sizes=hidden,
        learning_rate_init=0.01,
        max_iter=2,
        sparsity=sparsity,
        criterion="magnitude",
        prune_scope="layer",
        weight_threshold=0.0,
        neuron_threshold=0.0,
        retrain_iter=0,
        random_state=0,
    ).fit(X, y)


def retrain(base, X, y, n_iter, threshold):
    """A callable: ``n_iter`` warm-started iterations from ``base``."""

    def run():
        model = copy.deepcopy(base).set_params(
            warm_start=True,
            max_iter=n_iter,
            tol=0.0,
            n_iter_no_change=10**6,
            sparsity=None,
            retrain_iter=0,
        )
        saved = products.RETRAIN_SPARSE_DENSITY
        products.RETRAIN_SPARSE_DENSITY = threshold
        try:
            model.fit(X, y)
        finally:
            products.RETRAIN_SPARSE_DENSITY = saved

    return run


def main():
    parser = common_arguments(argparse.ArgumentParser(description=__doc__))
    args = parser.parse_args()
    repeats = args.repeats or (2 if args.quick else 5)
    header(
        "Masked retraining epoch (ms per epoch, median of %d interleaved repeats)"
        % repeats,
        args.threads,
    )
    warnings.simplefilter("ignore", ConvergenceWarning)
    scale = 10 if args.quick else 1
    cases = [
        ("%dx100" % (20000 // scale), synthetic(20000 // scale, 100, 10), (256, 128)),
        ("%dx784" % (10000 // scale), synthetic(10000 // scale, 784, 10), (300, 100)),
    ]
    k1, k2 = 2, (6 if args.quick else 12)
    modes = {"default": products.RETRAIN_SPARSE_DENSITY, "dense masked BLAS": 0.0}
    rows = []
    for name, (X64, y), hidden in cases:
        for dtype in (np.float64, np.float32):
            X = X64.astype(dtype)
            candidates = {}
            for sparsity in (None, 0.9, 0.98):
                base = pruned(X, y, hidden, sparsity)
                for mode, threshold in modes.items():
                    if sparsity is None and mode != "default":
                        continue
                    for k in (k1, k2):
                        candidates[(sparsity, mode, k)] = retrain(
                            base, X, y, k, threshold
                        )
            with pinned(args.threads):
                times = interleaved(candidates, repeats)

            def per_epoch(sparsity, mode):
                diff = np.subtract(
                    times[(sparsity, mode, k2)], times[(sparsity, mode, k1)]
                )
                return median(diff) / (k2 - k1)

            label = [name, "(%s)" % ", ".join(map(str, hidden)), np.dtype(dtype).name]
            dense = per_epoch(None, "default")
            rows.append(label + ["0 %", "dense", "%.2f" % (1e3 * dense), "1.00"])
            for sparsity in (0.9, 0.98):
                for mode in modes:
                    t = per_epoch(sparsity, mode)
                    ratio = "%.2f" % (t / dense)
                    if mode == "default":
                        ratio = "**%s**" % ratio
                    rows.append(
                        label
                        + ["%g %%" % (100 * sparsity), mode, "%.2f" % (1e3 * t), ratio]
                    )
    print(
        markdown_table(
            [
                "data",
                "hidden",
                "dtype",
                "sparsity",
                "retraining",
                "ms / epoch",
                "/ dense epoch",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    main()
