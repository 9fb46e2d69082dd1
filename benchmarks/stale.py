"""List the benchmark results that may no longer describe the package.

Every results file (``benchmarks/results/*.md``, and an include a benchmark
writes as reST itself, such as ``docs/includes/bench_compare.rst``) starts
with its provenance line, written by ``_timing.provenance``::

    2026-12-04 · commit 3830019 · 2-core AMD EPYC, OpenBLAS · `python benchmarks/bench_x.py`

A file is listed when

- it has no such line, or its command names a benchmark that
  :data:`CODE_PATHS` does not know;
- its commit is not in this clone's history, or is not an ancestor of
  ``HEAD`` (the run measured code that this branch does not contain);
- its code has changed since: a file among the package paths its
  benchmark exercises (:data:`CODE_PATHS`) differs between that commit and
  ``HEAD`` in more than its docstrings and comments (an edit of the
  documentation alone leaves the results current).

Usage, from anywhere in the clone (the whole history is needed; a shallow
clone lists every file whose commit it lacks)::

    python benchmarks/stale.py            # prints the list; exits 0
    python benchmarks/stale.py --strict   # exits 1 when the list is not empty
"""

import argparse
import ast
import functools
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: The provenance line: date, commit (``+dirty``: uncommitted changes to the
#: package), machine, then one or more commands in `single` or ``double``
#: backticks (markdown or reST), separated by commas.
PROVENANCE = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2}) · commit (?P<commit>[0-9a-f]{7,40})(?:\+dirty)?"
    r" · (?P<machine>[^·`]+?) · (?P<commands>(?P<q>``?)python [^`]+(?P=q)"
    r"(?:, (?P=q)python [^`]+(?P=q))*)$"
)

#: The benchmark script a command runs.
SCRIPT = re.compile(r"python benchmarks/(\w+\.py)\b")

#: Files of the package that no fit runs through: the command line, plots,
#: docstrings, reports, and the features a benchmark uses only when it says
#: so below. Everything else under ``skprune/`` is on the path of every fit,
#: a new module included, so a fit benchmark is stale when any of it changes.
NOT_IN_A_FIT = [
    "skprune/__main__.py", "skprune/_cli.py", "skprune/_cli_input.py", "skprune/_plot.py",
    "skprune/_report.py", "skprune/_onnx.py", "skprune/onnx.py",
    "skprune/_data/dask_inputs.py", "skprune/_data/dask_blocks.py", "skprune/_cv.py", "skprune/_path.py",
    "skprune/_sweep.py", "skprune/_from_mlp.py", "skprune/_model_selection.py",
    # Imported by every fit, but its code runs only in a pruning path.
    "skprune/_fit/path.py",
]

#: Stands for "the package as a fit runs it" in :data:`CODE_PATHS`.
FIT = "fit"

#: The package paths each benchmark exercises: ``FIT`` and the files of
#: :data:`NOT_IN_A_FIT` it uses too, or just the files it calls.
CODE_PATHS = {
    "accuracy_vs_sparsity.py": [FIT, "skprune/_report.py"],
    "bench_alternatives.py": [FIT, "skprune/_report.py"],
    "bench_compare.py": [FIT],
    "bench_compress.py": [FIT, "skprune/_report.py", "skprune/_onnx.py", "skprune/onnx.py"],
    "bench_csv.py": ["skprune/_cli_input.py"],
    "bench_dask.py": [FIT, "skprune/_data/dask_inputs.py", "skprune/_data/dask_blocks.py"],
    "bench_dask_chunks.py": [FIT, "skprune/_data/dask_inputs.py", "skprune/_data/dask_blocks.py"],
    "bench_epoch.py": [FIT],
    "bench_from_mlp.py": [FIT, "skprune/_from_mlp.py"],
    "bench_memory.py": [FIT],
    "bench_path.py": [FIT, "skprune/_cv.py", "skprune/_path.py", "skprune/_fit/path.py",
                      "skprune/_model_selection.py"],
    "bench_plan_kernels.py": ["skprune/_net/inference.py", "skprune/_net/products.py"],
    "bench_predict.py": [FIT, "skprune/_onnx.py", "skprune/onnx.py"],
    "bench_predict_row.py": [FIT],
    "bench_products.py": ["skprune/_net/network.py", "skprune/_net/products.py"],
    "bench_quality.py": [FIT],
    "bench_reconstruct.py": [FIT, "skprune/_from_mlp.py"],
    "bench_retrain.py": [FIT],
    "bench_scale.py": [FIT],
    "bench_size.py": [FIT],
    "bench_threads.py": [FIT],
    "bench_time.py": [FIT],
    "sweep_collapse.py": [FIT],
    "zero_weight_class.py": [FIT],
}

#: Scripts under benchmarks/ that are tools, not benchmarks.
TOOLS = {"_timing.py", "get_mnist.py", "md_to_rst.py", "stale.py"}


def pathspecs(script):
    """The ``git log`` pathspecs of what ``script`` exercises."""
    paths = CODE_PATHS[script]
    if FIT not in paths:
        return list(paths)
    return ["skprune"] + [":(exclude)" + p for p in NOT_IN_A_FIT if p not in paths]


def results_files(root=ROOT):
    """The results files, and the includes written as reST with a provenance line."""
    results = sorted((root / "benchmarks" / "results").glob("*.md"))
    stems = {p.stem for p in results}
    includes = [
        p for p in sorted((root / "docs" / "includes").glob("*.rst"))
        if p.stem.removesuffix("_tables") not in stems and PROVENANCE.match(_first_line(p))
    ]
    return results + includes


def _first_line(path):
    with open(path, encoding="utf-8") as f:
        return f.readline().rstrip("\n")


def _git(root, *args):
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)


def why_stale(path, root=ROOT):
    """Why the results in ``path`` may be out of date, or None when they are current."""
    match = PROVENANCE.match(_first_line(path))
    if match is None:
        return "no provenance line (date · commit · machine · `command`) on its first line"
    commit = match["commit"]
    scripts = sorted(set(SCRIPT.findall(match["commands"])))
    unknown = [s for s in scripts if s not in CODE_PATHS]
    if not scripts or unknown:
        return "its command runs no benchmark listed in benchmarks/stale.py's CODE_PATHS (%s)" % (
            ", ".join(unknown) or match["commands"])
    if _git(root, "cat-file", "-e", commit + "^{commit}").returncode != 0:
        return "commit %s is not in this clone's history" % commit
    if _git(root, "merge-base", "--is-ancestor", commit, "HEAD").returncode != 0:
        return "commit %s is not an ancestor of HEAD" % commit
    specs = sorted({spec for script in scripts for spec in pathspecs(script)})
    files = [f for f in _git(root, "diff", "--name-only", commit, "HEAD", "--", *specs
                             ).stdout.split() if _code_changed(root, commit, f)]
    if not files:
        return None
    changes = _git(root, "log", "--format=%h", commit + "..HEAD", "--", *files).stdout.split()
    shown = ", ".join(files[:4]) + (" and %d more" % (len(files) - 4) if len(files) > 4 else "")
    return "the code of %s changed since %s (%d commit(s), latest %s)" % (
        shown, commit, len(changes), changes[0])


def _code_changed(root, commit, path):
    """Whether ``path`` differs between ``commit`` and ``HEAD`` beyond docstrings and comments."""
    before, after = _code(root, commit, path), _code(root, "HEAD", path)
    # Added, removed, not Python or not parsed: a change.
    return before is None or after is None or before != after


def _code(root, rev, path):
    """The code of ``path`` at ``rev`` (see :func:`_syntax`), or None."""
    blob = _blob(root, "%s:%s" % (rev, path))
    if blob is None or not path.endswith(".py"):
        return None
    return _syntax_of_blob(*blob)


@functools.lru_cache(maxsize=None)
def _syntax_of_blob(sha, source):
    # Cached by content: most results share the versions of most files.
    try:
        return _syntax(source)
    except SyntaxError:
        return None


#: One ``git cat-file --batch`` per repository for all the files read (a
#: process per file is slow); :func:`stale` closes them.
_READERS = {}


def _reader(root):
    if root not in _READERS:
        _READERS[root] = subprocess.Popen(["git", "-C", str(root), "cat-file", "--batch"],
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    return _READERS[root]


def _blob(root, spec):
    """``(object id, text)`` of ``rev:path``, or None when there is no such file."""
    reader = _reader(root)
    reader.stdin.write(spec.encode() + b"\n")
    reader.stdin.flush()
    header = reader.stdout.readline().split()
    if len(header) != 3:  # "<spec> missing"
        return None
    data = reader.stdout.read(int(header[2]) + 1)[:-1]  # the content, then a newline
    return header[0].decode(), data.decode("utf-8", errors="replace")


def _syntax(source):
    """The syntax tree of ``source`` without its docstrings, as text (comments are not in it)."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                and body and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str)):
            node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree)


def stale(root=ROOT):
    """``[(relative path, reason), ...]`` of the stale results files under ``root``."""
    found = []
    try:
        for path in results_files(root):
            reason = why_stale(path, root)
            if reason is not None:
                found.append((path.relative_to(root).as_posix(), reason))
    finally:
        # HEAD may move before the next call: nothing read is kept.
        for reader in _READERS.values():
            reader.stdin.close()
            reader.wait()
        _READERS.clear()
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strict", action="store_true",
                        help="exit with status 1 when a results file is stale")
    args = parser.parse_args(argv)
    found = stale()
    for path, reason in found:
        print("%s: %s" % (path, reason))
    print("%d of %d results files stale" % (len(found), len(results_files())))
    return 1 if (args.strict and found) else 0


if __name__ == "__main__":
    sys.exit(main())
