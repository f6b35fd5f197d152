"""The three measured phases of one size, each run in its own process so peak memory is its own.

- load: generate the synthetic graph, write it into the store (rows/s, file size),
  and save the workload (queries, nodes, pairs) for the next phases;
- query: open the store cold and run the workload;
- baseline: the same workload with plain networkx and a linear scan of names,
  as the first embedded store did it (no indexes, no caps).
"""
from __future__ import annotations

import json
import signal
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from benchmarks import synthetic
from benchmarks.timing import peak_mb, spread, timed
from graph.errors import TimedOut
from graph.explain import explain
from graph.store import GraphStore, handed_over

VIEW_NODES = 500
VIEWS = (50, 500, 5000)  # caps of the neighbourhoods drawn in the browser (benchmarks.views)
QUICK_VIEWS = (50,)  # and no cold start on a fresh graph: --quick checks that it works, in CI
NEIGHBOUR_LIMIT = 200


@dataclass(frozen=True)
class Plan:
    """How much of each operation to run (the quick plan is for CI)."""

    searches: int
    neighbourhoods: int
    pairs: int
    hub_pairs: int
    budget: float  # seconds per operation for the slow baseline and for Neo4j
    call_limit: int  # seconds one call may take before it is abandoned (Neo4j)


FULL = Plan(searches=60, neighbourhoods=60, pairs=40, hub_pairs=10, budget=20.0, call_limit=60)
QUICK = Plan(searches=12, neighbourhoods=12, pairs=8, hub_pairs=3, budget=1.5, call_limit=15)


def open_backend(backend: str, work: Path) -> GraphStore:
    if backend == "neo4j":
        from graph.settings import neo4j_settings
        from graph.store_neo4j import Neo4jStore

        return Neo4jStore.connect(neo4j_settings())
    from graph.store_networkx import EmbeddedStore

    return EmbeddedStore(work / "graph.hilos")


def load(backend: str, size: int, work: Path, plan: Plan) -> dict[str, Any]:
    seconds, graph = timed(lambda: synthetic.generate(size))
    workload = {
        "queries": synthetic.search_queries(graph, plan.searches),
        "nodes": synthetic.sample_nodes(graph, plan.neighbourhoods),
        "pairs": synthetic.sample_pairs(graph, plan.pairs),
        "hub_pairs": synthetic.hub_pairs(graph)[:plan.hub_pairs],
        "view_from": graph.hubs[3],  # ICE: a hub whose 2-hop neighbourhood is far bigger than the view
    }
    (work / "workload.json").write_text(json.dumps(workload))
    store = open_backend(backend, work)
    if backend == "neo4j":
        store.clear()  # type: ignore[attr-defined]
    rows = len(graph.nodes) + len(graph.edges)
    # As a loader does: one write, the store's copy only (the Neo4j store cuts it into transactions itself).
    elapsed, _ = timed(lambda: store.write(handed_over(graph.nodes), handed_over(graph.edges)))
    stats = store.stats()
    store.close()
    path = work / "graph.hilos"
    return {"generate_s": seconds, "rows": rows, "nodes": stats.nodes, "relationships": stats.relationships,
            "load_s": elapsed, "load_rows_per_s": rows / elapsed,
            "file_mb": path.stat().st_size / 1e6 if backend == "embedded" else None, "load_peak_mb": peak_mb()}


def query(backend: str, work: Path, plan: Plan) -> dict[str, Any]:
    workload = json.loads((work / "workload.json").read_text())
    queries, nodes = workload["queries"], workload["nodes"]
    pairs = [tuple(p) for p in workload["pairs"]]
    hubs = [tuple(p) for p in workload["hub_pairs"]]
    start = time.perf_counter()
    store = open_backend(backend, work)
    opened = time.perf_counter() - start
    store.search(queries[0])
    store.neighbours(nodes[0], depth=2, limit=NEIGHBOUR_LIMIT)
    ready = time.perf_counter() - start
    budget = plan.budget if backend == "neo4j" else None
    guard = _guard(plan.call_limit if backend == "neo4j" else None)
    out: dict[str, Any] = {"open_s": opened, "cold_open_s": ready}
    search = guard(lambda q: store.search(q))
    out["search"] = measured(lambda: spread(search, queries, budget))  # each query's first time
    out["search_warm"] = measured(lambda: spread(search, queries, budget))  # the same queries again
    out["neighbourhood"] = measured(lambda: spread(guard(lambda n: store.neighbours(n, depth=2, limit=NEIGHBOUR_LIMIT)),
                                                   nodes, budget))
    found: list = []
    out["path"] = measured(lambda: spread(guard(lambda p: found.extend(store.paths(*p, k=1))), pairs, budget))
    out["path_hubs"] = measured(lambda: spread(guard(lambda p: store.paths(*p, k=1)), hubs, budget))
    out["paths5"] = measured(lambda: spread(guard(lambda p: store.paths(*p, k=5)), pairs, budget))
    out["paths5_hubs"] = measured(lambda: spread(guard(lambda p: store.paths(*p, k=5)), hubs, budget))
    out["path_found"] = len(found)
    out["explain"] = measured(lambda: spread(lambda p: explain(p, "es", store.get).full_text(), found))
    out["view"] = measured(lambda: _view(store, workload["view_from"]))
    out["peak_mb"] = peak_mb()
    store.close()
    return out


def measured(func: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """func's figures, or {"failed": reason} when it raises (a Neo4j error, say): the other measures go on."""
    try:
        return func()
    except Exception as exc:  # recorded in the table and the JSON, never hidden
        return {"failed": failure_reason(exc)}


def failure_reason(exc: BaseException) -> str:
    """One line: the error's type and the first line of its message."""
    first = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first}"[:300]


def _view(store: GraphStore, hub: str) -> dict[str, Any]:
    """Build time and size of the standalone page of a 500-node view (benchmarks.views has the browser's side)."""
    from graph.render import graph_html

    seconds, html = timed(lambda: _view_html(store, hub, graph_html))
    return {"build_ms": seconds * 1000, "payload_kb": len(html.encode("utf-8")) / 1000}


def _view_html(store: GraphStore, hub: str, graph_html: Callable[..., str]) -> str:
    around = store.neighbours(hub, depth=2, limit=VIEW_NODES)
    return graph_html(around.nodes, around.edges, lang="es", highlight_nodes=[hub])


@contextmanager
def _alarm(seconds: int | None) -> Iterator[None]:
    if not seconds:
        yield
        return

    def stop(_signum, _frame):
        raise TimeoutError(f"one call took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _guard(seconds: int | None) -> Callable[[Callable[[Any], Any]], Callable[[Any], Any]]:
    """Wrap an operation so one call longer than `seconds`, or stopped by the store, counts at the time it took."""
    def wrap(func: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def call(item: Any) -> Any:
            try:
                with _alarm(seconds):
                    return func(item)
            except (TimeoutError, TimedOut):  # ours, or the store's own time limit (graph.store.QUERY_SECONDS)
                return None
        return call
    return wrap
