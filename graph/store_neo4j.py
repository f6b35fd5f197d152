"""The Neo4j store: the GraphStore protocol on a real Neo4j 5 server, with the embedded store's answers.

Reads go through `driver.execute_query(..., routing_=READ)`; a write is
planned in Python and applied in chunks of managed write transactions, undone
as a whole if any chunk fails (graph.neo4j_write), so it is all or nothing. Every statement lives in
graph.cypher. Where Cypher and Python would disagree (string order is by UTF-16
units in Neo4j, casefolding, fuzzy scores), Cypher fetches the candidates and
the embedded store's own rules pick and order them in Python, so both stores
give identical answers.
"""
from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from neo4j import Driver, GraphDatabase, ManagedTransaction, Query, RoutingControl
from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired

from graph import cypher
from graph.errors import HilosError, StoreError, TimedOut
from graph.i18n import Message
from graph.model import Edge, Node, Path, Subgraph
from graph.neo4j_paths import Neo4jReach
from graph.neo4j_search import TYPO_CANDIDATES, fulltext_query, typo_query
from graph.neo4j_write import Held, Statement, apply, batches, edge_of, node_of, plan_write
from graph.search import WORDS, SearchHit, clip, rank
from graph.settings import Neo4jSettings
from graph.snapshot import Records
from graph.store import (DEFAULT_MAX_LENGTH, DEFAULT_NEIGHBOUR_LIMIT, NO_FILTER, Budget, PathFilter, Stats,
                         WriteResult)
from graph.text import fold
from graph.traverse import k_shortest

DEFAULT_BATCH_SIZE = 1000  # rows per UNWIND statement
# Rows per write transaction: a 100k-row load as one transaction outgrows the server's transaction memory,
# and a big transaction's state is copied by every young collection while it lives. For a 100k-row
# USAspending load (523k records) the server's collector took 10-22 s of CPU at 5,000 rows, 2-5 s at 1,000
# (its Bolt worker 16-19 s either way; 500 rows did no better).
DEFAULT_CHUNK_ROWS = 1000
# Up to this many nodes, typo search scores every name (exact, as the embedded store, and quick); above,
# the full-text index's fuzzy candidates (graph.neo4j_search, with its known gap).
SCAN_NODES = 20000
SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
TIMEOUT_CODES = ("Neo.ClientError.Transaction.TransactionTimedOut",
                 "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration")
# The driver logs each server notification as a warning: on a graph without some relationship type or
# property the store's own statements draw "does not exist" notes, a screenful on every CLI command's stderr.
# The console reads a query's notes from its summary, not from this log.
logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)


@dataclass
class _Shared:
    """One driver per server settings in this process, counted so the last close() ends it."""

    driver: Driver
    users: int = 0
    bootstrapped: bool = False


_pool: dict[Neo4jSettings, _Shared] = {}
_pool_lock = threading.Lock()


def safe_uri(uri: str) -> str:
    """The URI without any user:password@ part, fit for messages."""
    return re.sub(r"//[^@/]*@", "//", uri)


def _acquire(settings: Neo4jSettings) -> _Shared:
    scheme = settings.uri.split("://", 1)[0] if "://" in settings.uri else ""
    if scheme not in SCHEMES:
        raise StoreError(Message("store.neo4j_scheme", uri=repr(safe_uri(settings.uri))))
    if safe_uri(settings.uri) != settings.uri:  # the driver's own error would quote the password
        raise StoreError(Message("store.neo4j_credentials_in_uri", uri=repr(safe_uri(settings.uri))))
    with _pool_lock:
        shared = _pool.get(settings)
        if shared is None:
            try:
                driver = GraphDatabase.driver(settings.uri, auth=(settings.username, settings.password),
                                              connection_timeout=10, max_transaction_retry_time=15)
            except (ValueError, DriverError) as exc:
                raise StoreError(Message("store.neo4j_bad_uri", uri=repr(safe_uri(settings.uri)))) from exc
            shared = _pool[settings] = _Shared(driver)
        shared.users += 1
        return shared


def _release(settings: Neo4jSettings, shared: _Shared) -> None:
    with _pool_lock:
        shared.users -= 1
        if shared.users > 0:
            return
        if _pool.get(settings) is shared:
            del _pool[settings]
    shared.driver.close()


@contextmanager
def translated(settings: Neo4jSettings) -> Iterator[None]:
    """Turn driver and server errors into one-sentence StoreErrors (never showing the password)."""
    uri, database = safe_uri(settings.uri), settings.database
    try:
        yield
    except HilosError:
        raise
    except AuthError as exc:
        raise StoreError(Message("store.neo4j_auth", uri=uri, user=repr(settings.username))) from exc
    except (ServiceUnavailable, SessionExpired) as exc:
        raise StoreError(Message("store.neo4j_unreachable", uri=uri)) from exc
    except Neo4jError as exc:
        if exc.code in TIMEOUT_CODES:
            raise TimedOut(f"Neo4j at {uri} stopped the request at its time limit.") from exc
        if exc.code == "Neo.ClientError.Database.DatabaseNotFound":
            raise StoreError(Message("store.neo4j_no_database", uri=uri, database=repr(database))) from exc
        raise StoreError(Message("store.neo4j_refused", uri=uri, error=_first_line(exc.message or exc.code))) from exc
    except DriverError as exc:
        raise StoreError(Message("store.neo4j_driver", uri=uri, error=_first_line(str(exc)))) from exc


def _first_line(text: str | None) -> str:
    """A server message cut to one sentence-like line."""
    line = (text or "unknown error").strip().splitlines()[0].rstrip()
    return line if line.endswith((".", "?", "!")) else line + "."


def run_all(tx: ManagedTransaction, statements: list[Statement]) -> None:
    """Run statements in one transaction (a chunk of a write, or of its undoing)."""
    for statement, rows in statements:
        tx.run(statement, {"rows": rows}).consume()


def _light_node(node_id: str, label: str, **props: Any) -> Node:
    """A node holding only what a query returned (None means absent, as in the embedded store)."""
    return Node(node_id, label, {key: value for key, value in props.items() if value is not None})


def _edge_order(edge: Edge) -> tuple[str, str, str]:
    return (edge.type, edge.source, edge.target)


def _filter_params(where: PathFilter) -> dict[str, list[Any]]:
    """A PathFilter as the parameters of the Cypher filters (graph.cypher)."""
    return {"rel_types": sorted(where.rel_types), "evidence": sorted(where.evidence),
            "fiscal_years": sorted(where.fiscal_years), "labels": sorted(where.labels), "avoid": sorted(where.avoid)}


class Neo4jStore:
    """GraphStore on a Neo4j 5 server; open it with `Neo4jStore.connect(settings)`."""

    def __init__(self, shared: _Shared, settings: Neo4jSettings, batch_size: int, chunk_rows: int) -> None:
        self._shared, self.settings, self.batch_size, self.chunk_rows = shared, settings, batch_size, chunk_rows
        self.driver = shared.driver
        self.database = settings.database

    @classmethod
    def connect(cls, settings: Neo4jSettings, *, batch_size: int = DEFAULT_BATCH_SIZE,
                chunk_rows: int = DEFAULT_CHUNK_ROWS) -> Neo4jStore:
        """Reuse this process's driver for `settings`, check the server answers, bootstrap the schema once.

        `batch_size` rows go in one statement, about `chunk_rows` in one write transaction.
        """
        if batch_size < 1 or chunk_rows < 1:
            raise ValueError(f"batch_size and chunk_rows must be at least 1, not {batch_size} and {chunk_rows}")
        store = cls(_acquire(settings), settings, batch_size, chunk_rows)
        try:
            with translated(settings):
                store.driver.verify_connectivity()
            if not store._shared.bootstrapped:
                store.bootstrap()
        except BaseException:
            store.close()
            raise
        return store

    def close(self) -> None:
        """Let go of the shared driver; the last store to close it ends it."""
        if self._shared is not None:
            _release(self.settings, self._shared)
            self._shared = None

    # -- schema and housekeeping --------------------------------------------
    def bootstrap(self) -> None:
        """Create the constraints and indexes if missing (idempotent) and wait until they are online.

        A full-text index made with other options (an older Hilos) is dropped and made again.
        """
        with translated(self.settings):
            indexes = self.driver.execute_query(cypher.SHOW_INDEXES, database_=self.database,
                                                routing_=RoutingControl.READ).records
            online = {record["name"] for record in indexes if record["state"] == "ONLINE"}
            stale = any(record["name"] == cypher.FULLTEXT_INDEX
                        and record["options"]["indexConfig"] != cypher.FULLTEXT_CONFIG for record in indexes)
            if stale:
                self.driver.execute_query(cypher.DROP_FULLTEXT, database_=self.database)
            if stale or not cypher.schema_names() <= online:  # a cold start on a ready server skips ~30 round trips
                for statement in cypher.schema_statements():
                    self.driver.execute_query(statement, database_=self.database)
                self.driver.execute_query(cypher.AWAIT_INDEXES, database_=self.database)
        self._shared.bootstrapped = True

    def clear(self, *, schema: bool = False) -> None:
        """Delete every node and relationship (tests); with schema=True drop Hilos's constraints and indexes too."""
        with translated(self.settings):
            with self.driver.session(database=self.database,
                                     bookmark_manager=self.driver.execute_query_bookmark_manager) as session:
                for statement in cypher.CLEAR:  # auto-commit: each deletes in transactions of its own
                    session.run(statement).consume()
                session.run(cypher.AWAIT_SEARCH).consume()
            if schema:
                for statement in cypher.drop_schema_statements():
                    self.driver.execute_query(statement, database_=self.database)
                self._shared.bootstrapped = False

    def _rows(self, statement: str, /, budget: Budget | None = None, **params: Any) -> list[Any]:
        """The `rows` list of a read statement (see graph.cypher: one record per read).

        With a budget, the server ends the transaction when the budget's time is up.
        """
        query = Query(statement, timeout=budget.remaining()) if budget else statement
        with translated(self.settings):
            records = self.driver.execute_query(query, params, database_=self.database,
                                                routing_=RoutingControl.READ).records
        return records[0]["rows"]

    # -- writing -----------------------------------------------------------
    def write(self, nodes: Iterable[Node], edges: Iterable[Edge], fresh: Records | None = None) -> WriteResult:
        """Plan with the embedded store's merge rules, then apply in chunked transactions (see graph.neo4j_write)."""
        nodes, edges = list(nodes), list(edges)
        fresh = fresh or Records()
        node_parts, edge_parts = fresh.node_parts[:], fresh.edge_parts[:]  # created as they are, not planned
        fresh.node_parts.clear()
        fresh.edge_parts.clear()
        nodes += fresh.nodes()
        edges += fresh.edges()
        unknown = ({node.label for node in nodes} | {part.label for part in node_parts}) - set(cypher.SCHEMA_LABELS)
        unknown |= ({edge.type for edge in edges} | {part.type for part in edge_parts}) - set(cypher.REL_TYPES)
        if unknown:
            raise StoreError(f"cannot write to Neo4j: {', '.join(sorted(unknown))} is not in the declared schema")
        fresh_ids = frozenset(node_id for part in node_parts for node_id in part.ids.to_pylist())
        with translated(self.settings):
            try:
                plan = plan_write(nodes, edges, self._read_batches, Held.of(self._rows(cypher.HELD_COUNTS)),
                                  fresh_ids)
            except LookupError as exc:
                raise StoreError(f"relationship {exc.args[0]} points to an unknown node") from None
            plan.add_parts(node_parts, edge_parts)
            with self.driver.session(database=self.database,
                                     bookmark_manager=self.driver.execute_query_bookmark_manager) as session:
                try:
                    apply(plan, lambda statements: session.execute_write(run_all, statements),
                          self.batch_size, self.chunk_rows)
                except BaseException:
                    with suppress(Neo4jError, DriverError):  # search sees the undoing; the failure goes on
                        session.run(cypher.AWAIT_SEARCH).consume()
                    raise
                session.run(cypher.AWAIT_SEARCH).consume()  # search sees the whole write when write() returns
        return plan.result

    def _read_batches(self, statement: str, name: str, values: list[Any]) -> list[Any]:
        """The `rows` of a read statement over `values`, one batch at a time."""
        rows: list[Any] = []
        for batch in batches(values, self.batch_size):
            rows += self._rows(statement, **{name: list(batch)})
        return rows

    # -- reading -----------------------------------------------------------
    def get(self, node_id: str) -> Node | None:
        rows = self._rows(cypher.NODE_BY_ID, id=node_id)
        return node_of(rows[0]) if rows else None

    def _nodes_by_id(self, ids: Iterable[str], budget: Budget | None = None) -> dict[str, Node]:
        rows = self._rows(cypher.EXISTING_NODES, budget, ids=list(dict.fromkeys(ids)))
        return {node.id: node for node in map(node_of, rows)}

    def nodes(self, label: str | None = None) -> Iterator[Node]:
        if label is not None and label not in cypher.SCHEMA_LABELS:
            return iter(())
        rows = self._rows(cypher.nodes_of(label or cypher.ENTITY))
        return iter(sorted(map(node_of, rows), key=lambda node: node.id))

    def edges(self) -> Iterator[Edge]:
        return iter(sorted(map(edge_of, self._rows(cypher.ALL_EDGES)), key=lambda edge: edge.key))

    def edges_of(self, node_id: str) -> list[Edge]:
        return sorted(map(edge_of, self._rows(cypher.EDGES_OF, id=node_id)), key=_edge_order)

    def relationship_counts(self, node_id: str) -> dict[tuple[str, bool], int]:
        return {(rel_type, outgoing): count for rel_type, outgoing, count in
                self._rows(cypher.RELATIONSHIP_COUNTS, id=node_id)}

    def search(self, text: str, *, labels: Iterable[str] | None = None, limit: int = 10) -> list[SearchHit]:
        """Every WORDS-or-better candidate from the full-text index; fuzzy-term candidates when those are too few.

        Both sets are ranked by graph.search.rank, as on the embedded store (see graph.neo4j_search).
        """
        text = clip(text)
        if not fold(text):
            return []
        labels = sorted(labels) if labels else []
        if limit < 0:  # rank's slicing rules for a negative limit: score every name
            hits = rank(text, self._names(cypher.SEARCH_SCAN, labels=labels), labels=labels, limit=limit)
        else:
            candidates = self._names(cypher.SEARCH_FULLTEXT, query=fulltext_query(text), labels=labels,
                                     cap=cypher.NO_CAP)
            hits = rank(text, candidates, labels=labels, limit=len(candidates))
            if sum(hit.score >= WORDS for hit in hits) < limit:
                hits = rank(text, self._typo_candidates(text, labels, candidates), labels=labels, limit=limit)
            hits = hits[:limit]
        full = self._nodes_by_id(hit.node.id for hit in hits)
        return [SearchHit(full[hit.node.id], hit.score, hit.matched) for hit in hits]

    def _typo_candidates(self, text: str, labels: list[str], candidates: list[Node]) -> list[Node]:
        """Every name on a small graph (exact, and cheap there); else the index's fuzzy candidates too."""
        if self._rows(cypher.COUNT_NODES)[0] <= SCAN_NODES:
            return self._names(cypher.SEARCH_SCAN, labels=labels)
        found = {node.id for node in candidates}
        return candidates + [node for node in self._names(cypher.SEARCH_FULLTEXT, query=typo_query(text),
                                                          labels=labels, cap=TYPO_CANDIDATES)
                             if node.id not in found]

    def _names(self, statement: str, **params: Any) -> list[Node]:
        return [_light_node(node_id, label, name=name, aliases=aliases, **identifiers)
                for node_id, label, name, aliases, identifiers in self._rows(statement, **params)]

    def stats(self) -> Stats:
        by_label = dict(self._rows(cypher.COUNT_LABELS))
        by_type: Counter[str] = Counter()
        by_evidence: Counter[str] = Counter()
        for type_name, evidence, count in self._rows(cypher.COUNT_TYPES):
            by_type[type_name] += count
            by_evidence[evidence] += count
        return Stats(nodes=sum(by_label.values()), relationships=sum(by_type.values()),
                     by_label=dict(sorted(by_label.items())), by_type=dict(sorted(by_type.items())),
                     by_evidence=dict(sorted(by_evidence.items())))

    # -- traversal ---------------------------------------------------------
    def paths(self, source_id: str, target_id: str, *, k: int = 1, max_length: int = DEFAULT_MAX_LENGTH,
              directed: bool = False, where: PathFilter = NO_FILTER) -> list[Path]:
        """The embedded store's search (graph.traverse), reading the server one frontier per query."""
        if source_id == target_id or k < 1 or max_length < 1:
            return []
        budget = Budget()
        reach = Neo4jReach(lambda statement, **params: self._rows(statement, budget, **params),
                           {**_filter_params(where), "keep": [source_id, target_id]})
        source, target = reach.find([source_id, target_id])
        if source < 0 or target < 0:
            return []
        found = [[reach.ids[i] for i in numbers]
                 for numbers in k_shortest(reach, source, target, k, max_length, directed, budget)]
        if not found:
            return []
        pairs = list(dict.fromkeys(pair for ids in found for pair in zip(ids, ids[1:])))
        between: dict[frozenset[str], list[Edge]] = {}
        for edge in map(edge_of, self._rows(cypher.EDGES_BETWEEN, budget, pairs=[list(pair) for pair in pairs])):
            between.setdefault(frozenset((edge.source, edge.target)), []).append(edge)
        nodes = self._nodes_by_id((node_id for ids in found for node_id in ids), budget)
        return [Path(tuple(nodes[i] for i in ids),
                     tuple(self._hop_edge(between, a, b, where, directed) for a, b in zip(ids, ids[1:])))
                for ids in found]

    @staticmethod
    def _hop_edge(between: dict[frozenset[str], list[Edge]], a: str, b: str, where: PathFilter,
                  directed: bool) -> Edge:
        """The embedded store's choice: the first edge by (type, source, target) that passes the filter."""
        edges = sorted({e.key: e for e in between[frozenset((a, b))]}.values(), key=_edge_order)
        return next(e for e in edges if where.edge_ok(e) and (not directed or e.source == a))

    def neighbours(self, node_id: str, *, depth: int = 1, where: PathFilter = NO_FILTER,
                   limit: int = DEFAULT_NEIGHBOUR_LIMIT) -> Subgraph:
        """The embedded store's breadth-first walk and cap, one Cypher query per level."""
        if self.get(node_id) is None:
            return Subgraph((), ())
        budget = Budget()
        seen, frontier, truncated = {node_id: 0}, [node_id], False
        for level in range(1, depth + 1):
            if not frontier or truncated:
                break
            adjacency = self._adjacency(frontier, where, limit + 1, budget)
            next_frontier: list[str] = []
            for current in frontier:
                for nbr in adjacency.get(current, []):
                    if nbr.id in seen:
                        continue
                    if len(seen) >= limit:
                        truncated = True
                        break
                    seen[nbr.id] = level
                    next_frontier.append(nbr.id)
            frontier = next_frontier
        nodes = self._nodes_by_id(seen, budget)
        edges = sorted((e for e in map(edge_of, self._rows(cypher.EDGES_AMONG, budget, ids=list(seen)))
                        if where.edge_ok(e)), key=lambda edge: edge.key)
        return Subgraph(tuple(nodes[i] for i in sorted(seen)), tuple(edges), truncated)

    def _adjacency(self, frontier: list[str], where: PathFilter, wanted: int,
                   budget: Budget) -> dict[str, list[Node]]:
        """For each frontier node, its `wanted` first neighbours that pass the filter, in visiting order.

        As on the embedded store: biggest amount first (of the joining relationships or the neighbour), then
        name, then id; the server filters and keeps the biggest, Python orders (casefold is Python's).
        """
        adjacency: dict[str, list[Node]] = {}
        rows = self._rows(cypher.NEIGHBOURS_OF, budget, ids=frontier, wanted=wanted, **_filter_params(where))
        for current, found in rows:
            entries = [(_light_node(nbr_id, label, name=name), amount) for nbr_id, label, name, amount in found]
            entries.sort(key=lambda entry: (-entry[1], entry[0].name.casefold(), entry[0].id))
            adjacency[current] = [nbr for nbr, _amount in entries]
        return adjacency
