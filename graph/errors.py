"""One error tree for Hilos: callers catch `HilosError` and show one clean line."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # graph.i18n imports this module
    from graph.i18n import Message


class HilosError(Exception):
    """Root of every error Hilos raises on purpose."""


class SchemaError(HilosError):
    """The declared schema (graph/schema/*.yaml) is inconsistent."""


class LoadError(HilosError):
    """Bad input data: names the file, the row or entry, and the field.

    str() is English (logs); graph.i18n.error_text says it in the reader's language when `message` is a Message.
    """

    def __init__(self, message: str | Message, *, path: str | None = None, row: int | str | None = None,
                 field: str | None = None) -> None:
        from graph.i18n import location  # graph.i18n imports this module

        self.path, self.row, self.field, self.reason = path, row, field, message
        where = location("en", path, row, field=field)
        super().__init__(f"{where}: {message}" if where else message)


class StoreError(HilosError):
    """The store could not be opened, read or written."""


class NotFound(HilosError):
    """A name or id matches no entity; carries close suggestions."""

    def __init__(self, text: str, suggestions: list[str]) -> None:
        self.text, self.suggestions = text, suggestions
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"No entity matches '{text}'.{hint}")


class QueryRejected(HilosError):
    """A user query was refused (write attempt, timeout, malformed)."""


class TimedOut(QueryRejected):
    """A neighbourhood or path request ran past its time budget and was stopped (see graph.store.QUERY_SECONDS)."""
