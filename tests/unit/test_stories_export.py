"""The exported deck and the handout: one file each, nothing fetched, names kept as text."""
from __future__ import annotations

import json
import re

import pytest

from graph.handout import handout_html
from graph.model import Edge, Node
from graph.render import vis_assets
from graph.stories import SEED_STORIES, parse_story, read_story
from graph.story_export import deck_html
from graph.story_stage import stage_page
from graph.story_svg import frame_svg
from graph.story_view import build_view

HOSTILE = '<img src=x onerror=alert(1)></script><script>alert(2)</script> & "quotes"'
# Any address a browser would fetch; vis-network's icons (data:) and SVG markers (#id) fetch nothing.
EXTERNAL = re.compile(r"""(src|href|action)\s*=\s*["']?\s*(https?:)?//|(?-i:\burl\()(?!"?(data:|#))"""
                      r"|@import|<link|<iframe", re.IGNORECASE)


@pytest.fixture
def hostile_view(tiny_store):
    tiny_store.write([Node("company:evil", "Company", {"name": HOSTILE, "description_en": HOSTILE})],
                     [Edge("company:evil", "DEVELOPS", "product:case",
                           {"sources": ["source:article"], "evidence": "seed", "quote": HOSTILE,
                            "summary_en": HOSTILE})])
    story = parse_story("title: {es: t, en: '" + HOSTILE.replace("'", "''") + "'}\nsteps:\n"
                        "  - title: {es: a, en: '<b>step</b>'}\n    text: {es: b, en: '<i>text</i>'}\n"
                        "    highlight: ['company:evil DEVELOPS product:case', 'agency:hsi USES product:case']\n"
                        "    sources: [source:article]\n", "evil")
    return build_view(story, tiny_store, "en")


def _data(page: str, name: str) -> dict:
    start = page.index(f"const {name} = ") + len(f"const {name} = ")
    return json.JSONDecoder().raw_decode(page, start)[0]


def test_the_deck_is_one_offline_file(seed_store):
    view = build_view(read_story(SEED_STORIES / "la-nube-aws.yaml"), seed_store, "es")
    page = deck_html(view)
    assert not EXTERNAL.search(page)
    assert "default-src 'none'" in page and vis_assets()[0] in page
    assert _data(page, "DECK")["frames"] == [list(frame) for frame in view.frames()]
    assert page.count("<article ") == len(view.steps)
    stage = _data(page, "STAGE")
    assert [frame["lit"] for frame in stage["frames"]] == [
        list(view.step(number).highlighted(shown)) for number, shown in view.frames()]


def test_names_stay_text_in_the_deck_the_stage_the_picture_and_the_handout(hostile_view):
    for page in (deck_html(hostile_view), stage_page(hostile_view, (1, 2), 600), handout_html(hostile_view),
                 frame_svg(hostile_view, (1, 2))):
        assert HOSTILE not in page and "<img" not in page and "<b>step" not in page and "<i>text" not in page
        assert not EXTERNAL.search(page)
    deck = deck_html(hostile_view)
    assert deck.lower().count("</script") == 3  # vis-network, the stage, the deck: ours only
    assert "&lt;b&gt;step&lt;/b&gt;" in deck and "&lt;i&gt;text&lt;/i&gt;" in deck
    assert _data(deck, "STAGE")["nodes"][0]["base"]["label"] == HOSTILE


@pytest.mark.parametrize("paper, size", [("A4", "A4"), ("Letter", "letter")])
def test_the_handout_prints_every_step_with_its_picture_and_footnotes(seed_store, paper, size):
    view = build_view(read_story(SEED_STORIES / "quien-esta-detras-de-ice.yaml"), seed_store, "es")
    page = handout_html(view, paper)
    assert f"@page {{ size: {size};" in page and "<script" not in page
    assert page.count("<svg") == page.count("<section") == len(view.steps)
    assert "Ruby Wray, “Campaña #NoTechForICE revela lazos con ICE”" in page
    assert "ICM es la herramienta principal de gestión de casos de HSI [1]." in page


def test_the_picture_marks_what_the_frame_highlights(seed_store):
    view = build_view(read_story(SEED_STORIES / "quien-esta-detras-de-ice.yaml"), seed_store, "es")
    picture = frame_svg(view, (4, 1))
    lit = re.findall(r'<g class="node lit" data-id="([^"]+)"', picture)
    dim = re.findall(r'<g class="node context" data-id="([^"]+)"', picture)
    assert sorted(lit) == ["agency:hsi", "agency:ice"]
    assert sorted(dim) == ["company:palantir-technologies", "product:icm"]
    assert ">forma parte de</text>" in picture
