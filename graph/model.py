"""Nodes, relationships and paths, and their validation against the schema."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any, Mapping

from graph.errors import LoadError
from graph.i18n import Message
from graph.schema import Property, Schema, get_schema
from graph.types import CLEANERS

EdgeKey = tuple[str, str, str]


@dataclass(frozen=True)
class Node:
    """An entity. `properties` holds everything but id and label (name included)."""

    id: str
    label: str
    properties: Mapping[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.properties.get("name", self.id)

    @property
    def aliases(self) -> list[str]:
        return list(self.properties.get("aliases") or [])

    def description(self, lang: str) -> str:
        other = "en" if lang == "es" else "es"
        return self.properties.get(f"description_{lang}") or self.properties.get(f"description_{other}") or ""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, **self.properties}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Node:
        props = {k: v for k, v in data.items() if k not in ("id", "label")}
        return cls(data["id"], data["label"], props)


@dataclass(frozen=True)
class Edge:
    """A relationship; one per (source, type, target)."""

    source: str
    type: str
    target: str
    properties: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> EdgeKey:
        return (self.source, self.type, self.target)

    @property
    def sources(self) -> list[str]:
        return list(self.properties.get("sources") or [])

    @property
    def evidence(self) -> str:
        return self.properties.get("evidence", "")

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "type": self.type, "target": self.target, **self.properties}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Edge:
        props = {k: v for k, v in data.items() if k not in ("source", "type", "target")}
        return cls(data["source"], data["type"], data["target"], props)


@dataclass(frozen=True)
class Path:
    """A walk through the graph: nodes[i] and nodes[i+1] are joined by edges[i].

    Edges keep their own direction, which may run against the walk.
    """

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def __len__(self) -> int:
        return len(self.edges)

    @property
    def node_ids(self) -> tuple[str, ...]:
        return tuple(n.id for n in self.nodes)


@dataclass(frozen=True)
class Subgraph:
    """Nodes and the edges among them, e.g. a neighbourhood; `truncated` when a cap was hit."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    truncated: bool = False


@cache
def _places(label: str | None) -> dict[str, int]:
    """Each declared property's place: a label's (the common ones first), or relationships' for None."""
    schema = get_schema()
    declared = schema.rel_properties if label is None else (
        schema.labels[label].properties if label in schema.labels else schema.node_common)
    return {name: place for place, name in enumerate(declared)}


@lru_cache(maxsize=4096)  # records come in a few shapes: each is sorted once
def _reordered(label: str | None, names: tuple[str, ...]) -> tuple[str, ...] | None:
    """`names` in the schema's order, or None when they already are."""
    places = _places(label)
    last = len(places)
    ordered = tuple(sorted(names, key=lambda name: (places.get(name, last), name)))
    return None if ordered == names else ordered


def in_schema_order(properties: Mapping[str, Any], label: str | None = None) -> Mapping[str, Any]:
    """The properties in the order the schema declares them, undeclared ones after by name (`properties` itself
    when already so); `label` None for a relationship's.

    It is make_node's and make_edge's order. Both stores hand properties back in it, since pages and exports list
    them as they come: Neo4j keeps no order of its own, and a merge would put new keys last.
    """
    names = _reordered(label, tuple(properties))
    return properties if names is None else {name: properties[name] for name in names}


def _clean_props(raw: Mapping[str, Any], spec: Mapping[str, Property], *, where: dict) -> dict[str, Any]:
    if not raw.keys() <= spec.keys():  # a loader validates millions of records: no sets unless one is wrong
        unknown = sorted(set(raw) - set(spec), key=str)
        raise LoadError(Message("record.unknown_property", allowed=", ".join(sorted(spec))), field=unknown[0], **where)
    cleaned: dict[str, Any] = {}
    for name, prop in spec.items():
        value = raw.get(name)
        if value is None or value == "" or value == []:
            if prop.required:
                raise LoadError(Message("record.required"), field=name, **where)
            continue
        clean = CLEANERS[prop.type](value)
        if clean is None:
            raise LoadError(Message("record.not_valid", type=Message(f"valid.{prop.type}"), value=repr(str(value)[:80])),
                            field=name, **where)
        cleaned[name] = clean
    return cleaned


def make_node(raw: Mapping[str, Any], *, path: str | None = None, row: int | str | None = None,
              schema: Schema | None = None) -> Node:
    """Validate and clean one node record (with a `label` key) against the schema."""
    schema = schema or get_schema()
    where = {"path": path, "row": row}
    label = raw.get("label")
    if not isinstance(label, str) or label not in schema.labels:
        raise LoadError(Message("record.unknown_label", label=repr(label), known=", ".join(schema.labels)),
                        field="label", **where)
    spec = schema.labels[label]
    props = _clean_props({k: v for k, v in raw.items() if k != "label"}, spec.properties, where=where)
    node_id = props.pop("id")
    if node_id.split(":", 1)[0] != spec.id_prefix or ":" not in node_id or not node_id.split(":", 1)[1]:
        raise LoadError(Message("record.bad_id", prefix=spec.id_prefix, id=repr(node_id)), field="id", **where)
    return Node(node_id, label, props)


def make_edge(raw: Mapping[str, Any], *, path: str | None = None, row: int | str | None = None,
              schema: Schema | None = None) -> Edge:
    """Validate and clean one relationship record (source, type, target, properties)."""
    schema = schema or get_schema()
    where = {"path": path, "row": row}
    rel_type = raw.get("type")
    if not isinstance(rel_type, str) or rel_type not in schema.rel_types:
        raise LoadError(Message("record.unknown_type", type=repr(rel_type), known=", ".join(schema.rel_types)),
                        field="type", **where)
    for end in ("source", "target"):
        if not isinstance(raw.get(end), str) or ":" not in raw[end]:
            raise LoadError(Message("record.not_node_id"), field=end, **where)
    props = _clean_props({k: v for k, v in raw.items() if k not in ("source", "type", "target")},
                         schema.rel_properties, where=where)
    if props["evidence"] not in schema.evidence:
        raise LoadError(Message("record.bad_evidence", allowed=", ".join(schema.evidence),
                                value=repr(props["evidence"])), field="evidence", **where)
    if not props["sources"]:
        raise LoadError(Message("record.no_sources"), field="sources", **where)
    return Edge(raw["source"], rel_type, raw["target"], props)
