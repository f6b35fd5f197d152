"""Text normalization shared by search, entity resolution and alias checks."""
from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")
# A cell starting with one of these is a formula to Excel, LibreOffice and Sheets.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SIGNED_NUMBER = re.compile(r"[+-][0-9][0-9,]*(\.[0-9]+)?\Z")


def fold(text: str) -> str:
    """Lower-case, strip accents and turn punctuation into single spaces.

    "Falcón" -> "falcon", "FALCON-SA" -> "falcon sa", "Amazon.com" -> "amazon com".
    """
    if text.isascii():  # the common case, and the same answer: nothing to decompose
        return _NON_WORD.sub(" ", text.lower()).strip()
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", bare.casefold()).strip()


def compact(text: str) -> str:
    """`fold` without spaces, so "FALCON-SA", "Falcon SA" and "FalconSA" agree."""
    return fold(text).replace(" ", "")


def spreadsheet_cell(value: object) -> object:
    """A value for a CSV cell: text a spreadsheet would run as a formula gets a leading apostrophe (a plain
    signed number, "-500" or "-1,234.50", is a number to a spreadsheet and stays as it is)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _SIGNED_NUMBER.match(value):
        return "'" + value
    return value


def slugify(text: str) -> str:
    """A stable id-friendly slug: "Palantir USG, Inc." -> "palantir-usg-inc"."""
    return fold(text).replace(" ", "-")
