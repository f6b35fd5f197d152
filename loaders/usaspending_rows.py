"""The row logic of a USAspending load: one row's cells become an Award, and awards met again are merged.

A summaries row becomes one Award per award key (a newer row for the same key
replaces an older one and the older is listed as a reject); a transactions
row adds its obligation to its award's fiscal year, or makes the award when
no summaries row names it. A row with malformed values or no PIID is refused
and said in the report. Every row the clean columns cannot vouch for comes
here (loaders.award_columns), and so does every held row taken out of them
(loaders.usaspending_held): the row logic alone decides rejects and merges.

`cell(column)` gives a row's text and `conv(column, fn)` a converted value,
recording a refused one in `bad`: the row-by-row reader and the blocks of
loaders.arrow_csv both give them (loaders.usaspending_read).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from graph.i18n import Message
from loaders import values
from loaders.report import LoadReport

# The Award Data Archive's delta files add this first column: D marks a transaction USAspending has deleted.
DELETE_MARK = "correction_delete_ind"


@dataclass(slots=True)
class Award:
    """The columns of one award that the graph uses (one record per award key)."""

    key: str
    piid: str
    origin: tuple[str, int]
    file_source: str
    parent_piid: str | None = None
    award_type: str | None = None
    dept: str | None = None
    sub: str | None = None
    office: str | None = None
    office_code: str | None = None
    fdept: str | None = None
    fsub: str | None = None
    foffice: str | None = None
    foffice_code: str | None = None
    recipient: str | None = None
    uei: str | None = None
    parent_name: str | None = None
    parent_uei: str | None = None
    description: str | None = None
    permalink: str | None = None
    obligated: float | None = None
    potential: float | None = None
    current: float | None = None
    start: str | None = None
    end: str | None = None
    base_date: str | None = None
    latest_date: str | None = None
    fiscal_year: int | None = None
    latest_fy: int | None = None
    last_modified: str | None = None
    naics: str | None = None
    psc: str | None = None
    fy_obligations: dict[int, float] | None = None
    tx_seen: set[str] | None = None
    from_summary: bool = False
    order: int = 0  # when the row logic first met this award key (rows count across the load's files)

    def rank(self) -> tuple[str, str]:
        return (self.last_modified or "", self.latest_date or "")


class RowLogic:
    """Rows into awards; the state (`awards`, the converters, the row count) is UsaspendingLoad's."""

    report: LoadReport
    awards: dict[str, Award]
    _seq: int
    _date: Callable[[str], str | None]
    _fiscal_year: Callable[[str], int | None]
    _uei: Callable[[str], str | None]

    def _reject_bad(self, name: str, number: int, bad: list[tuple[str, str, str]]) -> None:
        for column, raw, reason in bad:
            self.report.reject(name, number, column, raw, reason, malformed=True)

    def _refused(self, name: str, number: int, cell, bad: list[tuple[str, str, str]], piid: str | None) -> bool:
        """Reject a row with malformed values or no PIID (said in the report); True if it was."""
        if bad:
            self._reject_bad(name, number, bad)
            return True
        if not piid:
            self.report.reject(name, number, "award_id_piid", cell("award_id_piid"),
                               Message("reject.no_piid"))
            return True
        return False

    def _common(self, award: Award, cell, conv, obligated_column: str) -> None:
        t = values.shared_text  # names, codes and types repeat on many rows: one string each, not one per row
        award.parent_piid = conv("parent_award_id_piid", t)
        award.award_type = conv("award_type", t)
        award.dept, award.sub = conv("awarding_agency_name", t), conv("awarding_sub_agency_name", t)
        award.office, award.office_code = conv("awarding_office_name", t), conv("awarding_office_code", t)
        award.fdept, award.fsub = conv("funding_agency_name", t), conv("funding_sub_agency_name", t)
        award.foffice, award.foffice_code = conv("funding_office_name", t), conv("funding_office_code", t)
        award.recipient, award.uei = conv("recipient_name", t), conv("recipient_uei", self._uei)
        award.parent_name, award.parent_uei = conv("recipient_parent_name", t), conv("recipient_parent_uei", self._uei)
        award.permalink = conv("usaspending_permalink", values.url)  # one per award
        award.naics, award.psc = conv("naics_code", t), conv("product_or_service_code", t)
        award.last_modified = conv("last_modified_date", self._date) and conv("last_modified_date", t)
        for column, uei in (("recipient_uei", award.uei), ("recipient_parent_uei", award.parent_uei)):
            raw = conv(column, str.strip)
            if raw and not uei:
                self.report.notice(Message("notice.bad_uei", value=repr(raw), column=column))
        award.obligated = conv(obligated_column, values.amount)
        award.current = conv("current_total_value_of_award", values.amount)
        award.potential = conv("potential_total_value_of_award", values.amount)
        award.start = conv("period_of_performance_start_date", self._date)
        award.end = conv("period_of_performance_current_end_date", self._date)

    def _award_row(self, name, number, cell, conv, bad, file_source) -> None:
        award = self._award_of_row(name, number, cell, conv, bad, file_source)
        if award is not None:
            self._add_award(award, self._seq)

    def _award_of_row(self, name, number, cell, conv, bad, file_source) -> Award | None:
        """The award a summaries row holds, or None when it is refused (said in the report)."""
        key, piid = conv("contract_award_unique_key", values.text), conv("award_id_piid", values.text)
        award = Award(key or f"PIID:{piid}", piid or "", (name, number), file_source, from_summary=True,
                      order=self._seq)
        self._common(award, cell, conv, "total_obligated_amount")
        award.base_date = conv("award_base_action_date", self._date)
        award.latest_date = conv("award_latest_action_date", self._date)
        award.latest_fy = conv("award_latest_action_date_fiscal_year", self._fiscal_year)
        base_fy = conv("award_base_action_date_fiscal_year", self._fiscal_year)
        award.fiscal_year = base_fy or values.fiscal_year_of(award.base_date) or \
            values.fiscal_year_of(award.start) or award.latest_fy
        award.description = conv("prime_award_base_transaction_description", values.text)
        if self._refused(name, number, cell, bad, piid):
            return None
        return award

    def _add_award(self, award: Award, seq: int) -> None:
        """Add a summaries award (met at row `seq`): a newer row for the same key replaces an older one."""
        old = self.awards.get(award.key)
        if old is not None and old.from_summary:
            keep, drop = (award, old) if award.rank() >= old.rank() else (old, award)
            self.report.reject(drop.origin[0], drop.origin[1], "contract_award_unique_key", award.key,
                               Message("reject.duplicate_award", row=keep.origin[1]))
            if keep is old:
                return
            self.report.rows_used -= 1  # the older row no longer counts as used
        if old is not None and old.fy_obligations is not None:
            award.fy_obligations, award.tx_seen = old.fy_obligations, old.tx_seen
        award.order = old.order if old is not None else seq
        self.awards[award.key] = award
        self.report.rows_used += 1

    def _transaction_row(self, name, number, cell, conv, bad, file_source) -> None:
        if cell(DELETE_MARK).strip().upper() == "D":
            self.report.reject(name, number, DELETE_MARK, cell(DELETE_MARK),
                               Message("reject.deleted"))
            return
        key, piid = conv("contract_award_unique_key", values.text), conv("award_id_piid", values.text)
        obligation = conv("federal_action_obligation", values.amount)
        action_date = conv("action_date", self._date)
        fy = conv("action_date_fiscal_year", self._fiscal_year) or values.fiscal_year_of(action_date)
        tx = Award(key or f"PIID:{piid}", piid or "", (name, number), file_source)
        self._common(tx, cell, conv, "total_dollars_obligated")
        tx.latest_date = action_date
        tx.description = conv("prime_award_base_transaction_description", values.text) or \
            conv("transaction_description", values.text)
        if self._refused(name, number, cell, bad, piid):
            return
        tx_key = conv("contract_transaction_unique_key", values.text) or \
            f"{tx.key}|{conv('modification_number', str.strip)}|{conv('transaction_number', str.strip)}|{action_date}"
        award = self.awards.get(tx.key)
        if award is None:
            award = tx
            award.order = self._seq
            award.fy_obligations, award.tx_seen = {}, set()
            award.base_date, award.fiscal_year = action_date, fy
            self.awards[tx.key] = award
        else:
            if award.fy_obligations is None:
                award.fy_obligations, award.tx_seen = {}, set()
            if tx_key in award.tx_seen:
                self.report.reject(name, number, "contract_transaction_unique_key", tx_key,
                                   Message("reject.duplicate_transaction"))
                return
            if not award.from_summary:
                if action_date and (not award.base_date or action_date < award.base_date):
                    award.base_date, award.fiscal_year = action_date, fy
                if (tx.latest_date or "", tx.last_modified or "") >= (award.latest_date or "",
                                                                      award.last_modified or ""):
                    for slot in ("parent_piid", "award_type", "dept", "sub", "office", "office_code", "fdept",
                                 "fsub", "foffice", "foffice_code", "recipient", "uei", "parent_name",
                                 "parent_uei", "description", "permalink", "obligated", "current", "potential",
                                 "start", "end", "latest_date", "last_modified", "naics", "psc"):
                        new = getattr(tx, slot)
                        if new is not None:
                            setattr(award, slot, new)
        award.tx_seen.add(tx_key)
        if fy is not None and obligation is not None:
            award.fy_obligations[fy] = round(award.fy_obligations.get(fy, 0.0) + obligation, 2)
        self.report.rows_used += 1
