"""Exercise cards and steps built from the explorer's view: all from the graph, bad files named."""
from __future__ import annotations

import re

import pytest

from graph.exercise_print import cards_html
from graph.exercises import Exercise, make_card, hints, parse_exercises, question, read_exercises
from graph.model import Node
from graph.stories import StoryError
from graph.story_build import step_from_entity, step_from_path, story_from_steps
from graph.story_view import check_story


def test_the_built_in_exercises_all_have_answers_in_the_seed_graph(seed_store):
    exercises, errors = read_exercises()
    assert not errors and len(exercises) >= 6
    for exercise in exercises:
        card = make_card(exercise, seed_store)
        assert all(len(path) == card.steps <= exercise.max_steps for path in card.answers)


def test_hints_go_from_vague_to_the_first_hop(seed_store):
    card = make_card(Exercise("company:dell-federal-systems", "company:microsoft"), seed_store)
    assert question(card, "en") == "How does Dell Federal Systems reach Microsoft?"
    assert hints(card, "en") == ["The shortest answer takes 3 steps.", "One answer goes through: Contract → Product.",
                                 "That answer starts by going from Dell Federal Systems to 70CTD018FC0000038."]
    direct = make_card(Exercise("company:geo-group", "agency:ice"), seed_store)
    assert hints(direct, "es") == ["Están conectadas directamente, en un solo paso."]


@pytest.mark.parametrize("text, number, field, reason", [
    ("exercises:\n  - {from: company:amazon, to: agency:ice}\n  - {from: amazon, to: agency:ice}\n", 2, "from",
     "not an entity id"),
    ("exercises:\n  - {from: company:amazon, to: agency:ice, max_steps: 9}\n", 1, "max_steps", "from 1 to 6"),
    ("exercises:\n  - {from: company:amazon, to: agency:ice, hint: x}\n", 1, "hint", "unknown field"),
    ("exercises:\n  - {from: agency:ice, to: agency:ice}\n", 1, "to", "the same entity"),
])
def test_a_bad_exercise_is_named_by_file_number_and_field(text, number, field, reason):
    with pytest.raises(StoryError) as caught:
        parse_exercises(text, "mine.yaml")
    assert (caught.value.step, caught.value.field) == (number, field) and reason in str(caught.value.reason)
    assert str(caught.value).startswith(f"mine.yaml, exercise {number} (line {number + 1}), field '{field}': ")


def test_an_exercise_the_graph_cannot_answer_is_refused(seed_store):
    with pytest.raises(StoryError, match="no path of 1 steps or fewer"):
        make_card(Exercise("company:amazon", "agency:hsi", 1, "mine.yaml", 1, 2), seed_store)
    with pytest.raises(StoryError, match="no entity with id 'company:nobody'"):
        make_card(Exercise("company:nobody", "agency:hsi"), seed_store)


def test_printable_cards_put_the_answers_on_their_own_pages(seed_store):
    cards = [make_card(exercise, seed_store) for exercise in read_exercises()[0][:3]]
    page = cards_html(cards, seed_store, "es", "Letter")
    assert "@page { size: letter;" in page and "<script" not in page and "page-break-before: always" in page
    assert page.count('class="card"') == page.count('class="answer"') == 3
    assert page.count("<svg") == 3 and "¿Cómo llega Amazon a ICE?" in page
    assert "Amazon tiene contratos con el DHS [1]" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page)


def test_steps_from_a_path_and_from_an_entity_cite_the_graph(seed_store):
    path = seed_store.paths("company:palantir-technologies", "agency:hsi", k=2)[1]
    step = step_from_path(path)
    assert step.title == {"es": "Palantir Technologies → Investigative Case Management (ICM) → HSI",
                          "en": "Palantir Technologies → Investigative Case Management (ICM) → HSI"}
    assert step.text["es"] == "¿Cómo se conecta Palantir Technologies con HSI?"
    assert step.highlight_edges == tuple(edge.key for edge in path.edges)
    assert step.sources == ("source:foco-tucson-notechforice",)
    ero = step_from_entity(seed_store.get("agency:ero"))
    assert ero.highlight_nodes == ("agency:ero",) and ero.sources == ("source:dhs-organization-chart",)
    check_story(story_from_steps("mine", {"es": "a", "en": "b"}, {"es": "", "en": ""}, [step, ero]), seed_store)
    with pytest.raises(StoryError, match="cites no sources"):
        step_from_entity(Node("company:x", "Company", {"name": "X"}))
