"""Copying a whole graph between stores: `python -m loaders copy --from embedded --to neo4j` (and back)."""
from __future__ import annotations

import os

from graph.store import GraphStore, Stats, WriteResult, open_store


def copy_graph(source: GraphStore, target: GraphStore) -> WriteResult:
    """Merge every node and relationship of `source` into `target` in one write: all or nothing, safe to repeat."""
    return target.write(source.nodes(), source.edges())


def copy_between(from_backend: str, to_backend: str, db: str | os.PathLike | None = None) -> tuple[WriteResult, Stats]:
    """Open both stores (`db` is the embedded side's file), copy, and return what changed and the target's totals."""
    if from_backend == to_backend:
        raise ValueError("--from and --to must name different stores")
    source = open_store(db, from_backend)
    try:
        target = open_store(db, to_backend)
        try:
            return copy_graph(source, target), target.stats()
        finally:
            target.close()
    finally:
        source.close()
