"""Where the app listens: this computer only as `make run` starts it; the LAN address in workshop mode."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from graph.lan import lan_address
from hilos_testing.app_server import ROOT, free_port, stop, wait_until_up

LAN = lan_address()
needs_lan = pytest.mark.skipif(LAN is None, reason="this computer has no network address besides loopback")


def answers(host: str, port: int) -> bool:
    """True when something accepts a connection at host:port."""
    try:
        with socket.create_connection((host, port), timeout=3):
            return True
    except OSError:
        return False


@pytest.fixture
def started(tmp_path: Path) -> Iterator[callable]:
    """Start a command from the project folder (so .streamlit/config.toml applies); stopped after the test."""
    processes: list[subprocess.Popen] = []

    def start(*command: str) -> subprocess.Popen:
        env = {**os.environ, "HILOS_DB": str(tmp_path / "graph.json")}
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True)
        processes.append(process)
        return process

    yield start
    for process in processes:
        stop(process)


@needs_lan
def test_the_app_listens_on_this_computer_only_by_default(started):
    port = free_port()
    process = started(sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                      "--server.port", str(port))  # what `make run` does, plus a free port and no browser
    wait_until_up(process, f"http://127.0.0.1:{port}")
    assert not answers(LAN, port)


@needs_lan
def test_workshop_mode_listens_on_the_lan_address(started):
    port = free_port()
    process = started(sys.executable, "-m", "app_pages.workshop", "--port", str(port))
    wait_until_up(process, f"http://{LAN}:{port}")
    assert not answers("127.0.0.1", port)
