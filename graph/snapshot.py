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
import pyarrow as pa
import pyarrow.compute as pc

from graph.blobs import Blobs
from graph.columns import Columns, ColumnSink, StrArray, put_chunks, put_made
from graph.errors import StoreError
from graph.mapped import drop_pages
from graph.model import Edge, Node
from graph.record_parts import EdgePart, Gather, NodePart, flat, join
from graph.search import identifiers_of
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
    """Everything a snapshot is built from: parallel lists, and parts (graph.record_parts) for records given
    as columns (nodes in any order, ids unique).

    A loader also hands its new records to a store this way (see GraphStore.write's `fresh`): encoded
    as the file keeps them, a million records take a fraction of the memory of Node and Edge objects, and
    as parts no Python object at all. `build` turns the lists into one more part and works on columns.
    """

    ids: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    names: list[list[str]] = field(default_factory=list)
    amounts: list[float] = field(default_factory=list)
    props: list[bytes] | Blobs = field(default_factory=list)
    identifiers: list[list[str]] = field(default_factory=list)
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
        self.identifiers.append(identifiers_of(node))

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

    def held(self, node_ids: set[str]) -> set[str]:
        """Those of `node_ids` that are nodes here (in the lists or in the parts, looked up all at once)."""
        found = node_ids.intersection(self.ids)
        wanted = pa.array(list(node_ids), pa.large_string())
        for part in self.node_parts:
            ids = flat(part.ids, pa.large_string())
            found.update(ids.filter(pc.is_in(ids, value_set=wanted)).to_pylist())
        return found

    def lists_into_parts(self) -> None:
        """Move the records in the lists into parts (one per label and per type), emptying the lists."""
        if self.ids:
            labels, code = np.unique(np.array(self.labels, dtype=object), return_inverse=True)
            ids, names = pa.array(self.ids, pa.large_string()), pa.array(self.names, pa.large_list(pa.large_string()))
            amounts, props = np.array(self.amounts, dtype=np.float64), _binary(self.props)
            identifiers = pa.array(self.identifiers, pa.large_list(pa.large_string()))
            self.ids, self.labels, self.names, self.amounts = [], [], [], []
            self.props, self.identifiers = [], []
            for at, label in enumerate(labels.tolist()):
                rows = np.flatnonzero(code == at)
                taken = pa.array(rows)
                self.node_parts.append(NodePart(label, ids.take(taken), names.take(taken), amounts[rows],
                                                props.take(taken), identifiers.take(taken)))
        if self.sources:
            types, code = np.unique(np.array(self.types, dtype=object), return_inverse=True)
            sources, targets = pa.array(self.sources, pa.large_string()), pa.array(self.targets, pa.large_string())
            evidence, props = pa.array(self.evidence, pa.large_string()), _binary(self.edge_props)
            years, amounts = np.array(self.years, dtype=np.int64), np.array(self.edge_amounts, dtype=np.float64)
            self.sources, self.types, self.targets, self.evidence = [], [], [], []
            self.years, self.edge_amounts = [], []
            self.edge_props = []
            for at, rel_type in enumerate(types.tolist()):
                rows = np.flatnonzero(code == at)
                taken = pa.array(rows)
                self.edge_parts.append(EdgePart(rel_type, sources.take(taken), targets.take(taken),
                                                evidence.take(taken), years[rows], amounts[rows], props.take(taken)))

    def take_node(self, node_id: str) -> Node | None:
        """Remove the node `node_id` and return it (a scan: for the rare record that turns out not to be new)."""
        try:
            i = self.ids.index(node_id)
        except ValueError:
            return None
        node = Node(node_id, self.labels[i], orjson.loads(self.props[i]))
        for column in (self.ids, self.labels, self.names, self.amounts, self.props, self.identifiers):
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
            del self.names[-1], self.amounts[-1], self.identifiers[-1]
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


def _binary(items: list[bytes] | Blobs) -> pa.Array:
    return items.to_arrow() if isinstance(items, Blobs) else pa.array(items, pa.large_binary())


def _strings(prefix: str, values: pa.Array) -> Columns:
    array = StrArray.from_arrow(values)
    return {f"{prefix}.blob": array.blob, f"{prefix}.off": array.offsets}


def _put_gathered(out: ColumnSink, prefix: str, props: Gather, order: np.ndarray) -> None:
    """The columns of a StrArray of the `props` records in `order`, written a piece at a time."""
    offsets = np.zeros(len(order) + 1, dtype=np.int64)
    np.cumsum(props.lengths(order), out=offsets[1:])
    put_chunks(out, f"{prefix}.blob", props.pieces(order), np.dtype(np.uint8))
    out.update({f"{prefix}.off": offsets})


def _sort_key(values: pa.Array) -> pa.Array:
    """`str.casefold` of each value, as sorting compares them (pyarrow for ASCII, Python for the rest)."""
    ascii_ = pc.string_is_ascii(values)
    lowered = pc.ascii_lower(values)
    others = np.flatnonzero(~np.asarray(ascii_.to_numpy(zero_copy_only=False), dtype=bool))
    if not len(others):
        return lowered
    folded = [value.casefold() for value in values.take(pa.array(others)).to_pylist()]
    return pc.replace_with_mask(lowered, pc.invert(ascii_), pa.array(folded, pa.large_string()))


def _numbers(ends: list[pa.Array], ids: pa.Array) -> np.ndarray:
    """The node number (place in the sorted `ids`) of every id in `ends`, one after another (one call for all
    of them: the look-up table of `ids` is built once)."""
    if not ends:
        return np.zeros(0, dtype=np.int32)
    every = pa.chunked_array([flat(end, pa.large_string()) for end in ends], pa.large_string())
    found = pc.index_in(every, value_set=ids)
    if found.null_count:
        missing = pc.filter(every, pc.is_null(found))
        raise StoreError(f"a relationship points to the unknown node {missing[0].as_py()!r}")
    return found.to_numpy().astype(np.int32)


def _code_table(values: list[pa.Array]) -> tuple[list[str], np.ndarray]:
    """(sorted distinct values, each value's place in them) for string columns given in parts."""
    encoded = [pc.dictionary_encode(flat(value, pa.large_string())) for value in values]
    table = sorted({text for part in encoded for text in part.dictionary.to_pylist()})
    where = {text: i for i, text in enumerate(table)}
    codes = [np.array([where[text] for text in part.dictionary.to_pylist()], dtype=np.uint16)[
        part.indices.to_numpy(zero_copy_only=False)] for part in encoded]
    return table, np.concatenate(codes) if codes else np.zeros(0, dtype=np.uint16)


def _fits_one_key(n_nodes: int, n_types: int) -> bool:
    """Can one int64 hold a relationship's (source, type, target)?"""
    return (n_nodes + 1) ** 2 * (n_types + 1) < 1 << 62


def _edge_key(src: np.ndarray, type_code: np.ndarray, dst: np.ndarray, n_types: int, n_nodes: int) -> np.ndarray:
    """(source, type, target) as one int64, in the same order."""
    return (src.astype(np.int64) * n_types + type_code) * n_nodes + dst


def _edge_order(src: np.ndarray, type_code: np.ndarray, dst: np.ndarray, n_types: int, n_nodes: int) -> np.ndarray:
    """Relationship numbers in (source, type, target) order."""
    if _fits_one_key(n_nodes, n_types):
        return np.argsort(_edge_key(src, type_code, dst, n_types, n_nodes), kind="stable")
    return np.lexsort((dst, type_code, src))


def build(records: Records, out: ColumnSink) -> dict[str, Any]:
    """Put the columns of a file holding `records` in `out`; return the file's header fields.

    Everything is worked on as columns: the records in lists become parts first, the parts are joined
    (but for the property bytes, which are gathered in file order a piece at a time), and `records` is
    emptied. Each column goes to `out` once made and is dropped here, so a big write to a ColumnWriter
    holds each value only until it is written: the search index, built last, has the memory the rest
    has given back.
    """
    r = records
    r.lists_into_parts()
    node_parts, edge_parts = [part for part in r.node_parts if len(part)], [part for part in r.edge_parts if len(part)]
    r.node_parts, r.edge_parts = [], []
    labels = sorted({part.label for part in node_parts})
    label_code = np.concatenate([np.full(len(part), labels.index(part.label), dtype=np.uint16)
                                 for part in node_parts]) if node_parts else np.zeros(0, dtype=np.uint16)
    ids = join([part.ids for part in node_parts], pa.large_string())
    order = pc.sort_indices(ids).to_numpy().astype(np.int64)
    ids = ids.take(pa.array(order))
    n_nodes = len(ids)
    out.update({**_strings("n.ids", ids), "n.label": label_code[order],
                "n.amount": np.concatenate([np.asarray(part.amounts, dtype=np.float64) for part in node_parts])[order]
                if node_parts else np.zeros(0, dtype=np.float64)})
    del label_code
    names = join([part.names for part in node_parts], pa.large_list(pa.large_string())).take(pa.array(order))
    identifiers = join([part.identifiers for part in node_parts], pa.large_list(pa.large_string())).take(
        pa.array(order))
    _put_gathered(out, "n.props", Gather([part.props for part in node_parts]), order)
    del order, node_parts
    first, entry_node = _spread(names)
    # pyarrow's sort is stable and nodes are numbered in id order, so ties on the name stay in id order.
    by_name = pc.sort_indices(_sort_key(pc.list_element(names, 0)) if n_nodes else ids).to_numpy()
    name_order = np.empty(n_nodes, dtype=np.int32)
    name_order[by_name] = np.arange(n_nodes, dtype=np.int32)
    del by_name
    name_values = names.flatten()
    del names
    out.update({**_strings("n.names", name_values), "n.first": first, "n.entry_node": entry_node,
                "n.order": name_order})
    del name_order
    id_first, id_node = _spread(identifiers)
    id_values = identifiers.flatten()
    del identifiers
    out.update({**_strings("n.idents", id_values), "n.idfirst": id_first})
    types = sorted({part.type for part in edge_parts})
    type_code = np.concatenate([np.full(len(part), types.index(part.type), dtype=np.uint16)
                                for part in edge_parts]) if edge_parts else np.zeros(0, dtype=np.uint16)
    evidence, evidence_code = _code_table([part.evidence for part in edge_parts])
    ends = _numbers([part.sources for part in edge_parts] + [part.targets for part in edge_parts], ids)
    src, dst = ends[:len(ends) // 2], ends[len(ends) // 2:]
    del ends
    drop_pages()  # the mapped parts' ends are read
    del ids
    edge_order = _edge_order(src, type_code, dst, len(types), n_nodes)
    src, dst = src[edge_order], dst[edge_order]

    def joined(column: str, dtype: type) -> np.ndarray:
        values = [np.asarray(getattr(part, column), dtype=dtype) for part in edge_parts]
        return np.concatenate(values)[edge_order] if values else np.zeros(0, dtype=dtype)

    out.update({"e.src": src, "e.dst": dst, "e.type": type_code[edge_order], "e.evidence": evidence_code[edge_order],
                "e.year": joined("years", np.int64), "e.amount": joined("amounts", np.float64)})
    del type_code, evidence_code
    _put_gathered(out, "e.props", Gather([part.props for part in edge_parts]), edge_order)
    del edge_order, edge_parts
    out.update(_adjacency(src, dst, n_nodes))
    n_edges = len(src)
    del src, dst
    put_made(out, SearchIndex.makers(name_values, entry_node, first[:-1], id_values, id_node))
    return {"nodes": n_nodes, "edges": n_edges, "labels": labels, "types": types, "evidence": evidence}


def _spread(lists: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Of a list column with one row per node: where each node's values start in the flattened column (one
    more at the end), and the node of each value."""
    counts = np.asarray(pc.list_value_length(lists).to_numpy(zero_copy_only=False), dtype=np.int64)
    first = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum(counts, out=first[1:])
    return first, np.repeat(np.arange(len(lists), dtype=np.int32), counts)


def _adjacency(src: np.ndarray, dst: np.ndarray, n: int) -> Columns:
    """CSR of incident relationships per node, by neighbour then relationship number (a self-loop once)."""
    # Each relationship's two entries side by side, so a stable sort on (owner, neighbour) keeps ties in
    # relationship number order.
    twice = np.ones(2 * len(src), dtype=bool)
    twice[1::2] = src != dst
    owner = np.stack([src, dst], axis=1).ravel()[twice]
    nbr = np.stack([dst, src], axis=1).ravel()[twice]
    edges = np.repeat(np.arange(len(src), dtype=np.int32), 2)[twice]
    order = np.argsort(owner.astype(np.int64) * max(n, 1) + nbr, kind="stable")
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
        # Identifier values (graph.search.identifiers_of), by node as names are; a file of version 2 has none.
        self.identifiers = StrArray(cols["n.idents.blob"], cols["n.idents.off"]) if "n.idfirst" in cols else \
            StrArray.empty()
        self.id_first = cols.get("n.idfirst", np.zeros(self.n_nodes + 1, dtype=np.int64))
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

    def numbers(self, node_ids: list[str]) -> np.ndarray:
        """The number of each of `node_ids` (-1 where absent), looked up all at once."""
        found = pc.index_in(pa.array(node_ids, pa.large_string()), value_set=self.ids.to_arrow())
        return np.asarray(found.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)

    def find_edges(self, source: np.ndarray, type_name: list[str], target: np.ndarray) -> np.ndarray:
        """`find_edge` of many (source number, type, target number) at once: relationship numbers, -1 where absent."""
        code = np.array([self.types.index(name) if name in self.types else -1 for name in type_name], dtype=np.int64)
        if not _fits_one_key(self.n_nodes, len(self.types)):
            return np.array([self.find_edge(int(s), name, int(t)) for s, name, t in
                             zip(source.tolist(), type_name, target.tolist())], dtype=np.int64)
        stored = _edge_key(self.src, self.type_code, self.dst, len(self.types), self.n_nodes)
        wanted = _edge_key(source, code, target, len(self.types), self.n_nodes)
        at = np.minimum(np.searchsorted(stored, wanted), max(len(stored) - 1, 0))
        hit = (source >= 0) & (target >= 0) & (code >= 0)
        if len(stored):
            hit &= stored[at] == wanted
        else:
            hit[:] = False
        return np.where(hit, at, -1)

    def copy_into(self, records: Records, skip_nodes: np.ndarray, skip_edges: np.ndarray) -> None:
        """Append every node and relationship not skipped (by number) to `records`, as parts made from the
        stored columns: one per label and per relationship type, no Python object per record."""
        ids = self.ids.to_arrow()
        keep = np.ones(self.n_nodes, dtype=bool)
        keep[skip_nodes] = False
        names = pa.LargeListArray.from_arrays(pa.array(self.first, pa.int64()), self.names.to_arrow())
        identifiers = pa.LargeListArray.from_arrays(pa.array(self.id_first, pa.int64()), self.identifiers.to_arrow())
        node_props = self._node_props.to_arrow(pa.large_binary())
        for code, label in enumerate(self.labels):
            rows = np.flatnonzero(keep & (self.label_code == code))
            pick = _picker(rows)
            if len(rows):
                records.node_parts.append(NodePart(label, pick(ids), pick(names), self.amount[rows], pick(node_props),
                                                   pick(identifiers)))
        keep = np.ones(self.n_edges, dtype=bool)
        keep[skip_edges] = False
        edge_props = self._edge_props.to_arrow(pa.large_binary())
        evidence = pa.array(self.evidence, pa.large_string())
        for code, rel_type in enumerate(self.types):
            rows = np.flatnonzero(keep & (self.type_code == code))
            pick = _picker(rows)
            if len(rows):
                records.edge_parts.append(EdgePart(
                    rel_type, ids.take(pa.array(self.src[rows])), ids.take(pa.array(self.dst[rows])),
                    evidence.take(pa.array(self.evidence_code[rows])), self.year[rows], self.edge_amount[rows],
                    pick(edge_props)))


def _picker(rows: np.ndarray):
    """A function giving the `rows` of an array: a slice (no copy) when they are one run, else a copy."""
    if len(rows) and rows[-1] - rows[0] + 1 == len(rows):
        return lambda values: values.slice(int(rows[0]), len(rows))
    taken = pa.array(rows)
    return lambda values: values.take(taken)
