"""A load asks pyarrow's jemalloc for huge pages before pyarrow loads, and never overrides the user's setting."""
import os
import subprocess
import sys

import pytest

from loaders.huge_pages import HUGE_PAGES, SETTING

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="jemalloc's huge pages are Linux only")

PROBE = """
import os, sys
{before}
from loaders.huge_pages import ask_for_huge_pages
asked = ask_for_huge_pages()
import pyarrow as pa
pa.set_memory_pool(pa.jemalloc_memory_pool())
pa.array([b"x" * 100] * 1000).take(pa.array([3, 1, 2]))
print(asked, os.environ.get("{setting}"))
"""


def _probe(before: str = "", **env: str) -> tuple[str, str]:
    environment = {k: v for k, v in os.environ.items() if k != SETTING} | env
    done = subprocess.run([sys.executable, "-c", PROBE.format(before=before, setting=SETTING)], env=environment,
                          capture_output=True, text=True, timeout=120, check=True)
    return done.stdout.strip(), done.stderr


def test_a_fresh_process_asks_and_jemalloc_takes_the_setting_silently():
    out, err = _probe()
    assert out == f"True {HUGE_PAGES}"
    assert err == ""  # jemalloc prints "Invalid conf pair" for a setting it does not know


def test_a_setting_of_the_users_own_is_kept():
    out, _ = _probe(**{SETTING: "dirty_decay_ms:1000"})
    assert out == "False dirty_decay_ms:1000"


def test_too_late_once_pyarrow_is_loaded():
    out, _ = _probe(before="import pyarrow")
    assert out == "False None"


def test_the_load_command_still_runs():
    done = subprocess.run([sys.executable, "-m", "loaders", "--help"], capture_output=True, text=True, timeout=120,
                          check=True, env={k: v for k, v in os.environ.items() if k != SETTING})
    assert "usaspending" in done.stdout and done.stderr == ""
