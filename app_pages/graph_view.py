"""The interactive graph inside the app: a hand-written Streamlit component that reports clicks.

The component (graph_component/index.html) is served by Streamlit from one
folder, next to pyvis's vis-network, graph.render's stylesheet and its drawing
options (hilos-options.js), so the browser loads them once per page and each
rerun sends only the view's data, with the options that differ for this view.
Streamlit refuses to serve files through symlinks that leave the folder, so the
files are copied into a cache folder, once per process. What a view sends
(vis-network's data, with positions computed here for big views) is built once
per view and graph version and shared by every session and rerun.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from functools import cache
from pathlib import Path
from typing import Any, Callable

import streamlit.components.v1 as components

from app_pages import routes
from app_pages.answers import VIEWS
from graph.exports import View
from graph.render import OPTIONS, PAGE_CSS, VIS_DIR, legend_items, legend_labels, script_json, vis_data

SOURCE_HTML = Path(__file__).with_name("graph_component") / "index.html"
DEFAULT_HEIGHT = 560


def _cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "hilos"


def _served_files() -> dict[str, bytes]:
    return {
        "index.html": SOURCE_HTML.read_bytes(),
        "vis-network.min.js": (VIS_DIR / "vis-network.min.js").read_bytes(),
        "vis-network.css": (VIS_DIR / "vis-network.css").read_bytes(),
        "hilos-graph.css": PAGE_CSS.encode("utf-8"),
        "hilos-options.js": f"const OPTIONS = {script_json(OPTIONS)};\n".encode("utf-8"),
    }


@cache
def component_folder() -> Path:
    """The folder Streamlit serves the component from, named by a digest of its files."""
    files = _served_files()
    digest = hashlib.sha256(b"".join(name.encode() + data for name, data in sorted(files.items()))).hexdigest()
    for root in (_cache_root(), Path(tempfile.gettempdir()) / f"hilos-{os.getuid()}"):
        folder = root / f"graph-component-{digest[:16]}"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for name, data in files.items():
                target = folder / name
                if not target.exists() or target.read_bytes() != data:
                    target.write_bytes(data)
            return folder
        except OSError:
            continue
    raise OSError("no writable folder for the graph component (tried the user cache and the temp folder)")


_DECLARING = threading.Lock()


def _component() -> Callable[..., Any]:
    """The declared component. One session at a time declares it: @cache lets sessions that ask at once all run
    the declaration, and Streamlit finds the declaring module with inspect.getmodule, which is not thread-safe
    (20 sessions opening the tracer together after a start got "module is None" errors)."""
    with _DECLARING:
        return _declared()


@cache
def _declared() -> Callable[..., Any]:
    return components.declare_component("hilos_graph", path=str(component_folder()))


def component_args(view: View, lang: str, height: int) -> dict[str, Any]:
    """What the component receives: vis-network's nodes and edges, the options that differ from graph.render.OPTIONS
    (which the component already has), the legend, the height and a digest of it all."""
    data = vis_data(view.nodes, view.edges, lang=lang, highlight_nodes=view.highlight_nodes,
                    highlight_edges=view.highlight_edges)
    options = {key: value for key, value in data.pop("options").items() if OPTIONS.get(key) != value}
    legend = legend_items(legend_labels(view.nodes), lang)
    digest = hashlib.sha256(json.dumps([data, options, legend], sort_keys=True, default=str).encode()).hexdigest()
    return {"data": data, "options": options, "legend": legend, "height": height, "digest": digest}


def members(view: View) -> str:
    """A digest of what is in the view and lit: with the graph's version, it names the view's drawing."""
    parts = [node.id for node in view.nodes] + ["\x1e"] + ["\x1f".join(edge.key) for edge in view.edges]
    parts += ["\x1e", *view.highlight_nodes, "\x1e", *("\x1f".join(key) for key in view.highlight_edges)]
    return hashlib.sha256("\x1d".join(parts).encode()).hexdigest()


def show_graph(view: View, lang: str, *, key: str, height: int = DEFAULT_HEIGHT, graph: str | None = None) -> None:
    """Draw the view; a click on a node opens that entity's profile.

    `graph` is the version of the graph the view was read from (app_pages.answers.graph_version);
    with it, a view drawn before, in any session, is sent again without being built again.
    """
    args = (VIEWS.get((graph, members(view), lang, height), lambda: component_args(view, lang, height))
            if graph is not None else component_args(view, lang, height))
    picked = _component()(key=key, default=None, **args)
    node_id = picked.get("id") if isinstance(picked, dict) else None
    if isinstance(node_id, str) and node_id:
        routes.open_profile(node_id, lang)
