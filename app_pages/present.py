"""The presentation page: a story in front of a room, one relationship at a time.

The link is the state: ?story=<id>&step=<n>&edge=<k> opens that frame (without
`edge`, the step fully revealed), and every move writes the link back, so a
reload or a shared link lands on the same slide. ← and → move, as do the buttons.
"""
from __future__ import annotations

import streamlit as st

from app_pages import state
from app_pages.common import current_lang, store_or_stop
from app_pages.markup import escape_markdown
from graph.handout import PAPERS, handout_html
from graph.i18n import error_text, t
from graph.stories import Story, StoryError, all_stories
from graph.story_export import deck_html
from graph.story_stage import stage_page
from graph.story_text import entities, footnotes, quotes, sentences
from graph.story_view import Frame, StepView, StoryView, build_view

STORY, STEP, EDGE = "story", "step", "edge"  # query parameters
PICKER = "present-story"
GRAPH_HEIGHT = 740
# Static CSS only (no data): projector-sized type on this page, scoped by the containers' keys.
PRESENT_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding: 3.75rem 2.2rem 0.5rem; max-width: none; }
.st-key-present-head p { font-size: 1.45rem; color: #333; margin: 0; }
.st-key-present-head h1 { font-size: 3.3rem; line-height: 1.1; padding: 0.1rem 0 0.4rem; color: #000; }
.st-key-present-text p { font-size: 2.1rem; line-height: 1.3; color: #000; }
.st-key-present-facts p { font-size: 1.75rem; line-height: 1.3; color: #000; }
.st-key-present-facts blockquote { border-left: 0.3rem solid #000; opacity: 1 !important; }
.st-key-present-facts blockquote p { font-size: 1.5rem; font-style: italic; }
.st-key-present-notes p { font-size: 1.35rem; line-height: 1.3; color: #000; margin-bottom: 0.25rem; }
.st-key-present-nav button { min-height: 3.4rem; padding: 0 1.6rem; border: 2px solid #000; color: #000; }
.st-key-present-nav button[kind="primary"] { background: #000; color: #fff; }
.st-key-present-nav button p { font-size: 1.6rem; }
.st-key-present-nav button:disabled { opacity: 0.3; }
.st-key-present-nav [data-testid="stProgress"] p { font-size: 1.2rem; }
</style>"""


def render() -> None:
    """Draw the frame named by the link, with the sidebar folded away."""
    st.set_page_config(initial_sidebar_state="collapsed")
    st.html(PRESENT_CSS)
    lang = current_lang()
    store = store_or_stop(lang)
    stories, errors = all_stories()
    if not stories:
        st.info(t("present.no_stories", lang))
        return
    story = chosen_story(stories)
    try:
        view = build_view(story, store, lang)
    except StoryError as exc:
        st.error(t("present.bad_story", lang, title=escape_markdown(story.title[lang]),
                   error=escape_markdown(error_text(exc, lang))))
        options(stories, story, None, errors, lang)
        return
    frame = current_frame(view)
    step = view.step(frame[0])
    heading(view, step, lang)
    graph_col, text_col = st.columns([13, 7], gap="large")
    graph_col.iframe(stage_page(view, frame, GRAPH_HEIGHT), height=GRAPH_HEIGHT,
                     alt=t("present.graph_alt", lang, number=step.number, title=step.title))
    with text_col:
        panel(step, frame[1], lang)
    navigation(view, frame, lang)
    options(stories, story, view, errors, lang)


def chosen_story(stories: list[Story]) -> Story:
    """The story named by ?story=, else the first one (and the link says so)."""
    by_id = {story.id: story for story in stories}
    story = by_id.get(st.query_params.get(STORY, ""), stories[0])
    state.set_param(STORY, story.id)
    return story


def _number(name: str) -> int | None:
    try:
        return int(st.query_params.get(name, ""))
    except ValueError:
        return None


def current_frame(view: StoryView) -> Frame:
    """The frame the link names, moved to the nearest real one."""
    frame = view.clamp(_number(STEP) or 1, _number(EDGE))
    state.set_param(STEP, str(frame[0]))
    state.set_param(EDGE, str(frame[1]))
    return frame


def go(frame: Frame) -> None:
    """Button callback: put the frame in the link; the rerun draws it."""
    st.query_params[STEP], st.query_params[EDGE] = str(frame[0]), str(frame[1])


def pick() -> None:
    """Story picker callback: the chosen story from its first frame."""
    st.query_params[STORY], st.query_params[STEP], st.query_params[EDGE] = st.session_state[PICKER], "1", "1"


def heading(view: StoryView, step: StepView, lang: str) -> None:
    with st.container(key="present-head"):
        counter = t("present.step_counter", lang, number=step.number, total=len(view.steps))
        st.markdown(f"{escape_markdown(view.title)} · {escape_markdown(counter)}")
        st.title(escape_markdown(step.title), anchor=False)


def panel(step: StepView, shown: int, lang: str) -> None:
    """The step's text, the revealed sentences and quotes, and every footnote of the step."""
    with st.container(key="present-text"):
        st.markdown(escape_markdown(step.text))
    with st.container(key="present-facts"):
        for line in [*entities(step), *sentences(step)]:
            if line.reveal <= shown:
                st.markdown(escape_markdown(line.text))
        for line in quotes(step, lang, slide=True):
            if line.reveal <= shown:
                st.markdown("> " + escape_markdown(line.text))
    with st.container(key="present-notes"):
        st.markdown(f"**{escape_markdown(t('explain.sources', lang))}**")
        for note in footnotes(step):
            st.markdown(escape_markdown(note))


def navigation(view: StoryView, frame: Frame, lang: str) -> None:
    """Previous and next, also on ← and →, and how far along the story is."""
    frames = view.frames()
    index = frames.index(frame)
    with st.container(key="present-nav", horizontal=True, vertical_alignment="center"):
        st.button(t("present.prev", lang), key="present-prev", shortcut="Left", disabled=index == 0,
                  on_click=go, args=(frames[max(index - 1, 0)],))
        st.button(t("present.next", lang), key="present-next", shortcut="Right", type="primary",
                  disabled=index == len(frames) - 1, on_click=go, args=(frames[min(index + 1, len(frames) - 1)],))
        st.progress((index + 1) / len(frames), text=t("present.progress", lang, number=index + 1,
                                                        total=len(frames)))


def options(stories: list[Story], story: Story, view: StoryView | None, errors: list[StoryError],
            lang: str) -> None:
    """Folded away under the slide: the story picker, the downloads, and files that were skipped."""
    with st.expander(t("present.options", lang)):
        titles = {item.id: item.title[lang] for item in stories}
        st.session_state[PICKER] = story.id  # the link, not an old choice, decides what is shown
        st.selectbox(t("present.choose", lang), list(titles), format_func=titles.__getitem__, key=PICKER,
                     on_change=pick)
        st.caption(t("present.keys", lang))
        if view is not None:
            downloads(view, lang)
        for error in errors:
            st.warning(t("stories.bad_file", lang, error=escape_markdown(error_text(error, lang))))


def downloads(view: StoryView, lang: str) -> None:
    """The story as one offline HTML file, and as a printable handout on A4 or Letter paper."""
    left, middle, right = st.columns([2, 1, 2], vertical_alignment="bottom")
    left.download_button(t("present.download_deck", lang), deck_html(view), file_name=f"{view.story.id}.html",
                         mime="text/html", icon=":material/slideshow:", on_click="ignore")
    paper = middle.radio(t("present.paper", lang), list(PAPERS), horizontal=True, key="present-paper")
    right.download_button(t("present.download_handout", lang), handout_html(view, paper),
                          file_name=f"{view.story.id}-{paper.lower()}.html", mime="text/html",
                          icon=":material/print:", on_click="ignore")
