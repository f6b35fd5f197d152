"""The story graph on screen: vis-network with fixed positions and one look per frame.

Every entity and relationship of the story is handed to vis-network once, at the
positions of graph.story_layout; a frame only hides, dims or highlights them, so
nothing moves between steps. The camera frames what a step highlights (as large as
the screen allows; earlier steps may fall outside) and glides to the next step. The presentation page draws one frame per page;
the exported file (graph.story_export) draws them all and steps through them.

After each frame the page's <body> carries `data-frame` (its index) and
`data-highlight` (the highlighted ids, sorted, space-separated) for tests.
"""
from __future__ import annotations

import html
from typing import Any, Sequence

from graph.model import Edge, Node
from graph.render import CSP, PAGE_CSS, script_json, vis_assets
from graph.schema import get_schema
from graph.story_layout import MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X, Geometry, Point, geometry
from graph.story_style import CONTEXT_FILL, CONTEXT_INK, CONTEXT_LINE, INK, PAPER, caption, fill, shape, verb
from graph.story_view import Frame, StoryView, lead

LABEL_WIDTH = 290  # fits a grid cell of graph.story_layout
MAX_ZOOM = 1.25  # a story of two entities is not blown up to fill the screen
LIT_FONT, CONTEXT_FONT, VERB_FONT = 32, 26, 24

OPTIONS: dict[str, Any] = {
    "autoResize": True,
    "physics": {"enabled": False},
    "interaction": {"hover": True, "tooltipDelay": 200, "dragNodes": False, "keyboard": False,
                    "navigationButtons": False, "zoomView": True},
    "nodes": {"widthConstraint": {"maximum": LABEL_WIDTH}, "borderWidthSelected": 5},
    "edges": {"smooth": {"type": "curvedCW", "roundness": 0.08}, "selectionWidth": 0, "hoverWidth": 0},
}

STAGE_CSS = """
#graph { border: 0; border-radius: 0; }
.legend { position: static; display: flex; flex-wrap: wrap; gap: 0.3em 1.4em; justify-content: center;
          font-size: 22px; color: #000; background: none; border: 0; padding: 0.3em 0 0; }
.legend .swatch { border-color: #000 !important; }
div.vis-tooltip { font-size: 18px; max-width: 420px; }
"""

STAGE_JS = """
const nodes = new vis.DataSet(STAGE.nodes.map((node) => ({...node.base, ...node.dim})));
const edges = new vis.DataSet(STAGE.edges.map((edge) => ({...edge.base, ...edge.dim})));
const network = new vis.Network(document.getElementById("graph"), {nodes, edges}, STAGE.options);
let shownAt = -1;
function fitStage(index, animate) {  // what the step highlights, labels included, as large as the screen allows
  const ids = STAGE.frames[index].fit, where = (id) => STAGE.nodes.find((node) => node.id === id).base;
  const xs = ids.map((id) => where(id).x), ys = ids.map((id) => where(id).y);
  const left = Math.min(...xs) - STAGE.margin.x, right = Math.max(...xs) + STAGE.margin.x;
  const top = Math.min(...ys) - STAGE.margin.top, bottom = Math.max(...ys) + STAGE.margin.bottom;
  const box = document.getElementById("graph");
  const scale = Math.min(box.clientWidth / (right - left), box.clientHeight / (bottom - top), STAGE.maxZoom);
  network.moveTo({position: {x: (left + right) / 2, y: (top + bottom) / 2}, scale: scale,
                  animation: animate ? {duration: 450, easingFunction: "easeInOutQuad"} : false});
}
function showFrame(index) {
  const frame = STAGE.frames[index];
  const lit = new Set(frame.lit), seen = new Set(frame.nodes);
  const litEdges = new Set(frame.litEdges), seenEdges = new Set(frame.edges);
  nodes.update(STAGE.nodes.map((node) => ({id: node.id, hidden: !seen.has(node.id),
                                           ...(lit.has(node.id) ? node.lit : node.dim)})));
  edges.update(STAGE.edges.map((edge) => ({id: edge.base.id, hidden: !seenEdges.has(edge.base.id),
                                           ...(litEdges.has(edge.base.id) ? edge.lit : edge.dim)})));
  if (shownAt < 0 || STAGE.frames[shownAt].fit.join() !== frame.fit.join()) { fitStage(index, shownAt >= 0); }
  shownAt = index;
  document.body.dataset.frame = String(index);
  document.body.dataset.highlight = [...frame.lit].sort().join(" ");
}
window.addEventListener("resize", () => { if (shownAt >= 0) { fitStage(shownAt, false); } });
network.once("afterDrawing", () => { document.body.dataset.drawn = "true"; });
"""


def _tooltip(node: Node, lang: str) -> str:
    label = get_schema().labels.get(node.label)
    lines = [node.name, label.title(lang) if label else node.label]
    description = lead(node.description(lang))
    return "\n".join(lines + (["", description] if description else []))


def story_geometry(view: StoryView) -> Geometry:
    """Where each entity of the story sits, for every frame of it."""
    return geometry(list(view.nodes), [(edge.source, edge.target) for edge in view.edges])


def _node(node: Node, lang: str, point: Point) -> dict[str, Any]:
    colour = fill(node.label)
    font = {"face": "system-ui, sans-serif", "strokeColor": PAPER}
    lit_colour = {"background": colour, "border": INK}
    dim_colour = {"background": CONTEXT_FILL, "border": CONTEXT_LINE}
    return {
        "id": node.id,
        "base": {"id": node.id, "label": caption(node), "title": _tooltip(node, lang), "shape": shape(node.label),
                 "x": point[0], "y": point[1]},
        "lit": {"size": 26, "borderWidth": 5, "color": {**lit_colour, "highlight": lit_colour, "hover": lit_colour},
                "font": {**font, "size": LIT_FONT, "color": INK, "strokeWidth": 7, "bold": True}},
        "dim": {"size": 17, "borderWidth": 2, "color": {**dim_colour, "highlight": dim_colour, "hover": dim_colour},
                "font": {**font, "size": CONTEXT_FONT, "color": CONTEXT_INK, "strokeWidth": 5}},
    }


def _edge(number: int, edge: Edge, lang: str) -> dict[str, Any]:
    font = {"face": "system-ui, sans-serif", "size": VERB_FONT, "color": INK, "strokeWidth": 0,
            "background": PAPER, "align": "horizontal"}
    return {
        "base": {"id": number, "from": edge.source, "to": edge.target, "title": verb(edge.type, lang)},
        "lit": {"label": verb(edge.type, lang), "width": 6, "font": font,
                "arrows": {"to": {"enabled": True, "scaleFactor": 1.1}},
                "color": {"color": INK, "highlight": INK, "hover": INK}},
        "dim": {"label": " ", "font": {"background": "none"}, "width": 2.5, "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
                "color": {"color": CONTEXT_LINE, "highlight": CONTEXT_LINE, "hover": CONTEXT_LINE}},
    }


def stage_data(view: StoryView, frames: Sequence[Frame]) -> dict[str, Any]:
    """What STAGE_JS needs: every entity and relationship of the story, and the look of each frame."""
    shape_of = story_geometry(view)
    numbers = {edge.key: number for number, edge in enumerate(view.edges)}
    data_frames = []
    for step_number, shown in frames:
        step = view.step(step_number)
        data_frames.append({
            "lit": list(step.highlighted(shown)), "nodes": list(step.visible_nodes(shown)),
            "litEdges": [numbers[edge.key] for edge in step.lit_edges[:shown]],
            "edges": [numbers[edge.key] for edge in (*step.context_edges, *step.lit_edges[:shown])],
            "fit": list(step.highlighted(len(step.lit_edges))),  # the camera moves between steps only
        })
    return {"nodes": [_node(node, view.lang, shape_of.points[node.id]) for node in view.nodes.values()],
            "edges": [_edge(number, edge, view.lang) for number, edge in enumerate(view.edges)],
            "frames": data_frames, "options": OPTIONS,
            "margin": {"x": MARGIN_X, "top": MARGIN_TOP, "bottom": MARGIN_BOTTOM}, "maxZoom": MAX_ZOOM}


def legend(view: StoryView) -> str:
    """The kinds of entity in the story, each with its shape and colour."""
    schema = get_schema()
    present = dict.fromkeys(node.label for node in view.nodes.values())
    items = [f'<li><span class="swatch {shape(name)}" style="background:{fill(name)}"></span>'
             f"{html.escape(schema.labels[name].title(view.lang))}</li>" for name in present]
    return f'<ul class="legend">{"".join(items)}</ul>'


def stage_head(view: StoryView, title: str) -> str:
    """<head> of a page with a stage: the CSP, vis-network's stylesheet and the stage's own CSS."""
    _script, style = vis_assets()
    return "".join([
        f'<!DOCTYPE html><html lang="{html.escape(view.lang)}"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title><style>", style, "</style><style>", PAGE_CSS, STAGE_CSS, "</style>",
    ])


def stage_scripts(view: StoryView, frames: Sequence[Frame]) -> str:
    """vis-network and the stage script, with the story's data; ends with `showFrame` defined."""
    script, _style = vis_assets()
    return "".join(["<script>", script, "</script><script>const STAGE = ",
                    script_json(stage_data(view, frames)), ";", STAGE_JS, "</script>"])


# A click on the slide's graph moves the keyboard focus into its frame; the arrow keys still belong
# to the page around it, whose buttons answer them. A click on the sidebar's language radio leaves the
# focus on it, and a focused radio takes the arrows for itself (→ would switch the language back): the
# frame, drawn anew in the new language, takes that focus away.
FORWARD_KEYS_JS = """
document.addEventListener("keydown", (event) => {
  if (!["ArrowLeft", "ArrowRight"].includes(event.key)) { return; }
  try {
    window.parent.document.dispatchEvent(new KeyboardEvent("keydown", {key: event.key, code: event.code,
                                                                        bubbles: true}));
  } catch (error) { /* a parent from another origin keeps its keys */ }
});
try {
  const focused = window.parent.document.activeElement;
  if (focused && focused.matches("[data-testid=stSidebar] input[type=radio]")) { focused.blur(); }
} catch (error) { /* a parent from another origin keeps its focus */ }
"""


def stage_page(view: StoryView, frame: Frame, height: int) -> str:
    """A page drawing one frame of the story, for the presentation page's iframe."""
    return "".join([
        stage_head(view, view.title), "</head><body>",
        f'<div id="frame"><div id="graph" style="height:{int(height) - 56}px"></div>', legend(view), "</div>",
        stage_scripts(view, [frame]), "<script>showFrame(0);", FORWARD_KEYS_JS, "</script></body></html>",
    ])
