"""Exports of a view: every format opens in its own tool's reader and keeps hostile names as data."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import pytest

from graph.exports import FORMATS, View, edges_csv, nodes_csv, to_cypher, to_gexf, to_graphml, to_html, to_json
from graph.model import Edge, Node, Subgraph
from graph.store_networkx import EmbeddedStore

XSS = "<img src=x onerror=alert(1)>"
CYPHER = '"; MATCH (n) DETACH DELETE n //'
FORMULA = "=HYPERLINK(\"http://evil.example\",\"x\")"


def _view() -> View:
    nodes = (Node("company:x", "Company", {"name": XSS, "aliases": [CYPHER, "Ok"], "description_en": "a\x00b"}),
             Node("contract:c1", "Contract", {"name": FORMULA, "amount_usd": 1500.5, "start": "2014-01-01",
                                               "fiscal_year": 2014}),
             Node("agency:ice", "Agency", {"name": "ICE"}))
    edges = (Edge("contract:c1", "AWARDED_TO", "company:x",
                  {"sources": ["source:a"], "evidence": "public_record", "amount_usd": 1500.5, "start": "2014-01-01",
                   "quote": "«it's» \\ \"quoted\"\nline two"}),
             Edge("agency:ice", "AWARDED", "contract:c1", {"sources": ["source:a"], "evidence": "seed"}),
             Edge("agency:ice", "SUPPLIES", "company:gone", {"sources": ["source:a"], "evidence": "seed"}))
    return View(Subgraph(nodes, edges), name="Palantir → HSI", highlight_nodes=("company:x",))


def test_json_is_a_graph_file_the_embedded_store_opens(tmp_path: Path):
    path = tmp_path / "view.json"
    path.write_bytes(to_json(_view()))
    store = EmbeddedStore(path)
    assert store.get("company:x").name == XSS and store.get("company:x").aliases == [CYPHER, "Ok"]
    assert [edge.key for edge in store.edges()] == [("agency:ice", "AWARDED", "contract:c1"),
                                                   ("contract:c1", "AWARDED_TO", "company:x")]


def test_edges_to_nodes_outside_the_view_are_left_out():
    assert len(_view().edges) == 2
    assert "company:gone" not in edges_csv(_view()).decode("utf-8-sig")


def test_csv_keeps_names_and_defuses_formulas():
    nodes = list(csv.DictReader(io.StringIO(nodes_csv(_view()).decode("utf-8-sig"))))
    by_id = {row["id"]: row for row in nodes}
    assert by_id["company:x"]["name"] == XSS and by_id["company:x"]["aliases"] == f"{CYPHER}; Ok"
    assert by_id["contract:c1"]["name"] == "'" + FORMULA and by_id["contract:c1"]["amount_usd"] == "1500.5"
    assert list(nodes[0])[:3] == ["id", "label", "name"]
    edges = list(csv.DictReader(io.StringIO(edges_csv(_view()).decode("utf-8-sig"))))
    awarded_to = next(row for row in edges if row["type"] == "AWARDED_TO")
    assert awarded_to["source_name"] == "'" + FORMULA and awarded_to["target_name"] == XSS
    assert awarded_to["quote"] == "«it's» \\ \"quoted\"\nline two"


@pytest.mark.parametrize("write, read", [(to_graphml, nx.read_graphml), (to_gexf, nx.read_gexf)])
def test_graphml_and_gexf_open_in_networkx_with_names_as_text(write, read):
    data = write(_view())
    assert b"<img" not in data
    graph = read(io.BytesIO(data))
    labels = {node: attrs.get("label", node) for node, attrs in graph.nodes(data=True)}
    assert XSS in labels.values() and FORMULA in labels.values()
    assert graph.number_of_edges() == 2
    edge = next(attrs for _a, _b, attrs in graph.edges(data=True) if attrs.get("rel_type") == "AWARDED_TO")
    assert edge["start_date"] == "2014-01-01" and edge["evidence"] == "public_record"


def test_html_is_offline_and_keeps_names_out_of_markup():
    page = to_html(_view(), "es").decode("utf-8")
    assert XSS not in page and "\\u003cimg src=x onerror=alert(1)\\u003e" in page
    assert "http://" not in page.split("<script>", 1)[0] and ">Empresa</li>" in page


def test_cypher_keeps_hostile_text_inside_string_literals():
    script = to_cypher(_view()).decode("utf-8")
    statements = [line for line in script.splitlines() if line and not line.startswith("//")]
    assert all(line.endswith(";") for line in statements)
    assert not any(line.startswith("MATCH (n) DETACH DELETE") for line in statements)
    assert "aliases: ['\"; MATCH (n) DETACH DELETE n //', 'Ok']" in script
    assert "quote: '«it\\'s» \\\\ \"quoted\"\\nline two'" in script


def test_every_format_builds_and_names_its_file():
    view = _view()
    names = {view.file_name(fmt.extension, fmt.part) for fmt in FORMATS}
    assert "hilos-palantir-hsi-nodes.csv" in names and "hilos-palantir-hsi.gexf" in names
    assert len(names) == len(FORMATS)
    for fmt in FORMATS:
        assert fmt.build(view, "en")
    json.loads(to_json(view))


@pytest.mark.parametrize("write, read", [(to_graphml, nx.read_graphml), (to_gexf, nx.read_gexf)])
def test_graphml_and_gexf_keep_a_sources_kind_beside_its_label(write, read):
    source = Node("source:a", "Source", {"name": "A", "kind": "public_record"})
    graph = read(io.BytesIO(write(View(Subgraph((source,), ()), name="s"))))
    attrs = graph.nodes["source:a"]
    assert attrs["kind"] == "Source" and attrs["source_kind"] == "public_record"
