"""Building a USAspending load's records: each award's parties, Contract, Source and relationships.

The awards the row logic holds are built one by one (`_build_award`); the
rows still held in columns become columnar parts (loaders.award_parties,
award_parts), their parties resolved where each first appears, so both ways
make the same records. Before that, held rows leave whose contract the row
logic must build (`_take_out_for_build`).
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graph.i18n import Message
from graph.text import fold, slugify
from graph.types import clean_date, clean_url
from loaders import award_columns, award_parties
from loaders.allocators import give_back
from loaders.columnar_awards import ColumnarAwards
from loaders.prefetch import prefetched
from loaders.resolve import ProductMatcher, Resolver, company_key
from loaders.usaspending_held import HeldRows
from loaders.usaspending_rows import Award

ORIGIN = "usaspending"  # what errors in the records built name as their origin (the command)


class AwardBuilder(HeldRows):
    """Building the batch from the awards read; the state (`sources`, `resolver`) is UsaspendingLoad's."""

    resolver: Resolver
    sources: dict[str, dict]

    def build(self) -> None:
        """Resolve every award's parties and put its nodes and relationships in the batch.

        Awards are built in the order their rows came (as the row logic met them), and the parties of the rows
        held in columns are resolved at the row where each first appears, so the resolver meets every name in
        the same order either way: same nodes, names, merges and notices.
        """
        batch = self.batch
        for source_id, props in self.sources.items():
            batch.add_node(source_id, "Source", props)
        self._schema_contract = batch.schema.labels["Contract"].properties
        self._matcher = ProductMatcher(batch, self.resolver)
        self._claims: dict[str, str] = {}
        self._placed_offices: set[str] = set()
        self._linked: set[tuple[str, str, str]] = set()  # hierarchy and parent edges already drafted, per file
        self._fy_count = self._computed_amounts = self._older = 0
        self._take_out_for_build()
        held = award_parties.Parties(self.columnar.alive_tables(), funded="FUNDED" in batch.schema.rel_types)
        slow = sorted(self.awards.values(), key=lambda a: a.order)
        self.awards.clear()
        for kind, at in held.events([a.order for a in slow]):
            if kind == award_parties.ROW_LOGIC:
                self._build_award(slow[at])
                continue
            file, *parties = held.values(kind, at)
            file_source = self.columnar.files[file][1]
            if kind == award_parties.AWARDER:
                held.answer(kind, at, self._awarder(*parties, file_source))
            elif kind == award_parties.RECIPIENT:
                held.answer(kind, at, self._recipient(*parties, file_source))
            else:
                held.answer(kind, at, self._funder(*parties, file_source))
        for nodes, edges in prefetched(held.parts(), depth=1):  # the next rows' parts are made while these spill
            batch.add_parts(nodes, edges, origin=ORIGIN)
        self.columnar, held = ColumnarAwards(), None
        give_back()  # the parts wait on disk: give the columns' memory back
        report = self.report
        if self._fy_count and "obligations_by_fy" not in self._schema_contract:
            report.notice(Message("notice.fy_unstored", count=f"{self._fy_count:,}"))
        if self._older:
            report.notice(Message("notice.older_awards", count=f"{self._older:,}"))
        if self._computed_amounts:
            report.notice(Message("notice.summed_amounts", count=f"{self._computed_amounts:,}"))

    def _take_out_for_build(self) -> None:
        """Before the build, held rows leave whose contract the row logic must build: a description naming a
        product (whether it links depends on the companies met so far), or a Source id an award of the row
        logic may take when it is qualified (source:piid-<piid>-<parent PIID>)."""
        matcher = self._matcher
        while self.columnar:
            taken = []
            if matcher.regex is not None:
                for held in self.columnar.held:
                    description = held.table.column("description").combine_chunks()
                    texts = description.dictionary.to_pylist()
                    named = pa.array([matcher.regex.search(fold(t)) is not None for t in texts], pa.bool_())
                    hit = pc.fill_null(pc.take(named, description.indices), False).to_numpy(zero_copy_only=False)
                    hit &= held.alive
                    if hit.any():
                        taken.append((held, np.flatnonzero(hit)))
            qualified = [f"{slugify(award.piid)}-{slugify(_qualifier(award))}" for award in self.awards.values()]
            taken += self.columnar.sharing({"slug": pa.array(qualified, pa.string())})
            if not taken:
                return
            self._take_out(taken, counted=True)

    def _awarder(self, dept_name: str | None, sub_name: str | None, office_name: str | None,
                 office_code: str | None, file_source: str) -> str | None:
        """The awarding agency (office, else sub-agency, else department), placing it in the hierarchy."""
        batch, resolver = self.batch, self.resolver
        file_src = [file_source]
        dept = resolver.agency(dept_name, sources=file_src)
        sub = resolver.agency(sub_name, sources=file_src)
        if sub and dept and sub != dept and (sub, dept, file_source) not in self._linked:
            self._linked.add((sub, dept, file_source))
            batch.add_edge(sub, "PART_OF", dept, {"evidence": "public_record", "sources": file_src})
        parent = sub or dept
        office = resolver.agency(office_name, parent=parent, code=office_code, office=True,
                                 sources=file_src) if parent else resolver.agency(office_name)
        if office and office not in (sub, dept) and office not in self._placed_offices:
            self._placed_offices.add(office)
            if batch.existing(office) is None and parent:
                home = resolver.office_home(office, office_name or "", parent)
                batch.add_edge(office, "PART_OF", home, {"evidence": "public_record", "sources": file_src})
        return office or sub or dept

    def _recipient(self, name: str | None, uei: str | None, parent_name: str | None, parent_uei: str | None,
                   file_source: str) -> str | None:
        """The recipient company, SUBSIDIARY_OF its parent company when the file names another one."""
        batch, resolver = self.batch, self.resolver
        file_src = [file_source]
        parent_company = None
        same_as_parent = (parent_uei and parent_uei == uei) or (
            not parent_uei and parent_name and name and company_key(parent_name) == company_key(name))
        if (parent_uei or parent_name) and not same_as_parent:
            parent_company = resolver.company(parent_name, parent_uei, sources=file_src)
        recipient = resolver.company(name, uei, parent_uei=parent_uei, sources=file_src)
        if same_as_parent and recipient and parent_name:
            batch.add_alias(recipient, parent_name)
        if parent_company and recipient and parent_company != recipient and \
                (recipient, parent_company, file_source) not in self._linked:
            self._linked.add((recipient, parent_company, file_source))
            batch.add_edge(recipient, "SUBSIDIARY_OF", parent_company,
                           {"evidence": "public_record", "sources": file_src})
            resolver._family.pop(recipient, None)
            resolver._family.pop(parent_company, None)
        return recipient

    def _build_award(self, award: Award) -> None:
        """One award the row logic holds: its parties, Contract, Source and relationships."""
        if self._older_than_stored(award):
            self._older += 1
            return
        batch, report = self.batch, self.report
        evidence = {"evidence": "public_record"}
        awarder = self._awarder(award.dept, award.sub, award.office, award.office_code, award.file_source)
        recipient = self._recipient(award.recipient, award.uei, award.parent_name, award.parent_uei,
                                    award.file_source)
        contract_id, qualifier = self._contract_id(award, self._claims)
        source_id = f"source:piid-{slugify(award.piid)}" + (f"-{slugify(qualifier)}" if qualifier else "")
        keyed = not award.key.startswith(award_columns.NO_KEY)
        # A key that makes no web address (spaces, quotes: not USAspending's own) gives the contract none.
        permalink = award.permalink or (clean_url(f"{award_columns.SITE}{award.key}/") if keyed else None)
        source_props = {
            "name": f"PIID {award.piid}", "kind": "public_record", "identifier": award.piid, "language": "en",
            "title": f"USAspending award {award.piid}", "url": permalink}
        if not batch.add_fresh_node(source_id, "Source", source_props, origin=ORIGIN):
            batch.add_node(source_id, "Source", source_props)
        src = [source_id]
        amount = award.obligated
        if amount is None and award.fy_obligations:
            amount = round(sum(award.fy_obligations.values()), 2)
            self._computed_amounts += 1
        props = {
            "name": award.piid, "piid": award.piid, "parent_piid": award.parent_piid, "award_type": award.award_type,
            "start": award.start, "end": award.end, "fiscal_year": award.fiscal_year, "amount_usd": amount,
            "potential_usd": award.potential, "url": permalink, "description_en": award.description,
            "sources": src,
        }
        extra = {"award_key": award.key if keyed else None, "naics_code": award.naics, "psc_code": award.psc,
                 "last_modified": award.last_modified}
        props.update({k: v for k, v in extra.items() if k in self._schema_contract})
        if award.fy_obligations:
            self._fy_count += 1
            if "obligations_by_fy" in self._schema_contract:
                props["obligations_by_fy"] = self._merge_fy(contract_id, award.fy_obligations)
        # A new contract under its own PIID is met once in this load: it and its edges are fresh records.
        fresh = qualifier is None and batch.add_fresh_node(contract_id, "Contract", props, origin=ORIGIN)
        if not fresh:
            batch.put_node(contract_id, "Contract", props)
        edge = {**evidence, "sources": src, "fiscal_year": award.fiscal_year}
        keys = []
        if awarder:
            keys.append((awarder, "AWARDED", contract_id))
        if recipient:
            keys.append((contract_id, "AWARDED_TO", recipient))
        if "FUNDED" in batch.schema.rel_types:
            funder = self._funder(award.fdept, award.fsub, award.foffice, award.foffice_code, award.file_source)
            if funder and funder != awarder:
                keys.append((funder, "FUNDED", contract_id))
        if fresh:
            batch.add_fresh_edges(keys, edge, origin=ORIGIN)
        else:
            for key in keys:
                batch.add_edge(*key, edge)
        for product, term in self._matcher.find(award.description or "", recipient):
            batch.add_edge(contract_id, "FOR_PRODUCT", product, {
                **evidence, "sources": src, "quote": (award.description or "")[:400], "quote_lang": "en"})
            report.merge("Contract", f"{award.piid}", product, Message("merge.names_product", term=term))

    def _older_than_stored(self, award: Award) -> bool:
        """True when the store holds this award's contract from a later modification than this row's."""
        if not award.last_modified:
            return False
        base = f"contract:{award.piid}"  # or, when another award holds the PIID, the id _contract_id gave it
        existing = next((node for node in map(self.batch.existing, (base, f"{base}@{_qualifier(award)}"))
                         if node is not None and node.properties.get("award_key") == award.key), None)
        if existing is None:
            return False
        stored, mine = existing.properties.get("last_modified"), clean_date(award.last_modified)
        # A date the schema refuses is not compared: the build names it as it would any malformed value.
        return isinstance(stored, str) and mine is not None and mine < stored

    def _funder(self, dept_name: str | None, sub_name: str | None, office_name: str | None,
                office_code: str | None, file_source: str) -> str | None:
        file_src = [file_source]
        dept = self.resolver.agency(dept_name, sources=file_src)
        sub = self.resolver.agency(sub_name, sources=file_src)
        parent = sub or dept
        if office_name and parent:
            return self.resolver.agency(office_name, parent=parent, code=office_code, office=True,
                                        sources=file_src)
        return parent

    def _contract_id(self, award: Award, claims: dict[str, str]) -> tuple[str, str | None]:
        """contract:<PIID>, or contract:<PIID>@<parent PIID> when another award already holds that PIID."""
        base = f"contract:{award.piid}"
        owner = claims.get(base)
        if owner is None:
            existing = self.batch.existing(base)
            # A graph written before award keys were identifiers holds them as aliases too.
            held = [existing.properties.get("award_key"), *existing.aliases] if existing else []
            keys = [a for a in held if isinstance(a, str) and a.startswith("CONT_AWD_")]
            if not keys or award.key in keys:
                claims[base] = award.key
                return base, None
        elif owner == award.key:
            return base, None
        qualifier = _qualifier(award)
        contract_id = f"{base}@{qualifier}"
        self.report.notice(Message("notice.piid_reused", piid=award.piid, key=award.key, id=contract_id))
        return contract_id, qualifier

    def _merge_fy(self, contract_id: str, fy: dict[int, float]) -> list[str]:
        """Years loaded now replace the same years already stored; other years are kept."""
        stored = self.batch.prop(contract_id, "obligations_by_fy") or []
        merged: dict[int, str] = {}
        for item in stored:
            year, _, value = str(item).partition("=")
            if year.isdigit():
                merged[int(year)] = value
        for year, value in fy.items():
            merged[year] = f"{value:.2f}"
        return [f"{year}={merged[year]}" for year in sorted(merged)]


def _qualifier(award: Award) -> str:
    """What tells an award apart from another under the same PIID: its parent PIID, else its award key's agency."""
    parts = award.key.split("_")
    return award.parent_piid or (parts[3] if len(parts) > 3 else "other")
