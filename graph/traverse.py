"""Neighbourhoods and k shortest simple paths, vectorized over node numbers.

Paths: the k smallest simple paths by (length, node ids), as Neo4j's
`SHORTEST k GROUPS` sorted by ids gives them. A bidirectional breadth-first
search (always growing the side with fewer relationships to scan) finds the
distance; for each length from there, a depth-first walk in id order lists the
paths, and it only steps on nodes the two searches have reached at a distance
that still fits: the two balls are grown until their depths add up to the
length, so every node of a path lies in one of them and the walk never
leaves them. The path search reads the graph through a `Reach`,
so both stores run this same algorithm: the embedded store on its snapshot's
CSR adjacency (`SnapshotReach`), the Neo4j store one query per frontier
(graph.neo4j_paths). The walk reads its steps one position at a time for
all the nodes that can stand there, not node by node, so Neo4j answers a
walk in one query per position.

Both walks run on a time budget (graph.store.QUERY_SECONDS) and stop with
TimedOut when it is spent: the app serves every browser session from one
process, and a walk through a dense graph must not hold it for the others.
"""
from __future__ import annotations

from collections import deque
from typing import Iterator, Protocol

import numpy as np

from graph.snapshot import NO_YEAR, OTHER_YEAR, Snapshot
from graph.store import Budget, PathFilter

FORWARD, BACKWARD, BOTH = 1, -1, 0


class Rules:
    """A PathFilter compiled to the snapshot's codes, applied to whole arrays at once."""

    def __init__(self, snap: Snapshot, where: PathFilter, keep: tuple[int, ...] = ()) -> None:
        self.snap, self.where = snap, where
        self.types = np.array([i for i, t in enumerate(snap.types) if t in where.rel_types], dtype=np.uint16) \
            if where.rel_types else None
        self.evidence = np.array([i for i, e in enumerate(snap.evidence) if e in where.evidence], dtype=np.uint16) \
            if where.evidence else None
        self.years = np.array(sorted(y for y in where.fiscal_years if isinstance(y, int)), dtype=np.int64) \
            if where.fiscal_years else None
        self.labels = np.array([i for i, name in enumerate(snap.labels) if name in where.labels], dtype=np.uint16) \
            if where.labels else None
        avoid = [snap.number(node_id) for node_id in where.avoid]
        self.avoid = np.array([i for i in avoid if i >= 0], dtype=np.int32)
        self.keep = np.array(keep, dtype=np.int32)
        self.filters_edges = self.types is not None or self.evidence is not None or self.years is not None
        self.filters_nodes = self.labels is not None or len(self.avoid) > 0

    def edges_ok(self, edges: np.ndarray) -> np.ndarray:
        ok = np.ones(len(edges), dtype=bool)
        if self.types is not None:
            ok &= np.isin(self.snap.type_code[edges], self.types)
        if self.evidence is not None:
            ok &= np.isin(self.snap.evidence_code[edges], self.evidence)
        if self.years is not None:
            year = self.snap.year[edges]
            ok &= (year == NO_YEAR) | np.isin(year, self.years) | (year == OTHER_YEAR)
            for i in np.flatnonzero(ok & (year == OTHER_YEAR)).tolist():  # a year that is not an int
                ok[i] = self.where.edge_ok(self.snap.edge(int(edges[i])))
        return ok

    def nodes_ok(self, nodes: np.ndarray) -> np.ndarray:
        ok = np.ones(len(nodes), dtype=bool)
        if self.labels is not None:
            ok &= np.isin(self.snap.label_code[nodes], self.labels)
        if len(self.avoid):
            ok &= ~np.isin(nodes, self.avoid)
        if len(self.keep) and self.filters_nodes:
            ok |= np.isin(nodes, self.keep)
        return ok


def gather(snap: Snapshot, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(owner, neighbour, relationship) for every incident relationship of `nodes`, block by block."""
    starts, ends = snap.adj_off[nodes], snap.adj_off[nodes + 1]
    sizes = ends - starts
    total = int(sizes.sum())
    if not total:
        empty = np.zeros(0, dtype=np.int32)
        return empty, empty, empty
    shift = np.repeat(starts - np.concatenate([[0], np.cumsum(sizes)[:-1]]), sizes)
    index = shift + np.arange(total)
    return np.repeat(nodes, sizes), snap.adj_nbr[index], snap.adj_edge[index]


def hops(snap: Snapshot, rules: Rules, nodes: np.ndarray, direction: int) -> tuple[np.ndarray, np.ndarray]:
    """(owner, neighbour) pairs one allowed step away from `nodes` (no self-loops)."""
    owner, nbr, edge = gather(snap, nodes)
    ok = nbr != owner
    if direction == FORWARD:
        ok &= snap.src[edge] == owner
    elif direction == BACKWARD:
        ok &= snap.dst[edge] == owner
    if rules.filters_edges:
        ok &= rules.edges_ok(edge)
    if rules.filters_nodes:
        ok &= rules.nodes_ok(nbr)
    return owner[ok], nbr[ok]


class Reach(Protocol):
    """What the path search reads of a graph. Nodes are numbers from 0 to `size` (which may grow as steps
    meet new nodes); the order of the numbers is not the order of the ids."""

    @property
    def size(self) -> int:
        """One more than the biggest node number so far."""

    def steps(self, nodes: np.ndarray, direction: int,
              within: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(owner, neighbour) pairs, one per allowed step from `nodes` (no self-loops; repeats allowed),
        only to neighbours in `within` when given."""

    def cost(self, nodes: np.ndarray) -> int:
        """How many relationships growing a search from `nodes` scans (picks the side to grow)."""

    def in_id_order(self, nodes: np.ndarray) -> np.ndarray:
        """The distinct `nodes`, ordered by id."""


class SnapshotReach:
    """The embedded store's Reach: a snapshot's CSR adjacency under a filter (numbers are in id order)."""

    def __init__(self, snap: Snapshot, rules: Rules) -> None:
        self.snap, self.rules = snap, rules

    @property
    def size(self) -> int:
        return self.snap.n_nodes

    def steps(self, nodes: np.ndarray, direction: int,
              within: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        owner, nbr = hops(self.snap, self.rules, nodes, direction)
        if within is None:
            return owner, nbr
        inside = np.isin(nbr, within)
        return owner[inside], nbr[inside]

    def cost(self, nodes: np.ndarray) -> int:
        return int((self.snap.adj_off[nodes + 1] - self.snap.adj_off[nodes]).sum())

    def in_id_order(self, nodes: np.ndarray) -> np.ndarray:
        return np.unique(nodes)


class Ball:
    """One side of the bidirectional search: distances so far and the next layer to grow."""

    def __init__(self, reach: Reach, start: int, direction: int) -> None:
        self.reach, self.direction = reach, direction
        self.dist = np.full(max(reach.size, start + 1), -1, dtype=np.int32)
        self.dist[start] = 0
        self.frontier = np.array([start], dtype=np.int32)
        self.depth = 0

    @property
    def complete(self) -> bool:
        return not len(self.frontier)

    def cost(self) -> int:
        return self.reach.cost(self.frontier)

    def distances(self, nodes: np.ndarray) -> np.ndarray:
        """Each node's distance from this side's start, -1 where not reached (yet)."""
        if len(self.dist) < self.reach.size:  # the reach met nodes since: they are not in this ball
            grown = np.full(max(self.reach.size, 2 * len(self.dist)), -1, dtype=np.int32)
            grown[:len(self.dist)] = self.dist
            self.dist = grown
        return self.dist[nodes]

    def grow(self) -> np.ndarray:
        _, nbr = self.reach.steps(self.frontier, self.direction)
        nbr = np.asarray(nbr, dtype=np.int32)
        fresh = np.unique(nbr[self.distances(nbr) < 0])
        self.depth += 1
        self.dist[fresh] = self.depth
        self.frontier = fresh
        return fresh

    def bound(self, nodes: np.ndarray) -> np.ndarray:
        """A lower bound of each node's distance from this side's start (exact inside the ball)."""
        d = self.distances(nodes).astype(np.int64)
        unknown = d < 0
        d[unknown] = np.iinfo(np.int32).max if self.complete else self.depth + 1
        return d

    def reached(self) -> np.ndarray:
        """Every node in the ball."""
        self.distances(np.zeros(0, dtype=np.int32))
        return np.flatnonzero(self.dist >= 0)


def k_shortest(reach: Reach, source: int, target: int, k: int, max_length: int, directed: bool,
               budget: Budget | None = None) -> list[list[int]]:
    """Node-number lists of the k smallest simple paths by (length, ids), at most `max_length` long."""
    budget = budget or Budget()
    ahead = Ball(reach, source, FORWARD if directed else BOTH)
    behind = Ball(reach, target, BACKWARD if directed else BOTH)
    length = _distance(ahead, behind, max_length, budget)
    found: list[list[int]] = []
    while length is not None and length <= max_length and len(found) < k:
        while ahead.depth + behind.depth < length and not (ahead.complete and behind.complete):
            budget.check()
            _smaller(ahead, behind).grow()
        for path in _walk(reach, ahead, behind, source, target, length, FORWARD if directed else BOTH, budget):
            found.append(path)
            if len(found) == k:
                break
        length += 1
    return found


def _smaller(a: Ball, b: Ball) -> Ball:
    if a.complete:
        return b
    if b.complete:
        return a
    return a if a.cost() <= b.cost() else b


def _distance(ahead: Ball, behind: Ball, max_length: int, budget: Budget) -> int | None:
    """The length of the shortest path, or None when there is none within max_length."""
    while ahead.depth + behind.depth < max_length:
        budget.check()
        if ahead.complete or behind.complete:
            return None
        side = _smaller(ahead, behind)
        other = behind if side is ahead else ahead
        fresh = side.grow()
        met = fresh[other.distances(fresh) >= 0]
        if len(met):
            return int((ahead.distances(met) + behind.distances(met)).min())
    return None


def _layers(reach: Reach, ahead: Ball, behind: Ball, source: int, target: int, length: int,
            direction: int) -> list[dict[int, np.ndarray]]:
    """For each position of a path of `length` steps, the steps the walk may take from there, in id order.

    Layer i maps each node the walk can stand on at position i to its
    neighbours that fit position i + 1 (at most i + 1 steps from the source
    and length - i - 1 from the target, by the balls' bounds; the target only
    at the end). Those all lie in the balls, and each layer is one read.
    """
    reached = np.union1d(ahead.reached(), behind.reached())
    from_source, to_target = ahead.bound(reached), behind.bound(reached)
    layer = np.array([source], dtype=np.int64)
    layers: list[dict[int, np.ndarray]] = []
    for position in range(1, length + 1):
        if position == length:
            fits = np.array([target], dtype=np.int64)
        else:
            fits = reached[(from_source <= position) & (to_target <= length - position) & (reached != target)]
        owner, nbr = reach.steps(layer, direction, within=fits)
        layers.append(_in_id_order(reach, np.asarray(owner, dtype=np.int64), np.asarray(nbr, dtype=np.int64)))
        layer = np.unique(nbr).astype(np.int64)
        if not len(layer):
            break
    return layers


def _in_id_order(reach: Reach, owner: np.ndarray, nbr: np.ndarray) -> dict[int, np.ndarray]:
    """Each owner's distinct neighbours, in id order."""
    if not len(owner):
        return {}
    distinct = np.unique(nbr)
    rank = np.empty(len(distinct), dtype=np.int64)
    rank[np.searchsorted(distinct, reach.in_id_order(distinct))] = np.arange(len(distinct))
    key = rank[np.searchsorted(distinct, nbr)]
    order = np.lexsort((key, owner))
    owner, nbr, key = owner[order], nbr[order], key[order]
    keep = np.concatenate([[True], (owner[1:] != owner[:-1]) | (key[1:] != key[:-1])])
    owner, nbr = owner[keep], nbr[keep]
    starts = np.flatnonzero(np.concatenate([[True], owner[1:] != owner[:-1]]))
    return dict(zip(owner[starts].tolist(), np.split(nbr, starts[1:])))


def _walk(reach: Reach, ahead: Ball, behind: Ball, source: int, target: int, length: int, direction: int,
          budget: Budget) -> Iterator[list[int]]:
    """Every simple path of exactly `length` steps, in id order."""
    layers = _layers(reach, ahead, behind, source, target, length, direction)
    none = np.zeros(0, dtype=np.int64)
    path, on_path = [source], {source}

    def step(node: int) -> Iterator[list[int]]:
        budget.check()
        position = len(path)
        nbr = layers[position - 1].get(node, none)
        if position == length:
            if len(nbr):  # the last layer steps only to the target
                yield [*path, target]
            return
        for nxt in nbr.tolist():
            if nxt in on_path:
                continue
            path.append(nxt)
            on_path.add(nxt)
            yield from step(nxt)
            path.pop()
            on_path.discard(nxt)

    yield from step(source)


def hop_edge(snap: Snapshot, rules: Rules, a: int, b: int, directed: bool) -> int:
    """The first relationship by (type, source, target) joining a and b that passes the filter."""
    nbr, edges = snap.incident(a)
    lo, hi = np.searchsorted(nbr, b), np.searchsorted(nbr, b, side="right")
    edges = edges[lo:hi]
    if directed:
        edges = edges[snap.src[edges] == a]
    if rules.filters_edges:
        edges = edges[rules.edges_ok(edges)]
    order = np.lexsort((snap.dst[edges], snap.src[edges], snap.type_code[edges]))
    return int(edges[order[0]])


def neighbourhood(snap: Snapshot, rules: Rules, start: int, depth: int, limit: int,
                  budget: Budget | None = None) -> tuple[list[int], list[int], bool]:
    """(node numbers, relationship numbers, truncated): the breadth-first walk with its cap.

    Each node's neighbours are visited biggest amount first (of the joining
    relationships or the neighbour itself), then by name and id, so a capped
    view keeps what matters.
    """
    budget = budget or Budget()
    seen, queue, truncated = {start: 0}, deque([start]), False
    while queue:
        budget.check()
        current = queue.popleft()
        if seen[current] >= depth:
            continue
        for nbr in _ordered(snap, rules, current, limit + 1):  # the cap, and one more to know it truncates
            if nbr in seen:
                continue
            if len(seen) >= limit:
                truncated = True
                break
            seen[nbr] = seen[current] + 1
            queue.append(nbr)
    members = np.array(sorted(seen), dtype=np.int32)
    owner, nbr, edge = gather(snap, members)
    inside = np.isin(nbr, members) & (snap.src[edge] == owner)
    edges = edge[inside]
    if rules.filters_edges:
        edges = edges[rules.edges_ok(edges)]
    return members.tolist(), np.sort(edges).tolist(), truncated


def _ordered(snap: Snapshot, rules: Rules, node: int, wanted: int) -> list[int]:
    """The neighbours of `node` in visiting order; only the first `wanted` when there are more.

    The walk stops once the cap is reached, so a hub's hundred thousand
    neighbours are not all sorted: those at or above the wanted-th amount are.
    """
    nbr, edges = snap.incident(node)
    if not len(nbr):
        return []
    starts = np.flatnonzero(np.concatenate([[True], nbr[1:] != nbr[:-1]]))
    distinct = nbr[starts]
    amount = np.maximum(np.maximum.reduceat(snap.edge_amount[edges], starts), snap.amount[distinct])
    ok = distinct != node
    if rules.filters_edges:
        ok &= np.logical_or.reduceat(rules.edges_ok(edges), starts)
    if rules.filters_nodes:
        ok &= rules.nodes_ok(distinct)
    distinct, amount = distinct[ok], amount[ok]
    if wanted < len(distinct):
        least = np.partition(amount, len(amount) - wanted)[len(amount) - wanted]
        distinct, amount = distinct[amount >= least], amount[amount >= least]
    return distinct[np.lexsort((snap.name_order[distinct], -amount))].tolist()
