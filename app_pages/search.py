"""The search page: names and aliases, fuzzy, accents and case ignored, narrowed by type."""
from __future__ import annotations

from itertools import islice

import streamlit as st

from app_pages import display, state
from app_pages.common import current_lang, store_or_stop
from app_pages.markup import escape_markdown
from app_pages.picker import hit_links
from graph.i18n import t
from graph.schema import get_schema
from graph.search import SearchHit
from graph.store import GraphStore

LIMIT = 25


def render() -> None:
    lang = current_lang()
    store = store_or_stop(lang)
    state.mark_page("search")
    st.title(t("nav.search", lang))
    st.caption(t("search.help", lang))
    query = st.text_input(t("search.input", lang), key="q", bind="query-params",
                          placeholder=t("search.placeholder", lang))
    labels = state.multi_choice(
        st.pills, t("search.types", lang), list(get_schema().labels), key="types", selection_mode="multi",
        format_func=lambda name: f"{display.icon(name)} {display.label_title(name, lang, plural=True)}")
    hits = find(store, query, labels)
    if not query.strip() and not labels:
        return
    if not hits:
        st.caption(t("search.none", lang, text=escape_markdown(query)))
        return
    st.caption(t("search.count", lang, count=len(hits)) if len(hits) < LIMIT else t("search.first", lang, count=LIMIT))
    hit_links(hits, "profile", lang)


def find(store: GraphStore, query: str, labels: list[str]) -> list[SearchHit]:
    """The best matches; with no text but some types, the first entities of those types."""
    if query.strip():
        return store.search(query, labels=labels or None, limit=LIMIT)
    browse = (node for label in labels for node in store.nodes(label))
    return [SearchHit(node, 0.0, node.name) for node in islice(browse, LIMIT)]
