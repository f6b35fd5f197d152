"""A table's used columns read in blocks by pyarrow's CSV reader, every cell as text.

A USAspending download has 286 columns, of which a loader reads ~40: pyarrow
parses the file in C and converts only those, in blocks of thousands of rows,
so memory stays flat as files grow. Row numbers are those the row-by-row
reader (loaders.sources_io) gives: the header is row 1 and a record with a
quoted newline is one row.

pyarrow is the fast path, not the judge: when it refuses the stream (a row of
the wrong width, bytes that are not UTF-8 in a used column, a damaged
archive), the stream does not end with a line break (a file cut inside a
quoted cell parses silently) or it holds no data row (a header alone), the
table's own row reader reads it, so the error is exactly the one it gives,
naming file and row.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from graph.errors import LoadError
from graph.i18n import Message
from loaders.sources_io import CountingReader, Table
from loaders.values import BadValue

BLOCK_BYTES = 4 << 20  # ~4k rows of a Prime Award Summaries file per block
_CANONICAL_AMOUNT = r"^-?[0-9]+(\.[0-9]+)?$"


@dataclass
class Block:
    """Consecutive data rows: `first` is the row number of the first, `columns` the cells of each used column."""

    first: int
    rows: int
    columns: dict[str, pa.Array]
    blank: list[int]  # offsets of rows whose used cells are all empty (the row reader skips blank records)
    position: int  # bytes of the file read so far, for a progress bar


def blocks(table: Table, columns: Sequence[str], *, block_bytes: int = BLOCK_BYTES) -> Iterator[Block]:
    """The table's rows in blocks, `columns` only (each must be in the header); LoadError as the row reader says."""
    assert table.reopen is not None, "only tables read from a stream of CSV bytes"
    stream, position = table.reopen()
    tail = CountingReader(stream)
    reader = None
    first, data = 2, False
    try:
        try:
            reader = pacsv.open_csv(
                tail,
                read_options=pacsv.ReadOptions(column_names=table.header, skip_rows=1, block_size=block_bytes,
                                               use_threads=False),
                parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
                convert_options=pacsv.ConvertOptions(include_columns=list(columns),
                                                     column_types={c: pa.string() for c in columns},
                                                     strings_can_be_null=False, quoted_strings_can_be_null=False))
            for batch in reader:
                found = {name: batch.column(name) for name in columns}
                blank = _blank_rows(found, batch.num_rows)
                data = data or len(blank) < batch.num_rows
                yield Block(first, batch.num_rows, found, blank, position())
                first += batch.num_rows
        except (pa.ArrowException, OSError, EOFError, ValueError) as exc:
            _row_reader_verdict(table)
            raise LoadError(Message("file.unreadable", error=exc), path=table.name) from exc
        if not data or tail.last not in (b"\n", b"\r"):
            # No data row (a header alone?), or cut inside a quoted last cell (pyarrow takes the rest as the cell).
            _row_reader_verdict(table)
    finally:
        stream.close()


def _row_reader_verdict(table: Table) -> None:
    """Read the table row by row: raises the LoadError the row reader gives, if any."""
    for _ in table.rows():
        pass


def _blank_rows(found: dict[str, pa.Array], rows: int) -> list[int]:
    if not found:
        return []
    blank = None
    for array in found.values():
        empty = pc.equal(pc.binary_length(array), 0)
        blank = empty if blank is None else pc.and_(blank, empty)
    if not pc.any(blank).as_py():
        return []
    return pc.indices_nonzero(blank).to_pylist()


def canonical_amounts(array: pa.Array) -> list[float | None]:
    """Cells written as plain decimals ("1234.50", "-500", "53100000") as floats; every other cell None.

    Such a cell reads the same as loaders.values.amount reads it (both round the decimal to the nearest
    float, and "-0.00" is 0.0); the others (empty, "1,234", "(500.00)", ".5", "12,3x4.00", 400 digits: beyond
    a float) are left to the per-cell converter.
    """
    plain = pc.match_substring_regex(array, _CANONICAL_AMOUNT)
    amounts = pc.add(pc.cast(pc.if_else(plain, array, None), pa.float64()), 0.0)  # -0.0 + 0.0 is 0.0
    return pc.if_else(pc.is_finite(amounts), amounts, None).to_pylist()



class BlockCells:
    """The cells of one block for the row logic: `cell(column)` as text, `conv(column, fn)` converted.

    Set `at` to the row's offset in the block. `conv` converts a column once per block: each distinct text
    once (dates, names, codes and descriptions repeat down a column, and a repeated text is then one string
    in memory), plain amounts in one cast (`amount` is the amount converter). A value `fn` refuses goes to
    `bad` as (column, text, reason), as the row-by-row reader records it, and reads as None.
    """

    def __init__(self, block: Block, *, amount: Callable[[str], Any]) -> None:
        self.block, self.amount = block, amount
        self.at = 0
        self.bad: list[tuple[str, str, str]] = []
        self._texts: dict[str, list[str]] = {}
        self._converted: dict[tuple[str, Callable], tuple[list[Any], dict[int, Message]]] = {}

    def cell(self, column: str) -> str:
        return self._all(column)[self.at]

    def conv(self, column: str, fn: Callable[[str], Any]) -> Any:
        found = self._converted.get((column, fn))
        if found is None:
            found = self._converted[(column, fn)] = self._convert(column, fn)
        converted, refused = found
        if refused and self.at in refused:
            self.bad.append((column, self.cell(column), refused[self.at]))
            return None
        return converted[self.at]

    def _all(self, column: str) -> list[str]:
        texts = self._texts.get(column)
        if texts is None:
            array = self.block.columns.get(column)
            texts = self._texts[column] = array.to_pylist() if array is not None else [""] * self.block.rows
        return texts

    def _convert(self, column: str, fn: Callable[[str], Any]) -> tuple[list[Any], dict[int, Message]]:
        array = self.block.columns.get(column)
        refused: dict[int, Message] = {}
        if array is not None and fn is self.amount:
            converted = canonical_amounts(array)
            texts = self._all(column)
            for i, value in enumerate(converted):
                if value is None:
                    converted[i] = _apply(fn, texts[i], refused, i)
            return converted, refused
        if array is None:
            return [_apply(fn, "", refused, i) for i in range(self.block.rows)], refused
        indices, answers, distinct = per_distinct(array, fn)
        codes = indices.to_pylist()
        if distinct:
            refused = {i: distinct[code] for i, code in enumerate(codes) if code in distinct}
        return [answers[code] for code in codes], refused


def per_distinct(array: pa.Array, fn: Callable[[str], Any]) -> tuple[pa.Array, list[Any], dict[int, Message]]:
    """fn of each distinct text of `array`, once: (each cell's number among the distinct texts, fn's answer
    per distinct text, and why fn refused a distinct text, by its number); a missing cell's number is missing."""
    encoded = array.dictionary_encode()
    refused: dict[int, Message] = {}
    answers = [_apply(fn, text, refused, i) for i, text in enumerate(encoded.dictionary.to_pylist())]
    return encoded.indices, answers, refused


def _apply(fn: Callable[[str], Any], text: str, refused: dict[int, Message], i: int) -> Any:
    """fn(text), or None with the reason recorded under i when fn refuses it."""
    try:
        return fn(text)
    except BadValue as exc:
        refused[i] = exc.args[0]
        return None
