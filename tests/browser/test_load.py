"""Load: 20 sessions at once against one app on 127.0.0.1, each searching and tracing; every answer < 2 s.

A workshop room is 20 phones, each drawing its page with its own CPU, and one
laptop running the app for all of them. This machine has 2 cores for everything:
20 chromiums drawing on them would measure chromium, not the app. So the 20
sessions are split:

- 2 real chromium sessions (`BROWSERS`) time what a participant waits for: from
  the key press until the answer is on screen;
- 18 sessions speak Streamlit's own websocket protocol as the browser does
  (hilos_testing.streamlit_session: the same handshake, BackMsg rerun_script
  with the URL and every widget's value, ForwardMsgs until script_finished) and
  time from the request leaving until the run's last message arriving.

To the server they are 20 sessions alike, doing the same searches and traces
at the same moment. Every answer, of either kind, must come in under 2 s and
hold the expected result (the hit's link, the path's chain of names), and no
request may leave 127.0.0.1. The sessions open a few at a time (a room does not
connect in the same second), then all search at once, then all open the tracer,
then all trace at once; nobody moves on until every session has its answer. The server's CPU per answer is
printed with the times, and what a trace's rerun sends (messages and bytes, as the protocol sessions counted them).

Marked `load` and left out of the default run (pyproject.toml): it needs a
machine that is doing nothing else. Run it with `pytest -m load -s`.
"""
from __future__ import annotations

import asyncio
import os
import re
import statistics
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from graph.store_networkx import EmbeddedStore
from hilos_testing.app_server import AppServer
from hilos_testing.chromium import CHROMIUM, CHROMIUM_ARGS, is_local
from hilos_testing.streamlit_session import StreamlitSession, run_apart
from loaders.seed import load_seed

SESSIONS = 20
BROWSERS = 2  # the rest speak the protocol
ANSWER_SECONDS = 2.0
WAIT_SECONDS = 60  # a session that gets no answer at all fails after this long
OPENING_AT_ONCE = 4
ORIGIN = "company:palantir-technologies"  # the trace page's default "From"
SEARCH_LABEL, TRACE_LABEL = "Search by name or alias", "To"
TRACER = ""  # the tracer's url path: the default page, where the menu's "Trace connections" leads

pytestmark = [pytest.mark.load, pytest.mark.timeout(300)]


class Plan:
    """What one session asks: a search with its expected hit, and a trace from Palantir with its first path."""

    def __init__(self, query: str, hit: str, destination: str, chain: str) -> None:
        self.query, self.hit, self.destination, self.chain = query, hit, destination, chain


def session_plans(store: EmbeddedStore) -> list[Plan]:
    """One plan per session, all different."""
    plans = []
    for node in store.nodes():
        if node.label not in ("Company", "Agency", "Product") or node.id == ORIGIN or "@" in node.name:
            continue
        paths = store.paths(ORIGIN, node.id, k=3)
        if paths:
            chain = " → ".join(step.name for step in paths[0].nodes)
            plans.append(Plan(node.name.split()[0].lower(), node.name, node.name, chain))
    assert len(plans) >= SESSIONS, "the seed should offer enough destinations"
    return plans[:SESSIONS]


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of process `pid` so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Phase:
    """The server's CPU from the first session starting a phase to the last one getting its answer."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.began: float | None = None
        self.ended = 0.0

    def start(self) -> None:
        if self.began is None:
            self.began = cpu_seconds(self.pid)

    def done(self) -> None:
        """One more answer in; the sessions that have theirs wait for the others, so the last call ends the phase."""
        self.ended = cpu_seconds(self.pid)

    def per_answer(self) -> float:
        assert self.began is not None
        return (self.ended - self.began) / SESSIONS


class Room:
    """What the sessions share: the app, the pace of opening, the moments they ask together, the CPU spent."""

    def __init__(self, url: str, pid: int, sessions: int) -> None:
        self.url = url
        self.opening = asyncio.Semaphore(OPENING_AT_ONCE)
        self.together = asyncio.Barrier(sessions)
        self.search, self.trace = Phase(pid), Phase(pid)
        self.blocked: list[str] = []


async def protocol_session(room: Room, plan: Plan) -> dict[str, float]:
    """Search and trace over Streamlit's protocol; the server's time for each answer, checked for its result."""
    session = StreamlitSession(room.url, "search", "lang=en", timeout=WAIT_SECONDS)
    times: dict[str, float] = {}
    try:
        async with room.opening:
            await session.open()
        await room.together.wait()
        room.search.start()
        search = await session.enter(SEARCH_LABEL, plan.query)
        room.search.done()
        assert any(text.startswith(f"{plan.hit} · ") for text in search.texts()), f"no link to {plan.hit}"
        times["search"] = search.seconds
        await room.together.wait()  # nobody moves on while others still wait for their answer
        await session.go(TRACER, "lang=en")
        await room.together.wait()
        room.trace.start()
        trace = await session.enter(TRACE_LABEL, plan.destination)
        room.trace.done()
        assert any(plan.chain in text for text in trace.texts()), f"no path {plan.chain}"
        times["trace"] = trace.seconds
        times["trace messages"], times["trace bytes"] = trace.messages, trace.size
    except BaseException:
        await room.together.abort()  # the others stop waiting for this session
        raise
    finally:
        await session.close()
    return times


async def on_screen(locator) -> None:
    """Wait until `locator` shows. Not expect(): after its first looks it looks only once a second, so the
    times taken with it cluster on whole seconds."""
    await locator.first.wait_for(state="visible", timeout=WAIT_SECONDS * 1000)


async def browser_session(browser, room: Room, plan: Plan) -> dict[str, float]:
    """Search and trace in chromium; the time from each key press until the expected answer is on screen."""
    from playwright.async_api import expect

    context = await browser.new_context(viewport={"width": 1280, "height": 900})

    async def fence(route):
        if is_local(route.request.url):
            await route.continue_()
        else:
            room.blocked.append(route.request.url)
            await route.abort()

    await context.route("**/*", fence)
    page = await context.new_page()
    times: dict[str, float] = {}
    try:
        async with room.opening:
            await page.goto(f"{room.url}/search?lang=en", timeout=WAIT_SECONDS * 1000)
            box = page.get_by_label(SEARCH_LABEL)
            await box.wait_for(timeout=WAIT_SECONDS * 1000)
        await box.fill(plan.query)
        await room.together.wait()
        room.search.start()
        began = time.monotonic()
        await box.press("Enter")
        await on_screen(page.get_by_role("link", name=re.compile("^" + re.escape(plan.hit) + " · ")))
        times["search"] = time.monotonic() - began
        room.search.done()
        await room.together.wait()
        await page.get_by_role("link", name="Trace connections").first.click()
        target = page.get_by_label(TRACE_LABEL, exact=True)
        await expect(page.get_by_text("Sources", exact=True)).to_be_visible(timeout=WAIT_SECONDS * 1000)
        await target.fill(plan.destination)
        await room.together.wait()
        room.trace.start()
        began = time.monotonic()
        await target.press("Enter")
        await on_screen(page.get_by_text(plan.chain))
        times["trace"] = time.monotonic() - began
        room.trace.done()
    except BaseException:
        await room.together.abort()
        raise
    finally:
        await context.close()
    return times


async def run_sessions(room: Room, plans: list[Plan]) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    """Every session at once; (the browsers' times, the protocol sessions' times)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        sessions = [*(browser_session(browser, room, plan) for plan in plans[:BROWSERS]),
                    *(protocol_session(room, plan) for plan in plans[BROWSERS:])]
        try:
            results = await asyncio.wait_for(asyncio.gather(*sessions, return_exceptions=True), timeout=240)
        finally:
            await browser.close()
    failures = [result for result in results if isinstance(result, BaseException)]
    # The first real failure, not the broken barrier it left the other sessions with.
    for failure in sorted(failures, key=lambda error: isinstance(error, asyncio.BrokenBarrierError)):
        raise failure
    return results[:BROWSERS], results[BROWSERS:]


@contextmanager
def running(db: Path) -> Iterator[AppServer]:
    """The app as tests/browser/conftest.running_app starts it, with its process at hand for the CPU it spends."""
    app = AppServer(db)
    try:
        app.wait_until_up()
        yield app
    finally:
        output = app.stop()
    assert "Traceback" not in output, output


def summary(results: list[dict[str, float]]) -> dict[str, list[float]]:
    return {kind: [times[kind] for times in results] for kind in ("search", "trace")}


def test_twenty_sessions_at_once_each_get_answers_in_under_two_seconds(tmp_path: Path):
    seed = EmbeddedStore(tmp_path / "plans.json")
    load_seed(seed)
    plans = session_plans(seed)
    with running(tmp_path / "graph.json") as app:
        assert is_local(app.url)  # the protocol sessions talk to this address only
        room = Room(app.url, app.process.pid, SESSIONS)
        browsers, protocol = run_apart(run_sessions(room, plans))
    assert not room.blocked, f"requests left 127.0.0.1: {room.blocked}"
    answers = {"browser": summary(browsers), "protocol": summary(protocol)}
    report = {f"{who} {kind}": f"median {statistics.median(values):.2f} s, max {max(values):.2f} s"
              for who, kinds in answers.items() for kind, values in kinds.items()}
    cpu = {"search": room.search.per_answer(), "trace": room.trace.per_answer()}
    sent = {kind: statistics.median(times[f"trace {kind}"] for times in protocol) for kind in ("messages", "bytes")}
    print(f"{SESSIONS} sessions ({BROWSERS} in chromium): {report}; "
          f"server CPU per answer: {', '.join(f'{kind} {seconds * 1000:.0f} ms' for kind, seconds in cpu.items())}; "
          f"a trace's rerun: {sent['messages']:.0f} messages, {sent['bytes'] / 1000:.1f} kB (median); "
          f"load average {os.getloadavg()[0]:.2f}")
    slow = {f"{who} {kind}": [round(value, 2) for value in values if value >= ANSWER_SECONDS]
            for who, kinds in answers.items() for kind, values in kinds.items()}
    assert not any(slow.values()), f"answers over {ANSWER_SECONDS} s: {slow} ({report})"
