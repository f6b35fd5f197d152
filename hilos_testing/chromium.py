"""Debian's chromium as the browser tests and the views benchmark drive it, fenced to 127.0.0.1."""
from __future__ import annotations

from typing import Any, Callable
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
LOCAL_SCHEMES = {"data", "blob", "about", "file"}


def is_local(url: str) -> bool:
    """True for a request that stays on this computer (or in the page: data:, blob:, about:, file:)."""
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or (parts.hostname or "") in LOCAL_HOSTS


def fence(context: Any, blocked: list[str], allowed: Callable[[str], bool] = is_local) -> None:
    """Let a Playwright browser context (or page) request only `allowed` URLs; every other one is aborted and noted in
    `blocked`, for the caller to fail on."""
    def route(request_route: Any) -> None:
        if allowed(request_route.request.url):
            request_route.continue_()
        else:
            blocked.append(request_route.request.url)
            request_route.abort()

    context.route("**/*", route)
