"""Hilos, the Streamlit app: `streamlit run app.py` (or `make run`).

Sets the page, the language selector and the navigation; the pages live in app_pages/.
"""
from __future__ import annotations

import logging

import streamlit as st

from app_pages import routes, state, workshop
from app_pages.common import choose_lang
from graph.errors import TimedOut
from graph.i18n import t
from graph.store import QUERY_SECONDS

log = logging.getLogger("hilos.app")

st.set_page_config(page_title="Hilos", layout="wide")
lang = choose_lang()
pages = workshop.open_pages(routes.all_pages(lang), lang)  # in workshop mode, the closed pages are not there to be run
page = st.navigation([*pages.values(), routes.trace_by_path(lang)])
state.follow_link(page, pages)
workshop.closed_link_notice(lang)
try:
    page.run()
except workshop.Refused:
    st.error(t("workshop.refused", lang))
except TimedOut:
    st.warning(t("limits.timed_out", lang, seconds=f"{QUERY_SECONDS:g}"))
except Exception:  # readers get one friendly line; the traceback goes to the server log
    log.exception("page failed")
    st.error(t("error.unexpected", lang))
