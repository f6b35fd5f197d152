"""Hostile names in a real browser: shown as text on every page, in the graph, its tooltips and the exports; no script runs.

The `page` fixture fails the test if any dialog opens (alert() ran) or a request leaves 127.0.0.1.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Page, expect

from graph.model import Edge, Node
from graph.store_networkx import EmbeddedStore
from tests.browser.conftest import running_app
from tests.browser.test_explorer import GRAPH, LONG, graph_frame, graph_nodes, shoot

XSS = "<img src=x onerror=alert(1)>"
CYPHER = '"; MATCH (n) DETACH DELETE n //'
QUOTE = "<script>alert(2)</script> [click](javascript:alert(3))"


def hostile_graph(path: Path) -> None:
    EmbeddedStore(path).write(
        [Node("company:xss", "Company", {"name": XSS, "aliases": ["Hostile"],
                                          "description_en": f"<svg onload=alert(4)> **{XSS}**",
                                          "website": "javascript:alert(5)"}),
         Node("company:cypher", "Company", {"name": CYPHER, "aliases": ["Injection"]}),
         Node("agency:hsi", "Agency", {"name": "HSI"}),
         Node("source:s", "Source", {"name": "S", "title": f"<b onmouseover=alert(6)>{XSS}</b>", "kind": "article",
                                     "url": "javascript:alert(7)"})],
        [Edge("company:xss", "SUPPLIES", "agency:hsi", {"sources": ["source:s"], "evidence": "reported",
                                                        "quote": QUOTE, "quote_en": XSS}),
         Edge("company:cypher", "SUPPLIES", "agency:hsi", {"sources": ["source:s"], "evidence": "reported"})])


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a graph holding only hostile names (not seeded: the file is not empty)."""
    db = tmp_path_factory.mktemp("hostile") / "graph.json"
    hostile_graph(db)
    with running_app(db, tracebacks_fail=True) as url:
        yield url


def test_profile_graph_and_tooltip_show_hostile_text(page: Page, hostile_server: str):
    page.goto(f"{hostile_server}/profile?id=company:xss&lang=en")
    expect(page.get_by_role("heading", name=XSS)).to_be_visible(timeout=LONG)
    expect(page.get_by_text(f"<svg onload=alert(4)> **{XSS}**")).to_be_visible()
    expect(page.get_by_text(QUOTE, exact=False)).to_be_visible()
    expect(page.get_by_text("javascript:alert(5)")).to_be_visible()
    assert page.locator("img[src=x], svg[onload], a[href^=javascript]").count() == 0
    graph_frame(page)
    assert graph_nodes(page)["company:xss"] == XSS
    frame = next(frame for frame in page.frames if "hilos_graph" in frame.url)
    page.wait_for_timeout(2000)
    spot = frame.evaluate("network.canvasToDOM(network.getPositions(['company:xss'])['company:xss'])")
    box = page.locator(GRAPH).first.bounding_box()
    page.mouse.move(box["x"] + spot["x"], box["y"] + spot["y"])
    tooltip = page.frame_locator(GRAPH).first.locator("div.vis-tooltip")
    expect(tooltip).to_contain_text(XSS, timeout=10_000)
    # innerText turns line breaks into <br>; nothing else may appear.
    assert tooltip.evaluate("element => [...element.children].every(child => child.tagName === 'BR')")
    assert page.frame_locator(GRAPH).first.locator("img").count() == 0
    shoot(page, "hostile-profile", scrolls=3)


def test_search_and_trace_show_hostile_names(page: Page, hostile_server: str):
    page.goto(f"{hostile_server}/search?q=injection&lang=en")
    expect(page.get_by_role("link", name=f"{CYPHER} · Company · alias: Injection")).to_be_visible(timeout=LONG)
    page.goto(f"{hostile_server}/?page=trace&from=Hostile&to=Injection&lang=en")
    expect(page.get_by_text(f"{XSS} → HSI → {CYPHER}")).to_be_visible(timeout=LONG)
    graph_frame(page)
    assert graph_nodes(page) == {"company:xss": XSS, "agency:hsi": "HSI", "company:cypher": CYPHER}
    assert page.locator("img[src=x]").count() == 0
    shoot(page, "hostile-trace", scrolls=2)


def test_exports_keep_hostile_names_as_data(page: Page, hostile_server: str, tmp_path: Path):
    page.goto(f"{hostile_server}/neighbourhood?id=agency:hsi&lang=en")
    graph_frame(page)
    page.get_by_text("Export this view").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Cypher script").click()
    script = Path(download.value.path()).read_text(encoding="utf-8")
    assert "name: '\"; MATCH (n) DETACH DELETE n //'" in script
    assert not any(line.startswith("MATCH (n) DETACH DELETE") for line in script.splitlines())
    with page.expect_download() as download:
        page.get_by_role("button", name="Offline HTML").click()
    exported = tmp_path / "view.html"
    exported.write_bytes(Path(download.value.path()).read_bytes())
    page.goto(exported.as_uri())
    page.locator("body[data-drawn=true]").wait_for(timeout=LONG)
    labels = page.evaluate("DATA.nodes.map(node => node.label)")
    assert XSS in labels and CYPHER in labels and page.locator("img").count() == 0
    page.screenshot(path=str(Path(__file__).resolve().parents[2] / "artifacts" / "explorer-hostile-export.png"))
