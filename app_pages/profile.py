"""The profile of one entity: what it is, and every relationship with its evidence and sources."""
from __future__ import annotations

from collections import defaultdict

import streamlit as st

from app_pages import display, routes, state
from app_pages.answers import graph_version
from app_pages.common import current_lang, store_or_stop
from app_pages.exports import offer_exports
from app_pages.graph_view import show_graph
from app_pages.markup import escape_markdown
from app_pages.picker import entity_or_stop
from graph.amounts import amount_of, by_amount
from graph.explain import QUOTE_MARKS, cite
from graph.exports import View
from graph.i18n import t
from graph.model import Edge, Node, Subgraph
from graph.schema import get_schema
from graph.store import GraphStore
from graph.wording import rel_label

# Shown elsewhere on the page, or only for machines.
NOT_FACTS = frozenset({"name", "aliases", "description_es", "description_en", "sources"})
PER_GROUP = 10
DRAWN = 60  # neighbours drawn around the entity; the neighbourhood page shows more

Group = tuple[str, bool]  # (relationship type, outgoing)


def render() -> None:
    lang = current_lang()
    store = store_or_stop(lang)
    state.mark_page("profile")
    node = entity_or_stop(store, "profile", lang)
    edges = store.edges_of(node.id)
    ends = {edge.target if edge.source == node.id else edge.source for edge in edges}
    around = store.neighbours(node.id, depth=1, limit=len(ends) + 1)
    others = {other.id: other for other in around.nodes}
    header(node, store, lang)
    st.subheader(t("profile.graph", lang))
    view = drawn_view(node, edges, others)
    if len(view.nodes) < len(around.nodes):
        st.caption(t("profile.graph_capped", lang, shown=len(view.nodes) - 1, total=len(around.nodes) - 1))
    show_graph(view, lang, key="profile.graph", height=440, graph=graph_version(store))
    offer_exports(view, lang, key="profile")
    relationships(node, edges, others, store, lang)


def header(node: Node, store: GraphStore, lang: str) -> None:
    """Name, type, aliases, description, properties, the sources behind them, and where to go next."""
    st.title(escape_markdown(node.name), anchor=False)
    st.markdown(f"{display.icon(node.label)} {escape_markdown(display.label_title(node.label, lang))} · "
                f"`{node.id.replace('`', '')}`")
    if node.aliases:
        st.markdown(f"**{escape_markdown(t('profile.aliases', lang))}:** "
                    + escape_markdown(", ".join(node.aliases)))
    if node.description(lang):
        st.markdown(escape_markdown(node.description(lang)))
    other_role = "role_en" if lang == "es" else "role_es"
    for line in display.facts(node.label, node.properties, lang, NOT_FACTS | {other_role}):
        st.markdown(line)
    for number, source_id in enumerate(node.properties.get("sources") or [], start=1):
        st.caption(citation(number, source_id, store, lang))
    left, right = st.columns(2)
    with left:
        routes.link("neighbourhood", lang, escape_markdown(t("profile.to_neighbourhood", lang)),
                    icon=":material/hub:", id=node.id)
    with right:
        routes.link("trace", lang, escape_markdown(t("profile.to_trace", lang)), icon=":material/route:",
                    **{"from": node.name})


def drawn_view(node: Node, edges: list[Edge], others: dict[str, Node]) -> View:
    """The entity and its biggest neighbours (by amount), at most DRAWN of them."""
    ranked = sorted(edges, key=lambda edge: by_amount(edge, others.get(other_end(edge, node.id))))
    keep = {node.id}
    for edge in ranked:
        if len(keep) > DRAWN:
            break
        keep.add(other_end(edge, node.id))
    nodes = tuple(others[node_id] for node_id in sorted(keep) if node_id in others)
    return View(Subgraph(nodes, tuple(edges)), name=node.name, highlight_nodes=(node.id,))


def other_end(edge: Edge, node_id: str) -> str:
    return edge.target if edge.source == node_id else edge.source


def relationships(node: Node, edges: list[Edge], others: dict[str, Node], store: GraphStore, lang: str) -> None:
    """Every relationship, grouped by type and direction, biggest amounts first."""
    st.subheader(t("profile.relationships", lang, count=len(edges)))
    if not edges:
        st.caption(t("profile.no_relationships", lang))
        return
    groups: dict[Group, list[Edge]] = defaultdict(list)
    for edge in edges:
        groups[(edge.type, edge.source == node.id)].append(edge)
    for (rel_type, outgoing), members in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
        members.sort(key=lambda edge: by_amount(edge, others.get(other_end(edge, node.id))))
        title = f"{'→' if outgoing else '←'} {rel_label(rel_type, lang, incoming=not outgoing)} ({len(members)})"
        with st.expander(escape_markdown(title), expanded=True):
            st.caption(f"`{rel_type}` · {escape_markdown(get_schema().rel_types[rel_type].doc(lang))}"
                       if rel_type in get_schema().rel_types else f"`{rel_type}`")
            shown = group_limit(node.id, rel_type, outgoing)
            for edge in members[:shown]:
                relationship(edge, others.get(other_end(edge, node.id)) or store.get(other_end(edge, node.id)),
                             outgoing, store, lang)
            if len(members) > shown:
                st.button(t("profile.show_more", lang, count=len(members) - shown), key=more_key(node.id, rel_type, outgoing),
                          on_click=show_more, args=(node.id, rel_type, outgoing))


def more_key(node_id: str, rel_type: str, outgoing: bool) -> str:
    return f"profile.more.{node_id}.{rel_type}.{int(outgoing)}"


def group_limit(node_id: str, rel_type: str, outgoing: bool) -> int:
    return st.session_state.get(more_key(node_id, rel_type, outgoing) + ".n", PER_GROUP)


def show_more(node_id: str, rel_type: str, outgoing: bool) -> None:
    key = more_key(node_id, rel_type, outgoing) + ".n"
    st.session_state[key] = st.session_state.get(key, PER_GROUP) + PER_GROUP


def relationship(edge: Edge, other: Node | None, outgoing: bool, store: GraphStore, lang: str) -> None:
    """The other entity (a link to its profile), amount, dates, evidence, then sources and quote."""
    other_id = edge.target if outgoing else edge.source
    with st.container(border=True):
        name_col, facts_col = st.columns([2, 3])
        with name_col:
            if other is None:
                st.markdown(escape_markdown(other_id))
            else:
                routes.link("profile", lang, escape_markdown(other.name), icon=display.icon(other.label), id=other.id)
        facts_col.markdown(" · ".join(edge_facts(edge, other, lang)))
        summary = edge.properties.get(f"summary_{lang}")
        if summary:
            st.markdown(escape_markdown(str(summary)))
        for number, source_id in enumerate(edge.sources, start=1):
            st.caption(citation(number, source_id, store, lang))
        quote = str(edge.properties.get("quote") or "")
        if quote:
            opening, closing = QUOTE_MARKS[lang]
            gloss = str(edge.properties.get("quote_en") or "")
            shown = f"{opening}{quote}{closing}"
            if gloss and lang == "en" and edge.properties.get("quote_lang") != "en":
                shown += f" ({gloss})"
            st.markdown("> " + escape_markdown(shown))


def edge_facts(edge: Edge, other: Node | None, lang: str) -> list[str]:
    """Amount, dates, fiscal year (the edge's own, else its contract's) and the kind of evidence."""
    def value(key: str) -> object:
        return edge.properties.get(key) or (other.properties.get(key) if other else None)

    parts = []
    money = amount_of(edge, other)
    if money is not None:
        parts.append(escape_markdown(display.amount(money, lang)))
    dates = display.span(value("start"), value("end"))  # type: ignore[arg-type]
    if dates:
        parts.append(escape_markdown(dates))
    if value("fiscal_year"):
        parts.append(escape_markdown(t("profile.fiscal_year", lang, year=value("fiscal_year"))))
    evidence = get_schema().evidence.get(edge.evidence)
    kind = evidence[f"label_{lang}"] if evidence else edge.evidence
    parts.append(f"*{escape_markdown(t('profile.evidence', lang, kind=kind))}*")
    return parts


def citation(number: int, source_id: str, store: GraphStore, lang: str) -> str:
    """'[1] author, “title”, outlet, date, kind' and the source's link when it is http(s)."""
    source = store.get(source_id)
    line = escape_markdown(f"[{number}] {cite(source, source_id, lang)}")
    url = source.properties.get("url") if source else None
    return f"{line} · {display.link(url)}" if isinstance(url, str) and url else line
