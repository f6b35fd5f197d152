"""Views in the browser (issue 5): 50 / 500 / 5,000-node neighbourhoods built, sent and drawn; the app's cold start.

For each cap, around the busiest agency, two hops out:
- server: the store's capped neighbourhood plus what the graph component
  receives (`component_args`: vis-network's data with fixed positions above
  graph.render.PHYSICS_LIMIT nodes), and its size as JSON;
- page: the standalone offline HTML file of the same view (graph.render), opened
  in Debian's chromium, until vis-network has drawn it (`body[data-drawn]`);
- app: the running app's neighbourhood page, from typing that cap and pressing
  Enter to the new graph drawn in its component (rerun, websocket and paint);
  then every cap once more ("again": a view the app has built before, which it
  answers from app_pages.answers, as for a second participant asking it).
A view is interactive once drawn (big views come with positions and no physics),
so "in app" is the figure the 2 s target is about.
Cold start: `streamlit run app.py` on a fresh graph file (seeded on the first
page, as a new user sees it) and on the benchmark's store, until the health
check answers and until the first page's title is on screen.
Every request that leaves 127.0.0.1 is blocked and fails the phase.
"""
from __future__ import annotations

import json
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote

from app_pages.graph_view import DEFAULT_HEIGHT, component_args
from graph.exports import View
from graph.i18n import t
from graph.layout import radial_positions
from graph.render import graph_html
from graph.store_networkx import EmbeddedStore
from hilos_testing.app_server import AppServer
from hilos_testing.chromium import CHROMIUM, CHROMIUM_ARGS, fence

SIZES = (50, 500, 5000)
WAIT_MS = 120_000
GRAPH_FRAME = "iframe[title*=hilos_graph]"


def run(work: Path, hub: str, sizes: tuple[int, ...] = SIZES, fresh_start: bool = True) -> dict[str, Any]:
    """The views of each cap around `hub` in the store at `work`; `fresh_start` adds a cold start on a new graph."""
    store = EmbeddedStore(work / "graph.hilos")
    radial_positions(["a", "b"], [("a", "b")])  # imports scipy.spatial once, as the app's first big view does
    views = [_build(store, hub, cap, work) for cap in sizes]
    store.close()
    blocked: list[str] = []
    with _browser(blocked) as page:
        for view in views:
            view["page_ms"] = _page_ms(page, Path(view.pop("html")))
        cold_start = {}
        if fresh_start:
            fresh = Path(tempfile.mkdtemp(prefix="hilos-bench-app-")) / "graph.json"
            cold_start["seed"], _ = _app_visit(page, fresh, [])
        caps = [(hub, view["cap"]) for view in views]
        again = caps if len(caps) > 1 else []  # with one cap, typing it again would change nothing and rerun nothing
        cold_start["store"], in_app = _app_visit(page, work / "graph.hilos", caps + again)
    if blocked:
        raise SystemExit(f"requests left 127.0.0.1: {blocked[:5]}")
    for view, app_ms in zip(views, in_app):
        view["app_ms"] = app_ms
    for view, again_ms in zip(views, in_app[len(views):]):
        view["app_again_ms"] = again_ms
    return {"hub": hub, "views": views, "cold_start": cold_start}


def _build(store: EmbeddedStore, hub: str, cap: int, work: Path) -> dict[str, Any]:
    start = time.perf_counter()
    around = store.neighbours(hub, depth=2, limit=cap)
    view = View(around, name=f"bench {cap}", highlight_nodes=(hub,))
    args = component_args(view, "es", DEFAULT_HEIGHT)
    server_ms = (time.perf_counter() - start) * 1000
    payload = json.dumps(args, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    page = work / f"view-{cap}.html"
    page.write_text(graph_html(view.nodes, view.edges, lang="es", highlight_nodes=(hub,)), encoding="utf-8")
    return {"cap": cap, "nodes": len(view.nodes), "edges": len(view.edges), "server_ms": server_ms,
            "payload_kb": len(payload) / 1000, "html_kb": page.stat().st_size / 1000, "html": str(page)}


@contextmanager
def _browser(blocked: list[str]) -> Iterator[Any]:
    """One page of Debian's chromium (1400x900) with every request outside 127.0.0.1 blocked and noted."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900})

        fence(context, blocked)
        try:
            yield context.new_page()
        finally:
            browser.close()


def _page_ms(page: Any, html: Path) -> float:
    start = time.perf_counter()
    page.goto(html.as_uri())
    page.locator("body[data-drawn=true]").wait_for(timeout=WAIT_MS)
    return (time.perf_counter() - start) * 1000


def _app_visit(page: Any, db: Path, views: list[tuple[str, int]]) -> tuple[dict[str, float], list[float]]:
    """Start the app over `db`: seconds until it answers and until the first page shows; then each view's ms."""
    start = time.perf_counter()
    app = AppServer(db, "--browser.gatherUsageStats", "false")
    try:
        app.wait_until_up(timeout=120)
        answers = time.perf_counter() - start
        page.goto(f"{app.url}/?lang=en")
        page.locator("[data-testid=stMain] h1").first.wait_for(timeout=WAIT_MS)
        painted = time.perf_counter() - start
        timings = _in_app(page, app.url, views)
    finally:
        app.stop()
    return {"answers_s": answers, "first_paint_s": painted}, timings


def _in_app(page: Any, url: str, views: list[tuple[str, int]]) -> list[float]:
    """Open the neighbourhood page, then per view: type its cap, press Enter, wait until the new graph is drawn."""
    if not views:
        return []
    page.goto(f"{url}/neighbourhood?id={quote(views[0][0])}&depth=2&cap=10&lang=en")
    page.frame_locator(GRAPH_FRAME).first.locator("body[data-drawn=true]").wait_for(timeout=WAIT_MS)
    frame = next(frame for frame in page.frames if "hilos_graph" in frame.url)
    box = page.get_by_label(t("neighbourhood.cap", "en"))
    timings = []
    for _, cap in views:
        before = frame.evaluate("drawnDigest")
        box.fill(str(cap))
        begin = time.perf_counter()
        box.press("Enter")
        frame.wait_for_function("before => drawnDigest !== before && document.body.dataset.drawn === 'true'",
                                arg=before, timeout=WAIT_MS)
        timings.append((time.perf_counter() - begin) * 1000)
    return timings
