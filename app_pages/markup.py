"""Showing data as text in Streamlit elements that parse Markdown.

st.markdown, st.caption, st.warning and friends read Markdown (and Streamlit's
extensions: $math$, :colour[...], :material/icons:). Names, quotes and citations
are data, so every ASCII punctuation mark in them is backslash-escaped, which
CommonMark turns back into the literal character.

Trap: GitHub-flavoured Markdown links bare URLs and e-mail addresses *after*
parsing, so escapes do not stop it; a WORD JOINER (U+2060, invisible) after
"http", "https", "www" and "@" does.
"""
from __future__ import annotations

import re
import string

WORD_JOINER = "\u2060"
_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_AUTOLINK = re.compile(r"(https?|www)(?=[:.])|(@)", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def escape_markdown(text: str) -> str:
    """`text` as Markdown that displays exactly `text` (whitespace runs become one space)."""
    text = _AUTOLINK.sub(lambda match: match.group(0) + WORD_JOINER, _SPACE.sub(" ", text).strip())
    return _PUNCTUATION.sub(r"\\\1", text)
