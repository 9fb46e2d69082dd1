"""Training quality with default settings: skprune against scikit-learn's MLP.

scikit-learn's ``MLPClassifier()`` and ``MLPClassifier(solver='lbfgs')`` against
skprune's defaults, in one process: accuracy and fit CPU time over several
seeds on digits, breast_cancer, wine, iris, MNIST-10k, a harder synthetic set
and unscaled digits and breast_cancer; then ``PrunedMLPRegressor()`` against
``MLPRegressor()`` with scaled features and raw targets. Every model is used
as a new user would: default settings, plus the one option a row is about.

Prints markdown tables (the machine first), then the quality targets with the
measured value of each. Usage::

    python benchmarks/bench_quality.py                    # the full run
    python benchmarks/bench_quality.py --datasets digits iris regression
    python benchmarks/bench_quality.py --quick            # seconds, a smoke test
    python benchmarks/bench_quality.py --out quality.md   # also write the tables

Method: each seed draws its own stratified 25 % test split (and, for the
synthetic sets, its own data); within a seed the estimators are fitted in
turn, in an order rotated from seed to seed, so a slow moment of the shared
machine hits all of them alike. Fit time is the CPU time of the process
(``time.process_time``) with BLAS pinned to one thread (threadpoolctl); the
ratio column is the median over seeds of each fit's time divided by the same
seed's ``MLPClassifier()`` (``MLPRegressor()``) fit time. Scaled rows put the
model in a ``StandardScaler`` pipeline; the unscaled rows feed raw features.
Hidden layers are scikit-learn's default ``(100,)`` everywhere except on
MNIST-10k, where both libraries get LeNet-300-100's ``(300, 100)``. MNIST-10k
is the official 10,000-image test set read from ``--mnist-dir`` (which
``python benchmarks/get_mnist.py DIR`` fills), pixels / 255; it is skipped (with a note)
when absent. With ``--quick`` the data sets are cut to a few hundred rows
and one seed is used: the figures then only show that the script works.
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.datasets import (
    load_breast_cancer,
    load_digits,
    load_iris,
    load_wine,
    make_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skprune import PrunedMLPClassifier, PrunedMLPRegressor

# The tests load this file by path, so its folder is not on sys.path then.
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

CLASSIFICATION = [
    "digits", "breast_cancer", "wine", "iris", "mnist", "synthetic",
    "digits_unscaled", "breast_cancer_unscaled",
]
DATASETS = CLASSIFICATION + ["regression"]
SOLVERS = ("gd", "adam", "lbfgs")
SK = "sklearn MLPClassifier()"
SK_REG = "sklearn MLPRegressor()"

#: Rows cut to this many samples with --quick.
QUICK_ROWS = {"mnist": 600, "synthetic": 600, "regression": 400, "default": 300}


# ---------------------------------------------------------------------- #
# Data.
# ---------------------------------------------------------------------- #
def load(name, seed, quick, mnist_dir):
    """``(X, y)`` of a data set (the synthetic ones drawn with ``seed``); None if absent."""
    n_rows = QUICK_ROWS.get(name, QUICK_ROWS["default"]) if quick else None
    base = name.replace("_unscaled", "")
    if base == "synthetic":
        return make_classification(
            n_rows or 20000, 50, n_informative=30, n_classes=20, random_state=seed
        )
    if base == "regression":
        return make_regression(
            n_rows or 5000, 30, n_informative=20, noise=10, random_state=seed
        )
    if base == "mnist":
        data = load_mnist(mnist_dir)
    else:
        loader = {"digits": load_digits, "breast_cancer": load_breast_cancer,
                  "wine": load_wine, "iris": load_iris}[base]
        data = loader(return_X_y=True)
    if data is not None and n_rows and n_rows < len(data[1]):
        X, _, y, _ = train_test_split(*data, train_size=n_rows, stratify=data[1],
                                      random_state=0)
        data = X, y
    return data


def describe(name, X, y, cut):
    hidden = "(300, 100)" if name == "mnist" else "(100,)"
    scaled = "unscaled features" if name.endswith("_unscaled") else "StandardScaler pipeline"
    text = {
        "synthetic": "make_classification(%d, 50, n_informative=30, n_classes=20), "
        "drawn anew for each seed" % len(y),
        "regression": "make_regression(%d, 30, n_informative=20, noise=10), drawn anew "
        "for each seed; raw targets" % len(y),
        "mnist": "MNIST-10k (the official test set), pixels / 255",
    }.get(name, name.replace("_unscaled", ""))
    return "### %s\n\n%s: %d samples x %d features; hidden layers %s for every model; %s%s." % (
        name, text, X.shape[0], X.shape[1], hidden, scaled,
        " (--quick: a subset)" if cut else "",
    )


# ---------------------------------------------------------------------- #
# The models.
# ---------------------------------------------------------------------- #
def has_solver():
    """Whether the installed skprune has a ``solver`` parameter."""
    return "solver" in PrunedMLPClassifier().get_params()


def models(name):
    """``{row name: (estimator, is skprune)}`` for a data set, in table order."""
    hidden = (300, 100) if name == "mnist" else (100,)
    if name == "regression":
        rows = {SK_REG: MLPRegressor(hidden_layer_sizes=hidden),
                "sklearn MLPRegressor(solver='lbfgs')": MLPRegressor(
                    hidden_layer_sizes=hidden, solver="lbfgs"),
                "skprune PrunedMLPRegressor()": PrunedMLPRegressor(
                    hidden_layer_sizes=hidden)}
        ours = PrunedMLPRegressor
    else:
        rows = {SK: MLPClassifier(hidden_layer_sizes=hidden),
                "sklearn MLPClassifier(solver='lbfgs')": MLPClassifier(
                    hidden_layer_sizes=hidden, solver="lbfgs"),
                "skprune defaults": PrunedMLPClassifier(hidden_layer_sizes=hidden)}
        ours = PrunedMLPClassifier
        if not name.endswith("_unscaled"):
            for s in (0.9, 0.95):
                rows["skprune sparsity=%g" % s] = ours(hidden_layer_sizes=hidden, sparsity=s)
            # What the defaults for a target (OBD scores, global scope,
            # L-BFGS retraining) are each measured against.
            for option, value in (("criterion", "magnitude"), ("prune_scope", "layer"),
                                  ("retrain_solver", "adam")):
                if option in ours().get_params():
                    rows["skprune sparsity=0.95, %s=%r" % (option, value)] = ours(
                        hidden_layer_sizes=hidden, sparsity=0.95, **{option: value})
    if has_solver():
        for solver in SOLVERS:
            rows["skprune solver='%s'" % solver] = ours(hidden_layer_sizes=hidden, solver=solver)
    return rows


def fit_one(estimator, scaled, seed, X_train, y_train, X_test, y_test):
    """Fit a fresh copy; return (score, fit CPU s, sparsity_ or None, ConvergenceWarning?)."""
    model = clone(estimator).set_params(random_state=seed)
    if scaled:
        model = make_pipeline(StandardScaler(), model)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t0 = time.process_time()
        model.fit(X_train, y_train)
        elapsed = time.process_time() - t0
    final = model[-1] if scaled else model
    converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    return (model.score(X_test, y_test), elapsed, getattr(final, "sparsity_", None),
            converged)


def run_dataset(name, seeds, quick, mnist_dir):
    """Results ``{row: [(score, time, sparsity, converged), ...]}`` and the heading; None if absent."""
    rows = models(name)
    results = {row: [] for row in rows}
    heading = None
    for i, seed in enumerate(seeds):
        data = load(name, seed, quick, mnist_dir)
        if data is None:
            return None, "### %s\n\nSkipped: MNIST not found in %s." % (name, mnist_dir)
        X, y = data
        heading = heading or describe(name, X, y, quick and len(y) == QUICK_ROWS.get(
            name, QUICK_ROWS["default"]))
        split = train_test_split(
            X, y, test_size=0.25, random_state=seed,
            stratify=None if name == "regression" else y,
        )
        X_train, X_test, y_train, y_test = split
        order = list(rows)
        order = order[i % len(order):] + order[:i % len(order)]
        for row in order:
            out = fit_one(rows[row], not name.endswith("_unscaled"), seed,
                          X_train, y_train, X_test, y_test)
            results[row].append(out)
            _log("%s seed %d %s: score %.4f, %.2f s CPU" % (name, seed, row, out[0], out[1]))
    return results, heading


def _log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------- #
# Tables.
# ---------------------------------------------------------------------- #
def summary(results, reference):
    """Per row: mean score, std, mean time, median time ratio, mean sparsity_, unconverged."""
    ref_times = [r[1] for r in results[reference]]
    out = {}
    for row, runs in results.items():
        scores = np.array([r[0] for r in runs])
        times = np.array([r[1] for r in runs])
        sparsities = [r[2] for r in runs if r[2] is not None]
        out[row] = {
            "score": float(scores.mean()),
            "std": float(scores.std()),
            "time": float(times.mean()),
            "ratio": float(np.median(times / np.maximum(ref_times, 1e-9))),
            "sparsity": float(np.mean(sparsities)) if sparsities else None,
            "warned": sum(not r[3] for r in runs),
            "n": len(runs),
        }
    return out


def dataset_table(name, stats):
    metric = "R²" if name == "regression" else "accuracy"
    reference = SK_REG if name == "regression" else SK
    header = ["model", "%s (mean ± std)" % metric, "fit CPU s", "ratio to %s" % reference,
              "sparsity_", "ConvergenceWarning"]
    rows = []
    for row, s in stats.items():
        rows.append([
            row,
            "%.4f ± %.4f" % (s["score"], s["std"]),
            "%.2f" % s["time"],
            "%.2f×" % s["ratio"],
            "—" if s["sparsity"] is None else "%.3f" % s["sparsity"],
            "%d / %d seeds" % (s["warned"], s["n"]),
        ])
    return markdown_table(header, rows)


def _target(rows, what, value, ok, fmt):
    rows.append([what, fmt % value, "met" if ok else "**missed**"])


def targets(all_stats):
    """The quality targets, each with its measured value and met / missed."""
    rows = []
    scaled = ["digits", "breast_cancer", "wine", "iris", "mnist", "synthetic"]
    for name in scaled:
        stats = all_stats.get(name)
        if not stats:
            continue
        ref, dense = stats[SK], stats["skprune defaults"]
        delta = 100 * (dense["score"] - ref["score"])
        _target(rows, "%s: defaults accuracy ≥ MLPClassifier() − 0.3 points" % name,
                delta, delta >= -0.3, "%+.2f points")
        _target(rows, "%s: defaults fit CPU ≤ 1.0× MLPClassifier()" % name,
                dense["ratio"], dense["ratio"] <= 1.0, "%.2f×")
    for name in ("digits", "mnist"):
        stats = all_stats.get(name)
        if not stats:
            continue
        ref = stats[SK]
        for s, floor in ((0.9, -0.5), (0.95, -1.0)):
            pruned = stats["skprune sparsity=%g" % s]
            delta = 100 * (pruned["score"] - ref["score"])
            _target(rows, "%s: sparsity=%g accuracy ≥ MLPClassifier() − %.1f points "
                    "(sparsity_ %.3f)" % (name, s, -floor, pruned["sparsity"]),
                    delta, delta >= floor, "%+.2f points")
            _target(rows, "%s: sparsity=%g fit CPU ≤ 3× MLPClassifier()" % (name, s),
                    pruned["ratio"], pruned["ratio"] <= 3.0, "%.2f×")
    for name in ("digits_unscaled", "breast_cancer_unscaled"):
        stats = all_stats.get(name)
        if stats:
            delta = 100 * (stats["skprune defaults"]["score"] - stats[SK]["score"])
            _target(rows, "%s: defaults accuracy ≥ unscaled MLPClassifier() − 2 points"
                    % name, delta, delta >= -2.0, "%+.2f points")
    stats = all_stats.get("regression")
    if stats:
        delta = stats["skprune PrunedMLPRegressor()"]["score"] - stats[SK_REG]["score"]
        _target(rows, "regression: PrunedMLPRegressor() R² ≥ MLPRegressor() − 0.01",
                delta, delta >= -0.01, "%+.4f")
    if not rows:
        return ["### Targets", "", "No target applies to the data sets run."]
    return ["### Targets", "", "Differences are of the means over seeds; fit-time "
            "ratios are medians of per-seed ratios, always to the same seed's dense "
            "`MLPClassifier()` (`MLPRegressor()`) fit. \"skprune defaults\" is `PrunedMLPClassifier()` with "
            "nothing set (its sparsity_ column shows what the default thresholds prune). "
            "The MNIST-10k target at 96.4 % sparsity is measured by "
            "benchmarks/accuracy_vs_sparsity.py.", "",
            markdown_table(["target", "measured", "status"], rows)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=DATASETS, choices=DATASETS)
    parser.add_argument("--seeds", type=int, default=None,
                        help="number of seeds, 0, 1, ... (default 3; 1 with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help="a few hundred rows per data set and one seed: a smoke run")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (default 1)")
    parser.add_argument("--mnist-dir", type=Path, default=MNIST_DIR,
                        help="folder of the MNIST .gz files (default: %(default)s; "
                        "python benchmarks/get_mnist.py DIR writes them)")
    parser.add_argument("--out", type=Path, default=None, help="also write the markdown here")
    args = parser.parse_args(argv)
    seeds = list(range(args.seeds if args.seeds is not None else (1 if args.quick else 3)))
    start, cpu_start = time.perf_counter(), time.process_time()
    lines = [provenance(__file__, argv), "",
             "## Training quality with default settings", "",
             *describe_machine(args.threads),
             "- seeds: %s; %s" % (", ".join(map(str, seeds)), "skprune has a `solver` "
                 "parameter: one row per solver" if has_solver() else "this skprune has no "
                 "`solver` parameter: no solver rows"),
             ""]
    all_stats = {}
    with pinned(args.threads):
        for name in [d for d in DATASETS if d in args.datasets]:
            results, heading = run_dataset(name, seeds, args.quick, args.mnist_dir)
            lines += [heading, ""]
            if results is None:
                continue
            reference = SK_REG if name == "regression" else SK
            all_stats[name] = summary(results, reference)
            lines += [dataset_table(name, all_stats[name]), ""]
    lines += targets(all_stats)
    lines += ["", "Total time: %.0f s wall, %.0f s CPU." % (
        time.perf_counter() - start, time.process_time() - cpu_start)]
    text = "\n".join(lines)
    print(text)
    if args.out is not None:
        args.out.write_text(text + "\n")
    return text


if __name__ == "__main__":
    main()
