"""`python -m graph`: search, trace paths and count what is in the graph."""
from __future__ import annotations

import json
import sys

import click

from graph.cli_lang import Bilingual, chosen_lang, lang_option
from graph.errors import HilosError, NotFound
from graph.explain import explain
from graph.i18n import error_text, t
from graph.lookup import resolve
from graph.serialize import path_to_dict
from graph.store import BACKENDS, DEFAULT_MAX_LENGTH, GraphStore, PathFilter, open_store



def _open(db: str | None, backend: str | None) -> GraphStore:
    try:
        return open_store(db, backend)
    except HilosError as exc:
        raise click.ClickException(error_text(exc, chosen_lang())) from exc


def _said(exc: HilosError, lang: str) -> str:
    """A name that matches nothing, with its close spellings, as the trace page says it; else the error."""
    if isinstance(exc, NotFound):
        if exc.suggestions:
            return t("trace.not_found", lang, text=exc.text, suggestions=", ".join(exc.suggestions))
        return t("trace.not_found_plain", lang, text=exc.text)
    return error_text(exc, lang)


@click.group(cls=Bilingual, help="help.graph")
@lang_option
def cli() -> None:
    """Hilos: trace who builds the technology behind immigration enforcement."""


@cli.command(help="help.graph.search")
@click.argument("text")
@click.option("--label", "labels", multiple=True, help="help.opt.label")
@click.option("--limit", default=10, show_default=True, help="help.opt.limit")
@click.option("--db", envvar="HILOS_DB", help="help.opt.db")
@click.option("--backend", type=click.Choice(BACKENDS), help="help.opt.backend")
@click.option("--json", "as_json", is_flag=True, help="help.opt.json")
@lang_option
def search(text: str, labels: tuple[str, ...], limit: int, db: str | None, backend: str | None, as_json: bool) -> None:
    """Find entities by name or alias (case, accents and punctuation ignored)."""
    lang = chosen_lang()
    store = _open(db, backend)
    hits = store.search(text, labels=labels or None, limit=limit)
    if as_json:
        click.echo(json.dumps([{"id": h.node.id, "label": h.node.label, "name": h.node.name,
                                "matched": h.matched, "score": h.score} for h in hits], ensure_ascii=False))
        return
    if not hits:
        click.echo(t("search.none", lang, text=text), err=True)
        sys.exit(1)
    for hit in hits:
        via = "  " + t("cli.matched_as", lang, name=hit.matched) if hit.matched != hit.node.name else ""
        click.echo(f"{hit.node.id:40} {hit.node.label:13} {hit.node.name}{via}")


@cli.command(help="help.graph.path")
@click.argument("source")
@click.argument("target")
@click.option("--k", default=1, show_default=True, type=click.IntRange(1, 50), help="help.opt.k")
@click.option("--max-length", default=DEFAULT_MAX_LENGTH, show_default=True, type=click.IntRange(1, 12),
              help="help.opt.max_length")
@click.option("--directed", is_flag=True, help="help.opt.directed")
@click.option("--type", "rel_types", multiple=True, help="help.opt.type")
@click.option("--avoid", multiple=True, help="help.opt.avoid")
@click.option("--db", envvar="HILOS_DB", help="help.opt.db")
@click.option("--backend", type=click.Choice(BACKENDS), help="help.opt.backend")
@click.option("--json", "as_json", is_flag=True, help="help.opt.path_json")
@lang_option
def path(source: str, target: str, k: int, max_length: int, directed: bool,
         rel_types: tuple[str, ...], avoid: tuple[str, ...], db: str | None, backend: str | None, as_json: bool) -> None:
    """Shortest paths between two entities, explained with cited sources."""
    lang = chosen_lang()
    store = _open(db, backend)
    try:
        start, end = resolve(store, source), resolve(store, target)
        where = PathFilter(rel_types=frozenset(rel_types),
                           avoid=frozenset(resolve(store, name).id for name in avoid))
    except HilosError as exc:
        raise click.ClickException(_said(exc, lang)) from exc
    if start.id == end.id:
        raise click.ClickException(t("cli.same", lang, name=start.name))
    found = store.paths(start.id, end.id, k=k, max_length=max_length, directed=directed, where=where)
    explanations = [explain(p, lang, store.get) for p in found]
    if as_json:
        click.echo(json.dumps({
            "paths": [{**path_to_dict(p), "explanation": e.text()} for p, e in zip(found, explanations)],
            "explanation": explanations[0].full_text() if explanations else "",
        }, ensure_ascii=False, indent=2))
        return
    if not found:
        click.echo(t("trace.no_path", lang, max_length=max_length, source=start.name, target=end.name), err=True)
        sys.exit(1)
    for number, (found_path, explanation) in enumerate(zip(found, explanations), 1):
        chain = " → ".join(node.name for node in found_path.nodes)
        click.echo(f"{number}. {chain}\n\n{explanation.full_text()}\n")


@cli.command(help="help.graph.stats")
@click.option("--db", envvar="HILOS_DB", help="help.opt.db")
@click.option("--backend", type=click.Choice(BACKENDS), help="help.opt.backend")
@click.option("--json", "as_json", is_flag=True, help="help.opt.json")
@lang_option
def stats(db: str | None, backend: str | None, as_json: bool) -> None:
    """Counts of entities and relationships by label, type and evidence."""
    lang = chosen_lang()
    counts = _open(db, backend).stats()
    if as_json:
        click.echo(json.dumps(counts.__dict__, ensure_ascii=False))
        return
    click.echo(f"{t('overview.entities', lang)}: {counts.nodes:,}\n{t('overview.relationships', lang)}: "
               f"{counts.relationships:,}")
    for title, table in (("overview.by_label", counts.by_label), ("overview.by_type", counts.by_type),
                         ("cli.by_evidence", counts.by_evidence)):
        click.echo(f"{t(title, lang)}:")
        for name, count in table.items():
            click.echo(f"  {name:20} {count:,}")


@cli.command(help="help.graph.schema")
def schema() -> None:
    """Print the schema (labels, relationship types, evidence) as Markdown."""
    from graph.schema_doc import schema_markdown

    click.echo(schema_markdown(), nl=False)
