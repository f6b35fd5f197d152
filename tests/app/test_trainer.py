"""Trainer mode in AppTest: the presentation page, the story editor and the exercises, as a trainer uses them."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.markup import WORD_JOINER
from graph.stories import parse_story, read_story
from graph.story_view import check_story
from graph.store_networkx import EmbeddedStore

ROOT = Path(__file__).resolve().parents[2]


def present_page() -> None:
    import streamlit as st

    from app_pages import present
    from app_pages.common import choose_lang

    st.set_page_config(layout="wide")
    choose_lang()
    present.render()


def editor_page() -> None:
    import streamlit as st

    from app_pages import story_editor
    from app_pages.common import choose_lang

    st.set_page_config(layout="wide")
    choose_lang()
    story_editor.render()


def exercises_page() -> None:
    import streamlit as st

    from app_pages import exercises
    from app_pages.common import choose_lang

    st.set_page_config(layout="wide")
    choose_lang()
    exercises.render()


@pytest.fixture
def stories_folder(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The trainer's folder: next to the test's graph file."""
    monkeypatch.delenv("HILOS_STORIES", raising=False)
    return db_path.parent / "stories"


def opened(page, stories_folder: Path, **params: str) -> AppTest:
    at = AppTest.from_function(page, default_timeout=60)
    at.query_params.update({"lang": "es", **params})
    at.run()
    assert not at.exception, at.exception
    return at


def plain(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown).replace(WORD_JOINER, "")


def shown(at: AppTest) -> list[str]:
    return [plain(md.value) for md in at.markdown]


def frame(at: AppTest) -> tuple[str, str, str]:
    return at.query_params["story"], at.query_params["step"], at.query_params["edge"]


def test_the_first_story_opens_on_its_first_frame(stories_folder):
    at = opened(present_page, stories_folder)
    assert frame(at) == ("quien-esta-detras-de-ice", "1", "0")
    assert plain(at.title[0].value) == "La empresa"
    assert shown(at)[0] == "¿Quién está detrás de ICE? Palantir → ICM → HSI · Paso 1 de 5"
    assert any(text.startswith("Palantir Technologies (Empresa): Empresa de software") for text in shown(at))
    assert len(at.get("iframe")) == 1
    assert at.button(key="present-prev").disabled and not at.button(key="present-next").disabled
    assert [widget.key for widget in at.sidebar.radio] == ["lang"]  # nothing of ours in the sidebar


def test_next_and_previous_reveal_one_relationship_at_a_time_with_footnotes_on_every_frame(stories_folder):
    at = opened(present_page, stories_folder, story="quien-esta-detras-de-ice", step="4", edge="1")
    assert "HSI es una dirección de ICE [1]." in shown(at)
    assert not any(text.startswith("ICE usa ICM") for text in shown(at))
    at.button(key="present-next").click().run()
    assert frame(at) == ("quien-esta-detras-de-ice", "4", "2")
    assert any(text.startswith("ICE usa ICM, una de las dos herramientas") for text in shown(at))
    assert any(text.startswith("> «La empresa de software y análisis de datos Palantir") for text in shown(at))
    at.button(key="present-prev").click().run()
    at.button(key="present-prev").click().run()
    assert frame(at) == ("quien-esta-detras-de-ice", "3", "1")
    seen = []
    while not at.button(key="present-next").disabled:
        at.button(key="present-next").click().run()
        assert not at.exception
        texts = shown(at)
        assert "**Fuentes**" in texts and any(text.startswith("[1] ") for text in texts), frame(at)
        seen.append(frame(at)[1:])
    assert seen == [("4", "1"), ("4", "2"), ("5", "1"), ("5", "2"), ("5", "3"), ("5", "4")]


@pytest.mark.parametrize("step, edge, expected", [
    ("3", None, ("3", "2")),  # a step alone opens fully revealed
    ("99", "9", ("6", "2")),
    ("zero", None, ("1", "1")),
])
def test_a_deep_link_opens_the_nearest_real_frame(stories_folder, step, edge, expected):
    params = {"story": "la-nube-aws", "step": step, **({"edge": edge} if edge else {})}
    at = opened(present_page, stories_folder, **params)
    assert frame(at) == ("la-nube-aws", *expected)


def test_english_slides_and_the_story_picker(stories_folder):
    at = opened(present_page, stories_folder, lang="en", story="detencion-corecivic-geo", step="1", edge="2")
    assert plain(at.title[0].value) == "Who profits from detention"
    assert any("“CCA and GEO have made billions of dollars" in text and "(translation) [1]" in text
               for text in shown(at))
    at.selectbox(key="present-story").set_value("falcon-sa-hsi").run()
    assert frame(at) == ("falcon-sa-hsi", "1", "1") and plain(at.title[0].value) == "What is FALCON-SA?"


def test_a_broken_file_in_the_trainers_folder_is_named_not_fatal(stories_folder):
    stories_folder.mkdir(parents=True)
    (stories_folder / "roto.yaml").write_text("title: {es: a, en: b}\nsteps:\n  - title: {es: x}\n", "utf-8")
    (stories_folder / "fantasma.yaml").write_text(
        "title: {es: Fantasma, en: Ghost}\nsteps:\n  - title: {es: a, en: a}\n    text: {es: b, en: b}\n"
        "    highlight: [company:nadie]\n    sources: [source:foco-tucson-notechforice]\n", "utf-8")
    at = opened(present_page, stories_folder)  # a Spanish page: the errors are in Spanish too
    warnings = [plain(warning.value) for warning in at.warning]
    assert any("roto.yaml, paso 1 (línea 3), campo 'title': falta el texto 'en' o está vacío" in text
               for text in warnings)
    at = opened(present_page, stories_folder, story="fantasma")
    assert len(at.error) == 1
    assert ("fantasma.yaml, paso 1 (línea 3), campo 'highlight': no hay ninguna entidad con el id 'company:nadie' "
            "en el grafo") in plain(at.error[0].value)
    at = opened(present_page, stories_folder, story="fantasma", lang="en")
    assert ("fantasma.yaml, step 1 (line 3), field 'highlight': no entity with id 'company:nadie' in the graph"
            in plain(at.error[0].value))


def test_the_editor_builds_a_story_from_an_explorer_view_and_saves_it_outside_the_repo(stories_folder, db_path):
    at = opened(editor_page, stories_folder, **{"from": "Palantir", "to": "HSI", "path": "2"})
    assert at.radio(key="editor.path").value == 1  # the explorer's second path
    at.button(key="editor.add.path").click().run()
    at.text_input(key="editor.entity").set_value("ERO").run()
    at.button(key="editor.add.entity").click().run()
    at.text_area(key="editor.0.text.es").set_value("¿Quién vende la herramienta que usa HSI?").run()
    at.button(key="editor.up.1").click().run()  # the entity first
    at.text_input(key="editor.meta.id").set_value("mi-taller").run()
    at.text_input(key="editor.meta.title.es").set_value("Mi taller").run()
    assert any("Falta el título en English." in plain(info.value) for info in at.info)
    at.text_input(key="editor.meta.title.en").set_value("My workshop").run()
    at.button(key="editor.save").click().run()
    assert not at.exception and len(at.success) == 1
    saved = stories_folder / "mi-taller.yaml"
    story = read_story(saved)
    check_story(story, EmbeddedStore(db_path))
    assert [step.highlight_nodes for step in story.steps] == [("agency:ero",), ()]
    assert story.steps[1].highlight_edges == (("company:palantir-technologies", "DEVELOPS", "product:icm"),
                                              ("agency:hsi", "USES", "product:icm"))
    assert story.steps[1].text == {"es": "¿Quién vende la herramienta que usa HSI?",
                                   "en": "How is Palantir Technologies connected to HSI?"}
    assert story.steps[1].sources == ("source:foco-tucson-notechforice",)
    assert not (ROOT / "seed_data" / "stories" / "mi-taller.yaml").exists()
    present = opened(present_page, stories_folder, story="mi-taller")
    assert plain(present.title[0].value) == "Enforcement and Removal Operations"


def test_the_editor_reads_a_pasted_explorer_link_and_removes_steps(stories_folder):
    at = opened(editor_page, stories_folder)
    at.text_input(key="editor.link").set_value("http://127.0.0.1:8501/trace?from=Amazon&to=ICE&path=2&lang=es").run()
    assert at.text_input(key="editor.from").value == "Amazon" and at.radio(key="editor.path").value == 1
    at.button(key="editor.add.path").click().run()
    assert ("**Paso 1 de 1** · Amazon Web Services —es filial de→ Amazon · Amazon Web Services —provee a→ ICE"
            in shown(at))
    at.button(key="editor.drop.0").click().run()
    assert "Todavía no hay pasos; añade uno arriba." in [plain(info.value) for info in at.info]


def test_the_editor_copies_a_built_in_story_under_a_new_id(stories_folder):
    at = opened(editor_page, stories_folder)
    at.selectbox(key="editor.copy").set_value("falcon-sa-hsi").run()
    at.button(key="editor.copy.go").click().run()
    assert at.text_input(key="editor.meta.id").value == "falcon-sa-hsi-copia"
    assert len([key for key in (widget.key for widget in at.text_area) if key.endswith(".text.es")]) == 5
    yaml_text = at.code[0].value
    assert parse_story(yaml_text, "falcon-sa-hsi-copia").steps == read_story(
        ROOT / "seed_data" / "stories" / "falcon-sa-hsi.yaml").steps


def test_exercise_cards_hide_hints_and_answers_that_come_from_the_graph(stories_folder):
    at = opened(exercises_page, stories_folder, lang="en")
    questions = [plain(header.value) for header in at.subheader]
    assert questions[:2] == ["How does Amazon reach ICE?", "How does Palantir Technologies reach HSI?"]
    labels = [expander.label for expander in at.expander]
    assert labels[:5] == ["Make a card", "Hint 1", "Hint 2", "Hint 3", "Answer"]
    texts = shown(at)
    assert "The shortest answer takes 2 steps." in texts
    assert "**Amazon → U.S. Department of Homeland Security → U.S. Immigration and Customs Enforcement**" in texts
    assert any(text.startswith("Amazon has contracts with DHS [1]") for text in texts)
    assert not at.warning
    at.text_input(key="exercises.from").set_value("Avelo").run()
    at.text_input(key="exercises.to").set_value("ICE").run()
    assert plain(at.subheader[0].value) == "How does Avelo Airlines reach ICE?"



def test_the_editor_keeps_the_explorers_avoided_entities(stories_folder):
    at = opened(editor_page, stories_folder, **{"from": "Palantir", "to": "HSI", "avoid": "product:falcon-sa"})
    options = [plain(option) for option in at.radio(key="editor.path").options]
    assert options and not any("FALCON" in option for option in options)
    assert options[0] == "Palantir Technologies → Investigative Case Management (ICM) → HSI"


def test_the_current_view_downloads_as_one_offline_file_without_a_story(stories_folder):
    at = opened(editor_page, stories_folder, **{"from": "FALCON-SA", "to": "HSI"})
    labels = [button.proto.label for button in at.get("download_button")]
    assert "Solo esta vista, sin conexión (un archivo HTML)" in labels and "Hoja para imprimir" in labels
    assert not stories_folder.exists()  # nothing saved on the way
