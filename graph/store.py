"""The GraphStore protocol that every backend implements, and how to open one."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import TYPE_CHECKING, Iterable, Iterator, Protocol, TypeVar, runtime_checkable

from graph.errors import TimedOut
from graph.model import Edge, Node, Path, Subgraph
from graph.search import SearchHit

if TYPE_CHECKING:
    from graph.snapshot import Records

DEFAULT_MAX_LENGTH = 6
DEFAULT_NEIGHBOUR_LIMIT = 200
# A neighbourhood or path request that takes longer stops with TimedOut, on both stores, so that
# one request cannot hold the app (one process shared by every browser session) for the others.
QUERY_SECONDS = 10.0


@dataclass(frozen=True)
class PathFilter:
    """What a path or neighbourhood may go through. Empty means no restriction."""

    rel_types: frozenset[str] = frozenset()
    labels: frozenset[str] = frozenset()  # labels allowed for intermediate nodes
    evidence: frozenset[str] = frozenset()
    fiscal_years: frozenset[int] = frozenset()  # edges without a year always pass
    avoid: frozenset[str] = frozenset()  # node ids never to pass through

    def edge_ok(self, edge: Edge) -> bool:
        if self.rel_types and edge.type not in self.rel_types:
            return False
        if self.evidence and edge.evidence not in self.evidence:
            return False
        year = edge.properties.get("fiscal_year")
        return not (self.fiscal_years and year is not None and year not in self.fiscal_years)

    def node_ok(self, node: Node) -> bool:
        return node.id not in self.avoid and (not self.labels or node.label in self.labels)


NO_FILTER = PathFilter()


class Budget:
    """The time one request may take (QUERY_SECONDS unless told); `check()` raises TimedOut once it is spent."""

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = QUERY_SECONDS if seconds is None else seconds
        self.end = time.monotonic() + self.seconds

    def remaining(self) -> float:
        """Seconds left, after checking that some are."""
        self.check()
        return self.end - time.monotonic()

    def check(self) -> None:
        if time.monotonic() >= self.end:
            raise TimedOut(f"the request was stopped after {self.seconds:g} s")


@dataclass
class WriteResult:
    """What a write did: counts of created, updated and unchanged records."""

    nodes_created: int = 0
    nodes_updated: int = 0
    edges_created: int = 0
    edges_updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class Stats:
    nodes: int
    relationships: int
    by_label: dict[str, int] = field(default_factory=dict)
    by_type: dict[str, int] = field(default_factory=dict)
    by_evidence: dict[str, int] = field(default_factory=dict)


@runtime_checkable
class GraphStore(Protocol):
    """A graph of Hilos entities. Every method gives the same answer on every backend."""

    def write(self, nodes: Iterable[Node], edges: Iterable[Edge], fresh: Records | None = None) -> WriteResult:
        """Merge nodes and edges by id (idempotent), all or nothing.

        `fresh` (emptied by the write) holds more records, already validated (properties in the schema's order,
        as make_node gives them) and encoded, that the caller knows the store does not hold and that appear
        nowhere else in the write: a loader's bulk of new contracts, written without becoming Node and Edge
        objects where the store can take them as they are.
        """

    def get(self, node_id: str) -> Node | None:
        """The node with this id, or None. Every read gives properties in the schema's order
        (graph.model.in_schema_order)."""

    def nodes(self, label: str | None = None) -> Iterator[Node]:
        """Every node, optionally of one label, in id order."""

    def edges(self) -> Iterator[Edge]:
        """Every relationship, ordered by (source, type, target)."""

    def edges_of(self, node_id: str) -> list[Edge]:
        """Relationships touching a node (both directions), ordered by (type, source, target)."""

    def relationship_counts(self, node_id: str) -> dict[tuple[str, bool], int]:
        """How many relationships touch a node, by (type, outgoing from it); cheap even for a hub."""

    def search(self, text: str, *, labels: Iterable[str] | None = None, limit: int = 10) -> list[SearchHit]:
        """Entities whose name or alias matches, best first (see graph.search)."""

    def neighbours(self, node_id: str, *, depth: int = 1, where: PathFilter = NO_FILTER,
                   limit: int = DEFAULT_NEIGHBOUR_LIMIT) -> Subgraph:
        """The node and what lies within `depth` hops, capped at `limit` nodes; TimedOut past QUERY_SECONDS."""

    def paths(self, source_id: str, target_id: str, *, k: int = 1, max_length: int = DEFAULT_MAX_LENGTH,
              directed: bool = False, where: PathFilter = NO_FILTER) -> list[Path]:
        """Up to k shortest simple paths, shortest first, ties ordered by node ids; TimedOut past QUERY_SECONDS."""

    def stats(self) -> Stats:
        """Counts of nodes and relationships by label, type and evidence."""

    def close(self) -> None:
        """Release files or connections."""


T = TypeVar("T")


def handed_over(records: list[T]) -> Iterator[T]:
    """The items of `records` for `GraphStore.write`, emptying the list as the store takes them: the store then
    holds the only copy, and a big write's records are freed as it encodes them."""
    records.reverse()
    while records:
        yield records.pop()


def default_db_path() -> FilePath:
    """HILOS_DB, else the user's data folder (XDG_DATA_HOME or ~/.local/share)/hilos/graph.json."""
    if os.environ.get("HILOS_DB"):
        return FilePath(os.environ["HILOS_DB"]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or FilePath.home() / ".local" / "share"
    return FilePath(base) / "hilos" / "graph.json"


BACKENDS = ("embedded", "neo4j")


def default_backend() -> str:
    """Neo4j when NEO4J_URI is set, else the embedded store."""
    return "neo4j" if os.environ.get("NEO4J_URI") else "embedded"


def open_store(db: str | os.PathLike | None = None, backend: str | None = None) -> GraphStore:
    """Open a store: the embedded one at `db` (default `default_db_path()`) or Neo4j from NEO4J_* settings."""
    backend = backend or default_backend()
    if backend == "neo4j":
        from graph.settings import neo4j_settings
        from graph.store_neo4j import Neo4jStore

        return Neo4jStore.connect(neo4j_settings())
    if backend != "embedded":
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    from graph.store_networkx import EmbeddedStore

    return EmbeddedStore(FilePath(db) if db else default_db_path())
