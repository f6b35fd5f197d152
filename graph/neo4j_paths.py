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
        ids = self.ids
        rows = self.read(_STATEMENTS[direction], ids=[ids[i] for i in nodes.tolist()],
                         within=None if within is None else [ids[i] for i in within.tolist()], **self.params)
        owner: list[int] = []
        nbr: list[int] = []
        for current, found in rows:
            owner += [self._numbers[current]] * len(found)
            nbr += [self._number(node_id, degree) for node_id, degree in found]
        return np.array(owner, dtype=np.int32), np.array(nbr, dtype=np.int32)

    def cost(self, nodes: np.ndarray) -> int:
        degrees = self._degrees
        return sum(degrees[i] for i in nodes.tolist())

    def in_id_order(self, nodes: np.ndarray) -> np.ndarray:
        return np.array(sorted(set(nodes.tolist()), key=self.ids.__getitem__), dtype=np.int64)
