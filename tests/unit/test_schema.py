"""The declared schema is complete, bilingual and rejects bad records with file, row and field."""
import pytest

from graph.errors import LoadError, SchemaError
from graph.model import make_edge, make_node
from graph.schema import SCHEMA_DIR, get_schema, load_schema

REQUIRED_LABELS = {"Company", "Agency", "Contract", "Product", "Person", "Organization", "Campaign", "Event", "Source"}
REQUIRED_TYPES = {"PART_OF", "SUBSIDIARY_OF", "AWARDED", "AWARDED_TO", "SUBCONTRACTOR_ON", "FOR_PRODUCT",
                  "DEVELOPS", "USES", "HOSTS", "AUTHORIZED_FOR", "LEADS", "MEMBER_OF", "AUTHORED",
                  "COMMISSIONED", "TARGETS"}


def test_schema_declares_every_label_and_type_in_both_languages():
    schema = get_schema()
    assert REQUIRED_LABELS <= set(schema.labels)
    assert REQUIRED_TYPES <= set(schema.rel_types)
    for label in schema.labels.values():
        assert label.title("es") and label.title("en") and label.doc("es") and label.doc("en")
    for rel in schema.rel_types.values():
        assert rel.sentence("es", "A", "B") != rel.sentence("en", "A", "B")
        assert rel.doc("es") and rel.reverse("en")


def test_node_with_unknown_label_names_file_row_and_field():
    with pytest.raises(LoadError) as info:
        make_node({"label": "Compnay", "id": "company:x", "name": "X"}, path="seed.yaml", row=7)
    assert str(info.value).startswith("seed.yaml, row 7, field 'label': unknown label 'Compnay'")


def test_node_with_unknown_property_is_rejected():
    with pytest.raises(LoadError, match="field 'nmae'"):
        make_node({"label": "Company", "id": "company:x", "nmae": "X", "name": "X"}, path="f", row=1)


def test_node_id_must_carry_the_label_prefix():
    with pytest.raises(LoadError, match="id must look like 'agency:<key>'"):
        make_node({"label": "Agency", "id": "company:ice", "name": "ICE"})


@pytest.mark.parametrize("field, value, message", [
    ("type", "SELLS", "unknown relationship type"),
    ("evidence", "rumour", "evidence must be one of"),
    ("start", "2014-31-01", "not a valid date"),
    ("amount_usd", "lots", "not a valid amount"),
    ("sources", [], "required value is missing"),
])
def test_edge_errors_name_the_field(field, value, message):
    raw = {"source": "company:a", "type": "DEVELOPS", "target": "product:b", "evidence": "seed",
           "sources": ["source:s"], field: value}
    with pytest.raises(LoadError) as info:
        make_edge(raw, path="rels.csv", row=3)
    assert f"rels.csv, row 3, field '{field}'" in str(info.value)
    assert message in str(info.value)


def test_clean_edge_converts_types():
    edge = make_edge({"source": "contract:X", "type": "AWARDED_TO", "target": "company:y", "evidence": "public_record",
                      "sources": "source:a; source:b", "amount_usd": "1,270,000", "fiscal_year": "2018"})
    assert edge.sources == ["source:a", "source:b"]
    assert edge.properties["amount_usd"] == 1_270_000.0 and edge.properties["fiscal_year"] == 2018


def test_identifiers_are_declared_string_properties(tmp_path):
    assert get_schema().labels["Contract"].identifiers == ("award_key",)
    assert get_schema().labels["Company"].identifiers == ()
    for name in ("labels.yaml", "relationships.yaml"):
        text = (SCHEMA_DIR / name).read_text(encoding="utf-8")
        if name == "labels.yaml":
            text = text.replace("fiscal_year: {type: integer}", "fiscal_year: {type: integer, identifier: true}")
        (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(SchemaError, match="Contract: identifier property 'fiscal_year' must be a string"):
        load_schema(tmp_path)
