"""Guided stories for workshops: bilingual YAML files, read with a schema check.

A story is a list of steps; each step names what to highlight and what to show as
context, and the sources that back it:

    title: {es: "¿Quién está detrás de ICE?", en: "Who is behind ICE?"}
    steps:
      - title: {es: La herramienta, en: The tool}
        text: {es: ¿Qué vende Palantir?, en: What does Palantir sell?}
        highlight: ["company:palantir-technologies DEVELOPS product:icm"]
        show: [agency:ice]
        sources: [source:foco-tucson-notechforice]

An item is an entity id, or a relationship written "source TYPE target";
highlighted relationships are revealed one at a time, in the order listed.
The story's id is its file name without ".yaml" (it is what links use).

`parse_story` checks the shape against the schema alone; `graph/story_view.py`
checks the ids against a store. Both raise StoryError naming file, step and field.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml

from graph import yaml_text
from graph.atomic import atomic_write
from graph.errors import HilosError
from graph.i18n import LANGS, Message, reading_problem, t
from graph.model import EdgeKey
from graph.schema import get_schema
from graph.store import default_db_path

SEED_STORIES = Path(__file__).resolve().parent.parent / "seed_data" / "stories"
STORIES_ENV = "HILOS_STORIES"
STORY_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
STORY_FIELDS = ("title", "summary", "order", "steps")
STEP_FIELDS = ("title", "text", "highlight", "show", "sources")
TITLE_LIMIT = 90  # characters: a title must fit one projected line or two
TEXT_LIMIT = 320  # a step's text is read aloud from the slide, so it stays short
DEFAULT_ORDER = 100

Text = Mapping[str, str]


class StoryError(HilosError):
    """A story (or exercise) file that cannot be used; names the file, the step (and its line) and the field."""

    def __init__(self, message: str | Message, *, path: str = "", step: int | None = None, line: int | None = None,
                 field: str | None = None, unit: str = "step") -> None:
        self.path, self.step, self.line, self.field, self.reason, self.unit = path, step, line, field, message, unit
        where = self.place("en")
        super().__init__(f"{where}: {message}" if where else message)

    def place(self, lang: str) -> str:
        """"mine.yaml, step 2 (line 14), field 'text'" in `lang` (graph.i18n.error_text puts the reason after it)."""
        where = [self.path] if self.path else []
        if self.step is not None:
            where.append(t(f"where.{self.unit}", lang, step=self.step) +
                         (f" ({t('where.line', lang, line=self.line)})" if self.line else ""))
        elif self.line:
            where.append(t("where.line", lang, line=self.line))
        if self.field:
            where.append(t("where.field", lang, field=self.field))
        return ", ".join(where)


@dataclass(frozen=True)
class Step:
    """One step: highlighted entities and relationships (revealed in order), context, sources."""

    title: Text
    text: Text
    highlight_nodes: tuple[str, ...] = ()
    highlight_edges: tuple[EdgeKey, ...] = ()
    show_nodes: tuple[str, ...] = ()
    show_edges: tuple[EdgeKey, ...] = ()
    sources: tuple[str, ...] = ()
    line: int = field(default=0, compare=False)  # where the step starts in its file, for error messages


@dataclass(frozen=True)
class Story:
    id: str
    title: Text
    steps: tuple[Step, ...]
    summary: Text = field(default_factory=dict)
    order: int = DEFAULT_ORDER
    path: str = ""


def edge_item(key: EdgeKey) -> str:
    """A relationship as a story item: "source TYPE target"."""
    return " ".join(key)


def _where(path: str, step: int | None = None, line: int | None = None) -> dict[str, Any]:
    return {"path": path, "step": step, "line": line}


def _text(raw: object, name: str, limit: int, where: dict[str, Any], required: bool = True) -> dict[str, str]:
    """A {es, en} mapping of non-empty single texts, each at most `limit` characters."""
    if raw is None and not required:
        return {}
    if not isinstance(raw, dict):
        raise StoryError(Message("story_error.needs_texts", langs=", ".join(LANGS)), field=name, **where)
    raw = {key: value for key, value in raw.items() if key != "__line__"}
    extra = sorted(set(raw) - set(LANGS), key=str)
    if extra:
        raise StoryError(Message("story_error.unknown_lang", lang=repr(extra[0]), langs=", ".join(LANGS)), field=name,
                         **where)
    texts = {}
    for lang in LANGS:
        value = raw.get(lang)
        if not isinstance(value, str) or not value.strip():
            raise StoryError(Message("story_error.text_missing", lang=lang), field=name, **where)
        value = " ".join(value.split())
        if len(value) > limit:
            raise StoryError(Message("story_error.text_long", lang=lang, length=len(value), limit=limit),
                             field=name, **where)
        texts[lang] = value
    return texts


def _node_id(text: str, name: str, where: dict[str, Any]) -> str:
    if not text.partition(":")[2] or get_schema().label_for_id(text) is None:
        prefixes = ", ".join(label.id_prefix for label in get_schema().labels.values())
        raise StoryError(Message("story_error.not_entity_id", text=repr(text), prefixes=prefixes), field=name, **where)
    return text


def parse_item(text: object, name: str, where: dict[str, Any]) -> str | EdgeKey:
    """An entity id, or a relationship key from "source TYPE target", checked against the schema."""
    if not isinstance(text, str) or not text.strip():
        raise StoryError(Message("story_error.bad_item"), field=name, **where)
    parts = text.split()
    if len(parts) == 1:
        return _node_id(parts[0], name, where)
    if len(parts) != 3:
        raise StoryError(Message("story_error.neither", text=repr(text)), field=name, **where)
    schema = get_schema()
    source, rel_type, target = parts
    rel = schema.rel_types.get(rel_type)
    if rel is None:
        raise StoryError(Message("story_error.unknown_type", type=repr(rel_type), text=repr(text)), field=name, **where)
    for end, allowed in ((source, rel.sources), (target, rel.targets)):
        label = schema.label_for_id(_node_id(end, name, where))
        if label.name not in allowed:
            raise StoryError(Message("story_error.bad_end", type=rel_type, label=label.name, end=end, text=repr(text)),
                             field=name, **where)
    return (source, rel_type, target)


def _items(raw: object, name: str, where: dict[str, Any]) -> tuple[tuple[str, ...], tuple[EdgeKey, ...]]:
    if raw is None:
        return (), ()
    if not isinstance(raw, list):
        raise StoryError(Message("story_error.not_list"), field=name, **where)
    nodes: list[str] = []
    edges: list[EdgeKey] = []
    for text in raw:
        item = parse_item(text, name, where)
        bucket: list = edges if isinstance(item, tuple) else nodes
        if item in bucket:
            raise StoryError(Message("story_error.twice", text=repr(text)), field=name, **where)
        bucket.append(item)
    return tuple(nodes), tuple(edges)


def _sources(raw: object, where: dict[str, Any]) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw:
        raise StoryError(Message("story_error.no_sources"), field="sources", **where)
    ids = []
    for text in raw:
        label = get_schema().label_for_id(text) if isinstance(text, str) else None
        if label is None or label.name != "Source":
            raise StoryError(Message("story_error.not_source", text=repr(text)), field="sources", **where)
        if text not in ids:
            ids.append(text)
    return tuple(ids)


def _step(raw: object, number: int, path: str) -> Step:
    if not isinstance(raw, dict):
        raise StoryError(Message("story_error.step_not_mapping"), **_where(path, number), field="steps")
    line = raw.pop("__line__", None)
    where = _where(path, number, line)
    unknown = sorted(set(raw) - set(STEP_FIELDS), key=str)
    if unknown:
        raise StoryError(Message("story_error.unknown_field", allowed=", ".join(STEP_FIELDS)), field=unknown[0],
                         **where)
    title = _text(raw.get("title"), "title", TITLE_LIMIT, where)  # checked in the order a step is written
    text = _text(raw.get("text"), "text", TEXT_LIMIT, where)
    lit_nodes, lit_edges = _items(raw.get("highlight"), "highlight", where)
    if not lit_nodes and not lit_edges:
        raise StoryError(Message("story_error.no_highlight"), field="highlight", **where)
    show_nodes, show_edges = _items(raw.get("show"), "show", where)
    return Step(title, text, lit_nodes, lit_edges, show_nodes, show_edges, _sources(raw.get("sources"), where),
                line or 0)


def parse_story(text: str, story_id: str, path: str = "") -> Story:
    """Check a story's YAML against the story schema and the graph schema; StoryError if it fails."""
    path = path or f"{story_id}.yaml"
    if not STORY_ID.match(story_id):
        raise StoryError(Message("story_error.file_name"), path=path)
    try:
        document = yaml_text.load_with_lines(text)
    except yaml_text.YAMLError as exc:
        raise StoryError(Message("story_error.bad_yaml", error=reading_problem(exc)), path=path) from exc
    if not isinstance(document, dict):
        raise StoryError(Message("story_error.not_story"), path=path)
    document.pop("__line__", None)
    unknown = sorted(set(document) - set(STORY_FIELDS), key=str)
    if unknown:
        raise StoryError(Message("story_error.unknown_field", allowed=", ".join(STORY_FIELDS)), path=path,
                         field=unknown[0])
    order = document.get("order", DEFAULT_ORDER)
    if not isinstance(order, int) or isinstance(order, bool):
        raise StoryError(Message("story_error.whole_number"), path=path, field="order")
    steps = document.get("steps")
    if not isinstance(steps, list) or not steps:
        raise StoryError(Message("story_error.no_steps"), path=path, field="steps")
    where = _where(path)
    return Story(story_id, _text(document.get("title"), "title", TITLE_LIMIT, where),
                 tuple(_step(raw, number, path) for number, raw in enumerate(steps, 1)),
                 _text(document.get("summary"), "summary", TEXT_LIMIT, where, required=False), order, path)


def read_story(path: Path) -> Story:
    """A story file, checked; StoryError names the file (and step and field) if it is bad."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise StoryError(Message("file.not_found"), path=str(path)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise StoryError(Message("story_error.unreadable", error=exc), path=str(path)) from exc
    return parse_story(text, path.stem, str(path))


def read_stories(folder: Path) -> tuple[list[Story], list[StoryError]]:
    """Every *.yaml story in `folder` (none if it does not exist), and the errors of the bad ones."""
    stories, errors = [], []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            stories.append(read_story(path))
        except StoryError as exc:
            errors.append(exc)
    return stories, errors


def user_stories_folder() -> Path:
    """Where trainers' stories are saved: HILOS_STORIES, else a 'stories' folder next to the graph file."""
    if os.environ.get(STORIES_ENV):
        return Path(os.environ[STORIES_ENV]).expanduser()
    return default_db_path().parent / "stories"


def all_stories(seed: Path = SEED_STORIES, user: Path | None = None) -> tuple[list[Story], list[StoryError]]:
    """The built-in stories and the trainer's, by `order` then id; a trainer's file may not reuse a built-in id."""
    stories, errors = read_stories(seed)
    taken = {story.id for story in stories}
    mine, my_errors = read_stories(user or user_stories_folder())
    errors += my_errors
    for story in mine:
        if story.id in taken:
            errors.append(StoryError(Message("story_error.built_in_id", id=story.id), path=story.path))
        else:
            stories.append(story)
    return sorted(stories, key=lambda story: (story.order, story.id)), errors


def story_to_data(story: Story) -> dict[str, Any]:
    """The story as plain data in the file layout (the id stays in the file name)."""
    data: dict[str, Any] = {"title": dict(story.title)}
    if story.summary:
        data["summary"] = dict(story.summary)
    if story.order != DEFAULT_ORDER:
        data["order"] = story.order
    data["steps"] = []
    for step in story.steps:
        item: dict[str, Any] = {"title": dict(step.title), "text": dict(step.text),
                                "highlight": [*step.highlight_nodes, *map(edge_item, step.highlight_edges)]}
        show = [*step.show_nodes, *map(edge_item, step.show_edges)]
        if show:
            item["show"] = show
        item["sources"] = list(step.sources)
        data["steps"].append(item)
    return data


def story_to_yaml(story: Story) -> str:
    """YAML that `parse_story` reads back to the same story."""
    return yaml.safe_dump(story_to_data(story), allow_unicode=True, sort_keys=False, width=100)


def save_story(story: Story, folder: Path) -> Path:
    """Check the story by reading it back, then write `<folder>/<id>.yaml`; returns the file."""
    text = story_to_yaml(story)
    parse_story(text, story.id)
    path = folder / f"{story.id}.yaml"
    with atomic_write(path, text=True) as out:
        out.write(text)
    return path

