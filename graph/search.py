"""Ranking of names and aliases for search; the same on every store.

A query is compared with every name and alias after `fold` (case, accents and
punctuation ignored). Exact matches come first, then names that start with the
query, then names holding every query word, then close spellings (typos).

Identifiers (properties the schema marks `identifier: true`, such as a
contract's award key) are matched whole: a query equal to one (folded, or
without spaces) is exact, and a query of ID_PREFIX characters or more that
starts one is a prefix match; their words and typos find nothing, so
"none" or "cont" do not hit every contract through `CONT_AWD_..._-NONE-_-NONE-`.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Iterable

from rapidfuzz import fuzz, process

from graph.model import Node
from graph.schema import get_schema
from graph.text import fold

EXACT, PREFIX, WORDS, FUZZY_CUTOFF = 100.0, 90.0, 80.0, 72.0
# Only this many characters of a query count: longer ones find nothing more than their start does,
# and typo matching on a 100 kB query against a 100 kB name would hold the store for minutes.
MAX_QUERY = 200
# A query this long (folded) or longer that starts an identifier finds it; shorter ones would only name the
# head every award key shares ("cont awd").
ID_PREFIX = 10


@dataclass(frozen=True)
class SearchHit:
    node: Node
    score: float
    matched: str  # the name or alias that matched best


def score(query: str, name: str) -> float:
    """How well `name` answers `query`, 0-100 (see module docstring)."""
    return _folded_score(fold(query), fold(name))


def _folded_score(q: str, n: str) -> float:
    """`score` of a folded query and a folded name."""
    if not q or not n:
        return 0.0
    if q == n or q.replace(" ", "") == n.replace(" ", ""):
        return EXACT
    if n.startswith(q):
        return PREFIX
    words = n.split()
    if all(any(w.startswith(part) for w in words) for part in q.split()):
        return WORDS
    return _fuzzy(q, words)


def _fuzzy(q: str, words: list[str]) -> float:
    """Typo tolerance: the query against the whole name, or against a run of as many words.

    A whole-name match scores highest, then a run of words, less the further
    into the name it starts, so "palantyr" prefers "Palantir" to "Contract X (Palantir)".
    """
    whole = fuzz.ratio(q, " ".join(words))
    best = whole * 0.75 if whole >= FUZZY_CUTOFF else 0.0
    size = len(q.split())
    for start in range(max(len(words) - size + 1, 0)):
        similarity = fuzz.ratio(q, " ".join(words[start:start + size]))
        if similarity >= FUZZY_CUTOFF:
            best = max(best, similarity * 0.7 - min(start, 10) * 0.5)
    return best


def clip(query: str) -> str:
    """The part of a query that searches (MAX_QUERY characters)."""
    return query[:MAX_QUERY]


def _identifier_score(q: str, key: str) -> float:
    """`score` of a folded query and a folded identifier: exact or prefix only."""
    if not q or not key:
        return 0.0
    if q.replace(" ", "") == key.replace(" ", ""):
        return EXACT
    return PREFIX if len(q) >= ID_PREFIX and key.startswith(q) else 0.0


def names_of(node: Node) -> list[str]:
    return [node.name, *node.aliases]


@cache
def identifier_properties() -> dict[str, tuple[str, ...]]:
    """The identifier properties of each label that has some."""
    return {name: label.identifiers for name, label in get_schema().labels.items() if label.identifiers}


def identifiers_of(node: Node) -> list[str]:
    """The node's identifier values (see module docstring)."""
    found = []
    for prop in identifier_properties().get(node.label, ()):
        value = node.properties.get(prop)
        if isinstance(value, str) and value:
            found.append(value)
    return found


def rank(query: str, nodes: Iterable[Node], *, labels: Iterable[str] | None = None,
         limit: int = 10) -> list[SearchHit]:
    """Best hits first; ties broken by name then id so every store agrees."""
    q = fold(clip(query))
    wanted = set(labels) if labels else None
    hits = []
    for node in nodes:
        if wanted and node.label not in wanted:
            continue
        scored = [(_folded_score(q, fold(name)), name) for name in names_of(node)]
        scored += [(_identifier_score(q, fold(key)), key) for key in identifiers_of(node)]
        best, matched = max(scored, key=lambda t: t[0])
        if best > 0:
            hits.append(SearchHit(node, best, matched))
    hits.sort(key=lambda h: (-h.score, fold(h.node.name), h.node.id))
    return hits[:limit]


def suggest(query: str, names: Iterable[str], limit: int = 3) -> list[str]:
    """Close spellings for a 'did you mean' message."""
    choices = {fold(n): n for n in names}
    found = process.extract(fold(query), list(choices), scorer=fuzz.WRatio, limit=limit, score_cutoff=50)
    return [choices[match] for match, _score, _index in found]
