"""The Cypher console in a real browser, offline: on the embedded store, and on a real Neo4j chosen after `--`."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Page, expect

from graph.store_neo4j import Neo4jStore
from loaders.seed import load_seed
from tests.browser.conftest import running_app
from tests.browser.test_explorer import graph_frame, graph_nodes, shoot
from tests.conftest import NEO4J_TEST_URI
from tests.test_store_contract import NEO4J_SKIP, test_settings

LONG = 60_000


def test_embedded_store_explains_neo4j_and_offers_the_script(page: Page, app_server: str):
    page.goto(f"{app_server}/console?lang=en")
    expect(page.get_by_role("heading", name="Cypher console")).to_be_visible(timeout=LONG)
    expect(page.get_by_text("docker run -p 7687:7687 -e NEO4J_AUTH=none neo4j:5")).to_be_visible(timeout=LONG)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the graph as a Cypher script").click()
    script = Path(download.value.path()).read_text(encoding="utf-8")
    assert script.startswith("// Hilos graph: 101 nodes") and download.value.suggested_filename == "hilos-graph.cypher"
    page.get_by_text("All paths from FALCON-SA to HSI").click()
    expect(page.get_by_text("MATCH p = (:Entity {id: $from})-[*1..4]-(:Entity {id: $to})")).to_be_visible()
    shoot(page, "console-embedded", scrolls=2)


@pytest.fixture
def neo4j_server(tmp_path: Path) -> Iterator[str]:
    """The app on the test server holding the seed graph, chosen by `-- --backend neo4j` over HILOS_BACKEND."""
    if not NEO4J_TEST_URI:
        pytest.skip(NEO4J_SKIP)
    store = Neo4jStore.connect(test_settings())
    store.clear()
    load_seed(store)
    settings = {"NEO4J_URI": NEO4J_TEST_URI, "HILOS_BACKEND": "embedded",
                "HILOS_QUERIES": str(tmp_path / "queries.json")}
    try:
        with running_app(tmp_path / "graph.json", "--", "--backend", "neo4j", settings=settings,
                         tracebacks_fail=True) as url:
            yield url
    finally:
        store.clear()
        store.close()


@pytest.mark.neo4j
def test_console_on_neo4j_runs_examples_draws_paths_and_refuses_writes(page: Page, neo4j_server: str):
    page.goto(f"{neo4j_server}/console?lang=en")
    run = page.get_by_role("button", name="Run")
    run.click()
    expect(page.get_by_text("3 rows in")).to_be_visible(timeout=LONG)
    expect(page.get_by_role("button", name="Download CSV")).to_be_visible()
    shoot(page, "console-neo4j-table")
    page.locator("[data-testid=stSelectbox]").first.click()
    page.get_by_role("option", name="All paths from FALCON-SA to HSI").click()
    expect(page.locator("textarea").first).to_have_value(
        "// Every path of up to 4 steps, in either direction, that never passes the same entity twice.\n"
        "MATCH p = (:Entity {id: $from})-[*1..4]-(:Entity {id: $to})\n"
        "WHERE all(n IN nodes(p) WHERE single(m IN nodes(p) WHERE m = n))\n"
        "RETURN p AS path, length(p) AS steps\nORDER BY steps")
    run.click()
    graph_frame(page)
    assert {"product:falcon-sa", "agency:hsi"} <= set(graph_nodes(page))
    shoot(page, "console-neo4j-graph", scrolls=2)
    editor = page.locator("textarea").first
    editor.fill("MATCH (n) DETACH DELETE n")
    editor.press("Tab")
    run.click()
    expect(page.get_by_text("This console is read-only")).to_be_visible(timeout=LONG)
    editor.fill("UNWIND range(1, 1500) AS n RETURN n")
    editor.press("Tab")
    run.click()
    expect(page.get_by_text("only the first 1,000 rows are shown")).to_be_visible(timeout=LONG)


@pytest.mark.neo4j
def test_a_picked_query_is_named_in_the_new_language_after_a_switch(page: Page, neo4j_server: str):
    page.goto(f"{neo4j_server}/console?lang=es")
    page.locator("[data-testid=stSelectbox]").first.click(timeout=LONG)
    page.get_by_role("option", name="Todos los caminos de FALCON-SA a HSI").click()
    picked = page.locator("[data-testid=stMain] [data-testid=stSelectbox] input").first
    expect(picked).to_have_value("Todos los caminos de FALCON-SA a HSI", timeout=LONG)
    page.locator("[data-testid=stSidebar]").get_by_text("English", exact=True).click()
    page.get_by_role("heading", name="Cypher console").wait_for(timeout=LONG)
    expect(picked).to_have_value("All paths from FALCON-SA to HSI", timeout=10_000)
