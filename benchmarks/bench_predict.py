"""Predict: a pruned model against the same model with dense weights.

A 784-300-100-10 ``PrunedMLPClassifier`` is pruned layer by layer to each
sparsity; its ``coefs_`` are CSR arrays. "The same model dense" is a copy
whose ``coefs_`` are the same weights as dense ndarrays (so every other cost
of ``predict_proba``, input validation included, is identical). The neuron
row prunes half the hidden neurons (a 784-150-50-10 network, the shapes left
by neuron removal) plus 90 % of the remaining weights, and is compared with
the full-size dense 784-300-100-10 model. scikit-learn's ``MLPClassifier``
with the dense 784-300-100-10 weights is timed too, for reference.

Times are of ``predict_proba`` end to end, per call (at batch 1 each
measurement averages many calls); the last column times the network pass
alone, without scikit-learn's input validation (about 0.1 ms a call).

Run ``python benchmarks/bench_predict.py`` (about 3 minutes), or ``--quick``.
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
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from skprune import PrunedMLPClassifier
from skprune._network import predict_output


def pruned_model(X, y, hidden, sparsity):
    return PrunedMLPClassifier(
        hidden_layer_sizes=hidden,
        max_iter=2,
        retrain_iter=0,
        sparsity=sparsity,
        weight_threshold=0.0,
        neuron_threshold=0.0,
        random_state=0,
    ).fit(X, y)


def densified(model):
    dense = copy.deepcopy(model)
    dense.coefs_ = [W.toarray() for W in model.coefs_]
    return dense


def sklearn_twin(model, X, y):
    """An MLPClassifier carrying the same dense weights."""
    twin = MLPClassifier(hidden_layer_sizes=model.hidden_layer_sizes_, max_iter=1).fit(
        X[:50], y[:50]
    )
    twin.coefs_ = [W.toarray() for W in model.coefs_]
    twin.intercepts_ = [b.copy() for b in model.intercepts_]
    return twin


def network(model):
    """The network pass alone (no input validation): ``_network.predict_output``."""

    def run(X):
        return predict_output(
            X, model.coefs_, model.intercepts_, model.activation, model.out_activation_
        )

    return run


def per_call(fn, X, calls):
    def run():
        t0 = time.perf_counter()
        for _ in range(calls):
            fn(X)
        return (time.perf_counter() - t0) / calls

    return run


def main():
    parser = common_arguments(argparse.ArgumentParser(description=__doc__))
    args = parser.parse_args()
    repeats = args.repeats or (3 if args.quick else 9)
    header(
        "predict_proba, 784-300-100-10 (ms per call, median of %d interleaved repeats)"
        % repeats,
        args.threads,
    )
    warnings.simplefilter("ignore", ConvergenceWarning)
    n_train = 1000 if args.quick else 3000
    X, y = synthetic(n_train + 10000, 784, 10)
    X_train, y_train, X_test = X[:n_train], y[:n_train], X[n_train:]
    sparsities = [0.0, 0.5, 0.8, 0.9, 0.95, 0.98]
    batches = [1, 64, 1000 if args.quick else 10000]
    rows = []
    for dtype in (np.float64, np.float32):
        Xt = X_train.astype(dtype)
        models = {s: pruned_model(Xt, y_train, (300, 100), s) for s in sparsities}
        neurons = pruned_model(Xt, y_train, (150, 50), 0.9)
        full_dense = densified(models[0.0])
        twin = sklearn_twin(models[0.0], Xt, y_train)
        for batch in batches:
            Xb = X_test[:batch].astype(dtype)
            calls = {1: 200, 64: 20}.get(batch, 1)
            candidates = {}
            for s, m in models.items():
                d = densified(m)
                candidates[("csr", s)] = per_call(m.predict_proba, Xb, calls)
                candidates[("dense", s)] = per_call(d.predict_proba, Xb, calls)
                candidates[("net csr", s)] = per_call(network(m), Xb, calls)
                candidates[("net dense", s)] = per_call(network(d), Xb, calls)
            candidates[("csr", "neurons")] = per_call(neurons.predict_proba, Xb, calls)
            candidates[("dense", "full")] = per_call(
                full_dense.predict_proba, Xb, calls
            )
            candidates[("net csr", "neurons")] = per_call(network(neurons), Xb, calls)
            candidates[("net dense", "full")] = per_call(network(full_dense), Xb, calls)
            candidates[("sklearn", "full")] = per_call(twin.predict_proba, Xb, calls)
            with pinned(args.threads):
                times = interleaved(
                    candidates, repeats if batch < 5000 else max(3, repeats // 2)
                )
            t = {k: 1e3 * median(v) for k, v in times.items()}
            for s in sparsities:
                m = models[s]
                rows.append(
                    [
                        np.dtype(dtype).name,
                        batch,
                        "%.1f %% of weights pruned" % (100 * m.sparsity_),
                        "%.3g" % t[("dense", s)],
                        "%.3g" % t[("csr", s)],
                        "**%.2f**" % (t[("dense", s)] / t[("csr", s)]),
                        "%.2f" % (t[("net dense", s)] / t[("net csr", s)]),
                    ]
                )
            rows.append(
                [
                    np.dtype(dtype).name,
                    batch,
                    "half the neurons + 90 %% (%.1f %% of weights pruned)"
                    % (
                        100
                        * (1 - sum(W.count_nonzero() for W in neurons.coefs_) / 266200)
                    ),
                    "%.3g (full size)" % t[("dense", "full")],
                    "%.3g" % t[("csr", "neurons")],
                    "**%.2f**" % (t[("dense", "full")] / t[("csr", "neurons")]),
                    "%.2f" % (t[("net dense", "full")] / t[("net csr", "neurons")]),
                ]
            )
            rows.append(
                [
                    np.dtype(dtype).name,
                    batch,
                    "sklearn MLPClassifier, dense weights",
                    "%.3g" % t[("sklearn", "full")],
                    "",
                    "",
                    "",
                ]
            )
    print(
        markdown_table(
            [
                "dtype",
                "batch",
                "model",
                "same model, dense weights (ms)",
                "skprune, CSR weights (ms)",
                "speed-up (targets: >= 0.95 always, >= 2 at 95 %, >= 3 for neurons)",
                "speed-up of the network pass alone",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    main()
