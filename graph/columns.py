"""Column files: a JSON header line, then raw numpy arrays, read through mmap.

The embedded store keeps its graph as columns (ids, labels, adjacency,
search tables, property blobs). Saving writes them after one JSON header
line that says what the file is and where each column starts (each column is
spilled to disk as soon as it is made, see ColumnWriter); opening maps
the file and wraps each column with `numpy.frombuffer`, so nothing is parsed
or copied until a query needs it.
"""
from __future__ import annotations

import bisect
import json
import mmap
import os
import shutil
import tempfile
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator, Protocol, Sequence

import numpy as np
import pyarrow as pa

from graph.atomic import atomic_write

HEADER_LIMIT = 1 << 20  # the header line is small; a file without a newline this early is not ours
HEADER_ROOM = 1 << 16  # bytes kept for the header line at the start of a file being written
_ALIGN = 8
_COPY_CHUNK = 1 << 22  # bytes copied at a time from the spill file into the graph file
_WRITING_BEHIND = 1 << 27  # bytes of made columns that may wait for the writer thread (beyond the one in hand)
_SYNC_EVERY = 1 << 28  # bytes the writer thread writes before it sends them to disk (so the commit's fsync is short)
_sync_data = getattr(os, "fdatasync", os.fsync)  # macOS has no fdatasync


class StrArray(Sequence[str]):
    """Strings stored as one UTF-8 blob plus offsets; indexable, sliceable and bisectable without copying."""

    def __init__(self, blob: np.ndarray, offsets: np.ndarray) -> None:
        self.blob, self.offsets = blob, offsets
        self._bytes = memoryview(blob).cast("B") if blob.size else memoryview(b"")

    @classmethod
    def from_arrow(cls, values: pa.Array) -> StrArray:
        """The strings of a pyarrow string or binary array, from its buffers (no Python objects)."""
        values = values.cast(pa.large_binary())
        _, offsets, data = values.buffers()
        bounds = np.frombuffer(offsets, dtype=np.int64)[values.offset:values.offset + len(values) + 1]
        blob = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
        return cls(blob[bounds[0]:bounds[-1]], bounds - bounds[0])

    @classmethod
    def empty(cls) -> StrArray:
        return cls(np.zeros(0, dtype=np.uint8), np.zeros(1, dtype=np.int64))

    def to_arrow(self, kind: pa.DataType = pa.large_string()) -> pa.Array:
        """The strings as a pyarrow large_string (or large_binary) array over the same memory (no copy)."""
        return pa.Array.from_buffers(kind, len(self), [None, pa.py_buffer(np.ascontiguousarray(
            self.offsets, dtype=np.int64)), pa.py_buffer(self.blob)])

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def raw(self, index: int) -> bytes:
        return bytes(self._bytes[self.offsets.item(index):self.offsets.item(index + 1)])

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return str(self._bytes[self.offsets.item(index):self.offsets.item(index + 1)], "utf-8")

    def take(self, indexes: np.ndarray) -> list[str]:
        """The strings at `indexes`, in one pass."""
        view = self._bytes
        starts, ends = self.offsets[indexes].tolist(), self.offsets[indexes + 1].tolist()
        return [str(view[start:end], "utf-8") for start, end in zip(starts, ends)]

    def __iter__(self) -> Iterator[str]:
        text = bytes(self._bytes)
        bounds = self.offsets.tolist()
        for start, end in zip(bounds, bounds[1:]):
            yield text[start:end].decode("utf-8")

    def find(self, value: str) -> int:
        """Index of `value` in a sorted StrArray (UTF-8 byte order is code point order), or -1."""
        i = bisect.bisect_left(self, value)
        return i if i < len(self) and self[i] == value else -1

    def prefix_range(self, prefix: str) -> tuple[int, int]:
        """[lo, hi) of the items starting with `prefix` in a sorted StrArray of ASCII text."""
        return bisect.bisect_left(self, prefix), bisect.bisect_left(self, prefix + "\x7f")


Columns = dict[str, np.ndarray]


class ColumnSink(Protocol):
    """Where built columns go: a dict keeps them in memory, a ColumnWriter writes them to disk."""

    def update(self, columns: Columns, /) -> None: ...


def put_made(out: ColumnSink, makers: Iterable[Callable[[], Columns]], *, at_once: int = 2) -> None:
    """Put in `out` the columns of each maker, in the makers' order, making up to `at_once` of them side by side.

    The makers run on threads (pyarrow and numpy let go of the interpreter in their big steps, so a second
    core helps), but each maker is started only when the one `at_once` places before it is put: the columns
    made and not yet put are never more than `at_once` makers' worth, and the file's bytes are in one order
    however the threads are timed. A maker's error is raised here, once the makers before it are put.
    """
    with ThreadPoolExecutor(max_workers=at_once, thread_name_prefix="columns") as pool:
        pending: deque[Future[Columns]] = deque()
        try:
            for maker in makers:
                if len(pending) == at_once:
                    out.update(pending.popleft().result())
                pending.append(pool.submit(maker))
            while pending:
                out.update(pending.popleft().result())
        finally:
            for future in pending:
                future.cancel()


class ColumnWriter:
    """A column file written column by column, so a big write holds each column only until it is written.

    Columns go to a temporary file beside `path` as they are made (`writer.update(columns)`), after room
    kept for the header, and the caller drops them. `commit(header)` writes the header line into that room,
    padded with spaces (JSON allows them), fsyncs the file and renames it over `path`: a graph of gigabytes
    is written once, not written and then copied. A header too big for the room (never seen) is written
    with the data copied behind it instead. Column offsets count from the end of the header line. Leaving
    the block, committed or not, removes the temporary file; a crash or an error at any point leaves the
    previous file untouched.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, self._spill = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".cols", dir=path.parent)
        self._handle: IO[bytes] = os.fdopen(fd, "w+b")
        self._handle.seek(HEADER_ROOM)
        self._behind = _WriterThread(self._handle)
        self._layout: dict[str, list[Any]] = {}
        self._offset = 0

    def __enter__(self) -> ColumnWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self._behind.stop()
        self._handle.close()
        Path(self._spill).unlink(missing_ok=True)

    def update(self, columns: Columns) -> None:
        """Write `columns` (on the writer thread: the caller must not change the arrays afterwards)."""
        for name, array in columns.items():
            array = np.ascontiguousarray(array)
            self._layout[name] = [self._offset, array.dtype.str, list(array.shape)]
            if array.nbytes:
                self._behind.write(memoryview(array).cast("B"))
            self._end_column(array.nbytes)

    def update_chunks(self, name: str, chunks: Iterable[np.ndarray], dtype: np.dtype) -> None:
        """One 1-d column written piece by piece, so it is never in memory whole."""
        start, count = self._offset, 0
        for chunk in chunks:
            chunk = np.ascontiguousarray(chunk, dtype=dtype)
            self._behind.write(memoryview(chunk).cast("B"))
            count += len(chunk)
        self._layout[name] = [start, np.dtype(dtype).str, [count]]
        self._end_column(count * np.dtype(dtype).itemsize)

    def _end_column(self, nbytes: int) -> None:
        """Pad the column of `nbytes` just written so the next starts aligned, and move past both."""
        pad = -nbytes % _ALIGN
        if pad:
            self._behind.write(b"\0" * pad)
        self._offset += nbytes + pad

    def commit(self, header: dict[str, Any]) -> None:
        """Write `path`: `header` (with where each column starts) on one line, then the columns."""
        head = json.dumps({**header, "columns": self._layout}, ensure_ascii=False, separators=(",", ":"))
        line = head.encode("utf-8")
        self._behind.finish()
        self._handle.flush()
        if len(line) < HEADER_ROOM:
            os.pwrite(self._handle.fileno(), line.ljust(HEADER_ROOM - 1) + b"\n", 0)
            os.fsync(self._handle.fileno())
            os.replace(self._spill, self.path)
            return
        self._handle.seek(HEADER_ROOM)
        with atomic_write(self.path) as handle:
            handle.write(line + b"\n")
            handle.flush()
            _copy_rest(self._handle, handle)


def _copy_rest(source: IO[bytes], target: IO[bytes]) -> None:
    """Copy `source` from its position to its end onto `target`: in the kernel where it can (no round trip
    through this process), else through a buffer."""
    source_start, target_start = source.tell(), target.tell()
    try:
        while os.copy_file_range(source.fileno(), target.fileno(), _COPY_CHUNK * 64):
            pass
    except OSError:  # a file system or kernel without copy_file_range between these files: copy by hand
        source.seek(source_start)
        target.seek(target_start)
        shutil.copyfileobj(source, target, _COPY_CHUNK)


def put_chunks(out: ColumnSink, name: str, chunks: Iterable[np.ndarray], dtype: np.dtype) -> None:
    """Put a 1-d column given in pieces in `out`: written piece by piece to a ColumnWriter, joined for a dict."""
    if isinstance(out, ColumnWriter):
        out.update_chunks(name, chunks, dtype)
        return
    parts = list(chunks)
    out.update({name: np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype)})


class _WriterThread:
    """Writes to a file on a thread of its own, in the order given, while the caller makes the next column.

    Copying a big graph's bytes into the page cache is most of its write's system time (seconds on a virtual
    machine); on its own thread it runs beside the work that makes the columns. Every `sync_every` bytes the
    thread also sends what it wrote to disk: the kernel would otherwise keep a whole graph of gigabytes dirty
    until the commit's fsync, which then waited for all of it (0.75 s for 2 GB here). The bytes given are
    kept until written, at most `budget` bytes of them beyond the latest; a failed write raises at the next
    call.
    """

    def __init__(self, handle: IO[bytes], budget: int = _WRITING_BEHIND, sync_every: int = _SYNC_EVERY) -> None:
        self._handle, self._budget, self._sync_every = handle, budget, sync_every
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="column-writer")
        self._waiting: deque[tuple[Future[None], int]] = deque()
        self._bytes = 0
        self._unsynced = 0  # touched by the writer thread only

    def write(self, data: bytes | memoryview) -> None:
        while self._waiting and self._bytes + len(data) > self._budget:
            self._settle_oldest()
        self._waiting.append((self._pool.submit(self._write, data), len(data)))
        self._bytes += len(data)

    def _write(self, data: bytes | memoryview) -> None:
        self._handle.write(data)
        self._unsynced += len(data)
        if self._unsynced >= self._sync_every:
            self._handle.flush()
            _sync_data(self._handle.fileno())
            self._unsynced = 0

    def finish(self) -> None:
        """Wait until everything given is written; raise the first failure."""
        while self._waiting:
            self._settle_oldest()

    def stop(self) -> None:
        """Drop what is not written yet and end the thread (leaving the block, on success or error)."""
        for future, _ in self._waiting:
            future.cancel()
        self._waiting.clear()
        self._pool.shutdown(wait=True)

    def _settle_oldest(self) -> None:
        future, size = self._waiting.popleft()
        self._bytes -= size
        future.result()


def read_header(path: Path) -> tuple[dict[str, Any] | None, mmap.mmap | None]:
    """The parsed header line and a read-only map of the file, or (None, None) when the first line is not one."""
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size == 0:
            return None, None
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    end = mapped.find(b"\n", 0, HEADER_LIMIT)
    if end < 0 or mapped[:1] != b"{":
        mapped.close()
        return None, None
    try:
        header = json.loads(mapped[:end])
    except ValueError:
        mapped.close()
        return None, None
    if not isinstance(header, dict):
        mapped.close()
        return None, None
    header["_data_start"] = end + 1
    return header, mapped


def map_columns(header: dict[str, Any], mapped: mmap.mmap) -> Columns:
    """numpy views of every column named in the header (no copy)."""
    start = header["_data_start"]
    out: Columns = {}
    for name, (offset, dtype, shape) in header["columns"].items():
        dt = np.dtype(dtype)
        count = int(np.prod(shape)) if shape else 1
        array = np.frombuffer(mapped, dtype=dt, count=count, offset=start + offset)
        out[name] = array.reshape(shape)
    return out
