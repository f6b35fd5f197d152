"""Blobs: byte strings kept in a temporary file read back as they were, in any order."""
import numpy as np

from graph import blobs
from graph.blobs import Blobs


def test_items_read_back_from_the_buffer_and_the_file(monkeypatch):
    monkeypatch.setattr(blobs, "_BUFFER", 10)  # most items reach the file, the last ones stay buffered
    items = [f"item {i}".encode() * (i % 4) for i in range(50)]
    store = Blobs()
    for item in items:
        store.append(item)
    assert len(store) == 50
    assert [store[i] for i in range(50)] == items
    order = np.array([49, 3, 0, 17, 17, 1], dtype=np.int64)
    assert b"".join(bytes(chunk) for chunk in store.gather(order)) == b"".join(items[i] for i in order)


def test_gather_comes_in_pieces_in_the_order_asked(monkeypatch):
    monkeypatch.setattr(blobs, "_GATHER", 3)
    store = Blobs()
    for i in range(10):
        store.append(bytes([65 + i]))
    chunks = [bytes(chunk) for chunk in store.gather(np.arange(9, -1, -1))]
    assert chunks == [b"JIH", b"GFE", b"DCB", b"A"]


def test_swap_pop_and_pop():
    store = Blobs()
    for text in (b"a", b"bb", b"ccc", b"dddd"):
        store.append(text)
    store.swap_pop(1)
    assert [store[i] for i in range(len(store))] == [b"a", b"dddd", b"ccc"]
    assert store.pop() == b"ccc"
    assert len(store) == 2
