"""Steps made from what the explorer shows: a path between two entities, or one entity.

The editor starts every step from the graph: the relationships of the path (in
walking order, so they are revealed one after the other), their sources, a title
made of the names along the way and a question as text, in both languages, for
the trainer to rewrite.
"""
from __future__ import annotations

from typing import Sequence

from graph.i18n import LANGS, Message, t
from graph.model import Node, Path
from graph.stories import DEFAULT_ORDER, TITLE_LIMIT, Step, Story, StoryError
from graph.story_style import caption


def _fit(text: str, limit: int = TITLE_LIMIT) -> str:
    return text if len(text) <= limit else text[:limit - 1].rsplit(" ", 1)[0] + "…"


def step_from_path(path: Path) -> Step:
    """A step highlighting the path's relationships in walking order, citing all their sources."""
    if not path.edges:
        raise ValueError("a path without relationships makes no step")
    first, last = path.nodes[0], path.nodes[-1]
    title = _fit(" → ".join(caption(node) for node in path.nodes))
    sources = dict.fromkeys(source for edge in path.edges for source in edge.sources)
    return Step({lang: title for lang in LANGS},
                {lang: t("editor.text_path", lang, source=caption(first), target=caption(last)) for lang in LANGS},
                highlight_edges=tuple(edge.key for edge in path.edges), sources=tuple(sources))


def step_from_entity(node: Node) -> Step:
    """A step highlighting one entity, backed by the sources of its own record."""
    sources = tuple(dict.fromkeys(node.properties.get("sources") or ()))
    if not sources:
        raise StoryError(Message("story_error.no_own_sources", name=node.name, id=node.id))
    return Step({lang: _fit(node.name) for lang in LANGS},
                {lang: t("editor.text_entity", lang, name=caption(node)) for lang in LANGS},
                highlight_nodes=(node.id,), sources=sources)


def story_from_steps(story_id: str, title: dict[str, str], summary: dict[str, str],
                     steps: Sequence[Step]) -> Story:
    """A story of these steps; the summary is kept only if it has both languages."""
    kept = summary if all(summary.get(lang, "").strip() for lang in LANGS) else {}
    return Story(story_id, title, tuple(steps), kept, DEFAULT_ORDER)
