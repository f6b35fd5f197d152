"""`python -m loaders`: import seed data (and, later, real procurement data)."""
from __future__ import annotations

import logging
from pathlib import Path

import click

from graph.errors import HilosError
from graph.i18n import error_text, t
from graph.store import BACKENDS, open_store
from graph.cli_lang import Bilingual, chosen_lang, lang_option
from loaders.report import written
from loaders.seed import SEED_DIR, load_seed, read_seed

log = logging.getLogger(__name__)


@click.group(cls=Bilingual, help="help.loaders")
@click.option("-v", "--verbose", is_flag=True, help="help.opt.verbose")
@lang_option
def cli(verbose: bool) -> None:
    """Load data into the Hilos graph."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(message)s")


@cli.command(help="help.loaders.seed")
@click.option("--db", envvar="HILOS_DB", help="help.opt.db")
@click.option("--backend", type=click.Choice(BACKENDS),
              help="help.opt.backend")
@click.option("--folder", type=click.Path(exists=True, file_okay=False, path_type=Path), default=SEED_DIR,
              show_default=True, help="help.opt.folder")
@click.option("--dry-run", is_flag=True, help="help.opt.seed_dry_run")
@lang_option
def seed(db: str | None, backend: str | None, folder: Path, dry_run: bool) -> None:
    """Validate and load the cited seed data; loading twice changes nothing."""
    lang = chosen_lang()
    try:
        store = open_store(db, backend)
        if dry_run:
            batch = read_seed(folder, store)
            click.echo(t("load.seed_valid", lang, nodes=f"{len(batch.nodes):,}",
                         relationships=f"{len(batch.edges):,}"))
            return
        result = load_seed(store, folder)
        totals = store.stats()
    except HilosError as exc:
        raise click.ClickException(error_text(exc, lang)) from exc
    click.echo(written(result, lang))
    click.echo(t("load.totals", lang, nodes=f"{totals.nodes:,}", relationships=f"{totals.relationships:,}"))


from loaders.commands import csv_command, fedramp, usaspending  # noqa: E402  (commands register on `cli`)

cli.add_command(usaspending)
cli.add_command(fedramp)
cli.add_command(csv_command)
