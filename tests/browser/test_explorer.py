"""The explorer in a real browser, offline: search, profile, trace, graph clicks, language, shared links, exports."""
from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import FrameLocator, Page, expect

from tests.browser.conftest import ARTIFACTS

GRAPH = "iframe[title*=hilos_graph]"
LONG = 60_000


def graph_frame(page: Page) -> FrameLocator:
    """The graph component's frame, once vis-network has drawn in it."""
    frame = page.frame_locator(GRAPH).first
    frame.locator("body[data-drawn=true]").wait_for(timeout=LONG)
    return frame


def graph_nodes(page: Page) -> dict[str, str]:
    """Node id -> label as drawn in the graph component."""
    frame = next(frame for frame in page.frames if "hilos_graph" in frame.url)
    return frame.evaluate("Object.fromEntries(network.body.data.nodes.get().map(n => [n.id, n.label]))")


def shoot(page: Page, name: str, scrolls: int = 1) -> None:
    """Screenshots of the main section, scrolled a screen at a time (Streamlit scrolls inside it)."""
    ARTIFACTS.mkdir(exist_ok=True)
    for number in range(scrolls):
        page.screenshot(path=str(ARTIFACTS / f"explorer-{name}-{number}.png"))
        page.evaluate("document.querySelector('[data-testid=stMain]').scrollBy(0, 800)")
        page.wait_for_timeout(400)
    page.evaluate("document.querySelector('[data-testid=stMain]').scrollTo(0, 0)")


def test_search_profile_trace_language_link_and_export(page: Page, app_server: str):
    page.goto(f"{app_server}/search?lang=en")
    box = page.get_by_label("Search by name or alias")
    box.wait_for(timeout=LONG)
    box.fill("falcon")
    box.press("Enter")
    page.get_by_role("link", name=re.compile(r"^FALCON-SA · Product")).click()
    expect(page.get_by_role("heading", name="FALCON-SA", exact=True)).to_be_visible(timeout=LONG)
    assert "id=product%3Afalcon-sa" in page.url
    expect(page.get_by_text("Privacy Impact Assessment DHS/ICE/PIA-032").first).to_be_visible()
    shoot(page, "profile-falcon-en", scrolls=3)

    page.get_by_role("link", name="Trace connections from here").click()
    expect(page.get_by_label("From")).to_have_value("FALCON-SA", timeout=LONG)
    graph_frame(page)
    nodes = graph_nodes(page)
    assert nodes["product:falcon-sa"] == "FALCON-SA" and nodes["agency:hsi"] == "Homeland Security Investigations"
    expect(page.get_by_text("Sources", exact=True)).to_be_visible()
    shoot(page, "trace-falcon-hsi-en", scrolls=3)

    page.get_by_text("Español").click()
    expect(page.get_by_text("Fuentes", exact=True)).to_be_visible(timeout=LONG)
    expect(page.get_by_role("heading", name="Rastrear conexiones")).to_be_visible()
    assert "lang=es" in page.url and "from=FALCON-SA" in page.url
    graph_frame(page)
    assert graph_nodes(page)["agency:hsi"] == "Homeland Security Investigations"

    shared = page.url
    page.goto(shared)
    expect(page.get_by_label("Desde")).to_have_value("FALCON-SA", timeout=LONG)
    expect(page.get_by_text("Fuentes", exact=True)).to_be_visible()
    graph_frame(page)
    assert set(graph_nodes(page)) == set(nodes)
    shoot(page, "trace-falcon-hsi-es-shared")

    page.get_by_text("Exportar esta vista").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="CSV de relaciones").click()
    path = Path(download.value.path())
    assert download.value.suggested_filename.endswith("-edges.csv")
    text = path.read_text(encoding="utf-8-sig")
    assert text.startswith("source,source_name,type,target,target_name") and "FALCON-SA" in text


def test_clicking_a_node_in_the_graph_opens_its_profile(page: Page, app_server: str):
    page.goto(f"{app_server}/neighbourhood?id=agency:hsi&lang=en")
    graph_frame(page)
    page.wait_for_timeout(2500)  # let the layout settle before aiming at a node
    frame = next(frame for frame in page.frames if "hilos_graph" in frame.url)
    spot = frame.evaluate("network.canvasToDOM(network.getPositions(['product:icm'])['product:icm'])")
    box = page.locator(GRAPH).first.bounding_box()
    shoot(page, "neighbourhood-hsi-en", scrolls=2)
    page.mouse.click(box["x"] + spot["x"], box["y"] + spot["y"])
    expect(page.get_by_role("heading", name="Investigative Case Management (ICM)")).to_be_visible(timeout=LONG)
    assert "page=profile" in page.url and "id=product%3Aicm" in page.url
    page.go_back()  # back to a neighbourhood, not bounced to the profile again
    expect(page.get_by_role("heading", name=re.compile("^Neighbourhood of"))).to_be_visible(timeout=LONG)
    graph_frame(page)
    page.wait_for_timeout(1500)
    assert "/neighbourhood?" in page.url and "page=neighbourhood" in page.url


def test_overview_starter_opens_the_trace(page: Page, app_server: str):
    page.goto(f"{app_server}/?page=overview&lang=es")
    expect(page.get_by_role("heading", name="Cómo leer el grafo")).to_be_visible(timeout=LONG)
    shoot(page, "overview-es", scrolls=2)
    page.get_by_role("link", name="Amazon Web Services → U.S. Immigration and Customs Enforcement").click()
    expect(page.get_by_label("Hasta")).to_have_value("U.S. Immigration and Customs Enforcement", timeout=LONG)
    graph_frame(page)
    nodes = graph_nodes(page)
    assert "company:amazon-web-services" in nodes and "agency:ice" in nodes
    shoot(page, "trace-aws-ice-es", scrolls=2)
