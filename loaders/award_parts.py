"""The records of clean award rows as columnar parts: Contract and Source nodes, AWARDED / AWARDED_TO / FUNDED.

Each record is the one the row logic's build (loaders.usaspending_build
`_build_award`) makes and the schema check (loaders.checker) cleans: the
same properties with the same values, written as JSON by pyarrow. The rows
are clean (loaders.award_columns): printable ASCII only, so a string needs
only its backslashes and quotes escaped, and every value is already what
its cleaner returns.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graph.record_parts import EdgePart, NodePart
from graph.snapshot import NO_YEAR
from loaders.graphbatch import PartEdges
from loaders.award_columns import NO_KEY, SITE, slugs

EVIDENCE = "public_record"
_NULL = pa.scalar(None, pa.string())


def _escaped(array: pa.Array) -> pa.Array:
    """Each text as it goes between the quotes of a JSON string (printable ASCII: backslash and quote)."""
    if pc.any(pc.match_substring(array, "\\")).as_py():
        array = pc.replace_substring(array, "\\", "\\\\")
    if pc.any(pc.match_substring(array, '"')).as_py():
        array = pc.replace_substring(array, '"', '\\"')
    return array


def _float(array: pa.Array) -> pa.Array:
    """A JSON number of each float that reads back as that float (1234.0, not 1234, which reads as an int)."""
    text = pc.cast(array, pa.string())
    whole = pc.invert(pc.match_substring_regex(text, "[.e]"))
    return pc.if_else(whole, pc.binary_join_element_wise(text, ".0", ""), text)


def _optional(name: str, array: pa.Array, *, text: bool = True) -> pa.Array:
    """',"name":<value>' for each row with a value, '' for the others; a dictionary column is written once
    per distinct value."""
    if pa.types.is_dictionary(array.type):
        written = _optional(name, array.dictionary, text=text)
        return pc.fill_null(pc.take(written, array.indices), "")
    if text:
        written = pc.binary_join_element_wise(f',"{name}":"', _escaped(array), '"', "")
    else:
        written = pc.binary_join_element_wise(f',"{name}":', array, "")
    return pc.fill_null(written, "")


def _joined(*pieces: pa.Array | str) -> pa.Array:
    """The pieces (texts and columns without nulls) written one after another, as binary."""
    return pc.cast(pc.binary_join_element_wise(*pieces, ""), pa.binary())


def _repeat(text: str, n: int) -> pa.Array:
    return pc.take(pa.array([text]), pa.array(np.zeros(n, dtype=np.int64)))


def _lists(values: pa.Array) -> pa.Array:
    """[value] for each row with a value, [] for the others, as list<string>."""
    present = np.asarray(pc.is_valid(values).to_numpy(zero_copy_only=False), dtype=bool)
    offsets = np.zeros(len(values) + 1, dtype=np.int32)
    np.cumsum(present, out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets), values.filter(pa.array(present)))


def _amounts(array: pa.Array) -> np.ndarray:
    """graph.snapshot.amount_of of each amount (missing and zero -> 0.0)."""
    values = pc.fill_null(array, 0.0).to_numpy(zero_copy_only=False)
    return np.where(values == 0, 0.0, values)


def parts(rows: pa.Table, awarder: pa.Array, recipient: pa.Array, funder: pa.Array | None,
          ) -> tuple[list[NodePart], list[PartEdges]]:
    """The nodes and relationships of these award rows (award_columns.convert's columns, decoded), given the
    resolved awarding agency, recipient company and funding agency of each row (null: none)."""
    col = {name: rows.column(name).combine_chunks() for name in rows.column_names}
    n = rows.num_rows
    piid, key = col["piid"], col["key"]
    keyed = pc.invert(pc.starts_with(key, NO_KEY))
    url = pc.coalesce(col["permalink"], pc.if_else(keyed, pc.binary_join_element_wise(SITE, key, "/", ""), _NULL))
    slug = slugs(piid)  # [0-9a-z-] only: nothing to escape
    source_ids = pc.binary_join_element_wise("source:piid-", slug, "")
    contract_ids = pc.binary_join_element_wise("contract:", piid, "")
    years = col["fiscal_year"]
    piid_text, url_field = _escaped(piid), _optional("url", url)
    year_field = _optional("fiscal_year", pc.cast(years, pa.string()), text=False)
    award_key = pc.if_else(keyed, key, _NULL)
    # Properties in the schema's order, as the schema check writes them.
    contract_props = _joined(
        '{"name":"', piid_text, '"', _optional("description_en", col["description"]),
        ',"sources":["source:piid-', slug, '"],"piid":"', piid_text, '"', _optional("parent_piid", col["parent_piid"]),
        _optional("award_type", col["award_type"]), _optional("start", col["start"]), _optional("end", col["end"]),
        year_field, _optional("amount_usd", _float(col["obligated"]), text=False),
        _optional("potential_usd", _float(col["potential"]), text=False), _optional("award_key", award_key),
        _optional("naics_code", col["naics"]), _optional("psc_code", col["psc"]),
        _optional("last_modified", col["last_modified_prop"]), url_field, "}")
    source_names = pc.binary_join_element_wise("PIID ", piid, "")
    source_props = _joined(
        '{"name":"PIID ', piid_text, f'","kind":"{EVIDENCE}","title":"USAspending award ', piid_text,
        '","language":"en","identifier":"', piid_text, '"', url_field, "}")
    nodes = [
        NodePart("Contract", contract_ids, _lists(piid), _amounts(col["obligated"]), contract_props,
                 _lists(award_key)),
        NodePart("Source", source_ids, _lists(source_names), np.zeros(n), source_props,
                 _lists(pa.nulls(n, pa.string()))),
    ]
    edge_props = _joined('{"sources":["source:piid-', slug, f'"],"evidence":"{EVIDENCE}"', year_field, "}")
    edge_years = pc.fill_null(years, NO_YEAR).to_numpy(zero_copy_only=False).astype(np.int64)
    edges = []
    funded = None if funder is None else pc.and_(
        pc.is_valid(funder), pc.fill_null(pc.not_equal(funder, awarder), True))
    contracts = nodes[0]
    for rel_type, ends, drawn, mask in (
            ("AWARDED", (awarder, contract_ids), (None, contracts), pc.is_valid(awarder)),
            ("AWARDED_TO", (contract_ids, recipient), (contracts, None), pc.is_valid(recipient)),
            ("FUNDED", (funder, contract_ids), (None, contracts), funded)):
        if mask is None:
            continue
        keep = mask.to_numpy(zero_copy_only=False)
        if not keep.any():
            continue
        picked = pa.array(np.flatnonzero(keep))
        count = len(picked)
        edges.append((EdgePart(rel_type, pc.take(ends[0], picked), pc.take(ends[1], picked),
                               _repeat(EVIDENCE, count), edge_years[keep], np.zeros(count),
                               pc.take(edge_props, picked)), *drawn))
    return nodes, edges
