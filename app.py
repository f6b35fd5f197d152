"""Hilos, the Streamlit app: `streamlit run app.py` (or `make run`).

Sets the page, the language selector and the navigation; the pages live in app_pages/.
"""
from __future__ import annotations

import logging

import streamlit as st

from app_pages import trace
from app_pages.common import choose_lang
from graph.i18n import t

log = logging.getLogger("hilos.app")

st.set_page_config(page_title="Hilos", layout="wide")
lang = choose_lang()
page = st.navigation([st.Page(trace.render, title=t("nav.trace", lang), url_path="trace", default=True)])
try:
    page.run()
except Exception:  # readers get one friendly line; the traceback goes to the server log
    log.exception("page failed")
    st.error(t("error.unexpected", lang))
