"""The command line: ``python -m skprune`` / ``skprune``.

Without ``--data`` it is the demo: a dense and a pruned network on
scikit-learn's embedded digits data set, compared on accuracy, sparsity,
stored weights, model size and predict time. With ``--data FILE`` it does
the same on a user's CSV file. Errors in options or files are reported in
one line on stderr with a non-zero exit status, never with a traceback.
"""

import argparse
import os
import pickle
import re
import sys
import time
import warnings
from contextlib import contextmanager
from numbers import Integral

import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from ._classifier import PrunedMLPClassifier
from ._cli_input import (
    MAX_CLASSES,
    CLIError,
    load_digits_data,
    read_csv,
    target_and_task,
)
from ._regressor import PrunedMLPRegressor
from ._report import pruning_off_params
from ._version import __version__

# Options that map one to one onto estimator parameters, with the CLI's
# defaults: the estimator's own, plus a 90 %% sparsity target (which switches
# the 'auto' values to the gradual pruning recipe).
_PRUNING = {
    "hidden_layer_sizes": ((100,), "hidden layer widths, comma-separated"),
    "sparsity": (0.9, "target fraction of pruned weights, or 'none'"),
    "weight_threshold": ("auto", "prune weights with |w| below this, or 'auto'"),
    "neuron_threshold": (
        "auto", "remove neurons with mean |activation| below this, or 'auto'"
    ),
    "prune_scope": ("global", "sparsity target over all layers or per layer"),
    "n_prune_steps": ("auto", "number of prune -> retrain rounds, or 'auto'"),
    "retrain_iter": ("auto", "solver iterations after each prune, or 'auto'"),
}
_TRAINING = {
    "max_iter": (200, "iterations of the initial training"),
    "learning_rate_init": ("auto", "step size of 'adam' or 'gd', or 'auto'"),
    "alpha": (1e-4, "L2 penalty"),
    "activation": ("relu", "hidden activation"),
    "random_state": (0, "seed of the initialisation and of the split, or 'none'"),
}


def _layer_sizes(text):
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        sizes = ()
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(
            f"expected positive integers separated by commas, e.g. 100 or 100,50; "
            f"got {text!r}"
        )
    return sizes


def _optional(convert):
    def parse(text):
        if text.lower() == "none":
            return None
        try:
            return convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a {convert.__name__} or 'none', got {text!r}"
            ) from None

    parse.__name__ = convert.__name__
    return parse


_CHOICES = {
    "activation": ["identity", "logistic", "tanh", "relu"],
    "prune_scope": ["layer", "global"],
}
_METAVARS = {
    "hidden_layer_sizes": "SIZES",
    "sparsity": "FRACTION",
    "weight_threshold": "THETA",
    "neuron_threshold": "THETA",
    "n_prune_steps": "N",
    "retrain_iter": "N",
    "max_iter": "N",
    "learning_rate_init": "RATE",
    "alpha": "ALPHA",
    "random_state": "SEED",
}
_TYPES = {
    "hidden_layer_sizes": _layer_sizes,
    "sparsity": _optional(float),
    "random_state": _optional(int),
}


#: Estimator parameters that have no option: set by the CLI itself, or not
#: expressible on a command line.
_NO_OPTION = {"verbose", "warm_start", "callbacks"}


def _parse_bool(text):
    value = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
    try:
        return value[text.lower()]
    except KeyError:
        raise argparse.ArgumentTypeError(f"expected true or false, got {text!r}") from None


_parse_bool.__name__ = "boolean"


def _option_from_constraints(constraints):
    """``(type, choices)`` for an option from a parameter's validation constraints."""
    from sklearn.utils._param_validation import Interval, StrOptions

    kinds = {type(c) for c in constraints}
    choices = None
    convert = None
    for c in constraints:
        if isinstance(c, StrOptions):
            choices = sorted(o for o in c.options if o not in c.deprecated)
            convert = str
        elif isinstance(c, Interval) and convert is None:
            convert = int if c.type is Integral else float
        elif c == "boolean" and convert is None:
            convert = _parse_bool
    if convert is None:
        return None
    intervals = [c for c in constraints if isinstance(c, Interval)]
    if choices is not None and "boolean" in constraints:
        # A named value or a boolean (e.g. 'auto', true, false).
        convert, choices = _bool_or(choices), None
    if choices is not None and intervals:
        # A number or a named value (e.g. 'auto'): numbers are tried first.
        number = int if intervals[0].type is Integral else float
        convert, choices = _number_or(choices, number), None
    if None in constraints or type(None) in kinds:
        convert = _optional(convert)
    return convert, choices


def _bool_or(names):
    def parse(text):
        if text in names:
            return text
        try:
            return _parse_bool(text)
        except argparse.ArgumentTypeError:
            raise argparse.ArgumentTypeError(
                "expected %s, true or false, got %r" % (", ".join(names), text)) from None

    parse.__name__ = "boolean or " + " or ".join(names)
    return parse


def _number_or(names, number):
    def parse(text):
        if text in names:
            return text
        try:
            return number(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a number or one of {', '.join(names)}, got {text!r}"
            ) from None

    parse.__name__ = number.__name__
    return parse


def estimator_options():
    """``{parameter: (default, help, type, choices)}`` of every estimator parameter the CLI offers.

    The options of :data:`_PRUNING` and :data:`_TRAINING` come with the
    demo's defaults; every other parameter of the estimator whose values can
    be written on a command line gets an option too, with the estimator's
    default and the type and choices of its validation constraints.
    """
    estimator = PrunedMLPClassifier()
    options = {}
    for name, (default, text) in {**_PRUNING, **_TRAINING}.items():
        convert = _TYPES.get(name)
        if convert is None:
            # A number or a name such as 'auto': parse as the constraints say.
            derived = _option_from_constraints(estimator._parameter_constraints[name])
            convert = derived[0] if derived else type(default)
        options[name] = (default, text, convert, _CHOICES.get(name))
    for name, default in estimator.get_params().items():
        if name in options or name in _NO_OPTION:
            continue
        derived = _option_from_constraints(estimator._parameter_constraints.get(name, []))
        if derived is None:
            continue
        convert, choices = derived
        options[name] = (default, f"the estimator's {name}", convert, choices)
    return options


def _add_data_options(data):
    """The options that choose the data and the held-out share."""
    data.add_argument(
        "--data", metavar="FILE",
        help="CSV file with a header row; every column but the target must be numeric",
    )
    data.add_argument(
        "--target", metavar="COLUMN",
        help="name of the target column of --data (default: the last column)",
    )
    data.add_argument(
        "--task", choices=["auto", "classification", "regression"], default="auto",
        help=(
            "auto: classification for a text target or one of at most "
            f"{MAX_CLASSES} distinct whole numbers, regression otherwise "
            "(default: auto)"
        ),
    )
    data.add_argument(
        "--delimiter", default=",", help="field delimiter of --data (default: ',')"
    )
    data.add_argument(
        "--test-size", type=float, default=0.25, metavar="FRACTION",
        help="fraction held out for the report (default: 0.25)",
    )


def _add_output_options(group):
    """The options of what is printed."""
    group.add_argument(
        "--no-dense", action="store_true", help="skip the dense baseline"
    )
    group.add_argument(
        "-q", "--quiet", action="store_true", help="no progress while training"
    )
    group.add_argument(
        "-v", "--verbose", action="store_true",
        help="print the loss at every iteration (the estimator's verbose)",
    )


def build_parser():
    parser = argparse.ArgumentParser(
        prog="skprune",
        description=(
            "Train a dense and a pruned multi-layer perceptron and compare them: "
            "accuracy (R² for regression), sparsity, compression, neurons kept, "
            "model size and predict time. Without --data, runs the demo on "
            "scikit-learn's digits data set."
        ),
        epilog=(
            "Features are standardised; regression targets too. Progress goes to "
            "stderr, the report to stdout. Exit status: 0 on success, 1 for a bad "
            "data file or a failed fit, 2 for bad options."
        ),
    )
    parser.add_argument("--version", action="version", version=f"skprune {__version__}")
    _add_data_options(parser.add_argument_group("data"))
    groups = {
        "pruning": parser.add_argument_group("pruning"),
        "training": parser.add_argument_group("training"),
        "more": parser.add_argument_group(
            "more estimator parameters",
            "see the PrunedMLPClassifier / PrunedMLPRegressor documentation",
        ),
    }
    for name, (default, text, convert, choices) in estimator_options().items():
        title = "pruning" if name in _PRUNING else "training" if name in _TRAINING else "more"
        shown = ",".join(map(str, default)) if isinstance(default, tuple) else default
        groups[title].add_argument(
            "--" + name.replace("_", "-"),
            dest=name,
            type=convert,
            default=default,
            choices=choices,
            metavar=_METAVARS.get(name),
            help=f"{text} (default: {shown})",
        )
    group = groups["training"]
    group.add_argument(
        "--threads", type=int, default=1, metavar="N",
        help="BLAS threads; small networks train fastest on one (default: 1)",
    )
    _add_output_options(parser.add_argument_group("output"))
    return parser


# --------------------------------------------------------------------------- #
# Progress
# --------------------------------------------------------------------------- #
class TextProgress:
    """A scikit-learn callback printing one line per phase of a pruned fit.

    On a terminal, the line of the running phase also counts iterations.
    """

    def __init__(self, stream=None):
        self._stream = stream

    @property
    def stream(self):
        # Looked up when writing, so that the callback stays picklable (a
        # fitted estimator keeps its callbacks) and follows redirections.
        return self._stream if self._stream is not None else sys.stderr

    @property
    def live(self):
        return getattr(self.stream, "isatty", lambda: False)()

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        if context.task_name in ("train", "prune-retrain"):
            self.start, self.n_iter = time.perf_counter(), 0

    def _label(self, context):
        if context.task_name == "train":
            return "  training"
        return "  pruning step %d/%d" % (context.task_id, context.parent.max_subtasks - 1)

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        if context.task_name == "iteration":
            self.n_iter += 1
            if self.live and self.n_iter % 5 == 0:
                self.stream.write(
                    "\r%s: iteration %d/%d"
                    % (self._label(context.parent), self.n_iter,
                       context.parent.max_subtasks)
                )
                self.stream.flush()
        elif context.task_name == "train" or (
            context.task_name == "prune-retrain" and self.n_iter
        ):
            coefs = fitted_estimator.coefs_
            # The fit's view has CSR weights, as the fitted model has.
            weights = sum(int(W.count_nonzero()) for W in coefs)
            hidden = ",".join(str(W.shape[1]) for W in coefs[:-1])
            self.stream.write(
                "%s%s: %d iteration%s, %d weights, hidden layers (%s), %.2f s\n"
                % ("\r" if self.live else "", self._label(context), self.n_iter,
                   "" if self.n_iter == 1 else "s", weights, hidden,
                   time.perf_counter() - self.start)
            )
            self.stream.flush()
        return False


@contextmanager
def _progress(model, network, quiet):
    """Attach a TextProgress to ``network`` if scikit-learn supports callbacks.

    Meta-estimators fit clones, which share the callbacks: they are removed
    from the fitted network too, so that it is measured (and pickled) bare.
    """
    if quiet or not hasattr(network, "set_callbacks"):
        yield
        return
    network.set_callbacks(TextProgress())
    try:
        yield
    finally:
        network.set_callbacks()
        try:
            _network(model).set_callbacks()
        except AttributeError:  # the fit failed before a clone was fitted
            pass


# --------------------------------------------------------------------------- #
# Training and the report
# --------------------------------------------------------------------------- #
def _model(task, params):
    if task == "classification":
        network = PrunedMLPClassifier(**params)
        return make_pipeline(StandardScaler(), network), network
    network = PrunedMLPRegressor(**params)
    model = TransformedTargetRegressor(
        make_pipeline(StandardScaler(), network), transformer=StandardScaler()
    )
    return model, network


def _network(model):
    return model.regressor_[-1] if hasattr(model, "regressor_") else model[-1]


def _predict_seconds(model, X, repeats=15):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.predict(X)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def _fit_and_measure(label, task, params, data, quiet):
    X_train, X_test, y_train, y_test = data
    model, network = _model(task, params)
    if not quiet:
        print(f"Training the {label} network ...", file=sys.stderr, flush=True)
    start = time.perf_counter()
    try:
        with _progress(model, network, quiet), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model.fit(X_train, y_train)
    except ValueError as exc:  # scikit-learn's message on data it cannot fit
        raise CLIError(f"cannot fit the {label} network: {exc}") from None
    # Warnings (no convergence, divergence) matter, but once each, in one line.
    for message in dict.fromkeys(str(w.message) for w in caught):
        print(f"  warning: {message}", file=sys.stderr)
    fit_time = time.perf_counter() - start
    score = model.score(X_test, y_test)
    net = _network(model)
    stored = sum(W.nnz for W in net.coefs_)
    units = [net.n_features_in_, *net.hidden_layer_sizes_, net.n_outputs_]
    # The architecture the fit started from, as the fitted model records it.
    original = net.layer_units_original_
    n_original = net.n_weights_original_
    score = "%.4g" % score if abs(score) > 1e4 else "%.4f" % score
    if stored == 0:
        # Pruning cut every path from the inputs: the model ignores its input.
        score += " (constant model)"
    return {
        "score": score,
        "sparsity": "%.1f" % (100 * net.sparsity_),
        "stored weights": stored,
        "compression": f"{n_original / stored:.1f}x" if stored else "inf",
        "neurons kept": "%d of %d" % (sum(units[1:-1]), sum(original[1:-1])),
        "layers": "-".join(map(str, units)),
        # One multiply-add per stored weight: the theoretical cost of a sample.
        "multiply-adds per sample": stored,
        "model bytes (pickled)": len(pickle.dumps(model)),
        "fit time (s)": "%.2f" % fit_time,
        "predict time (ms)": "%.3f" % (1000 * _predict_seconds(model, X_test)),
    }


def report(results, score_name):
    """The results of each model side by side, as an aligned text table."""
    columns = list(results)
    rows = [(score_name, "score"), ("sparsity (%)", "sparsity")]
    rows += [(key, key) for key in results[columns[0]] if key not in ("score", "sparsity")]
    table = [["", *columns]]
    for title, key in rows:
        table.append([title, *(str(results[c][key]) for c in columns)])
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines = []
    for row in table:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def run(args):
    if not 0 < args.test_size < 1:
        raise CLIError("--test-size must be a fraction between 0 and 1", status=2)
    if args.threads < 1:
        raise CLIError("--threads must be at least 1", status=2)
    params = {name: getattr(args, name) for name in estimator_options()}
    params["verbose"] = args.verbose
    # Validate every option before reading any data, with the estimator's rules.
    try:
        PrunedMLPClassifier(**params)._validate_params()
    except ValueError as exc:
        message = re.sub(
            r"The '(\w+)' parameter of \w+",
            lambda m: "option --" + m.group(1).replace("_", "-"),
            str(exc),
        )
        raise CLIError(message, status=2) from None

    if args.data is None:
        X, y, name = load_digits_data()
        task = "classification"
    else:
        X, y, name = read_csv(args.data, args.target, args.delimiter)
        y, task = target_and_task(y, args.task)
    _check_scalable(X, "the features", name)
    if task == "regression":
        _check_scalable(y, "the target", name)
    if task == "classification" and len(np.unique(y)) < 2:
        raise CLIError(f"{name}: the target has a single class; nothing to learn")
    try:
        data = train_test_split(
            X, y, test_size=args.test_size, random_state=args.random_state,
            stratify=y if task == "classification" else None,
        )
    except ValueError:  # a class too small to stratify
        try:
            data = train_test_split(
                X, y, test_size=args.test_size, random_state=args.random_state
            )
        except ValueError as exc:
            raise CLIError(f"{name}: cannot hold out a test set: {exc}") from None
    n_test = len(data[1])
    print(
        f"Data: {name}\n      {X.shape[0]} samples x {X.shape[1]} features, {task}"
        + (f", {len(np.unique(y))} classes" if task == "classification" else "")
        + f"; {n_test} held out for the report.",
        flush=True,
    )
    with threadpool_limits(args.threads):
        results = _fit_both(args, task, params, data)
    print()
    print(report(results, "accuracy" if task == "classification" else "R²"))
    return 0


def _check_scalable(values, what, name):
    """Refuse values whose squares overflow: StandardScaler's variance would be infinite."""
    values = np.asarray(values, dtype=float).reshape(len(values), -1)
    limit = np.sqrt(np.finfo(np.float64).max / max(values.shape[0], 1))
    largest = np.abs(values).max(axis=0)
    if (largest > limit).any():
        column = int(np.argmax(largest > limit))
        where = f" (feature {column})" if values.shape[1] > 1 else ""
        raise CLIError(
            f"{name}: {what}{where} hold values up to {largest[column]:.3g}, too "
            f"large to standardise in float64 (their squares overflow above "
            f"{limit:.3g}); rescale them first"
        )


def _fit_both(args, task, params, data):
    results = {}
    if not args.no_dense:
        # The baseline: pruning (and weight sharing) switched off, trained in
        # one phase of --max-iter iterations, as MLPClassifier(max_iter=...)
        # is: no retraining rounds or fine-tune, so a warning that it stopped
        # short names the user's own budget.
        off = pruning_off_params(PrunedMLPClassifier(**params))
        one_phase = {"n_prune_steps": 1, "retrain_iter": 0, "finetune_iter": None}
        dense = {**params, **off, **one_phase}
        results["dense"] = _fit_and_measure("dense", task, dense, data, args.quiet)
    results["pruned"] = _fit_and_measure("pruned", task, params, data, args.quiet)
    return results


def _quiet_stdout():
    """After a closed pipe, send what is left of stdout nowhere (no second error at exit)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def main(argv=None):
    """Run the command line; return the exit status.

    Every failure is one line on stderr: 2 for bad options, 1 for bad data,
    a failed fit or too little memory, 130 on Ctrl-C; a closed output pipe
    (``skprune | head``) ends the run quietly with status 141.
    """
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        status = run(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return status
    except CLIError as exc:
        print(f"skprune: error: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        print("skprune: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        _quiet_stdout()
        return 141
    except MemoryError as exc:
        detail = f" ({exc})" if str(exc) else ""
        print(
            f"skprune: error: not enough memory{detail}; use smaller "
            "--hidden-layer-sizes or fewer rows",
            file=sys.stderr,
        )
        return 1
    except Exception as exc:  # noqa: BLE001 -- the promise is one line, never a traceback
        print(f"skprune: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
