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


def _gzip_members(text: str) -> bytes:
    half = len(text) // 2
    return gzip.compress(text[:half].encode()) + gzip.compress(text[half:].encode())  # `cat a.gz b.gz`


def _zipped(tmp_path: Path, members: dict[str, bytes | str]) -> Path:
    path = tmp_path / "download.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return path


QUIRKS = {  # a name -> the file as it may arrive
    "LF line ends": lambda tmp: write(tmp, awards_text().replace("\r\n", "\n")),
    "lone CR line ends (old Mac export)": lambda tmp: write(tmp, awards_text().replace("\r\n", "\r")),
    "header cells with trailing spaces": lambda tmp: write(tmp, awards_text().replace(
        ",".join(HEADER), ",".join(f"{column} " for column in HEADER), 1)),
    "header in upper case (re-saved by a script or a spreadsheet)": lambda tmp: write(tmp, awards_text().replace(
        ",".join(HEADER), ",".join(column.upper() for column in HEADER), 1)),
    "BOM inside a gzip": lambda tmp: write(tmp, gzip.compress(b"\xef\xbb\xbf" + awards_text().encode()),
                                            NAME + ".gz"),
    "concatenated gzip members": lambda tmp: write(tmp, _gzip_members(awards_text()), NAME + ".gz"),
    ".csv that is really gzip": lambda tmp: write(tmp, gzip.compress(awards_text().encode())),
    ".csv.gz that is really plain text": lambda tmp: write(tmp, awards_text(), NAME + ".gz"),
    "zip: BOM, sub-folder, data dictionary": lambda tmp: _zipped(tmp, {
        f"Contracts_2024/{NAME}": b"\xef\xbb\xbf" + awards_text().encode(),
        "Data_Dictionary_Crosswalk.xlsx": b"PK\x03\x04 not opened", "README.txt": "x"}),
}


@pytest.mark.parametrize("quirk", list(QUIRKS))
def test_quirky_real_files_load_as_the_plain_download(graph, tmp_path, quirk):
    plain = graph.invoke(usaspending, write(tmp_path, awards_text()), "--dry-run")
    quirky = graph.invoke(usaspending, QUIRKS[quirk](tmp_path), "--dry-run")
    assert plain.exit_code == quirky.exit_code == 0, quirky.output
    assert summary_lines(quirky.output) == summary_lines(plain.output)


def test_a_zip_of_two_parts_loads_both(graph, tmp_path):
    first, second = awards_text(), awards_text(ACME, total_obligated_amount="5.00", last_modified_date="2025-01-01")
    result = graph.invoke(usaspending, _zipped(tmp_path, {NAME: first, NAME.replace("_1.csv", "_2.csv"): second}))
    assert result.exit_code == 0, result.output
    store = graph.open()
    try:
        assert store.get("contract:70B01C19C00000001").properties["amount_usd"] == 5.0  # the newer row, in part 2
    finally:
        store.close()


def test_nul_bytes_and_markup_in_names_are_kept_as_plain_text(graph, tmp_path):
    name = 'ACME "Q" <script>alert(1)</script> &amp;\x00 CO'
    result = graph.invoke(usaspending, write(tmp_path, awards_text(ACME, recipient_name=name, recipient_uei="")))
    assert result.exit_code == 0, result.output
    store = graph.open()
    try:
        [company] = [n for n in store.nodes("Company") if "script" in n.name]
        assert company.name == 'ACME "Q" <script>alert(1)</script> &amp; CO'  # NUL dropped, nothing unescaped
    finally:
        store.close()


@pytest.mark.parametrize("text, iso", [
    ("2023-10-01 00:00:00", "2023-10-01"), ("10/01/2023", "2023-10-01"), ("2023-10-01T00:00:00Z", "2023-10-01"),
    ("2023-10-01 00:00:00.000+00", "2023-10-01"), ("", None),
])
def test_dates_as_exports_and_spreadsheets_write_them(graph, tmp_path, text, iso):
    result = graph.invoke(usaspending, write(tmp_path, awards_text(ACME, period_of_performance_start_date=text)))
    assert result.exit_code == 0, result.output
    store = graph.open()
    try:
        assert store.get("contract:70B01C19C00000001").properties.get("start") == iso
    finally:
        store.close()


def test_a_permalink_that_is_no_web_address_is_a_malformed_cell(graph, tmp_path):
    """It used to stop every load, even with --skip-invalid, naming 'usaspending, row source:piid-...'."""
    path = write(tmp_path, awards_text(ACME, usaspending_permalink="ICM case system"))
    before = graph.snapshot()
    result = graph.invoke(usaspending, path)
    assert result.exit_code == 1
    assert (f"{NAME}, row 7, column 'usaspending_permalink': not a web address: 'ICM case system'"
            in result.output)
    assert graph.snapshot() == before
    result = graph.invoke(usaspending, path, "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert "rejected 1 × not a web address" in result.output


@pytest.mark.parametrize("key", ["CONT AWD 1", "CONT_AWD_<b>", 'CONT_AWD_"1"'])
def test_an_award_key_that_makes_no_web_address_leaves_the_contract_without_one(graph, tmp_path, key):
    path = write(tmp_path, awards_text(ACME, usaspending_permalink="", contract_award_unique_key=key))
    result = graph.invoke(usaspending, path)
    assert result.exit_code == 0, result.output
    store = graph.open()
    try:
        contract = next(n for n in store.nodes("Contract") if n.properties.get("award_key") == key)
    finally:
        store.close()
    assert "url" not in contract.properties


@pytest.mark.parametrize("column, name", [("recipient_name", "**"), ("recipient_parent_name", "🧵"),
                                          ("awarding_agency_name", "**"), ("awarding_sub_agency_name", "🧵")])
def test_a_name_without_a_letter_or_digit_is_stored_under_an_id_of_its_own(graph, tmp_path, column, name):
    """Its slug is empty: it used to make the id 'company:' and stop the load, naming 'usaspending, row company:'."""
    cells = {column: name, **({"recipient_uei": ""} if column == "recipient_name" else {})}
    result = graph.invoke(usaspending, write(tmp_path, awards_text(ACME, **cells)))
    assert result.exit_code == 0, result.output
    store = graph.open()
    try:
        assert [n.id for n in store.nodes() if n.name == name and n.id.split(":", 1)[1]]
    finally:
        store.close()
