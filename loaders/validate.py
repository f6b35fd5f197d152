"""Whole-batch validation: every record is checked before anything is written."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from graph.errors import LoadError
from graph.i18n import Message
from graph.model import Edge, Node, make_edge, make_node
from graph.schema import Schema, get_schema
from graph.store import GraphStore
from loaders.records import Record


@dataclass(frozen=True)
class Batch:
    nodes: list[Node]
    edges: list[Edge]


def build_batch(records: Iterable[Record], store: GraphStore | None = None,
                schema: Schema | None = None) -> Batch:
    """Clean every record, then check ids, references and endpoint labels.

    Raises LoadError naming file, row and field at the first problem; nothing is
    written by this function, so a caller that writes only after it returns
    never leaves a half-written store.
    """
    schema = schema or get_schema()
    nodes: dict[str, Node] = {}
    node_origin: dict[str, Record] = {}
    edges: dict[tuple, Edge] = {}
    edge_origin: dict[tuple, Record] = {}
    for record in records:
        where = {"path": record.path, "row": record.row}
        if record.kind == "node":
            node = make_node(record.data, schema=schema, **where)
            if node.id in nodes:
                first = node_origin[node.id]
                raise LoadError(Message("record.duplicate_id", id=repr(node.id), path=first.path, row=first.row),
                                field="id", **where)
            nodes[node.id], node_origin[node.id] = node, record
        else:
            edge = make_edge(record.data, schema=schema, **where)
            if edge.key in edges:
                first = edge_origin[edge.key]
                raise LoadError(Message("record.duplicate_relationship", path=first.path, row=first.row),
                                field="type", **where)
            edges[edge.key], edge_origin[edge.key] = edge, record

    def find(node_id: str) -> Node | None:
        return nodes.get(node_id) or (store.get(node_id) if store is not None else None)

    for key, edge in edges.items():
        record = edge_origin[key]
        where = {"path": record.path, "row": record.row}
        rel = schema.rel_types[edge.type]
        for end, allowed in (("source", rel.sources), ("target", rel.targets)):
            node = find(getattr(edge, end))
            if node is None:
                raise LoadError(Message("record.unknown_node", id=repr(getattr(edge, end))), field=end, **where)
            if node.label not in allowed:
                raise LoadError(Message("record.wrong_end", type=edge.type, label=node.label, end=end,
                                        allowed=", ".join(sorted(allowed))), field=end, **where)
        for source_id in edge.sources:
            source = find(source_id)
            if source is None or source.label != "Source":
                raise LoadError(Message("record.unknown_source", id=repr(source_id)), field="sources", **where)
    for node_id, node in nodes.items():
        for source_id in node.properties.get("sources", []):
            source = find(source_id)
            if source is None or source.label != "Source":
                record = node_origin[node_id]
                raise LoadError(Message("record.unknown_source", id=repr(source_id)), field="sources",
                                path=record.path, row=record.row)
    return Batch(list(nodes.values()), list(edges.values()))
