"""What every page needs: the chosen language and the (seeded) graph store."""
from __future__ import annotations

import logging

import streamlit as st

from graph.errors import HilosError
from graph.i18n import LANGS, browser_lang, t
from graph.store import GraphStore, default_backend, default_db_path, open_store
from loaders.seed import ensure_seeded

LANG_KEY = "lang"  # both the session-state key of the selector and the query parameter

log = logging.getLogger(__name__)


def choose_lang() -> str:
    """The sidebar language selector; first from ?lang=, else the browser's Accept-Language, else es.

    The choice is written back to ?lang= so that a copied link opens in the same language.
    """
    if LANG_KEY not in st.session_state:
        asked = st.query_params.get(LANG_KEY)
        st.session_state[LANG_KEY] = asked if asked in LANGS else browser_lang(
            st.context.headers.get("Accept-Language"))
    lang = st.sidebar.radio(t("lang.label", st.session_state[LANG_KEY]), LANGS, key=LANG_KEY,
                            format_func=lambda code: t("lang.name", code), horizontal=True)
    st.query_params[LANG_KEY] = lang
    return lang


def current_lang() -> str:
    """The language chosen by `choose_lang` in this run."""
    return st.session_state[LANG_KEY]


@st.cache_resource(show_spinner=False)
def _seeded_store(backend: str, db: str) -> GraphStore:
    """One store per backend and graph file, shared by all sessions; an empty one gets the seed data."""
    store = open_store(db, backend)
    ensure_seeded(store)
    return store


def store_or_stop(lang: str) -> GraphStore:
    """The store at HILOS_DB (or the default path); a one-line error and a stopped page if it fails."""
    try:
        return _seeded_store(default_backend(), str(default_db_path()))
    except (HilosError, OSError):
        log.exception("could not open or seed the graph store")
        st.error(t("error.store", lang))
        st.stop()
