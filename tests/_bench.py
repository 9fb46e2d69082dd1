"""Helpers for the tests that run the benchmark scripts at smoke-test sizes."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_script(path):
    """The module of a script under the repository root, e.g. ``benchmarks/bench_quality.py``."""
    path = ROOT / path
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assert_tables_whole(text):
    """Every markdown row is closed, and the rows of each table have the same width."""
    for line in text.splitlines():
        if line.startswith("|"):
            assert line.endswith("|")
    for block in text.split("\n\n"):
        rows = [r for r in block.splitlines() if r.startswith("|")]
        if rows:
            assert len({r.count("|") for r in rows}) == 1, block
