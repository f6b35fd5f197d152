"""A story as ONE self-contained HTML file: a slide deck that runs from a USB stick, offline.

Everything is inline (vis-network, CSS, the story's data) and a Content-Security-
Policy forbids every request, so the file opens from file:// on any laptop with
a browser and nothing else. ← → (also PageUp/PageDown, Space, Home, End) and the
buttons move one relationship at a time; #3 or #3.2 in the address opens step 3
(at its second relationship). Text is HTML-escaped; names travel as JSON data.
"""
from __future__ import annotations

import html

from graph.i18n import t
from graph.render import script_json
from graph.story_stage import legend, stage_head, stage_scripts
from graph.story_text import entities, footnotes, quotes, sentences
from graph.story_view import StepView, StoryView

DECK_CSS = """
html, body { height: 100%; }
body { display: grid; grid-template-rows: auto 1fr auto; background: #fff; color: #000; overflow: hidden; }
header { display: flex; justify-content: space-between; gap: 1em; padding: 0.6vh 1.6vw;
         font-size: clamp(14px, 1.25vw, 30px); border-bottom: 2px solid #000; }
main { display: grid; grid-template-columns: 60fr 40fr; min-height: 0; }
#stage { display: flex; flex-direction: column; min-height: 0; padding: 0.5vh 0.5vw; }
#graph { flex: 1; min-height: 0; }
.legend { font-size: clamp(12px, 1.1vw, 26px); }
#panel { overflow-y: auto; padding: 1vh 1.8vw 1vh 1vw; border-left: 2px solid #000; }
article h1 { font-size: clamp(24px, 2.9vw, 68px); line-height: 1.1; margin: 0.2em 0 0.35em; }
article .text { font-size: clamp(18px, 1.9vw, 44px); line-height: 1.3; margin: 0 0 0.6em; }
article .fact { font-size: clamp(16px, 1.55vw, 36px); line-height: 1.3; margin: 0 0 0.5em; }
article blockquote { font-size: clamp(14px, 1.3vw, 30px); font-style: italic; margin: 0 0 0.6em;
                     padding-left: 0.7em; border-left: 0.25em solid #000; }
article .notes { font-size: clamp(12px, 1.02vw, 24px); line-height: 1.3; margin: 1em 0 0; padding: 0;
                 list-style: none; border-top: 1px solid #000; }
article .notes li { margin: 0.25em 0; }
nav { display: flex; align-items: center; gap: 1.2vw; padding: 0.8vh 1.6vw; border-top: 2px solid #000;
      font-size: clamp(14px, 1.3vw, 30px); }
nav button { font: inherit; font-weight: 600; padding: 0.35em 1.1em; border: 2px solid #000;
             border-radius: 0.4em; background: #fff; color: #000; cursor: pointer; }
nav button#next { background: #000; color: #fff; }
nav button:disabled { opacity: 0.35; cursor: default; }
nav button:focus-visible { outline: 4px solid #0072B2; outline-offset: 2px; }
nav .hint { margin-left: auto; color: #333; }
[hidden] { display: none !important; }
"""

DECK_JS = """
const FRAMES = DECK.frames;
const prev = document.getElementById("prev"), next = document.getElementById("next");
let current = 0;
function go(index) {
  current = Math.max(0, Math.min(FRAMES.length - 1, index));
  const [step, shown] = FRAMES[current];
  for (const article of document.querySelectorAll("article")) {
    const here = Number(article.dataset.step) === step;
    article.hidden = !here;
    if (here) {
      for (const item of article.querySelectorAll("[data-reveal]")) {
        item.hidden = Number(item.dataset.reveal) > shown;
      }
    }
  }
  showFrame(current);
  document.getElementById("counter").textContent = DECK.counter[step - 1];
  prev.disabled = current === 0;
  next.disabled = current === FRAMES.length - 1;
  document.body.dataset.step = String(step);
  document.body.dataset.shown = String(shown);
  const hash = "#" + step + "." + shown;
  if (location.hash !== hash) { history.replaceState(null, "", hash); }
}
function fromHash() {
  const match = /^#(\\d+)(?:\\.(\\d+))?$/.exec(location.hash);
  if (!match) { return 0; }
  const step = Number(match[1]);
  const own = FRAMES.map((frame, index) => [frame, index]).filter(([frame]) => frame[0] === step);
  if (!own.length) { return 0; }
  const wanted = match[2] === undefined ? Infinity : Number(match[2]);
  const hit = own.find(([frame]) => frame[1] === wanted);
  return hit ? hit[1] : own[own.length - 1][1];
}
prev.addEventListener("click", () => go(current - 1));
next.addEventListener("click", () => go(current + 1));
document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey) { return; }
  const moves = {ArrowRight: 1, ArrowDown: 1, PageDown: 1, " ": 1, Enter: 1,
                 ArrowLeft: -1, ArrowUp: -1, PageUp: -1, Backspace: -1};
  if (event.key in moves) { go(current + moves[event.key]); event.preventDefault(); }
  else if (event.key === "Home") { go(0); event.preventDefault(); }
  else if (event.key === "End") { go(FRAMES.length - 1); event.preventDefault(); }
});
window.addEventListener("hashchange", () => go(fromHash()));
go(fromHash());
"""


def _paragraph(text: str, css: str, reveal: int = 0) -> str:
    attribute = f' data-reveal="{reveal}"' if reveal else ""
    return f'<p class="{css}"{attribute}>{html.escape(text)}</p>'


def step_article(step: StepView, lang: str) -> str:
    """One step's text: title, the trainer's words, the revealed sentences and quotes, the footnotes."""
    parts = [f'<article data-step="{step.number}" hidden>', f"<h1>{html.escape(step.title)}</h1>",
             _paragraph(step.text, "text")]
    parts += [_paragraph(line.text, "fact", line.reveal) for line in [*entities(step), *sentences(step)]]
    parts += [f'<blockquote data-reveal="{line.reveal}">{html.escape(line.text)}</blockquote>' if line.reveal
              else f"<blockquote>{html.escape(line.text)}</blockquote>" for line in quotes(step, lang, slide=True)]
    notes = "".join(f"<li>{html.escape(note)}</li>" for note in footnotes(step))
    parts.append(f'<ul class="notes" aria-label="{html.escape(t("explain.sources", lang))}">{notes}</ul>')
    parts.append("</article>")
    return "".join(parts)


def deck_html(view: StoryView) -> str:
    """The whole story as one offline HTML page with step navigation."""
    lang, frames = view.lang, view.frames()
    counters = [t("present.step_counter", lang, number=step.number, total=len(view.steps)) for step in view.steps]
    return "".join([
        stage_head(view, view.title), "<style>", DECK_CSS, "</style></head><body>",
        f'<header><strong>{html.escape(view.title)}</strong><span id="counter"></span></header>',
        '<main><section id="stage"><div id="graph"></div>', legend(view), "</section>",
        '<section id="panel">', *(step_article(step, lang) for step in view.steps), "</section></main>",
        f'<nav><button id="prev" type="button">← {html.escape(t("present.prev", lang))}</button>',
        f'<button id="next" type="button">{html.escape(t("present.next", lang))} →</button>',
        f'<span class="hint">{html.escape(t("deck.keys", lang))}</span></nav>',
        stage_scripts(view, frames),
        "<script>const DECK = ", script_json({"frames": frames, "counter": counters}), ";", DECK_JS, "</script>",
        "</body></html>",
    ])
