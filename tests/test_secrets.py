"""The Neo4j password never shows: not in errors, their causes, the logs (driver's included) or the page."""
from __future__ import annotations

import logging
import socket

import pytest
from streamlit.testing.v1 import AppTest

from graph.errors import StoreError
from graph.settings import Neo4jSettings
from graph.store_neo4j import Neo4jStore
from tests.app.conftest import APP

PASSWORD = "Zq7-hunter2-secreto-9Xw"


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (bound, read, released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def chain(exc: BaseException | None) -> list[BaseException]:
    """The exception and everything it was raised from or during."""
    found: list[BaseException] = []
    while exc is not None and exc not in found:
        found.append(exc)
        exc = exc.__cause__ or exc.__context__
    return found


@pytest.mark.parametrize("uri", ["bolt://127.0.0.1:{port}", f"bolt://neo4j:{PASSWORD}@127.0.0.1:{{port}}",
                                 f"http://neo4j:{PASSWORD}@127.0.0.1:{{port}}"])
def test_a_failed_connection_never_repeats_the_password(uri, caplog):
    settings = Neo4jSettings(uri.format(port=closed_port()), "neo4j", PASSWORD)
    caplog.set_level(logging.DEBUG)  # the driver's own debug log too
    with pytest.raises(StoreError) as raised:
        store = Neo4jStore.connect(settings)
        store.close()
    for exc in chain(raised.value):
        assert PASSWORD not in str(exc) and PASSWORD not in repr(exc)
    assert PASSWORD not in repr(settings)
    assert PASSWORD not in caplog.text


@pytest.mark.parametrize("uri", ["bolt://127.0.0.1:{port}", f"bolt://neo4j:{PASSWORD}@127.0.0.1:{{port}}"])
def test_the_page_and_the_server_log_never_show_the_password(uri, db_path, monkeypatch, caplog):
    monkeypatch.setenv("NEO4J_URI", uri.format(port=closed_port()))
    monkeypatch.setenv("NEO4J_PASSWORD", PASSWORD)
    caplog.set_level(logging.DEBUG)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    shown = [element.value for kind in ("error", "warning", "info", "markdown", "caption", "code", "exception")
             for element in getattr(at, kind)]
    assert at.error, "the page should say that Neo4j could not be used"
    assert not [text for text in shown if PASSWORD in str(text)]
    logged = caplog.text + "".join(logging.Formatter().formatException(record.exc_info)
                                   for record in caplog.records if record.exc_info)
    assert PASSWORD not in logged
