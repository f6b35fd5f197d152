"""The overview: what the graph holds, how to read the drawing, and traces to start from."""
from __future__ import annotations

import html

import streamlit as st

from app_pages import display, routes, state
from app_pages.common import current_lang, store_or_stop
from app_pages.markup import escape_markdown
from graph.i18n import t
from graph.render import STYLES, SWATCH_CSS, legend_items
from graph.schema import get_schema
from graph.store import GraphStore
from graph.wording import rel_label

# (from, to) by id; a pair whose ends are not in the graph is not offered.
STARTERS = (("company:palantir-technologies", "agency:hsi"), ("product:falcon-sa", "agency:hsi"),
            ("company:amazon-web-services", "agency:ice"))
KEY_CSS = """
.hilos-key { list-style: none; margin: 0; padding: 0; }
.hilos-key li { margin: 0 0 0.45rem 0; }
.hilos-key .swatch { display: inline-block; width: 0.9em; height: 0.9em; margin-right: 0.5em;
                     vertical-align: -0.1em; border: 1px solid transparent; box-sizing: border-box; }
.hilos-key .doc { color: #4b5563; }
"""


def render() -> None:
    lang = current_lang()
    store = store_or_stop(lang)
    state.mark_page("overview")
    st.title("Hilos", anchor=False)
    st.caption(t("app.tagline", lang))
    stats = store.stats()
    totals = st.columns(3)
    totals[0].metric(t("overview.entities", lang), f"{stats.nodes:,}")
    totals[1].metric(t("overview.relationships", lang), f"{stats.relationships:,}")
    totals[2].metric(t("overview.sources", lang), f"{stats.by_label.get('Source', 0):,}")
    starters(store, lang)
    left, right = st.columns(2)
    with left:
        st.subheader(t("overview.by_label", lang), anchor=False)
        for label, count in sorted(stats.by_label.items(), key=lambda item: -item[1]):
            routes.link("search", lang, f"{escape_markdown(display.label_title(label, lang, plural=True))} · {count:,}",
                        icon=display.icon(label), types=label)
    with right:
        st.subheader(t("overview.legend", lang), anchor=False)
        st.html(legend(lang))
    st.subheader(t("overview.by_type", lang), anchor=False)
    # st.dataframe shows cells as plain text, never as Markdown or HTML.
    st.dataframe([{t("overview.col_relation", lang): rel_label(rel_type, lang), t("overview.col_type", lang): rel_type,
                   t("overview.col_count", lang): count}
                  for rel_type, count in sorted(stats.by_type.items(), key=lambda item: -item[1])],
                 hide_index=True, width="stretch")
    evidence = get_schema().evidence
    st.caption(" · ".join(escape_markdown(f"{evidence[kind][f'label_{lang}'] if kind in evidence else kind}: {count:,}")
                          for kind, count in stats.by_evidence.items()))


def starters(store: GraphStore, lang: str) -> None:
    """Links that open the tracer on a well-documented connection."""
    pairs = [(store.get(source), store.get(target)) for source, target in STARTERS]
    pairs = [(source, target) for source, target in pairs if source and target]
    if not pairs:
        return
    st.subheader(t("overview.starters", lang), anchor=False)
    for source, target in pairs:
        routes.link("trace", lang, escape_markdown(f"{source.name} → {target.name}"), icon=":material/route:",
                    **{"from": source.name, "to": target.name})


def legend(lang: str) -> str:
    """Each label's swatch (the shape and colour the graph draws), name and meaning, as escaped HTML."""
    labels = get_schema().labels
    rows = [f'<li><span class="swatch {item["shape"]}" style="background:{item["fill"]};border-color:{item["border"]}">'
            f'</span><strong>{html.escape(item["title"])}</strong> '
            f'<span class="doc">{html.escape(labels[name].doc(lang))}</span></li>'
            for name, item in zip(STYLES, legend_items(STYLES, lang))]
    return f'<style>{KEY_CSS}{SWATCH_CSS}</style><ul class="hilos-key">{"".join(rows)}</ul>'
