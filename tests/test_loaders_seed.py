"""Seed loading validates the whole batch first: a bad row names file, row and field, and nothing is written."""
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.errors import LoadError
from graph.store_networkx import EmbeddedStore
from loaders.cli import cli
from loaders.seed import SEED_DIR, load_seed

GOOD = """
nodes:
  - {label: Source, id: "source:a", name: "A", kind: article}
  - {label: Company, id: "company:x", name: "X Corp"}
  - {label: Product, id: "product:y", name: "Y"}
relationships:
  - {source: "company:x", type: DEVELOPS, target: "product:y", evidence: seed, sources: ["source:a"]}
"""


def _folder(tmp_path: Path, text: str, name: str = "data.yaml") -> Path:
    folder = tmp_path / "seed"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("bad_line, message", [
    ('  - {source: "company:x", type: SELLS, target: "product:y", evidence: seed, sources: ["source:a"]}',
     "row 7, field 'type': unknown relationship type 'SELLS'"),
    ('  - {source: "company:x", type: HOSTS, target: "product:y", evidence: seed, sources: ["source:zz"]}',
     "row 7, field 'sources': source 'source:zz' is not a known Source node"),
    ('  - {source: "company:x", type: DEVELOPS, target: "product:y", evidence: seed, sources: ["source:a"], '
     'start: "2014-02-30"}', "row 7, field 'start': not a valid date"),
    ('  - {source: "company:x", type: USES, target: "product:y", evidence: seed, sources: ["source:a"]}',
     "row 7, field 'source': USES cannot have a Company as source"),
    ('  - {source: "company:x", type: DEVELOPS, target: "product:nope", evidence: seed, sources: ["source:a"], '
     'amount_usd: "12k"}', "row 7, field 'amount_usd': not a valid amount"),
])
def test_a_bad_row_is_named_and_nothing_is_written(tmp_path, db_path, bad_line, message):
    store = EmbeddedStore(db_path)
    load_seed(store, _folder(tmp_path, GOOD))
    before = db_path.read_bytes()
    folder = _folder(tmp_path, GOOD.replace("relationships:\n", "relationships:\n" + bad_line + "\n"))
    (folder / "a-extra.yaml").write_text("nodes:\n  - {label: Company, id: 'company:new', name: New}\n")
    with pytest.raises(LoadError) as info:
        load_seed(store, folder)
    assert str(info.value).startswith(f"{folder / 'data.yaml'}, {message}")
    assert db_path.read_bytes() == before
    assert store.get("company:new") is None


def test_duplicate_ids_point_at_both_rows(tmp_path, db_path):
    folder = _folder(tmp_path, GOOD + "  # end\n")
    (folder / "more.nodes.csv").write_text("label,id,name\nCompany,company:x,X again\n", encoding="utf-8")
    with pytest.raises(LoadError, match=r"more\.nodes\.csv, row 2, field 'id': duplicate id 'company:x' "
                                        r"\(first at .*data\.yaml, row 4\)"):
        load_seed(EmbeddedStore(db_path), folder)
    assert not db_path.exists()


def test_csv_files_load_like_yaml(tmp_path, db_path):
    folder = _folder(tmp_path, "nodes:\n  - {label: Source, id: 'source:a', name: A}\n")
    (folder / "people.nodes.csv").write_text(
        "\ufefflabel,id,name,aliases\nCompany,company:x,X Corp,XC;X Corporation\nProduct,product:y,Y,\n",
        encoding="utf-8")
    (folder / "links.relationships.csv").write_text(
        "source,type,target,evidence,sources,amount_usd\ncompany:x,DEVELOPS,product:y,reported,source:a,\"1,000\"\n",
        encoding="utf-8")
    store = EmbeddedStore(db_path)
    load_seed(store, folder)
    assert store.get("company:x").aliases == ["XC", "X Corporation"]
    assert store.edges_of("product:y")[0].properties["amount_usd"] == 1000.0


def test_broken_yaml_is_a_load_error(tmp_path, db_path):
    with pytest.raises(LoadError, match="not valid UTF-8 YAML"):
        load_seed(EmbeddedStore(db_path), _folder(tmp_path, "nodes: [\n"))


def test_cli_seed_twice_reports_no_change(db_path):
    runner = CliRunner()
    first = runner.invoke(cli, ["seed"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(cli, ["seed"])
    assert "nodos: 0 creados, 0 actualizados; relaciones: 0 creadas, 0 actualizadas" in second.output  # es by default
    assert first.output.splitlines()[-1] == second.output.splitlines()[-1]


def test_cli_reports_bad_input_in_one_line_and_exits_1(tmp_path, db_path):
    folder = tmp_path / "copy"
    shutil.copytree(SEED_DIR, folder)
    (folder / "zz-bad.relationships.csv").write_text(
        "source,type,target,evidence,sources\nagency:ice,USES,product:icm,gossip,source:foco-tucson-notechforice\n",
        encoding="utf-8")
    result = CliRunner().invoke(cli, ["--lang", "en", "seed", "--folder", str(folder)])
    assert result.exit_code == 1
    assert "zz-bad.relationships.csv, row 2, field 'evidence': evidence must be one of" in result.output
    assert "Traceback" not in result.output
    assert not db_path.exists()


def test_dry_run_writes_nothing(db_path):
    result = CliRunner().invoke(cli, ["seed", "--dry-run", "--lang", "en"])
    assert result.exit_code == 0 and "nothing written" in result.output
    assert not db_path.exists()
