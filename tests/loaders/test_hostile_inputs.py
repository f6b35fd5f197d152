"""Real-format quirks load as the plain download does; hostile files stop with the file, row and field named.

Each USAspending file here is the Prime Award Summaries fixture (the real 286-column header) with one
change: a different container, line end or encoding, or one cell replaced.
"""
from __future__ import annotations

import csv
import gzip
import io
import zipfile
from pathlib import Path

import pytest

from loaders.commands import usaspending
from tests.loaders.conftest import AWARDS

HEADER, *ROWS = list(csv.reader(io.StringIO(AWARDS.read_text(encoding="utf-8-sig"))))
NAME = "Contracts_PrimeAwardSummaries_2024-01-01_H01M02S03_1.csv"
ACME = 5  # the ACME SURVEILLANCE row (data row 7 of the file): its cells are changed here


def awards_text(row: int | None = None, **cells: str) -> str:
    """The fixture as CRLF text, with `cells` replaced on data row `row` (0-based)."""
    rows = [list(r) for r in ROWS]
    for column, value in cells.items():
        rows[row][HEADER.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([HEADER, *rows])
    return out.getvalue()


def write(tmp_path: Path, data: str | bytes, name: str = NAME) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def summary_lines(output: str) -> list[str]:
    """What a load made, without its timing and the file names in it."""
    return [line for line in output.splitlines() if line.startswith(("nodes", "  rejected"))]


def test_a_header_without_rows_writes_nothing(graph, tmp_path):
    before = graph.snapshot()
    result = graph.invoke(usaspending, write(tmp_path, ",".join(HEADER) + "\r\n"))
    assert result.exit_code == 1
    assert f"{NAME}: file has a header but no data rows. Nothing was written." in result.output
    assert graph.snapshot() == before


def test_a_windows_1252_file_names_the_row_and_column_of_the_first_byte_that_is_not_utf8(graph, tmp_path):
    data = awards_text(ACME, recipient_name="GESTIÓN SURVEILLANCE").encode("cp1252")  # Ó is the byte 0xd3
    before = graph.snapshot()
    result = graph.invoke(usaspending, write(tmp_path, data))
    assert result.exit_code == 1
    assert (f"{NAME}, row 7, field 'recipient_name': not UTF-8 text (byte 0xd3); save the file as CSV UTF-8"
            in result.output)
    assert graph.snapshot() == before


def test_a_utf16_file_is_named_as_such(graph, tmp_path):
    result = graph.invoke(usaspending, write(tmp_path, awards_text().encode("utf-16")))
    assert result.exit_code == 1 and f"{NAME}: is UTF-16 text, not UTF-8" in result.output


@pytest.mark.parametrize("amount", ["1,23", "9" * 400, "--5"])
def test_an_amount_that_reads_two_ways_or_overflows_is_malformed_not_guessed(graph, tmp_path, amount):
    before = graph.snapshot()
    result = graph.invoke(usaspending, write(tmp_path, awards_text(ACME, total_obligated_amount=amount)))
    assert result.exit_code == 1
    assert f"{NAME}, row 7, column 'total_obligated_amount': not an amount: '{amount[:30]}" in result.output
    assert graph.snapshot() == before
