"""The app as a user starts it (`streamlit run app.py`) on a free port of 127.0.0.1: started, waited for, stopped.

Used by the browser tests, the views benchmark and the screenshot script, so that
all three run the same command with the same environment. The app's output goes
to a temporary file, not a pipe: a pipe nobody reads fills up and stalls the app.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Callable, Mapping

ROOT = Path(__file__).resolve().parents[1]


class AppFailed(RuntimeError):
    """The app exited or did not answer in time; the message ends with its output."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(process: subprocess.Popen, url: str, timeout: float = 60,
                  output: Callable[[], str] = lambda: "") -> None:
    """Poll Streamlit's health check at `url` until it answers 200; AppFailed if the process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AppFailed(f"the app exited early:\n{output()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise AppFailed(f"the app did not answer at {url} within {timeout:g} s:\n{output()}")


def stop(process: subprocess.Popen) -> str:
    """Terminate the process (killed after 10 s); what it printed, if its output was a pipe."""
    process.terminate()
    try:
        output, _ = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output or ""


class AppServer:
    """`streamlit run app.py` over the graph file `db`, on 127.0.0.1 and a free port; NEO4J_* only from `settings`.

    `extra` are more arguments for `streamlit run` (after `--`, arguments for the app).
    """

    def __init__(self, db: Path, *extra: str, settings: Mapping[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {key: value for key, value in os.environ.items() if not key.startswith("NEO4J_")}
        self._log = tempfile.TemporaryFile("w+")
        command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                   "--server.port", str(self.port), "--server.address", "127.0.0.1", *extra]
        self.process = subprocess.Popen(command, cwd=ROOT, env={**env, "HILOS_DB": str(db), **(settings or {})},
                                        stdout=self._log, stderr=subprocess.STDOUT, text=True)

    def output(self) -> str:
        """Everything the app has printed so far."""
        self._log.seek(0)
        return self._log.read()

    def wait_until_up(self, timeout: float = 60) -> None:
        wait_until_up(self.process, self.url, timeout, self.output)

    def stop(self) -> str:
        """Stop the app; everything it printed."""
        stop(self.process)
        output = self.output()
        self._log.close()
        return output
