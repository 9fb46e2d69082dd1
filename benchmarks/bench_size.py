"""Model size: pickled bytes of a fitted pruned model against dense ones.

A 784-300-100-10 ``PrunedMLPClassifier`` is pruned layer by layer to each
sparsity and pickled. References: scikit-learn's ``MLPClassifier`` of the
same architecture fitted with its default solver (its pickle carries the Adam
state and a copy of the best weights), and the bare dense weights (the
``nbytes`` of float arrays holding every weight and bias). A fitted
``PrunedMLPClassifier`` keeps no optimizer state and no copy of its weights:
``coefs_`` are CSR arrays, and their sparsity patterns are stored compactly
(a packed bit mask or 16-bit column indices, whichever is smaller). The skops
column is the size of the ``skops.io.dump`` file (compressed zip) when skops
is installed.

Run ``python benchmarks/bench_size.py`` (under a minute), or ``--quick``.
"""

import argparse
import pickle
import warnings

import numpy as np
from _timing import common_arguments, header, markdown_table
from bench_epoch import synthetic
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from skprune import PrunedMLPClassifier


def fitted(X, y, hidden, sparsity):
    return PrunedMLPClassifier(
        hidden_layer_sizes=hidden,
        max_iter=3,
        retrain_iter=2,
        sparsity=sparsity,
        # Every layer at the same density: the tables are read per layer.
        criterion="magnitude",
        prune_scope="layer",
        neuron_threshold=0.0,
        random_state=0,
    ).fit(X, y)


def skops_bytes(model):
    try:
        import skops.io as sio
    except ImportError:
        return ""
    return len(sio.dumps(model))


def main():
    parser = common_arguments(argparse.ArgumentParser(description=__doc__))
    args = parser.parse_args()
    header("Pickled size of a fitted 784-300-100-10 model", args.threads)
    warnings.simplefilter("ignore", ConvergenceWarning)
    X, y = synthetic(500 if args.quick else 2000, 784, 10)
    rows = []
    for dtype in (np.float64, np.float32):
        Xd = X.astype(dtype)
        reference = MLPClassifier(
            hidden_layer_sizes=(300, 100), max_iter=3, random_state=0
        ).fit(Xd, y)
        sk_bytes = len(pickle.dumps(reference))
        weight_bytes = sum(a.nbytes for a in reference.coefs_ + reference.intercepts_)
        rows.append(
            [
                np.dtype(dtype).name,
                "sklearn MLPClassifier (adam)",
                "0 %",
                sk_bytes,
                skops_bytes(reference),
                "1.00",
                "%.2f" % (sk_bytes / weight_bytes),
            ]
        )
        cases = [((300, 100), None, "no sparsity target (weight_threshold only)")]
        cases += [((300, 100), s, "sparsity=%g" % s) for s in (0.5, 0.9, 0.95, 0.98)]
        cases.append(((150, 50), 0.9, "half the neurons + sparsity=0.9"))
        for hidden, sparsity, label in cases:
            model = fitted(Xd, y, hidden, sparsity)
            size = len(pickle.dumps(model))
            ratio = "%.3f" % (size / sk_bytes)
            dense_ratio = "%.3f" % (size / weight_bytes)
            if sparsity == 0.9 and hidden == (300, 100):
                ratio, dense_ratio = "**%s**" % ratio, "**%s**" % dense_ratio
            rows.append(
                [
                    np.dtype(dtype).name,
                    "PrunedMLPClassifier, %s" % label,
                    "%.1f %%" % (100 * model.sparsity_),
                    size,
                    skops_bytes(model),
                    ratio,
                    dense_ratio,
                ]
            )
    print(
        markdown_table(
            [
                "dtype",
                "model",
                "weights pruned",
                "pickled bytes",
                "skops bytes",
                "pickle / sklearn pickle",
                "pickle / dense weights' bytes",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    main()
