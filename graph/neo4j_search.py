"""Lucene queries on the Neo4j full-text index that find the candidates `graph.search.rank` then orders.

The index holds `search_keys`: every folded word of each name and alias,
each name's compact form and each identifier's compact form
(graph.neo4j_write.search_keys). Two queries:

- `fulltext_query` finds every node `graph.search.score` rates WORDS or
  better (exact, prefix, every word), all of them, so the tie order by name is
  exactly the embedded store's;
- `typo_query` finds typo candidates with fuzzy terms (`palantyr~2`) and
  three-letter runs (`*pal*`): a node whose name `graph.search._fuzzy` rates
  at FUZZY_CUTOFF or more almost always holds a word within Lucene's two edits
  of a query word, or a word sharing three letters in a row with the query.
  Each word gets the edits its length allows at that cutoff and no more, so
  short words do not match half the index. The store takes the best
  TYPO_CANDIDATES by Lucene's score.

Known gap: on a graph with more than TYPO_CANDIDATES such candidates the
closest by Lucene's score are ranked, so a typo-tier hit can differ from the
embedded store's there; the tiers above are exact.
"""
from __future__ import annotations

import math

from graph.search import FUZZY_CUTOFF, ID_PREFIX
from graph.text import compact, fold

LUCENE_MAX_EDITS = 2
GRAM = 3  # letters in a row that a word reaching the cutoff beyond two edits shares with the query
MAX_GRAMS = 8  # of them per query, spread over it: each is a scan of the index's terms
TYPO_CANDIDATES = 2000
# graph.search_index.Table.lengths: a word reaching the cutoff is at most this many times the query word's length.
_LONGEST = 1.78


def fulltext_query(text: str) -> str:
    """A Lucene query that finds every node `graph.search.score` rates WORDS or better.

    Query words must each start a word of one name (`acme* AND da*`), or the
    whole query must equal a name or an identifier without spaces (`toolsa`).
    A query long enough to find identifiers it starts also takes the terms its
    compact form starts (`contawd70de*`): an identifier that starts with the
    query starts so without spaces too. Folded text holds only [0-9a-z ], so
    nothing needs escaping and no word is an operator.
    """
    folded = fold(text)
    whole = compact(text)
    query = f"({' AND '.join(part + '*' for part in folded.split())}) OR {whole}"
    return f"{query} OR {whole}*" if len(folded) >= ID_PREFIX else query


def max_edits(size: int) -> int:
    """Edits that still allow a `fuzz.ratio` of FUZZY_CUTOFF with some word, for a query word of `size` letters.

    ratio = 100 (1 - indel / (a + b)) and an edit distance is never more than
    the indel distance, so the edits are at most (1 - cutoff / 100) (a + b).
    """
    longest = math.floor(size * _LONGEST)
    return min(LUCENE_MAX_EDITS, math.floor((1 - FUZZY_CUTOFF / 100) * (size + longest) + 1e-9))


def typo_query(text: str) -> str:
    """Any query word within its allowed edits, or any term holding one of the query's three-letter runs.

    `palantyr~2 tech~2 palantyrtech~2 *pal* *ala* ...`: past two edits a long
    word can still reach the cutoff (`inmigracion` and `investigacion`), and
    such a word shares three letters in a row with the query. Lucene scores a
    node higher the more of them it holds, so the capped candidates are the
    closest ones.
    """
    words = fold(text).split()
    whole = compact(text)
    edits = {term: max_edits(len(term)) for term in [*words, whole]}
    parts = [f"{term}~{count}" if count else term for term, count in edits.items()]
    grams = list(dict.fromkeys(whole[i:i + GRAM] for i in range(len(whole) - GRAM + 1)))
    step = max(1, len(grams) / MAX_GRAMS)
    parts += [f"*{grams[int(i * step)]}*" for i in range(min(len(grams), MAX_GRAMS))]
    return " ".join(parts)
