"""Hostile story and exercise files: a StoryError naming file, step and field, never a crash or live markup."""
from __future__ import annotations

import copy
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from graph.errors import HilosError
from graph.exercises import parse_exercises
from graph.stories import SEED_STORIES, StoryError, parse_story
from graph.story_check import _check_files
from graph.story_export import deck_html
from graph.story_view import build_view
from tests.fuzz.hostile import hostile_text

SEED = {path.stem: yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(SEED_STORIES.glob("*.yaml"))}
KEYS = ["title", "summary", "order", "steps", "text", "highlight", "show", "sources", "es", "en", "fr", "from",
        "to", "max_steps", "exercises", 1, None, True, 2.5]
ITEMS = ["agency:ice", "company:palantir-technologies", "product:icm", "source:foco-tucson-notechforice",
         "company:palantir-usg DEVELOPS product:icm", "agency:ice PART_OF agency:dhs", "agency:ice NOPE agency:dhs",
         "source:nope", "nope:x", "agency:", ":", "a b", "a b c d"]

yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.sampled_from(ITEMS)
    | hostile_text(max_parts=3, allow_huge=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=4),
    max_leaves=14)


@st.composite
def story_document(draw) -> object:
    """A seed story with random parts replaced (keys, values, whole steps), or any YAML value."""
    if draw(st.integers(0, 5)) == 0:
        return draw(yaml_values)
    document = copy.deepcopy(SEED[draw(st.sampled_from(sorted(SEED)))])
    for _ in range(draw(st.integers(1, 4))):
        target = document
        if draw(st.booleans()) and isinstance(document.get("steps"), list) and document["steps"]:
            target = draw(st.sampled_from(document["steps"]))
            if not isinstance(target, dict):
                continue
        target[draw(st.sampled_from([*target, *KEYS]))] = draw(yaml_values)
    return document


class Markup(HTMLParser):
    """The start tags of a page and the href/src attributes in them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.links += [value or "" for name, value in attrs if name in ("href", "src", "action", "formaction")]


def check_page(page: str, benign: str) -> None:
    """The page has the elements the same page of benign data has, the same scripts and no javascript: link."""
    parser, reference = Markup(), Markup()
    parser.feed(page)
    reference.feed(benign)
    assert parser.tags.count("script") == reference.tags.count("script")
    assert set(parser.tags) <= set(reference.tags)
    assert not any(link.strip().lower().startswith("javascript:") for link in parser.links)


def benign_deck(lang: str) -> str:
    """The deck of a seed story over the seed graph: what a deck's markup may hold."""
    from graph.store_networkx import EmbeddedStore  # noqa: PLC0415 - the seed store comes from a fixture below
    return deck_html(build_view(parse_story(yaml.safe_dump(SEED["falcon-sa-hsi"]), "falcon-sa-hsi"),
                                EmbeddedStore(STORE[0]), lang))


STORE: list[Path] = []


@pytest.fixture(autouse=True)
def _seed(seed_file: Path) -> None:
    STORE[:] = [seed_file]


@given(document=story_document(), lang=st.sampled_from(["es", "en"]))
def test_story_documents(seed_store, document, lang):
    text = yaml.safe_dump(document, allow_unicode=True)
    try:
        story = parse_story(text, "fuzzed", "fuzzed.yaml")
        view = build_view(story, seed_store, lang)
    except StoryError as exc:
        assert str(exc).startswith("fuzzed.yaml")
        return
    check_page(deck_html(view), benign_deck(lang))


@given(text=st.one_of(hostile_text(), st.text(max_size=200),
                      st.sampled_from(["&a [1]\n*a", "? [a]\n: b", "!!python/object:os.system x", "a: !!binary x",
                                       "title: &x {es: a, en: b}\nsteps: [*x, *x]", "%YAML 9.9\n---\nx", "\ufeff",
                                       "steps:\n- {title: {es: a, en: b}, text: {es: a, en: b}, 1: x}"])))
def test_story_text(text):
    try:
        parse_story(text, "fuzzed", "fuzzed.yaml")
    except StoryError as exc:
        assert str(exc).startswith("fuzzed.yaml")


@given(document=st.one_of(yaml_values, st.lists(st.dictionaries(st.sampled_from(KEYS), yaml_values, max_size=4),
                                                max_size=3).map(lambda items: {"exercises": items})))
def test_exercise_documents(document):
    try:
        parse_exercises(yaml.safe_dump(document, allow_unicode=True), "ex.yaml")
    except StoryError as exc:
        assert str(exc).startswith("ex.yaml")


@given(data=st.binary(max_size=200), folder=st.sampled_from(["stories", "exercises"]))
def test_story_check_reads_any_bytes(seed_store, tmp_path_factory, data, folder):
    path = tmp_path_factory.mktemp(folder) / "fuzzed.yaml"
    path.write_bytes(data)
    try:
        checked, errors = _check_files([path], seed_store)
    except HilosError:  # pragma: no cover - _check_files reports errors, it does not raise them
        raise AssertionError("story_check raised instead of reporting") from None
    assert checked + len(errors) == 1
