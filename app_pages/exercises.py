"""Group exercises: "find how X reaches Y" cards, hints folded away, the answer with its sources.

The cards come from seed_data/stories/exercises/ and the trainer's own folder; a
trainer can also make one on the spot for any two entities. Everything on a card
(hints, answer, footnotes) is read from the graph.
"""
from __future__ import annotations

import streamlit as st

from app_pages import picker
from app_pages.common import current_lang, store_or_stop
from app_pages.markup import escape_markdown
from graph.exercise_print import cards_html
from graph.exercises import MAX_STEPS_LIMIT, Card, Exercise, chain, hints, make_card, question, read_exercises
from graph.explain import explain
from graph.handout import PAPERS
from graph.i18n import error_text, t
from graph.store import GraphStore
from graph.stories import StoryError


def render() -> None:
    lang = current_lang()
    store = store_or_stop(lang)
    st.title(t("nav.exercises", lang), anchor=False)
    st.caption(t("exercises.intro", lang))
    exercises, errors = read_exercises()
    cards = []
    for exercise in exercises:
        try:
            cards.append(make_card(exercise, store))
        except StoryError as exc:
            errors.append(exc)
    own = own_card(store, lang)
    if own is not None:
        with st.container(border=True, key="exercises-own"):
            show_card(0, own, store, lang)
    numbered = list(enumerate(cards, 1))
    for start in range(0, len(numbered), 2):  # two cards a row
        for column, (number, card) in zip(st.columns(2), numbered[start:start + 2]):
            with column.container(border=True, key=f"exercises-card-{number}"):
                show_card(number, card, store, lang)
    if cards:
        paper = st.radio(t("present.paper", lang), list(PAPERS), horizontal=True, key="exercises.paper")
        st.download_button(t("exercises.download", lang), cards_html(cards, store, lang, paper), mime="text/html",
                           file_name=f"hilos-exercises-{lang}-{paper.lower()}.html", icon=":material/print:",
                           on_click="ignore", key="exercises.download")
    for error in errors:
        st.warning(t("exercises.bad_file", lang, error=escape_markdown(error_text(error, lang))))


def own_card(store: GraphStore, lang: str) -> Card | None:
    """A card for any two entities the trainer names, made on the spot."""
    with st.expander(t("exercises.own_header", lang)):
        left, right = st.columns(2)
        source = picker.resolve_or_warn(store, left.text_input(t("trace.from", lang), key="exercises.from"), lang)
        target = picker.resolve_or_warn(store, right.text_input(t("trace.to", lang), key="exercises.to"), lang)
    if source is None or target is None or source.id == target.id:
        return None
    try:
        return make_card(Exercise(source.id, target.id, MAX_STEPS_LIMIT), store)
    except StoryError:
        st.info(t("exercises.no_path", lang, source=escape_markdown(source.name), target=escape_markdown(target.name)))
        return None


def show_card(number: int, card: Card, store: GraphStore, lang: str) -> None:
    """The question; each hint and the answer folded away until a group asks for them."""
    if number:
        st.caption(t("exercises.card", lang, number=number))
    st.subheader(escape_markdown(question(card, lang)), anchor=False)
    for index, hint in enumerate(hints(card, lang), 1):
        with st.expander(t("exercises.hint", lang, number=index)):
            st.markdown(escape_markdown(hint))
    with st.expander(t("exercises.answer", lang)):
        first = card.answers[0]
        explanation = explain(first, lang, store.get)
        st.markdown(f"**{escape_markdown(chain(first))}**")
        st.markdown(escape_markdown(explanation.text()))
        if card.answers[1:]:
            st.markdown(escape_markdown(t("exercises.other_answers", lang)))
            for path in card.answers[1:]:
                st.markdown("- " + escape_markdown(chain(path)))
        for note in explanation.footnotes:
            st.caption(escape_markdown(f"[{note.number}] {note.citation}"))
