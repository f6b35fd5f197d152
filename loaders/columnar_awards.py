"""Clean award rows kept as columns until the build, and the rows that must leave them for the row logic.

The rows held here never meet: no two share an award key, a PIID or a
PIID's Source id, and none shares one with an award the row logic holds or a
record the store holds. So each becomes its own new Contract and Source and
never needs merging. A row that turns out to share one (a later file names
its award again, a transactions file adds to it) is *taken out*: it becomes
an Award for the row logic, as if it had been read by it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from loaders.award_columns import slugs

IDS = ("key", "piid", "slug")  # what two awards must not share to be made apart


@dataclass
class Held:
    """The clean rows of one file (award_columns.convert's columns plus `seq` and `row`)."""

    table: pa.Table
    file: int  # index into ColumnarAwards.files
    alive: np.ndarray  # False once taken out

    def ids(self, name: str) -> pa.ChunkedArray:
        return slugs(self.table.column("piid")) if name == "slug" else self.table.column(name)


@dataclass
class ColumnarAwards:
    held: list[Held] = field(default_factory=list)
    files: list[tuple[str, str]] = field(default_factory=list)  # (table name, file source id)

    def __bool__(self) -> bool:
        return any(h.alive.any() for h in self.held)

    def add(self, table: pa.Table, name: str, file_source: str) -> None:
        self.files.append((name, file_source))
        table = table.unify_dictionaries()  # one dictionary per column, so a column reads as one array
        self.held.append(Held(table, len(self.files) - 1, np.ones(table.num_rows, dtype=bool)))

    def sharing(self, ids: dict[str, pa.Array]) -> list[tuple[Held, np.ndarray]]:
        """The held rows (alive) whose key, PIID or slug is among `ids` (name -> values)."""
        found = []
        for held in self.held:
            hit = np.zeros(held.table.num_rows, dtype=bool)
            for name, wanted in ids.items():
                if len(wanted):
                    hit |= pc.is_in(held.ids(name), value_set=wanted).to_numpy(zero_copy_only=False)
            hit &= held.alive
            if hit.any():
                found.append((held, np.flatnonzero(hit)))
        return found

    def everything(self) -> list[tuple[Held, np.ndarray]]:
        return [(held, np.flatnonzero(held.alive)) for held in self.held if held.alive.any()]

    def take_out(self, taken: Iterable[tuple[Held, np.ndarray]]) -> Iterator[tuple[int, str, str, dict]]:
        """Mark the rows taken out; yield (seq, table name, file source, row values) in row order."""
        rows = []
        for held, at in taken:
            at = at[held.alive[at]]  # a row named twice leaves once
            held.alive[at] = False
            name, source = self.files[held.file]
            for values in held.table.take(pa.array(at)).to_pylist():
                rows.append((values["seq"], name, source, values))
        rows.sort(key=lambda r: r[0])
        yield from rows

    def alive_tables(self) -> list[tuple[Held, pa.Table]]:
        """Each file's rows still held, in row order."""
        return [(held, held.table.filter(pa.array(held.alive))) for held in self.held if held.alive.any()]
