"""The declared schema: node labels and relationship types, read from graph/schema/*.yaml.

Loaders, stores, the app and the docs all read the schema from here, and it is
checked on import so that a typo in the YAML fails at once, not on a page.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from graph import yaml_text

from graph.errors import SchemaError

SCHEMA_DIR = Path(__file__).parent / "schema"
PROPERTY_TYPES = frozenset({"string", "text", "date", "amount", "integer", "url", "list"})
LANGS = ("es", "en")


@dataclass(frozen=True)
class Property:
    name: str
    type: str
    required: bool = False
    doc: str = ""
    identifier: bool = False  # searched whole (graph.search): a query equal to it or starting it, not its words


@dataclass(frozen=True)
class Label:
    name: str
    id_prefix: str
    texts: dict[str, str]
    properties: dict[str, Property]

    @property
    def identifiers(self) -> tuple[str, ...]:
        """The properties declared `identifier: true`, in schema order."""
        return tuple(name for name, prop in self.properties.items() if prop.identifier)

    def title(self, lang: str, plural: bool = False) -> str:
        return self.texts[f"{'plural' if plural else 'label'}_{lang}"]

    def doc(self, lang: str) -> str:
        return self.texts[f"doc_{lang}"]


@dataclass(frozen=True)
class RelType:
    name: str
    sources: frozenset[str]
    targets: frozenset[str]
    texts: dict[str, str]

    def doc(self, lang: str) -> str:
        return self.texts[f"doc_{lang}"]

    def reverse(self, lang: str) -> str:
        return self.texts[f"reverse_{lang}"]

    def sentence(self, lang: str, source: str, target: str) -> str:
        return self.texts[f"sentence_{lang}"].format(source=source, target=target)


@dataclass(frozen=True)
class Schema:
    labels: dict[str, Label]
    rel_types: dict[str, RelType]
    rel_properties: dict[str, Property]
    evidence: dict[str, dict[str, str]] = field(default_factory=dict)
    node_common: dict[str, Property] = field(default_factory=dict)  # properties every label has

    def label_for_id(self, node_id: str) -> Label | None:
        prefix = node_id.split(":", 1)[0]
        return next((lab for lab in self.labels.values() if lab.id_prefix == prefix), None)


def _properties(raw: dict, where: str) -> dict[str, Property]:
    props = {}
    for name, spec in (raw or {}).items():
        kind = spec.get("type")
        if kind not in PROPERTY_TYPES:
            raise SchemaError(f"{where}: property '{name}' has unknown type {kind!r}")
        identifier = bool(spec.get("identifier", False))
        if identifier and kind != "string":
            raise SchemaError(f"{where}: identifier property '{name}' must be a string, not {kind}")
        props[name] = Property(name, kind, bool(spec.get("required", False)), spec.get("doc", ""), identifier)
    return props


def _texts(raw: dict, keys: tuple[str, ...], where: str) -> dict[str, str]:
    wanted = [f"{key}_{lang}" for key in keys for lang in LANGS]
    missing = [k for k in wanted if not raw.get(k)]
    if missing:
        raise SchemaError(f"{where}: missing {', '.join(missing)}")
    return {k: str(raw[k]) for k in wanted}


def load_schema(directory: Path = SCHEMA_DIR) -> Schema:
    """Read and check the schema files; raise SchemaError on any inconsistency."""
    labels_raw = yaml_text.load((directory / "labels.yaml").read_text(encoding="utf-8"))
    rels_raw = yaml_text.load((directory / "relationships.yaml").read_text(encoding="utf-8"))
    common = _properties(labels_raw["common"], "labels.yaml common")
    labels = {}
    for name, spec in labels_raw["labels"].items():
        where = f"labels.yaml {name}"
        own = _properties(spec.get("properties"), where)
        clash = set(own) & set(common)
        if clash:
            raise SchemaError(f"{where}: redefines common properties {sorted(clash)}")
        labels[name] = Label(name, spec["id_prefix"], _texts(spec, ("label", "plural", "doc"), where),
                             {**common, **own})
    prefixes = [lab.id_prefix for lab in labels.values()]
    if len(prefixes) != len(set(prefixes)):
        raise SchemaError("labels.yaml: id_prefix values must be unique")
    rel_types = {}
    for name, spec in rels_raw["types"].items():
        where = f"relationships.yaml {name}"
        ends = {end: frozenset(spec.get(end) or ()) for end in ("from", "to")}
        unknown = (ends["from"] | ends["to"]) - set(labels)
        if unknown or not ends["from"] or not ends["to"]:
            raise SchemaError(f"{where}: bad from/to labels {sorted(unknown)}")
        rel_types[name] = RelType(name, ends["from"], ends["to"],
                                  _texts(spec, ("doc", "reverse", "sentence"), where))
    evidence = rels_raw["evidence"]
    for kind, texts in evidence.items():
        _texts(texts, ("label",), f"relationships.yaml evidence {kind}")
    return Schema(labels, rel_types, _properties(rels_raw["common"], "relationships.yaml common"), evidence, common)


@cache
def get_schema() -> Schema:
    """The project's schema, loaded once."""
    return load_schema()


get_schema()  # fail on import if the YAML is broken
