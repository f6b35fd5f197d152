"""A story against the graph: frames reveal one relationship at a time; every fact and footnote is the graph's."""
from __future__ import annotations

import pytest

from graph.explain import explain_edges
from graph.stories import SEED_STORIES, parse_story, read_story
from graph.story_layout import CELL_WIDTH, MARGIN_X, geometry, grid
from graph.story_text import entities, footnotes, quotes, sentences
from graph.story_view import build_view, lead

ICM_STORY = SEED_STORIES / "quien-esta-detras-de-ice.yaml"
PALANTIR, ICM, HSI, ICE = "company:palantir-technologies", "product:icm", "agency:hsi", "agency:ice"


@pytest.fixture
def icm_view(seed_store):
    return build_view(read_story(ICM_STORY), seed_store, "es")


def test_frames_reveal_one_relationship_at_a_time(icm_view):
    assert icm_view.frames() == [(1, 0), (2, 1), (3, 1), (4, 1), (4, 2), (5, 1), (5, 2), (5, 3), (5, 4)]
    first, fourth = icm_view.step(1), icm_view.step(4)
    assert first.highlighted(0) == (PALANTIR,) and first.visible_nodes(0) == (PALANTIR,)
    assert fourth.highlighted(1) == (HSI, ICE)
    assert fourth.highlighted(2) == (HSI, ICE, ICM)
    # Earlier steps stay on screen, dimmed: the context of step 4 is what steps 1-3 drew.
    assert set(fourth.context_nodes) == {PALANTIR, ICM, HSI}
    assert {edge.key for edge in fourth.context_edges} == {(PALANTIR, "DEVELOPS", ICM), (HSI, "USES", ICM)}


def test_a_link_lands_on_the_nearest_real_frame(icm_view):
    assert icm_view.clamp(4, None) == (4, 2)  # a step without `edge` opens fully revealed
    assert icm_view.clamp(4, 1) == (4, 1)
    assert icm_view.clamp(99, 99) == (5, 4)
    assert icm_view.clamp(-3, 0) == (1, 0)
    assert icm_view.clamp(2, 0) == (2, 1)


def test_sentences_quotes_and_footnotes_are_the_graphs(icm_view, seed_store):
    step = icm_view.step(4)
    expected = explain_edges(step.lit_edges, list(icm_view.nodes.values()), "es", seed_store.get)
    assert [line.text for line in sentences(step)] == [
        "HSI es una dirección de ICE [1].",
        "ICE usa ICM, una de las dos herramientas operativas que le vende Palantir [2][3]."]
    assert [item.sentence for item in step.explanation.steps] == [item.sentence for item in expected.steps]
    assert footnotes(step)[0].startswith("[1] “DHS organizational chart")
    said = quotes(step, "es")
    assert len(said) == 1 and said[0].reveal == 2
    assert said[0].text.startswith("«La empresa de software y análisis de datos Palantir")
    assert said[0].text.endswith("[2][3]")
    quote = step.lit_edges[1].properties["quote"]
    assert quote in said[0].text


def test_english_slides_show_the_gloss_as_a_translation_and_paper_shows_both(seed_store):
    view = build_view(read_story(ICM_STORY), seed_store, "en")
    step = view.step(3)
    slide, paper = quotes(step, "en", slide=True)[0].text, quotes(step, "en")[0].text
    gloss, original = step.lit_edges[0].properties["quote_en"], step.lit_edges[0].properties["quote"]
    assert slide == f"“{gloss}” (translation) [1]"
    assert paper == f"“{original}” ({gloss}) [1]"


def test_an_entity_on_its_own_is_described_from_its_record(icm_view):
    step = icm_view.step(1)
    assert not step.lit_edges and [note.node.id for note in step.entities] == [PALANTIR]
    line = entities(step)[0].text
    assert line.startswith("Palantir Technologies (Empresa): Empresa de software y análisis de datos.")
    assert line.endswith("[1][2]") and len(step.footnotes) == 2


@pytest.mark.parametrize("text, expected", [
    ("Filial de Palantir que firma contratos con el gobierno de EE. UU.; recibió el contrato. Otra frase.",
     "Filial de Palantir que firma contratos con el gobierno de EE. UU.; recibió el contrato. Otra frase."),
    ("Primera frase. " + "Segunda muy larga " * 20, "Primera frase."),
    ("palabra " * 60, ("palabra " * 27).strip() + "…"),
])
def test_lead_keeps_whole_sentences(text, expected):
    assert lead(text) == expected


def test_every_entity_gets_a_cell_of_its_own_and_the_story_starts_on_the_left(icm_view):
    order = list(icm_view.nodes)
    links = [(edge.source, edge.target) for edge in icm_view.edges]
    cells = grid(order, links)
    assert len(set(cells.values())) == len(order) and grid(order, links) == cells
    assert cells[order[0]][0] == min(column for column, _row in cells.values())
    shape = geometry(order, links)
    xs = [x for x, _y in shape.points.values()]
    assert min(xs) == MARGIN_X and max(xs) == shape.width - MARGIN_X
    assert all((x - MARGIN_X) % CELL_WIDTH == 0 for x in xs)


def test_a_story_from_the_tiny_graph(tiny_store):
    story = parse_story("title: {es: t, en: t}\nsteps:\n  - title: {es: a, en: a}\n    text: {es: b, en: b}\n"
                        "    highlight: ['company:acme DEVELOPS product:case', 'agency:hsi USES product:case']\n"
                        "    sources: [source:article]\n", "tiny")
    view = build_view(story, tiny_store, "en")
    assert [line.text for line in sentences(view.step(1))] == ["Acme sells CaseMgr to ICE [1].",
                                                             "HSI uses CaseMgr [1]."]
    assert footnotes(view.step(1)) == ["[1] R. W., “Campaña revela lazos”, Foco, article"]
