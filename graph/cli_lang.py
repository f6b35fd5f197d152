"""`--lang es|en` for `python -m loaders` and `python -m graph`: before the command (`--lang en usaspending X`)
or after it (`usaspending X --lang en`); Spanish by default."""
from __future__ import annotations

import click

from graph.i18n import DEFAULT_LANG, LANGS

_KEY = "hilos.lang"  # in click's Context.meta, which a command's context shares with its group's


def _remember(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.meta[_KEY] = value


lang_option = click.option("--lang", type=click.Choice(LANGS), expose_value=False, callback=_remember,
                           help=f"Language of what is printed (default: {DEFAULT_LANG}).")


def chosen_lang() -> str:
    """The language the command line asked for (the innermost --lang given), else Spanish."""
    return click.get_current_context().meta.get(_KEY, DEFAULT_LANG)
