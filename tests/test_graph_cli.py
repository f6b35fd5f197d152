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


def test_unknown_name_suggests_and_exits_1_in_either_language(seed_file):
    result = run("path", "Palantr Tecnologies", "HSI", db=seed_file)
    assert result.returncode == 1
    assert "No encontramos «Palantr Tecnologies»; ¿quisiste decir: Palantir Technologies" in result.stderr
    assert "Traceback" not in result.stderr
    english = run("--lang", "en", "path", "Palantr Tecnologies", "HSI", db=seed_file)
    assert english.returncode == 1
    assert "We could not find “Palantr Tecnologies”; did you mean: Palantir Technologies" in english.stderr


def test_search_and_stats_speak_spanish_by_default_and_english_when_asked(seed_file):
    spanish = CliRunner().invoke(cli, ["stats", "--db", str(seed_file)])
    assert spanish.output.startswith("Entidades: 101\nRelaciones: 111\nEntidades por tipo:\n")
    assert "Relaciones por tipo de prueba:" in spanish.output
    english = CliRunner().invoke(cli, ["--lang", "en", "stats", "--db", str(seed_file)])
    assert english.output.startswith("Entities: 101\nRelationships: 111\nEntities by type:\n")
    nothing = CliRunner().invoke(cli, ["search", "zzzzqqq", "--db", str(seed_file), "--lang", "en"])
    assert nothing.exit_code == 1 and "Nothing matches “zzzzqqq”; try another word" in nothing.output
    nada = CliRunner().invoke(cli, ["search", "zzzzqqq", "--db", str(seed_file)])
    assert "Nada coincide con «zzzzqqq»; prueba con otra palabra o con solo una parte del nombre." in nada.output
    alias = CliRunner().invoke(cli, ["search", "Palantir", "--db", str(seed_file)])
    assert "Palantir Technologies  (como «Palantir»)" in alias.output


def test_stats(seed_file):
    result = CliRunner().invoke(cli, ["stats", "--json", "--db", str(seed_file)])
    data = json.loads(result.output)
    assert data["nodes"] > 50 and data["by_label"]["Agency"] >= 7


def test_a_path_from_an_entity_to_itself_says_they_are_the_same(seed_file):
    result = run("path", "HSI", "Homeland Security Investigations", db=seed_file)
    assert result.returncode == 1
    assert "son la misma entidad, Homeland Security Investigations" in result.stderr
