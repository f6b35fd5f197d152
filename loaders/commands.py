"""Click commands for real-data loads: `usaspending FILE...`, `fedramp FILE...`, `csv FILE --mapping MAP`.

Every command reads and validates everything first and writes once, at the
end, in a single all-or-nothing `GraphStore.write`: bad input (wrong file
type, missing columns, a malformed amount or date, a truncated or empty file)
or Ctrl-C leaves the store exactly as it was, and the command exits non-zero
with one clear message. A summary (rows read, nodes and relationships
created/updated, rows rejected and why, merges and their reasons) ends every
run; rejected rows go to a CSV.

Register them in loaders/cli.py:

    from loaders.commands import csv_command, fedramp, usaspending
    cli.add_command(usaspending)
    cli.add_command(fedramp)
    cli.add_command(csv_command)
"""
from __future__ import annotations

import signal
import sys
import threading
import time
from pathlib import Path
from typing import Callable

import click

from graph.collector import collector_paused
from graph.errors import HilosError
from graph.i18n import Message, error_text, t
from graph.store import BACKENDS, GraphStore, WriteResult, handed_over, open_store
from loaders.allocators import give_back, returning_memory
from loaders.fedramp import load_fedramp
from loaders.graphbatch import Built, GraphBatch
from graph.cli_lang import chosen_lang, lang_option
from loaders.mapping import load_mapped, resolve_mapping_path
from loaders.report import LoadReport
from loaders.resolve import Overrides, Resolver
from loaders.usaspending import load_usaspending

Work = Callable[[GraphBatch, Resolver, LoadReport, bool], object]
INTERRUPTED = 130


def common_options(func):
    """--db, --backend, --dry-run, --overrides, --rejects, --merges, --skip-invalid, --lang."""
    options = [
        lang_option,
        click.option("--db", envvar="HILOS_DB", help="help.opt.db"),
        click.option("--backend", type=click.Choice(BACKENDS), help="help.opt.backend"),
        click.option("--dry-run", is_flag=True, help="help.opt.dry_run"),
        click.option("--overrides", type=click.Path(dir_okay=False, path_type=Path), help="help.opt.overrides"),
        click.option("--rejects", type=click.Path(dir_okay=False, path_type=Path), help="help.opt.rejects"),
        click.option("--merges", type=click.Path(dir_okay=False, path_type=Path), help="help.opt.merges"),
        click.option("--skip-invalid", is_flag=True, help="help.opt.skip_invalid"),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def default_rejects_path(files: list[Path]) -> Path:
    name = files[0].name if files else "load"
    for suffix in (".gz", ".zip", ".csv", ".json", ".tsv", ".xlsx"):
        name = name.removesuffix(suffix)
    return Path.cwd() / f"{name}.rejects.csv"


def _write(store: GraphStore, built: Built, report: LoadReport) -> WriteResult:
    """The one write; a Ctrl-C during it is held until the write is complete (it is all-or-nothing anyway)."""
    if threading.current_thread() is not threading.main_thread():
        return store.write(handed_over(built.nodes), handed_over(built.edges), built.fresh)
    pressed: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: pressed.append(signum))
    try:
        result = store.write(handed_over(built.nodes), handed_over(built.edges), built.fresh)
    finally:
        signal.signal(signal.SIGINT, previous)
    if pressed:
        report.notice(Message("load.ctrl_c_held"))
    return result


def run_load(command: str, files: list[Path], work: Work, *, db: str | None, backend: str | None, dry_run: bool,
             overrides: Path | None, rejects: Path | None, merges: Path | None, skip_invalid: bool) -> LoadReport:
    """Open the store, run a loader, write once (unless dry run), print the summary; raise ClickException on error."""
    lang = chosen_lang()
    report = LoadReport(command, dry_run=dry_run, lang=lang)
    started = time.monotonic()
    store: GraphStore | None = None
    failure: str | None = None
    totals = None
    returning_memory()
    with collector_paused():  # millions of small objects, none in a cycle (graph.collector)
        try:
            store = open_store(db, backend)
            batch = GraphBatch(store)
            resolver = Resolver(batch, report, Overrides.load(overrides))
            work(batch, resolver, report, not skip_invalid)
            if report.malformed and not skip_invalid:
                failure = report.malformed_text()
            else:
                built = batch.build(origin=command, consume=True)
                batch = resolver = None  # type: ignore[assignment]  # drafts and indexes: the write needs only `built`
                give_back()
                report.result = built.plan if dry_run else _write(store, built, report)
                if not dry_run:
                    totals = store.stats()
        except KeyboardInterrupt:
            report.seconds = time.monotonic() - started
            _finish_files(report, files, rejects, merges)
            click.echo("\n" + t("load.interrupted", lang), err=True)
            raise click.exceptions.Exit(INTERRUPTED)
        except HilosError as exc:
            failure = t("load.failed", lang, error=error_text(exc, lang).rstrip("."))  # not "...is right.. Nothing"
        finally:
            if store is not None:
                store.close()
    report.seconds = time.monotonic() - started
    _finish_files(report, files, rejects, merges)
    if failure:
        where = t("load.rejects_listed", lang, path=report.rejects_path) if report.rejects_path else ""
        raise click.ClickException(failure + where)
    click.echo(report.summary())
    if totals is not None:
        click.echo(t("load.totals", lang, nodes=f"{totals.nodes:,}", relationships=f"{totals.relationships:,}"))
    return report


def _finish_files(report: LoadReport, files: list[Path], rejects: Path | None, merges: Path | None) -> None:
    if report.rejects:
        try:
            report.write_rejects(rejects or default_rejects_path(files))
        except OSError as exc:
            click.echo(t("load.rejects_unwritten", report.lang, error=exc), err=True)
    if merges:
        try:
            report.write_merges(merges)
        except OSError as exc:
            click.echo(t("load.merges_unwritten", report.lang, error=exc), err=True)


@click.command("usaspending", help="help.loaders.usaspending")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@common_options
def usaspending(files: tuple[Path, ...], **options) -> None:
    """Load USAspending contract downloads (Prime Award Summaries and/or Prime Transactions).

    FILES may be .csv, .csv.gz or the .zip the site hands out.
    """
    paths = list(files)
    run_load("usaspending", paths,
             lambda batch, resolver, report, strict: load_usaspending(paths, batch, resolver, report, strict=strict),
             **options)


@click.command("fedramp", help="help.loaders.fedramp")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@common_options
def fedramp(files: tuple[Path, ...], **options) -> None:
    """Load the FedRAMP Marketplace JSON (data.json, or the products/agencies/ATOs exports together)."""
    paths = list(files)
    run_load("fedramp", paths,
             lambda batch, resolver, report, strict: load_fedramp(paths, batch, resolver, report, strict=strict),
             **options)


@click.command("csv", help="help.loaders.csv")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--mapping", "mapping", required=True,
              help="help.opt.mapping")
@common_options
def csv_command(file: Path, mapping: str, **options) -> None:
    """Load any CSV, .csv.gz, .zip or .xlsx sheet described by a YAML mapping."""

    def work(batch, resolver, report, strict):
        return load_mapped(file, resolve_mapping_path(mapping), batch, resolver, report)

    run_load("csv", [file], work, **options)


def main() -> None:  # pragma: no cover - convenience for `python -m loaders.commands`
    group = click.Group(commands=[usaspending, fedramp, csv_command])
    group(prog_name="python -m loaders.commands")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
