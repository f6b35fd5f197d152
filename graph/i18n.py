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

from graph.errors import HilosError, LoadError

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


def t(key: str, lang: str, /, **fmt: object) -> str:
    """The message `key` in `lang`, with `{placeholders}` filled from `fmt`."""
    return MESSAGES[key][lang].format(**fmt)


class Message:
    """A catalog key and its values, raised or reported deep in the code and put into words where it is shown.

    str() is the English text (logs, the rejects and merges CSVs); `render(lang)` is for the reader. A value
    that is itself a Message is rendered in the same language.
    """

    __slots__ = ("key", "fmt")

    def __init__(self, key: str, /, **fmt: object) -> None:
        if key not in MESSAGES:  # a typo fails where it is raised, not when someone finally meets the error
            raise KeyError(f"no message {key!r} in graph/messages")
        self.key, self.fmt = key, fmt

    def render(self, lang: str) -> str:
        return t(self.key, lang, **{name: in_lang(value, lang) for name, value in self.fmt.items()})

    def __str__(self) -> str:
        return self.render("en")

    def __repr__(self) -> str:
        return f"Message({self.key!r}, {self.fmt!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and (self.key, self.fmt) == (other.key, other.fmt)

    def __hash__(self) -> int:
        # The values too: a load reports 100,000s of merges under one key, kept in a set to drop repeats.
        try:
            return hash((self.key, frozenset(self.fmt.items())))
        except TypeError:  # a value that cannot be hashed (a list): equal Messages still hash alike
            return hash(self.key)


def in_lang(value: object, lang: str) -> str:
    """A Message in `lang`, a tuple of them joined with '; '; anything else (a file name, a value from the data)
    as it is."""
    if isinstance(value, tuple):
        return "; ".join(in_lang(item, lang) for item in value)
    return value.render(lang) if isinstance(value, Message) else str(value)


def reading_problem(exc: BaseException) -> Message | BaseException:
    """Why a file could not be read, for a message's {error}: a YAML slip as one line with its line and column
    (PyYAML's own text runs to four lines of English), a missing file as such; any other error as it is."""
    if isinstance(exc, FileNotFoundError):
        return Message("file.not_found")
    mark = getattr(exc, "problem_mark", None)
    if mark is None:
        return exc
    return Message("yaml.syntax", line=mark.line + 1, column=mark.column + 1,
                   problem=getattr(exc, "problem", None) or getattr(exc, "context", None) or "")


def location(lang: str, path: object = None, row: object = None, *, field: str | None = None,
             column: str | None = None) -> str:
    """"file.csv, row 3, column 'x'" in `lang`; the file, row and column names are never translated."""
    return ", ".join(part for part in (
        str(path) if path else "",
        t("where.row", lang, row=row) if row is not None else "",
        t("where.field", lang, field=field) if field else "",
        t("where.column", lang, column=column) if column else "",
    ) if part)


def error_text(exc: BaseException, lang: str) -> str:
    """An error as one line in `lang`: where it is (file, row, field) and what is wrong."""
    if isinstance(exc, LoadError):
        place = location(lang, exc.path, exc.row, field=exc.field)
    elif hasattr(exc, "place"):  # graph.stories.StoryError (that module imports this one)
        place = exc.place(lang)
    else:
        return in_lang(exc.args[0], lang) if len(exc.args) == 1 else str(exc)
    reason = in_lang(exc.reason, lang)
    return f"{place}: {reason}" if place else reason


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
