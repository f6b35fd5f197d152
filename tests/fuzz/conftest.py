"""Hypothesis settings for the fuzz tests: a modest number of examples, no deadline (2-core CI machine).

HYPOTHESIS_PROFILE=thorough runs many more examples when hunting for bugs by hand.
"""
from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large,
                                                        HealthCheck.function_scoped_fixture]}
settings.register_profile("hilos", max_examples=60, **_COMMON)
settings.register_profile("thorough", max_examples=1000, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "hilos"))
