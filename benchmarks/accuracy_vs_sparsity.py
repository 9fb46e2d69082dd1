"""Accuracy versus sparsity: every pruning criterion and schedule, against the
unpruned network and random pruning, on digits and MNIST-10k.

Prints markdown tables (the machine and BLAS first). Usage::

    python benchmarks/accuracy_vs_sparsity.py                 # the full run
    python benchmarks/accuracy_vs_sparsity.py --datasets digits --seeds 2
    python benchmarks/accuracy_vs_sparsity.py --quick         # seconds, a smoke test

Training uses the estimators' default solvers: full-batch Adam at its default
step size for the dense training, L-BFGS for the retraining after each pruning
step (``retrain_solver='auto'``). The recipe is gradual pruning (Zhu & Gupta,
2017): train dense, prune gradually (``n_prune_steps`` steps, at most
``retrain_iter`` iterations apart), fine-tune at most ``finetune_iter``
iterations. On digits these are the numbers of the estimators' own recipe for
a sparsity target, written out so that every method runs the same one; on
MNIST-10k the recipe is longer than that (30 steps of up to 25 iterations and
a fine-tune of up to 500), a tuned recipe for the 96.4 % target. Every
configuration, and the dense reference, is one fit from scratch: ``max_iter``
dense Adam iterations, then the recipe; the dense reference is the same fit
with ``sparsity=0``, a mask of ones, so it is retrained as long. (Continuing a
copy of one trained dense network with ``warm_start`` would be cheaper, but
Adam's moment estimates start afresh at every fit, and its first steps throw
a trained network off its minimum.) With ``tol=0`` L-BFGS has no gradient
test either: its phases end at their budget or when the loss stops
decreasing, so fits differ in their iteration counts after the dense
phase; every fit runs all of its ``max_iter`` dense iterations (no stopping
rule). MNIST is read from ``--mnist-dir`` (the official 10,000-image test
set: the first 8,000 images train, the last 2,000 test; ``python
benchmarks/get_mnist.py DIR`` writes it) and is skipped when absent.
Both data sets are fed as float32 (the estimators keep float32).
"""

import argparse
import datetime
import os
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import scipy
import sklearn
from sklearn.base import clone
from threadpoolctl import threadpool_info, threadpool_limits

from skprune import PrunedMLPClassifier, compression_report

# The tests load this file by path, so its folder is not on sys.path then.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import (  # noqa: E402
    code_version,
    cpu_name,
    default_mnist_dir,
    load_mnist,
    provenance,
)
from _timing import digits_split as load_digits_split  # noqa: E402

MNIST_DIR = default_mnist_dir()

#: The full run. Each dataset: its network, recipe and sweeps.
FULL = {
    "digits": {
        "hidden": (100,),
        "recipe": dict(max_iter=300, n_prune_steps=10, retrain_iter=15, finetune_iter=100),
        "sparsities": (0.5, 0.8, 0.9, 0.95, 0.98),
        "weight_rows": [
            (c, s, "layer")
            for c in ("magnitude", "taylor", "obd")
            for s in ("one-shot", "iterative", "gradual")
        ]
        + [("random", "gradual", "layer"), ("magnitude", "gradual", "global"),
           ("obd", "gradual", "global")],
        "lottery": dict(max_iter=300, n_prune_steps=5, retrain_iter=200, criterion="magnitude"),
        "neuron_fractions": (0.5, 0.75, 0.9),
        "neuron_criteria": ("activation", "entropy", "variance", "taylor", "random"),
    },
    "mnist": {
        "hidden": (300, 100),
        "recipe": dict(max_iter=300, n_prune_steps=30, retrain_iter=25, finetune_iter=500),
        # Global pruning keeps a fifth of each layer at least: the output
        # layer (1,000 of 266,200 weights) is pruned far less than the others,
        # as in Han et al. (26 % kept) and the lottery-ticket paper.
        "min_layer_density": 0.2,
        "rows": [
            ("magnitude", "gradual", "global", 0.9),
            ("magnitude", "gradual", "global", 0.964),
            ("magnitude", "gradual", "global", 0.98),
            ("magnitude", "gradual", "layer", 0.964),
            ("obd", "gradual", "global", 0.964),
            ("magnitude", "one-shot", "global", 0.964),
            ("random", "gradual", "global", 0.964),
        ],
    },
}

#: A smoke test of the same code paths, in seconds.
QUICK = {
    "digits": {
        **FULL["digits"],
        "hidden": (20,),
        "recipe": dict(max_iter=20, n_prune_steps=2, retrain_iter=3, finetune_iter=5),
        "sparsities": (0.5, 0.9),
        "weight_rows": [("magnitude", "gradual", "layer"), ("obd", "one-shot", "global"),
                        ("random", "iterative", "layer")],
        "lottery": dict(max_iter=10, n_prune_steps=2, retrain_iter=5, criterion="magnitude"),
        "neuron_fractions": (0.5,),
        "neuron_criteria": ("activation", "variance"),
        "n_samples": 300,
    },
    "mnist": {
        **FULL["mnist"],
        "hidden": (20, 10),
        "recipe": dict(max_iter=5, n_prune_steps=2, retrain_iter=2, finetune_iter=2),
        "rows": [("magnitude", "gradual", "global", 0.9), ("random", "one-shot", "layer", 0.9)],
        "n_samples": (300, 100),
    },
}


def machine():
    blas = [
        "%s %s (%s, %d threads)"
        % (i.get("internal_api"), i.get("version"), i.get("threading_layer", "?"),
           i.get("num_threads", 0))
        for i in threadpool_info()
        if i.get("user_api") == "blas"
    ]
    return [
        "| machine | %s, %s, %s logical CPUs |" % (platform.machine(), cpu_name(),
                                                   os.cpu_count()),
        "| python / numpy / scipy / scikit-learn | %s / %s / %s / %s |"
        % (platform.python_version(), np.__version__, scipy.__version__, sklearn.__version__),
        "| BLAS | %s; runs pinned to 1 thread |" % ("; ".join(blas) or "unknown"),
        "| run | %s UTC, skprune commit %s |"
        % (datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"),
           code_version()),
    ]


# ---------------------------------------------------------------------- #
# Data.
# ---------------------------------------------------------------------- #
def digits_split(n_samples=None):
    # float32 halves memory traffic: about 3x faster per step here.
    return load_digits_split(n_samples, np.float32)


def mnist_split(n_samples=None, root=MNIST_DIR):
    """First 8,000 images train, last 2,000 test, pixels / 255 in float32; None if absent."""
    data = load_mnist(root)
    if data is None:
        return None
    X, y = data
    X = X.astype(np.float32)
    n_train, n_test = n_samples or (8000, 2000)
    return X[:n_train], X[-n_test:], y[:n_train], y[-n_test:]


# ---------------------------------------------------------------------- #
# Fitting.
# ---------------------------------------------------------------------- #
def _estimator(cfg, seed, **params):
    # No stopping rule: every fit runs all of its iterations, so every
    # configuration gets the same budget.
    base = dict(
        hidden_layer_sizes=cfg["hidden"], tol=0.0, n_iter_no_change=10**9, weight_threshold=0.0, neuron_threshold=0.0,
        random_state=seed,
    )
    base.update(params)
    return PrunedMLPClassifier(**base)


def pretrain(cfg, data, seed):
    """An unfitted estimator with the recipe for ``seed``; each configuration fits a clone."""
    return _estimator(cfg, seed, **cfg["recipe"])


def continue_from(dense, cfg, data, **params):
    """Fit a clone of ``dense`` from scratch with ``params``: dense training, then pruning."""
    X_train, X_test, y_train, y_test = data
    recipe = cfg["recipe"]
    est = clone(dense).set_params(**params)
    start = time.perf_counter()
    est.fit(X_train, y_train)
    _check_complete(est, recipe["max_iter"], params)
    return est, est.score(X_test, y_test), time.perf_counter() - start


#: Fits whose dense training ran fewer iterations than asked (the estimator's
#: divergence guard stops training when that phase ends above its start).
SHORT_FITS = []


def _check_complete(est, expected, params):
    """Record a fit whose dense phase stopped before ``expected`` iterations."""
    history = getattr(est, "pruning_history_", None)
    dense = history[0]["iteration"] if history else est.n_iter_
    if dense != expected:
        SHORT_FITS.append("%s (seed %s): %d of %d dense iterations"
                          % (params, est.random_state, dense, expected))


def _cell(values):
    values = 100 * np.asarray(values)
    if len(values) == 1:
        return "%.2f" % values[0]
    return "%.2f ± %.2f" % (values.mean(), values.std())


def _log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------- #
# The studies.
# ---------------------------------------------------------------------- #
def digits_study(cfg, seeds):
    data = digits_split(cfg.get("n_samples"))
    denses = [pretrain(cfg, data, seed) for seed in seeds]
    results, lines = {}, []

    def run(key, **params):
        accs = [continue_from(d, cfg, data, **params)[1] for d in denses]
        results[key] = np.array(accs)
        return accs

    dense = run("dense", sparsity=0.0)
    sparsities = cfg["sparsities"]
    lines += [
        "### digits: test accuracy (%%) versus weight sparsity, seeds %s"
        % ", ".join(map(str, seeds)),
        "",
        "Network 64-%s-10; dense reference: %s %%." % (
            "-".join(map(str, cfg["hidden"])), _cell(dense)),
        "",
        "| criterion | schedule | scope | " + " | ".join("%g %%" % (100 * s) for s in sparsities) + " |",
        "|---|---|---|" + "---|" * len(sparsities),
    ]
    for criterion, schedule, scope in cfg["weight_rows"]:
        cells = []
        for s in sparsities:
            accs = run((criterion, schedule, scope, s), sparsity=s, criterion=criterion,
                       schedule=schedule, prune_scope=scope)
            cells.append(_cell(accs))
        lines.append("| %s | %s | %s | %s |" % (criterion, schedule, scope, " | ".join(cells)))
        _log("digits %s %s %s done" % (criterion, schedule, scope))

    # Lottery tickets: Han-style iterative magnitude pruning with long
    # retraining, continuing from the trained weights or rewinding.
    X_train, X_test, y_train, y_test = data
    lines += ["", "### digits: lottery-ticket rewinding (iterative magnitude, from scratch)", "",
              "%d rounds of up to %d L-BFGS iterations after %d dense Adam iterations." % (
                  cfg["lottery"]["n_prune_steps"], cfg["lottery"]["retrain_iter"],
                  cfg["lottery"]["max_iter"]), "",
              "| survivors | " + " | ".join("%g %%" % (100 * s) for s in sparsities) + " |",
              "|---|" + "---|" * len(sparsities)]
    for rewind in (False, True):
        cells = []
        for s in sparsities:
            accs = []
            for seed in seeds:
                est = _estimator(cfg, seed, sparsity=s, schedule="iterative", rewind=rewind,
                                 prune_scope="global", **cfg["lottery"])
                accs.append(est.fit(X_train, y_train).score(X_test, y_test))
                lottery = cfg["lottery"]
                _check_complete(est, lottery["max_iter"], {"lottery": rewind, "sparsity": s})
            results[("lottery", rewind, s)] = np.array(accs)
            cells.append(_cell(accs))
        lines.append("| %s | %s |" % ("rewound to init" if rewind else "kept trained",
                                      " | ".join(cells)))
    _log("digits lottery done")

    fractions = cfg["neuron_fractions"]
    lines += ["", "### digits: test accuracy (%) versus hidden neurons removed", "",
              ("Weights unpruned; neurons removed on the same schedule (gradual), "
               "their mean output folded into the next bias."), "",
              "| neuron criterion | " + " | ".join("%g %%" % (100 * f) for f in fractions) + " |",
              "|---|" + "---|" * len(fractions)]
    for criterion in cfg["neuron_criteria"]:
        cells = []
        for f in fractions:
            accs = run(("neurons", criterion, f), neuron_sparsity=f, neuron_criterion=criterion)
            cells.append(_cell(accs))
        lines.append("| %s | %s |" % (criterion, " | ".join(cells)))
    _log("digits neurons done")
    return lines, results


def mnist_study(cfg, seeds, root=MNIST_DIR, target_only=False):
    data = mnist_split(cfg.get("n_samples"), root)
    if data is None:
        return ["### MNIST-10k", "", "Skipped: %s not found." % root], None
    dense_models = [pretrain(cfg, data, seed) for seed in seeds]
    dense_fits = [continue_from(d, cfg, data, sparsity=0.0) for d in dense_models]
    pretrain_time = np.mean([seconds for _, _, seconds in dense_fits])
    dense = [acc for _, acc, _ in dense_fits]
    dense_acc = float(np.mean(dense))
    results = {"dense": np.array(dense)}
    lines = [
        "### MNIST-10k: 784-%s-10 (LeNet-300-100 in the full run), %d train / %d test, %s %s"
        % ("-".join(map(str, cfg["hidden"])), len(data[2]), len(data[3]),
           "seeds" if len(seeds) > 1 else "seed", ", ".join(map(str, seeds))),
        "",
        "Dense reference: %s %% (its fit took %.0f s per seed). Compression, "
        "densities and widths are those of seed %d; time is per fit."
        % (_cell(dense), pretrain_time, seeds[0]),
        "",
        (
            "| criterion | schedule | scope | sparsity | accuracy (%) | vs dense | "
            "compression | layer density | neurons kept | time (s) |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    rows = cfg["rows"][1:2] if target_only else cfg["rows"]
    for criterion, schedule, scope, s in rows:
        fits = [
            continue_from(d, cfg, data, sparsity=s, criterion=criterion, schedule=schedule,
                          prune_scope=scope, min_layer_density=cfg["min_layer_density"])
            for d in dense_models
        ]
        est = fits[0][0]
        accs = np.array([acc for _, acc, _ in fits])
        report = compression_report(est)
        results[(criterion, schedule, scope, s)] = accs
        lines.append("| %s | %s | %s | %.1f %% | %s | %+.2f | %.1f× | %s | %s | %.0f |" % (
            criterion, schedule, scope, 100 * est.sparsity_, _cell(accs),
            100 * (accs.mean() - dense_acc), report["compression_ratio"],
            " / ".join("%.1f %%" % (100 * d) for d in report["layer_density"]),
            "-".join(map(str, est.hidden_layer_sizes_)),
            np.mean([seconds for _, _, seconds in fits])))
        _log("mnist %s %s %s %g: %s" % (criterion, schedule, scope, s, accs))
    return lines, results


def targets(digits, mnist):
    """The accuracy targets against the best measured configuration."""
    lines = ["", "### Targets", "", "| target | best configuration | measured | met |",
             "|---|---|---|---|"]

    def best(results, keys):
        keys = [k for k in keys if k in results]
        if not keys:
            return None, None
        key = max(keys, key=lambda k: np.mean(results[k]))
        return key, float(np.mean(results[key]))

    if digits is not None:
        dense = float(np.mean(digits["dense"]))
        for s, allowed in ((0.9, 0.5), (0.95, 2.0)):
            key, acc = best(digits, [k for k in digits if len(k) == 4 and k[3] == s])
            if key is None:
                continue
            loss = 100 * (dense - acc)
            lines.append("| digits, %g %% sparsity: ≤ %.1f points below dense (%.2f %%) | %s | "
                         "%.2f %% (%+.2f) | %s |" % (100 * s, allowed, 100 * dense,
                                                    " ".join(map(str, key[:3])), 100 * acc,
                                                    -loss, "yes" if loss <= allowed else "no"))
        key, acc = best(digits, [k for k in digits if k[0] == "neurons" and k[2] >= 0.5])
        if key is not None:
            loss = 100 * (dense - acc)
            lines.append("| digits, ≥ 50 %% of hidden neurons removed: ≤ 1 point lost | %s, %g %% "
                         "removed | %.2f %% (%+.2f) | %s |" % (key[1], 100 * key[2], 100 * acc,
                                                               -loss, "yes" if loss <= 1 else "no"))
    if mnist is not None:
        dense = float(np.mean(mnist["dense"]))
        key, acc = best(mnist, [k for k in mnist if k != "dense" and k[3] >= 0.964])
        if key is not None:
            loss = 100 * (dense - acc)
            lines.append("| MNIST-10k, ≥ 96.4 %% sparsity: ≤ 0.5 points below dense (%.2f %%) | "
                         "%s at %g %% | %.2f %% (%+.2f) | %s |" % (
                             100 * dense, " ".join(map(str, key[:3])), 100 * key[3], 100 * acc,
                             -loss, "yes" if loss <= 0.5 else "no"))
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["digits", "mnist"],
                        choices=["digits", "mnist"])
    parser.add_argument("--seeds", type=int, default=3, help="digits seeds")
    parser.add_argument("--mnist-seeds", type=int, nargs="+", default=[0],
                        help="MNIST seeds (default: 0)")
    parser.add_argument("--mnist-target-only", action="store_true",
                        help="MNIST: only the 96.4 %% global magnitude row and the dense reference")
    parser.add_argument("--quick", action="store_true", help="tiny smoke-test sizes")
    parser.add_argument("--mnist-dir", type=Path, default=MNIST_DIR,
                        help="folder of the MNIST .gz files (default: %(default)s)")
    args = parser.parse_args(argv)
    config = QUICK if args.quick else FULL
    SHORT_FITS.clear()
    start, cpu_start = time.perf_counter(), time.process_time()
    lines = [provenance(__file__, argv), "", "| | |", "|---|---|", *machine(), ""]
    digits_results = mnist_results = None
    warnings.filterwarnings("ignore", category=UserWarning)
    warnings.filterwarnings("ignore", category=sklearn.exceptions.ConvergenceWarning)
    with threadpool_limits(1):
        if "digits" in args.datasets:
            more, digits_results = digits_study(config["digits"], list(range(args.seeds)))
            lines += more + [""]
        if "mnist" in args.datasets:
            more, mnist_results = mnist_study(
                config["mnist"], args.mnist_seeds, args.mnist_dir, args.mnist_target_only
            )
            lines += more
    lines += targets(digits_results, mnist_results)
    lines += ["", "Fits whose dense training stopped before its last iteration: %s."
              % ("; ".join(SHORT_FITS) if SHORT_FITS else "none")]
    # CPU time as well: on a shared machine the wall time says little.
    lines += ["", "Total time: %.0f s wall, %.0f s CPU." % (
        time.perf_counter() - start, time.process_time() - cpu_start)]
    text = "\n".join(lines)
    print(text)
    return text


if __name__ == "__main__":
    main()
