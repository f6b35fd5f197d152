"""The column-wise reading of USAspending files (pyarrow) reads exactly what the row-by-row reader reads."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from graph.errors import LoadError
from graph.store_networkx import EmbeddedStore
from loaders import usaspending_read as usaspending_module
from loaders.graphbatch import GraphBatch
from loaders.report import LoadReport
from loaders.resolve import Resolver
from loaders.usaspending import UsaspendingLoad
from loaders.usaspending_columns import AWARD_COLUMNS
from tests.loaders.conftest import AWARDS, BAD_AMOUNT, TRANSACTIONS


def _row(columns, **cells) -> list[str]:
    return [cells.get(c, "") for c in columns]


def _award(n: int, **cells) -> list[str]:
    piid = f"70CDCR23C0000{n:04d}"
    base = {"contract_award_unique_key": f"CONT_AWD_{piid}_7012_-NONE-_-NONE-", "award_id_piid": piid,
            "total_obligated_amount": "1000", "awarding_agency_name": "Department of Homeland Security",
            "awarding_sub_agency_name": "U.S. Immigration and Customs Enforcement",
            "recipient_uei": "ACMESRV0H1J2", "recipient_name": "ACME SURVEILLANCE, L.L.C.",
            "period_of_performance_start_date": "2023-09-30", "award_latest_action_date_fiscal_year": "2023"}
    return _row(AWARD_COLUMNS, **{**base, **cells})


def _nasty_awards() -> str:
    """Real-download quirks and mistakes, each on its own row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(AWARD_COLUMNS)
    writer.writerows([
        _award(1, total_obligated_amount="1234.50", prime_award_base_transaction_description="TWO\nLINES"),
        _award(2, total_obligated_amount="53100000", period_of_performance_start_date="2023-09-30 00:00:00"),
        _award(3, total_obligated_amount="-500.00", recipient_uei=""),
        _award(4, total_obligated_amount="1,234", current_total_value_of_award="(500.00)",
               potential_total_value_of_award=" 12.5 "),
        [],  # a blank line still counts as a row
        _award(5, total_obligated_amount="12x"),
        _award(6, period_of_performance_current_end_date="2021-02-30", recipient_parent_uei="not-a-uei"),
        _row(AWARD_COLUMNS),  # every cell empty: skipped
        _award(1, last_modified_date="2024-01-01"),  # the same award key, newer
        _award(7, award_id_piid="", contract_award_unique_key=""),  # no PIID
        _award(8, award_latest_action_date_fiscal_year="20x3", recipient_name="Acme Surveillance LLC"),
    ])
    return "\ufeff" + out.getvalue()


def _read(path: Path, tmp_path: Path, *, by_rows: bool, monkeypatch: pytest.MonkeyPatch):
    real = usaspending_module.open_tables

    def tables(file):
        for table in real(file):
            assert table.reopen is not None  # a download is read by columns unless told otherwise
            if by_rows:
                table.reopen = None
            yield table

    monkeypatch.setattr(usaspending_module, "open_tables", tables)
    # Every row through the row logic, so its awards can be compared (held rows: test_columnar_awards.py).
    monkeypatch.setattr(UsaspendingLoad, "hold_clean_rows", False)
    store = EmbeddedStore(tmp_path / f"{by_rows}.hilos")
    batch, report = GraphBatch(store), LoadReport("usaspending")
    state = UsaspendingLoad(batch, Resolver(batch, report), report)
    state.read_file(path)
    monkeypatch.undo()
    return state.awards, report.rejects, report.notices, report.rows_read, report.rows_used


@pytest.mark.parametrize("source", ["nasty", AWARDS, BAD_AMOUNT, TRANSACTIONS])
def test_columns_read_like_rows(tmp_path, monkeypatch, source):
    path = source
    if source == "nasty":
        path = tmp_path / "Contracts_PrimeAwardSummaries_nasty.csv"
        path.write_text(_nasty_awards(), encoding="utf-8")
    by_columns = _read(path, tmp_path, by_rows=False, monkeypatch=monkeypatch)
    by_rows = _read(path, tmp_path, by_rows=True, monkeypatch=monkeypatch)
    assert by_columns == by_rows
    if source == "nasty":
        awards, rejects = by_columns[0], by_columns[1]
        assert {(r.row, r.column, r.value) for r in rejects if r.malformed} == {
            (7, "total_obligated_amount", "12x"), (8, "period_of_performance_current_end_date", "2021-02-30"),
            (12, "award_latest_action_date_fiscal_year", "20x3")}
        amounts = {a.piid: (a.obligated, a.current, a.potential) for a in awards.values()}
        assert amounts["70CDCR23C00000004"] == (1234.0, -500.0, 12.5)
        assert amounts["70CDCR23C00000003"][0] == -500.0


def _broken(kind: str) -> bytes:
    good = _nasty_awards().encode("utf-8")
    if kind == "short row":
        return good + ",".join(["x"] * 10).encode() + b"\r\n" + good.split(b"\r\n", 1)[1]
    if kind == "not utf-8":
        return good.replace(b"ACME SURVEILLANCE", b"ACME SURVEILL\xff", 1)
    return good + b",".join([b"y"] * (len(AWARD_COLUMNS) - 1)) + b',"2024-01'  # cut inside a quoted last cell


@pytest.mark.parametrize("kind", ["short row", "not utf-8", "cut in a quoted cell"])
def test_broken_files_fail_as_the_row_reader_says(tmp_path, monkeypatch, kind):
    path = tmp_path / "broken.csv"
    path.write_bytes(_broken(kind))
    messages = []
    for by_rows in (False, True):
        with pytest.raises(LoadError) as failure:
            _read(path, tmp_path, by_rows=by_rows, monkeypatch=monkeypatch)
        messages.append(str(failure.value))
    assert messages[0] == messages[1]
    assert {"short row": "row 13: row has 10 cells", "not utf-8": "not UTF-8",
            "cut in a quoted cell": "ends inside a quoted cell"}[kind] in messages[0]
