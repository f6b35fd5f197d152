"""One suite over both stores: every GraphStore answers the same on the embedded store and on a real Neo4j.

The "neo4j" runs need the server of ../shared/neo4j (CI starts it, see .ci/run)
and skip with a reason when NEO4J_URI was unset; each one starts on a clean
database. A mock of the driver is not a Neo4j test: these talk to the server.
"""
from __future__ import annotations

import io
import itertools
from collections import Counter
import os
from pathlib import Path
from typing import Iterator

import pytest

from benchmarks import synthetic
from graph import cypher
from graph.errors import StoreError
from graph.explain import explain
from graph.export_cypher import write_script
from graph.model import Edge, Node
from graph.settings import Neo4jSettings, neo4j_settings
from graph.store import GraphStore, PathFilter, WriteResult, open_store
from graph.store_neo4j import Neo4jStore
from graph.store_networkx import EmbeddedStore
from loaders.copy import copy_between, copy_graph
from loaders.seed import load_seed
from tests.conftest import NEO4J_TEST_URI
from tests.fixtures import ARTICLE, RECORD, as_parts, tiny_edges, tiny_nodes

NEO4J_SKIP = "NEO4J_URI is unset: start ../shared/neo4j (see .ci/run)"
# Taken at import, before tests/conftest.py removes NEO4J_* from each test's environment.
NEO4J_ENV = {name: os.environ.get(name, "") for name in ("NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE")}


def test_settings() -> Neo4jSettings:
    """Settings for the test server (CI's NEO4J_* values, NEO4J_URI as captured by conftest)."""
    return neo4j_settings({**NEO4J_ENV, "NEO4J_URI": NEO4J_TEST_URI})


test_settings.__test__ = False  # a helper, not a test


@pytest.fixture(scope="session")
def neo4j_connection() -> Iterator[Neo4jStore]:
    """One connection to the test server for the whole run (skips when NEO4J_URI was unset)."""
    if not NEO4J_TEST_URI:
        pytest.skip(NEO4J_SKIP)
    store = Neo4jStore.connect(test_settings())
    yield store
    store.clear()  # leave the shared server empty for whoever uses it next
    store.close()


@pytest.fixture
def neo4j_store(neo4j_connection: Neo4jStore) -> Neo4jStore:
    """The Neo4j store on a clean database."""
    neo4j_connection.clear()
    return neo4j_connection


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def empty_store(request: pytest.FixtureRequest, tmp_path: Path) -> GraphStore:
    """An empty store of each kind."""
    if request.param == "embedded":
        return EmbeddedStore(tmp_path / "graph.json")
    return request.getfixturevalue("neo4j_store")


@pytest.fixture
def store(empty_store: GraphStore) -> GraphStore:
    """Each store holding the hand-made graph of tests/fixtures.py."""
    empty_store.write(tiny_nodes(), tiny_edges())
    return empty_store


def snapshot(store: GraphStore) -> tuple:
    return list(store.nodes()), list(store.edges()), store.stats()


# -- writes ----------------------------------------------------------------------


def test_is_a_graph_store(store):
    assert isinstance(store, GraphStore)


def test_first_write_counts_what_it_created(empty_store):
    assert empty_store.write(tiny_nodes(), tiny_edges()) == WriteResult(nodes_created=10, edges_created=9)


def test_writing_twice_changes_nothing(store):
    before = snapshot(store)
    assert store.write(tiny_nodes(), tiny_edges()) == WriteResult(unchanged=19)
    assert snapshot(store) == before


def test_merge_keeps_aliases_and_sources_and_updates_values(store):
    result = store.write([Node("company:acme", "Company", {"name": "Acme Data", "aliases": ["Acme Corp"]})], [])
    assert result == WriteResult(nodes_updated=1)
    assert store.get("company:acme").aliases == ["Acmé", "ACME Inc.", "Acme Corp"]
    edge = Edge("agency:ice", "AWARDED", "contract:X1",
                {"sources": [ARTICLE], "evidence": "public_record", "amount_usd": 5.0})
    assert store.write([], [edge]) == WriteResult(edges_updated=1)
    stored = next(e for e in store.edges_of("agency:ice") if e.type == "AWARDED")
    assert stored.sources == [RECORD, ARTICLE]
    assert stored.properties == {"sources": [RECORD, ARTICLE], "evidence": "public_record", "fiscal_year": 2014,
                                 "amount_usd": 5.0}


def test_a_date_that_only_restates_the_start_of_the_stored_one_keeps_the_stored_one(empty_store):
    day = Node("contract:X1", "Contract", {"name": "X1", "start": "2018-09-28", "end": "2019-03"})
    edge = Edge("agency:ice", "AWARDED", "contract:X1", {"sources": [RECORD], "evidence": "public_record",
                                                          "start": "2018-09-28"})
    empty_store.write([day, Node("agency:ice", "Agency", {"name": "ICE"})], [edge])
    year = Node("contract:X1", "Contract", {"name": "X1", "start": "2018", "end": "2020"})
    assert empty_store.write([year], [Edge(edge.source, edge.type, edge.target, {**edge.properties,
                                                                                  "start": "2018-09"})]) == \
        WriteResult(nodes_updated=1, unchanged=1)
    assert empty_store.get("contract:X1").properties == {"name": "X1", "start": "2018-09-28", "end": "2020"}
    assert next(iter(empty_store.edges_of("contract:X1"))).properties["start"] == "2018-09-28"
    assert empty_store.write([year], []) == WriteResult(unchanged=1)  # loading the year again changes nothing


def test_repeated_records_in_one_write_merge_in_order(empty_store):
    first = Node("company:acme", "Company", {"name": "Acme", "aliases": ["A"]})
    second = Node("company:acme", "Company", {"name": "Acme Data", "aliases": ["B"]})
    assert empty_store.write([first, second, second], []) == WriteResult(nodes_created=1, nodes_updated=1,
                                                                            unchanged=1)
    assert empty_store.get("company:acme") == Node("company:acme", "Company", {"name": "Acme Data",
                                                                               "aliases": ["A", "B"]})


def test_new_search_names_are_found_after_a_merge(store):
    store.write([Node("product:tool", "Product", {"name": "Tool-SA", "aliases": ["Herramienta Falcón"]})], [])
    assert [hit.node.id for hit in store.search("herramienta falcon")] == ["product:tool"]


def test_dangling_relationship_is_refused_and_nothing_changes(store):
    before = snapshot(store)
    bad = Edge("company:acme", "DEVELOPS", "product:missing", {"sources": [ARTICLE], "evidence": "seed"})
    with pytest.raises(StoreError, match="unknown node"):
        store.write([Node("company:new", "Company", {"name": "New"})], [bad])
    assert store.get("company:new") is None
    assert snapshot(store) == before


# -- reads -----------------------------------------------------------------------


def test_get_returns_every_property_as_written(store):
    assert store.get("company:acme") == tiny_nodes()[2]
    assert store.get("contract:X1").properties == {"name": "X1", "piid": "X1", "amount_usd": 1000.0}
    assert store.get("company:nobody") is None


def test_properties_come_in_the_schema_order(empty_store):
    """make_node's order, whatever the write's or a merge's: the profile page and the exports list them so."""
    contract = Node("contract:X9", "Contract", {"url": "https://example.org/x9", "amount_usd": 5.0, "fiscal_year": 2014,
                                                "piid": "X9", "name": "X9", "award_key": "CONT_AWD_X9"})
    empty_store.write([contract, Node("company:acme", "Company", {"name": "Acme", "country": "US"}), tiny_nodes()[1]],
                      [Edge("contract:X9", "AWARDED_TO", "company:acme",
                            {"fiscal_year": 2014, "evidence": "public_record", "sources": [RECORD]})])
    empty_store.write([Node("company:acme", "Company", {"name": "Acme", "uei": "ACME12345678"})],
                      [Edge("contract:X9", "AWARDED_TO", "company:acme",
                            {"amount_usd": 5.0, "evidence": "public_record", "sources": [RECORD]})])
    assert list(empty_store.get("contract:X9").properties) == ["name", "piid", "fiscal_year", "amount_usd",
                                                                "award_key", "url"]
    assert list(empty_store.get("company:acme").properties) == ["name", "uei", "country"]
    assert [list(n.properties) for n in empty_store.nodes("Company")] == [["name", "uei", "country"]]
    edge, = empty_store.edges_of("company:acme")
    assert list(edge.properties) == ["sources", "evidence", "fiscal_year", "amount_usd"]
    assert [list(e.properties) for e in empty_store.edges()] == [list(edge.properties)]
    stored = list(empty_store.get("contract:X9").properties)
    assert [list(n.properties) for n in empty_store.neighbours("company:acme").nodes] == [["name", "uei", "country"],
                                                                                          stored]
    assert list(empty_store.paths("company:acme", "contract:X9")[0].nodes[1].properties) == stored


def test_nodes_and_edges_come_in_id_order(store):
    assert [n.id for n in store.nodes()] == sorted(n.id for n in tiny_nodes())
    assert [n.id for n in store.nodes("Agency")] == ["agency:dept", "agency:hsi", "agency:ice"]
    assert list(store.nodes("Nothing")) == []
    assert list(store.edges()) == sorted(tiny_edges(), key=lambda e: e.key)


def test_edges_of_a_node_both_directions_by_type(store):
    assert [(e.type, e.source, e.target) for e in store.edges_of("agency:ice")] == [
        ("AWARDED", "agency:ice", "contract:X1"), ("PART_OF", "agency:hsi", "agency:ice"),
        ("PART_OF", "agency:ice", "agency:dept")]
    assert store.edges_of("agency:nowhere") == []


def test_relationship_counts_by_type_and_direction(store):
    assert store.relationship_counts("agency:ice") == {("AWARDED", True): 1, ("PART_OF", False): 1,
                                                       ("PART_OF", True): 1}
    assert store.relationship_counts("agency:nowhere") == {}


@pytest.mark.parametrize("query, expected", [
    ("acme", "company:acme"), ("ACMÉ", "company:acme"), ("acme inc", "company:acme"), ("tool sa", "product:tool"),
    ("toolsa", "product:tool"), ("Acme USG", "company:acme-usg"), ("casemgr", "product:case"),
    ("Acne Data", "company:acme"),  # a typo still finds it
])
def test_search_ignores_case_accents_and_punctuation(store, query, expected):
    assert store.search(query)[0].node.id == expected


def test_search_ranks_and_limits_alike(store):
    hits = store.search("a", limit=3)
    assert [(h.node.id, h.score, h.matched) for h in hits] == [
        ("company:acme", 90.0, "Acme Data"), ("company:acme-usg", 90.0, "Acme USG"),
        ("source:article", 90.0, "Artículo")]
    assert hits[0].node == store.get("company:acme")
    assert store.search("   ") == [] and store.search("zzzz qqqq") == []
    assert store.search('acme" OR name:* AND (') == []  # Lucene syntax in a query is just text


AWARD_KEY = "CONT_AWD_70DE0011C00000000_70DE_-NONE-_-NONE-"


def award_nodes() -> list[Node]:
    """Contracts with award keys (identifiers, searched whole), beside names that share the keys' words."""
    return [Node("contract:70DE0011C00000000", "Contract", {"name": "70DE0011C00000000", "award_key": AWARD_KEY}),
            Node("contract:HSCETC14C00002", "Contract",
                 {"name": "HSCETC14C00002", "award_key": "CONT_AWD_HSCETC14C00002_7012_-NONE-_-NONE-"}),
            Node("company:none", "Company", {"name": "None Such Inc"}),
            Node("agency:contoso", "Agency", {"name": "Contoso Awards Office"})]


IDENTIFIER_QUERIES = [AWARD_KEY, "cont awd 70de0011c00000000 70de none none", "contawd70de0011c0000000070denonenone",
                      "CONT_AWD_70DE00", "CONT_AWD_70DE0011C00000000_70DE_-NO", "cont awd", "CONT_AWD_",
                      "none", "awd", "cont", "70DE0011C00000000", "hscetc14c00002", "70de", "CONT_AWD_HSCETC14"]


@pytest.mark.parametrize("query, expected", [
    (AWARD_KEY, [("contract:70DE0011C00000000", 100.0, AWARD_KEY)]),  # pasted whole
    ("cont awd 70de0011c00000000 70de none none", [("contract:70DE0011C00000000", 100.0, AWARD_KEY)]),
    ("contawd70de0011c0000000070denonenone", [("contract:70DE0011C00000000", 100.0, AWARD_KEY)]),
    ("CONT_AWD_70DE00", [("contract:70DE0011C00000000", 90.0, AWARD_KEY)]),  # its start
    ("none", [("company:none", 90.0, "None Such Inc")]),  # not every contract through "-NONE-"
    ("awd", []),
    ("cont", [("agency:contoso", 90.0, "Contoso Awards Office")]),
    # The head every award key shares is too short to be a prefix: only a typo of the agency's name is found.
    ("cont awd", [("agency:contoso", 50.909090909090914, "Contoso Awards Office")]),  # ~ "contoso awards"
    ("70DE0011C00000000", [("contract:70DE0011C00000000", 100.0, "70DE0011C00000000")]),  # its PIID, a name
])
def test_identifiers_are_found_whole_or_by_their_start_never_by_their_words(empty_store, query, expected):
    empty_store.write(award_nodes(), [])
    assert [(h.node.id, h.score, h.matched) for h in empty_store.search(query)] == expected


def test_search_filters_by_label(store):
    assert {h.node.label for h in store.search("a", labels=["Agency"])} <= {"Agency"}
    assert [h.node.id for h in store.search("acme", labels=["Product"])] == []


# -- paths and explanations --------------------------------------------------------


def test_shortest_paths_are_undirected_ordered_and_explainable(store):
    paths = store.paths("company:acme", "agency:hsi", k=3)
    assert [p.node_ids for p in paths] == [
        ("company:acme", "product:case", "agency:hsi"),
        ("company:acme", "product:tool", "agency:hsi"),
        ("company:acme", "company:acme-usg", "contract:X1", "agency:ice", "agency:hsi"),
    ]
    assert [e.type for e in paths[0].edges] == ["DEVELOPS", "USES"]
    assert paths[0].edges[0] == tiny_edges()[0]


def test_paths_respect_filters_and_length(store):
    assert store.paths("company:acme", "agency:hsi", directed=True) == []
    only_records = PathFilter(evidence=frozenset({"public_record"}))
    assert [p.node_ids[1] for p in store.paths("company:acme", "agency:hsi", where=only_records)] == [
        "company:acme-usg"]
    avoid = PathFilter(avoid=frozenset({"product:case"}))
    assert store.paths("company:acme", "agency:hsi", where=avoid)[0].node_ids[1] == "product:tool"
    assert store.paths("company:acme", "agency:dept", max_length=2) == []
    contract_chain = frozenset({"AWARDED", "AWARDED_TO", "SUBSIDIARY_OF"})
    years = PathFilter(fiscal_years=frozenset({2020}), rel_types=contract_chain)
    assert store.paths("company:acme", "agency:ice", where=years) == []
    only_2014 = PathFilter(fiscal_years=frozenset({2014}), rel_types=contract_chain)
    assert len(store.paths("company:acme", "agency:ice", where=only_2014)[0]) == 3
    products = PathFilter(labels=frozenset({"Product"}))  # intermediates must be products; the ends always pass
    assert [p.node_ids for p in store.paths("company:acme", "agency:hsi", k=5, where=products)] == [
        ("company:acme", "product:case", "agency:hsi"), ("company:acme", "product:tool", "agency:hsi")]


def test_paths_to_nowhere_or_self_are_empty(store):
    assert store.paths("company:acme", "company:acme") == []
    assert store.paths("company:acme", "agency:nowhere") == []


def test_directed_paths_follow_edge_direction(store):
    path = store.paths("agency:hsi", "agency:dept", directed=True)[0]
    assert path.node_ids == ("agency:hsi", "agency:ice", "agency:dept")


def test_hop_edge_is_the_first_passing_edge_in_type_order(store):
    store.write([], [Edge("agency:ice", "PART_OF", "agency:hsi", {"sources": [ARTICLE], "evidence": "reported"}),
                     Edge("agency:hsi", "USES", "product:case", {"sources": [ARTICLE], "evidence": "seed"})])
    undirected = store.paths("agency:hsi", "agency:ice")[0]
    assert undirected.edges[0].key == ("agency:hsi", "PART_OF", "agency:ice")
    backwards = store.paths("agency:ice", "agency:hsi", directed=True)[0]
    assert backwards.edges[0].key == ("agency:ice", "PART_OF", "agency:hsi")
    reported = store.paths("agency:hsi", "agency:ice", where=PathFilter(evidence=frozenset({"reported"})))[0]
    assert reported.edges[0].key == ("agency:ice", "PART_OF", "agency:hsi")


def test_explanations_read_the_same(store):
    path = store.paths("company:acme", "agency:hsi", k=2)[1]
    explanation = explain(path, "es", store.get)
    assert explanation.text() == "Acme Data desarrolla y vende Tool-SA [1]. HSI usa Tool-SA [2]."
    assert [f.citation for f in explanation.footnotes] == [
        "R. W., “Campaña revela lazos”, Foco, artículo", "“Contract X1”, X1, registro público"]
    english = explain(store.paths("company:acme", "agency:hsi")[0], "en", store.get).full_text()
    assert english.endswith("Sources:\n[1] R. W., “Campaña revela lazos”, Foco, article")


# -- neighbourhoods and counts -------------------------------------------------------


def test_neighbourhood_depth_filters_and_cap(store):
    one = store.neighbours("agency:ice")
    assert {n.id for n in one.nodes} == {"agency:ice", "agency:hsi", "agency:dept", "contract:X1"}
    assert [e.key for e in one.edges] == [("agency:hsi", "PART_OF", "agency:ice"),
                                          ("agency:ice", "AWARDED", "contract:X1"),
                                          ("agency:ice", "PART_OF", "agency:dept")]
    assert not one.truncated
    typed = store.neighbours("agency:ice", depth=2, where=PathFilter(rel_types=frozenset({"PART_OF"})))
    assert {n.id for n in typed.nodes} == {"agency:ice", "agency:hsi", "agency:dept"}
    capped = store.neighbours("agency:ice", depth=3, limit=3)
    assert len(capped.nodes) == 3 and capped.truncated
    assert "contract:X1" in {n.id for n in capped.nodes}  # the edge with an amount comes first
    assert store.neighbours("agency:nowhere").nodes == ()
    assert [n.id for n in store.neighbours("agency:ice", depth=0).nodes] == ["agency:ice"]


def test_stats_count_by_label_type_and_evidence(store):
    stats = store.stats()
    assert (stats.nodes, stats.relationships) == (10, 9)
    assert stats.by_label["Agency"] == 3 and stats.by_type["DEVELOPS"] == 2
    assert stats.by_evidence == {"public_record": 6, "seed": 3}
    assert list(stats.by_label) == sorted(stats.by_label)


# -- the seed data on both stores ------------------------------------------------------


@pytest.fixture
def seed_pair(seed_store: EmbeddedStore, neo4j_store: Neo4jStore) -> tuple[EmbeddedStore, Neo4jStore]:
    """The seed graph loaded into the embedded store and into Neo4j (the same files, the same loader)."""
    load_seed(neo4j_store)
    return seed_store, neo4j_store


@pytest.mark.neo4j
def test_seed_loads_identically(seed_pair, tmp_path):
    embedded, neo4j = seed_pair
    assert snapshot(neo4j) == snapshot(embedded)
    neo4j.clear()
    assert load_seed(neo4j) == load_seed(EmbeddedStore(tmp_path / "fresh.json"))
    stats = embedded.stats()
    assert load_seed(neo4j) == WriteResult(unchanged=stats.nodes + stats.relationships)


@pytest.mark.neo4j
def test_seed_search_is_identical(seed_pair):
    embedded, neo4j = seed_pair
    nodes = list(embedded.nodes())
    queries = [n.name for n in nodes] + [alias for n in nodes for alias in n.aliases]
    queries += ["palantr", "inmigracion", "ice", "dhs", "falcon", "contrato", "amazon web", "x"]
    for query in queries:
        assert neo4j.search(query) == embedded.search(query), query
    for label in embedded.stats().by_label:
        assert neo4j.search("a", labels=[label], limit=50) == embedded.search("a", labels=[label], limit=50)


@pytest.mark.neo4j
def test_seed_paths_and_explanations_are_identical(seed_pair):
    embedded, neo4j = seed_pair
    ids = [n.id for n in embedded.nodes() if n.label != "Source"]
    pairs = list(itertools.combinations(ids, 2))[::23]
    assert len(pairs) > 50
    found = 0
    for (source, target), directed in itertools.product(pairs, (False, True)):
        expected = embedded.paths(source, target, k=3, directed=directed)
        assert neo4j.paths(source, target, k=3, directed=directed) == expected, (source, target, directed)
        found += bool(expected)
        for path in expected[:1]:
            for lang in ("es", "en"):
                assert explain(path, lang, neo4j.get).full_text() == explain(path, lang, embedded.get).full_text()
    assert found > len(pairs) // 2


@pytest.mark.neo4j
def test_seed_neighbourhoods_are_identical(seed_pair):
    embedded, neo4j = seed_pair
    for node in list(embedded.nodes())[::3]:
        assert neo4j.edges_of(node.id) == embedded.edges_of(node.id)
        assert neo4j.relationship_counts(node.id) == embedded.relationship_counts(node.id)
        assert embedded.relationship_counts(node.id) == dict(Counter(
            (edge.type, edge.source == node.id) for edge in embedded.edges_of(node.id)))
        for depth, limit in ((1, 200), (2, 12)):
            assert neo4j.neighbours(node.id, depth=depth, limit=limit) == embedded.neighbours(
                node.id, depth=depth, limit=limit), (node.id, depth, limit)


@pytest.fixture(scope="module")
def hub_graph() -> synthetic.Synthetic:
    """The benchmark's procurement graph at 4,000 relationships: agencies that are hubs, heavy-tailed recipients."""
    return synthetic.generate(4000)


@pytest.mark.neo4j
def test_paths_between_hubs_are_identical(hub_graph, neo4j_store, tmp_path):
    embedded = EmbeddedStore(tmp_path / "hubs.hilos")
    assert neo4j_store.write(hub_graph.nodes, hub_graph.edges) == embedded.write(hub_graph.nodes, hub_graph.edges)
    hubs = synthetic.hub_pairs(hub_graph)
    pairs = hubs[::3] + [(company, hub) for company, (hub, _) in zip(hub_graph.recipients[:40:4], hubs)]
    filters = [PathFilter(), PathFilter(rel_types=frozenset({"AWARDED", "AWARDED_TO"})),
               PathFilter(fiscal_years=frozenset({2015, 2016}), avoid=frozenset({"agency:dhs", "agency:ice"})),
               PathFilter(labels=frozenset({"Contract", "Company"}), evidence=frozenset({"public_record"}))]
    lengths = Counter()
    for (source, target), where, directed in itertools.product(pairs, filters, (False, True)):
        expected = embedded.paths(source, target, k=5, directed=directed, where=where)
        assert neo4j_store.paths(source, target, k=5, directed=directed, where=where) == expected, (
            source, target, where, directed)
        lengths.update(len(path) for path in expected)
    assert sum(lengths.values()) > len(pairs) * 5 and len(lengths) >= 3  # many paths, of several lengths


# -- Neo4j only --------------------------------------------------------------------------


def _schema_objects(store: Neo4jStore) -> tuple[set, dict]:
    constraints = {(r["name"], r["type"], tuple(r["labelsOrTypes"]), tuple(r["properties"]))
                   for r in store.driver.execute_query(cypher.SHOW_CONSTRAINTS, database_=store.database).records}
    indexes = {r["name"]: r.data() for r in store.driver.execute_query(cypher.SHOW_INDEXES,
                                                                        database_=store.database).records}
    return constraints, indexes


@pytest.mark.neo4j
def test_bootstrap_creates_constraints_and_indexes_and_can_run_twice(neo4j_store):
    neo4j_store.clear(schema=True)
    try:
        constraints, indexes = _schema_objects(neo4j_store)
        assert cypher.FULLTEXT_INDEX not in indexes and not any(c[0] == "company_id" for c in constraints)
        neo4j_store.bootstrap()
        first = _schema_objects(neo4j_store)
    finally:
        neo4j_store.bootstrap()
    assert _schema_objects(neo4j_store) == first
    constraints, indexes = first
    for label in cypher.LABELS:
        assert (f"{label.lower()}_id", "UNIQUENESS", (label,), ("id",)) in constraints
    for label in cypher.SCHEMA_LABELS:
        assert indexes[f"{label.lower()}_name"]["properties"] == ["name"]
    fulltext = indexes[cypher.FULLTEXT_INDEX]
    assert (fulltext["type"], fulltext["labelsOrTypes"], fulltext["properties"], fulltext["state"]) == (
        "FULLTEXT", [cypher.ENTITY], [cypher.SEARCH_KEYS], "ONLINE")


@pytest.mark.neo4j
@pytest.mark.parametrize("node", [Node("company:x", "Entity", {"name": "X"}), Node("company:x", "Firm", {"name": "X"})])
def test_labels_outside_the_schema_are_refused(neo4j_store, node):
    with pytest.raises(StoreError, match="not in the declared schema"):
        neo4j_store.write([node], [])
    assert neo4j_store.stats().nodes == 0


@pytest.mark.neo4j
def test_a_failing_write_leaves_neo4j_exactly_as_before(neo4j_store):
    neo4j_store.write(tiny_nodes(), tiny_edges())
    before = snapshot(neo4j_store)
    small_batches = Neo4jStore.connect(test_settings(), batch_size=1)
    try:
        nodes = [Node("company:acme", "Company", {"name": "Renamed"}), Node("company:b", "Company", {"name": "B"}),
                 Node("company:c", "Company", {"name": "C", "country": {"not": "storable"}})]
        with pytest.raises(StoreError) as caught:
            small_batches.write(nodes, [Edge("company:b", "SUBSIDIARY_OF", "company:acme",
                                             {"sources": [ARTICLE], "evidence": "seed"})])
    finally:
        small_batches.close()
    assert "\n" not in str(caught.value)
    assert snapshot(neo4j_store) == before
    assert [h.node.id for h in neo4j_store.search("renamed")] == []


@pytest.mark.neo4j
@pytest.mark.parametrize("change, expected", [
    ({"uri": "bolt://127.0.0.1:1"}, "Cannot reach Neo4j at bolt://127.0.0.1:1"),
    ({"database": "nosuchdb"}, "has no database named 'nosuchdb'"),
    ({"uri": "http://127.0.0.1:7474"}, "is not a Neo4j address"),
])
def test_connection_problems_are_one_clear_sentence(neo4j_connection, change, expected):
    settings = test_settings()
    settings = Neo4jSettings(**{**settings.__dict__, "password": "s3cret-pw", **change})
    with pytest.raises(StoreError) as caught:
        Neo4jStore.connect(settings)
    message = str(caught.value)
    assert expected in message
    assert "\n" not in message and "s3cret-pw" not in message and message.endswith(".")


@pytest.mark.neo4j
def test_open_store_picks_neo4j_when_neo4j_uri_is_set(neo4j_store, monkeypatch):
    monkeypatch.setenv("NEO4J_URI", NEO4J_TEST_URI)
    for name, value in NEO4J_ENV.items():
        if value:
            monkeypatch.setenv(name, value)
    opened = open_store()
    try:
        assert isinstance(opened, Neo4jStore) and opened.stats().nodes == 0
    finally:
        opened.close()


# -- export script and copies between stores ----------------------------------------------

AWKWARD = Node("company:awkward", "Company", {
    "name": "O'Brien \\ \"Data\"\nLtd", "aliases": ["Ñandú ☃ 😀", "tab\there", "line\u2028sep", "`tick`"],
    "description_en": "Quotes ' \" and // not a comment; MATCH (n) DETACH DELETE n", "country": "US"})


def run_script(store: Neo4jStore, graph: GraphStore) -> None:
    """Run an export of `graph` against the server as cypher-shell would: one statement per line."""
    out = io.StringIO()
    write_script(graph, out, batch_size=4)
    for line in out.getvalue().splitlines():
        if line.strip() and not line.startswith("//"):
            store.driver.execute_query(line.removesuffix(";"), database_=store.database)


@pytest.mark.neo4j
def test_cypher_export_recreates_the_graph_with_awkward_text(neo4j_store, tiny_store):
    tiny_store.write([AWKWARD], [])
    run_script(neo4j_store, tiny_store)
    assert snapshot(neo4j_store) == snapshot(tiny_store)
    assert neo4j_store.get("company:awkward") == AWKWARD
    assert neo4j_store.search("nandu")[0].node == AWKWARD
    run_script(neo4j_store, tiny_store)  # twice: nothing changes
    assert neo4j_store.write(tiny_nodes() + [AWKWARD], tiny_edges()) == WriteResult(unchanged=20)


@pytest.mark.neo4j
def test_cypher_export_of_the_seed_gives_the_same_answers(neo4j_store, seed_store):
    run_script(neo4j_store, seed_store)
    assert snapshot(neo4j_store) == snapshot(seed_store)
    nodes = list(seed_store.nodes())
    for node in nodes[::5]:
        assert neo4j_store.search(node.name) == seed_store.search(node.name)
    for source, target in itertools.islice(itertools.combinations([n.id for n in nodes], 2), 0, None, 97):
        assert neo4j_store.paths(source, target, k=2) == seed_store.paths(source, target, k=2)


@pytest.mark.neo4j
def test_copy_to_neo4j_and_back(neo4j_store, tiny_store, tmp_path):
    assert copy_graph(tiny_store, neo4j_store) == WriteResult(nodes_created=10, edges_created=9)
    assert snapshot(neo4j_store) == snapshot(tiny_store)
    back = EmbeddedStore(tmp_path / "back.json")
    assert copy_graph(neo4j_store, back) == WriteResult(nodes_created=10, edges_created=9)
    assert snapshot(back) == snapshot(tiny_store)
    assert copy_graph(back, neo4j_store) == WriteResult(unchanged=19)


@pytest.mark.neo4j
def test_copy_between_backends_by_name(neo4j_store, tiny_store, db_path, monkeypatch):
    monkeypatch.setenv("NEO4J_URI", NEO4J_TEST_URI)
    result, totals = copy_between("embedded", "neo4j", db_path)
    assert (result.nodes_created, totals.nodes, totals.relationships) == (10, 10, 9)
    db_path.unlink()
    result, totals = copy_between("neo4j", "embedded", db_path)
    assert (result.nodes_created, totals) == (10, tiny_store.stats())
    with pytest.raises(ValueError):
        copy_between("neo4j", "neo4j")


def test_fresh_records_given_as_columns_make_the_same_graph(empty_store, tmp_path):
    reference = EmbeddedStore(tmp_path / "reference.hilos")
    reference.write(tiny_nodes(), tiny_edges())
    result = empty_store.write([], [], as_parts(tiny_nodes(), tiny_edges()))
    assert result == WriteResult(nodes_created=10, edges_created=9)
    assert snapshot(empty_store) == snapshot(reference)
