"""Hostile loader input: every bad file or row stops with a LoadError naming where, and the store is untouched.

Each example starts from the same small graph file; after a failing load its
bytes must be exactly what they were (one all-or-nothing write, or none).
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import traceback
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from graph.store_networkx import EmbeddedStore
from loaders.commands import csv_command, fedramp, usaspending
from loaders.seed import load_seed
from loaders.usaspending_read import AWARDS, OPTIONAL, REQUIRED, TRANSACTIONS
from tests.fuzz.hostile import hostile_text, with_surrogates
from tests.loaders.conftest import FIXTURES, ROOT

ATLAS = ROOT / "loaders" / "mappings" / "atlas_of_surveillance.yaml"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bytes of a graph file holding the loader tests' small stand-in seed."""
    path = tmp_path_factory.mktemp("pristine") / "graph.json"
    store = EmbeddedStore(path)
    load_seed(store, FIXTURES / "seed")
    store.close()
    return path.read_bytes()


class Run:
    """One load command against a fresh copy of the pristine graph file, checked for the fuzz properties."""

    def __init__(self, folder: Path, pristine: bytes) -> None:
        self.folder, self.pristine = folder, pristine

    def __call__(self, command, *args: str | Path) -> str:
        db = self.folder / "graph.json"
        for stale in self.folder.glob("*"):
            stale.unlink() if stale.is_file() and stale.name.startswith("graph") else None
        db.write_bytes(self.pristine)
        result = CliRunner().invoke(command, [*map(str, args), "--db", str(db), "--backend", "embedded",
                                              "--rejects", str(self.folder / "rejects.csv")])
        # Click turns a ClickException into exit code 1 and its message; anything else is a crash.
        assert result.exception is None or isinstance(result.exception, SystemExit), \
            "".join(traceback.format_exception(*result.exc_info))
        assert result.exit_code in (0, 1), result.output
        assert "Traceback" not in result.output
        if result.exit_code == 1:
            assert "Nothing was written" in result.output or "Error:" in result.output
            assert db.read_bytes() == self.pristine, "a failing load changed the graph file"
            assert sorted(p.name for p in self.folder.glob("graph*")) == ["graph.json"]
        else:
            store = EmbeddedStore(db)  # whatever was written opens again
            assert store.stats().nodes >= 1
            store.close()
        return result.output


@pytest.fixture
def run(tmp_path: Path, pristine: bytes) -> Run:
    return Run(tmp_path, pristine)


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


AMOUNTS = st.sampled_from(["1234.50", "-500.00", "0", "1,234", "", "1e400", "nan", "-inf", "$5", "12.3.4"])
DATES = st.sampled_from(["2014-06-27", "2014-06-27 10:11:12.345+00", "2/3/2014", "", "2014-02-30", "0000-00-00",
                         "9999-12-31", "2014", "13/13/2013", "Not Authorized"])
YEARS = st.sampled_from(["2024", "2024.0", "", "1899", "20245", "-1", "99999999999999999999"])
KINDS = {"total_obligated_amount": AMOUNTS, "current_total_value_of_award": AMOUNTS,
         "potential_total_value_of_award": AMOUNTS, "federal_action_obligation": AMOUNTS,
         "total_dollars_obligated": AMOUNTS}


def cell(column: str):
    if column in KINDS:
        typed = KINDS[column]
    elif "date" in column and "fiscal" not in column:
        typed = DATES
    elif "fiscal_year" in column:
        typed = YEARS
    else:
        typed = st.sampled_from(["HSCETC14C00002", "Palantir USG", "PALANTIR USG INC", "ICE", "", "ICM case system"])
    return st.one_of(typed, typed, hostile_text(max_parts=4, allow_huge=False))


@st.composite
def usaspending_table(draw) -> tuple[list[str], list[list[str]]]:
    kind = draw(st.sampled_from([AWARDS, TRANSACTIONS]))
    extra = [column for column in OPTIONAL if column not in REQUIRED[kind]]  # a repeated column stops every load
    header = [*REQUIRED[kind], *draw(st.lists(st.sampled_from(extra), unique=True, max_size=4))]
    if draw(st.integers(0, 9)) == 0:  # a column lost in a spreadsheet
        header.remove(draw(st.sampled_from(header)))
    rows = draw(st.lists(st.tuples(*(cell(c) for c in header)).map(list), min_size=0, max_size=4))
    return header, rows


@given(table=usaspending_table(), gz=st.booleans())
def test_usaspending_rows(run, tmp_path, table, gz):
    path = write_csv(tmp_path / "Contracts_PrimeAwardSummaries_x.csv", *table)
    if gz:
        path = path.with_name(path.name + ".gz")
        path.write_bytes(gzip.compress((tmp_path / "Contracts_PrimeAwardSummaries_x.csv").read_bytes()))
    run(usaspending, path)


RAW_NAMES = st.sampled_from(["x.csv", "x.csv.gz", "x.zip", "data.json", "x.xlsx", "x.txt", "x"])


@st.composite
def raw_file(draw) -> bytes:
    """Bytes that look like a download: random, truncated gzip or zip, a header plus junk, NUL bytes."""
    header = ",".join(REQUIRED[AWARDS]).encode()
    choice = draw(st.integers(0, 5))
    body = draw(st.binary(max_size=300))
    if choice == 0:
        return body
    if choice == 1:
        return gzip.compress(header + b"\n" + body)[: draw(st.integers(0, 200))]
    if choice == 2:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr(draw(st.sampled_from(["a.csv", "b.txt", "../c.csv", "d/e.csv"])), header + b"\n" + body)
        data = out.getvalue()
        return data[: draw(st.integers(0, len(data)))] if draw(st.booleans()) else data
    if choice == 3:
        return header + b"\n" + body.replace(b"\n", b",")
    if choice == 4:
        return b"\xef\xbb\xbf" + header + b"\n" + b"\x00".join([b"a", body])
    return draw(st.sampled_from([b"", b"\n", b"{}", b"[]", b"null", b'{"data": null}', b"PK\x03\x04",
                                 b"\x1f\x8b", b"\xff\xfe" + "a,b".encode("utf-16-le")]))


@given(name=RAW_NAMES, data=raw_file())
def test_usaspending_raw_files(run, tmp_path, name, data):
    (tmp_path / name).write_bytes(data)
    run(usaspending, tmp_path / name)


@given(name=RAW_NAMES, data=raw_file())
def test_fedramp_raw_files(run, tmp_path, name, data):
    (tmp_path / name).write_bytes(data)
    run(fedramp, tmp_path / name)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | hostile_text(max_parts=3, allow_huge=False) | with_surrogates,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(
        ["id", "name", "csp", "cso", "status", "authorization", "agency", "parent", "sub", "Products", "Agencies",
         "data", "ATOs", "logo", "partnering_agencies", "ato_date", "date", "x"]), inner, max_size=4),
    max_leaves=12)


@st.composite
def fedramp_document(draw) -> object:
    """The marketplace's data.json shape with some values replaced by hostile ones, or any JSON at all."""
    base = json.loads((FIXTURES / "fedramp_data.json").read_text(encoding="utf-8"))
    if draw(st.integers(0, 3)) == 0:
        return draw(json_values)
    products = base["data"]["Products"]
    for _ in range(draw(st.integers(1, 6))):
        product = draw(st.sampled_from(products))
        key = draw(st.sampled_from(sorted(product)))
        product[key] = draw(json_values)
    return base


@given(document=fedramp_document())
def test_fedramp_json(run, tmp_path, document):
    path = tmp_path / "data.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    run(fedramp, path)


ATLAS_COLUMNS = ["AOSNUMBER", "City", "State", "Agency", "Type of LEA", "Summary", "Technology", "Vendor",
                 "Link 1", "Link 1 Date", "Link 1 Source", "TECH ABV"]


@given(rows=st.lists(st.lists(st.one_of(hostile_text(max_parts=4, allow_huge=False),
                                        st.sampled_from(["ICE", "Palantir", "ICM", "03/15/2021", "https://a.org/x",
                                                         "javascript:alert(1)", "AZ", ""])),
                              min_size=len(ATLAS_COLUMNS), max_size=len(ATLAS_COLUMNS)), max_size=4))
def test_atlas_mapping_rows(run, tmp_path, rows):
    run(csv_command, write_csv(tmp_path / "sheet.csv", ATLAS_COLUMNS, rows), "--mapping", str(ATLAS))


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | hostile_text(max_parts=3, allow_huge=False)
    | st.sampled_from(["Agency", "Company", "Product", "Source", "USES", "DEVELOPS", "reported", "name", "company",
                       "agency:{Agency|slug}", "{Agency}", "{Vendor|nope}", "source:x", "{", "{}"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(
        ["label", "id", "name", "match", "properties", "aliases", "lookup", "uei", "source", "target", "type",
         "evidence", "country", "date", "url", "agency", "vendor", "kind", "x"]), inner, max_size=5),
    max_leaves=15)


@st.composite
def mapping_document(draw) -> object:
    """The shipped Atlas mapping with parts replaced by random YAML values, or any YAML value."""
    base = yaml.safe_load(ATLAS.read_text(encoding="utf-8"))
    if draw(st.integers(0, 4)) == 0:
        return draw(yaml_values)
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.sampled_from(["top", "node", "rel", "source"]))
        parts = {"top": [base], "node": list((base.get("nodes") or {}).values()) if isinstance(base.get("nodes"), dict)
                 else [], "rel": base.get("relationships") or [], "source": [base.get("source")]}[where]
        target = draw(st.sampled_from(parts)) if isinstance(parts, list) and parts else None
        if isinstance(target, dict):
            target[draw(st.sampled_from([*target, "properties", "extra"]))] = draw(yaml_values)
    return base


@given(document=mapping_document(), raw=st.one_of(st.none(), st.binary(max_size=80)))
def test_mapping_files(run, tmp_path, document, raw):
    mapping = tmp_path / "mine.yaml"
    if raw is None:
        mapping.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    else:
        mapping.write_bytes(raw)
    sample = ROOT / "examples" / "atlas_of_surveillance_sample.csv"
    run(csv_command, sample, "--mapping", str(mapping))
