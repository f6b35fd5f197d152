"""FedRAMP marketplace: products, providers, AUTHORIZED_FOR with dates; placeholder dates are unknown."""
import json

import pytest

from graph.model import Node
from loaders.commands import fedramp
from tests.loaders.conftest import FIXTURES

DATA = FIXTURES / "fedramp_data.json"
ATOS = FIXTURES / "fedramp_atos.json"


def test_products_providers_and_authorizations(graph):
    result = graph.invoke(fedramp, DATA, ATOS)
    assert result.exit_code == 0, result.output
    assert "placeholder date(s) treated as unknown ('Not Authorized' ×2, 'Not Active' ×1)" in result.output
    assert "rejected 1 × ATO for an unknown product" in result.output
    store = graph.open()
    try:
        pfcs = store.get("product:fedramp-fr1234567890")
        assert pfcs.name == "Palantir Federal Cloud Service (PFCS)"
        assert pfcs.properties["fedramp_id"] == "FR1234567890"
        assert pfcs.properties["impact_level"] == "High" and pfcs.properties["status"] == "FedRAMP Authorized"
        assert pfcs.properties["website"] == "https://www.palantir.com"
        assert "description_en" not in pfcs.properties
        edges = {e.key: e for e in store.edges()}
        ato = edges[("product:fedramp-fr1234567890", "AUTHORIZED_FOR", "agency:ice")]
        assert (ato.properties["start"], ato.properties["end"]) == ("2019-04-10", "2022-04-10")
        assert ato.sources == ["source:fedramp-marketplace"]
        assert ("product:fedramp-fr1234567890", "AUTHORIZED_FOR", "agency:dhs") in edges
        aws = edges[("product:fedramp-f1603047866", "AUTHORIZED_FOR", "agency:ice")]
        assert "start" not in aws.properties  # 'Not Active' is an unknown date, not an error
        assert ("company:palantir-technologies", "DEVELOPS", "product:fedramp-fr1234567890") in edges
        assert ("product:fedramp-f1603047866", "HOSTS", "product:fedramp-fr1234567890") in edges
        in_process = store.get("product:fedramp-fr2200458671")
        assert in_process.properties["status"] == "FedRAMP In Process"
        assert not [e for e in store.edges_of(in_process.id) if e.type == "AUTHORIZED_FOR"]
        source = store.get("source:fedramp-marketplace")
        assert source.properties["title"] == "FedRAMP Marketplace: cloud authorizations used by ICE"  # seed kept
    finally:
        store.close()
    again = graph.invoke(fedramp, DATA, ATOS)
    assert "nodes: 0 created, 0 updated; relationships: 0 created, 0 updated" in again.output


def test_a_date_with_digits_that_is_not_a_date_is_malformed(graph, tmp_path):
    data = json.loads(DATA.read_text())
    data["data"]["Products"][0]["auth_date"] = "2018-13-45T04:00:00.000Z"
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data))
    before = graph.snapshot()
    result = graph.invoke(fedramp, path)
    assert result.exit_code == 1
    assert f"{path}, row data.Products[0], column 'auth_date': not a date: '2018-13-45T04:00:00.000Z'" in result.output
    assert graph.snapshot() == before


def test_not_a_marketplace_file(graph, tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"hello": [1, 2]}')
    result = graph.invoke(fedramp, path)
    assert result.exit_code == 1 and "not a FedRAMP marketplace file" in result.output
    cut = tmp_path / "cut.json"
    cut.write_text(DATA.read_text()[:500])
    result = graph.invoke(fedramp, cut)
    assert result.exit_code == 1 and "not valid JSON" in result.output


@pytest.mark.parametrize("where, key, value, expected", [
    ("Products", "agency_authorizations", 3, "should be a list"),
    ("Products", "leveraged_systems", {"id": "x"}, "should be a list"),
    ("Products", "cso", {"name": "Palantir"}, "should be text, not an object"),
    ("Products", "impact_level", ["High"], "should be text, not a list"),
    ("Agencies", "parent", ["Department of Homeland Security"], "should be text, not a list"),
])
def test_a_fedramp_field_of_the_wrong_type_names_the_entry_and_field(graph, tmp_path, where, key, value, expected):
    data = json.loads(DATA.read_text(encoding="utf-8"))
    data["data"][where][0][key] = value
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    before = graph.snapshot()
    result = graph.invoke(fedramp, path)
    assert result.exit_code == 1
    assert f"{path}, row data.{where}[0], field '{key}': {expected}" in result.output
    assert graph.snapshot() == before


def test_a_fedramp_list_field_holding_one_name_is_a_list_of_one(graph, tmp_path):
    data = json.loads(DATA.read_text(encoding="utf-8"))
    data["data"]["Products"][0]["agency_authorizations"] = "Customs and Border Protection"
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert graph.invoke(fedramp, path).exit_code == 0
    store = graph.open()
    try:
        assert not [node for node in store.nodes("Agency") if len(node.name) == 1]  # not read letter by letter
    finally:
        store.close()


def test_a_lone_surrogate_escape_in_a_name_loads_as_a_replacement_character(graph, tmp_path):
    data = json.loads(DATA.read_text(encoding="utf-8"))
    data["data"]["Products"][0]["cso"] = "Cloud \ud800 Service"
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data), encoding="utf-8")  # written as the escape "\ud800"
    result = graph.invoke(fedramp, path)
    assert result.exit_code == 0, result.output
    store = graph.open()
    try:
        assert store.get("product:fedramp-fr1234567890").name == "Cloud \ufffd Service"
    finally:
        store.close()



def test_a_package_named_with_an_acronym_in_brackets_is_the_product_the_graph_already_holds(graph):
    store = graph.open()
    try:
        store.write([Node("product:palantir-federal-cloud-service", "Product",
                          {"name": "Palantir Federal Cloud Service", "sources": ["source:fedramp-marketplace"]})], [])
    finally:
        store.close()
    result = graph.invoke(fedramp, DATA)
    assert result.exit_code == 0, result.output
    assert ("Product 'Palantir Federal Cloud Service (PFCS)' (FR1234567890) -> product:palantir-federal-cloud-service:"
            " same name without '(PFCS)'") in result.output
    pfcs = graph.get("product:palantir-federal-cloud-service")
    assert pfcs.name == "Palantir Federal Cloud Service" and pfcs.aliases == ["Palantir Federal Cloud Service (PFCS)"]
    assert pfcs.properties["fedramp_id"] == "FR1234567890"
    assert graph.get("product:fedramp-fr1234567890") is None
