"""The embedded store's own promises: one JSON file, saved atomically, refused when foreign.

Store behaviour shared with Neo4j (search, paths, merges, ...) is in tests/test_store_contract.py.
"""
import json
import os

import pytest

from graph import columns
from graph.errors import StoreError
from graph.model import Edge, Node
from graph.search_index import Table
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


def _fail(*args, **kwargs):
    raise OSError("disk full")


@pytest.mark.parametrize("where", [
    (os, "replace"),  # the finished file cannot take the old one's place
    (Table, "build"),  # a search table, made on a thread after every other column is already spilled to disk
])
def test_crash_while_saving_leaves_the_old_file(tiny_store, db_path, monkeypatch, where):
    before = db_path.read_bytes()
    monkeypatch.setattr(*where, _fail)
    with pytest.raises(OSError):
        tiny_store.write([Node("company:new", "Company", {"name": "New"})], [])
    assert db_path.read_bytes() == before
    assert tiny_store.get("company:new") is None
    assert [p.name for p in db_path.parent.iterdir()] == [db_path.name]  # no temp or spill file left behind


def _graph_of(store):
    return list(store.nodes()), list(store.edges())


def test_a_big_header_is_written_with_the_data_copied_behind_it(tiny_store, db_path, monkeypatch, tmp_path):
    """The header line normally goes into room kept before the data; one too big for it still makes the same graph,
    and the copy works without copy_file_range too."""
    monkeypatch.setattr(columns, "HEADER_ROOM", 64)
    monkeypatch.setattr(os, "copy_file_range", _fail)
    big = EmbeddedStore(tmp_path / "big.hilos")
    big.write(tiny_nodes(), tiny_edges())
    assert not (tmp_path / "big.hilos").read_bytes().split(b"\n", 1)[0].endswith(b" ")
    assert _graph_of(EmbeddedStore(tmp_path / "big.hilos")) == _graph_of(tiny_store)
    assert db_path.read_bytes().split(b"\n", 1)[0].endswith(b" ")  # the usual file: header padded in its room
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_foreign_file_is_a_clear_error(tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"hello": 1}))
    with pytest.raises(StoreError, match="not a Hilos graph file"):
        EmbeddedStore(path)


def test_a_version_1_json_graph_opens_and_is_saved_as_columns_on_the_next_write(tmp_path):
    path = tmp_path / "old.json"
    nodes, edges = tiny_nodes(), tiny_edges()
    path.write_text(json.dumps({"format": "hilos-graph", "version": 1, "nodes": [n.to_dict() for n in nodes],
                                "edges": [e.to_dict() for e in edges]}, ensure_ascii=False, indent=1))
    old = EmbeddedStore(path)
    assert list(old.edges()) == sorted(edges, key=lambda e: e.key)
    assert old.search("acme")[0].node.id == "company:acme"
    old.write([Node("company:new", "Company", {"name": "New"})], [])
    assert path.read_bytes().startswith(b'{"format":"hilos-graph","version":3')
    again = EmbeddedStore(path)
    assert again.stats().nodes == len(nodes) + 1 and again.get("company:acme") == nodes[2]


def _as_version_2(path) -> None:
    """Rewrite a graph file's header as Hilos wrote it before identifiers had columns of their own."""
    header, mapped = columns.read_header(path)
    mapped.close()
    line_length = header.pop("_data_start") - 1
    header["version"] = 2
    header["columns"] = {name: place for name, place in header["columns"].items()
                         if not name.startswith(("n.idents.", "n.idfirst", "s.idwhole.", "s.idcompact."))}
    line = json.dumps(header, separators=(",", ":")).encode()
    with path.open("r+b") as handle:
        handle.write(line.ljust(line_length))


def test_a_version_2_file_keeps_its_award_keys_as_aliases_and_is_saved_as_version_3(tmp_path):
    """Before award keys were identifiers, the loader made them aliases: such a graph searches as it did."""
    key = "CONT_AWD_70DE0011C00000000_70DE_-NONE-_-NONE-"
    path = tmp_path / "old.hilos"
    EmbeddedStore(path).write([Node("contract:70DE0011C00000000", "Contract", {
        "name": "70DE0011C00000000", "aliases": [key], "award_key": key})], [])
    _as_version_2(path)
    old = EmbeddedStore(path)
    assert [(h.node.id, h.matched) for h in old.search("none")] == [("contract:70DE0011C00000000", key)]
    old.write([Node("company:new", "Company", {"name": "New"})], [])
    assert path.read_bytes().startswith(b'{"format":"hilos-graph","version":3')
    again = EmbeddedStore(path)
    assert [h.node.id for h in again.search(key)] == ["contract:70DE0011C00000000"]
    assert [h.node.id for h in again.search("none")] == ["contract:70DE0011C00000000"]  # still an alias there


def test_an_empty_file_is_an_empty_graph_that_can_be_written(tmp_path):
    path = tmp_path / "touched.json"
    path.touch()
    store = EmbeddedStore(path)
    assert list(store.nodes()) == []
    store.write(tiny_nodes(), tiny_edges())
    assert EmbeddedStore(path).get("company:acme") is not None


def test_a_newer_or_damaged_file_is_a_clear_error(tiny_store, db_path, tmp_path):
    newer = tmp_path / "newer.json"
    newer.write_text('{"format": "hilos-graph", "version": 9}\n')
    with pytest.raises(StoreError, match="version 9.*update Hilos"):
        EmbeddedStore(newer)
    cut = tmp_path / "cut.json"
    cut.write_bytes(db_path.read_bytes()[:-200])
    with pytest.raises(StoreError, match="damaged"):
        EmbeddedStore(cut)


def test_search_index_gives_rank_s_answers_on_many_names(tmp_path):
    from graph.search import rank

    words = ["acme", "data", "tool", "sa", "palantir", "falcón", "ice", "hsi", "usg", "inc", "cloud", "a1"]
    nodes = [Node(f"company:c{i}", "Company" if i % 3 else "Agency",
                  {"name": " ".join(words[(i * j) % len(words)] for j in range(1, 2 + i % 4)),
                   "aliases": [f"{words[i % len(words)]}-{i}"]}) for i in range(120)]
    store = EmbeddedStore(tmp_path / "g.json")
    store.write(nodes, [])
    for query in ["acme", "acme d", "data acme", "palantyr", "falcon", "ice hsi", "clod", "c", "a1-3", "tool sa",
                  "toolsa", "acme data tool", "zzz", "inc usg"]:
        for labels in (None, ["Agency"]):
            for limit in (1, 5, 50):
                expected = rank(query, nodes, labels=labels, limit=limit)
                assert store.search(query, labels=labels, limit=limit) == expected, (query, labels, limit)


def test_refresh_reads_the_file_another_process_rewrote(tiny_store, db_path):
    opened = tiny_store.version
    tiny_store.refresh()
    assert tiny_store.version == opened  # nothing changed on disk: nothing read again
    EmbeddedStore(db_path).write([Node("company:new", "Company", {"name": "New"})], [])  # a load run beside it
    assert tiny_store.get("company:new") is None  # reads keep the graph they had until refreshed
    tiny_store.refresh()
    assert tiny_store.get("company:new").name == "New" and tiny_store.version != opened
