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
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process

from graph.columns import Columns, StrArray
from graph.search import EXACT, FUZZY_CUTOFF, PREFIX, WORDS
from graph.text import fold

_FOLD_TABLE = bytes((c + 32 if 65 <= c <= 90 else c) if (48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122) else 32
                    for c in range(256))
_CHARS = b"0123456789abcdefghijklmnopqrstuvwxyz "  # all that `fold` leaves
_CODE = np.zeros(256, dtype=np.int64)
_CAP = 255  # counts per character are kept in a uint8
for _i, _c in enumerate(_CHARS):
    _CODE[_c] = _i
PERSISTED_RUNS = (1, 2, 3, 4)  # word runs kept in the file; longer queries build theirs on first use
_CHUNK = 4096  # typo keys checked per round


def fold_bytes(name: str) -> bytes:
    """`graph.text.fold` as ASCII bytes, with a fast path for ASCII names."""
    if name.isascii():
        return b" ".join(name.encode("ascii").translate(_FOLD_TABLE).split())
    return fold(name).encode("ascii")


@dataclass
class Table:
    """Sorted distinct strings, the name entries holding each, and a by-length view for typo search."""

    keys: StrArray
    off: np.ndarray  # postings of keys[i] are entry[off[i]:off[i+1]]
    entry: np.ndarray  # posting = name entry << 4 | where the key starts in it (words, at most 10)
    by_len: np.ndarray  # key numbers ordered by length
    len_start: np.ndarray  # by_len[len_start[n]:len_start[n+1]] have length n
    counts: np.ndarray  # (37 x keys) how often each character occurs in each key, keys in by_len order

    @classmethod
    def build(cls, strings: pa.Array, entry: np.ndarray, start: np.ndarray) -> Table:
        """The table of `strings` (one per posting: name entry, word where it starts), keys sorted."""
        filled = np.asarray(pc.binary_length(strings).to_numpy(zero_copy_only=False)) > 0
        strings, entry, start = strings.filter(pa.array(filled)), entry[filled], start[filled]
        encoded = pc.dictionary_encode(strings)
        order = pc.array_sort_indices(encoded.dictionary).to_numpy()
        number = np.empty(len(order), dtype=np.int64)
        number[order] = np.arange(len(order))
        key = number[encoded.indices.to_numpy(zero_copy_only=False)]
        keys = _str_array(encoded.dictionary.take(pa.array(order)))
        postings = np.lexsort((start, entry, key))
        key, entry, start = key[postings], entry[postings], start[postings]
        first = np.concatenate([[True], (key[1:] != key[:-1]) | (entry[1:] != entry[:-1])]) if len(key) else []
        key, entry, start = key[first], entry[first], start[first]  # a repeated key counts where it first starts
        off = np.zeros(len(keys) + 1, dtype=np.int64)
        np.cumsum(np.bincount(key, minlength=len(keys)), out=off[1:])
        lengths = np.diff(keys.offsets)
        by_len = np.argsort(lengths, kind="stable").astype(np.int32)
        top = int(lengths.max()) if len(keys) else 0
        len_start = np.searchsorted(lengths[by_len], np.arange(top + 2)).astype(np.int64)
        codes = (entry.astype(np.int64) << 4 | np.minimum(start, 10)).astype(np.int32)
        return cls(keys, off, codes, by_len, len_start, np.ascontiguousarray(_char_counts(keys)[by_len].T))

    def columns(self, prefix: str) -> Columns:
        return {f"{prefix}.blob": self.keys.blob, f"{prefix}.koff": self.keys.offsets, f"{prefix}.off": self.off,
                f"{prefix}.entry": self.entry, f"{prefix}.bylen": self.by_len, f"{prefix}.lens": self.len_start,
                f"{prefix}.counts": self.counts}

    @classmethod
    def from_columns(cls, cols: Columns, prefix: str) -> Table:
        return cls(StrArray(cols[f"{prefix}.blob"], cols[f"{prefix}.koff"]), cols[f"{prefix}.off"],
                   cols[f"{prefix}.entry"], cols[f"{prefix}.bylen"], cols[f"{prefix}.lens"], cols[f"{prefix}.counts"])

    def entries(self, lo: int, hi: int) -> np.ndarray:
        return self.entry[self.off[lo]:self.off[hi]] >> 4

    def exact(self, key: str) -> np.ndarray:
        i = self.keys.find(key)
        return self.entries(i, i + 1) if i >= 0 else self.entry[:0]

    def prefixed(self, prefix: str) -> np.ndarray:
        return self.entries(*self.keys.prefix_range(prefix))

    def lengths(self, query: str) -> range:
        """Key lengths that allow a `fuzz.ratio` of FUZZY_CUTOFF with `query` (ratio = 200 LCS / total length)."""
        size = len(query)
        return range(int(np.ceil(size * 0.5625)), min(int(size * 1.78) + 1, len(self.len_start) - 2) + 1)

    def bounded(self, query: str, length: int, floor: float) -> tuple[np.ndarray, np.ndarray]:
        """(keys of this length, upper bound of their ratio with `query`) where the bound reaches `floor`, best first.

        The LCS holds no character more often than either string does. Key counts
        are capped at 255, so a capped count stands for "as many as the query has".
        """
        start, end = self.len_start[length], self.len_start[length + 1]
        shared = np.zeros(end - start, dtype=np.int32)
        for char in set(query):
            column, wanted = self.counts[_CODE[ord(char)], start:end], query.count(char)
            if wanted < _CAP:
                shared += np.minimum(column, wanted)
            else:
                shared += np.where(column == _CAP, np.int32(wanted), column)
        bound = shared * (200.0 / (len(query) + length))
        keep = np.flatnonzero(bound >= floor - 1e-6)
        keep = keep[np.argsort(-bound[keep], kind="stable")]
        return self.by_len[start + keep], bound[keep]

    def scored(self, query: str, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(entries, key start in words, `fuzz.ratio`) for the `keys` whose ratio with `query` reaches the cutoff."""
        scores = process.cdist([query], self.keys.take(keys), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF,
                               dtype=np.float64)[0]
        found, ratio = keys[scores >= FUZZY_CUTOFF], scores[scores >= FUZZY_CUTOFF]
        sizes = self.off[found + 1] - self.off[found]
        postings = _spans(self.entry, self.off[found], sizes)
        return postings >> 4, postings & 15, np.repeat(ratio, sizes)


def _str_array(values: pa.Array) -> StrArray:
    """The strings of a pyarrow binary array as a StrArray, from its buffers (no Python objects)."""
    values = values.cast(pa.large_binary())
    _, offsets, data = values.buffers()
    bounds = np.frombuffer(offsets, dtype=np.int64)[values.offset:values.offset + len(values) + 1]
    blob = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
    return StrArray(blob[bounds[0]:bounds[-1]], bounds - bounds[0])


def _char_counts(strings: StrArray, chunk: int = 1 << 16) -> np.ndarray:
    """(keys x 37) counts of 0-9, a-z and space in each key, capped at 255."""
    out = np.zeros((len(strings), len(_CHARS)), dtype=np.uint8)
    codes = _CODE[strings.blob]
    lengths = np.diff(strings.offsets)
    for first in range(0, len(strings), chunk):
        last = min(first + chunk, len(strings))
        lo, hi = strings.offsets[first], strings.offsets[last]
        owner = np.repeat(np.arange(last - first), lengths[first:last])
        counts = np.bincount(owner * len(_CHARS) + codes[lo:hi], minlength=(last - first) * len(_CHARS))
        out[first:last] = np.minimum(counts.reshape(last - first, len(_CHARS)), _CAP)
    return out


def _spans(values: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """values[starts[0]:starts[0]+sizes[0]], then the next span, ... as one array."""
    total = int(sizes.sum())
    if not total:
        return values[:0]
    shift = np.repeat(starts - np.concatenate([[0], np.cumsum(sizes)[:-1]]), sizes)
    return values[shift + np.arange(total)]


class Words:
    """Every word of every folded name, with the entry it belongs to and its place there."""

    def __init__(self, folded: pa.Array) -> None:
        """`folded`: one folded name per entry (binary; empty where an entry has none)."""
        split = pc.split_pattern(folded, b" ")
        counts = np.asarray(pc.list_value_length(split).to_numpy(zero_copy_only=False), dtype=np.int64)
        counts[np.asarray(pc.binary_length(folded).to_numpy(zero_copy_only=False)) == 0] = 0
        words = pc.list_flatten(split)
        self.words = words.filter(pc.greater(pc.binary_length(words), 0))
        self.count = counts
        self.entry = np.repeat(np.arange(len(folded), dtype=np.int64), counts)
        self.start = np.arange(len(self.entry)) - np.repeat(np.cumsum(counts) - counts, counts)

    def runs(self, size: int) -> Table:
        """The table of every run of `size` consecutive words."""
        if size == 1:
            return Table.build(self.words, self.entry, self.start)
        at = np.flatnonzero(self.start <= self.count[self.entry] - size)
        joined = pc.binary_join_element_wise(*(self.words.take(pa.array(at + i)) for i in range(size)), b" ")
        return Table.build(joined, self.entry[at], self.start[at])


class SearchIndex:
    """The tables above over every name and alias of a snapshot's nodes."""

    def __init__(self, cols: Columns, entry_node: np.ndarray, label_code: np.ndarray) -> None:
        self.entry_node, self.label_code = entry_node, label_code
        self.rank = cols["s.rank"]
        self.whole = Table.from_columns(cols, "s.whole")
        self.compact = Table.from_columns(cols, "s.compact")
        self.runs = {size: Table.from_columns(cols, f"s.run{size}") for size in PERSISTED_RUNS}
        self._words: Words | None = None

    @staticmethod
    def build(names: StrArray, entry_node: np.ndarray, first_entry: np.ndarray, ids: Sequence[str]) -> Columns:
        """Columns of the index for name entries `names` (entry i belongs to node entry_node[i])."""
        folded = [fold_bytes(name) for name in names]
        primary = [folded[i] for i in first_entry.tolist()]
        order = sorted(range(len(ids)), key=lambda i: (primary[i], ids[i]))
        rank = np.empty(len(ids), dtype=np.int32)
        rank[np.asarray(order, dtype=np.int64)] = np.arange(len(ids), dtype=np.int32)
        cols: Columns = {"s.rank": rank}
        every, nowhere = np.arange(len(folded), dtype=np.int64), np.zeros(len(folded), dtype=np.int64)
        cols.update(Table.build(pa.array(folded, type=pa.binary()), every, nowhere).columns("s.whole"))
        compact = pa.array([text.replace(b" ", b"") for text in folded], type=pa.binary())
        cols.update(Table.build(compact, every, nowhere).columns("s.compact"))
        words = Words(pa.array(folded, type=pa.binary()))
        for size in PERSISTED_RUNS:
            cols.update(words.runs(size).columns(f"s.run{size}"))
        return cols

    def _run_table(self, size: int) -> Table:
        if size not in self.runs:
            if self._words is None:
                self._words = Words(self._folded_names())
            self.runs[size] = self._words.runs(size)
        return self.runs[size]

    def _folded_names(self) -> pa.Array:
        """Each entry's folded name, read back from the whole-name table (empty where an entry has none)."""
        table = self.whole
        key_of = np.full(len(self.entry_node), -1, dtype=np.int64)
        key_of[table.entry >> 4] = np.repeat(np.arange(len(table.off) - 1), np.diff(table.off))
        keys = pa.LargeBinaryArray.from_buffers(pa.large_binary(), len(table.keys), [
            None, pa.py_buffer(np.ascontiguousarray(table.keys.offsets, dtype=np.int64)),
            pa.py_buffer(np.ascontiguousarray(table.keys.blob))])
        found = keys.take(pa.array(key_of, mask=key_of < 0))
        return pc.fill_null(found, b"").cast(pa.binary())

    def candidates(self, query: str, wanted: np.ndarray | None, limit: int) -> list[int]:
        """Nodes holding the `limit` best hits (and a few more), for `rank` to score and order.

        Typo scores are computed here from the tables (the ratio of each whole name or run of words
        that reaches the cutoff, and where the run starts), so only the best few are handed on.
        """
        q = fold(query)
        if not q:
            return []
        parts = q.split()
        chosen: list[int] = []
        tiers = (
            lambda: np.concatenate([self.whole.exact(q), self.compact.exact(q.replace(" ", ""))]),
            lambda: self.whole.prefixed(q),
            lambda: self._all_words(parts),
        )
        taken = np.zeros(len(self.rank), dtype=bool)
        allowed = wanted[self.label_code] if wanted is not None else np.ones(len(self.rank), dtype=bool)
        for tier in tiers:
            hit = np.zeros(len(self.rank), dtype=bool)
            hit[self.entry_node[tier()]] = True
            hit &= allowed & ~taken
            nodes = np.flatnonzero(hit)
            need = limit - len(chosen)
            if len(nodes) > need:
                nodes = nodes[np.argpartition(self.rank[nodes], need - 1)[:need]] if need > 0 else nodes[:0]
            chosen += nodes[np.argsort(self.rank[nodes])].tolist()
            if len(chosen) >= limit:
                return chosen
            taken |= hit
        return chosen + self._typos(q, len(parts), limit - len(chosen), allowed & ~taken)

    def _typos(self, q: str, size: int, need: int, open_: np.ndarray) -> list[int]:
        """The `need` best typo hits among `open_` nodes (with ties and a margin), scored as graph.search._fuzzy.

        Key lengths are visited best possible score first and keys best bound first, in chunks, until
        nothing left can beat the hits found.
        """
        tables = [(self.whole, 0.75), (self._run_table(size), 0.7)]
        buckets = sorted(((factor * 200.0 * min(len(q), length) / (len(q) + length), n, length)
                          for n, (table, factor) in enumerate(tables) for length in table.lengths(q)), reverse=True)
        best: dict[int, float] = {}

        def threshold() -> float:
            return sorted(best.values())[-need] - 0.01 if len(best) >= need else -1.0

        for most, n, length in buckets:
            if most < threshold():
                break
            table, factor = tables[n]
            keys, bound = table.bounded(q, length, max(FUZZY_CUTOFF, threshold() / factor))
            for first in range(0, len(keys), _CHUNK):
                if bound[first] * factor < threshold():
                    break
                entries, start, ratio = table.scored(q, keys[first:first + _CHUNK])
                nodes = self.entry_node[entries]
                ok = open_[nodes]
                score = ratio * factor - (start * 0.5 if n else 0)  # as graph.search._fuzzy
                for node, value in zip(nodes[ok].tolist(), score[ok].tolist()):
                    if value > best.get(node, -1.0):
                        best[node] = value
        ranked = sorted(best, key=lambda node: (-best[node], self.rank[node]))
        if len(ranked) <= need:
            return ranked
        edge = best[ranked[need - 1]] - 0.01 if need > 0 else float("inf")
        return ranked[:need + 3] + [node for node in ranked[need + 3:] if best[node] >= edge]

    def _all_words(self, parts: list[str]) -> np.ndarray:
        """Entries where every query word starts one of the entry's words."""
        table = self.runs[1]
        size = len(self.entry_node)
        every = np.ones(size, dtype=bool)
        for part in parts:
            some = np.zeros(size, dtype=bool)
            some[table.entries(*table.keys.prefix_range(part))] = True
            every &= some
        return np.flatnonzero(every)


def label_mask(labels: Iterable[str] | None, table: Sequence[str]) -> np.ndarray | None:
    """A boolean per label code: is that label wanted? None when every label is."""
    wanted = set(labels) if labels else None
    if not wanted:
        return None
    return np.array([name in wanted for name in table] + [False], dtype=bool)


__all__ = ["SearchIndex", "Table", "fold_bytes", "label_mask", "EXACT", "PREFIX", "WORDS"]
