"""The path search's Reach on a Neo4j server: graph.traverse runs the search, this reads one frontier per query.

Node ids are numbered in the order the search meets them (graph.traverse
works on numbers); each query is one parametrized read of graph.cypher with
the filter of the request, so the Neo4j store and the embedded store run the
same search and give the same paths by construction.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

import numpy as np

from graph import cypher
from graph.traverse import BACKWARD, BOTH, FORWARD

Read = Callable[..., list[Any]]  # (statement, **parameters) -> the statement's rows
DIRECTIONS = {FORWARD: "out", BACKWARD: "in", BOTH: "both"}
_STATEMENTS = {direction: cypher.path_steps(name) for direction, name in DIRECTIONS.items()}


class Neo4jReach:
    """graph.traverse.Reach over `read`, with the filter `params` (graph.cypher's path parameters)."""

    def __init__(self, read: Read, params: dict[str, Any]) -> None:
        self.read, self.params = read, params
        self.ids: list[str] = []
        self._numbers: dict[str, int] = {}
        self._degrees: list[int] = []
        self._steps: dict[int, dict[int, np.ndarray]] = {direction: {} for direction in DIRECTIONS}

    @property
    def size(self) -> int:
        return len(self.ids)

    def find(self, ids: Iterable[str]) -> list[int]:
        """The numbers of these nodes, -1 for those the server does not hold."""
        ids = list(ids)
        for node_id, degree in self.read(cypher.PATH_ENDS, ids=ids):
            self._number(node_id, degree)
        return [self._numbers.get(node_id, -1) for node_id in ids]

    def _number(self, node_id: str, degree: int) -> int:
        number = self._numbers.get(node_id)
        if number is None:
            number = self._numbers[node_id] = len(self.ids)
            self.ids.append(node_id)
            self._degrees.append(degree)
        return number

    def steps(self, nodes: np.ndarray, direction: int,
              within: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """One read of the server for the nodes not read before in this direction; the others' steps
        (read when a search grew from them) are filtered here."""
        cache = self._steps[direction]
        numbers = nodes.tolist()
        read = self._read_steps([i for i in numbers if i not in cache], direction, within)
        if within is None:
            cache.update(read)
        steps = {i: read[i] if i in read else cache[i] for i in numbers}
        owner = np.repeat(np.array(list(steps), dtype=np.int32), [len(found) for found in steps.values()])
        nbr = np.concatenate(list(steps.values())) if steps else np.zeros(0, dtype=np.int32)
        if within is not None:  # the server filtered what it read; the cached steps are filtered here
            inside = np.isin(nbr, within)
            owner, nbr = owner[inside], nbr[inside]
        return owner, nbr

    def _read_steps(self, nodes: list[int], direction: int, within: np.ndarray | None) -> dict[int, np.ndarray]:
        """Each node's allowed neighbours, from the server (nodes without any included)."""
        if not nodes:
            return {}
        ids = self.ids
        rows = self.read(_STATEMENTS[direction], ids=[ids[i] for i in nodes],
                         within=None if within is None else [ids[i] for i in within.tolist()], **self.params)
        found = {i: np.zeros(0, dtype=np.int32) for i in nodes}
        for current, steps in rows:
            found[self._numbers[current]] = np.array([self._number(node_id, degree) for node_id, degree in steps],
                                                     dtype=np.int32)
        return found

    def cost(self, nodes: np.ndarray) -> int:
        degrees = self._degrees
        return sum(degrees[i] for i in nodes.tolist())

    def in_id_order(self, nodes: np.ndarray) -> np.ndarray:
        return np.array(sorted(set(nodes.tolist()), key=self.ids.__getitem__), dtype=np.int64)
