"""The Neo4j store: the GraphStore protocol on a real Neo4j 5 server, with the embedded store's answers.

Reads go through `driver.execute_query(..., routing_=READ)`; a write is one
managed write transaction, so it is all or nothing. Every statement lives in
graph.cypher. Where Cypher and Python would disagree (string order is by UTF-16
units in Neo4j, casefolding, fuzzy scores), Cypher fetches the candidates and
the embedded store's own rules pick and order them in Python, so both stores
give identical answers.
"""
from __future__ import annotations

import re
import threading
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Sequence

from neo4j import Driver, GraphDatabase, ManagedTransaction, Query, RoutingControl
from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired

from graph import cypher
from graph.errors import HilosError, StoreError, TimedOut
from graph.merge import changes, merge_edge, merge_node, write_result
from graph.model import Edge, Node, Path, Subgraph
from graph.search import WORDS, SearchHit, clip, names_of, rank
from graph.settings import Neo4jSettings
from graph.store import (DEFAULT_MAX_LENGTH, DEFAULT_NEIGHBOUR_LIMIT, NO_FILTER, Budget, PathFilter, Stats,
                         WriteResult)
from graph.text import compact, fold

DEFAULT_BATCH_SIZE = 2000
SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
TIMEOUT_CODES = ("Neo.ClientError.Transaction.TransactionTimedOut",
                 "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration")


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
        raise StoreError(f"NEO4J_URI {safe_uri(settings.uri)!r} is not a Neo4j address: "
                         "it must start with bolt:// or neo4j://.")
    if safe_uri(settings.uri) != settings.uri:  # the driver's own error would quote the password
        raise StoreError(f"NEO4J_URI {safe_uri(settings.uri)!r} must not hold a user or password: "
                         "set NEO4J_USERNAME and NEO4J_PASSWORD instead.")
    with _pool_lock:
        shared = _pool.get(settings)
        if shared is None:
            try:
                driver = GraphDatabase.driver(settings.uri, auth=(settings.username, settings.password),
                                              connection_timeout=10, max_transaction_retry_time=15)
            except (ValueError, DriverError) as exc:
                raise StoreError(f"NEO4J_URI {safe_uri(settings.uri)!r} is not a valid Neo4j address.") from exc
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
        raise StoreError(f"Neo4j at {uri} refused the user {settings.username!r} or its password "
                         "(check NEO4J_USERNAME and NEO4J_PASSWORD).") from exc
    except (ServiceUnavailable, SessionExpired) as exc:
        raise StoreError(f"Cannot reach Neo4j at {uri}: "
                         "check that the server is running and NEO4J_URI is right.") from exc
    except Neo4jError as exc:
        if exc.code in TIMEOUT_CODES:
            raise TimedOut(f"Neo4j at {uri} stopped the request at its time limit.") from exc
        if exc.code == "Neo.ClientError.Database.DatabaseNotFound":
            raise StoreError(f"Neo4j at {uri} has no database named {database!r} (check NEO4J_DATABASE).") from exc
        raise StoreError(f"Neo4j at {uri} refused the request: {_first_line(exc.message or exc.code)}") from exc
    except DriverError as exc:
        raise StoreError(f"The Neo4j driver failed talking to {uri}: {_first_line(str(exc))}") from exc


def _first_line(text: str | None) -> str:
    """A server message cut to one sentence-like line."""
    line = (text or "unknown error").strip().splitlines()[0].rstrip()
    return line if line.endswith((".", "?", "!")) else line + "."


def search_keys(node: Node) -> str:
    """Every folded word and the compact form of each name and alias, for the full-text index."""
    keys: list[str] = []
    for name in names_of(node):
        keys += [*fold(name).split(), compact(name)]
    return " ".join(dict.fromkeys(key for key in keys if key))


def fulltext_query(text: str) -> str:
    """A Lucene query that finds every node `graph.search.score` rates WORDS or better.

    Query words must each start a word of one name (`acme* AND da*`), or the
    whole query must equal a name without spaces (`toolsa`). Folded text holds
    only [0-9a-z ], so nothing needs escaping and no word is an operator.
    """
    parts = fold(text).split()
    return f"({' AND '.join(part + '*' for part in parts)}) OR {compact(text)}"


def _batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _node(row: list[Any]) -> Node:
    """A node from a [properties, labels] row."""
    props, labels = row
    node_id = props.pop("id")
    props.pop(cypher.SEARCH_KEYS, None)
    return Node(node_id, next(name for name in labels if name != cypher.ENTITY), props)


def _edge(row: list[Any]) -> Edge:
    """An edge from a [source, type, target, properties] row."""
    source, type_name, target, props = row
    return Edge(source, type_name, target, props)


def _light_node(node_id: str, label: str, **props: Any) -> Node:
    """A node holding only what a query returned (None means absent, as in the embedded store)."""
    return Node(node_id, label, {key: value for key, value in props.items() if value is not None})


def _light_edge(row: dict[str, Any]) -> Edge:
    props = {key: value for key, value in row.items() if key not in ("source", "type", "target") and value is not None}
    return Edge(row["source"], row["type"], row["target"], props)


def _edge_order(edge: Edge) -> tuple[str, str, str]:
    return (edge.type, edge.source, edge.target)


def _neighbour_order(entry: tuple[Node, list[Edge]]) -> tuple:
    """As the embedded store: biggest amount first (edges or node), then name, then id."""
    nbr, between = entry
    amounts = [edge.properties.get("amount_usd") or 0 for edge in between]
    amounts.append(nbr.properties.get("amount_usd") or 0)
    return (-max(amounts), nbr.name.casefold(), nbr.id)


class Neo4jStore:
    """GraphStore on a Neo4j 5 server; open it with `Neo4jStore.connect(settings)`."""

    def __init__(self, shared: _Shared, settings: Neo4jSettings, batch_size: int) -> None:
        self._shared, self.settings, self.batch_size = shared, settings, batch_size
        self.driver = shared.driver
        self.database = settings.database

    @classmethod
    def connect(cls, settings: Neo4jSettings, *, batch_size: int = DEFAULT_BATCH_SIZE) -> Neo4jStore:
        """Reuse this process's driver for `settings`, check the server answers, bootstrap the schema once."""
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        store = cls(_acquire(settings), settings, batch_size)
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
        """Create the constraints and indexes if missing (idempotent) and wait until they are online."""
        with translated(self.settings):
            for statement in cypher.schema_statements():
                self.driver.execute_query(statement, database_=self.database)
            self.driver.execute_query(cypher.AWAIT_INDEXES, database_=self.database)
        self._shared.bootstrapped = True

    def clear(self, *, schema: bool = False) -> None:
        """Delete every node and relationship (tests); with schema=True drop Hilos's constraints and indexes too."""
        with translated(self.settings):
            self.driver.execute_query(cypher.CLEAR, database_=self.database)
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
    def write(self, nodes: Iterable[Node], edges: Iterable[Edge]) -> WriteResult:
        nodes, edges = list(nodes), list(edges)
        unknown = ({node.label for node in nodes} - set(cypher.SCHEMA_LABELS)) | (
            {edge.type for edge in edges} - set(cypher.REL_TYPES))
        if unknown:
            raise StoreError(f"cannot write to Neo4j: {', '.join(sorted(unknown))} is not in the declared schema")
        with translated(self.settings):
            with self.driver.session(database=self.database,
                                     bookmark_manager=self.driver.execute_query_bookmark_manager) as session:
                return session.execute_write(self._write_tx, nodes, edges)

    def _fetch(self, tx: ManagedTransaction, statement: str, name: str, values: list[Any]) -> list[Any]:
        """The `rows` of a read statement run inside the write transaction, one batch of `values` at a time."""
        rows: list[Any] = []
        for batch in _batches(values, self.batch_size):
            rows += tx.run(statement, {name: list(batch)}).single(strict=True)["rows"]
        return rows

    def _write_tx(self, tx: ManagedTransaction, nodes: list[Node], edges: list[Edge]) -> WriteResult:
        """Read what exists, merge in Python with the embedded store's rules, write only what changed."""
        ids = list(dict.fromkeys(node.id for node in nodes))
        current = {node.id: node for node in map(_node, self._fetch(tx, cypher.EXISTING_NODES, "ids", ids))}
        node_changes = changes(nodes, lambda node: node.id, current.get, merge_node)
        known = set(current) | set(node_changes.records)
        ends = list(dict.fromkeys(end for edge in edges for end in (edge.source, edge.target) if end not in known))
        known |= set(self._fetch(tx, cypher.EXISTING_IDS, "ids", ends))
        dangling = next((e for e in edges if e.source not in known or e.target not in known), None)
        if dangling:
            raise StoreError(f"relationship {dangling.key} points to an unknown node")
        keys = [list(key) for key in dict.fromkeys(edge.key for edge in edges)]
        current_edges = {edge.key: edge for edge in map(_edge, self._fetch(tx, cypher.EXISTING_EDGES, "keys", keys))}
        edge_changes = changes(edges, lambda edge: edge.key, current_edges.get, merge_edge)
        self._merge_nodes(tx, list(node_changes.records.values()))
        self._merge_edges(tx, list(edge_changes.records.values()))
        return write_result(node_changes, edge_changes)

    def _merge_nodes(self, tx: ManagedTransaction, nodes: list[Node]) -> None:
        for label_name in sorted({node.label for node in nodes}):
            rows = [{**node.properties, "id": node.id, cypher.SEARCH_KEYS: search_keys(node)}
                    for node in nodes if node.label == label_name]
            for batch in _batches(rows, self.batch_size):
                tx.run(cypher.merge_nodes(label_name), {"rows": list(batch)}).consume()

    def _merge_edges(self, tx: ManagedTransaction, edges: list[Edge]) -> None:
        for type_name in sorted({edge.type for edge in edges}):
            rows = [{"source": e.source, "target": e.target, "properties": dict(e.properties)}
                    for e in edges if e.type == type_name]
            for batch in _batches(rows, self.batch_size):
                tx.run(cypher.merge_edges(type_name), {"rows": list(batch)}).consume()

    # -- reading -----------------------------------------------------------
    def get(self, node_id: str) -> Node | None:
        rows = self._rows(cypher.NODE_BY_ID, id=node_id)
        return _node(rows[0]) if rows else None

    def _nodes_by_id(self, ids: Iterable[str], budget: Budget | None = None) -> dict[str, Node]:
        rows = self._rows(cypher.EXISTING_NODES, budget, ids=list(dict.fromkeys(ids)))
        return {node.id: node for node in map(_node, rows)}

    def nodes(self, label: str | None = None) -> Iterator[Node]:
        if label is not None and label not in cypher.SCHEMA_LABELS:
            return iter(())
        rows = self._rows(cypher.nodes_of(label or cypher.ENTITY))
        return iter(sorted(map(_node, rows), key=lambda node: node.id))

    def edges(self) -> Iterator[Edge]:
        return iter(sorted(map(_edge, self._rows(cypher.ALL_EDGES)), key=lambda edge: edge.key))

    def edges_of(self, node_id: str) -> list[Edge]:
        return sorted(map(_edge, self._rows(cypher.EDGES_OF, id=node_id)), key=_edge_order)

    def relationship_counts(self, node_id: str) -> dict[tuple[str, bool], int]:
        return {(rel_type, outgoing): count for rel_type, outgoing, count in
                self._rows(cypher.RELATIONSHIP_COUNTS, id=node_id)}

    def search(self, text: str, *, labels: Iterable[str] | None = None, limit: int = 10) -> list[SearchHit]:
        """Full-text candidates hold every WORDS-or-better match; typo matches need every name, as embedded."""
        text = clip(text)
        if not fold(text):
            return []
        labels = sorted(labels) if labels else []
        candidates = self._names(cypher.SEARCH_FULLTEXT, query=fulltext_query(text), labels=labels)
        hits = rank(text, candidates, labels=labels, limit=len(candidates))
        if not 0 <= limit <= sum(hit.score >= WORDS for hit in hits):
            hits = rank(text, self._names(cypher.SEARCH_SCAN, labels=labels), labels=labels, limit=limit)
        hits = hits[:limit]
        full = self._nodes_by_id(hit.node.id for hit in hits)
        return [SearchHit(full[hit.node.id], hit.score, hit.matched) for hit in hits]

    def _names(self, statement: str, **params: Any) -> list[Node]:
        return [_light_node(node_id, label, name=name, aliases=aliases)
                for node_id, label, name, aliases in self._rows(statement, **params)]

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
        if source_id == target_id or k < 1 or max_length < 1:
            return []
        # The k shortest length groups hold every simple path up to the k-th shortest's length.
        budget = Budget()
        statement = cypher.shortest_paths(k, min(max_length, cypher.MAX_PATH_LENGTH), directed)
        rows = self._rows(statement, budget, source=source_id, target=target_id, rel_types=sorted(where.rel_types),
                          evidence=sorted(where.evidence), fiscal_years=sorted(where.fiscal_years),
                          labels=sorted(where.labels), avoid=sorted(where.avoid))
        found = sorted(map(tuple, rows), key=lambda ids: (len(ids), ids))[:k]
        if not found:
            return []
        pairs = list(dict.fromkeys(pair for ids in found for pair in zip(ids, ids[1:])))
        between: dict[frozenset[str], list[Edge]] = {}
        for edge in map(_edge, self._rows(cypher.EDGES_BETWEEN, budget, pairs=[list(pair) for pair in pairs])):
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
            adjacency = self._adjacency(frontier, budget)
            next_frontier: list[str] = []
            for current in frontier:
                for nbr, edges in sorted(adjacency.get(current, []), key=_neighbour_order):
                    if nbr.id in seen or not where.node_ok(nbr) or not any(map(where.edge_ok, edges)):
                        continue
                    if len(seen) >= limit:
                        truncated = True
                        break
                    seen[nbr.id] = level
                    next_frontier.append(nbr.id)
            frontier = next_frontier
        nodes = self._nodes_by_id(seen, budget)
        edges = sorted((e for e in map(_edge, self._rows(cypher.EDGES_AMONG, budget, ids=list(seen))) if where.edge_ok(e)),
                       key=lambda edge: edge.key)
        return Subgraph(tuple(nodes[i] for i in sorted(seen)), tuple(edges), truncated)

    def _adjacency(self, frontier: list[str], budget: Budget) -> dict[str, list[tuple[Node, list[Edge]]]]:
        """For each frontier node: each neighbour (id, label, name, amount) and every edge joining them."""
        adjacency: dict[str, list[tuple[Node, list[Edge]]]] = {}
        for current, nbr_id, label, name, amount, edges in self._rows(cypher.NEIGHBOURS_OF, budget, ids=frontier):
            nbr = _light_node(nbr_id, label, name=name, amount_usd=amount)
            unique = {(e["source"], e["type"], e["target"]): _light_edge(e) for e in edges}
            adjacency.setdefault(current, []).append((nbr, list(unique.values())))
        return adjacency
