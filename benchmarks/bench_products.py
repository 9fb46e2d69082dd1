"""Where sparse products pay: the measurements behind skprune's density cut-offs.

Two tables. The first times one training pass (loss and gradients, one BLAS
thread) of a network whose every layer has the given density, retrained
three ways: dense masked BLAS; CSR forward/backward products with a dense
gradient kept on the pattern; CSR products with the gradient sampled at the
pattern only. It is what ``RETRAIN_SPARSE_DENSITY`` and
``SAMPLED_GRADIENT_DENSITY`` in ``skprune/_products.py`` are read from.

The second times ``A @ W`` for one 784x300 layer at several batch sizes:
dense BLAS on stored dense weights, scipy's CSR kernel, densifying the CSR
weights first, and ``layer_dot`` (skprune's choice, from the CSR alone).

Run ``python benchmarks/bench_products.py`` (about 3 minutes), or ``--quick``.
"""

import argparse

import numpy as np
import scipy.sparse as sp
from _timing import (
    common_arguments,
    header,
    interleaved,
    markdown_table,
    median,
    pinned,
)

import skprune._net.products as products
from skprune._net.network import loss_and_gradients
from skprune._net.products import layer_dot


def random_layer(rng, shape, density, dtype):
    mask = rng.random(shape) < density
    return (rng.standard_normal(shape) * 0.1 * mask).astype(dtype)


def training_table(args, rng, densities, repeats):
    n = 2000 if args.quick else 10000
    rows = []
    for units in ([100, 256, 128, 10], [784, 300, 100, 10]):
        for dtype in (np.float64, np.float32):
            X = rng.standard_normal((n, units[0])).astype(dtype)
            Y = np.eye(10, dtype=dtype)[rng.integers(0, 10, n)]
            sw = np.ones(n, dtype=dtype)
            b = [np.zeros(u, dtype=dtype) for u in units[1:]]
            for density in densities:
                W = [
                    random_layer(rng, s, density, dtype)
                    for s in zip(units[:-1], units[1:])
                ]
                W_csr = [sp.csr_array(w) for w in W]

                def run(coefs, sampled):
                    def go():
                        saved = products.SAMPLED_GRADIENT_DENSITY
                        products.SAMPLED_GRADIENT_DENSITY = sampled
                        try:
                            loss_and_gradients(
                                X, Y, sw, coefs, b, "relu", "log_loss", 1e-4
                            )
                        finally:
                            products.SAMPLED_GRADIENT_DENSITY = saved

                    return go

                with pinned(args.threads):
                    times = interleaved(
                        {
                            "dense": run(W, 0.0),
                            "csr": run(W_csr, 0.0),
                            "sampled": run(W_csr, 1.01),
                        },
                        repeats,
                    )
                t = {k: 1e3 * median(v) for k, v in times.items()}
                best = min(t, key=t.get)
                rows.append(
                    [
                        "-".join(map(str, units)),
                        np.dtype(dtype).name,
                        "%g %%" % (100 * density),
                        "%.1f" % t["dense"],
                        "%.1f (%.2f)" % (t["csr"], t["csr"] / t["dense"]),
                        "%.1f (%.2f)" % (t["sampled"], t["sampled"] / t["dense"]),
                        best,
                    ]
                )
    print("### One training pass, %d rows (ms; in brackets: / dense masked)\n" % n)
    print(
        markdown_table(
            [
                "network",
                "dtype",
                "density",
                "dense masked",
                "CSR products + dense gradient",
                "CSR products + sampled gradient",
                "fastest",
            ],
            rows,
        )
    )
    print()


def predict_table(args, rng, densities, repeats):
    rows = []
    d, h = 784, 300
    for dtype in (np.float64, np.float32):
        for n in (1, 64, 1000 if args.quick else 10000):
            A = np.abs(rng.standard_normal((n, d))).astype(dtype)
            reps = repeats if n < 5000 else max(3, repeats // 4)
            for density in densities:
                W = random_layer(rng, (d, h), density, dtype)
                W_csr = sp.csr_array(W)
                with pinned(args.threads):
                    times = interleaved(
                        {
                            "dense": lambda: A @ W,
                            "csr": lambda: (
                                (W_csr.T @ np.ascontiguousarray(A.T)).T
                                if n > 1
                                else W_csr.T @ A[0]
                            ),
                            "densify": lambda: A @ W_csr.toarray(),
                            "layer_dot": lambda: layer_dot(A, W_csr),
                        },
                        reps * (20 if n == 1 else 1),
                    )
                t = {k: median(v) for k, v in times.items()}
                rows.append(
                    [
                        np.dtype(dtype).name,
                        n,
                        "%g %%" % (100 * density),
                        "%.3g" % (1e3 * t["dense"]),
                        "%.2f" % (t["dense"] / t["csr"]),
                        "%.2f" % (t["dense"] / t["densify"]),
                        "%s, **%.2f**"
                        % (
                            "sparse" if products.prefers_sparse(n, W_csr) else "dense",
                            t["dense"] / t["layer_dot"],
                        ),
                    ]
                )
    print(
        "### One 784x300 layer, `A @ W` (speed relative to dense BLAS on stored "
        "dense weights; > 1 is faster)\n"
    )
    print(
        markdown_table(
            [
                "dtype",
                "batch",
                "density",
                "dense ms",
                "CSR kernel",
                "densify + BLAS",
                "layer_dot: choice, speed",
            ],
            rows,
        )
    )


def main():
    parser = common_arguments(argparse.ArgumentParser(description=__doc__))
    parser.add_argument("--only", choices=["training", "predict"], default=None)
    args = parser.parse_args()
    repeats = args.repeats or (3 if args.quick else 7)
    header(
        "Sparse versus dense products (median of %d interleaved repeats)" % repeats,
        args.threads,
    )
    rng = np.random.default_rng(0)
    densities = (
        [0.5, 0.2, 0.1, 0.05, 0.02]
        if args.quick
        else [0.5, 0.3, 0.2, 0.15, 0.1, 0.05, 0.03, 0.02, 0.01]
    )
    if args.only in (None, "training"):
        training_table(args, rng, densities, repeats)
    if args.only in (None, "predict"):
        predict_table(args, rng, densities + [1.0], repeats)


if __name__ == "__main__":
    main()
