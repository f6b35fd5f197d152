"""Load: 20 browser sessions at once against one app on 127.0.0.1, each searching and tracing; every answer < 2 s.

One chromium, one context per session (its own cookies and websocket, as 20
phones in a workshop room). The sessions open a few at a time (a room does not
connect in the same second, and 20 first loads of Streamlit's scripts at once
measure chromium more than the app), then all search at the same
moment, then all trace at the same moment.

Two times per answer. The server's: from the request leaving the browser to
the end of the answer arriving (the websocket frames' own timestamps, taken by
chromium's network layer); this is what the app owes a room of phones and it
must stay under 2 s. On screen: from the key press until the answer shows;
here the 20 browsers draw on the same 2 cores as the server (in a room each
phone draws for itself), so that time is printed, not held to the target.
The browsers run under `nice` for the same reason.

Marked `load` and left out of the default run (pyproject.toml): it needs a
machine that is doing nothing else. Run it with `pytest -m load -s`.
"""
from __future__ import annotations

import asyncio
import base64
import re
import statistics
import time
from pathlib import Path

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from graph.store_networkx import EmbeddedStore
from loaders.seed import load_seed
from hilos_testing.chromium import CHROMIUM, CHROMIUM_ARGS, is_local
from tests.browser.conftest import running_app

SESSIONS = 20
ANSWER_SECONDS = 2.0
WAIT_MS = 60_000  # a session that gets no answer at all fails after this long
OPENING_AT_ONCE = 4
NICE = 15
ORIGIN = "company:palantir-technologies"  # the trace page's default "From"

pytestmark = [pytest.mark.load, pytest.mark.timeout(300)]


def session_plans(store: EmbeddedStore) -> list[tuple[str, str, str, str]]:
    """Per session: (search text, the hit's name, trace destination, the first path's chain), all different."""
    plans = []
    for node in store.nodes():
        if node.label not in ("Company", "Agency", "Product") or node.id == ORIGIN or "@" in node.name:
            continue
        paths = store.paths(ORIGIN, node.id, k=3)
        if paths:
            chain = " → ".join(step.name for step in paths[0].nodes)
            plans.append((node.name.split()[0].lower(), node.name, node.name, chain))
    assert len(plans) >= SESSIONS, "the seed should offer enough destinations"
    return plans[:SESSIONS]


class Frames:
    """The session's websocket traffic as chromium's network layer timed it: reruns asked, runs finished."""

    def __init__(self) -> None:
        self.asked: list[float] = []
        self.finished: list[float] = []

    def sent(self, event: dict) -> None:
        if _message(BackMsg, event) == "rerun_script":
            self.asked.append(event["timestamp"])

    def received(self, event: dict) -> None:
        if _message(ForwardMsg, event) == "script_finished":
            self.finished.append(event["timestamp"])

    async def answer_after(self, asked_from: int) -> float:
        """Seconds from the first rerun asked since `asked_from` reruns to the end of its run.

        The answer can show before the frame that ends the run has been reported: wait for it.
        """
        deadline = time.monotonic() + WAIT_MS / 1000
        while time.monotonic() < deadline:
            done = [at - self.asked[asked_from] for at in self.finished
                    if len(self.asked) > asked_from and at >= self.asked[asked_from]]
            if done:
                return min(done)
            await asyncio.sleep(0.05)
        raise AssertionError("the server never finished the run")


def _message(kind, event: dict) -> str | None:
    response = event["response"]
    if response.get("opcode") != 2:  # Streamlit's messages are binary frames
        return None
    return kind.FromString(base64.b64decode(response["payloadData"])).WhichOneof("type")


async def one_session(browser, url: str, plan: tuple[str, str, str, str], opening: asyncio.Semaphore,
                      together: asyncio.Barrier, blocked: list[str]) -> dict[str, float]:
    """Open the search page, search with everyone, open the trace page, trace with everyone; the times taken."""
    from playwright.async_api import expect

    query, hit, destination, chain = plan
    context = await browser.new_context(viewport={"width": 1280, "height": 900})

    async def fence(route):
        if is_local(route.request.url):
            await route.continue_()
        else:
            blocked.append(route.request.url)
            await route.abort()

    await context.route("**/*", fence)
    page = await context.new_page()
    frames = Frames()
    network = await context.new_cdp_session(page)
    network.on("Network.webSocketFrameSent", frames.sent)
    network.on("Network.webSocketFrameReceived", frames.received)
    await network.send("Network.enable")
    times: dict[str, float] = {}
    try:
        async with opening:
            began = time.monotonic()
            await page.goto(f"{url}/search?lang=en", timeout=WAIT_MS)
            box = page.get_by_label("Search by name or alias")
            await box.wait_for(timeout=WAIT_MS)
            times["open"] = time.monotonic() - began
        await together.wait()
        await box.fill(query)
        began, asked = time.monotonic(), len(frames.asked)
        await box.press("Enter")
        await expect(page.get_by_role("link", name=re.compile("^" + re.escape(hit) + " · ")).first).to_be_visible(
            timeout=WAIT_MS)
        times["search on screen"] = time.monotonic() - began
        times["search"] = await frames.answer_after(asked)
        await page.get_by_role("link", name="Trace connections").first.click()
        target = page.get_by_label("To", exact=True)
        await expect(page.get_by_text("Sources", exact=True)).to_be_visible(timeout=WAIT_MS)
        await together.wait()
        await target.fill(destination)
        began, asked = time.monotonic(), len(frames.asked)
        await target.press("Enter")
        await expect(page.get_by_text(chain).first).to_be_visible(timeout=WAIT_MS)
        times["trace on screen"] = time.monotonic() - began
        times["trace"] = await frames.answer_after(asked)
    except BaseException:
        await together.abort()  # the others stop waiting for this session
        raise
    finally:
        await context.close()
    return times


def low_priority_chromium(folder: Path) -> Path:
    """Chromium started with `nice`: the 20 browsers stand for 20 phones, which draw without the server's CPU."""
    script = folder / "chromium-nice"
    script.write_text(f'#!/bin/sh\nexec nice -n {NICE} {CHROMIUM} "$@"\n')
    script.chmod(0o755)
    return script


async def run_sessions(url: str, plans: list[tuple[str, str, str, str]], blocked: list[str],
                       chromium: Path) -> list[dict[str, float]]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        opening, together = asyncio.Semaphore(OPENING_AT_ONCE), asyncio.Barrier(len(plans))
        sessions = (one_session(browser, url, plan, opening, together, blocked) for plan in plans)
        try:
            results = await asyncio.wait_for(asyncio.gather(*sessions, return_exceptions=True), timeout=240)
        finally:
            await browser.close()
    failures = [result for result in results if isinstance(result, BaseException)]
    # The first real failure, not the broken barrier it left the other sessions with.
    for failure in sorted(failures, key=lambda error: isinstance(error, asyncio.BrokenBarrierError)):
        raise failure
    return results


def test_twenty_sessions_at_once_each_get_answers_in_under_two_seconds(tmp_path: Path):
    seed = EmbeddedStore(tmp_path / "plans.json")
    load_seed(seed)
    plans = session_plans(seed)
    blocked: list[str] = []
    with running_app(tmp_path / "graph.json", tracebacks_fail=True) as url:
        results = asyncio.run(run_sessions(url, plans, blocked, low_priority_chromium(tmp_path)))
    assert not blocked, f"requests left 127.0.0.1: {blocked}"
    answers = {kind: [times[kind] for times in results] for kind in results[0]}
    report = {kind: f"median {statistics.median(values):.2f} s, max {max(values):.2f} s"
              for kind, values in answers.items()}
    print(f"{SESSIONS} sessions: {report}")
    slow = {kind: [round(value, 2) for value in values if value >= ANSWER_SECONDS]
            for kind, values in answers.items() if kind in ("search", "trace")}
    assert not any(slow.values()), f"answers over {ANSWER_SECONDS} s: {slow} ({report})"
