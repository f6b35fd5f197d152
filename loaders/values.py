"""Explicit conversion of text cells: amounts, dates, fiscal years.

Each converter takes the cell text and returns the value, None for an empty
cell, or raises `BadValue` with a short reason; the loader adds the file, row
and column and decides whether the row is rejected or the load stops.
"""
from __future__ import annotations

import datetime as _dt
import re
import sys
from typing import Any, Callable

from graph.i18n import Message
from graph.types import clean_amount, clean_date, clean_integer, clean_url


class BadValue(ValueError):
    """A cell that cannot be read as the type its column holds; args[0] is the reason, a Message."""


_DIGIT = re.compile(r"[0-9]")
_NO_LEADING_ZERO = re.compile(r"-?\.[0-9]+")  # ".5", "-.50"
_SHORT_YEAR = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{2})")  # "10/1/18" (the Atlas of Surveillance)
_YEAR_SPAN = re.compile(r"([0-9]{4}) ?[/-] ?([0-9]{4})")  # "2017/2018": a fiscal year's span
_MONTH_YEAR = re.compile(r"([0-9]{1,2})/([0-9]{4})")  # "04/2019"
# USAspending's own forms, checked without strptime: "2014-06-27", "2014-06-27 10:11:12.345+00".
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T][0-9:.]*(?:Z|[+-][0-9:]+)?)?$")


def amount(text: str) -> float | None:
    """Dollars: "1234.50", "-500.00", "53100000", "1,234" (edited in a spreadsheet), ".5" -> float.

    "-0.00" is 0.0: a negative zero would show as "-0" wherever it is printed.
    """
    text = text.strip()
    if not text:
        return None
    if _NO_LEADING_ZERO.fullmatch(text):
        text = text.replace(".", "0.", 1)
    value = clean_amount(text)
    if value is None:
        raise BadValue(Message("value.not_amount"))
    return value + 0.0


def date(text: str) -> str | None:
    """A date, "2014-02-03" (USAspending), "2014-02-03 12:00:00", "2/3/2014" -> ISO text.

    Also the Atlas of Surveillance's "10/1/18" (a year 00-68 is 20xx, as strptime reads it), "04/2019" (a
    month: "2019-04") and "2017/2018", the span of a fiscal year: its first year, "2017".
    """
    text = text.strip()
    if not text:
        return None
    iso = _ISO.match(text)
    if iso:
        try:
            return _dt.date(int(iso[1]), int(iso[2]), int(iso[3])).isoformat()
        except ValueError:
            raise BadValue(Message("value.not_date")) from None
    if _SHORT_YEAR.fullmatch(text):
        try:
            return _dt.datetime.strptime(text, "%m/%d/%y").date().isoformat()
        except ValueError:
            raise BadValue(Message("value.not_date")) from None
    span = _YEAR_SPAN.fullmatch(text)
    if span and int(span[2]) == int(span[1]) + 1:
        text = span[1]
    month = _MONTH_YEAR.fullmatch(text)
    if month and 1 <= int(month[1]) <= 12:
        text = f"{month[2]}-{int(month[1]):02d}"
    value = clean_date(text)
    if value is None:
        raise BadValue(Message("value.not_date"))
    return value


def date_or_placeholder(text: object) -> tuple[str | None, bool]:
    """(date, was_placeholder): text without digits ("Not Authorized", "#N/A") is an unknown date."""
    if text is None:
        return None, False
    if not isinstance(text, str):
        text = str(text)
    if not text.strip():
        return None, False
    if not _DIGIT.search(text):
        return None, True
    return date(text), False


def url(cell: str) -> str | None:
    """A web address the schema's URL rule takes (USAspending's permalink), as written."""
    value = text(cell)
    if value is not None and clean_url(value) is None:
        raise BadValue(Message("value.not_url"))
    return value


def fiscal_year(text: str) -> int | None:
    """A federal fiscal year such as "2024"."""
    text = text.strip()
    if not text:
        return None
    value = clean_integer(text.split(".")[0] if re.fullmatch(r"[0-9]{4}\.0+", text) else text)
    if value is None or not 1900 <= value <= 2100:
        raise BadValue(Message("value.not_fiscal_year"))
    return value


def fiscal_year_of(iso_date: str | None) -> int | None:
    """The US federal fiscal year of a date (it starts on 1 October): 2013-10-01 -> 2014."""
    if not iso_date or len(iso_date) < 7:
        return None
    year, month = int(iso_date[:4]), int(iso_date[5:7])
    return year + 1 if month >= 10 else year


def text(value: str) -> str | None:
    value = value.replace("\x00", "").strip()
    return value or None


def shared_text(value: str) -> str | None:
    """`text`, interned: a value repeated on a million rows is held once."""
    value = value.replace("\x00", "").strip()
    return sys.intern(value) if value else None


def memoized(convert: Callable[[str], Any], limit: int = 1 << 16) -> Callable[[str], Any]:
    """`convert` with its answers (and its BadValue refusals) remembered per cell text.

    Dates, fiscal years and UEIs repeat across a million rows; the cache is
    emptied when it holds `limit` texts, so memory stays flat.
    """
    cache: dict[str, tuple[Any, BadValue | None]] = {}

    def call(text: str) -> Any:
        hit = cache.get(text)
        if hit is None:
            try:
                hit = (convert(text), None)
            except BadValue as exc:
                hit = (None, exc)
            if len(cache) >= limit:
                cache.clear()
            cache[text] = hit
        if hit[1] is not None:
            raise BadValue(hit[1].args[0])
        return hit[0]

    return call
