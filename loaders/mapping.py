"""Any CSV or spreadsheet, described by a small YAML mapping: which columns make which nodes and relationships.

A mapping (see loaders/mappings/atlas_of_surveillance.yaml and docs/LOADING.md):

    columns: [Agency, State, Technology, Vendor, "Link 1"]  # required; missing ones are listed
    source:                      # the Source node for the whole file
      id: source:atlas-of-surveillance
      name: Atlas of Surveillance
      kind: report
    row_source:                  # optional: one Source per row, cited by that row's relationships
      id: "source:aos-{AOSNUMBER}"
      name: "Atlas of Surveillance {AOSNUMBER}"
      url: "{Link 1}"
    nodes:
      agency:
        label: Agency
        id: "agency:{Agency|slug}-{State|slug}"   # used when no existing node matches
        name: "{Agency}"
        match: name        # name (default): reuse a node with this name or alias; company: full
                           # company resolution (add `uei:`); none: always the id template
        properties: {country: US}
      vendor: {label: Company, id: "company:{Vendor|slug}", name: "{Vendor}", match: company}
    relationships:
      - {source: agency, type: USES, target: technology, evidence: reported}

Templates: "{Column}" is the cell's text; filters after "|": slug, upper, lower,
title, strip, year. A node whose name comes out empty is skipped for that row
(with the relationships touching it). Values are converted by the schema's
types, and a malformed one names the file, row, column and value.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph import yaml_text
from graph.errors import LoadError
from graph.i18n import Message, reading_problem
from graph.schema import Schema
from graph.text import slugify
from graph.types import CLEANERS
from loaders import values
from loaders.graphbatch import GraphBatch
from loaders.report import LoadReport, Progress, examples, rows_with_progress
from loaders.resolve import Resolver
from loaders.sources_io import open_tables

MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"


def _date(value: object) -> str | None:
    """A sheet's date as the loaders read dates (loaders.values.date: "10/1/18", "2017/2018" too), else None."""
    try:
        return values.date(value) if isinstance(value, str) else CLEANERS["date"](value)
    except values.BadValue:
        return None


#: The schema's cleaners, by property type; dates read as the other loaders read them.
SHEET_CLEANERS = {**CLEANERS, "date": _date}

_FIELD = re.compile(r"\{([^{}|]+)((?:\|[a-z]+)*)\}")
FILTERS = {
    "slug": slugify, "upper": str.upper, "lower": str.lower, "title": str.title, "strip": str.strip,
    "year": lambda s: (re.search(r"(1[89]|20)[0-9]{2}", s) or [""])[0],
}
MATCHES = ("name", "company", "none")


def render(template: Any, row: dict[str, str]) -> str:
    """Fill a template from a row; a template made only of empty fields renders as ''."""
    if not isinstance(template, str):
        return "" if template is None else str(template)
    filled_any = False

    def fill(match: re.Match) -> str:
        nonlocal filled_any
        value = row.get(match.group(1).strip(), "").strip()
        for name in filter(None, match.group(2).split("|")):
            value = FILTERS[name](value)
        filled_any = filled_any or bool(value)
        return value

    text = _FIELD.sub(fill, template)
    if _FIELD.search(template) and not filled_any:
        return ""
    return text.strip()


def columns_of(template: Any) -> list[str]:
    return [m.group(1).strip() for m in _FIELD.finditer(template)] if isinstance(template, str) else []


@dataclass
class NodeSpec:
    alias: str
    label: str
    id: str
    name: str
    match: str = "name"
    uei: str | None = None
    lookup: list[str] = field(default_factory=list)  # more texts to match existing nodes by
    aliases: list[str] = field(default_factory=list)
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass
class RelSpec:
    source: str
    type: str
    target: str
    evidence: str
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass
class Mapping:
    path: str
    columns: list[str]
    source: dict[str, Any]
    row_source: dict[str, Any] | None
    nodes: dict[str, NodeSpec]
    relationships: list[RelSpec]

    def referenced_columns(self) -> list[str]:
        found: list[str] = []
        templates: list[Any] = [*(self.row_source or {}).values()]
        for spec in self.nodes.values():
            templates += [spec.id, spec.name, spec.uei, *spec.lookup, *spec.aliases, *spec.properties.values()]
        for rel in self.relationships:
            templates += list(rel.properties.values())
        for template in templates:
            found += columns_of(template)
        return list(dict.fromkeys(found))


def resolve_mapping_path(text: str) -> Path:
    """A mapping file path, or the name of a mapping shipped in loaders/mappings/."""
    path = Path(text)
    if path.exists():
        return path
    shipped = MAPPINGS_DIR / (text if text.endswith((".yaml", ".yml")) else f"{text}.yaml")
    if shipped.exists():
        return shipped
    known = ", ".join(p.stem for p in sorted(MAPPINGS_DIR.glob("*.yaml")))
    raise LoadError(Message("mapping.not_found", known=known), path=text)


def _properties(spec: dict, where: str, field_name: str) -> dict[str, Any]:
    """A spec's `properties`: names (text) to templates; anything else names the field."""
    props = spec.get("properties") or {}
    if not isinstance(props, dict) or not all(isinstance(name, str) for name in props):
        raise LoadError(Message("mapping.properties"), path=where, field=f"{field_name}.properties")
    return props


def _check_template(template: Any, where: str, field_name: str) -> None:
    """A template is text (or a number) and its filters exist: a list or mapping there (perhaps a YAML alias of a
    huge one) would be rendered as its Python spelling on every row, and an unknown filter fail mid-load."""
    if isinstance(template, (dict, list)):
        raise LoadError(Message("mapping.not_text", kind=Message("mapping.a_mapping" if isinstance(template, dict)
                                                          else "mapping.a_list")), path=where,
                        field=field_name)
    for match in _FIELD.finditer(template) if isinstance(template, str) else ():
        unknown = [name for name in match.group(2).split("|") if name and name not in FILTERS]
        if unknown:
            raise LoadError(Message("mapping.unknown_filter", name=unknown[0], known=", ".join(FILTERS)), path=where,
                            field=field_name)


def _templates(source: dict, row_source: dict | None, nodes: dict[str, NodeSpec], relationships: list[RelSpec],
               columns: list) -> list[tuple[str, Any]]:
    """Every (field, template) of a mapping, for `_check_template`."""
    found = [(f"source.{key}", value) for key, value in source.items()]
    found += [(f"row_source.{key}", value) for key, value in (row_source or {}).items()]
    for alias, spec in nodes.items():
        at = f"nodes.{alias}"
        found += [(f"{at}.id", spec.id), (f"{at}.name", spec.name), (f"{at}.uei", spec.uei)]
        found += [(f"{at}.aliases", t) for t in spec.aliases] + [(f"{at}.lookup", t) for t in spec.lookup]
        found += [(f"{at}.properties.{key}", value) for key, value in spec.properties.items()]
    for number, rel in enumerate(relationships, 1):
        found += [(f"relationships[{number}].properties.{key}", value) for key, value in rel.properties.items()]
    return found + [("columns", column) for column in columns]


def load_mapping(path: Path, schema: Schema) -> Mapping:
    """Read and check a mapping file: labels, types, node names and evidence must exist."""
    where = str(path)
    try:
        data = yaml_text.load(path.read_text(encoding="utf-8-sig"))
    except (OSError, yaml_text.YAMLError, UnicodeDecodeError) as exc:
        raise LoadError(Message("mapping.unreadable", error=reading_problem(exc)), path=where) from exc
    if not isinstance(data, dict):
        raise LoadError(Message("mapping.not_mapping"), path=where)
    unknown = sorted(set(data) - {"name", "description", "columns", "source", "row_source", "nodes",
                                  "relationships", "evidence"}, key=str)
    if unknown:
        raise LoadError(Message("mapping.unknown_key"),
                        path=where, field=unknown[0])
    source = data.get("source")
    if not isinstance(source, dict) or not str(source.get("id", "")).startswith("source:") or not source.get("name"):
        raise LoadError(Message("mapping.source"), path=where, field="source")
    row_source = data.get("row_source")
    if row_source is not None and (not isinstance(row_source, dict) or not row_source.get("id")
                                   or not row_source.get("name")):
        raise LoadError(Message("mapping.row_source"), path=where, field="row_source")
    raw_nodes = data.get("nodes")
    if not isinstance(raw_nodes, dict) or not raw_nodes:
        raise LoadError(Message("mapping.nodes"), path=where, field="nodes")
    nodes: dict[str, NodeSpec] = {}
    for alias, spec in raw_nodes.items():
        field_name = f"nodes.{alias}"
        if not isinstance(spec, dict):
            raise LoadError(Message("mapping.must_be_mapping"), path=where, field=field_name)
        label = spec.get("label")
        if not isinstance(label, str) or label not in schema.labels:
            raise LoadError(Message("record.unknown_label", label=repr(label), known=", ".join(schema.labels)),
                            path=where, field=f"{field_name}.label")
        prefix = schema.labels[label].id_prefix
        if not isinstance(spec.get("id"), str) or not spec["id"].startswith(f"{prefix}:"):
            raise LoadError(Message("mapping.id_prefix", prefix=prefix), path=where, field=f"{field_name}.id")
        if not isinstance(spec.get("name"), str) or not spec["name"].strip():
            raise LoadError(Message("mapping.name_required"), path=where, field=f"{field_name}.name")
        match = spec.get("match", "name")
        if not isinstance(match, str) or match not in MATCHES:
            raise LoadError(Message("mapping.match", allowed=", ".join(MATCHES)), path=where,
                            field=f"{field_name}.match")
        props = _properties(spec, where, field_name)
        allowed = schema.labels[label].properties
        bad = sorted(set(props) - set(allowed) | ({"id", "name"} & set(props)))
        if bad:
            raise LoadError(Message("mapping.bad_property", label=label), path=where,
                            field=f"{field_name}.properties.{bad[0]}")
        aliases = spec.get("aliases") or []
        lookup = spec.get("lookup") or []
        nodes[alias] = NodeSpec(alias, label, spec["id"], spec["name"], match, spec.get("uei"),
                                list(lookup) if isinstance(lookup, list) else [lookup],
                                list(aliases) if isinstance(aliases, list) else [aliases], dict(props))
    relationships: list[RelSpec] = []
    default_evidence = data.get("evidence", "reported")
    raw_relationships = data.get("relationships") or []
    if not isinstance(raw_relationships, list):
        raise LoadError(Message("mapping.relationships"), path=where, field="relationships")
    for number, rel in enumerate(raw_relationships, 1):
        field_name = f"relationships[{number}]"
        if not isinstance(rel, dict):
            raise LoadError(Message("mapping.must_be_mapping"), path=where, field=field_name)
        for end in ("source", "target"):
            if not isinstance(rel.get(end), str) or rel[end] not in nodes:
                raise LoadError(Message("mapping.end", end=end, nodes=", ".join(nodes)), path=where,
                                field=f"{field_name}.{end}")
        rel_type = rel.get("type")
        if not isinstance(rel_type, str) or rel_type not in schema.rel_types:
            raise LoadError(Message("mapping.unknown_type", type=repr(rel_type)), path=where,
                            field=f"{field_name}.type")
        spec = schema.rel_types[rel_type]
        for end, allowed in (("source", spec.sources), ("target", spec.targets)):
            label = nodes[rel[end]].label
            if label not in allowed:
                raise LoadError(Message("mapping.wrong_end", type=rel_type, label=label, end=end), path=where,
                                field=f"{field_name}.{end}")
        evidence = rel.get("evidence", default_evidence)
        if not isinstance(evidence, str) or evidence not in schema.evidence:
            raise LoadError(Message("mapping.evidence", allowed=", ".join(schema.evidence)), path=where,
                            field=f"{field_name}.evidence")
        props = _properties(rel, where, field_name)
        bad = sorted(set(props) - set(schema.rel_properties) | ({"sources", "evidence"} & set(props)))
        if bad:
            raise LoadError(Message("mapping.bad_rel_property"), path=where,
                            field=f"{field_name}.properties.{bad[0]}")
        relationships.append(RelSpec(rel["source"], rel_type, rel["target"], evidence, dict(props)))
    columns = data.get("columns") or []
    if not isinstance(columns, list):
        raise LoadError(Message("mapping.columns"), path=where, field="columns")
    for field_name, template in _templates(source, row_source, nodes, relationships, columns):
        _check_template(template, where, field_name)
    return Mapping(where, [str(c) for c in columns], source, row_source, nodes, relationships)


@dataclass
class MappingLoad:
    mapping: Mapping
    batch: GraphBatch
    resolver: Resolver
    report: LoadReport
    placeholders: list[Message] = field(default_factory=list)  # date cells without a digit, where they are

    def _clean(self, label: str | None, props: dict[str, Any], templates: dict[str, Any], where: dict,
               rel: bool = False) -> dict[str, Any] | None:
        """Convert rendered values with the schema's cleaners; a bad one is a malformed reject."""
        schema = self.batch.schema
        spec = schema.rel_properties if rel else schema.labels[label].properties
        out: dict[str, Any] = {}
        for name, value in props.items():
            if value in ("", None, []):
                continue
            column = (columns_of(templates.get(name)) or [name])[0]
            if spec[name].type == "date" and isinstance(value, str) and not re.search(r"[0-9]", value):
                # A date cell with no digit ("Unknown", or another column's text shifted into it) is unknown.
                self.placeholders.append(Message("notice.at_row_column", row=where["row"], column=column,
                                                 value=repr(value)))
                continue
            cleaned = SHEET_CLEANERS[spec[name].type](value)
            if cleaned is None:
                self.report.reject(where["file"], where["row"], column, value,
                                   Message("reject.bad_property", type=Message(f"valid.{spec[name].type}"), name=name),
                                   malformed=True)
                return None
            out[name] = cleaned
        return out

    def read(self, path: Path) -> None:
        mapping, report = self.mapping, self.report
        source_props = {k: v for k, v in mapping.source.items() if k != "id"}
        self.batch.add_node(mapping.source["id"], "Source", source_props)
        needed = list(dict.fromkeys([*mapping.columns, *mapping.referenced_columns()]))
        for table in open_tables(path, spreadsheets=True, wanted=needed):
            report.files.append(table.name)
            table.require(needed)
            progress = Progress(Path(table.name).name, table.size, lang=report.lang)
            try:
                for number, cells in rows_with_progress(table.rows(), progress, table.position):
                    report.rows_read += 1
                    row = dict(zip(table.header, cells))
                    self._row(table.name, number, row)
            finally:
                progress.done()
                table.close()
        if self.placeholders:
            report.notice(Message("notice.dates_without_digit", count=f"{len(self.placeholders):,}",
                                  examples=examples(self.placeholders)))

    def _row(self, name: str, number: int, row: dict[str, str]) -> None:
        mapping, report, resolver, batch = self.mapping, self.report, self.resolver, self.batch
        where = {"file": name, "row": number}
        sources = [mapping.source["id"]]
        if mapping.row_source:
            rendered = {k: render(v, row) for k, v in mapping.row_source.items()}
            if rendered.get("id") and rendered.get("name"):
                row_id = rendered["id"] if rendered["id"].startswith("source:") else f"source:{rendered['id']}"
                props = self._clean("Source", {k: v for k, v in rendered.items() if k != "id"},
                                    mapping.row_source, where)
                if props is None:
                    return
                pending_source = (row_id, props)
                sources = [row_id, mapping.source["id"]]
            else:
                pending_source = None
        else:
            pending_source = None
        planned: dict[str, tuple[str, str, dict]] = {}
        for alias, spec in mapping.nodes.items():
            name_text = render(spec.name, row)
            if not name_text:
                continue
            props = self._clean(spec.label, {k: render(v, row) for k, v in spec.properties.items()},
                                spec.properties, where)
            if props is None:
                return
            aliases = [a for a in (render(t, row) for t in spec.aliases) if a]
            lookups = [t for t in (render(t, row) for t in spec.lookup) if t]
            planned[alias] = (name_text, render(spec.uei, row) if spec.uei else "",
                              {**props, "aliases": aliases}, lookups)
        if not planned:
            report.reject(name, number, "", "", Message("reject.no_node"))
            return
        rel_props: list[tuple[RelSpec, dict]] = []
        for rel in mapping.relationships:
            if rel.source in planned and rel.target in planned:
                props = self._clean(None, {k: render(v, row) for k, v in rel.properties.items()},
                                    rel.properties, where, rel=True)
                if props is None:
                    return
                rel_props.append((rel, props))
        # Only now, with every value valid, is anything added to the batch.
        if pending_source:
            batch.add_node(pending_source[0], "Source", pending_source[1])
        ids: dict[str, str] = {}
        for alias, (name_text, uei, props, lookups) in planned.items():
            spec = mapping.nodes[alias]
            node_id, matched = self._node_id(spec, name_text, uei, lookups, row, where)
            if node_id is None:
                continue
            resolver.register(node_id, spec.label, {"name": matched, **props})
            ids[alias] = node_id
        for rel, props in rel_props:
            if rel.source in ids and rel.target in ids:
                batch.add_edge(ids[rel.source], rel.type, ids[rel.target],
                               {"evidence": rel.evidence, "sources": sources, **props})
        report.rows_used += 1

    def _node_id(self, spec: NodeSpec, name_text: str, uei: str, lookups: list[str], row: dict,
                 where: dict) -> str | None:
        """(node id or None, the name it is known by here): an existing match, else the id template."""
        resolver = self.resolver
        if spec.match == "company" and spec.label == "Company":
            return resolver.company(name_text, uei or None, sources=[self.mapping.source["id"]]), name_text
        if spec.match in ("name", "company"):
            for text in (name_text, *lookups):
                found = resolver.find(spec.label, text)
                if found:
                    return found, text
        return self._template_id(spec, row, where), name_text

    def _template_id(self, spec: NodeSpec, row: dict, where: dict) -> str | None:
        prefix = self.batch.schema.labels[spec.label].id_prefix
        node_id = render(spec.id, row)
        if node_id.startswith(f"{prefix}:"):
            key = re.sub(r"-{2,}", "-", node_id[len(prefix) + 1:]).strip("-")
            node_id = f"{prefix}:{key}"

        if not node_id.startswith(f"{prefix}:") or len(node_id) <= len(prefix) + 1:
            self.report.reject(where["file"], where["row"], (columns_of(spec.id) or ["id"])[0], node_id,
                               Message("reject.no_id", alias=spec.alias))
            return None
        label = self.batch.label_of(node_id)
        if label and label != spec.label:
            self.report.reject(where["file"], where["row"], "", node_id, Message("reject.id_taken", label=label))
            return None
        return node_id


def load_mapped(path: Path, mapping_path: Path, batch: GraphBatch, resolver: Resolver,
                report: LoadReport) -> MappingLoad:
    mapping = load_mapping(mapping_path, batch.schema)
    state = MappingLoad(mapping, batch, resolver, report)
    state.read(path)
    return state
