"""How stories look on a projector and on paper: a colour-blind-safe palette, shapes, verbs on arrows.

Fills come from the Okabe–Ito palette, which stays distinct for the common forms of
colour blindness, and every label keeps the shape the explorer gives it, so kind is
never told by colour alone. What a step highlights is told by contrast, not hue:
black outlines and thick black arrows, while context is pale grey.
"""
from __future__ import annotations

import re
from functools import cache

from graph.model import Node
from graph.render import FALLBACK_STYLE, STYLES
from graph.schema import get_schema

FILLS = {
    "Company": "#0072B2",  # blue
    "Agency": "#D55E00",  # vermillion
    "Contract": "#E69F00",  # orange
    "Product": "#CC79A7",  # reddish purple
    "Person": "#009E73",  # bluish green
    "Organization": "#56B4E9",  # sky blue
    "Campaign": "#F0E442",  # yellow
    "Event": "#FFFFFF",
    "Source": "#DDDDDD",
}
FALLBACK_FILL = "#BBBBBB"
INK = "#000000"  # text, outlines and arrows of what a step highlights
CONTEXT_INK = "#595959"  # labels of context: 7:1 on white, still clearly second
CONTEXT_LINE = "#ABABAB"
CONTEXT_FILL = "#E3E3E3"
PAPER = "#FFFFFF"


def shape(label: str) -> str:
    """The vis-network shape name the explorer uses for `label`."""
    return STYLES.get(label, FALLBACK_STYLE).shape


def fill(label: str) -> str:
    return FILLS.get(label, FALLBACK_FILL)


def caption(node: Node) -> str:
    """The name drawn on a slide: an acronym ("HSI") or a contract number reads from the back of a room."""
    return str(node.properties.get("acronym") or node.properties.get("piid") or node.name)


@cache
def verb(rel_type: str, lang: str) -> str:
    """A short label for an arrow, cut from the schema's sentence: "{source} usa {target}" -> "usa"."""
    rel = get_schema().rel_types.get(rel_type)
    if rel is None:
        return rel_type
    template = rel.texts[f"sentence_{lang}"]
    middle = re.search(r"\{source\}(.*?)\{target\}", template)
    return middle.group(1).strip() if middle and middle.group(1).strip() else rel_type
