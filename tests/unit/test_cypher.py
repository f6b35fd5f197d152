"""The Cypher module: pinned statement text, schema-only labels, and no value ever formatted into a statement."""
import io
import json
import re
import subprocess
import sys

import pytest

from graph import cypher
from graph.errors import SchemaError
from graph.export_cypher import literal, write_script
from graph.model import Node
from graph.neo4j_search import fulltext_query
from graph.neo4j_write import search_keys

# Quoted strings a statement may contain: names Hilos chose, never data.
ALLOWED_LITERALS = {cypher.ENTITY, cypher.FULLTEXT_INDEX, cypher.FULLTEXT_ANALYZER, ""}


def test_pinned_statements():
    assert cypher.NODE_BY_ID == (
        "MATCH (n:`Entity` {id: $id}) USING INDEX n:`Entity`(id) RETURN collect([properties(n), labels(n)]) AS rows")
    assert cypher.merge_edges("USES") == (
        "UNWIND $rows AS row MATCH (a:`Entity` {id: row.source}) USING INDEX a:`Entity`(id) "
        "MATCH (b:`Entity` {id: row.target}) USING INDEX b:`Entity`(id) "
        "MERGE (a)-[r:`USES`]->(b) SET r = row.properties")
    assert cypher.merge_nodes("Company").startswith(
        "UNWIND $rows AS row MERGE (n:`Entity` {id: row.id}) SET n = row, n:`Company` REMOVE n:`Agency`:`Contract`")
    assert cypher.schema_statements()[1] == (
        "CREATE CONSTRAINT `company_id` IF NOT EXISTS FOR (n:`Company`) REQUIRE n.id IS UNIQUE")
    assert cypher.schema_statements()[-1] == (
        "CREATE FULLTEXT INDEX `entity_search` IF NOT EXISTS FOR (n:`Entity`) ON EACH [n.search_keys] "
        "OPTIONS {indexConfig: {`fulltext.analyzer`: \"standard-no-stop-words\", "
        "`fulltext.eventually_consistent`: true}}")
    assert cypher.path_steps("out").startswith(
        "UNWIND $ids AS current MATCH (c:`Entity` {id: current}) USING INDEX c:`Entity`(id) "
        "MATCH (c)-[r]->(n:`Entity`) WHERE n <> c AND ")
    assert "MATCH (c)<-[r]-(n:`Entity`) WHERE" in cypher.path_steps("in")
    assert "MATCH (c)-[r]-(n:`Entity`) WHERE" in cypher.path_steps("both")
    assert cypher.create_nodes("Company") == "UNWIND $rows AS row CREATE (n:`Entity`:`Company`) SET n = row"


def test_every_statement_is_in_the_catalogue_and_every_parameter_has_an_example():
    catalogue = cypher.catalogue()
    texts = {text for _name, text, _params in catalogue}
    constants = {name: value for name, value in vars(cypher).items()
                 if name.isupper() and isinstance(value, str) and re.match(r"(MATCH|UNWIND|CALL|SHOW|CREATE)\b", value)}
    assert constants and set(constants.values()) <= texts
    for name, text, params in catalogue:
        used = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", text))
        assert used == set(params), name


def test_no_statement_holds_a_formatted_value():
    for name, text, _params in cypher.catalogue():
        literals = set(re.findall(r"'([^']*)'", text))
        assert literals <= ALLOWED_LITERALS, (name, literals)
        assert not re.search(r"\{\s*\w+\s*:\s*\d", text), name  # no literal property values


@pytest.mark.parametrize("bad", ["Company`) DETACH DELETE (n", "company", "Entity` {x: 1}"])
def test_labels_and_types_come_only_from_the_schema(bad):
    with pytest.raises(SchemaError):
        cypher.label(bad)
    with pytest.raises(SchemaError):
        cypher.rel_type(bad)
    with pytest.raises(SchemaError):
        cypher.merge_nodes(bad)


@pytest.mark.parametrize("direction", ["->", "OUT", "out]-(x) DETACH DELETE (x", ""])
def test_path_steps_take_only_the_three_directions(direction):
    with pytest.raises(ValueError):
        cypher.path_steps(direction)


def test_quote_doubles_backticks():
    assert cypher.quote("a`b") == "`a``b`"


def test_search_keys_and_fulltext_query_use_folded_words():
    node = Node("company:amazon", "Company", {"name": "Amazon.com, Inc.", "aliases": ["AWS", "Amazón Web Services"]})
    assert search_keys(node) == "amazon com inc amazoncominc aws web services amazonwebservices"
    assert fulltext_query("Amazón we") == "(amazon* AND we*) OR amazonwe"
    assert fulltext_query('x" OR y:* AND (') == "(x* AND or* AND y* AND and*) OR xoryand OR xoryand*"


def test_identifiers_are_search_keys_whole_and_long_queries_look_for_their_start():
    node = Node("contract:70DE", "Contract", {"name": "70DE", "award_key": "CONT_AWD_70DE_7012_-NONE-_-NONE-"})
    assert search_keys(node) == "70de contawd70de7012nonenone"
    assert fulltext_query("CONT_AWD_70D") == "(cont* AND awd* AND 70d*) OR contawd70d OR contawd70d*"


def test_dump_json_lists_every_statement_with_the_schema():
    out = subprocess.run([sys.executable, "-m", "graph.cypher", "--dump-json"], capture_output=True, text=True,
                         check=True).stdout
    dump = json.loads(out)
    assert len(dump["statements"]) == len(cypher.catalogue())
    assert "Company" in dump["schema"]["labels"] and "USES" in dump["schema"]["relationshipTypes"]
    assert "search_keys" in dump["schema"]["propertyKeys"]


@pytest.mark.parametrize("value, expected", [
    ("O'Brien \\ \"x\"", "'O\\'Brien \\\\ \"x\"'"),
    ("a\nb\tc\u2028d\x00", "'a\\nb\\tc\\u2028d\\u0000'"),
    ("Ñandú 😀", "'Ñandú 😀'"),
    ([1, 2.5, True, None], "[1, 2.5, true, null]"),
    ({"id": "x", "odd key": ["a"]}, "{id: 'x', `odd key`: ['a']}"),
    ([], "[]"),
])
def test_export_literals_are_escaped(value, expected):
    assert literal(value) == expected


@pytest.mark.parametrize("value", [float("nan"), float("inf"), object()])
def test_export_refuses_values_cypher_cannot_hold(value):
    with pytest.raises(ValueError):
        literal(value)


def test_export_script_is_one_statement_per_line_without_parameters(tiny_store):
    out = io.StringIO()
    count = write_script(tiny_store, out, batch_size=1)
    lines = [line for line in out.getvalue().splitlines() if not line.startswith("//")]
    assert count == len(lines) == len(cypher.schema_statements()) + 1 + 10 + 9  # DDL, await, one per node and edge
    assert all(line.endswith(";") and "$" not in line for line in lines)
