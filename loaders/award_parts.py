"""The records of clean award rows as columnar parts: Contract and Source nodes, AWARDED / AWARDED_TO / FUNDED.

Each record is the one the row logic (loaders.usaspending) makes and the
schema check (loaders.checker) cleans: the same properties with the same
values, written as JSON by pyarrow. The rows are clean (loaders.award_columns):
printable ASCII only, so a string needs only its backslashes and quotes
escaped, and every value is already what its cleaner returns.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graph.record_parts import EdgePart, NodePart
from graph.snapshot import NO_YEAR
from loaders.award_columns import NO_KEY, SITE, slugs

EVIDENCE = "public_record"
_NULL = pa.scalar(None, pa.string())


def _text(array: pa.Array) -> pa.Array:
    """A JSON string of each value (null stays null)."""
    escaped = array
    if pc.any(pc.match_substring(array, "\\")).as_py():
        escaped = pc.replace_substring(escaped, "\\", "\\\\")
    if pc.any(pc.match_substring(array, '"')).as_py():
        escaped = pc.replace_substring(escaped, '"', '\\"')
    return pc.binary_join_element_wise('"', escaped, '"', "")


def _float(array: pa.Array) -> pa.Array:
    """A JSON number of each float that reads back as that float (1234.0, not 1234, which reads as an int)."""
    text = pc.cast(array, pa.string())
    whole = pc.invert(pc.match_substring_regex(text, "[.e]"))
    return pc.if_else(whole, pc.binary_join_element_wise(text, ".0", ""), text)


def _object(fields: list[tuple[str, pa.Array]]) -> pa.Array:
    """JSON objects of the non-null fields, in the given order, as binary."""
    parts = [pc.binary_join_element_wise(f'"{name}":', value, "") for name, value in fields]
    body = pc.binary_join_element_wise(*parts, ",", null_handling="skip")
    return pc.cast(pc.binary_join_element_wise("{", body, "}", ""), pa.binary())


def _repeat(text: str, n: int) -> pa.Array:
    return pc.take(pa.array([text]), pa.array(np.zeros(n, dtype=np.int64)))


def _names(first: pa.Array, second: pa.Array, has_second: np.ndarray) -> pa.Array:
    """[first, second] where has_second, else [first], as list<string>."""
    n = len(first)
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(1 + has_second, out=offsets[1:])
    take = np.empty(offsets[-1], dtype=np.int64)
    take[offsets[:-1]] = np.arange(n)
    take[offsets[:-1][has_second] + 1] = n + np.flatnonzero(has_second)
    flat = pc.take(pa.concat_arrays([first, second]), pa.array(take))
    return pa.ListArray.from_arrays(pa.array(offsets), flat)


def _amounts(array: pa.Array) -> np.ndarray:
    """graph.snapshot.amount_of of each amount (missing and zero -> 0.0)."""
    values = pc.fill_null(array, 0.0).to_numpy(zero_copy_only=False)
    return np.where(values == 0, 0.0, values)


def parts(rows: pa.Table, awarder: pa.Array, recipient: pa.Array, funder: pa.Array | None,
          ) -> tuple[list[NodePart], list[EdgePart]]:
    """The nodes and relationships of these award rows (award_columns.convert's columns, decoded), given the
    resolved awarding agency, recipient company and funding agency of each row (null: none)."""
    col = {name: rows.column(name).combine_chunks() for name in rows.column_names}
    n = rows.num_rows
    piid, key = col["piid"], col["key"]
    keyed = pc.invert(pc.starts_with(key, NO_KEY))
    url = pc.coalesce(col["permalink"], pc.if_else(keyed, pc.binary_join_element_wise(SITE, key, "/", ""), _NULL))
    source_ids = pc.binary_join_element_wise("source:piid-", slugs(piid), "")
    contract_ids = pc.binary_join_element_wise("contract:", piid, "")
    years = col["fiscal_year"]
    year_json = pc.cast(years, pa.string())
    sources_json = pc.binary_join_element_wise("[", _text(source_ids), "]", "")
    piid_json, url_json = _text(piid), _text(url)
    has_alias = keyed.to_numpy(zero_copy_only=False)

    contract_props = _object([
        ("name", piid_json),
        ("aliases", pc.if_else(keyed, pc.binary_join_element_wise("[", _text(key), "]", ""), _NULL)),
        ("description_en", _text(col["description"])), ("sources", sources_json), ("piid", piid_json),
        ("parent_piid", _text(col["parent_piid"])), ("award_type", _text(col["award_type"])),
        ("start", _text(col["start"])), ("end", _text(col["end"])), ("fiscal_year", year_json),
        ("amount_usd", _float(col["obligated"])), ("potential_usd", _float(col["potential"])),
        ("award_key", _text(key)), ("naics_code", _text(col["naics"])), ("psc_code", _text(col["psc"])),
        ("last_modified", _text(col["last_modified_prop"])), ("url", url_json)])
    source_names = pc.binary_join_element_wise("PIID ", piid, "")
    source_props = _object([
        ("name", _text(source_names)), ("kind", _repeat(f'"{EVIDENCE}"', n)),
        ("title", _text(pc.binary_join_element_wise("USAspending award ", piid, ""))),
        ("language", _repeat('"en"', n)), ("identifier", piid_json), ("url", url_json)])
    nodes = [
        NodePart("Contract", contract_ids, _names(piid, key, has_alias), _amounts(col["obligated"]),
                 contract_props),
        NodePart("Source", source_ids, _names(source_names, source_names, np.zeros(n, dtype=bool)),
                 np.zeros(n), source_props),
    ]
    edge_props = _object([("sources", sources_json), ("evidence", _repeat(f'"{EVIDENCE}"', n)),
                          ("fiscal_year", year_json)])
    edge_years = pc.fill_null(years, NO_YEAR).to_numpy(zero_copy_only=False).astype(np.int64)
    edges = []
    funded = None if funder is None else pc.and_(
        pc.is_valid(funder), pc.fill_null(pc.not_equal(funder, awarder), True))
    for rel_type, ends, mask in (
            ("AWARDED", (awarder, contract_ids), pc.is_valid(awarder)),
            ("AWARDED_TO", (contract_ids, recipient), pc.is_valid(recipient)),
            ("FUNDED", (funder, contract_ids), funded)):
        if mask is None:
            continue
        keep = mask.to_numpy(zero_copy_only=False)
        if not keep.any():
            continue
        picked = pa.array(np.flatnonzero(keep))
        count = len(picked)
        edges.append(EdgePart(rel_type, pc.take(ends[0], picked), pc.take(ends[1], picked),
                              _repeat(EVIDENCE, count), edge_years[keep], np.zeros(count),
                              pc.take(edge_props, picked)))
    return nodes, edges
