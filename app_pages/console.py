"""The researchers' Cypher console: read-only queries on Neo4j, the example library, the user's saved queries.

On the embedded store the page explains how to connect a Neo4j server, offers
the graph as a Cypher script and still shows the examples. The logic lives in
graph.console (running), graph.console_values (results) and graph.query_library.
Everything a user or the server wrote is shown as text: st.code, st.dataframe
or escaped Markdown.
"""
from __future__ import annotations

import io
import json
import logging
from typing import Any

import streamlit as st

from app_pages import state, workshop
from app_pages.common import choice_in_this_language, current_lang, store_or_stop
from app_pages.graph_view import show_graph
from app_pages.markup import escape_markdown
from graph.connection import problem
from graph.console import (DEFAULT_ROW_CAP, DEFAULT_TIMEOUT, ConsoleRejected, ConsoleResult, parse_parameters,
                           run_read_only)
from graph.console_budget import DEFAULT_MAX_BYTES
from graph.console_values import result_graph, table, to_csv, to_json
from graph.errors import StoreError
from graph.export_cypher import write_script
from graph.exports import View
from graph.i18n import error_text, t
from graph.query_library import (MAX_TITLE, LibraryError, LibraryQuery, delete_query, examples, save_query,
                                 saved_queries)
from graph.store import GraphStore
from graph.store_neo4j import Neo4jStore, safe_uri

QUERY, PARAMS, PICK, CAP, TIMEOUT, TITLE = ("console.query", "console.params", "console.pick", "console.cap",
                                            "console.timeout", "console.title")
RESULT, SAVED = "console.result", "console.saved"
MAX_CAP = 10_000
MAX_TIMEOUT = 60
log = logging.getLogger(__name__)
DOCKER = "docker run -p 7687:7687 -e NEO4J_AUTH=none neo4j:5"
ENV = ("export NEO4J_URI=bolt://localhost:7687 NEO4J_USERNAME=neo4j NEO4J_PASSWORD=... "
       "NEO4J_DATABASE=neo4j")
SECRETS = 'NEO4J_URI = "bolt://localhost:7687"\nNEO4J_USERNAME = "neo4j"\nNEO4J_PASSWORD = "..."\n'
RUN = ".venv/bin/python -m streamlit run app.py -- --backend neo4j\ncypher-shell -f hilos-graph.cypher"


def render() -> None:
    workshop.refuse("console")  # not in workshop mode's navigation either; this refuses any other way in
    lang = current_lang()
    store = store_or_stop(lang)
    state.mark_page("console")
    st.title(t("nav.console", lang), anchor=False)
    if isinstance(store, Neo4jStore):
        console(store, lang)
    else:
        embedded_help(store, lang)


def _text(key: str, lang: str, **fmt: Any) -> str:
    """A catalog message as Markdown that shows exactly its text."""
    return escape_markdown(t(key, lang, **fmt))


# -- the embedded store ------------------------------------------------------
def embedded_help(store: GraphStore, lang: str) -> None:
    """How to connect Neo4j, the graph as a Cypher script, and the examples to read."""
    st.info(_text("console.embedded.intro", lang), icon=":material/info:")
    st.subheader(t("console.embedded.how", lang), anchor=False)
    st.markdown(_text("console.embedded.step_server", lang))
    st.code(DOCKER, language="bash")
    st.markdown(_text("console.embedded.step_settings", lang))
    st.code(ENV, language="bash")
    st.markdown(_text("console.embedded.step_secrets", lang))
    st.code(SECRETS, language="toml")
    st.markdown(_text("console.embedded.step_run", lang))
    st.code(RUN, language="bash")
    st.download_button(t("console.embedded.export", lang), data=lambda: cypher_script(store),
                       file_name="hilos-graph.cypher", mime="text/plain", on_click="ignore",
                       icon=":material/download:", help=t("console.embedded.export_help", lang))
    st.subheader(t("console.examples", lang), anchor=False)
    for query in examples():
        with st.expander(query.title(lang)):
            st.code(query.text, language="cypher")
            if query.parameters:
                st.caption(_text("console.example_parameters", lang))
                st.code(json.dumps(query.parameters, ensure_ascii=False, indent=1), language="json")


def cypher_script(store: GraphStore) -> bytes:
    out = io.StringIO()
    write_script(store, out)
    return out.getvalue().encode("utf-8")


# -- Neo4j -------------------------------------------------------------------
def console(store: Neo4jStore, lang: str) -> None:
    """The library, the editor, the limits, and the last result."""
    st.caption(_text("console.help", lang, seconds=int(DEFAULT_TIMEOUT), rows=f"{DEFAULT_ROW_CAP:,}",
                     megabytes=DEFAULT_MAX_BYTES // 2**20))
    library = query_library(lang)
    if QUERY not in st.session_state:
        load_query(library[0])
    st.text_area(t("console.query", lang), key=QUERY, height=180)
    st.text_area(t("console.parameters", lang), key=PARAMS, height=68, help=t("console.parameters_help", lang))
    timeout_col, cap_col, run_col = st.columns([2, 2, 1], vertical_alignment="bottom")
    timeout = timeout_col.number_input(t("console.timeout", lang), min_value=1, max_value=MAX_TIMEOUT,
                                       value=int(DEFAULT_TIMEOUT), key=TIMEOUT)
    cap = cap_col.number_input(t("console.cap", lang), min_value=1, max_value=MAX_CAP, value=DEFAULT_ROW_CAP,
                               step=100, key=CAP)
    if run_col.button(t("console.run", lang), type="primary", icon=":material/play_arrow:", width="stretch"):
        st.session_state[RESULT] = run(store, st.session_state[QUERY], st.session_state[PARAMS],
                                       float(timeout), int(cap))
    outcome = st.session_state.get(RESULT)
    if isinstance(outcome, tuple):
        show_result(*outcome, lang=lang)
    elif isinstance(outcome, (ConsoleRejected, StoreError)):
        show_problem(outcome, store, lang)
    save_box(lang)


def query_library(lang: str) -> list[LibraryQuery]:
    """The picker of examples and saved queries; picking one copies it into the editor."""
    library = list(examples())
    try:
        library += saved_queries()
    except LibraryError as exc:
        st.warning(_text("console.library_broken", lang))
        st.code(error_text(exc, lang), language=None)
    by_key = {query.key: query for query in library}
    choice_in_this_language(PICK, by_key)
    picked = st.selectbox(t("console.library", lang), list(by_key), index=None, key=PICK,
                          placeholder=t("console.pick", lang), help=t("console.library_help", lang),
                          format_func=lambda key: label(by_key[key], lang) if key in by_key else key,
                          on_change=lambda: load_query(by_key.get(st.session_state[PICK])))
    if picked in by_key and by_key[picked].saved:
        st.button(t("console.delete", lang), icon=":material/delete:", on_click=forget, args=(picked,))
    return library


def label(query: LibraryQuery, lang: str) -> str:
    return t("console.saved_mark", lang, title=query.title(lang)) if query.saved else query.title(lang)


def load_query(query: LibraryQuery | None) -> None:
    """Copy a library query into the editor (a widget callback, so before the widgets are drawn)."""
    if query is None:
        return
    st.session_state[QUERY] = query.text
    st.session_state[PARAMS] = json.dumps(query.parameters, ensure_ascii=False) if query.parameters else ""
    st.session_state.pop(RESULT, None)


def forget(key: str) -> None:
    """Delete a saved query (a button callback); a failure shows in the save box."""
    try:
        delete_query(key)
    except (LibraryError, OSError) as exc:
        st.session_state[SAVED] = exc
    else:
        st.session_state[PICK] = None


def run(store: Neo4jStore, text: str, params_text: str, timeout: float,
        cap: int) -> tuple[ConsoleResult, float, int] | ConsoleRejected | StoreError:
    """The query's result with the limits it ran under, or why it did not run."""
    try:
        return run_read_only(store, text, parse_parameters(params_text), timeout=timeout, row_cap=cap), timeout, cap
    except ConsoleRejected as exc:
        return exc
    except StoreError as exc:
        log.warning("console query failed: %s", exc)
        return exc


def show_problem(exc: ConsoleRejected | StoreError, store: Neo4jStore, lang: str) -> None:
    """One sentence, and the server's own words as plain text where it gave some."""
    if isinstance(exc, StoreError):
        settings = store.settings
        st.error(_text(f"error.neo4j.{problem(exc)}", lang, uri=safe_uri(settings.uri), database=settings.database,
                       user=settings.username))
        return
    if exc.reason == "timeout":
        seconds = int(st.session_state.get(TIMEOUT, DEFAULT_TIMEOUT))
        st.warning(_text("console.timed_out", lang, seconds=seconds), icon=":material/timer_off:")
        return
    st.error(_text(f"console.refused.{exc.reason}", lang, megabytes=DEFAULT_MAX_BYTES // 2**20))
    if exc.detail:
        st.code(exc.detail, language=None, wrap_lines=True)


def show_result(result: ConsoleResult, timeout: float, cap: int, *, lang: str) -> None:
    """Limits hit, the rows as a table, the nodes and relationships as a graph, and the downloads."""
    st.caption(_text("console.rows", lang, count=f"{len(result.rows):,}", seconds=f"{result.seconds:.2f}"))
    if result.capped:
        st.warning(_text("console.capped", lang, rows=f"{cap:,}"), icon=":material/block:")
    if result.timed_out:
        st.warning(_text("console.timed_out_partial", lang, seconds=int(timeout), count=len(result.rows)),
                   icon=":material/timer_off:")
    if result.notes:
        with st.expander(t("console.notes", lang, count=len(result.notes)), icon=":material/lightbulb:"):
            for note in result.notes:
                st.code(note, language=None, wrap_lines=True)
    if result.plan:
        st.caption(_text("console.plan", lang))
        st.code("\n".join(result.plan), language=None)  # text, never Markdown or HTML
        return
    if not result.rows:
        st.info(_text("console.no_rows", lang))
        return
    graph = result_graph(result.raw, result.ends)
    if graph.nodes:
        graph_tab, table_tab = st.tabs([t("console.graph", lang), t("console.table", lang)])
        with graph_tab:
            show_graph(View(graph, name="cypher"), lang, key="console.graph")
    else:
        table_tab = st.container()
    with table_tab:
        # st.dataframe shows cells as plain text, never as Markdown or HTML.
        st.dataframe(table(result.columns, result.raw, result.ends), hide_index=True, width="stretch")
    csv_col, json_col = st.columns(2)
    csv_col.download_button(t("console.download_csv", lang), data=to_csv(result.columns, result.rows),
                            file_name="hilos-cypher.csv", mime="text/csv", on_click="ignore",
                            icon=":material/download:", width="stretch")
    json_col.download_button(t("console.download_json", lang),
                             data=to_json(result.columns, result.rows, capped=result.capped,
                                          timed_out=result.timed_out),
                             file_name="hilos-cypher.json", mime="application/json", on_click="ignore",
                             icon=":material/download:", width="stretch")


def save_box(lang: str) -> None:
    """Save the editor's query, with a title, to this computer's list."""
    with st.expander(t("console.save", lang), icon=":material/bookmark_add:", expanded=SAVED in st.session_state):
        title = st.text_input(t("console.save_title", lang), key=TITLE, max_chars=MAX_TITLE)
        st.button(t("console.save_button", lang), disabled=not title.strip(), on_click=save_current)
        outcome = st.session_state.pop(SAVED, None)
        if isinstance(outcome, Exception):
            st.error(_text("console.save_failed", lang))
            st.code(error_text(outcome, lang), language=None, wrap_lines=True)
        elif outcome:
            st.success(_text("console.saved", lang))


def save_current() -> None:
    """Save the editor's query (a button callback, so the picker drawn next already lists it)."""
    try:
        saved = save_query(st.session_state[TITLE], st.session_state[QUERY], parse_parameters(st.session_state[PARAMS]))
    except (LibraryError, ConsoleRejected, OSError) as exc:
        st.session_state[SAVED] = exc
    else:
        st.session_state[SAVED] = saved.key
        st.session_state[PICK] = saved.key
