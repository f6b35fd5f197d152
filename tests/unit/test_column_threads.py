"""Threads in a graph file's write: columns made side by side are put in the makers' order, and bytes are written
behind the work in the order given; both with a bounded amount in hand, both raising what failed."""
import os
import time

import numpy as np
import pytest

from graph.columns import _WriterThread, put_made


class Recorder(dict):
    def __init__(self):
        super().__init__()
        self.order: list[str] = []

    def update(self, columns):  # type: ignore[override]
        self.order.extend(columns)
        super().update(columns)


def test_columns_go_in_the_makers_order_whatever_finishes_first():
    def maker(name: str, delay: float):
        def make():
            time.sleep(delay)
            return {name: np.arange(3)}
        return make

    out = Recorder()
    put_made(out, [maker("slow", 0.2), maker("fast", 0.0), maker("mid", 0.05), maker("last", 0.0)])
    assert out.order == ["slow", "fast", "mid", "last"]


def test_a_maker_starts_only_when_the_one_at_once_places_before_it_is_put():
    sink: dict[int, dict] = {}
    late = []

    def maker(i: int):
        def make():
            if i - len(sink) > 1:  # with at_once=2, maker i starts once makers 0..i-2 are put
                late.append(i)
            time.sleep(0.01)
            return {i: np.zeros(1)}
        return make

    put_made(sink, (maker(i) for i in range(8)), at_once=2)
    assert sorted(sink) == list(range(8)) and late == []


def test_a_makers_error_is_raised_after_the_columns_before_it_are_put():
    def broken():
        raise ValueError("bad table")

    out = Recorder()
    with pytest.raises(ValueError, match="bad table"):
        put_made(out, [lambda: {"a": np.zeros(1)}, broken, lambda: {"c": np.zeros(1)}])
    assert out.order == ["a"]


class SlowFile:
    def __init__(self, fail_at: int | None = None):
        self.chunks: list[bytes] = []
        self.fail_at = fail_at

    def write(self, data) -> int:
        time.sleep(0.002)
        if self.fail_at is not None and len(self.chunks) == self.fail_at:
            raise OSError("No space left on device")
        self.chunks.append(bytes(data))
        return len(data)


def test_bytes_are_written_behind_in_the_order_given():
    target = SlowFile()
    writer = _WriterThread(target, budget=10)  # a budget smaller than the pieces: one waits at a time
    pieces = [bytes([i]) * 7 for i in range(20)]
    for piece in pieces:
        writer.write(piece)
    writer.finish()
    writer.stop()
    assert target.chunks == pieces


def test_a_failed_write_is_raised_at_a_following_call():
    target = SlowFile(fail_at=3)
    writer = _WriterThread(target, budget=10)
    handed = 0
    with pytest.raises(OSError, match="No space"):
        for i in range(20):
            writer.write(bytes([i]) * 7)
            handed += 1
        writer.finish()
    writer.stop()
    assert handed < 20  # raised while the caller was still handing bytes over, not only at the end
    assert target.chunks == [bytes([i]) * 7 for i in range(3)]


def test_written_bytes_are_sent_to_disk_every_so_often_not_all_at_the_commit(tmp_path, monkeypatch):
    synced_sizes = []
    monkeypatch.setattr("graph.columns._sync_data", lambda fd: synced_sizes.append(os.fstat(fd).st_size))
    with open(tmp_path / "graph.cols", "w+b") as target:
        writer = _WriterThread(target, sync_every=20)
        for i in range(10):
            writer.write(bytes([i]) * 7)
        writer.finish()
        writer.stop()
    assert synced_sizes == [21, 42, 63]  # flushed first: the file holds every byte handed over so far
