"""Does pruning keep the fit on tiny separable problems, or say why it cannot?

Draws small problems (linear, XOR-like and Gaussian blobs; 2-5 features;
60-300 rows) and pruning settings (hidden layers from (4,) to (32, 16);
``sparsity`` 0.5-0.95 and/or ``neuron_sparsity`` 0.25-0.75; every solver,
retraining solver, weight criterion but 'random' and neuron criterion but
'random'; ``max_iter`` 20 or 200), one case per seed. Each case fits the
dense model (the same parameters, no sparsity target, both thresholds 0) and
the pruned one, and checks the pruned model's training accuracy against the
bar ``constant + (dense - constant) / 2``, where ``constant`` is the best
constant prediction's accuracy. A case below the bar is "warned" when a
:class:`~skprune.PruningCollapseWarning` said so and "silent" otherwise.

Two sweeps: "all" draws every setting above; "default" varies only the
problem, the hidden layers, ``sparsity``, ``max_iter`` and the seed, with the
default recipe otherwise. Usage::

    python benchmarks/sweep_collapse.py                    # 96 cases per sweep
    python benchmarks/sweep_collapse.py --cases 20 --out sweep.md

Run it with another checkout first on ``PYTHONPATH`` to measure that one on
the same cases.
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np

from skprune import PrunedMLPClassifier

try:
    from skprune import PruningCollapseWarning
except ImportError:  # a checkout from before the warning: every failure is silent

    class PruningCollapseWarning(Warning):
        pass


sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import describe_machine, pinned, provenance  # noqa: E402

HIDDEN = [(4,), (8,), (16,), (32,), (4, 4), (8, 8), (16, 8), (32, 16)]


def problem(rng):
    """``(kind, X, y)``: a small separable classification problem."""
    kind = str(rng.choice(["linear", "xor", "blobs"]))
    n_features, n = int(rng.integers(2, 6)), int(rng.integers(60, 301))
    X = rng.normal(size=(n, n_features))
    if kind == "linear":
        y = (X @ rng.normal(size=n_features) > 0).astype(int)
    elif kind == "xor":
        y = ((X[:, 0] > 0) ^ (X[:, 1] > 0)).astype(int)
    else:
        centers = rng.normal(scale=4, size=(int(rng.integers(2, 5)), n_features))
        y = rng.integers(len(centers), size=n)
        X = centers[y] + rng.normal(size=(n, n_features))
    return kind, X, y


def settings(rng, sweep):
    """The estimator parameters of one case."""
    params = dict(hidden_layer_sizes=HIDDEN[rng.integers(len(HIDDEN))])
    if sweep == "all":
        params.update(
            solver=str(rng.choice(["gd", "adam", "lbfgs"])),
            retrain_solver=str(rng.choice(["auto", "gd", "adam", "lbfgs"])),
            criterion=str(rng.choice(["magnitude", "taylor", "obd"])),
            neuron_criterion=str(rng.choice(["activation", "entropy", "variance", "taylor"])),
        )
        which = rng.integers(3)
        params["sparsity"] = float(rng.uniform(0.5, 0.95)) if which != 1 else None
        params["neuron_sparsity"] = float(rng.uniform(0.25, 0.75)) if which else None
    else:
        params["sparsity"] = float(rng.uniform(0.5, 0.95))
    params.update(max_iter=int(rng.choice([20, 200])), random_state=int(rng.integers(1000)))
    return params


def run_case(seed, sweep, extra=None):
    """``(kind, dense, pruned, constant, outcome)`` of one case (``extra``: more parameters)."""
    rng = np.random.default_rng(seed)
    kind, X, y = problem(rng)
    params = {**settings(rng, sweep), **(extra or {})}
    dense_params = {**params, "sparsity": None, "neuron_sparsity": None,
                    "weight_threshold": 0.0, "neuron_threshold": 0.0}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dense = PrunedMLPClassifier(**dense_params).fit(X, y).score(X, y)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pruned = PrunedMLPClassifier(**params).fit(X, y).score(X, y)
    constant = np.bincount(y).max() / len(y)
    if pruned >= constant + 0.5 * (dense - constant):
        outcome = "kept"
    elif any(issubclass(w.category, PruningCollapseWarning) for w in caught):
        outcome = "warned"
    else:
        outcome = "silent"
    return kind, dense, pruned, constant, outcome


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=96, help="cases per sweep")
    parser.add_argument("--reconstruct", action="store_true",
                        help="every pruned fit reconstructs (reconstruct=True; its "
                             "'auto' criterion in the default sweep)")
    parser.add_argument("--out", type=Path, default=None, help="also write the markdown here")
    args = parser.parse_args(argv)
    extra = {"reconstruct": True} if args.reconstruct else None
    lines = [provenance(__file__, argv), "",
             "## Pruning on tiny separable problems", "", *describe_machine(1), "",
             "| sweep | cases | kept the fit | below the bar, warned | below the bar, silent "
             "| mean pruned accuracy | CPU s |", "|---|---|---|---|---|---|---|"]
    with pinned(1):
        for sweep, first_seed in (("all", 0), ("default", 1000)):
            start = time.process_time()
            results = [run_case(s, sweep, extra)
                       for s in range(first_seed, first_seed + args.cases)]
            outcomes = [r[4] for r in results]
            lines.append("| %s | %d | %d | %d | %d | %.4f | %.1f |" % (
                sweep, len(results), outcomes.count("kept"), outcomes.count("warned"),
                outcomes.count("silent"), np.mean([r[2] for r in results]),
                time.process_time() - start))
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
