"""The Cypher console page in AppTest: on the embedded store (how to connect, export, examples) and on a real Neo4j.

The Neo4j tests need the server of ../shared/neo4j and skip with a reason when
NEO4J_URI was unset; the app reaches it through NEO4J_URI, as a user's would.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.console import PICK, QUERY, cypher_script
from graph.i18n import t
from graph.query_library import examples, saved_queries
from graph.store_neo4j import Neo4jStore
from graph.store_networkx import EmbeddedStore
from loaders.seed import load_seed
from tests.conftest import NEO4J_TEST_URI
from tests.test_store_contract import NEO4J_SKIP, test_settings


def plain(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def open_console(app: AppTest, lang: str = "en") -> AppTest:
    app.query_params.update(page="console", lang=lang)
    at = app.run()
    assert not at.exception, at.exception
    return at


def shown(at: AppTest) -> str:
    """Every text on the page, Markdown escapes undone."""
    parts = [*at.markdown, *at.caption, *at.info, *at.error, *at.warning, *at.success, *at.code, *at.title]
    return "\n".join(plain(str(part.value)) for part in parts)


# -- the embedded store -----------------------------------------------------
@pytest.mark.parametrize("lang", ["es", "en"])
def test_embedded_store_explains_how_to_connect_neo4j(app, lang):
    at = open_console(app, lang)
    assert at.title[0].value == t("nav.console", lang)
    assert at.info[0].value and plain(at.info[0].value) == t("console.embedded.intro", lang)
    codes = [code.value for code in at.code]
    assert "docker run -p 7687:7687 -e NEO4J_AUTH=none neo4j:5" in codes
    assert any(code.startswith("export NEO4J_URI=") for code in codes)
    assert any("streamlit run app.py -- --backend neo4j" in code for code in codes)
    assert [button.label for button in at.get("download_button")] == [t("console.embedded.export", lang)]


def test_embedded_store_still_shows_every_example(app):
    at = open_console(app, "es")
    assert [expander.label for expander in at.expander] == [query.title("es") for query in examples()]
    codes = [code.value for code in at.code]
    assert all(query.text in codes for query in examples())
    assert not at.text_area and not at.get("dataframe")  # nothing to run without Neo4j


def test_the_offered_script_recreates_the_graph(seed_store: EmbeddedStore):
    script = cypher_script(seed_store).decode("utf-8")
    assert script.startswith("// Hilos graph: 101 nodes, 111 relationships.")
    assert "MERGE" in script and "company:palantir-technologies" in script


def test_backend_flag_after_the_double_dash_chooses_the_embedded_store(app, monkeypatch):
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")
    monkeypatch.setattr("sys.argv", ["streamlit", "--backend", "embedded"])
    at = open_console(app)
    assert plain(at.info[0].value) == t("console.embedded.intro", "en") and not at.error


def test_an_unknown_backend_is_one_sentence(app, monkeypatch):
    monkeypatch.setenv("HILOS_BACKEND", "postgres")
    at = open_console(app)
    assert [plain(e.value) for e in at.error] == [t("error.backend", "en", backends="embedded, neo4j")]


# -- connection problems (no server needed) ---------------------------------
def test_a_server_that_is_down_is_one_sentence_and_never_the_password(app, monkeypatch):
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")
    monkeypatch.setenv("NEO4J_PASSWORD", "hunter2-secret")
    at = open_console(app)
    assert [plain(e.value) for e in at.error] == [t("error.neo4j.unreachable", "en", uri="bolt://127.0.0.1:1")]
    assert "hunter2-secret" not in shown(at)
    monkeypatch.delenv("NEO4J_URI")  # the app is still there: the next run tries again
    at.run()
    assert not at.exception and not at.error and plain(at.info[0].value) == t("console.embedded.intro", "en")


def test_settings_come_from_streamlit_secrets(app):
    app.secrets["NEO4J_URI"] = "bolt://127.0.0.1:1"
    app.secrets["NEO4J_PASSWORD"] = "hunter2-secret"
    at = open_console(app, "es")
    assert [plain(e.value) for e in at.error] == [t("error.neo4j.unreachable", "es", uri="bolt://127.0.0.1:1")]
    assert "hunter2-secret" not in shown(at)


def test_a_password_inside_the_address_is_not_shown(app):
    app.secrets["NEO4J_URI"] = "bolt://user:pw-in-uri@127.0.0.1:1"
    at = open_console(app)
    assert [plain(e.value) for e in at.error] == [t("error.neo4j.address", "en", uri="bolt://127.0.0.1:1")]
    assert "pw-in-uri" not in shown(at)


# -- a real Neo4j ------------------------------------------------------------
@pytest.fixture
def neo4j_app(app: AppTest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[AppTest]:
    """The app on the test server holding the seed graph, saving queries in a temp file."""
    if not NEO4J_TEST_URI:
        pytest.skip(NEO4J_SKIP)
    store = Neo4jStore.connect(test_settings())
    store.clear()
    load_seed(store)
    monkeypatch.setenv("NEO4J_URI", NEO4J_TEST_URI)
    monkeypatch.setenv("HILOS_QUERIES", str(tmp_path / "queries.json"))
    yield app
    store.clear()
    store.close()


def run_query(at: AppTest, text: str | None = None, *, cap: int | None = None, lang: str = "en") -> AppTest:
    if text is not None:
        at.text_area(key=QUERY).set_value(text)
    if cap is not None:
        at.number_input(key="console.cap").set_value(cap)
    next(b for b in at.button if b.label == t("console.run", lang)).click()
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.neo4j
def test_the_first_example_is_ready_to_run(neo4j_app):
    at = open_console(neo4j_app)
    first = examples()[0]
    assert at.text_area(key=QUERY).value == first.text
    assert json.loads(at.text_area(key="console.params").value) == first.parameters
    at = run_query(at)
    table = at.dataframe[0].value
    assert len(table) == 3 and set(table["piid"].dropna()) == {"HSCETC14C00002", "HSCETC15C00001"}
    assert [b.label for b in at.get("download_button")] == [t("console.download_csv", "en"),
                                                             t("console.download_json", "en")]
    assert not at.warning and not at.error


@pytest.mark.neo4j
def test_picking_an_example_copies_it_and_paths_are_drawn(neo4j_app):
    at = open_console(neo4j_app)
    at.selectbox(key=PICK).set_value("example:falcon-sa-to-hsi").run()
    assert at.text_area(key=QUERY).value == next(q.text for q in examples() if q.key == "example:falcon-sa-to-hsi")
    at = run_query(at)
    assert [tab.label for tab in at.tabs] == [t("console.graph", "en"), t("console.table", "en")]
    drawn = json.loads(at.get("component_instance")[0].proto.json_args)["data"]["nodes"]
    assert {"product:falcon-sa", "agency:hsi"} <= {node["id"] for node in drawn}


@pytest.mark.neo4j
def test_the_row_cap_is_announced(neo4j_app):
    at = run_query(open_console(neo4j_app), "UNWIND range(1, 50) AS n RETURN n", cap=10)
    assert len(at.dataframe[0].value) == 10
    assert [plain(w.value) for w in at.warning] == [t("console.capped", "en", rows="10")]


@pytest.mark.neo4j
def test_explain_shows_the_plan_as_text(neo4j_app):
    at = run_query(open_console(neo4j_app), "EXPLAIN MATCH (a:Agency) RETURN a.name AS name")
    assert t("console.plan", "en") in [plain(c.value) for c in at.caption]
    plan = at.code[-1]
    assert plan.value.startswith("ProduceResults") and "NodeByLabelScan" in plan.value
    assert plan.language == "plaintext" and not at.dataframe and not at.info


@pytest.mark.neo4j
def test_a_write_is_refused_with_a_clear_message_and_changes_nothing(neo4j_app):
    at = run_query(open_console(neo4j_app), "MATCH (n:Agency {id: 'agency:ice'}) DETACH DELETE n")
    assert [plain(e.value) for e in at.error] == [t("console.refused.write", "en")]
    at = run_query(at, "MATCH (n:Agency {id: 'agency:ice'}) RETURN n.name AS name")
    assert list(at.dataframe[0].value["name"]) == ["U.S. Immigration and Customs Enforcement"]


@pytest.mark.neo4j
def test_an_answer_too_big_to_take_says_so_in_spanish_and_the_next_query_runs(neo4j_app):
    at = run_query(open_console(neo4j_app, "es"), "RETURN range(1, 10000000) AS numbers", lang="es")
    assert [plain(e.value) for e in at.error] == [t("console.refused.too_big", "es", megabytes=16)]
    assert "16 MB" in at.error[0].value and not at.dataframe
    at = run_query(at, "MATCH (n:Agency {id: 'agency:ice'}) RETURN n.name AS name", lang="es")
    assert list(at.dataframe[0].value["name"]) == ["U.S. Immigration and Customs Enforcement"]


@pytest.mark.neo4j
def test_a_syntax_error_shows_the_servers_message_as_text(neo4j_app):
    at = run_query(open_console(neo4j_app), "MATCH (n) RETURN <b>n</b>")
    assert [plain(e.value) for e in at.error] == [t("console.refused.invalid", "en")]
    assert "<b>n</b>" in at.code[-1].value and at.code[-1].language == "plaintext"


@pytest.mark.neo4j
def test_a_saved_query_joins_the_library_as_text(neo4j_app):
    at = open_console(neo4j_app)
    at.text_area(key=QUERY).set_value("MATCH (a:Agency) RETURN a.name AS name")
    at.text_input(key="console.title").set_value("Mis <i>agencias</i>").run()
    next(b for b in at.button if b.label == t("console.save_button", "en")).click()
    at.run()
    assert not at.exception and [plain(s.value) for s in at.success] == [t("console.saved", "en")]
    saved = saved_queries()
    assert [q.title("en") for q in saved] == ["Mis <i>agencias</i>"]
    picker = at.selectbox(key=PICK)
    assert picker.value == saved[0].key
    assert picker.format_func(saved[0].key) == t("console.saved_mark", "en", title="Mis <i>agencias</i>")


@pytest.mark.neo4j
def test_the_time_limit_is_announced_with_the_rows_that_made_it(neo4j_app):
    at = open_console(neo4j_app)
    at.number_input(key="console.timeout").set_value(1)
    at = run_query(at, "UNWIND range(1, 1000000) AS a UNWIND range(1, 1000000) AS b RETURN count(*) AS n")
    assert [plain(w.value) for w in at.warning] == [t("console.timed_out", "en", seconds=1)]
    at = run_query(at, "UNWIND range(1, 3) AS i CALL (i) { "
                       "UNWIND range(1, CASE WHEN i < 3 THEN 1 ELSE 1000000 END) AS a "
                       "UNWIND range(1, CASE WHEN i < 3 THEN 1 ELSE 1000000 END) AS b "
                       "RETURN count(*) AS n } RETURN i, n")
    assert [plain(w.value) for w in at.warning] == [t("console.timed_out_partial", "en", seconds=1, count=2)]
    assert list(at.dataframe[0].value["i"]) == [1, 2]
