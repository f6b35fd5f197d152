"""A Cypher script, free of parameters, that recreates a Hilos graph in Neo4j.

The script runs as is in cypher-shell (`cypher-shell -f graph.cypher`), one
statement per line: the schema bootstrap, then the store's own MERGE statements
(graph.cypher) with each batch of rows written as a literal list instead of
`$rows`, so the result is exactly what Neo4jStore would have written. Running
it twice changes nothing; nodes already there take the exported properties.
"""
from __future__ import annotations

import math
import re
from typing import Any, Iterator, TextIO

from graph import cypher
from graph.neo4j_write import batches, edge_row, node_row
from graph.store import GraphStore

BATCH_SIZE = 500
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Characters that would break a one-line string literal, or that editors treat as line ends.
_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_UNSAFE = re.compile(r"[\\'\x00-\x1f\x7f\x85\u2028\u2029]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _ESCAPES.get(char) or f"\\u{ord(char):04x}"


def literal(value: Any) -> str:
    """A Cypher literal for a property value: string, number, boolean, null, list or map."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot export the number {value!r}")
        return repr(value)
    if isinstance(value, str):
        return "'" + _UNSAFE.sub(_escape, value) + "'"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key if _PLAIN_KEY.fullmatch(key) else cypher.quote(key)}: {literal(item)}"
                               for key, item in value.items()) + "}"
    raise ValueError(f"cannot export a {type(value).__name__} value")


def script_lines(store: GraphStore, batch_size: int = BATCH_SIZE) -> Iterator[str]:
    """The script, line by line: comments, then one statement per line ending in ';'."""
    nodes, edges = list(store.nodes()), list(store.edges())
    yield f"// Hilos graph: {len(nodes)} nodes, {len(edges)} relationships. Run: cypher-shell -f FILE"
    yield "// Idempotent: constraints and indexes IF NOT EXISTS, then MERGE by id."
    for statement in (*cypher.schema_statements(), cypher.AWAIT_INDEXES):
        yield statement + ";"
    for label in sorted({node.label for node in nodes}):
        rows = [node_row(node) for node in nodes if node.label == label]
        for batch in batches(rows, batch_size):
            yield cypher.merge_nodes(label, rows=literal(batch)) + ";"
    for rel_type in sorted({edge.type for edge in edges}):
        rows = [edge_row(edge) for edge in edges if edge.type == rel_type]
        for batch in batches(rows, batch_size):
            yield cypher.merge_edges(rel_type, rows=literal(batch)) + ";"


def write_script(store: GraphStore, out: TextIO, batch_size: int = BATCH_SIZE) -> int:
    """Write the script to `out`; returns how many statements it holds."""
    count = 0
    for line in script_lines(store, batch_size):
        out.write(line + "\n")
        count += not line.startswith("//")
    return count

