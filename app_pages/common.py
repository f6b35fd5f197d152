"""What every page needs: the chosen language and the (seeded) graph store."""
from __future__ import annotations

import logging
import os
import sys
from typing import Any

import streamlit as st

from app_pages.answers import shared
from app_pages.markup import escape_markdown
from app_pages.state import LANG, set_param
from graph.errors import HilosError, StoreError
from graph.i18n import LANGS, browser_lang, t
from graph.settings import (SETTING_KEYS, Neo4jSettings, backend_from_argv, choose_backend, merged_settings,
                            neo4j_settings)
from graph.store import BACKENDS, GraphStore, default_db_path, open_store
from loaders.seed import ensure_seeded


log = logging.getLogger(__name__)


def choose_lang() -> str:
    """The sidebar language selector; first from ?lang=, else the browser's Accept-Language, else es.

    The choice is written back to ?lang= so that a copied link opens in the same language.
    """
    if LANG not in st.session_state:
        asked = st.query_params.get(LANG)
        st.session_state[LANG] = asked if asked in LANGS else browser_lang(
            st.context.headers.get("Accept-Language"))
    lang = st.sidebar.radio(t("lang.label", st.session_state[LANG]), LANGS, key=LANG,
                            format_func=lambda code: t("lang.name", code), horizontal=True)
    set_param(LANG, lang)
    return lang


def current_lang() -> str:
    """The language chosen by `choose_lang` in this run."""
    return st.session_state[LANG]


def choice_in_this_language(key: str, options: Any) -> None:
    """Before a selectbox whose options are named in the page's language: set its choice again, so that the
    browser shows the choice in the words of this run; it keeps the words the choice was made in."""
    if st.session_state.get(key) in options:
        st.session_state[key] = st.session_state[key]


def _secrets() -> dict[str, Any]:
    """The Hilos keys of .streamlit/secrets.toml; none when there is no such file."""
    try:
        return {key: st.secrets[key] for key in SETTING_KEYS if key in st.secrets}
    except FileNotFoundError:  # StreamlitSecretNotFoundError: no secrets file, or one that does not parse
        return {}


def app_settings() -> dict[str, str]:
    """HILOS_BACKEND and NEO4J_* from the environment, else from Streamlit secrets."""
    return merged_settings(os.environ, _secrets())


def app_backend(settings: dict[str, str]) -> str:
    """`streamlit run app.py -- --backend neo4j|embedded`, else HILOS_BACKEND, else neo4j when NEO4J_URI is set."""
    return choose_backend(backend_from_argv(sys.argv[1:]), settings)


@st.cache_resource(show_spinner=False)
def _seeded_store(backend: str, db: str, neo4j: Neo4jSettings | None) -> GraphStore:
    """One store per backend and graph file (or server), shared by all sessions; an empty one gets the seed."""
    if neo4j:
        from graph.store_neo4j import Neo4jStore  # the driver (and the pandas it imports) only for Neo4j users

        store: GraphStore = Neo4jStore.connect(neo4j)
    else:
        store = open_store(db, backend)
    ensure_seeded(store)
    return store


def store_or_stop(lang: str) -> GraphStore:
    """The chosen store, seeded, its slow reads shared by all sessions (app_pages.answers); one sentence (never
    the password) and a stopped page if it fails."""
    settings = app_settings()
    try:
        backend = app_backend(settings)
        neo4j = neo4j_settings(settings) if backend == "neo4j" else None
    except StoreError:  # an unknown backend, or neo4j without NEO4J_URI
        st.error(t("error.backend", lang, backends=", ".join(BACKENDS)))
        st.stop()
    try:
        return shared(_seeded_store(backend, str(default_db_path()), neo4j))
    except StoreError as exc:
        log.warning("could not open the graph store: %s", exc)
        st.error(_neo4j_problem(exc, neo4j, lang) if neo4j else t("error.store", lang))
        st.stop()
    except (HilosError, OSError):
        log.exception("could not open or seed the graph store")
        st.error(t("error.store", lang))
        st.stop()


def _neo4j_problem(exc: StoreError, neo4j: Neo4jSettings, lang: str) -> str:
    """What went wrong with the Neo4j server, in one sentence without the password."""
    from graph.connection import problem
    from graph.store_neo4j import safe_uri

    return escape_markdown(t(f"error.neo4j.{problem(exc)}", lang, uri=safe_uri(neo4j.uri), database=neo4j.database,
                             user=neo4j.username))
