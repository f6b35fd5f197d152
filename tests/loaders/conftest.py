"""Loader tests run against a GraphStore chosen by the `backend` fixture.

The embedded store always runs. Neo4j runs when the environment has
NEO4J_URI (and credentials) at import time and the store can be emptied;
every assertion goes through the GraphStore protocol, never a backend's
internals, so the same tests hold on both.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.model import Node
from graph.store import GraphStore, open_store
from loaders.seed import load_seed

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]
NEO4J_ENV = {k: os.environ[k] for k in ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE")
             if os.environ.get(k)}
AWARDS = FIXTURES / "Contracts_PrimeAwardSummaries_fixture_1.csv"
TRANSACTIONS = FIXTURES / "Contracts_PrimeTransactions_fixture_1.csv"
BAD_AMOUNT = FIXTURES / "Contracts_PrimeAwardSummaries_bad_amount.csv"


class Graph:
    """Where a test's graph lives, and how to run a command against it."""

    def __init__(self, backend: str, db: Path, tmp: Path) -> None:
        self.backend, self.db, self.tmp = backend, db, tmp

    def args(self) -> list[str]:
        return ["--backend", self.backend, "--db", str(self.db), "--rejects", str(self.tmp / "rejects.csv")]

    def open(self) -> GraphStore:
        return open_store(self.db, self.backend)

    def get(self, node_id: str) -> Node | None:
        """The node as the store holds it now (the store is opened and closed around the read)."""
        store = self.open()
        try:
            return store.get(node_id)
        finally:
            store.close()

    def invoke(self, command, *args: str, lang: str = "en"):
        """Run a loader command on this store, its messages in `lang` (the tests read the English texts;
        test_language.py reads the Spanish ones)."""
        return CliRunner().invoke(command, [*map(str, args), *self.args(), "--lang", lang], catch_exceptions=False)

    def snapshot(self) -> tuple:
        """Everything the store holds, through the protocol (to compare before/after)."""
        store = self.open()
        try:
            return (tuple((n.id, n.label, tuple(sorted((k, repr(v)) for k, v in n.properties.items())))
                          for n in store.nodes()),
                    tuple((e.key, tuple(sorted((k, repr(v)) for k, v in e.properties.items())))
                          for e in store.edges()))
        finally:
            store.close()


BACKENDS = ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)]


@pytest.fixture(params=BACKENDS)
def graph(request, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Graph:
    """A store holding the small stand-in seed (tests/loaders/fixtures/seed)."""
    backend = request.param
    if backend == "neo4j":
        if not NEO4J_ENV.get("NEO4J_URI"):
            pytest.skip("NEO4J_URI is not set")
        for key, value in NEO4J_ENV.items():
            monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HILOS_NO_PROGRESS", "1")
    g = Graph(backend, tmp_path / "graph.json", tmp_path)
    store = g.open()
    try:
        if backend == "neo4j":
            clear = getattr(store, "clear", None)
            if clear is None:
                pytest.skip("the Neo4j store offers no clear() to start from an empty graph")
            clear()
        load_seed(store, FIXTURES / "seed")
    finally:
        store.close()
    return g
