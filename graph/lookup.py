"""Turning what a user typed (an id, a name, an alias) into one entity."""
from __future__ import annotations

from graph.errors import NotFound
from graph.model import Node
from graph.search import WORDS
from graph.store import GraphStore


def resolve(store: GraphStore, text: str) -> Node:
    """The entity with this id, or the best name/alias match; NotFound with suggestions otherwise."""
    text = text.strip()
    node = store.get(text) if text else None
    if node is not None:
        return node
    hits = store.search(text, limit=5) if text else []
    if hits and hits[0].score >= WORDS:
        return hits[0].node
    raise NotFound(text, [hit.node.name for hit in hits[:3]])
