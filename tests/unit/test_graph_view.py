"""What the app's graph component is sent per view, and what it is served once."""
from __future__ import annotations

import json

from app_pages.graph_view import _served_files, component_args
from graph.exports import View
from graph.model import Edge, Node, Subgraph
from graph.render import OPTIONS, PHYSICS_LIMIT


def _view(size: int) -> View:
    nodes = tuple(Node(f"company:c{i}", "Company", {"name": f"C{i}"}) for i in range(size))
    edges = tuple(Edge(f"company:c{i}", "SUBSIDIARY_OF", f"company:c{i + 1}", {}) for i in range(size - 1))
    return View(Subgraph(nodes, edges), name="view")


def test_the_drawing_options_are_served_once_and_each_view_sends_only_its_own():
    served = _served_files()["hilos-options.js"].decode()
    assert served.startswith("const OPTIONS = ") and json.loads(served[16:].rstrip().rstrip(";")) == OPTIONS
    small, big = component_args(_view(3), "en", 500), component_args(_view(PHYSICS_LIMIT + 1), "en", 500)
    assert small["options"] == {} and "options" not in small["data"]
    assert big["options"] == {"physics": {"enabled": False}}  # positions come computed: no physics
    assert small["digest"] != component_args(_view(3), "es", 500)["digest"]
