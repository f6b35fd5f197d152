"""Hostile URL query parameters: a shared link with any values opens a page, never a traceback or live markup."""
from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from app_pages.display import link, safe_url
from tests.fuzz.hostile import hostile_text

APP = Path(__file__).resolve().parents[2] / "app.py"
PAGES = ["overview", "search", "profile", "neighbourhood", "trace", "console", "present", "story_editor",
         "exercises", "nope", ""]
KEYS = ["id", "lang", "avoid", "q", "types", "from", "to", "k", "max_length", "fy", "path", "depth", "cap",
        "story", "step", "edge", "labels"]
VALUES = st.one_of(hostile_text(max_parts=3), st.sampled_from(
    ["agency:ice", "company:palantir-technologies", "es", "en", "fr", "-1", "0", "3", "999999999999", "1.5", "nan",
     "Company", "2014", "2014-2020", "falcon-sa-hsi", "../../etc/passwd", "agency:", ""]))


@settings(max_examples=25)
@given(page=st.sampled_from(PAGES), params=st.dictionaries(st.sampled_from(KEYS), st.one_of(
    VALUES, st.lists(VALUES, min_size=1, max_size=3)), max_size=5))
def test_any_link_opens_a_page(seed_file, monkeypatch_session_db, page, params):
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.query_params.update({"page": page, **params})
    at = app.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = [e.value for e in (*at.markdown, *at.caption, *at.error, *at.warning, *at.info)]
    assert not [text for text in shown if "<script" in text.lower() and "\\<script" not in text.lower()]


@given(url=st.one_of(hostile_text(max_parts=4, allow_huge=False),
                     st.builds("".join, st.lists(st.sampled_from(["http", "https", "javascript", "JAVASCRIPT", "data",
                                                                   ":", "//", "\t", "\n", " ", "\x00", "%0a", "\u202e",
                                                                   "example.org", "/", ")", "(", ">", "<", "]", "[",
                                                                   "'", '"', "\\", "@", "#"]), max_size=8))))
def test_only_http_links_become_link_targets(url):
    target = safe_url(url)
    assert target is None or re.match(r"https?://[^\s<>()\\\\]+$", target)  # never javascript: or data:
    markdown = link(url)
    assert "](<" not in markdown or markdown.endswith(f"](<{target}>)")
