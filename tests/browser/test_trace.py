"""The path tracer in a real browser, offline: Palantir to HSI is drawn and explained."""
from tests.browser.conftest import ARTIFACTS


def test_palantir_to_hsi_is_drawn_and_cited(page, app_server):
    page.goto(f"{app_server}/?lang=es")
    page.get_by_text("Fuentes").first.wait_for(timeout=60_000)
    frame = page.frame_locator("iframe").first
    frame.locator("canvas").first.wait_for(timeout=30_000)
    assert page.get_by_text("Ruby Wray").first.is_visible()
    page.get_by_role("radio", name="2", exact=True).click()  # the second path, highlighted and explained
    page.get_by_text("ICM es la herramienta principal de gestión de casos de HSI").first.wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "browser-trace-es.png"), full_page=True)


def test_switching_to_english_keeps_the_trace(page, app_server):
    page.goto(f"{app_server}/?lang=es")
    page.get_by_text("Fuentes").first.wait_for(timeout=60_000)
    page.get_by_text("English").click()
    page.get_by_text("Sources").first.wait_for(timeout=30_000)
    assert "lang=en" in page.url


def test_a_link_typed_with_the_trace_path_opens_the_tracer_without_page_not_found(page, app_server):
    page.goto(f"{app_server}/trace?lang=en&from=FALCON-SA&to=HSI")
    page.get_by_text("Sources").first.wait_for(timeout=60_000)
    assert page.get_by_text("FALCON-SA → Homeland Security Investigations").first.is_visible()
    assert page.get_by_role("dialog").count() == 0 and page.get_by_text("Page not found").count() == 0
    assert "/trace" in page.url


def test_common_connections_show_whole_names_on_a_projector(page, app_server):
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{app_server}/trace?lang=es&from=Palantir&to=ICE")
    page.get_by_text("Conexiones en común (7)").wait_for(timeout=60_000)
    page.get_by_role("link", name="HSCETC15C00001 (FALCON O&M, Palantir)").wait_for()
    cut = page.evaluate("""() => [...document.querySelectorAll('[data-testid=stPageLink] *')]
        .filter(e => e.children.length == 0 && e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)""")
    assert cut == []
