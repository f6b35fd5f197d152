"""graph.atomic: a file is replaced whole or not at all."""
from __future__ import annotations

import pytest

from graph.atomic import atomic_write


def test_the_new_content_replaces_the_file(tmp_path):
    path = tmp_path / "sub" / "story.yaml"
    with atomic_write(path, text=True) as out:
        out.write("título: ñ\n")
    assert path.read_text(encoding="utf-8") == "título: ñ\n"
    with atomic_write(path) as out:
        out.write(b"\x00bytes")
    assert path.read_bytes() == b"\x00bytes"


def test_an_error_part_way_leaves_the_old_file_and_no_temporary_one(tmp_path):
    path = tmp_path / "graph.hilos"
    path.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_write(path) as out:
            out.write(b"half of the new")
            raise RuntimeError("disk full")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.hilos"]
