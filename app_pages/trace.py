"""The trace page: search entities, find the paths between two of them, draw and explain them."""
from __future__ import annotations

from typing import Sequence

import streamlit as st

from app_pages.common import current_lang, store_or_stop
from app_pages.markup import escape_markdown
from graph.errors import NotFound
from graph.explain import QUOTE_MARKS, explain
from graph.i18n import t
from graph.lookup import resolve
from graph.model import Edge, Node, Path
from graph.render import graph_html
from graph.schema import get_schema
from graph.store import DEFAULT_MAX_LENGTH, GraphStore

GRAPH_HEIGHT = 520
DEFAULT_FROM, DEFAULT_TO, DEFAULT_K = "Palantir", "HSI", 3


def render() -> None:
    """Draw the page in the language chosen in the sidebar."""
    lang = current_lang()
    store = store_or_stop(lang)
    st.title("Hilos")
    st.caption(t("app.tagline", lang))
    search_section(store, lang)
    trace_section(store, lang)


def search_section(store: GraphStore, lang: str) -> None:
    """A search box listing the entities whose name or alias matches."""
    query = st.columns(2)[0].text_input(t("search.input", lang), key="search",
                                        placeholder=t("search.placeholder", lang))
    if not query.strip():
        return
    hits = store.search(query, limit=10)
    if not hits:
        st.caption(t("search.none", lang, text=escape_markdown(query)))
        return
    labels = get_schema().labels
    # st.dataframe shows cells as plain text, never as Markdown or HTML.
    st.dataframe([{
        t("search.col_name", lang): hit.node.name,
        t("search.col_label", lang): labels[hit.node.label].title(lang),
        t("search.col_matched", lang): hit.matched if hit.matched != hit.node.name else "",
    } for hit in hits], hide_index=True)


def trace_section(store: GraphStore, lang: str) -> None:
    """The from/to form, then the paths drawn and explained, or why there are none."""
    st.subheader(t("trace.header", lang))
    left, right, k_col, length_col = st.columns([3, 3, 1.2, 1.2])
    source_text = left.text_input(t("trace.from", lang), value=DEFAULT_FROM, key="from")
    target_text = right.text_input(t("trace.to", lang), value=DEFAULT_TO, key="to")
    k = k_col.number_input(t("trace.k", lang), min_value=1, max_value=10, value=DEFAULT_K, step=1, key="k")
    max_length = length_col.number_input(t("trace.max_length", lang), min_value=1, max_value=10,
                                         value=DEFAULT_MAX_LENGTH, step=1, key="max_length")
    if not source_text.strip() or not target_text.strip():
        st.info(t("trace.empty_input", lang))
        return
    source, target = resolve_or_warn(store, source_text, lang), resolve_or_warn(store, target_text, lang)
    if source is None or target is None:
        return
    if source.id == target.id:
        st.info(t("trace.same", lang, name=escape_markdown(source.name)))
        return
    paths = store.paths(source.id, target.id, k=int(k), max_length=int(max_length))
    if not paths:
        st.info(t("trace.no_path", lang, max_length=int(max_length), source=escape_markdown(source.name),
                  target=escape_markdown(target.name)))
        return
    draw_paths(paths, lang)
    explain_paths(paths, store, lang)


def resolve_or_warn(store: GraphStore, text: str, lang: str) -> Node | None:
    """The entity the user meant, or None after a warning with close suggestions."""
    try:
        return resolve(store, text)
    except NotFound as exc:
        if exc.suggestions:
            st.warning(t("trace.not_found", lang, text=escape_markdown(exc.text),
                         suggestions=", ".join(escape_markdown(name) for name in exc.suggestions)))
        else:
            st.warning(t("trace.not_found_plain", lang, text=escape_markdown(exc.text)))
        return None


def union(paths: Sequence[Path]) -> tuple[list[Node], list[Edge]]:
    """Every node and edge of the paths, once each, in order of first appearance."""
    nodes = {node.id: node for path in paths for node in path.nodes}
    edges = {edge.key: edge for path in paths for edge in path.edges}
    return list(nodes.values()), list(edges.values())


def draw_paths(paths: Sequence[Path], lang: str) -> None:
    """All paths in one graph, the first one highlighted."""
    nodes, edges = union(paths)
    first = paths[0]
    page = graph_html(nodes, edges, lang=lang, highlight_nodes=first.node_ids,
                      highlight_edges=[edge.key for edge in first.edges], height=GRAPH_HEIGHT)
    if len(paths) > 1:
        st.caption(t("trace.highlighted", lang))
    st.iframe(page, height=GRAPH_HEIGHT + 8, alt=t("graph.alt", lang))


def explain_paths(paths: Sequence[Path], store: GraphStore, lang: str) -> None:
    """One tab per path: the chain, the sentences with footnote marks, the quotes, the sources."""
    tabs = st.tabs([t("trace.path_title", lang, number=number) for number in range(1, len(paths) + 1)])
    for tab, path in zip(tabs, paths):
        with tab:
            explain_path(path, store, lang)


def explain_path(path: Path, store: GraphStore, lang: str) -> None:
    """The path as a chain of names, its sentences with footnote marks, its quotes and its sources."""
    explanation = explain(path, lang, store.get)
    steps = t("trace.steps_one", lang) if len(path) == 1 else t("trace.steps_many", lang, count=len(path))
    chain = " → ".join(node.name for node in path.nodes)
    st.markdown(f"**{escape_markdown(chain)}** · {escape_markdown(steps)}")
    st.markdown(escape_markdown(explanation.text()))
    quoted = [step for step in explanation.steps if step.quote]
    if quoted:
        st.markdown(f"**{escape_markdown(t('explain.quotes', lang))}**")
        opening, closing = QUOTE_MARKS[lang]
        for step in quoted:
            marks = "".join(f"[{number}]" for number in step.notes)
            # The quote as printed; readers of the English view also get the gloss.
            gloss = f" ({step.quote_en})" if lang == "en" and step.quote_en else ""
            st.markdown("> " + escape_markdown(f"{opening}{step.quote}{closing}{gloss} {marks}"))
    st.markdown(f"**{escape_markdown(t('explain.sources', lang))}**")
    for note in explanation.footnotes:
        st.markdown(escape_markdown(f"[{note.number}] {note.citation}"))
