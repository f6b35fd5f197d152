"""An index that answers `graph.search.rank` without scoring every name.

`rank` sorts nodes by (-score, folded name, id), where a node's score is the
best of its names: 100 exact, 90 prefix, 80 every query word starts a word,
else a typo score below 80. The tiers are found with sorted tables instead of
a scan, and each tier's nodes are cut to what is still asked for in folded
name order (`s.rank`), so `rank` only ever scores `limit` nodes:

- exact: the folded and the compact (space-free) form of every name, sorted;
- prefix: a range of the sorted folded names;
- words: for each query word, a prefix range of the sorted words of all names,
  intersected per name (a name, not a node, must hold every word);
- typos (only when the tiers above give fewer hits than asked): whole names,
  and runs of as many words as the query has (tables of runs of 1 to 4 words;
  longer queries take the runs of whole names that hold enough words). Keys
  are filtered by exact bounds on `fuzz.ratio` = 200 * LCS / (len(a) + len(b)):
  their length, their letter counts (the LCS cannot hold more of a letter than
  either string does; blocks of 64 keys keep their letter maxima, so whole
  blocks are ruled out at once), then their LCS itself (bit-parallel, all keys
  at once); `fuzz.ratio` scores the few left. Keys next to the query in sorted
  order are scored first, and the scan stops once nothing left can reach the
  `limit`-th score: every node tied with it has been scored, so the cut in
  name order is exact.

Identifiers (graph.search) have look-ups of their own, folded and compact, that
answer the exact and prefix tiers only: no word or typo table holds them.

Every candidate is then scored with `graph.search` itself, so hits, scores and
order are exactly those of `rank`. Everything is built when the file is
written; nothing is built on the first query (a file written before the block
maxima gets them from the letter counts, in milliseconds).
"""
from __future__ import annotations

import bisect
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process

from graph.columns import Columns, StrArray
from graph.record_parts import flat
from graph.search import EXACT, FUZZY_CUTOFF, ID_PREFIX, PREFIX, WORDS
from graph.text import fold

_FOLD_TABLE = bytes((c + 32 if 65 <= c <= 90 else c) if (48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122) else 32
                    for c in range(256))
_FOLD_BYTES = np.frombuffer(_FOLD_TABLE, dtype=np.uint8)
_CHARS = b"0123456789abcdefghijklmnopqrstuvwxyz "  # all that `fold` leaves
_CODE = np.zeros(256, dtype=np.int64)
_CAP = 255  # counts per character are kept in a uint8
for _i, _c in enumerate(_CHARS):
    _CODE[_c] = _i
_CODE8 = _CODE.astype(np.uint8)
_LOW, _SPAN = ord(" "), ord("z") - ord(" ") + 1  # the bytes from space to "z", where all of _CHARS lie
_PICK = np.frombuffer(_CHARS, dtype=np.uint8).astype(np.int64) - _LOW  # _CHARS' places among them
PERSISTED_RUNS = (1, 2, 3, 4)  # word runs kept in the file; longer queries score runs of whole names
_LCS_WIDTH = 256  # keys up to this long get their LCS worked out (one numpy step per character)
_SMALL = 16384  # at most this many keys have their letters checked all at once
_BLOCK = 64  # keys per block whose letter maxima are kept (whole blocks are ruled out at once)
_SAMPLE = 2048  # keys whose letters judge which letters keys lack most often
_FIRST_CHUNK, _CHUNK = 1024, 8192  # typo keys scored in the first round, and at most per round (doubling)
_WHOLE, _RUN, _LONG = 0, 1, 2  # where typo scores come from: whole names, run tables, whole names by run
_FACTOR = {_WHOLE: 0.75, _RUN: 0.7, _LONG: 0.7}  # as graph.search._fuzzy weighs them
_SEED = 32  # keys either side of the query in sorted order, scored before any scan
_BAND = 50_000  # keys of neighbouring lengths whose bounds are read together


def fold_bytes(name: str) -> bytes:
    """`graph.text.fold` as ASCII bytes, with a fast path for ASCII names."""
    if name.isascii():
        return b" ".join(name.encode("ascii").translate(_FOLD_TABLE).split())
    return fold(name).encode("ascii")


@dataclass
class Lookup:
    """Sorted distinct strings and the entries holding each: exact and prefix look-ups."""

    keys: StrArray
    off: np.ndarray  # postings of keys[i] are entry[off[i]:off[i+1]]
    entry: np.ndarray  # posting = entry << 4 | where the key starts in it (words, at most 10)

    @classmethod
    def build(cls, strings: pa.Array, entry: np.ndarray, start: np.ndarray) -> Lookup:
        """The look-up of `strings` (one per posting: entry, word where it starts), keys sorted."""
        return cls(*_postings(strings, entry, start))

    def columns(self, prefix: str) -> Columns:
        return {f"{prefix}.blob": self.keys.blob, f"{prefix}.koff": self.keys.offsets, f"{prefix}.off": self.off,
                f"{prefix}.entry": self.entry}

    @classmethod
    def from_columns(cls, cols: Columns, prefix: str) -> Lookup:
        """The look-up as saved; an empty one where the file has none (identifiers in a file of version 2)."""
        if f"{prefix}.blob" not in cols:
            return cls(StrArray.empty(), np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32))
        return cls(StrArray(cols[f"{prefix}.blob"], cols[f"{prefix}.koff"]), cols[f"{prefix}.off"],
                   cols[f"{prefix}.entry"])

    def entries(self, lo: int, hi: int) -> np.ndarray:
        return self.entry[self.off[lo]:self.off[hi]] >> 4

    def exact(self, key: str) -> np.ndarray:
        i = self.keys.find(key)
        return self.entries(i, i + 1) if i >= 0 else self.entry[:0]

    def prefixed(self, prefix: str) -> np.ndarray:
        return self.entries(*self.keys.prefix_range(prefix))


def _postings(strings: pa.Array, entry: np.ndarray, start: np.ndarray) -> tuple[StrArray, np.ndarray, np.ndarray]:
    """(sorted distinct keys, their postings' offsets, postings) of `strings`, one per (entry, start)."""
    filled = np.asarray(pc.binary_length(strings).to_numpy(zero_copy_only=False)) > 0
    if not filled.all():  # (a filter copies every string even when it keeps them all)
        strings, entry, start = strings.filter(pa.array(filled)), entry[filled], start[filled]
    postings = pc.sort_indices(strings).to_numpy()  # stable: a key's postings stay in their given order
    ordered = strings.take(pa.array(postings))
    new = np.ones(len(ordered), dtype=bool)
    if len(ordered) > 1:
        new[1:] = ~np.asarray(pc.equal(ordered[1:], ordered[:-1]).to_numpy(zero_copy_only=False), dtype=bool)
    keys = StrArray.from_arrow(ordered.filter(pa.array(new)))
    del ordered
    key = np.cumsum(new) - 1
    entry, start = entry[postings], start[postings]
    if not _in_order(key, entry, start):
        again = np.lexsort((start, entry, key))
        key, entry, start = key[again], entry[again], start[again]
    first = np.concatenate([[True], (key[1:] != key[:-1]) | (entry[1:] != entry[:-1])]) if len(key) else []
    key, entry, start = key[first], entry[first], start[first]  # a repeated key counts where it first starts
    off = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum(np.bincount(key, minlength=len(keys)), out=off[1:])
    return keys, off, (entry.astype(np.int64) << 4 | np.minimum(start, 10)).astype(np.int32)


@dataclass
class Table(Lookup):
    """A look-up of name entries with a by-length view for typo search."""

    by_len: np.ndarray  # key numbers ordered by length
    len_start: np.ndarray  # by_len[len_start[n]:len_start[n+1]] have length n
    counts: np.ndarray  # (37 x keys) how often each character occurs in each key, keys in by_len order
    block_max: np.ndarray | None  # (37 x blocks) the most of each character in each _BLOCK keys of by_len order
    _sample: np.ndarray | None = field(default=None, init=False, repr=False)  # counts of a few keys, read once

    @classmethod
    def build(cls, strings: pa.Array, entry: np.ndarray, start: np.ndarray) -> Table:
        """The table of `strings` (one per posting: name entry, word where it starts), keys sorted."""
        keys, off, codes = _postings(strings, entry, start)
        lengths = np.diff(keys.offsets)
        by_len = np.argsort(lengths, kind="stable").astype(np.int32)
        top = int(lengths.max()) if len(keys) else 0
        len_start = np.searchsorted(lengths[by_len], np.arange(top + 2)).astype(np.int64)
        counts = _char_counts(keys, by_len)
        return cls(keys, off, codes, by_len, len_start, counts, _block_max(counts))

    def columns(self, prefix: str) -> Columns:
        return {**super().columns(prefix), f"{prefix}.bylen": self.by_len, f"{prefix}.lens": self.len_start,
                f"{prefix}.counts": self.counts, f"{prefix}.blockmax": self.blocks()}

    @classmethod
    def from_columns(cls, cols: Columns, prefix: str) -> Table:
        """The table as saved; block maxima missing (a file written before them) are worked out on first use."""
        return cls(StrArray(cols[f"{prefix}.blob"], cols[f"{prefix}.koff"]), cols[f"{prefix}.off"],
                   cols[f"{prefix}.entry"], cols[f"{prefix}.bylen"], cols[f"{prefix}.lens"], cols[f"{prefix}.counts"],
                   cols.get(f"{prefix}.blockmax"))

    def blocks(self) -> np.ndarray:
        if self.block_max is None:
            self.block_max = _block_max(self.counts)
        return self.block_max

    def lengths(self, query: str) -> range:
        """Key lengths that allow a `fuzz.ratio` of FUZZY_CUTOFF with `query` (ratio = 200 LCS / total length)."""
        size = len(query)
        return range(int(np.ceil(size * 0.5625)), min(int(size * 1.78) + 1, len(self.len_start) - 2) + 1)

    def sharing(self, query: str, lo: int, hi: int, least: int) -> tuple[np.ndarray, np.ndarray]:
        """(positions in by_len[lo:hi], bound) of the keys that may share `least` characters with `query`.

        The bound is exact arithmetic on letter counts: the LCS holds no character more often than either
        string does. Blocks of keys whose letter maxima rule them out are skipped whole; then the letters
        keys most often lack are checked first and keys that already miss too many are dropped as they go,
        so a demanding `least` reads little. Key counts are capped at 255, so a capped count stands for
        "as many as the query has".
        """
        slack = len(query) - least
        if slack < 0 or lo == hi:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        kind = np.uint8 if len(query) < _CAP else np.uint16  # what a key misses never exceeds len(query)
        if hi - lo <= _SMALL:  # few keys: every letter at once costs less than dropping keys as they go
            wanted = Counter(query)
            rows = self.counts[_CODE[[ord(char) for char in wanted]], lo:hi]
            want = np.array(list(wanted.values()), dtype=np.int64)[:, None]
            shared = np.where(rows == _CAP, want, np.minimum(rows, want)).sum(axis=0)
            at = np.flatnonzero(shared >= least)
            return at, shared[at]
        letters = self._most_missed_first(query)
        at = self._open_blocks(letters, lo, hi, slack, kind)  # None: every key of the range
        missing = np.zeros(hi - lo if at is None else len(at), dtype=kind)
        part, fits = np.empty_like(missing), np.empty(len(missing), dtype=bool)
        for char, wanted in letters:
            column = self.counts[_CODE[ord(char)], lo:hi]
            if at is not None:
                column = column[at]
            if wanted < _CAP:  # in place: missing += wanted - min(count, wanted) (modular, so never off)
                np.minimum(column, kind(wanted), out=part)
                missing += kind(wanted)
                missing -= part
            else:
                missing += _lacking(column, wanted, kind)
            np.less_equal(missing, slack, out=fits)
            if np.count_nonzero(fits) * 2 < len(missing):  # dropping keys costs a copy: worth it once half go
                keep = np.flatnonzero(fits)
                at = keep if at is None else at[keep]
                missing = missing[keep]
                part, fits = part[:len(keep)], fits[:len(keep)]
        keep = np.flatnonzero(missing <= slack)
        at = keep if at is None else at[keep]
        return at, len(query) - missing[keep].astype(np.int64)

    def _open_blocks(self, letters: list[tuple[str, int]], lo: int, hi: int, slack: int,
                     kind: type) -> np.ndarray | None:
        """Positions (from lo) of the keys in blocks that may miss no more than `slack`; None when most may."""
        first, last = lo // _BLOCK, (hi - 1) // _BLOCK + 1
        block_max = self.blocks()
        missing = np.zeros(last - first, dtype=kind)
        for char, wanted in letters:
            missing += _lacking(block_max[_CODE[ord(char)], first:last], wanted, kind)
        alive = np.flatnonzero(missing <= slack) + first
        if len(alive) * 2 > last - first:
            return None
        starts, ends = np.maximum(alive * _BLOCK, lo), np.minimum((alive + 1) * _BLOCK, hi)
        return _ranges(starts - lo, ends - starts)

    def _most_missed_first(self, query: str) -> list[tuple[str, int]]:
        """The query's characters and counts, those keys most often lack first (judged on a sample of keys)."""
        if self._sample is None:
            picked = np.linspace(0, self.counts.shape[1] - 1, min(_SAMPLE, self.counts.shape[1]), dtype=np.int64)
            self._sample = self.counts[:, picked].astype(np.int16)
        wanted = Counter(query)
        chars = list(wanted)
        need = np.array([wanted[char] for char in chars], dtype=np.int16)
        lacking = np.maximum(need[:, None] - self._sample[_CODE[[ord(char) for char in chars]]], 0).mean(axis=1)
        return [(chars[i], wanted[chars[i]]) for i in np.argsort(-lacking, kind="stable").tolist()]

    def spaces(self, lo: int, hi: int) -> np.ndarray:
        """How many spaces each key of by_len[lo:hi] holds (words - 1)."""
        return self.counts[_CODE[ord(" ")], lo:hi]

    def lcs(self, query: str, keys: np.ndarray) -> np.ndarray:
        """The length of the longest common subsequence of `query` (at most 64 characters) and each key.

        Bit-parallel (Hyyrö), all keys at once: one 64-bit word per key, one step per key character.
        """
        match = np.zeros(len(_CHARS) + 1, dtype=np.uint64)  # the last code pads short keys and matches nothing
        for at, char in enumerate(query):
            match[_CODE[ord(char)]] |= np.uint64(1 << at)
        starts, lengths = self.keys.offsets[keys], self.keys.offsets[keys + 1] - self.keys.offsets[keys]
        width = int(lengths.max()) if len(keys) else 0
        step = np.arange(width)[:, None]
        inside = step < lengths[None, :]  # (width x keys): one contiguous row per step
        codes = np.where(inside, _CODE8[self.keys.blob[np.where(inside, starts[None, :] + step, 0)]],
                         np.uint8(len(_CHARS)))
        row = np.full(len(keys), np.iinfo(np.uint64).max, dtype=np.uint64)
        hit = np.empty_like(row)
        for at in range(width):
            np.bitwise_and(row, match.take(codes[at]), out=hit)
            row = (row + hit) | (row - hit)
        low = np.uint64((1 << len(query)) - 1) if len(query) < 64 else np.iinfo(np.uint64).max
        return np.bitwise_count(~row & low).astype(np.int64)

    def may_reach(self, query: str, keys: np.ndarray, floor: float, in_a_run: bool = False) -> np.ndarray:
        """Which `keys` (or, `in_a_run`, which runs inside them) may have a ratio of `floor` with `query`.

        Exact for keys up to _LCS_WIDTH characters (their LCS); longer keys, or a query longer than 64
        characters, are kept for `fuzz.ratio` to judge.
        """
        lengths = self.keys.offsets[keys + 1] - self.keys.offsets[keys]
        keep = np.ones(len(keys), dtype=bool)
        short = np.flatnonzero(lengths <= _LCS_WIDTH) if len(query) <= 64 else np.zeros(0, dtype=np.int64)
        if len(short):
            common = self.lcs(query, keys[short])
            keep[short] = 200.0 * common / (len(query) + (common if in_a_run else lengths[short])) \
                >= max(floor, FUZZY_CUTOFF) - 1e-6
        return keep

    def scored(self, query: str, keys: np.ndarray, floor: float = FUZZY_CUTOFF) -> tuple[np.ndarray, np.ndarray,
                                                                                          np.ndarray]:
        """(entries, key start in words, `fuzz.ratio`) for the `keys` whose ratio with `query` reaches the cutoff.

        Keys that cannot give a ratio of `floor` (`may_reach`) are dropped first, so that `fuzz.ratio`
        itself (the very function graph.search uses) only sees the few that matter.
        """
        keys = keys[self.may_reach(query, keys, floor)]
        scores = process.cdist([query], self.keys.take(keys), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF,
                               dtype=np.float64)[0]
        found, ratio = keys[scores >= FUZZY_CUTOFF], scores[scores >= FUZZY_CUTOFF]
        sizes = self.off[found + 1] - self.off[found]
        postings = _spans(self.entry, self.off[found], sizes)
        return postings >> 4, postings & 15, np.repeat(ratio, sizes)


def _in_order(key: np.ndarray, entry: np.ndarray, start: np.ndarray) -> bool:
    """Are the postings sorted by (key, entry, start)?"""
    if len(key) < 2:
        return True
    same_key = key[1:] == key[:-1]
    later = (entry[1:] > entry[:-1]) | ((entry[1:] == entry[:-1]) & (start[1:] >= start[:-1]))
    return bool(np.all(~same_key | later))


def _char_counts(strings: StrArray, order: np.ndarray, chunk: int = 4096) -> np.ndarray:
    """(37 x keys) counts of 0-9, a-z and space in each key of strings[order], capped at 255.

    The keys are put in `order` first (pyarrow), so each chunk's characters lie side by side. Each key
    gets a bin per byte value from space to "z" (its bins side by side, so counting stays in cache and
    no byte is looked up); the 37 wanted bins are then picked out. Keys holding anything else (never a
    folded name) are counted the old way, other characters as "0".
    """
    ordered = StrArray.from_arrow(strings.to_arrow().take(pa.array(order)))
    blob = ordered.blob
    if len(blob) and (int(blob.min()) < _LOW or int(blob.max()) >= _LOW + _SPAN):
        return _char_counts_slowly(ordered)
    out = np.zeros((len(_CHARS), len(order)), dtype=np.uint8)
    seen = 0
    for first in range(0, len(order), chunk):
        last = min(first + chunk, len(order))
        bounds = ordered.offsets[first:last + 1]
        place = np.repeat(np.arange(last - first, dtype=np.int32) * _SPAN - _LOW, np.diff(bounds))
        place += blob[bounds[0]:bounds[-1]]
        counts = np.bincount(place, minlength=(last - first) * _SPAN).reshape(last - first, _SPAN)[:, _PICK]
        seen += int(counts.sum())
        np.minimum(counts, _CAP, out=counts)
        out[:, first:last] = counts.T
    if seen != len(blob):
        return _char_counts_slowly(ordered)
    return out


def _char_counts_slowly(ordered: StrArray, chunk: int = 1 << 16) -> np.ndarray:
    """`_char_counts` of keys already in order, any byte but 0-9, a-z and space counted as "0"."""
    out = np.zeros((len(_CHARS), len(ordered)), dtype=np.uint8)
    for first in range(0, len(ordered), chunk):
        last = min(first + chunk, len(ordered))
        bounds = ordered.offsets[first:last + 1]
        place = np.repeat(np.arange(last - first), np.diff(bounds))
        place += (_CODE * (last - first))[ordered.blob[bounds[0]:bounds[-1]]]
        counts = np.bincount(place, minlength=(last - first) * len(_CHARS))
        np.minimum(counts, _CAP, out=counts)
        out[:, first:last] = counts.reshape(len(_CHARS), last - first)
    return out


def _block_max(counts: np.ndarray) -> np.ndarray:
    """The most of each character over each _BLOCK keys (columns) of `counts`."""
    if not counts.shape[1]:
        return np.zeros((counts.shape[0], 0), dtype=counts.dtype)
    return np.ascontiguousarray(np.maximum.reduceat(counts, np.arange(0, counts.shape[1], _BLOCK), axis=1))


def _lacking(column: np.ndarray, wanted: int, kind: type) -> np.ndarray:
    """How many of `wanted` copies of a character keys with `column` counts of it lack (a capped count lacks none)."""
    if wanted < _CAP:
        return kind(wanted) - np.minimum(column, kind(wanted))
    return np.where(column == _CAP, 0, wanted - column.astype(np.int64)).astype(kind)


def _ranges(starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """starts[0], starts[0] + 1, ... (sizes[0] numbers), then the next range, ... as one array."""
    total = int(sizes.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    return np.repeat(starts - np.concatenate([[0], np.cumsum(sizes)[:-1]]), sizes) + np.arange(total)


def _spans(values: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """values[starts[0]:starts[0]+sizes[0]], then the next span, ... as one array."""
    return values[_ranges(starts, sizes)] if int(sizes.sum()) else values[:0]


def fold_all(names: pa.Array) -> pa.Array:
    """`fold_bytes` of every name as one binary array: pyarrow folds the ASCII names, `fold` the others."""
    names = flat(names, pa.large_string())
    text = StrArray.from_arrow(names)
    swapped = pa.Array.from_buffers(pa.large_string(), len(names), [None, pa.py_buffer(text.offsets),
                                                                    pa.py_buffer(_FOLD_BYTES[text.blob])])
    folded = pc.binary_join(pc.ascii_split_whitespace(pc.ascii_trim(swapped, " ")), pa.scalar(" ", pa.large_string()))
    plain = pc.string_is_ascii(names)
    others = np.flatnonzero(~np.asarray(plain.to_numpy(zero_copy_only=False), dtype=bool))
    if len(others):
        accented = [fold(name) for name in names.take(pa.array(others)).to_pylist()]
        folded = pc.replace_with_mask(folded, pc.invert(plain), pa.array(accented, pa.large_string()))
    return folded.cast(pa.large_binary())


def _name_rank(primary: pa.Array) -> np.ndarray:
    """Each node's place in (folded primary name, node number) order: the order `graph.search.rank` breaks
    ties in, as nodes are numbered in id order."""
    order = pc.sort_indices(pa.table({"name": primary, "node": np.arange(len(primary), dtype=np.int64)}),
                            sort_keys=[("name", "ascending"), ("node", "ascending")]).to_numpy()
    rank = np.empty(len(primary), dtype=np.int32)
    rank[order] = np.arange(len(primary), dtype=np.int32)
    return rank


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
        joined = pc.binary_join_element_wise(*(self.words.take(pa.array(at + i)) for i in range(size)),
                                            pa.scalar(b" ", self.words.type))
        return Table.build(joined, self.entry[at], self.start[at])


class SearchIndex:
    """The tables above over every name and alias of a snapshot's nodes, and the look-ups of their identifiers."""

    def __init__(self, cols: Columns, entry_node: np.ndarray, label_code: np.ndarray) -> None:
        self.entry_node, self.label_code = entry_node, label_code
        self.rank = cols["s.rank"]
        self.whole = Table.from_columns(cols, "s.whole")
        self.compact = Table.from_columns(cols, "s.compact")
        self.runs = {size: Table.from_columns(cols, f"s.run{size}") for size in PERSISTED_RUNS}
        self.id_whole = Lookup.from_columns(cols, "s.idwhole")  # postings are node numbers
        self.id_compact = Lookup.from_columns(cols, "s.idcompact")

    @staticmethod
    def makers(names: pa.Array, entry_node: np.ndarray, first_entry: np.ndarray, identifiers: pa.Array,
               identifier_node: np.ndarray) -> Iterator[Callable[[], Columns]]:
        """The index's columns for name entries `names` (entry i belongs to node entry_node[i]) and identifier
        values `identifiers` (value i belongs to node identifier_node[i]), as makers of one table each, for
        `graph.columns.put_made`.

        The folded names are one binary array (never a list of a million bytes objects) that every maker
        reads and none changes; each table is dropped once put, so a ColumnWriter holds a few tables'
        working memory at a time.
        """
        folded = fold_all(names)
        every, nowhere = np.arange(len(folded), dtype=np.int64), np.zeros(len(folded), dtype=np.int64)
        words: list[Words] = []
        words_lock = threading.Lock()

        def word_runs(size: int) -> Callable[[], Columns]:
            def make() -> Columns:
                with words_lock:  # made once, by the first maker of runs to get here
                    if not words:
                        words.append(Words(folded))
                return words[0].runs(size).columns(f"s.run{size}")
            return make

        yield lambda: {"s.rank": _name_rank(folded.take(pa.array(first_entry)))}
        yield lambda: Table.build(folded, every, nowhere).columns("s.whole")
        yield lambda: Table.build(pc.replace_substring(folded, pattern=b" ", replacement=b""), every,
                                  nowhere).columns("s.compact")
        yield from (word_runs(size) for size in PERSISTED_RUNS)
        folded_ids = fold_all(identifiers)
        no_start = np.zeros(len(folded_ids), dtype=np.int64)
        yield lambda: Lookup.build(folded_ids, identifier_node, no_start).columns("s.idwhole")
        yield lambda: Lookup.build(pc.replace_substring(folded_ids, pattern=b" ", replacement=b""), identifier_node,
                                   no_start).columns("s.idcompact")

    def candidates(self, query: str, wanted: np.ndarray | None, limit: int) -> list[int]:
        """Nodes holding the `limit` best hits, for `rank` to score and order.

        Typo scores are computed here from the tables (the ratio of each whole name or run of words
        that reaches the cutoff, and where the run starts), so only the best few are handed on.
        """
        q = fold(query)
        if not q:
            return []
        parts, bare = q.split(), q.replace(" ", "")
        chosen: list[int] = []
        tiers = (  # the nodes of each tier
            lambda: np.concatenate([self.entry_node[self.whole.exact(q)], self.entry_node[self.compact.exact(bare)],
                                    self.id_compact.exact(bare)]),
            lambda: np.concatenate([self.entry_node[self.whole.prefixed(q)],
                                    self.id_whole.prefixed(q) if len(q) >= ID_PREFIX else self.id_whole.entry[:0]]),
            lambda: self.entry_node[self._all_words(parts)],
        )
        taken = np.zeros(len(self.rank), dtype=bool)
        allowed = wanted[self.label_code] if wanted is not None else np.ones(len(self.rank), dtype=bool)
        for tier in tiers:
            hit = np.zeros(len(self.rank), dtype=bool)
            hit[tier()] = True
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
        """The `need` best typo hits among `open_` nodes, best first then in name order (as `rank` orders them).

        Scores are those of graph.search._fuzzy: a whole name's ratio x 0.75, a run of `size` words' ratio
        x 0.7 less 0.5 per word before it. Runs come from the run table of that size, or, for longer queries,
        from the whole names holding that many words. Key lengths are taken best possible score first, a
        band of them at a time, and keys best bound first, until nothing left can reach the `need`-th score:
        every node tied with it has been scored, so cutting the list in name order is exact.
        """
        if need <= 0:
            return []
        found = _Best(need)
        lq = len(q)
        buckets = [(0.75 * _ratio_bound(lq, length, min(lq, length)), _WHOLE, length)
                   for length in self.whole.lengths(q)]
        if size in self.runs:
            buckets += [(0.7 * _ratio_bound(lq, length, min(lq, length)), _RUN, length)
                        for length in self.runs[size].lengths(q)]
        else:  # a run of `size` words is part of a whole name at least as long as the run
            buckets += [(0.7 * _ratio_bound(lq, min(lq, length), min(lq, length)), _LONG, length)
                        for length in range(int(np.ceil(lq * 0.5625)), len(self.whole.len_start) - 1)]
        for kind in (_WHOLE, _RUN) if size in self.runs else (_WHOLE,):
            self._seed(q, kind, size, found, open_)
        band: list[tuple[int, int]] = []
        keys = 0
        for most, kind, length in sorted(buckets, reverse=True):
            if most < found.edge:
                break
            band.append((kind, length))
            table = self._table(kind, size)
            keys += int(table.len_start[length + 1] - table.len_start[length])
            if keys >= _BAND:
                self._visit(q, size, band, found, open_)
                band, keys = [], 0
        if band:
            self._visit(q, size, band, found, open_)
        return found.first(self.rank)

    def _seed(self, q: str, kind: int, size: int, found: _Best, open_: np.ndarray) -> None:
        """Score the keys next to the query in sorted order first: sharing its start, they often score well,
        and a good score early lets the scans below skip more."""
        table = self._table(kind, size)
        at = bisect.bisect_left(table.keys, q)
        keys = np.arange(max(at - _SEED, 0), min(at + _SEED, len(table.keys)), dtype=np.int64)
        entries, start, ratio = table.scored(q, keys, found.edge / _FACTOR[kind])
        nodes = self.entry_node[entries]
        ok = open_[nodes]
        found.add(nodes[ok], (ratio * _FACTOR[kind] - (start * 0.5 if kind == _RUN else 0.0))[ok])

    def _table(self, kind: int, size: int) -> Table:
        return self.runs[size] if kind == _RUN else self.whole

    def _visit(self, q: str, size: int, band: list[tuple[int, int]], found: _Best, open_: np.ndarray) -> None:
        """Score the keys of a band of (source, length), best bound first, while they can reach `found.edge`."""
        lq = len(q)
        kinds, keys, bounds = [], [], []
        for kind in (_WHOLE, _RUN, _LONG):
            lengths = sorted(length for each, length in band if each == kind)
            if not lengths:
                continue
            table, factor = self._table(kind, size), _FACTOR[kind]
            for piece in _consecutive(lengths):
                lo, hi = int(table.len_start[piece[0]]), int(table.len_start[piece[-1] + 1])
                floor = max(found.edge, factor * FUZZY_CUTOFF) - 1e-6
                least = min(_least(lq, length, floor / factor, kind == _LONG) for length in piece)
                at, levels = table.sharing(q, lo, hi, least)
                if kind == _LONG:
                    words = table.spaces(lo, hi)[at] >= size - 1
                    at, levels = at[words], levels[words]
                length = np.searchsorted(table.len_start, lo + at, side="right") - 1
                bound = factor * 200.0 * levels / (lq + (levels if kind == _LONG else length))
                good = bound >= floor
                kinds.append(np.full(int(good.sum()), kind, dtype=np.int8))
                keys.append(table.by_len[lo + at[good]])
                bounds.append(bound[good])
        if not keys:
            return
        kind_of, key, bound = np.concatenate(kinds), np.concatenate(keys), np.concatenate(bounds)
        order = np.argsort(-bound, kind="stable")
        kind_of, key, bound = kind_of[order], key[order], bound[order]
        first, chunk = 0, _FIRST_CHUNK
        while first < len(key) and bound[first] >= found.edge - 1e-6:
            for kind in (_WHOLE, _RUN, _LONG):
                part = key[first:first + chunk][kind_of[first:first + chunk] == kind]
                if not len(part):
                    continue
                if kind == _LONG:
                    entries, score = self._long_runs(q, size, part, found.edge / _FACTOR[kind])
                else:
                    entries, start, ratio = self._table(kind, size).scored(q, part, found.edge / _FACTOR[kind])
                    score = ratio * _FACTOR[kind] - (start * 0.5 if kind == _RUN else 0.0)  # as graph.search._fuzzy
                nodes = self.entry_node[entries]
                ok = open_[nodes]
                found.add(nodes[ok], score[ok])
            first, chunk = first + chunk, min(chunk * 2, _CHUNK)

    def _long_runs(self, q: str, size: int, keys: np.ndarray, floor: float) -> tuple[np.ndarray, np.ndarray]:
        """(entries, score) of the runs of `size` words of the whole-name `keys` that reach the cutoff.

        For queries longer than the run tables; scored as graph.search._fuzzy scores a run. A run shares
        no more with the query than its whole name does, so names whose LCS rules out `floor` are skipped.
        """
        keys = keys[self.whole.may_reach(q, keys, floor, in_a_run=True)]
        texts, owner, start = [], [], []
        for number, name in enumerate(self.whole.keys.take(keys)):
            words = name.split()
            for at in range(len(words) - size + 1):
                texts.append(" ".join(words[at:at + size]))
                owner.append(number)
                start.append(min(at, 10))
        ratio = process.cdist([q], texts, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, dtype=np.float64)[0]
        hit = np.flatnonzero(ratio >= FUZZY_CUTOFF)
        score = ratio[hit] * 0.7 - np.asarray(start, dtype=np.int64)[hit] * 0.5
        held = keys[np.asarray(owner, dtype=np.int64)[hit]]
        sizes = self.whole.off[held + 1] - self.whole.off[held]
        return _spans(self.whole.entry, self.whole.off[held], sizes) >> 4, np.repeat(score, sizes)

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


def _least(lq: int, length: int, ratio: float, run_of_name: bool) -> int:
    """The fewest shared characters that allow `ratio` with a key of `length` (or with a run inside it)."""
    guess = max(int(ratio * lq / (200.0 - ratio)) if run_of_name else int(ratio * (lq + length) / 200.0) - 1, 0)
    for level in range(guess, lq + 1):  # the guess is at most one or two below the answer
        if _ratio_bound(lq, level if run_of_name else length, level) >= ratio:
            return level
    return lq + 1


def _consecutive(values: list[int]) -> list[list[int]]:
    """Sorted `values` in runs of consecutive numbers."""
    runs: list[list[int]] = []
    for value in values:
        if runs and value == runs[-1][-1] + 1:
            runs[-1].append(value)
        else:
            runs.append([value])
    return runs


def _ratio_bound(lq: int, length: int, shared: int) -> float:
    """The highest `fuzz.ratio` of a query of `lq` characters and a key of `length` sharing at most `shared`."""
    return 200.0 * shared / (lq + length) if lq + length else 0.0


class _Best:
    """The best typo score found for each node so far, and `edge`: what a score must reach to still matter."""

    def __init__(self, need: int) -> None:
        self.need = need
        self.nodes = np.zeros(0, dtype=np.int64)  # distinct nodes, each with its best score so far
        self.scores = np.zeros(0, dtype=np.float64)
        self.edge = -1.0  # the need-th best score less a hair (float noise), once there are `need` nodes

    def add(self, nodes: np.ndarray, scores: np.ndarray) -> None:
        keep = scores >= self.edge
        if not keep.any():
            return
        nodes = np.concatenate([self.nodes, nodes[keep].astype(np.int64)])
        scores = np.concatenate([self.scores, scores[keep]])
        order = np.lexsort((-scores, nodes))  # by node, best score first
        nodes, scores = nodes[order], scores[order]
        first = np.concatenate([[True], nodes[1:] != nodes[:-1]])
        self.nodes, self.scores = nodes[first], scores[first]
        if len(self.nodes) >= self.need:
            at = len(self.scores) - self.need
            self.edge = float(np.partition(self.scores, at)[at]) - 0.01
            kept = self.scores >= self.edge
            self.nodes, self.scores = self.nodes[kept], self.scores[kept]

    def first(self, rank: np.ndarray) -> list[int]:
        """The `need` best nodes, ties in name order (`rank`)."""
        order = np.lexsort((rank[self.nodes], -self.scores))
        return self.nodes[order[:self.need]].tolist()


def label_mask(labels: Iterable[str] | None, table: Sequence[str]) -> np.ndarray | None:
    """A boolean per label code: is that label wanted? None when every label is."""
    wanted = set(labels) if labels else None
    if not wanted:
        return None
    return np.array([name in wanted for name in table] + [False], dtype=bool)


__all__ = ["SearchIndex", "Table", "fold_all", "fold_bytes", "label_mask", "EXACT", "PREFIX", "WORDS"]
