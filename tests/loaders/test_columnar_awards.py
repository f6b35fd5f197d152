"""Award rows held in columns (loaders.award_columns, award_parts) make the graph and report the row logic makes."""
import csv
import re

import pytest

from benchmarks import usaspending_csv
from loaders.commands import usaspending
from loaders.graphbatch import GraphBatch
from loaders.usaspending import UsaspendingLoad
from tests.loaders.conftest import AWARDS, TRANSACTIONS

# (row offset in the generated file, column, value): cells the column path must leave to the row logic, or
# read exactly as the row logic does.
HOSTILE = [
    (0, "prime_award_base_transaction_description", 'SAY "HI" \\ BYE \\"'),
    (1, "recipient_name", 'ACME "QUOTED" \\ LLC'),
    (2, "prime_award_base_transaction_description", "TAB\tAND\x01CONTROL"),
    (3, "recipient_name", "SOCIÉTÉ GÉNÉRALE"),
    (4, "award_id_piid", "PIID-ÅB"),
    (5, "total_obligated_amount", "1,234.50"),
    (6, "total_obligated_amount", "9" * 400),
    (7, "potential_total_value_of_award", "-0"),
    (8, "total_obligated_amount", "0"),
    (9, "total_obligated_amount", "12345678901234567890"),
    (10, "period_of_performance_start_date", "2/3/2014"),
    (11, "last_modified_date", "2014-06-27 10:11:12.345+00"),
    (12, "award_base_action_date_fiscal_year", "2014.0"),
    (13, "recipient_uei", "abcdefghijkl"),
    (14, "recipient_uei", "XYZ"),
    (15, "award_id_piid", ""),
    (16, "award_id_piid", "A@B"),
    (17, "award_id_piid", "SLUG-1"),
    (18, "award_id_piid", "slug.1"),
    (19, "contract_award_unique_key", "PIIDKEY"),
    (19, "award_id_piid", "piidkey"),
    (20, "usaspending_permalink", "https://www.usaspending.gov/x/"),
    (21, "usaspending_permalink", ""),
    (22, "contract_award_unique_key", ""),
    (23, "awarding_office_name", "  SPACED  OFFICE "),
    (24, "period_of_performance_start_date", "2014-02-30"),
    (25, "award_base_action_date_fiscal_year", "1899"),
    (26, "award_id_piid", " PADDED "),
    (27, "total_obligated_amount", "1e5"),
    (28, "award_base_action_date", ""),
    (28, "award_base_action_date_fiscal_year", ""),
    (29, "recipient_parent_uei", ""),
    (29, "recipient_parent_name", ""),
    (30, "prime_award_base_transaction_description", "FALCON-SA MAINTENANCE"),
    (31, "recipient_name", "Palantir USG Inc"),
    (31, "recipient_uei", ""),
    (32, "award_id_piid", "P1"),  # with parent PIID 1 below: the row logic may qualify it as source:piid-p1-1
    (32, "parent_award_id_piid", "1"),
    (33, "award_id_piid", "P1-1"),
    (34, "period_of_performance_current_end_date", "2014-06-27T"),
    (36, "total_obligated_amount", "-0.00"),
    (37, "total_obligated_amount", ".5"),
    (38, "current_total_value_of_award", "-.25"),
]
# A last_modified the row reads but the schema's date cleaner refuses: the load stops, the same either way.
BROKEN = [(35, "last_modified_date", "2014-06-27T")]


def _hostile(path, generated, cells=HOSTILE):
    """The generated file with hostile cells, one award key repeated, and one PIID under two award keys."""
    with generated.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    for at, column, value in cells:
        body[at][header.index(column)] = value
    body.append(list(body[40]))  # the same award key again
    twin = list(body[41])
    twin[header.index("contract_award_unique_key")] += "_TWIN"
    body.append(twin)  # the same PIID under another award key
    body.append(list(body[32]))
    body[-1][header.index("contract_award_unique_key")] += "_OTHER"  # P1 again: qualified, source:piid-p1-1
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([header, *body])
    return path


def _run(graph, loads, *, held: bool, monkeypatch):
    """Each load in turn (files, extra options); the outputs (without timings), rejects and the graph."""
    monkeypatch.setattr(UsaspendingLoad, "hold_clean_rows", held)
    parts = []
    add_parts = GraphBatch.add_parts

    def counted(self, nodes, edges, **kwargs):
        parts.append(sum(len(p) for p in nodes))
        return add_parts(self, nodes, edges, **kwargs)

    monkeypatch.setattr(GraphBatch, "add_parts", counted)
    seen = []
    rejects = graph.tmp / "rejects.csv"
    for files in loads:
        if rejects.exists():
            rejects.unlink()
        result = graph.invoke(usaspending, *files)
        output = re.sub(r"\(\d+\.\d s\)", "", result.output)
        seen.append((result.exit_code, output, rejects.read_text() if rejects.exists() else None))
    return seen, graph.snapshot(), sum(parts)


@pytest.mark.parametrize("graph", ["embedded"], indirect=True)
@pytest.mark.parametrize("empty", [False, True], ids=["seeded", "empty"])
def test_held_rows_make_what_the_row_logic_makes(graph, tmp_path, monkeypatch, empty):
    generated = usaspending_csv.write(tmp_path / "Contracts_PrimeAwardSummaries_gen.csv", 600)
    hostile = _hostile(tmp_path / "Contracts_PrimeAwardSummaries_hostile.csv", generated)
    other = usaspending_csv.write(tmp_path / "Contracts_PrimeAwardSummaries_other.csv", 300, seed=7)
    broken = _hostile(tmp_path / "Contracts_PrimeAwardSummaries_broken.csv", generated, BROKEN)
    loads = [
        (AWARDS,), (AWARDS,), (generated,), (TRANSACTIONS, generated), (AWARDS, TRANSACTIONS, other),
        (hostile,), (hostile, "--skip-invalid"), (generated, hostile, "--skip-invalid"), (broken,),
        (other, TRANSACTIONS, AWARDS), (generated,),
    ]
    if empty:
        graph.db.unlink()
    start = graph.db.read_bytes() if graph.db.exists() else None
    row_logic, row_graph, none_held = _run(graph, loads, held=False, monkeypatch=monkeypatch)
    assert none_held == 0
    if start is None:
        graph.db.unlink()
    else:
        graph.db.write_bytes(start)
    columns, column_graph, held = _run(graph, loads, held=True, monkeypatch=monkeypatch)
    assert held > 1000  # the generated files' awards and their sources went through the column path
    for (code, output, rejects), (code2, output2, rejects2) in zip(row_logic, columns):
        assert code2 == code
        assert output2.splitlines() == output.splitlines()
        assert rejects2 == rejects
    assert column_graph == row_graph
    assert [code for code, _, _ in row_logic] == [0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0]


@pytest.mark.parametrize("graph", ["embedded"], indirect=True)
def test_each_file_alone_makes_what_the_row_logic_makes(graph, tmp_path, monkeypatch):
    """Single loads into the seeded store, so a difference points at one file."""
    generated = usaspending_csv.write(tmp_path / "Contracts_PrimeAwardSummaries_gen.csv", 600)
    hostile = _hostile(tmp_path / "Contracts_PrimeAwardSummaries_hostile.csv", generated)
    start = graph.db.read_bytes()
    for files in ((AWARDS,), (generated,), (hostile, "--skip-invalid"), (generated, TRANSACTIONS)):
        graph.db.write_bytes(start)
        expected = _run(graph, [files], held=False, monkeypatch=monkeypatch)[:2]
        graph.db.write_bytes(start)
        assert _run(graph, [files], held=True, monkeypatch=monkeypatch)[:2] == expected, files
