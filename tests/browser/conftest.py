"""Browser fixtures: the real app on a free port, and Debian's chromium driven by Playwright.

Every request that leaves 127.0.0.1 is blocked and fails the test that made it.
Screenshots go to artifacts/ (gitignored) to be looked at.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping

import pytest

from hilos_testing.app_server import ROOT, AppFailed, AppServer
from hilos_testing.chromium import CHROMIUM, CHROMIUM_ARGS, fence

ARTIFACTS = ROOT / "artifacts"

pytestmark = pytest.mark.browser


@contextmanager
def running_app(db: Path, *extra: str, tracebacks_fail: bool = False,
                settings: Mapping[str, str] | None = None) -> Iterator[str]:
    """The app on a free port over the graph file `db`; yields its URL. Server tracebacks are printed or fail."""
    app = AppServer(db, *extra, settings=settings)
    try:
        app.wait_until_up()
    except AppFailed:
        app.stop()
        raise
    try:
        yield app.url
    finally:
        output = app.stop()
    if "Traceback" in output:
        print(output)
        assert not tracebacks_fail, "the app logged a traceback"


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a free port with a fresh graph file (seeded on first page load); yields its URL."""
    with running_app(tmp_path_factory.mktemp("browser") / "graph.json") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-system-deps.sh (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def blocked_requests() -> list[str]:
    """URLs the page tried to reach outside 127.0.0.1 (the `page` fixture fails the test on any)."""
    return []


@pytest.fixture
def page(browser, blocked_requests: list[str], request: pytest.FixtureRequest):
    """A fresh page (1400x900, English-speaking browser unless a test sets headers) with the network fenced."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    fence(context, blocked_requests)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        page.screenshot(path=str(ARTIFACTS / f"failed-{request.node.name}.png"), full_page=True)
    context.close()
    assert not blocked_requests, f"requests left 127.0.0.1: {blocked_requests}"
    assert not dialogs, f"a dialog opened (script ran?): {dialogs}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so `page` can screenshot failures."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
