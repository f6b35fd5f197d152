"""A block of Prime Award Summaries rows converted in columns, and which rows the row logic must read instead.

The row logic (loaders.usaspending_rows `_award_of_row`) turns each cell into
a value and says why a row is refused. Here a whole block is converted with
pyarrow: plain decimals in one cast, dates, fiscal years and the like once per
distinct text. A row is *clean* when this conversion is certainly the one the
row logic makes and the records built from it are certainly valid: printable
ASCII in every used cell (no control character, nothing for Unicode folding or
whitespace rules to treat differently), amounts written as plain finite
decimals, readable dates and fiscal years, well-formed or empty UEIs, a PIID
without '@' (qualified contract ids use it), an award key that is not its PIID
again, and a permalink the URL rule accepts. Every other row is left to the
row logic, so its rejects and errors are exactly those it gives.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graph.types import clean_date
from loaders import values
from loaders.arrow_csv import Block, per_distinct

SITE = "https://www.usaspending.gov/award/"
BLOCK_BYTES = 8 << 20  # ~8k rows of a full download per block (larger blocks parse no faster)
NO_KEY = "PIID:"  # the key of an award row without contract_award_unique_key
_PLAIN_AMOUNT = r"^-?[0-9]+(\.[0-9]+)?$"
_URL_RE2 = r"^https?://[^ <>\"']+$"  # graph.types._URL (clean_url) on printable ASCII text

#: Award field -> column, by how the row logic converts it.
TEXT = {
    "key": "contract_award_unique_key", "piid": "award_id_piid", "parent_piid": "parent_award_id_piid",
    "award_type": "award_type", "dept": "awarding_agency_name", "sub": "awarding_sub_agency_name",
    "office": "awarding_office_name", "office_code": "awarding_office_code", "fdept": "funding_agency_name",
    "fsub": "funding_sub_agency_name", "foffice": "funding_office_name", "foffice_code": "funding_office_code",
    "recipient": "recipient_name", "parent_name": "recipient_parent_name", "naics": "naics_code",
    "psc": "product_or_service_code", "description": "prime_award_base_transaction_description",
    "permalink": "usaspending_permalink",
}
UEI = {"uei": "recipient_uei", "parent_uei": "recipient_parent_uei"}
AMOUNT = {"obligated": "total_obligated_amount", "current": "current_total_value_of_award",
          "potential": "potential_total_value_of_award"}
DATE = {"start": "period_of_performance_start_date", "end": "period_of_performance_current_end_date",
        "base_date": "award_base_action_date", "latest_date": "award_latest_action_date"}
YEAR = {"latest_fy": "award_latest_action_date_fiscal_year", "base_fy": "award_base_action_date_fiscal_year"}
LAST_MODIFIED = "last_modified_date"
# Converters of texts that repeat across blocks (dates, fiscal years), remembering their answers.
_DATE = values.memoized(values.date)
_FISCAL_YEAR = values.memoized(values.fiscal_year)
# Columns that repeat down a file: kept dictionary-encoded.
REPEATED = ("parent_piid", "award_type", "dept", "sub", "office", "office_code", "fdept", "fsub", "foffice",
            "foffice_code", "recipient", "parent_name", "naics", "psc", "description", "uei", "parent_uei",
            "start", "end", "base_date", "latest_date", "last_modified", "last_modified_prop")


def _distinct(array: pa.Array, fn: Callable[[str], Any], kind: pa.DataType) -> tuple[pa.Array, pa.Array]:
    """fn of each cell, computed once per distinct text: (values, refused) with refused True where fn raised."""
    indices, answers, reasons = per_distinct(array, fn)
    refused = pa.array([i in reasons for i in range(len(answers))], pa.bool_())
    return pc.take(pa.array(answers, kind), indices), pc.take(refused, indices)


def _stripped(array: pa.Array) -> pa.Array:
    """values.text on printable ASCII: spaces trimmed, empty -> missing."""
    trimmed = pc.utf8_trim(array, " ")
    return pc.if_else(pc.equal(pc.binary_length(trimmed), 0), pa.scalar(None, pa.string()), trimmed)


def convert(block: Block) -> tuple[pa.Table, np.ndarray]:
    """(clean rows converted, offsets of the rows left to the row logic); blank rows are in neither.

    The table has an `at` column (the row's offset in the block) and one column per Award field (`key` is
    PIID:<piid> without an award key; `permalink` only when it is not the one the key makes), plus
    `last_modified_prop` (the property the schema's date cleaner makes of last_modified).
    """
    rows = block.rows
    empty = pa.array([""] * rows, pa.string()) if rows else pa.array([], pa.string())

    def column(name: str) -> pa.Array:
        found = block.columns.get(name)
        return empty if found is None else (found.combine_chunks() if isinstance(found, pa.ChunkedArray)
                                            else found)

    ok = np.ones(rows, dtype=bool)
    for array in block.columns.values():
        ok &= pc.ascii_is_printable(array).to_numpy(zero_copy_only=False)  # no control or non-ASCII character
    out: dict[str, pa.Array] = {}
    for field, name in TEXT.items():
        out[field] = _stripped(column(name))
    for field, name in UEI.items():
        raw = _stripped(column(name))
        upper = pc.ascii_upper(raw)
        valid = pc.match_substring_regex(upper, r"^[A-Z0-9]{12}$")
        out[field] = pc.if_else(valid, upper, pa.scalar(None, pa.string()))
        ok &= ~pc.and_kleene(pc.is_valid(raw), pc.invert(valid)).to_numpy(zero_copy_only=False)  # the notice
    for field, name in AMOUNT.items():
        raw = column(name)
        plain = pc.match_substring_regex(raw, _PLAIN_AMOUNT)
        amounts = pc.add(pc.cast(pc.if_else(plain, raw, pa.scalar(None, pa.string())), pa.float64()), 0.0)  # no -0.0
        ok &= pc.or_(pc.equal(pc.binary_length(raw), 0), pc.fill_null(pc.is_finite(amounts), False)) \
            .to_numpy(zero_copy_only=False)
        out[field] = amounts
    for field, name in DATE.items():
        dates, refused = _distinct(column(name), _DATE, pa.string())
        ok &= ~refused.to_numpy(zero_copy_only=False)
        out[field] = dates
    for field, name in YEAR.items():
        years, refused = _distinct(column(name), _FISCAL_YEAR, pa.int64())
        ok &= ~refused.to_numpy(zero_copy_only=False)
        out[field] = years
    modified, refused = _distinct(column(LAST_MODIFIED), _DATE, pa.string())
    ok &= ~refused.to_numpy(zero_copy_only=False)
    out["last_modified"] = pc.if_else(pc.is_valid(modified), _stripped(column(LAST_MODIFIED)),
                                      pa.scalar(None, pa.string()))
    # The schema cleans dates once more; a text values.date reads that clean_date does not would fail the
    # record: the row logic says so.
    for field in (*DATE, "last_modified"):
        cleaned, _ = _distinct(out[field], lambda t: None if t is None else clean_date(t), pa.string())
        if field == "last_modified":
            out["last_modified_prop"] = cleaned
        else:  # the property is the date itself
            ok &= pc.fill_null(pc.equal(cleaned, out[field]), True).to_numpy(zero_copy_only=False)
        ok &= ~pc.and_kleene(pc.is_valid(out[field]), pc.is_null(cleaned)).to_numpy(zero_copy_only=False)
    years_of = {f: _distinct(out[f], values.fiscal_year_of, pa.int64())[0] for f in ("base_date", "start")}
    out["fiscal_year"] = pc.coalesce(out.pop("base_fy"), years_of["base_date"], years_of["start"], out["latest_fy"])

    piid, key = out["piid"], out["key"]
    ok &= pc.fill_null(pc.invert(pc.match_substring(piid, "@")), False).to_numpy(zero_copy_only=False)
    key = out["key"] = pc.coalesce(key, pc.binary_join_element_wise(NO_KEY, piid, ""))
    keyed = pc.invert(pc.starts_with(key, NO_KEY))
    ok &= ~pc.fill_null(pc.and_(keyed, pc.equal(pc.ascii_lower(key), pc.ascii_lower(piid))), False) \
        .to_numpy(zero_copy_only=False)
    made = pc.if_else(keyed, pc.binary_join_element_wise(SITE, key, "/", ""), pa.scalar(None, pa.string()))
    url = pc.coalesce(out["permalink"], made)
    ok &= pc.fill_null(pc.or_(pc.is_null(url), pc.match_substring_regex(url, _URL_RE2)), False) \
        .to_numpy(zero_copy_only=False)
    # Only a permalink other than the one the key makes is kept: the row logic's URL is the same either way.
    out["permalink"] = pc.if_else(pc.fill_null(pc.equal(out["permalink"], made), False),
                                  pa.scalar(None, pa.string()), out["permalink"])

    blank = np.zeros(rows, dtype=bool)
    blank[block.blank] = True
    clean = ok & ~blank
    slow = np.flatnonzero(~ok & ~blank)
    table = pa.table({"at": pa.array(np.arange(rows, dtype=np.int64)), **out}).filter(pa.array(clean))
    for field in REPEATED:
        table = table.set_column(table.schema.get_field_index(field), field,
                                 table.column(field).dictionary_encode())
    return table, slow


def slugs(piids: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """graph.text.slugify of printable ASCII PIIDs: "70CMSD-19.C" -> "70cmsd-19-c"."""
    dashed = pc.replace_substring_regex(pc.ascii_lower(piids), "[^0-9a-z]+", "-")
    return pc.utf8_trim(dashed, "-")
