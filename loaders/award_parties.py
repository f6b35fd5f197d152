"""The parties of the award rows held in columns, asked of the resolver once per distinct value.

Each row names an awarding agency (department, sub-agency, office and its
code), a recipient (name, UEI, parent name, parent UEI) and a funding agency.
The resolver is asked about each distinct one, per file, at the row where it
first appears, interleaved with the awards the row logic builds (by the order
their rows came), so it meets names in the order a row-by-row build would.
The answers go back to every row through the dictionary codes.
"""
from __future__ import annotations

from typing import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graph.record_parts import NodePart
from loaders import award_parts
from loaders.graphbatch import PartEdges
from loaders.columnar_awards import Held

AWARDER, RECIPIENT, FUNDER, ROW_LOGIC = 0, 1, 2, 3
FIELDS = {
    AWARDER: ("dept", "sub", "office", "office_code"),
    RECIPIENT: ("recipient", "uei", "parent_name", "parent_uei"),
    FUNDER: ("fdept", "fsub", "foffice", "foffice_code"),
}
PART_ROWS = 1 << 16  # rows per part: bounds the temporary columns of making the parts


def _decoded(array: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.cast(array, pa.string()) if pa.types.is_dictionary(array.type) else array


def _combined(files: np.ndarray, columns: list[pa.ChunkedArray]) -> np.ndarray:
    """One number per row, the same for two rows exactly when their file and every column are the same."""
    key = files.copy()
    for column in columns:
        array = column.combine_chunks()
        if not pa.types.is_dictionary(array.type):
            array = array.dictionary_encode()
        codes = pc.fill_null(array.indices, -1).to_numpy().astype(np.int64) + 1  # 0: missing
        width = len(array.dictionary) + 1
        if int(key.max(initial=0)) >= (1 << 62) // width:  # renumber densely before the product overflows
            key = np.unique(key, return_inverse=True)[1].astype(np.int64).reshape(-1)
        key = key * width + codes
    return key


class Parties:
    """The held rows of every file, their distinct parties and the resolver's answers."""

    def __init__(self, held: list[tuple[Held, pa.Table]], *, funded: bool) -> None:
        tables = [table.append_column("file", pa.array(np.full(table.num_rows, h.file, dtype=np.int32)))
                  for h, table in held]
        self.rows = pa.concat_tables(tables).unify_dictionaries() if tables else None
        self.kinds = [AWARDER, RECIPIENT, FUNDER] if funded else [AWARDER, RECIPIENT]
        self.codes: dict[int, np.ndarray] = {}
        self.first: dict[int, list[tuple]] = {}
        self.answers: dict[int, list[str | None]] = {}
        self._first_at: dict[int, np.ndarray] = {}
        if self.rows is None:
            return
        files = self.rows.column("file").to_numpy().astype(np.int64)
        for kind in self.kinds:
            key = _combined(files, [self.rows.column(name) for name in FIELDS[kind]])
            _, first_at, codes = np.unique(key, return_index=True, return_inverse=True)
            self.codes[kind], self._first_at[kind] = codes, first_at
            picked = self.rows.select(["file", *FIELDS[kind]]).take(pa.array(first_at))
            self.first[kind] = list(zip(*(_decoded(picked.column(c)).to_pylist() for c in picked.column_names)))
            self.answers[kind] = [None] * len(first_at)

    def events(self, row_logic_orders: list[int]) -> Iterator[tuple[int, int]]:
        """(kind, index) in the order a row-by-row build meets them: the row logic's awards by their order,
        and each distinct party at its first row (awarder, recipient, funder within a row)."""
        seqs, kinds, indexes = [np.asarray(row_logic_orders, dtype=np.int64)], \
            [np.full(len(row_logic_orders), ROW_LOGIC)], [np.arange(len(row_logic_orders))]
        if self.rows is not None:
            seq = self.rows.column("seq").to_numpy()
            for kind in self.kinds:
                first_at = self._first_at[kind]
                seqs.append(seq[first_at])
                kinds.append(np.full(len(first_at), kind))
                indexes.append(np.arange(len(first_at)))
        seq_all, kind_all, index_all = np.concatenate(seqs), np.concatenate(kinds), np.concatenate(indexes)
        for i in np.lexsort((kind_all, seq_all)).tolist():
            yield int(kind_all[i]), int(index_all[i])

    def values(self, kind: int, index: int) -> tuple:
        """(file, *party fields) of a distinct party."""
        return self.first[kind][index]

    def answer(self, kind: int, index: int, node_id: str | None) -> None:
        self.answers[kind][index] = node_id

    def _ids(self, kind: int, start: int, stop: int) -> pa.Array | None:
        if kind not in self.answers:
            return None
        answers = pa.array(self.answers[kind], pa.string())
        return pc.take(answers, pa.array(self.codes[kind][start:stop]))

    def parts(self) -> Iterator[tuple[list[NodePart], list[PartEdges]]]:
        """The held rows' records, a slice of rows at a time."""
        if self.rows is None:
            return
        for start in range(0, self.rows.num_rows, PART_ROWS):
            stop = min(start + PART_ROWS, self.rows.num_rows)
            yield award_parts.parts(self.rows.slice(start, stop - start), self._ids(AWARDER, start, stop),
                                    self._ids(RECIPIENT, start, stop), self._ids(FUNDER, start, stop))
