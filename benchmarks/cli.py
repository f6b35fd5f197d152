"""`python -m benchmarks`: Hilos at 10k, 100k and 1M relationships against a naive baseline; one table, one JSON.

Each phase runs in a child process of its own (`--child`), so cold opens are
cold and peak memory is that phase's alone.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import baseline, phases, report
from benchmarks.timing import peak_mb

CACHE = Path(tempfile.gettempdir()) / "hilos-benchmarks"


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * scale)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", help="Relationships per graph, e.g. 10k,100k,1m (default; --quick: 10k).")
    parser.add_argument("--backend", choices=("embedded", "neo4j", "both"), default="embedded")
    parser.add_argument("--quick", action="store_true", help="Small and short (under 2 minutes), for CI.")
    parser.add_argument("--json", type=Path, default=Path("artifacts/benchmarks.json"), help="Where to write results.")
    parser.add_argument("--loader-rows", help="Rows of the USAspending loader benchmark on the embedded store "
                                               "(default 1m; --quick: 2k; 0 skips it).")
    parser.add_argument("--neo4j-loader-rows", help="Rows of the loader benchmark on Neo4j (default 100k; --quick: 1k).")
    parser.add_argument("--no-views", action="store_true",
                        help="Skip the browser part (views of 50 / 500 / 5,000 nodes and the app's cold start).")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    if args.child:
        print(json.dumps(_child(json.loads(args.child))))
        return
    sizes = [parse_size(s) for s in (args.sizes or ("10k" if args.quick else "10k,100k,1m")).split(",")]
    backends = ["embedded", "neo4j"] if args.backend == "both" else [args.backend]
    if "neo4j" in backends and not os.environ.get("NEO4J_URI"):
        sys.exit("--backend neo4j needs NEO4J_URI (and NEO4J_USERNAME / NEO4J_PASSWORD if the server asks)")
    plan = "quick" if args.quick else "full"
    started = time.time()
    results: dict[str, Any] = {"machine": report.machine(), "plan": plan, "runs": [], "loader": [], "views": None}
    views_work = None
    for size in sizes:
        base = None
        for backend in backends:
            work = Path(tempfile.mkdtemp(prefix=f"hilos-bench-{backend}-{size}-"))
            run: dict[str, Any] = {"backend": backend, "size": size}
            run["load"] = _spawn({"phase": "load", "backend": backend, "size": size, "work": str(work), "plan": plan})
            run["query"] = _spawn({"phase": "query", "backend": backend, "work": str(work), "plan": plan})
            if base is None:
                base = _spawn({"phase": "baseline", "size": size, "work": str(work), "plan": plan})
            run["baseline"] = base
            results["runs"].append(run)
            if backend == "embedded":
                views_work = work  # the biggest embedded store so far
            _progress(f"{backend} {report.size_name(size)} done ({time.time() - started:.0f} s)")
    if views_work is not None and not args.no_views:
        views_sizes = phases.QUICK_VIEWS if args.quick else phases.VIEWS
        results["views"] = _spawn({"phase": "views", "work": str(views_work), "sizes": views_sizes,
                                   "fresh_start": not args.quick})
        _progress(f"views done ({time.time() - started:.0f} s)")
    loader_rows = parse_size(args.loader_rows or ("2k" if args.quick else "1m"))
    neo4j_rows = parse_size(args.neo4j_loader_rows or ("1k" if args.quick else "100k"))
    for backend in backends:
        rows = loader_rows if backend == "embedded" else neo4j_rows
        if rows:
            csv_path = CACHE / f"usaspending-{rows}.csv"
            if not csv_path.exists():
                _spawn({"phase": "csv", "rows": rows, "path": str(csv_path)})
            results["loader"].append(_spawn({"phase": "loader", "backend": backend, "rows": rows,
                                             "path": str(csv_path)}))
    results["seconds"] = time.time() - started
    results["table"] = report.table(results["runs"])
    print(results["table"])
    if results["views"]:
        print(report.views_table(results["views"]))
    for line in (report.target_lines(results["runs"]) + report.loader_lines(results["loader"])
                 + report.views_lines(results["views"])):
        print(line)
    machine = results["machine"]
    print(f"machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gb']} GB, Python "
          f"{machine['python']}, load average {machine['load_average'][0]} at start; {results['seconds']:.0f} s")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=1))
    print(f"results written to {args.json}")


def _progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _spawn(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one phase in a fresh interpreter and return what it printed (its last line, as JSON)."""
    done = subprocess.run([sys.executable, "-m", "benchmarks", "--child", json.dumps(spec)],
                          capture_output=True, text=True, env={**os.environ, "HILOS_NO_PROGRESS": "1"})
    if done.returncode != 0:
        raise SystemExit(f"benchmark phase {spec['phase']} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _child(spec: dict[str, Any]) -> dict[str, Any]:
    phase = spec["phase"]
    plan = phases.QUICK if spec.get("plan") == "quick" else phases.FULL
    if phase == "load":
        return phases.load(spec["backend"], spec["size"], Path(spec["work"]), plan)
    if phase == "query":
        return phases.query(spec["backend"], Path(spec["work"]), plan)
    if phase == "baseline":
        return baseline.run(spec["size"], Path(spec["work"]), plan)
    if phase == "views":
        from benchmarks import views

        workload = json.loads((Path(spec["work"]) / "workload.json").read_text())
        return views.run(Path(spec["work"]), workload["view_from"], tuple(spec["sizes"]), spec["fresh_start"])
    if phase == "csv":
        from benchmarks.usaspending_csv import write

        write(Path(spec["path"]), spec["rows"])
        return {}
    if phase == "loader":
        return _loader(spec["backend"], spec["rows"], Path(spec["path"]))
    raise SystemExit(f"unknown phase {phase!r}")


def _loader(backend: str, rows: int, csv_path: Path) -> dict[str, Any]:
    """`python -m loaders usaspending FILE` in this process, timed end to end."""
    from loaders.cli import cli

    work = Path(tempfile.mkdtemp(prefix="hilos-bench-loader-"))
    args = ["usaspending", str(csv_path), "--backend", backend, "--db", str(work / "graph.hilos"),
            "--rejects", str(work / "rejects.csv")]
    if backend == "neo4j":
        phases.open_backend("neo4j", work).clear()  # type: ignore[attr-defined]
    start = time.perf_counter()
    cli.main(args, standalone_mode=False)
    seconds = time.perf_counter() - start
    out = {"backend": backend, "rows": rows, "seconds": seconds, "rows_per_s": rows / seconds, "peak_mb": peak_mb(),
           "file_mb": csv_path.stat().st_size / 1e6}
    if backend == "neo4j":
        phases.open_backend("neo4j", work).clear()  # type: ignore[attr-defined]
    return out
