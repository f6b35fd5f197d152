"""The view's state in the URL, so that a copied link opens the same view.

Widgets that hold a view's state are bound to the URL (`bind="query-params"`,
the widget key is the parameter name), except multiple choices, which
`multi_choice` keeps there by hand. What no widget holds lives in plain
parameters: the page (`page`), the entity (`id`), the language (`lang`) and the
entities a trace avoids (`avoid`).
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import streamlit as st

LANG = "lang"  # also the session-state key of the language selector (app_pages.common)
PAGE = "page"
ENTITY = "id"
AVOID = "avoid"
_ROUTED = "state.routed"


def set_param(key: str, value: str | list[str]) -> None:
    """Write ?key=value to the URL unless it is there already: every write sends the browser a message, on
    every rerun of every session."""
    if st.query_params.get_all(key) != ([value] if isinstance(value, str) else value):
        st.query_params[key] = value


def mark_page(name: str) -> None:
    """Name the page in the URL too, so that a link that lost its path still opens it."""
    set_param(PAGE, name)


def follow_link(current: st.Page, pages: Mapping[str, st.Page]) -> None:
    """On a session's first run, open the page that ?page= names if the URL's path led elsewhere.

    Only the first run: a link opened in the browser starts a session. Later runs
    follow the path alone, because st.switch_page leaves a history entry with the
    old path and the new ?page=, and Back would bounce off it to the new page again.
    """
    if st.session_state.get(_ROUTED):
        return
    st.session_state[_ROUTED] = True
    wanted = pages.get(st.query_params.get(PAGE, ""))
    if wanted is not None and wanted is not current:
        st.switch_page(wanted, query_params={key: st.query_params.get_all(key) for key in st.query_params})


def entity_id() -> str:
    return st.query_params.get(ENTITY, "").strip()


def avoided() -> list[str]:
    """The entity ids a trace must not pass through, in the order they were added."""
    return list(dict.fromkeys(value for value in st.query_params.get_all(AVOID) if value))


def set_avoided(node_ids: list[str]) -> None:
    if node_ids:
        set_param(AVOID, list(dict.fromkeys(node_ids)))
    else:
        st.query_params.pop(AVOID, None)


def choice_in_url(key: str, options: Sequence[str]) -> list[str]:
    """The options that ?key=a&key=b names, in the options' order."""
    wanted = set(st.query_params.get_all(key))
    return [option for option in options if option in wanted]


def multi_choice(widget: Callable[..., Any], label: str, options: Sequence[str], *, key: str,
                 **kwargs: Any) -> list[str]:
    """A multiple-choice widget (st.multiselect, st.pills) whose choice is in the URL as ?key=a&key=b.

    Not `bind="query-params"`: a bound choice is written to the URL as each option's
    label from `format_func`, which is translated, so a link would change with the language.
    """
    if key not in st.session_state:
        st.session_state[key] = choice_in_url(key, options)
    chosen = list(widget(label, options, key=key, **kwargs) or [])
    if chosen:
        set_param(key, chosen)
    else:
        st.query_params.pop(key, None)
    return chosen


def span_in_url(key: str, low: int, high: int) -> tuple[int, int]:
    """The span ?key=first&key=last names, inside low..high; the whole of it when the link names none."""
    try:
        first, last = sorted(int(float(value)) for value in st.query_params.get_all(key))
    except (ValueError, OverflowError):  # not two numbers
        return low, high
    first, last = max(first, low), min(last, high)
    return (first, last) if first <= last else (low, high)


def span_slider(label: str, low: int, high: int, *, key: str, **kwargs: Any) -> tuple[int, int]:
    """A range slider whose span is in the URL as ?key=first&key=last, left out while it is the whole range.

    Not `bind="query-params"`: Streamlit drops a bound widget's parameter from the URL on every run that does not
    draw the widget, and the tracer draws its filters only while their panel is open.
    """
    if key not in st.session_state:
        st.session_state[key] = span_in_url(key, low, high)
    first, last = st.slider(label, low, high, key=key, **kwargs)
    if (first, last) == (low, high):
        st.query_params.pop(key, None)
    else:
        set_param(key, [str(first), str(last)])
    return first, last
