"""The columnar reader gives the cells, row numbers and progress the row reader would, whatever the container."""
import gzip
import zipfile
from pathlib import Path

import pytest

from loaders.arrow_csv import blocks
from loaders.sources_io import open_tables

CSV = (b'\xef\xbb\xbfid,name,note\r\n1,"ACME, INC.","line one\nline two"\r\n2,B,\r\n'
       + b"".join(b"%d,name %d,x\r\n" % (i, i) for i in range(3, 2000)))


def _write(tmp_path: Path, kind: str) -> Path:
    if kind == "csv":
        path = tmp_path / "t.csv"
        path.write_bytes(CSV)
    elif kind == "gz":
        path = tmp_path / "t.csv.gz"
        path.write_bytes(gzip.compress(CSV))
    else:
        path = tmp_path / "t.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("t.csv", CSV)
    return path


@pytest.mark.parametrize("kind", ["csv", "gz", "zip"])
def test_blocks_read_the_used_columns_with_row_numbers_and_progress(tmp_path, kind):
    path = _write(tmp_path, kind)
    [(table, read)] = [(table, list(blocks(table, ["id", "note"], block_bytes=4096))) for table in open_tables(path)]
    assert len(read) > 1  # small blocks: the stream is read a piece at a time
    assert read[0].first == 2 and [b.first for b in read[1:]] == [b.first + b.rows for b in read[:-1]]
    ids = [v for b in read for v in b.columns["id"].to_pylist()]
    notes = [v for b in read for v in b.columns["note"].to_pylist()]
    assert ids == [str(i) for i in range(1, 2000)]
    assert notes[:2] == ["line one\nline two", ""]
    positions = [b.position for b in read]
    assert positions == sorted(positions) and positions[-1] == table.size
