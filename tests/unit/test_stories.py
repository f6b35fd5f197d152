"""Story files: the built-in stories check out against the seed graph; a bad file names file, step, field."""
from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from graph.i18n import error_text
from graph.stories import (SEED_STORIES, StoryError, all_stories, parse_story, read_stories, read_story, save_story,
                           story_to_yaml, user_stories_folder)
from graph.story_view import check_story

GOOD = textwrap.dedent("""\
    title: {es: Acme y HSI, en: Acme and HSI}
    steps:
      - title: {es: La empresa, en: The company}
        text: {es: "¿Quién es?", en: "Who is it?"}
        highlight: [company:acme, "company:acme DEVELOPS product:tool"]
        sources: [source:article]
      - title: {es: La herramienta, en: The tool}
        text: {es: "¿Qué vende?", en: "What does it sell?"}
        highlight:
          - company:acme DEVELOPS product:case
          - agency:hsi USES product:case
        show: [agency:ice]
        sources: [source:article]
    """)


def test_the_built_in_stories_check_out_against_the_seed_graph(seed_store):
    stories, errors = read_stories(SEED_STORIES)
    assert not errors
    titles = {story.title["es"] for story in stories}
    assert {"¿Quién está detrás de ICE? Palantir → ICM → HSI", "FALCON-SA → HSI: cómo se cruzan los datos",
            "La nube: Amazon Web Services y los datos de ICE"} <= titles
    assert any("CoreCivic" in title and "GEO" in title for title in titles)
    for story in stories:
        check_story(story, seed_store)
        assert all(step.sources for step in story.steps)


def test_a_good_story_reads_back_from_its_own_yaml():
    story = parse_story(GOOD, "acme")
    assert story.id == "acme" and len(story.steps) == 2
    second = story.steps[1]
    assert second.highlight_edges == (("company:acme", "DEVELOPS", "product:case"),
                                      ("agency:hsi", "USES", "product:case"))
    assert second.show_nodes == ("agency:ice",) and second.line == 7
    assert story.steps[0].highlight_nodes == ("company:acme",)
    assert parse_story(story_to_yaml(story), "acme") == story


def _broken(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new)


@pytest.mark.parametrize("text, step, line, field, reason", [
    (_broken("agency:hsi USES", "agency:hsi USE"), 2, 7, "highlight", "unknown relationship type 'USE'"),
    (_broken("- company:acme DEVELOPS", "- agency:ice DEVELOPS"), 2, 7, "highlight", "DEVELOPS cannot join"),
    (_broken("[agency:ice]", "[acme]"), 2, 7, "show", "'acme' is not an entity id"),
    (_broken("[agency:ice]", "['a b']"), 2, 7, "show", "neither an entity id nor"),
    (_broken('en: "What does it sell?"', "de: Was"), 2, 7, "text", "unknown language 'de'"),
    (_broken("{es: La empresa, en: The company}", "{es: La empresa}"), 1, 3, "title", "'en' text is missing"),
    (_broken('highlight: [company:acme, "company:acme DEVELOPS product:tool"]', "highlight: []"), 1, 3,
     "highlight", "at least one"),
    (_broken("    sources: [source:article]\n", "    sources: []\n"), 1, 3, "sources", "at least one source"),
    (_broken("sources: [source:article]\n  - title: {es: La h", "sources: [company:acme]\n  - title: {es: La h"),
     1, 3, "sources", "not a source id"),
    (_broken("show: [agency:ice]", "shows: [agency:ice]"), 2, 7, "shows", "unknown field"),
    (_broken('text: {es: "¿Quién es?"', "text: {es: '" + "x" * 321 + "'"),
     1, 3, "text", "321 characters"),
])
def test_a_bad_step_is_named_by_file_step_line_and_field(text, step, line, field, reason):
    with pytest.raises(StoryError) as caught:
        parse_story(text, "acme", "stories/acme.yaml")
    error = caught.value
    assert (error.path, error.step, error.line, error.field) == ("stories/acme.yaml", step, line, field)
    assert reason in str(error.reason)
    assert str(error).startswith(f"stories/acme.yaml, step {step} (line {line}), field '{field}': ")


def test_a_bad_step_reads_in_the_readers_language_with_the_same_file_step_line_and_field():
    with pytest.raises(StoryError) as caught:
        parse_story(_broken("{es: La empresa, en: The company}", "{es: La empresa}"), "acme", "stories/acme.yaml")
    assert error_text(caught.value, "es") == \
        "stories/acme.yaml, paso 1 (línea 3), campo 'title': falta el texto 'en' o está vacío"
    assert error_text(caught.value, "en") == str(caught.value) == \
        "stories/acme.yaml, step 1 (line 3), field 'title': the 'en' text is missing or empty"


@pytest.mark.parametrize("text, story_id, field, reason", [
    ("title: {es: a, en: b}\n", "acme", "steps", "at least one step"),
    ("title: {es: a, en: b}\nsteps: []\n", "acme", "steps", "at least one step"),
    (GOOD + "colour: red\n", "acme", "colour", "unknown field"),
    (GOOD + "order: first\n", "acme", "order", "whole number"),
    (GOOD, "Acme Story", None, "file name"),
    ("title: [unclosed\n", "acme", None, "not valid YAML"),
    ("- just a list\n", "acme", None, "expected a mapping"),
])
def test_a_bad_file_is_named(text, story_id, field, reason):
    with pytest.raises(StoryError) as caught:
        parse_story(text, story_id, "stories/x.yaml")
    assert caught.value.field == field and reason in str(caught.value.reason)
    assert str(caught.value).startswith("stories/x.yaml")


@pytest.mark.parametrize("old, new, step, field, reason", [
    ("highlight: [company:acme,", "highlight: [company:nobody,", 1, "highlight", "no entity with id 'company:nobody'"),
    ("agency:hsi USES product:case", "agency:ice USES product:case", 2, "highlight",
     "no relationship 'agency:ice USES product:case'"),
    ("show: [agency:ice]", "show: ['agency:ice PART_OF agency:hsi']", 2, "show", "no relationship"),
    ("[source:article]\n  - title: {es: La h", "[source:record]\n  - title: {es: La h", 1, "sources",
     "backs none of the step"),
    ("[source:article]\n  - title: {es: La h", "[source:gone]\n  - title: {es: La h", 1, "sources", "no entity"),
])
def test_the_graph_check_names_the_step_and_field(tiny_store, old, new, step, field, reason):
    story = parse_story(_broken(old, new), "acme", "acme.yaml")
    with pytest.raises(StoryError) as caught:
        check_story(story, tiny_store)
    assert (caught.value.step, caught.value.field) == (step, field) and reason in str(caught.value.reason)
    assert re.match(rf"acme\.yaml, step {step} \(line \d+\), field '{field}': ", str(caught.value))


def test_trainers_stories_are_saved_outside_the_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           db_path: Path):
    monkeypatch.delenv("HILOS_STORIES", raising=False)
    assert user_stories_folder() == db_path.parent / "stories"
    monkeypatch.setenv("HILOS_STORIES", str(tmp_path / "mine"))
    assert user_stories_folder() == tmp_path / "mine"
    saved = save_story(parse_story(GOOD, "acme"), user_stories_folder())
    assert saved == tmp_path / "mine" / "acme.yaml"
    (tmp_path / "mine" / "broken.yaml").write_text("title: {es: a}\nsteps: []\n", encoding="utf-8")
    (tmp_path / "mine" / "quien-esta-detras-de-ice.yaml").write_text(GOOD, encoding="utf-8")
    stories, errors = all_stories()
    assert "acme" in [story.id for story in stories]
    assert sorted(Path(error.path).name for error in errors) == ["broken.yaml", "quien-esta-detras-de-ice.yaml"]
    assert [story.order for story in stories] == sorted(story.order for story in stories)


def test_the_check_command_passes_the_built_in_files_and_names_a_bad_one(db_path: Path, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch, capsys):
    from graph.story_check import main

    monkeypatch.setenv("HILOS_STORIES", str(tmp_path / "mine"))
    assert main([]) == 0
    assert capsys.readouterr().out.strip().endswith("con errores: 0")
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("company:acme DEVELOPS product:tool", "company:palantir-technologies DEVELOPS x"),
                   encoding="utf-8")
    assert main([str(bad), str(SEED_STORIES / "falcon-sa-hsi.yaml"), "--lang", "en"]) == 1
    output = capsys.readouterr()
    assert output.out.strip() == "files checked: 1; with errors: 1"
    assert output.err.startswith(f"{bad}, step 1 (line 3), field 'highlight': ")
    assert main([str(bad)]) == 1
    output = capsys.readouterr()
    assert output.out.strip() == "archivos revisados: 0; con errores: 1"
    assert output.err.startswith(f"{bad}, paso 1 (línea 3), campo 'highlight': ")


def test_a_yaml_slip_names_its_line_and_a_missing_file_is_not_called_unreadable(tmp_path: Path):
    with pytest.raises(StoryError) as caught:
        parse_story("title: [unclosed\nsteps: []\n", "acme", "stories/acme.yaml")
    assert error_text(caught.value, "es").startswith(
        "stories/acme.yaml: YAML no válido: error de sintaxis en la línea 2, columna 6 (")
    assert "<unicode string>" not in error_text(caught.value, "en")
    with pytest.raises(StoryError) as caught:
        read_story(tmp_path / "gone.yaml")
    assert error_text(caught.value, "es") == f"{tmp_path / 'gone.yaml'}: no se encontró el archivo"


def test_the_check_commands_help_speaks_spanish_unless_told(capsys):
    from graph.story_check import main

    with pytest.raises(SystemExit):
        main(["--help"])
    assert "Revisa los archivos de historias" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--help", "--lang", "en"])
    assert "Check story and exercise files" in capsys.readouterr().out
