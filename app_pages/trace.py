"""The path tracer: how two entities connect, under filters, drawn, explained with footnotes."""
from __future__ import annotations

import datetime
from typing import Sequence

import streamlit as st

from app_pages import display, picker, routes, state
from app_pages.answers import graph_version
from app_pages.common import current_lang, store_or_stop
from app_pages.exports import offer_exports
from app_pages.graph_view import show_graph
from app_pages.markup import escape_markdown
from graph.explain import QUOTE_MARKS, explain, prose, sentence
from graph.exports import View
from graph.i18n import t
from graph.model import Edge, Node, Path, Subgraph
from graph.schema import get_schema
from graph.store import DEFAULT_MAX_LENGTH, GraphStore, PathFilter
from graph.wording import rel_label

DEFAULT_FROM, DEFAULT_TO, DEFAULT_K = "Palantir", "HSI", 3
FIRST_YEAR = 2000
LAST_YEAR = datetime.date.today().year + 1
COMMON_LIMIT = 2000  # neighbours read on each side when looking for common connections


def render() -> None:
    """Draw the page in the language chosen in the sidebar."""
    lang = current_lang()
    store = store_or_stop(lang)
    state.mark_page("trace")
    st.title(t("nav.trace", lang), anchor=False)
    st.caption(t("app.tagline", lang))
    source_col, target_col, k_col, length_col = st.columns([3, 3, 1.2, 1.2])
    source_text = source_col.text_input(t("trace.from", lang), value=DEFAULT_FROM, key="from", bind="query-params")
    target_text = target_col.text_input(t("trace.to", lang), value=DEFAULT_TO, key="to", bind="query-params")
    k = k_col.number_input(t("trace.k", lang), min_value=1, max_value=10, value=DEFAULT_K, step=1, key="k",
                           bind="query-params")
    max_length = length_col.number_input(t("trace.max_length", lang), min_value=1, max_value=10,
                                         value=DEFAULT_MAX_LENGTH, step=1, key="max_length", bind="query-params")
    where = filters(store, lang)
    if not source_text.strip() or not target_text.strip():
        st.info(t("trace.empty_input", lang))
        return
    source, target = picker.resolve_or_warn(store, source_text, lang), picker.resolve_or_warn(store, target_text, lang)
    if source is None or target is None:
        return
    if source.id == target.id:
        st.info(t("trace.same", lang, name=escape_markdown(source.name)))
        return
    paths = store.paths(source.id, target.id, k=int(k), max_length=int(max_length), where=where)
    if paths:
        show_paths(paths, source, target, store, lang)
    else:
        st.info(t("trace.no_path", lang, max_length=int(max_length), source=escape_markdown(source.name),
                  target=escape_markdown(target.name)))
    common_connections(store, source, target, where, lang)


def filters(store: GraphStore, lang: str) -> PathFilter:
    """The filter widgets (relationship types, labels, evidence, fiscal years) and the avoided entities.

    The widgets are drawn only while their panel is open: closed, the filters are read from the URL, and a trace
    does not send four widgets nobody sees to every session.
    """
    schema = get_schema()
    rel_types, labels, kinds = list(schema.rel_types), list(schema.labels), list(schema.evidence)
    panel = st.expander(t("trace.filters", lang), icon=":material/filter_alt:", key="trace.filters",
                        on_change="rerun")
    if panel.open:
        with panel:
            rels = state.multi_choice(st.multiselect, t("trace.filter_rels", lang), rel_types, key="rels",
                                      format_func=lambda name: f"{rel_label(name, lang)} · {name}")
            chosen_labels = state.multi_choice(st.multiselect, t("trace.filter_labels", lang), labels, key="labels",
                                               help=t("trace.filter_labels_help", lang),
                                               format_func=lambda name: display.label_title(name, lang, plural=True))
            evidence = state.multi_choice(st.multiselect, t("trace.filter_evidence", lang), kinds, key="ev",
                                          format_func=lambda kind: schema.evidence[kind][f"label_{lang}"])
            first, last = state.span_slider(t("trace.filter_years", lang), FIRST_YEAR, LAST_YEAR, key="fy",
                                            help=t("trace.filter_years_help", lang))
    else:
        rels, chosen_labels = state.choice_in_url("rels", rel_types), state.choice_in_url("labels", labels)
        evidence = state.choice_in_url("ev", kinds)
        first, last = state.span_in_url("fy", FIRST_YEAR, LAST_YEAR)
    avoid = state.avoided()
    if avoid:
        avoided_entities(avoid, store, lang)
    years = frozenset() if (first, last) == (FIRST_YEAR, LAST_YEAR) else frozenset(range(first, last + 1))
    return PathFilter(rel_types=frozenset(rels), labels=frozenset(chosen_labels), evidence=frozenset(evidence),
                      fiscal_years=years, avoid=frozenset(avoid))


def avoided_entities(avoid: list[str], store: GraphStore, lang: str) -> None:
    """The entities the trace goes around, each with a button to stop avoiding it, in one row that wraps."""
    with st.container(horizontal=True, vertical_alignment="center"):
        st.markdown(escape_markdown(t("trace.avoiding", lang)), width="content")
        for node_id in avoid:
            node = store.get(node_id)
            st.button(escape_markdown(node.name if node else node_id), key=f"unavoid.{node_id}",
                      icon=":material/close:", help=t("trace.unavoid", lang), on_click=state.set_avoided,
                      args=([other for other in avoid if other != node_id],))


def union(paths: Sequence[Path]) -> tuple[list[Node], list[Edge]]:
    """Every node and edge of the paths, once each, in order of first appearance."""
    nodes = {node.id: node for path in paths for node in path.nodes}
    edges = {edge.key: edge for path in paths for edge in path.edges}
    return list(nodes.values()), list(edges.values())


def show_paths(paths: Sequence[Path], source: Node, target: Node, store: GraphStore, lang: str) -> None:
    """A choice of path, all paths drawn with the chosen one highlighted, then its explanation."""
    numbers = list(range(1, len(paths) + 1))
    # Plain numbers: a bound choice is written to the URL as its label, which must not depend on the language.
    chosen = st.segmented_control(t("trace.choose", lang), numbers, default=1, key="path", bind="query-params")
    path = paths[(chosen or 1) - 1]
    nodes, edges = union(paths)
    view = View(Subgraph(tuple(nodes), tuple(edges)), name=f"{source.name} {target.name}",
                highlight_nodes=path.node_ids, highlight_edges=tuple(edge.key for edge in path.edges))
    if len(paths) > 1:
        st.caption(t("trace.highlighted", lang))
    show_graph(view, lang, key="trace.graph", graph=graph_version(store))
    offer_exports(view, lang, key="trace")
    explain_path(path, store, lang)
    avoid_buttons(path, lang)


def explain_path(path: Path, store: GraphStore, lang: str) -> None:
    """The path as a chain of names, its sentences with footnote marks, its quotes and its sources."""
    st.markdown(explanation_markdown(path, store, lang))


def explanation_markdown(path: Path, store: GraphStore, lang: str) -> str:
    """`explain_path`'s text as one Markdown block, a paragraph per line, every piece of data escaped.

    One block, not an element per line: each element is a message to the browser and a wake-up of the server's
    event loop, and a room of sessions tracing at once pays for every one of them.
    """
    explanation = explain(path, lang, store.get)
    steps = t("trace.steps_one", lang) if len(path) == 1 else t("trace.steps_many", lang, count=len(path))
    chain = " → ".join(node.name for node in path.nodes)
    paragraphs = [f"**{escape_markdown(chain)}** · {escape_markdown(steps)}", escape_markdown(explanation.text())]
    quoted = explanation.quotes()
    if quoted:
        paragraphs.append(f"**{escape_markdown(t('explain.quotes', lang))}**")
        opening, closing = QUOTE_MARKS[lang]
        for quote in quoted:
            marks = "".join(f"[{number}]" for number in quote.notes)
            # The quote as printed; readers of the English view also get the gloss.
            gloss = f" ({quote.gloss})" if lang == "en" and quote.gloss else ""
            paragraphs.append("> " + escape_markdown(f"{opening}{quote.text}{closing}{gloss} {marks}"))
    paragraphs.append(f"**{escape_markdown(t('explain.sources', lang))}**")
    for note in explanation.footnotes:
        source = store.get(note.source_id)
        url = source.properties.get("url") if source else None
        line = escape_markdown(f"[{note.number}] {note.citation}")
        paragraphs.append(f"{line} · {display.link(url)}" if isinstance(url, str) and url else line)
    # escape_markdown turns every line break in the data into a space: only these blank lines part paragraphs.
    return "\n\n".join(paragraphs)


def avoid_buttons(path: Path, lang: str) -> None:
    """'Avoid X' for each entity between the two ends: the trace then looks for a way around it.

    In one row that wraps, not in columns: a column is one more message to the browser per button.
    """
    middle = path.nodes[1:-1]
    if not middle:
        return
    st.caption(t("trace.avoid_hint", lang))
    with st.container(horizontal=True):
        for node in middle:
            st.button(escape_markdown(t("trace.avoid", lang, name=node.name)), key=f"avoid.{node.id}",
                      icon=":material/block:", on_click=state.set_avoided, args=([*state.avoided(), node.id],))


def common_connections(store: GraphStore, source: Node, target: Node, where: PathFilter, lang: str) -> None:
    """Entities directly related to both ends, and how each relates to them."""
    left = store.neighbours(source.id, depth=1, where=where, limit=COMMON_LIMIT)
    right = store.neighbours(target.id, depth=1, where=where, limit=COMMON_LIMIT)
    shared = sorted(({node.id for node in left.nodes} & {node.id for node in right.nodes}) - {source.id, target.id})
    nodes = {node.id: node for node in (*left.nodes, *right.nodes)}
    st.subheader(t("trace.common", lang, count=len(shared)), anchor=False)
    if not shared:
        st.caption(t("trace.common_none", lang, source=escape_markdown(source.name),
                     target=escape_markdown(target.name)))
        return
    names = {node_id: node.name for node_id, node in nodes.items()}
    for node_id in shared:
        node = nodes[node_id]
        how = [sentence(edge, names, lang) for edge in (*left.edges, *right.edges)
               if {edge.source, edge.target} in ({source.id, node_id}, {target.id, node_id})]
        # The name above what links it, not in a narrow column beside it: a page link does not wrap, so a
        # long name (a contract's) would be cut.
        routes.link("profile", lang, escape_markdown(node.name), icon=display.icon(node.label), id=node_id)
        st.markdown(escape_markdown(prose(dict.fromkeys(how))))
