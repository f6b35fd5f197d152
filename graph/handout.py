"""A story as a printable handout: one HTML file with print CSS for A4 or Letter paper.

Each step gets its picture (an inline SVG of the step fully revealed), its
sentences and quotes, and its footnotes. No script runs and nothing is fetched,
so the file can be printed from any browser, offline.
"""
from __future__ import annotations

import html

from graph.i18n import t
from graph.render import CSP
from graph.story_svg import frame_svg
from graph.story_text import entities, footnotes, quotes, sentences
from graph.story_view import StepView, StoryView

PAPERS = {"A4": "A4", "Letter": "letter"}  # the choice shown to trainers -> the CSS @page size

HANDOUT_CSS = """
body { font-family: system-ui, sans-serif; color: #000; background: #fff; margin: 0 auto; padding: 12mm;
       max-width: 190mm; font-size: 11pt; line-height: 1.4; }
h1 { font-size: 20pt; margin: 0 0 2mm; }
.summary { font-size: 12pt; margin: 0 0 6mm; }
section { break-inside: avoid; page-break-inside: avoid; margin: 0 0 8mm; padding-top: 3mm;
          border-top: 1.5pt solid #000; }
h2 { font-size: 14pt; margin: 0 0 2mm; }
.text { font-size: 12pt; font-weight: 600; margin: 0 0 2mm; }
figure { margin: 0 0 2mm; text-align: center; }
figure svg { height: auto; max-width: 100%; max-height: 110mm; border: 0.5pt solid #999; }
blockquote { font-style: italic; margin: 0 0 2mm; padding-left: 3mm; border-left: 2pt solid #000; }
.notes { font-size: 9pt; list-style: none; padding: 0; margin: 2mm 0 0; }
.fact { margin: 0 0 1.5mm; }
@media print { body { padding: 0; max-width: none; } }
"""


def _section(step: StepView, total: int, lang: str, view: StoryView) -> str:
    counter = t("present.step_counter", lang, number=step.number, total=total)
    facts = "".join(f'<p class="fact">{html.escape(line.text)}</p>' for line in [*entities(step), *sentences(step)])
    said = "".join(f"<blockquote>{html.escape(line.text)}</blockquote>" for line in quotes(step, lang))
    notes = "".join(f"<li>{html.escape(note)}</li>" for note in footnotes(step))
    return "".join([
        f'<section data-step="{step.number}"><h2>{html.escape(counter)}: {html.escape(step.title)}</h2>',
        f'<p class="text">{html.escape(step.text)}</p>',
        f"<figure>{frame_svg(view, (step.number, step.frames[-1]))}</figure>", facts, said,
        f'<ul class="notes" aria-label="{html.escape(t("explain.sources", lang))}">{notes}</ul></section>',
    ])


def handout_html(view: StoryView, paper: str = "A4") -> str:
    """The printable handout of the story on `paper` ("A4" or "Letter")."""
    size = PAPERS[paper]
    summary = f'<p class="summary">{html.escape(view.summary)}</p>' if view.summary else ""
    return "".join([
        f'<!DOCTYPE html><html lang="{html.escape(view.lang)}"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        f"<title>{html.escape(view.title)}</title><style>{HANDOUT_CSS}",
        f"@page {{ size: {size}; margin: 14mm; }}</style></head><body>",
        f"<h1>{html.escape(view.title)}</h1>", summary,
        *(_section(step, len(view.steps), view.lang, view) for step in view.steps),
        "</body></html>",
    ])
