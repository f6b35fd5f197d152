"""The presentation page in a real browser at projector size: arrow keys move, the link follows, offline."""
from __future__ import annotations

import re

from tests.browser.conftest import ARTIFACTS

STORY = "quien-esta-detras-de-ice"


def _highlight(page) -> str:
    body = page.frame_locator("iframe").first.locator("body[data-drawn=true]")
    body.wait_for(timeout=60_000)
    return body.get_attribute("data-highlight")


def test_arrow_keys_walk_the_story_and_the_link_follows(page, app_server):
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{app_server}/present?lang=es&story={STORY}&step=4&edge=1")
    page.get_by_role("heading", name="HSI dentro de ICE").wait_for(timeout=60_000)
    assert _highlight(page) == "agency:hsi agency:ice"
    page.get_by_text("HSI es una dirección de ICE [1].").wait_for()
    page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r"step=4&edge=2"), timeout=30_000)
    page.get_by_text("ICE usa ICM, una de las dos herramientas operativas que le vende Palantir [2][3].").wait_for()
    page.wait_for_function("() => document.querySelector('iframe').contentDocument.body.dataset.highlight"
                           " === 'agency:hsi agency:ice product:icm'", timeout=30_000)
    page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r"step=5&edge=1"), timeout=30_000)
    page.get_by_role("heading", name="Sigue el dinero").wait_for()
    page.keyboard.press("ArrowLeft")
    page.wait_for_url(re.compile(r"step=4&edge=2"), timeout=30_000)
    # After a click on the graph the keys are the frame's; it hands the arrows back to the page.
    page.frame_locator("iframe").first.locator("body[data-drawn=true] canvas").click(position={"x": 40, "y": 40})
    page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r"step=5&edge=1"), timeout=30_000)


def test_a_step_on_the_projector_screenshot(page, app_server):
    """The screenshot to look at: step 5 of the first story, fully revealed, at 1920x1080."""
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{app_server}/present?lang=es&story={STORY}&step=5")
    page.get_by_role("heading", name="Sigue el dinero").wait_for(timeout=60_000)
    assert _highlight(page) == ("agency:ice company:palantir-technologies company:palantir-usg "
                                "contract:HSCETC14C00002 product:icm")
    assert "edge=4" in page.url
    page.get_by_text("[1] “Federal procurement record HSCETC14C00002").wait_for()
    page.wait_for_timeout(800)  # let the canvas settle after the last draw
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "story-present-1920x1080.png"))


def test_after_switching_language_the_arrow_keys_move_the_story_not_the_language(page, app_server):
    """The language radio keeps the focus after a click, and a focused radio takes ← and → for itself."""
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{app_server}/present?lang=es&story={STORY}&step=4&edge=1")
    page.get_by_role("heading", name="HSI dentro de ICE").wait_for(timeout=60_000)
    page.locator("[data-testid=stExpandSidebarButton]").click()
    page.locator("[data-testid=stSidebar]").get_by_text("English", exact=True).click()
    page.get_by_role("heading", name="HSI inside ICE").wait_for(timeout=30_000)
    _highlight(page)
    page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r"step=4&edge=2"), timeout=30_000)
    assert "lang=en" in page.url
