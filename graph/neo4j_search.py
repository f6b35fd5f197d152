"""Lucene queries on the Neo4j full-text index that find the candidates `graph.search.rank` then orders.

The index holds `search_keys`: every folded word of each name and alias and
each name's compact form (graph.neo4j_write.search_keys). Two queries:

- `fulltext_query` finds every node `graph.search.score` rates WORDS or
  better (exact, prefix, every word), all of them, so the tie order by name is
  exactly the embedded store's;
- `typo_query` finds typo candidates with fuzzy terms (`palantyr~2`) and
  half-word prefixes (`pala*`): a node whose name `graph.search._fuzzy` rates
  at FUZZY_CUTOFF or more almost always holds a word within Lucene's two edits
  of a query word or starting like it, or a compact name within two edits of
  the compact query. Each word gets the edits its length allows at that cutoff
  and no more, so short words do not match half the index. The store takes
  the best TYPO_CANDIDATES by Lucene's score.

Known gap: a name that reaches the cutoff only through words that are both
more than two edits away from every query word and start differently, or a
query with more than TYPO_CANDIDATES such candidates, may rank differently
from the embedded store in the typo tier; the tiers above are exact.
"""
from __future__ import annotations

import math

from graph.search import FUZZY_CUTOFF
from graph.text import compact, fold

LUCENE_MAX_EDITS = 2
PREFIXED = 4  # words this long may reach the cutoff beyond Lucene's two edits (see typo_query)
TYPO_CANDIDATES = 2000
# graph.search_index.Table.lengths: a word reaching the cutoff is at most this many times the query word's length.
_LONGEST = 1.78


def fulltext_query(text: str) -> str:
    """A Lucene query that finds every node `graph.search.score` rates WORDS or better.

    Query words must each start a word of one name (`acme* AND da*`), or the
    whole query must equal a name without spaces (`toolsa`). Folded text holds
    only [0-9a-z ], so nothing needs escaping and no word is an operator.
    """
    parts = fold(text).split()
    return f"({' AND '.join(part + '*' for part in parts)}) OR {compact(text)}"


def max_edits(size: int) -> int:
    """Edits that still allow a `fuzz.ratio` of FUZZY_CUTOFF with some word, for a query word of `size` letters.

    ratio = 100 (1 - indel / (a + b)) and an edit distance is never more than
    the indel distance, so the edits are at most (1 - cutoff / 100) (a + b).
    """
    longest = math.floor(size * _LONGEST)
    return min(LUCENE_MAX_EDITS, math.floor((1 - FUZZY_CUTOFF / 100) * (size + longest) + 1e-9))


def typo_query(text: str) -> str:
    """Any query word or the compact query within its allowed edits, or starting with its first half.

    `palantyr~2 pala* tech~2 te* palantyrtech~2 palant*`: past two edits a long
    word can still reach the cutoff (`immigrationos` and `immigrant`), and such
    a word nearly always keeps the query word's first half.
    """
    terms = list(dict.fromkeys([*fold(text).split(), compact(text)]))
    parts: list[str] = []
    for term in terms:
        parts.append(f"{term}~{max_edits(len(term))}" if max_edits(len(term)) else term)
        if len(term) >= PREFIXED:
            parts.append(term[:max(3, math.ceil(len(term) / 2))] + "*")
    return " ".join(dict.fromkeys(parts))
