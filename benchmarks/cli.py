"""`python -m benchmarks`: Hilos at 10k, 100k and 1M relationships against a naive baseline; one table, one JSON.

Each phase runs in a child process of its own (`--child`), so cold opens are
cold and peak memory is that phase's alone. A phase that fails (an error, a
Neo4j error, longer than --phase-timeout) is recorded with its reason and the
run goes on; the JSON is rewritten after every phase, so an interrupted run
keeps what it measured. The work folder (/tmp/hilos-bench-*) is removed at the
end unless --keep or --work says otherwise.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import baseline, neo4j_replay, phases, report
from benchmarks.timing import peak_mb
from graph.atomic import atomic_write

CACHE = Path(tempfile.gettempdir()) / "hilos-benchmarks"  # generated CSVs, kept between runs
PHASE_TIMEOUT, QUICK_PHASE_TIMEOUT = 3600.0, 300.0  # a safety net, not a target


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
    parser.add_argument("--phase-timeout", type=float, help="Seconds one phase may take before it is stopped and "
                        f"recorded as failed (default {PHASE_TIMEOUT}; --quick: {QUICK_PHASE_TIMEOUT}).")
    parser.add_argument("--keep", action="store_true", help="Keep the work folder (graphs, workloads) and say where.")
    parser.add_argument("--work", type=Path, help="Work in this folder and keep it; a load already done there "
                                                   "(embedded, same size and plan) is reused instead of redone.")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    if args.child:
        _run_child(json.loads(args.child))
        return
    sizes = [parse_size(s) for s in (args.sizes or ("10k" if args.quick else "10k,100k,1m")).split(",")]
    backends = ["embedded", "neo4j"] if args.backend == "both" else [args.backend]
    if "neo4j" in backends and not os.environ.get("NEO4J_URI"):
        sys.exit("--backend neo4j needs NEO4J_URI (and NEO4J_USERNAME / NEO4J_PASSWORD if the server asks)")
    plan = "quick" if args.quick else "full"
    timeout = args.phase_timeout or (QUICK_PHASE_TIMEOUT if args.quick else PHASE_TIMEOUT)
    root = args.work or Path(tempfile.mkdtemp(prefix="hilos-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    keep = args.keep or args.work is not None
    results: dict[str, Any] = {"machine": report.machine(), "plan": plan, "complete": False, "runs": [], "loader": [],
                               "views": None}
    phases_run = Phases(root, timeout, results, args.json)
    try:
        _measure(args, sizes, backends, plan, phases_run)
        results["complete"] = True
    finally:
        phases_run.save()
        if keep:
            _progress(f"work folder kept: {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    _print(results, args.json)
    if report.failures(results):
        sys.exit(1)


class Phases:
    """Runs each phase in a child process, records what it returned (or why it failed) and saves the JSON."""

    def __init__(self, root: Path, timeout: float, results: dict[str, Any], path: Path) -> None:
        self.root, self.timeout, self.results, self.path = root, timeout, results, path
        self.started = time.time()

    def spawn(self, spec: dict[str, Any]) -> dict[str, Any]:
        """Run one phase; a failure is returned as {"failed": reason}."""
        return _spawn(spec, self.timeout, self.root)

    def save(self) -> None:
        """Write the results so far (all at once: an interrupted run leaves the last complete JSON)."""
        self.results["seconds"] = time.time() - self.started
        with atomic_write(self.path, text=True) as handle:
            handle.write(json.dumps(self.results, indent=1))

    def reuse_or_load(self, spec: dict[str, Any], work: Path) -> dict[str, Any]:
        """The load phase, or, in a kept work folder, the result of the same load done there before."""
        saved = work / "load.json"
        if spec["backend"] == "embedded" and saved.exists() and (work / "graph.hilos").exists():
            earlier = json.loads(saved.read_text())
            if earlier.get("spec") == spec:
                return {**earlier["result"], "reused": True}
        result = self.spawn(spec)
        if "failed" not in result:
            saved.write_text(json.dumps({"spec": spec, "result": result}))
        return result


def _measure(args: argparse.Namespace, sizes: list[int], backends: list[str], plan: str, run_phase: Phases) -> None:
    """Every phase of the run, in order; each result is saved as soon as it is known."""
    results, root = run_phase.results, run_phase.root
    views_work = None
    for size in sizes:
        base = None
        for backend in backends:
            work = root / f"{backend}-{report.size_name(size)}"
            work.mkdir(exist_ok=True)
            run: dict[str, Any] = {"backend": backend, "size": size}
            results["runs"].append(run)
            load_spec = {"phase": "load", "backend": backend, "size": size, "work": str(work), "plan": plan}
            run["load"] = run_phase.reuse_or_load(load_spec, work)
            run_phase.save()
            loaded = "failed" not in run["load"]
            run["query"] = (run_phase.spawn({"phase": "query", "backend": backend, "work": str(work), "plan": plan})
                            if loaded else not_run("the load phase failed"))
            run_phase.save()
            if base is None and (work / "workload.json").exists():
                base = run_phase.spawn({"phase": "baseline", "size": size, "work": str(work), "plan": plan})
            run["baseline"] = base if base is not None else not_run("no workload: the load phase failed")
            run_phase.save()
            if backend == "embedded" and loaded:
                views_work = work  # the biggest embedded store so far
            _progress(f"{backend} {report.size_name(size)} done ({time.time() - run_phase.started:.0f} s)")
    if views_work is not None and not args.no_views:
        views_sizes = phases.QUICK_VIEWS if args.quick else phases.VIEWS
        results["views"] = run_phase.spawn({"phase": "views", "work": str(views_work), "sizes": views_sizes,
                                            "fresh_start": not args.quick})
        run_phase.save()
        _progress(f"views done ({time.time() - run_phase.started:.0f} s)")
    loader_rows = parse_size(args.loader_rows or ("2k" if args.quick else "1m"))
    neo4j_rows = parse_size(args.neo4j_loader_rows or ("1k" if args.quick else "100k"))
    for backend in backends:
        rows = loader_rows if backend == "embedded" else neo4j_rows
        if not rows:
            continue
        csv_path = CACHE / f"usaspending-{rows}.csv"
        made: dict[str, Any] = {}
        if not csv_path.exists():
            made = run_phase.spawn({"phase": "csv", "rows": rows, "path": str(csv_path)})
        work = root / f"loader-{backend}"
        work.mkdir(exist_ok=True)
        load = (run_phase.spawn({"phase": "loader", "backend": backend, "rows": rows, "path": str(csv_path),
                                 "work": str(work)})
                if "failed" not in made else not_run(f"no CSV: {made['failed']}"))
        results["loader"].append({"backend": backend, "rows": rows, **load})
        run_phase.save()


def not_run(reason: str) -> dict[str, str]:
    return {"failed": f"not run: {reason}"}


def _print(results: dict[str, Any], path: Path) -> None:
    results["table"] = report.table(results["runs"])
    print(results["table"])
    if results["views"] and "failed" not in results["views"]:
        print(report.views_table(results["views"]))
    for line in (report.reused_lines(results["runs"]) + report.target_lines(results["runs"])
                 + report.loader_lines(results["loader"])
                 + report.views_lines(results["views"]) + report.failure_lines(results)):
        print(line)
    machine = results["machine"]
    print(f"machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gb']} GB, Python "
          f"{machine['python']}, load average {machine['load_average'][0]} at start; {results['seconds']:.0f} s")
    print(f"results written to {path}")


def _progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _spawn(spec: dict[str, Any], timeout: float, root: Path) -> dict[str, Any]:
    """Run one phase in a fresh interpreter: what it printed last (JSON), or {"failed": one-line reason}.

    The child gets its own session, so a phase that runs past `timeout` is stopped with everything it
    started (a browser, the app); its temporary files go under `root` (TMPDIR), removed with it.
    """
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "benchmarks", "--child", json.dumps(spec)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                             env={**os.environ, "HILOS_NO_PROGRESS": "1", "TMPDIR": str(root)})
    try:
        out, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"failed": f"timed out after {timeout:g} s", "phase_s": time.perf_counter() - started}
    finally:
        _stop(child)  # whatever the phase left running (a browser, the app), even if the parent is interrupted
    seconds = time.perf_counter() - started
    last = out.strip().splitlines()[-1] if out.strip() else ""
    try:
        result = json.loads(last) if last else None
    except ValueError:
        result = None
    if child.returncode == 0 and isinstance(result, dict):
        return {**result, "phase_s": seconds}
    if isinstance(result, dict) and "failed" in result:
        return {"failed": result["failed"], "phase_s": seconds}
    lines = [line for line in err.splitlines() if line.strip()]
    reason = lines[-1].strip() if lines else f"exit code {child.returncode}"
    return {"failed": reason[:300], "phase_s": seconds}


def _stop(child: subprocess.Popen) -> None:
    """End the child's whole session (it and what it started)."""
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    child.wait()


def _run_child(spec: dict[str, Any]) -> None:
    """A phase in this process: its result as one JSON line, or {"failed": "Error: message"} and exit code 1."""
    try:
        result = _child(spec)
    except Exception as exc:  # any failure of a phase is reported, not raised: the run goes on without it
        print(json.dumps({"failed": phases.failure_reason(exc)}))
        sys.exit(1)
    print(json.dumps(result))


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
        return _loader(spec["backend"], spec["rows"], Path(spec["path"]), Path(spec["work"]))
    raise SystemExit(f"unknown phase {phase!r}")


def _loader(backend: str, rows: int, csv_path: Path, work: Path) -> dict[str, Any]:
    """`python -m loaders usaspending FILE` in this process, timed end to end."""
    from loaders.cli import cli

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
        store = phases.open_backend("neo4j", work)
        out.update(neo4j_replay.replay(store))  # type: ignore[arg-type]
        store.clear()  # type: ignore[attr-defined]
    return out
