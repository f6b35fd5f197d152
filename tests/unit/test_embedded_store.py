"""The embedded store's own promises: one JSON file, saved atomically, refused when foreign.

Store behaviour shared with Neo4j (search, paths, merges, ...) is in tests/test_store_contract.py.
"""
import json
import os

import pytest

from graph.errors import StoreError
from graph.model import Edge, Node
from graph.store_networkx import EmbeddedStore
from tests.fixtures import tiny_edges, tiny_nodes


def test_writing_twice_leaves_the_file_untouched(tiny_store, db_path):
    before = db_path.read_bytes()
    tiny_store.write(tiny_nodes(), tiny_edges())
    assert db_path.read_bytes() == before


def test_reopened_file_gives_the_same_graph(tiny_store, db_path):
    again = EmbeddedStore(db_path)
    assert again.stats() == tiny_store.stats()
    assert list(again.edges()) == list(tiny_store.edges())


def test_a_refused_write_leaves_the_file_untouched(tiny_store, db_path):
    before = db_path.read_bytes()
    bad = Edge("company:acme", "DEVELOPS", "product:missing", {"sources": ["source:article"], "evidence": "seed"})
    with pytest.raises(StoreError, match="unknown node"):
        tiny_store.write([Node("company:new", "Company", {"name": "New"})], [bad])
    assert db_path.read_bytes() == before


def test_crash_while_saving_leaves_the_old_file(tiny_store, db_path, monkeypatch):
    before = db_path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        tiny_store.write([Node("company:new", "Company", {"name": "New"})], [])
    assert db_path.read_bytes() == before
    assert tiny_store.get("company:new") is None
    assert [p.name for p in db_path.parent.iterdir()] == [db_path.name]  # no temp file left behind


def test_a_foreign_file_is_a_clear_error(tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"hello": 1}))
    with pytest.raises(StoreError, match="not a Hilos graph file"):
        EmbeddedStore(path)
