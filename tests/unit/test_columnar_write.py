"""The embedded write works on columns: records given as lists or as parts, into an empty store or one that
holds a graph, make the very same file; names are folded by pyarrow exactly as `graph.text.fold` folds them."""
from __future__ import annotations

import random

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph.blobs import Blobs
from graph.errors import StoreError
from graph.model import Edge, Node
from graph.search_index import fold_all, fold_bytes
from graph.snapshot import Records, encode_props
from graph.store_networkx import EmbeddedStore
from tests.fixtures import as_parts

NAMES = ["Acme Data", "ACME-INC.", "  Falcón  SA ", "Straße 5", "İstanbul Ltd", "ﬁnance", "x", "--", "Ωmega",
         "CONT_AWD_70IC0119C00000123_7012_-NONE-_-NONE-", "PIID 70IC0119C00000123", "acme data", "Zeta\tCo\n"]


def _graph(size: int, seed: int = 7) -> tuple[list[Node], list[Edge]]:
    """Nodes of several labels with awkward names and aliases, and relationships of several types."""
    pick = random.Random(seed)
    nodes = []
    for number in range(size):
        label = pick.choice(["Company", "Contract", "Source", "Agency"])
        aliases = pick.sample(NAMES, pick.randint(0, 2))
        props = {"name": f"{pick.choice(NAMES)} {number % 7}", "aliases": aliases,
                 "amount_usd": pick.choice([None, 0, 12.5, 3, True, "12"])}
        nodes.append(Node(f"{label.lower()}:{pick.randint(0, 10 ** 6):07d}-{number}", label, props))
    edges = {}
    for _ in range(size * 2):
        source, target = pick.choice(nodes).id, pick.choice(nodes).id
        rel_type = pick.choice(["AWARDED", "FUNDED", "PART_OF"])
        edges[(source, rel_type, target)] = Edge(source, rel_type, target, {  # in the schema's order, as validated
            "sources": [], "evidence": pick.choice(["seed", "usaspending", "fedramp"]),
            "fiscal_year": pick.choice([None, 2020, 2021, "2022"]), "amount_usd": pick.choice([None, 5.0, 7])})
    return nodes, list(edges.values())


def _as_lists(nodes: list[Node], edges: list[Edge], spilled: bool = False) -> Records:
    records = Records.spilled() if spilled else Records()
    for node in nodes:
        records.add_node(node, encode_props(node.properties))
    for edge in edges:
        records.add_edge(edge, encode_props(edge.properties))
    return records


def _written(tmp_path, name: str, *writes) -> bytes:
    store = EmbeddedStore(tmp_path / name)
    for nodes, edges, fresh in writes:
        store.write(nodes, edges, fresh)
    return store.path.read_bytes()


@pytest.mark.parametrize("spilled", [False, True])
def test_records_as_lists_as_parts_or_as_plain_objects_make_the_same_file(tmp_path, spilled):
    nodes, edges = _graph(300)
    plain = _written(tmp_path, "plain.hilos", (nodes, edges, None))
    assert _written(tmp_path, "lists.hilos", ([], [], _as_lists(nodes, edges, spilled))) == plain
    assert _written(tmp_path, "parts.hilos", ([], [], as_parts(nodes, edges))) == plain
    mixed = as_parts(nodes[:200], edges[:400])
    for node in nodes[200:250]:
        mixed.add_node(node, encode_props(node.properties))
    assert _written(tmp_path, "mixed.hilos", (nodes[250:], edges[400:], mixed)) == plain


def test_a_write_into_a_stored_graph_makes_the_file_a_single_write_makes(tmp_path):
    nodes, edges = _graph(1500)
    changed = [Node(n.id, n.label, {**n.properties, "note": "changed"}) for n in nodes[:1200]]
    merged = {n.id: n for n in [*nodes, *changed]}
    once = _written(tmp_path, "once.hilos", (list(merged.values()), edges, None))
    # The second write names more than a thousand records: its ids and keys are looked up all at once.
    assert _written(tmp_path, "twice.hilos", ([], [], as_parts(nodes, edges)), (changed, edges[:900], None)) == once
    assert _written(tmp_path, "small.hilos", ([], [], as_parts(nodes, edges)), (changed[:500], [], None),
                    (changed[500:], [], None)) == once


def test_a_part_pointing_to_an_unknown_node_is_refused_and_nothing_is_written(tmp_path):
    nodes, edges = _graph(20)
    path = tmp_path / "graph.hilos"
    EmbeddedStore(path).write(nodes, edges)
    before = path.read_bytes()
    bad = as_parts([], [Edge(nodes[0].id, "FUNDED", "company:nowhere", {"evidence": "seed"})])
    with pytest.raises(StoreError, match="company:nowhere"):
        EmbeddedStore(path).write([], [], bad)
    assert path.read_bytes() == before


def test_spilled_properties_come_back_as_one_arrow_column():
    blobs = Blobs()
    items = [b"", b"{}", b'{"name":"x"}' * 50, b"a"]
    for item in items:
        blobs.append(item)
    assert blobs.to_arrow().to_pylist() == items


text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
ascii_text = st.text(st.characters(max_codepoint=127), max_size=30)


@given(names=st.lists(st.one_of(ascii_text, text, st.sampled_from(NAMES)), max_size=40))
def test_names_are_folded_as_fold_bytes_folds_them(names):
    assert fold_all(pa.array(names, pa.string())).to_pylist() == [fold_bytes(name) for name in names]


def test_folding_many_names_at_once_keeps_their_order():
    names = [f"{NAMES[i % len(NAMES)]} {i}" for i in range(5000)]
    assert fold_all(pa.array(names, pa.large_string())).to_pylist() == [fold_bytes(name) for name in names]


def test_parts_may_give_their_texts_as_binary_dictionary_or_chunked_columns(tmp_path):
    nodes, edges = _graph(50)
    plain = _written(tmp_path, "plain.hilos", (nodes, edges, None))
    parts = as_parts(nodes, edges)
    for part in parts.node_parts:
        part.ids = pa.chunked_array([part.ids.cast(pa.binary())])
    for part in parts.edge_parts:
        part.evidence = part.evidence.dictionary_encode()
        part.props = pa.chunked_array([part.props[:3], part.props[3:]])
    assert _written(tmp_path, "parts.hilos", ([], [], parts)) == plain


def test_relationships_may_point_to_nodes_given_in_parts_of_the_same_write(tmp_path):
    nodes, edges = _graph(60)
    plain = _written(tmp_path, "plain.hilos", (nodes, edges, None))
    fresh = as_parts(nodes[:40], [])
    fresh.add_node(nodes[40], encode_props(nodes[40].properties))
    assert fresh.held({nodes[0].id, nodes[40].id, "company:nowhere"}) == {nodes[0].id, nodes[40].id}
    assert _written(tmp_path, "parts.hilos", (nodes[41:], edges, fresh)) == plain
