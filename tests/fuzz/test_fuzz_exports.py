"""Hostile names, descriptions, quotes and links in every export: data stays data.

The page exports (graph HTML, story deck, handout) keep exactly their own
script elements and no link to `javascript:`; GraphML and GEXF parse back; CSV
cells never start a formula; the JSON export opens as a graph.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph.exports import _XML_INVALID, FORMATS, View, edges_csv, nodes_csv, to_gexf, to_graphml, to_html, to_json
from graph.handout import handout_html
from graph.model import Node, Subgraph
from graph.stories import SEED_STORIES, read_story
from graph.store_networkx import EmbeddedStore
from graph.story_export import deck_html
from graph.story_view import build_view
from tests.fuzz.hostile import hostile_text
from tests.fuzz.test_fuzz_stories import check_page

TEXT_PROPERTIES = ("name", "description_es", "description_en", "title", "outlet", "quote_es", "quote_en")
STORY = read_story(SEED_STORIES / "falcon-sa-hsi.yaml")


def xml_text(text: str) -> str:
    """What an XML parser reads back: no characters XML cannot hold, line ends normalised to \\n."""
    return _XML_INVALID.sub("", text).replace("\r\n", "\n").replace("\r", "\n")


def hostile_node(node: Node, texts: list[str], number: int) -> Node:
    """The node with its name, aliases and texts replaced by hostile ones (its id kept)."""
    props = dict(node.properties)
    props["name"] = texts[number % len(texts)] or "x"
    props["aliases"] = [texts[(number + 1) % len(texts)] or "y"]
    for key in TEXT_PROPERTIES[1:]:
        if key in props:
            props[key] = texts[(number + 2) % len(texts)] or "z"
    if "url" in props:
        props["url"] = texts[(number + 3) % len(texts)] or "javascript:alert(1)"
    return replace(node, properties=props)


texts = st.lists(hostile_text(max_parts=5, allow_huge=False), min_size=1, max_size=6)


@pytest.fixture(scope="module")
def seed_graph(seed_file: Path) -> Subgraph:
    store = EmbeddedStore(seed_file)
    return Subgraph(tuple(store.nodes()), tuple(store.edges()))


@given(chosen=texts, lang=st.sampled_from(["es", "en"]))
def test_graph_exports_keep_hostile_names_as_data(seed_graph, chosen, lang):
    nodes = tuple(hostile_node(node, chosen, number) for number, node in enumerate(seed_graph.nodes[:40]))
    view = View(Subgraph(nodes, seed_graph.edges), chosen[0], highlight_nodes=(nodes[0].id,))
    benign = View(Subgraph(seed_graph.nodes[:40], seed_graph.edges), "x")
    page = to_html(view, lang).decode("utf-8")
    check_page(page, to_html(benign, lang).decode("utf-8"))
    for data in (to_graphml(view), to_gexf(view)):
        graph = (nx.read_graphml if b"<graphml" in data[:400] else nx.read_gexf)(io.BytesIO(data))
        labels = {xml_text(graph.nodes[node_id]["label"]) for node_id in graph.nodes}
        assert labels == {xml_text(node.name) for node in nodes}
    for data in (nodes_csv(view), edges_csv(view)):
        for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
            # A cell starting so runs as a formula, unless it is a plain signed number ("-0", "-1,234.5").
            assert not [cell for cell in row if cell.startswith(("=", "+", "-", "@", "\t", "\r"))
                        and not re.fullmatch(r"[+-][0-9][0-9,]*(\.[0-9]+)?", cell)]
    assert {node["id"] for node in json.loads(to_json(view))["nodes"]} == {node.id for node in nodes}
    for export in FORMATS:
        assert export.build(view, lang)
        assert "/" not in view.file_name(export.extension, export.part)


@given(chosen=texts, lang=st.sampled_from(["es", "en"]), paper=st.sampled_from(["A4", "Letter"]))
def test_story_pages_keep_hostile_names_as_data(tmp_path_factory, seed_graph, chosen, lang, paper):
    path = tmp_path_factory.mktemp("story") / "graph.json"
    store = EmbeddedStore(path)
    nodes = [hostile_node(node, chosen, number) for number, node in enumerate(seed_graph.nodes)]
    store.write(nodes, seed_graph.edges)
    view = build_view(STORY, store, lang)
    benign = build_view(STORY, EmbeddedStore(Path(seed_graph_file[0])), lang) if seed_graph_file else None
    check_page(deck_html(view), deck_html(benign))
    check_page(handout_html(view, paper), handout_html(benign, paper))
    store.close()


seed_graph_file: list[str] = []


@pytest.fixture(autouse=True)
def _remember_seed(seed_file: Path) -> None:
    seed_graph_file[:] = [str(seed_file)]
