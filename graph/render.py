"""A standalone HTML page drawing part of the graph with vis-network, fully offline.

The vis-network 9.1.2 bundled with pyvis is inlined, so the page loads nothing
from the network (a Content-Security-Policy says so too). Names are data, never
markup: everything about nodes and edges travels as JSON with `<`, `>` and `&`
escaped, and vis-network draws labels on a canvas. Tooltips are plain strings,
which vis-network 9.1.2 puts in the page with `innerText` (its Popup.setText),
so they show as text, not HTML.
"""
from __future__ import annotations

import html
import json
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Iterable, Sequence

from graph.i18n import t
from graph.layout import radial_positions
from graph.model import Edge, EdgeKey, Node
from graph.schema import get_schema
from graph.wording import rel_label

# Found without importing pyvis, which would import networkx and jinja2 (most of a second at app start).
VIS_DIR = Path(find_spec("pyvis").submodule_search_locations[0]) / "lib" / "vis-9.1.2"  # type: ignore[union-attr]
PHYSICS_LIMIT = 300  # above this many nodes, positions are computed here and physics is off
LAYOUT_SEED = 7
DESCRIPTION_LIMIT = 280
CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"


@dataclass(frozen=True)
class NodeStyle:
    shape: str
    fill: str
    border: str


# Dots, squares and the like carry their name below them; box and ellipse carry it
# inside, so those two get light fills to keep the dark text readable.
STYLES = {
    "Company": NodeStyle("square", "#2563eb", "#1e40af"),
    "Agency": NodeStyle("diamond", "#dc2626", "#991b1b"),
    "Contract": NodeStyle("triangle", "#d97706", "#92400e"),
    "Product": NodeStyle("dot", "#7c3aed", "#5b21b6"),
    "Person": NodeStyle("hexagon", "#0d9488", "#115e59"),
    "Organization": NodeStyle("triangleDown", "#16a34a", "#166534"),
    "Campaign": NodeStyle("star", "#db2777", "#9d174d"),
    "Event": NodeStyle("ellipse", "#fde68a", "#b45309"),
    "Source": NodeStyle("box", "#e5e7eb", "#4b5563"),
}
FALLBACK_STYLE = NodeStyle("dot", "#9ca3af", "#4b5563")
HIGHLIGHT_BORDER = "#111827"
HIGHLIGHT_EDGE = "#ea580c"
EDGE_COLOUR = "#9ca3af"

OPTIONS: dict[str, Any] = {
    "autoResize": True,
    "layout": {"randomSeed": LAYOUT_SEED},
    "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": True, "keyboard": False},
    "physics": {
        "solver": "forceAtlas2Based",
        "forceAtlas2Based": {"gravitationalConstant": -80, "springLength": 140, "avoidOverlap": 0.4},
        "stabilization": {"iterations": 300, "fit": True},
    },
    "nodes": {
        "font": {"face": "system-ui, sans-serif", "size": 14, "color": "#111827",
                 "strokeWidth": 3, "strokeColor": "#ffffff"},
        "widthConstraint": {"maximum": 180},
    },
    "edges": {
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.7}},
        # The background hides the line between the words of a multi-word label.
        "font": {"face": "system-ui, sans-serif", "size": 11, "color": "#374151", "background": "#ffffff",
                 "strokeWidth": 0, "align": "middle"},
        "smooth": {"type": "continuous"},
    },
}

PAGE_CSS = """
html, body { margin: 0; padding: 0; background: #ffffff; font-family: system-ui, sans-serif; }
#frame { position: relative; }
#graph { width: 100%; box-sizing: border-box; border: 1px solid #e5e7eb; border-radius: 6px; }
.legend { position: absolute; top: 8px; left: 8px; margin: 0; padding: 6px 10px; list-style: none;
          font-size: 13px; color: #111827; background: rgba(255, 255, 255, 0.92);
          border: 1px solid #e5e7eb; border-radius: 6px; pointer-events: none; }
.legend li { line-height: 1.5; }
/* Legend swatches drawn in CSS, so they do not depend on the fonts installed. */
.legend .swatch { display: inline-block; width: 0.8em; height: 0.8em; margin: 0 0.45em 0 0.15em;
                  vertical-align: -0.05em; border: 1px solid transparent; box-sizing: border-box; }
div.vis-tooltip { font-family: system-ui, sans-serif; font-size: 13px; max-width: 320px;
                  white-space: normal; color: #111827; background: #ffffff; border-color: #9ca3af; }
"""
# The shape of each legend swatch; also used by the app's own legend (app_pages/overview.py).
SWATCH_CSS = """
.swatch.dot { border-radius: 50%; }
.swatch.diamond { clip-path: polygon(50% 0, 100% 50%, 50% 100%, 0 50%); }
.swatch.triangle { clip-path: polygon(50% 0, 100% 100%, 0 100%); }
.swatch.triangleDown { clip-path: polygon(0 0, 100% 0, 50% 100%); }
.swatch.hexagon { clip-path: polygon(25% 0, 75% 0, 100% 50%, 75% 100%, 25% 100%, 0 50%); }
.swatch.star { clip-path: polygon(50% 0, 61% 35%, 98% 35%, 68% 57%, 79% 91%, 50% 70%, 21% 91%,
                                  32% 57%, 2% 35%, 39% 35%); }
.swatch.ellipse { width: 1.1em; border-radius: 50%; margin-left: 0; }
.swatch.box { width: 1.1em; border-radius: 2px; margin-left: 0; }
"""
PAGE_CSS += SWATCH_CSS

SCRIPT = """
const container = document.getElementById("graph");
const network = new vis.Network(container,
    {nodes: new vis.DataSet(DATA.nodes), edges: new vis.DataSet(DATA.edges)}, DATA.options);
// A signal for browser tests and screenshots that the graph is on screen.
network.once("afterDrawing", () => { document.body.dataset.drawn = "true"; });
"""


@cache
def vis_assets() -> tuple[str, str]:
    """The vis-network script and stylesheet, checked to be safe to inline in <script>/<style>."""
    script = (VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8")
    style = (VIS_DIR / "vis-network.css").read_text(encoding="utf-8")
    if "</script" in script.lower() or "<!--" in script or "</style" in style.lower():
        raise ValueError("the bundled vis-network cannot be inlined as is")
    return script, style


def script_json(value: Any) -> str:
    """JSON that is safe inside <script>: no `<`, `>` or `&` can end the element or open a comment."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def _node_tooltip(node: Node, lang: str) -> str:
    label = get_schema().labels.get(node.label)
    lines = [node.name, label.title(lang) if label else node.label]
    description = node.description(lang)
    if description:
        cut = description if len(description) <= DESCRIPTION_LIMIT else description[:DESCRIPTION_LIMIT] + "…"
        lines += ["", cut]
    return "\n".join(lines)


def _edge_tooltip(edge: Edge, lang: str) -> str:
    schema = get_schema()
    rel = schema.rel_types.get(edge.type)
    lines = [rel.doc(lang) if rel else edge.type]
    evidence = schema.evidence.get(edge.evidence)
    if evidence:
        lines.append(t("graph.evidence", lang, kind=evidence[f"label_{lang}"]))
    return "\n".join(lines)


def _vis_node(node: Node, lang: str, highlighted: bool) -> dict[str, Any]:
    style = STYLES.get(node.label, FALLBACK_STYLE)
    border = HIGHLIGHT_BORDER if highlighted else style.border
    colour = {"background": style.fill, "border": border}
    return {
        "id": node.id, "label": node.name, "title": _node_tooltip(node, lang), "shape": style.shape,
        "color": {**colour, "highlight": colour, "hover": colour},
        "size": 22 if highlighted else 15, "borderWidth": 4 if highlighted else 1.5,
        "font": {"size": 16 if highlighted else 14},
    }


def _vis_edges(edges: Sequence[Edge], lang: str, highlight: set[EdgeKey]) -> list[dict[str, Any]]:
    """Edges for vis; parallel edges between one pair curve apart so each label stays readable."""
    seen: dict[frozenset[str], int] = defaultdict(int)
    result = []
    for number, edge in enumerate(edges):
        on_path = edge.key in highlight
        colour = HIGHLIGHT_EDGE if on_path else EDGE_COLOUR
        item: dict[str, Any] = {
            "id": number, "from": edge.source, "to": edge.target, "label": rel_label(edge.type, lang),
            "title": _edge_tooltip(edge, lang), "width": 4 if on_path else 1.5,
            "color": {"color": colour, "highlight": colour, "hover": colour},
        }
        pair = frozenset((edge.source, edge.target))
        if seen[pair]:
            item["smooth"] = {"type": "curvedCW", "roundness": 0.25 * seen[pair]}
        seen[pair] += 1
        result.append(item)
    return result


def legend_items(labels: Iterable[str], lang: str) -> list[dict[str, str]]:
    """One {shape, fill, border, title} per node label, the title translated."""
    schema = get_schema()
    return [{"shape": STYLES[name].shape, "fill": STYLES[name].fill, "border": STYLES[name].border,
             "title": schema.labels[name].title(lang)} for name in labels]


def legend_html(labels: Iterable[str], lang: str) -> str:
    """The legend as a <ul class="legend">: one CSS swatch (see PAGE_CSS) and the label per node label."""
    items = [f'<li><span class="swatch {item["shape"]}" style="background:{item["fill"]};'
             f'border-color:{item["border"]}"></span>{html.escape(item["title"])}</li>'
             for item in legend_items(labels, lang)]
    return f'<ul class="legend">{"".join(items)}</ul>'


def vis_data(nodes: Sequence[Node], edges: Sequence[Edge], *, lang: str,
             highlight_nodes: Iterable[str] = (), highlight_edges: Iterable[EdgeKey] = ()) -> dict[str, Any]:
    """What vis-network draws: {"nodes", "edges", "options"}; edges to nodes not given are left out.

    `highlight_nodes` are node ids and `highlight_edges` edge keys (source, type, target)
    drawn bigger and brighter, e.g. the first of several paths.
    """
    ids = {node.id for node in nodes}
    edges = [edge for edge in edges if edge.source in ids and edge.target in ids]
    lit_nodes, lit_edges = set(highlight_nodes), set(highlight_edges)
    vis_nodes = [_vis_node(node, lang, node.id in lit_nodes) for node in nodes]
    options = OPTIONS
    if len(nodes) > PHYSICS_LIMIT:
        options = {**OPTIONS, "physics": {"enabled": False}}
        positions = radial_positions([node.id for node in nodes], [(e.source, e.target) for e in edges],
                                     centres=[node.id for node in nodes if node.id in lit_nodes])
        for item in vis_nodes:
            item["x"], item["y"] = positions[item["id"]]
    return {"nodes": vis_nodes, "edges": _vis_edges(edges, lang, lit_edges), "options": options}


def legend_labels(nodes: Iterable[Node]) -> list[str]:
    """The labels present among `nodes`, in legend order."""
    present = {node.label for node in nodes}
    return [name for name in STYLES if name in present]


def graph_html(nodes: Sequence[Node], edges: Sequence[Edge], *, lang: str,
               highlight_nodes: Iterable[str] = (), highlight_edges: Iterable[EdgeKey] = (),
               height: int = 520) -> str:
    """A complete, offline HTML document drawing `nodes` and `edges` (see `vis_data`)."""
    data = vis_data(nodes, edges, lang=lang, highlight_nodes=highlight_nodes, highlight_edges=highlight_edges)
    script, style = vis_assets()
    return "".join([
        f'<!DOCTYPE html><html lang="{html.escape(lang)}"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        "<title>Hilos</title><style>", style, "</style><style>", PAGE_CSS, "</style></head><body>",
        f'<div id="frame"><div id="graph" style="height:{int(height)}px"></div>',
        legend_html(legend_labels(nodes), lang), "</div><script>", script, "</script>",
        "<script>const DATA = ", script_json(data), ";", SCRIPT, "</script></body></html>",
    ])
