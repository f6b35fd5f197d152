"""The load test's protocol client against the real app: it searches, follows the menu and traces as a browser does.

The load test itself is left out of the default run; this keeps its client honest
when Streamlit or the pages change.
"""
import pytest

from hilos_testing.streamlit_session import ProtocolError, Run, StreamlitSession, run_apart


async def search_then_trace(url: str) -> tuple[list[str], Run, str]:
    session = StreamlitSession(url, "search", "lang=en")
    try:
        await session.open()
        found = (await session.enter("Search by name or alias", "vigilant")).texts()
        await session.go("", "lang=en")  # the menu's "Trace connections": the default page
        traced = await session.enter("To", "Amazon")
        return found, traced, session.query
    finally:
        await session.close()


def test_a_protocol_session_searches_and_traces_in_english_with_the_view_in_its_url(app_server):
    found, traced, query = run_apart(search_then_trace(app_server))
    assert "Vigilant Solutions · Company" in found
    assert any("Palantir Technologies → U.S. Department of Homeland Security → Amazon" in text
               for text in traced.texts())
    assert "lang=en" in query and "to=Amazon" in query  # the language kept, the bound box written to the URL
    # Every message of the run counted, the elements among them (not the session's, blocks' or script_finished).
    assert len(traced.elements) < traced.messages and traced.size > traced.messages


async def type_into_missing_box(url: str) -> None:
    session = StreamlitSession(url, "search", "lang=en")
    try:
        await session.open()
        await session.enter("To", "Amazon")  # the tracer's box, not on the search page
    finally:
        await session.close()


def test_a_box_the_page_does_not_have_is_an_error_not_a_silent_rerun(app_server):
    with pytest.raises(ProtocolError, match="no widget labelled 'To'"):
        run_apart(type_into_missing_box(app_server))
