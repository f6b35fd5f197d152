"""Browser fixtures: the real app on a free port, and Debian's chromium driven by Playwright.

Every request that leaves 127.0.0.1 is blocked and fails the test that made it.
Screenshots go to artifacts/ (gitignored) to be looked at.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
LOCAL_SCHEMES = {"data", "blob", "about", "file"}

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(db: Path, port: int, *extra: str, settings: Mapping[str, str] | None = None) -> subprocess.Popen:
    """Run the app as a user would (`streamlit run app.py`) on 127.0.0.1:port; NEO4J_* only from `settings`."""
    env = {**os.environ, "HILOS_DB": str(db)}
    for name in ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        env.pop(name, None)
    env.update(settings or {})
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1", *extra]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


def wait_until_up(process: subprocess.Popen, url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited early:\n{process.stdout.read()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the app did not answer at {url} within {timeout} s")


def stop(process: subprocess.Popen) -> str:
    process.terminate()
    try:
        output, _ = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output or ""


@contextmanager
def running_app(db: Path, *extra: str, tracebacks_fail: bool = False,
                settings: Mapping[str, str] | None = None) -> Iterator[str]:
    """The app on a free port over the graph file `db`; yields its URL. Server tracebacks are printed or fail."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    process = start_app(db, port, *extra, settings=settings)
    try:
        wait_until_up(process, url)
    except RuntimeError:
        print(stop(process))
        raise
    try:
        yield url
    finally:
        output = stop(process)
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


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or (parts.hostname or "") in LOCAL_HOSTS


@pytest.fixture
def blocked_requests() -> list[str]:
    """URLs the page tried to reach outside 127.0.0.1 (the `page` fixture fails the test on any)."""
    return []


@pytest.fixture
def page(browser, blocked_requests: list[str], request: pytest.FixtureRequest):
    """A fresh page (1400x900, English-speaking browser unless a test sets headers) with the network fenced."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)

    def fence(route):
        if is_local(route.request.url):
            route.continue_()
        else:
            blocked_requests.append(route.request.url)
            route.abort()

    context.route("**/*", fence)
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
