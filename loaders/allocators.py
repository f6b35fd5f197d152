"""Allocators that give freed memory back to the system, for a load's one process.

A big load frees most of what it makes (read blocks, parts, the write's
sorting temporaries) and the next phase makes as much again; memory an
allocator keeps after it is freed still counts as the process's until the
process ends. Two of the defaults keep a lot: pyarrow's mimalloc pool kept
freed pages even after `release_unused` (probably those the reading thread
freed: mimalloc collects the calling thread's), and glibc's malloc, after the
first large free, serves numpy arrays of up to 32 MB from its heap, whose
freed holes stay with the process. On a 1M-row USAspending load the process
held ~1.2 GB more after the write than before it, with no Arrow bytes live. Loads run in one process from the command line or the benchmarks, so
they set this up at the start.
"""
from __future__ import annotations

import ctypes
import functools
import os

import pyarrow as pa

_M_MMAP_THRESHOLD = -3  # glibc mallopt parameter
_MMAP_FROM = 8 << 20  # allocations of at least this many bytes get their own map, unmapped when freed


def returning_memory() -> None:
    """Use jemalloc for pyarrow (unless ARROW_DEFAULT_MEMORY_POOL chooses) and map big malloc blocks on their own."""
    if "ARROW_DEFAULT_MEMORY_POOL" not in os.environ:
        try:
            pa.set_memory_pool(pa.jemalloc_memory_pool())
        except NotImplementedError:  # a pyarrow built without jemalloc keeps its default
            pass
    libc = _glibc()
    if libc is not None:
        libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_FROM)


def give_back() -> None:
    """Return the memory pyarrow's pool and malloc hold unused to the system (between a load's phases)."""
    pa.default_memory_pool().release_unused()
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    """The process's C library when it is glibc (mallopt and malloc_trim are glibc's), else None."""
    libc = ctypes.CDLL(None)
    return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None
