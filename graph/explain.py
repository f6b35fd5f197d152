"""Plain-language explanations of paths, with numbered footnotes citing each edge's sources.

    >>> explain(path, "es", store).text()
    'Palantir Technologies desarrolla y vende ICM [1]; ICM es la herramienta principal ... [1].'
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from graph.model import Edge, Node, Path
from graph.schema import get_schema

SOURCES_HEADING = {"es": "Fuentes", "en": "Sources"}
QUOTE_MARKS = {"es": ("«", "»"), "en": ("“", "”")}
SOURCE_KINDS = {
    "article": {"es": "artículo", "en": "article"},
    "public_record": {"es": "registro público", "en": "public record"},
    "report": {"es": "informe", "en": "report"},
    "press": {"es": "prensa", "en": "press reports"},
}


@dataclass(frozen=True)
class Footnote:
    number: int
    source_id: str
    citation: str


@dataclass(frozen=True)
class Step:
    """One edge of the path read as a sentence, with its footnote numbers and quote."""

    edge: Edge
    sentence: str
    notes: tuple[int, ...]
    quote: str = ""
    quote_en: str = ""


@dataclass(frozen=True)
class Quote:
    """A source's own words, the gloss in English (or ""), every footnote that cites them, and the number (from 1)
    of the first step that quotes them."""

    text: str
    gloss: str
    notes: tuple[int, ...]
    first: int


@dataclass(frozen=True)
class Explanation:
    lang: str
    steps: tuple[Step, ...]
    footnotes: tuple[Footnote, ...]

    def text(self) -> str:
        """The sentences, each followed by its footnote marks."""
        return prose(f"{step.sentence} {''.join(f'[{n}]' for n in step.notes)}".strip() for step in self.steps)

    def quotes(self) -> tuple[Quote, ...]:
        """Each quote once, in order, with every mark of the steps that quote it (two relationships often rest
        on the same sentence of an article); the gloss only where it differs from the quote."""
        found: dict[str, tuple[str, list[int], int]] = {}
        for number, step in enumerate(self.steps, 1):
            if step.quote:
                _gloss, notes, _first = found.setdefault(step.quote, (step.quote_en, [], number))
                notes.extend(note for note in step.notes if note not in notes)
        return tuple(Quote(text, gloss if gloss != text else "", tuple(notes), first)
                     for text, (gloss, notes, first) in found.items())

    def full_text(self) -> str:
        """Sentences, then the quotes, then the numbered sources."""
        opening, closing = QUOTE_MARKS[self.lang]
        lines = [self.text(), ""]
        for quote in self.quotes():
            gloss = f" ({quote.gloss})" if quote.gloss and self.lang == "en" else ""
            lines.append(f"{opening}{quote.text}{closing}{gloss} {''.join(f'[{n}]' for n in quote.notes)}")
        lines += ["", f"{SOURCES_HEADING[self.lang]}:"]
        lines += [f"[{note.number}] {note.citation}" for note in self.footnotes]
        return "\n".join(line for i, line in enumerate(lines) if line or (i and lines[i - 1]))


def cite(source: Node | None, source_id: str, lang: str) -> str:
    """One line citing a Source node: author, “title”, outlet, date, identifier, kind."""
    if source is None:
        return source_id
    props = source.properties
    title = props.get("title") or source.name
    parts = [props.get("author"), f"“{title}”", props.get("outlet"), props.get("date"), props.get("identifier")]
    kind = props.get("kind")
    parts.append(SOURCE_KINDS.get(kind, {}).get(lang, kind))
    return ", ".join(str(p) for p in parts if p)


def prose(sentences: Iterable[str]) -> str:
    """Sentences as a paragraph: each begins with a capital and ends with a full stop. (Joined with '; ', an
    edge's own summary, a full sentence, put a capital in mid-sentence: "…Palantir; Según la prensa…".)"""
    return " ".join(f"{text[:1].upper()}{text[1:]}." for text in sentences if text)


def sentence(edge: Edge, names: dict[str, str], lang: str) -> str:
    """The edge's own summary in `lang` if it has one, else its type's sentence."""
    summary = edge.properties.get(f"summary_{lang}")
    if summary:
        return str(summary).rstrip(".")
    rel = get_schema().rel_types[edge.type]
    return rel.sentence(lang, names.get(edge.source, edge.source), names.get(edge.target, edge.target))


def explain_edges(edges: Sequence[Edge], nodes: Sequence[Node], lang: str,
                  lookup: Callable[[str], Node | None]) -> Explanation:
    """Explain any sequence of edges (a path, a story step) in `lang` ('es' or 'en')."""
    if lang not in ("es", "en"):
        raise ValueError(f"language must be 'es' or 'en', not {lang!r}")
    names = {node.id: node.name for node in nodes}
    numbers: dict[str, int] = {}
    steps = []
    for edge in edges:
        notes = tuple(numbers.setdefault(sid, len(numbers) + 1) for sid in edge.sources)
        steps.append(Step(edge, sentence(edge, names, lang), notes,
                          str(edge.properties.get("quote") or ""), str(edge.properties.get("quote_en") or "")))
    footnotes = tuple(Footnote(n, sid, cite(lookup(sid), sid, lang)) for sid, n in numbers.items())
    return Explanation(lang, tuple(steps), footnotes)


def explain(path: Path, lang: str, lookup: Callable[[str], Node | None]) -> Explanation:
    """Turn a path into sentences in Spanish or English with numbered source footnotes."""
    return explain_edges(path.edges, path.nodes, lang, lookup)
