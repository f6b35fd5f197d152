"""What went wrong when Neo4j could not be used, as one word the app turns into a sentence in the reader's language.

graph.store_neo4j raises StoreError from the driver's own exception; the kind
of that cause tells a server that is down from a refused password or an
unknown database.
"""
from __future__ import annotations

from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired

PROBLEMS = ("unreachable", "auth", "database", "address", "other")


def problem(exc: BaseException) -> str:
    """One of PROBLEMS for a StoreError raised while connecting to or reading from Neo4j."""
    cause = exc.__cause__
    if isinstance(cause, AuthError):
        return "auth"
    if isinstance(cause, (ServiceUnavailable, SessionExpired)):
        return "unreachable"
    if isinstance(cause, Neo4jError) and cause.code == "Neo.ClientError.Database.DatabaseNotFound":
        return "database"
    if isinstance(cause, (ValueError, DriverError)) or (cause is None and "NEO4J_URI" in str(exc)):
        return "address"
    return "other"
