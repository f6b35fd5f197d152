"""The entity a page is about: the one in ?id=, or a search box until one is chosen."""
from __future__ import annotations

from typing import Sequence

import streamlit as st

from app_pages import display, routes, state
from app_pages.markup import escape_markdown
from graph.errors import NotFound
from graph.i18n import t
from graph.lookup import resolve
from graph.model import Node
from graph.search import SearchHit, identifiers_of
from graph.store import GraphStore

HITS = 8


def hit_links(hits: Sequence[SearchHit], page: str, lang: str) -> None:
    """One link per hit to `page` about that entity, with its type and the alias or identifier that matched."""
    for hit in hits:
        node = hit.node
        label = f"{escape_markdown(node.name)} · {escape_markdown(display.label_title(node.label, lang))}"
        if hit.matched != node.name:
            said = t("search.identifier", lang, value=hit.matched) if hit.matched in identifiers_of(node) else \
                t("search.alias", lang, alias=hit.matched)
            label += f" · {escape_markdown(said)}"
        routes.link(page, lang, label, icon=display.icon(node.label), id=node.id)


def entity_or_stop(store: GraphStore, page: str, lang: str) -> Node:
    """The entity named by ?id=; otherwise a search box linking to this page, and the page stops here."""
    node_id = state.entity_id()
    node = store.get(node_id) if node_id else None
    if node is not None:
        return node
    if node_id:
        st.warning(t("picker.unknown", lang, id=escape_markdown(node_id)))
    st.info(t(f"picker.hint.{page}", lang))
    query = st.text_input(t("search.input", lang), key=f"{page}.find", placeholder=t("search.placeholder", lang))
    if query.strip():
        hits = store.search(query, limit=HITS)
        if hits:
            hit_links(hits, page, lang)
        else:
            st.caption(t("search.none", lang, text=escape_markdown(query)))
    st.stop()


def resolve_or_warn(store: GraphStore, text: str, lang: str) -> Node | None:
    """The entity the user meant; None for blank text, or after a warning with close suggestions."""
    if not text.strip():
        return None
    try:
        return resolve(store, text)
    except NotFound as exc:
        if exc.suggestions:
            st.warning(t("trace.not_found", lang, text=escape_markdown(exc.text),
                         suggestions=", ".join(escape_markdown(name) for name in exc.suggestions)))
        else:
            st.warning(t("trace.not_found_plain", lang, text=escape_markdown(exc.text)))
        return None
