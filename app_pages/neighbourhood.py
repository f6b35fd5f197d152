"""The neighbourhood of one entity: 1 to 3 hops out, by relationship type, capped, biggest amounts first."""
from __future__ import annotations

from collections import Counter

import streamlit as st

from app_pages import display, routes, state
from app_pages.answers import graph_version
from app_pages.common import current_lang, store_or_stop
from app_pages.exports import offer_exports
from app_pages.graph_view import show_graph
from app_pages.markup import escape_markdown
from app_pages.picker import entity_or_stop
from graph.amounts import amount_of
from graph.exports import View
from graph.i18n import t
from graph.model import Node, Subgraph
from graph.store import GraphStore, PathFilter
from graph.wording import rel_label

CAP_STEP = 50
CAP_MAX = 5000
TABLE_ROWS = 500


def render() -> None:
    lang = current_lang()
    store = store_or_stop(lang)
    state.mark_page("neighbourhood")
    node = entity_or_stop(store, "neighbourhood", lang)
    st.title(escape_markdown(t("neighbourhood.title", lang, name=node.name)), anchor=False)
    routes.link("profile", lang, escape_markdown(t("neighbourhood.to_profile", lang)), icon=":material/badge:",
                id=node.id)
    counts = type_counts(store, node.id, lang)
    types = state.multi_choice(st.pills, t("neighbourhood.expand", lang), list(counts), key="expand",
                               selection_mode="multi", help=t("neighbourhood.expand_help", lang),
                               format_func=lambda name: f"{counts[name][0]} ({counts[name][1]})")
    depth_col, cap_col, more_col = st.columns([2, 2, 1], vertical_alignment="bottom")
    depth = depth_col.slider(t("neighbourhood.depth", lang), 1, 3, 1, key="depth", bind="query-params")
    cap = cap_col.number_input(t("neighbourhood.cap", lang), min_value=10, max_value=CAP_MAX, value=CAP_STEP,
                               step=CAP_STEP, key="cap", bind="query-params")
    around = store.neighbours(node.id, depth=depth, where=PathFilter(rel_types=frozenset(types)), limit=int(cap))
    more_col.button(t("neighbourhood.more", lang, step=CAP_STEP), on_click=show_more,
                    disabled=not around.truncated or cap >= CAP_MAX, width="stretch")
    view = View(around, name=f"{node.name} {depth}", highlight_nodes=(node.id,))
    st.caption(t("neighbourhood.truncated" if around.truncated else "neighbourhood.size", lang,
                 nodes=len(view.nodes), edges=len(view.edges)))
    show_graph(view, lang, key="neighbourhood.graph", graph=graph_version(store))
    offer_exports(view, lang, key="neighbourhood")
    neighbour_table(node, around, lang)


def type_counts(store: GraphStore, node_id: str, lang: str) -> dict[str, tuple[str, int]]:
    """Per relationship type at this entity: how it reads from here and how many, most first.

    DEVELOPS reads "desarrolla y vende" from a company and "desarrollado por" from
    a product; a type met in both directions (PART_OF at ICE) shows both readings.
    """
    counts: Counter[str] = Counter()
    directions: dict[str, set[bool]] = {}
    for (rel_type, outgoing), count in sorted(store.relationship_counts(node_id).items()):
        counts[rel_type] += count
        directions.setdefault(rel_type, set()).add(outgoing)
    return {rel_type: (" · ".join(rel_label(rel_type, lang, incoming=not out)
                                  for out in sorted(directions[rel_type], reverse=True)), count)
            for rel_type, count in counts.most_common()}


def show_more() -> None:
    st.session_state["cap"] = min(int(st.session_state.get("cap", CAP_STEP)) + CAP_STEP, CAP_MAX)


def neighbour_table(centre: Node, around: Subgraph, lang: str) -> None:
    """The entities in view next to the centre, biggest amount first, as a plain-text table."""
    nodes = {node.id: node for node in around.nodes}
    rows = []
    for edge in around.edges:
        if centre.id not in (edge.source, edge.target):
            continue
        outgoing = edge.source == centre.id
        other = nodes[edge.target if outgoing else edge.source]
        rows.append((amount_of(edge, other), other, edge, outgoing))
    rows.sort(key=lambda row: (-(row[0] or 0.0), row[1].name.casefold()))
    if not rows:
        return
    st.subheader(t("neighbourhood.table", lang))
    # st.dataframe shows cells as plain text, never as Markdown or HTML.
    st.dataframe([{
        t("search.col_name", lang): other.name,
        t("search.col_label", lang): display.label_title(other.label, lang),
        t("neighbourhood.col_relation", lang): rel_label(edge.type, lang, incoming=not outgoing),
        t("neighbourhood.col_amount", lang): display.amount(money, lang) if money is not None else "",
    } for money, other, edge, outgoing in rows[:TABLE_ROWS]], hide_index=True, width="stretch")
