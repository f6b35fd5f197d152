"""Workshop mode: the explorer and the stories, read-only, for a room of participants on the local network.

On with `HILOS_WORKSHOP=1` or `streamlit run app.py -- --workshop`. `python -m app_pages.workshop`
starts the app that way on this computer's network address: Streamlit binds its socket
before any script runs, so only the command line can open the app to the room.

What workshop mode closes is refused on the server, not hidden in the browser: the closed
pages are left out of the navigation, so no URL can make the server run them, and the
code that writes calls `refuse()` first, so it refuses even if it is reached some other way.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Mapping, Sequence

import streamlit as st

from app_pages.common import current_lang
from app_pages.state import PAGE
from graph.errors import HilosError
from graph.i18n import t
from graph.lan import is_loopback, is_wildcard, lan_address, qr_png, room_url

ENV = "HILOS_WORKSHOP"
FLAG = "--workshop"
APP = Path(__file__).resolve().parents[1] / "app.py"
ACTIONS = ("console", "edit", "save")  # what workshop mode refuses
CLOSED_PAGES = {"story_editor": "edit", "console": "console"}  # url_path -> the action the page is
NAME = "workshop"  # this page's url_path
QR_WIDTH = 380


class Refused(HilosError):
    """Workshop mode does not allow this action."""

    def __init__(self, action: str) -> None:
        self.action = action
        super().__init__(f"workshop mode does not allow '{action}'")


def active() -> bool:
    """True when the app runs in workshop mode (HILOS_WORKSHOP=1 or the script's --workshop flag)."""
    return os.environ.get(ENV, "").strip().lower() in {"1", "true", "yes", "on"} or FLAG in sys.argv[1:]


def refuse(action: str) -> None:
    """Raise Refused when workshop mode is on: the one check before anything it does not allow."""
    if action not in ACTIONS:
        raise ValueError(f"unknown workshop action {action!r}; one of {', '.join(ACTIONS)}")
    if active():
        raise Refused(action)


def open_pages(pages: Mapping[str, st.Page], lang: str) -> dict[str, st.Page]:
    """The pages the navigation offers: every page, or in workshop mode this page and those that only read."""
    if not active():
        return dict(pages)
    return {NAME: page(lang), **{name: item for name, item in pages.items() if name not in CLOSED_PAGES}}


def closed_link_notice(lang: str) -> None:
    """In workshop mode, a link naming a closed page (?page=story_editor) says why it opened elsewhere."""
    if active() and st.query_params.get(PAGE, "") in CLOSED_PAGES:
        st.warning(t("workshop.closed_page", lang))


def page(lang: str) -> st.Page:
    return st.Page(render, title=t("nav.workshop", lang), url_path=NAME)


def listening_address() -> str | None:
    """The address participants can reach the server at, or None when it listens on this computer only."""
    address = str(st.get_option("server.address") or "")
    if is_loopback(address):
        return None
    return lan_address() if is_wildcard(address) else address


def render() -> None:
    """For the trainer: the link and QR code to give the room, and what participants can and cannot do."""
    lang = current_lang()
    st.title(t("nav.workshop", lang), anchor=False)
    address = listening_address()
    if address is None:
        st.warning(t("workshop.loopback", lang))
        st.code(".venv/bin/python -m app_pages.workshop", language="bash")
        return
    url = room_url(address, int(st.get_option("server.port")))
    qr_col, text_col = st.columns([2, 3], vertical_alignment="center")
    qr_col.image(qr_png(url), width=QR_WIDTH, caption=t("workshop.qr_caption", lang))
    with text_col:
        st.markdown(t("workshop.give_the_room", lang))
        st.code(url, language=None)
        st.markdown(t("workshop.allowed", lang))
        st.markdown(t("workshop.refused_list", lang))


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m app_pages.workshop`: the app in workshop mode on this computer's network address."""
    parser = argparse.ArgumentParser(prog="python -m app_pages.workshop",
                                     description="Run Hilos read-only for a room on the local network.")
    parser.add_argument("--address", help="the address to listen on (default: this computer's LAN address)")
    parser.add_argument("--port", type=int, default=8501)
    args = parser.parse_args(argv)
    address = args.address or lan_address()
    if address is None:
        print("No local network address found: join the venue's Wi-Fi first, or pass --address.", file=sys.stderr)
        return 1
    command = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.address", address,
               "--server.port", str(args.port), "--browser.serverAddress", address, "--", FLAG]
    print(f"Workshop mode: participants open {room_url(address, args.port)}", file=sys.stderr)
    os.execve(sys.executable, command, {**os.environ, ENV: "1"})  # becomes the server: signals reach it


if __name__ == "__main__":
    sys.exit(main())
