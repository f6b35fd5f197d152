"""Check story and exercise files against the schema and the graph, for trainers who write YAML by hand.

    python -m graph.story_check                      # the built-in ones and the trainer's folder
    python -m graph.story_check mine.yaml other.yaml  # just these (exercise files sit in an 'exercises' folder)

One line per bad file names the file, the step (or exercise), its line and the
field; the exit status is 1 if any file is bad. The graph is the app's (HILOS_DB
or Neo4j from NEO4J_*), seeded first if it is empty, as the app would do.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from graph.errors import HilosError
from graph.exercises import make_card, parse_exercises, read_exercises
from graph.store import GraphStore, open_store
from graph.stories import StoryError, all_stories, read_story
from graph.story_view import check_story
from loaders.seed import ensure_seeded


def _check_files(paths: Sequence[Path], store: GraphStore) -> tuple[int, list[str]]:
    checked, errors = 0, []
    for path in paths:
        try:
            if path.parent.name == "exercises":
                for exercise in parse_exercises(path.read_text(encoding="utf-8-sig"), str(path)):
                    make_card(exercise, store)
            else:
                check_story(read_story(path), store)
            checked += 1
        except (StoryError, OSError, UnicodeDecodeError) as exc:
            errors.append(str(exc))
    return checked, errors


def _check_all(store: GraphStore) -> tuple[int, list[str]]:
    stories, story_errors = all_stories()
    exercises, exercise_errors = read_exercises()
    errors = [str(error) for error in (*story_errors, *exercise_errors)]
    for item, check in [*((story, check_story) for story in stories),
                        *((exercise, make_card) for exercise in exercises)]:
        try:
            check(item, store)
        except StoryError as exc:
            errors.append(str(exc))
    return len(stories) + len(exercises), errors


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m graph.story_check", description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="story or exercise files (default: all)")
    args = parser.parse_args(argv)
    try:
        store = open_store()
        ensure_seeded(store)
    except HilosError as exc:
        print(f"cannot open the graph: {exc}", file=sys.stderr)
        return 2
    try:
        checked, errors = _check_files(args.files, store) if args.files else _check_all(store)
    finally:
        store.close()
    for error in errors:
        print(error, file=sys.stderr)
    print(f"{checked} checked, {len(errors)} with errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
