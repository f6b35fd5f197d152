"""Fixtures for the Streamlit AppTest tests: the app on a graph file of its own."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "app.py"


@pytest.fixture
def app(db_path: Path) -> AppTest:
    """The app, not run yet, with HILOS_DB on a fresh temp file (empty: the app loads the seed)."""
    return AppTest.from_file(str(APP), default_timeout=60)
