"""A tiny, hand-made graph shared by unit tests: importable, so every test sees one truth."""
from __future__ import annotations

import numpy as np
import pyarrow as pa

from graph.model import Edge, Node
from graph.record_parts import EdgePart, NodePart
from graph.search import identifiers_of
from graph.snapshot import Records, amount_of, encode_props, year_of

ARTICLE = "source:article"
RECORD = "source:record"


def tiny_nodes() -> list[Node]:
    return [
        Node(ARTICLE, "Source", {"name": "Artículo", "title": "Campaña revela lazos", "outlet": "Foco",
                                 "author": "R. W.", "kind": "article", "language": "es"}),
        Node(RECORD, "Source", {"name": "PIID X1", "title": "Contract X1", "identifier": "X1",
                                "kind": "public_record"}),
        Node("company:acme", "Company", {"name": "Acme Data", "aliases": ["Acmé", "ACME Inc."]}),
        Node("company:acme-usg", "Company", {"name": "Acme USG"}),
        Node("product:tool", "Product", {"name": "Tool-SA", "aliases": ["Tool"]}),
        Node("product:case", "Product", {"name": "CaseMgr"}),
        Node("agency:dept", "Agency", {"name": "Department"}),
        Node("agency:ice", "Agency", {"name": "ICE"}),
        Node("agency:hsi", "Agency", {"name": "HSI"}),
        Node("contract:X1", "Contract", {"name": "X1", "piid": "X1", "amount_usd": 1000.0}),
    ]


def _edge(source: str, rel: str, target: str, evidence: str = "seed", src: str = ARTICLE, **props) -> Edge:
    return Edge(source, rel, target, {"sources": [src], "evidence": evidence, **props})


def tiny_edges() -> list[Edge]:
    return [
        _edge("company:acme", "DEVELOPS", "product:case", quote="Acme vende CaseMgr.", quote_lang="es",
              quote_en="Acme sells CaseMgr.", summary_es="Acme vende CaseMgr a ICE",
              summary_en="Acme sells CaseMgr to ICE"),
        _edge("company:acme", "DEVELOPS", "product:tool"),
        _edge("agency:hsi", "USES", "product:case"),
        _edge("agency:hsi", "USES", "product:tool", evidence="public_record", src=RECORD),
        _edge("agency:hsi", "PART_OF", "agency:ice", evidence="public_record", src=RECORD),
        _edge("agency:ice", "PART_OF", "agency:dept", evidence="public_record", src=RECORD),
        _edge("agency:ice", "AWARDED", "contract:X1", evidence="public_record", src=RECORD, fiscal_year=2014),
        _edge("contract:X1", "AWARDED_TO", "company:acme-usg", evidence="public_record", src=RECORD,
              fiscal_year=2014),
        _edge("company:acme-usg", "SUBSIDIARY_OF", "company:acme", evidence="public_record", src=RECORD),
    ]


def as_parts(nodes: list[Node], edges: list[Edge]) -> Records:
    """The records as fresh parts (as a bulk loader hands them over), one per label and per relationship type."""
    records = Records()
    for label in sorted({n.label for n in nodes}):
        group = [n for n in nodes if n.label == label]
        records.node_parts.append(NodePart(
            label, pa.array([n.id for n in group]), pa.array([[n.name, *n.aliases] for n in group]),
            np.array([amount_of(n.properties.get("amount_usd")) for n in group]),
            pa.array([encode_props(n.properties) for n in group], pa.binary()),
            pa.array([identifiers_of(n) for n in group], pa.list_(pa.string()))))
    for rel_type in sorted({e.type for e in edges}):
        group = [e for e in edges if e.type == rel_type]
        records.edge_parts.append(EdgePart(
            rel_type, pa.array([e.source for e in group]), pa.array([e.target for e in group]),
            pa.array([e.properties.get("evidence", "") for e in group]),
            np.array([year_of(e.properties.get("fiscal_year")) for e in group], dtype=np.int64),
            np.array([amount_of(e.properties.get("amount_usd")) for e in group]),
            pa.array([encode_props(e.properties) for e in group], pa.binary())))
    return records
