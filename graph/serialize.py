"""Path results as plain data for `--json` and for exports."""
from __future__ import annotations

from typing import Any

from graph.model import Path


def path_to_dict(path: Path) -> dict[str, Any]:
    """{"nodes": [{id, label, name}], "relationships": [{type, source, target, evidence, sources, ...}]}."""
    return {
        "nodes": [{"id": n.id, "label": n.label, "name": n.name} for n in path.nodes],
        "relationships": [
            {"type": e.type, "source": e.source, "target": e.target, "evidence": e.evidence,
             "sources": e.sources, **{k: v for k, v in e.properties.items() if k not in ("evidence", "sources")}}
            for e in path.edges
        ],
    }
