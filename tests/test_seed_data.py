"""The cited seed data: every fact sourced, every alias found, the story's paths explained."""
import re
import unicodedata

import pytest

from graph.explain import explain
from graph.lookup import resolve
from graph.store_networkx import EmbeddedStore
from loaders.seed import load_seed

# The last paragraph of ../shared/FACTS.md: names users will type, and who they mean.
ALIASES = {
    "Palantir": "company:palantir-technologies", "Palantir USG": "company:palantir-usg",
    "Palantir Technologies": "company:palantir-technologies", "AWS": "company:amazon-web-services",
    "Amazon Web Services": "company:amazon-web-services", "Amazon.com": "company:amazon",
    "ICE": "agency:ice", "Inmigración y Control de Aduanas": "agency:ice", "DHS": "agency:dhs",
    "Departamento de Seguridad Nacional": "agency:dhs", "HSI": "agency:hsi", "FALCON": "product:falcon-sa",
    "FALCON-SA": "product:falcon-sa", "Falcón": "product:falcon-sa", "ICM": "product:icm",
    "CoreCivic": "company:corecivic", "CCA": "company:corecivic", "GEO": "company:geo-group",
    "HP": "company:hewlett-packard", "HPE": "company:hewlett-packard", "Hewlett-Packard": "company:hewlett-packard",
}


def _variants(name: str) -> list[str]:
    bare = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return [name, name.lower(), name.upper(), bare, re.sub(r"[-.]", " ", bare).lower()]


@pytest.mark.parametrize("name, entity", ALIASES.items())
def test_every_alias_users_type_finds_the_right_entity(seed_store, name, entity):
    for variant in _variants(name):
        assert seed_store.search(variant)[0].node.id == entity, variant
        assert resolve(seed_store, variant).id == entity, variant


def test_every_relationship_cites_existing_sources_and_evidence(seed_store):
    kinds = set()
    for edge in seed_store.edges():
        assert edge.sources, edge.key
        for source_id in edge.sources:
            assert seed_store.get(source_id).label == "Source", (edge.key, source_id)
        kinds.add(edge.evidence)
        if edge.evidence == "seed":
            assert edge.properties.get("quote") and edge.properties.get("quote_en"), edge.key
    assert kinds == {"seed", "public_record", "reported"}


def test_seed_quotes_are_printed_in_the_articles(seed_store, seed_articles):
    for edge in seed_store.edges():
        if edge.evidence == "seed" and edge.properties.get("quote_lang") == "es":
            assert edge.properties["quote"] in seed_articles, edge.key


def test_seed_articles_are_sources_with_their_metadata(seed_store):
    articles = [n for n in seed_store.nodes("Source") if n.properties.get("kind") == "article"]
    assert {a.properties.get("file") for a in articles} == {"000_e510418e459e55ab.txt", "001_d01f78f2b3b80685.txt"}
    foco = seed_store.get("source:foco-tucson-notechforice")
    assert foco.properties["author"] == "Ruby Wray" and foco.properties["language"] == "es"
    assert seed_store.get("source:ice-out-of-tech-petition").properties["date"] == "2026-02-05"


def test_every_node_is_described_in_both_languages(seed_store):
    for node in seed_store.nodes():
        if node.label != "Source":
            assert node.properties.get("description_es") and node.properties.get("description_en"), node.id


def test_public_record_identifiers_are_sources_of_their_own(seed_store):
    identifiers = {n.properties.get("identifier") for n in seed_store.nodes("Source")}
    assert {"HSCETC14C00002", "HSCETC15C00001", "70CMSD18FR0000022", "DHS/ICE/PIA-032"} <= identifiers


def test_agency_hierarchy(seed_store):
    parents = {e.source: e.target for e in seed_store.edges() if e.type == "PART_OF"}
    assert parents["agency:hsi"] == parents["agency:ero"] == "agency:ice"
    assert {parents[a] for a in ("agency:ice", "agency:cbp", "agency:uscis", "agency:obim")} == {"agency:dhs"}


@pytest.mark.parametrize("lang", ["es", "en"])
def test_palantir_reaches_hsi_through_icm_with_citations(seed_store, lang):
    paths = seed_store.paths("company:palantir-technologies", "agency:hsi", k=3)
    through = {p.node_ids[1] for p in paths if len(p) == 2}
    assert {"product:icm", "product:falcon-sa"} <= through
    icm = next(p for p in paths if p.node_ids[1] == "product:icm")
    text = explain(icm, lang, seed_store.get).full_text()
    assert "[1]" in text and "Foco de Tucson" in text and "Ruby Wray" in text
    assert ("ICM es la herramienta principal de gestión de casos" if lang == "es" else "main case") in text


@pytest.mark.parametrize("lang, word", [("es", "usa"), ("en", "uses")])
def test_falcon_sa_reaches_hsi_with_citations(seed_store, lang, word):
    path = seed_store.paths("product:falcon-sa", "agency:hsi")[0]
    assert path.node_ids == ("product:falcon-sa", "agency:hsi")
    explanation = explain(path, lang, seed_store.get)
    assert word in explanation.text() and explanation.text().endswith("[1].")
    assert "PIA-032" in explanation.footnotes[0].citation


def test_aws_reaches_ice(seed_store):
    path = seed_store.paths("company:amazon-web-services", "agency:ice")[0]
    assert path.node_ids == ("company:amazon-web-services", "agency:ice")


def test_loading_twice_gives_the_same_counts(db_path):
    store = EmbeddedStore(db_path)
    first = load_seed(store)
    counts = store.stats()
    second = load_seed(store)
    assert first.nodes_created > 50 and first.edges_created > 50
    assert (second.nodes_created, second.edges_created, second.nodes_updated, second.edges_updated) == (0, 0, 0, 0)
    assert EmbeddedStore(db_path).stats() == counts
