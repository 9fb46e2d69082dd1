"""Shared helpers of the benchmarks: machine description, interleaved timing, tables.

Every benchmark compares A against B *in one process*: the candidates are run
in turn (A, B, A, B, ...) so that a slow moment of a shared machine hits all
of them alike, and the median of the repeats is reported with the ratio of
medians. BLAS threads are pinned with threadpoolctl.
"""

import datetime
import gzip
import os
import platform
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import scipy
import sklearn
from threadpoolctl import threadpool_info, threadpool_limits

import skprune


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def describe_machine(threads):
    """Markdown lines describing the machine, the libraries and BLAS."""
    blas = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    blas_text = (
        ", ".join(
            "%s %s (%s kernel, %s threads available)"
            % (
                i.get("internal_api"),
                i.get("version"),
                i.get("architecture"),
                i.get("num_threads"),
            )
            for i in blas
        )
        or "unknown"
    )
    try:
        with open("/proc/meminfo") as f:
            mem_kb = int(f.readline().split()[1])
        mem = "%.0f GiB" % (mem_kb / 2**20)
    except (OSError, ValueError, IndexError):
        mem = "?"
    coretype = os.environ.get("OPENBLAS_CORETYPE")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return [
        "- machine: %s, %d cores, %s RAM, %s"
        % (cpu_name(), os.cpu_count(), mem, platform.platform()),
        "- Python %s, numpy %s, scipy %s, scikit-learn %s, skprune %s"
        % (
            platform.python_version(),
            np.__version__,
            scipy.__version__,
            sklearn.__version__,
            skprune.__version__,
        ),
        "- BLAS: %s; pinned to %d thread(s); OPENBLAS_CORETYPE=%s"
        % (blas_text, threads, coretype),
        "- load average at start: %.2f (the machine is shared; see the noise note)"
        % load,
    ]


@contextmanager
def pinned(threads):
    with threadpool_limits(limits=threads, user_api="blas"):
        yield


def interleaved(candidates, repeats, warmup=1):
    """Time each callable ``repeats`` times, in turn; return ``{name: [seconds, ...]}``.

    ``candidates`` maps a name to a zero-argument callable. A callable may
    return a float: it is then taken as the measured time (for callables that
    time only part of their work).
    """
    times = {name: [] for name in candidates}
    for r in range(warmup + repeats):
        for name, fn in candidates.items():
            t0 = time.perf_counter()
            out = fn()
            elapsed = time.perf_counter() - t0
            if isinstance(out, float):
                elapsed = out
            if r >= warmup:
                times[name].append(elapsed)
    return times


def median(values):
    return float(np.median(values))


def spread(values):
    """Half the inter-quartile range relative to the median: the noise of a figure."""
    q1, q2, q3 = np.percentile(values, [25, 50, 75])
    return float((q3 - q1) / 2 / q2) if q2 > 0 else float("nan")


def markdown_table(header, rows):
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
    ]
    for row in rows:
        lines.append("| " + " | ".join(str(c) for c in row) + " |")
    return "\n".join(lines)


def common_arguments(parser):
    parser.add_argument(
        "--quick", action="store_true", help="small sizes, few repeats (a smoke run)"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="BLAS threads (default 1: per-core figures)",
    )
    parser.add_argument(
        "--repeats", type=int, default=None, help="override the number of repeats"
    )
    return parser


def header(title, threads):
    """Print the provenance line, the ``##`` title and the machine's description."""
    print(provenance(sys.argv[0]) + "\n")
    print("## %s\n" % title)
    print("\n".join(describe_machine(threads)) + "\n")


#: The two files of the MNIST test split the benchmarks read.
MNIST_FILES = ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


def default_mnist_dir():
    """Where the benchmarks look for the MNIST test split unless ``--mnist-dir`` says.

    ``$SKPRUNE_MNIST_DIR`` when set; otherwise the first ``shared/data/mnist``
    folder in the repository or any folder above it (so a git worktree
    finds the copy beside the main checkout); otherwise that folder beside
    the repository, which then does not exist and MNIST is reported absent.
    ``python benchmarks/get_mnist.py DIR`` writes the files with
    :func:`sklearn.datasets.fetch_openml`.
    """
    folder = os.environ.get("SKPRUNE_MNIST_DIR")
    if folder:
        return Path(folder)
    root = Path(__file__).resolve().parents[1]
    for base in [root, *root.parents]:
        candidate = base / "shared" / "data" / "mnist"
        if all((candidate / name).is_file() for name in MNIST_FILES):
            return candidate
    return root.parent / "shared" / "data" / "mnist"


def add_mnist_argument(parser):
    """The ``--mnist-dir`` option every benchmark that reads MNIST takes."""
    parser.add_argument(
        "--mnist-dir", type=Path, default=default_mnist_dir(),
        help="folder holding %s and %s, the MNIST test split (default: %%(default)s; "
        "python benchmarks/get_mnist.py DIR writes them)" % MNIST_FILES,
    )
    return parser


def load_mnist(root):
    """The 10,000 MNIST images as float64 pixels / 255 and their labels; None if absent."""
    images, labels = (Path(root) / name for name in MNIST_FILES)
    if not (images.is_file() and labels.is_file()):
        return None
    with gzip.open(images) as f:
        X = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)
    with gzip.open(labels) as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8)
    return X / 255.0, y.astype(np.int64)


def digits_split(n_samples=None, dtype=np.float64):
    """digits split 75 / 25 (stratified, ``random_state=0``), standardised on the training part.

    ``n_samples`` keeps the first rows only (smoke tests).
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    X, y = load_digits(return_X_y=True)
    if n_samples:
        X, y = X[:n_samples], y[:n_samples]
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y
    )
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = (scaler.transform(X).astype(dtype) for X in (X_train, X_test))
    return X_train, X_test, y_train, y_test


def code_version():
    """The commit the package ran from (``+dirty`` when it has local changes)."""
    root = Path(__file__).resolve().parents[1]
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "skprune"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("+dirty" if dirty else "")


# ---------------------------------------------------------------------- #
# Provenance: the first line of every results file.
# ---------------------------------------------------------------------- #
#: The clone's root: commands are written relative to it.
ROOT = Path(__file__).resolve().parents[1]


def machine_name():
    """A short name of the machine: ``$SKPRUNE_BENCH_MACHINE``, else what it reports.

    The reported name is the core count, the CPU's model name and the BLAS
    libraries, e.g. ``2-core AMD EPYC, OpenBLAS``; what no system file says
    (that the machine is shared, its microarchitecture) goes in the variable.
    """
    name = os.environ.get("SKPRUNE_BENCH_MACHINE")
    if name:
        return name
    blas = sorted({"OpenBLAS" if i.get("internal_api") == "openblas" else
                   str(i.get("internal_api"))
                   for i in threadpool_info() if i.get("user_api") == "blas"})
    return "%d-core %s, %s" % (os.cpu_count() or 1, cpu_name(), " + ".join(blas) or "no BLAS")


def _relative(path):
    """``path`` relative to the clone, or its base name when it lies outside it."""
    path = Path(os.path.abspath(path))
    if path == ROOT or ROOT in path.parents:
        return path.relative_to(ROOT).as_posix()
    return path.name


def _looks_like_path(arg):
    return os.path.isabs(arg) or (os.sep in arg and not arg.startswith("-"))


def command_line(script, argv=None):
    """The command as a user types it in the clone's root.

    ``script`` is the benchmark's file, ``argv`` its arguments (default
    ``sys.argv[1:]``). Paths inside the clone are written relative to it;
    a path outside it becomes its base name, so that no folder of the
    machine that ran the benchmark is printed; ``--mnist-dir`` at its
    default is left out, as a user would.
    """
    argv = [str(a) for a in (sys.argv[1:] if argv is None else argv)]
    words, i = ["python", _relative(script)], 0
    while i < len(argv):
        option, eq, value = argv[i].partition("=")
        if not (option.startswith("--") and eq):
            option, eq, value = "", "", argv[i]
        i += 1
        if value == "--mnist-dir" and i < len(argv):
            option, eq, value = "--mnist-dir", "=", argv[i]
            i += 1
        if option == "--mnist-dir":
            if os.path.abspath(value) != os.path.abspath(default_mnist_dir()):
                words += [option, _relative(value)]
            continue
        if _looks_like_path(value):
            value = _relative(value)
        words.append(option + eq + value)
    return " ".join(words)


def provenance(script, argv=None, rst=False):
    """The line every results file starts with: date, commit, machine and command.

    E.g. ``2026-12-04 · commit 3830019 · 2-core AMD EPYC, OpenBLAS ·
    `python benchmarks/bench_quality.py --seeds 3```: the UTC date of the run,
    the skprune commit it ran at (``+dirty`` with uncommitted changes to the
    package), :func:`machine_name` and :func:`command_line`.
    ``rst=True`` writes the command as a reST literal (double backticks).
    ``benchmarks/stale.py`` reads the line back.
    """
    date = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    quote = "``" if rst else "`"
    return "%s · commit %s · %s · %s%s%s" % (date, code_version(), machine_name(), quote,
                                            command_line(script, argv), quote)
