"""Hostile seed files (YAML and CSV records): a LoadError naming file, row and field, and nothing written."""
from __future__ import annotations

import copy
import csv
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from graph.errors import LoadError
from graph.store_networkx import EmbeddedStore
from loaders.seed import load_seed
from tests.fuzz.hostile import hostile_text
from tests.loaders.conftest import FIXTURES

BASE = yaml.safe_load((FIXTURES / "seed" / "graph.yaml").read_text(encoding="utf-8"))
KEYS = ["id", "label", "name", "aliases", "sources", "evidence", "type", "source", "target", "url", "date",
        "start", "end", "amount_usd", "quote_es", "description_en", "kind", "nodes", "relationships", 3, None]

yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | hostile_text(max_parts=3, allow_huge=False)
    | st.sampled_from(["Agency", "Company", "Source", "PART_OF", "seed", "agency:ice", "source:dhs-organization-chart",
                       "2014-02-30", "javascript:alert(1)", "https://example.org/x"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=4),
    max_leaves=12)


@st.composite
def seed_document(draw) -> object:
    if draw(st.integers(0, 5)) == 0:
        return draw(yaml_values)
    document = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 4))):
        section = draw(st.sampled_from(["nodes", "relationships"]))
        record = draw(st.sampled_from(document[section]))
        record[draw(st.sampled_from([*record, *KEYS]))] = draw(yaml_values)
    return document


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("pristine") / "graph.json"
    load_seed(EmbeddedStore(path), FIXTURES / "seed")
    return path.read_bytes()


def load_checked(folder: Path, db: Path, pristine: bytes) -> None:
    db.write_bytes(pristine)
    store = EmbeddedStore(db)
    try:
        load_seed(store, folder)
    except LoadError as exc:
        assert exc.path and str(exc).startswith(exc.path)
        assert db.read_bytes() == pristine
    finally:
        store.close()


@given(document=seed_document())
def test_seed_yaml(tmp_path_factory, pristine, document):
    folder = tmp_path_factory.mktemp("seed")
    (folder / "graph.yaml").write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    load_checked(folder, folder / "db.json", pristine)


@given(rows=st.lists(st.lists(hostile_text(max_parts=3, allow_huge=False), min_size=3, max_size=5), max_size=4),
       raw=st.one_of(st.none(), st.binary(max_size=100)))
def test_seed_csv(tmp_path_factory, pristine, rows, raw):
    folder = tmp_path_factory.mktemp("seed")
    (folder / "graph.yaml").write_text(yaml.safe_dump(BASE), encoding="utf-8")
    path = folder / "extra.nodes.csv"
    if raw is None:
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([["id", "label", "name"], *rows])
    else:
        path.write_bytes(raw)
    load_checked(folder, folder / "db.json", pristine)
