"""Hypothesis settings for every fuzz test: fixed examples in CI, exploration on demand.

By default each fuzz test runs a derandomized set of examples (the same every run, no
example database), so a CI failure is reproducible and no test flakes on a lucky draw.
``TUIPHONE_FUZZ_RANDOM=1`` explores new random examples instead (and remembers failing
ones in .hypothesis/); ``TUIPHONE_FUZZ_EXAMPLES=N`` scales how many.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

RANDOM = os.environ.get("TUIPHONE_FUZZ_RANDOM") == "1"
_SCALE = os.environ.get("TUIPHONE_FUZZ_EXAMPLES")


def fuzz(examples: int = 100) -> settings:
    """Settings for one fuzz test of ``examples`` examples (overridden by the env)."""
    return settings(
        max_examples=int(_SCALE) if _SCALE else examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        derandomize=not RANDOM,
        database=settings.default.database if RANDOM else None,
    )
