"""Pruning or a smaller model: a pruned network against dense ones of the same size and trees.

On each data set and seed, in one process with BLAS and OpenMP pinned to one
thread, every model is fitted in a ``StandardScaler`` pipeline on the same
split and timed in CPU seconds (``time.process_time``); the order of the
models is rotated from seed to seed (interleaved repeats). The models:

- ``MLPClassifier()``: scikit-learn's defaults, one hidden layer of 100;
- ``PrunedMLPClassifier(sparsity=s)`` for s = 0.9 and 0.95 (defaults
  otherwise: one hidden layer of 100, pruned to the fraction s of its weights);
- for each, two dense ``MLPClassifier((k,))`` with one hidden layer of k
  units: k chosen so that its weights (the entries of ``coefs_``, biases not
  counted) are as many as the nonzero weights of that seed's pruned model,
  and k chosen so that its weights and biases take as many bytes as the
  pruned model's (CSR values, column indices and row pointers, and biases);
- ``HistGradientBoostingClassifier()``: scikit-learn's defaults.

Reported per model: test accuracy (mean ± std over the seeds) and its
difference to ``MLPClassifier()`` in points, the nonzero weights, the bytes
of the weights and biases as fitted (CSR arrays for the pruned model, dense
arrays for ``MLPClassifier``; none for the trees), the pickled bytes of the
fitted estimator (``MLPClassifier``'s pickle also holds Adam's moment
estimates and a copy of the best weights), the median fit CPU time and the
median over the seeds of its ratio to that seed's ``MLPClassifier()`` fit.

Data: digits (75 / 25 stratified split per seed) and MNIST-10k (the
official 10,000 test images, pixels / 255, 80 / 20 stratified split per
seed), read from the files ``t10k-images-idx3-ubyte.gz`` and
``t10k-labels-idx1-ubyte.gz`` in ``--mnist-dir`` and skipped with a message
when they are absent. Usage::

    python benchmarks/bench_alternatives.py --mnist-dir DIR \\
        --out benchmarks/results/bench_alternatives.md     # about 15 minutes
    python benchmarks/bench_alternatives.py --quick          # a smoke run (seconds)
"""

import argparse
import pickle
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skprune import PrunedMLPClassifier, compression_report

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import (  # noqa: E402
    default_mnist_dir,
    describe_machine,
    load_mnist,
    markdown_table,
    provenance,
)

MNIST_DIR = default_mnist_dir()
SK = "MLPClassifier()"
HGB = "HistGradientBoostingClassifier()"
SPARSITIES = (0.9, 0.95)


def pruned_name(s):
    return "PrunedMLPClassifier(sparsity=%s)" % s


def dense_name(s):
    return "MLPClassifier((k,)), as many weights as sparsity=%s" % s


def bytes_name(s):
    return "MLPClassifier((k,)), as many bytes as sparsity=%s" % s


def fit_timed(estimator, split):
    """Fit ``estimator`` in a scaler pipeline: ``(pipeline, accuracy, fit CPU s)``."""
    X_train, X_test, y_train, y_test = split
    model = make_pipeline(StandardScaler(), estimator)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.process_time()
        model.fit(X_train, y_train)
        elapsed = time.process_time() - start
    return model, model.score(X_test, y_test), elapsed


def describe(final):
    """``(nonzero weights, width of the hidden layer(s), weight + bias bytes, pickle bytes)``."""
    size = len(pickle.dumps(final, protocol=pickle.HIGHEST_PROTOCOL))
    if isinstance(final, PrunedMLPClassifier):
        report = compression_report(final)
        return (report["n_weights_nonzero"], tuple(final.hidden_layer_sizes_),
                report["stored_bytes"], size)
    if isinstance(final, MLPClassifier):
        arrays = list(final.coefs_) + list(final.intercepts_)
        return (sum(int(np.count_nonzero(W)) for W in final.coefs_),
                tuple(W.shape[1] for W in final.coefs_[:-1]),
                sum(a.nbytes for a in arrays), size)
    return None, None, None, size


def matched_width(n_weights, n_features, n_classes):
    """The width k of one hidden layer whose ``coefs_`` hold about ``n_weights`` entries."""
    n_out = n_classes if n_classes > 2 else 1
    return max(1, int(round(n_weights / (n_features + n_out))))


def matched_width_bytes(n_bytes, n_features, n_classes, itemsize=8):
    """The width k of one hidden layer whose weights and biases take about ``n_bytes``."""
    n_out = n_classes if n_classes > 2 else 1
    # k * (n_features + n_out) weights, k + n_out biases
    return max(1, int(round((n_bytes / itemsize - n_out) / (n_features + n_out + 1))))


def one_seed(X, y, test_size, seed, rotate):
    """``{model name: (accuracy, fit CPU s, nonzero weights, hidden, bytes, pickle bytes)}``."""
    split = train_test_split(X, y, test_size=test_size, random_state=seed, stratify=y)
    n_classes = len(np.unique(y))

    def plain(estimator):
        def run():
            model, acc, secs = fit_timed(estimator, split)
            return acc, secs, *describe(model[-1])
        return run

    def pair(s):
        # The dense networks are sized on the pruned model just fitted.
        def run():
            model, acc, secs = fit_timed(PrunedMLPClassifier(sparsity=s, random_state=seed),
                                         split)
            out = {pruned_name(s): (acc, secs, *describe(model[-1]))}
            _, _, nnz, _, nbytes, _ = out[pruned_name(s)]
            itemsize = model[-1].intercepts_[0].dtype.itemsize
            for name, k in [
                (dense_name(s), matched_width(nnz, X.shape[1], n_classes)),
                (bytes_name(s), matched_width_bytes(nbytes, X.shape[1], n_classes, itemsize)),
            ]:
                out[name] = plain(MLPClassifier((k,), random_state=seed))()
            return out
        return run

    units = [(SK, plain(MLPClassifier(random_state=seed)))]
    units += [(None, pair(s)) for s in SPARSITIES]
    units += [(HGB, plain(HistGradientBoostingClassifier(random_state=seed)))]
    units = units[rotate % len(units):] + units[:rotate % len(units)]
    results = {}
    for name, run in units:
        out = run()
        results.update(out if name is None else {name: out})
    return results


ORDER = [SK, *(n for s in SPARSITIES for n in (pruned_name(s), dense_name(s), bytes_name(s))),
         HGB]


def table(name, runs):
    """The markdown rows of one data set: one per model, over the seeds in ``runs``."""
    reference = np.array([r[SK][0] for r in runs])
    ref_secs = np.array([r[SK][1] for r in runs])
    rows = []
    for model in ORDER:
        outs = [r[model] for r in runs]
        acc = np.array([o[0] for o in outs])
        secs = np.array([o[1] for o in outs])
        nnz, nbytes, size = (
            None if outs[0][i] is None else int(np.median([o[i] for o in outs]))
            for i in (2, 4, 5))
        hidden = sorted({o[3] for o in outs if o[3] is not None})
        label = model
        if "(k,)" in model:  # the width chosen, or its range over the seeds
            widths = sorted(h[0] for h in hidden)
            k = str(widths[0]) if widths[0] == widths[-1] else "%d-%d" % (widths[0], widths[-1])
            label = model.replace("(k,)", "(%s,)" % k)
        rows.append([
            name, label, "%.2f ± %.2f" % (100 * acc.mean(), 100 * acc.std()),
            "%+.2f" % (100 * (acc - reference).mean()),
            "" if nnz is None else "{:,}".format(nnz),
            "" if nbytes is None else "{:,}".format(nbytes),
            "{:,}".format(size),
            "%.2f" % np.median(secs), "%.2f×" % np.median(secs / ref_secs),
        ])
    return rows


HEADER = ["data", "model", "test accuracy (%)", "Δ points vs MLPClassifier()",
          "nonzero weights", "weight + bias bytes", "pickle bytes", "fit CPU s (median)",
          "fit time / MLPClassifier() (median)"]


def datasets(args):
    """``([(name, X, y, test size)], note)``: digits, and MNIST-10k when found.

    ``note`` is a markdown line saying MNIST-10k was skipped, or None.
    """
    X, y = load_digits(return_X_y=True)
    if args.quick:
        return [("digits", X[:500], y[:500], 0.25)], None
    mnist = load_mnist(args.mnist_dir)
    if mnist is None:
        note = "MNIST-10k: skipped, no MNIST files in %s (see --mnist-dir)." % args.mnist_dir
        print(note, file=sys.stderr, flush=True)
        return [("digits", X, y, 0.25)], note
    return [("digits", X, y, 0.25), ("MNIST-10k", *mnist, 0.2)], None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="500 rows of digits, one seed (a smoke run)")
    parser.add_argument("--seeds", type=int, default=3, help="number of seeds (default 3)")
    parser.add_argument("--mnist-dir", type=Path, default=MNIST_DIR,
                        help="folder of the MNIST .gz files (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=None, help="also write the markdown here")
    args = parser.parse_args(argv)
    seeds = 1 if args.quick else args.seeds
    lines = [provenance(__file__, argv), "",
             "### Pruned, smaller dense and boosted-tree models: accuracy, size and fit time", "",
             *describe_machine(1),
             "- OpenMP (the trees) pinned to 1 thread as well",
             "- seeds %s; every model in a StandardScaler pipeline" % ", ".join(
                 map(str, range(seeds))), ""]
    rows = []
    start = time.process_time()
    data, note = datasets(args)
    with threadpool_limits(limits=1):
        for name, X, y, test_size in data:
            runs = []
            for seed in range(seeds):
                runs.append(one_seed(X, y, test_size, seed, seed))
                print("%s seed %d: %s" % (name, seed, {m: "%.4f / %.1f s" % r[:2]
                                                      for m, r in runs[-1].items()}),
                      file=sys.stderr, flush=True)
            rows += table(name, runs)
    lines += [markdown_table(HEADER, rows), "", *([note, ""] if note else []),
              "The hidden width of each dense network sized on a pruned model is chosen "
              "so that its weights (the entries of coefs_, biases not counted) are as many, "
              "rounded, as that model's nonzero weights, or so that its weights and biases "
              "take as many bytes as that model's (CSR values, column indices and row "
              "pointers, and biases); weights and bytes are medians over the seeds.", "",
              "Total: %.0f s CPU." % (time.process_time() - start)]
    text = "\n".join(lines)
    print(text)
    if args.out is not None:
        args.out.write_text(text + "\n")
    return text


if __name__ == "__main__":
    main()
