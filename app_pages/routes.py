"""The app's pages by name, and the links between them that carry the view in the URL.

A page is named once here; app.py puts the pages in st.navigation and the pages
link to each other through `page()` (st.page_link and st.switch_page need a Page
with the same url_path as the one in the navigation). A page's module is imported
when the page first runs, so the first page drawn pays only for its own imports
(the console's Neo4j driver and the trainer pages' layouts cost seconds).
"""
from __future__ import annotations

import importlib
from functools import cache
from typing import Callable, NoReturn

import streamlit as st

from app_pages.state import LANG, PAGE
from graph.i18n import t

DEFAULT = "trace"
# The default page is served at "/" and its url_path is only its name inside Streamlit; the tracer's own
# path, /trace, belongs to a hidden copy of it (`trace_by_path`), so a link typed by hand opens it too.
DEFAULT_URL_PATH = "start"
# name -> module with render(); the order is the menu's. Pages get no icon: Streamlit makes a
# page's Material icon the tab's favicon and fetches it from fonts.gstatic.com.
PAGES: dict[str, str] = {
    "overview": "app_pages.overview",
    "search": "app_pages.search",
    "profile": "app_pages.profile",
    "neighbourhood": "app_pages.neighbourhood",
    "trace": "app_pages.trace",
    "console": "app_pages.console",
}
TRAINER_PAGES: dict[str, str] = {
    "present": "app_pages.present",
    "story_editor": "app_pages.story_editor",
    "exercises": "app_pages.exercises",
}


@cache
def _renderer(module: str) -> Callable[[], None]:
    """The page's render(), its module imported on the first run."""

    def render() -> None:
        importlib.import_module(module).render()

    return render


def page(name: str, lang: str) -> st.Page:
    """The st.Page for an explorer or trainer page, titled in `lang`."""
    module = PAGES.get(name) or TRAINER_PAGES[name]
    default = name == DEFAULT
    return st.Page(_renderer(module), title=t(f"nav.{name}", lang), url_path=DEFAULT_URL_PATH if default else name,
                   default=default)


def all_pages(lang: str) -> dict[str, st.Page]:
    """The explorer's pages, then the trainers', by name, in menu order."""
    return {name: page(name, lang) for name in (*PAGES, *TRAINER_PAGES)}


def trace_by_path(lang: str) -> st.Page:
    """The tracer at /trace, out of the menu: the default page answers only at "/"."""
    return st.Page(_renderer(PAGES[DEFAULT]), title=t(f"nav.{DEFAULT}", lang), url_path=DEFAULT, visibility="hidden")


def params(lang: str, **values: str | list[str]) -> dict[str, str | list[str]]:
    """Query parameters for a link: the language plus the given values, empty ones left out."""
    return {LANG: lang, **{key: value for key, value in values.items() if value}}


def link(name: str, lang: str, label: str, *, icon: str | None = None, **values: str | list[str]) -> None:
    """A link to page `name` carrying `values` in its URL. `label` is Markdown: escape data in it."""
    st.page_link(page(name, lang), label=label, icon=icon, query_params={PAGE: name, **params(lang, **values)})


def go(name: str, lang: str, **values: str | list[str]) -> NoReturn:
    """Switch to page `name` now, with `values` in the URL."""
    st.switch_page(page(name, lang), query_params={PAGE: name, **params(lang, **values)})


def open_profile(node_id: str, lang: str) -> NoReturn:
    go("profile", lang, id=node_id)
