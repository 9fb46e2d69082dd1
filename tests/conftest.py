"""Shared test configuration: the hypothesis profile that makes property tests reproducible."""

import os

from hypothesis import HealthCheck, settings

# CI must be reproducible: the same examples on every run and every machine
# (derandomize derives the seed from each test's source), no example database
# carried between runs, no per-example deadline (a shared 2-core runner is
# noisy), and a reproduction blob printed with every failure.
#
# A profile sets the budget of the suite's main property test; every other
# property test takes a fixed share of it (``_strategies.examples``), so one
# switch scales them all:
#
# - ``skprune`` (default, CI): 400 examples for the main test, 992 in all;
# - ``skprune-long``: 2,000 for the main test, 4,960 in all (five times
#   as long), for a release or after a change to the training loop;
# - ``skprune-explore``: the CI budget with random seeds, to look for new
#   counterexamples.
#
# Select one with ``SKPRUNE_HYPOTHESIS_PROFILE=skprune-long python -m pytest``.
# The long profile also runs the CV estimators' whole differential test
# against GridSearchCV (tests/test_cv_parity.py: 840 cases instead of 35).
settings.register_profile(
    "skprune",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    max_examples=400,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "skprune-long",
    parent=settings.get_profile("skprune"),
    max_examples=2000,
)
settings.register_profile(
    "skprune-explore",
    parent=settings.get_profile("skprune"),
    derandomize=False,
)
settings.load_profile(os.environ.get("SKPRUNE_HYPOTHESIS_PROFILE", "skprune"))
