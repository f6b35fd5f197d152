"""Answers shared by every session: the same question about the same graph is worked out once per process.

A room of participants asks much the same things (the tracer's first trace, the
starter traces, the agency everyone opens), and one Streamlit process answers
all of them on its 2 cores. The slow reads of the embedded store (search, paths,
neighbourhoods, counts) and the drawings of views are kept in memory, keyed by
the question and the graph file's version (`version`): a graph file that changes
on disk gets fresh answers. Neo4j stores are not wrapped: the server can change
under the app without telling it, so every question goes to the server as before.

Not st.cache_data: its hashing and copying cost a millisecond or two per answer,
as much as answering from the seed graph. Answers are frozen dataclasses, shared
as they are; nothing may change them.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable, Hashable, Iterable, Iterator, TypeVar

from graph.model import Edge, Node, Path, Subgraph
from graph.search import SearchHit
from graph.store import (DEFAULT_MAX_LENGTH, DEFAULT_NEIGHBOUR_LIMIT, NO_FILTER, GraphStore, PathFilter, Stats,
                         WriteResult)
from graph.store_networkx import EmbeddedStore

T = TypeVar("T")


class Shelf:
    """At most `size` answers by key, the least recently used dropped first; safe across session threads.

    Two sessions asking the same new question at once may both work it out; both get the same answer.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, work_out: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        answer = work_out()  # outside the lock: other sessions keep getting their answers meanwhile
        with self._lock:
            self._items[key] = answer
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return answer


ANSWERS = Shelf(2048)  # searches, paths, counts, relationships: small
NEIGHBOURHOODS = Shelf(64)  # up to 5,000 entities each
VIEWS = Shelf(64)  # what the graph component receives for a view (app_pages.graph_view)


def shared(store: GraphStore) -> GraphStore:
    """The store to read from in this run: the embedded store behind the shared answers, reading the graph file
    as it is now (a load may have rewritten it since the last run), its answers keyed by that file; Neo4j as it
    is."""
    if not isinstance(store, EmbeddedStore):
        return store
    store.refresh()
    return SharedReads(store, store.version)


def graph_version(store: GraphStore) -> str | None:
    """The version answers from `store` are shared under; None when they are not shared (Neo4j)."""
    return store.graph if isinstance(store, SharedReads) else None


class SharedReads:
    """A GraphStore whose slow reads come from the answers every session shares; the rest goes to `store`."""

    def __init__(self, store: GraphStore, graph: str) -> None:
        self.store = store
        self.graph = graph  # the version the answers are keyed by

    def search(self, text: str, *, labels: Iterable[str] | None = None, limit: int = 10) -> list[SearchHit]:
        wanted = tuple(labels) if labels is not None else None
        return ANSWERS.get((self.graph, "search", text, wanted, limit),
                           lambda: self.store.search(text, labels=wanted, limit=limit))

    def paths(self, source_id: str, target_id: str, *, k: int = 1, max_length: int = DEFAULT_MAX_LENGTH,
              directed: bool = False, where: PathFilter = NO_FILTER) -> list[Path]:
        return ANSWERS.get((self.graph, "paths", source_id, target_id, k, max_length, directed, where),
                           lambda: self.store.paths(source_id, target_id, k=k, max_length=max_length,
                                                    directed=directed, where=where))

    def neighbours(self, node_id: str, *, depth: int = 1, where: PathFilter = NO_FILTER,
                   limit: int = DEFAULT_NEIGHBOUR_LIMIT) -> Subgraph:
        return NEIGHBOURHOODS.get((self.graph, node_id, depth, where, limit),
                                  lambda: self.store.neighbours(node_id, depth=depth, where=where, limit=limit))

    def edges_of(self, node_id: str) -> list[Edge]:
        return ANSWERS.get((self.graph, "edges_of", node_id), lambda: self.store.edges_of(node_id))

    def relationship_counts(self, node_id: str) -> dict[tuple[str, bool], int]:
        return ANSWERS.get((self.graph, "counts", node_id), lambda: self.store.relationship_counts(node_id))

    def stats(self) -> Stats:
        return ANSWERS.get((self.graph, "stats"), self.store.stats)

    # Cheap reads and writes go straight to the store.
    def get(self, node_id: str) -> Node | None:
        return self.store.get(node_id)

    def nodes(self, label: str | None = None) -> Iterator[Node]:
        return self.store.nodes(label)

    def edges(self) -> Iterator[Edge]:
        return self.store.edges()

    def write(self, nodes: Iterable[Node], edges: Iterable[Edge]) -> WriteResult:
        return self.store.write(nodes, edges)

    def close(self) -> None:
        self.store.close()
