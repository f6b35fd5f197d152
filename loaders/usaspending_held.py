"""Which clean rows held in columns must leave them for the row logic, settled per file.

A file's clean rows (loaders.award_columns) are held (loaders.columnar_awards)
unless they share an award key, a PIID or a PIID's Source id with another row
of the load, an award the row logic holds, or a Contract or Source the store
holds (a reload): such rows become Awards for the row logic, as if it had read
them, in the order of their rows, so its merges and rejects are the same.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graph.text import slugify
from loaders.columnar_awards import IDS, ColumnarAwards, Held
from loaders.graphbatch import GraphBatch
from loaders.usaspending_rows import Award, RowLogic


class HeldRows(RowLogic):
    """Settling held rows; the state (`columnar`, the store's ids) is UsaspendingLoad's."""

    batch: GraphBatch
    columnar: ColumnarAwards
    _store_ids: tuple[set[str], set[str]] | None

    def _settle(self, name: str, file_source: str, held: list[pa.Table], pending: list[tuple[int, Award]],
                mark: int, tags: list[int]) -> None:
        """Add a file's awards: held rows that share a key, PIID or Source id with any other row, award or
        stored record leave for the row logic, and the row logic adds its awards in row order."""
        report = self.report
        rows = pa.concat_tables(held) if held else None
        count = rows.num_rows if rows is not None else 0
        shared = np.zeros(count, dtype=bool)
        others: dict[str, list[str]] = {k: [] for k in IDS}
        for award in (*(a for _, a in pending), *self.awards.values()):
            for k, value in zip(IDS, (award.key, award.piid, slugify(award.piid))):
                others[k].append(value)
        mine = Held(rows, -1, np.ones(count, dtype=bool)) if rows is not None else None  # for its ids
        wanted: dict[str, pa.Array] = {}
        for k in IDS:
            own = mine.ids(k).combine_chunks() if mine is not None else pa.array([], pa.string())
            combined = pa.concat_arrays([own, pa.array(others[k], pa.string())])
            wanted[k] = combined
            codes = combined.dictionary_encode().indices.to_numpy()
            shared |= np.bincount(codes)[codes[:count]] > 1
            for earlier in self.columnar.held:
                if earlier.alive.any() and count:
                    alive = earlier.ids(k).filter(pa.array(earlier.alive))
                    shared |= pc.is_in(own, value_set=alive.combine_chunks()).to_numpy(zero_copy_only=False)
        contracts, sources = self._stored_ids() if count else (set(), set())
        if contracts or sources:
            shared |= pc.is_in(pc.binary_join_element_wise("contract:", mine.ids("piid"), ""),
                               value_set=pa.array(sorted(contracts), pa.string())).to_numpy(zero_copy_only=False)
            shared |= pc.is_in(pc.binary_join_element_wise("source:piid-", mine.ids("slug"), ""),
                               value_set=pa.array(sorted(sources), pa.string())).to_numpy(zero_copy_only=False)
        self._take_out(self.columnar.sharing(wanted), counted=True)  # earlier files' rows come first
        if shared.any():
            for row in rows.filter(pa.array(shared)).to_pylist():
                pending.append((row["seq"], self._award_from(name, file_source, row)))
        pending.sort(key=lambda item: item[0])
        for seq, award in pending:
            before = len(report.rejects)
            self._add_award(award, seq)
            tags += [seq] * (len(report.rejects) - before)
        # The rejects as the row logic would have made them: in the order of the rows that led to each.
        order = sorted(range(len(tags)), key=tags.__getitem__)
        mine_rejects = report.rejects[mark:]
        report.rejects[mark:] = [mine_rejects[i] for i in order]
        if rows is not None and not shared.all():
            kept = rows.filter(pa.array(~shared)) if shared.any() else rows
            self.columnar.add(kept, name, file_source)
            report.rows_used += kept.num_rows

    def _stored_ids(self) -> tuple[set[str], set[str]]:
        """The Contract and Source ids the store holds (read once; none are read from an empty store)."""
        if self._store_ids is None:
            store = self.batch.store
            empty = not store.stats().nodes
            self._store_ids = (set(), set()) if empty else (
                {n.id for n in store.nodes("Contract")}, {n.id for n in store.nodes("Source")})
        return self._store_ids

    def _award_from(self, name: str, file_source: str, row: dict[str, Any]) -> Award:
        """The Award the row logic reads from a held row."""
        fields = {k: row[k] for k in Award.__slots__ if k in row and k not in ("origin", "order")}
        return Award(**fields, origin=(name, row["row"]), file_source=file_source, from_summary=True,
                     order=row["seq"])

    def _take_out(self, taken: list[tuple[Held, np.ndarray]], *, counted: bool) -> None:
        """Held rows leave for the row logic, as awards it had read (they share nothing with its awards)."""
        for seq, name, source, row in self.columnar.take_out(taken):
            if counted:
                self.report.rows_used -= 1
            self._add_award(self._award_from(name, source, row), seq)
