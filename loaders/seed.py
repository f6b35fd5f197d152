"""Loading the cited seed data (seed_data/) into a store."""
from __future__ import annotations

from pathlib import Path

from graph.store import GraphStore, WriteResult
from loaders.records import read_folder
from loaders.validate import Batch, build_batch

SEED_DIR = Path(__file__).resolve().parent.parent / "seed_data"


def read_seed(folder: Path = SEED_DIR, store: GraphStore | None = None) -> Batch:
    """Read and validate every seed file; raises LoadError, writes nothing."""
    return build_batch(read_folder(folder), store)


def load_seed(store: GraphStore, folder: Path = SEED_DIR) -> WriteResult:
    """Validate the whole seed folder, then merge it into the store in one write."""
    batch = read_seed(folder, store)
    return store.write(batch.nodes, batch.edges)


def ensure_seeded(store: GraphStore, folder: Path = SEED_DIR) -> bool:
    """Load the seed data if the store is empty; True when it did."""
    if store.stats().nodes:
        return False
    load_seed(store, folder)
    return True
