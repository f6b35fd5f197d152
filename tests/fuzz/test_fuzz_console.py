"""Hostile Cypher console input: parameters that are not a JSON object are refused; on a real Neo4j, any text
gives rows or a ConsoleRejected with a reason, and nothing is ever written (data, labels, indexes, constraints).
"""
from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from graph.console import ConsoleRejected, ConsoleResult, parse_parameters, run_read_only
from tests.fuzz.hostile import hostile_text
from tests.test_console_neo4j import database_state, seeded  # noqa: F401 (the seeded server, a fixture)

CYPHER = ("MATCH (n)", "MATCH (n:Company)-[r]->(m)", "RETURN n", "RETURN *", "RETURN 1", "CREATE (x:Company {id: 'c:x'})",
          "MERGE (n:Agency {id: 'agency:ice'})", "SET n.name = 'x'", "DETACH DELETE n", "REMOVE n.name", "WITH n",
          "CALL db.labels()", "CALL { CREATE (:X) }", "IN TRANSACTIONS", "LOAD CSV FROM 'file:///etc/passwd' AS l",
          "CREATE INDEX i FOR (n:X) ON (n.a)", "DROP CONSTRAINT c", "UNWIND range(1, 10) AS i", "LIMIT 3", "WHERE",
          "n.name CONTAINS $q", "USE system", "SHOW USERS", ";", "//", "/*", "*/", "`", "'", '"', "\\", "{", "}",
          "(", ")", "[", "]", "$q", "apoc.periodic.iterate('MATCH (n) RETURN n', 'DETACH DELETE n', {})",
          "CALL apoc.create.node(['X'], {})", "FOREACH (i IN [1] | CREATE (:X))", "\u202e", "\x00", "\n")
queries = st.lists(st.one_of(st.sampled_from(CYPHER), hostile_text(max_parts=2, allow_huge=False)),
                   min_size=1, max_size=6).map(" ".join)


@given(text=st.one_of(hostile_text(), st.sampled_from(["{}", "[]", "null", "1", '{"q": "ICE"}', '{"q": NaN}',
                                                       '{"a": {"b": [1e999]}}', '{"q": "\\ud800"}', "{" * 5000])))
def test_parameters_are_a_json_object_or_refused(text):
    try:
        assert isinstance(parse_parameters(text), dict)
    except ConsoleRejected as exc:
        assert exc.reason == "parameters"


@pytest.mark.neo4j
@settings(max_examples=40)
@given(text=queries, params=st.one_of(st.none(), st.dictionaries(st.sampled_from(["q", "id"]), hostile_text(
    max_parts=2, allow_huge=False), max_size=2)))
@example(text="/*", params=None)  # the server's parser failed with a DatabaseError, once a traceback
def test_any_console_text_reads_or_is_refused_and_writes_nothing(seeded, text, params):
    before = database_state(seeded)
    try:
        result = run_read_only(seeded, text, params, timeout=5, row_cap=50)
        assert isinstance(result, ConsoleResult) and len(result.rows) <= 50
    except ConsoleRejected as exc:
        assert exc.reason and str(exc)
    assert database_state(seeded) == before
