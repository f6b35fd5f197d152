"""A synthetic procurement graph shaped like a USAspending load (fixed seed, so every run is the same).

A few departments and their sub-agencies are the hubs; offices hang under
them with Zipf-like sizes; recipients are heavy-tailed (a few companies win
most contracts) and some are subsidiaries of others; every contract has an
amount, a fiscal year, an award key alias and its own Source node, as the
USAspending loader makes them. `relationships` sets the size.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from itertools import accumulate

from graph.model import Edge, Node

DEPARTMENTS = {
    "dhs": ("Department of Homeland Security", ["ice", "cbp", "uscis", "tsa", "usss", "fema", "cisa", "uscg"]),
    "doj": ("Department of Justice", ["fbi", "dea", "usms", "bop"]),
    "dos": ("Department of State", ["ca", "inl"]),
}
SUB_AGENCIES = {
    "ice": "U.S. Immigration and Customs Enforcement", "cbp": "U.S. Customs and Border Protection",
    "uscis": "U.S. Citizenship and Immigration Services", "tsa": "Transportation Security Administration",
    "usss": "United States Secret Service", "fema": "Federal Emergency Management Agency",
    "cisa": "Cybersecurity and Infrastructure Security Agency", "uscg": "U.S. Coast Guard",
    "fbi": "Federal Bureau of Investigation", "dea": "Drug Enforcement Administration",
    "usms": "U.S. Marshals Service", "bop": "Federal Bureau of Prisons", "ca": "Bureau of Consular Affairs",
    "inl": "Bureau of International Narcotics and Law Enforcement Affairs",
}
HUB_WEIGHT = {"ice": 8, "cbp": 8, "uscis": 3, "fbi": 2}  # where most offices (and so contracts) sit
FIRST = ("Acme Advanced Allied Apex Atlas Bright Cardinal Cascade Centurion Clear Core Delta Eagle Echo Falcon "
         "Frontier Global Granite Guardian Harbor Horizon Integrated Keystone Liberty Lighthouse Meridian Nova "
         "Orion Palantir Patriot Pinnacle Prime Quantum Redwood Sentinel Sierra Signal Summit Titan Trident "
         "Unified Vector Vanguard Vertex Vista Yellowstone Zenith").split()
SECOND = ("Analytics Applied Aerospace Biometrics Cloud Cyber Data Defense Detention Digital Dynamics Engineering "
          "Enterprise Federal Forensics Government Health Identity Information Intelligence Logistics Management "
          "Mission Network Operations Research Resources Security Services Software Solutions Strategies Support "
          "Surveillance Systems Technologies Telecom Transport Vision").split()
SUFFIX = ("INC", "LLC", "CORP", "CORPORATION", "L.L.C.", "CO", "LTD", "GROUP INC", "HOLDINGS LLC")
PRODUCTS = ("Case Manager", "Gotham", "FALCON-SA", "ICM", "Border Cloud", "Biometric Gateway", "Plate Reader",
            "Detention Tracker", "Identity Hub", "Risk Scorer", "Data Lake", "Geo Locator", "Voice Print",
            "Face Match", "Travel Screener", "Alien Registry", "Bed Finder", "Phone Extractor", "Social Monitor",
            "Asset Tracker")
YEARS = list(range(2008, 2026))
EDGES_PER_CONTRACT = 2.38  # AWARDED + AWARDED_TO + FUNDED (35%) + FOR_PRODUCT (3%)


@dataclass
class Synthetic:
    """The generated graph and what the benchmark asks of it."""

    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    hubs: list[str] = field(default_factory=list)  # department and busiest sub-agency ids
    companies: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)  # companies with at least one contract
    contracts: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # company and agency names, for search queries


def _zipf(count: int, exponent: float) -> list[float]:
    return list(accumulate(1.0 / (rank ** exponent) for rank in range(1, count + 1)))


def generate(relationships: int, seed: int = 8) -> Synthetic:
    """About `relationships` relationships (and ~0.9 node per relationship, sources included)."""
    rng = random.Random(seed)
    out = Synthetic()
    file_source = "source:synthetic-usaspending"
    out.nodes.append(Node(file_source, "Source", {"name": "Synthetic USAspending download", "kind": "public_record"}))
    cite = {"evidence": "public_record", "sources": [file_source]}
    subs: list[str] = []
    for key, (name, components) in DEPARTMENTS.items():
        out.nodes.append(Node(f"agency:{key}", "Agency", {"name": name, "acronym": key.upper()}))
        out.hubs.append(f"agency:{key}")
        out.names.append(name)
        for sub in components:
            out.nodes.append(Node(f"agency:{sub}", "Agency", {"name": SUB_AGENCIES[sub], "acronym": sub.upper()}))
            out.edges.append(Edge(f"agency:{sub}", "PART_OF", f"agency:{key}", cite))
            out.names.append(SUB_AGENCIES[sub])
            subs.append(sub)
    out.hubs += ["agency:ice", "agency:cbp", "agency:uscis", "agency:fbi"]
    offices = []
    sub_weights = list(accumulate(HUB_WEIGHT.get(sub, 1) for sub in subs))
    for number in range(max(8, relationships // 4000)):
        sub = rng.choices(subs, cum_weights=sub_weights)[0]
        code = f"70{sub[:2].upper()}{number:03d}"
        name = f"{sub.upper()} {rng.choice(SECOND).upper()} CONTRACTING OFFICE {number}"
        out.nodes.append(Node(f"agency:office-{code.lower()}", "Agency", {"name": name}))
        out.edges.append(Edge(f"agency:office-{code.lower()}", "PART_OF", f"agency:{sub}", cite))
        offices.append((f"agency:office-{code.lower()}", code, sub))
    out.names += [n.name for n in out.nodes[-3:]]
    n_companies = max(20, relationships // 12)
    for number in range(n_companies):
        name = f"{rng.choice(FIRST)} {rng.choice(SECOND)} {rng.choice(SECOND)} {rng.choice(SUFFIX)}".upper()
        uei = f"{number:06d}{rng.randrange(36 ** 6):06X}"[:12]
        out.nodes.append(Node(f"company:{uei}", "Company", {"name": name, "uei": uei}))
        out.companies.append(f"company:{uei}")
        if number > 50 and rng.random() < 0.08:
            parent = out.companies[rng.randrange(min(number, 500))]
            out.edges.append(Edge(f"company:{uei}", "SUBSIDIARY_OF", parent, cite))
    out.names += [n.name for n in out.nodes[-200:] if n.label == "Company"]
    products = []
    for number, name in enumerate(PRODUCTS):
        product = f"product:p{number}"
        out.nodes.append(Node(product, "Product", {"name": name}))
        out.edges.append(Edge(out.companies[number], "DEVELOPS", product, cite))
        products.append(product)
    out.names += list(PRODUCTS)
    n_contracts = max(10, int((relationships - len(out.edges)) / EDGES_PER_CONTRACT))
    company_weights, office_weights = _zipf(n_companies, 1.1), _zipf(len(offices), 0.9)
    recipients = rng.choices(out.companies, cum_weights=company_weights, k=n_contracts)
    awarders = rng.choices(offices, cum_weights=office_weights, k=n_contracts)
    out.recipients = sorted(set(recipients))
    for number, (company, (office, code, sub)) in enumerate(zip(recipients, awarders)):
        year = rng.choice(YEARS)
        piid = f"{code}{year % 100:02d}{rng.choice('CDFP')}{number:08d}"
        key = f"CONT_AWD_{piid}_{code[:4]}_-NONE-_-NONE-"
        source = f"source:piid-{piid.lower()}"
        amount = round(rng.lognormvariate(11.5, 2.0), 2)
        out.nodes.append(Node(source, "Source", {"name": f"PIID {piid}", "kind": "public_record", "identifier": piid,
                                                 "url": f"https://www.usaspending.gov/award/{key}/"}))
        contract = f"contract:{piid}"
        out.nodes.append(Node(contract, "Contract", {
            "name": piid, "award_key": key, "piid": piid, "fiscal_year": year, "amount_usd": amount,
            "start": f"{year - 1}-{rng.randint(10, 12)}-{rng.randint(10, 28)}", "sources": [source]}))
        out.contracts.append(contract)
        edge = {"evidence": "public_record", "sources": [source], "fiscal_year": year}
        out.edges.append(Edge(office, "AWARDED", contract, edge))
        out.edges.append(Edge(contract, "AWARDED_TO", company, edge))
        if rng.random() < 0.35:
            out.edges.append(Edge(f"agency:{rng.choice(subs) if rng.random() < 0.3 else sub}", "FUNDED", contract, edge))
        if rng.random() < 0.03:
            out.edges.append(Edge(contract, "FOR_PRODUCT", rng.choice(products), edge))
    return out


def search_queries(graph: Synthetic, count: int, seed: int = 11) -> list[str]:
    """What people type: whole names, first words, prefixes, typos, lower case, PIIDs."""
    rng = random.Random(seed)
    queries = []
    for number in range(count):
        name = rng.choice(graph.names)
        words = name.split()
        kind = number % 6
        if kind == 0:
            queries.append(name)
        elif kind == 1:
            queries.append(" ".join(words[:2]).lower())
        elif kind == 2:
            queries.append(words[0][:rng.randint(3, 5)].lower())
        elif kind == 3:
            word = rng.choice(words).lower()
            at = rng.randrange(len(word))
            queries.append(word[:at] + rng.choice("aeioursnt") + word[at + 1:])
        elif kind == 4:
            queries.append(rng.choice(graph.contracts).split(":", 1)[1])
        else:
            queries.append(f"{words[0]} {words[1][:-1]}x" if len(words) > 1 else words[0] + "s")
    return queries


def sample_nodes(graph: Synthetic, count: int, seed: int = 12) -> list[str]:
    """Entities a person would open: contracts and the companies that won them (all connected)."""
    rng = random.Random(seed)
    pool = graph.contracts + graph.recipients
    return [rng.choice(pool) for _ in range(count)]


def sample_pairs(graph: Synthetic, count: int, seed: int = 13) -> list[tuple[str, str]]:
    nodes = sample_nodes(graph, count * 2, seed)
    return list(zip(nodes[::2], nodes[1::2]))


def hub_pairs(graph: Synthetic) -> list[tuple[str, str]]:
    hubs = graph.hubs
    return [(a, b) for i, a in enumerate(hubs) for b in hubs[i + 1:]]
