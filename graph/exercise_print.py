"""Exercise cards on paper: one HTML file with print CSS, the cards first and the answers on their own pages.

Each answer is drawn like a story step (graph.story_svg) and explained with its
footnotes (graph.explain), so the facilitator's key cites its sources too.
"""
from __future__ import annotations

import html
from typing import Sequence

from graph.exercises import Card, chain, hints, question
from graph.explain import explain
from graph.handout import PAPERS
from graph.i18n import t
from graph.render import CSP
from graph.store import GraphStore
from graph.story_build import step_from_path, story_from_steps
from graph.story_svg import frame_svg
from graph.story_view import build_view

CARDS_CSS = """
body { font-family: system-ui, sans-serif; color: #000; background: #fff; margin: 0 auto; padding: 12mm;
       max-width: 190mm; font-size: 12pt; line-height: 1.4; }
.cards { display: grid; grid-template-columns: 1fr 1fr; gap: 6mm; }
.card { border: 1.5pt dashed #000; padding: 5mm; break-inside: avoid; page-break-inside: avoid; }
.card .number { font-size: 10pt; margin: 0; }
.card h2 { font-size: 16pt; margin: 1mm 0 3mm; }
.card ol { margin: 0; padding-left: 5mm; font-size: 10.5pt; }
.answers { break-before: page; page-break-before: always; }
.answer { break-inside: avoid; page-break-inside: avoid; border-top: 1.5pt solid #000; padding-top: 3mm;
          margin-bottom: 6mm; }
.answer h3 { font-size: 13pt; margin: 0 0 2mm; }
.answer figure { margin: 0 0 2mm; text-align: center; }
.answer svg { height: auto; max-width: 100%; max-height: 80mm; }
.notes { font-size: 9pt; list-style: none; padding: 0; }
@media print { body { padding: 0; max-width: none; } }
"""


def _card(number: int, card: Card, lang: str) -> str:
    items = "".join(f"<li>{html.escape(hint)}</li>" for hint in hints(card, lang))
    return (f'<section class="card"><p class="number">{html.escape(t("exercises.card", lang, number=number))}</p>'
            f"<h2>{html.escape(question(card, lang))}</h2><ol>{items}</ol></section>")


def _answer(number: int, card: Card, store: GraphStore, lang: str) -> str:
    first = card.answers[0]
    story = story_from_steps("answer", {code: question(card, code) for code in ("es", "en")}, {},
                             [step_from_path(first)])
    picture = frame_svg(build_view(story, store, lang), (1, len(first)))
    explanation = explain(first, lang, store.get)
    others = "".join(f"<li>{html.escape(chain(path))}</li>" for path in card.answers[1:])
    notes = "".join(f"<li>[{note.number}] {html.escape(note.citation)}</li>" for note in explanation.footnotes)
    return "".join([
        f'<section class="answer"><h3>{html.escape(t("exercises.card", lang, number=number))}: '
        f"{html.escape(chain(first))}</h3>", f"<figure>{picture}</figure>",
        f"<p>{html.escape(explanation.text())}</p>",
        f"<p>{html.escape(t('exercises.other_answers', lang))}</p><ul>{others}</ul>" if others else "",
        f'<ul class="notes">{notes}</ul></section>',
    ])


def cards_html(cards: Sequence[Card], store: GraphStore, lang: str, paper: str = "A4") -> str:
    """Printable cards (two per row) and, from a new page on, the facilitator's answers."""
    title = t("nav.exercises", lang)
    return "".join([
        f'<!DOCTYPE html><html lang="{html.escape(lang)}"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        f"<title>{html.escape(title)}</title><style>{CARDS_CSS}@page {{ size: {PAPERS[paper]}; margin: 12mm; }}",
        "</style></head><body>", f"<h1>{html.escape(title)}</h1>",
        '<div class="cards">', *(_card(number, card, lang) for number, card in enumerate(cards, 1)), "</div>",
        f'<div class="answers"><h1>{html.escape(t("exercises.answers_header", lang))}</h1>',
        *(_answer(number, card, store, lang) for number, card in enumerate(cards, 1)), "</div></body></html>",
    ])
