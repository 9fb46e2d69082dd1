"""pytest configuration shared by tests/ and the doctests of skprune/."""

import importlib.util
import os

# Figures are drawn off-screen, in CI and on a developer's desktop alike.
os.environ.setdefault("MPLBACKEND", "Agg")

# matplotlib is optional (the ``plot`` extra): without it, skip the doctests
# that draw rather than fail on the import.
collect_ignore = []
if importlib.util.find_spec("matplotlib") is None:
    collect_ignore.append("skprune/_plot.py")
