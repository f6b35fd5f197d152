"""Opening input files: encodings, compression, truncation, wrong types, each with a clear LoadError."""
import gzip
import io
import zipfile
from pathlib import Path

import pytest

from graph.errors import LoadError
from loaders.sources_io import CountingReader, open_tables, read_json


def rows(path: Path, **kw) -> list[tuple[str, list[str], list]]:
    out = []
    for table in open_tables(path, **kw):
        out.append((table.name, table.header, list(table.rows())))
    return out


def test_bom_quoted_newline_and_empty_cells(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b'\xef\xbb\xbfname,note,amount\r\n"ACME, INC.","line one\nline two",\r\nB,,12\r\n')
    [(name, header, data)] = rows(path)
    assert header == ["name", "note", "amount"]
    assert data == [(2, ["ACME, INC.", "line one\nline two", ""]), (3, ["B", "", "12"])]


def test_gzip_and_zip_read_like_plain_csv(tmp_path):
    text = "a,b\n1,2\n"
    (tmp_path / "p.csv").write_text(text)
    with gzip.open(tmp_path / "p.csv.gz", "wt") as handle:
        handle.write(text)
    with zipfile.ZipFile(tmp_path / "p.zip", "w") as archive:
        archive.writestr("inner/p.csv", text)
        archive.writestr("readme.txt", "not a table")
    expected = [(2, ["1", "2"])]
    assert rows(tmp_path / "p.csv")[0][2] == expected
    assert rows(tmp_path / "p.csv.gz")[0][2] == expected
    [(name, _h, data)] = rows(tmp_path / "p.zip")
    assert name.endswith("p.zip:inner/p.csv") and data == expected


@pytest.mark.parametrize("content, message", [
    (b"", "file is empty"),
    (b"a,b\n", "header but no data rows"),
    (b"a,b\n1,2\n3", "the last row has 1 of 2 cells: the file looks truncated"),
    (b'a,b\n1,"unfinished\n', "ends inside a quoted cell: it looks truncated"),
    (b"a,b\n1,2,3\n4,5\n", "row 2: row has 3 cells but the header has 2"),
    (b"a,b\n1,\xff\n", "not UTF-8 text"),
    (b'{"data": []}', "looks like JSON, not CSV"),
    (b"<!DOCTYPE html><html>", "looks like a web page"),
    (b"%PDF-1.4", "is a PDF"),
    (b"a,a\n1,2\n", "duplicate column names"),
])
def test_bad_files_are_named(tmp_path, content, message):
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    with pytest.raises(LoadError, match=message) as info:
        rows(path)
    assert str(path) in str(info.value)


def test_truncated_gzip_and_zip(tmp_path):
    data = gzip.compress(("a,b\n" + "1,2\n" * 5000).encode())
    (tmp_path / "t.csv.gz").write_bytes(data[: len(data) // 2])
    with pytest.raises(LoadError, match="damaged or truncated"):
        rows(tmp_path / "t.csv.gz")
    with zipfile.ZipFile(tmp_path / "ok.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("t.csv", "a,b\n" + "1,2\n" * 5000)
    raw = (tmp_path / "ok.zip").read_bytes()
    (tmp_path / "t.zip").write_bytes(raw[: len(raw) // 2])
    with pytest.raises(LoadError, match="damaged or truncated"):
        rows(tmp_path / "t.zip")
    (tmp_path / "t.txt").write_bytes(data[:15])  # a pipe-separated download's name, cut short inside the gzip
    with pytest.raises(LoadError, match="damaged or truncated"):
        rows(tmp_path / "t.txt")


def test_pipe_separated_text_is_read_and_a_zips_readme_is_not_a_table(tmp_path):
    """USAspending's "pstxt" downloads: '|' between cells in .txt files, next to text that is not a table."""
    (tmp_path / "d.txt").write_text('a|b\n"1|x"|2\n')
    assert rows(tmp_path / "d.txt") == [(str(tmp_path / "d.txt"), ["a", "b"], [(2, ["1|x", "2"])])]
    with zipfile.ZipFile(tmp_path / "d.zip", "w") as archive:
        archive.writestr("README.txt", "========ABOUT THESE FILES========\nSplit Files: ...\n")
        archive.writestr("Contracts_1.txt", "a|b\n1|2\n")
    assert [name for name, _header, _rows in rows(tmp_path / "d.zip")] == [f"{tmp_path / 'd.zip'}:Contracts_1.txt"]


def test_zip_without_csv_and_wrong_extension(tmp_path):
    with zipfile.ZipFile(tmp_path / "n.zip", "w") as archive:
        archive.writestr("notes.txt", "x")
    with pytest.raises(LoadError, match="holds no table"):
        rows(tmp_path / "n.zip")
    (tmp_path / "data.dat").write_text("a,b\n1,2\n")
    with pytest.raises(LoadError, match="unsupported file type '.dat'"):
        rows(tmp_path / "data.dat")
    with pytest.raises(LoadError, match="file not found"):
        rows(tmp_path / "missing.csv")


def test_xlsx_only_where_spreadsheets_are_accepted(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Agency", "Count"])
    sheet.append(["ICE", 3])
    book.save(tmp_path / "s.xlsx")
    with pytest.raises(LoadError, match="Excel workbook"):
        rows(tmp_path / "s.xlsx")
    [(_n, header, data)] = rows(tmp_path / "s.xlsx", spreadsheets=True)
    assert header == ["Agency", "Count"] and data == [(2, ["ICE", "3"])]


def test_xlsx_data_after_an_empty_cover_sheet_and_blank_rows_keeps_the_sheets_row_numbers(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Cover"
    data = book.create_sheet("Contracts")
    data["A3"], data["B3"] = "Agency", "Count"
    data["A4"], data["B4"] = "ICE", 3
    book.save(tmp_path / "s.xlsx")
    [(name, header, found)] = rows(tmp_path / "s.xlsx", spreadsheets=True)
    assert name.endswith(":Contracts")
    assert header == ["Agency", "Count"] and found == [(4, ["ICE", "3"])]  # row 4, as the spreadsheet shows it


def test_xlsx_with_every_sheet_empty_names_its_sheets(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Cover"
    book.create_sheet("Data")
    book.save(tmp_path / "s.xlsx")
    with pytest.raises(LoadError, match="every worksheet is empty \\('Cover', 'Data'\\)"):
        rows(tmp_path / "s.xlsx", spreadsheets=True)


def workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    """An .xlsx of these sheets, in order, each filled row by row from its first row."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, sheet_rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in sheet_rows:
            sheet.append(row)
    book.save(path)
    return path


def test_xlsx_the_first_sheet_with_the_wanted_columns_is_read_past_a_notes_sheet(tmp_path):
    path = workbook(tmp_path / "s.xlsx", {"About": [["How this sheet was made: public records requests, 2025"]],
                                          "Data": [["Agency", "Technology"], ["ICE", "Face recognition"]]})
    [(name, header, found)] = rows(path, spreadsheets=True, wanted=["Agency", "Technology"])
    assert name.endswith(":Data") and found == [(2, ["ICE", "Face recognition"])]


def test_xlsx_without_a_sheet_holding_the_wanted_columns_says_what_each_sheet_lacks(tmp_path):
    path = workbook(tmp_path / "s.xlsx", {"About": [["Notes"]], "Data": [["Agency", "Tech"]]})
    with pytest.raises(LoadError, match="no worksheet has every column needed "
                                        r"\('About' lacks Agency, Technology; 'Data' lacks Technology\)"):
        rows(path, spreadsheets=True, wanted=["Agency", "Technology"])


def test_xlsx_header_with_a_column_name_twice_is_refused_like_a_csvs(tmp_path):
    path = workbook(tmp_path / "s.xlsx", {"Data": [[], ["Agency", "Notes", "Notes"], ["ICE", "a", "b"]]})
    with pytest.raises(LoadError, match="duplicate column names in the header: Notes") as error:
        rows(path, spreadsheets=True)
    assert "row 2" in str(error.value)


def test_json_reading(tmp_path):
    (tmp_path / "a.json").write_text('{"data": {"Products": []}}')
    assert read_json(tmp_path / "a.json") == {"data": {"Products": []}}
    (tmp_path / "cut.json").write_text('{"data": {"Products": [')
    with pytest.raises(LoadError, match="not valid JSON.*truncated"):
        read_json(tmp_path / "cut.json")
    (tmp_path / "a.csv").write_text("a,b\n")
    with pytest.raises(LoadError, match="not a JSON file"):
        read_json(tmp_path / "a.csv")


def test_json_nan_and_infinity_read_as_missing(tmp_path):
    (tmp_path / "nan.json").write_text('{"name": NaN, "level": Infinity, "low": -Infinity, "ok": 1.5}')
    assert read_json(tmp_path / "nan.json") == {"name": None, "level": None, "low": None, "ok": 1.5}


def test_counting_reader_counts_and_keeps_the_last_byte_however_it_is_read():
    data = bytes(range(256)) * 1000
    reader = CountingReader(io.BytesIO(data))
    first = reader.read(1000)
    buffer = bytearray(50_000)
    n = reader.readinto(buffer)
    rest = reader.read()
    assert first + bytes(buffer[:n]) + rest == data
    assert reader.count == len(data)
    assert reader.last == data[-1:]
    assert reader.read(10) == b"" and reader.last == data[-1:]  # the end of the stream keeps the last byte


def test_a_byte_that_is_not_utf8_is_found_in_its_record_and_column(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(b"a,b\n" + b"x,y\n" * 3000 + b'1,"two\nlines \xd3"\n')  # decoded ahead: found on reading
    with pytest.raises(LoadError, match=r"row 3002, field 'b': not UTF-8 text \(byte 0xd3\)"):
        rows(path)


def test_json_that_is_not_utf8_names_the_line(tmp_path):
    (tmp_path / "a.json").write_bytes(b'\xef\xbb\xbf{"data":\n {"Products": [{"cso": "GESTI\xd3N"}]}}')
    with pytest.raises(LoadError, match=r"not UTF-8 text \(byte 0xd3 on line 2\)"):
        read_json(tmp_path / "a.json")
    (tmp_path / "b.json").write_bytes('{"data": {}}'.encode("utf-16"))
    with pytest.raises(LoadError, match="is UTF-16 text"):
        read_json(tmp_path / "b.json")


def test_json_nested_too_deeply_is_refused_not_a_crash(tmp_path):
    (tmp_path / "deep.json").write_text('{"data": {"Products": [' + "[" * 100_000 + "]" * 100_000 + "]}}")
    with pytest.raises(LoadError, match="nested too deeply"):
        read_json(tmp_path / "deep.json")


def test_a_semicolon_separated_file_is_named_as_such_when_its_columns_are_missing(tmp_path):
    """Excel in Spanish (and French, German...) saves "CSV" with ';' between cells: the header is then one
    column, and the error only listed every column as missing."""
    path = tmp_path / "atlas.csv"
    path.write_bytes("\ufeffAOSNUMBER;Agency;Vendor\r\nAOS1;Town PD;Acme\r\n".encode("utf-8"))
    [table] = open_tables(path)
    with pytest.raises(LoadError, match="separated by ';'") as missing:
        table.require(["AOSNUMBER", "Agency", "Vendor"])
    assert "missing required columns: AOSNUMBER, Agency, Vendor" in str(missing.value)
