"""Fresh records (new contracts handed to the store encoded) make exactly the graph that drafts make."""
import os

import pytest

from benchmarks import usaspending_csv
from graph.model import Node
from graph.store_networkx import EmbeddedStore
from loaders.commands import usaspending
from loaders.graphbatch import GraphBatch
from loaders.seed import load_seed
from tests.loaders.conftest import AWARDS, FIXTURES, TRANSACTIONS

SOURCE = {"kind": "public_record", "language": "en"}
EDGE = {"evidence": "public_record"}


def _drafts_only(monkeypatch):
    """Every record goes through the drafts, as before fresh records existed."""
    monkeypatch.setattr(GraphBatch, "add_fresh_node", lambda self, *args, **kwargs: False)


def _loads(graph, generated):
    """A first load, a reload, the transactions, and a generated file with many recipients and offices."""
    for files in ((AWARDS,), (AWARDS,), (TRANSACTIONS,), (generated,), (AWARDS, TRANSACTIONS, generated)):
        result = graph.invoke(usaspending, *files)
        assert result.exit_code == 0, result.output
    return graph.snapshot()


def _reseed(graph):
    store = graph.open()
    try:
        if graph.backend == "neo4j":
            store.clear()
        else:
            graph.db.unlink()
            store = graph.open()
        load_seed(store, FIXTURES / "seed")
    finally:
        store.close()


def test_loads_make_the_same_graph_with_or_without_fresh_records(graph, tmp_path, monkeypatch):
    generated = usaspending_csv.write(tmp_path / "Contracts_PrimeAwardSummaries_gen.csv", 400)
    with_fresh = _loads(graph, generated)
    assert len(with_fresh[0]) > 800  # the generated awards, their sources, companies and offices
    _reseed(graph)
    _drafts_only(monkeypatch)
    assert _loads(graph, generated) == with_fresh


@pytest.mark.parametrize("graph", ["embedded"], indirect=True)  # a file to compare: the embedded store's
def test_the_embedded_file_is_the_same_byte_for_byte(graph, tmp_path, monkeypatch):
    generated = usaspending_csv.write(tmp_path / "Contracts_PrimeAwardSummaries_gen.csv", 300)
    seeded = graph.db.read_bytes()
    assert graph.invoke(usaspending, generated, AWARDS).exit_code == 0
    with_fresh = graph.db.read_bytes()
    graph.db.write_bytes(seeded)
    _drafts_only(monkeypatch)
    assert graph.invoke(usaspending, generated, AWARDS).exit_code == 0
    assert graph.db.read_bytes() == with_fresh


def _batch(tmp_path):
    store = EmbeddedStore(tmp_path / "g.json")
    store.write([Node("agency:a", "Agency", {"name": "A"}), Node("source:f", "Source", {"name": "F"})], [])
    return GraphBatch(store)


def _draw(batch, fresh: bool):
    """A source named by two awards and a contract drafted twice, with one edge drafted twice."""
    def drafted(*args) -> bool:
        batch.add_node(*args)
        return False

    node = batch.add_fresh_node if fresh else drafted
    def fresh_edge(source, rel_type, target, props):
        batch.add_fresh_edges([(source, rel_type, target)], props)

    edge = fresh_edge if fresh else batch.add_edge
    assert node("source:p-1", "Source", {**SOURCE, "name": "PIID P.1", "url": "https://x.test/1"}) is fresh
    batch.add_node("source:p-1", "Source", {**SOURCE, "name": "PIID P-1", "url": "https://x.test/2"})
    assert node("contract:c", "Contract", {"name": "C", "aliases": ["K1", "c"], "sources": ["source:p-1"],
                                           "amount_usd": 5.0}) is fresh
    edge("agency:a", "AWARDED", "contract:c", {**EDGE, "sources": ["source:p-1"], "fiscal_year": 2020})
    batch.put_node("contract:c", "Contract", {"name": "C", "aliases": ["K2"], "sources": ["source:f"],
                                              "amount_usd": 7.0})
    batch.add_edge("agency:a", "AWARDED", "contract:c", {**EDGE, "sources": ["source:f"], "fiscal_year": 2021})
    assert node("contract:d", "Contract", {"name": "D", "aliases": ["d", "K", " k", ""], "sources": ["source:f"],
                                           "parent_piid": "", "amount_usd": None}) is fresh
    edge("agency:a", "FUNDED", "contract:d", {**EDGE, "sources": ["source:f"], "fiscal_year": None})
    return batch.build()


def test_a_fresh_record_drafted_again_merges_as_drafts_do(tmp_path):
    fresh, drafts = _draw(_batch(tmp_path), True), _draw(_batch(tmp_path), False)
    assert fresh.fresh.size == 2  # contract:d and its edge; the records drafted again were taken back
    assert sorted([*fresh.nodes, *fresh.fresh.nodes()], key=lambda n: n.id) == \
        sorted(drafts.nodes, key=lambda n: n.id)
    assert sorted([*fresh.edges, *fresh.fresh.edges()], key=lambda e: e.key) == \
        sorted(drafts.edges, key=lambda e: e.key)
    assert next(e for e in fresh.edges if e.type == "AWARDED").properties["sources"] == ["source:p-1", "source:f"]
    assert fresh.plan == drafts.plan


def test_fresh_records_are_validated_as_drafts_are(tmp_path):
    batch = _batch(tmp_path)
    with pytest.raises(Exception, match="url"):
        batch.add_fresh_node("source:bad", "Source", {**SOURCE, "name": "B", "url": "javascript:alert(1)"})
    assert batch.add_fresh_node("contract:c", "Contract", {"name": "C", "sources": ["source:f"]})
    with pytest.raises(Exception, match="unknown node id 'agency:nowhere'"):
        batch.add_fresh_edges([("agency:nowhere", "AWARDED", "contract:c")], {**EDGE, "sources": ["source:f"]})
    with pytest.raises(Exception, match="AWARDED cannot join a Contract"):
        batch.add_fresh_edges([("contract:c", "AWARDED", "contract:c")], {**EDGE, "sources": ["source:f"]})
    with pytest.raises(Exception, match="source 'source:nowhere' is not a known Source node"):
        batch.add_fresh_edges([("agency:a", "AWARDED", "contract:c"), ("agency:a", "FUNDED", "contract:c")],
                              {**EDGE, "sources": ["source:nowhere"]})
    with pytest.raises(Exception, match="evidence"):
        batch.add_fresh_edges([("agency:a", "AWARDED", "contract:c")], {"evidence": "hearsay", "sources": ["source:f"]})
    batch.add_fresh_edges([("agency:a", "AWARDED", "contract:c"), ("agency:a", "FUNDED", "contract:c")],
                          {**EDGE, "sources": [" source:f "], "fiscal_year": "2020"})
    built = batch.build()
    assert [(e.type, e.properties) for e in built.fresh.edges()] == [
        ("FUNDED", {"evidence": "public_record", "sources": ["source:f"], "fiscal_year": 2020}),
        ("AWARDED", {"evidence": "public_record", "sources": ["source:f"], "fiscal_year": 2020})]
    assert not batch.add_fresh_node("agency:a", "Agency", {"name": "A"})  # in the store: the caller drafts it


def test_fresh_properties_wait_beside_the_graph_file(tmp_path):
    folder = tmp_path / "graphs"
    folder.mkdir()
    batch = GraphBatch(EmbeddedStore(folder / "g.json"))
    spill = os.readlink(f"/proc/self/fd/{batch.fresh.props._file.fileno()}")  # an unnamed file: "(deleted)"
    assert spill.startswith(str(folder))
