"""The words on a slide, as plain text: one sentence per relationship, quotes, entities, footnotes.

The presentation page, the exported file and the handout all lay out these same
strings (escaped for Markdown or HTML by the caller), so the three never disagree.
"""
from __future__ import annotations

from dataclasses import dataclass

from graph.explain import QUOTE_MARKS, prose
from graph.i18n import t
from graph.story_view import StepView


@dataclass(frozen=True)
class Line:
    """A text and the relationship number (from 1) whose reveal shows it; 0 means from the start."""

    text: str
    reveal: int = 0


def marks(numbers: tuple[int, ...]) -> str:
    return "".join(f"[{number}]" for number in numbers)


def sentences(step: StepView) -> list[Line]:
    """Each highlighted relationship as one sentence with its footnote marks, shown as it is revealed."""
    lines = []
    for number, item in enumerate(step.explanation.steps, 1):
        lines.append(Line(prose([f"{item.sentence} {marks(item.notes)}".strip()]), number))
    return lines


def quotes(step: StepView, lang: str, *, slide: bool = False) -> list[Line]:
    """The sources' own words, each quote once (with every mark that cites it), shown with its first relationship.

    On paper a quote stays in the language it was printed in, and English readers also
    get the gloss; on a slide, where room is short, English readers get only the gloss,
    marked as a translation.
    """
    opening, closing = QUOTE_MARKS[lang]
    lines = []
    for quote in step.explanation.quotes():
        translate = lang == "en" and quote.gloss
        if translate and slide:
            text = f"{opening}{quote.gloss}{closing} {t('present.translated', lang)}"
        else:
            text = f"{opening}{quote.text}{closing}" + (f" ({quote.gloss})" if translate else "")
        lines.append(Line(f"{text} {marks(quote.notes)}", quote.first))
    return lines


def entities(step: StepView) -> list[Line]:
    """Highlighted entities that no relationship explains: "Name (kind): what the record says [n]"."""
    return [Line(f"{note.node.name} ({note.kind}): {note.lead} {marks(note.notes)}".strip()
                 if note.lead else f"{note.node.name} ({note.kind}) {marks(note.notes)}".strip())
            for note in step.entities]


def footnotes(step: StepView) -> list[str]:
    """"[n] citation" for every source of the step."""
    return [f"[{note.number}] {note.citation}" for note in step.footnotes]
