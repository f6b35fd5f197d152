"""`--lang es|en` for `python -m loaders` and `python -m graph`: before the command (`--lang en usaspending X`)
or after it (`usaspending X --lang en`); Spanish by default. `--help` speaks it too.

Help texts are catalog keys (graph/messages/cli.yaml). click prints `--help` while it parses, before any
option's callback has run, so `Bilingual` reads the language from the arguments first and words every help
text of its commands in it.
"""
from __future__ import annotations

from typing import Any, Iterator, Sequence

import click

from graph.i18n import DEFAULT_LANG, LANGS, MESSAGES, t

_KEY = "hilos.lang"  # in click's Context.meta, which a command's context shares with its group's


def _remember(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.meta[_KEY] = value


lang_option = click.option("--lang", type=click.Choice(LANGS), expose_value=False, callback=_remember,
                           help="help.opt.lang")


def chosen_lang() -> str:
    """The language the command line asked for (the innermost --lang given), else Spanish."""
    return click.get_current_context().meta.get(_KEY, DEFAULT_LANG)


def lang_asked(args: Sequence[str]) -> str:
    """The language `--lang xx` or `--lang=xx` asks for in a command line (the last one), else Spanish."""
    asked = DEFAULT_LANG
    for number, arg in enumerate(args):
        value = args[number + 1] if arg == "--lang" and number + 1 < len(args) else arg.removeprefix("--lang=")
        if (arg == "--lang" or arg.startswith("--lang=")) and value in LANGS:
            asked = value
    return asked


class Bilingual(click.Group):
    """A command group whose help texts (its own, its commands' and their options') are catalog keys, worded in
    the language the command line asks for."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        lang = lang_asked(args)
        for command in _commands(self):
            _word(command, lang)
            for param in command.params:
                if isinstance(param, click.Option):
                    _word(param, lang)
            help_option = command.get_help_option(click.Context(command))  # made once, then kept by click
            if help_option is not None:
                help_option.help = t("help.opt.help", lang)
        return super().make_context(info_name, args, parent, **extra)


def _commands(command: click.Command) -> Iterator[click.Command]:
    yield command
    for sub in getattr(command, "commands", {}).values():
        yield from _commands(sub)


def _word(item: click.Command | click.Option, lang: str) -> None:
    """Put `item.help` (a catalog key, remembered the first time) into `lang`."""
    key = getattr(item, "help_key", None) or item.help
    if key in MESSAGES:
        item.help_key = key  # type: ignore[union-attr]
        item.help = t(key, lang, default=DEFAULT_LANG)
