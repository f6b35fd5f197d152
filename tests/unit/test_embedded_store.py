"""The embedded store: idempotent merges, search, neighbourhoods, paths, atomic persistence."""
import json
import os

import pytest

from graph.errors import StoreError
from graph.model import Edge, Node
from graph.store import GraphStore, PathFilter
from graph.store_networkx import EmbeddedStore
from tests.fixtures import tiny_edges, tiny_nodes


def test_is_a_graph_store(tiny_store):
    assert isinstance(tiny_store, GraphStore)


def test_writing_twice_changes_nothing(tiny_store, db_path):
    before = db_path.read_bytes()
    result = tiny_store.write(tiny_nodes(), tiny_edges())
    assert (result.nodes_created, result.edges_created, result.nodes_updated, result.edges_updated) == (0, 0, 0, 0)
    assert db_path.read_bytes() == before


def test_merge_keeps_aliases_and_sources_and_updates_values(tiny_store):
    tiny_store.write([Node("company:acme", "Company", {"name": "Acme Data", "aliases": ["Acme Corp"]})], [])
    assert tiny_store.get("company:acme").aliases == ["Acmé", "ACME Inc.", "Acme Corp"]
    edge = Edge("agency:ice", "AWARDED", "contract:X1",
                {"sources": ["source:article"], "evidence": "public_record", "amount_usd": 5.0})
    result = tiny_store.write([], [edge])
    assert result.edges_updated == 1
    stored = next(e for e in tiny_store.edges_of("agency:ice") if e.type == "AWARDED")
    assert stored.sources == ["source:record", "source:article"] and stored.properties["amount_usd"] == 5.0


def test_reopened_file_gives_the_same_graph(tiny_store, db_path):
    again = EmbeddedStore(db_path)
    assert again.stats() == tiny_store.stats()
    assert list(again.edges()) == list(tiny_store.edges())


def test_dangling_relationship_is_refused_and_nothing_changes(tiny_store, db_path):
    before = db_path.read_bytes()
    bad = Edge("company:acme", "DEVELOPS", "product:missing", {"sources": ["source:article"], "evidence": "seed"})
    with pytest.raises(StoreError, match="unknown node"):
        tiny_store.write([Node("company:new", "Company", {"name": "New"})], [bad])
    assert tiny_store.get("company:new") is None
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


@pytest.mark.parametrize("query, expected", [
    ("acme", "company:acme"), ("ACMÉ", "company:acme"), ("acme inc", "company:acme"), ("tool sa", "product:tool"),
    ("toolsa", "product:tool"), ("Acme USG", "company:acme-usg"), ("casemgr", "product:case"),
    ("Acne Data", "company:acme"),  # a typo still finds it
])
def test_search_ignores_case_accents_and_punctuation(tiny_store, query, expected):
    assert tiny_store.search(query)[0].node.id == expected


def test_search_filters_by_label(tiny_store):
    assert {h.node.label for h in tiny_store.search("a", labels=["Agency"])} <= {"Agency"}


def test_shortest_paths_are_undirected_ordered_and_explainable(tiny_store):
    paths = tiny_store.paths("company:acme", "agency:hsi", k=3)
    assert [p.node_ids for p in paths] == [
        ("company:acme", "product:case", "agency:hsi"),
        ("company:acme", "product:tool", "agency:hsi"),
        ("company:acme", "company:acme-usg", "contract:X1", "agency:ice", "agency:hsi"),
    ]
    assert [e.type for e in paths[0].edges] == ["DEVELOPS", "USES"]


def test_paths_respect_filters_and_length(tiny_store):
    assert tiny_store.paths("company:acme", "agency:hsi", directed=True) == []
    only_records = PathFilter(evidence=frozenset({"public_record"}))
    assert [p.node_ids[1] for p in tiny_store.paths("company:acme", "agency:hsi", where=only_records)] == [
        "company:acme-usg"]
    avoid = PathFilter(avoid=frozenset({"product:case"}))
    assert tiny_store.paths("company:acme", "agency:hsi", where=avoid)[0].node_ids[1] == "product:tool"
    assert tiny_store.paths("company:acme", "agency:dept", max_length=2) == []
    years = PathFilter(fiscal_years=frozenset({2020}), rel_types=frozenset({"AWARDED", "AWARDED_TO", "SUBSIDIARY_OF"}))
    assert tiny_store.paths("company:acme", "agency:ice", where=years) == []


def test_directed_paths_follow_edge_direction(tiny_store):
    path = tiny_store.paths("agency:hsi", "agency:dept", directed=True)[0]
    assert path.node_ids == ("agency:hsi", "agency:ice", "agency:dept")


def test_neighbourhood_depth_filters_and_cap(tiny_store):
    one = tiny_store.neighbours("agency:ice")
    assert {n.id for n in one.nodes} == {"agency:ice", "agency:hsi", "agency:dept", "contract:X1"}
    assert not one.truncated
    typed = tiny_store.neighbours("agency:ice", depth=2, where=PathFilter(rel_types=frozenset({"PART_OF"})))
    assert {n.id for n in typed.nodes} == {"agency:ice", "agency:hsi", "agency:dept"}
    capped = tiny_store.neighbours("agency:ice", depth=3, limit=3)
    assert len(capped.nodes) == 3 and capped.truncated
    assert "contract:X1" in {n.id for n in capped.nodes}  # the edge with an amount comes first


def test_stats_count_by_label_type_and_evidence(tiny_store):
    stats = tiny_store.stats()
    assert (stats.nodes, stats.relationships) == (10, 9)
    assert stats.by_label["Agency"] == 3 and stats.by_type["DEVELOPS"] == 2
    assert stats.by_evidence == {"public_record": 6, "seed": 3}
