"""A batch of nodes and relationships gathered by a loader, merged with the store, written once.

Loaders add drafts as they stream rows; `build()` merges each draft with what
the store already holds, validates everything against the schema, and returns
the exact records to write plus what the write will do (created / updated /
unchanged), so that a dry run can say it without writing.

Merging rules (the same on every backend, because the batch always writes the
complete merged record):
- an existing node keeps its name and descriptions; a different name from the
  source becomes an alias; aliases and sources accumulate;
- an existing relationship keeps its evidence, quotes and summaries; sources
  accumulate; dates and amounts take the newer value.

A bulk loader hands most of its records over as *fresh* ones instead
(`add_fresh_node` / `add_fresh_edges`): records new to the store, which are
validated at once and kept encoded as the embedded file stores them
(graph.snapshot.Records), with no draft to merge. A million contracts then
cost neither drafts nor Node/Edge objects. A node drafted again after it was
fresh (two rows naming one source) is taken back into the drafts and merged
there, so the result is the same as if it had been drafted.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import pyarrow.compute as pc

from graph.errors import LoadError
from graph.i18n import Message
from graph.model import Edge, Node
from graph.record_parts import EdgePart, NodePart
from graph.schema import Schema, get_schema
from graph.snapshot import Records, encode_props
from graph.store import GraphStore, WriteResult
from loaders.checker import Checker
from loaders.spill import spilled

EdgeKey = tuple[str, str, str]
# Relationships given as columns, with the node part each end is drawn from (None: nodes the batch knows).
PartEdges = tuple[EdgePart, "NodePart | None", "NodePart | None"]
UNION = ("aliases", "sources")
NODE_KEEP = ("name", "description_es", "description_en")
SOURCE_KEEP_ALL = "Source"  # an existing Source node is only completed, never rewritten
EDGE_KEEP = ("evidence", "quote", "quote_lang", "quote_en", "summary_es", "summary_en")


def _union(old: Iterable[str] | None, new: Iterable[str] | None, *, skip: Iterable[str] = ()) -> list[str]:
    """Old items first, then new ones not already there (compared case-insensitively)."""
    out: list[str] = []
    seen = {s.casefold().strip() for s in skip if s}
    for item in [*(old or []), *(new or [])]:
        key = str(item).casefold().strip()
        if key and key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _link(index: dict[str, list[EdgeKey]], key: EdgeKey) -> None:
    """File an edge key under both its ends (once for a self-loop)."""
    source, _type, target = key
    index.setdefault(source, []).append(key)
    if target != source:
        index.setdefault(target, []).append(key)


def _filled(props: dict[str, Any]) -> dict[str, Any]:
    """The properties that have a value (a draft leaves out None, "" and [])."""
    return {k: v for k, v in props.items() if v not in (None, "", [])}


@dataclass
class Built:
    nodes: list[Node]
    edges: list[Edge]
    plan: WriteResult
    fresh: Records  # validated new records, encoded (see GraphStore.write)


class GraphBatch:
    """Draft nodes and edges for one load, with cached look-ups of what the store holds."""

    def __init__(self, store: GraphStore, schema: Schema | None = None) -> None:
        self.store = store
        self.schema = schema or get_schema()
        self.nodes: dict[str, dict[str, Any]] = {}
        self.labels: dict[str, str] = {}
        self.edges: dict[EdgeKey, dict[str, Any]] = {}
        # rel type -> node id -> keys of batch edges of that type touching it; built for a type when first
        # asked (resolution asks about PART_OF, SUBSIDIARY_OF, DEVELOPS), so contract edges cost no index.
        self._touching: dict[str, dict[str, list[EdgeKey]]] = {}
        self._existing: dict[str, Node | None] = {}
        self._store_empty: bool | None = None  # learnt at the first look-up; the store is not written meanwhile
        self._existing_edges: dict[str, dict[EdgeKey, Edge]] = {}
        self._aliased: set[tuple[str, str]] = set()  # (node id, alias) already folded into a draft
        self.check = Checker(self.schema)
        # A million new contracts' properties wait on disk, not in memory: beside the embedded store's file when
        # there is one (as its own write spills), since the system's temporary folder may be in memory.
        graph_file = getattr(store, "path", None)
        folder = graph_file.parent if isinstance(graph_file, Path) and graph_file.parent.is_dir() else None
        self._spill_folder = folder
        self.fresh = Records.spilled(folder)
        self._fresh_labels: dict[str, str] = {}  # node id -> label of the fresh nodes
        self._ends_checked: set[tuple[str, str, str]] = set()  # (rel type, node id, end) of fresh edges
        self._unfreshed: set[str] = set()  # fresh nodes taken back into the drafts

    # -- look-ups ------------------------------------------------------------
    def existing(self, node_id: str) -> Node | None:
        """The node as the store holds it before this load (cached)."""
        if self._store_empty is None:
            self._store_empty = not self.store.stats().nodes
        if self._store_empty:
            return None  # a first load into an empty store: no look-ups, and no cache of a million misses
        if node_id not in self._existing:
            self._existing[node_id] = self.store.get(node_id)
        return self._existing[node_id]

    def has(self, node_id: str) -> bool:
        return node_id in self.nodes or node_id in self._fresh_labels or self.existing(node_id) is not None \
            or self._part_label(node_id) is not None

    def label_of(self, node_id: str) -> str | None:
        if node_id in self.labels:
            return self.labels[node_id]
        if node_id in self._fresh_labels:
            return self._fresh_labels[node_id]
        node = self.existing(node_id)
        return node.label if node else self._part_label(node_id)

    def _part_label(self, node_id: str) -> str | None:
        """The label of a node given in a part (a scan of the parts of labels with this id prefix: a loader that
        gives parts does not ask about their nodes, so this is for the rare question, not a lookup table)."""
        prefix = node_id.partition(":")[0]
        for part in self.fresh.node_parts:
            if self.schema.labels[part.label].id_prefix == prefix and pc.index(part.ids, node_id).as_py() >= 0:
                return part.label
        return None

    def names_of(self, node_id: str) -> list[str]:
        """Name and aliases, from the draft and the store."""
        names: list[str] = []
        node = self.existing(node_id)
        if node:
            names += [node.name, *node.aliases]
        draft = self.nodes.get(node_id)
        if draft:
            names += [draft.get("name", ""), *draft.get("aliases", [])]
        return [n for n in names if n]

    def prop(self, node_id: str, name: str) -> Any:
        draft = self.nodes.get(node_id)
        if draft and draft.get(name) not in (None, ""):
            return draft[name]
        node = self.existing(node_id)
        return node.properties.get(name) if node else None

    def existing_edge(self, key: EdgeKey) -> Edge | None:
        source, _type, target = key
        if self.existing(source) is None or self.existing(target) is None:
            return None
        if source not in self._existing_edges:
            self._existing_edges[source] = {e.key: e for e in self.store.edges_of(source) if e.source == source}
        return self._existing_edges[source].get(key)

    def edges_touching(self, node_id: str, rel_type: str) -> list[EdgeKey]:
        """Keys of edges of one type touching a node, in the store or the batch."""
        keys = [e.key for e in (self.store.edges_of(node_id) if self.existing(node_id) else [])
                if e.type == rel_type]
        keys += self._touching_index(rel_type).get(node_id, ())
        return list(dict.fromkeys(keys))

    def _touching_index(self, rel_type: str) -> dict[str, list[EdgeKey]]:
        index = self._touching.get(rel_type)
        if index is None:
            index = self._touching[rel_type] = {}
            for key in self.edges:
                if key[1] == rel_type:
                    _link(index, key)
        return index

    # -- drafting ------------------------------------------------------------
    def add_node(self, node_id: str, label: str, props: dict[str, Any]) -> None:
        """Merge a draft: the first name stays (later names become aliases), lists accumulate, values update."""
        props = _filled(props)
        self._unfresh(node_id)
        draft = self.nodes.get(node_id)
        if draft is None:
            self.nodes[node_id] = dict(props)
            self.labels[node_id] = label
            return
        for key, value in props.items():
            if key == "name" and draft.get("name") and value != draft["name"]:
                draft["aliases"] = _union(draft.get("aliases"), [value], skip=[draft["name"]])
            elif key in UNION:
                draft[key] = _union(draft.get(key), value, skip=[draft.get("name", "")] if key == "aliases" else ())
            else:
                draft[key] = value

    def put_node(self, node_id: str, label: str, props: dict[str, Any]) -> None:
        """Replace a draft's values (a newer row for the same record), keeping accumulated aliases/sources."""
        self._unfresh(node_id)
        old = self.nodes.get(node_id, {})
        fresh = _filled(props)
        for key in UNION:
            if old.get(key) or fresh.get(key):
                fresh[key] = _union(old.get(key), fresh.get(key))
        self.nodes[node_id] = fresh
        self.labels[node_id] = label

    def add_alias(self, node_id: str, alias: str) -> None:
        # Drafts only ever gain aliases, so an alias added once needs no second merge (one per award row).
        if alias and (node_id, alias) not in self._aliased:
            self._aliased.add((node_id, alias))
            self.add_node(node_id, self.label_of(node_id) or "", {"aliases": [alias]})

    def add_edge(self, source: str, rel_type: str, target: str, props: dict[str, Any]) -> None:
        key = (source, rel_type, target)
        props = _filled(props)
        draft = self.edges.get(key)
        if draft is None:
            self.edges[key] = props
            index = self._touching.get(rel_type)
            if index is not None:
                _link(index, key)
            return
        for name, value in props.items():
            draft[name] = _union(draft.get(name), value) if name == "sources" else value

    # -- fresh records -------------------------------------------------------
    def add_fresh_node(self, node_id: str, label: str, props: dict[str, Any], *, origin: str = "load") -> bool:
        """Validate and keep a node that neither the store nor this batch holds yet; False (nothing done) if
        either does, and the caller drafts it. Its record is the one a draft would have become."""
        if self.has(node_id):
            return False
        props = _filled(props)
        if props.get("aliases"):
            props["aliases"] = _union([], props["aliases"], skip=[props.get("name", "")])
        node = self.check.node(node_id, label, props, path=origin, row=node_id)
        self.fresh.add_node(node, encode_props(node.properties))
        self._fresh_labels[node.id] = label
        return True

    def add_fresh_edges(self, keys: list[EdgeKey], props: dict[str, Any], *, origin: str = "load") -> None:
        """Validate and keep relationships with the same properties, each touching a fresh node (so neither the
        store nor this batch holds them). The caller adds each such relationship once; they are not looked at by
        `edges_touching`."""
        rows = [f"{source} {rel_type} {target}" for source, rel_type, target in keys]
        edges = self.check.edges(keys, _filled(props), path=origin, rows=rows)
        for key, where in zip(keys, rows):
            self._check_ends(*key, where, origin)
        if not edges:
            return
        # The edges were cleaned from the same properties, so they cite the same sources: checked once, and an
        # unknown one is reported on the first edge, as a check of each edge in turn would.
        for source_id in edges[0].properties["sources"]:
            if self.label_of(source_id) != "Source":
                raise LoadError(Message("record.unknown_source", id=repr(source_id)), path=origin, row=rows[0])
        encoded = encode_props(edges[0].properties)
        for edge in edges:
            self.fresh.add_edge(edge, encoded if edge.properties is edges[0].properties else
                                encode_props(edge.properties))

    def add_parts(self, nodes: list[NodePart], edges: list[PartEdges], *, origin: str = "load") -> None:
        """Keep new records given as columns. The caller vouches for what `add_fresh_node` checks of each
        record (valid properties, as the schema check makes them, and ids new to the store and the batch), that
        the sources each relationship cites are Source nodes, and that an end drawn from a node part (given
        with the relationships) is one of its nodes. Here the schema is asked once per part whether the
        relationship may join such nodes, and every other end is checked to exist with a label it allows."""
        for part, *drawn in edges:
            rel = self.schema.rel_types[part.type]
            where = f"{part.type} ({len(part)} relationships)"
            for end, column, allowed, nodes_part in (("source", part.sources, rel.sources, drawn[0]),
                                                      ("target", part.targets, rel.targets, drawn[1])):
                if nodes_part is not None:
                    if nodes_part.label not in allowed:
                        raise LoadError(Message("record.cannot_join_part", type=part.type, label=nodes_part.label),
                                        path=origin, row=where)
                    continue
                for node_id in pc.unique(column).to_pylist():
                    self._check_end(part.type, end, node_id, where, origin)
        # Their columns wait on disk, as fresh records' properties do (loaders.spill).
        for part in nodes:
            part.ids, part.names, part.props, part.identifiers = spilled(
                [part.ids, part.names, part.props, part.identifiers], self._spill_folder)
            self.fresh.node_parts.append(part)
        for part, *_ in edges:
            part.sources, part.targets, part.evidence, part.props = spilled(
                [part.sources, part.targets, part.evidence, part.props], self._spill_folder)
            self.fresh.edge_parts.append(part)

    def _check_ends(self, source: str, rel_type: str, target: str, where: str, origin: str) -> None:
        """The schema allows this relationship between the labels of its ends (each pair checked once)."""
        self._check_end(rel_type, "source", source, where, origin)
        self._check_end(rel_type, "target", target, where, origin)

    def _check_end(self, rel_type: str, end: str, node_id: str, where: str, origin: str) -> None:
        if (rel_type, node_id, end) in self._ends_checked:
            return
        rel = self.schema.rel_types[rel_type]
        label = self.label_of(node_id)
        if label is None:
            raise LoadError(Message("record.unknown_node", id=repr(node_id)), path=origin, row=where)
        if label not in (rel.sources if end == "source" else rel.targets):
            raise LoadError(Message("record.cannot_join", type=rel_type, label=label, id=node_id), path=origin,
                            row=where)
        if node_id not in self._fresh_labels:  # fresh ends are many and each is met once or twice
            self._ends_checked.add((rel_type, node_id, end))

    def _unfresh(self, node_id: str) -> None:
        """Take a fresh node back into the drafts (it is being drafted again), as a draft of its record."""
        if self._fresh_labels.pop(node_id, None) is None:
            return
        node = self.fresh.take_node(node_id)
        self.nodes[node_id] = dict(node.properties)
        self.labels[node_id] = node.label
        self._unfreshed.add(node_id)

    def _unfresh_drafted_edges(self) -> None:
        """A relationship kept fresh and then drafted too (its fresh end was drafted again): merge the two
        drafts, the fresh one first, as two drafts of one relationship merge."""
        twice = {key for key in self.edges if key[0] in self._unfreshed or key[2] in self._unfreshed}
        for edge in self.fresh.take_edges(twice) if twice else ():
            later = self.edges.pop(edge.key)
            self.add_edge(edge.source, edge.type, edge.target, dict(edge.properties))
            self.add_edge(edge.source, edge.type, edge.target, later)

    # -- building ------------------------------------------------------------
    def _merge_node(self, node_id: str, label: str, draft: dict[str, Any]) -> dict[str, Any]:
        old = self.existing(node_id)
        if old is None:
            if not draft.get("aliases"):
                return draft  # the caller copies it into the record it validates
            merged = dict(draft)
            merged["aliases"] = _union([], merged["aliases"], skip=[merged.get("name", "")])
            return merged
        if old.label != label:
            raise LoadError(Message("record.label_clash", id=node_id, old=old.label, new=label))
        merged = dict(old.properties)
        for key, value in draft.items():
            if key in UNION:
                continue
            if old.label == SOURCE_KEEP_ALL and merged.get(key) not in (None, ""):
                continue
            if key in NODE_KEEP and merged.get(key):
                continue
            if key == "uei" and merged.get("uei") and merged["uei"] != value:
                continue  # never overwrite one UEI with another; the resolver reports it
            merged[key] = value
        extra_names = [draft["name"]] if draft.get("name") and draft["name"] != old.name else []
        aliases = _union(old.properties.get("aliases"), [*extra_names, *draft.get("aliases", [])],
                         skip=[merged.get("name", "")])
        if aliases:
            merged["aliases"] = aliases
        sources = _union(old.properties.get("sources"), draft.get("sources"))
        if sources:
            merged["sources"] = sources
        return merged

    def _merge_edge(self, key: EdgeKey, draft: dict[str, Any]) -> dict[str, Any]:
        old = self.existing_edge(key)
        if old is None:
            return draft  # the caller copies it into the record it validates
        merged = dict(old.properties)
        for name, value in draft.items():
            if name == "sources":
                merged["sources"] = _union(old.sources, value)
            elif name in EDGE_KEEP and merged.get(name):
                continue
            else:
                merged[name] = value
        return merged

    def build(self, origin: str = "load", *, consume: bool = False) -> Built:
        """Merge with the store, validate against the schema, and count what a write would do.

        With `consume` each draft is dropped once its record is made, so a big load never holds both
        (the batch is then spent: its drafts are gone).
        """
        self._unfresh_drafted_edges()
        plan = WriteResult(nodes_created=self.fresh.node_count, edges_created=self.fresh.edge_count)
        check = self.check
        nodes: list[Node] = []
        for node_id in list(self.nodes):
            draft = self.nodes.pop(node_id) if consume else self.nodes[node_id]
            label = self.labels[node_id]
            node = check.node(node_id, label, self._merge_node(node_id, label, draft), path=origin, row=node_id)
            old = self.existing(node_id)
            if old is None:
                plan.nodes_created += 1
            elif dict(old.properties) != dict(node.properties):
                plan.nodes_updated += 1
            else:
                plan.unchanged += 1
            nodes.append(node)
        edges: list[Edge] = []
        for key in list(self.edges):
            draft = self.edges.pop(key) if consume else self.edges[key]
            source, rel_type, target = key
            where = f"{source} {rel_type} {target}"
            edge = check.edge(source, rel_type, target, self._merge_edge(key, draft), path=origin, row=where)
            rel = self.schema.rel_types[rel_type]
            for end, allowed in ((source, rel.sources), (target, rel.targets)):
                label = self.label_of(end)
                if label is None:
                    raise LoadError(Message("record.unknown_node", id=repr(end)), path=origin, row=where)
                if label not in allowed:
                    raise LoadError(Message("record.cannot_join", type=rel_type, label=label, id=end), path=origin,
                                    row=where)
            for source_id in edge.properties["sources"]:
                if self.label_of(source_id) != "Source":
                    raise LoadError(Message("record.unknown_source", id=repr(source_id)), path=origin, row=where)
            old = self.existing_edge(key)
            if old is None:
                plan.edges_created += 1
            elif dict(old.properties) != dict(edge.properties):
                plan.edges_updated += 1
            else:
                plan.unchanged += 1
            edges.append(edge)
        fresh = self.fresh
        if consume:
            self.fresh, self._fresh_labels = Records(), {}
        return Built(nodes, edges, plan, fresh)
