"""Answers shared across sessions: one computation per question and graph version, fresh after the graph changes."""
from __future__ import annotations

from pathlib import Path

import pytest

from app_pages.answers import SharedReads, Shelf, graph_version, shared
from graph.model import Node
from graph.store_networkx import EmbeddedStore
from loaders.seed import load_seed

PALANTIR, HSI = "company:palantir-technologies", "agency:hsi"


class Counting:
    """An embedded store that counts the reads that reach it."""

    def __init__(self, store: EmbeddedStore) -> None:
        self.store = store
        self.calls: list[str] = []

    def __getattr__(self, name: str):
        method = getattr(self.store, name)

        def counted(*args, **kwargs):
            self.calls.append(name)
            return method(*args, **kwargs)

        return counted


@pytest.fixture
def seeded(tmp_path: Path) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path / "graph.hilos")
    load_seed(store)
    return store


def test_two_sessions_asking_the_same_question_are_answered_by_one_computation(seeded: EmbeddedStore):
    counting = Counting(seeded)
    graph = seeded.version
    first, second = SharedReads(counting, graph), SharedReads(counting, graph)  # one per session's run
    assert first.paths(PALANTIR, HSI, k=3) == second.paths(PALANTIR, HSI, k=3) == seeded.paths(PALANTIR, HSI, k=3)
    assert first.search("falcon") == second.search("falcon")
    assert first.neighbours(HSI, depth=2, limit=50) == second.neighbours(HSI, depth=2, limit=50)
    assert counting.calls == ["paths", "search", "neighbours"]
    first.paths(PALANTIR, HSI, k=2)  # another question
    assert counting.calls[-1] == "paths" and len(counting.calls) == 4


def test_a_changed_graph_file_gets_fresh_answers(seeded: EmbeddedStore):
    before = seeded.version
    reader = shared(seeded)
    assert graph_version(reader) == before
    count = reader.stats().nodes
    seeded.write([Node("company:nueva", "Company", {"name": "Nueva"})], [])
    assert seeded.version != before
    assert shared(seeded).stats().nodes == count + 1


def test_the_shelf_keeps_the_most_recently_used_answers():
    shelf = Shelf(2)
    worked: list[str] = []

    def answer(key: str) -> str:
        return shelf.get(key, lambda: worked.append(key) or key.upper())

    assert [answer("a"), answer("b"), answer("a"), answer("c")] == ["A", "B", "A", "C"]  # "b" goes: least recent
    assert answer("a") == "A" and answer("b") == "B"
    assert worked == ["a", "b", "c", "b"]
