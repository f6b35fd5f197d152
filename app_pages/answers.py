"""Answers shared by every session: the same question about the same graph is worked out once per process.

A room of participants asks much the same things (the tracer's first trace, the
starter traces, the agency everyone opens), and one Streamlit process answers
all of them on its 2 cores. The slow reads of the embedded store (search, paths,
neighbourhoods, counts) go through st.cache_data, keyed by the question and the
graph file's version (`version`): a graph file that changes on disk gets fresh
answers. Neo4j stores are not wrapped: the server can change under the app
without telling it, so every question goes to the server as before.
"""
from __future__ import annotations

import os
from typing import Iterable, Iterator

import streamlit as st

from graph.model import Edge, Node, Path, Subgraph
from graph.search import SearchHit
from graph.store import (DEFAULT_MAX_LENGTH, DEFAULT_NEIGHBOUR_LIMIT, NO_FILTER, GraphStore, PathFilter, Stats,
                         WriteResult)
from graph.store_networkx import EmbeddedStore

# Entries kept per question kind (the least recently used go first); a 5,000-node neighbourhood is a few MB.
SMALL_ANSWERS = 1024
BIG_ANSWERS = 64


def version(store: EmbeddedStore) -> str:
    """The graph file's identity and last change; a rewrite (atomic rename) gives another inode and time."""
    try:
        info = os.stat(store.path)
    except FileNotFoundError:
        return f"{store.path}:empty"
    return f"{store.path}:{info.st_ino}:{info.st_mtime_ns}:{info.st_size}"


def shared(store: GraphStore) -> GraphStore:
    """The store to read from in this run: the embedded store behind the shared answers; Neo4j as it is."""
    return SharedReads(store, version(store)) if isinstance(store, EmbeddedStore) else store


def graph_version(store: GraphStore) -> str | None:
    """The version answers from `store` are shared under; None when they are not shared (Neo4j)."""
    return store.graph if isinstance(store, SharedReads) else None


def filter_key(where: PathFilter) -> tuple[tuple[str, ...], ...]:
    """The filter as sorted tuples: equal filters give equal cache keys, whatever order their sets iterate in."""
    return (tuple(sorted(where.rel_types)), tuple(sorted(where.labels)), tuple(sorted(where.evidence)),
            tuple(str(year) for year in sorted(where.fiscal_years)), tuple(sorted(where.avoid)))


@st.cache_data(max_entries=SMALL_ANSWERS, show_spinner=False)
def _search(_store: GraphStore, graph: str, text: str, labels: tuple[str, ...] | None, limit: int) -> list[SearchHit]:
    return _store.search(text, labels=labels, limit=limit)


@st.cache_data(max_entries=SMALL_ANSWERS, show_spinner=False)
def _paths(_store: GraphStore, graph: str, source_id: str, target_id: str, k: int, max_length: int, directed: bool,
           _where: PathFilter, where_key: tuple[tuple[str, ...], ...]) -> list[Path]:
    return _store.paths(source_id, target_id, k=k, max_length=max_length, directed=directed, where=_where)


@st.cache_data(max_entries=BIG_ANSWERS, show_spinner=False)
def _neighbours(_store: GraphStore, graph: str, node_id: str, depth: int, _where: PathFilter,
                where_key: tuple[tuple[str, ...], ...], limit: int) -> Subgraph:
    return _store.neighbours(node_id, depth=depth, where=_where, limit=limit)


@st.cache_data(max_entries=BIG_ANSWERS, show_spinner=False)
def _edges_of(_store: GraphStore, graph: str, node_id: str) -> list[Edge]:
    return _store.edges_of(node_id)


@st.cache_data(max_entries=SMALL_ANSWERS, show_spinner=False)
def _relationship_counts(_store: GraphStore, graph: str, node_id: str) -> dict[tuple[str, bool], int]:
    return _store.relationship_counts(node_id)


@st.cache_data(max_entries=SMALL_ANSWERS, show_spinner=False)
def _stats(_store: GraphStore, graph: str) -> Stats:
    return _store.stats()


class SharedReads:
    """A GraphStore whose slow reads come from the answers every session shares; the rest goes to `store`."""

    def __init__(self, store: GraphStore, graph: str) -> None:
        self.store = store
        self.graph = graph  # the version the answers are keyed by

    def search(self, text: str, *, labels: Iterable[str] | None = None, limit: int = 10) -> list[SearchHit]:
        return _search(self.store, self.graph, text, tuple(labels) if labels is not None else None, limit)

    def paths(self, source_id: str, target_id: str, *, k: int = 1, max_length: int = DEFAULT_MAX_LENGTH,
              directed: bool = False, where: PathFilter = NO_FILTER) -> list[Path]:
        return _paths(self.store, self.graph, source_id, target_id, k, max_length, directed, where,
                      filter_key(where))

    def neighbours(self, node_id: str, *, depth: int = 1, where: PathFilter = NO_FILTER,
                   limit: int = DEFAULT_NEIGHBOUR_LIMIT) -> Subgraph:
        return _neighbours(self.store, self.graph, node_id, depth, where, filter_key(where), limit)

    def edges_of(self, node_id: str) -> list[Edge]:
        return _edges_of(self.store, self.graph, node_id)

    def relationship_counts(self, node_id: str) -> dict[tuple[str, bool], int]:
        return _relationship_counts(self.store, self.graph, node_id)

    def stats(self) -> Stats:
        return _stats(self.store, self.graph)

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
