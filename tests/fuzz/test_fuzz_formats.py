"""Hostile input on the download formats: pipe-separated .txt zip members and their names, FedRAMP's
AtoMapping/ReuseMapping entries, date and amount shapes, catalog messages holding hostile values.

The load properties are those of test_fuzz_loaders.Run (no traceback, exit 0 or 1, the graph file untouched on
failure); here the load also runs in Spanish or English, and the rejects CSV must read back as five columns.
"""
from __future__ import annotations

import csv
import io
import json
import math
import re
import warnings
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import event, given
from hypothesis import strategies as st

from graph.errors import LoadError
from graph.i18n import LANGS, MESSAGES, Message, error_text, in_lang, reading_problem
from graph.store_networkx import EmbeddedStore
from loaders import values
from loaders.commands import csv_command, fedramp, usaspending
from tests.fuzz.hostile import hostile_text, with_surrogates
from tests.fuzz.test_fuzz_loaders import ATLAS, ATLAS_COLUMNS, Run, pristine, usaspending_table  # noqa: F401
from tests.loaders.conftest import FIXTURES

LANG = st.sampled_from(LANGS)


def load(run: Run, folder: Path, command, path: Path, lang: str, skip: bool, *extra: str) -> str:
    """Run the load with Run's checks (with --skip-invalid, bad rows go to the rejects CSV and the rest loads); a
    written rejects CSV reads back as rows of five cells."""
    output = run(command, path, *extra, "--lang", lang, *(["--skip-invalid"] if skip else []))
    event("refused" if "Error:" in output else "loaded")  # --hypothesis-show-statistics shows the share
    if "Error:" in output:
        assert output.startswith(f"Error: {path}"), output  # the file read, not a record of the batch
        assert output.count("\n") == 1, output
    rejects = folder / "rejects.csv"
    if rejects.exists():
        rows = list(csv.reader(io.StringIO(rejects.read_text(encoding="utf-8-sig"), newline="")))
        assert rows and all(len(row) == len(rows[0]) == 5 for row in rows), rows[:3]
        rejects.unlink()
    return output


@pytest.fixture
def run(tmp_path: Path, pristine: bytes) -> Run:  # noqa: F811 (pristine is the module fixture)
    return Run(tmp_path, pristine)


def pipe_text(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter="|", lineterminator="\r\n").writerows([header, *rows])
    return out.getvalue().encode("utf-8", "surrogatepass")


BASE = "Contracts_PrimeAwardSummaries_2024-01-01_H01M02S03"
FOLDERS = st.sampled_from(["", "nested/", "a/b/c/", "__MACOSX/", "../", "x|y/"])
PART = st.sampled_from(["", "_1", "_01", "_1a", "_2", "_10", "_" + "9" * 5000, "_\u00b2", "_\u0661", "_0"])
SUFFIX = st.sampled_from([".txt", ".TXT", ".csv", ".tsv", ".json", ".txt.gz", ""])
member_name = st.one_of(st.builds(lambda f, p, s: f"{f}{BASE}{p}{s}", FOLDERS, PART, SUFFIX),
                        st.builds(lambda f, p: f"{f}{BASE}{p}.txt", FOLDERS, PART),
                        st.builds(lambda t, s: t + s, hostile_text(max_parts=3, allow_huge=False), SUFFIX),
                        st.just("README.txt"))


@st.composite
def member_body(draw) -> bytes:
    """A pipe-separated table, its header alone, a README with '|' in its first line, nothing, or bytes."""
    header, rows = draw(usaspending_table().filter(lambda table: table[1]))  # header-only is choice 6
    choice = draw(st.integers(0, 9))
    if choice <= 5:
        return pipe_text(header, rows)
    if choice == 6:
        return pipe_text(header, [])
    if choice == 7:
        return "Data Dictionary | USAspending.gov\nrecipient_name|the recipient\n".encode()
    if choice == 8:
        return b""
    return draw(st.binary(max_size=200))


@st.composite
def download_zip(draw) -> bytes:
    """A zip of 1-6 members, names possibly repeated (zipfile warns but writes both)."""
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w") as archive:
        warnings.simplefilter("ignore")
        for _ in range(draw(st.integers(1, 4))):
            name = draw(member_name).encode("utf-8", "surrogatepass").decode("utf-8", "replace")
            archive.writestr(name.split("\x00")[0].lstrip("/") or "x.txt", draw(member_body()))  # as ZipInfo cuts
    return out.getvalue()


@given(data=download_zip(), lang=LANG, skip=st.booleans())
def test_usaspending_zips_of_odd_members(run, tmp_path, data, lang, skip):
    path = tmp_path / "download.zip"
    path.write_bytes(data)
    load(run, tmp_path, usaspending, path, lang, skip)


def stored(db: Path) -> str:
    """The graph file's content through the store, with the member's suffix made neutral (it names the source)."""
    store = EmbeddedStore(db)
    try:
        found = (sorted((n.id, n.label, sorted(n.properties.items())) for n in store.nodes()),
                 sorted((e.key, sorted(e.properties.items())) for e in store.edges()))
    finally:
        store.close()
    return re.sub(r"[.-](txt|csv)\b", ".x", repr(found))


@given(table=usaspending_table())
def test_a_pipe_separated_member_loads_as_the_same_table_in_csv(run, tmp_path, table):
    """The .txt member goes through the row reader, the .csv one through the columnar reader: same graph."""
    header, rows = table
    rows = [[cell.replace("\x00", "") for cell in row] for row in rows]  # NUL is refused by csv.writer's quoting
    results = []
    for suffix, body in ((".csv", None), (".txt", pipe_text(header, rows))):
        if body is None:
            out = io.StringIO()
            csv.writer(out, lineterminator="\r\n").writerows([header, *rows])
            body = out.getvalue().encode("utf-8", "surrogatepass")
        path = tmp_path / "download.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr(BASE + suffix, body)
        output = run(usaspending, path, "--lang", "en", "--skip-invalid")
        rejects = tmp_path / "rejects.csv"
        count = len(rejects.read_text(encoding="utf-8-sig").splitlines()) if rejects.exists() else 0
        rejects.unlink(missing_ok=True)
        failed = "Nothing was written" in output or "Error:" in output
        results.append((failed, None if failed else stored(tmp_path / "graph.json"), count))
    event(f"refused: {results[0][0]}, rejects: {min(results[0][2], 2)}")
    assert results[0] == results[1]


JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                      hostile_text(max_parts=3, allow_huge=False), with_surrogates,
                      st.sampled_from(["22-001", "22-002-03", "Legacy JAB Authorization", "JAB Authorization",
                                       "Department of Homeland Security", "DHS", "No Status Found", "#N/A",
                                       "0202-04-26", "9999-12-31", "0000-01-01", "10/1/18", "04/2019",
                                       "2017/2018", "Not Authorized", "FR1234567890", ""]))


def _nest(inner: st.SearchStrategy) -> st.SearchStrategy:
    return st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["id", "parent", "sub", "x"]), inner,
                                                         max_size=3)


json_value = st.recursive(JSON_LEAF, _nest, max_leaves=6)
MAPPING_FIELDS = ["id", "parent", "sub", "agency_id", "sub_id", "ato_date", "exp_date", "termination_date",
                  "product_id", "Letter_Date"]
PRODUCT_FIELDS = ["agency_auths", "agency_reuse", "agency_authorizations", "status", "auth_date", "id"]


@st.composite
def mapping_entry(draw) -> object:
    """An AtoMapping/ReuseMapping entry: the fixture's product and an agency, some fields hostile or missing."""
    if draw(st.integers(0, 9)) == 0:
        return draw(json_value)
    entry = {"id": "FR1234567890", "parent": "Department of Homeland Security", "sub": "ICE",
             "agency_id": "22-002", "sub_id": "", "ato_date": "2021-03-04", "exp_date": "2024-03-04"}
    for name in draw(st.lists(st.sampled_from(MAPPING_FIELDS), max_size=4)):
        if draw(st.integers(0, 4)) == 0:
            entry.pop(name, None)
        else:
            entry[name] = draw(json_value)
    return entry


@st.composite
def fedramp_with_mappings(draw) -> object:
    base = json.loads((FIXTURES / "fedramp_data.json").read_text(encoding="utf-8"))
    data = base["data"]
    products = data.get("Products") or []
    if products and draw(st.booleans()):
        product = draw(st.sampled_from(products))
        product["id"] = "FR1234567890"
        for name in draw(st.lists(st.sampled_from(PRODUCT_FIELDS), max_size=3)):
            product[name] = draw(json_value)
    for key in draw(st.lists(st.sampled_from(["AtoMapping", "ReuseMapping"]), min_size=1, max_size=2, unique=True)):
        data[key] = draw(st.one_of(st.lists(mapping_entry(), max_size=5), json_value)) \
            if draw(st.integers(0, 5)) == 0 else draw(st.lists(mapping_entry(), max_size=5))
    return base


@given(document=fedramp_with_mappings(), lang=LANG, skip=st.booleans())
def test_fedramp_ato_and_reuse_mappings(run, tmp_path, document, lang, skip):
    path = tmp_path / "data.json"
    path.write_bytes(json.dumps(document, ensure_ascii=True).encode())
    load(run, tmp_path, fedramp, path, lang, skip)


DIGITS = st.text("0123456789", min_size=1, max_size=5)
date_shape = st.one_of(
    st.builds("{}/{}/{}".format, DIGITS, DIGITS, DIGITS), st.builds("{}/{}".format, DIGITS, DIGITS),
    st.builds("{}-{}-{}".format, DIGITS, DIGITS, DIGITS), st.builds("{} / {}".format, DIGITS, DIGITS),
    st.builds("{}-{}".format, DIGITS, DIGITS),
    st.sampled_from(["0000-01-01", "9999-12-31", "0000/0001", "9998/9999", "10/1/00", "2/29/00", "2/29/01",
                     "04/0000", "13/2019", "00/2019", "２０１４", "\u0661\u0669/\u0662\u0660\u0661\u0669",
                     "2014-06-27T", "2014-06-27 25:00:00", "\ud800", "2019\ud800", "Meeting documents"]),
    with_surrogates)


@given(text=date_shape)
def test_a_date_is_iso_unknown_or_refused_with_a_reason(text):
    try:
        value, placeholder = values.date_or_placeholder(text)
    except values.BadValue as exc:
        assert isinstance(exc.args[0], Message)
        return
    assert value is None or re.fullmatch(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?", value), value
    assert not (placeholder and value)


amount_shape = st.one_of(
    st.builds("{}{}.{}".format, st.sampled_from(["", "-", "+", "$", "(", "-$"]), st.sampled_from(["", "0", "00"]),
              DIGITS),
    st.sampled_from([".", "-.", "..5", ".5.", "-.5e3", "-0", "-0.00", "-.0", ".0", "1e309", "-1e309", "0x1",
                     "\u0665", ".\u0665", "1_000", "१२"]),
    with_surrogates)


@given(text=amount_shape)
def test_an_amount_is_a_finite_number_or_refused_with_a_reason(text):
    try:
        value = values.amount(text)
    except values.BadValue as exc:
        assert isinstance(exc.args[0], Message)
        return
    assert value is None or math.isfinite(value) and math.copysign(1, value) > 0 or value < 0


FILE_KEYS = sorted(key for key in MESSAGES if key.startswith(("file.", "fedramp.", "usaspending.", "skip.")))


@given(key=st.sampled_from(FILE_KEYS), value=st.one_of(with_surrogates, st.sampled_from(["{x}", "{0}", "%s", "{", "}"])),
       path=with_surrogates, lang=LANG)
def test_a_message_holding_hostile_values_renders_them_as_they_are(key, value, path, lang):
    names = {name: value for name in re.findall(r"{(\w+)", MESSAGES[key]["en"])}
    message = Message(key, **names)
    assert message == Message(key, **names) and hash(message) == hash(Message(key, **names))
    text = error_text(LoadError(message, path=path or "x.csv", row=3, field="f"), lang)
    assert text.startswith((path or "x.csv") + ", ")
    if names and len(value) < 10_000:
        assert value in text


@given(dates=st.lists(date_shape, min_size=1, max_size=4), lang=LANG, skip=st.booleans())
def test_atlas_rows_with_dates_of_every_shape(run, tmp_path, dates, lang, skip):
    """The shipped Atlas mapping over rows that differ in their citation date only."""
    rows = [["1", "Phoenix", "AZ", "Phoenix Police Department", "Municipal Police", "x", "Face Recognition",
             "Palantir", "https://a.org/x", date, "A", "FR"] for date in dates]
    path = tmp_path / "sheet.csv"
    with path.open("w", encoding="utf-8", newline="", errors="surrogatepass") as handle:
        csv.writer(handle).writerows([ATLAS_COLUMNS, *rows])
    output = load(run, tmp_path, csv_command, path, lang, skip, "--mapping", str(ATLAS))
    if "Error:" in output:
        assert ("row" in output or "fila" in output) and "Link 1 Date" in output, output


@given(text=with_surrogates, lang=LANG)
def test_a_yaml_slip_of_hostile_text_is_one_message_in_both_languages(text, lang):
    try:
        yaml.safe_load(text)
    except yaml.YAMLError as exc:
        problem = reading_problem(exc)
        shown = in_lang(problem, lang)
        assert isinstance(shown, str) and shown
        if isinstance(problem, Message):
            assert "\n" not in shown.strip() or "\n" in str(problem.fmt.get("problem", ""))
