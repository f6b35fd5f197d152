"""USAspending contract downloads -> contracts, agencies (department -> sub-agency -> office), companies.

Reads Prime Award Summaries (`Contracts_PrimeAwardSummaries_*.csv`) and Prime
Transactions (`Contracts_PrimeTransactions_*.csv`) as downloaded: .csv,
.csv.gz or the .zip the site hands out (assistance files inside it are
skipped). Rows are streamed; only the ~40 columns used are kept, one compact
record per award key, so memory follows the number of awards, not the 286
columns.

What each award becomes:
- `contract:<PIID>` (Contract) with amounts, dates, fiscal year and the
  permalink, backed by `source:piid-<piid>` (one Source per permalink);
- AWARDED from the awarding office (PART_OF the sub-agency, PART_OF the
  department) and AWARDED_TO the recipient company, SUBSIDIARY_OF its parent;
- FOR_PRODUCT a known product (ICM, FALCON-SA...) the description names.
Hierarchy and parent links cite the file's own Source node.

Transactions add obligations per fiscal year (kept when the schema has a
property for them; see docs/LOADING.md) and fill awards the summaries lack.

Summaries rows that are plainly clean and share their award with no other
row or stored record never become Python objects: they are held in columns
(loaders.award_columns, columnar_awards), their parties are resolved once per
distinct value (award_parties) and their records handed over as columnar
parts (award_parts). Every other row goes through the row logic below, and
the result is the same either way (tests/loaders/test_columnar_awards.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, ClassVar, Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graph.errors import LoadError
from graph.text import fold, slugify
from loaders import arrow_csv, award_columns, award_parties, values
from loaders.allocators import give_back
from loaders.columnar_awards import IDS, ColumnarAwards, Held
from loaders.graphbatch import GraphBatch
from loaders.prefetch import prefetched
from loaders.report import LoadReport, Progress, rows_with_progress
from loaders.resolve import ProductMatcher, Resolver, clean_uei, company_key
from loaders.sources_io import Table, open_tables

AWARDS, TRANSACTIONS = "awards", "transactions"
ORIGIN = "usaspending"  # what errors in the records built name as their origin (the command)

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
    """awards, transactions, 'assistance' or None, from a header row."""
    columns = set(header)
    if {"assistance_award_unique_key", "assistance_transaction_unique_key"} & columns:
        return "assistance"
    if "contract_transaction_unique_key" in columns or {"federal_action_obligation", "action_date"} <= columns:
        return TRANSACTIONS
    if "contract_award_unique_key" in columns or "total_obligated_amount" in columns:
        return AWARDS
    return None


@dataclass(slots=True)
class Award:
    """The columns of one award that the graph uses (one record per award key)."""

    key: str
    piid: str
    origin: tuple[str, int]
    file_source: str
    parent_piid: str | None = None
    award_type: str | None = None
    dept: str | None = None
    sub: str | None = None
    office: str | None = None
    office_code: str | None = None
    fdept: str | None = None
    fsub: str | None = None
    foffice: str | None = None
    foffice_code: str | None = None
    recipient: str | None = None
    uei: str | None = None
    parent_name: str | None = None
    parent_uei: str | None = None
    description: str | None = None
    permalink: str | None = None
    obligated: float | None = None
    potential: float | None = None
    current: float | None = None
    start: str | None = None
    end: str | None = None
    base_date: str | None = None
    latest_date: str | None = None
    fiscal_year: int | None = None
    latest_fy: int | None = None
    last_modified: str | None = None
    naics: str | None = None
    psc: str | None = None
    fy_obligations: dict[int, float] | None = None
    tx_seen: set[str] | None = None
    from_summary: bool = False
    order: int = 0  # when the row logic first met this award key (rows count across the load's files)

    def rank(self) -> tuple[str, str]:
        return (self.last_modified or "", self.latest_date or "")


@dataclass
class UsaspendingLoad:
    """State of one `usaspending` run across all its files."""

    batch: GraphBatch
    resolver: Resolver
    report: LoadReport
    awards: dict[str, Award] = field(default_factory=dict)
    sources: dict[str, dict] = field(default_factory=dict)
    progress_factory: Callable[[str, int | None], Progress] = Progress
    columnar: ColumnarAwards = field(default_factory=ColumnarAwards)
    #: Clean Prime Award Summaries rows are held in columns and become parts (False: the row logic reads all).
    hold_clean_rows: ClassVar[bool] = True
    _seq: int = 0  # the row being read, counted across the load's files
    _store_ids: tuple[set[str], set[str]] | None = None  # Contract and Source ids in the store, when asked
    # Converters remembered per cell text: a file repeats its dates, years and UEIs on many rows.
    _date: Callable[[str], str | None] = field(default_factory=lambda: values.memoized(values.date))
    _fiscal_year: Callable[[str], int | None] = field(default_factory=lambda: values.memoized(values.fiscal_year))
    _uei: Callable[[str], str | None] = field(default_factory=lambda: values.memoized(clean_uei))

    # -- reading ---------------------------------------------------------------
    def read_file(self, path: Path) -> None:
        loaded = 0
        skipped: list[str] = []
        for table in open_tables(path):
            kind = detect(table.header)
            if kind == "assistance":
                skipped.append(f"{table.name} (assistance awards, not contracts)")
                table.close()
                continue
            if kind is None:
                missing = [c for c in REQUIRED[AWARDS] if c not in table.header]
                if path.suffix.lower() == ".zip":
                    skipped.append(f"{table.name} (not a USAspending contracts file)")
                    table.close()
                    continue
                raise LoadError(f"not a USAspending contracts download: missing required columns: "
                                f"{', '.join(missing)}", path=table.name)
            table.require(REQUIRED[kind])
            self._read_table(table, kind)
            loaded += 1
        for text in skipped:
            self.report.notice(f"skipped {text}")
        if not loaded:
            raise LoadError("no USAspending contracts table in this file (skipped: " + "; ".join(skipped) + ")",
                            path=str(path))

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
        index = {c: table.index(c) for c in (*REQUIRED[kind], *OPTIONAL) if table.index(c) is not None}
        progress = self.progress_factory(Path(table.name).name, table.size)
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

    def _take_out_for_build(self) -> None:
        """Before the build, held rows leave whose contract the row logic must build: a description naming a
        product (whether it links depends on the companies met so far), or a Source id an award of the row
        logic may take when it is qualified (source:piid-<piid>-<parent PIID>)."""
        matcher = self._matcher
        while self.columnar:
            taken = []
            if matcher.regex is not None:
                for held in self.columnar.held:
                    description = held.table.column("description").combine_chunks()
                    texts = description.dictionary.to_pylist()
                    named = pa.array([matcher.regex.search(fold(t)) is not None for t in texts], pa.bool_())
                    hit = pc.fill_null(pc.take(named, description.indices), False).to_numpy(zero_copy_only=False)
                    hit &= held.alive
                    if hit.any():
                        taken.append((held, np.flatnonzero(hit)))
            qualified = [f"{slugify(award.piid)}-{slugify(_qualifier(award))}" for award in self.awards.values()]
            taken += self.columnar.sharing({"slug": pa.array(qualified, pa.string())})
            if not taken:
                return
            self._take_out(taken, counted=True)

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
                    bad.append((column, raw, str(exc)))
                    return None

            if kind == AWARDS:
                self._award_row(name, number, cell, conv, bad, file_source)
            else:
                self._transaction_row(name, number, cell, conv, bad, file_source)

    def _reject_bad(self, name: str, number: int, bad: list[tuple[str, str, str]]) -> None:
        for column, raw, reason in bad:
            self.report.reject(name, number, column, raw, reason, malformed=True)

    def _refused(self, name: str, number: int, cell, bad: list[tuple[str, str, str]], piid: str | None) -> bool:
        """Reject a row with malformed values or no PIID (said in the report); True if it was."""
        if bad:
            self._reject_bad(name, number, bad)
            return True
        if not piid:
            self.report.reject(name, number, "award_id_piid", cell("award_id_piid"),
                               "no PIID: the award cannot be identified")
            return True
        return False

    def _common(self, award: Award, cell, conv, obligated_column: str) -> None:
        t = values.shared_text  # names, codes and types repeat on many rows: one string each, not one per row
        award.parent_piid = conv("parent_award_id_piid", t)
        award.award_type = conv("award_type", t)
        award.dept, award.sub = conv("awarding_agency_name", t), conv("awarding_sub_agency_name", t)
        award.office, award.office_code = conv("awarding_office_name", t), conv("awarding_office_code", t)
        award.fdept, award.fsub = conv("funding_agency_name", t), conv("funding_sub_agency_name", t)
        award.foffice, award.foffice_code = conv("funding_office_name", t), conv("funding_office_code", t)
        award.recipient, award.uei = conv("recipient_name", t), conv("recipient_uei", self._uei)
        award.parent_name, award.parent_uei = conv("recipient_parent_name", t), conv("recipient_parent_uei", self._uei)
        award.permalink = conv("usaspending_permalink", values.text)  # one per award
        award.naics, award.psc = conv("naics_code", t), conv("product_or_service_code", t)
        award.last_modified = conv("last_modified_date", self._date) and conv("last_modified_date", t)
        for column, uei in (("recipient_uei", award.uei), ("recipient_parent_uei", award.parent_uei)):
            raw = conv(column, str.strip)
            if raw and not uei:
                self.report.notice(f"ignored malformed UEI values such as {raw!r} (column {column})")
        award.obligated = conv(obligated_column, values.amount)
        award.current = conv("current_total_value_of_award", values.amount)
        award.potential = conv("potential_total_value_of_award", values.amount)
        award.start = conv("period_of_performance_start_date", self._date)
        award.end = conv("period_of_performance_current_end_date", self._date)

    def _award_row(self, name, number, cell, conv, bad, file_source) -> None:
        award = self._award_of_row(name, number, cell, conv, bad, file_source)
        if award is not None:
            self._add_award(award, self._seq)

    def _award_of_row(self, name, number, cell, conv, bad, file_source) -> Award | None:
        """The award a summaries row holds, or None when it is refused (said in the report)."""
        key, piid = conv("contract_award_unique_key", values.text), conv("award_id_piid", values.text)
        award = Award(key or f"PIID:{piid}", piid or "", (name, number), file_source, from_summary=True,
                      order=self._seq)
        self._common(award, cell, conv, "total_obligated_amount")
        award.base_date = conv("award_base_action_date", self._date)
        award.latest_date = conv("award_latest_action_date", self._date)
        award.latest_fy = conv("award_latest_action_date_fiscal_year", self._fiscal_year)
        base_fy = conv("award_base_action_date_fiscal_year", self._fiscal_year)
        award.fiscal_year = base_fy or values.fiscal_year_of(award.base_date) or \
            values.fiscal_year_of(award.start) or award.latest_fy
        award.description = conv("prime_award_base_transaction_description", values.text)
        if self._refused(name, number, cell, bad, piid):
            return None
        return award

    def _add_award(self, award: Award, seq: int) -> None:
        """Add a summaries award (met at row `seq`): a newer row for the same key replaces an older one."""
        old = self.awards.get(award.key)
        if old is not None and old.from_summary:
            keep, drop = (award, old) if award.rank() >= old.rank() else (old, award)
            self.report.reject(drop.origin[0], drop.origin[1], "contract_award_unique_key", award.key,
                               f"duplicate award key: row {keep.origin[1]} is newer and was kept")
            if keep is old:
                return
            self.report.rows_used -= 1  # the older row no longer counts as used
        if old is not None and old.fy_obligations is not None:
            award.fy_obligations, award.tx_seen = old.fy_obligations, old.tx_seen
        award.order = old.order if old is not None else seq
        self.awards[award.key] = award
        self.report.rows_used += 1

    def _transaction_row(self, name, number, cell, conv, bad, file_source) -> None:
        key, piid = conv("contract_award_unique_key", values.text), conv("award_id_piid", values.text)
        obligation = conv("federal_action_obligation", values.amount)
        action_date = conv("action_date", self._date)
        fy = conv("action_date_fiscal_year", self._fiscal_year) or values.fiscal_year_of(action_date)
        tx = Award(key or f"PIID:{piid}", piid or "", (name, number), file_source)
        self._common(tx, cell, conv, "total_dollars_obligated")
        tx.latest_date = action_date
        tx.description = conv("prime_award_base_transaction_description", values.text) or \
            conv("transaction_description", values.text)
        if self._refused(name, number, cell, bad, piid):
            return
        tx_key = conv("contract_transaction_unique_key", values.text) or \
            f"{tx.key}|{conv('modification_number', str.strip)}|{conv('transaction_number', str.strip)}|{action_date}"
        award = self.awards.get(tx.key)
        if award is None:
            award = tx
            award.order = self._seq
            award.fy_obligations, award.tx_seen = {}, set()
            award.base_date, award.fiscal_year = action_date, fy
            self.awards[tx.key] = award
        else:
            if award.fy_obligations is None:
                award.fy_obligations, award.tx_seen = {}, set()
            if tx_key in award.tx_seen:
                self.report.reject(name, number, "contract_transaction_unique_key", tx_key,
                                   "duplicate transaction: already counted")
                return
            if not award.from_summary:
                if action_date and (not award.base_date or action_date < award.base_date):
                    award.base_date, award.fiscal_year = action_date, fy
                if (tx.latest_date or "", tx.last_modified or "") >= (award.latest_date or "",
                                                                      award.last_modified or ""):
                    for slot in ("parent_piid", "award_type", "dept", "sub", "office", "office_code", "fdept",
                                 "fsub", "foffice", "foffice_code", "recipient", "uei", "parent_name",
                                 "parent_uei", "description", "permalink", "obligated", "current", "potential",
                                 "start", "end", "latest_date", "last_modified", "naics", "psc"):
                        new = getattr(tx, slot)
                        if new is not None:
                            setattr(award, slot, new)
        award.tx_seen.add(tx_key)
        if fy is not None and obligation is not None:
            award.fy_obligations[fy] = round(award.fy_obligations.get(fy, 0.0) + obligation, 2)
        self.report.rows_used += 1

    # -- building --------------------------------------------------------------
    def build(self) -> None:
        """Resolve every award's parties and put its nodes and relationships in the batch.

        Awards are built in the order their rows came (as the row logic met them), and the parties of the rows
        held in columns are resolved at the row where each first appears, so the resolver meets every name in
        the same order either way: same nodes, names, merges and notices.
        """
        batch = self.batch
        for source_id, props in self.sources.items():
            batch.add_node(source_id, "Source", props)
        self._schema_contract = batch.schema.labels["Contract"].properties
        self._matcher = ProductMatcher(batch, self.resolver)
        self._claims: dict[str, str] = {}
        self._placed_offices: set[str] = set()
        self._linked: set[tuple[str, str, str]] = set()  # hierarchy and parent edges already drafted, per file
        self._fy_count = self._computed_amounts = 0
        self._take_out_for_build()
        held = award_parties.Parties(self.columnar.alive_tables(), funded="FUNDED" in batch.schema.rel_types)
        slow = sorted(self.awards.values(), key=lambda a: a.order)
        self.awards.clear()
        for kind, at in held.events([a.order for a in slow]):
            if kind == award_parties.ROW_LOGIC:
                self._build_award(slow[at])
                continue
            file, *parties = held.values(kind, at)
            file_source = self.columnar.files[file][1]
            if kind == award_parties.AWARDER:
                held.answer(kind, at, self._awarder(*parties, file_source))
            elif kind == award_parties.RECIPIENT:
                held.answer(kind, at, self._recipient(*parties, file_source))
            else:
                held.answer(kind, at, self._funder(*parties, file_source))
        for nodes, edges in prefetched(held.parts(), depth=1):  # the next rows' parts are made while these spill
            batch.add_parts(nodes, edges, origin=ORIGIN)
        self.columnar, held = ColumnarAwards(), None
        give_back()  # the parts wait on disk: give the columns' memory back
        report = self.report
        if self._fy_count and "obligations_by_fy" not in self._schema_contract:
            report.notice(f"obligations per fiscal year were computed for {self._fy_count} contract(s) but not "
                          "stored: the schema has no Contract property for them yet (see docs/LOADING.md)")
        if self._computed_amounts:
            report.notice(f"{self._computed_amounts} contract amount(s) are the sum of the transactions loaded "
                          "(the transactions file had no total_dollars_obligated)")

    def _awarder(self, dept_name: str | None, sub_name: str | None, office_name: str | None,
                 office_code: str | None, file_source: str) -> str | None:
        """The awarding agency (office, else sub-agency, else department), placing it in the hierarchy."""
        batch, resolver = self.batch, self.resolver
        file_src = [file_source]
        dept = resolver.agency(dept_name, sources=file_src)
        sub = resolver.agency(sub_name, sources=file_src)
        if sub and dept and sub != dept and (sub, dept, file_source) not in self._linked:
            self._linked.add((sub, dept, file_source))
            batch.add_edge(sub, "PART_OF", dept, {"evidence": "public_record", "sources": file_src})
        parent = sub or dept
        office = resolver.agency(office_name, parent=parent, code=office_code, office=True,
                                 sources=file_src) if parent else resolver.agency(office_name)
        if office and office not in (sub, dept) and office not in self._placed_offices:
            self._placed_offices.add(office)
            if batch.existing(office) is None and parent:
                home = resolver.office_home(office, office_name or "", parent)
                batch.add_edge(office, "PART_OF", home, {"evidence": "public_record", "sources": file_src})
        return office or sub or dept

    def _recipient(self, name: str | None, uei: str | None, parent_name: str | None, parent_uei: str | None,
                   file_source: str) -> str | None:
        """The recipient company, SUBSIDIARY_OF its parent company when the file names another one."""
        batch, resolver = self.batch, self.resolver
        file_src = [file_source]
        parent_company = None
        same_as_parent = (parent_uei and parent_uei == uei) or (
            not parent_uei and parent_name and name and company_key(parent_name) == company_key(name))
        if (parent_uei or parent_name) and not same_as_parent:
            parent_company = resolver.company(parent_name, parent_uei, sources=file_src)
        recipient = resolver.company(name, uei, parent_uei=parent_uei, sources=file_src)
        if same_as_parent and recipient and parent_name:
            batch.add_alias(recipient, parent_name)
        if parent_company and recipient and parent_company != recipient and \
                (recipient, parent_company, file_source) not in self._linked:
            self._linked.add((recipient, parent_company, file_source))
            batch.add_edge(recipient, "SUBSIDIARY_OF", parent_company,
                           {"evidence": "public_record", "sources": file_src})
            resolver._family.pop(recipient, None)
            resolver._family.pop(parent_company, None)
        return recipient

    def _build_award(self, award: Award) -> None:
        """One award the row logic holds: its parties, Contract, Source and relationships."""
        batch, report = self.batch, self.report
        evidence = {"evidence": "public_record"}
        awarder = self._awarder(award.dept, award.sub, award.office, award.office_code, award.file_source)
        recipient = self._recipient(award.recipient, award.uei, award.parent_name, award.parent_uei,
                                    award.file_source)
        contract_id, qualifier = self._contract_id(award, self._claims)
        source_id = f"source:piid-{slugify(award.piid)}" + (f"-{slugify(qualifier)}" if qualifier else "")
        keyed = not award.key.startswith(award_columns.NO_KEY)
        permalink = award.permalink or (f"{award_columns.SITE}{award.key}/" if keyed else None)
        source_props = {
            "name": f"PIID {award.piid}", "kind": "public_record", "identifier": award.piid, "language": "en",
            "title": f"USAspending award {award.piid}", "url": permalink}
        if not batch.add_fresh_node(source_id, "Source", source_props, origin=ORIGIN):
            batch.add_node(source_id, "Source", source_props)
        src = [source_id]
        amount = award.obligated
        if amount is None and award.fy_obligations:
            amount = round(sum(award.fy_obligations.values()), 2)
            self._computed_amounts += 1
        props = {
            "name": award.piid, "aliases": [award.key] if keyed else [],
            "piid": award.piid, "parent_piid": award.parent_piid, "award_type": award.award_type,
            "start": award.start, "end": award.end, "fiscal_year": award.fiscal_year, "amount_usd": amount,
            "potential_usd": award.potential, "url": permalink, "description_en": award.description,
            "sources": src,
        }
        extra = {"award_key": award.key, "naics_code": award.naics, "psc_code": award.psc,
                 "last_modified": award.last_modified}
        props.update({k: v for k, v in extra.items() if k in self._schema_contract})
        if award.fy_obligations:
            self._fy_count += 1
            if "obligations_by_fy" in self._schema_contract:
                props["obligations_by_fy"] = self._merge_fy(contract_id, award.fy_obligations)
        # A new contract under its own PIID is met once in this load: it and its edges are fresh records.
        fresh = qualifier is None and batch.add_fresh_node(contract_id, "Contract", props, origin=ORIGIN)
        if not fresh:
            batch.put_node(contract_id, "Contract", props)
        edge = {**evidence, "sources": src, "fiscal_year": award.fiscal_year}
        keys = []
        if awarder:
            keys.append((awarder, "AWARDED", contract_id))
        if recipient:
            keys.append((contract_id, "AWARDED_TO", recipient))
        if "FUNDED" in batch.schema.rel_types:
            funder = self._funder(award.fdept, award.fsub, award.foffice, award.foffice_code, award.file_source)
            if funder and funder != awarder:
                keys.append((funder, "FUNDED", contract_id))
        if fresh:
            batch.add_fresh_edges(keys, edge, origin=ORIGIN)
        else:
            for key in keys:
                batch.add_edge(*key, edge)
        for product, term in self._matcher.find(award.description or "", recipient):
            batch.add_edge(contract_id, "FOR_PRODUCT", product, {
                **evidence, "sources": src, "quote": (award.description or "")[:400], "quote_lang": "en"})
            report.merge("Contract", f"{award.piid}", product, f"linked FOR_PRODUCT: the description names '{term}'")

    def _funder(self, dept_name: str | None, sub_name: str | None, office_name: str | None,
                office_code: str | None, file_source: str) -> str | None:
        file_src = [file_source]
        dept = self.resolver.agency(dept_name, sources=file_src)
        sub = self.resolver.agency(sub_name, sources=file_src)
        parent = sub or dept
        if office_name and parent:
            return self.resolver.agency(office_name, parent=parent, code=office_code, office=True,
                                        sources=file_src)
        return parent

    def _contract_id(self, award: Award, claims: dict[str, str]) -> tuple[str, str | None]:
        """contract:<PIID>, or contract:<PIID>@<parent PIID> when another award already holds that PIID."""
        base = f"contract:{award.piid}"
        owner = claims.get(base)
        if owner is None:
            existing = self.batch.existing(base)
            keys = [a for a in (existing.aliases if existing else []) if a.startswith("CONT_AWD_")]
            if not keys or award.key in keys:
                claims[base] = award.key
                return base, None
        elif owner == award.key:
            return base, None
        qualifier = _qualifier(award)
        contract_id = f"{base}@{qualifier}"
        self.report.notice(f"PIID {award.piid} names more than one award; {award.key} is stored as {contract_id}")
        return contract_id, qualifier

    def _merge_fy(self, contract_id: str, fy: dict[int, float]) -> list[str]:
        """Years loaded now replace the same years already stored; other years are kept."""
        stored = self.batch.prop(contract_id, "obligations_by_fy") or []
        merged: dict[int, str] = {}
        for item in stored:
            year, _, value = str(item).partition("=")
            if year.isdigit():
                merged[int(year)] = value
        for year, value in fy.items():
            merged[year] = f"{value:.2f}"
        return [f"{year}={merged[year]}" for year in sorted(merged)]


def load_usaspending(paths: Iterable[Path], batch: GraphBatch, resolver: Resolver, report: LoadReport, *,
                     strict: bool = True,
                     progress_factory: Callable[[str, int | None], Progress] = Progress) -> UsaspendingLoad:
    """Read every file (raising LoadError on bad input), then build the batch.

    Rows with malformed values are always left out and listed in the report;
    with `strict` the batch is not even built when there are any, since the
    caller will stop without writing.
    """
    state = UsaspendingLoad(batch, resolver, report, progress_factory=progress_factory)
    for path in paths:
        state.read_file(Path(path))
    if strict and report.malformed:
        return state
    state.build()
    return state


def _qualifier(award: Award) -> str:
    """What tells an award apart from another under the same PIID: its parent PIID, else its award key's agency."""
    parts = award.key.split("_")
    return award.parent_piid or (parts[3] if len(parts) > 3 else "other")


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
