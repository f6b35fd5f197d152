"""How Neo4jStore writes: plan in Python, apply in chunks of separate transactions, undo them all on failure.

A write of a USAspending file touches hundreds of thousands of records; as one
transaction it outgrows the server's transaction memory (716 MB on a 1 GB
heap). So the write is planned first (what exists is read, the embedded
store's merge rules make the final records, and every record is sorted into
new or changed), then applied chunk by chunk, each chunk its own transaction.
The plan is the write's journal: it knows which records this write created and
the previous version of every record it changed. If any chunk fails, or the
write is interrupted (KeyboardInterrupt), every chunk already sent, the
failing one included, is undone from the journal: created records are deleted, changed ones
restored. So `GraphStore.write` stays all or nothing, though a reader running
beside a big write may see part of it until it ends.

Records known to be new are CREATEd (the uniqueness constraint still guards
ids). A loader's fresh records given as columns (graph.record_parts) are new
by its promise: they are not planned at all, and their rows are built from the
columns, a batch at a time, without Node or Edge objects. Rows are built on a
worker thread one chunk ahead, while the server runs the current transaction.
A relationship can only exist if both its ends existed before this
write and the database holds relationships of its type (its counts say so
for free), so only those are looked up, and an empty database is not read.
"""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

import orjson
import pyarrow as pa

from graph import cypher
from graph.collector import collector_paused
from graph.errors import StoreError
from graph.merge import Changes, changes, merge_edge, merge_node, write_result
from graph.model import Edge, Node, in_schema_order
from graph.record_parts import EdgePart, NodePart
from graph.search import identifiers_of, names_of
from graph.store import WriteResult
from graph.text import compact, fold

log = logging.getLogger(__name__)

Statement = tuple[str, list[Any]]  # Cypher text and the rows of its $rows
Reader = Callable[[str, str, list[Any]], list[Any]]  # (statement, parameter name, values) -> rows
T = TypeVar("T")


def search_keys(node: Node) -> str:
    """Every folded word and the compact form of each name and alias, and the compact form of each identifier
    (searched whole, graph.search), for the full-text index."""
    return names_keys(names_of(node), identifiers_of(node))


def names_keys(names: Iterable[str], identifiers: Iterable[str]) -> str:
    """search_keys of a node with these names (its name, then its aliases) and identifiers."""
    keys: list[str] = []
    for name in names:
        keys += [*fold(name).split(), compact(name)]
    keys += [compact(key) for key in identifiers]
    return " ".join(dict.fromkeys(key for key in keys if key))


def node_row(node: Node) -> dict[str, Any]:
    """The stored property map of a node: its properties, id and search keys."""
    return {**node.properties, "id": node.id, cypher.SEARCH_KEYS: search_keys(node)}


def edge_row(edge: Edge) -> dict[str, Any]:
    return {"source": edge.source, "target": edge.target, "properties": dict(edge.properties)}


def batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def column_batches(*columns: pa.Array, size: int) -> Iterator[list[list[Any]]]:
    """The columns (of one length) as Python lists, `size` rows at a time."""
    for start in range(0, len(columns[0]), size):
        yield [column[start:start + size].to_pylist() for column in columns]


def node_part_steps(part: NodePart, batch_size: int) -> Iterator[Step]:
    """CREATE steps for a part's nodes, rows made from its columns a batch at a time (see node_row)."""
    statement, loads = cypher.create_nodes(part.label), orjson.loads
    for ids, names, props, identifiers in column_batches(part.ids, part.names, part.props, part.identifiers,
                                                         size=batch_size):
        rows = [{**loads(raw), "id": node_id, cypher.SEARCH_KEYS: names_keys(node_names, node_identifiers)}
                for node_id, node_names, raw, node_identifiers in zip(ids, names, props, identifiers)]
        yield Step((statement, rows), [(cypher.DELETE_NODES, ids)])


def edge_part_steps(part: EdgePart, batch_size: int) -> Iterator[Step]:
    """CREATE steps for a part's relationships, rows made from its columns a batch at a time (see edge_row)."""
    statement, loads = cypher.create_edges(part.type), orjson.loads
    for sources, targets, props in column_batches(part.sources, part.targets, part.props, size=batch_size):
        rows = [{"source": source, "target": target, "properties": loads(raw)}
                for source, target, raw in zip(sources, targets, props)]
        keys = [[source, part.type, target] for source, target in zip(sources, targets)]
        yield Step((statement, rows), [(cypher.DELETE_EDGES, keys)])


@dataclass
class Step:
    """One statement of a write and the statements that undo it."""

    apply: Statement
    undo: list[Statement]

    @property
    def rows(self) -> int:
        return len(self.apply[1])


@dataclass
class Plan:
    """The final records of one write, sorted into new and changed, with the previous version of each changed one."""

    new_nodes: list[Node] = field(default_factory=list)
    changed_nodes: list[tuple[Node, Node]] = field(default_factory=list)  # (previous, merged)
    new_edges: list[Edge] = field(default_factory=list)
    changed_edges: list[tuple[Edge, Edge]] = field(default_factory=list)
    node_parts: list[NodePart] = field(default_factory=list)  # fresh records, new by the loader's promise
    edge_parts: list[EdgePart] = field(default_factory=list)
    result: WriteResult = field(default_factory=WriteResult)

    def add_parts(self, node_parts: list[NodePart], edge_parts: list[EdgePart]) -> None:
        """Fresh records to create as they are, counted as created."""
        self.node_parts += node_parts
        self.edge_parts += edge_parts
        self.result.nodes_created += sum(map(len, node_parts))
        self.result.edges_created += sum(map(len, edge_parts))

    def steps(self, batch_size: int) -> Iterator[Step]:
        """Every statement that applies the plan, nodes before relationships, `batch_size` rows each.

        A created record is undone by deleting it, a changed one by writing its
        previous version back (label included). Each undo is harmless if its
        step never reached the server. Rows are made as the steps are taken.
        """
        for label_name, group in _grouped(self.new_nodes, lambda node: node.label):
            for batch in batches(group, batch_size):
                yield Step((cypher.create_nodes(label_name), [node_row(n) for n in batch]),
                           [(cypher.DELETE_NODES, [n.id for n in batch])])
        for label_name, group in _grouped(self.changed_nodes, lambda pair: pair[1].label):
            for batch in batches(group, batch_size):
                yield Step((cypher.merge_nodes(label_name), [node_row(new) for _old, new in batch]),
                           [(cypher.merge_nodes(old_label), [node_row(old) for old in olds])
                            for old_label, olds in _grouped([old for old, _new in batch], lambda n: n.label)])
        for node_part in self.node_parts:
            yield from node_part_steps(node_part, batch_size)
        for type_name, group in _grouped(self.new_edges, lambda edge: edge.type):
            for batch in batches(group, batch_size):
                yield Step((cypher.create_edges(type_name), [edge_row(e) for e in batch]),
                           [(cypher.DELETE_EDGES, [list(e.key) for e in batch])])
        for type_name, group in _grouped(self.changed_edges, lambda pair: pair[1].type):
            for batch in batches(group, batch_size):
                yield Step((cypher.merge_edges(type_name), [edge_row(new) for _old, new in batch]),
                           [(cypher.merge_edges(type_name), [edge_row(old) for old, _new in batch])])
        for edge_part in self.edge_parts:
            yield from edge_part_steps(edge_part, batch_size)


def _grouped(records: list[Any], group: Callable[[Any], str]) -> list[tuple[str, list[Any]]]:
    """Records by group name (sorted), in their order within each group."""
    found: dict[str, list[Any]] = {}
    for record in records:
        found.setdefault(group(record), []).append(record)
    return sorted(found.items())


def chunks(items: Iterable[T], rows: Callable[[T], int], chunk_rows: int) -> Iterator[list[T]]:
    """Consecutive items grouped so that each transaction holds at most about `chunk_rows` rows."""
    chunk: list[T] = []
    held = 0
    for item in items:
        if chunk and held + rows(item) > chunk_rows:
            yield chunk
            chunk, held = [], 0
        chunk.append(item)
        held += rows(item)
    if chunk:
        yield chunk


_DONE = object()


def prefetched(items: Iterator[T]) -> Iterator[T]:
    """`items`, the next one made on a worker thread while the caller works on the current one.

    The server runs a transaction while the next chunk's rows are built: the
    driver lets go of the GIL while it waits for the server. Closing the
    generator waits for the item being made.
    """
    with ThreadPoolExecutor(1, thread_name_prefix="neo4j-write-rows") as worker:
        ahead = worker.submit(next, items, _DONE)
        while (item := ahead.result()) is not _DONE:
            ahead = worker.submit(next, items, _DONE)
            yield item


def apply(plan: Plan, run: Callable[[list[Statement]], None], batch_size: int, chunk_rows: int) -> None:
    """Run the plan's steps, one transaction (`run`) per chunk; on any failure undo what was sent, then re-raise.

    The chunk that failed is undone too: after an interrupt or a lost
    connection its commit may have happened (and the driver may have retried
    it), and undoing a chunk that never landed changes nothing.
    Raises PartialWrite if undoing fails as well.
    """
    sent: list[list[Step]] = []
    try:
        with collector_paused(), closing(prefetched(chunks(plan.steps(batch_size), lambda step: step.rows,
                                                           chunk_rows))) as ready:
            for chunk in ready:
                sent.append(chunk)
                run([step.apply for step in chunk])
    except BaseException as exc:
        undo = [statement for chunk in reversed(sent) for step in reversed(chunk) for statement in step.undo]
        log.warning("a write failed in its transaction %d; undoing the write", len(sent))
        try:
            for part in chunks(undo, lambda statement: len(statement[1]), chunk_rows):
                run(part)
        except BaseException as undo_exc:
            raise PartialWrite(f"a write failed ({_first_line(exc)}) and undoing its first {len(sent)} "
                               f"transactions failed too ({_first_line(undo_exc)}): the database may hold "
                               "part of that write") from undo_exc
        raise


class PartialWrite(StoreError):
    """A chunked write failed and could not be undone."""


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@dataclass(frozen=True)
class Held:
    """What the server holds, by its counts (graph.cypher.HELD_COUNTS): no record is looked up that cannot exist."""

    nodes: int
    rel_types: frozenset[str]  # the types with at least one relationship

    @classmethod
    def of(cls, counts: list[int]) -> Held:
        """From HELD_COUNTS's row: the node count, then one count per type of cypher.REL_TYPES."""
        return cls(counts[0], frozenset(name for name, count in zip(cypher.REL_TYPES, counts[1:]) if count))


def plan_write(nodes: list[Node], edges: list[Edge], read: Reader, held: Held | None = None,
               fresh_ids: frozenset[str] = frozenset()) -> Plan:
    """Merge `nodes` and `edges` with what the server holds (read through `read`), as the embedded store does.

    With `held`, nothing is read from an empty database, and no relationship
    of a type the database holds none of is looked up. `fresh_ids` are the
    write's fresh nodes (new, and written besides the plan): ends of `edges` too.
    Raises LookupError naming the first relationship whose end is neither written nor stored.
    """
    empty = held is not None and not held.nodes
    ids = [] if empty else list(dict.fromkeys(node.id for node in nodes))
    current = {node.id: node for node in map(node_of, read(cypher.EXISTING_NODES, "ids", ids))}
    node_changes = changes(nodes, lambda node: node.id, current.get, merge_node)
    stored = set(current)
    ends = [] if empty else list(dict.fromkeys(end for edge in edges for end in (edge.source, edge.target)
                                               if end not in stored and end not in node_changes.records
                                               and end not in fresh_ids))
    stored |= set(read(cypher.EXISTING_IDS, "ids", ends))
    known = stored | fresh_ids
    dangling = next((e for e in edges if not _known(e.source, known, node_changes)
                     or not _known(e.target, known, node_changes)), None)
    if dangling:
        raise LookupError(dangling.key)
    # A relationship with an end new to the server cannot exist yet: look up only the others.
    keys = [list(key) for key in dict.fromkeys(e.key for e in edges if e.source in stored and e.target in stored
                                                and (held is None or e.type in held.rel_types))]
    current_edges = {edge.key: edge for edge in map(edge_of, read(cypher.EXISTING_EDGES, "keys", keys))}
    edge_changes = changes(edges, lambda edge: edge.key, current_edges.get, merge_edge)
    plan = Plan(result=write_result(node_changes, edge_changes))
    _sort(node_changes, current, plan.new_nodes, plan.changed_nodes)
    _sort(edge_changes, current_edges, plan.new_edges, plan.changed_edges)
    return plan


def _known(node_id: str, known: set[str], node_changes: Changes) -> bool:
    return node_id in known or node_id in node_changes.records


def _sort(found: Changes, current: dict[Any, Any], new: list[Any], changed: list[Any]) -> None:
    for key, record in found.records.items():
        if key in current:
            changed.append((current[key], record))
        else:
            new.append(record)


def node_of(row: list[Any]) -> Node:
    """A node from a [properties, labels] row."""
    props, labels = row
    node_id = props.pop("id")
    props.pop(cypher.SEARCH_KEYS, None)
    label = next(name for name in labels if name != cypher.ENTITY)
    return Node(node_id, label, in_schema_order(props, label))


def edge_of(row: list[Any]) -> Edge:
    """An edge from a [source, type, target, properties] row."""
    source, type_name, target, props = row
    return Edge(source, type_name, target, in_schema_order(props))
