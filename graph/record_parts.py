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

from graph.model import Edge, Node


@dataclass
class NodePart:
    """Nodes of one label."""

    label: str
    ids: pa.Array  # string, unique
    names: pa.Array  # list<string>: the name, then the aliases
    amounts: np.ndarray  # float64: snapshot.amount_of(amount_usd)
    props: pa.Array  # binary: snapshot.encode_props(properties)

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
