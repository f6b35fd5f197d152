"""Strategies for hostile text: markup, script links, bidi overrides, NUL, lone surrogates, huge strings."""
from __future__ import annotations

from hypothesis import strategies as st

FRAGMENTS = (
    "<script>alert(1)</script>", "</script>", "<SCRIPT src=//x>", "<!--", "-->", "<img src=x onerror=alert(1)>",
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:x", "data:text/html,<script>x</script>",
    "\u202e", "\u202d", "\u2066", "\u200b", "\ufeff", "\x00", "\r\n", "\n", "\t", "\x1b[31m", "\u2028",
    "\"", "'", "`", "\\", "&amp;", "&#60;", "{", "}", "{{", "}}", "|slug", "${x}", "%s", "%(x)s",
    "=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)", "\"; MATCH (n) DETACH DELETE n //", "' OR 1=1 --",
    "](javascript:x)", "[x](javascript:alert(1))", "**", "$x$", ":red[x]", ":material/home:",
    "http://", "https://example.org/<script>", "www.", "@", "Ω", "ñ", "Ä", "𝕏", "🧵", "ﬁ", "İ",
    "null", "~", "yes", "no", "1e309", "NaN", "-0", "0x10", "2024-13-45", "9999-99-99", "1,2,3", ";",
    "source:", "company:", "agency:ice", ":", "::", "a:b:c", " ", "",
)

#: Any Unicode text except lone surrogates (they cannot be written as UTF-8 at all).
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
fragment = st.sampled_from(FRAGMENTS)


@st.composite
def hostile_text(draw, max_parts: int = 6, allow_huge: bool = True) -> str:
    """A string assembled from hostile fragments and random text; sometimes 100 kB long."""
    text = "".join(draw(st.lists(st.one_of(fragment, fragment, any_text), max_size=max_parts)))
    if allow_huge and draw(st.integers(0, 19)) == 0:
        text = text * (100_000 // max(len(text), 1) + 1) if text else "x" * 100_000
    return text


#: Text that may hold lone surrogates, for code that takes str from Python callers (not from files).
with_surrogates = st.one_of(hostile_text(), st.text(max_size=30))
