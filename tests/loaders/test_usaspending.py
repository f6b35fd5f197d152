"""USAspending loads: Palantir contracts land on the right entities and on ICE -> HSI; bad input writes nothing."""
import csv
import gzip
import io
import zipfile

import pytest

from graph.model import Node
from graph.store import PathFilter
from loaders import usaspending as usaspending_module
from loaders.commands import usaspending
from loaders.usaspending_columns import AWARD_COLUMNS, TRANSACTION_COLUMNS
from tests.loaders.conftest import AWARDS, BAD_AMOUNT, TRANSACTIONS


def test_fixture_headers_are_the_real_layouts():
    with AWARDS.open(encoding="utf-8-sig", newline="") as handle:
        assert tuple(next(csv.reader(handle))) == AWARD_COLUMNS
    assert len(AWARD_COLUMNS) == 286
    with TRANSACTIONS.open(encoding="utf-8", newline="") as handle:
        assert tuple(next(csv.reader(handle))) == TRANSACTION_COLUMNS
    assert AWARDS.read_bytes().startswith(b"\xef\xbb\xbf")


def test_palantir_contracts_are_tied_to_the_right_entities(graph):
    result = graph.invoke(usaspending, AWARDS)
    assert result.exit_code == 0, result.output
    store = graph.open()
    try:
        usg = store.get("company:palantir-usg")
        tech = store.get("company:palantir-technologies")
        assert usg.properties["uei"] == "PLTRUSG1A2B3" and tech.properties["uei"] == "PLTRTEC4D5E6"
        assert usg.name == "Palantir USG" and tech.name == "Palantir Technologies"  # seed names kept
        assert {"PALANTIR USG INC", "PALANTIR USG, INC."} <= set(usg.aliases)
        assert "Palantir Technologies Inc" in tech.aliases
        awarded_to = {(e.source, e.target) for e in store.edges() if e.type == "AWARDED_TO"}
        assert ("contract:HSCETC14C00002", "company:palantir-usg") in awarded_to
        assert ("contract:70CMSD18FR0000094", "company:palantir-usg") in awarded_to
        assert ("contract:HSCETC15C00001", "company:palantir-technologies") in awarded_to
        assert store.get("company:PLTRUSG1A2B3") is None  # no duplicate Palantir node
        keys = {e.key for e in store.edges()}
        assert ("company:palantir-usg", "SUBSIDIARY_OF", "company:palantir-technologies") in keys
        assert ("contract:HSCETC14C00002", "FOR_PRODUCT", "product:icm") in keys
        assert ("contract:HSCETC15C00001", "FOR_PRODUCT", "product:falcon-sa") in keys
        # ICE -> HSI: the awarding office hangs under HSI, HSI under ICE, ICE under DHS.
        assert ("agency:office-70ctd0", "PART_OF", "agency:hsi") in keys
        assert ("agency:office-70cmsd", "PART_OF", "agency:ice") in keys
        path = store.paths("contract:HSCETC14C00002", "agency:dhs", where=PathFilter(rel_types=frozenset(
            {"AWARDED", "PART_OF"})))[0]
        assert path.node_ids[-3:] == ("agency:hsi", "agency:ice", "agency:dhs") or \
            path.node_ids[-2:] == ("agency:ice", "agency:dhs")
        contract = store.get("contract:HSCETC14C00002")
        assert contract.properties["amount_usd"] == 41234567.89  # the newer duplicate row won
        assert contract.properties["potential_usd"] == 53100000.0
        assert contract.properties["fiscal_year"] == 2014
        assert contract.properties["description_en"] == "ICE contract to Palantir USG for ICM (2014)."  # seed kept
        key = "CONT_AWD_HSCETC14C00002_7012_-NONE-_-NONE-"
        assert contract.properties["award_key"] == key and key not in contract.aliases
        assert store.search(key)[0].node.id == "contract:HSCETC14C00002"  # an identifier, searched whole
        source = store.get("source:piid-hscetc14c00002")
        assert source.properties["url"].startswith("https://www.usaspending.gov/award/CONT_AWD_HSCETC14C00002")
        assert store.get("contract:70CMSD18FR0000094").properties["amount_usd"] == -500.0
        edge = next(e for e in store.edges_of("agency:ice") if e.key == ("agency:ice", "PART_OF", "agency:dhs"))
        assert edge.evidence == "public_record" and "source:dhs-organization-chart" in edge.sources
        aws_edge = next(e for e in store.edges() if e.key == ("company:amazon-web-services", "SUBSIDIARY_OF",
                                                                "company:amazon"))
        assert aws_edge.evidence == "seed" and aws_edge.properties["quote"] == "Amazon Web Services"
    finally:
        store.close()
    assert "duplicate award key" in result.output and "no PIID" in result.output
    assert "PALANTIR USG, INC.' (UEI PLTRUSG1A2B3) -> company:palantir-usg: same UEI" in result.output
    assert "'AMAZON WEB SERVICES, INC.' (no UEI) -> company:amazon-web-services" in result.output


def test_loading_twice_changes_nothing_and_a_newer_export_updates(graph, tmp_path):
    assert graph.invoke(usaspending, AWARDS, TRANSACTIONS).exit_code == 0
    before = graph.snapshot()
    again = graph.invoke(usaspending, AWARDS, TRANSACTIONS)
    assert "nodes: 0 created, 0 updated; relationships: 0 created, 0 updated" in again.output
    assert graph.snapshot() == before
    newer = tmp_path / "newer.csv"
    text = AWARDS.read_text(encoding="utf-8-sig").replace("41234567.89", "42000000.00")
    newer.write_text(text, encoding="utf-8")
    result = graph.invoke(usaspending, newer)
    assert "nodes: 1 created" in result.output  # the new file's own Source node
    assert graph.get("contract:HSCETC14C00002").properties["amount_usd"] == 42000000.0


def award_rows() -> list[dict[str, str]]:
    with open(AWARDS, newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def write_rows(path, rows: list[dict[str, str]]):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def older_export(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The same awards as an export from 2001, every amount 1.00."""
    return [{**row, "last_modified_date": "2001-01-01 00:00:00",
             "total_obligated_amount": row["total_obligated_amount"] and "1.00"} for row in rows]


def test_an_older_export_loaded_after_a_newer_one_rolls_nothing_back(graph, tmp_path):
    assert graph.invoke(usaspending, AWARDS).exit_code == 0
    result = graph.invoke(usaspending, write_rows(tmp_path / "older.csv", older_export(award_rows())))
    assert result.exit_code == 0, result.output
    assert "awards not applied: 5; the store holds them from a later modification" in result.output
    contract = graph.get("contract:HSCETC14C00002")
    assert contract.properties["amount_usd"] == 41234567.89 and contract.properties["last_modified"] > "2001"


def test_an_older_export_rolls_back_no_award_stored_under_its_parent_piid(graph, tmp_path):
    first = award_rows()[0]
    key = first["contract_award_unique_key"].replace("_-NONE-_-NONE-", "_IDV9_7012")
    twin = {**first, "parent_award_id_piid": "IDV9", "contract_award_unique_key": key,
            "total_obligated_amount": "777.00"}
    assert graph.invoke(usaspending, write_rows(tmp_path / "newer.csv", [first, twin])).exit_code == 0
    assert graph.get("contract:HSCETC14C00002@IDV9").properties["amount_usd"] == 777.0
    result = graph.invoke(usaspending, write_rows(tmp_path / "older.csv", older_export([first, twin])))
    assert result.exit_code == 0, result.output
    assert "awards not applied: 2;" in result.output
    assert graph.get("contract:HSCETC14C00002@IDV9").properties["amount_usd"] == 777.0


def test_compressed_downloads_load_the_same(graph, tmp_path):
    with gzip.open(tmp_path / "a.csv.gz", "wb") as handle:
        handle.write(AWARDS.read_bytes())
    with zipfile.ZipFile(tmp_path / "download.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(AWARDS, AWARDS.name)
        archive.writestr("Assistance_PrimeAwardSummaries_1.csv", "assistance_award_unique_key,award_id_fain\nA,B\n")
    gz = graph.invoke(usaspending, tmp_path / "a.csv.gz", "--dry-run")
    zipped = graph.invoke(usaspending, tmp_path / "download.zip", "--dry-run")
    assert gz.exit_code == zipped.exit_code == 0
    line = [l for l in gz.output.splitlines() if l.startswith("nodes")][0]
    assert line in zipped.output
    assert "skipped" in zipped.output and "assistance awards" in zipped.output


def test_bad_amount_names_file_row_column_value_and_writes_nothing(graph, tmp_path):
    before = graph.snapshot()
    result = graph.invoke(usaspending, BAD_AMOUNT)
    assert result.exit_code == 1
    assert (f"{BAD_AMOUNT}, row 3, column 'total_obligated_amount': not an amount: '12,3x4.00' "
            "(and 1 more malformed value). Nothing was written.") in result.output
    assert graph.snapshot() == before
    rejects = list(csv.DictReader((tmp_path / "rejects.csv").open(encoding="utf-8")))
    assert [(r["row"], r["column"], r["value"]) for r in rejects] == [
        ("3", "total_obligated_amount", "12,3x4.00"), ("4", "period_of_performance_start_date", "2021-02-30")]


def test_skip_invalid_loads_the_other_rows(graph):
    result = graph.invoke(usaspending, BAD_AMOUNT, "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert "rejected 1 × not an amount" in result.output and "rejected 1 × not a date" in result.output
    assert graph.get("contract:HSCETC15C00001") is not None
    assert graph.get("contract:70B01C19C00000001") is None


def test_missing_columns_are_listed(graph, tmp_path):
    columns = [c for c in AWARD_COLUMNS if c not in ("naics_code", "recipient_uei")]
    path = tmp_path / "trimmed.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerow(["x"] * len(columns))
    before = graph.snapshot()
    result = graph.invoke(usaspending, path)
    assert result.exit_code == 1
    assert "missing required columns: recipient_uei, naics_code (the file has 284 columns)" in result.output
    assert graph.snapshot() == before


@pytest.mark.parametrize("cut, message", [(0, "file is empty"), (9000, "looks truncated")])
def test_empty_or_truncated_files_write_nothing(graph, tmp_path, cut, message):
    path = tmp_path / "cut.csv"
    path.write_bytes(AWARDS.read_bytes()[:cut])
    before = graph.snapshot()
    result = graph.invoke(usaspending, path)
    assert result.exit_code == 1 and message in result.output
    assert graph.snapshot() == before


def test_wrong_file_type(graph, tmp_path):
    path = tmp_path / "data.csv"
    path.write_text('{"data": {"Products": []}}')
    result = graph.invoke(usaspending, path)
    assert result.exit_code == 1 and "looks like JSON, not CSV" in result.output


def test_dry_run_writes_nothing(graph):
    before = graph.snapshot()
    result = graph.invoke(usaspending, AWARDS, "--dry-run")
    assert result.exit_code == 0
    assert "nodes would be:" in result.output and "dry run: nothing was written" in result.output
    assert graph.snapshot() == before


def test_ctrl_c_mid_load_leaves_the_store_as_it_was(graph, monkeypatch):
    before = graph.snapshot()
    calls = {"n": 0}
    real = usaspending_module.Resolver.company

    def interrupted(self, *args, **kwargs):  # the third company met: rows are read, the batch is half built
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(self, *args, **kwargs)

    monkeypatch.setattr(usaspending_module.Resolver, "company", interrupted)
    result = graph.invoke(usaspending, AWARDS)
    assert result.exit_code == 130
    assert graph.snapshot() == before


def test_transactions_add_obligations_per_fiscal_year(graph, tmp_path):
    result = graph.invoke(usaspending, TRANSACTIONS)
    assert result.exit_code == 0, result.output
    assert "rejected 1 × duplicate transaction" in result.output
    contract = graph.get("contract:HSCETC14C00002")
    assert contract.properties["amount_usd"] == 34999500.0  # total_dollars_obligated of the latest row
    assert contract.properties["fiscal_year"] == 2014
    assert _obligations_by_year(graph, TRANSACTIONS) == {2014: 20000000.0, 2015: 15000000.0, 2016: -500.0}


KEY = "CONT_AWD_HSCETC14C00002_7012_-NONE-_-NONE-"  # HSCETC14C00002's award key in the fixture
OTHER_KEY = "CONT_AWD_HSCETC14C00002_7012_HSCETC13D00001_7012"


def _obligations_by_year(graph, *files) -> dict[int, float]:
    """The obligations per fiscal year the loader sums for HSCETC14C00002 (KEY) from `files`, in a dry run."""
    found = {}

    def capture(self):
        found.update(dict(self.awards)[KEY].fy_obligations)
        return real_build(self)

    real_build = usaspending_module.UsaspendingLoad.build
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(usaspending_module.UsaspendingLoad, "build", capture)
        graph.invoke(usaspending, *map(str, files), "--dry-run")
    return found


def _contract_ids(graph) -> set[str]:
    store = graph.open()
    try:
        return {node.id for node in store.nodes("Contract")}
    finally:
        store.close()


def test_another_award_under_a_stored_piid_is_told_apart_by_its_award_key(graph, tmp_path):
    assert graph.invoke(usaspending, AWARDS).exit_code == 0
    other = tmp_path / "other.csv"
    other.write_text(AWARDS.read_text(encoding="utf-8-sig").replace(KEY, OTHER_KEY), encoding="utf-8")
    result = graph.invoke(usaspending, other)
    assert result.exit_code == 0 and f"{OTHER_KEY} is stored as contract:HSCETC14C00002@" in result.output
    assert {"contract:HSCETC14C00002", "contract:HSCETC14C00002@7012"} <= _contract_ids(graph)


@pytest.mark.parametrize("stored, told_apart", [(KEY, False), (OTHER_KEY, True)])
def test_a_graph_holding_award_keys_as_aliases_reloads_as_before(graph, stored, told_apart):
    """Graphs written before award keys were identifiers hold them as aliases only."""
    store = graph.open()
    try:
        store.write([Node("contract:HSCETC14C00002", "Contract", {"name": "HSCETC14C00002", "aliases": [stored]})], [])
    finally:
        store.close()
    assert graph.invoke(usaspending, AWARDS).exit_code == 0
    assert ("contract:HSCETC14C00002@7012" in _contract_ids(graph)) == told_apart


def test_a_delta_files_deleted_transactions_are_not_loaded_and_are_listed(graph, tmp_path):
    """The Award Data Archive's delta files start with correction_delete_ind: D is a withdrawn transaction."""
    with open(TRANSACTIONS, newline="", encoding="utf-8-sig") as handle:
        header, *rows = list(csv.reader(handle))
    at = {name: i for i, name in enumerate(header)}
    deleted = next(i for i, row in enumerate(rows) if row[at["action_date_fiscal_year"]] == "2016")
    marks = ["D" if i == deleted else "C" if i == 0 else "" for i in range(len(rows))]
    delta = tmp_path / "FY2015_070_Contracts_Delta_20151008.csv"
    with open(delta, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["correction_delete_ind", *header],
                                      *([mark, *row] for mark, row in zip(marks, rows))])
    result = graph.invoke(usaspending, str(delta), "--dry-run", "--rejects", str(tmp_path / "rejects.csv"))
    assert result.exit_code == 0, result.output
    assert "rejected 1 × a deletion in a delta file" in result.output
    with open(tmp_path / "rejects.csv", newline="", encoding="utf-8") as handle:
        rejected = [row for row in csv.DictReader(handle) if row["column"] == "correction_delete_ind"]
    assert [(row["row"], row["value"]) for row in rejected] == [(str(deleted + 2), "D")]
    assert _obligations_by_year(graph, delta) == {2014: 20000000.0, 2015: 15000000.0}  # 2016's -500 was deleted


def _csv_rows(path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _text(rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue()


def test_a_custom_download_in_pipe_delimited_text_loads_like_the_csv_one(graph, tmp_path):
    """USAspending's custom downloads offer CSV, TSV and "pstxt": '|'-separated .txt members (FILE_FORMATS in
    fedspendingtransparency/usaspending-api: "pstxt": {"delimiter": "|", "extension": "txt"}), next to
    subawards files and the Data_Dictionary_Crosswalk.xlsx its download READMEs mention."""
    stamp = "2026-12-01_H10M11S12"
    members = {f"Contracts_PrimeAwardSummaries_{stamp}_1": _csv_rows(AWARDS),
               f"Contracts_PrimeTransactions_{stamp}_1": _csv_rows(TRANSACTIONS),
               f"Contracts_Subawards_{stamp}_1": [["prime_award_unique_key", "prime_award_piid", "subaward_number",
                                                  "subaward_amount", "subawardee_uei", "subawardee_name"],
                                                 ["CONT_AWD_X", "P1", "S1", "50.00", "ABCDEFGHIJKL", "SUB INC"]]}
    for kind, delimiter, suffix in (("csv", ",", ".csv"), ("pstxt", "|", ".txt")):
        with zipfile.ZipFile(tmp_path / f"{kind}.zip", "w", zipfile.ZIP_DEFLATED) as archive:
            for name, rows in members.items():
                archive.writestr(name + suffix, _text(rows, delimiter))
            archive.writestr("Data_Dictionary_Crosswalk.xlsx", b"PK\x03\x04 a workbook")
    as_csv = graph.invoke(usaspending, tmp_path / "csv.zip", "--dry-run")
    as_text = graph.invoke(usaspending, tmp_path / "pstxt.zip", "--dry-run")
    assert as_csv.exit_code == as_text.exit_code == 0, as_text.output
    line = [l for l in as_csv.output.splitlines() if l.startswith("nodes")][0]
    assert line in as_text.output
    assert f"Contracts_Subawards_{stamp}_1.txt (subawards: not loaded)" in as_text.output


def test_a_zip_member_holding_only_its_header_is_skipped_with_a_note(graph, tmp_path):
    """USAspending's download README: "Empty Files: When no data is available for a given file, its contents
    will only contain column headers" (usaspending-api usaspending_api/data/*_download_readme.txt)."""
    with zipfile.ZipFile(tmp_path / "download.zip", "w") as archive:
        archive.write(AWARDS, "Contracts_PrimeAwardSummaries_2026-12-01_H10M11S12_1.csv")
        archive.writestr("Contracts_PrimeTransactions_2026-12-01_H10M11S12_1.csv",
                         _text(_csv_rows(TRANSACTIONS)[:1]))
    result = graph.invoke(usaspending, tmp_path / "download.zip")
    assert result.exit_code == 0, result.output
    assert "Contracts_PrimeTransactions_2026-12-01_H10M11S12_1.csv (no rows: only the header)" in result.output
    assert graph.get("contract:HSCETC14C00002") is not None


def test_the_parts_of_a_split_download_are_read_in_their_numbered_order(graph, tmp_path):
    """A download too large for one file is split into ..._1.csv, ..._2.csv, ... ("Split Files" in the
    download README); part 10 comes after part 2, so for the same award at the same modification the row of
    part 10 is the later one and wins."""
    header, *rows = _csv_rows(AWARDS)
    row = next(r for r in rows if r[header.index("award_id_piid")] == "HSCETC14C00002")
    amount = header.index("total_obligated_amount")
    with zipfile.ZipFile(tmp_path / "FY2019_070_Contracts_Full_20261201.zip", "w") as archive:
        for part, value in (("2", "1000.00"), ("10", "2000.00")):
            changed = [*row[:amount], value, *row[amount + 1:]]
            archive.writestr(f"FY2019_070_Contracts_Full_20261201_{part}.csv", _text([header, changed]))
    result = graph.invoke(usaspending, tmp_path / "FY2019_070_Contracts_Full_20261201.zip")
    assert result.exit_code == 0, result.output
    assert graph.get("contract:HSCETC14C00002").properties["amount_usd"] == 2000.0
