"""Pruning a fitted MLP without retraining: layer-wise least-squares reconstruction.

A scikit-learn ``MLPClassifier`` / ``MLPRegressor`` is fitted (the
reference); its weights are pruned to ``sparsity`` by a criterion and every
layer's surviving weights and biases are then refitted, in order, by ridge
least squares to the reference's pre-activations on the pruned network's
own inputs (``skprune._prune.reconstruct.reconstruct``). No gradient step. Then,
to tell whether it is worth it, a short masked L-BFGS fine-tune
(``skprune._fit.loop.train``) after the reconstruction, and the same fine-tune
of the pruned network without reconstruction.

Masks, all at the target sparsity of the original weights, global scope
(``fraction_masks``, every layer keeps at least 1 % as the estimators do):
``magnitude`` |w|; ``obd`` Optimal Brain Damage saliency; ``wanda``
|w| * rms of its input (Sun et al. 2023); ``wanda-shares`` each layer keeps
its share of the global magnitude threshold and chooses its weights by
Wanda's score.

Data, one process, one BLAS thread, CPU time (``time.process_time``),
3 seeds (the MLP's ``random_state``):

- MNIST-10k (the official test set, pixels / 255): the first 8,000 rows
  train, the last 2,000 test, ``StandardScaler``, ``MLPClassifier((300,
  100))`` (read from ``--mnist-dir``; skipped when absent);
- digits (75 / 25 stratified split, ``random_state=0``), ``MLPClassifier()``;
- ``make_regression(2000, 30, n_informative=20, noise=10)`` with targets
  scaled by their standard deviation (80 / 20 split per seed),
  ``MLPRegressor()``.

The pruning's CPU time (the criterion's statistics plus the
reconstruction) is reported as a ratio of the MLP's fit, paired by seed.

Usage::

    python benchmarks/bench_reconstruct.py                 # everything, 3 seeds
    python benchmarks/bench_reconstruct.py --quick         # a smoke run
    python benchmarks/bench_reconstruct.py --out benchmarks/results/bench_reconstruct.md
"""

import argparse
import functools
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import make_regression
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import (  # noqa: E402
    default_mnist_dir,
    describe_machine,
    digits_split,
    load_mnist,
    markdown_table,
    pinned,
    provenance,
)

from skprune import (  # noqa: E402
    MagnitudeCriterion,
    OBDCriterion,
    PrunedMLPClassifier,
    PrunedMLPRegressor,
    WeightCriterion,
    compression_report,
)
from skprune._data.memory import InMemoryData  # noqa: E402
from skprune._fit.loop import Phase, Record, train  # noqa: E402
from skprune._net.network import OUTPUT_ACTIVATIONS, predict_output  # noqa: E402
from skprune._net.surgery import Network  # noqa: E402
from skprune._prune.masks import _keep_top, fraction_masks  # noqa: E402
from skprune._prune.reconstruct import reconstruct  # noqa: E402
from skprune._prune.state import PruningState  # noqa: E402

SPARSITIES = (0.9, 0.95, 0.98)
METHODS = ("magnitude", "obd", "wanda", "wanda-shares")
RIDGES = (1e-4, 1e-3, 1e-2, 1e-1)
FINETUNE_ITERS = (10, 30)
#: The estimators' floor on each layer's density under global scope.
MIN_LAYER_DENSITY = 0.01


class WandaCriterion(WeightCriterion):
    """Wanda's score ``|w_jk| * ||x_j||`` (Sun et al. 2023), ``||x_j||`` the weighted rms of input j."""

    def scores(self, state):
        squares = state.reduce(_input_squares(state))
        return [np.abs(W) * np.sqrt(s)[:, np.newaxis] for W, s in zip(state.coefs, squares)]


def _input_squares(state):
    def fn(X, Y, w):
        return tuple(w @ np.square(A) for A in state.forward(X)[:-1])
    return fn


def cpu(fn, *args, **kwargs):
    start = time.process_time()
    out = fn(*args, **kwargs)
    return out, time.process_time() - start


def datasets(args):
    """``(name, X_train, X_test, y_train, y_test, make_mlp, classifier)`` per data set and seed."""
    names = args.datasets.split(",")
    if "mnist" in names and not args.quick:
        data = load_mnist(args.mnist_dir)
        if data is None:
            print("mnist: skipped (not found in %s)" % args.mnist_dir, flush=True)
        else:
            X, y = data
            scaler = StandardScaler().fit(X[:8000])
            split = scaler.transform(X[:8000]), scaler.transform(X[8000:]), y[:8000], y[8000:]
            yield "MNIST-10k", split, lambda s: MLPClassifier((300, 100), random_state=s), True
    if "digits" in names:
        split = digits_split(400 if args.quick else None)
        yield "digits", split, lambda s: MLPClassifier(random_state=s), True
    if "regression" in names:
        n = 400 if args.quick else 2000
        X, y = make_regression(n, 30, n_informative=20, noise=10, random_state=0)
        yield "regression", (X, y / y.std()), (
            lambda s: MLPRegressor(random_state=s, max_iter=100 if args.quick else 200)), False


def regression_split(X, y, seed):
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=seed)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


class Problem:
    """One fitted reference MLP, its training rows as a data source, and its scorer."""

    def __init__(self, mlp, X_train, y_train, X_test, y_test, classifier):
        self.mlp, self.X_test, self.y_test, self.classifier = mlp, X_test, y_test, classifier
        self.loss = {"softmax": "log_loss", "logistic": "binary_log_loss",
                     "identity": "squared_error"}[mlp.out_activation_]
        Y = (mlp._label_binarizer.transform(y_train) if classifier
             else y_train.reshape(-1, 1)).astype(np.float64)
        self.data = InMemoryData(X_train, Y, np.ones(len(X_train)))
        self.reference = Network([np.array(W) for W in mlp.coefs_],
                                 [np.array(b) for b in mlp.intercepts_], None)
        self.layer_units = (X_train.shape[1],) + tuple(W.shape[1] for W in mlp.coefs_)

    def score(self, net):
        P = predict_output(self.X_test, net.coefs, net.intercepts, self.mlp.activation,
                           OUTPUT_ACTIVATIONS[self.loss])
        if not self.classifier:
            return r2_score(self.y_test, P[:, 0])
        return float(np.mean(self.mlp.classes_[P.argmax(axis=1)] == self.y_test))

    def masks(self, method, sparsity):
        ref = self.reference
        alive = [np.ones(W.shape, bool) for W in ref.coefs]
        n_original = [W.size for W in ref.coefs]
        state = PruningState._on_data(self.data, ref.coefs, ref.intercepts, alive,
                                     self.mlp.activation, self.loss)
        if method == "wanda-shares":
            shares = fraction_masks([np.abs(W) for W in ref.coefs], alive, sparsity, "global",
                                    n_original)
            scores = WandaCriterion().scores(state)
            return [_keep_top(s, m, int(k.sum())) for s, m, k in zip(scores, alive, shares)]
        criterion = {"magnitude": MagnitudeCriterion(), "obd": OBDCriterion(),
                     "wanda": WandaCriterion()}[method]
        return fraction_masks(criterion.scores(state), alive, sparsity, "global", n_original,
                              MIN_LAYER_DENSITY)

    def pruned(self, masks):
        return Network([W * m for W, m in zip(self.reference.coefs, masks)],
                       list(self.reference.intercepts), masks)

    def finetune(self, net, sparsity, n_iter, seed):
        """``n_iter`` masked L-BFGS iterations, as a pruned estimator's retraining phase runs them."""
        Est = PrunedMLPClassifier if self.classifier else PrunedMLPRegressor
        est = Est(self.mlp.hidden_layer_sizes, activation=self.mlp.activation,
                  sparsity=sparsity, retrain_solver="lbfgs", random_state=seed)
        config = est._config(self.loss, self.layer_units, self.data.n_samples,
                             sparsity=sparsity)
        return train(config, self.data, None, Record(), net, Phase(n_iter, False, False))


def one_seed(name, split, make_mlp, classifier, seed, args):
    """Every measurement of one data set and seed: a list of result dicts."""
    if not classifier:
        split = regression_split(*split, seed)
    X_train, X_test, y_train, y_test = split
    mlp, t_mlp = cpu(make_mlp(seed).fit, X_train, y_train)
    problem = Problem(mlp, X_train, y_train, X_test, y_test, classifier)
    dense = problem.score(problem.reference)
    rows = []

    def add(kind, sparsity, method, score, seconds, **extra):
        rows.append(dict(data=name, seed=seed, kind=kind, sparsity=sparsity, method=method,
                         score=score, dense=dense, seconds=seconds, mlp_seconds=t_mlp, **extra))

    activation = mlp.activation
    for sparsity in args.sparsities:
        for method in args.methods:
            masks, t_masks = cpu(problem.masks, method, sparsity)
            pruned = problem.pruned(masks)
            add("masks only", sparsity, method, problem.score(pruned), t_masks)
            for ridge in RIDGES if method == args.main else (args.ridge,):
                net, t_rec = cpu(reconstruct, pruned, problem.reference, problem.data,
                                 activation, ridge=ridge)
                add("reconstruction", sparsity, method, problem.score(net), t_masks + t_rec,
                    ridge=ridge, solve_seconds=t_rec)
                if method != args.main or ridge != args.ridge:
                    continue
                for n_iter in args.finetune:
                    tuned, t_ft = cpu(problem.finetune, net, sparsity, n_iter, seed)
                    add("reconstruction + fine-tune", sparsity, method, problem.score(tuned),
                        t_masks + t_rec + t_ft, n_iter=n_iter)
                    tuned, t_ft = cpu(problem.finetune, pruned, sparsity, n_iter, seed)
                    add("masks + fine-tune", sparsity, method, problem.score(tuned),
                        t_masks + t_ft, n_iter=n_iter)
    print("%s seed %d: dense %.4f in %.1f CPU s" % (name, seed, dense, t_mlp), flush=True)
    return rows


def _points(row):
    """The score's gap to the MLP's: accuracy points, or R² for the regressor."""
    gap = row["score"] - row["dense"]
    return 100 * gap if row["data"] != "regression" else gap


def summarise(rows, keys):
    """Rows grouped by ``keys``: mean ± std score, gap to the MLP, CPU s and ratio to its fit."""
    groups = {}
    for row in rows:
        groups.setdefault(tuple(row.get(k) for k in keys), []).append(row)
    table = []
    for key, group in groups.items():
        score = np.array([r["score"] for r in group])
        scale, fmt = (1, "%.4f ± %.4f") if group[0]["data"] == "regression" else (
            100, "%.2f ± %.2f")
        gaps = np.array([_points(r) for r in group])
        ratio = np.array([r["seconds"] / r["mlp_seconds"] for r in group])
        table.append(list(key) + [
            fmt % (scale * score.mean(), scale * score.std()),
            "%+.*f / %+.*f" % ((4, gaps.mean(), 4, gaps.min()) if scale == 1
                               else (2, gaps.mean(), 2, gaps.min())),
            "%.2f" % np.median([r["seconds"] for r in group]),
            "%.3f" % np.median(ratio), len(group),
        ])
    return table


GAP = "vs the MLP, mean / worst seed (points; R² for regression)"
TAIL = [GAP, "CPU s (median)", "× the MLP's fit (median)", "seeds"]


def dense_table(rows):
    seen = {}
    for r in rows:
        seen.setdefault((r["data"], r["seed"]), (r["dense"], r["mlp_seconds"]))
    out = []
    for name in dict.fromkeys(d for d, _ in seen):
        vals = np.array([v for (d, _), v in seen.items() if d == name])
        scale = 1 if name == "regression" else 100
        out.append([name, "%.4f ± %.4f" % (scale * vals[:, 0].mean(), scale * vals[:, 0].std())
                    if scale == 1 else "%.2f ± %.2f" % (scale * vals[:, 0].mean(),
                                                        scale * vals[:, 0].std()),
                    "%.1f" % np.median(vals[:, 1]), len(vals)])
    return out


def target_lines(rows, main, ridge):
    """The reconstruction targets, checked on the measured means."""
    lines = []
    checks = [("MNIST-10k", 0.9, -0.1, 0.25), ("MNIST-10k", 0.95, -0.5, 0.25),
              ("regression", 0.9, -0.005, None)]
    for name, sparsity, floor, budget in checks:
        for method in dict.fromkeys(r["method"] for r in rows):
            group = [r for r in rows if r["data"] == name and r["sparsity"] == sparsity
                     and r["method"] == method and r["kind"] == "reconstruction"
                     and r["ridge"] == ridge]
            if not group:
                continue
            gap = np.mean([_points(r) for r in group])
            ratio = np.median([r["seconds"] / r["mlp_seconds"] for r in group])
            met = gap >= floor and (budget is None or ratio <= budget)
            lines.append("- %s at %.2f, %s + reconstruction: %+.4g vs the MLP (target >= %+g), "
                         "%.3f× its fit%s: %s" % (
                             name, sparsity, method, gap, floor, ratio,
                             "" if budget is None else " (target <= %.2f×)" % budget,
                             "met" if met else "not met"))
    return lines


def report(rows, args, first):
    lines = [first, "",
             "# Pruning a fitted MLP by layer-wise least-squares reconstruction", ""]
    lines += describe_machine(1)
    lines += ["- sparsities %s; ridge %g (relative to the mean input second moment) unless "
              "stated; CPU seconds, one BLAS thread" % (list(args.sparsities), args.ridge), ""]
    lines += ["## The reference MLPs", "",
              markdown_table(["data", "test score (accuracy % / R²)", "fit CPU s (median)",
                              "seeds"], dense_table(rows)), ""]
    main = [r for r in rows if r["kind"] in ("masks only", "reconstruction")
            and r.get("ridge", args.ridge) == args.ridge]
    lines += ["## Criteria: pruned weights alone, and reconstructed", "",
              "CPU time: the criterion's statistics and the masks, plus the reconstruction.", "",
              markdown_table(["data", "sparsity", "criterion", "step", "test score"] + TAIL,
                             summarise(main, ["data", "sparsity", "method", "kind"])), ""]
    ridge = [r for r in rows if r["kind"] == "reconstruction" and r["method"] == args.main]
    lines += ["## Ridge penalty (%s masks)" % args.main, "",
              markdown_table(["data", "sparsity", "ridge", "test score"] + TAIL,
                             summarise(ridge, ["data", "sparsity", "ridge"])), ""]
    tune = [r for r in rows if "fine-tune" in r["kind"]]
    lines += ["## A short masked L-BFGS fine-tune (%s masks)" % args.main, "",
              "CPU time includes the masks, the reconstruction (where done) and the fine-tune.",
              "", markdown_table(["data", "sparsity", "iterations", "start", "test score"] + TAIL,
                                 summarise(tune, ["data", "sparsity", "n_iter", "kind"])), ""]
    lines += ["## Targets (reconstruction, no fine-tune, ridge %g)" % args.ridge, ""]
    lines += target_lines(rows, args.main, args.ridge) + [""]
    return "\n".join(lines)


# ---------------------------------------------------------------------- #
# Part 2 (``--part api``): the estimators' ``reconstruct`` option, as a
# user runs it, against the scikit-learn MLP fitted in the same process.
# ---------------------------------------------------------------------- #
API_SPARSITIES = (0.9, 0.95, 0.98)
SCRATCH_SPARSITIES = (0.9, 0.95)
LADDER = (0.9, 0.93, 0.95, 0.96, 0.97, 0.98)
WEIGHT_BITS = 5


def _fit_row(name, seed, model, sparsity, make, X_train, y_train, X_test, y_test, dense,
             t_mlp, **extra):
    est, seconds = cpu(lambda: make().fit(X_train, y_train))
    report = compression_report(est)
    return dict(data=name, seed=seed, model=model, sparsity=sparsity,
                score=est.score(X_test, y_test), dense=dense, seconds=seconds,
                mlp_seconds=t_mlp, n_iter=est.n_iter_, stored_bytes=report["stored_bytes"],
                reached=est.sparsity_, **extra)


def api_seed(name, split, make_mlp, classifier, seed, args):
    """The public-API measurements of one data set and seed."""
    if not classifier:
        split = regression_split(*split, seed)
    X_train, X_test, y_train, y_test = split
    mlp, t_mlp = cpu(make_mlp(seed).fit, X_train, y_train)
    dense = mlp.score(X_test, y_test)
    Est = PrunedMLPClassifier if classifier else PrunedMLPRegressor
    fit = functools.partial(_fit_row, name, seed, X_train=X_train, y_train=y_train,
                            X_test=X_test, y_test=y_test, dense=dense, t_mlp=t_mlp)
    rows = []
    for criterion in args.criteria:
        extra = "" if criterion == "auto" else ", criterion=%r" % criterion
        for sparsity in args.sparsities:
            rows.append(fit("from_mlp(mlp, sparsity=s, reconstruct=True%s)" % extra, sparsity,
                            lambda: Est.from_mlp(mlp, sparsity=sparsity, reconstruct=True,
                                                 criterion=criterion), part="from_mlp"))
    if args.baseline:
        # The warm start before reconstruction: dense phase again, then gradual retraining.
        sparsity = args.sparsities[0]
        rows.append(fit("from_mlp(mlp, sparsity=s, reconstruct=False)", sparsity,
                        lambda: Est.from_mlp(mlp, sparsity=sparsity, reconstruct=False),
                        part="from_mlp"))
    if classifier and not args.quick_api:
        hidden = mlp.hidden_layer_sizes
        for sparsity in SCRATCH_SPARSITIES:
            for reconstruct in (False, True):
                label = "%s(%s, sparsity=s, reconstruct=%s)" % (Est.__name__, hidden,
                                                                reconstruct)
                rows.append(fit(label, sparsity, lambda: Est(
                    hidden, sparsity=sparsity, reconstruct=reconstruct, random_state=seed),
                    part="scratch"))
        for sparsity in LADDER:
            for bits in (None, WEIGHT_BITS):
                rows.append(fit("from_mlp(mlp, sparsity=s, reconstruct=True, finetune_iter=%d%s)"
                                % (args.ladder_finetune,
                                   "" if bits is None else ", weight_bits=%d" % bits),
                                sparsity, lambda: Est.from_mlp(
                                    mlp, sparsity=sparsity, reconstruct=True,
                                    finetune_iter=args.ladder_finetune, weight_bits=bits),
                                part="ladder", bits=bits))
    mlp_bytes = sum(W.nbytes for W in mlp.coefs_ + mlp.intercepts_)
    for row in rows:
        row["mlp_bytes"] = mlp_bytes
    print("%s seed %d: MLP %.4f in %.1f CPU s" % (name, seed, dense, t_mlp), flush=True)
    return rows


def api_summary(rows, keys):
    """``summarise`` plus the median ``n_iter_``, reached sparsity and stored bytes."""
    table = summarise(rows, keys)
    groups = {}
    for row in rows:
        groups.setdefault(tuple(row.get(k) for k in keys), []).append(row)
    for line, group in zip(table, groups.values()):
        line[-1:-1] = ["%d" % np.median([r["n_iter"] for r in group]),
                       "%.3f" % np.mean([r["reached"] for r in group]),
                       "{:,}".format(int(np.median([r["stored_bytes"] for r in group])))]
    return table


API_TAIL = TAIL[:-1] + ["n_iter_ (median)", "sparsity_", "stored bytes (median)", "seeds"]


def api_targets(rows):
    """Each target of the public-API part, checked on the measured means / medians."""
    def group(data, part, sparsity, model=None):
        return [r for r in rows if r["data"] == data and r["part"] == part
                and r["sparsity"] == sparsity and (model is None or model in r["model"])]

    lines = []
    checks = [("MNIST-10k", "from_mlp", 0.9, -0.1, 0.25), ("MNIST-10k", "from_mlp", 0.95, -0.5, 0.25),
              ("MNIST-10k", "from_mlp", 0.98, None, None),
              ("MNIST-10k", "scratch", 0.9, -0.2, 1.8), ("MNIST-10k", "scratch", 0.95, -0.3, 1.8),
              ("regression", "from_mlp", 0.9, -0.005, None)]
    for data, part, sparsity, floor, budget in checks:
        models = dict.fromkeys(r["model"] for r in group(data, part, sparsity))
        for model in models:
            g = [r for r in group(data, part, sparsity) if r["model"] == model]
            gap = np.mean([_points(r) for r in g])
            ratio = np.median([r["seconds"] / r["mlp_seconds"] for r in g])
            verdict = ("reported" if floor is None else
                       "met" if gap >= floor and (budget is None or ratio <= budget)
                       else "not met")
            lines.append("- %s, `%s` at %.2f: %+.4g vs the MLP%s, %.3f× its fit%s: %s" % (
                data, model, sparsity, gap, "" if floor is None else " (target >= %+g)" % floor,
                ratio, "" if budget is None else " (target <= %.2f×)" % budget, verdict))
    for bits in (None, WEIGHT_BITS):
        ladder = [r for r in rows if r["part"] == "ladder" and r["bits"] == bits
                  and r["data"] == "MNIST-10k"]
        if not ladder:
            continue
        best = [s for s in LADDER if np.mean([r["score"] - r["dense"] for r in ladder
                                              if r["sparsity"] == s] or [-1]) >= 0]
        at = max(best) if best else None
        stored = np.median([r["stored_bytes"] for r in ladder if r["sparsity"] == at] or [0])
        lines.append("- MNIST-10k, highest sparsity whose 3-seed mean accuracy >= the MLP's, "
                     "%s: %s" % ("float weights" if bits is None else "weight_bits=%d" % bits,
                                 "%g ({:,} bytes stored)".format(int(stored)) % at if best
                                 else "none of %s" % (list(LADDER),)))
    return lines


def api_report(rows, args, first):
    lines = [first, "",
             "# Pruning by layer-wise reconstruction through the estimators", ""]
    lines += describe_machine(1)
    lines += ["- CPU seconds (``time.process_time``), one BLAS thread, seeds 0-%d (the MLP's "
              "and the pruned estimator's ``random_state``); gaps are the pruned model's test "
              "score minus the MLP's fitted in the same process (accuracy points; R² for "
              "regression); ``from_mlp`` times are of ``from_mlp(...).fit(X, y)``" % (
                  args.seeds - 1), ""]
    lines += ["## The scikit-learn MLPs", "",
              markdown_table(["data", "test score (accuracy % / R²)", "fit CPU s (median)",
                              "seeds"], dense_table(rows)), ""]
    for part, title in (("from_mlp", "Pruning a fitted MLP (``from_mlp``)"),
                        ("scratch", "From scratch"),
                        ("ladder", "Highest sparsity at the MLP's accuracy")):
        sub = [r for r in rows if r["part"] == part]
        if sub:
            lines += ["## " + title, "",
                      markdown_table(["data", "model", "s"] + ["test score"] + API_TAIL,
                                     api_summary(sub, ["data", "model", "sparsity"])), ""]
    mnist = [r["mlp_bytes"] for r in rows if r["data"] == "MNIST-10k"]
    if mnist:
        lines += ["The MNIST MLP's weights and biases take {:,} bytes (float64, dense); "
                  "stored bytes are ``compression_report``'s ``stored_bytes``.".format(
                      int(np.median(mnist))), ""]
    lines += ["## Targets", ""] + api_targets(rows) + [""]
    return "\n".join(lines)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small subsets, one seed, no MNIST")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--datasets", default="mnist,digits,regression")
    parser.add_argument("--mnist-dir", type=Path, default=default_mnist_dir())
    parser.add_argument("--sparsities", type=float, nargs="+", default=SPARSITIES)
    parser.add_argument("--methods", nargs="+", default=METHODS, choices=METHODS)
    parser.add_argument("--main", default="magnitude", choices=METHODS,
                        help="the masks of the ridge and fine-tune measurements")
    parser.add_argument("--ridge", type=float, default=1e-3)
    parser.add_argument("--finetune", type=int, nargs="*", default=FINETUNE_ITERS,
                        help="L-BFGS iterations of the fine-tunes")
    parser.add_argument("--part", choices=("core", "api"), default="core",
                        help="core: the solver on a fitted MLP's weights; api: the "
                             "estimators' reconstruct option")
    parser.add_argument("--criteria", nargs="+", default=("auto", "obd"),
                        help="api: the criteria of the from_mlp runs")
    parser.add_argument("--ladder-finetune", type=int, default=30,
                        help="api: finetune_iter of the sparsity-ladder runs")
    parser.add_argument("--no-baseline", dest="baseline", action="store_false",
                        help="api: leave out from_mlp without reconstruction")
    parser.add_argument("--out", type=Path, default=None, help="also write the report here")
    args = parser.parse_args(argv)
    args.quick_api = args.quick
    args.baseline = args.baseline and not args.quick
    if args.part == "api" and args.sparsities == SPARSITIES:
        args.sparsities = API_SPARSITIES
    seeds = 1 if args.quick else args.seeds
    warnings.simplefilter("ignore")
    rows = []
    one = one_seed if args.part == "core" else api_seed
    # The commit measured: taken before the runs, not after them.
    first = provenance(__file__, argv)
    with pinned(1):
        for name, split, make_mlp, classifier in datasets(args):
            for seed in range(seeds):
                rows += one(name, split, make_mlp, classifier, seed, args)
    text = (report if args.part == "core" else api_report)(rows, args, first)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    return rows


if __name__ == "__main__":
    main()
