"""Fixed positions for views too big to simulate in the browser: a radial tree, then a short relaxation.

Big views are neighbourhoods: a centre, its neighbours, theirs. A radial tree
puts the centre in the middle and each breadth-first layer on a ring, every
node inside its parent's slice of the ring (slices sized by the leaves under
them), so branches never cross. Rings hold their nodes `SPACING` apart, which
sets their radii. A few vectorised force steps (springs along edges, repulsion
between nodes closer than a few spacings, found with a k-d tree, small moves)
then pull linked nodes of different branches together and push crowded ones
apart, keeping the rings' reading. It all grows about linearly: 5,000 nodes
take about a second on a busy 2-core machine, where networkx's spring layout
took 5-10 s for 500.
"""
from __future__ import annotations

import math
from collections import defaultdict, deque
from typing import Iterable, Sequence

import numpy as np

Point = tuple[float, float]
SPACING = 48.0  # pixels between neighbours on a ring
RING_GAP = 170.0  # least distance between two rings
RELAX_STEPS = 30


def radial_positions(node_ids: Sequence[str], pairs: Iterable[tuple[str, str]],
                     centres: Iterable[str] = ()) -> dict[str, Point]:
    """Pixel positions of `node_ids` linked by `pairs` (undirected), `centres` in the middle.

    Without a centre among the nodes, the best-linked node is the centre; each
    part not connected to it gets the next best-linked node of its own, on the
    next rings out.
    """
    ids = list(dict.fromkeys(node_ids))
    index = {node_id: number for number, node_id in enumerate(ids)}
    links: dict[int, list[int]] = defaultdict(list)
    edges = []
    for source, target in pairs:
        a, b = index.get(source), index.get(target)
        if a is None or b is None or a == b:
            continue
        links[a].append(b)
        links[b].append(a)
        edges.append((a, b))
    if not ids:
        return {}
    parent, layers = _tree(len(ids), links, [index[c] for c in centres if c in index])
    points = _rings(parent, layers)
    if edges:
        points = _relax(points, np.array(edges, dtype=np.int64))
    return {node_id: (float(points[n, 0]), float(points[n, 1])) for n, node_id in enumerate(ids)}


def _tree(count: int, links: dict[int, list[int]], centres: list[int]) -> tuple[list[int], list[list[int]]]:
    """Breadth-first parents (-1 for roots) and layers; roots: the centres, then the best linked left over."""
    parent = [-2] * count  # -2: not reached yet
    layers: list[list[int]] = []
    by_degree = sorted(range(count), key=lambda n: -len(links[n]))
    pending = deque(by_degree)
    roots = list(dict.fromkeys(centres))
    while True:
        if not roots:
            while pending and parent[pending[0]] != -2:
                pending.popleft()
            if not pending:
                return parent, layers
            roots = [pending.popleft()]
        for root in roots:
            parent[root] = -1
        frontier, roots = roots, []
        while frontier:
            layers.append(frontier)
            following = []
            for node in frontier:
                for other in links[node]:
                    if parent[other] == -2:
                        parent[other] = node
                        following.append(other)
            frontier = following


def _rings(parent: list[int], layers: list[list[int]]) -> np.ndarray:
    """Each layer on a ring; a node's slice of the circle is its parent's, shared by leaf counts."""
    count = len(parent)
    children: dict[int, list[int]] = defaultdict(list)
    for layer in layers:
        for node in layer:
            if parent[node] >= 0:
                children[parent[node]].append(node)
    weight = [1.0] * count
    for layer in reversed(layers):
        for node in layer:
            if children[node]:
                weight[node] = sum(weight[child] for child in children[node])
    roots = [node for layer in layers for node in layer if parent[node] == -1]
    start, width = [0.0] * count, [0.0] * count
    total, angle = sum(weight[root] for root in roots), 0.0
    for root in roots:
        start[root], width[root] = angle, 2 * math.pi * weight[root] / total
        angle += width[root]
    points = np.zeros((count, 2))
    radius = -RING_GAP if len(layers[0]) == 1 else 0.0
    for layer in layers:
        radius = max(radius + RING_GAP, len(layer) * SPACING / (2 * math.pi))
        for node in layer:
            middle = start[node] + width[node] / 2
            points[node] = (radius * math.cos(middle), radius * math.sin(middle))
            angle = start[node]
            for child in children[node]:
                start[child], width[child] = angle, width[node] * weight[child] / weight[node]
                angle += width[child]
    return points


def _relax(points: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Springs along edges and repulsion between nodes closer than a few spacings, in small cooling steps."""
    from scipy.spatial import cKDTree  # here, not at the top: scipy.spatial takes a second to import

    points = points.copy()
    reach = 2.5 * SPACING
    for step in range(RELAX_STEPS):
        limit = SPACING * 0.5 * (1 - step / RELAX_STEPS)
        move = np.zeros_like(points)
        close = cKDTree(points).query_pairs(reach, output_type="ndarray")
        if len(close):
            apart = points[close[:, 0]] - points[close[:, 1]]
            distance = np.sqrt((apart ** 2).sum(axis=1)) + 1e-6
            push = apart * ((reach - distance) / distance)[:, None] * 0.5
            np.add.at(move, close[:, 0], push)
            np.add.at(move, close[:, 1], -push)
        along = points[edges[:, 1]] - points[edges[:, 0]]
        length = np.sqrt((along ** 2).sum(axis=1)) + 1e-6
        pull = along * (np.maximum(length - 2 * SPACING, 0.0) / length)[:, None] * 0.05
        np.add.at(move, edges[:, 0], pull)
        np.add.at(move, edges[:, 1], -pull)
        size = np.sqrt((move ** 2).sum(axis=1)) + 1e-9
        points += move * (np.minimum(size, limit) / size)[:, None]
    return points
