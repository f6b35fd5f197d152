"""The printed table (Hilos, naive baseline and their ratio per size), the target checks, and machine facts."""
from __future__ import annotations

import os
import platform
from typing import Any

# (label, where in a run's results); "q." is the query phase, "l." the load phase.
ROWS = [
    ("load rows/s", "l.load_rows_per_s"),
    ("store file MB", "l.file_mb"),
    ("cold open s", "q.cold_open_s"),
    ("search p50 ms", "q.search.p50_ms"), ("search p95 ms", "q.search.p95_ms"),
    ("search again p50 ms", "q.search_warm.p50_ms"), ("search again p95 ms", "q.search_warm.p95_ms"),
    ("2-hop (cap 200) p50 ms", "q.neighbourhood.p50_ms"), ("2-hop (cap 200) p95 ms", "q.neighbourhood.p95_ms"),
    ("shortest path p50 ms", "q.path.p50_ms"), ("shortest path p95 ms", "q.path.p95_ms"),
    ("shortest, hubs p50 ms", "q.path_hubs.p50_ms"), ("shortest, hubs p95 ms", "q.path_hubs.p95_ms"),
    ("5 paths p50 ms", "q.paths5.p50_ms"), ("5 paths p95 ms", "q.paths5.p95_ms"),
    ("5 paths, hubs p50 ms", "q.paths5_hubs.p50_ms"), ("5 paths, hubs p95 ms", "q.paths5_hubs.p95_ms"),
    ("explanation p50 ms", "q.explain.p50_ms"), ("explanation p95 ms", "q.explain.p95_ms"),
    ("view 500 nodes build ms", "q.view.build_ms"), ("view 500 nodes KB", "q.view.payload_kb"),
    ("peak memory MB (load)", "l.load_peak_mb"), ("peak memory MB (queries)", "q.peak_mb"),
]
# Targets on the embedded store at 1M relationships: (label, key, limit).
TARGETS = [
    ("search p95 < 50 ms", "q.search.p95_ms", 50.0),
    ("neighbourhood p95 < 100 ms", "q.neighbourhood.p95_ms", 100.0),
    ("shortest path p95 < 300 ms", "q.path.p95_ms", 300.0),
    ("cold open < 10 s", "q.cold_open_s", 10.0),
    ("peak memory < 3 GB", "peak", 3072.0),
]
# Views (issue 5): a 500-node view interactive in under 2 s, and the app's first page in under 5 s.
VIEW_TARGET_MS, COLD_START_TARGET_S = 2000.0, 5.0
# Targets of the USAspending loader (issue 6).
LOADER_TARGETS = {"embedded": (50000.0, 2048.0), "neo4j": (10000.0, None)}


def get(run: dict[str, Any], key: str) -> float | None:
    if key == "peak":
        values = [get(run, "l.load_peak_mb"), get(run, "q.peak_mb")]
        return max((v for v in values if v is not None), default=None)
    phase, *path = key.split(".")
    value: Any = run.get({"l": "load", "q": "query", "b": "baseline"}[phase])
    for part in path:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def failure(run: dict[str, Any], key: str) -> str | None:
    """Why the value at `key` is missing, when its phase or its measure failed."""
    if key == "peak":
        return None
    phase, *path = key.split(".")
    value: Any = run.get({"l": "load", "q": "query", "b": "baseline"}[phase])
    for part in path:
        if not isinstance(value, dict):
            return None
        if "failed" in value:
            return value["failed"]
        value = value.get(part)
    return None


def failures(results: dict[str, Any]) -> list[tuple[str, str]]:
    """(what, reason) for every phase and measure of a run that failed."""
    out = []
    for run in results["runs"]:
        name = f"{run['backend']} {size_name(run['size'])}"
        for phase in ("load", "query", "baseline"):
            value = run.get(phase) or {}
            if "failed" in value:
                out.append((f"{name} {phase}", value["failed"]))
                continue
            out += [(f"{name} {phase} {measure}", part["failed"]) for measure, part in value.items()
                    if isinstance(part, dict) and "failed" in part]
    for load in results["loader"]:
        if "failed" in load:
            out.append((f"USAspending loader, {load['backend']}", load["failed"]))
    if results.get("views") and "failed" in results["views"]:
        out.append(("views", results["views"]["failed"]))
    return out


def reused_lines(runs: list[dict[str, Any]]) -> list[str]:
    return [f"{run['backend']} {size_name(run['size'])}: the load figures are those of the earlier load this run "
            "reused (--work)" for run in runs if (run.get("load") or {}).get("reused")]


def failure_lines(results: dict[str, Any]) -> list[str]:
    return [f"FAILED {what}: {reason}" for what, reason in failures(results)]


def baseline_key(key: str) -> str:
    """Where the naive baseline keeps the figure that `key` names for Hilos."""
    return ".".join(["b", *key.split(".")[1:]])


def baseline_value(run: dict[str, Any], key: str) -> float | None:
    return get(run, baseline_key(key)) if run.get("baseline") else None


def _fmt(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.0f}"
    return f"{value:.2f}" if value >= 0.1 else f"{value:.3f}"


def size_name(size: int) -> str:
    return f"{size // 1_000_000}m" if size % 1_000_000 == 0 else f"{size // 1000}k" if size % 1000 == 0 else str(size)


def table(runs: list[dict[str, Any]]) -> str:
    """One row per measure; per run: Hilos, naive baseline, and naive/Hilos (above 1: Hilos is faster)."""
    heads = [f"{run['backend']} {size_name(run['size'])}" for run in runs]
    width = 26
    lines = [" " * width + "".join(f"| {head:<27}" for head in heads),
             f"{'measure':<{width}}" + "| hilos    naive    ×      " * len(runs)]
    lines.append("-" * len(lines[-1]))
    for label, key in ROWS:
        cells = []
        for run in runs:
            ours, naive = get(run, key), baseline_value(run, key)
            ratio = _ratio(key, ours, naive)
            shown = "failed" if ours is None and failure(run, key) else _fmt(ours)
            naive_shown = "failed" if naive is None and failure(run, baseline_key(key)) else _fmt(naive)
            cells.append(f"| {shown:>8} {naive_shown:>8} {ratio:>7} ")
        lines.append(f"{label:<{width}}" + "".join(cells))
    return "\n".join(lines)


def _ratio(key: str, ours: float | None, naive: float | None) -> str:
    """How many times better Hilos is than the baseline (rows/s: ours / naive; times and sizes: naive / ours)."""
    if not ours or not naive:
        return "-"
    value = ours / naive if key.endswith("rows_per_s") else naive / ours
    return f"{value:.1f}×" if value < 100 else f"{value:,.0f}×"


def target_lines(runs: list[dict[str, Any]]) -> list[str]:
    out = []
    for run in runs:
        if run["backend"] != "embedded" or run["size"] < 1_000_000:
            continue
        for label, key, limit in TARGETS:
            value = get(run, key)
            ok = value is not None and value < limit
            out.append(f"target, embedded {size_name(run['size'])}: {label}: {_fmt(value)} "
                       f"{'met' if ok else 'MISSED'}")
    return out


def loader_lines(loads: list[dict[str, Any]]) -> list[str]:
    out = []
    for load in loads:
        if "failed" in load:
            continue  # in failure_lines
        rate_target, memory_target = LOADER_TARGETS[load["backend"]]
        rate, peak = load["rows_per_s"], load["peak_mb"]
        verdict = "met" if rate >= rate_target and (memory_target is None or peak < memory_target) else "MISSED"
        memory = f", peak {peak:,.0f} MB (target < {memory_target:,.0f})" if memory_target else ""
        out.append(f"USAspending loader, {load['backend']}, {load['rows']:,} rows: {rate:,.0f} rows/s "
                   f"(target >= {rate_target:,.0f}){memory} in {load['seconds']:.1f} s: {verdict}")
        if "replay_s" in load:
            out.append(f"  the server alone, its {load['replay_records']:,} records written again from memory "
                       f"(benchmarks/neo4j_replay.py): {load['rows'] / load['replay_s']:,.0f} rows/s "
                       f"in {load['replay_s']:.1f} s")
    return out


def views_table(views: dict[str, Any]) -> str:
    """One row per view size: what it weighs, how long the server and the browser take, and in the app."""
    lines = [f"views around {views['hub']} (2 hops) | nodes  edges  payload KB  html KB  server ms  page paint ms"
             "  in app ms"]
    for view in views["views"]:
        lines.append(f"{'cap ' + str(view['cap']):<{len(lines[0].split('|')[0])}}| {view['nodes']:>5} "
                     f"{view['edges']:>6} {_fmt(view['payload_kb']):>11} {_fmt(view['html_kb']):>8} "
                     f"{_fmt(view['server_ms']):>10} {_fmt(view['page_ms']):>15} {_fmt(view['app_ms']):>10}")
    for name, start in views["cold_start"].items():
        lines.append(f"app cold start ({name} graph): answers in {start['answers_s']:.1f} s, first page drawn "
                     f"in {start['first_paint_s']:.1f} s")
    return "\n".join(lines)


def views_lines(views: dict[str, Any] | None) -> list[str]:
    if not views or "failed" in views:
        return []
    out = []
    for view in views["views"]:
        if view["cap"] == 500:
            ok = view["app_ms"] < VIEW_TARGET_MS
            out.append(f"target, views: 500-node view interactive in the app < 2 s: {view['app_ms'] / 1000:.2f} s "
                       f"{'met' if ok else 'MISSED'}")
    if "seed" in views["cold_start"]:
        seed = views["cold_start"]["seed"]["first_paint_s"]
        out.append(f"target, views: app cold start (fresh graph) < 5 s: {seed:.1f} s "
                   f"{'met' if seed < COLD_START_TARGET_S else 'MISSED'}")
    return out


def machine() -> dict[str, Any]:
    """What the numbers were measured on (the load average says how busy the machine was)."""
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            model = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")))
        with open("/proc/meminfo", encoding="utf-8") as handle:
            memory_kb = int(next(line.split()[1] for line in handle if line.startswith("MemTotal")))
    except (OSError, StopIteration, ValueError):
        memory_kb = 0
    return {"cpu": model or platform.processor(), "cores": os.cpu_count(), "memory_gb": round(memory_kb / 2**20, 1),
            "python": platform.python_version(), "system": platform.platform(),
            "load_average": [round(x, 2) for x in os.getloadavg()]}
