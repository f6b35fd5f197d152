"""Neighbourhoods and k shortest simple paths on a Snapshot, vectorized over its CSR adjacency.

Paths: the k smallest simple paths by (length, node ids), as Neo4j's
`SHORTEST k GROUPS` sorted by ids gives them. A bidirectional breadth-first
search (always growing the side with fewer relationships to scan) finds the
distance; for each length from there, a depth-first walk in id order lists the
paths, and it only steps on nodes the two searches have reached at a distance
that still fits: the two balls are grown until their depths add up to the
length, so every node of a path lies in one of them and the walk never leaves
them.

Both walks run on a time budget (graph.store.QUERY_SECONDS) and stop with
TimedOut when it is spent: the app serves every browser session from one
process, and a walk through a dense graph must not hold it for the others.
"""
from __future__ import annotations

from collections import deque
from typing import Iterator

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


class Ball:
    """One side of the bidirectional search: distances so far and the next layer to grow."""

    def __init__(self, snap: Snapshot, rules: Rules, start: int, direction: int) -> None:
        self.snap, self.rules, self.direction = snap, rules, direction
        self.dist = np.full(snap.n_nodes, -1, dtype=np.int32)
        self.dist[start] = 0
        self.frontier = np.array([start], dtype=np.int32)
        self.depth = 0

    @property
    def complete(self) -> bool:
        return not len(self.frontier)

    def cost(self) -> int:
        return int((self.snap.adj_off[self.frontier + 1] - self.snap.adj_off[self.frontier]).sum())

    def grow(self) -> np.ndarray:
        _, nbr = hops(self.snap, self.rules, self.frontier, self.direction)
        fresh = np.unique(nbr[self.dist[nbr] < 0])
        self.depth += 1
        self.dist[fresh] = self.depth
        self.frontier = fresh
        return fresh

    def bound(self, nodes: np.ndarray) -> np.ndarray:
        """A lower bound of each node's distance from this side's start (exact inside the ball)."""
        d = self.dist[nodes].astype(np.int64)
        unknown = d < 0
        d[unknown] = np.iinfo(np.int32).max if self.complete else self.depth + 1
        return d


def k_shortest(snap: Snapshot, source: int, target: int, k: int, max_length: int, directed: bool,
               rules: Rules, budget: Budget | None = None) -> list[list[int]]:
    """Node-number lists of the k smallest simple paths by (length, ids), at most `max_length` long."""
    budget = budget or Budget()
    ahead = Ball(snap, rules, source, FORWARD if directed else BOTH)
    behind = Ball(snap, rules, target, BACKWARD if directed else BOTH)
    length = _distance(ahead, behind, max_length, budget)
    found: list[list[int]] = []
    while length is not None and length <= max_length and len(found) < k:
        while ahead.depth + behind.depth < length and not (ahead.complete and behind.complete):
            budget.check()
            _smaller(ahead, behind).grow()
        for path in _walk(snap, rules, ahead, behind, source, target, length, FORWARD if directed else BOTH,
                          budget):
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
        met = fresh[other.dist[fresh] >= 0]
        if len(met):
            return int((ahead.dist[met] + behind.dist[met]).min())
    return None


def _walk(snap: Snapshot, rules: Rules, ahead: Ball, behind: Ball, source: int, target: int, length: int,
          direction: int, budget: Budget) -> Iterator[list[int]]:
    """Every simple path of exactly `length` steps, in id order."""
    path, on_path = [source], {source}

    def step(node: int) -> Iterator[list[int]]:
        budget.check()
        position = len(path)
        _, nbr = hops(snap, rules, np.array([node], dtype=np.int32), direction)
        nbr = np.unique(nbr)
        if position == length:
            if len(nbr) and np.any(nbr == target):
                yield [*path, target]
            return
        fits = (ahead.bound(nbr) <= position) & (behind.bound(nbr) <= length - position) & (nbr != target)
        for nxt in nbr[fits].tolist():
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
