"""What a load did: rows read, rows rejected and why, merges, notices; the progress bar.

The rejects CSV (file, row, column, value, reason) lets a researcher fix a
source file and load it again; like the merges CSV, it holds the source's own
text, so a cell a spreadsheet would run as a formula gets a leading
apostrophe. Both CSVs give reasons in English whatever the language of the
summary: researchers' scripts match on them. The progress bar writes to
stderr only when stderr is a terminal, so logs and pipes stay clean.
"""
from __future__ import annotations

import csv
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterable

from graph.i18n import DEFAULT_LANG, Message, in_lang, location, t
from graph.store import WriteResult
from graph.text import spreadsheet_cell

MAX_VALUE = 200  # characters of a rejected value kept in messages and the rejects CSV
KEPT_APART = "(kept apart)"  # a merge's `into` when it was refused: English in the merges CSV, shown translated


@dataclass(frozen=True)
class Reject:
    file: str
    row: int | str | None
    column: str
    value: str
    reason: str | Message  # str() is English, as the rejects CSV has it
    malformed: bool = False  # a value that cannot be read (fatal unless --skip-invalid)


@dataclass(frozen=True)
class Merge:
    """One record folded into an entity, and why (UEI, name, parent UEI, override...)."""

    kind: str  # Company, Agency, Product
    record: str | Message  # the name (and UEI) as the source wrote it; str() is English, as in the merges CSV
    into: str  # node id
    reason: str | Message  # str() is English, as the merges CSV has it

    def line(self, lang: str = DEFAULT_LANG) -> str:
        into = t("merge.kept_apart", lang) if self.into == KEPT_APART else self.into
        return f"{self.kind} {in_lang(self.record, lang)} -> {into}: {in_lang(self.reason, lang)}"


@dataclass
class LoadReport:
    """Counters and lists gathered while reading; printed as the load summary."""

    command: str
    files: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_used: int = 0
    rejects: list[Reject] = field(default_factory=list)
    merges: list[Merge] = field(default_factory=list)
    notices: list[str | Message] = field(default_factory=list)
    result: WriteResult | None = None
    dry_run: bool = False
    lang: str = DEFAULT_LANG  # of the summary and the progress bar
    rejects_path: Path | None = None
    merges_path: Path | None = None
    seconds: float = 0.0
    _merge_keys: set = field(default_factory=set)

    def reject(self, file: str, row: int | str | None, column: str, value: object, reason: str | Message, *,
               malformed: bool = False) -> None:
        self.rejects.append(Reject(file, row, column, str(value or "")[:MAX_VALUE], reason, malformed))

    @property
    def malformed(self) -> list[Reject]:
        return [r for r in self.rejects if r.malformed]

    def merge(self, kind: str, record: str | Message, into: str, reason: str | Message) -> None:
        key = (kind, record, into)
        if key not in self._merge_keys:
            self._merge_keys.add(key)
            self.merges.append(Merge(kind, record, into, reason))

    def notice(self, text: str | Message) -> None:
        if text not in self.notices:
            self.notices.append(text)

    def write_rejects(self, path: Path) -> Path:
        """Write every reject to a CSV (UTF-8); returns the path written."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["file", "row", "column", "value", "reason"])
            for r in self.rejects:
                writer.writerow([spreadsheet_cell(cell) for cell in (r.file, r.row if r.row is not None else "",
                                                                     r.column, r.value, str(r.reason))])
            handle.flush()
        self.rejects_path = path
        return path

    def reasons(self) -> list[tuple[str, int]]:
        """(reason up to its first ':', in the summary's language; how many rejects give it), most first."""
        counts: Counter = Counter()
        for reason, count in Counter(r.reason for r in self.rejects).items():  # each distinct reason put in words once
            counts[in_lang(reason, self.lang).split(":")[0]] += count
        return counts.most_common()

    def summary(self, max_merges: int = 200) -> str:
        """The human summary printed at the end of a load, in `lang`."""
        lang = self.lang
        lines = [t("load.rows", lang, read=f"{self.rows_read:,}", used=f"{self.rows_used:,}",
                   rejected=f"{len(self.rejects):,}", seconds=f"{self.seconds:.1f}")]
        if self.result is not None:
            lines.append(written(self.result, lang, planned=self.dry_run))
        for reason, count in self.reasons():
            lines.append(t("load.rejected", lang, count=f"{count:,}", reason=reason))
        if self.rejects_path:
            lines.append(t("load.rejects_written", lang, path=self.rejects_path))
        if self.merges:
            lines.append(t("load.merges", lang, count=f"{len(self.merges):,}"))
            lines.extend(f"  {m.line(lang)}" for m in self.merges[:max_merges])
            if len(self.merges) > max_merges:
                lines.append(t("load.more_merges", lang, count=f"{len(self.merges) - max_merges:,}"))
        if self.merges_path:
            lines.append(t("load.merges_written", lang, count=f"{len(self.merges):,}", path=self.merges_path))
        for text in self.notices:
            lines.append(t("load.note", lang, text=in_lang(text, lang)))
        if self.dry_run:
            lines.append(t("load.dry_run", lang))
        return "\n".join(lines)

    def malformed_text(self) -> str:
        """Why a load with malformed values stopped: the first one (file, row, column, value) and how many more."""
        first, more = self.malformed[0], len(self.malformed) - 1
        extra = "" if not more else t("load.malformed_more_one" if more == 1 else "load.malformed_more", self.lang,
                                      count=f"{more:,}")
        return t("load.malformed", self.lang, where=location(self.lang, first.file, first.row, column=first.column),
                 reason=in_lang(first.reason, self.lang), value=repr(first.value), more=extra)

    def write_merges(self, path: Path) -> None:
        """Write every merge to a CSV (UTF-8), and say where in the summary."""
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["kind", "record", "into", "reason"])
            for m in self.merges:
                writer.writerow([spreadsheet_cell(cell) for cell in (m.kind, str(m.record), m.into, str(m.reason))])
        self.merges_path = path  # only once written: a failed write is reported instead (loaders.commands)


def written(result: WriteResult, lang: str, *, planned: bool = False) -> str:
    """"nodes: 3 created, 1 updated; relationships: ..." in `lang`; `planned` for a dry run's plan."""
    return t("load.would_write" if planned else "load.written", lang, **{
        name: f"{getattr(result, name):,}"
        for name in ("nodes_created", "nodes_updated", "edges_created", "edges_updated", "unchanged")})


class Progress:
    """A one-line progress bar with rows/s on stderr, drawn only when stderr is a TTY."""

    EVERY = 512  # rows between clock checks

    def __init__(self, label: str, total_bytes: int | None = None, stream: IO[str] | None = None,
                 enabled: bool | None = None, lang: str = DEFAULT_LANG) -> None:
        self.stream = stream or sys.stderr
        if enabled is None:
            enabled = self.stream.isatty() and not os.environ.get("HILOS_NO_PROGRESS")
        self.enabled = enabled
        self.label, self.total, self.lang = label, total_bytes, lang
        self.rows, self.start, self.last = 0, time.monotonic(), 0.0
        self._drawn = False

    def tick(self, rows: int = 1, position: int | None = None) -> None:
        self.rows += rows
        if self.enabled and self.rows % self.EVERY < rows:
            now = time.monotonic()
            if now - self.last >= 0.2:
                self.last = now
                self._draw(now, position)

    def _draw(self, now: float, position: int | None) -> None:
        if self.total and position:
            share = min(position / self.total, 1.0)
            filled = int(share * 24)
            text = t("load.progress_bar", self.lang, label=self.label, bar="#" * filled + "." * (24 - filled),
                     share=f"{share:4.0%}", rows=f"{self.rows:,}",
                     rate=f"{self.rows / max(now - self.start, 1e-6):,.0f}")
        else:
            text = self._counted(now)
        self.stream.write("\r" + text[:160].ljust(80))
        self.stream.flush()
        self._drawn = True

    def done(self) -> None:
        if self.enabled and self._drawn:
            self.stream.write("\r" + self._counted(time.monotonic()).ljust(80) + "\n")
            self.stream.flush()

    def _counted(self, now: float) -> str:
        return t("load.progress", self.lang, label=self.label, rows=f"{self.rows:,}",
                 rate=f"{self.rows / max(now - self.start, 1e-6):,.0f}")


def rows_with_progress(rows: Iterable[tuple[int, list[str]]], progress: Progress, position=None):
    """Yield rows, ticking the progress bar (position() gives bytes read, for the percentage)."""
    for item in rows:
        progress.tick(1, position() if position and progress.enabled else None)
        yield item


def examples(found: list[Message], limit: int = 5) -> tuple[Message | str, ...]:
    """A note's first `limit` examples and '...' when there are more; shown joined with '; ' in the reader's
    language."""
    return (*found[:limit], *(("...",) if len(found) > limit else ()))
