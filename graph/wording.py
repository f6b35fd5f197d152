"""Short readings of relationship types for labels and headings, taken from the schema.

The schema gives each type a sentence ("{source} desarrolla y vende {target}") and
a reverse reading ("desarrollado por"). The words between the two names are the
forward label, so a graph edge, a profile heading and an explanation all use the
same wording, in the reader's language.
"""
from __future__ import annotations

from functools import cache

from graph.schema import get_schema


@cache
def rel_label(rel_type: str, lang: str, incoming: bool = False) -> str:
    """'desarrolla y vende' for DEVELOPS in Spanish; 'developed by' read from the target's side.

    Types the schema does not know (data from elsewhere) are shown as they are.
    """
    rel = get_schema().rel_types.get(rel_type)
    if rel is None:
        return rel_type
    if incoming:
        return rel.reverse(lang)
    template = rel.texts[f"sentence_{lang}"]
    return template.split("{source}", 1)[1].split("{target}", 1)[0].strip()
