"""The graph page: offline, vis-network inlined, names kept as data, highlights and layout."""
from __future__ import annotations

import json
import re

from graph.model import Edge, Node
from graph.render import PHYSICS_LIMIT, graph_html, vis_assets

HOSTILE = '<img src=x onerror=alert(1)></script><script>alert(2)</script> & "quotes"'


def _graph() -> tuple[list[Node], list[Edge]]:
    nodes = [Node("company:x", "Company", {"name": HOSTILE}), Node("product:icm", "Product", {"name": "ICM"}),
             Node("agency:hsi", "Agency", {"name": "HSI"})]
    edges = [Edge("company:x", "DEVELOPS", "product:icm", {"sources": ["source:a"], "evidence": "seed"}),
             Edge("agency:hsi", "USES", "product:icm", {"sources": ["source:a"], "evidence": "seed"})]
    return nodes, edges


def _data(page: str) -> dict:
    """The JSON the page hands to vis-network."""
    start = page.index("const DATA = ") + len("const DATA = ")
    return json.JSONDecoder().raw_decode(page, start)[0]


def test_page_is_offline_and_inlines_vis_network():
    page = graph_html(*_graph(), lang="es")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.IGNORECASE)
    assert "<link" not in page.lower() and "@import" not in page and "@font-face" not in page
    script, style = vis_assets()
    assert script in page and style in page and "new vis.Network(" in page
    assert "default-src 'none'" in page


def test_hostile_name_stays_data():
    page = graph_html(*_graph(), lang="en")
    assert HOSTILE not in page and "<img" not in page
    assert page.lower().count("</script") == 2  # the end of vis-network's element and of ours
    assert "\\u003cimg src=x onerror=alert(1)\\u003e\\u003c/script\\u003e" in page
    node = _data(page)["nodes"][0]
    assert node["label"] == HOSTILE and node["title"].startswith(HOSTILE + "\n")


def test_bundled_vis_network_shows_string_tooltips_as_text():
    # The safety of plain-string `title`s rests on this line of vis-network 9.1.2 (Popup.setText).
    assert "this.frame.innerText=t" in vis_assets()[0]


def test_legend_and_edge_labels():
    nodes, edges = _graph()
    spanish, english = graph_html(nodes, edges, lang="es"), graph_html(nodes, edges, lang="en")
    assert ">Empresa</li>" in spanish and ">Agencia</li>" in spanish and ">Company</li>" in english
    assert [edge["label"] for edge in _data(english)["edges"]] == ["develops and sells", "uses"]
    assert [edge["label"] for edge in _data(spanish)["edges"]] == ["desarrolla y vende", "usa"]
    assert _data(english)["options"]["edges"]["arrows"]["to"]["enabled"]


def test_highlighted_path_is_drawn_thicker():
    nodes, edges = _graph()
    data = _data(graph_html(nodes, edges, lang="en", highlight_nodes=["company:x", "product:icm"],
                            highlight_edges=[edges[0].key]))
    widths = {node["id"]: node["borderWidth"] for node in data["nodes"]}
    assert widths["company:x"] > widths["agency:hsi"] and widths["product:icm"] > widths["agency:hsi"]
    assert data["edges"][0]["width"] > data["edges"][1]["width"]


def test_edges_to_missing_nodes_are_left_out():
    nodes, edges = _graph()
    assert len(_data(graph_html(nodes[:2], edges, lang="es"))["edges"]) == 1


def test_big_views_get_fixed_positions_without_physics():
    nodes = [Node(f"company:c{i}", "Company", {"name": f"C{i}"}) for i in range(PHYSICS_LIMIT + 1)]
    edges = [Edge(a.id, "SUBSIDIARY_OF", b.id, {}) for a, b in zip(nodes, nodes[1:])]
    small, big = graph_html(nodes[:10], edges, lang="es"), graph_html(nodes, edges, lang="es")
    assert _data(small)["options"]["physics"].get("enabled", True) and "x" not in _data(small)["nodes"][0]
    data = _data(big)
    assert data["options"]["physics"] == {"enabled": False}
    assert all("x" in node and "y" in node for node in data["nodes"])
    assert _data(graph_html(nodes, edges, lang="es"))["nodes"] == data["nodes"]  # same seed, same layout
