"""Reading seed records from YAML and CSV files, keeping where each came from."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from graph import yaml_text
from graph.errors import LoadError
from graph.i18n import Message, reading_problem


@dataclass(frozen=True)
class Record:
    """One node or relationship record and its origin (file and row/line)."""

    kind: str  # "node" or "relationship"
    data: dict[str, Any]
    path: str
    row: int


SECTIONS = {"nodes": "node", "relationships": "relationship"}


def read_yaml(path: Path) -> Iterator[Record]:
    """Records from a YAML file with top-level `nodes:` and/or `relationships:` lists."""
    try:
        document = yaml_text.load_with_lines(path.read_text(encoding="utf-8-sig")) or {}
    except (yaml_text.YAMLError, UnicodeDecodeError) as exc:
        raise LoadError(Message("seed.bad_yaml", error=reading_problem(exc)), path=str(path)) from exc
    if not isinstance(document, dict):
        raise LoadError(Message("seed.not_mapping"), path=str(path), row=1)
    document.pop("__line__", None)
    unknown = sorted(set(document) - set(SECTIONS), key=str)
    if unknown:
        raise LoadError(Message("seed.unknown_section", expected=", ".join(SECTIONS)), path=str(path), field=unknown[0])
    for section, kind in SECTIONS.items():
        entries = document.get(section) or []
        if not isinstance(entries, list):
            raise LoadError(Message("seed.not_list"), path=str(path), field=section)
        for index, entry in enumerate(entries, 1):
            if not isinstance(entry, dict):
                raise LoadError(Message("seed.entry_not_mapping", index=index, section=section), path=str(path),
                                field=section)
            line = entry.pop("__line__", index)
            yield Record(kind, entry, str(path), line)


def read_csv(path: Path, kind: str) -> Iterator[Record]:
    """Records from a CSV file; list columns (aliases, sources) use ';' between items."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row_number, row in enumerate(csv.DictReader(handle), 2):
                if None in row:
                    raise LoadError(Message("seed.too_many_cells"), path=str(path), row=row_number)
                yield Record(kind, {k: v for k, v in row.items() if v not in ("", None)}, str(path), row_number)
    except UnicodeDecodeError as exc:
        raise LoadError(Message("seed.not_utf8", error=exc), path=str(path)) from exc


def read_folder(folder: Path) -> Iterator[Record]:
    """Every record in a seed folder: *.yaml, *.nodes.csv and *.relationships.csv, by file name."""
    files = sorted(p for p in folder.iterdir() if p.is_file())
    if not any(p.suffix in (".yaml", ".yml", ".csv") for p in files):
        raise LoadError(Message("seed.no_files"), path=str(folder))
    for path in files:
        if path.suffix in (".yaml", ".yml"):
            yield from read_yaml(path)
        elif path.name.endswith(".nodes.csv"):
            yield from read_csv(path, "node")
        elif path.name.endswith(".relationships.csv"):
            yield from read_csv(path, "relationship")
