"""Entity resolution: which node a company, agency or product named in a source file is.

Companies, in order:
1. an override (force / forbid) from the researcher's overrides file;
2. the UEI (SAM.gov Unique Entity Identifier): a node holding that UEI;
3. the normalized name (case, accents, punctuation and suffixes such as INC,
   LLC, L.L.C., CORP, CORPORATION ignored) against every name and alias - but
   a node that already holds a *different* UEI is never merged silently: the
   record becomes its own node and the conflict is reported;
4. the parent UEI, when the name alone is ambiguous (several candidates) or
   the record has no UEI: the candidate that is the parent, or a known
   subsidiary of it.
Every variant of a name is kept as an alias, and every merge is reported with
its reason (see LoadReport.merges).

Agencies match by normalized name or alias (a leading "U.S." or "The" is
ignored), so "U.S. Immigration and Customs Enforcement" and "Department of
Homeland Security" land on the seed's agency:ice and agency:dhs. Offices are
matched only among the components of their own sub-agency.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from graph import yaml_text
from graph.errors import LoadError
from graph.i18n import Message, reading_problem
from graph.text import compact, fold, slugify
from loaders.graphbatch import GraphBatch
from loaders.report import KEPT_APART, LoadReport

# Trailing legal-form tokens (after `fold`, which turns "L.L.C." into "l l c").
_SUFFIXES = [s.split() for s in (
    "inc", "incorporated", "llc", "l l c", "corp", "corporation", "co", "company", "ltd", "limited",
    "lp", "l p", "llp", "l l p", "plc", "pllc", "p c", "pc", "gmbh", "the",
)]
_SUFFIXES.sort(key=len, reverse=True)
_AGENCY_PREFIXES = [p.split() for p in ("the", "u s", "us", "united states")]
_UEI = re.compile(r"^[A-Z0-9]{12}$")
_PARENTHESIS_AT_END = re.compile(r"\s*\([^()]*\)\s*$")
_UNKNOWN = object()


@lru_cache(maxsize=1 << 16)  # a load asks about the same recipient and parent names on many rows
def company_key(name: str) -> str:
    """A company name reduced for comparison: "PALANTIR USG, INC." -> "palantirusg"."""
    words = fold(name.split(" dba ")[0].split(" DBA ")[0]).split()
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    changed = True
    while changed and len(words) > 1:
        changed = False
        for suffix in _SUFFIXES:
            n = len(suffix)
            if len(words) > n and words[-n:] == suffix:
                words = words[:-n]
                changed = True
                break
    return "".join(words)


def agency_key(name: str) -> str:
    """An agency name reduced for comparison: "U.S. Immigration and Customs Enforcement" -> "immigrationand..."."""
    words = fold(name).split()
    changed = True
    while changed and words:
        changed = False
        for prefix in _AGENCY_PREFIXES:
            if len(words) > len(prefix) and words[:len(prefix)] == prefix:
                words = words[len(prefix):]
                changed = True
    return "".join(words)


def clean_uei(value: str | None) -> str | None:
    """A UEI in upper case, or None for an empty or malformed one."""
    text = (value or "").strip().upper()
    return text if _UEI.match(text) else None


# -- overrides ---------------------------------------------------------------
@dataclass
class Overrides:
    """Researcher decisions: force a record onto a node, or forbid a merge."""

    force_uei: dict[str, str] = field(default_factory=dict)
    force_name: dict[tuple[str, str], str] = field(default_factory=dict)  # (label, key) -> id
    forbid: set[tuple[str, str]] = field(default_factory=set)  # (uei or "name:"+key, id)
    path: str | None = None

    @classmethod
    def load(cls, path: Path | None) -> Overrides:
        """Read an overrides YAML file (see docs/LOADING.md); an absent path means no overrides."""
        if path is None:
            return cls()
        try:
            data = yaml_text.load(path.read_text(encoding="utf-8-sig")) or {}
        except (OSError, yaml_text.YAMLError, UnicodeDecodeError) as exc:
            raise LoadError(Message("overrides.unreadable", error=reading_problem(exc)), path=str(path)) from exc
        if not isinstance(data, dict) or set(data) - {"force", "forbid"}:
            raise LoadError(Message("overrides.not_mapping"), path=str(path))
        out = cls(path=str(path))
        for section in ("force", "forbid"):
            entries = data.get(section) or []
            if not isinstance(entries, list):
                raise LoadError(Message("overrides.not_list", section=section), path=str(path), field=section)
            for number, entry in enumerate(entries, 1):
                where = {"path": str(path), "row": f"{section}[{number}]"}
                if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or ":" not in entry["id"]:
                    raise LoadError(Message("overrides.needs_id"), **where)
                node_id = entry["id"]
                label = _label_for(node_id)
                uei, name = clean_uei(entry.get("uei")), entry.get("name")
                if entry.get("uei") and not uei:
                    raise LoadError(Message("overrides.bad_uei", uei=repr(entry["uei"])), field="uei", **where)
                if not uei and not name:
                    raise LoadError(Message("overrides.needs_key"), **where)
                key = _key_for(label, name) if name else None
                if section == "force":
                    if uei:
                        out.force_uei[uei] = node_id
                    if key:
                        out.force_name[(label, key)] = node_id
                else:
                    if uei:
                        out.forbid.add((uei, node_id))
                    if key:
                        out.forbid.add((f"name:{key}", node_id))
        return out

    def forbidden(self, node_id: str, uei: str | None, key: str | None) -> bool:
        return bool((uei and (uei, node_id) in self.forbid) or (key and (f"name:{key}", node_id) in self.forbid))


_PREFIX_LABEL = {"company": "Company", "agency": "Agency", "product": "Product", "org": "Organization",
                 "person": "Person"}


def _label_for(node_id: str) -> str:
    return _PREFIX_LABEL.get(node_id.split(":", 1)[0], "")


def _key_for(label: str, name: str) -> str:
    if label == "Company":
        return company_key(name)
    if label == "Agency":
        return agency_key(name)
    return compact(name)


# -- the resolver ------------------------------------------------------------
class Resolver:
    """Resolves records to node ids against the store and this load's batch, reporting merges."""

    def __init__(self, batch: GraphBatch, report: LoadReport, overrides: Overrides | None = None) -> None:
        self.batch, self.report = batch, report
        self.overrides = overrides or Overrides()
        self.by_uei: dict[str, str] = {}
        # Names of every label people name in sheets (not Source or Contract: those have real keys).
        self.by_key: dict[str, dict[str, set[str]]] = {
            label: {} for label in batch.schema.labels if label not in ("Source", "Contract")}
        self.by_fedramp: dict[str, str] = {}
        store = batch.store
        for label in self.by_key:
            for node in store.nodes(label):
                self._index(node.id, label, [node.name, *node.aliases])
                if label == "Company" and clean_uei(node.properties.get("uei")):
                    self.by_uei.setdefault(clean_uei(node.properties["uei"]), node.id)
                if label == "Product" and node.properties.get("fedramp_id"):
                    self.by_fedramp.setdefault(str(node.properties["fedramp_id"]), node.id)
        self._company_cache: dict[tuple, str | None] = {}
        # (name, UEI) -> node found by its UEI: asked again (with another parent UEI), the answer is the same and
        # the merge and aliases are already recorded (by_uei never changes an entry it has answered with).
        self._by_known_uei: dict[tuple[str, str], str] = {}
        self._agency_cache: dict[tuple, str] = {}
        self._family: dict[str, set[str]] = {}

    # -- indexes ---------------------------------------------------------------
    def _index(self, node_id: str, label: str, names: Iterable[str]) -> None:
        table = self.by_key[label]
        for name in names:
            key = _key_for(label, name) if name else ""
            if key:
                table.setdefault(key, set()).add(node_id)

    def register(self, node_id: str, label: str, props: dict[str, Any]) -> None:
        """Add a node to the batch and to the look-up tables."""
        self.batch.add_node(node_id, label, props)
        if label in self.by_key:
            self._index(node_id, label, [props.get("name", ""), *props.get("aliases", [])])
        if label == "Company" and props.get("uei"):
            self.by_uei.setdefault(props["uei"], node_id)
        if label == "Product" and props.get("fedramp_id"):
            self.by_fedramp.setdefault(str(props["fedramp_id"]), node_id)

    def shown_name(self, node_id: str) -> str:
        node = self.batch.existing(node_id)
        return node.name if node else self.batch.nodes.get(node_id, {}).get("name", "")

    def uei_of(self, node_id: str) -> str | None:
        return clean_uei(self.batch.prop(node_id, "uei"))

    def family(self, company_id: str) -> set[str]:
        """The company, its parents and its subsidiaries (one hop each way)."""
        if company_id not in self._family:
            members = {company_id}
            for source, _t, target in self.batch.edges_touching(company_id, "SUBSIDIARY_OF"):
                members.update((source, target))
            self._family[company_id] = members
        return self._family[company_id]

    def _free_id(self, base: str, names_key: str, label: str) -> str:
        """`base`, or base-2, base-3... when the id is taken by a different entity."""
        candidate, n = base, 1
        while self.batch.has(candidate):
            keys = {_key_for(label, name) for name in self.batch.names_of(candidate)}
            if names_key in keys:
                return candidate
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    # -- companies -------------------------------------------------------------
    def company(self, name: str | None, uei: str | None = None, *, parent_uei: str | None = None,
                sources: list[str] | None = None) -> str | None:
        """The node id for a company record, creating a draft node when none matches."""
        # Values already clean (as a loader's columns hold them) are their own cache key: no cleaning to repeat.
        known = self._company_cache.get((name, uei, parent_uei), _UNKNOWN)
        if known is not _UNKNOWN:
            return known
        name = (name or "").strip()
        uei = clean_uei(uei)
        parent_uei = clean_uei(parent_uei)
        if not name and not uei:
            return None
        cache_key = (name, uei, parent_uei)
        if cache_key in self._company_cache:
            return self._company_cache[cache_key]
        node_id = self._by_known_uei.get((name, uei)) if uei else None
        if node_id is None:
            node_id = self._resolve_company(name, uei, parent_uei, sources or [])
        self._company_cache[cache_key] = node_id
        return node_id

    def _resolve_company(self, name: str, uei: str | None, parent_uei: str | None, sources: list[str]) -> str:
        key = company_key(name) if name else ""
        record = Message("merge.record_uei", name=name, uei=uei) if uei else Message("merge.record_no_uei", name=name)
        props: dict[str, Any] = {"name": name or uei, "uei": uei}

        forced = (self.overrides.force_uei.get(uei) if uei else None) or \
            (self.overrides.force_name.get(("Company", key)) if key else None)
        if forced:
            other = self.uei_of(forced) if self.batch.has(forced) else None
            note = Message("merge.forced_other_uei", uei=other) if uei and other and other != uei else ""
            self.report.merge("Company", record, forced, Message("merge.forced", note=note))
            self.register(forced, "Company", {**props, "uei": None if other else uei})
            if uei and not other:
                self.by_uei[uei] = forced
            return forced

        if uei and uei in self.by_uei and not self.overrides.forbidden(self.by_uei[uei], uei, key):
            node_id = self.by_uei[uei]
            if name and name != self.shown_name(node_id):
                self.report.merge("Company", record, node_id, Message("merge.same_uei"))
            self.register(node_id, "Company", {**props, "uei": None})
            self._by_known_uei[(name, uei)] = node_id
            return node_id

        candidates = sorted(n for n in self.by_key["Company"].get(key, set())
                            if not self.overrides.forbidden(n, uei, key)) if key else []
        clashing = [n for n in candidates if uei and self.uei_of(n) and self.uei_of(n) != uei]
        open_ = [n for n in candidates if n not in clashing]
        for other in clashing:
            self.report.merge("Company", record, KEPT_APART,
                              Message("merge.uei_clash", other=other, uei=self.uei_of(other)))
        chosen, reason = None, None
        if len(open_) == 1:
            chosen = open_[0]
            reason = Message("merge.same_name", key=key)
        elif len(open_) > 1:
            chosen = self._by_parent(open_, parent_uei)
            reason = Message("merge.same_name_parent", key=key, parent=parent_uei) if chosen else None
            if not chosen:
                self.report.merge("Company", record, KEPT_APART,
                                  Message("merge.ambiguous", key=key, candidates=", ".join(open_)))
        if chosen is None and not uei and parent_uei and parent_uei in self.by_uei:
            parent = self.by_uei[parent_uei]
            if key and key in {company_key(n) for n in self.batch.names_of(parent)}:
                chosen, reason = parent, Message("merge.parent_name", parent=parent_uei)
        if chosen:
            if uei and not self.uei_of(chosen):
                reason = Message("merge.uei_recorded", reason=reason, uei=uei)
                self.by_uei[uei] = chosen
            self.report.merge("Company", record, chosen, reason)
            self.register(chosen, "Company", {**props, "uei": uei if not self.uei_of(chosen) else None})
            return chosen

        base = f"company:{uei}" if uei else f"company:{_id_slug(name)}"
        node_id = self._free_id(base, key, "Company") if not uei else base
        self.register(node_id, "Company", {**props, "sources": sources})
        return node_id

    def _by_parent(self, candidates: list[str], parent_uei: str | None) -> str | None:
        if not parent_uei or parent_uei not in self.by_uei:
            return None
        parent = self.by_uei[parent_uei]
        hits = [c for c in candidates if c == parent or parent in self.family(c)]
        return hits[0] if len(hits) == 1 else None

    # -- agencies --------------------------------------------------------------
    def agency(self, name: str | None, *, parent: str | None = None, code: str | None = None,
               office: bool = False, sources: list[str] | None = None) -> str | None:
        """The node id for an agency, sub-agency or office (offices only match within `parent`)."""
        name = (name or "").strip()
        if not name:
            return None
        cache_key = (name, parent, code, office)
        if cache_key in self._agency_cache:
            return self._agency_cache[cache_key]
        node_id = self._resolve_agency(name, parent, (code or "").strip(), office, sources or [])
        self._agency_cache[cache_key] = node_id
        return node_id

    def components(self, agency_id: str) -> list[str]:
        """Agencies that are PART_OF this one (store and batch)."""
        return [s for s, _t, t in self.batch.edges_touching(agency_id, "PART_OF") if t == agency_id]

    def _resolve_agency(self, name: str, parent: str | None, code: str, office: bool, sources: list[str]) -> str:
        key = agency_key(name)
        forced = self.overrides.force_name.get(("Agency", key))
        if forced:
            self.report.merge("Agency", f"'{name}'", forced, Message("merge.forced", note=""))
            self.register(forced, "Agency", {"name": name})
            return forced
        if office:
            pool = set(self.components(parent)) if parent else set()
            candidates = sorted(n for n in self.by_key["Agency"].get(key, set()) & pool
                                if not self.overrides.forbidden(n, None, key))
            if parent and key in {agency_key(n) for n in self.batch.names_of(parent)}:
                candidates = [parent]
        else:
            candidates = sorted(n for n in self.by_key["Agency"].get(key, set())
                                if not self.overrides.forbidden(n, None, key))
        if len(candidates) == 1:
            node_id = candidates[0]
            if name != self.shown_name(node_id):
                self.report.merge("Agency", f"'{name}'", node_id, Message("merge.same_name_or_alias"))
            self.register(node_id, "Agency", {"name": name})
            return node_id
        if len(candidates) > 1:
            self.report.notice(Message("notice.name_matches", label="Agency", name=name,
                                       candidates=", ".join(candidates)))
        if office and code:
            base = f"agency:office-{slugify(code)}"
        elif office and parent:
            base = f"{parent}-{slugify(name)}"
        else:
            base = f"agency:{_id_slug(name)}"
        node_id = self._free_id(base, key, "Agency")
        self.register(node_id, "Agency", {"name": name, "sources": sources})
        return node_id

    def office_home(self, office_id: str, office_name: str, parent: str) -> str:
        """Where an office hangs: under a component of `parent` whose acronym or name its name contains."""
        words = f" {fold(office_name)} "
        for component in sorted(self.components(parent)):
            if component == office_id:
                continue
            acronym = self.batch.prop(component, "acronym")
            names = [n for n in self.batch.names_of(component) if n]
            if acronym:
                names.append(acronym)
            for candidate in names:
                folded = fold(candidate)
                if folded and (len(folded) >= 3) and f" {folded} " in words:
                    self.report.merge("Agency", Message("merge.record_office", name=office_name), component,
                                      Message("merge.office_under", component=component, name=candidate))
                    return component
        return parent

    def find(self, label: str, name: str) -> str | None:
        """The one existing node (store or batch) of this label with this name or alias, or None."""
        key = _key_for(label, name)
        forced = self.overrides.force_name.get((label, key))
        if forced:
            self.report.merge(label, f"'{name}'", forced, Message("merge.forced", note=""))
            return forced
        candidates = sorted(n for n in self.by_key.get(label, {}).get(key, set())
                            if not self.overrides.forbidden(n, None, key))
        if len(candidates) == 1:
            if name != self.shown_name(candidates[0]):
                self.report.merge(label, f"'{name}'", candidates[0], Message("merge.same_name_or_alias"))
            return candidates[0]
        if len(candidates) > 1:
            self.report.notice(Message("notice.name_matches", label=label, name=name, candidates=", ".join(candidates)))
        return None

    # -- products --------------------------------------------------------------
    def product(self, name: str, *, fedramp_id: str | None = None) -> tuple[str | None, Message | str]:
        """An existing product for a FedRAMP package (by package id, then name): (id or None, reason)."""
        if fedramp_id and fedramp_id in self.by_fedramp:
            return self.by_fedramp[fedramp_id], Message("merge.same_package")
        key = compact(name)
        forced = self.overrides.force_name.get(("Product", key))
        if forced:
            return forced, Message("merge.forced", note="")
        found = self._one_product(key, fedramp_id)
        if found:
            return found, Message("merge.same_name_or_alias")
        # The marketplace often adds an acronym or a note: "Palantir Federal Cloud Service (PFCS)".
        bare = _PARENTHESIS_AT_END.sub("", name)
        found = self._one_product(compact(bare), fedramp_id) if bare != name and compact(bare) else None
        if found:
            return found, Message("merge.same_name_without", bracket=name[len(bare):].strip())
        return None, ""

    def _one_product(self, key: str, fedramp_id: str | None) -> str | None:
        """The one product named `key` that no override forbids and no other FedRAMP package holds, if any."""
        candidates = sorted(n for n in self.by_key["Product"].get(key, set())
                            if not self.overrides.forbidden(n, None, key)
                            and not (fedramp_id and self.batch.prop(n, "fedramp_id")
                                     and self.batch.prop(n, "fedramp_id") != fedramp_id))
        return candidates[0] if len(candidates) == 1 else None


# -- naming products in free text -------------------------------------------
class ProductMatcher:
    """Finds the products a contract description names (ICM, FALCON-SA...).

    A product is linked when the text names it by its full name or a long alias
    (two words or more), or by a short alias (like "ICM") when the contract's
    recipient belongs to the company family that develops the product.
    """

    def __init__(self, batch: GraphBatch, resolver: Resolver) -> None:
        self.batch, self.resolver = batch, resolver
        self.terms: list[tuple[str, str, bool]] = []  # (folded term, product id, is_long)
        for node in batch.store.nodes("Product"):
            for name in [node.name, *node.aliases]:
                term = fold(name)
                if len(term.replace(" ", "")) >= 3:
                    self.terms.append((term, node.id, len(term.split()) >= 2 and len(term) >= 10))
        self.terms.sort(key=lambda t: -len(t[0]))
        pattern = "|".join(re.escape(t) for t in dict.fromkeys(t[0] for t in self.terms))
        self.regex = re.compile(rf"(?<![a-z0-9])(?:{pattern})(?![a-z0-9])") if pattern else None
        self._developers: dict[str, set[str]] = {}

    def developers(self, product_id: str) -> set[str]:
        if product_id not in self._developers:
            devs = {s for s, _t, t in self.batch.edges_touching(product_id, "DEVELOPS") if t == product_id}
            family: set[str] = set()
            for dev in devs:
                family |= self.resolver.family(dev)
            self._developers[product_id] = family
        return self._developers[product_id]

    def find(self, text: str, recipient: str | None) -> list[tuple[str, str]]:
        """(product id, matched term) for every product the text names."""
        if not self.regex or not text:
            return []
        folded = fold(text)
        found: dict[str, str] = {}
        recipient_family = self.resolver.family(recipient) if recipient else set()
        for match in self.regex.finditer(folded):
            term = match.group(0)
            for t, product_id, is_long in self.terms:
                if t != term or product_id in found:
                    continue
                developers = self.developers(product_id)
                if recipient_family & developers or (is_long and not developers):
                    found[product_id] = term
        return sorted(found.items())


def _id_slug(name: str) -> str:
    """The name's slug for an id; a name without a letter or digit ('**', an emoji) has none, so its characters'
    code points stand in ('u2a-u2a'): 'company:' alone is no id."""
    return slugify(name) or "-".join(f"u{ord(ch):x}" for ch in name.strip()[:20])
