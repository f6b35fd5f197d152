"""Hypothesis settings for the fuzz tests: a modest number of examples, no deadline (2-core CI machine).

HYPOTHESIS_PROFILE=thorough runs many more examples when hunting for bugs by hand (add --timeout=0).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

_COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large,
                                                        HealthCheck.function_scoped_fixture]}
settings.register_profile("hilos", max_examples=60, **_COMMON)
settings.register_profile("thorough", max_examples=1000, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "hilos"))


@pytest.fixture
def monkeypatch_session_db(seed_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """HILOS_DB on a copy of the seed graph (the app may write to it), stories in a folder of their own."""
    path = tmp_path / "graph.json"
    shutil.copyfile(seed_file, path)
    monkeypatch.setenv("HILOS_DB", str(path))
    monkeypatch.setenv("HILOS_STORIES", str(tmp_path / "stories"))
    return path
