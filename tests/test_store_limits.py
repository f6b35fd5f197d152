"""Time budgets: a neighbourhood or path request past graph.store.QUERY_SECONDS stops with TimedOut on both stores."""
from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from graph import store as store_module
from graph.errors import TimedOut
from graph.i18n import t
from graph.store import Budget
from tests.app.conftest import APP
from tests.test_store_contract import empty_store, neo4j_connection, neo4j_store, store  # noqa: F401 (fixtures)

# Counts to a billion on the server: far longer than any budget below.
SLOW_READ = "UNWIND range(1, 1000000000) AS x WITH count(x) AS total RETURN [total] AS rows"


def test_a_spent_budget_raises_and_a_fresh_one_does_not():
    Budget(60).check()
    budget = Budget(0.05)
    time.sleep(0.06)
    with pytest.raises(TimedOut, match="0.05 s"):
        budget.check()


def test_paths_and_neighbourhoods_stop_when_the_budget_is_spent(store, monkeypatch):
    assert store.paths("company:acme", "agency:ice", k=3)
    monkeypatch.setattr(store_module, "QUERY_SECONDS", 0.0)
    with pytest.raises(TimedOut):
        store.paths("company:acme", "agency:ice", k=3)
    with pytest.raises(TimedOut):
        store.neighbours("company:acme", depth=2)


@pytest.mark.neo4j
def test_neo4j_ends_a_read_transaction_at_the_budget(neo4j_store):
    started = time.monotonic()
    with pytest.raises(TimedOut, match="time limit"):
        neo4j_store._rows(SLOW_READ, Budget(0.5))
    assert time.monotonic() - started < 5


def test_the_page_says_the_request_was_stopped(db_path, monkeypatch):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["lang"] = "en"
    monkeypatch.setattr(store_module, "QUERY_SECONDS", 0.0)
    at.run()
    assert not at.exception
    assert [w.value for w in at.warning] == [t("limits.timed_out", "en", seconds="0")]
