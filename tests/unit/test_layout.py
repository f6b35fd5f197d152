"""Fixed positions of big views: centre in the middle, hops on rings, nobody on top of anybody."""
from __future__ import annotations

import math
from itertools import combinations

from graph.layout import SPACING, radial_positions


def _star_of_stars(spokes: int, leaves: int) -> tuple[list[str], list[tuple[str, str]]]:
    ids, pairs = ["hub"], []
    for spoke in range(spokes):
        ids.append(f"s{spoke}")
        pairs.append(("hub", f"s{spoke}"))
        for leaf in range(leaves):
            ids.append(f"s{spoke}-{leaf}")
            pairs.append((f"s{spoke}", f"s{spoke}-{leaf}"))
    return ids, pairs


def _radius(point: tuple[float, float]) -> float:
    return math.hypot(*point)


def test_the_centre_sits_in_the_middle_and_each_hop_further_out():
    ids, pairs = _star_of_stars(6, 8)
    points = radial_positions(ids, pairs, centres=["hub"])
    assert set(points) == set(ids)
    assert _radius(points["hub"]) < SPACING
    spokes = [_radius(points[f"s{n}"]) for n in range(6)]
    leaves = [_radius(points[node]) for node in ids if node.count("-")]
    assert max(spokes) < min(leaves)


def test_no_two_nodes_share_a_place_and_the_same_input_gives_the_same_picture():
    ids, pairs = _star_of_stars(12, 40)
    points = radial_positions(ids, pairs, centres=["hub"])
    closest = min(math.dist(points[a], points[b]) for a, b in combinations(ids, 2))
    assert closest > SPACING / 4
    assert radial_positions(ids, pairs, centres=["hub"]) == points


def test_a_leaf_stays_on_its_parents_side():
    ids, pairs = _star_of_stars(4, 10)
    points = radial_positions(ids, pairs, centres=["hub"])
    for spoke in range(4):
        parent = math.atan2(points[f"s{spoke}"][1], points[f"s{spoke}"][0])
        for leaf in range(10):
            x, y = points[f"s{spoke}-{leaf}"]
            turn = abs((math.atan2(y, x) - parent + math.pi) % (2 * math.pi) - math.pi)
            assert turn < math.pi / 4


def test_without_a_centre_the_best_linked_node_is_one_and_loose_parts_still_get_places():
    ids, pairs = _star_of_stars(5, 3)
    points = radial_positions(ids + ["alone", "pair-a", "pair-b"], pairs + [("pair-a", "pair-b")])
    assert _radius(points["hub"]) < SPACING
    assert {"alone", "pair-a", "pair-b"} <= set(points)
    assert min(_radius(points[node]) for node in ("alone", "pair-a", "pair-b")) > _radius(points["s0-0"])
    assert radial_positions([], []) == {}
