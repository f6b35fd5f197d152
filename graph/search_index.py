"""An index that answers `graph.search.rank` without scoring every name.

`rank` sorts nodes by (-score, folded name, id), where a node's score is the
best of its names: 100 exact, 90 prefix, 80 every query word starts a word,
else a typo score below 80. The tiers are found with sorted tables instead of
a scan:

- exact: the folded and the compact (space-free) form of every name, sorted;
- prefix: a range of the sorted folded names;
- words: for each query word, a prefix range of the sorted words of all names,
  intersected per name (a name, not a node, must hold every word);
- typos (only when the tiers above give fewer hits than asked): candidates
  whose length and letters allow a `fuzz.ratio` of 72 (a cheap, exact bound:
  ratio = 200 * LCS / (len(a) + len(b)) and the LCS cannot hold more of a
  letter than either string does), then `fuzz.ratio` itself on the few left,
  for whole names and for runs of as many words as the query has.

Every candidate found that way is then scored with `graph.search.score`
itself, so hits, scores and order are exactly those of `rank`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
from rapidfuzz import fuzz, process

from graph.columns import Columns, StrArray
from graph.search import EXACT, FUZZY_CUTOFF, PREFIX, WORDS
from graph.text import fold

_FOLD_TABLE = bytes((c + 32 if 65 <= c <= 90 else c) if (48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122) else 32
                    for c in range(256))
# Bit of each character that `fold` can leave: 0-9, a-z, space.
_BIT = np.full(256, 63, dtype=np.uint64)
for _i, _c in enumerate(b"0123456789abcdefghijklmnopqrstuvwxyz "):
    _BIT[_c] = _i
_LETTER_BITS = np.where(_BIT < 63, np.left_shift(np.uint64(1), _BIT), np.uint64(0)).astype(np.uint64)
PERSISTED_RUNS = (1, 2)  # word runs kept in the file; longer queries build theirs on first use


def fold_bytes(name: str) -> bytes:
    """`graph.text.fold` as ASCII bytes, with a fast path for ASCII names."""
    if name.isascii():
        return b" ".join(name.encode("ascii").translate(_FOLD_TABLE).split())
    return fold(name).encode("ascii")


@dataclass
class Table:
    """Sorted distinct strings, the name entries holding each, and a by-length view for typo search."""

    keys: StrArray
    off: np.ndarray  # entries of keys[i] are entry[off[i]:off[i+1]]
    entry: np.ndarray
    by_len: np.ndarray  # key numbers ordered by length
    len_start: np.ndarray  # by_len[len_start[n]:len_start[n+1]] have length n
    masks: np.ndarray  # letter masks, in by_len order

    @classmethod
    def build(cls, groups: dict[bytes, list[int]]) -> Table:
        keys = sorted(k for k in groups if k)
        sizes = np.fromiter((len(groups[k]) for k in keys), dtype=np.int64, count=len(keys))
        off = np.zeros(len(keys) + 1, dtype=np.int64)
        np.cumsum(sizes, out=off[1:])
        entry = np.fromiter((e for k in keys for e in groups[k]), dtype=np.int32, count=int(off[-1]))
        strings = StrArray.build(keys)
        lengths = np.diff(strings.offsets)
        by_len = np.argsort(lengths, kind="stable").astype(np.int32)
        top = int(lengths.max()) if len(keys) else 0
        len_start = np.searchsorted(lengths[by_len], np.arange(top + 2)).astype(np.int64)
        bits = _LETTER_BITS[strings.blob]
        masks = np.bitwise_or.reduceat(bits, strings.offsets[:-1]) if len(keys) else np.zeros(0, np.uint64)
        return cls(strings, off, entry, by_len, len_start, masks[by_len])

    def columns(self, prefix: str) -> Columns:
        return {f"{prefix}.blob": self.keys.blob, f"{prefix}.koff": self.keys.offsets, f"{prefix}.off": self.off,
                f"{prefix}.entry": self.entry, f"{prefix}.bylen": self.by_len, f"{prefix}.lens": self.len_start,
                f"{prefix}.masks": self.masks}

    @classmethod
    def from_columns(cls, cols: Columns, prefix: str) -> Table:
        return cls(StrArray(cols[f"{prefix}.blob"], cols[f"{prefix}.koff"]), cols[f"{prefix}.off"],
                   cols[f"{prefix}.entry"], cols[f"{prefix}.bylen"], cols[f"{prefix}.lens"], cols[f"{prefix}.masks"])

    def entries(self, lo: int, hi: int) -> np.ndarray:
        return self.entry[self.off[lo]:self.off[hi]]

    def exact(self, key: str) -> np.ndarray:
        i = self.keys.find(key)
        return self.entries(i, i + 1) if i >= 0 else self.entry[:0]

    def prefixed(self, prefix: str) -> np.ndarray:
        return self.entries(*self.keys.prefix_range(prefix))

    def close_to(self, query: str) -> np.ndarray:
        """Entries of keys whose `fuzz.ratio` with `query` may reach FUZZY_CUTOFF (a superset, checked later)."""
        size = len(query)
        low, high = int(np.ceil(size * 0.5625)), int(size * 1.78) + 1  # ratio >= 72 bounds the length ratio
        top = len(self.len_start) - 2
        if low > top:
            return self.entry[:0]
        start, end = self.len_start[max(low, 0)], self.len_start[min(high, top) + 1]
        masks = self.masks[start:end]
        counts = {}
        for char in query:
            counts[char] = counts.get(char, 0) + 1
        shared = np.zeros(len(masks), dtype=np.int64)
        for times in set(counts.values()):
            bits = 0
            for char, n in counts.items():
                if n == times:
                    bits |= 1 << int(_BIT[ord(char)])
            shared += times * np.bitwise_count(masks & np.uint64(bits)).astype(np.int64)
        first = max(low, 0)
        lengths = np.repeat(np.arange(first, min(high, top) + 1), np.diff(self.len_start[first:min(high, top) + 2]))
        keep = self.by_len[start:end][shared * 200 >= FUZZY_CUTOFF * (size + lengths) - 1]
        if not len(keep):
            return self.entry[:0]
        keys = [self.keys[int(i)] for i in keep]
        scores = process.cdist([query], keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF - 1, dtype=np.float32)[0]
        found = keep[scores > 0]
        if not len(found):
            return self.entry[:0]
        return np.concatenate([self.entries(int(i), int(i) + 1) for i in found])


def _runs(folded: Sequence[bytes], size: int) -> dict[bytes, list[int]]:
    groups: dict[bytes, list[int]] = {}
    for entry, text in enumerate(folded):
        words = text.split()
        runs = words if size == 1 else [b" ".join(words[i:i + size]) for i in range(len(words) - size + 1)]
        for run in dict.fromkeys(runs):
            groups.setdefault(run, []).append(entry)
    return groups


class SearchIndex:
    """The tables above over every name and alias of a snapshot's nodes."""

    def __init__(self, cols: Columns, entry_node: np.ndarray, label_code: np.ndarray,
                 folded: Sequence[bytes] | None = None) -> None:
        self.entry_node, self.label_code = entry_node, label_code
        self.rank = cols["s.rank"]
        self.whole = Table.from_columns(cols, "s.whole")
        self.compact = Table.from_columns(cols, "s.compact")
        self.runs = {size: Table.from_columns(cols, f"s.run{size}") for size in PERSISTED_RUNS}
        self._folded = folded

    @staticmethod
    def build(names: StrArray, entry_node: np.ndarray, first_entry: np.ndarray, ids: Sequence[str]) -> Columns:
        """Columns of the index for name entries `names` (entry i belongs to node entry_node[i])."""
        folded = [fold_bytes(name) for name in names]
        whole: dict[bytes, list[int]] = {}
        compact: dict[bytes, list[int]] = {}
        for entry, text in enumerate(folded):
            whole.setdefault(text, []).append(entry)
            compact.setdefault(text.replace(b" ", b""), []).append(entry)
        primary = [folded[i] for i in first_entry.tolist()]
        order = sorted(range(len(ids)), key=lambda i: (primary[i], ids[i]))
        rank = np.empty(len(ids), dtype=np.int32)
        rank[np.asarray(order, dtype=np.int64)] = np.arange(len(ids), dtype=np.int32)
        cols: Columns = {"s.rank": rank}
        cols.update(Table.build(whole).columns("s.whole"))
        cols.update(Table.build(compact).columns("s.compact"))
        for size in PERSISTED_RUNS:
            cols.update(Table.build(_runs(folded, size)).columns(f"s.run{size}"))
        return cols

    def _run_table(self, size: int, names: StrArray) -> Table:
        if size not in self.runs:
            if self._folded is None:
                self._folded = [fold_bytes(name) for name in names]
            self.runs[size] = Table.build(_runs(self._folded, size))
        return self.runs[size]

    def candidates(self, query: str, wanted: np.ndarray | None, limit: int, names: StrArray) -> list[int]:
        """Node numbers that hold the `limit` best hits (and maybe a few more), before exact scoring."""
        q = fold(query)
        if not q:
            return []
        parts = q.split()
        chosen: list[np.ndarray] = []
        found = 0
        tiers = (
            lambda: np.concatenate([self.whole.exact(q), self.compact.exact(q.replace(" ", ""))]),
            lambda: self.whole.prefixed(q),
            lambda: self._all_words(parts),
        )
        taken = np.zeros(0, dtype=np.int32)
        for tier in tiers:
            nodes = self._nodes(tier(), wanted, taken)
            chosen.append(nodes[:limit - found])
            found += len(chosen[-1])
            taken = np.union1d(taken, nodes)
            if found >= limit:
                return [int(n) for part in chosen for n in part]
        fuzzy = [self.whole.close_to(q), self._run_table(len(parts), names).close_to(q)]
        chosen.append(self._nodes(np.concatenate(fuzzy), wanted, taken))
        return [int(n) for part in chosen for n in part]

    def _all_words(self, parts: list[str]) -> np.ndarray:
        """Entries where every query word starts one of the entry's words."""
        table = self.runs[1]
        ranges = sorted((table.keys.prefix_range(part) for part in parts),
                        key=lambda r: table.off[r[1]] - table.off[r[0]])
        entries = np.unique(table.entries(*ranges[0]))
        for lo, hi in ranges[1:]:
            if not len(entries):
                break
            entries = np.intersect1d(entries, table.entries(lo, hi))
        return entries

    def _nodes(self, entries: np.ndarray, wanted: np.ndarray | None, taken: np.ndarray) -> np.ndarray:
        """Distinct nodes of `entries`, of the wanted labels, not already taken, best rank first."""
        nodes = np.unique(self.entry_node[entries])
        if wanted is not None:
            nodes = nodes[wanted[self.label_code[nodes]]]
        if len(taken):
            nodes = nodes[~np.isin(nodes, taken, assume_unique=True)]
        return nodes[np.argsort(self.rank[nodes], kind="stable")]


def label_mask(labels: Iterable[str] | None, table: Sequence[str]) -> np.ndarray | None:
    """A boolean per label code: is that label wanted? None when every label is."""
    wanted = set(labels) if labels else None
    if not wanted:
        return None
    return np.array([name in wanted for name in table] + [False], dtype=bool)


__all__ = ["SearchIndex", "Table", "fold_bytes", "label_mask", "EXACT", "PREFIX", "WORDS"]
