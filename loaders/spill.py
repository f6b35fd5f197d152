"""Columns of fresh parts kept in an unnamed temporary file and mapped back, instead of held in memory.

A million contracts' parts hold ~1.4 GB of ids, names and encoded
properties until the store writes them. Written once to a file (Arrow's
IPC format) and mapped back, the columns read as before, but their pages are
the file's: the system keeps them in its page cache and gives them to the
process only as they are read. The file has no name, so it is gone when the
last column mapped from it is, however the process ends.
"""
from __future__ import annotations

import mmap
import tempfile
from pathlib import Path

import pyarrow as pa


def spilled(columns: list[pa.Array], folder: Path | None) -> list[pa.Array]:
    """The same columns, backed by a temporary file in `folder` (default: the system's temporary folder)."""
    if not columns or not len(columns[0]):
        return columns
    batch = pa.record_batch(columns, names=[f"c{i}" for i in range(len(columns))])
    with tempfile.TemporaryFile(prefix="hilos-parts-", dir=folder) as handle:
        with pa.ipc.new_file(pa.PythonFile(handle, mode="w"), batch.schema) as writer:
            writer.write_batch(batch)
        handle.flush()
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    back = pa.ipc.open_file(pa.BufferReader(pa.py_buffer(mapped))).get_batch(0)
    return back.columns
