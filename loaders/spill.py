"""Columns of fresh parts kept in a temporary file and mapped back, instead of held in memory.

A million contracts' parts hold ~1.4 GB of ids, names and encoded
properties until the store writes them. Written once to a file (Arrow's
IPC format) and mapped back, the columns read as before, but their pages are
the file's: the system keeps them in its page cache and gives them to the
process only as they are read (graph.mapped lets the write drop them again
once read). The file's name is removed at once, so it is gone when the last
column mapped from it is, however the process ends.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pyarrow as pa

from graph.mapped import map_file


def spilled(columns: list[pa.Array], folder: Path | None) -> list[pa.Array]:
    """The same columns, backed by a temporary file in `folder` (default: the system's temporary folder)."""
    if not columns or not len(columns[0]):
        return columns
    batch = pa.record_batch(columns, names=[f"c{i}" for i in range(len(columns))])
    handle, name = tempfile.mkstemp(prefix="hilos-parts-", dir=folder)
    os.close(handle)
    try:
        with pa.OSFile(name, "wb") as sink, pa.ipc.new_file(sink, batch.schema) as writer:
            writer.write_batch(batch)
        back = pa.ipc.open_file(map_file(name)).get_batch(0)
    finally:
        os.unlink(name)
    return back.columns
