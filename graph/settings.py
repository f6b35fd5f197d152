"""Neo4j connection settings and the choice of backend, from the environment (or Streamlit secrets in the app)."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from graph.errors import StoreError
from graph.i18n import Message
from graph.store import BACKENDS

SETTING_KEYS = ("HILOS_BACKEND", "NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE")


@dataclass(frozen=True)
class Neo4jSettings:
    uri: str
    username: str = "neo4j"
    password: str = field(default="", repr=False)  # never printed, logged or exported
    database: str = "neo4j"

    def __repr__(self) -> str:
        """Without the password, nor a user:password@ in the URI."""
        uri = re.sub(r"//[^@/]*@", "//", self.uri)
        return f"Neo4jSettings(uri={uri!r}, username={self.username!r}, database={self.database!r})"


def neo4j_settings(env: Mapping[str, str] | None = None) -> Neo4jSettings:
    """NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE; StoreError when NEO4J_URI is missing."""
    env = os.environ if env is None else env
    uri = env.get("NEO4J_URI", "").strip()
    if not uri:
        raise StoreError(Message("store.no_neo4j_uri"))
    return Neo4jSettings(uri, env.get("NEO4J_USERNAME") or "neo4j", env.get("NEO4J_PASSWORD") or "",
                         env.get("NEO4J_DATABASE") or "neo4j")


def merged_settings(environ: Mapping[str, str], secrets: Mapping[str, Any]) -> dict[str, str]:
    """HILOS_BACKEND and NEO4J_* from the environment, each missing one from the app's secrets.toml."""
    merged = {key: str(secrets[key]) for key in SETTING_KEYS if isinstance(secrets.get(key), (str, int))}
    merged.update({key: environ[key] for key in SETTING_KEYS if environ.get(key)})
    return merged


def backend_from_argv(argv: Sequence[str]) -> str | None:
    """The value of `--backend NAME` or `--backend=NAME` (`streamlit run app.py -- --backend neo4j`)."""
    for number, arg in enumerate(argv):
        if arg == "--backend" and number + 1 < len(argv):
            return argv[number + 1]
        if arg.startswith("--backend="):
            return arg.split("=", 1)[1]
    return None


def choose_backend(explicit: str | None, env: Mapping[str, str]) -> str:
    """`explicit` (--backend), else HILOS_BACKEND, else neo4j when NEO4J_URI is set, else embedded.

    StoreError names the accepted values when the choice is not one of them.
    """
    chosen = (explicit or env.get("HILOS_BACKEND") or "").strip().lower()
    if not chosen:
        return "neo4j" if env.get("NEO4J_URI", "").strip() else "embedded"
    if chosen not in BACKENDS:
        raise StoreError(f"the backend must be one of {', '.join(BACKENDS)}, not {chosen!r}")
    return chosen
