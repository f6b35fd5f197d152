"""The naive baseline: plain networkx and a linear scan of names, as the first embedded store worked.

The graph is a dict of nodes plus an undirected `nx.Graph`, saved as one JSON
document; search scores every name with graph.search.rank; neighbourhoods are
`nx.single_source_shortest_path_length` without a cap; paths are
`nx.shortest_path` and `nx.shortest_simple_paths`. Slow operations stop once
their time budget is spent (after at least one run).
"""
from __future__ import annotations

import json
from itertools import islice
from pathlib import Path as FilePath
from typing import Any

import networkx as nx

from benchmarks import synthetic
from benchmarks.phases import VIEW_NODES, Plan
from benchmarks.timing import peak_mb, spread, timed
from graph.explain import explain
from graph.model import Edge, Node, Path
from graph.render import graph_html
from graph.search import rank


def _graph(nodes: dict[str, Node], edges: list[Edge]) -> tuple[nx.Graph, dict[frozenset, Edge]]:
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    joins: dict[frozenset, Edge] = {}
    for edge in edges:
        graph.add_edge(edge.source, edge.target)
        joins.setdefault(frozenset((edge.source, edge.target)), edge)
    return graph, joins


def _save(path: FilePath, nodes: dict[str, Node], edges: list[Edge]) -> None:
    data = {"format": "hilos-graph", "version": 1, "nodes": [n.to_dict() for n in nodes.values()],
            "edges": [e.to_dict() for e in edges]}
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _open(path: FilePath) -> tuple[dict[str, Node], nx.Graph, dict[frozenset, Edge]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    nodes = {raw["id"]: Node.from_dict(raw) for raw in data["nodes"]}
    graph, joins = _graph(nodes, [Edge.from_dict(raw) for raw in data["edges"]])
    return nodes, graph, joins


def run(size: int, work: FilePath, plan: Plan) -> dict[str, Any]:
    generated = synthetic.generate(size)
    workload = json.loads((work / "workload.json").read_text())
    path = work / "baseline.json"
    rows = len(generated.nodes) + len(generated.edges)

    def load() -> None:
        nodes = {node.id: node for node in generated.nodes}
        _graph(nodes, generated.edges)
        _save(path, nodes, generated.edges)

    load_s, _ = timed(load)
    del generated
    cold_s, (nodes, graph, joins) = timed(lambda: _open(path))
    budget = plan.budget
    out: dict[str, Any] = {"load_s": load_s, "load_rows_per_s": rows / load_s, "file_mb": path.stat().st_size / 1e6,
                           "cold_open_s": cold_s}
    out["search"] = spread(lambda q: rank(q, nodes.values()), workload["queries"], budget)

    def around(node_id: str) -> list:
        reached = nx.single_source_shortest_path_length(graph, node_id, cutoff=2)
        return list(graph.subgraph(reached).edges)

    out["neighbourhood"] = spread(around, workload["nodes"], budget)
    pairs = [tuple(p) for p in workload["pairs"]]
    hubs = [tuple(p) for p in workload["hub_pairs"]]
    found: list[list[str]] = []

    def shortest(pair: tuple) -> None:
        try:
            found.append(nx.shortest_path(graph, *pair))
        except nx.NetworkXNoPath:
            pass

    out["path"] = spread(shortest, pairs, budget)
    out["path_hubs"] = spread(lambda p: nx.shortest_path(graph, *p), hubs, budget)
    out["paths5"] = spread(lambda p: list(islice(nx.shortest_simple_paths(graph, *p), 5)), pairs, budget)
    out["paths5_hubs"] = spread(lambda p: list(islice(nx.shortest_simple_paths(graph, *p), 5)), hubs, budget)
    walks = [Path(tuple(nodes[i] for i in ids), tuple(joins[frozenset(hop)] for hop in zip(ids, ids[1:])))
             for ids in found]
    out["explain"] = spread(lambda p: explain(p, "es", nodes.get).full_text(), walks)

    def view() -> str:
        ego = nx.ego_graph(graph, workload["view_from"], radius=2)
        shown = [nodes[i] for i in islice(ego.nodes, VIEW_NODES)]
        ids = {n.id for n in shown}
        edges = [joins[frozenset(pair)] for pair in ego.subgraph(ids).edges]
        return graph_html(shown, edges, lang="es")

    seconds, html = timed(view)
    out["view"] = {"build_ms": seconds * 1000, "payload_kb": len(html.encode("utf-8")) / 1000}
    out["peak_mb"] = peak_mb()
    return out
