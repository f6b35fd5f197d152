"""Neo4j writes bigger than one transaction: applied in chunks, and all or nothing all the same (real server)."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

import graph.store_neo4j as store_neo4j
from graph import neo4j_write
from graph.errors import StoreError
from graph.model import Edge, Node
from graph.store import WriteResult
from graph.store_neo4j import Neo4jStore
from graph.store_networkx import EmbeddedStore
from tests.fixtures import ARTICLE, RECORD, as_parts, tiny_edges, tiny_nodes
from tests.test_store_contract import neo4j_connection, neo4j_store, snapshot, test_settings  # noqa: F401 (fixtures)

pytestmark = pytest.mark.neo4j


@pytest.fixture
def small_chunks(neo4j_store: Neo4jStore) -> Iterator[Neo4jStore]:
    """The same server, one row per statement and two rows per transaction."""
    store = Neo4jStore.connect(test_settings(), batch_size=1, chunk_rows=2)
    yield store
    store.close()


@pytest.fixture
def chunk_count(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many transactions each write was cut into (the real neo4j_write.chunks, watched)."""
    counts: list[int] = []
    real = neo4j_write.chunks

    def watched(items, rows, chunk_rows):
        found = list(real(items, rows, chunk_rows))
        if found and hasattr(found[0][0], "apply"):  # the write's steps, not its undoing
            counts.append(len(found))
        return iter(found)

    monkeypatch.setattr(neo4j_write, "chunks", watched)
    return counts


def changing_write() -> tuple[list[Node], list[Edge]]:
    """New nodes (transaction 1), changed ones (2), a value the server cannot store (3), then relationships.

    Steps go new nodes, changed nodes (by label), new relationships, changed ones; one row each.
    """
    nodes = [Node("company:b", "Company", {"name": "B"}), Node("company:c", "Company", {"name": "C"}),
             Node("agency:ice", "Agency", {"name": "ICE renamed", "aliases": ["Migra"]}),
             Node("company:acme", "Product", {"name": "Acme relabelled"}),
             Node("product:tool", "Product", {"name": "Tool-SA", "country": {"not": "storable"}})]
    edges = [Edge("company:b", "SUBSIDIARY_OF", "company:acme", {"sources": [ARTICLE], "evidence": "seed"}),
             Edge("agency:hsi", "PART_OF", "agency:ice", {"sources": [ARTICLE], "fiscal_year": 2020})]
    return nodes, edges


def test_a_write_failing_in_its_third_transaction_leaves_neo4j_exactly_as_before(neo4j_store, small_chunks,
                                                                                 chunk_count):
    neo4j_store.write(tiny_nodes(), tiny_edges())
    before = snapshot(neo4j_store)
    with pytest.raises(StoreError) as caught:
        small_chunks.write(*changing_write())
    assert chunk_count[-1] == 4 and "\n" not in str(caught.value)
    assert snapshot(neo4j_store) == before
    assert neo4j_store.search("renamed") == [] and neo4j_store.search("migra") == []
    assert neo4j_store.write(tiny_nodes(), tiny_edges()) == WriteResult(unchanged=19)


def test_an_interrupted_write_is_undone_and_the_interrupt_goes_on(neo4j_store, small_chunks, monkeypatch):
    neo4j_store.write(tiny_nodes(), tiny_edges())
    before = snapshot(neo4j_store)
    nodes, edges = changing_write()
    nodes[-1] = Node("product:tool", "Product", {"name": "Tool-SA", "country": "US"})
    calls: list[int] = []
    real = store_neo4j.run_all

    def interrupted_third(tx, statements):
        real(tx, statements)
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt  # as a Ctrl-C arriving while the third transaction runs

    monkeypatch.setattr(store_neo4j, "run_all", interrupted_third)
    with pytest.raises(KeyboardInterrupt):
        small_chunks.write(nodes, edges)
    monkeypatch.undo()
    assert len(calls) > 3  # the undoing ran after the interrupt
    assert snapshot(neo4j_store) == before


def test_a_write_bigger_than_one_transaction_gives_the_embedded_stores_graph(neo4j_store, small_chunks, chunk_count,
                                                                            tmp_path: Path):
    embedded = EmbeddedStore(tmp_path / "graph.json")
    nodes, edges = tiny_nodes(), tiny_edges()
    assert small_chunks.write(nodes, edges) == embedded.write(nodes, edges) == WriteResult(10, 0, 9, 0, 0)
    more_nodes, more_edges = changing_write()
    more_nodes[-1] = Node("product:tool", "Product", {"name": "Tool-SA", "country": "US"})
    more_edges.append(Edge("agency:ice", "USES", "product:tool", {"sources": [RECORD], "evidence": "public_record"}))
    assert small_chunks.write(more_nodes, more_edges) == embedded.write(more_nodes, more_edges)
    assert chunk_count == [10, 4]
    assert snapshot(neo4j_store) == snapshot(embedded)
    assert [h.node.id for h in neo4j_store.search("migra")] == ["agency:ice"]


def test_a_failing_write_of_fresh_parts_is_undone_whole(neo4j_store, small_chunks, monkeypatch):
    neo4j_store.write(tiny_nodes()[:2], [])
    before = snapshot(neo4j_store)
    nodes, edges = tiny_nodes()[2:], tiny_edges()
    edges = [e for e in edges if e.source not in {n.id for n in tiny_nodes()[:2]}
             and e.target not in {n.id for n in tiny_nodes()[:2]}]
    calls: list[int] = []
    real = store_neo4j.run_all

    def failing_late(tx, statements):
        calls.append(1)
        if len(calls) == len(nodes) + 1:  # every node written (two a transaction), relationships begun
            raise RuntimeError("server gone")
        real(tx, statements)

    monkeypatch.setattr(store_neo4j, "run_all", failing_late)
    with pytest.raises(RuntimeError):
        small_chunks.write([], [], as_parts(nodes, edges))
    monkeypatch.undo()
    assert snapshot(neo4j_store) == before and neo4j_store.search(nodes[0].name) == []


def test_bootstrap_remakes_a_full_text_index_made_with_other_options(neo4j_store):
    from graph import cypher

    older = cypher.schema_statements()[-1].replace(", `fulltext.eventually_consistent`: true", "")
    assert older != cypher.schema_statements()[-1]
    neo4j_store.driver.execute_query(cypher.DROP_FULLTEXT, database_=neo4j_store.database)
    neo4j_store.driver.execute_query(older, database_=neo4j_store.database)
    neo4j_store.bootstrap()
    indexes = neo4j_store.driver.execute_query(cypher.SHOW_INDEXES, database_=neo4j_store.database).records
    (index,) = [record for record in indexes if record["name"] == cypher.FULLTEXT_INDEX]
    assert index["options"]["indexConfig"] == cypher.FULLTEXT_CONFIG and index["state"] == "ONLINE"
    neo4j_store.write(tiny_nodes(), tiny_edges())
    assert [hit.node.id for hit in neo4j_store.search("acme data", limit=1)] == ["company:acme"]


def test_the_stores_own_queries_print_no_server_notifications(neo4j_store: Neo4jStore,
                                                             caplog: pytest.LogCaptureFixture):
    """A graph without some relationship types or properties makes the server warn about the store's own
    statements; users of the CLI saw a screenful of driver warnings on stderr for each command."""
    with caplog.at_level("INFO"):
        neo4j_store.write(tiny_nodes(), tiny_edges())
        neo4j_store.stats()
    assert not [record for record in caplog.records if record.name.startswith("neo4j.notifications")]
