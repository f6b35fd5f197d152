"""Turning what a user typed (an id, a name, an alias) into one entity."""
from __future__ import annotations

from graph.errors import NotFound
from graph.model import Node
from graph.search import WORDS
from graph.store import GraphStore

SUGGESTIONS = 3  # names offered when nothing matches well enough


def resolve(store: GraphStore, text: str) -> Node:
    """The entity with this id, or the best name/alias match; NotFound with suggestions otherwise."""
    text = text.strip()
    if not text:
        raise NotFound(text, [])
    node = store.get(text)
    if node is not None:
        return node
    # The best hit alone first: a store's search gives the same best hit for any limit (graph.search.rank), and
    # asking for more makes it look for close spellings too, the slow part, when the name was typed in full.
    best = store.search(text, limit=1)
    if best and best[0].score >= WORDS:
        return best[0].node
    raise NotFound(text, [hit.node.name for hit in store.search(text, limit=SUGGESTIONS)])
