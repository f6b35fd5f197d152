"""The Cypher console on a real Neo4j holding the seed graph: read-only, limits, examples, values, errors.

Needs the server of ../shared/neo4j (CI starts it, see .ci/run); skips with a
reason when NEO4J_URI was unset. A mock of the driver is not a Neo4j test.
"""
from __future__ import annotations

import json
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator

import pytest

from graph import cypher
from graph.connection import problem
from graph.console import ConsoleRejected, run_read_only
from graph.console_budget import DEFAULT_MAX_BYTES, Budget, spending
from graph.console_values import cell_text, result_graph, table, to_csv, to_json
from graph.errors import StoreError
from graph.query_library import examples
from graph.settings import Neo4jSettings
from graph.store_neo4j import Neo4jStore
from loaders.seed import load_seed
from tests.conftest import NEO4J_TEST_URI
from tests.test_store_contract import NEO4J_SKIP, test_settings

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def seeded() -> Iterator[Neo4jStore]:
    """The test server holding the seed graph (cleared before and after this module)."""
    if not NEO4J_TEST_URI:
        pytest.skip(NEO4J_SKIP)
    store = Neo4jStore.connect(test_settings())
    store.clear()
    load_seed(store)
    yield store
    store.clear()
    store.close()


def database_state(store: Neo4jStore) -> tuple:
    """Everything a write could change: data, indexes and constraints."""
    nodes, edges = list(store.nodes()), list(store.edges())
    labels = store.driver.execute_query("CALL db.labels() YIELD label RETURN collect(label) AS all",
                                        database_=store.database).records[0]["all"]
    indexes = store.driver.execute_query(cypher.SHOW_INDEXES, database_=store.database).records
    constraints = store.driver.execute_query(cypher.SHOW_CONSTRAINTS, database_=store.database).records
    return nodes, edges, sorted(labels), [dict(r) for r in indexes], [dict(r) for r in constraints]


WRITES = {
    "create": "CREATE (n:Company {id: 'company:new', name: 'New'}) RETURN n",
    "merge": "MERGE (n:Company {id: 'company:new'}) RETURN n",
    "delete": "MATCH (n:Company {id: 'company:palantir-technologies'}) DETACH DELETE n",
    "set": "MATCH (n:Agency {id: 'agency:ice'}) SET n.name = 'changed' RETURN n",
    "remove": "MATCH (n:Agency {id: 'agency:ice'}) REMOVE n.name RETURN n",
    "load csv": "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
    "load csv with write": "LOAD CSV FROM 'file:///x.csv' AS line CREATE (:Company {id: line[0]})",
    "call in transactions": "UNWIND range(1, 3) AS i CALL (i) { CREATE (:Company {id: 'company:' + i}) } "
                            "IN TRANSACTIONS OF 1 ROWS",
    "read in transactions": "UNWIND range(1, 3) AS i CALL (i) { RETURN i * 2 AS j } IN TRANSACTIONS RETURN j",
    "create index": "CREATE INDEX hacked IF NOT EXISTS FOR (n:Company) ON (n.piid)",
    "create constraint": "CREATE CONSTRAINT hacked IF NOT EXISTS FOR (n:Agency) REQUIRE n.name IS UNIQUE",
    "drop index": f"DROP INDEX {cypher.FULLTEXT_INDEX}",
    "drop constraint": "DROP CONSTRAINT entity_id IF EXISTS",
    "terminate": "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
    "write procedure": "CALL db.createLabel('Hacked')",
}


ADMINISTRATION = {
    "create database": "CREATE DATABASE other",
    "create user": "CREATE USER mallory SET PASSWORD 'secret-password'",
    "show databases": "SHOW DATABASES",
    "show users": "SHOW USERS",
    "dbms procedure": "CALL dbms.components()",
    # READ-mode procedures that change the server (query collection, index statistics, plan caches) or hand out
    # the text of what other sessions ran:
    "start query collection": "CALL db.stats.collect('QUERIES')",
    "other sessions' queries": "CALL db.stats.retrieve('QUERIES') YIELD section, data RETURN data",
    "resample indexes": "CALL db.resampleOutdatedIndexes()",
    "replan": "CALL db.prepareForReplanning()",
    # SHOW commands typed as reads that show other sessions' queries (with their parameters) or the settings:
    "show transactions": "SHOW TRANSACTIONS YIELD currentQuery RETURN currentQuery",
    "show settings": "SHOW SETTINGS",
}

REFUSALS = [(statement, "write") for statement in WRITES.values()]
REFUSALS += [(statement, "admin") for statement in ADMINISTRATION.values()]


@pytest.mark.parametrize(("statement", "reason"), REFUSALS, ids=[*WRITES, *ADMINISTRATION])
def test_writes_and_administration_are_refused_as_such_and_nothing_changes(seeded, statement, reason):
    """A write is refused as one; server administration (even SHOW DATABASES) as administration, not as a write."""
    before = database_state(seeded)
    with pytest.raises(ConsoleRejected) as refused:
        run_read_only(seeded, statement)
    assert refused.value.reason == reason
    assert database_state(seeded) == before


def test_read_procedures_still_run(seeded):
    result = run_read_only(seeded, "CALL db.labels() YIELD label RETURN label ORDER BY label")
    assert ("Agency",) in result.rows


def test_show_commands_that_describe_the_database_still_run(seeded):
    indexes = run_read_only(seeded, "SHOW INDEXES YIELD name RETURN name")
    assert (cypher.FULLTEXT_INDEX,) in indexes.rows
    assert run_read_only(seeded, "SHOW FUNCTIONS YIELD name WHERE name = 'toUpper' RETURN name").rows == (("toUpper",),)


def test_a_drop_of_every_constraint_name_is_refused(seeded):
    """Whatever Hilos's constraints are called, none can be dropped from the console."""
    names = [r["name"] for r in seeded.driver.execute_query(cypher.SHOW_CONSTRAINTS, database_=seeded.database).records]
    assert names
    for name in names:
        with pytest.raises(ConsoleRejected, match="write"):
            run_read_only(seeded, f"DROP CONSTRAINT {cypher.quote(name)}")
    assert len(seeded.driver.execute_query(cypher.SHOW_CONSTRAINTS, database_=seeded.database).records) == len(names)


def test_the_timeout_stops_a_runaway_query(seeded):
    started = time.monotonic()
    with pytest.raises(ConsoleRejected) as stopped:
        run_read_only(seeded, "UNWIND range(1, 1000000) AS a UNWIND range(1, 1000000) AS b RETURN count(*) AS n",
                      timeout=1)
    assert stopped.value.reason == "timeout"
    assert time.monotonic() - started < 8


def test_rows_that_arrived_before_the_timeout_are_kept(seeded):
    """The third row takes a trillion steps; the first two are shown, with the timeout noted."""
    result = run_read_only(seeded, "UNWIND range(1, 3) AS i CALL (i) { "
                                   "UNWIND range(1, CASE WHEN i < 3 THEN 1 ELSE 1000000 END) AS a "
                                   "UNWIND range(1, CASE WHEN i < 3 THEN 1 ELSE 1000000 END) AS b "
                                   "RETURN count(*) AS n } RETURN i, n", timeout=1)
    assert result.timed_out and not result.capped and result.rows == ((1, 1), (2, 1))


def test_the_row_cap_is_reported(seeded):
    capped = run_read_only(seeded, "UNWIND range(1, 5000) AS n RETURN n", row_cap=1000)
    assert capped.capped and len(capped.rows) == 1000 and capped.rows[-1] == (1000,)
    exact = run_read_only(seeded, "UNWIND range(1, 1000) AS n RETURN n", row_cap=1000)
    assert not exact.capped and len(exact.rows) == 1000


def test_an_answer_over_the_byte_budget_is_cut_off_before_it_becomes_objects(seeded):
    """One row of ten million numbers passes the row cap; the driver used to make ~650 MB of objects of it."""
    tracemalloc.start()
    try:
        with pytest.raises(ConsoleRejected) as refused:
            run_read_only(seeded, "RETURN range(1, 10000000) AS numbers")
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.value.reason == "too_big" and peak < DEFAULT_MAX_BYTES * 3
    assert run_read_only(seeded, "RETURN 1 AS one").rows == ((1,),)  # the cut connection is not used again
    with pytest.raises(ConsoleRejected) as many_rows:
        run_read_only(seeded, "UNWIND range(1, 5000) AS n RETURN n", max_bytes=2000)
    assert many_rows.value.reason == "too_big"
    assert len(run_read_only(seeded, "UNWIND range(1, 5000) AS n RETURN n", max_bytes=50_000).rows) == 1000


def test_a_budget_counts_only_the_reads_of_its_own_thread(seeded):
    """Each Streamlit session runs in its own thread: one session's budget must not cut another's answers."""
    budget = Budget(1, time.monotonic() + 60)
    with spending(budget), ThreadPoolExecutor(1) as other_session:
        answer = other_session.submit(lambda: seeded.driver.execute_query("RETURN range(1, 1000) AS r",
                                                                          database_=seeded.database).records)
        assert len(answer.result()[0]["r"]) == 1000
    assert budget.received == 0 and budget.exceeded is None


def test_parameters_reach_the_query(seeded):
    result = run_read_only(seeded, "MATCH (a:Agency {id: $id}) RETURN a.name AS name", {"id": "agency:hsi"})
    assert result.columns == ("name",) and result.rows == (("Homeland Security Investigations",),)


def test_syntax_errors_give_the_servers_message_about_the_users_text(seeded):
    with pytest.raises(ConsoleRejected) as bad:
        run_read_only(seeded, "MATCH (n)\nRETRUN n")
    assert bad.value.reason == "invalid"
    assert "Invalid input 'RETRUN'" in bad.value.detail and "(line 2, column 1 (offset: 10))" in bad.value.detail
    with pytest.raises(ConsoleRejected) as first_line:
        run_read_only(seeded, "RETRUN 1")
    assert first_line.value.detail.endswith('(line 1, column 1 (offset: 0))\n"RETRUN 1"\n ^')
    assert "EXPLAIN" not in first_line.value.detail


def test_profile_is_refused_as_profile_not_as_a_conflict_the_user_did_not_write(seeded):
    """The console puts EXPLAIN before every query to check it; the server then refused PROFILE with "Can't
    specify multiple conflicting values for execution mode", which the page showed as an unreadable query."""
    with pytest.raises(ConsoleRejected) as refused:
        run_read_only(seeded, "PROFILE MATCH (n:Agency) RETURN n.name")
    assert refused.value.reason == "profile"


def test_a_query_over_the_servers_memory_limit_is_refused_as_such(seeded):
    """Sorting a billion numbers outgrows the server's transaction memory: the page said "Neo4j did not answer as
    expected; check the server and the NEO4J_* settings"."""
    with pytest.raises(ConsoleRejected) as refused:
        run_read_only(seeded, "UNWIND range(1, 1000000000) AS x RETURN x ORDER BY x DESC", timeout=30)
    assert refused.value.reason == "memory" and "MiB" in refused.value.detail


def test_missing_parameters_and_runtime_errors_are_reported(seeded):
    with pytest.raises(ConsoleRejected, match="invalid"):
        run_read_only(seeded, "MATCH (n {id: $id}) RETURN n")
    with pytest.raises(ConsoleRejected) as failed:
        run_read_only(seeded, "RETURN 1 / 0 AS x")
    assert failed.value.reason == "failed" and "by zero" in failed.value.detail


def test_the_servers_notes_come_back(seeded):
    result = run_read_only(seeded, "MATCH (a:Company), (b:Agency) RETURN count(*) AS pairs")
    assert any("cartesian product" in note for note in result.notes)


# -- the example library ----------------------------------------------------
def _column(result, name):
    return [row[result.columns.index(name)] for row in result.rows]


def _palantir(result):
    piids = set(_column(result, "piid"))
    assert {"HSCETC14C00002", "HSCETC15C00001"} <= piids  # ICM (Palantir USG) and FALCON O&M
    assert "Palantir ImmigrationOS contract (2025)" in _column(result, "contract")
    assert set(_column(result, "holder")) == {"Palantir Technologies", "Palantir USG"}


def _falcon(result):
    paths = _column(result, "path")
    assert paths and all(p["nodes"][0]["properties"]["id"] == "product:falcon-sa"
                         and p["nodes"][-1]["properties"]["id"] == "agency:hsi" for p in paths)
    assert _column(result, "steps")[0] == 1  # HSI uses FALCON-SA
    assert [len(p["relationships"]) for p in paths] == _column(result, "steps") == sorted(_column(result, "steps"))
    assert all(len({n["element_id"] for n in p["nodes"]}) == len(p["nodes"]) for p in paths)


def _fedramp(result):
    assert _column(result, "company") == ["Amazon Web Services", "Microsoft", "Palantir Technologies", "Salesforce"]
    assert "AWS GovCloud" in _column(result, "product")


def _agencies(result):
    agencies = _column(result, "agency")
    assert agencies[0] == "U.S. Immigration and Customs Enforcement"
    assert {"U.S. Customs and Border Protection", "U.S. Department of Homeland Security"} <= set(agencies)
    obligated = _column(result, "obligated_usd")
    assert obligated == sorted(obligated, reverse=True) and obligated[0] == 7_400_000  # Vigilant LPR data


def _two_steps(result):
    paths = _column(result, "path")
    assert paths and all(p["nodes"][0]["properties"]["id"] == "company:palantir-technologies" for p in paths)
    assert {len(p["relationships"]) for p in paths} == {1, 2}
    ends = {p["nodes"][-1]["properties"]["id"] for p in paths}
    assert {"product:falcon-sa", "contract:HSCETC15C00001", "agency:ice"} <= ends


EXPECTED = {"example:palantir-dhs-contracts": _palantir, "example:falcon-sa-to-hsi": _falcon,
            "example:fedramp-ice": _fedramp, "example:agencies-by-money": _agencies,
            "example:company-two-steps": _two_steps}


def test_every_example_has_an_expectation():
    assert set(EXPECTED) == {query.key for query in examples()}


@pytest.mark.parametrize("query", examples(), ids=lambda query: query.key)
def test_each_example_returns_the_seed_graphs_answer(seeded, query):
    result = run_read_only(seeded, query.text, query.parameters)
    assert result.rows and not result.capped and not result.timed_out
    EXPECTED[query.key](result)


# -- values ------------------------------------------------------------------
def test_nodes_relationships_paths_and_times_become_plain_data(seeded):
    result = run_read_only(seeded, """
        MATCH p = (c:Company {id: 'company:palantir-technologies'})-[r:DEVELOPS]->(x:Product {id: 'product:icm'})
        RETURN c, r, p, date('2016-01-29') AS day, duration('P1D') AS span, point({x: 1, y: 2}) AS spot,
               {names: [c.name, x.name]} AS map""")
    row = dict(zip(result.columns, result.rows[0]))
    json.dumps(row)  # everything is JSON-ready
    assert row["c"]["labels"] == ["Company", cypher.ENTITY] and row["c"]["properties"]["name"] == "Palantir Technologies"
    assert cypher.SEARCH_KEYS not in row["c"]["properties"]
    assert (row["r"]["type"], row["r"]["start"], row["r"]["end"]) == (
        "DEVELOPS", "company:palantir-technologies", "product:icm")
    assert row["r"]["properties"]["evidence"] == "seed"
    assert [n["properties"]["id"] for n in row["p"]["nodes"]] == ["company:palantir-technologies", "product:icm"]
    assert (row["day"], row["span"], row["spot"]) == ("2016-01-29", "P1D", {"srid": 7203, "coordinates": [1.0, 2.0]})
    cells = table(result.columns, result.raw)[0]
    assert cells["c"] == "Palantir Technologies (:Company)"
    assert cells["p"] == "Palantir Technologies (:Company) -[:DEVELOPS]-> Investigative Case Management (ICM) (:Product)"
    assert cells["map"] == '{"names": ["Palantir Technologies", "Investigative Case Management (ICM)"]}'
    graph = result_graph(result.raw)
    assert [n.id for n in graph.nodes] == ["company:palantir-technologies", "product:icm"]
    assert [(e.source, e.type, e.target) for e in graph.edges] == [
        ("company:palantir-technologies", "DEVELOPS", "product:icm")]
    assert graph.nodes[0].label == "Company" and "id" not in graph.nodes[0].properties
    assert json.loads(to_json(result.columns, result.rows))["rows"][0]["day"] == "2016-01-29"
    assert to_csv(result.columns, result.rows).decode("utf-8-sig").splitlines()[0] == "c,r,p,day,span,spot,map"


def test_a_path_against_its_relationships_reads_backwards(seeded):
    result = run_read_only(seeded, "MATCH p = (:Agency {id: 'agency:hsi'})-[:PART_OF]->(:Agency {id: 'agency:ice'})"
                                   "<-[:PART_OF]-(:Agency {id: 'agency:ero'}) RETURN p")
    assert cell_text(result.raw[0][0]) == ("Homeland Security Investigations (:Agency) -[:PART_OF]-> "
                                           "U.S. Immigration and Customs Enforcement (:Agency) <-[:PART_OF]- "
                                           "Enforcement and Removal Operations (:Agency)")


def test_relationships_alone_still_draw_both_ends(seeded):
    result = run_read_only(seeded, "MATCH (:Agency {id: 'agency:hsi'})-[r:USES]->() RETURN r")
    graph = result_graph(result.raw, result.ends)
    assert {e.target for e in graph.edges} == {"product:falcon-sa", "product:icm"}
    assert [n.id for n in graph.nodes] == ["agency:hsi", "product:falcon-sa", "product:icm"]
    assert graph.nodes[1].name == "FALCON-SA" and graph.nodes[1].label == "Product"
    assert {row[0]["start"] for row in result.rows} == {"agency:hsi"}
    assert table(result.columns, result.raw, result.ends)[0]["r"].startswith("Homeland Security Investigations (:Agency)")


def test_scalars_give_no_graph(seeded):
    result = run_read_only(seeded, "MATCH (a:Agency) RETURN a.name AS name ORDER BY name")
    assert not result_graph(result.raw).nodes and len(result.rows) == 8


# -- connection problems -----------------------------------------------------
def test_a_server_that_is_down_is_one_sentence():
    if not NEO4J_TEST_URI:
        pytest.skip(NEO4J_SKIP)
    with pytest.raises(StoreError) as down:
        Neo4jStore.connect(Neo4jSettings("bolt://127.0.0.1:1", password="not-shown"))
    assert problem(down.value) == "unreachable" and "not-shown" not in str(down.value)


def test_an_unknown_database_is_named(seeded):
    with pytest.raises(StoreError) as missing:
        Neo4jStore.connect(Neo4jSettings(seeded.settings.uri, database="nosuchdb"))
    assert problem(missing.value) == "database" and "nosuchdb" in str(missing.value)


def test_explain_shows_the_plan_instead_of_no_rows(seeded):
    """EXPLAIN returns no rows; the page said only "the query returned no rows"."""
    result = run_read_only(seeded, "EXPLAIN MATCH (a:Agency {id: $id})-[:PART_OF]->(b) RETURN b.name",
                           {"id": "agency:hsi"})
    assert result.rows == () and result.plan[0].startswith("ProduceResults")
    assert any(line.startswith("  ") and "a:Agency" in line for line in result.plan)  # deeper operators indented
    assert all("~" in line and line.endswith("rows") for line in result.plan)
    assert run_read_only(seeded, "MATCH (a:Agency) RETURN count(a)").plan == ()
