"""A story read against the graph, in one language: what each step draws, highlights, says and cites.

Everything factual on a slide comes from the graph: the sentences and quotes of the
highlighted relationships (graph.explain), the descriptions of highlighted entities,
and the citations of the Source nodes. The story itself only adds titles and short
texts. Building a view is also the story's graph check: an id, relationship or source
that is not in the store raises StoryError naming the file, step and field.

A step shows its highlighted relationships one at a time; a *frame* is a step with
its first `shown` relationships revealed. Earlier steps stay on screen, dimmed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from graph.explain import Explanation, Footnote, cite, explain_edges
from graph.i18n import Message
from graph.model import Edge, EdgeKey, Node
from graph.schema import get_schema
from graph.store import GraphStore
from graph.stories import Story, Step, StoryError, edge_item

LEAD_LIMIT = 220  # characters of an entity's description shown on a slide
# A sentence ends at . ! or ? before a capital, unless the word is an abbreviation such as "EE." or "U.S.".
_SENTENCE_END = re.compile(r"(?<![A-Z])(?<![A-Z]\.[A-Z])(?<=[.!?])\s+(?=[A-ZÁÉÍÓÚÑ¿¡«“])")

Frame = tuple[int, int]  # (step number from 1, relationships of that step revealed)


@dataclass(frozen=True)
class EntityNote:
    """A highlighted entity that no highlighted relationship reaches: what it is, from its own record."""

    node: Node
    kind: str
    lead: str
    notes: tuple[int, ...]


@dataclass(frozen=True)
class StepView:
    number: int
    title: str
    text: str
    lit_nodes: tuple[str, ...]  # highlighted on their own, from the first frame
    lit_edges: tuple[Edge, ...]  # in reveal order
    context_nodes: tuple[str, ...]  # dimmed: earlier steps and this step's `show`
    context_edges: tuple[Edge, ...]
    explanation: Explanation  # of `lit_edges`, one sentence each
    footnotes: tuple[Footnote, ...]  # the explanation's, then the other sources of the step
    entities: tuple[EntityNote, ...]

    @property
    def frames(self) -> range:
        """How many relationships can be revealed: 1..n, or just 0 for a step without any."""
        return range(1, len(self.lit_edges) + 1) if self.lit_edges else range(0, 1)

    def highlighted(self, shown: int) -> tuple[str, ...]:
        """Ids of the entities drawn highlighted once `shown` relationships are revealed."""
        ids = dict.fromkeys(self.lit_nodes)
        for edge in self.lit_edges[:shown]:
            ids.setdefault(edge.source)
            ids.setdefault(edge.target)
        return tuple(ids)

    def visible_nodes(self, shown: int) -> tuple[str, ...]:
        ids = dict.fromkeys(self.context_nodes)
        for edge in self.context_edges:
            ids.setdefault(edge.source)
            ids.setdefault(edge.target)
        ids.update(dict.fromkeys(self.highlighted(shown)))
        return tuple(ids)


@dataclass(frozen=True)
class StoryView:
    story: Story
    lang: str
    title: str
    summary: str
    nodes: Mapping[str, Node]  # every entity the story draws, in order of first appearance
    edges: tuple[Edge, ...]  # every relationship the story draws
    steps: tuple[StepView, ...]

    def frames(self) -> list[Frame]:
        """Every frame in presentation order."""
        return [(step.number, shown) for step in self.steps for shown in step.frames]

    def step(self, number: int) -> StepView:
        return self.steps[number - 1]

    def clamp(self, number: int, shown: int | None) -> Frame:
        """The nearest real frame; `shown=None` means the step fully revealed."""
        step = self.step(min(max(number, 1), len(self.steps)))
        last = step.frames[-1]
        return step.number, last if shown is None else min(max(shown, step.frames[0]), last)


def lead(text: str, limit: int = LEAD_LIMIT) -> str:
    """The first sentences of `text` that fit in `limit` characters (at least one, cut at a word if long)."""
    kept = ""
    for sentence in _SENTENCE_END.split(" ".join(text.split())):
        candidate = f"{kept} {sentence}".strip()
        if kept and len(candidate) > limit:
            break
        kept = candidate
    if len(kept) > limit:
        kept = kept[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return kept


class _Resolver:
    """Looks ids up in the store once each, and turns misses into StoryErrors for one step."""

    def __init__(self, story: Story, store: GraphStore) -> None:
        self.story, self.store = story, store
        self.nodes: dict[str, Node] = {}
        self.edges: dict[EdgeKey, Edge] = {}

    def fail(self, step: Step, number: int, field: str, message: Message) -> StoryError:
        return StoryError(message, path=self.story.path or f"{self.story.id}.yaml", step=number,
                          line=step.line or None, field=field)

    def node(self, node_id: str, step: Step, number: int, field: str) -> Node:
        if node_id not in self.nodes:
            node = self.store.get(node_id)
            if node is None:
                raise self.fail(step, number, field, Message("story_error.no_entity", id=repr(node_id)))
            self.nodes[node_id] = node
        return self.nodes[node_id]

    def edge(self, key: EdgeKey, step: Step, number: int, field: str) -> Edge:
        if key not in self.edges:
            self.node(key[0], step, number, field)
            self.node(key[2], step, number, field)
            found = next((edge for edge in self.store.edges_of(key[0]) if edge.key == key), None)
            if found is None:
                raise self.fail(step, number, field, Message("story_error.no_relationship", item=edge_item(key)))
            self.edges[key] = found
        return self.edges[key]


def _entity_note(node: Node, lang: str, numbers: Mapping[str, int]) -> EntityNote:
    label = get_schema().labels[node.label]
    marks = tuple(numbers[sid] for sid in node.properties.get("sources") or () if sid in numbers)
    return EntityNote(node, label.title(lang), lead(node.description(lang)), marks)


def _step_view(story: Story, number: int, lang: str, resolver: _Resolver,
               context: tuple[dict[str, None], dict[EdgeKey, Edge]]) -> StepView:
    """One step; `context` holds what earlier steps drew and is extended with this step's items."""
    step = story.steps[number - 1]
    lit_edges = [resolver.edge(key, step, number, "highlight") for key in step.highlight_edges]
    lit_nodes = [resolver.node(node_id, step, number, "highlight") for node_id in step.highlight_nodes]
    shown_edges = [resolver.edge(key, step, number, "show") for key in step.show_edges]
    shown_nodes = [resolver.node(node_id, step, number, "show") for node_id in step.show_nodes]
    drawn = [resolver.nodes[node_id] for edge in lit_edges for node_id in (edge.source, edge.target)]
    explanation = explain_edges(lit_edges, drawn + lit_nodes, lang, resolver.store.get)
    numbers = {note.source_id: note.number for note in explanation.footnotes}
    reached = {node.id for node in drawn}
    alone = [node for node in lit_nodes if node.id not in reached]
    backing = [sid for node in alone for sid in node.properties.get("sources") or ()]
    backing += [sid for edge in shown_edges for sid in edge.sources]
    cited = set(numbers) | set(backing)
    for sid in step.sources:
        source = resolver.node(sid, step, number, "sources")
        if source.label != "Source":
            raise resolver.fail(step, number, "sources", f"{sid!r} is a {source.label}, not a Source")
        if sid not in cited:
            raise resolver.fail(step, number, "sources",
                                f"{sid!r} backs none of the step's relationships or entities")
    for sid in [*backing, *step.sources]:
        numbers.setdefault(sid, len(numbers) + 1)
    extra = tuple(Footnote(n, sid, cite(resolver.store.get(sid), sid, lang))
                  for sid, n in numbers.items() if n > len(explanation.footnotes))
    earlier_nodes, earlier_edges = context
    context_nodes = tuple(dict.fromkeys([*earlier_nodes, *(node.id for node in shown_nodes)]))
    context_edges = tuple({**earlier_edges, **{edge.key: edge for edge in shown_edges}}.values())
    view = StepView(number, step.title[lang], step.text[lang], tuple(node.id for node in lit_nodes),
                    tuple(lit_edges), context_nodes, context_edges, explanation, explanation.footnotes + extra,
                    tuple(_entity_note(node, lang, numbers) for node in alone))
    earlier_nodes.update(dict.fromkeys(view.visible_nodes(len(lit_edges))))
    earlier_edges.update({edge.key: edge for edge in (*shown_edges, *lit_edges)})
    return view


def build_view(story: Story, store: GraphStore, lang: str) -> StoryView:
    """The story against the graph in `lang`; StoryError if an id, relationship or source is not in it."""
    resolver = _Resolver(story, store)
    context: tuple[dict[str, None], dict[EdgeKey, Edge]] = ({}, {})
    steps = tuple(_step_view(story, number, lang, resolver, context) for number in range(1, len(story.steps) + 1))
    order = dict.fromkeys(node_id for step in steps for node_id in (*step.highlighted(len(step.lit_edges)),
                                                                     *step.visible_nodes(len(step.lit_edges))))
    return StoryView(story, lang, story.title[lang], story.summary.get(lang, ""),
                     {node_id: resolver.nodes[node_id] for node_id in order}, tuple(context[1].values()), steps)


def check_story(story: Story, store: GraphStore) -> None:
    """Raise StoryError unless every id, relationship and source of the story is in the graph."""
    build_view(story, store, "es")

