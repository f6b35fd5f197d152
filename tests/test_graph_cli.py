"""`python -m graph`: search, path (text and JSON) and stats, as a user runs them."""
import json
import subprocess
import sys

from click.testing import CliRunner

from graph.cli import cli


def run(*args: str, db) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graph", *args, "--db", str(db)], capture_output=True,
                          text=True, timeout=60)


def test_search_lists_matches(seed_file):
    result = run("search", "falcón", db=seed_file)
    assert result.returncode == 0
    assert result.stdout.splitlines()[0].startswith("product:falcon-sa")


def test_path_explains_in_spanish_by_default(seed_file):
    result = run("path", "FALCON-SA", "HSI", db=seed_file)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("1. FALCON-SA")
    assert "Fuentes:" in result.stdout and "[1]" in result.stdout


def test_path_json_has_the_documented_shape(seed_file):
    result = run("path", "Palantir", "HSI", "--lang", "en", "--k", "2", "--json", db=seed_file)
    data = json.loads(result.stdout)
    assert len(data["paths"]) == 2
    first = data["paths"][0]
    assert set(first["nodes"][0]) == {"id", "label", "name"}
    assert first["nodes"][0]["id"] == "company:palantir-technologies" and first["nodes"][-1]["id"] == "agency:hsi"
    assert {"type", "source", "target", "evidence", "sources"} <= set(first["relationships"][0])
    assert "Sources:" in data["explanation"]


def test_unknown_name_suggests_and_exits_1(seed_file):
    result = run("path", "Palantr Tecnologies", "HSI", db=seed_file)
    assert result.returncode == 1
    assert "No entity matches 'Palantr Tecnologies'. Did you mean: Palantir Technologies" in result.stderr
    assert "Traceback" not in result.stderr


def test_stats(seed_file):
    result = CliRunner().invoke(cli, ["stats", "--json", "--db", str(seed_file)])
    data = json.loads(result.output)
    assert data["nodes"] > 50 and data["by_label"]["Agency"] >= 7
