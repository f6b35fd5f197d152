"""Which sum of money goes with a relationship, so that lists and caps can put the biggest first."""
from __future__ import annotations

from graph.model import Edge, Node

AMOUNT = "amount_usd"


def amount_of(edge: Edge, other: Node | None = None) -> float | None:
    """The edge's own amount, else the amount of the node at its other end (a contract's value)."""
    for value in (edge.properties.get(AMOUNT), other.properties.get(AMOUNT) if other else None):
        if isinstance(value, (int, float)):
            return float(value)
    return None


def by_amount(edge: Edge, other: Node | None = None) -> tuple[float, str]:
    """A sort key: biggest amount first, then the other end's name."""
    return (-(amount_of(edge, other) or 0.0), (other.name if other else "").casefold())
