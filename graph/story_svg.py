"""A story frame as an inline SVG picture, for paper: same positions, shapes and colours as the slides.

No script and no external reference: names are escaped text inside <text> elements.
Each entity is a <g class="node lit|context" data-id="..."> so tests can read the picture.
"""
from __future__ import annotations

import html
import math
import textwrap
from collections import defaultdict

from graph.model import Edge
from graph.story_layout import MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X, Point
from graph.story_stage import story_geometry
from graph.story_style import CONTEXT_FILL, CONTEXT_INK, CONTEXT_LINE, INK, PAPER, caption, fill, shape, verb
from graph.story_view import Frame, StoryView

RADIUS = 20
LABEL_CHARS = 18  # per line under a shape: a grid cell's width
LABEL_SIZE, CONTEXT_LABEL_SIZE, VERB_SIZE = 26, 22, 22
MM_PER_UNIT = 0.14  # on paper a label of 26 units prints at about 10 pt (wide pictures shrink to the page)


def _polygon(corners: list[Point]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in corners)


def _regular(x: float, y: float, radius: float, corners: int, turn: float) -> list[Point]:
    return [(x + radius * math.cos(turn + 2 * math.pi * k / corners),
             y + radius * math.sin(turn + 2 * math.pi * k / corners)) for k in range(corners)]


def _star(x: float, y: float, radius: float) -> list[Point]:
    return [(x + (radius if k % 2 == 0 else radius * 0.45) * math.cos(-math.pi / 2 + math.pi * k / 5),
             y + (radius if k % 2 == 0 else radius * 0.45) * math.sin(-math.pi / 2 + math.pi * k / 5))
            for k in range(10)]


def _shape(kind: str, x: float, y: float, r: float, style: str) -> str:
    """One of the explorer's vis-network shapes, drawn in SVG."""
    if kind == "square":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" {style}/>'
    if kind == "box":
        return f'<rect x="{x - 1.4 * r:.1f}" y="{y - 0.8 * r:.1f}" width="{2.8 * r:.1f}" height="{1.6 * r:.1f}" ' \
               f'rx="3" {style}/>'
    if kind == "ellipse":
        return f'<ellipse cx="{x:.1f}" cy="{y:.1f}" rx="{1.4 * r:.1f}" ry="{0.85 * r:.1f}" {style}/>'
    corners = {"diamond": (4, -math.pi / 2), "triangle": (3, -math.pi / 2), "triangleDown": (3, math.pi / 2),
               "hexagon": (6, 0.0)}
    if kind in corners:
        count, turn = corners[kind]
        return f'<polygon points="{_polygon(_regular(x, y, r * 1.2, count, turn))}" {style}/>'
    if kind == "star":
        return f'<polygon points="{_polygon(_star(x, y, r * 1.3))}" {style}/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" {style}/>'


def _label(text: str, x: float, y: float, size: int, colour: str, bold: bool) -> str:
    lines = textwrap.wrap(text, LABEL_CHARS) or [text]
    weight = ' font-weight="700"' if bold else ""
    spans = "".join(f'<tspan x="{x:.1f}" dy="{size * (0 if number == 0 else 1.15):.1f}">{html.escape(line)}</tspan>'
                    for number, line in enumerate(lines))
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{colour}"{weight} text-anchor="middle" '
            f'dominant-baseline="hanging" class="halo">{spans}</text>')


def _edge(edge: Edge, start: Point, end: Point, bend: float, lit: bool, lang: str) -> str:
    """A curved arrow from `start` to `end`, stopping short of the shapes; lit ones carry their verb."""
    (x1, y1), (x2, y2) = start, end
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    gap = RADIUS * 1.5
    ax, ay, bx, by = x1 + ux * gap, y1 + uy * gap, x2 - ux * gap, y2 - uy * gap
    cx, cy = (ax + bx) / 2 - uy * bend, (ay + by) / 2 + ux * bend
    colour, width, marker = (INK, 4, "lit") if lit else (CONTEXT_LINE, 2, "context")
    path = (f'<path d="M{ax:.1f},{ay:.1f} Q{cx:.1f},{cy:.1f} {bx:.1f},{by:.1f}" fill="none" stroke="{colour}" '
            f'stroke-width="{width}" marker-end="url(#arrow-{marker})"/>')
    if not lit:
        return path
    mx, my = (ax + 2 * cx + bx) / 4, (ay + 2 * cy + by) / 4  # the curve's midpoint
    # The verb sits beside the line, not on it: above a flat arrow, to the right of a steep one.
    if abs(ux) >= abs(uy):
        place = f'x="{mx:.1f}" y="{my - 8:.1f}" text-anchor="middle" dominant-baseline="text-after-edge"'
    else:
        place = f'x="{mx + 10:.1f}" y="{my:.1f}" text-anchor="start" dominant-baseline="middle"'
    return path + (f'<text {place} font-size="{VERB_SIZE}" fill="{INK}" class="halo">'
                   f"{html.escape(verb(edge.type, lang))}</text>")


DEFS = "".join(
    f'<marker id="arrow-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="{size}" markerHeight="{size}" '
    f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
    for name, colour, size in (("lit", INK, 5), ("context", CONTEXT_LINE, 6)))


def _crop(points: list[Point], width: float, height: float) -> tuple[float, float, float, float]:
    """The part of the story's box that holds these entities and their labels: left, top, width, height."""
    left = max(min(x for x, _y in points) - MARGIN_X, 0.0)
    right = min(max(x for x, _y in points) + MARGIN_X, width)
    top = max(min(y for _x, y in points) - MARGIN_TOP, 0.0)
    bottom = min(max(y for _x, y in points) + MARGIN_BOTTOM, height)
    return left, top, right - left, bottom - top


def frame_svg(view: StoryView, frame: Frame) -> str:
    """The frame as one <svg> element, cropped to what it shows, at one scale for every picture."""
    step = view.step(frame[0])
    shape_of = story_geometry(view)
    where = shape_of.points
    lit_nodes, visible = set(step.highlighted(frame[1])), step.visible_nodes(frame[1])
    left, top, width, height = _crop([where[node_id] for node_id in visible], shape_of.width, shape_of.height)
    lit_edges = {edge.key for edge in step.lit_edges[:frame[1]]}
    drawn = {edge.key: edge for edge in (*step.context_edges, *step.lit_edges[:frame[1]])}
    pairs: dict[frozenset[str], int] = defaultdict(int)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{left:.0f} {top:.0f} {width:.0f} {height:.0f}" '
             f'style="width:{width * MM_PER_UNIT:.1f}mm" role="img" font-family="system-ui, sans-serif">'
             f"<title>{html.escape(step.title)}</title>",
             "<style>.halo{paint-order:stroke;stroke:#fff;stroke-width:5px;stroke-linejoin:round}</style>",
             f"<defs>{DEFS}</defs>", f'<rect x="{left:.0f}" y="{top:.0f}" width="{width:.0f}" height="{height:.0f}" '
             f'fill="{PAPER}"/>']
    for key, edge in sorted(drawn.items(), key=lambda item: item[0] in lit_edges):  # lit ones on top
        pair = frozenset((edge.source, edge.target))
        bend = 18.0 * (1 + pairs[pair]) * (1 if pairs[pair] % 2 == 0 else -1)
        pairs[pair] += 1
        parts.append(_edge(edge, where[edge.source], where[edge.target], bend, key in lit_edges, view.lang))
    for node_id in sorted(visible, key=lambda node_id: node_id in lit_nodes):
        node, (x, y) = view.nodes[node_id], where[node_id]
        lit = node_id in lit_nodes
        style = (f'fill="{fill(node.label)}" stroke="{INK}" stroke-width="4"' if lit
                 else f'fill="{CONTEXT_FILL}" stroke="{CONTEXT_LINE}" stroke-width="2"')
        parts.append(f'<g class="node {"lit" if lit else "context"}" data-id="{html.escape(node_id)}">')
        parts.append(_shape(shape(node.label), x, y, RADIUS if lit else RADIUS * 0.75, style))
        parts.append(_label(caption(node), x, y + RADIUS * 1.45, LABEL_SIZE if lit else CONTEXT_LABEL_SIZE,
                            INK if lit else CONTEXT_INK, lit))
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
