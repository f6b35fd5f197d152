"""Mapped temporary files: pages dropped from the process read back the same, and a map goes with its arrays."""
from __future__ import annotations

import gc

import numpy as np
import pyarrow as pa

from graph import mapped
from graph.mapped import drop_pages, map_file


def _rss_file_kb() -> int:
    """The process's resident pages of mapped files (RssShmem where the temporary folder is in memory)."""
    with open("/proc/self/status") as status:
        return sum(int(line.split()[1]) for line in status if line.startswith(("RssFile:", "RssShmem:")))


def test_dropped_pages_read_back_the_same_and_leave_the_process(tmp_path):
    data = np.arange(4 << 20, dtype=np.uint8)  # 4 MB
    path = tmp_path / "column.bin"
    path.write_bytes(data.tobytes())
    column = np.frombuffer(map_file(path), dtype=np.uint8)
    assert int(column.sum(dtype=np.int64)) == int(data.sum(dtype=np.int64))  # every page read once
    read = _rss_file_kb()
    drop_pages()
    assert _rss_file_kb() < read - 3000
    assert np.array_equal(column, data)


def test_a_map_leaves_the_registry_with_the_last_array_reading_it(tmp_path):
    path = tmp_path / "column.bin"
    path.write_bytes(b"abcdefgh" * 1000)
    gc.collect()
    before = len(mapped._LIVE)
    array = pa.Array.from_buffers(pa.uint8(), 8000, [None, map_file(path)])
    assert len(mapped._LIVE) == before + 1
    del array
    gc.collect()
    assert len(mapped._LIVE) == before
    drop_pages()  # nothing left to drop: no error
