"""The inference plan's cost model: one layer's product, sparse kernel against dense BLAS.

For 784x300, 300x100 and 100x10 layers at densities 1 to 100 %, and 1, 64
and 256 rows, times the two products the inference plan
(``skprune._net.inference``) chooses between: scipy's compiled CSR kernel on
the transposed weights, called directly (``csr_matvec`` for one row,
``csr_matvecs`` for a block), and a dense BLAS product. The constants
``_PLAN_SPARSE_NS`` and ``_PLAN_DENSE_NS`` of ``skprune._net.products`` were read
off this table (nanoseconds per stored entry and row, per entry and row).

Run ``python benchmarks/bench_plan_kernels.py`` (about 2 minutes), or ``--quick``.
"""

import argparse
import time

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
from scipy.sparse._sparsetools import csr_matvec, csr_matvecs


def per_call(fn, calls):
    def run():
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        return (time.perf_counter() - t0) / calls

    return run


def candidates(W, m, dtype):
    WT = W.T.tocsr()
    WdT = np.ascontiguousarray(W.toarray().T)
    fan_out, fan_in = WT.shape
    rng = np.random.default_rng(0)
    if m == 1:
        a = rng.random(fan_in).astype(dtype)
        out = np.zeros(fan_out, dtype=dtype)

        def sparse():
            csr_matvec(fan_out, fan_in, WT.indptr, WT.indices, WT.data, a, out)

        def dense():
            return WdT @ a
    else:
        A = rng.random((m, fan_in)).astype(dtype)
        out = np.zeros((fan_out, m), dtype=dtype)

        def sparse():
            AT = np.ascontiguousarray(A.T)
            csr_matvecs(
                fan_out,
                fan_in,
                m,
                WT.indptr,
                WT.indices,
                WT.data,
                AT.ravel(),
                out.ravel(),
            )

        def dense():
            return A @ WdT.T

    calls = 2000 if m == 1 else 100
    return {"sparse": per_call(sparse, calls), "dense": per_call(dense, calls)}


def main():
    parser = common_arguments(argparse.ArgumentParser(description=__doc__))
    args = parser.parse_args()
    repeats = args.repeats or (3 if args.quick else 7)
    header("Inference-plan kernels (us per product, median)", args.threads)
    densities = [1.0, 0.5, 0.2, 0.1, 0.05, 0.01]
    shapes = [(784, 300)] if args.quick else [(784, 300), (300, 100), (100, 10)]
    rows = []
    for dtype in (np.float64, np.float32):
        for shape in shapes:
            for d in densities:
                W = sp.random_array(shape, density=d, format="csr", rng=0, dtype=dtype)
                size = shape[0] * shape[1]
                for m in (1, 64, 256):
                    with pinned(args.threads):
                        t = interleaved(candidates(W, m, dtype), repeats)
                    s, dn = median(t["sparse"]), median(t["dense"])
                    rows.append(
                        [
                            np.dtype(dtype).name,
                            "%dx%d" % shape,
                            "%g %%" % (100 * d),
                            m,
                            "%.1f" % (1e6 * s),
                            "%.1f" % (1e6 * dn),
                            "%.2f" % (1e9 * s / max(1, W.nnz * m)),
                            "%.3f" % (1e9 * dn / (size * m)),
                            "sparse" if s < dn else "dense",
                        ]
                    )
    print(
        markdown_table(
            [
                "dtype",
                "layer",
                "density",
                "rows",
                "sparse kernel (us)",
                "dense BLAS (us)",
                "sparse ns / stored entry / row",
                "dense ns / entry / row",
                "faster",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    main()
