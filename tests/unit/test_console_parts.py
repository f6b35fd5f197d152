"""The Cypher console's parts that need no server: library, saved queries, parameters, settings, messages."""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from neo4j.exceptions import AuthError, ServiceUnavailable

from graph.connection import problem
from graph.console import ConsoleRejected, operators, parse_parameters, unprefixed
from graph.console_budget import Budget
from graph.errors import StoreError
from graph.i18n import LANGS, error_text
from graph.query_library import (LibraryError, delete_query, examples, save_query, saved_queries,
                                 saved_queries_path)
from graph.settings import backend_from_argv, choose_backend, merged_settings


def test_examples_have_both_titles_text_and_parameters():
    found = examples()
    assert len(found) >= 4
    for query in found:
        assert all(query.title(lang) for lang in LANGS) and query.title("es") != query.title("en")
        assert query.text.strip() and not query.saved
        assert set(re.findall(r"\$(\w+)", query.text)) == set(query.parameters), query.key  # each one used


def test_saved_queries_sit_beside_the_graph_file(db_path: Path):
    assert saved_queries_path() == db_path.with_name("queries.json")


def test_saving_and_deleting_round_trip(tmp_path: Path):
    path = tmp_path / "sub" / "queries.json"
    assert saved_queries(path) == ()
    first = save_query("  Mis   <b>contratos</b> ", "MATCH (n) RETURN n", {"id": "agency:ice"}, path)
    second = save_query("Otra", "RETURN 1", {}, path)
    loaded = saved_queries(path)
    assert [q.key for q in loaded] == [first.key, second.key]
    assert loaded[0].title("en") == loaded[0].title("es") == "Mis <b>contratos</b>" and loaded[0].saved
    assert loaded[0].parameters == {"id": "agency:ice"}
    assert json.loads(path.read_text(encoding="utf-8"))["version"] == 1
    assert [p.name for p in path.parent.iterdir()] == ["queries.json"]  # no temporary file left behind
    delete_query(first.key, path)
    assert [q.key for q in saved_queries(path)] == [second.key]


@pytest.mark.parametrize("title, text", [("", "RETURN 1"), ("x" * 121, "RETURN 1"), ("ok", "   ")])
def test_a_query_needs_a_title_and_a_text(tmp_path: Path, title: str, text: str):
    with pytest.raises(LibraryError):
        save_query(title, text, {}, tmp_path / "queries.json")
    assert not (tmp_path / "queries.json").exists()


def test_a_broken_saved_file_is_reported_not_overwritten(tmp_path: Path):
    path = tmp_path / "queries.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(LibraryError, match="cannot be read"):
        saved_queries(path)
    with pytest.raises(LibraryError):
        save_query("t", "RETURN 1", {}, path)
    assert path.read_text(encoding="utf-8") == "{not json"
    path.write_text('{"queries": [{"id": 1}]}', encoding="utf-8")
    with pytest.raises(LibraryError, match="not a saved-query file") as caught:
        saved_queries(path)
    assert error_text(caught.value, "es") == f"{path} no es un archivo de consultas guardadas de Hilos"


@pytest.mark.parametrize("text, expected", [("", {}), ("  ", {}), ('{"id": "agency:ice", "n": 3}',
                                                                       {"id": "agency:ice", "n": 3})])
def test_parameters_are_a_json_object(text: str, expected: dict):
    assert parse_parameters(text) == expected


@pytest.mark.parametrize("text", ["[1, 2]", "{id: 1}", '"x"'])
def test_other_parameters_are_refused(text: str):
    with pytest.raises(ConsoleRejected) as refused:
        parse_parameters(text)
    assert refused.value.reason == "parameters" and refused.value.detail


def test_plan_operators_are_read_from_the_whole_tree():
    plan = {"operatorType": "ProduceResults@neo4j", "children": [
        {"operatorType": "Apply@neo4j", "children": [{"operatorType": "LoadCSV@neo4j"}, {"operatorType": "Argument"}]}]}
    assert list(operators(plan)) == ["ProduceResults", "Apply", "LoadCSV", "Argument"]


def test_positions_in_server_messages_refer_to_the_users_text():
    message = "Invalid input 'RETRUN': expected 'MATCH' (line 1, column 9 (offset: 8))\n\"EXPLAIN RETRUN 1\"\n         ^"
    assert unprefixed(message) == "Invalid input 'RETRUN': expected 'MATCH' (line 1, column 1 (offset: 0))\n\"RETRUN 1\"\n ^"
    later = "Invalid input 'X' (line 2, column 3 (offset: 20))\n\"  X\"\n   ^"
    assert unprefixed(later) == "Invalid input 'X' (line 2, column 3 (offset: 12))\n\"  X\"\n   ^"


def test_environment_wins_over_secrets_and_only_hilos_keys_are_read():
    merged = merged_settings({"NEO4J_URI": "bolt://env:7687", "HOME": "/root", "NEO4J_PASSWORD": ""},
                             {"NEO4J_URI": "bolt://secret:7687", "NEO4J_PASSWORD": "pw", "OTHER": "x",
                              "HILOS_BACKEND": "neo4j", "section": {"a": 1}})
    assert merged == {"NEO4J_URI": "bolt://env:7687", "NEO4J_PASSWORD": "pw", "HILOS_BACKEND": "neo4j"}


@pytest.mark.parametrize("argv, expected", [
    (["--backend", "neo4j"], "neo4j"), (["--backend=embedded"], "embedded"), (["-x", "--backend"], None), ([], None)])
def test_backend_after_the_double_dash(argv: list[str], expected: str | None):
    assert backend_from_argv(argv) == expected


@pytest.mark.parametrize("explicit, env, expected", [
    (None, {}, "embedded"),
    (None, {"NEO4J_URI": "bolt://x:7687"}, "neo4j"),
    (None, {"NEO4J_URI": "bolt://x:7687", "HILOS_BACKEND": "embedded"}, "embedded"),
    ("embedded", {"NEO4J_URI": "bolt://x:7687", "HILOS_BACKEND": "neo4j"}, "embedded"),
    ("Neo4j", {}, "neo4j"),
])
def test_choose_backend(explicit: str | None, env: dict, expected: str):
    assert choose_backend(explicit, env) == expected


def test_an_unknown_backend_is_refused():
    with pytest.raises(StoreError, match="embedded, neo4j"):
        choose_backend("postgres", {})


def test_connection_problems_are_told_apart_by_their_cause():
    """The shared test server runs without authentication, so a refused password is built here."""
    def raised(cause: BaseException) -> StoreError:
        try:
            raise StoreError("x") from cause
        except StoreError as exc:
            return exc

    assert problem(raised(AuthError("bad password"))) == "auth"
    assert problem(raised(ServiceUnavailable("down"))) == "unreachable"
    assert problem(StoreError("NEO4J_URI 'http://x' is not a Neo4j address")) == "address"
    assert problem(raised(RuntimeError("?"))) == "other"


@pytest.mark.parametrize("text", ['{"x": 9223372036854775808}', '{"x": [1, -9223372036854775809]}'])
def test_integers_neo4j_cannot_hold_are_refused_before_the_driver_overflows(text: str):
    with pytest.raises(ConsoleRejected) as refused:
        parse_parameters(text)
    assert refused.value.reason == "parameters" and "9223372036854775" in refused.value.detail


def test_the_largest_integers_neo4j_holds_are_parameters():
    assert parse_parameters('{"x": [9223372036854775807, -9223372036854775808]}') == {
        "x": [2**63 - 1, -2**63]}


class _BrokenResult:
    """A result whose stream breaks as the driver's does when the server drops the connection mid-record."""

    def keys(self) -> list[str]:
        return ["r"]

    def __iter__(self):
        raise ServiceUnavailable("Failed to read from defunct connection")


class _BrokenTx:
    def run(self, text, parameters):
        return _BrokenResult()


def test_a_connection_dropped_while_sending_the_result_says_so_in_both_languages():
    """`RETURN range(1, 100000000)`: the server runs out of memory encoding one huge row and closes the
    connection; the page said "Cannot reach Neo4j: check that the server is running"."""
    from graph.console import _fetch
    from graph.i18n import t

    with pytest.raises(ConsoleRejected) as refused:
        _fetch(_BrokenTx(), "RETURN range(1, 100000000) AS r", {}, 10)
    assert refused.value.reason == "dropped"
    assert t("console.refused.dropped", "es") != t("console.refused.dropped", "en")


def test_a_budget_is_spent_by_bytes_or_by_time():
    by_bytes = Budget(100, time.monotonic() + 60)
    by_bytes.spend(100)
    with pytest.raises(OSError):
        by_bytes.spend(1)
    assert by_bytes.exceeded == "bytes"
    late = Budget(10**9, time.monotonic() - 1)  # the answer still arriving after the timeout and its grace
    with pytest.raises(OSError):
        late.spend(1)
    assert late.exceeded == "time"
