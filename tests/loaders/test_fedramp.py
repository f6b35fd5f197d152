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
    assert "placeholder dates treated as unknown: 3 ('Not Authorized' ×2, 'Not Active' ×1)" in result.output
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


def _marketplace_2024(tmp_path, **mapping) -> "Path":
    """The marketplace `data.json` as GSA publishes it since 2024 (github.com/GSA/marketplace-fedramp-gov-data,
    test.json of 2024-11-12, the file marketplace.fedramp.gov reads): products and agencies as before, plus the
    ATO letters in `data.AtoMapping` (initial ATOs) and `data.ReuseMapping` (reuse ATOs). Their entries name the
    product by `id` and the agency by `parent`/`sub` (with `agency_id`/`sub_id`, sometimes empty); dates carry
    the publishing script's T20:00:00.000Z; "Legacy JAB Authorization" stands in the agency columns for JAB
    P-ATOs; one reuse date in that file reads "0202-04-26T04:56:02.000Z"."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    data["meta"]["last_change"] = "2024-11-12T23:22:46.100Z"
    data["data"]["Products"][0]["agency_authorizations"] = ["Department of Homeland Security",
                                                            "Legacy JAB Authorization"]
    data["data"]["Agencies"].append({"id": "22-001", "parent": "Legacy JAB Authorization", "sub": "",
                                     "csp": "Legacy JAB Authorization" + " " * 40, "authorization": 1, "reuse": 0,
                                     "auths": [{"id": "FR1234567890"}], "reuses": [], "procs": []})
    data["data"]["AtoMapping"] = [
        {"id": "FR1234567890", "agency_id": "22-002-03", "parent": "Department of Homeland Security",
         "sub": "Immigration and Customs Enforcement", "ato_date": "2019-04-10T20:00:00.000Z",
         "auth_date": "2019-05-01T20:00:00.000Z", "exp_date": "", "assessment_date": "04/10"},
        {"id": "FR1234567890", "agency_id": "22-001", "parent": "Legacy JAB Authorization", "sub": "",
         "ato_date": "2018-11-01T20:00:00.000Z", "auth_date": "2018-11-01T20:00:00.000Z", "exp_date": "",
         "assessment_date": "11/01"}]
    data["data"]["ReuseMapping"] = [
        {"id": "F1603047866", "agency_id": "22-002", "parent": "Department of Homeland Security",
         "sub_id": "22-002-02", "sub": "Customs and Border Protection", "ato_date": "2021-07-29T20:00:00.000Z",
         "auth_date": "", "exp_date": "2025-07-29T20:00:00.000Z"},
        {"id": "F1603047866", "agency_id": "", "parent": "Department of Homeland Security", "sub_id": "",
         "sub": "Customs and Border Protection", "ato_date": "0202-04-26T04:56:02.000Z",
         "auth_date": "2024-01-11T20:00:00.000Z", "exp_date": "2027-04-26T20:00:00.000Z"}]
    for key, value in mapping.items():
        data["data"][key] = value
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_current_marketplace_ato_and_reuse_mappings_make_dated_authorizations(graph, tmp_path):
    result = graph.invoke(fedramp, _marketplace_2024(tmp_path))
    assert result.exit_code == 0, result.output
    assert "rejected: 0" in result.output
    store = graph.open()
    try:
        edges = {e.key: e for e in store.edges()}
    finally:
        store.close()
    ato = edges[("product:fedramp-fr1234567890", "AUTHORIZED_FOR", "agency:ice")]
    assert (ato.properties.get("start"), ato.properties.get("end")) == ("2019-04-10", None)
    reuse = edges[("product:fedramp-f1603047866", "AUTHORIZED_FOR", "agency:cbp")]
    # the year-0202 typo is an unknown date, not the start of the authorization, and the note names it
    assert (reuse.properties["start"], reuse.properties["end"]) == ("2021-07-29", "2027-04-26")
    assert "data.ReuseMapping[1], field 'ato_date': '0202-04-26T04:56:02.000Z'" in result.output


def test_a_jab_authorization_is_not_an_agency(graph, tmp_path):
    result = graph.invoke(fedramp, _marketplace_2024(tmp_path))
    assert result.exit_code == 0, result.output
    store = graph.open()
    try:
        assert not [n for n in store.nodes("Agency") if "jab" in n.name.casefold()]
    finally:
        store.close()
    assert "JAB" in result.output and "not an agency" in result.output


def test_an_ato_of_the_jab_agency_id_in_the_split_export_is_not_rejected(graph, tmp_path):
    """The split exports (github.com/FedRAMP/marketplace-fedramp-gov-data, fedramp-agencies.json and
    fedramp-atos.json of 2026-06-21) list agency "22-001", parent_agency_name "Legacy JAB Authorization", and
    every JAB P-ATO in fedramp-atos.json names it by agency_id only."""
    agencies = {"metadata": {"export_timestamp": "2026-06-21T03:59:30.224Z"}, "data": {"agencies": [
        {"id": "22-001", "parent_agency_id": "22-001", "sub_agency_id": "", "parent_agency_name":
         "Legacy JAB Authorization", "sub_agency_name": "", "authorization_count": 0, "": ""},
        {"id": "22-002-03", "parent_agency_id": "22-002", "sub_agency_id": "22-002-03", "parent_agency_name":
         "Department of Homeland Security", "sub_agency_name": "Immigration and Customs Enforcement", "": ""}]}}
    atos = json.loads(ATOS.read_text(encoding="utf-8"))
    atos["data"]["atos"] = [
        {"uuid": "c53f6113", "product_id": "F1603047866", "agency_id": "22-001", "is_reuse": False,
         "ato_date": "2016-06-21T04:00:00.000Z", "exp_date": "", "authorizing_official": "N/A (P-ATO)",
         "is_active": False, "termination_date": "", "termination_reason": ""},
        {"uuid": "7b1c3f91", "product_id": "F1603047866", "agency_id": "22-002-03", "is_reuse": True,
         "ato_date": "2022-03-10T05:00:00.000Z", "exp_date": "", "is_active": True, "termination_date": "",
         "termination_reason": ""}]
    (tmp_path / "fedramp-agencies.json").write_text(json.dumps(agencies), encoding="utf-8")
    (tmp_path / "fedramp-atos.json").write_text(json.dumps(atos), encoding="utf-8")
    result = graph.invoke(fedramp, DATA, tmp_path / "fedramp-agencies.json", tmp_path / "fedramp-atos.json")
    assert result.exit_code == 0, result.output
    assert "rejected: 0" in result.output and "by the JAB" in result.output
    store = graph.open()
    try:
        assert not [n for n in store.nodes("Agency") if "jab" in n.name.casefold()]
        key = ("product:fedramp-f1603047866", "AUTHORIZED_FOR", "agency:ice")
        edge = next(e for e in store.edges() if e.key == key)
        assert edge.properties["start"] == "2022-03-10"
    finally:
        store.close()


def test_no_status_found_is_no_status(graph, tmp_path):
    """fedramp-products.json (github.com/FedRAMP/marketplace-fedramp-gov-data, 2026-05-15) lists products the
    marketplace does not show with "public_status": "No Status Found" (GSA's publishing script, Code.gs in
    GSA/marketplace-fedramp-gov-data, skips them)."""
    products = {"metadata": {"export_timestamp": "2026-05-15T22:42:01.943Z", "total_products": 1}, "products": [
        {"id": "FR2228932729", "csp": "QuestionPro Gov", "cso": "QuestionPro Gov (QPG)", "impact_level": "Moderate",
         "uei": "RP9LYBJV7958", "public_status": "No Status Found", "internal_status": "No Status Found",
         "auth_date": "", "reuse": 0, "agency_auths": [], "agency_reuse": [], "leveraged_systems": [],
         "authorizing_agency_id": "", "authorizing_subagency_id": "", "small_business": False, "3pao_id": 137004}]}
    path = tmp_path / "fedramp-products.json"
    path.write_text(json.dumps(products), encoding="utf-8")
    result = graph.invoke(fedramp, path)
    assert result.exit_code == 0, result.output
    product = graph.get("product:fedramp-fr2228932729")
    assert product.name == "QuestionPro Gov (QPG)" and "status" not in product.properties


def test_agency_ids_in_a_products_lists_are_looked_up_not_made_agencies(graph, tmp_path):
    """The marketplace's data.json lists a product's reuse agencies by agency id ("agency_reuse":
    ["22-007-04", "22-011", ...], GSA/marketplace-fedramp-gov-data data.json of 2023-04-12); an id is the
    agency of that id in the agencies list, never an agency named "22-011"."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    data["data"]["Products"][2]["agency_reuse"] = ["22-002-03", "#N/A"]
    data["data"]["Products"][2]["agency_authorizations"] = ["22-099"]
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = graph.invoke(fedramp, path)
    assert result.exit_code == 0, result.output
    store = graph.open()
    try:
        assert not [n for n in store.nodes("Agency") if n.name[:1].isdigit()]
        assert ("product:fedramp-fr2200458671", "AUTHORIZED_FOR", "agency:ice") in {e.key for e in store.edges()}
    finally:
        store.close()


@pytest.mark.parametrize("value, es, en", [
    (3, "debería ser una lista, no un número", "should be a list, not a number"),
    (True, "debería ser una lista, no verdadero/falso", "should be a list, not true/false"),
    ({"id": "22-002"}, "debería ser una lista, no un objeto", "should be a list, not an object"),
])
def test_a_list_field_of_another_json_type_says_which_in_the_readers_words(graph, tmp_path, value, es, en):
    """Not Python's names for the type ('int', 'bool', 'dict'), in English inside a Spanish sentence."""
    path = _marketplace_2024(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["data"]["Products"][0]["agency_auths"] = value
    path.write_text(json.dumps(data), encoding="utf-8")
    for lang, expected in (("es", es), ("en", en)):
        result = graph.invoke(fedramp, path, lang=lang)
        assert result.exit_code == 1
        assert f"'agency_auths': {expected}." in result.output


def test_a_date_holding_a_list_or_object_is_rejected_as_such_not_as_its_python_spelling(graph, tmp_path):
    path = _marketplace_2024(tmp_path, AtoMapping=[
        {"id": "FR1234567890", "parent": "Department of Homeland Security",
         "sub": "Immigration and Customs Enforcement", "ato_date": ["2019-04-10"]}])
    result = graph.invoke(fedramp, path, "--skip-invalid")
    assert result.exit_code == 0, result.output
    rejects = (tmp_path / "rejects.csv").read_text(encoding="utf-8")
    assert 'data.AtoMapping[0],ato_date,"[""2019-04-10""]","should be text, not a list"' in rejects


def test_the_note_of_impossible_years_names_the_field_in_the_readers_language(graph, tmp_path):
    result = graph.invoke(fedramp, _marketplace_2024(tmp_path), lang="es")
    assert result.exit_code == 0, result.output
    assert "data.ReuseMapping[1], campo 'ato_date': '0202-04-26T04:56:02.000Z'" in result.output
