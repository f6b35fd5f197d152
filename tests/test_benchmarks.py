"""`python -m benchmarks --quick` runs end to end (embedded, and Neo4j when the test server is up).

Only the shape of the table and the JSON is checked, never the numbers: CI
machines are too noisy for that (the README's Performance section has them).
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.cli import parse_size
from benchmarks.report import ROWS, size_name
from benchmarks.timing import percentile
from tests.conftest import NEO4J_TEST_URI

ROOT = Path(__file__).resolve().parents[1]
# Taken at import, before tests/conftest.py removes NEO4J_* from each test's environment.
NEO4J_ENV = {name: os.environ[name] for name in ("NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE")
             if os.environ.get(name)}
TIMED = ("search", "neighbourhood", "path", "path_hubs", "paths5", "paths5_hubs", "explain")


def test_sizes_and_percentiles():
    assert [parse_size(text) for text in ("10k", "100K", "1m", "2500", "1.5m")] == [
        10_000, 100_000, 1_000_000, 2500, 1_500_000]
    assert [size_name(n) for n in (10_000, 1_000_000, 2500)] == ["10k", "1m", "2500"]
    assert percentile([], 0.5) is None
    assert percentile([5.0, 1.0, 3.0], 0.5) == 3.0 and percentile(list(range(1, 101)), 0.95) == 95


@pytest.mark.timeout(900)
def test_quick_run_prints_one_table_and_writes_the_json(tmp_path):
    backends = ["embedded", "neo4j"] if NEO4J_TEST_URI else ["embedded"]
    env = {**os.environ, "HILOS_NO_PROGRESS": "1"}
    if NEO4J_TEST_URI:
        env.update(NEO4J_ENV, NEO4J_URI=NEO4J_TEST_URI)
    out = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--backend",
                           "both" if NEO4J_TEST_URI else "embedded", "--json", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=880)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert [head.strip() for head in lines[0].split("|")[1:]] == [f"{b} 10k" for b in backends]
    assert [line.split("|")[0].strip() for line in lines[3:3 + len(ROWS)]] == [label for label, _ in ROWS]
    assert sum("USAspending loader" in line for line in lines) == len(backends)
    assert any(line.startswith("machine: ") for line in lines)

    data = json.loads(out.read_text())
    assert data["plan"] == "quick" and data["machine"]["cores"] >= 1
    assert [(run["backend"], run["size"]) for run in data["runs"]] == [(b, 10_000) for b in backends]
    for run in data["runs"]:
        load, query, base = run["load"], run["query"], run["baseline"]
        assert load["relationships"] > 5000 and load["load_rows_per_s"] > 0 and load["load_peak_mb"] > 0
        assert (load["file_mb"] is None) == (run["backend"] == "neo4j")
        assert query["cold_open_s"] > 0 and query["peak_mb"] > 0 and query["path_found"] > 0
        for name in TIMED:
            assert set(query[name]) == {"p50_ms", "p95_ms", "runs"} and query[name]["runs"] >= 1, name
            assert set(base[name]) == {"p50_ms", "p95_ms", "runs"}, name
        assert query["view"]["payload_kb"] > 0 and query["view"]["build_ms"] > 0
    views = data["views"]
    assert [view["cap"] for view in views["views"]] == [50] and views["hub"] == "agency:ice"
    for view in views["views"]:
        assert view["nodes"] == 50 and view["edges"] > 0 and view["payload_kb"] > 0 < view["html_kb"]
        assert view["server_ms"] > 0 and view["page_ms"] > 0 and view["app_ms"] > 0
    assert set(views["cold_start"]) == {"store"}
    assert 0 < views["cold_start"]["store"]["answers_s"] < views["cold_start"]["store"]["first_paint_s"]
    assert any(line.startswith("views around agency:ice") for line in lines)
    assert [load["backend"] for load in data["loader"]] == backends
    assert all(load["rows_per_s"] > 0 and load["peak_mb"] > 0 for load in data["loader"])
    for load in data["loader"]:  # Neo4j's load is written again from memory: the server's own share
        assert ("replay_s" in load) == (load["backend"] == "neo4j")
        if load["backend"] == "neo4j":
            assert load["replay_s"] > 0 and load["replay_records"] > load["rows"]
            assert any(line.startswith("  the server alone, its ") for line in lines)


def _free_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _tiny_run(tmp_path: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    """`python -m benchmarks` on a 300-relationship graph, its temporary folders under tmp_path/tmp."""
    (tmp_path / "tmp").mkdir(exist_ok=True)
    environment = {**os.environ, "HILOS_NO_PROGRESS": "1", "TMPDIR": str(tmp_path / "tmp"), **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "benchmarks", "--sizes", "300", "--no-views", "--loader-rows", "0",
                             "--neo4j-loader-rows", "0", "--json", str(tmp_path / "bench.json"), *extra],
                            cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.timeout(300)
def test_a_failed_phase_is_recorded_with_its_reason_and_the_run_goes_on(tmp_path):
    unreachable = f"bolt://127.0.0.1:{_free_port()}"
    run = _tiny_run(tmp_path, "--backend", "both", env={"NEO4J_URI": unreachable})
    out, err = run.communicate(timeout=280)
    assert run.returncode == 1, err[-3000:]  # something failed: said by the exit code, after everything else ran
    data = json.loads((tmp_path / "bench.json").read_text())
    embedded, neo4j = data["runs"]
    assert data["complete"] and embedded["query"]["search"]["runs"] >= 1 and "failed" not in embedded["load"]
    assert neo4j["load"]["failed"].startswith("StoreError: Cannot reach Neo4j at " + unreachable)
    assert neo4j["query"] == {"failed": "not run: the load phase failed"}
    assert "failed" not in neo4j["baseline"]  # the baseline needs no server
    lines = out.splitlines()
    search = next(line for line in lines if line.startswith("search p95 ms"))
    assert search.split("|")[2].split()[0] == "failed" and search.split("|")[1].split()[0] != "failed"
    assert f"FAILED neo4j 300 load: StoreError: Cannot reach Neo4j at {unreachable}" in out
    assert list((tmp_path / "tmp").iterdir()) == []  # the work folder is gone


@pytest.mark.timeout(120)
def test_a_phase_over_its_time_limit_is_stopped_and_the_kept_folder_is_said(tmp_path):
    run = _tiny_run(tmp_path, "--phase-timeout", "0.05", "--keep")
    out, err = run.communicate(timeout=100)
    assert run.returncode == 1
    data = json.loads((tmp_path / "bench.json").read_text())
    assert data["runs"][0]["load"]["failed"] == "timed out after 0.05 s"
    assert data["runs"][0]["query"]["failed"] == "not run: the load phase failed"
    kept = [line.split(": ", 1)[1] for line in err.splitlines() if line.startswith("work folder kept: ")]
    assert len(kept) == 1 and Path(kept[0]).parent == tmp_path / "tmp" and Path(kept[0], "embedded-300").is_dir()
    assert "FAILED embedded 300 load: timed out after 0.05 s" in out


@pytest.mark.timeout(300)
def test_an_interrupted_run_keeps_what_it_measured_and_removes_its_folder(tmp_path):
    # A second, bigger graph keeps the run busy after the first graph's query phase is saved: the interrupt
    # must land mid-run however late this test looks (on a busy machine the tiny run alone finished first).
    run = _tiny_run(tmp_path, "--sizes", "300,200k")
    saved = tmp_path / "bench.json"
    deadline = time.time() + 240
    while not (saved.exists() and json.loads(saved.read_text())["runs"][0].get("query")):
        assert run.poll() is None and time.time() < deadline, "the run ended before its query phase was saved"
        time.sleep(0.2)
    run.send_signal(signal.SIGINT)
    run.communicate(timeout=60)
    data = json.loads(saved.read_text())
    assert data["complete"] is False and data["runs"][0]["query"]["search"]["runs"] >= 1
    assert list((tmp_path / "tmp").iterdir()) == []


@pytest.mark.timeout(300)
def test_a_work_folder_is_kept_and_its_load_reused(tmp_path):
    work = tmp_path / "work"
    first = _tiny_run(tmp_path, "--work", str(work))
    first.communicate(timeout=140)
    assert first.returncode == 0 and (work / "embedded-300" / "graph.hilos").exists()
    loaded = json.loads((tmp_path / "bench.json").read_text())["runs"][0]["load"]
    second = _tiny_run(tmp_path, "--work", str(work))
    out, _ = second.communicate(timeout=140)
    again = json.loads((tmp_path / "bench.json").read_text())["runs"][0]
    assert "reused" not in loaded and again["load"] == {**loaded, "reused": True}
    assert "embedded 300: the load figures are those of the earlier load this run reused (--work)" in out
    assert again["query"]["search"]["runs"] >= 1
