"""The catalog of user-visible strings (graph/messages/*.yaml) and the choice of language.

    >>> t("trace.path_title", "en", number=2)
    'Path 2'

The catalog is checked on import, so a key missing a language fails at once,
not on a page in front of a reader.
"""
from __future__ import annotations

from pathlib import Path
from string import Formatter

from graph import yaml_text

from graph.errors import HilosError

LANGS = ("es", "en")
DEFAULT_LANG = "es"
MESSAGES_DIR = Path(__file__).with_name("messages")  # one file per area of the app


class CatalogError(HilosError):
    """The message catalog is incomplete or inconsistent."""


def _fields(text: str) -> set[str]:
    return {name for _literal, name, _spec, _conv in Formatter().parse(text) if name is not None}


def load_messages(folder: Path = MESSAGES_DIR) -> dict[str, dict[str, str]]:
    """Read every catalog file; raise CatalogError unless each key is defined once, in every language,
    with the same placeholders."""
    messages: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("*.yaml")):
        _add_file(path, messages)
    return messages


def _add_file(path: Path, messages: dict[str, dict[str, str]]) -> None:
    raw = yaml_text.load(path.read_text(encoding="utf-8")) or {}
    for key, texts in raw.items():
        if key in messages:
            raise CatalogError(f"{path.name}: '{key}' is already defined in another catalog file")
        if not isinstance(texts, dict) or any(not isinstance(texts.get(lang), str) or not texts[lang]
                                              for lang in LANGS):
            raise CatalogError(f"{path.name}: '{key}' needs a text in each of {', '.join(LANGS)}")
        if len({frozenset(_fields(texts[lang])) for lang in LANGS}) > 1:
            raise CatalogError(f"{path.name}: '{key}' uses different placeholders per language")
        messages[key] = {lang: texts[lang] for lang in LANGS}


MESSAGES = load_messages()


def t(key: str, lang: str, **fmt: object) -> str:
    """The message `key` in `lang`, with `{placeholders}` filled from `fmt`."""
    return MESSAGES[key][lang].format(**fmt)


def browser_lang(accept_language: str | None) -> str:
    """The first of LANGS the browser ranks highest in its Accept-Language header; else Spanish.

    "en-US,en;q=0.9,es;q=0.8" -> "en"; "es-MX,en;q=0.5" -> "es"; "fr" or nothing -> "es".
    """
    ranked: list[tuple[float, str]] = []
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().split("-")[0].lower()
        if primary in LANGS and weight > 0:
            ranked.append((weight, primary))
    # sorted() is stable, so equal weights keep the browser's order.
    return sorted(ranked, key=lambda item: -item[0])[0][1] if ranked else DEFAULT_LANG
