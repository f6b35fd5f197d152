"""New records as columns: how a bulk loader hands a million records to a store without Python objects.

A part holds records of one label (nodes) or one type (relationships), each
field a column: ids and names as pyarrow arrays, amounts and years as numpy
arrays, properties as a pyarrow binary array of the bytes `encode_props`
gives. A loader that makes them promises what `GraphBatch.add_fresh_node`
checks one record at a time: every record is valid against the schema, new to
the store and to the rest of the load, and each relationship's ends exist.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np
import orjson
import pyarrow as pa

from graph.columns import StrArray
from graph.mapped import drop_pages
from graph.model import Edge, Node


@dataclass
class NodePart:
    """Nodes of one label."""

    label: str
    ids: pa.Array  # string, unique
    names: pa.Array  # list<string>: the name, then the aliases
    amounts: np.ndarray  # float64: snapshot.amount_of(amount_usd)
    props: pa.Array  # binary: snapshot.encode_props(properties)
    identifiers: pa.Array  # list<string>: graph.search.identifiers_of each node

    def __len__(self) -> int:
        return len(self.ids)

    def nodes(self) -> Iterator[Node]:
        for node_id, props in zip(self.ids.to_pylist(), self.props.to_pylist()):
            yield Node(node_id, self.label, orjson.loads(props))


@dataclass
class EdgePart:
    """Relationships of one type."""

    type: str
    sources: pa.Array  # string: source node ids
    targets: pa.Array  # string: target node ids
    evidence: pa.Array  # string: the evidence property
    years: np.ndarray  # int64: snapshot.year_of(fiscal_year)
    amounts: np.ndarray  # float64: snapshot.amount_of(amount_usd)
    props: pa.Array  # binary: snapshot.encode_props(properties)

    def __len__(self) -> int:
        return len(self.sources)

    def edges(self) -> Iterator[Edge]:
        for source, target, props in zip(self.sources.to_pylist(), self.targets.to_pylist(), self.props.to_pylist()):
            yield Edge(source, self.type, target, orjson.loads(props))


_GATHER = 1 << 16  # records gathered per piece of a property column


def flat(values: pa.Array | pa.ChunkedArray, kind: pa.DataType) -> pa.Array:
    """One array of `kind`: large_string, large_binary or large_list<large_string> (64-bit offsets, so that
    parts join whatever their size, and given as string or binary, plain or dictionary, alike)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return values if values.type == kind else values.cast(kind)


def join(arrays: list[pa.Array], kind: pa.DataType) -> pa.Array:
    """The arrays, each made `flat`, one after another."""
    return pa.concat_arrays([flat(array, kind) for array in arrays]) if arrays else pa.array([], kind)


class Gather:
    """The property bytes of several parts, read in any order a piece at a time (never joined whole)."""

    def __init__(self, arrays: list[pa.Array]) -> None:
        self.arrays = [flat(array, pa.large_binary()) for array in arrays]
        self.starts = np.cumsum([0] + [len(array) for array in self.arrays])

    def lengths(self, order: np.ndarray) -> np.ndarray:
        """The byte length of each record in `order` (numbered across the parts, one after another)."""
        if not self.arrays:
            return np.zeros(0, dtype=np.int64)
        every = np.concatenate([np.diff(StrArray.from_arrow(array).offsets) for array in self.arrays])
        return every[order]

    def pieces(self, order: np.ndarray) -> Iterator[np.ndarray]:
        """The bytes of the records in `order`, concatenated, as consecutive uint8 pieces (the pages of mapped
        parts read for a piece are dropped from the process once it is made)."""
        for at in range(0, len(order), _GATHER):
            wanted = order[at:at + _GATHER]
            part = np.searchsorted(self.starts, wanted, side="right") - 1
            if (part == part[0]).all():
                taken = self.arrays[part[0]].take(pa.array(wanted - self.starts[part[0]]))
            else:  # from several parts: each part's share, joined, then put in place
                where = [np.flatnonzero(part == p) for p in np.unique(part).tolist()]
                joined = pa.concat_arrays([self.arrays[part[w[0]]].take(pa.array(wanted[w] - self.starts[part[w[0]]]))
                                           for w in where])
                place = np.empty(len(wanted), dtype=np.int64)
                place[np.concatenate(where)] = np.arange(len(wanted))
                taken = joined.take(pa.array(place))
            drop_pages()
            yield StrArray.from_arrow(taken).blob
