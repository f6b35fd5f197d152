"""The Neo4j server's own share of a load: what the loader wrote, written again with nothing else to do.

After the USAspending loader benchmark on Neo4j, every record it wrote is read
back and the database cleared. The same records are then created again with
the store's own statements (graph.neo4j_write's steps: CREATE per label and
type, the store's rows per statement and per transaction), from rows made
beforehand, and the full-text index is awaited as a write does. No file is
read, nothing is resolved or planned, no row is built while the server waits:
this is the speed no loader can beat on that server and that model, so it
tells how much of a missed target is the client's and how much the server's.
"""
from __future__ import annotations

import time
from typing import Any

from graph import cypher
from graph.neo4j_write import Plan, chunks
from graph.store_neo4j import Neo4jStore, run_all


def replay(store: Neo4jStore) -> dict[str, Any]:
    """Write the store's records again from memory, timed: seconds, and how many records went."""
    nodes, edges = list(store.nodes()), list(store.edges())
    plan = Plan(new_nodes=nodes, new_edges=edges)
    transactions = [[step.apply for step in chunk]
                    for chunk in chunks(plan.steps(store.batch_size), lambda step: step.rows, store.chunk_rows)]
    del nodes, edges, plan
    store.clear()
    records = sum(len(rows) for statements in transactions for _statement, rows in statements)
    with store.driver.session(database=store.database) as session:
        start = time.perf_counter()
        for statements in transactions:
            session.execute_write(run_all, statements)
        session.run(cypher.AWAIT_SEARCH).consume()
        seconds = time.perf_counter() - start
    return {"replay_s": seconds, "replay_records": records}
