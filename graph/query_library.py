"""The console's query library: the bilingual examples (graph/queries/examples.yaml) and the user's own.

A user's saved queries live in one JSON file on this computer, next to the
graph file (`saved_queries_path`); each save rewrites it atomically (temporary
file, then rename), so a crash leaves the previous list intact.
"""
from __future__ import annotations

import json
import os
import threading
import uuid
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Mapping

from graph import yaml_text

from graph.atomic import atomic_write
from graph.errors import HilosError
from graph.i18n import LANGS, Message
from graph.store import default_db_path

EXAMPLES_FILE = Path(__file__).with_name("queries") / "examples.yaml"
SAVED_FILE_NAME = "queries.json"
SAVED_VERSION = 1
MAX_TITLE = 120
MAX_TEXT = 20_000
_lock = threading.Lock()  # sessions of one app save in turn


class LibraryError(HilosError):
    """The example file or the saved-query file is malformed, or a query to save is not valid."""


@dataclass(frozen=True)
class LibraryQuery:
    """A query of the library: `key` is `example:<id>` or `saved:<id>`; saved ones have one title for all."""

    key: str
    titles: Mapping[str, str]
    text: str
    parameters: Mapping[str, Any] = field(default_factory=dict)

    @property
    def saved(self) -> bool:
        return self.key.startswith("saved:")

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or next(iter(self.titles.values()))


@cache
def examples() -> tuple[LibraryQuery, ...]:
    """The example queries, in file order; LibraryError names the entry at fault."""
    raw = yaml_text.load(EXAMPLES_FILE.read_text(encoding="utf-8")) or []
    items: list[LibraryQuery] = []
    for number, entry in enumerate(raw, 1):
        where = f"{EXAMPLES_FILE.name} entry {number}"
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not isinstance(
                entry.get("query"), str):
            raise LibraryError(f"{where}: needs an id and a query")
        titles = {lang: entry.get(f"title_{lang}") for lang in LANGS}
        if not all(isinstance(title, str) and title for title in titles.values()):
            raise LibraryError(f"{where}: needs a title in each of {', '.join(LANGS)}")
        parameters = entry.get("parameters") or {}
        if not isinstance(parameters, dict):
            raise LibraryError(f"{where}: parameters must be a map")
        items.append(LibraryQuery(f"example:{entry['id']}", titles, entry["query"], parameters))
    keys = [item.key for item in items]
    if len(set(keys)) != len(keys):
        raise LibraryError(f"{EXAMPLES_FILE.name}: an id is used twice")
    return tuple(items)


def saved_queries_path() -> Path:
    """HILOS_QUERIES, else queries.json beside the graph file (HILOS_DB or the default data folder)."""
    if os.environ.get("HILOS_QUERIES"):
        return Path(os.environ["HILOS_QUERIES"]).expanduser()
    return default_db_path().with_name(SAVED_FILE_NAME)


def _read(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LibraryError(Message("console.library.unreadable", path=path, error=exc)) from exc
    entries = data.get("queries") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not all(
            isinstance(e, dict) and isinstance(e.get("id"), str) and isinstance(e.get("title"), str)
            and isinstance(e.get("query"), str) and isinstance(e.get("parameters", {}), dict) for e in entries):
        raise LibraryError(Message("console.library.not_saved_file", path=path))
    return entries


def _write(path: Path, entries: list[dict[str, Any]]) -> None:
    text = json.dumps({"version": SAVED_VERSION, "queries": entries}, ensure_ascii=False, indent=1)
    with atomic_write(path, text=True) as out:
        out.write(text)


def saved_queries(path: Path | None = None) -> tuple[LibraryQuery, ...]:
    """The user's saved queries, oldest first."""
    entries = _read(path or saved_queries_path())
    return tuple(LibraryQuery(f"saved:{e['id']}", {lang: e["title"] for lang in LANGS}, e["query"],
                              e.get("parameters", {})) for e in entries)


def save_query(title: str, text: str, parameters: Mapping[str, Any], path: Path | None = None) -> LibraryQuery:
    """Add a query to the saved list; LibraryError if the title or text is empty or too long."""
    title, text = " ".join(title.split()), text.strip()
    if not title or len(title) > MAX_TITLE:
        raise LibraryError(Message("console.library.title_length", limit=MAX_TITLE))
    if not text or len(text) > MAX_TEXT:
        raise LibraryError(Message("console.library.text_length", limit=MAX_TEXT))
    entry = {"id": uuid.uuid4().hex[:12], "title": title, "query": text, "parameters": dict(parameters)}
    path = path or saved_queries_path()
    with _lock:
        _write(path, [*_read(path), entry])
    return LibraryQuery(f"saved:{entry['id']}", {lang: title for lang in LANGS}, text, entry["parameters"])


def delete_query(key: str, path: Path | None = None) -> None:
    """Remove a saved query by its key (`saved:<id>`); unknown keys change nothing."""
    path = path or saved_queries_path()
    with _lock:
        entries = _read(path)
        kept = [e for e in entries if f"saved:{e['id']}" != key]
        if len(kept) != len(entries):
            _write(path, kept)
