"""The app as a reader sees it: seeded on first start, paths drawn and explained, in both languages."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.markup import WORD_JOINER, escape_markdown
from graph.i18n import browser_lang, t
from graph.model import Edge, Node
from graph.store_networkx import EmbeddedStore

ICM_CHAIN = "Palantir Technologies → Investigative Case Management (ICM) → Homeland Security Investigations"
ICM_PATH = "2"  # the seed's second-shortest Palantir-HSI path (ties go by node id: FALCON-SA first)


def shown(at: AppTest) -> list[str]:
    """Every paragraph of the Markdown elements as the reader sees it: escapes undone, word joiners dropped."""
    return [re.sub(r"\\(.)", r"\1", paragraph).replace(WORD_JOINER, "")
            for md in at.markdown for paragraph in md.value.split("\n\n")]


def test_spanish_by_default_with_the_seed_loaded_and_palantir_to_hsi_explained(app):
    app.query_params["path"] = ICM_PATH
    at = app.run()
    assert not at.exception
    assert at.sidebar.radio[0].value == "es" and at.query_params["lang"] == "es"
    texts = shown(at)
    assert any(ICM_CHAIN in text for text in texts)
    assert any("ICM es la herramienta principal de gestión de casos" in text and "[1]" in text for text in texts)
    assert any(text.startswith("[1] ") and "Ruby Wray" in text and "Foco de Tucson" in text for text in texts)
    assert "**Fuentes**" in texts and at.get("button_group")[0].options == ["1", "2", "3"]
    assert len(at.get("component_instance")) == 1


def test_english_after_switching_and_kept_in_the_link(app):
    app.query_params["path"] = ICM_PATH
    at = app.run()
    at.sidebar.radio[0].set_value("en").run()
    assert not at.exception
    texts = shown(at)
    assert any("main case" in text and "[1]" in text for text in texts)
    assert any(text.startswith("[1] ") and "Ruby Wray" in text for text in texts)
    assert "**Sources**" in texts and at.title[0].value == "Trace connections"
    assert at.query_params["lang"] == "en"


def test_language_from_the_link(app):
    app.query_params["lang"] = "en"
    at = app.run()
    assert at.sidebar.radio[0].value == "en" and at.title[0].value == "Trace connections"


def test_unknown_name_gets_a_warning_with_suggestions(app):
    at = app.run()
    at.text_input(key="from").set_value("Palantyr").run()
    assert not at.exception
    assert len(at.warning) == 1 and "quisiste decir" in at.warning[0].value and "Palantir" in at.warning[0].value
    assert not at.get("component_instance")


def test_search_lists_matching_entities(app):
    app.query_params["page"] = "search"
    at = app.run()
    at.text_input(key="q").set_value("falcón").run()
    assert not at.exception
    assert "FALCON\\-SA" in at.get("page_link")[0].proto.label


def test_names_are_shown_as_text_not_markup(app, db_path: Path):
    hostile = "<img src=x onerror=alert(1)> **bold** :red[x] $y$ [a](http://evil.example)"
    EmbeddedStore(db_path).write(
        [Node("company:x", "Company", {"name": hostile, "aliases": ["Hostile"]}),
         Node("agency:hsi", "Agency", {"name": "HSI"}),
         Node("source:s", "Source", {"name": "S", "title": "*T* <b>t</b>\n\n# H\n\n> q", "kind": "article"})],
        [Edge("company:x", "SUPPLIES", "agency:hsi", {"sources": ["source:s"], "evidence": "reported",
                                                      "quote": "a\n\n<script>b</script>"})])
    at = app.run()
    at.text_input(key="from").set_value("Hostile").run()
    assert not at.exception
    explained = next(md.value for md in at.markdown if "→" in md.value)  # chain, sentences, quotes and sources
    # Line breaks in the data cannot start a heading, a quote or a paragraph of their own in the block.
    assert [line[:2] for line in explained.split("\n") if line.startswith((">", "#"))] == ["> "]
    unquoted = re.sub("^> ", "", explained, flags=re.MULTILINE)
    assert escape_markdown(hostile) in explained and not re.search(r"(?<!\\)[<>\[\]()$:]", unquoted)
    assert any(text.startswith("[1] ") and "*T* <b>t</b> # H > q" in text for text in shown(at))


@pytest.mark.parametrize("header, lang", [
    (None, "es"), ("", "es"), ("es-MX,es;q=0.9,en;q=0.8", "es"), ("en-US,en;q=0.9,es;q=0.8", "en"),
    ("fr-FR,fr;q=0.9", "es"), ("fr, en;q=0.5", "en"), ("en;q=0, es;q=0.3", "es"), ("en;q=x, es", "es"),
])
def test_browser_language_decides_the_first_view(header, lang):
    assert browser_lang(header) == lang


def test_an_empty_graph_file_is_an_empty_graph_and_gets_the_seed(app, db_path: Path):
    """`touch graph.json` (or a file made by mktemp) before the first start: the app seeds it, not an error."""
    db_path.touch()
    at = app.run()
    assert not at.exception and not at.error, [error.value for error in at.error]
    assert any(ICM_CHAIN.split(" → ")[0] in text for text in shown(at))
    assert EmbeddedStore(db_path).get("company:palantir-technologies") is not None


def test_unreadable_graph_file_gets_one_friendly_line(app, db_path: Path):
    db_path.write_text("not json", encoding="utf-8")
    at = app.run()
    assert not at.exception
    assert [error.value for error in at.error] == [t("error.store", "es")]
