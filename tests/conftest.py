"""Shared test configuration: the hypothesis profile that makes property tests reproducible."""

import os

from hypothesis import HealthCheck, settings

# CI must be reproducible: the same examples on every run and every machine
# (derandomize derives the seed from each test's source), no example database
# carried between runs, no per-example deadline (a shared 2-core runner is
# noisy), and a reproduction blob printed with every failure. Each property
# test sets its own max_examples; the suite's total is what the reliability
# report quotes. Run ``pytest --hypothesis-profile=skprune-explore`` to look
# for new counterexamples with random seeds instead.
settings.register_profile(
    "skprune",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "skprune-explore",
    parent=settings.get_profile("skprune"),
    derandomize=False,
)
settings.load_profile(os.environ.get("SKPRUNE_HYPOTHESIS_PROFILE", "skprune"))
