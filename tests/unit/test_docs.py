"""Docs generated from the schema stay in sync with it."""
from pathlib import Path

from graph.schema_doc import schema_markdown

ROOT = Path(__file__).resolve().parents[2]


def test_schema_doc_is_up_to_date():
    assert (ROOT / "docs" / "SCHEMA.md").read_text(encoding="utf-8") == schema_markdown(), (
        "docs/SCHEMA.md is stale: run `python -m graph schema > docs/SCHEMA.md`")
