"""`python -m loaders`: import seed data (and, later, real procurement data)."""
from __future__ import annotations

import logging
from pathlib import Path

import click

from graph.errors import HilosError
from graph.store import BACKENDS, open_store
from loaders.seed import SEED_DIR, load_seed, read_seed

log = logging.getLogger(__name__)


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log what happens.")
def cli(verbose: bool) -> None:
    """Load data into the Hilos graph."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(message)s")


@cli.command()
@click.option("--db", envvar="HILOS_DB", help="Graph file of the embedded store.")
@click.option("--backend", type=click.Choice(BACKENDS),
              help="Where the graph lives (default: neo4j when NEO4J_URI is set, else embedded).")
@click.option("--folder", type=click.Path(exists=True, file_okay=False, path_type=Path), default=SEED_DIR,
              show_default=True, help="Seed folder (*.yaml, *.nodes.csv, *.relationships.csv).")
@click.option("--dry-run", is_flag=True, help="Validate only; write nothing.")
def seed(db: str | None, backend: str | None, folder: Path, dry_run: bool) -> None:
    """Validate and load the cited seed data; loading twice changes nothing."""
    try:
        store = open_store(db, backend)
        if dry_run:
            batch = read_seed(folder, store)
            click.echo(f"valid: {len(batch.nodes)} nodes, {len(batch.edges)} relationships (nothing written)")
            return
        result = load_seed(store, folder)
        totals = store.stats()
    except HilosError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"nodes: {result.nodes_created} created, {result.nodes_updated} updated; "
               f"relationships: {result.edges_created} created, {result.edges_updated} updated; "
               f"{result.unchanged} unchanged")
    click.echo(f"store now holds {totals.nodes} nodes and {totals.relationships} relationships")


from loaders.commands import csv_command, fedramp, usaspending  # noqa: E402  (commands register on `cli`)

cli.add_command(usaspending)
cli.add_command(fedramp)
cli.add_command(csv_command)
