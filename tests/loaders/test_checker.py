"""The batch checker gives exactly what make_node / make_edge give: the same records and the same errors."""
from __future__ import annotations

import pytest

from graph.errors import LoadError
from graph.model import make_edge, make_node
from graph.schema import get_schema
from loaders.checker import Checker

NODES = [
    ("contract:HSCETC15C00001", "Contract", {"name": " HSCETC15C00001 ", "start": "2015-01-02 00:00:00",
                                             "fiscal_year": "2015", "amount_usd": "1,234.50",
                                             "sources": ["source:a", " "], "aliases": ["CONT_AWD_X"]}),
    ("contract:B", "Contract", {"name": "B", "fiscal_year": 2016.0, "amount_usd": -500.0, "sources": ["source:a"]}),
    ("company:acme", "Company", {"name": "ACME", "uei": "ACMESRV0H1J2"}),
    ("company:nul", "Company", {"name": " AC\x00ME ", "country": "Espa\u00f1a "}),  # NUL dropped, not ASCII
    ("company:blank", "Company", {"name": "ACME", "uei": "   "}),  # blank once stripped
    ("contract:C", "Contract", {"name": "C", "fiscal_year": True}),  # not an integer
    ("contract:D", "Contract", {"name": "D", "start": "2021-02-30"}),  # not a date
    ("contract:E", "Contract", {"name": "E", "colour": "red"}),  # unknown property
    ("company:x", "Contract", {"name": "X"}),  # wrong prefix
    ("contract:F", "Nope", {"name": "F"}),  # unknown label
    ("contract:G", "Contract", {"start": "2020-01-01"}),  # no name
]
EDGES = [
    ("agency:ice", "AWARDED", "contract:B",
     {"evidence": "public_record", "sources": ["source:a"], "fiscal_year": "2016"}),
    ("agency:ice", "AWARDED", "contract:B", {"evidence": "rumour", "sources": ["source:a"]}),
    ("agency:ice", "AWARDED", "contract:B", {"evidence": "public_record", "sources": []}),
    ("agency:ice", "AWARDED", "contract:B", {"evidence": "public_record"}),
    ("agency:ice", "NOPE", "contract:B", {"evidence": "public_record", "sources": ["source:a"]}),
    ("ice", "AWARDED", "contract:B", {"evidence": "public_record", "sources": ["source:a"]}),
]


def outcome(make):
    try:
        record = make()
    except LoadError as exc:
        return ("error", str(exc))
    return ("ok", record, list(record.properties))


@pytest.mark.parametrize("node_id, label, props", NODES)
def test_nodes_match_make_node(node_id, label, props):
    checker = Checker(get_schema())
    for _ in range(2):  # the second time through the remembered plan and values
        assert outcome(lambda: checker.node(node_id, label, props, path="f", row=node_id)) == \
            outcome(lambda: make_node({"label": label, "id": node_id, **props}, path="f", row=node_id))


@pytest.mark.parametrize("source, rel_type, target, props", EDGES)
def test_edges_match_make_edge(source, rel_type, target, props):
    checker = Checker(get_schema())
    raw = {"source": source, "type": rel_type, "target": target, **props}
    for _ in range(2):
        assert outcome(lambda: checker.edge(source, rel_type, target, props, path="f", row="r")) == \
            outcome(lambda: make_edge(raw, path="f", row="r"))


def test_valid_records_take_the_planned_path(monkeypatch):
    """make_node / make_edge only judge records that fail (they walk the whole schema per record)."""
    checker = Checker(get_schema())

    def refuse(*_args, **_kwargs):
        raise AssertionError("a valid record went through make_node / make_edge")

    monkeypatch.setattr("loaders.checker.make_node", refuse)
    monkeypatch.setattr("loaders.checker.make_edge", refuse)
    node_id, label, props = NODES[0]
    assert checker.node(node_id, label, props, path="f", row="r").properties["amount_usd"] == 1234.5
    source, rel_type, target, props = EDGES[0]
    assert checker.edge(source, rel_type, target, props, path="f", row="r").properties["fiscal_year"] == 2016
