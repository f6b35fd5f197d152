"""How a write merges its records into what a store holds: one rule for both stores."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any, Callable, Generic, Hashable, Iterable, Mapping, TypeVar

from graph.model import Edge, Node, in_schema_order
from graph.schema import get_schema
from graph.store import WriteResult

Record = TypeVar("Record", Node, Edge)
Key = TypeVar("Key", bound=Hashable)


@cache
def _dates(label: str | None) -> frozenset[str]:
    """The date properties of a node label, or of relationships (label None)."""
    schema = get_schema()
    known = schema.labels.get(label) if label else None
    properties = known.properties if known else schema.rel_properties
    return frozenset(name for name, prop in properties.items() if prop.type == "date")


def _keep_precise_dates(props: dict[str, Any], old: Mapping[str, Any], dates: frozenset[str]) -> None:
    """A date that only restates the start of the stored one ('2018' for '2018-09-28') keeps the stored one:
    reloading the seed's year must not undo the day a USAspending file gave."""
    for name in dates:
        stored, given = old.get(name), props.get(name)
        if isinstance(stored, str) and isinstance(given, str) and stored.startswith(given + "-"):
            props[name] = stored


def merge_node(old: Node | None, new: Node) -> Node:
    """New values win, except a date less precise than the same stored date; aliases and sources accumulate;
    properties in the schema's order."""
    if old is None:
        ordered = in_schema_order(new.properties, new.label)
        return new if ordered is new.properties else Node(new.id, new.label, ordered)
    props: dict[str, Any] = {**old.properties, **new.properties}
    _keep_precise_dates(props, old.properties, _dates(new.label))
    for listed in ("aliases", "sources"):
        union = list(dict.fromkeys([*old.properties.get(listed, []), *new.properties.get(listed, [])]))
        if union:
            props[listed] = union
    return Node(new.id, new.label, in_schema_order(props, new.label))


def merge_edge(old: Edge | None, new: Edge) -> Edge:
    """New values win, except a date less precise than the same stored date; sources accumulate; properties in
    the schema's order."""
    if old is None:
        ordered = in_schema_order(new.properties)
        return new if ordered is new.properties else Edge(new.source, new.type, new.target, ordered)
    props = {**old.properties, **new.properties}
    _keep_precise_dates(props, old.properties, _dates(None))
    props["sources"] = list(dict.fromkeys([*old.sources, *new.sources]))
    return Edge(new.source, new.type, new.target, in_schema_order(props))


@dataclass
class Changes(Generic[Key, Record]):
    """The merged records that differ from what is stored, by key, and how many were new, changed or the same."""

    records: dict[Key, Record] = field(default_factory=dict)
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def changes(items: Iterable[Record], key: Callable[[Record], Key], stored: Callable[[Key], Record | None],
            merge: Callable[[Record | None, Record], Record]) -> Changes[Key, Record]:
    """Merge each item into its stored version (or into an earlier item of the same write with its key)."""
    found: Changes[Key, Record] = Changes()
    for item in items:
        name = key(item)
        old = found.records.get(name)
        if old is None:
            old = stored(name)
        merged = merge(old, item)
        if old is None:
            found.created += 1
        elif merged != old:
            found.updated += 1
        else:
            found.unchanged += 1
            continue
        found.records[name] = merged
    return found


def write_result(nodes: Changes, edges: Changes) -> WriteResult:
    return WriteResult(nodes_created=nodes.created, nodes_updated=nodes.updated, edges_created=edges.created,
                       edges_updated=edges.updated, unchanged=nodes.unchanged + edges.unchanged)
