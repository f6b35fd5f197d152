"""The story editor in a real browser on a trainer's laptop: every button reads in full, in Spanish too."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.test_explorer import LONG

# A button's label is cut ("…") when its text is wider than the box Streamlit gives it.
CUT_LABELS = """() => [...document.querySelectorAll('[data-testid=stMain] button [data-testid=stMarkdownContainer]')]
    .filter(label => label.scrollWidth > label.clientWidth + 1).map(label => label.textContent)"""


def test_the_editors_buttons_are_not_cut_on_a_laptop(page: Page, app_server: str):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{app_server}/story_editor?lang=es&from=Palantir&to=HSI")
    page.get_by_role("button", name="Añadir esta ruta como paso").click(timeout=LONG)
    page.get_by_role("textbox", name="Identificador (nombre del archivo)").fill("mi-historia")
    page.get_by_role("textbox", name="Título (Español)").fill("Mi historia")
    page.get_by_role("textbox", name="Título (English)").fill("My story")
    page.keyboard.press("Tab")
    page.get_by_role("button", name="Guardar historia").wait_for(timeout=LONG)
    page.get_by_role("tab", name="Una entidad").click()
    page.get_by_role("textbox", name="Entidad (nombre o alias)").fill("U.S. Immigration and Customs Enforcement")
    page.keyboard.press("Tab")
    page.get_by_role("button", name="Añadir «U.S. Immigration and Customs Enforcement» como paso").wait_for(timeout=LONG)
    page.wait_for_timeout(500)
    assert page.evaluate(CUT_LABELS) == []


def test_a_pasted_profile_link_opens_the_entity_tab(page: Page, app_server: str):
    """A profile link names one entity: the editor shows that entity's step, not an empty path form."""
    page.goto(f"{app_server}/story_editor?lang=es")
    link = page.get_by_role("textbox", name="Enlace de una vista del explorador (opcional)")
    link.fill(f"{app_server}/profile?id=agency:ice&lang=es", timeout=LONG)
    page.keyboard.press("Enter")
    add = page.get_by_role("button", name="Añadir «U.S. Immigration and Customs Enforcement» como paso")
    add.wait_for(timeout=LONG)
    add.click()
    page.get_by_text("Paso 1 de 1").wait_for(timeout=LONG)
    link.fill(f"{app_server}/trace?from=Palantir&to=HSI&lang=es")  # and a trace link after it, the path tab
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Añadir esta ruta como paso").wait_for(timeout=LONG)


def test_the_story_to_copy_is_named_in_the_new_language_after_a_switch(page: Page, app_server: str):
    page.goto(f"{app_server}/story_editor?lang=es")
    page.get_by_text("Partir de una historia existente").click(timeout=LONG)
    picked = page.locator("[data-testid=stMain] [data-testid=stSelectbox] input").first
    expect(picked).to_have_value("¿Quién está detrás de ICE? Palantir → ICM → HSI", timeout=LONG)
    page.locator("[data-testid=stSidebar]").get_by_text("English", exact=True).click()
    page.get_by_role("heading", name="Story editor").wait_for(timeout=LONG)
    expect(picked).to_have_value("Who is behind ICE? Palantir → ICM → HSI", timeout=10_000)
