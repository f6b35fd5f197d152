"""Transparent huge pages for pyarrow's allocator, asked for before pyarrow loads.

A load runs on pyarrow's jemalloc pool (loaders.allocators), which gives
freed pages back to the system at once: every block allocated afterwards is
faulted in again, 4 KB at a time. On a 1M-row USAspending load that was 1.4M
page faults in the write alone, most of its 8 s of system time; backed by
2 MB pages, 0.29M. jemalloc reads this setting once, when pyarrow loads it,
from JE_ARROW_MALLOC_CONF, so a load's entry point (`python -m loaders`,
`python -m benchmarks`) calls this before anything imports pyarrow. This
module must not import pyarrow itself.
"""
from __future__ import annotations

import os
import sys

SETTING = "JE_ARROW_MALLOC_CONF"
HUGE_PAGES = "thp:always"  # jemalloc's own option; Linux only


def ask_for_huge_pages() -> bool:
    """Ask for huge pages unless pyarrow is already loaded or the environment sets jemalloc up; True if asked."""
    if not sys.platform.startswith("linux") or "pyarrow" in sys.modules or SETTING in os.environ:
        return False
    os.environ[SETTING] = HUGE_PAGES
    return True
