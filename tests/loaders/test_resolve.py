"""Entity resolution: UEI, then normalized name, then parent UEI; different UEIs never merge silently."""
import pytest

from graph.model import Edge, Node
from graph.store_networkx import EmbeddedStore
from loaders.graphbatch import GraphBatch
from loaders.report import LoadReport
from loaders.resolve import Overrides, Resolver, agency_key, company_key

SRC = {"evidence": "public_record", "sources": ["source:s"]}


@pytest.mark.parametrize("a, b", [
    ("PALANTIR TECHNOLOGIES INC.", "Palantir Technologies Inc"),
    ("PALANTIR TECHNOLOGIES INC.", "Palantir Technologies"),
    ("PALANTIR USG, INC.", "PALANTIR USG INC"),
    ("FOUR POINTS TECHNOLOGY, L.L.C.", "Four Points Technology LLC"),
    ("WEST PUBLISHING CORPORATION", "West Publishing Corp."),
    ("The GEO Group, Inc.", "GEO GROUP INC"),
    ("Amazon.com, Inc.", "AMAZON.COM INC"),
    ("Falcón Data Co", "FALCON DATA"),
])
def test_company_keys_ignore_case_accents_punctuation_and_suffixes(a, b):
    assert company_key(a) == company_key(b)


def test_company_keys_keep_real_differences():
    assert company_key("PALANTIR USG INC") != company_key("PALANTIR TECHNOLOGIES INC")
    assert company_key("INC") == "inc"  # a name is never reduced to nothing


def test_agency_keys_ignore_us_prefix():
    assert agency_key("U.S. Immigration and Customs Enforcement") == agency_key("Immigration and Customs Enforcement")
    assert agency_key("Department of Homeland Security") == agency_key("DEPARTMENT OF HOMELAND SECURITY")


def _store(tmp_path, nodes, edges=()):
    store = EmbeddedStore(tmp_path / "g.json")
    store.write([Node("source:s", "Source", {"name": "S"}), *nodes], list(edges))
    return store


def _resolver(store, overrides=None):
    report = LoadReport("test")
    return Resolver(GraphBatch(store), report, overrides), report


def test_uei_first_then_name_and_variants_become_aliases(tmp_path):
    store = _store(tmp_path, [Node("company:p", "Company", {"name": "Palantir Technologies"})])
    resolver, report = _resolver(store)
    assert resolver.company("PALANTIR TECHNOLOGIES INC.", "AAAAAAAAAAA1") == "company:p"
    assert resolver.company("Palantir Technologies Inc", "AAAAAAAAAAA1") == "company:p"  # by UEI now
    built = resolver.batch.build()
    node = next(n for n in built.nodes if n.id == "company:p")
    assert node.name == "Palantir Technologies"
    assert node.properties["uei"] == "AAAAAAAAAAA1"
    assert node.aliases == ["PALANTIR TECHNOLOGIES INC.", "Palantir Technologies Inc"]
    reasons = [str(m.reason) for m in report.merges]
    assert reasons[0].startswith("same normalized name 'palantirtechnologies'; UEI AAAAAAAAAAA1 recorded")
    assert reasons[1] == "same UEI (name variant kept as alias)"


def test_different_ueis_are_never_merged_silently(tmp_path):
    store = _store(tmp_path, [Node("company:x", "Company", {"name": "Acme Data", "uei": "AAAAAAAAAAA1"})])
    resolver, report = _resolver(store)
    other = resolver.company("ACME DATA INC", "BBBBBBBBBBB2")
    assert other == "company:BBBBBBBBBBB2"
    assert [m.into for m in report.merges] == ["(kept apart)"]
    assert "different UEIs are never merged" in str(report.merges[0].reason)


def test_parent_uei_breaks_a_tie_between_same_named_companies(tmp_path):
    store = _store(tmp_path, [
        Node("company:acme-a", "Company", {"name": "Acme"}),
        Node("company:acme-b", "Company", {"name": "ACME INC"}),
        Node("company:parent", "Company", {"name": "Parent Holdings", "uei": "PPPPPPPPPPP1"}),
    ], [Edge("company:acme-b", "SUBSIDIARY_OF", "company:parent", SRC)])
    resolver, report = _resolver(store)
    assert resolver.company("ACME", None, parent_uei="PPPPPPPPPPP1") == "company:acme-b"
    assert "parent UEI PPPPPPPPPPP1" in str(report.merges[-1].reason)
    resolver2, report2 = _resolver(store)
    new = resolver2.company("ACME", None)
    assert new not in ("company:acme-a", "company:acme-b")
    assert "ambiguous" in str(report2.merges[0].reason)


def test_overrides_force_and_forbid(tmp_path):
    store = _store(tmp_path, [Node("company:aws", "Company", {"name": "Amazon Web Services"}),
                              Node("company:usg", "Company", {"name": "Palantir USG"})])
    path = tmp_path / "o.yaml"
    path.write_text("force:\n  - {uei: ZZZZZZZZZZZ9, id: 'company:usg'}\n"
                    "forbid:\n  - {name: 'AMAZON WEB SERVICES INC', id: 'company:aws'}\n")
    resolver, report = _resolver(store, Overrides.load(path))
    assert resolver.company("SOMETHING ELSE LLC", "ZZZZZZZZZZZ9") == "company:usg"
    assert resolver.company("Amazon Web Services, Inc.", None) != "company:aws"
    assert str(report.merges[0].reason) == "forced by the overrides file"


def test_offices_only_match_within_their_sub_agency(tmp_path):
    store = _store(tmp_path, [
        Node("agency:ice", "Agency", {"name": "U.S. Immigration and Customs Enforcement"}),
        Node("agency:hsi", "Agency", {"name": "Homeland Security Investigations", "aliases": ["HSI"]}),
        Node("agency:cbp", "Agency", {"name": "U.S. Customs and Border Protection"}),
    ], [Edge("agency:hsi", "PART_OF", "agency:ice", SRC)])
    resolver, _ = _resolver(store)
    assert resolver.agency("HOMELAND SECURITY INVESTIGATIONS", parent="agency:ice", office=True) == "agency:hsi"
    assert resolver.agency("HOMELAND SECURITY INVESTIGATIONS", parent="agency:cbp", office=True,
                           code="70B0X1") == "agency:office-70b0x1"
    office = resolver.agency("ICE HSI CYBER CRIMES CENTER", parent="agency:ice", code="70CX01", office=True)
    assert resolver.office_home(office, "ICE HSI CYBER CRIMES CENTER", "agency:ice") == "agency:hsi"
