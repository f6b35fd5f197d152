"""Opening input files as streams of text rows: .csv, .csv.gz, .zip (and .xlsx for mappings).

Everything is read as text and converted later, explicitly, by the loaders.
Nothing here holds a whole file in memory: rows are yielded one at a time,
with one row of look-ahead so that a truncated last row can be told apart
from a malformed row in the middle of a file.

Every problem raises `LoadError` naming the file (and the row when there is
one), so a command can print one clear line and exit non-zero.
"""
from __future__ import annotations

import csv
import gzip
import io
import itertools
import json
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Callable, Iterator, Sequence

from graph.errors import LoadError
from graph.i18n import Message

csv.field_size_limit(16 * 1024 * 1024)

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # Excel's "Unicode text" and some exports
TABLE_SUFFIXES = (".csv", ".csv.gz", ".zip", ".tsv", ".txt", ".gz")
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm")


class NoDataRows(LoadError):
    """A table with a header and nothing under it (USAspending writes such files when a download has no data
    for them)."""


class CountingReader(io.RawIOBase):
    """A binary stream that counts the bytes read through it (for progress) and keeps the last one (a file
    whose last byte is not a line break may be cut short)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw, self.count, self.last = raw, 0, b""

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        """The bytes as the stream under it returns them (RawIOBase's own `read` would copy them twice more)."""
        data = self.raw.read(size)
        self.count += len(data)
        if data:
            self.last = data[-1:]
        return data

    def readinto(self, buffer) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        return n

    def close(self) -> None:
        self.raw.close()
        super().close()


@dataclass
class Table:
    """One table of text rows: a CSV file, a CSV inside a zip, or a worksheet.

    `rows()` yields `(row_number, cells)` with the header counted as row 1, so
    row numbers are those a spreadsheet shows, even with quoted newlines.
    """

    name: str  # what messages show: "file.csv" or "file.zip:member.csv"
    header: list[str]
    _rows: Iterator[tuple[int, list[str]]]
    size: int | None = None  # total bytes, for a progress bar
    _position: Callable[[], int] = field(default=lambda: 0)
    _close: Callable[[], None] = field(default=lambda: None)
    # For columnar readers (loaders.arrow_csv): the table's bytes opened afresh, with the header as row 1.
    reopen: Callable[[], tuple[IO[bytes], Callable[[], int]]] | None = None

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        return self._rows

    def has_data(self) -> bool:
        """Whether a data row follows the header (the row is read ahead; `rows()` still yields it)."""
        try:
            first = next(self._rows)
        except (NoDataRows, StopIteration):
            return False
        self._rows = itertools.chain([first], self._rows)
        return True

    def position(self) -> int:
        return self._position()

    def close(self) -> None:
        self._close()

    def index(self, column: str) -> int | None:
        try:
            return self.header.index(column)
        except ValueError:
            return None

    def require(self, columns: Sequence[str]) -> None:
        """LoadError listing every required column the header lacks."""
        missing = [c for c in columns if c not in self.header]
        if missing:
            raise LoadError(Message("file.missing_columns" if len(missing) > 1 else "file.missing_column",
                                    columns=", ".join(missing), count=len(self.header), hint=self._separator_hint()),
                            path=self.name)

    def _separator_hint(self) -> Message | str:
        """Why a header is one column: Excel in Spanish, French or German saves "CSV" with ';' between cells."""
        if len(self.header) != 1 or ";" not in self.header[0]:
            return ""
        return Message("file.semicolons")


def _sniff(head: bytes) -> str:
    """What the first bytes say the file is: gzip, zip, ole, pdf, html, json or text."""
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(ZIP_MAGICS):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head.startswith(UTF16_BOMS):
        return "utf16"
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"%PDF"):
        return "pdf"
    if text[:1] == b"<":
        return "html"
    if text[:1] in (b"{", b"["):
        return "json"
    return "text"


WRONG_TYPE = ("ole", "pdf", "html", "json", "utf16", "xlsx")  # kinds with a message file.wrong_type.<kind>


def _check_file(path: Path) -> bytes:
    if not path.exists():
        raise LoadError(Message("file.not_found"), path=str(path))
    if path.is_dir():
        raise LoadError(Message("file.is_folder"), path=str(path))
    with path.open("rb") as handle:
        head = handle.read(4096)
    if not head:
        raise LoadError(Message("file.empty"), path=str(path))
    return head


def _csv_rows(text: IO[str], name: str, *, delimiter: str = ",",
              undecodable: Callable[[], tuple[int, str | None, int] | None] = lambda: None,
              ) -> tuple[list[str], Iterator[tuple[int, list[str]]], bool]:
    """Header, a row iterator for CSV text, and whether the header was the first record; problems raise LoadError.

    `undecodable` finds the first byte that is not UTF-8 (record number, column name, byte): text is decoded
    ahead of the records read, so the record being read when decoding fails may come before it.
    """
    reader = csv.reader(text, delimiter=delimiter, strict=True)
    reading = 1  # number of the record being read (the header is record 1)

    def read() -> list[str] | None:
        nonlocal reading
        try:
            record = next(reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            reason = str(exc)
            if "unexpected end of data" in reason:
                raise LoadError(Message("file.ends_in_quote"), path=name,
                                row=reading) from exc
            raise LoadError(Message("file.malformed_csv", reason=reason), path=name, row=reading) from exc
        except UnicodeDecodeError as exc:
            row, column, byte = undecodable() or (reading, None, exc.object[exc.start])
            raise LoadError(Message("file.not_utf8", byte=f"{byte:02x}"), path=name, row=row,
                            field=column) from exc
        except (EOFError, zlib.error, zipfile.BadZipFile) as exc:
            raise LoadError(Message("file.compressed_damaged", error=exc), path=name,
                            row=reading) from exc
        except OSError as exc:  # gzip.BadGzipFile and friends
            raise LoadError(Message("file.unreadable", error=exc), path=name, row=reading) from exc
        reading += 1
        return record

    header = read()
    while header is not None and not any(cell.strip() for cell in header):
        header = read()
    if header is None:
        raise LoadError(Message("file.no_header"), path=name)
    header_first = reading == 2
    header = [cell.strip() for cell in header]
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0].lstrip("\ufeff")
    _refuse_duplicates(header, name, 1)
    width = len(header)

    def rows() -> Iterator[tuple[int, list[str]]]:
        number = reading
        current = read()
        seen = 0
        while current is not None:
            following_number = reading
            following = read()
            if current and any(cell for cell in current):
                if len(current) != width:
                    if following is None and len(current) < width:
                        raise LoadError(Message("file.last_row_short", cells=len(current), width=width),
                                        path=name, row=number)
                    raise LoadError(Message("file.row_width", cells=len(current), width=width), path=name,
                                    row=number)
                seen += 1
                yield number, current
            current, number = following, following_number
        if not seen:
            raise NoDataRows(Message("file.no_rows"), path=name)

    return header, rows(), header_first


def _open_text(binary: IO[bytes], errors: str = "strict") -> IO[str]:
    return io.TextIOWrapper(binary, encoding="utf-8-sig", newline="", errors=errors)


def _first_undecodable(opener: Callable[[], IO[bytes]], delimiter: str) -> tuple[int, str | None, int] | None:
    """(record number, column name, byte) of the first byte that is not UTF-8, reading afresh."""
    header: list[str] = []
    with _open_text(opener(), errors="surrogateescape") as text:
        try:
            for number, record in enumerate(csv.reader(text, delimiter=delimiter), 1):
                for index, cell in enumerate(record):
                    escaped = next((c for c in cell if "\udc80" <= c <= "\udcff"), None)  # surrogateescape's
                    if escaped is not None:
                        column = header[index].strip() if index < len(header) else None
                        return number, column, ord(escaped) - 0xDC00
                if not header and any(cell.strip() for cell in record):
                    header = record
        except (csv.Error, OSError, EOFError, zlib.error, zipfile.BadZipFile):
            return None  # a damaged stream: the first error stands
    return None


def _delimiter(name: str, first_line: bytes) -> str:
    """',' for CSV, a tab for .tsv, and '|' for a .txt whose header holds '|' (USAspending's "pstxt" format)."""
    lower = name.lower().removesuffix(".gz")
    if lower.endswith((".tsv", ".tab")):
        return "\t"
    if lower.endswith(".txt") and b"|" in first_line:
        return "|"
    return ","


def _first_line(opener: Callable[[], IO[bytes]]) -> bytes:
    """The first line's bytes (up to 64 KiB); nothing from a damaged stream, which the reader then names."""
    try:
        with opener() as stream:
            return stream.read(1 << 16).split(b"\n", 1)[0]
    except (EOFError, OSError, zlib.error, zipfile.BadZipFile):
        return b""


def _plain_table(path: Path, label: str, opener: Callable[[], IO[bytes]], size: int | None,
                 position: Callable[[CountingReader], int],
                 reopen: Callable[[], tuple[IO[bytes], Callable[[], int]]]) -> Table:
    counter = CountingReader(opener())
    text = _open_text(io.BufferedReader(counter, 1 << 16))
    delimiter = _delimiter(label, _first_line(opener) if label.lower().endswith((".txt", ".txt.gz")) else b"")
    try:
        header, rows, header_first = _csv_rows(text, label, delimiter=delimiter,
                                               undecodable=lambda: _first_undecodable(opener, delimiter))
    except BaseException:
        text.close()
        raise
    # Columnar readers take the plain comma-separated layout only (header on row 1), as the downloads have it.
    plain = header_first and delimiter == ","
    return Table(label, header, rows, size, lambda: position(counter), text.close, reopen if plain else None)


def _counted(opener: Callable[[], IO[bytes]]) -> Callable[[], tuple[IO[bytes], Callable[[], int]]]:
    def reopen() -> tuple[IO[bytes], Callable[[], int]]:
        counter = CountingReader(opener())
        return counter, lambda: counter.count

    return reopen


def _gzip_opener(path: Path) -> tuple[Callable[[], IO[bytes]], list[CountingReader]]:
    raws: list[CountingReader] = []

    def opener() -> IO[bytes]:
        raw = CountingReader(path.open("rb"))
        raws.append(raw)
        return gzip.GzipFile(fileobj=io.BufferedReader(raw), mode="rb")

    return opener, raws


def _gzip_reopen(path: Path) -> tuple[IO[bytes], Callable[[], int]]:
    """The decompressed stream, and the compressed bytes read so far (the file size is compressed too)."""
    raw = CountingReader(path.open("rb"))
    return gzip.GzipFile(fileobj=io.BufferedReader(raw), mode="rb"), lambda: raw.count


def open_tables(path: Path, *, spreadsheets: bool = False, wanted: Sequence[str] = ()) -> Iterator[Table]:
    """Every table in a file: one for a CSV (plain or gzipped), one per CSV in a zip, one worksheet of a
    workbook (where `spreadsheets` are accepted: the first with all the `wanted` columns).

    Raises LoadError for a missing, empty, truncated or wrong-type file. Zip
    members that are not CSV are skipped; a zip with no CSV is an error.
    """
    head = _check_file(path)
    kind = _sniff(head)
    lower = path.name.lower()
    if kind == "zip" and (lower.endswith(SPREADSHEET_SUFFIXES) or _is_xlsx(path)):
        if not spreadsheets:
            raise LoadError(Message("file.wrong_type.xlsx", expected="CSV"), path=str(path))
        if not lower.endswith(SPREADSHEET_SUFFIXES):  # openpyxl goes by the name and would refuse it in English
            raise LoadError(Message("file.workbook_renamed"), path=str(path))
        yield from _xlsx_tables(path, wanted)
        return
    if kind in WRONG_TYPE:
        raise LoadError(Message(f"file.wrong_type.{kind}", expected="CSV"), path=str(path))
    if kind == "text" and not lower.endswith(TABLE_SUFFIXES):
        raise LoadError(Message("file.unsupported", suffix=_suffix(path)), path=str(path))
    size = path.stat().st_size
    if kind == "gzip":
        opener, raws = _gzip_opener(path)
        yield _plain_table(path, str(path), opener, size, lambda _c: raws[0].count if raws else 0,
                           lambda: _gzip_reopen(path))
    elif kind == "zip":
        yield from _zip_tables(path)
    else:
        yield _plain_table(path, str(path), lambda: path.open("rb"), size, lambda c: c.count,
                           _counted(lambda: path.open("rb")))


def _suffix(path: Path) -> str | Message:
    """The file's extension as a message shows it: '.pdf', or "(no extension)" in the reader's language."""
    return repr(path.suffix) if path.suffix else Message("file.no_extension")


def _is_xlsx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _zip_tables(path: Path) -> Iterator[Table]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise LoadError(Message("file.zip_damaged", error=exc), path=str(path)) from exc
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir() and not m.filename.startswith("__MACOSX/")]
        # A .txt member is a table when its header holds '|' (USAspending's pipe-separated downloads), not a
        # README.
        tables = [m for m in members if m.filename.lower().endswith((".csv", ".tsv"))
                  or m.filename.lower().endswith(".txt") and b"|" in _first_line(lambda m=m: archive.open(m))]
        if not tables:
            names = ", ".join(_shown(m.filename) for m in members[:5]) or "nothing"
            raise LoadError(Message("file.zip_no_csv", names=names), path=str(path))
        for member in sorted(tables, key=lambda m: _numbered(m.filename)):
            label = f"{path}:{_shown(member.filename)}"
            if member.file_size == 0:
                raise LoadError(Message("file.empty"), path=label)
            try:
                table = _plain_table(path, label, lambda m=member: archive.open(m), member.file_size,
                                     lambda c: c.count, _counted(lambda m=member: archive.open(m)))
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                raise LoadError(Message("file.zip_damaged", error=exc), path=label) from exc
            try:
                yield table
            finally:
                table.close()


def _shown(name: str) -> str:
    """A member's name as messages show it: as it is, or quoted with escapes when it holds a line break or another
    control character (a message is one line)."""
    return name if name.isprintable() else repr(name)


def _numbered(name: str) -> list[str | tuple[int, str]]:
    """A sort key putting the parts of a split download in their order: ..._2.csv before ..._10.csv.

    re.split puts the runs of ASCII digits at odd places; each is compared by its length, then its text, without
    zeros in front (never int(): it refuses a 5,000-digit run, and str.isdigit takes '²', which int() refuses).
    """
    return [(len(part.lstrip("0")), part.lstrip("0")) if odd else part
            for odd, part in zip(itertools.cycle((False, True)), re.split(r"([0-9]+)", name))]


def _xlsx_tables(path: Path, wanted: Sequence[str]) -> Iterator[Table]:
    """The first worksheet whose header holds every `wanted` column, as a table of text cells (streamed,
    read-only). A sheet's first row with a cell filled is its header, as blank records before a CSV's header
    are skipped. An empty cover sheet before the data is passed over, and so is a notes sheet that lacks the
    wanted columns (research workbooks often open with one)."""
    try:
        import openpyxl  # optional: only the csv-by-mapping command reads workbooks
    except ImportError as exc:  # pragma: no cover - openpyxl is in requirements.txt
        raise LoadError("reading .xlsx needs the openpyxl package (pip install openpyxl)", path=str(path)) from exc
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise LoadError(Message("file.workbook_unreadable", error=exc), path=str(path)) from exc
    lacking: list[str] = []
    for sheet in book.worksheets:
        rows_iter = sheet.iter_rows(values_only=True)
        header: list[str] = []
        header_row = 0
        for header_row, cells in enumerate(rows_iter, 1):
            header = [_cell_text(c).strip() for c in cells]
            if any(header):
                break
        if not any(header):
            continue
        missing = [column for column in wanted if column not in header]
        if not missing:
            yield _sheet_table(f"{path}:{sheet.title}", header, header_row, rows_iter, book.close)
            return
        lacking.append(Message("file.sheet_lacks", sheet=repr(sheet.title), columns=", ".join(missing)))
    book.close()
    if lacking:
        raise LoadError(Message("file.no_sheet_has_columns", lacking=tuple(lacking)), path=str(path))
    names = ", ".join(repr(sheet.title) for sheet in book.worksheets)
    raise LoadError(Message("file.sheets_empty", names=names), path=str(path))


def _sheet_table(label: str, header: list[str], header_row: int, rows_iter: Iterator[tuple],
                 close: Callable[[], None]) -> Table:
    while header and not header[-1]:
        header.pop()
    _refuse_duplicates(header, label, header_row)
    width = len(header)

    def rows() -> Iterator[tuple[int, list[str]]]:
        seen = 0
        for number, cells in enumerate(rows_iter, header_row + 1):
            values = [_cell_text(c) for c in cells[:width]]
            values += [""] * (width - len(values))
            if any(values):
                seen += 1
                yield number, values
        if not seen:
            raise LoadError(Message("file.sheet_no_rows"), path=label)

    return Table(label, header, rows(), None, lambda: 0, close)


def _refuse_duplicates(header: list[str], name: str, row: int) -> None:
    """LoadError naming the column names the header holds more than once (which of them would a row's value be?)."""
    dupes = sorted({c for c in header if c and header.count(c) > 1})
    if dupes:
        raise LoadError(Message("file.duplicate_columns", columns=", ".join(dupes)), path=name, row=row)


def _cell_text(value: Any) -> str:
    """Spreadsheet cells become text, as if the sheet had been saved as CSV."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") or len(text) == 19 and text[11:] == "00:00:00" else text
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_json(path: Path) -> Any:
    """A JSON document from .json, .json.gz or a .zip holding one .json file."""
    head = _check_file(path)
    kind = _sniff(head)
    try:
        if kind == "gzip":
            with gzip.open(path, "rb") as handle:
                raw = handle.read()
        elif kind == "zip" and _is_xlsx(path):
            raise LoadError(Message("file.workbook_not_json"), path=str(path))
        elif kind == "zip":
            try:
                with zipfile.ZipFile(path) as archive:
                    members = [m for m in archive.namelist() if m.lower().endswith(".json")]
                    if len(members) != 1:
                        raise LoadError(Message("file.zip_one_json", count=len(members)),
                                        path=str(path))
                    raw = archive.read(members[0])
            except zipfile.BadZipFile as exc:
                raise LoadError(Message("file.zip_damaged", error=exc), path=str(path)) from exc
        elif kind == "json":
            raw = path.read_bytes()
        elif kind in WRONG_TYPE:
            raise LoadError(Message(f"file.wrong_type.{kind}", expected="JSON"), path=str(path))
        else:
            raise LoadError(Message("file.not_json"), path=str(path))
    except (EOFError, zlib.error, OSError) as exc:
        raise LoadError(Message("file.compressed_damaged", error=exc), path=str(path)) from exc
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        # NaN and Infinity are not JSON, but Python's json module (and pandas' to_json) write them: read as null.
        return json.loads(raw.decode("utf-8"), parse_constant=lambda _name: None)
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise LoadError(Message("file.json_not_utf8", byte=f"{raw[exc.start]:02x}", line=line),
                        path=str(path)) from exc
    except json.JSONDecodeError as exc:
        hint = Message("file.json_truncated") if exc.pos >= len(raw.rstrip()) - 1 else ""
        raise LoadError(Message("file.bad_json", line=exc.lineno, column=exc.colno, error=exc.msg, hint=hint),
                        path=str(path)) from exc
    except RecursionError as exc:  # the decoder recurses once per level: '[[[[...' ten thousand deep
        raise LoadError(Message("file.json_too_deep"), path=str(path)) from exc
