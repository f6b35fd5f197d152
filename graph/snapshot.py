"""The embedded store's graph as columns: built from records once per write, then only read.

Nodes are numbered in id order and relationships in (source, type, target)
order, so "sorted by id" and "sorted by key" are plain number orders. Every
node has its incident relationships in one CSR block (`a.off`), ordered by
neighbour, which gives breadth-first searches and neighbourhoods their sorted
neighbours without sorting. Properties stay JSON bytes until asked for.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any, Iterator

import numpy as np
import orjson

from graph.blobs import Blobs
from graph.columns import Columns, ColumnSink, StrArray, put_chunks
from graph.model import Edge, Node
from graph.record_parts import EdgePart, NodePart
from graph.search_index import SearchIndex

NO_YEAR, OTHER_YEAR = np.iinfo(np.int64).min, np.iinfo(np.int64).min + 1  # None, and a year that is not an int


def amount_of(value: Any) -> float:
    """The amount used to order neighbours (`or 0`, as the ordering rule says)."""
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and value else 0.0


def year_of(value: Any) -> int:
    if value is None:
        return NO_YEAR
    return value if isinstance(value, int) and not isinstance(value, bool) else OTHER_YEAR


def encode_props(props: Any) -> bytes:
    """A record's properties as the file stores them (JSON)."""
    # orjson 3.13 hands back its 4 KB working buffer as the bytes object; a copy of the exact size keeps a
    # million records at ~200 MB instead of ~4 GB until the file is built.
    return bytes(memoryview(orjson.dumps(dict(props))))


@dataclass
class Records:
    """Everything a snapshot is built from, as parallel lists (nodes in any order, ids unique).

    A loader also hands its new records to a store this way (see GraphStore.write's `fresh`): encoded
    as the file keeps them, a million records take a fraction of the memory of Node and Edge objects.
    """

    ids: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    names: list[list[str]] = field(default_factory=list)
    amounts: list[float] = field(default_factory=list)
    props: list[bytes] | Blobs = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    edge_amounts: list[float] = field(default_factory=list)
    edge_props: list[bytes] | Blobs = field(default_factory=list)
    node_parts: list[NodePart] = field(default_factory=list)  # more nodes and relationships, as columns
    edge_parts: list[EdgePart] = field(default_factory=list)

    @classmethod
    def spilled(cls, folder: FilePath | None = None) -> Records:
        """Records whose encoded properties wait in a temporary file in `folder`, not in memory (graph.blobs)."""
        return cls(props=Blobs(folder), edge_props=Blobs(folder))

    def add_node(self, node: Node, props: bytes) -> None:
        self.ids.append(node.id)
        self.labels.append(node.label)
        self.names.append([node.name, *node.aliases])
        self.amounts.append(amount_of(node.properties.get("amount_usd")))
        self.props.append(props)

    def add_edge(self, edge: Edge, props: bytes) -> None:
        self.sources.append(edge.source)
        self.types.append(edge.type)
        self.targets.append(edge.target)
        self.evidence.append(edge.properties.get("evidence", ""))
        self.years.append(year_of(edge.properties.get("fiscal_year")))
        self.edge_amounts.append(amount_of(edge.properties.get("amount_usd")))
        self.edge_props.append(props)

    @property
    def size(self) -> int:
        """How many records (nodes and relationships)."""
        return self.node_count + self.edge_count

    @property
    def node_count(self) -> int:
        return len(self.ids) + sum(len(part) for part in self.node_parts)

    @property
    def edge_count(self) -> int:
        return len(self.sources) + sum(len(part) for part in self.edge_parts)

    def node_ids(self) -> Iterator[str]:
        """The ids of every node, in the lists and in the parts."""
        yield from self.ids
        for part in self.node_parts:
            yield from part.ids.to_pylist()

    def expand_parts(self) -> None:
        """Move the parts' records into the lists, as add_node / add_edge would have put them."""
        while self.node_parts:
            part = self.node_parts.pop()
            self.ids += part.ids.to_pylist()
            self.labels += [part.label] * len(part)
            self.names += part.names.to_pylist()
            self.amounts += part.amounts.tolist()
            for props in part.props.to_pylist():
                self.props.append(props)
        while self.edge_parts:
            part = self.edge_parts.pop()
            self.sources += part.sources.to_pylist()
            self.types += [part.type] * len(part)
            self.targets += part.targets.to_pylist()
            self.evidence += part.evidence.to_pylist()
            self.years += part.years.tolist()
            self.edge_amounts += part.amounts.tolist()
            for props in part.props.to_pylist():
                self.edge_props.append(props)

    def take_node(self, node_id: str) -> Node | None:
        """Remove the node `node_id` and return it (a scan: for the rare record that turns out not to be new)."""
        try:
            i = self.ids.index(node_id)
        except ValueError:
            return None
        node = Node(node_id, self.labels[i], orjson.loads(self.props[i]))
        for column in (self.ids, self.labels, self.names, self.amounts, self.props):
            _swap_pop(column, i)
        return node

    def take_edges(self, keys: set[tuple[str, str, str]]) -> list[Edge]:
        """Remove the relationships with these keys and return them (a scan, as for take_node)."""
        taken: list[Edge] = []
        columns = (self.sources, self.types, self.targets, self.evidence, self.years, self.edge_amounts,
                   self.edge_props)
        e = 0
        while e < len(self.sources):
            key = (self.sources[e], self.types[e], self.targets[e])
            if key not in keys:
                e += 1
                continue
            taken.append(Edge(*key, orjson.loads(self.edge_props[e])))
            for column in columns:
                _swap_pop(column, e)
        return taken

    def nodes(self) -> Iterator[Node]:
        """The nodes as Node objects, emptying the node lists and parts as it goes."""
        while self.node_parts:
            yield from self.node_parts.pop().nodes()
        while self.ids:
            del self.names[-1], self.amounts[-1]
            yield Node(self.ids.pop(), self.labels.pop(), orjson.loads(self.props.pop()))

    def edges(self) -> Iterator[Edge]:
        """The relationships as Edge objects, emptying the relationship lists and parts as it goes."""
        while self.edge_parts:
            yield from self.edge_parts.pop().edges()
        while self.sources:
            del self.evidence[-1], self.years[-1], self.edge_amounts[-1]
            yield Edge(self.sources.pop(), self.types.pop(), self.targets.pop(), orjson.loads(self.edge_props.pop()))


def _swap_pop(column: list | Blobs, i: int) -> None:
    """Remove item i, moving the last item into its place (the order of records does not matter)."""
    if isinstance(column, Blobs):
        column.swap_pop(i)
        return
    column[i] = column[-1]
    column.pop()


def _codes(values: list[str]) -> tuple[list[str], np.ndarray]:
    table = sorted(set(values))
    code = {name: i for i, name in enumerate(table)}
    return table, np.fromiter((code[v] for v in values), dtype=np.uint16, count=len(values))


def _strings(prefix: str, items: list) -> Columns:
    array = StrArray.build(items)
    return {f"{prefix}.blob": array.blob, f"{prefix}.off": array.offsets}


def _put_ordered(out: ColumnSink, prefix: str, items: list[bytes] | Blobs, order: list[int]) -> None:
    """The columns of a StrArray of `items` taken in `order`; spilled items are copied out piece by piece."""
    if not isinstance(items, Blobs):
        out.update(_strings(prefix, [items[i] for i in order]))
        return
    index = np.asarray(order, dtype=np.int64)
    offsets = np.zeros(len(index) + 1, dtype=np.int64)
    np.cumsum(items.lengths(index), out=offsets[1:])
    put_chunks(out, f"{prefix}.blob", items.gather(index), np.dtype(np.uint8))
    out.update({f"{prefix}.off": offsets})


def build(records: Records, out: ColumnSink) -> dict[str, Any]:
    """Put the columns of a file holding `records` in `out`; return the file's header fields.

    `records` is emptied as its columns are made, and each column goes to `out` once made and is dropped
    here, so a big write to a ColumnWriter holds each value once and only until it is written: the search
    index, built last, has the memory the rest has given back.
    """
    r = records
    r.expand_parts()
    order = sorted(range(len(r.ids)), key=r.ids.__getitem__)
    ids = [r.ids[i] for i in order]
    r.ids = []
    labels, label_code = _codes([r.labels[i] for i in order])
    r.labels = []
    names = [r.names[i] for i in order]
    r.names = []
    counts = np.fromiter((len(n) for n in names), dtype=np.int64, count=len(names))
    first = np.zeros(len(names) + 1, dtype=np.int64)
    np.cumsum(counts, out=first[1:])
    entry_node = np.repeat(np.arange(len(names), dtype=np.int32), counts)
    name_array = StrArray.build([name for group in names for name in group])
    # Numbers are in id order and the sort is stable, so ties on the name stay in id order (no key tuples).
    folded = [group[0].casefold() for group in names]
    del names
    by_name = sorted(range(len(ids)), key=folded.__getitem__)
    del folded
    name_order = np.empty(len(ids), dtype=np.int32)
    name_order[np.asarray(by_name, dtype=np.int64)] = np.arange(len(ids), dtype=np.int32)
    del by_name
    out.update({**_strings("n.ids", ids), "n.label": label_code,
                "n.amount": np.array([r.amounts[i] for i in order], dtype=np.float64)})
    r.amounts = []
    _put_ordered(out, "n.props", r.props, order)
    r.props = []
    del order
    out.update({"n.names.blob": name_array.blob, "n.names.off": name_array.offsets, "n.first": first,
                "n.entry_node": entry_node, "n.order": name_order})
    del name_order
    types, type_code = _codes(r.types)
    evidence, evidence_code = _codes(r.evidence)
    r.types = r.evidence = []
    number = {node_id: i for i, node_id in enumerate(ids)}
    n_nodes = len(ids)
    del ids
    src = np.fromiter((number[s] for s in r.sources), dtype=np.int32, count=len(r.sources))
    dst = np.fromiter((number[t] for t in r.targets), dtype=np.int32, count=len(r.targets))
    del number
    r.sources = r.targets = []
    edge_order = np.lexsort((dst, type_code, src))
    src, dst = src[edge_order], dst[edge_order]
    out.update({
        "e.src": src, "e.dst": dst, "e.type": type_code[edge_order], "e.evidence": evidence_code[edge_order],
        "e.year": np.array(r.years, dtype=np.int64)[edge_order] if r.years else np.zeros(0, np.int64),
        "e.amount": np.array(r.edge_amounts, dtype=np.float64)[edge_order],
    })
    del type_code, evidence_code
    r.years = r.edge_amounts = []
    _put_ordered(out, "e.props", r.edge_props, edge_order.tolist())
    r.edge_props = []
    del edge_order
    out.update(_adjacency(src, dst, n_nodes))
    n_edges = len(src)
    del src, dst
    SearchIndex.build(name_array, entry_node, first[:-1], out)
    return {"nodes": n_nodes, "edges": n_edges, "labels": labels, "types": types, "evidence": evidence}


def _adjacency(src: np.ndarray, dst: np.ndarray, n: int) -> Columns:
    """CSR of incident relationships per node, by neighbour then relationship number (a self-loop once)."""
    edge = np.arange(len(src), dtype=np.int32)
    loop = src == dst
    owner = np.concatenate([src, dst[~loop]])
    nbr = np.concatenate([dst, src[~loop]])
    edges = np.concatenate([edge, edge[~loop]])
    order = np.lexsort((edges, nbr, owner))
    off = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner, minlength=n), out=off[1:])
    return {"a.off": off, "a.nbr": nbr[order].astype(np.int32), "a.edge": edges[order].astype(np.int32)}


class Snapshot:
    """Read access to a built graph: nodes and relationships by number, adjacency, search."""

    def __init__(self, header: dict[str, Any], cols: Columns) -> None:
        self.header, self.cols = header, cols
        self.n_nodes, self.n_edges = header["nodes"], header["edges"]
        self.labels, self.types, self.evidence = header["labels"], header["types"], header["evidence"]
        self.ids = StrArray(cols["n.ids.blob"], cols["n.ids.off"])
        self.names = StrArray(cols["n.names.blob"], cols["n.names.off"])
        self._node_props = StrArray(cols["n.props.blob"], cols["n.props.off"])
        self._edge_props = StrArray(cols["e.props.blob"], cols["e.props.off"])
        self.label_code, self.amount, self.first = cols["n.label"], cols["n.amount"], cols["n.first"]
        self.name_order = cols["n.order"]
        self.src, self.dst, self.type_code = cols["e.src"], cols["e.dst"], cols["e.type"]
        self.evidence_code, self.year, self.edge_amount = cols["e.evidence"], cols["e.year"], cols["e.amount"]
        self.adj_off, self.adj_nbr, self.adj_edge = cols["a.off"], cols["a.nbr"], cols["a.edge"]
        self._search: SearchIndex | None = None

    @classmethod
    def empty(cls) -> Snapshot:
        return cls.in_memory(Records())

    @classmethod
    def in_memory(cls, records: Records) -> Snapshot:
        """The snapshot of `records` with its columns kept in memory (no file)."""
        cols: Columns = {}
        header = build(records, cols)
        return cls(header, cols)

    # -- nodes ---------------------------------------------------------------
    def number(self, node_id: str) -> int:
        """The node's number, or -1."""
        return self.ids.find(node_id)

    def node(self, i: int) -> Node:
        return Node(self.ids[i], self.labels[self.label_code[i]], orjson.loads(self._node_props.raw(i)))

    def node_props_raw(self, i: int) -> bytes:
        return self._node_props.raw(i)

    def node_names(self, i: int) -> list[str]:
        return self.names[int(self.first[i]):int(self.first[i + 1])]

    # -- relationships -------------------------------------------------------
    def edge(self, e: int) -> Edge:
        return Edge(self.ids[int(self.src[e])], self.types[self.type_code[e]], self.ids[int(self.dst[e])],
                    orjson.loads(self._edge_props.raw(e)))

    def edge_props_raw(self, e: int) -> bytes:
        return self._edge_props.raw(e)

    def find_edge(self, source: int, type_name: str, target: int) -> int:
        """The relationship number of (source, type, target), or -1."""
        if type_name not in self.types or source < 0 or target < 0:
            return -1
        code = self.types.index(type_name)
        lo, hi = self.adj_off[source], self.adj_off[source + 1]
        block = self.adj_nbr[lo:hi]
        start, end = np.searchsorted(block, target), np.searchsorted(block, target, side="right")
        for e in self.adj_edge[lo + start:lo + end].tolist():
            if self.src[e] == source and self.type_code[e] == code:
                return e
        return -1

    # -- adjacency -----------------------------------------------------------
    def incident(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """(neighbours, relationship numbers) of node i, by neighbour number."""
        lo, hi = self.adj_off[i], self.adj_off[i + 1]
        return self.adj_nbr[lo:hi], self.adj_edge[lo:hi]

    def degree(self, i: int) -> int:
        return int(self.adj_off[i + 1] - self.adj_off[i])

    # -- search ---------------------------------------------------------------
    @property
    def search(self) -> SearchIndex:
        if self._search is None:
            self._search = SearchIndex(self.cols, self.cols["n.entry_node"], self.label_code)
        return self._search

    def copy_into(self, records: Records, skip_nodes: set[int], skip_edges: set[int]) -> None:
        """Append every node and relationship not skipped to `records`, reusing stored bytes and columns."""
        ids = list(self.ids)
        labels = [self.labels[c] for c in self.label_code.tolist()]
        names = list(self.names)
        bounds = self.first.tolist()
        node_props = self._node_props.raw_list()
        amounts = self.amount.tolist()
        for i in range(self.n_nodes):
            if i in skip_nodes:
                continue
            records.ids.append(ids[i])
            records.labels.append(labels[i])
            records.names.append(names[bounds[i]:bounds[i + 1]])
            records.amounts.append(amounts[i])
            records.props.append(node_props[i])
        edge_props = self._edge_props.raw_list()
        types = [self.types[c] for c in self.type_code.tolist()]
        evidence = [self.evidence[c] for c in self.evidence_code.tolist()]
        src, dst, years, edge_amounts = self.src.tolist(), self.dst.tolist(), self.year.tolist(), \
            self.edge_amount.tolist()
        for e in range(self.n_edges):
            if e in skip_edges:
                continue
            records.sources.append(ids[src[e]])
            records.types.append(types[e])
            records.targets.append(ids[dst[e]])
            records.evidence.append(evidence[e])
            records.years.append(years[e])
            records.edge_amounts.append(edge_amounts[e])
            records.edge_props.append(edge_props[e])
