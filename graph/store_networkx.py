"""The embedded store: one local file of columns (graph.snapshot), mapped into memory, rewritten atomically.

The file is a column file (graph.columns): nodes numbered in id order, a CSR
adjacency, the search tables of graph.search_index and every property as
JSON. Opening maps it and parses nothing, so a million relationships open in
well under a second; queries read the columns (see graph.traverse). A write
merges its records with the graph, builds the next file beside the old one
and renames it over it, so a failed or interrupted write leaves the old file
and the open store exactly as they were.

Graph files of version 1 (one JSON document, as written before the column
format and as graph.exports writes them) still open; the next write saves
them in the column format. Column files of version 2, written before
identifiers (graph.search) had columns of their own, open too: they have no
identifiers (their award keys are aliases, searched as such), and the next
write saves version 3. An older Hilos refuses version 3 rather than rewrite
it without its identifiers.
"""
from __future__ import annotations

import json
from pathlib import Path as FilePath
from typing import Any, Iterable, Iterator

import numpy as np
import orjson

from graph.columns import ColumnWriter, map_columns, read_header
from graph.errors import StoreError
from graph.i18n import Message
from graph.merge import changes, merge_edge, merge_node, write_result
from graph.model import Edge, EdgeKey, Node, Path, Subgraph
from graph.search import SearchHit, clip, rank
from graph.search_index import label_mask
from graph.snapshot import Records, Snapshot, build, encode_props
from graph.store import (DEFAULT_MAX_LENGTH, DEFAULT_NEIGHBOUR_LIMIT, NO_FILTER, PathFilter, Stats,
                         WriteResult)
from graph.text import fold
from graph.traverse import Rules, SnapshotReach, hop_edge, k_shortest, neighbourhood

FILE_FORMAT = "hilos-graph"
FILE_VERSION = 1  # the JSON form: exports, and graph files written before the column format
COLUMNS_VERSION = 3  # the column file this store writes (version 3: identifiers' columns, graph.snapshot)
OLD_COLUMNS_VERSION = 2  # the column file before identifiers, still read
_BULK = 1000  # writes with more records than this look ids up in one dict instead of one search each


class EmbeddedStore:
    """GraphStore on a local column file at `path` (created on the first write)."""

    def __init__(self, path: FilePath) -> None:
        self.path = path
        self.version = ""  # the graph file this store reads, as its identity on disk (see refresh)
        self._load(*self._on_disk())

    # -- persistence -------------------------------------------------------
    def _on_disk(self) -> tuple[str, int | None]:
        """The graph file's identity (path, inode, change time and size; a rewrite, an atomic rename, changes it)
        and its size, None when there is no file."""
        try:
            info = self.path.stat()
        except FileNotFoundError:
            return f"{self.path}:empty", None
        return f"{self.path}:{info.st_ino}:{info.st_mtime_ns}:{info.st_size}", info.st_size

    def _load(self, version: str, size: int | None) -> None:
        # An empty file is an empty graph: `touch graph.json` or mktemp before the first load. (This store never
        # leaves one: it writes a temporary file and renames it.)
        self._snap = self._open() if size else Snapshot.empty()
        self.version = version  # taken before opening: a file replaced meanwhile is opened again by refresh()

    def refresh(self) -> None:
        """Read the graph file again if another process rewrote it (a load run while the app is open).

        Reads in progress keep the graph they started with; the next ones see the new file."""
        version, size = self._on_disk()
        if version != self.version and size is not None:
            self._load(version, size)

    def _open(self) -> Snapshot:
        try:
            header, mapped = read_header(self.path)
            if header is None:
                return self._from_json(json.loads(self.path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise StoreError(Message("store.unreadable", path=self.path, error=exc)) from exc
        if header.get("format") != FILE_FORMAT:
            raise StoreError(Message("store.not_graph", path=self.path))
        version = header.get("version")
        if version == FILE_VERSION:
            return self._from_json(header)
        if version not in (OLD_COLUMNS_VERSION, COLUMNS_VERSION):
            raise StoreError(Message("store.version", path=self.path, version=version, first=FILE_VERSION,
                                     last=COLUMNS_VERSION))
        try:
            return Snapshot(header, map_columns(header, mapped))
        except (KeyError, ValueError, TypeError) as exc:
            raise StoreError(Message("store.damaged", path=self.path, error=exc)) from exc

    def _from_json(self, data: Any) -> Snapshot:
        """A version-1 JSON graph, converted in memory."""
        if not isinstance(data, dict) or data.get("format") != FILE_FORMAT:
            raise StoreError(Message("store.not_graph", path=self.path))
        records = Records()
        try:
            for raw in data["nodes"]:
                node = Node.from_dict(raw)
                records.add_node(node, encode_props(node.properties))
            for raw in data["edges"]:
                edge = Edge.from_dict(raw)
                records.add_edge(edge, encode_props(edge.properties))
            return Snapshot.in_memory(records)
        except (KeyError, TypeError, orjson.JSONEncodeError) as exc:
            raise StoreError(Message("store.damaged", path=self.path, error=exc)) from exc

    # -- writing -----------------------------------------------------------
    def write(self, nodes: Iterable[Node], edges: Iterable[Edge], fresh: Records | None = None) -> WriteResult:
        nodes, edges = list(nodes), list(edges)
        fresh = fresh or Records()
        snap = self._snap
        number = self._numberer(nodes, edges)
        known = {n.id for n in nodes}
        unknown = {end for e in edges for end in (e.source, e.target) if end not in known and number(end) < 0}
        if unknown:
            unknown.difference_update(fresh.held(unknown))
        dangling = next((e for e in edges if e.source in unknown or e.target in unknown), None)
        if dangling:
            raise StoreError(f"relationship {dangling.key} points to an unknown node")
        node_changes = changes(nodes, lambda node: node.id,
                               lambda node_id: snap.node(number(node_id)) if number(node_id) >= 0 else None, merge_node)
        find_edge = self._edge_finder(number, edges)
        edge_changes = changes(edges, lambda edge: edge.key,
                               lambda key: snap.edge(find_edge(key)) if find_edge(key) >= 0 else None, merge_edge)
        merged_nodes, merged_edges = node_changes.records, edge_changes.records
        del nodes, edges, known  # a big write's records live on only in the merged dicts, which _save empties
        result = write_result(node_changes, edge_changes)
        result.nodes_created += fresh.node_count
        result.edges_created += fresh.edge_count
        if merged_nodes or merged_edges or fresh.size:
            self._save(snap, merged_nodes, merged_edges, number, find_edge, fresh)
        return result

    def _numberer(self, nodes: list[Node], edges: list[Edge]):
        """A function from node id to node number (-1 if absent): a search each for small writes; for big
        ones, the ids the write names are looked up all at once (never a table of the whole graph)."""
        if len(nodes) + len(edges) <= _BULK or not self._snap.n_nodes:
            return self._snap.number
        ids = list({n.id for n in nodes} | {end for e in edges for end in (e.source, e.target)})
        table = dict(zip(ids, self._snap.numbers(ids).tolist()))
        return lambda node_id: table.get(node_id, -1)

    def _edge_finder(self, number, edges: list[Edge]):
        """A function from relationship key to relationship number (-1 if absent), as `_numberer` for nodes."""
        snap = self._snap
        if not snap.n_edges:
            return lambda key: -1
        if len(edges) <= _BULK:
            return lambda key: snap.find_edge(number(key[0]), key[1], number(key[2]))
        keys = list({e.key for e in edges})
        found = snap.find_edges(np.array([number(key[0]) for key in keys], dtype=np.int64), [key[1] for key in keys],
                                np.array([number(key[2]) for key in keys], dtype=np.int64))
        table = dict(zip(keys, found.tolist()))
        return lambda key: table.get(key, -1)

    def _save(self, snap: Snapshot, nodes: dict[str, Node], edges: dict[EdgeKey, Edge], number, find_edge,
              records: Records) -> None:
        """Build the next file from `records` (new ones, encoded), the old file and the merged records; swap it in,
        then reopen it."""
        skip_nodes = np.array([i for i in map(number, nodes) if i >= 0], dtype=np.int64)
        skip_edges = np.array([e for e in map(find_edge, edges) if e >= 0], dtype=np.int64)
        snap.copy_into(records, skip_nodes, skip_edges)
        # Popped, not iterated: each record is freed once encoded (the file orders them itself).
        while nodes:
            node = nodes.popitem()[1]
            records.add_node(node, encode_props(node.properties))
        while edges:
            edge = edges.popitem()[1]
            records.add_edge(edge, encode_props(edge.properties))
        with ColumnWriter(self.path) as out:  # each column is on disk, not in memory, once made
            header = build(records, out)
            out.commit({"format": FILE_FORMAT, "version": COLUMNS_VERSION, **header})
        self._load(*self._on_disk())

    # -- reading -----------------------------------------------------------
    def get(self, node_id: str) -> Node | None:
        i = self._snap.number(node_id)
        return self._snap.node(i) if i >= 0 else None

    def nodes(self, label: str | None = None) -> Iterator[Node]:
        snap = self._snap
        if label is None:
            numbers: Iterable[int] = range(snap.n_nodes)
        elif label in snap.labels:
            numbers = np.flatnonzero(snap.label_code == snap.labels.index(label)).tolist()
        else:
            numbers = ()
        return (snap.node(i) for i in numbers)

    def edges(self) -> Iterator[Edge]:
        snap = self._snap
        return (snap.edge(e) for e in range(snap.n_edges))

    def edges_of(self, node_id: str) -> list[Edge]:
        snap = self._snap
        i = snap.number(node_id)
        if i < 0:
            return []
        found = np.unique(snap.incident(i)[1])
        order = np.lexsort((snap.dst[found], snap.src[found], snap.type_code[found]))
        return [snap.edge(int(e)) for e in found[order]]

    def relationship_counts(self, node_id: str) -> dict[tuple[str, bool], int]:
        snap = self._snap
        i = snap.number(node_id)
        if i < 0:
            return {}
        found = np.unique(snap.incident(i)[1])
        outgoing = snap.src[found] == i
        pairs, counts = np.unique(np.stack([snap.type_code[found], outgoing]), axis=1, return_counts=True)
        return {(snap.types[code], bool(out)): count for (code, out), count in zip(pairs.T.tolist(), counts.tolist())}

    def search(self, text: str, *, labels: Iterable[str] | None = None, limit: int = 10) -> list[SearchHit]:
        snap = self._snap
        labels = list(labels) if labels else None
        text = clip(text)
        if not fold(text):
            return []
        if limit < 0:  # rank's slicing rules for a negative limit: score everything
            return rank(text, self.nodes(), labels=labels, limit=limit)
        found = snap.search.candidates(text, label_mask(labels, snap.labels), limit)
        return rank(text, (snap.node(i) for i in found), labels=labels, limit=limit)

    def stats(self) -> Stats:
        snap = self._snap

        def count(codes: np.ndarray, table: list[str]) -> dict[str, int]:
            counts = np.bincount(codes, minlength=len(table)).tolist() if len(codes) else [0] * len(table)
            return {name: n for name, n in zip(table, counts) if n}

        return Stats(nodes=snap.n_nodes, relationships=snap.n_edges,
                     by_label=count(snap.label_code, snap.labels), by_type=count(snap.type_code, snap.types),
                     by_evidence=count(snap.evidence_code, snap.evidence))

    def close(self) -> None:
        """Nothing to release: every write is already on disk."""

    # -- traversal ---------------------------------------------------------
    def paths(self, source_id: str, target_id: str, *, k: int = 1, max_length: int = DEFAULT_MAX_LENGTH,
              directed: bool = False, where: PathFilter = NO_FILTER) -> list[Path]:
        snap = self._snap
        source, target = snap.number(source_id), snap.number(target_id)
        if source < 0 or target < 0 or source == target or k < 1 or max_length < 1:
            return []
        rules = Rules(snap, where, keep=(source, target))
        found = k_shortest(SnapshotReach(snap, rules), source, target, k, max_length, directed)
        return [Path(tuple(snap.node(i) for i in ids),
                     tuple(snap.edge(hop_edge(snap, rules, a, b, directed)) for a, b in zip(ids, ids[1:])))
                for ids in found]

    def neighbours(self, node_id: str, *, depth: int = 1, where: PathFilter = NO_FILTER,
                   limit: int = DEFAULT_NEIGHBOUR_LIMIT) -> Subgraph:
        snap = self._snap
        start = snap.number(node_id)
        if start < 0:
            return Subgraph((), ())
        members, edges, truncated = neighbourhood(snap, Rules(snap, where), start, depth, limit)
        return Subgraph(tuple(snap.node(i) for i in members), tuple(snap.edge(e) for e in edges), truncated)


__all__ = ["EmbeddedStore", "FILE_FORMAT", "FILE_VERSION", "COLUMNS_VERSION"]
