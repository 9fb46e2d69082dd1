"""Choosing the sparsity: ``GridSearchCV`` over ``sparsity`` against the CV estimators.

Two parts, both in one process with BLAS pinned to one thread, CPU time
(``time.process_time``):

1. **Selection.** On each data set and seed, a stratified 80 / 20 split
   (standardised on the training part); on the training part,
   ``GridSearchCV(PrunedMLP*(random_state=seed), {"sparsity": levels})`` and
   ``PrunedMLP*CV(sparsities=levels, random_state=seed)`` with the same folds,
   run in turn (which goes first alternates with the seed). Reported: the
   CPU time of each (refit included) and their ratio; the level each picks;
   ``GridSearchCV``'s mean CV score at both picks with its standard deviation
   at its best; the Spearman correlation of the two rankings of the levels;
   and the held-out score of both refitted models.
2. **Path quality** (``--quality-seeds``): on digits, every level's model of
   one ``pruning_path`` against an independent ``fit`` at that level, paired
   by seed: the mean and the largest (independent - path) test accuracy.

Data: digits ((100,), 5 folds), MNIST-10k ((300, 100), 3 folds; read from
``--mnist-dir``, skipped when absent) and ``make_regression(2000, 30)``
((100,), 5 folds, raw targets scaled by their standard deviation).

Usage::

    python benchmarks/bench_path.py               # digits, regression, MNIST (1 seed)
    python benchmarks/bench_path.py --quick       # a smoke run (small subsets)
    python benchmarks/bench_path.py --datasets digits,regression --seeds 3
    python benchmarks/bench_path.py --seeds 0 --quality-seeds 10   # path quality only
    python benchmarks/bench_path.py --solves      # also reconstruct=True, and 20 levels
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr
from sklearn.datasets import load_digits, make_regression
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    StratifiedKFold,
    train_test_split,
)
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import (  # noqa: E402
    default_mnist_dir,
    describe_machine,
    load_mnist,
    markdown_table,
    pinned,
    provenance,
)

from skprune import (  # noqa: E402
    PrunedMLPClassifier,
    PrunedMLPClassifierCV,
    PrunedMLPRegressor,
    PrunedMLPRegressorCV,
    pruning_path,
)

LEVELS = [0.5, 0.8, 0.9, 0.95, 0.98]
#: 20 levels over the same range: densities log-spaced from 0.5 to 0.02.
LEVELS_20 = [float(s) for s in np.round(1 - np.geomspace(0.5, 0.02, 20), 3)]
MNIST_DIR = default_mnist_dir()


def dataset(name, quick, mnist_dir):
    """``(X, y, hidden, n_folds, classifier)``, or None when the data is absent."""
    if name == "digits":
        X, y = load_digits(return_X_y=True)
        hidden, folds, clf = (100,), 5, True
    elif name == "mnist":
        data = load_mnist(mnist_dir)
        if data is None:
            return None
        X, y = data
        hidden, folds, clf = (300, 100), 3, True
    else:
        X, y = make_regression(2000, 30, n_informative=20, noise=10, random_state=0)
        y = y / y.std()
        hidden, folds, clf = (100,), 5, False
    if quick:
        X, y = X[:400], y[:400]
        hidden, folds = (32,), 2
    return X, y, hidden, folds, clf


def cpu(fn):
    start = time.process_time()
    out = fn()
    return out, time.process_time() - start


def select_once(X, y, hidden, n_folds, classifier, seed, solves=False):
    """One seed of part 1: a row of the table."""
    split = train_test_split(X, y, test_size=0.2, random_state=seed,
                             stratify=y if classifier else None)
    X_train, X_test, y_train, y_test = split
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    folds = (StratifiedKFold if classifier else KFold)(n_folds, shuffle=True, random_state=seed)
    Est, EstCV = ((PrunedMLPClassifier, PrunedMLPClassifierCV) if classifier
                  else (PrunedMLPRegressor, PrunedMLPRegressorCV))
    def cv_run(levels, **params):
        return lambda: EstCV(hidden, sparsities=levels, cv=folds, random_state=seed,
                             **params).fit(X_train, y_train)

    runs = {
        "grid": lambda: GridSearchCV(Est(hidden, random_state=seed), {"sparsity": LEVELS},
                                     cv=folds).fit(X_train, y_train),
        "cv": cv_run(LEVELS),
    }
    if solves:
        runs.update(cv20=cv_run(LEVELS_20), cv_solve=cv_run(LEVELS, reconstruct=True),
                    cv_solve20=cv_run(LEVELS_20, reconstruct=True))
    order = list(runs) if seed % 2 == 0 else list(runs)[::-1]
    fitted, seconds = {}, {}
    for name in order:
        fitted[name], seconds[name] = cpu(runs[name])
    grid, cv = fitted["grid"], fitted["cv"]
    means = grid.cv_results_["mean_test_score"]
    best = int(np.argmax(means))
    extra = {}
    if solves:
        solve = fitted["cv_solve"]
        extra = {
            "cv20_s": seconds["cv20"], "solve_s": seconds["cv_solve"],
            "solve20_s": seconds["cv_solve20"], "solve_level": solve.best_sparsity_,
            "grid_mean_at_solve": means[LEVELS.index(solve.best_sparsity_)],
            "solve_spearman": spearmanr(means, solve.cv_results_["mean_test_score"]).statistic,
            "solve_test": solve.score(X_test, y_test),
            "solve20_level": fitted["cv_solve20"].best_sparsity_,
            "solve20_test": fitted["cv_solve20"].score(X_test, y_test),
        }
    return {**extra,
        "grid_s": seconds["grid"], "cv_s": seconds["cv"],
        "grid_level": grid.best_params_["sparsity"], "cv_level": cv.best_sparsity_,
        "grid_mean_at_cv": means[LEVELS.index(cv.best_sparsity_)],
        "grid_best": means[best], "grid_std": grid.cv_results_["std_test_score"][best],
        "spearman": spearmanr(means, cv.cv_results_["mean_test_score"]).statistic,
        "grid_test": grid.score(X_test, y_test), "cv_test": cv.score(X_test, y_test),
        "cv_means": cv.cv_results_["mean_test_score"], "grid_means": means,
    }


def selection_table(name, rows):
    table = []
    for seed, r in rows:
        table.append([
            name, seed, "%.1f" % r["grid_s"], "%.1f" % r["cv_s"],
            "%.1f×" % (r["grid_s"] / r["cv_s"]),
            r["grid_level"], r["cv_level"],
            "%.4f" % r["grid_best"], "%.4f" % r["grid_std"], "%.4f" % r["grid_mean_at_cv"],
            "%.2f" % r["spearman"], "%.4f" % r["grid_test"], "%.4f" % r["cv_test"],
        ])
    return table


SELECTION_HEADER = [
    "data", "seed", "GridSearchCV CPU s", "CV estimator CPU s", "speed-up",
    "GridSearchCV level", "CV estimator level", "GridSearchCV best mean score",
    "its std", "GridSearchCV mean score at the CV estimator's level",
    "rank correlation of the levels", "GridSearchCV test score", "CV estimator test score",
]


def solve_table(name, rows):
    return [[
        name, seed, "%.1f" % r["grid_s"], "%.1f" % r["solve_s"],
        "%.1f×" % (r["grid_s"] / r["solve_s"]), r["grid_level"], r["solve_level"],
        "%.4f" % r["grid_best"], "%.4f" % r["grid_std"], "%.4f" % r["grid_mean_at_solve"],
        "%.2f" % r["solve_spearman"], "%.4f" % r["grid_test"], "%.4f" % r["solve_test"],
    ] for seed, r in rows]


def levels_table(name, rows):
    return [[
        name, seed, "%.1f" % r["cv_s"], "%.1f" % r["cv20_s"], "%.2f×" % (r["cv20_s"] / r["cv_s"]),
        "%.1f" % r["solve_s"], "%.1f" % r["solve20_s"],
        "%.2f×" % (r["solve20_s"] / r["solve_s"]), r["solve20_level"],
        "%.4f" % r["solve20_test"],
    ] for seed, r in rows]


SOLVE_HEADER = [
    "data", "seed", "GridSearchCV CPU s", "CV estimator, reconstruct=True, CPU s", "speed-up",
    "GridSearchCV level", "CV estimator level", "GridSearchCV best mean score", "its std",
    "GridSearchCV mean score at the CV estimator's level", "rank correlation of the levels",
    "GridSearchCV test score", "CV estimator test score",
]
LEVELS_HEADER = [
    "data", "seed", "5 levels CPU s", "20 levels CPU s", "20 / 5",
    "5 levels, reconstruct=True, CPU s", "20 levels, reconstruct=True, CPU s", "20 / 5",
    "20 levels, reconstruct=True: level", "its test score",
]


def path_quality(n_seeds, quick):
    """Part 2: (independent - path) test accuracy per level, paired by seed, on digits."""
    X, y = load_digits(return_X_y=True)
    hidden = (32,) if quick else (100,)
    if quick:
        X, y = X[:600], y[:600]
    gaps = []
    for seed in range(n_seeds):
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=0.25, random_state=seed, stratify=y)
        scaler = StandardScaler().fit(X_train)
        X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
        est = PrunedMLPClassifier(hidden, random_state=seed)
        _, models = pruning_path(est, X_train, y_train, LEVELS)
        path = [m.score(X_test, y_test) for m in models]
        alone = [est.set_params(sparsity=s).fit(X_train, y_train).score(X_test, y_test)
                 for s in LEVELS]
        gaps.append(100 * (np.array(alone) - np.array(path)))
    gaps = np.array(gaps)
    return [[s, "%+.2f" % gaps[:, i].mean(), "%+.2f" % gaps[:, i].max(),
             "%+.2f" % gaps[:, i].min()] for i, s in enumerate(LEVELS)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small subsets (a smoke run)")
    parser.add_argument("--seeds", type=int, default=1, help="seeds of the selection part")
    parser.add_argument("--quality-seeds", type=int, default=0,
                        help="seeds of the path-quality part on digits (0: skip it)")
    parser.add_argument("--datasets", default="digits,regression,mnist")
    parser.add_argument("--mnist-dir", default=str(MNIST_DIR))
    parser.add_argument("--out", default=None, help="also write the tables to this file")
    parser.add_argument("--solves", action="store_true",
                        help="also the CV estimators with reconstruct=True (levels reached by "
                             "solves), and both with %d levels" % len(LEVELS_20))
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    lines = [provenance(__file__, argv), "",
             "# Choosing the sparsity: GridSearchCV against the CV estimators", ""]
    lines += describe_machine(1)
    lines += ["- levels: %s; CPU seconds, one BLAS thread" % LEVELS, ""]
    rows = []
    with pinned(1):
        for name in args.datasets.split(","):
            data = dataset(name, args.quick, args.mnist_dir)
            if data is None:
                print("%s: skipped (not found in %s)" % (name, args.mnist_dir), flush=True)
                continue
            X, y, hidden, n_folds, classifier = data
            for seed in range(args.seeds):
                r = select_once(X, y, hidden, n_folds, classifier, seed, args.solves)
                rows.append((name, seed, r))
                print(name, seed, "grid %.1f s, cv %.1f s; levels %s / %s; means grid %s cv %s"
                      % (r["grid_s"], r["cv_s"], r["grid_level"], r["cv_level"],
                         np.round(r["grid_means"], 4), np.round(r["cv_means"], 4)), flush=True)
        if rows:
            table = markdown_table(SELECTION_HEADER, [
                row for name, seed, r in rows for row in selection_table(name, [(seed, r)])])
            lines += ["## Selection", "", table, ""]
            if args.solves:
                lines += [
                    "## Levels reached by solves (``reconstruct=True``)", "",
                    "The CV estimator with ``reconstruct=True``: one dense fit per fold, each "
                    "level reached from it by pruning and a layer-wise least-squares refit, "
                    "with no gradient step between levels; against the same "
                    "``GridSearchCV`` as above (defaults).", "",
                    markdown_table(SOLVE_HEADER, [row for name, seed, r in rows
                                                  for row in solve_table(name, [(seed, r)])]),
                    "",
                    "## 20 levels against 5", "",
                    "The same range, 20 levels (densities log-spaced from 0.5 to 0.02): "
                    "%s." % LEVELS_20, "",
                    markdown_table(LEVELS_HEADER, [row for name, seed, r in rows
                                                   for row in levels_table(name, [(seed, r)])]),
                    "",
                ]
        if args.quality_seeds:
            quality = path_quality(args.quality_seeds, args.quick)
            lines += [
                "## Path quality (digits, %d seeds)" % args.quality_seeds, "",
                "Test accuracy of an independent fit minus that of the path's model "
                "at the same level, in points, paired by seed.", "",
                markdown_table(["level", "mean", "largest", "smallest"], quality), "",
            ]
    text = "\n".join(lines)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()
