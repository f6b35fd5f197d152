"""The researchers' Cypher console: run one user query on Neo4j, read-only, with a timeout and a row cap.

Three guards, so that no query can change the database or reach outside it:
1. the session runs in READ access mode, so the server refuses any write
   (CREATE, MERGE, DELETE, SET, schema and administration commands);
2. the query is first planned with EXPLAIN in the same transaction, and refused
   unless the server types it as read-only ('r') and its plan holds none of
   DENIED_OPERATORS (LOAD CSV and TERMINATE TRANSACTIONS read, but fetch URLs or
   stop other people's work; CALL { ... } IN TRANSACTIONS commits on its own);
3. the transaction is explicit and never committed: it is rolled back at the end.
The server stops the transaction after `timeout` seconds; rows past `row_cap`
are not fetched (one more is asked for, to know the cap was hit); an answer over
`max_bytes`, or still arriving a moment after the timeout, is cut off as it arrives
(graph.console_budget), so no single huge value can fill the app's memory.
"""
from __future__ import annotations

import json
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping

from neo4j import READ_ACCESS, Record
from neo4j.graph import Node as DriverNode
from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired

from graph import cypher
from graph.console_budget import DEFAULT_MAX_BYTES, Budget, spending
from graph.console_values import loose_ends, plain
from graph.errors import QueryRejected
from graph.store_neo4j import Neo4jStore, translated

DEFAULT_TIMEOUT = 10.0  # seconds
DEFAULT_ROW_CAP = 1000
SENDING_GRACE = 2.0  # seconds after the timeout for rows the server made in time to arrive
DENIED_OPERATORS = frozenset({"LoadCSV", "TerminateTransactions", "TransactionApply", "TransactionForeach"})
EXPLAIN = "EXPLAIN "
_POSITION = re.compile(r"\(line (\d+), column (\d+) \(offset: (\d+)\)\)")
_QUOTED = re.compile(r'^"' + re.escape(EXPLAIN) + r'(.*)"\n {' + str(len(EXPLAIN)) + "}", re.MULTILINE)
READ_ONLY, SYSTEM = "r", "s"  # the server's query types for a plain read and for schema/administration
# A SYSTEM plan made only of these is server administration (SHOW DATABASES, CREATE USER, dbms.components()):
# EXPLAIN tells its reads from its writes no better than this, so all of it is refused as administration.
ADMIN_OPERATORS = frozenset({"AdministrationCommand", "ProcedureCall", "ProduceResults", "EmptyResult"})
# Procedures the server types as reads that change the server all the same (query collection, index statistics,
# plan caches) or hand out what other sessions ran (db.stats.retrieve('QUERIES')): administration too.
ADMIN_PROCEDURES = ("db.stats.", "db.resampleindex", "db.resampleoutdatedindexes", "db.prepareforreplanning")
# SHOW commands the server types as reads that hand out what other sessions run (their queries, with their
# parameters) or how the server is set up: administration too. SHOW INDEXES, CONSTRAINTS, PROCEDURES and
# FUNCTIONS describe the database and still run.
ADMIN_SHOW_OPERATORS = frozenset({"ShowTransactions", "ShowSettings"})
# Server error codes that mean "this would write" or "this cannot run here".
WRITE_CODES = frozenset({
    "Neo.ClientError.Statement.AccessMode",
    "Neo.ClientError.Security.Forbidden",
    "Neo.DatabaseError.Transaction.TransactionStartFailed",  # CALL { ... } IN TRANSACTIONS in a transaction
})
ADMIN_CODES = frozenset({"Neo.ClientError.Statement.UnsupportedAdministrationCommand"})
# The query outgrew the memory the server gives one transaction (or all of them): the query's doing, not the server's.
MEMORY_CODES = frozenset({"Neo.TransientError.General.MemoryPoolOutOfMemoryError",
                          "Neo.TransientError.General.TransactionMemoryLimit"})
# What the server says of PROFILE after the console's own EXPLAIN (the user wrote only PROFILE).
PROFILE_CONFLICT = "conflicting values for execution mode"
TIMEOUT_CODES = frozenset({
    "Neo.ClientError.Transaction.TransactionTimedOut",
    "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
})
INVALID_PREFIXES = ("Neo.ClientError.Statement.SyntaxError", "Neo.ClientError.Statement.SemanticError",
                    "Neo.ClientError.Statement.ParameterMissing", "Neo.ClientError.Statement.ArgumentError",
                    "Neo.ClientError.Procedure.ProcedureNotFound")


@dataclass(frozen=True)
class ConsoleResult:
    """What a query returned, as plain data (see graph.console_values), and which limit it hit."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    raw: tuple[Record, ...] = field(repr=False, default=())  # the driver's records, for the graph view
    ends: Mapping[str, DriverNode] = field(repr=False, default_factory=dict)  # see console_values.loose_ends
    capped: bool = False  # more rows than row_cap: only the first row_cap are here
    timed_out: bool = False  # stopped by the timeout: the rows are those fetched before it
    seconds: float = 0.0
    notes: tuple[str, ...] = ()  # the server's notifications about the query, e.g. a cartesian product
    plan: tuple[str, ...] = ()  # for EXPLAIN: the plan's operators, one line each, indented by depth


class ConsoleRejected(QueryRejected):
    """A console query that did not run: `reason` says why, `detail` holds the server's own words."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason, self.detail = reason, detail
        super().__init__(f"{reason}: {detail}" if detail else reason)


def run_read_only(store: Neo4jStore, text: str, parameters: Mapping[str, Any] | None = None, *,
                  timeout: float = DEFAULT_TIMEOUT, row_cap: int = DEFAULT_ROW_CAP,
                  max_bytes: int = DEFAULT_MAX_BYTES) -> ConsoleResult:
    """Run `text` read-only; ConsoleRejected (reason write, admin, invalid, failed, timeout, memory, dropped,
    too_big, profile or empty) if it cannot.

    Connection problems raise StoreError, as every store read does.
    """
    if not text.strip():
        raise ConsoleRejected("empty")
    if timeout <= 0 or row_cap < 1 or max_bytes < 1:
        raise ValueError(f"timeout, row_cap and max_bytes must be positive, not {timeout!r}, {row_cap!r} and "
                         f"{max_bytes!r}")
    started = time.monotonic()
    budget = Budget(max_bytes, started + timeout + SENDING_GRACE)
    with translated(store.settings):
        with store.driver.session(database=store.database, default_access_mode=READ_ACCESS,
                                  fetch_size=min(row_cap + 1, 1000)) as session:
            tx = session.begin_transaction(timeout=timeout)
            try:
                notes = _check_plan(tx, text, parameters or {})
                with _answer_within(budget):
                    columns, raw, capped, timed_out, plan = _fetch(tx, text, parameters or {}, row_cap)
                    ends = _ends(tx, raw) if not timed_out else {}
            finally:
                tx.close()  # rolls back: nothing a console query did is ever committed
    return ConsoleResult(tuple(columns), tuple(tuple(plain(value, ends) for value in record.values()) for record in raw),
                         tuple(raw), ends, capped, timed_out, time.monotonic() - started, notes, plan)


@contextmanager
def _answer_within(budget: Budget) -> Iterator[None]:
    """Count the answer's bytes against `budget`; the connection the budget broke is told as too_big or
    timeout rather than as a server that went away."""
    try:
        with spending(budget):
            yield
    except (ServiceUnavailable, SessionExpired, ConsoleRejected) as exc:
        if budget.exceeded == "bytes":
            raise ConsoleRejected("too_big") from exc
        if budget.exceeded == "time":
            raise ConsoleRejected("timeout") from exc
        raise


def _ends(tx: Any, records: list[Record]) -> dict[str, DriverNode]:
    """The relationship ends the query returned without their nodes, read in the same transaction."""
    missing = loose_ends(records)
    if not missing:
        return {}
    return {record["n"].element_id: record["n"] for record in tx.run(cypher.NODES_BY_ELEMENT_ID,
                                                                        {"element_ids": missing})}


def _check_plan(tx: Any, text: str, parameters: Mapping[str, Any]) -> tuple[str, ...]:
    """Plan the query without running it; refuse anything that is not a plain read. Returns the server's notes
    on the plan (a cartesian product, a deprecated form)."""
    try:
        summary = tx.run(EXPLAIN + text, parameters).consume()
    except Neo4jError as exc:
        if PROFILE_CONFLICT in (exc.message or ""):
            raise ConsoleRejected("profile") from exc
        rejection = _rejection(exc)
        if rejection is None:
            raise
        raise ConsoleRejected(rejection.reason, unprefixed(rejection.detail)) from exc
    planned = set(operators(summary.plan or {}))
    denied = sorted(DENIED_OPERATORS & planned)
    if (summary.query_type == SYSTEM and planned <= ADMIN_OPERATORS) or planned & ADMIN_SHOW_OPERATORS or any(
            name.startswith(ADMIN_PROCEDURES) for name in procedures(summary.plan or {})):
        raise ConsoleRejected("admin")
    if summary.query_type != READ_ONLY or denied:
        raise ConsoleRejected("write", ", ".join(denied))
    return tuple(dict.fromkeys(status.status_description for status in summary.gql_status_objects
                               if status.is_notification and status.status_description))


def unprefixed(message: str) -> str:
    """A server message about the EXPLAIN-prefixed text, told about the user's text: quote, caret, positions."""
    def position(match: re.Match[str]) -> str:
        line, column, offset = (int(group) for group in match.groups())
        column -= len(EXPLAIN) if line == 1 else 0
        return f"(line {line}, column {column} (offset: {offset - len(EXPLAIN)}))"

    message = _POSITION.sub(position, message)
    return _QUOTED.sub(r'"\1"\n', message)


def _fetch(tx: Any, text: str, parameters: Mapping[str, Any],
           row_cap: int) -> tuple[list[str], list[Record], bool, bool, tuple[str, ...]]:
    """(columns, up to row_cap records, cap hit, timed out, the plan's lines if the user asked for one with
    EXPLAIN, which returns no rows); a timeout keeps the rows already fetched."""
    records: list[Record] = []
    columns: list[str] = []
    try:
        result = tx.run(text, parameters)
        columns = list(result.keys())
        for record in result:
            if len(records) == row_cap:
                return columns, records, True, False, ()
            records.append(record)
        plan = () if records else tuple(plan_lines(result.consume().plan or {}))
    except Neo4jError as exc:
        rejection = _rejection(exc)
        if rejection is None:
            raise
        if rejection.reason != "timeout" or not records:
            raise rejection from exc
        return columns, records, False, True, ()
    except (ServiceUnavailable, SessionExpired) as exc:
        # The query was planned on this connection, so the server was there: most often it gave up encoding a
        # huge value (RETURN range(1, 100000000)) and closed the connection.
        raise ConsoleRejected("dropped", str(exc)) from exc
    return columns, records, False, False, plan


def operators(plan: Mapping[str, Any]) -> Iterator[str]:
    """Every operator name in a plan tree, without the `@database` suffix."""
    yield str(plan.get("operatorType", "")).split("@", 1)[0]
    for child in plan.get("children", ()):
        yield from operators(child)


def plan_lines(plan: Mapping[str, Any], depth: int = 0) -> Iterator[str]:
    """A plan tree as text, one operator a line under its parent, with its details and estimated rows (as
    cypher-shell prints a plan, more briefly)."""
    if not plan:
        return
    args = plan.get("args", {})
    details = f"  {args['Details']}" if args.get("Details") else ""
    estimate = args.get("EstimatedRows")
    rows = f"  ~{estimate:,.{1 if estimate < 10 else 0}f} rows" if isinstance(estimate, (int, float)) else ""
    yield f"{'  ' * depth}{str(plan.get('operatorType', '')).split('@', 1)[0]}{details}{rows}"
    for child in plan.get("children", ()):
        yield from plan_lines(child, depth + 1)


def procedures(plan: Mapping[str, Any]) -> Iterator[str]:
    """The name, in lower case, of every procedure a plan calls (its ProcedureCall details start with it)."""
    for child in plan.get("children", ()):
        yield from procedures(child)
    if str(plan.get("operatorType", "")).split("@", 1)[0] == "ProcedureCall":
        yield str(plan.get("args", {}).get("Details", "")).split("(", 1)[0].strip().strip("`").lower()


def _rejection(exc: Neo4jError) -> ConsoleRejected | None:
    """The server's refusal as a ConsoleRejected; None for other errors (connection, database), left to
    graph.store_neo4j.translated."""
    code, message = exc.code or "", (exc.message or "").strip()
    if code in WRITE_CODES:
        return ConsoleRejected("write", message)
    if code in ADMIN_CODES:
        return ConsoleRejected("admin", message)
    if code in TIMEOUT_CODES:
        return ConsoleRejected("timeout", message)
    if code in MEMORY_CODES:
        return ConsoleRejected("memory", message)
    if code.startswith(INVALID_PREFIXES):
        return ConsoleRejected("invalid", message)
    if code.startswith(("Neo.ClientError.Statement.", "Neo.ClientError.Procedure.", "Neo.DatabaseError.")):
        return ConsoleRejected("failed", message)  # a DatabaseError here: the server choked on this text ("/*")
    return None


def parse_parameters(text: str) -> dict[str, Any]:
    """The console's parameters box: a JSON object (empty text means none); ConsoleRejected otherwise."""
    if not text.strip():
        return {}
    try:
        value = json.loads(text, parse_int=_integer)
    except ValueError as exc:
        raise ConsoleRejected("parameters", str(exc)) from exc
    if not isinstance(value, dict):
        raise ConsoleRejected("parameters", "expected a JSON object such as {\"id\": \"agency:ice\"}")
    return value


def _integer(digits: str) -> int:
    """A JSON integer Neo4j can hold (64 bits); the driver would fail on a larger one with an OverflowError."""
    number = int(digits)
    if not -2**63 <= number < 2**63:
        raise ValueError(f"{digits} is too large for a Neo4j integer (64 bits): write it as text, \"{digits}\"")
    return number
