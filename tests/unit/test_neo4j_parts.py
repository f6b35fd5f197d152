"""The Neo4j store's pure parts: typo queries for the full-text index, and how a write is planned and cut up."""
from __future__ import annotations

import gc
import itertools

import pytest
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from graph import cypher
from graph.model import Edge, Node
from graph.neo4j_search import max_edits, typo_query
from graph.collector import collector_paused
from graph.neo4j_write import Held, Plan, chunks, node_row, plan_write, prefetched, search_keys
from tests.fixtures import as_parts


def test_typo_query_gives_each_word_the_edits_its_length_allows():
    assert typo_query("Palantyr Téch, x") == ("palantyr~2 tech~2 x palantyrtechx~2 "
                                               "*pal* *ala* *lan* *nty* *tyr* *yrt* *tec* *ech*")  # 8 of 11 runs
    assert [max_edits(size) for size in range(1, 6)] == [0, 1, 2, 2, 2]


def test_short_words_within_the_typo_cutoff_are_within_the_allowed_edits():
    """Every word a 1-3 letter query word reaches a fuzz.ratio of 72 with is found by `word~edits`."""
    letters = "abc"
    for size in (1, 2, 3):
        for query in map("".join, itertools.product(letters, repeat=size)):
            for length in range(1, 6):
                for word in map("".join, itertools.product(letters + "d", repeat=length)):
                    if fuzz.ratio(query, word) >= 72:
                        assert Levenshtein.distance(query, word) <= max_edits(size), (query, word)


def test_chunks_keep_order_and_cut_at_the_row_budget():
    sizes = [3, 1, 1, 4, 2, 2, 5]
    cut = list(chunks(sizes, lambda size: size, 4))
    assert cut == [[3, 1], [1], [4], [2, 2], [5]] and [s for chunk in cut for s in chunk] == sizes


def _reader(nodes: dict[str, Node], edges: dict[tuple[str, str, str], Edge]):
    """Answers plan_write's reads as a server holding `nodes` and `edges` would, and records what was asked."""
    asked: dict[str, list] = {}

    def read(statement: str, name: str, values: list) -> list:
        if values:  # the store sends no query for no values
            asked[statement] = values
        if statement == cypher.EXISTING_NODES:
            return [[{**nodes[i].properties, "id": i}, [cypher.ENTITY, nodes[i].label]] for i in values if i in nodes]
        if statement == cypher.EXISTING_IDS:
            return [i for i in values if i in nodes]
        found = [edges[tuple(key)] for key in values if tuple(key) in edges]
        return [[e.source, e.type, e.target, dict(e.properties)] for e in found]

    return read, asked


def test_a_plan_looks_up_only_relationships_whose_ends_were_stored_and_undoes_what_it_changes():
    stored = {"company:a": Node("company:a", "Company", {"name": "A", "aliases": ["AA"]}),
              "agency:x": Node("agency:x", "Agency", {"name": "X"})}
    old_edge = Edge("agency:x", "USES", "company:a", {"sources": ["s1"]})
    read, asked = _reader(stored, {old_edge.key: old_edge})
    nodes = [Node("company:a", "Product", {"name": "A2", "aliases": ["B"]}), Node("company:n", "Company", {"name": "N"})]
    edges = [Edge("agency:x", "USES", "company:a", {"sources": ["s2"]}),
             Edge("company:n", "SUBSIDIARY_OF", "company:a", {"sources": ["s1"]})]
    plan = plan_write(nodes, edges, read)
    assert asked[cypher.EXISTING_IDS] == ["agency:x"]
    assert asked[cypher.EXISTING_EDGES] == [["agency:x", "USES", "company:a"]]  # not the new node's
    assert [n.id for n in plan.new_nodes] == ["company:n"] and [e.type for e in plan.new_edges] == ["SUBSIDIARY_OF"]
    (old, new), = plan.changed_nodes
    assert old == stored["company:a"] and new.properties["aliases"] == ["AA", "B"] and new.label == "Product"
    assert plan.changed_edges[0][1].properties["sources"] == ["s1", "s2"]
    assert (plan.result.nodes_created, plan.result.nodes_updated, plan.result.edges_created,
            plan.result.edges_updated) == (1, 1, 1, 1)
    steps = list(plan.steps(batch_size=10))
    assert [step.apply[0] for step in steps] == [
        cypher.create_nodes("Company"), cypher.merge_nodes("Product"), cypher.create_edges("SUBSIDIARY_OF"),
        cypher.merge_edges("USES")]
    assert steps[0].undo == [(cypher.DELETE_NODES, ["company:n"])]
    assert steps[1].undo[0][0] == cypher.merge_nodes("Company")  # the old label comes back
    assert steps[2].undo == [(cypher.DELETE_EDGES, [["company:n", "SUBSIDIARY_OF", "company:a"]])]
    assert steps[3].undo[0][1][0]["properties"] == {"sources": ["s1"]}


def test_a_plan_reads_nothing_the_database_counts_say_cannot_exist():
    stored = {"agency:x": Node("agency:x", "Agency", {"name": "X"}), "company:a": Node("company:a", "Company", {})}
    nodes = [Node("company:n", "Company", {"name": "N"})]
    edges = [Edge("agency:x", "USES", "company:a", {"sources": ["s1"]}),
             Edge("company:n", "SUBSIDIARY_OF", "company:a", {"sources": ["s1"]})]
    read, asked = _reader(stored, {})
    plan = plan_write(nodes, edges, read, Held(nodes=2, rel_types=frozenset({"PART_OF"})))
    assert cypher.EXISTING_EDGES not in asked and asked[cypher.EXISTING_IDS] == ["agency:x", "company:a"]
    assert len(plan.new_edges) == 2
    read, asked = _reader({}, {})
    plan = plan_write([*nodes, *stored.values()], edges, read, Held.of([0] + [0] * len(cypher.REL_TYPES)))
    assert asked == {} and len(plan.new_nodes) == 3 and plan.result.edges_created == 2


def test_held_reads_the_count_of_each_type_in_schema_order():
    counts = [5] + [0] * len(cypher.REL_TYPES)
    counts[1 + cypher.REL_TYPES.index("USES")] = 3
    assert Held.of(counts) == Held(5, frozenset({"USES"}))


def test_an_empty_plan_has_no_steps():
    assert list(Plan().steps(batch_size=5)) == []


def test_the_cycle_collector_is_paused_while_rows_are_built_and_restored_however_it_ends():
    assert gc.isenabled()
    with pytest.raises(KeyboardInterrupt):
        with collector_paused():
            assert not gc.isenabled()
            raise KeyboardInterrupt
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # a caller that had it off keeps it off
    finally:
        gc.enable()


def test_fresh_parts_become_create_steps_with_the_rows_their_nodes_would_give():
    nodes = [Node("company:a", "Company", {"name": "Ácme-SA", "aliases": ["ACME S.A."], "amount_usd": 5.0}),
             Node("company:b", "Company", {"name": "B"}), Node("source:s", "Source", {"name": "S"})]
    edges = [Edge("company:a", "SUBSIDIARY_OF", "company:b", {"sources": ["source:s"], "evidence": "seed"})]
    fresh = as_parts(nodes, edges)
    plan = Plan()
    plan.add_parts(fresh.node_parts, fresh.edge_parts)
    steps = list(plan.steps(batch_size=1))
    assert [step.apply[0] for step in steps] == [cypher.create_nodes("Company")] * 2 + [
        cypher.create_nodes("Source"), cypher.create_edges("SUBSIDIARY_OF")]
    assert [step.apply[1][0] for step in steps[:3]] == [node_row(node) for node in nodes]
    assert steps[0].apply[1][0][cypher.SEARCH_KEYS] == search_keys(nodes[0]) == "acme sa acmesa s a"
    assert steps[3].apply[1] == [{"source": "company:a", "target": "company:b",
                                  "properties": {"sources": ["source:s"], "evidence": "seed"}}]
    assert steps[0].undo == [(cypher.DELETE_NODES, ["company:a"])]
    assert steps[3].undo == [(cypher.DELETE_EDGES, [["company:a", "SUBSIDIARY_OF", "company:b"]])]
    assert (plan.result.nodes_created, plan.result.edges_created) == (3, 1)


def test_a_plan_takes_fresh_nodes_as_ends_without_reading_them():
    read, asked = _reader({}, {})
    edges = [Edge("contract:new", "AWARDED_TO", "company:n", {"sources": ["s1"]})]
    plan = plan_write([Node("company:n", "Company", {"name": "N"})], edges, read, fresh_ids=frozenset({"contract:new"}))
    assert cypher.EXISTING_IDS not in asked and len(plan.new_edges) == 1
    with pytest.raises(LookupError):
        plan_write([], edges, read, fresh_ids=frozenset({"contract:other"}))


def test_prefetched_gives_every_item_in_order_and_passes_on_a_failure():
    assert list(prefetched(iter(range(5)))) == [0, 1, 2, 3, 4]

    def failing():
        yield 1
        raise ValueError("bad row")

    ready = prefetched(failing())
    assert next(ready) == 1
    with pytest.raises(ValueError, match="bad row"):
        next(ready)
