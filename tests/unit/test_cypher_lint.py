"""Every statement of graph/cypher.py passes Neo4j's official linter (scripts/lint_cypher.mjs).

The linter is the npm package pinned in package.json; the first run installs it
with `npm ci` (node_modules is not committed).
"""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from graph.query_library import examples

ROOT = Path(__file__).resolve().parents[2]
LINTER = ROOT / "node_modules" / "@neo4j-cypher" / "language-support"


@pytest.fixture(scope="module")
def node() -> str:
    """The node binary, with the pinned linter installed beside the repo."""
    node_bin, npm_bin = shutil.which("node"), shutil.which("npm")
    if not node_bin or not npm_bin:
        pytest.fail("node and npm are needed to lint Cypher (Debian: apt-get install nodejs npm)")
    if not LINTER.is_dir():
        subprocess.run([npm_bin, "ci", "--no-audit", "--no-fund"], cwd=ROOT, check=True, capture_output=True,
                       timeout=300)
    return node_bin


def lint(node: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([node, "scripts/lint_cypher.mjs", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def test_every_statement_lints_clean(node):
    run = lint(node, sys.executable)
    assert run.returncode == 0, run.stderr
    assert " 0 errors, 0 unexplained warnings" in run.stdout


def test_the_console_examples_are_linted_with_their_parameters():
    dump = json.loads(subprocess.run([sys.executable, "-m", "graph.cypher", "--dump-json"], cwd=ROOT, check=True,
                                     capture_output=True, text=True).stdout)
    linted = {item["name"]: item for item in dump["statements"]}
    for query in examples():
        assert linted[query.key]["query"] == query.text and linted[query.key]["parameters"] == query.parameters


def test_the_linter_catches_mistakes(node, tmp_path):
    """Proof that the check is live: a typo, an undeclared parameter and an unknown label all fail."""
    dump = json.loads(subprocess.run([sys.executable, "-m", "graph.cypher", "--dump-json"], cwd=ROOT, check=True,
                                     capture_output=True, text=True).stdout)
    dump["statements"] = [
        {"name": "typo", "query": "MATCH (n:`Entity`) RETRUN n", "parameters": {}},
        {"name": "param", "query": "MATCH (n:`Entity` {id: $id}) RETURN n", "parameters": {}},
        {"name": "label", "query": "MATCH (n:`Entitty`) RETURN n", "parameters": {}},
        {"name": "plugin", "query": "RETURN apoc.text.clean('x') AS x", "parameters": {}},
    ]
    path = tmp_path / "dump.json"
    path.write_text(json.dumps(dump), encoding="utf-8")
    run = lint(node, "--dump", str(path))
    assert run.returncode == 1
    for name in ("typo", "param", "label", "plugin"):
        assert f" {name} " in run.stderr, name
    assert "4 errors, 1 unexplained warnings" in run.stdout  # the typo gives two
