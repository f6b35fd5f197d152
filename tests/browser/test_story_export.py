"""The exported deck from a USB stick: opened from file:// with every request blocked, stepped through to the end."""
from __future__ import annotations

from pathlib import Path

import pytest

from graph.stories import SEED_STORIES, read_stories
from graph.story_export import deck_html
from graph.story_view import StoryView, build_view
from hilos_testing.chromium import fence
from tests.browser.conftest import ARTIFACTS

STORIES = sorted(read_stories(SEED_STORIES)[0], key=lambda story: story.order)


@pytest.fixture
def offline(browser):
    """A browser context that is offline and refuses every request but the file itself; yields the attempts."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, offline=True)
    attempts: list[str] = []
    fence(context, attempts, allowed=lambda url: url.startswith("file://"))
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("dialog", lambda dialog: (problems.append(dialog.message), dialog.dismiss()))
    page.on("requestfailed", lambda request: attempts.append(request.url))
    yield page
    context.close()
    assert not attempts, f"the deck tried to load: {attempts}"
    assert not problems, problems


def _deck(view: StoryView, folder: Path) -> str:
    path = folder / f"{view.story.id}-{view.lang}.html"
    path.write_text(deck_html(view), encoding="utf-8")
    return path.as_uri()


def _state(page) -> dict:
    return page.evaluate("""() => ({
        step: Number(document.body.dataset.step), shown: Number(document.body.dataset.shown),
        highlight: document.body.dataset.highlight,
        visible: nodes.get({filter: (node) => !node.hidden}).map((node) => node.id).sort(),
        article: Number(document.querySelector("article:not([hidden])").dataset.step),
        facts: [...document.querySelectorAll("article:not([hidden]) [data-reveal]")]
                 .filter((item) => !item.hidden).length,
        notes: document.querySelectorAll("article:not([hidden]) .notes li").length,
        next: document.getElementById("next").disabled})""")


@pytest.mark.parametrize("story", STORIES, ids=[story.id for story in STORIES])
def test_every_frame_highlights_what_the_story_says(offline, seed_store, tmp_path, story):
    view = build_view(story, seed_store, "es")
    offline.goto(_deck(view, tmp_path))
    offline.locator("body[data-drawn=true]").wait_for(timeout=30_000)
    frames = view.frames()
    for index, (number, shown) in enumerate(frames):
        if index:
            offline.keyboard.press("ArrowRight")
        step = view.step(number)
        state = _state(offline)
        assert (state["step"], state["shown"], state["article"]) == (number, shown, number)
        assert state["highlight"] == " ".join(sorted(step.highlighted(shown)))
        assert state["visible"] == sorted(step.visible_nodes(shown))
        assert state["notes"] == len(step.footnotes) > 0  # sources on every step
        assert state["next"] == (index == len(frames) - 1)
    offline.keyboard.press("ArrowRight")  # past the end: stays on the last frame
    assert (_state(offline)["step"], _state(offline)["shown"]) == frames[-1]


def test_buttons_home_and_a_hash_link_move_too(offline, seed_store, tmp_path):
    view = build_view(read_stories(SEED_STORIES)[0][0], seed_store, "en")
    url = _deck(view, tmp_path)
    offline.goto(f"{url}#3.1")
    offline.locator("body[data-drawn=true]").wait_for(timeout=30_000)
    state = _state(offline)
    assert (state["step"], state["shown"]) == (3, 1)
    offline.get_by_role("button", name="Next →").click()
    assert (_state(offline)["step"], _state(offline)["shown"]) == view.frames()[view.frames().index((3, 1)) + 1]
    offline.get_by_role("button", name="← Previous").click()
    offline.keyboard.press("End")
    assert (_state(offline)["step"], _state(offline)["shown"]) == view.frames()[-1]
    offline.keyboard.press("Home")
    assert (_state(offline)["step"], _state(offline)["shown"]) == view.frames()[0]
    assert offline.evaluate("location.hash") == "#%d.%d" % view.frames()[0]
    ARTIFACTS.mkdir(exist_ok=True)
    offline.screenshot(path=str(ARTIFACTS / "story-deck-offline.png"))
