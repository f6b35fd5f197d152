"""Small cleaners for typed property values.

Each returns the cleaned value or None when the input cannot be read; the
caller (a loader) turns None into an error that names file, row and field.
"""
from __future__ import annotations

import math
import re
from datetime import date, datetime
from functools import lru_cache

_DATE_FORMATS = (
    ("%Y-%m-%d", 10), ("%Y/%m/%d", 10), ("%m/%d/%Y", 10), ("%Y-%m-%d %H:%M:%S", 10),
    ("%Y-%m-%dT%H:%M:%S", 10), ("%Y-%m", 7), ("%Y", 4),
)
_ISO_PREFIX = re.compile(r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?")
_ISO_TIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[ T]([0-9]{2}):([0-9]{2}):([0-9]{2})")
_SURROGATE = re.compile("[\ud800-\udfff]")
_URL = re.compile(r"^https?://[^\s<>\"'\ud800-\udfff]+$")
# "(500.00)" or one minus sign before or after "$"; commas only between groups of three digits ("1,23" is not 123).
_AMOUNT = re.compile(r"^(?:\((?P<paren>\$?[0-9.,]+)\)|-?\$?-?(?P<plain>[0-9.,]+))$")
_AMOUNT_DIGITS = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")


def clean_date(value: object) -> str | None:
    """An ISO date keeping its precision: "2017-12", "2017-12-01", "2014".

    Accepts ISO forms, US "12/31/2017", timestamps, and date objects.
    """
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int) and 1000 <= value <= 9999:
        return str(value)
    if not isinstance(value, str):
        return None
    return _clean_date_text(value)


@lru_cache(maxsize=1 << 16)  # loads repeat the same few thousand dates on a million records
def _clean_date_text(value: str) -> str | None:
    text = value.strip()
    if not text:
        return None
    if _ISO_PREFIX.fullmatch(text):  # "2017-12-01", "2017-12", "2017": checked without strptime
        try:
            date(int(text[:4]), int(text[5:7] or 1), int(text[8:10] or 1))
            return text
        except ValueError:
            pass  # not a real day: the formats below say so (or read it some other way)
    stamp = _ISO_TIME.fullmatch(text[:19])  # "2024-01-05 10:11:12[.345+00]", as the timestamp formats below
    if stamp and int(stamp[4]) < 24 and int(stamp[5]) < 60 and int(stamp[6]) < 60:
        try:
            return date(int(stamp[1]), int(stamp[2]), int(stamp[3])).isoformat()
        except ValueError:
            pass
    for fmt, width in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(text[:19] if "%H" in fmt else text, fmt)
        except ValueError:
            continue
        return parsed.date().isoformat()[:width]
    return None


def clean_amount(value: object) -> float | None:
    """A dollar amount as float: 53100000, "53,100,000.00", "$1,270,000", "(500.00)" -> -500; None beyond a float."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            number = float(value)
        except OverflowError:  # an int beyond a float
            return None
        return number if math.isfinite(number) else None
    if not isinstance(value, str):
        return None
    text = value.strip().replace(" ", "")
    match = _AMOUNT.match(text)
    digits = match and (match["paren"] or match["plain"]).removeprefix("$")
    if not digits or text.count("-") > 1 or not _AMOUNT_DIGITS.fullmatch(digits):
        return None
    number = float(digits.replace(",", ""))
    if not math.isfinite(number):
        return None
    return -number if match["paren"] or "-" in text else number


def clean_integer(value: object) -> int | None:
    """An integer from an int or a string such as "2018" or "650,000"."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?[0-9][0-9,]*", value.strip()):
        return int(value.strip().replace(",", ""))
    return None


def clean_url(value: object) -> str | None:
    """An http(s) URL, or None: `javascript:` and other schemes are refused."""
    if isinstance(value, str) and _URL.match(value.strip()):
        return value.strip()
    return None


def clean_list(value: object) -> list[str] | None:
    """A list of non-empty strings; a string is split on ';'."""
    if isinstance(value, str):
        value = value.split(";")
    if not isinstance(value, (list, tuple)):
        return None
    texts = []
    for item in value:
        if item is not None:
            text = clean_string(item if isinstance(item, str) else str(item))
            if text:
                texts.append(text)
    return texts


def clean_string(value: object) -> str | None:
    """A non-empty string (numbers are turned into text), without NUL bytes.

    A lone surrogate (JSON and YAML can spell one as "\\ud800") is no character
    and cannot be stored as UTF-8: it becomes U+FFFD, as undecodable bytes do.
    """
    if type(value) is str and value.isascii():  # the common case; no surrogate can hide in ASCII
        text = (value.replace("\x00", "") if "\x00" in value else value).strip()
        return text or None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = _SURROGATE.sub("\ufffd", value.replace("\x00", "")).strip()
    return text or None


CLEANERS = {
    "string": clean_string, "text": clean_string, "date": clean_date, "amount": clean_amount,
    "integer": clean_integer, "url": clean_url, "list": clean_list,
}
