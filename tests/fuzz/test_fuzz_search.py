"""Hostile search strings: the embedded store's index answers exactly as graph.search.rank does, never crashes."""
from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from graph.model import Node
from graph.search import rank, score, suggest
from graph.store_networkx import EmbeddedStore
from graph.text import fold
from tests.fuzz.hostile import hostile_text, with_surrogates

LABELS = ["Company", "Agency", "Product", "Contract", "Source", "Person", "Nope"]
queries = st.one_of(with_surrogates, st.sampled_from(["palantir", "Palantyr", "ICE", "falcón", "amazon web",
                                                      "a", "-", "  ", "\u202eERI", "ice ice ice ice ice"]))


def ids(hits) -> list[str]:
    return [hit.node.id for hit in hits]


@given(query=queries, labels=st.one_of(st.none(), st.lists(st.sampled_from(LABELS), max_size=3)),
       limit=st.integers(1, 12))
def test_the_index_agrees_with_rank(seed_store, query, labels, limit):
    expected = ids(rank(query, seed_store.nodes(), labels=labels, limit=limit)) if fold(query) else []
    assert ids(seed_store.search(query, labels=labels, limit=limit)) == expected


@given(query=queries, name=with_surrogates)
def test_scores_and_suggestions_take_any_text(query, name):
    assert 0.0 <= score(query, name) <= 100.0
    assert set(suggest(query, [name, "Palantir"])) <= {name, "Palantir"}


names = hostile_text(max_parts=4).filter(lambda text: fold(text) != "")


@given(chosen=st.lists(names, min_size=1, max_size=4, unique_by=fold))
def test_every_hostile_name_finds_its_entity(tmp_path_factory, chosen):
    path: Path = tmp_path_factory.mktemp("search") / "graph.json"
    store = EmbeddedStore(path)
    store.write([Node(f"company:n{number}", "Company", {"name": name}) for number, name in enumerate(chosen)], [])
    reopened = EmbeddedStore(path)  # the index read back from the file
    for number, name in enumerate(chosen):
        for each in (store, reopened):
            assert f"company:n{number}" in ids(each.search(name, limit=len(chosen)))
    store.close()
    reopened.close()
