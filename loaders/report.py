"""What a load did: rows read, rows rejected and why, merges, notices; the progress bar.

The rejects CSV (file, row, column, value, reason) lets a researcher fix a
source file and load it again; like the merges CSV, it holds the source's own
text, so a cell a spreadsheet would run as a formula gets a leading
apostrophe. The progress bar writes to stderr only when stderr is a
terminal, so logs and pipes stay clean.
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

from graph.store import WriteResult
from graph.text import spreadsheet_cell

MAX_VALUE = 200  # characters of a rejected value kept in messages and the rejects CSV


@dataclass(frozen=True)
class Reject:
    file: str
    row: int | str | None
    column: str
    value: str
    reason: str
    malformed: bool = False  # a value that cannot be read (fatal unless --skip-invalid)

    def line(self) -> str:
        where = ", ".join(p for p in (self.file, f"row {self.row}" if self.row is not None else "",
                                      f"column '{self.column}'" if self.column else "") if p)
        value = f" {self.value!r}" if self.value else ""
        return f"{where}: {self.reason}{value}"


@dataclass(frozen=True)
class Merge:
    """One record folded into an entity, and why (UEI, name, parent UEI, override...)."""

    kind: str  # Company, Agency, Product
    record: str  # the name (and UEI) as the source wrote it
    into: str  # node id
    reason: str

    def line(self) -> str:
        return f"{self.kind} {self.record} -> {self.into}: {self.reason}"


@dataclass
class LoadReport:
    """Counters and lists gathered while reading; printed as the load summary."""

    command: str
    files: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_used: int = 0
    rejects: list[Reject] = field(default_factory=list)
    merges: list[Merge] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    result: WriteResult | None = None
    dry_run: bool = False
    rejects_path: Path | None = None
    seconds: float = 0.0
    _merge_keys: set = field(default_factory=set)

    def reject(self, file: str, row: int | str | None, column: str, value: object, reason: str, *,
               malformed: bool = False) -> None:
        self.rejects.append(Reject(file, row, column, str(value or "")[:MAX_VALUE], reason, malformed))

    @property
    def malformed(self) -> list[Reject]:
        return [r for r in self.rejects if r.malformed]

    def merge(self, kind: str, record: str, into: str, reason: str) -> None:
        key = (kind, record, into)
        if key not in self._merge_keys:
            self._merge_keys.add(key)
            self.merges.append(Merge(kind, record, into, reason))

    def notice(self, text: str) -> None:
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
                                                                     r.column, r.value, r.reason)])
            handle.flush()
        self.rejects_path = path
        return path

    def reasons(self) -> list[tuple[str, int]]:
        return Counter(r.reason.split(":")[0] for r in self.rejects).most_common()

    def summary(self, max_merges: int = 200) -> str:
        """The human summary printed at the end of a load."""
        lines = []
        verb = "would be" if self.dry_run else ""
        lines.append(f"rows read: {self.rows_read:,}; used: {self.rows_used:,}; rejected: {len(self.rejects):,}"
                     f" ({self.seconds:.1f} s)")
        if self.result is not None:
            r = self.result
            head = "nodes" + (f" {verb}" if verb else "")
            lines.append(f"{head}: {r.nodes_created:,} created, {r.nodes_updated:,} updated; relationships: "
                         f"{r.edges_created:,} created, {r.edges_updated:,} updated; {r.unchanged:,} unchanged")
        for reason, count in self.reasons():
            lines.append(f"  rejected {count:,} × {reason}")
        if self.rejects_path:
            lines.append(f"rejected rows written to {self.rejects_path}")
        if self.merges:
            lines.append(f"merges ({len(self.merges)}):")
            lines.extend(f"  {m.line()}" for m in self.merges[:max_merges])
            if len(self.merges) > max_merges:
                lines.append(f"  ... and {len(self.merges) - max_merges} more (see --merges)")
        for text in self.notices:
            lines.append(f"note: {text}")
        if self.dry_run:
            lines.append("dry run: nothing was written")
        return "\n".join(lines)

    def write_merges(self, path: Path) -> None:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["kind", "record", "into", "reason"])
            for m in self.merges:
                writer.writerow([spreadsheet_cell(cell) for cell in (m.kind, m.record, m.into, m.reason)])


class Progress:
    """A one-line progress bar with rows/s on stderr, drawn only when stderr is a TTY."""

    EVERY = 512  # rows between clock checks

    def __init__(self, label: str, total_bytes: int | None = None, stream: IO[str] | None = None,
                 enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        if enabled is None:
            enabled = self.stream.isatty() and not os.environ.get("HILOS_NO_PROGRESS")
        self.enabled = enabled
        self.label, self.total = label, total_bytes
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
        rate = self.rows / max(now - self.start, 1e-6)
        text = f"{self.label}: {self.rows:,} rows, {rate:,.0f} rows/s"
        if self.total and position:
            share = min(position / self.total, 1.0)
            filled = int(share * 24)
            text = f"{self.label} [{'#' * filled}{'.' * (24 - filled)}] {share:4.0%}  {self.rows:,} rows, " \
                   f"{rate:,.0f} rows/s"
        self.stream.write("\r" + text[:160].ljust(80))
        self.stream.flush()
        self._drawn = True

    def done(self) -> None:
        if self.enabled and self._drawn:
            now = time.monotonic()
            rate = self.rows / max(now - self.start, 1e-6)
            self.stream.write("\r" + f"{self.label}: {self.rows:,} rows, {rate:,.0f} rows/s".ljust(80) + "\n")
            self.stream.flush()


def rows_with_progress(rows: Iterable[tuple[int, list[str]]], progress: Progress, position=None):
    """Yield rows, ticking the progress bar (position() gives bytes read, for the percentage)."""
    for item in rows:
        progress.tick(1, position() if position and progress.enabled else None)
        yield item
