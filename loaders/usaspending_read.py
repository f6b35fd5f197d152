"""Reading USAspending contract downloads: which tables a file holds, and their rows in blocks or one by one.

A table pyarrow reads (CSV, gzip, inside a zip) is read in blocks of the used
columns (loaders.arrow_csv). Prime Award Summaries blocks are converted in
columns and their clean rows held (loaders.award_columns, usaspending_held);
every other row, and every row of a table pyarrow does not read (worksheets,
TSV), goes through the row logic (usaspending_rows).
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, ClassVar

import pyarrow as pa

from graph.errors import LoadError
from graph.i18n import Message
from graph.text import slugify
from loaders import arrow_csv, award_columns, values
from loaders.allocators import give_back
from loaders.columnar_awards import IDS
from loaders.prefetch import prefetched
from loaders.report import Progress, rows_with_progress
from loaders.sources_io import Table, open_tables
from loaders.usaspending_held import HeldRows
from loaders.usaspending_rows import DELETE_MARK, Award

AWARDS, TRANSACTIONS = "awards", "transactions"
#: Tables a download may hold next to the contracts, skipped with a note.
NOT_LOADED = {"assistance": "skip.assistance", "subawards": "skip.subawards"}  # kind -> the note's message

#: The columns the issue names; a Prime Award Summaries file without them is refused.
REQUIRED = {
    AWARDS: (
        "contract_award_unique_key", "award_id_piid", "parent_award_id_piid", "total_obligated_amount",
        "current_total_value_of_award", "potential_total_value_of_award", "period_of_performance_start_date",
        "period_of_performance_current_end_date", "awarding_agency_name", "awarding_sub_agency_name",
        "awarding_office_name", "funding_agency_name", "funding_sub_agency_name", "recipient_uei", "recipient_name",
        "recipient_parent_uei", "recipient_parent_name", "prime_award_base_transaction_description",
        "product_or_service_code", "product_or_service_code_description", "naics_code", "naics_description",
        "award_latest_action_date_fiscal_year", "usaspending_permalink",
    ),
    TRANSACTIONS: (
        "contract_award_unique_key", "award_id_piid", "parent_award_id_piid", "federal_action_obligation",
        "action_date", "action_date_fiscal_year", "transaction_description", "awarding_agency_name",
        "awarding_sub_agency_name", "awarding_office_name", "recipient_uei", "recipient_name",
        "recipient_parent_uei", "recipient_parent_name", "usaspending_permalink",
    ),
}
# Read when present (a trimmed file still loads without them).
OPTIONAL = (
    "award_type", "award_base_action_date", "award_base_action_date_fiscal_year", "award_latest_action_date",
    "last_modified_date", "awarding_agency_code", "awarding_sub_agency_code", "awarding_office_code",
    "funding_office_name", "funding_office_code", "contract_transaction_unique_key", "modification_number",
    "transaction_number", "total_dollars_obligated", "current_total_value_of_award",
    "potential_total_value_of_award", "period_of_performance_start_date", "period_of_performance_current_end_date",
    "prime_award_base_transaction_description", "funding_agency_name", "funding_sub_agency_name",
    "product_or_service_code", "product_or_service_code_description", "naics_code", "naics_description",
)



def detect(header: list[str]) -> str | None:
    """awards, transactions, 'assistance', 'subawards' or None, from a header row."""
    columns = set(header)
    if {"assistance_award_unique_key", "assistance_transaction_unique_key"} & columns:
        return "assistance"
    if {"subaward_number", "subaward_amount"} <= columns:
        return "subawards"
    if "contract_transaction_unique_key" in columns or {"federal_action_obligation", "action_date"} <= columns:
        return TRANSACTIONS
    if "contract_award_unique_key" in columns or "total_obligated_amount" in columns:
        return AWARDS
    return None


def _lower_case_header(table: Table) -> None:
    """USAspending names every column in lower case; a header re-cased since (by a script or a spreadsheet)
    reads as the download's, unless two of its columns differ only in case."""
    lowered = [column.lower() for column in table.header]
    if lowered != table.header and len(set(lowered)) == len(lowered):
        table.header = lowered


class UsaspendingFiles(HeldRows):
    """Reading a load's files; the state (`sources`, `progress_factory`) is UsaspendingLoad's."""

    sources: dict[str, dict]
    progress_factory: Callable[..., Progress]  # (label, size, lang=...)
    #: Clean Prime Award Summaries rows are held in columns and become parts (False: the row logic reads all).
    hold_clean_rows: ClassVar[bool] = True

    def read_file(self, path: Path) -> None:
        loaded = 0
        skipped: list[Message] = []
        for table in open_tables(path):
            _lower_case_header(table)
            kind = detect(table.header)
            if kind in NOT_LOADED:
                skipped.append(Message(NOT_LOADED[kind], name=table.name))
                table.close()
                continue
            if path.suffix.lower() == ".zip" and not table.has_data():
                skipped.append(Message("skip.header_only", name=table.name))
                table.close()
                continue
            if kind is None:
                missing = [c for c in REQUIRED[AWARDS] if c not in table.header]
                if path.suffix.lower() == ".zip":
                    skipped.append(Message("skip.not_contracts", name=table.name))
                    table.close()
                    continue
                raise LoadError(Message("usaspending.missing_columns", columns=", ".join(missing)), path=table.name)
            table.require(REQUIRED[kind])
            self._read_table(table, kind)
            loaded += 1
        for text in skipped:
            self.report.notice(Message("notice.skipped", what=text))
        if not loaded:
            raise LoadError(Message("usaspending.no_contracts", skipped=tuple(skipped)), path=str(path))

    def _file_source(self, table: Table, kind: str) -> str:
        name = Path(table.name.split(":")[-1] if ":" in table.name else table.name).name
        source_id = f"source:usaspending-{slugify(name)}"
        what = "Prime Award Summaries" if kind == AWARDS else "Prime Transactions"
        self.sources[source_id] = {"name": name, "kind": "public_record", "identifier": name, "language": "en",
                                   "title": f"USAspending contracts download, {what}: {name}"}
        return source_id

    def _read_table(self, table: Table, kind: str) -> None:
        self.report.files.append(table.name)
        file_source = self._file_source(table, kind)
        wanted = (*REQUIRED[kind], *OPTIONAL, *((DELETE_MARK,) if kind == TRANSACTIONS else ()))
        index = {c: table.index(c) for c in wanted if table.index(c) is not None}
        progress = self.progress_factory(Path(table.name).name, table.size, lang=self.report.lang)
        try:
            if table.reopen is not None and kind == AWARDS and self.hold_clean_rows:
                self._read_award_columns(table, list(index), file_source, progress)
            elif table.reopen is not None:
                self._read_columns(table, kind, list(index), file_source, progress)
            else:
                self._take_out(self.columnar.everything(), counted=True)  # rows this reader may meet again
                self._read_rows(table, kind, index, file_source, progress)
        finally:
            progress.done()
            table.close()

    def _read_columns(self, table: Table, kind: str, columns: list[str], file_source: str,
                      progress: Progress) -> None:
        """The used columns in blocks (loaders.arrow_csv); each row then goes through the row logic."""
        name = table.name
        row_of = self._award_row if kind == AWARDS else self._transaction_row
        for block in arrow_csv.blocks(table, columns):
            cells = arrow_csv.BlockCells(block, amount=values.amount)
            if self.columnar:
                self._take_out(self.columnar.sharing(_block_ids(cells, block.rows)), counted=True)
            blank = set(block.blank)
            for at in range(block.rows):
                self._seq += 1
                if at in blank:
                    continue
                self.report.rows_read += 1
                cells.at, cells.bad = at, []
                row_of(name, block.first + at, cells.cell, cells.conv, cells.bad, file_source)
            progress.tick(block.rows - len(blank), block.position)

    def _read_award_columns(self, table: Table, columns: list[str], file_source: str, progress: Progress) -> None:
        """Prime Award Summaries in blocks: clean rows are held in columns (loaders.award_columns), the others go
        through the row logic; which held rows share an award with another row is settled at the file's end."""
        name, report = table.name, self.report
        held: list[pa.Table] = []
        pending: list[tuple[int, Award]] = []  # (row seq, award) read by the row logic, not yet added
        mark, tags = len(report.rejects), []  # the rejects of this file, and the row seq at which each came
        blocks = arrow_csv.blocks(table, columns, block_bytes=award_columns.BLOCK_BYTES)
        for block in prefetched(blocks):  # the next block is parsed while this one is converted
            clean, slow = award_columns.convert(block)
            first_seq = self._seq + 1
            if len(slow):
                cells = arrow_csv.BlockCells(block, amount=values.amount)
                for at in slow.tolist():
                    cells.at, cells.bad, self._seq = at, [], first_seq + at
                    before = len(report.rejects)
                    award = self._award_of_row(name, block.first + at, cells.cell, cells.conv, cells.bad,
                                               file_source)
                    tags += [self._seq] * (len(report.rejects) - before)
                    if award is not None:
                        pending.append((self._seq, award))
            self._seq = first_seq + block.rows - 1
            at = clean.column("at").to_numpy()
            held.append(clean.drop_columns(["at"]).append_column("seq", pa.array(first_seq + at))
                        .append_column("row", pa.array(block.first + at)))
            report.rows_read += block.rows - len(block.blank)
            progress.tick(block.rows - len(block.blank), block.position)
        self._settle(name, file_source, held, pending, mark, tags)
        give_back()  # the blocks' memory: only the held rows stay

    def _read_rows(self, table: Table, kind: str, index: dict[str, int], file_source: str,
                   progress: Progress) -> None:
        """Row by row, through the table's own reader (tables pyarrow does not read: worksheets, TSV)."""
        name = table.name
        for number, row in rows_with_progress(table.rows(), progress, table.position):
            self._seq += 1
            self.report.rows_read += 1
            bad: list[tuple[str, str, str]] = []

            def cell(column: str) -> str:
                i = index.get(column)
                return row[i] if i is not None else ""

            def conv(column: str, fn):
                raw = cell(column)
                try:
                    return fn(raw)
                except values.BadValue as exc:
                    bad.append((column, raw, exc.args[0]))
                    return None

            if kind == AWARDS:
                self._award_row(name, number, cell, conv, bad, file_source)
            else:
                self._transaction_row(name, number, cell, conv, bad, file_source)


def _block_ids(cells: arrow_csv.BlockCells, rows: int) -> dict[str, pa.Array]:
    """The award keys, PIIDs and PIID slugs a block of rows names, as the row logic reads them."""
    found: dict[str, list[str]] = {k: [] for k in IDS}
    for at in range(rows):
        cells.at = at
        key, piid = values.text(cells.cell("contract_award_unique_key")), values.text(cells.cell("award_id_piid"))
        if piid:
            found["key"].append(key or f"PIID:{piid}")
            found["piid"].append(piid)
            found["slug"].append(slugify(piid))
    return {k: pa.array(v, pa.string()) for k, v in found.items()}
