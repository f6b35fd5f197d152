"""What the Cypher console does with the driver's values: plain data, table text, CSV, JSON and a graph.

Neo4j returns nodes, relationships, paths, temporal and spatial values as
driver objects. `plain` turns any of them into JSON-ready data; `cell_text`
into one line for the table; `result_graph` gathers the nodes and relationships
of a whole result into a Subgraph the app can draw. A Hilos node is known by its
`id` property; a node without one (not written by Hilos) by its element id.
"""
from __future__ import annotations

import base64
import csv
import io
import json
import math
from typing import Any, Iterable, Iterator, Mapping, Sequence

from neo4j.graph import Node as DriverNode
from neo4j.graph import Path as DriverPath
from neo4j.graph import Relationship
from neo4j.spatial import Point

from graph.cypher import ENTITY, SEARCH_KEYS
from graph.model import Edge, Node, Subgraph
from graph.text import spreadsheet_cell

HIDDEN = frozenset({SEARCH_KEYS})  # store internals, not data


Ends = Mapping[str, DriverNode]  # element id -> node, for relationship ends a query did not return


def loose_ends(records: Iterable[Sequence[Any]]) -> list[str]:
    """Element ids of relationship ends the result holds without their labels and properties."""
    ends: dict[str, None] = {}
    for record in records:
        for item in _walk(list(record)):
            if isinstance(item, Relationship):
                ends.update((node.element_id, None) for node in item.nodes if node is not None and not node.labels)
    return list(ends)


def _full(node: DriverNode, ends: Ends) -> DriverNode:
    return ends.get(node.element_id, node) if not node.labels else node


def node_key(node: DriverNode) -> str:
    """The Hilos id of a node, else its element id."""
    value = node.get("id")
    return value if isinstance(value, str) and value else node.element_id


def main_label(node: DriverNode) -> str:
    """The schema label of a Hilos node (every one also carries Entity); else its first label."""
    labels = sorted(node.labels)
    return next((name for name in labels if name != ENTITY), labels[0] if labels else ENTITY)


def _properties(entity: DriverNode | Relationship) -> dict[str, Any]:
    return {key: plain(value) for key, value in sorted(entity.items()) if key not in HIDDEN}


def plain(value: Any, ends: Ends | None = None) -> Any:
    """`value` as JSON-ready data: nodes, relationships and paths become maps, times ISO text."""
    ends = ends or {}
    if isinstance(value, DriverNode):
        return {"element_id": value.element_id, "labels": sorted(value.labels), "properties": _properties(value)}
    if isinstance(value, Relationship):
        start, end = (_full(node, ends) if node is not None else None for node in value.nodes)
        return {"element_id": value.element_id, "type": value.type,
                "start": node_key(start) if start is not None else None,
                "end": node_key(end) if end is not None else None, "properties": _properties(value)}
    if isinstance(value, DriverPath):
        return {"nodes": [plain(node) for node in value.nodes],
                "relationships": [plain(rel) for rel in value.relationships]}
    if isinstance(value, Point):  # before tuples: points and durations are tuples too
        return {"srid": value.srid, "coordinates": list(value)}
    if hasattr(value, "iso_format"):  # neo4j.time Date, Time, DateTime, Duration
        return value.iso_format()
    if isinstance(value, (list, tuple)):
        return [plain(item, ends) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item, ends) for key, item in value.items()}
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # JSON has no NaN or infinity
    return value


def _node_text(node: DriverNode) -> str:
    name = node.get("name")
    return f"{name if isinstance(name, str) and name else node_key(node)} (:{main_label(node)})"


def _hop_text(rel: Relationship, forward: bool) -> str:
    return f" -[:{rel.type}]-> " if forward else f" <-[:{rel.type}]- "


def cell_text(value: Any, ends: Ends | None = None) -> Any:
    """A table cell: numbers, booleans, text and null as they are; anything else as one line of text."""
    ends = ends or {}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, DriverNode):
        return _node_text(value)
    if isinstance(value, Relationship):
        start, end = (_full(node, ends) if node is not None else None for node in value.nodes)
        return (_node_text(start) if start is not None else "?") + _hop_text(value, True) + (
            _node_text(end) if end is not None else "?")
    if isinstance(value, DriverPath):
        text, current = _node_text(value.start_node), value.start_node
        for rel in value.relationships:
            forward = rel.start_node is not None and rel.start_node.element_id == current.element_id
            current = rel.end_node if forward else rel.start_node
            text += _hop_text(rel, forward) + _node_text(current)
        return text
    data = plain(value, ends)
    return data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)


def table(columns: Sequence[str], rows: Iterable[Sequence[Any]], ends: Ends | None = None) -> list[dict[str, Any]]:
    """Rows for st.dataframe: a column of numbers stays numeric (it sorts); any other column is text."""
    cells = [[cell_text(value, ends) for value in row] for row in rows]
    numeric = [all(row[i] is None or (isinstance(row[i], (int, float)) and not isinstance(row[i], bool))
                   for row in cells) for i in range(len(columns))]
    return [{column: (row[i] if numeric[i] or row[i] is None else str(row[i])) for i, column in enumerate(columns)}
            for row in cells]


def _csv_cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    return spreadsheet_cell(value)


def to_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """Plain rows as CSV (UTF-8 with BOM for spreadsheets); maps and lists as JSON text in their cell."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows([_csv_cell(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def to_json(columns: Sequence[str], rows: Iterable[Sequence[Any]], **notes: Any) -> bytes:
    """Plain rows as a JSON document: {"columns", "rows": [{column: value}], and any notes}."""
    data = {"columns": list(columns), "rows": [dict(zip(columns, row)) for row in rows], **notes}
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def _walk(value: Any) -> Iterator[DriverNode | Relationship]:
    """Every node and relationship inside a value, paths and collections included."""
    if isinstance(value, (DriverNode, Relationship)):
        yield value
    elif isinstance(value, DriverPath):
        yield from value.nodes
        yield from value.relationships
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _walk(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _walk(item)


def _model_node(node: DriverNode) -> Node:
    props = {key: plain(value) for key, value in node.items() if key not in HIDDEN | {"id"}}
    return Node(node_key(node), main_label(node), props)


def result_graph(records: Iterable[Sequence[Any]], ends: Ends | None = None) -> Subgraph:
    """The nodes and relationships in a result (both ends of each relationship included), in id order."""
    ends = ends or {}
    nodes: dict[str, Node] = {}
    edges: dict[tuple[str, str, str], Edge] = {}
    for record in records:
        for item in _walk(list(record)):
            if isinstance(item, DriverNode):
                nodes[node_key(item)] = _model_node(item)
                continue
            start, end = (_full(node, ends) if node is not None else None for node in item.nodes)
            if start is None or end is None:
                continue
            for node in (start, end):
                nodes.setdefault(node_key(node), _model_node(node))
            edge = Edge(node_key(start), item.type, node_key(end), _properties(item))
            edges[edge.key] = edge
    return Subgraph(tuple(nodes[key] for key in sorted(nodes)), tuple(edges[key] for key in sorted(edges)))
