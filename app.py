"""Hilos, the Streamlit app: `streamlit run app.py` (or `make run`).

Sets the page, the language selector and the navigation; the pages live in app_pages/.
"""
from __future__ import annotations

import logging

import streamlit as st

from app_pages import exercises, present, routes, state, story_editor
from app_pages.common import choose_lang
from graph.i18n import t

log = logging.getLogger("hilos.app")

st.set_page_config(page_title="Hilos", layout="wide")
lang = choose_lang()
explorer = routes.explorer_pages(lang)
trainer = [present.page(lang), story_editor.page(lang), exercises.page(lang)]
page = st.navigation([*explorer.values(), *trainer])
state.follow_link(page, explorer)
try:
    page.run()
except Exception:  # readers get one friendly line; the traceback goes to the server log
    log.exception("page failed")
    st.error(t("error.unexpected", lang))
