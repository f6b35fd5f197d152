"""Download buttons for the view on screen, one per format; each file is built only when clicked."""
from __future__ import annotations

from functools import partial

import streamlit as st

from graph.exports import FORMATS, View
from graph.i18n import t

COLUMNS = 4


def offer_exports(view: View, lang: str, *, key: str) -> None:
    """An expander with a download button per format (HTML, GraphML, GEXF, CSV, JSON, Cypher)."""
    with st.expander(t("export.title", lang), icon=":material/download:"):
        st.caption(t("export.hint", lang, nodes=len(view.nodes), edges=len(view.edges)))
        columns = st.columns(COLUMNS)
        for number, fmt in enumerate(FORMATS):
            columns[number % COLUMNS].download_button(
                t(f"export.format.{fmt.key}", lang), data=partial(fmt.build, view, lang),
                file_name=view.file_name(fmt.extension, fmt.part), mime=fmt.mime, key=f"{key}.export.{fmt.key}",
                on_click="ignore", icon=":material/download:", width="stretch")
