"""Neo4j connection settings from the environment (or Streamlit secrets in the app)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Mapping

from graph.errors import StoreError


@dataclass(frozen=True)
class Neo4jSettings:
    uri: str
    username: str = "neo4j"
    password: str = field(default="", repr=False)  # never printed, logged or exported
    database: str = "neo4j"


def neo4j_settings(env: Mapping[str, str] | None = None) -> Neo4jSettings:
    """NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE; StoreError when NEO4J_URI is missing."""
    env = os.environ if env is None else env
    uri = env.get("NEO4J_URI", "").strip()
    if not uri:
        raise StoreError("NEO4J_URI is not set: point it at a Neo4j 5 server, e.g. bolt://localhost:7687")
    return Neo4jSettings(uri, env.get("NEO4J_USERNAME") or "neo4j", env.get("NEO4J_PASSWORD") or "",
                         env.get("NEO4J_DATABASE") or "neo4j")
