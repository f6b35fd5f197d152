"""Typo search on a big Neo4j graph: candidates from the full-text index's fuzzy terms, ranked as embedded (real server).

Small graphs score every name (tests/test_store_contract.py covers them); here
the size threshold is lowered so that the index path answers the seed graph.
"""
from __future__ import annotations

import pytest

import graph.store_neo4j as store_neo4j
from graph.store_networkx import EmbeddedStore
from tests.test_store_contract import IDENTIFIER_QUERIES, award_nodes
from tests.test_store_contract import neo4j_connection, neo4j_store, seed_pair  # noqa: F401 (fixtures)

pytestmark = pytest.mark.neo4j

TYPOS = ["palantr", "inmigracion", "Acne Data", "falcn", "amazn web servces", "departmnt of homeland",
         "immigration customs enforcment", "ice", "dhs", "contrato", "x", "gotam", "clearviw ai"]


def test_typos_found_through_the_index_rank_as_on_the_embedded_store(seed_pair, monkeypatch):
    embedded, neo4j = seed_pair
    monkeypatch.setattr(store_neo4j, "SCAN_NODES", 0)
    statements: list[str] = []
    real = neo4j._names

    def watched(statement, **params):
        statements.append(statement)
        return real(statement, **params)

    monkeypatch.setattr(neo4j, "_names", watched)
    nodes = list(embedded.nodes())
    for query in TYPOS + [n.name for n in nodes] + [alias for n in nodes for alias in n.aliases]:
        assert neo4j.search(query) == embedded.search(query), query
    assert store_neo4j.cypher.SEARCH_SCAN not in statements  # no name was scored outside the index's candidates


def test_identifiers_found_through_the_index_rank_as_on_the_embedded_store(neo4j_store, tmp_path, monkeypatch):
    embedded = EmbeddedStore(tmp_path / "graph.hilos")
    for store in (embedded, neo4j_store):
        store.write(award_nodes(), [])
    monkeypatch.setattr(store_neo4j, "SCAN_NODES", 0)
    for query in IDENTIFIER_QUERIES:
        assert neo4j_store.search(query) == embedded.search(query), query
