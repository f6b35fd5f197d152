"""FedRAMP Marketplace JSON -> cloud products, their providers, and AUTHORIZED_FOR agency edges.

Accepts the shapes the marketplace data has been published in:
- the bundled marketplace file `data.json`: {"meta", "data": {"Products", "Agencies", ...}},
  where each agency lists the packages it authorized ("auths", "reuses");
- the split exports `fedramp-products.json` ({"products": [...]}),
  `fedramp-agencies.json` ({"data": {"agencies": [...]}}) and
  `fedramp-atos.json` ({"data": {"atos": [...]}}, the ATO mapping with dates);
- the older `data.Providers` layout with "Leveraged_ATO_Letters".
Several files can be given at once (products + agencies + ATOs).

The marketplace's own `data.json` (github.com/GSA/marketplace-fedramp-gov-data)
has, since 2024, the ATO letters in `data.AtoMapping` and `data.ReuseMapping`:
each entry names the product by `id` and the agency by `parent`/`sub` names
(its `agency_id`/`sub_id` are sometimes empty).

Dates the marketplace does not know are written as placeholder strings
("Not Authorized", "No FRR Date", "Not Active", "#N/A"...): any date value
without a digit is treated as unknown, never as an error. A value with digits
that is not a date is malformed and named (file, entry, field, value). A date
of a year no FedRAMP letter can have (the published file holds a reuse ATO of
"0202-04-26") is unknown too, and the summary names it.

"JAB Authorization" / "Legacy JAB Authorization" stand in the agency columns
for P-ATOs of the Joint Authorization Board: a board, not an agency, so no
AUTHORIZED_FOR edge is made for them (the summary counts them).

Descriptions are not copied: in the published data some products carry
another product's description.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from graph.errors import LoadError
from graph.i18n import Message
from graph.text import slugify
from graph.types import clean_url
from loaders import values
from loaders.graphbatch import GraphBatch
from loaders.report import LoadReport, examples
from loaders.resolve import Resolver, clean_uei
from loaders.sources_io import read_json

SOURCE_ID = "source:fedramp-marketplace"
MARKETPLACE = "https://marketplace.fedramp.gov/"
PRODUCT_KEYS = ("Products", "products", "Providers", "providers")
AGENCY_KEYS = ("Agencies", "agencies")
ATO_KEYS = ("atos", "ATOs", "Atos", "AtoMapping", "ato_mapping", "AtoMappings", "ReuseMapping")
NOT_AN_AGENCY = {"", "#n/a", "n/a", "na", "none", "not in process"}
AGENCY_ID = re.compile(r"[0-9]{2}-[0-9]{3}(?:-[0-9]{2})?")  # the marketplace's agency ids: "22-002-03"
JAB = {"jab authorization", "legacy jab authorization", "joint authorization board", "jab"}
PLAUSIBLE_YEARS = range(1990, 2100)  # FedRAMP began in 2012; agencies' own ATOs are not much older


def _first(data: dict, names: tuple[str, ...]) -> tuple[str, Any] | None:
    """(name, value) of the first non-empty field among several spellings of a field."""
    for name in names:
        value = data.get(name)
        if value not in (None, "", [], {}):
            return name, value
    return None


def _get(entry: dict, *names: str) -> Any:
    """The first non-empty value among several spellings of a field."""
    found = _first(entry, names)
    return found[1] if found else None


def _list(entry: Entry, *names: str) -> list:
    """The first non-empty list among several spellings of a field; one text is a list of one.

    Anything else (a number, an object) stops the load naming the entry and field,
    rather than being read character by character or crashing.
    """
    found = _first(entry.data, names)
    if found is None:
        return []
    name, value = found
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return value
    raise LoadError(Message("fedramp.not_list", kind=_kind(value)), path=entry.file, row=entry.where, field=name)


def _field(entry: Entry, *names: str) -> str | None:
    """The text of the first non-empty field among several spellings; an object or a list there stops the load
    naming the entry and field (its Python spelling, "{'a': 1}", would otherwise become a name)."""
    found = _first(entry.data, names)
    if found is None:
        return None
    name, value = found
    if isinstance(value, (dict, list)):
        raise LoadError(Message("fedramp.not_text", kind=_kind(value)), path=entry.file, row=entry.where, field=name)
    return _text(value)


def _kind(value: Any) -> Message:
    """A JSON value's type in the reader's words: "an object", "a list", "a number", "true/false"."""
    if isinstance(value, dict):
        return Message("fedramp.an_object")
    if isinstance(value, list):
        return Message("mapping.a_list")
    return Message("fedramp.a_boolean" if isinstance(value, bool) else "fedramp.a_number")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return None if text.casefold() in ("#n/a", "n/a") else (text or None)


@dataclass
class Entry:
    data: dict
    where: str  # "data.json: data.Products[3]"
    file: str


@dataclass
class FedrampLoad:
    batch: GraphBatch
    resolver: Resolver
    report: LoadReport
    products: list[Entry] = field(default_factory=list)
    agencies: list[Entry] = field(default_factory=list)
    atos: list[Entry] = field(default_factory=list)
    exported: str | None = None
    file_names: list[str] = field(default_factory=list)
    placeholders: Counter = field(default_factory=Counter)
    implausible: list[Message] = field(default_factory=list)  # "entry, field 'x': 'value'"
    jab: int = 0  # authorizations naming the JAB where an agency goes

    # -- reading ---------------------------------------------------------------
    def read_file(self, path: Path) -> None:
        document = read_json(path)
        if not isinstance(document, (dict, list)):
            raise LoadError(Message("fedramp.not_object"), path=str(path))
        found = 0
        containers: list[tuple[str, Any]] = [("", document)]
        if isinstance(document, dict):
            for key in ("data", "Data"):
                if isinstance(document.get(key), dict):
                    containers.append((f"{key}.", document[key]))
            meta = document.get("meta") or document.get("metadata") or {}
            if isinstance(meta, dict):
                stamp = _get(meta, "last_change", "export_timestamp", "Created_At")
                if stamp:
                    try:
                        self.exported, _ = values.date_or_placeholder(stamp)
                    except values.BadValue:
                        self.exported = None
        for prefix, container in containers:
            if not isinstance(container, dict):
                continue
            for keys, bucket in ((PRODUCT_KEYS, self.products), (AGENCY_KEYS, self.agencies),
                                 (ATO_KEYS, self.atos)):
                for key in keys:
                    items = container.get(key)
                    if items is None:
                        continue
                    if not isinstance(items, list):
                        raise LoadError(Message("fedramp.key_not_list", key=f"{prefix}{key}"), path=str(path))
                    for index, item in enumerate(items):
                        if not isinstance(item, dict):
                            raise LoadError(Message("fedramp.entry_not_object"), path=str(path),
                                            row=f"{prefix}{key}[{index}]")
                        bucket.append(Entry(item, f"{prefix}{key}[{index}]", str(path)))
                        found += 1
        if not found:
            raise LoadError(Message("fedramp.no_lists"), path=str(path))
        self.file_names.append(path.name)
        self.report.files.append(str(path))
        self.report.rows_read += found

    def _date(self, entry: Entry, *names: str) -> str | None:
        for name in names:
            raw = entry.data.get(name)
            if raw in (None, ""):
                continue
            try:
                if isinstance(raw, (dict, list)):  # its Python spelling ("['2019-04-10']") is no date to name
                    raise values.BadValue(Message("fedramp.not_text", kind=_kind(raw)))
                value, placeholder = values.date_or_placeholder(raw)
            except values.BadValue as exc:
                shown = json.dumps(raw, ensure_ascii=False) if isinstance(raw, (dict, list)) else raw
                self.report.reject(entry.file, entry.where, name, shown, exc.args[0], malformed=True)
                entry.data["__bad__"] = True
                return None
            if placeholder:
                self.placeholders[str(raw).strip()] += 1
                continue
            if value and int(value[:4]) not in PLAUSIBLE_YEARS:
                self.implausible.append(Message("notice.at_entry_field", entry=entry.where, field=name,
                                                value=repr(str(raw).strip())))
                continue
            return value
        return None

    # -- building --------------------------------------------------------------
    def build(self) -> None:
        batch, resolver, report = self.batch, self.resolver, self.report
        source_props = {"name": "FedRAMP Marketplace", "kind": "public_record", "language": "en", "url": MARKETPLACE,
                        "title": "FedRAMP Marketplace data: " + ", ".join(self.file_names),
                        "identifier": ", ".join(self.file_names), "date": self.exported}
        batch.add_node(SOURCE_ID, "Source", source_props)
        src = {"evidence": "public_record", "sources": [SOURCE_ID]}

        product_nodes: dict[str, str] = {}  # package id -> node id
        pending_hosts: list[tuple[str, str]] = []
        pending_names: list[tuple[str, str, str | None]] = []  # (product node, agency name, start)
        for entry in self.products:
            p = entry.data
            package = _field(entry, "id", "Package_ID", "package_id")
            offering = _field(entry, "cso", "service_offering", "Cloud_Service_Provider_Package")
            provider = _field(entry, "csp", "Cloud_Service_Provider_Name", "name")
            auth_date = self._date(entry, "auth_date", "fedramp_auth", "Original_Authorization_Date")
            letters = p.get("Leveraged_ATO_Letters") if isinstance(p.get("Leveraged_ATO_Letters"), list) else []
            letter_dates = []
            for letter in letters:
                if isinstance(letter, dict):
                    sub = Entry(letter, entry.where + ".Leveraged_ATO_Letters", entry.file)
                    letter_dates.append((sub, self._date(sub, "Letter_Date", "Authorization_Date"),
                                         self._date(sub, "Letter_Expiration_Date")))
            if p.get("__bad__") or any(sub.data.get("__bad__") for sub, _start, _end in letter_dates):
                continue
            if not offering and not package:
                report.reject(entry.file, entry.where, "cso", "", Message("reject.no_product_name"))
                continue
            name = offering or package
            existing, reason = resolver.product(name, fedramp_id=package)
            node_id = existing or f"product:fedramp-{slugify(package or name)}"
            if existing:
                report.merge("Product", f"'{name}' ({package})", existing, reason)
            website = _website(_field(entry, "website", "CSP_Website"))
            resolver.register(node_id, "Product", {
                "name": name, "fedramp_id": package, "impact_level": _field(entry, "impact_level", "Impact_Level"),
                "status": _status(_field(entry, "status", "public_status", "Designation")), "website": website,
                "sources": [SOURCE_ID] if not existing else []})
            if package:
                product_nodes[package] = node_id
            report.rows_used += 1
            if provider:
                company = resolver.company(provider, clean_uei(_field(entry, "uei")), sources=[SOURCE_ID])
                if company:
                    batch.add_edge(company, "DEVELOPS", node_id, src)
            for system in _list(entry, "leveraged_systems", "Underlying_CSP_Package_ID"):
                underlying = system.get("id") if isinstance(system, dict) else system
                if _text(underlying):
                    pending_hosts.append((str(underlying).strip(), node_id))
            sponsor = _field(entry, "authorizing_subagency_id", "Sponsoring_Subagency") or \
                _field(entry, "authorizing_agency_id", "Sponsoring_Agency")
            for agency_name in (*_list(entry, "agency_authorizations"), *_list(entry, "agency_auths"),
                                *_list(entry, "agency_reuse")):
                if isinstance(agency_name, str) and agency_name.strip().casefold() not in NOT_AN_AGENCY:
                    start = auth_date if sponsor and agency_name.strip() == sponsor else None
                    pending_names.append((node_id, agency_name.strip(), start))
            if sponsor and sponsor.casefold() not in NOT_AN_AGENCY:
                pending_names.append((node_id, sponsor, auth_date))
            for letter, start, end in letter_dates:
                agency = _field(letter, "Authorizing_Subagency") or _field(letter, "Authorizing_Agency")
                if agency:
                    parent = _field(letter, "Authorizing_Agency")
                    target = self._agency(parent, agency)
                    if target:
                        self._authorize(node_id, target, start, end)

        def product_for(package: str) -> str | None:
            return product_nodes.get(package) or resolver.by_fedramp.get(package)

        agency_nodes: dict[str, str] = {}
        jab_ids: set[str] = set()  # the agency id the files give the JAB ("22-001")
        for entry in self.agencies:
            agency_id = _field(entry, "id")
            parent = _field(entry, "parent", "parent_agency_name")
            sub = _field(entry, "sub", "sub_agency_name")
            if _is_jab(parent, sub):
                self.jab += len(_list(entry, "auths")) + len(_list(entry, "reuses"))
                jab_ids.add(agency_id or "")
                continue
            node = self._agency(parent, sub)
            if not node:
                report.reject(entry.file, entry.where, "parent", "", Message("reject.no_agency_name"))
                continue
            report.rows_used += 1
            if agency_id:
                agency_nodes[agency_id] = node
            for listed in ("auths", "reuses"):
                for auth in _list(entry, listed):
                    package = auth.get("id") if isinstance(auth, dict) else auth
                    product = product_for(str(package).strip()) if _text(package) else None
                    if product:
                        self._authorize(product, node, None, None)
                    elif _text(package):
                        report.notice(Message("notice.unknown_packages", package=package))

        ato_spans: dict[tuple[str, str], list[tuple[str | None, str | None]]] = {}
        for entry in self.atos:
            t = entry.data
            start = self._date(entry, "ato_date", "Letter_Date")
            end = self._date(entry, "termination_date") or self._date(entry, "exp_date", "Letter_Expiration_Date")
            if t.get("__bad__"):
                continue
            # The split export names the product `product_id`; the marketplace's AtoMapping/ReuseMapping, `id`.
            package = _field(entry, "product_id" if "product_id" in t else "id")
            product = product_for(package) if package else None
            parent, sub = _field(entry, "parent"), _field(entry, "sub")
            agency_id = _field(entry, "sub_id") or _field(entry, "agency_id")
            if _is_jab(parent, sub) or (agency_id and agency_id in jab_ids):
                self.jab += 1
                continue
            agency = self._agency(parent, sub) if parent or sub else agency_nodes.get(agency_id or "")
            if not product or not agency:
                report.reject(entry.file, entry.where, "product_id" if not product else "agency_id",
                              package if not product else agency_id,
                              Message("reject.ato_unknown_product" if not product else "reject.ato_unknown_agency"))
                continue
            report.rows_used += 1
            ato_spans.setdefault((product, agency), []).append((start, end))
        for (product, agency), spans in ato_spans.items():
            starts = sorted(s for s, _e in spans if s)
            ends = sorted(e for _s, e in spans if e)
            self._authorize(product, agency, starts[0] if starts else None, ends[-1] if ends else None)

        for product, agency_name, start in pending_names:
            # An agency id ("22-002-03", as agency_reuse lists them) is the agency of that id, if the files have it.
            is_id = AGENCY_ID.fullmatch(agency_name)
            node = agency_nodes.get(agency_name) if is_id else self._agency(None, agency_name)
            if node:
                self._authorize(product, node, start, None)
        for underlying, product in pending_hosts:
            host = product_for(underlying)
            if host and host != product:
                batch.add_edge(host, "HOSTS", product, src)
        if self.placeholders:
            common = ", ".join(f"'{text}' ×{n}" for text, n in self.placeholders.most_common(4))
            report.notice(Message("notice.placeholder_dates", count=f"{sum(self.placeholders.values()):,}",
                                  examples=common))
        if self.implausible:
            report.notice(Message("notice.impossible_years", count=f"{len(self.implausible):,}",
                                  examples=examples(self.implausible)))
        if self.jab:
            report.notice(Message("notice.jab", count=f"{self.jab:,}"))

    def _agency(self, parent: str | None, sub: str | None) -> str | None:
        resolver = self.resolver
        if _is_jab(parent, sub):
            self.jab += 1
            return None
        if parent and parent.casefold() in NOT_AN_AGENCY:
            parent = None
        if sub and sub.casefold() in NOT_AN_AGENCY:
            sub = None
        top = resolver.agency(parent, sources=[SOURCE_ID]) if parent else None
        if sub and (not parent or sub != parent):
            node = resolver.agency(sub, sources=[SOURCE_ID])
            if top and node and node != top:
                self.batch.add_edge(node, "PART_OF", top, {"evidence": "public_record", "sources": [SOURCE_ID]})
            return node
        return top

    def _authorize(self, product: str, agency: str, start: str | None, end: str | None) -> None:
        key = (product, "AUTHORIZED_FOR", agency)
        draft = self.batch.edges.get(key, {})
        start = min(filter(None, [start, draft.get("start")]), default=None)
        end = max(filter(None, [end, draft.get("end")]), default=None)
        self.batch.add_edge(product, "AUTHORIZED_FOR", agency, {
            "evidence": "public_record", "sources": [SOURCE_ID], "start": start, "end": end})


def _status(text: str | None) -> str | None:
    """The marketplace status; "No Status Found" (fedramp-products.json, for products it does not list) is none."""
    return None if text is None or text.casefold() == "no status found" else text


def _is_jab(parent: str | None, sub: str | None) -> bool:
    """Whether an agency column names the JAB, which FedRAMP files list among agencies for its P-ATOs."""
    return any(name and name.strip().casefold() in JAB for name in (parent, sub))


def _website(value: Any) -> str | None:
    text = _text(value)
    if not text:
        return None
    if not text.lower().startswith(("http://", "https://")) and "." in text and " " not in text:
        text = "https://" + text
    return clean_url(text)


def load_fedramp(paths: Iterable[Path], batch: GraphBatch, resolver: Resolver, report: LoadReport, *,
                 strict: bool = True) -> FedrampLoad:
    state = FedrampLoad(batch, resolver, report)
    for path in paths:
        state.read_file(Path(path))
    state.build()
    return state
