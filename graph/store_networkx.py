"""The embedded store: a networkx graph in memory, saved to one JSON file atomically."""
from __future__ import annotations

import json
import os
import tempfile
from collections import Counter, deque
from itertools import islice
from pathlib import Path as FilePath
from typing import Any, Iterable, Iterator

import networkx as nx

from graph.errors import StoreError
from graph.model import Edge, EdgeKey, Node, Path, Subgraph
from graph.search import SearchHit, rank
from graph.store import (DEFAULT_MAX_LENGTH, DEFAULT_NEIGHBOUR_LIMIT, NO_FILTER, PathFilter, Stats,
                         WriteResult)

FILE_FORMAT = "hilos-graph"
FILE_VERSION = 1
# Equal-length alternatives are gathered up to this many before sorting, so the
# k paths returned do not depend on networkx's internal iteration order.
_TIE_POOL = 64


def merge_node(old: Node | None, new: Node) -> Node:
    """New values win; aliases and sources accumulate."""
    if old is None:
        return new
    props: dict[str, Any] = {**old.properties, **new.properties}
    for listed in ("aliases", "sources"):
        union = list(dict.fromkeys([*old.properties.get(listed, []), *new.properties.get(listed, [])]))
        if union:
            props[listed] = union
    return Node(new.id, new.label, props)


def merge_edge(old: Edge | None, new: Edge) -> Edge:
    """New values win; sources accumulate."""
    if old is None:
        return new
    props = {**old.properties, **new.properties}
    props["sources"] = list(dict.fromkeys([*old.sources, *new.sources]))
    return Edge(new.source, new.type, new.target, props)


class EmbeddedStore:
    """GraphStore on networkx, persisted to `path` with temp file + os.replace."""

    def __init__(self, path: FilePath) -> None:
        self.path = path
        self._nodes: dict[str, Node] = {}
        self._edges: dict[EdgeKey, Edge] = {}
        # Undirected simple graph; each pair holds the keys of the edges joining it.
        self._graph = nx.Graph()
        if path.exists():
            self._read()

    # -- persistence -------------------------------------------------------
    def _read(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(f"cannot read the graph file {self.path}: {exc}") from exc
        if data.get("format") != FILE_FORMAT:
            raise StoreError(f"{self.path} is not a Hilos graph file")
        self._apply([Node.from_dict(n) for n in data["nodes"]], [Edge.from_dict(e) for e in data["edges"]])

    def _save(self) -> None:
        data = {"format": FILE_FORMAT, "version": FILE_VERSION,
                "nodes": [n.to_dict() for n in self.nodes()], "edges": [e.to_dict() for e in self.edges()]}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False, separators=(",", ":"))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            FilePath(tmp).unlink(missing_ok=True)
            raise

    # -- writing -----------------------------------------------------------
    def _apply(self, nodes: Iterable[Node], edges: Iterable[Edge], result: WriteResult | None = None) -> None:
        result = result or WriteResult()
        for node in nodes:
            old = self._nodes.get(node.id)
            merged = merge_node(old, node)
            if old is None:
                result.nodes_created += 1
            elif merged != old:
                result.nodes_updated += 1
            else:
                result.unchanged += 1
            self._nodes[node.id] = merged
            self._graph.add_node(node.id)
        for edge in edges:
            old_edge = self._edges.get(edge.key)
            merged_edge = merge_edge(old_edge, edge)
            if old_edge is None:
                result.edges_created += 1
                self._graph.add_edge(edge.source, edge.target)
                self._graph.edges[edge.source, edge.target].setdefault("keys", set()).add(edge.key)
            elif merged_edge != old_edge:
                result.edges_updated += 1
            else:
                result.unchanged += 1
            self._edges[edge.key] = merged_edge

    def write(self, nodes: Iterable[Node], edges: Iterable[Edge]) -> WriteResult:
        nodes, edges = list(nodes), list(edges)
        known = set(self._nodes) | {n.id for n in nodes}
        dangling = next((e for e in edges if e.source not in known or e.target not in known), None)
        if dangling:
            raise StoreError(f"relationship {dangling.key} points to an unknown node")
        snapshot = (dict(self._nodes), dict(self._edges), self._graph.copy())
        result = WriteResult()
        try:
            self._apply(nodes, edges, result)
            if result.nodes_created or result.nodes_updated or result.edges_created or result.edges_updated:
                self._save()
        except BaseException:
            self._nodes, self._edges, self._graph = snapshot
            raise
        return result

    # -- reading -----------------------------------------------------------
    def get(self, node_id: str) -> Node | None:
        return self._nodes.get(node_id)

    def nodes(self, label: str | None = None) -> Iterator[Node]:
        for node_id in sorted(self._nodes):
            node = self._nodes[node_id]
            if label is None or node.label == label:
                yield node

    def edges(self) -> Iterator[Edge]:
        for key in sorted(self._edges):
            yield self._edges[key]

    def edges_of(self, node_id: str) -> list[Edge]:
        if node_id not in self._graph:
            return []
        keys = {key for nbr in self._graph[node_id] for key in self._graph[node_id][nbr]["keys"]}
        return [self._edges[k] for k in sorted(keys, key=lambda k: (k[1], k[0], k[2]))]

    def search(self, text: str, *, labels: Iterable[str] | None = None, limit: int = 10) -> list[SearchHit]:
        return rank(text, self._nodes.values(), labels=labels, limit=limit)

    def stats(self) -> Stats:
        return Stats(
            nodes=len(self._nodes), relationships=len(self._edges),
            by_label=dict(sorted(Counter(n.label for n in self._nodes.values()).items())),
            by_type=dict(sorted(Counter(k[1] for k in self._edges).items())),
            by_evidence=dict(sorted(Counter(e.evidence for e in self._edges.values()).items())),
        )

    def close(self) -> None:
        """Nothing to release: every write is already on disk."""

    # -- traversal ---------------------------------------------------------
    def _hop_edges(self, a: str, b: str, where: PathFilter, directed: bool) -> list[Edge]:
        """Edges joining a and b that pass the filter (a -> b only when directed), in key order."""
        keys = sorted(self._graph[a][b]["keys"], key=lambda k: (k[1], k[0], k[2]))
        edges = [self._edges[k] for k in keys if where.edge_ok(self._edges[k])]
        return [e for e in edges if e.source == a] if directed else edges

    def _view(self, where: PathFilter, directed: bool, keep: set[str]) -> nx.Graph:
        def node_ok(node_id: str) -> bool:
            return node_id in keep or where.node_ok(self._nodes[node_id])

        def edge_ok(a: str, b: str) -> bool:
            return bool(self._hop_edges(a, b, where, False))

        view = nx.subgraph_view(self._graph, filter_node=node_ok, filter_edge=edge_ok)
        if not directed:
            return view
        digraph = nx.DiGraph()
        digraph.add_nodes_from(view)
        digraph.add_edges_from((e.source, e.target) for a, b in view.edges for e in self._hop_edges(a, b, where, False))
        return digraph

    def paths(self, source_id: str, target_id: str, *, k: int = 1, max_length: int = DEFAULT_MAX_LENGTH,
              directed: bool = False, where: PathFilter = NO_FILTER) -> list[Path]:
        if source_id not in self._nodes or target_id not in self._nodes or source_id == target_id:
            return []
        view = self._view(where, directed, keep={source_id, target_id})
        found: list[list[str]] = []
        try:
            for ids in islice(nx.shortest_simple_paths(view, source_id, target_id), _TIE_POOL + k):
                if len(ids) - 1 > max_length or (len(found) >= k and len(ids) > len(found[k - 1])):
                    break
                found.append(ids)
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            pass
        found.sort(key=lambda ids: (len(ids), ids))
        return [self._path(ids, where, directed) for ids in found[:k]]

    def _path(self, ids: list[str], where: PathFilter, directed: bool) -> Path:
        edges = tuple(self._hop_edges(a, b, where, directed)[0] for a, b in zip(ids, ids[1:]))
        return Path(tuple(self._nodes[i] for i in ids), edges)

    def neighbours(self, node_id: str, *, depth: int = 1, where: PathFilter = NO_FILTER,
                   limit: int = DEFAULT_NEIGHBOUR_LIMIT) -> Subgraph:
        if node_id not in self._nodes:
            return Subgraph((), ())
        seen, queue, truncated = {node_id: 0}, deque([node_id]), False
        while queue:
            current = queue.popleft()
            if seen[current] >= depth:
                continue
            for nbr in sorted(self._graph[current], key=lambda n: self._neighbour_order(current, n)):
                if nbr in seen or not where.node_ok(self._nodes[nbr]) or not self._hop_edges(current, nbr, where, False):
                    continue
                if len(seen) >= limit:
                    truncated = True
                    break
                seen[nbr] = seen[current] + 1
                queue.append(nbr)
        edges = [e for key, e in sorted(self._edges.items())
                 if key[0] in seen and key[2] in seen and where.edge_ok(e)]
        return Subgraph(tuple(self._nodes[i] for i in sorted(seen)), tuple(edges), truncated)

    def _neighbour_order(self, current: str, nbr: str) -> tuple:
        """Biggest amount first, then by name, so capped views keep what matters."""
        amounts = [self._edges[k].properties.get("amount_usd") or 0 for k in self._graph[current][nbr]["keys"]]
        amounts.append(self._nodes[nbr].properties.get("amount_usd") or 0)
        return (-max(amounts), self._nodes[nbr].name.casefold(), nbr)
