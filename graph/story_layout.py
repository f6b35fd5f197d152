"""Where each entity of a story sits: a grid read left to right, the same on every slide.

Positions are computed once per story, so nothing moves between steps, and the
projected slide, the exported file and the printed handout share one picture.

Each grid cell is wide and tall enough for a shape and its wrapped label, so labels
never overlap; the viewer scales the whole. The first guess puts the story's first
entity in the first column and entities one hop further in the next (a column holds
at most MAX_ROWS). A short local search then moves entities between cells to keep
arrows from running through other entities' labels, arrow labels off names, and
arrows from crossing, while keeping the left-to-right reading.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

import networkx as nx

Point = tuple[float, float]
MAX_ROWS = 4
CELL_WIDTH, CELL_HEIGHT = 340, 215  # a label of up to ~290 px by four lines, and its shape
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 170, 50, 190  # labels sit under their shapes
# What an entity covers around its centre, as (left, top, right, bottom) boxes: its shape, and its label
# below; and the half size of an arrow's label, which sits at the arrow's middle.
FOOTPRINT = ((-32, -32, 32, 32), (-145, 30, 145, 165))
VERB_HALF_WIDTH, VERB_HALF_HEIGHT = 100, 16
# Costs of the search, in cell widths of arrow: an arrow through another entity, through its own end's
# label, an arrow's label on a name, two arrows crossing, an entity away from its first-guess column.
THROUGH, OWN_LABEL, ON_NAME, CROSSING, DRIFT = 10.0, 3.0, 8.0, 3.0, 1.2


@dataclass(frozen=True)
class Geometry:
    """Pixel positions in a width x height box that holds every shape and label of the story."""

    points: dict[str, Point]
    width: float
    height: float


def _layers(order: Sequence[str], graph: nx.Graph) -> list[list[str]]:
    """Entities by hop distance from the first one; each further disconnected part starts new layers."""
    layer: dict[str, int] = {}
    offset = 0
    for start in order:
        if start in layer:
            continue
        for node_id, hops in nx.single_source_shortest_path_length(graph, start).items():
            layer[node_id] = offset + hops
        offset = max(layer.values()) + 1
    grouped: dict[int, list[str]] = defaultdict(list)
    for node_id in order:
        grouped[layer[node_id]].append(node_id)
    return [grouped[key] for key in sorted(grouped)]


def _first_guess(order: Sequence[str], graph: nx.Graph) -> tuple[dict[str, tuple[int, int]], int, int]:
    """Columns by hops, rows by the neighbours already placed; returns cells, columns, rows."""
    rank = {node_id: number for number, node_id in enumerate(order)}
    chunks: list[list[str]] = []
    rows: dict[str, float] = {}
    for members in _layers(order, graph):
        def pull(node_id: str) -> tuple[float, int]:
            placed = [rows[other] for other in graph[node_id] if other in rows]
            return (sum(placed) / len(placed) if placed else 0.0, rank[node_id])

        ranked = sorted(members, key=pull)
        for start in range(0, len(ranked), MAX_ROWS):
            chunk = ranked[start:start + MAX_ROWS]
            for index, node_id in enumerate(chunk):
                rows[node_id] = index - (len(chunk) - 1) / 2
            chunks.append(chunk)
    height = max(len(chunk) for chunk in chunks)
    cells = {node_id: (column, (height - len(chunk)) // 2 + index)
             for column, chunk in enumerate(chunks) for index, node_id in enumerate(chunk)}
    return cells, len(chunks), height


def _pixel(cell: tuple[int, int]) -> Point:  # the cell's centre, grid origin at (0, 0)
    return cell[0] * CELL_WIDTH, cell[1] * CELL_HEIGHT


def _covers(centre: Point, x: float, y: float, half_width: float, half_height: float) -> bool:
    """Whether the entity at `centre` covers any of the box of that half size around (x, y)."""
    return any(centre[0] + left - half_width < x < centre[0] + right + half_width
               and centre[1] + top - half_height < y < centre[1] + bottom + half_height
               for left, top, right, bottom in FOOTPRINT)


def _through(centre: Point, a: Point, b: Point, boxes: Sequence[tuple[int, int, int, int]] = FOOTPRINT) -> bool:
    """Whether the middle 80% of the segment a-b enters one of the entity's boxes (Liang-Barsky clipping)."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    for left, top, right, bottom in boxes:
        low, high = 0.1, 0.9
        for step, room in ((-dx, a[0] - centre[0] - left), (dx, centre[0] + right - a[0]),
                           (-dy, a[1] - centre[1] - top), (dy, centre[1] + bottom - a[1])):
            if step == 0:
                if room < 0:
                    low, high = 1.0, 0.0
                continue
            ratio = room / step
            if step < 0:
                low = max(low, ratio)
            else:
                high = min(high, ratio)
        if low < high:
            return True
    return False


def _crosses(a: Point, b: Point, c: Point, d: Point) -> bool:
    def side(p: Point, q: Point, r: Point) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    return side(a, b, c) * side(a, b, d) < 0 and side(c, d, a) * side(c, d, b) < 0


Cell = tuple[int, int]


@lru_cache(maxsize=None)
def _arrow(a: Cell, b: Cell) -> tuple[float, frozenset[Cell], frozenset[Cell]]:
    """An arrow between two cells: its cost of length and of running through its own ends' labels,
    the nearby cells whose entity it runs through, and those whose entity its label would sit on."""
    start, end = _pixel(a), _pixel(b)
    middle = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
    near = [(column, row) for column in range(min(a[0], b[0]) - 1, max(a[0], b[0]) + 2)
            for row in range(min(a[1], b[1]) - 1, max(a[1], b[1]) + 2)]
    through = frozenset(cell for cell in near if cell not in (a, b) and _through(_pixel(cell), start, end))
    covered = frozenset(cell for cell in near if _covers(_pixel(cell), *middle, VERB_HALF_WIDTH, VERB_HALF_HEIGHT))
    own = sum(OWN_LABEL for end in (start, end) if _through(end, start, end, FOOTPRINT[1:]))
    return math.dist(start, end) / CELL_WIDTH + own, through, covered


@lru_cache(maxsize=None)
def _cross(a: Cell, b: Cell, c: Cell, d: Cell) -> bool:
    return _crosses(_pixel(a), _pixel(b), _pixel(c), _pixel(d))


def _cost(cells: dict[str, Cell], links: Sequence[tuple[str, str]], start: dict[str, Cell]) -> float:
    taken = set(cells.values())
    total = sum(abs(cells[node_id][0] - start[node_id][0]) for node_id in cells) * DRIFT
    first = next(iter(start))
    total += abs(cells[first][0] - start[first][0]) * DRIFT * 4  # the story starts on the left
    for a, b in links:
        length, through, covered = _arrow(cells[a], cells[b])
        total += length + THROUGH * len(through & taken) + ON_NAME * len(covered & taken)
    for number, (a, b) in enumerate(links):
        for c, d in links[number + 1:]:
            if not {a, b} & {c, d} and _cross(cells[a], cells[b], cells[c], cells[d]):
                total += CROSSING
    return total


@lru_cache(maxsize=64)
def _search(order: tuple[str, ...], links: tuple[tuple[str, str], ...]) -> tuple[tuple[str, int, int], ...]:
    """The first guess, improved by moving or swapping one entity at a time while the cost drops."""
    graph = nx.Graph()
    graph.add_nodes_from(order)
    graph.add_edges_from(links)
    start, columns, rows = _first_guess(order, graph)
    cells = dict(start)
    best = _cost(cells, links, start)
    grid_cells = [(column, row) for column in range(columns) for row in range(rows)]
    improved = True
    while improved:
        improved = False
        for node_id in order:
            for target in grid_cells:
                other = next((key for key, cell in cells.items() if cell == target), None)
                if other == node_id:
                    continue
                trial = dict(cells)
                trial[node_id] = target
                if other is not None:
                    trial[other] = cells[node_id]
                cost = _cost(trial, links, start)
                if cost < best - 1e-9:
                    cells, best, improved = trial, cost, True
    return tuple((node_id, *cells[node_id]) for node_id in order)


def grid(order: Sequence[str], links: Iterable[tuple[str, str]]) -> dict[str, tuple[int, int]]:
    """(column, row) for each of `order`'s entities joined by `links`."""
    known = set(order)
    pairs = tuple(dict.fromkeys((a, b) for a, b in links if a in known and b in known and a != b))
    return {node_id: (column, row) for node_id, column, row in _search(tuple(order), pairs)}


def geometry(order: Sequence[str], links: Iterable[tuple[str, str]]) -> Geometry:
    """The grid in pixels, trimmed to the rows and columns in use, with margins for the outer labels."""
    cells = grid(order, links)
    if not cells:
        return Geometry({}, 2 * MARGIN_X, MARGIN_TOP + MARGIN_BOTTOM)
    left = min(column for column, _row in cells.values())
    top = min(row for _column, row in cells.values())
    right = max(column for column, _row in cells.values())
    bottom = max(row for _column, row in cells.values())
    points = {node_id: (MARGIN_X + (column - left) * CELL_WIDTH, MARGIN_TOP + (row - top) * CELL_HEIGHT)
              for node_id, (column, row) in cells.items()}
    return Geometry(points, 2 * MARGIN_X + (right - left) * CELL_WIDTH,
                    MARGIN_TOP + MARGIN_BOTTOM + (bottom - top) * CELL_HEIGHT)
