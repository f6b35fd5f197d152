"""Download buttons for the view on screen, one per format; each file is built only when clicked.

The buttons are drawn only while their expander is open: every rerun of a page
with a view (each search for a path, each step of a story) would otherwise build
and send a dozen elements nobody opened, and with a room of sessions answering
at once that is a good part of the server's work per answer.
"""
from __future__ import annotations

from functools import partial

import streamlit as st

from graph.exports import FORMATS, View
from graph.i18n import t

COLUMNS = 4


def offer_exports(view: View, lang: str, *, key: str) -> None:
    """An expander with a download button per format (HTML, GraphML, GEXF, CSV, JSON, Cypher)."""
    panel = st.expander(t("export.title", lang), icon=":material/download:", key=f"{key}.exports", on_change="rerun")
    if not panel.open:
        return
    with panel:
        st.caption(t("export.hint", lang, nodes=len(view.nodes), edges=len(view.edges)))
        columns = st.columns(COLUMNS)
        for number, fmt in enumerate(FORMATS):
            columns[number % COLUMNS].download_button(
                t(f"export.format.{fmt.key}", lang), data=partial(fmt.build, view, lang),
                file_name=view.file_name(fmt.extension, fmt.part), mime=fmt.mime, key=f"{key}.export.{fmt.key}",
                on_click="ignore", icon=":material/download:", width="stretch")
