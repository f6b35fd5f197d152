"""The story editor: build a story from what the explorer shows, step by step, and save it as YAML.

A step starts from a path between two entities or from one entity, the way the
explorer's trace and profile pages show them; opening this page with the
explorer's link parameters (?from=&to=&path=&avoid= or ?id=), or pasting an
explorer link, starts from that very view. Steps can be reordered, their texts rewritten
in both languages, and the story saved to the trainer's folder (HILOS_STORIES,
else next to the graph file), never into the repository.

The draft lives in the session under its own key, so it survives a visit to the
presentation page; widgets write into it through their callbacks.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import streamlit as st

from app_pages import picker, present, routes, workshop
from app_pages.common import choice_in_this_language, current_lang, store_or_stop
from app_pages.markup import escape_markdown
from graph.handout import handout_html
from graph.i18n import LANGS, error_text, t
from graph.store import DEFAULT_MAX_LENGTH, GraphStore, PathFilter
from graph.stories import (SEED_STORIES, STORY_ID, TEXT_LIMIT, TITLE_LIMIT, Step, Story, StoryError, all_stories,
                           save_story, story_to_yaml, user_stories_folder)
from graph.story_build import step_from_entity, step_from_path, story_from_steps
from graph.story_export import deck_html
from graph.story_style import caption, verb
from graph.story_view import build_view, check_story

DRAFT = "editor.draft"
FROM, TO, PATH, ENTITY, LINK = "editor.from", "editor.to", "editor.path", "editor.entity", "editor.link"
AVOID = "editor.avoid"
COPY = "editor.copy"  # the story to start from
# The explorer's link parameters (app_pages/state.py and trace.py) that this page understands.
EXPLORER_KEYS = {"from": FROM, "to": TO, "id": ENTITY}
PATHS_SHOWN = 3
VIEW_ID = "hilos-view"  # the file name of a view exported on its own


@dataclass
class Draft:
    id: str = ""
    title: dict[str, str] = field(default_factory=lambda: dict.fromkeys(LANGS, ""))
    summary: dict[str, str] = field(default_factory=lambda: dict.fromkeys(LANGS, ""))
    steps: list[tuple[int, Step]] = field(default_factory=list)  # (uid, step): widget keys follow the uid
    next_uid: int = 0

    def add(self, step: Step) -> None:
        self.steps.append((self.next_uid, step))
        self.next_uid += 1

    def story(self) -> Story:
        return story_from_steps(self.id.strip(), self.title, self.summary, [step for _uid, step in self.steps])


def render() -> None:
    workshop.refuse("edit")
    lang = current_lang()
    store = store_or_stop(lang)
    draft = st.session_state.setdefault(DRAFT, Draft())
    st.title(t("nav.story_editor", lang), anchor=False)
    st.caption(t("editor.intro", lang, folder=escape_markdown(str(user_stories_folder()))))
    start_from_story(draft, lang)
    story_fields(draft, lang)
    add_step(draft, store, lang)
    steps(draft, store, lang)
    finish(draft, store, lang)


def start_from_story(draft: Draft, lang: str) -> None:
    """Copy a saved or built-in story into the draft, to change it."""
    stories, _errors = all_stories()
    if not stories:
        return
    with st.expander(t("editor.start_from", lang)):
        titles = {story.id: story.title[lang] for story in stories}
        choice_in_this_language(COPY, titles)
        chosen = st.selectbox(t("present.choose", lang), list(titles), format_func=titles.__getitem__, key=COPY)
        st.button(t("editor.copy", lang), key="editor.copy.go", on_click=copy_story,
                  args=(next(story for story in stories if story.id == chosen),))


def copy_story(story: Story) -> None:
    """Callback: the draft becomes the story; a built-in story's copy gets a new id, as its own is taken."""
    built_in = bool(story.path) and SEED_STORIES in Path(story.path).parents
    draft = Draft(f"{story.id}-copia" if built_in else story.id, dict(story.title),
                  {**dict.fromkeys(LANGS, ""), **story.summary})
    for step in story.steps:
        draft.add(step)
    st.session_state[DRAFT] = draft
    for key in [key for key in st.session_state if str(key).startswith("editor.meta.")]:
        del st.session_state[key]


def _keep(target: dict[str, str], name: str, key: str) -> None:
    """Callback: a story text in one language, from its widget."""
    target[name] = st.session_state[key]


def _keep_id(draft: Draft) -> None:
    draft.id = st.session_state["editor.meta.id"]


def story_fields(draft: Draft, lang: str) -> None:
    """The story's id (its file name), and its title and summary in each language."""
    st.text_input(t("editor.id", lang), value=draft.id, key="editor.meta.id", max_chars=80,
                  help=t("editor.id_help", lang), on_change=_keep_id, args=(draft,))
    for column, code in zip(st.columns(len(LANGS)), LANGS):
        language = t("lang.name", code)
        column.text_input(t("editor.story_title", lang, language=language), value=draft.title[code],
                          key=f"editor.meta.title.{code}", max_chars=TITLE_LIMIT, on_change=_keep,
                          args=(draft.title, code, f"editor.meta.title.{code}"))
        column.text_area(t("editor.summary", lang, language=language), value=draft.summary[code], height=80,
                         key=f"editor.meta.summary.{code}", max_chars=TEXT_LIMIT, on_change=_keep,
                         args=(draft.summary, code, f"editor.meta.summary.{code}"))


def _path_index(number: str) -> int:
    """The explorer numbers its paths from 1; a radio counts from 0."""
    return int(number) - 1 if number.isdigit() and int(number) > 0 else 0


def follow_explorer_link() -> None:
    """Callback: fill the step inputs from a pasted explorer link (its from/to/path/avoid or id)."""
    query = parse_qs(urlsplit(st.session_state[LINK].strip()).query)
    for name, key in EXPLORER_KEYS.items():
        if query.get(name):
            st.session_state[key] = query[name][0]
    st.session_state[PATH] = _path_index(query.get("path", ["1"])[0])
    st.session_state[AVOID] = [value for value in query.get("avoid", []) if value]


def _explorer_view_first() -> None:
    """On the first visit, start from the explorer view this page's own link names."""
    for name, key in EXPLORER_KEYS.items():
        if key not in st.session_state:
            st.session_state[key] = st.query_params.get(name, "")
    if PATH not in st.session_state:
        st.session_state[PATH] = _path_index(st.query_params.get("path", "1"))
    if AVOID not in st.session_state:
        st.session_state[AVOID] = [value for value in st.query_params.get_all("avoid") if value]


def add_step(draft: Draft, store: GraphStore, lang: str) -> None:
    """A new step from a path between two entities, or from one entity."""
    _explorer_view_first()
    st.subheader(t("editor.add_header", lang), anchor=False)
    st.text_input(t("editor.link", lang), key=LINK, on_change=follow_explorer_link,
                  placeholder="http://…/trace?from=Palantir&to=HSI&path=1")
    tabs = [t("editor.from_path", lang), t("editor.from_entity", lang)]
    # A link that names one entity (a profile's) opens on its tab, else its step would wait in a hidden tab.
    # The key follows the tab to open: the browser keeps a drawn tab bar's choice and ignores a new default.
    opened = 1 if st.session_state[ENTITY] and not (st.session_state[FROM] or st.session_state[TO]) else 0
    path_tab, entity_tab = st.tabs(tabs, default=tabs[opened], key=f"editor.tabs.{opened}")
    with path_tab:
        left, right = st.columns(2)
        source = picker.resolve_or_warn(store, left.text_input(t("trace.from", lang), key=FROM), lang)
        target = picker.resolve_or_warn(store, right.text_input(t("trace.to", lang), key=TO), lang)
        if source is not None and target is not None and source.id != target.id:
            wanted = st.session_state[PATH]
            paths = store.paths(source.id, target.id, k=max(PATHS_SHOWN, wanted + 1), max_length=DEFAULT_MAX_LENGTH,
                                where=PathFilter(avoid=frozenset(st.session_state[AVOID])))
            if not paths:
                st.info(t("trace.no_path", lang, max_length=DEFAULT_MAX_LENGTH, source=escape_markdown(source.name),
                          target=escape_markdown(target.name)))
            else:
                st.session_state[PATH] = min(st.session_state[PATH], len(paths) - 1)
                chosen = st.radio(t("editor.choose_path", lang), range(len(paths)), key=PATH,
                                  format_func=lambda number: escape_markdown(
                                      " → ".join(caption(node) for node in paths[number].nodes)))
                step = step_from_path(paths[chosen])
                with st.container(horizontal=True):  # a row that wraps: equal columns would cut the labels
                    st.button(t("editor.add_path", lang), key="editor.add.path", icon=":material/add:",
                              on_click=lambda: draft.add(step))
                    export_view(step, store, lang)
    with entity_tab:
        node = picker.resolve_or_warn(store, st.text_input(t("editor.entity", lang), key=ENTITY), lang)
        if node is not None:
            try:
                step = step_from_entity(node)
            except StoryError:
                st.info(t("editor.no_sources", lang, name=escape_markdown(node.name)))
            else:
                with st.container(horizontal=True):
                    st.button(t("editor.add_entity", lang, name=escape_markdown(node.name)),
                              key="editor.add.entity", icon=":material/add:", on_click=lambda: draft.add(step))
                    export_view(step, store, lang)


def export_view(step: Step, store: GraphStore, lang: str) -> None:
    """The view on its own, without making a story of it: one offline HTML file, or a handout."""
    view = build_view(story_from_steps(VIEW_ID, dict(step.title), {}, [step]), store, lang)
    key = "editor.view." + ("path" if step.highlight_edges else "entity")
    st.download_button(t("editor.view_deck", lang), deck_html(view), file_name=f"{VIEW_ID}.html",
                       mime="text/html", key=f"{key}.deck", on_click="ignore", icon=":material/slideshow:")
    st.download_button(t("present.download_handout", lang), handout_html(view), mime="text/html",
                       file_name=f"{VIEW_ID}-a4.html", key=f"{key}.handout", on_click="ignore",
                       icon=":material/print:")


def move(draft: Draft, uid: int, offset: int) -> None:
    """Callback: move the step `offset` places up (-1) or down (+1)."""
    index = next(number for number, (key, _step) in enumerate(draft.steps) if key == uid)
    other = index + offset
    if 0 <= other < len(draft.steps):
        draft.steps[index], draft.steps[other] = draft.steps[other], draft.steps[index]


def remove(draft: Draft, uid: int) -> None:
    draft.steps[:] = [(key, step) for key, step in draft.steps if key != uid]


def keep_text(draft: Draft, uid: int, name: str, code: str) -> None:
    """Callback: a step's title or text in one language, from its widget."""
    for number, (key, step) in enumerate(draft.steps):
        if key == uid:
            texts = {**getattr(step, name), code: st.session_state[f"editor.{uid}.{name}.{code}"]}
            draft.steps[number] = (key, replace(step, **{name: texts}))


def _items(step: Step, store: GraphStore, lang: str) -> str:
    """What the step highlights, in words: "Palantir —desarrolla y vende→ ICM · HSI"."""
    def name(node_id: str) -> str:
        node = store.get(node_id)
        return caption(node) if node else node_id

    parts = [f"{name(source)} —{verb(rel_type, lang)}→ {name(target)}"
             for source, rel_type, target in step.highlight_edges]
    return " · ".join([*parts, *map(name, step.highlight_nodes)])


def steps(draft: Draft, store: GraphStore, lang: str) -> None:
    """Each step with its texts in both languages, and buttons to move it or take it out."""
    st.subheader(t("editor.steps_header", lang), anchor=False)
    if not draft.steps:
        st.info(t("editor.no_steps", lang))
    for index, (uid, step) in enumerate(draft.steps):
        with st.container(border=True, key=f"editor-step-{uid}"):
            head, up, down, drop = st.columns([10, 1, 1, 1], vertical_alignment="center")
            counter = t("present.step_counter", lang, number=index + 1, total=len(draft.steps))
            head.markdown(f"**{escape_markdown(counter)}** · {escape_markdown(_items(step, store, lang))}")
            up.button("", icon=":material/arrow_upward:", key=f"editor.up.{uid}", help=t("editor.up", lang),
                      disabled=index == 0, on_click=move, args=(draft, uid, -1))
            down.button("", icon=":material/arrow_downward:", key=f"editor.down.{uid}", help=t("editor.down", lang),
                        disabled=index == len(draft.steps) - 1, on_click=move, args=(draft, uid, 1))
            drop.button("", icon=":material/delete:", key=f"editor.drop.{uid}", help=t("editor.remove", lang),
                        on_click=remove, args=(draft, uid))
            for column, code in zip(st.columns(len(LANGS)), LANGS):
                language = t("lang.name", code)
                column.text_input(t("editor.step_title", lang, language=language), value=step.title[code],
                                  key=f"editor.{uid}.title.{code}", max_chars=TITLE_LIMIT, on_change=keep_text,
                                  args=(draft, uid, "title", code))
                column.text_area(t("editor.step_text", lang, language=language), value=step.text[code], height=90,
                                 key=f"editor.{uid}.text.{code}", max_chars=TEXT_LIMIT, on_change=keep_text,
                                 args=(draft, uid, "text", code))


def problems(draft: Draft, lang: str) -> list[str]:
    """What keeps the draft from being saved, in the reader's language (Markdown-escaped)."""
    found = []
    if not STORY_ID.match(draft.id.strip()):
        found.append(t("editor.bad_id", lang))
    for code in LANGS:
        if not draft.title[code].strip():
            found.append(t("editor.missing_title", lang, language=t("lang.name", code)))
    if not draft.steps:
        found.append(t("editor.no_steps", lang))
    for number, (_uid, step) in enumerate(draft.steps, 1):
        for name in ("title", "text"):
            for code in LANGS:
                if not getattr(step, name)[code].strip():
                    found.append(t(f"editor.missing_step_{name}", lang, number=number, language=t("lang.name", code)))
    return found


def save(story: Story) -> Path:
    """Write the story to the trainer's folder (never in workshop mode); its path."""
    workshop.refuse("save")
    return save_story(story, user_stories_folder())


def finish(draft: Draft, store: GraphStore, lang: str) -> None:
    """Save the story to the trainer's folder, and offer it as YAML, as one offline HTML file and as a handout."""
    st.subheader(t("editor.save_header", lang), anchor=False)
    missing = problems(draft, lang)
    if missing:
        st.info("\n".join(f"- {text}" for text in missing))
        return
    story = draft.story()
    try:
        check_story(story, store)
        view = build_view(story, store, lang)
    except StoryError as exc:
        st.error(t("editor.invalid", lang, error=escape_markdown(error_text(exc, lang))))
        return
    row = st.container(horizontal=True)
    if row.button(t("editor.save", lang), type="primary", key="editor.save", icon=":material/save:"):
        saved = save(story)
        st.success(t("editor.saved", lang, path=escape_markdown(str(saved))))
        st.page_link(routes.page("present", lang), label=t("editor.open", lang), icon=":material/slideshow:",
                     query_params={"lang": lang, present.STORY: story.id, present.STEP: "1", present.EDGE: "1"})
    row.download_button(t("editor.download_yaml", lang), story_to_yaml(story), file_name=f"{story.id}.yaml",
                        mime="application/yaml", key="editor.yaml", on_click="ignore")
    row.download_button(t("present.download_deck", lang), deck_html(view), file_name=f"{story.id}.html",
                        mime="text/html", key="editor.deck", on_click="ignore")
    row.download_button(t("present.download_handout", lang), handout_html(view), mime="text/html",
                        file_name=f"{story.id}-a4.html", key="editor.handout", on_click="ignore")
    with st.expander(t("editor.yaml_preview", lang)):
        st.code(story_to_yaml(story), language="yaml")
