"""The view on screen as files: standalone HTML, GraphML, GEXF, CSV (nodes, edges), JSON and Cypher.

Every format writes names, quotes and descriptions as data: XML escapes them,
CSV cells that a spreadsheet would read as a formula get a leading apostrophe,
the HTML page goes through graph.render (JSON inside <script>, canvas labels) and
the Cypher script through graph.export_cypher (string literals, never code).
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator

from graph.export_cypher import script_lines
from graph.model import Edge, EdgeKey, Node, Subgraph
from graph.render import graph_html
from graph.store_networkx import FILE_FORMAT, FILE_VERSION
from graph.text import slugify, spreadsheet_cell

if TYPE_CHECKING:  # networkx is imported when a GraphML or GEXF file is asked for: it costs the app's pages ~0.5 s
    import networkx as nx

HTML_HEIGHT = 800
# XML 1.0 cannot hold these characters at all, escaped or not.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# GEXF gives these attribute names a meaning of its own (time spells, edge direction).
_GEXF_RENAMES = {"start": "start_date", "end": "end_date", "type": "rel_type"}
# `kind` holds a node's label in GraphML and GEXF; a Source's own kind (article, report...) moves aside.
_NODE_RENAMES = {"kind": "source_kind"}


@dataclass(frozen=True)
class View:
    """What a page shows: a subgraph, what is highlighted in it, and a name for the files."""

    graph: Subgraph
    name: str
    highlight_nodes: tuple[str, ...] = ()
    highlight_edges: tuple[EdgeKey, ...] = ()

    @property
    def nodes(self) -> tuple[Node, ...]:
        return self.graph.nodes

    @property
    def edges(self) -> tuple[Edge, ...]:
        """The edges whose two ends are in the view."""
        ids = {node.id for node in self.graph.nodes}
        return tuple(edge for edge in self.graph.edges if edge.source in ids and edge.target in ids)

    def file_name(self, extension: str, part: str = "") -> str:
        stem = "-".join(filter(None, ["hilos", slugify(self.name)[:60], part]))
        return f"{stem}.{extension}"


def to_json(view: View) -> bytes:
    """The embedded store's own file format, so an export opens as a graph (HILOS_DB=file)."""
    data = {"format": FILE_FORMAT, "version": FILE_VERSION,
            "nodes": [node.to_dict() for node in sorted(view.nodes, key=lambda n: n.id)],
            "edges": [edge.to_dict() for edge in sorted(view.edges, key=lambda e: e.key)]}
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def _cell(value: Any) -> Any:
    """A CSV cell: lists joined with '; ', text that a spreadsheet would run as a formula defused."""
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(item) for item in value)
    return spreadsheet_cell(value)


def _csv(header: list[str], rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="raise")
    writer.writeheader()
    writer.writerows({key: _cell(value) for key, value in row.items()} for row in rows)
    return out.getvalue().encode("utf-8-sig")  # the BOM makes spreadsheets read UTF-8


def _columns(first: list[str], records: list[dict[str, Any]]) -> list[str]:
    rest = sorted({key for record in records for key in record} - set(first))
    return first + rest


def nodes_csv(view: View) -> bytes:
    """One row per node: id, label, name, aliases, descriptions, then every other property."""
    rows = [node.to_dict() for node in view.nodes]
    return _csv(_columns(["id", "label", "name", "aliases", "description_es", "description_en"], rows), rows)


def edges_csv(view: View) -> bytes:
    """One row per relationship: both ends by id and name, type, evidence, sources, then the rest."""
    names = {node.id: node.name for node in view.nodes}
    rows = [{**edge.to_dict(), "source_name": names[edge.source], "target_name": names[edge.target]}
            for edge in view.edges]
    first = ["source", "source_name", "type", "target", "target_name", "evidence", "sources"]
    return _csv(_columns(first, rows), rows)


def _flat(value: Any) -> Any:
    """A value GraphML and GEXF can hold: text, number or boolean."""
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(item) for item in value)
    return _XML_INVALID.sub("", value) if isinstance(value, str) else value


def _attributes(properties: dict[str, Any]) -> dict[str, Any]:
    return {_GEXF_RENAMES.get(key, key): _flat(value) for key, value in properties.items() if value is not None}


def to_networkx(view: View) -> nx.MultiDiGraph:
    """The view as a networkx graph with flat attributes; `label` is what Gephi and yEd show."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    for node in view.nodes:
        properties = {_NODE_RENAMES.get(key, key): value for key, value in node.properties.items()}
        graph.add_node(node.id, **_attributes({**properties, "label": node.name, "kind": node.label}))
    for edge in view.edges:
        graph.add_edge(edge.source, edge.target, key=edge.type,
                       **_attributes({**edge.properties, "label": edge.type, "type": edge.type}))
    return graph


def to_graphml(view: View) -> bytes:
    import networkx as nx

    out = io.BytesIO()
    nx.write_graphml(to_networkx(view), out, encoding="utf-8")
    return out.getvalue()


def to_gexf(view: View) -> bytes:
    import networkx as nx

    out = io.BytesIO()
    nx.write_gexf(to_networkx(view), out, encoding="utf-8")
    return out.getvalue()


def to_html(view: View, lang: str) -> bytes:
    """The graph as one offline page (vis-network inlined), as drawn in the app."""
    return graph_html(view.nodes, view.edges, lang=lang, highlight_nodes=view.highlight_nodes,
                      highlight_edges=view.highlight_edges, height=HTML_HEIGHT).encode("utf-8")


class _ViewAsStore:
    """The view as the part of a GraphStore that `graph.export_cypher.script_lines` reads."""

    def __init__(self, view: View) -> None:
        self._view = view

    def nodes(self) -> Iterator[Node]:
        return iter(sorted(self._view.nodes, key=lambda node: node.id))

    def edges(self) -> Iterator[Edge]:
        return iter(sorted(self._view.edges, key=lambda edge: edge.key))


def to_cypher(view: View) -> bytes:
    """A cypher-shell script that MERGEs the view into Neo4j the way Neo4jStore writes it."""
    lines = script_lines(_ViewAsStore(view))  # type: ignore[arg-type]  # only nodes() and edges() are read
    return ("\n".join(lines) + "\n").encode("utf-8")


@dataclass(frozen=True)
class Format:
    key: str  # also the catalog key suffix: export.format.<key>
    extension: str
    mime: str
    build: Callable[[View, str], bytes]
    part: str = ""  # for formats split over several files (CSV)


FORMATS: tuple[Format, ...] = (
    Format("html", "html", "text/html", to_html),
    Format("graphml", "graphml", "application/graphml+xml", lambda view, _lang: to_graphml(view)),
    Format("gexf", "gexf", "application/xml", lambda view, _lang: to_gexf(view)),
    Format("csv_nodes", "csv", "text/csv", lambda view, _lang: nodes_csv(view), part="nodes"),
    Format("csv_edges", "csv", "text/csv", lambda view, _lang: edges_csv(view), part="edges"),
    Format("json", "json", "application/json", lambda view, _lang: to_json(view)),
    Format("cypher", "cypher", "text/plain", lambda view, _lang: to_cypher(view)),
)
