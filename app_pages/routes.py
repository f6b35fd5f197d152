"""The explorer's pages by name, and the links between them that carry the view in the URL.

A page is named once here; app.py puts the pages in st.navigation and the pages
link to each other through `page()` (st.page_link and st.switch_page need a Page
with the same function and url_path as the one in the navigation).
"""
from __future__ import annotations

import importlib
from typing import NoReturn

import streamlit as st

from app_pages.state import LANG, PAGE
from graph.i18n import t

DEFAULT = "trace"
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


def page(name: str, lang: str) -> st.Page:
    """The st.Page for an explorer page, titled in `lang`."""
    render = importlib.import_module(PAGES[name]).render
    return st.Page(render, title=t(f"nav.{name}", lang), url_path=name, default=name == DEFAULT)


def explorer_pages(lang: str) -> dict[str, st.Page]:
    """Every explorer page by name, in menu order."""
    return {name: page(name, lang) for name in PAGES}


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
