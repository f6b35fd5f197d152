"""Temporary files mapped read-only, whose pages a reader drops from the process once it has read them.

Touched pages of a mapped file count as the process's memory (its resident
set) until the map goes, even though the system could read them back from its
page cache at any time. A pass that reads a few gigabytes of mapped columns
once (the embedded write gathering the parts' property bytes) drops them as
it goes, so they never count all at once.
"""
from __future__ import annotations

import mmap
import weakref
from pathlib import Path

import pyarrow as pa

_LIVE: weakref.WeakSet[mmap.mmap] = weakref.WeakSet()  # a map leaves when the last array reading it does


def map_file(path: Path | str) -> pa.Buffer:
    """The whole file at `path`, mapped read-only, as a pyarrow buffer."""
    with open(path, "rb") as handle:
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    _LIVE.add(mapped)
    return pa.py_buffer(mapped)


def drop_pages() -> None:
    """Drop the pages of every live map from the process (they stay in the page cache; reads fault them back)."""
    for mapped in list(_LIVE):
        mapped.madvise(mmap.MADV_DONTNEED)
