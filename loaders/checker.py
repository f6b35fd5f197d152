"""Schema validation of many records at once, with the exact results of graph.model's make_node / make_edge.

A load validates hundreds of thousands of records that come in a few shapes
(the same property names, label after label). `make_node` walks the whole
schema of the label for every record; here the walk is planned once per
shape (which properties, in schema order, with which cleaner), and the
cleaners of repeating values (dates, years, evidence) remember their answers.
A record that fails goes through make_node / make_edge, so every error keeps
its exact message.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

from graph.model import Edge, EdgeKey, Node, make_edge, make_node
from graph.schema import Property, Schema
from graph.types import CLEANERS, clean_string

Plan = tuple[tuple[str, Callable[[Any], Any]], ...]
_EMPTY: tuple[Any, ...] = (None, "")
# Types whose values repeat across a load: each distinct value is cleaned once.
_REMEMBERED = ("date", "integer")
_LIMIT = 1 << 16


def _remembering(clean: Callable[[Any], Any]) -> Callable[[Any], Any]:
    cache: dict[Any, Any] = {}

    def call(value: Any) -> Any:
        if type(value) is not str and type(value) is not int:  # True == 1 and 2014.0 == 2014 as keys
            return clean(value)
        try:
            return cache[value]
        except KeyError:
            pass
        result = clean(value)
        if len(cache) >= _LIMIT:
            cache.clear()
        cache[value] = result
        return result

    return call


def _frozen(props: Mapping[str, Any]) -> tuple | None:
    """A hashable form of properties holding texts, whole numbers and lists of texts (None for others)."""
    items = []
    for name, value in props.items():
        kind = type(value)
        if kind is list:
            if not all(type(item) is str for item in value):
                return None
            value = (list, *value)
        elif kind is not str and kind is not int and value is not None:
            return None
        items.append((name, value))
    return tuple(items)


class Checker:
    """make_node / make_edge for a whole batch: same records, same errors, one schema walk per shape."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self._cleaners = {kind: _remembering(clean) if kind in _REMEMBERED else clean
                          for kind, clean in CLEANERS.items()}
        self._plans: dict[tuple[str, tuple[str, ...]], Plan | None] = {}
        # Relationship properties repeat (a file's hierarchy and parent links cite the same source): each
        # distinct set is cleaned once.
        self._edge_props: dict[tuple, dict[str, Any] | None] = {}

    def _plan(self, spec: Mapping[str, Property], group: str, keys: tuple[str, ...],
              given: tuple[str, ...] = ()) -> Plan | None:
        """The (name, cleaner) steps for records with these keys, in schema order; None when make_* must judge.

        `given` names properties checked apart (a node's id), which count as present.
        """
        found = self._plans.get((group, keys), False)
        if found is not False:
            return found  # type: ignore[return-value]
        present = set(keys)
        plan: Plan | None = tuple((name, self._cleaners[prop.type]) for name, prop in spec.items() if name in present)
        if not present <= spec.keys() or any(p.required and name not in present and name not in given
                                             for name, p in spec.items()):
            plan = None  # an unknown property or a missing required one: make_* says which
        self._plans[(group, keys)] = plan
        return plan

    def _clean(self, plan: Plan | None, props: Mapping[str, Any]) -> dict[str, Any] | None:
        if plan is None:
            return None
        cleaned: dict[str, Any] = {}
        for name, clean in plan:
            value = props[name]
            if value in _EMPTY if type(value) is not list else not value:
                return None  # make_* skips an empty optional value and refuses an empty required one
            if clean is clean_string and type(value) is str and value.isascii() and "\x00" not in value:
                result = value.strip() or None  # clean_string's common case, without the call
            else:
                result = clean(value)
            if result is None:
                return None
            cleaned[name] = result
        return cleaned

    def node(self, node_id: str, label: str, props: Mapping[str, Any], *, path: str, row: str) -> Node:
        """The record make_node({label, id, **props}) gives, or its LoadError."""
        spec = self.schema.labels.get(label)
        cleaned = None
        if spec is not None and "id" not in props:
            cleaned = self._clean(self._plan(spec.properties, label, tuple(props), ("id",)), props)
            clean_id = self._cleaners[spec.properties["id"].type](node_id) if "id" in spec.properties else None
            prefix, _, rest = (clean_id or "").partition(":")
            if cleaned is not None and clean_id and prefix == spec.id_prefix and rest:
                return Node(clean_id, label, cleaned)
        return make_node({"label": label, "id": node_id, **props}, path=path, row=row, schema=self.schema)

    def edge(self, source: str, rel_type: str, target: str, props: Mapping[str, Any], *, path: str,
             row: str) -> Edge:
        """The record make_edge({source, type, target, **props}) gives, or its LoadError."""
        return self.edges([(source, rel_type, target)], props, path=path, rows=[row])[0]

    def edges(self, keys: Sequence[EdgeKey], props: Mapping[str, Any], *, path: str,
              rows: Sequence[str]) -> list[Edge]:
        """`edge` for relationships with the same properties (a contract's edges): they are cleaned once, and the
        records share the cleaned properties."""
        schema = self.schema
        key = _frozen(props)
        if key is not None and key in self._edge_props:
            cleaned = self._edge_props[key]
            cleaned = None if cleaned is None else {k: list(v) if type(v) is list else v for k, v in cleaned.items()}
        else:
            cleaned = self._clean(self._plan(schema.rel_properties, "", tuple(props)), props)
            if cleaned is not None and not (cleaned.get("evidence") in schema.evidence and cleaned.get("sources")):
                cleaned = None
            if key is not None:
                if len(self._edge_props) >= _LIMIT:
                    self._edge_props.clear()
                self._edge_props[key] = cleaned
        found: list[Edge] = []
        for (source, rel_type, target), row in zip(keys, rows):
            if cleaned is not None and rel_type in schema.rel_types and ":" in source and ":" in target:
                found.append(Edge(source, rel_type, target, cleaned))
            else:
                found.append(make_edge({"source": source, "type": rel_type, "target": target, **props}, path=path,
                                       row=row, schema=schema))
        return found
