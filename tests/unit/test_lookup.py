"""Resolving what a user typed: the best hit when it is good enough, close spellings otherwise."""
from __future__ import annotations

import pytest

from graph.errors import NotFound
from graph.lookup import resolve
from graph.search import WORDS


class Recording:
    """The store, with the limits it was searched with noted."""

    def __init__(self, store) -> None:
        self.store, self.limits = store, []

    def get(self, node_id):
        return self.store.get(node_id)

    def search(self, text, *, labels=None, limit=10):
        self.limits.append(limit)
        return self.store.search(text, labels=labels, limit=limit)


@pytest.mark.parametrize("text", ["Palantir", "palantir tech", "Amazon Web", "customs immigration", "HSI"])
def test_a_good_match_is_the_best_hit_found_without_looking_for_close_spellings(seed_store, text):
    store = Recording(seed_store)
    best = seed_store.search(text, limit=5)[0]
    assert best.score >= WORDS and resolve(store, text) == best.node
    assert store.limits == [1]  # one hit asked for: no typo search to fill a longer list


def test_no_good_match_names_the_three_closest(seed_store):
    with pytest.raises(NotFound) as caught:
        resolve(seed_store, "Palantyr")
    assert caught.value.suggestions == [hit.node.name for hit in seed_store.search("Palantyr", limit=5)[:3]]
    assert "Palantir Technologies" in caught.value.suggestions


def test_an_id_or_nothing(seed_store):
    assert resolve(seed_store, " agency:ice ").id == "agency:ice"
    with pytest.raises(NotFound):
        resolve(seed_store, "   ")
