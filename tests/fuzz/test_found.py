"""Bugs the fuzz tests found, pinned as plain examples: each once crashed instead of naming the field."""
from __future__ import annotations

import json
import zipfile

import pytest
import yaml

from app_pages.display import link, safe_url
from graph.errors import LoadError
from graph.exercises import parse_exercises
from graph.model import Node, make_edge, make_node
from graph.schema import get_schema
from graph.search import rank
from graph.stories import StoryError, parse_story
from graph.store_networkx import EmbeddedStore
from graph.types import clean_list, clean_string, clean_url
from loaders.mapping import load_mapping
from loaders.sources_io import _numbered, open_tables
from tests.loaders.conftest import ROOT


@pytest.mark.parametrize("text, field", [
    ("title: {es: a, en: b}\nsteps: []\n1: x\n", 1),
    ("title: {es: a, en: b, 2: c}\nsteps: [x]\n", "title"),
    ("title: {es: a, en: b}\nsteps:\n- {title: {es: a, en: b}, 3: x}\n", 3),
])
def test_a_story_with_number_keys_names_the_field(text, field):
    with pytest.raises(StoryError) as caught:
        parse_story(text, "mine")
    assert caught.value.field == field and "mine.yaml" in str(caught.value)


def test_an_exercise_with_a_number_key_names_the_field():
    with pytest.raises(StoryError, match="unknown field"):
        parse_exercises("exercises:\n- {from: agency:ice, to: agency:dhs, 1: x}\n", "ex.yaml")


@pytest.mark.parametrize("raw, field", [
    ({"label": ["Agency"], "id": "agency:x", "name": "X"}, "label"),
    ({"label": "Agency", "id": "agency:x", "name": "X", 7: "y"}, 7),
])
def test_a_seed_node_with_a_list_label_or_number_key_is_refused(raw, field):
    with pytest.raises(LoadError) as caught:
        make_node(raw, path="seed.yaml", row=3)
    assert caught.value.field == field and caught.value.row == 3


def test_a_seed_relationship_with_a_list_type_is_refused():
    with pytest.raises(LoadError) as caught:
        make_edge({"source": "agency:ice", "type": {"a": 1}, "target": "agency:dhs", "evidence": "seed",
                   "sources": ["source:x"]}, path="seed.yaml", row=4)
    assert caught.value.field == "type"


ATLAS = yaml.safe_load((ROOT / "loaders" / "mappings" / "atlas_of_surveillance.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("change, field", [
    (lambda m: m["nodes"]["agency"].update(label=["Agency"]), "nodes.agency.label"),
    (lambda m: m["nodes"]["agency"].update(id=7), "nodes.agency.id"),
    (lambda m: m["nodes"]["agency"].update(name=["{Agency}"]), "nodes.agency.name"),
    (lambda m: m["nodes"]["agency"].update(match=["name"]), "nodes.agency.match"),
    (lambda m: m["nodes"]["agency"].update(properties=["country"]), "nodes.agency.properties"),
    (lambda m: m["relationships"][0].update(source=["agency"]), "relationships[1].source"),
    (lambda m: m["relationships"][0].update(type={"USES": 1}), "relationships[1].type"),
    (lambda m: m["relationships"][0].update(evidence=["reported"]), "relationships[1].evidence"),
    (lambda m: m["relationships"][0].update(properties={1: "x"}), "relationships[1].properties"),
    (lambda m: m.update(relationships={"a": 1}), "relationships"),
    (lambda m: m.update({5: "x"}), 5),
])
def test_a_mapping_with_values_of_the_wrong_type_names_the_field(tmp_path, change, field):
    mapping = json.loads(json.dumps(ATLAS))
    change(mapping)
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(mapping), encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load_mapping(path, get_schema())
    assert caught.value.field == field and caught.value.path == str(path)


@pytest.mark.parametrize("query", ["b" * 300 + "d", "b" * 300, "b" * 40_000])
def test_a_long_query_repeating_one_letter_finds_the_long_name(tmp_path, query):
    store = EmbeddedStore(tmp_path / "graph.json")
    store.write([Node("company:long", "Company", {"name": "b" * 300 + "c"}),
                 Node("company:short", "Company", {"name": "bbb"})], [])
    expected = [hit.node.id for hit in rank(query, store.nodes())]
    assert [hit.node.id for hit in store.search(query)] == expected
    assert "company:long" in expected[:1] or len(query) > 1000


def test_lone_surrogates_from_json_escapes_become_replacement_characters_or_are_refused():
    assert clean_string("X \ud800 Corp") == "X \ufffd Corp"
    assert clean_list(["\udfff", "a"]) == ["\ufffd", "a"]
    assert clean_url("https://x.org/\ud800") is None


@pytest.mark.parametrize("url", ["https://example.org]/x", "https://[bad/", "//]"])
def test_a_url_with_an_unbalanced_bracket_in_its_host_is_shown_as_text_not_a_crash(url):
    assert safe_url(url) is None
    assert "](" not in link(url)


def test_a_100_kb_query_against_a_100_kb_name_answers_from_its_start(tmp_path):
    """It once ran for minutes in the typo search; now only MAX_QUERY characters of a query count."""
    name = "Palantir " * 12_000
    store = EmbeddedStore(tmp_path / "graph.json")
    store.write([Node("company:long", "Company", {"name": name}), Node("company:p", "Company", {"name": "Palantir"})],
                [])
    assert [hit.node.id for hit in store.search(name + "x", limit=2)][0] == "company:long"
    assert [hit.node.id for hit in rank("q" * 100_000 + "Palantir", store.nodes())] == []


@pytest.mark.parametrize("names, first", [
    (["x_10.csv", "x_" + "9" * 5000 + ".csv", "x_2.csv"], "x_2.csv"),  # beyond int()'s 4,300 digits
    (["x_1\u00b2", "x_1.csv"], "x_1.csv"),  # '²' is a digit to str.isdigit, not to int()
    (["\u0661", "a_1.csv"], "a_1.csv"),  # '١' (Arabic-Indic one) is a digit to int() but not to [0-9]
])
def test_zip_members_with_odd_numbers_in_their_names_sort_without_error(names, first):
    assert sorted(names, key=_numbered)[0] == first


def test_a_zip_member_named_with_a_line_break_is_named_on_one_line(tmp_path):
    path = tmp_path / "download.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a\nb.txt", "award_id_piid|x\r\n1|2\r\n")
        archive.writestr("c\rd.json", "{}")
    names = [table.name for table in open_tables(path)]
    assert names == [f"{path}:'a\\nb.txt'"]
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("c\rd.json", "{}")
    with pytest.raises(LoadError) as caught:
        list(open_tables(path))
    assert "\r" not in str(caught.value) and "'c\\rd.json'" in str(caught.value)
