"""Shared fixtures: an embedded store on a temp file, the tiny graph, the seed graph."""
from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from graph.store_networkx import EmbeddedStore
from loaders.seed import load_seed
from tests.fixtures import tiny_edges, tiny_nodes


# CI exports NEO4J_URI for the Neo4j tests; every other test uses the embedded
# store, so the variable is taken out of their environment and kept here.
NEO4J_TEST_URI = os.environ.get("NEO4J_URI", "")


# How each test marked `neo4j` ended, so the run says how many really ran against the server.
_NEO4J_OUTCOMES: dict[str, str] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "neo4j" not in report.keywords or _NEO4J_OUTCOMES.get(report.nodeid) == "failed":
        return
    if report.when == "call" or report.outcome != "passed":  # a skip or an error in setup/teardown counts too
        _NEO4J_OUTCOMES[report.nodeid] = report.outcome


def pytest_terminal_summary(terminalreporter) -> None:  # noqa: ANN001 (pytest's TerminalReporter)
    if not _NEO4J_OUTCOMES:
        return
    counts = Counter(_NEO4J_OUTCOMES.values())
    server = NEO4J_TEST_URI or "no server (NEO4J_URI is unset)"
    terminalreporter.write_line(f"Neo4j tests against {server}: {counts['passed']} passed, "
                                f"{counts['failed']} failed, {counts['skipped']} skipped")


@pytest.fixture(autouse=True)
def _embedded_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A graph file in a temp folder, also exported as HILOS_DB for CLIs and the app."""
    path = tmp_path / "graph.json"
    monkeypatch.setenv("HILOS_DB", str(path))
    return path


@pytest.fixture
def tiny_store(db_path: Path) -> EmbeddedStore:
    """An embedded store holding the hand-made graph of tests/fixtures.py."""
    store = EmbeddedStore(db_path)
    store.write(tiny_nodes(), tiny_edges())
    return store


@pytest.fixture(scope="session")
def seed_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A graph file with the seed data loaded once per test session."""
    path = tmp_path_factory.mktemp("seed") / "graph.json"
    load_seed(EmbeddedStore(path))
    return path


SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def seed_articles() -> str:
    """The text of both seed articles in ../shared/seeds (the quotes must be printed there)."""
    folder = SHARED / "seeds"
    if not folder.is_dir():
        pytest.skip(f"the seed articles are not at {folder}")
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt")))


@pytest.fixture
def seed_store(seed_file: Path) -> EmbeddedStore:
    """The seed graph, opened fresh (read-only use)."""
    return EmbeddedStore(seed_file)
