"""Group exercises: "find how X reaches Y" cards, with hints and the answer, all taken from the graph.

An exercise file lists pairs of entity ids:

    exercises:
      - {from: company:amazon, to: agency:ice}
      - {from: company:thomson-reuters, to: agency:ice, max_steps: 3}

A card's answer is every shortest path between the two (up to MAX_ANSWERS), so
groups that find another route of the same length are right too. The hints
reveal the answer little by little: its length, the kinds of entity on the way,
then the first hop. Nothing on a card is written by hand.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path as FilePath

from graph import yaml_text
from graph.i18n import Message, reading_problem, t
from graph.model import Node, Path
from graph.schema import get_schema
from graph.store import GraphStore
from graph.stories import StoryError, user_stories_folder
from graph.story_style import caption

SEED_EXERCISES = FilePath(__file__).resolve().parent.parent / "seed_data" / "stories" / "exercises"
EXERCISE_FIELDS = ("from", "to", "max_steps")
DEFAULT_MAX_STEPS, MAX_STEPS_LIMIT = 4, 6
MAX_ANSWERS = 3


@dataclass(frozen=True)
class Exercise:
    source: str
    target: str
    max_steps: int = DEFAULT_MAX_STEPS
    path: str = ""
    number: int = 0
    line: int = 0


@dataclass(frozen=True)
class Card:
    """An exercise against the graph: the two entities and every shortest way between them."""

    source: Node
    target: Node
    answers: tuple[Path, ...]

    @property
    def steps(self) -> int:
        return len(self.answers[0])


def _fail(message: Message, path: str, number: int, line: int, field: str | None = None) -> StoryError:
    return StoryError(message, path=path, step=number or None, line=line or None, field=field, unit="exercise")


def parse_exercises(text: str, path: str) -> list[Exercise]:
    """The exercises of one file, checked against the schema; StoryError names file, exercise and field."""
    try:
        document = yaml_text.load_with_lines(text)
    except yaml_text.YAMLError as exc:
        raise StoryError(Message("story_error.bad_yaml", error=reading_problem(exc)), path=path) from exc
    entries = document.get("exercises") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not entries:
        raise StoryError(Message("exercise_error.no_list"), path=path, field="exercises")
    exercises = []
    for number, raw in enumerate(entries, 1):
        if not isinstance(raw, dict):
            raise _fail(Message("exercise_error.not_mapping"), path, number, 0)
        line = raw.pop("__line__", 0)
        unknown = sorted(set(raw) - set(EXERCISE_FIELDS), key=str)
        if unknown:
            raise _fail(Message("story_error.unknown_field", allowed=", ".join(EXERCISE_FIELDS)), path, number, line,
                        unknown[0])
        for name in ("from", "to"):
            value = raw.get(name)
            if not isinstance(value, str) or ":" not in value or get_schema().label_for_id(value) is None:
                raise _fail(Message("exercise_error.not_entity_id", value=repr(value)), path, number, line, name)
        max_steps = raw.get("max_steps", DEFAULT_MAX_STEPS)
        if not isinstance(max_steps, int) or isinstance(max_steps, bool) or not 1 <= max_steps <= MAX_STEPS_LIMIT:
            raise _fail(Message("exercise_error.max_steps", limit=MAX_STEPS_LIMIT), path, number, line, "max_steps")
        if raw["from"] == raw["to"]:
            raise _fail(Message("exercise_error.same_ends"), path, number, line, "to")
        exercises.append(Exercise(raw["from"], raw["to"], max_steps, path, number, line))
    return exercises


def read_exercises(folders: tuple[FilePath, ...] | None = None) -> tuple[list[Exercise], list[StoryError]]:
    """The built-in exercises and the trainer's (an 'exercises' folder next to their stories)."""
    exercises: list[Exercise] = []
    errors: list[StoryError] = []
    for folder in folders or (SEED_EXERCISES, user_stories_folder() / "exercises"):
        for file in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            try:
                exercises += parse_exercises(file.read_text(encoding="utf-8-sig"), str(file))
            except (StoryError, OSError, UnicodeDecodeError) as exc:
                errors.append(exc if isinstance(exc, StoryError) else StoryError(str(exc), path=str(file)))
    return exercises, errors


def make_card(exercise: Exercise, store: GraphStore) -> Card:
    """The card of an exercise; StoryError if an entity is missing or no path is short enough."""
    ends = []
    for name, node_id in (("from", exercise.source), ("to", exercise.target)):
        node = store.get(node_id)
        if node is None:
            raise _fail(Message("story_error.no_entity", id=repr(node_id)), exercise.path, exercise.number,
                        exercise.line, name)
        ends.append(node)
    paths = store.paths(exercise.source, exercise.target, k=MAX_ANSWERS, max_length=exercise.max_steps)
    if not paths:
        raise _fail(Message("exercise_error.no_path", steps=exercise.max_steps), exercise.path,
                    exercise.number, exercise.line, "max_steps")
    shortest = [path for path in paths if len(path) == len(paths[0])]
    return Card(ends[0], ends[1], tuple(shortest))


def question(card: Card, lang: str) -> str:
    return t("exercises.question", lang, source=caption(card.source), target=caption(card.target))


def hints(card: Card, lang: str) -> list[str]:
    """From vague to precise: how many steps, the kinds of entity on the way, the first hop (of one answer)."""
    answer = card.answers[0]
    labels = get_schema().labels
    found = [t("exercises.hint_one_step", lang) if card.steps == 1 else t("exercises.hint_steps", lang,
                                                                           count=card.steps)]
    middle = answer.nodes[1:-1]
    if middle:
        kinds = " → ".join(labels[node.label].title(lang) for node in middle)
        found.append(t("exercises.hint_kinds", lang, kinds=kinds))
        found.append(t("exercises.hint_first", lang, source=caption(answer.nodes[0]), name=caption(middle[0])))
    return found


def chain(path: Path) -> str:
    return " → ".join(node.name for node in path.nodes)
