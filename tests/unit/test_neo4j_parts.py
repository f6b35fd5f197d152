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
from graph.neo4j_write import Held, Plan, chunks, collector_paused, plan_write


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
    cut = chunks(sizes, lambda size: size, 4)
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
    steps = plan.steps(batch_size=10)
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
    assert Plan().steps(batch_size=5) == []


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
