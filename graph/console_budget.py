"""A bound on what one console query may send back: the bytes of its answer and the time they take to arrive.

The row cap counts rows and the server's timeout stops the server's work, but neither bounds one huge value:
`RETURN range(1, 10000000)` is one row of 45 MB that the driver turns into ~650 MB of Python objects, and
`MATCH (n) RETURN collect(n)` on a loaded graph is more; once made, such a value is sent even past the
timeout. The driver has no limit of its own, so the console counts the bytes its connection receives and
breaks the connection once they pass the budget or the deadline: the driver then drops that connection, and
the bytes never become objects.

The count happens in the driver's one function that reads a connection's socket
(`neo4j._sync.io._bolt._common.receive_into_buffer`, wrapped once on import). The synchronous driver reads in
the caller's thread, so a budget set for one thread counts only that thread's reads: the other sessions'
queries and the app's own reads are not counted. tests/test_console_neo4j.py fails if a driver upgrade moves
that function.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from neo4j._sync.io._bolt import _common as bolt_io

DEFAULT_MAX_BYTES = 16 * 2**20
_current = threading.local()


class BudgetExceeded(OSError):
    """Raised inside the driver's read: the driver treats it as a broken connection and drops it."""


@dataclass
class Budget:
    """Bytes a query's answer may take, and the moment it must have arrived by (time.monotonic())."""

    max_bytes: int
    deadline: float
    received: int = 0
    exceeded: str | None = None  # "bytes" or "time" once spent

    def spend(self, n_bytes: int) -> None:
        self.received += n_bytes
        if self.received > self.max_bytes:
            self.exceeded = "bytes"
        elif time.monotonic() > self.deadline:
            self.exceeded = "time"
        if self.exceeded:
            raise BudgetExceeded(f"console answer over its {self.exceeded} budget")


@contextmanager
def spending(budget: Budget) -> Iterator[Budget]:
    """Count this thread's reads from Neo4j against `budget` until the block ends."""
    _current.budget = budget
    try:
        yield budget
    finally:
        _current.budget = None


def _counted(receive: Callable[..., Any]) -> Callable[..., Any]:
    def receive_into_buffer(sock: Any, buffer: Any, n_bytes: int) -> Any:
        budget = getattr(_current, "budget", None)
        if budget is not None:
            budget.spend(n_bytes)
        return receive(sock, buffer, n_bytes)

    receive_into_buffer.counted = True  # type: ignore[attr-defined]
    return receive_into_buffer


if not getattr(bolt_io.receive_into_buffer, "counted", False):
    bolt_io.receive_into_buffer = _counted(bolt_io.receive_into_buffer)
