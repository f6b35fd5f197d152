"""Byte strings kept in an anonymous temporary file instead of memory, with their places in two arrays.

The fresh records a load's row logic makes (a transactions file, rows the
columns do not vouch for: GraphBatch.fresh, Records.spilled) keep their
encoded properties here until the write: ~1.5 GB for a million contracts,
which cost 16 bytes each in memory while they wait. The file is gone when
closed or when the process ends, however it ends (it has no name).

They come back at the write. The Neo4j write pops them one at a time. The
embedded write needs them all at once, as one in-memory array (`to_arrow`,
when Records.lists_into_parts makes them a part): they are copied straight
into it through a map of the file whose pages are dropped from the process
as each batch is copied (they stay in the page cache), so the file's pages
and the array never both count as the process's memory.
"""
from __future__ import annotations

import mmap
import os
import tempfile
from array import array
from pathlib import Path
from typing import Iterator

import numpy as np
import pyarrow as pa

_BUFFER = 1 << 20  # bytes gathered before one write to the file
_GATHER = 1 << 14  # records copied out per batch; their pages are then dropped from the process's memory


class Blobs:
    """An append-only list of byte strings in a temporary file: append, index, pop, swap_pop, gather."""

    def __init__(self, folder: Path | None = None) -> None:
        """`folder`: where the file goes (default: the system's temporary folder, which may be in memory)."""
        self._file = tempfile.TemporaryFile(prefix="hilos-blobs-", dir=folder)
        self._fd = self._file.fileno()
        self._written = 0  # bytes in the file; the rest is in _buffer
        self._buffer = bytearray()
        self._starts = array("q")
        self._lengths = array("q")

    def __len__(self) -> int:
        return len(self._starts)

    def append(self, data: bytes) -> None:
        self._starts.append(self._written + len(self._buffer))
        self._lengths.append(len(data))
        self._buffer += data
        if len(self._buffer) >= _BUFFER:
            self._flush()

    def _flush(self) -> None:
        os.pwrite(self._fd, self._buffer, self._written)
        self._written += len(self._buffer)
        self._buffer.clear()

    def __getitem__(self, index: int) -> bytes:
        start, length = self._starts[index], self._lengths[index]
        if start >= self._written:
            return bytes(self._buffer[start - self._written:start - self._written + length])
        return os.pread(self._fd, length, start)

    def pop(self) -> bytes:
        data = self[-1]
        self._starts.pop()
        self._lengths.pop()
        return data

    def swap_pop(self, index: int) -> None:
        """Drop item `index`, putting the last item in its place (its bytes stay in the file, unused)."""
        self._starts[index], self._lengths[index] = self._starts[-1], self._lengths[-1]
        self._starts.pop()
        self._lengths.pop()

    def gather(self, order: np.ndarray) -> Iterator[np.ndarray]:
        """The items in `order`, concatenated, as consecutive uint8 chunks."""
        self._flush()
        if not self._written:
            return
        starts, lengths = np.array(self._starts, dtype=np.int64), np.array(self._lengths, dtype=np.int64)
        with mmap.mmap(self._fd, self._written, access=mmap.ACCESS_READ) as mapped:
            for at in range(0, len(order), _GATHER):
                batch = order[at:at + _GATHER]
                bounds = np.zeros(len(batch) + 1, dtype=np.int64)
                np.cumsum(lengths[batch], out=bounds[1:])
                chunk = np.empty(int(bounds[-1]), dtype=np.uint8)
                view = memoryview(chunk)
                places = zip(bounds.tolist(), bounds[1:].tolist(), starts[batch].tolist())
                for into, until, start in places:
                    view[into:until] = mapped[start:start + until - into]
                mapped.madvise(mmap.MADV_DONTNEED)  # the pages stay in the page cache, not in this process
                yield chunk

    def to_arrow(self) -> pa.Array:
        """Every item, in order, as a pyarrow large_binary array (in memory, each batch copied into it once)."""
        offsets = np.zeros(len(self) + 1, dtype=np.int64)
        np.cumsum(np.array(self._lengths, dtype=np.int64), out=offsets[1:])
        data = np.empty(int(offsets[-1]), dtype=np.uint8)
        at = 0
        for chunk in self.gather(np.arange(len(self))):
            data[at:at + len(chunk)] = chunk
            at += len(chunk)
        return pa.Array.from_buffers(pa.large_binary(), len(self), [None, pa.py_buffer(offsets), pa.py_buffer(data)])
