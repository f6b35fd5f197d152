"""The schema as a Markdown page (docs/SCHEMA.md), generated so the docs never drift from the YAML."""
from __future__ import annotations

from graph.schema import Schema, get_schema
from graph.search import ID_PREFIX

IDENTIFIER_MARK = "†"


def schema_markdown(schema: Schema | None = None) -> str:
    """Labels, their properties and the relationship types, in Spanish and English."""
    schema = schema or get_schema()
    lines = ["# Hilos graph schema / Esquema del grafo", "",
             "Generated from `graph/schema/*.yaml` by `python -m graph schema`; do not edit by hand.", "",
             "## Node labels / Etiquetas", "", "| label | es | en | id | properties |", "|---|---|---|---|---|"]
    common = set(schema.node_common)
    for label in schema.labels.values():
        own = sorted(set(label.properties) - common)
        named = [f"`{p}`{IDENTIFIER_MARK if label.properties[p].identifier else ''}" for p in own]
        lines.append(f"| `{label.name}` | {label.title('es')}: {label.doc('es')} | {label.title('en')}: "
                     f"{label.doc('en')} | `{label.id_prefix}:…` | {', '.join(named) or '–'} |")
    lines += ["", f"Every node: {', '.join(f'`{p}`' for p in sorted(common))}.", "",
              f"{IDENTIFIER_MARK} Identifier: search finds the node by the whole value or its start ({ID_PREFIX} "
              "characters or more), not by its words. / Identificador: la búsqueda encuentra el nodo por el valor "
              f"entero o por su comienzo ({ID_PREFIX} caracteres o más), no por sus palabras.", "",
              "## Relationship types / Tipos de relación", "",
              "| type | from → to | es | en |", "|---|---|---|---|"]
    for rel in schema.rel_types.values():
        ends = f"{', '.join(sorted(rel.sources))} → {', '.join(sorted(rel.targets))}"
        lines.append(f"| `{rel.name}` | {ends} | {rel.doc('es')} | {rel.doc('en')} |")
    lines += ["", "Every relationship: " + ", ".join(
        f"`{p.name}`{' (required)' if p.required else ''}" for p in schema.rel_properties.values()) + ".", "",
        "## Evidence / Evidencia", "", "| evidence | es | en |", "|---|---|---|"]
    lines += [f"| `{kind}` | {texts['label_es']} | {texts['label_en']} |" for kind, texts in schema.evidence.items()]
    return "\n".join(lines) + "\n"
