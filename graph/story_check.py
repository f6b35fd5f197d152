"""Check story and exercise files against the schema and the graph, for trainers who write YAML by hand.

    python -m graph.story_check                      # the built-in ones and the trainer's folder
    python -m graph.story_check mine.yaml other.yaml  # just these (exercise files sit in an 'exercises' folder)
    python -m graph.story_check --lang en             # in English (Spanish unless told)

One line per bad file names the file, the step (or exercise), its line and the
field; the exit status is 1 if any file is bad. The graph is the app's (HILOS_DB
or Neo4j from NEO4J_*), seeded first if it is empty, as the app would do.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from graph.cli_lang import lang_asked
from graph.errors import HilosError
from graph.exercises import make_card, parse_exercises, read_exercises
from graph.i18n import DEFAULT_LANG, LANGS, Message, error_text, t
from graph.store import GraphStore, open_store
from graph.stories import StoryError, all_stories, read_story
from graph.story_view import check_story
from loaders.seed import ensure_seeded


def _check_files(paths: Sequence[Path], store: GraphStore, lang: str = DEFAULT_LANG) -> tuple[int, list[str]]:
    checked, errors = 0, []
    for path in paths:
        try:
            if path.parent.name == "exercises":
                for exercise in parse_exercises(path.read_text(encoding="utf-8-sig"), str(path)):
                    make_card(exercise, store)
            else:
                check_story(read_story(path), store)
            checked += 1
        except StoryError as exc:
            errors.append(error_text(exc, lang))
        except (OSError, UnicodeDecodeError) as exc:  # an exercise file, read here (stories read themselves)
            reason = (Message("file.not_found") if isinstance(exc, FileNotFoundError)
                      else Message("story_error.unreadable", error=exc))
            errors.append(error_text(StoryError(reason, path=str(path)), lang))
    return checked, errors


def _check_all(store: GraphStore, lang: str = DEFAULT_LANG) -> tuple[int, list[str]]:
    stories, story_errors = all_stories()
    exercises, exercise_errors = read_exercises()
    errors = [error_text(error, lang) for error in (*story_errors, *exercise_errors)]
    for item, check in [*((story, check_story) for story in stories),
                        *((exercise, make_card) for exercise in exercises)]:
        try:
            check(item, store)
        except StoryError as exc:
            errors.append(error_text(exc, lang))
    return len(stories) + len(exercises), errors


def main(argv: Sequence[str] | None = None) -> int:
    lang = lang_asked(sys.argv[1:] if argv is None else argv)  # --help is printed while parsing
    parser = argparse.ArgumentParser(prog="python -m graph.story_check", description=t("help.story_check", lang),
                                     add_help=False)
    parser.add_argument("-h", "--help", action="help", help=t("help.opt.help", lang))
    parser.add_argument("files", nargs="*", type=Path, help=t("help.opt.story_files", lang))
    parser.add_argument("--lang", choices=LANGS, default=DEFAULT_LANG,
                        help=t("help.opt.lang", lang, default=DEFAULT_LANG))
    args = parser.parse_args(argv)
    try:
        store = open_store()
        ensure_seeded(store)
    except HilosError as exc:
        print(t("story_check.cannot_open", args.lang, problem=error_text(exc, args.lang)), file=sys.stderr)
        return 2
    try:
        checked, errors = (_check_files(args.files, store, args.lang) if args.files
                           else _check_all(store, args.lang))
    finally:
        store.close()
    for error in errors:
        print(error, file=sys.stderr)
    print(t("story_check.summary", args.lang, checked=checked, errors=len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
