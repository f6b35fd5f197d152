"""Both stores give the same answers on a graph of loaded data, each loaded by the real commands.

The seed graph (tests/test_store_contract.py) has none of what loads bring: an
office awarding hundreds of contracts, award keys searched whole or by their
start, one PIID under two IDVs (`contract:<PIID>@<IDV>`), companies with UEIs
and the spellings of each export as aliases, accented names, amounts and fiscal
years, FedRAMP's AUTHORIZED_FOR with dates. Here the seed, the USAspending
fixtures, a generated award file (benchmarks.usaspending_csv, with such
variants added) and a later export of it, FedRAMP and the Atlas example go
through `python -m loaders` into an embedded file and into Neo4j, and every
read the pages make is compared: search, neighbourhoods, paths and their
explanations, exports, and what the profile, neighbourhood, trace and search
pages show. The file is small enough for CI (ROWS awards) and still has its
hubs.
"""
from __future__ import annotations

import csv
import itertools
import os
import random
import re
import unicodedata
from pathlib import Path as FilePath
from typing import Any, Callable, Iterable, Iterator

import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from benchmarks.usaspending_csv import write as write_awards
from graph.explain import explain
from graph.exports import FORMATS, View
from graph.model import Path, Subgraph
from graph.search import identifiers_of
from graph.store import GraphStore, PathFilter
from graph.store_neo4j import Neo4jStore
from graph.store_networkx import EmbeddedStore
from loaders.cli import cli
from tests.conftest import NEO4J_TEST_URI
from tests.loaders.conftest import AWARDS, FIXTURES, ROOT, TRANSACTIONS
from tests.test_store_contract import NEO4J_ENV, neo4j_connection  # noqa: F401 (fixture)

pytestmark = pytest.mark.neo4j

ROWS = 1200  # awards in the generated file: its busiest office awards about 500 of them
LATER = 60  # rows of the later export
APP = ROOT / "app.py"


def with_variants(generated: FilePath, awards: FilePath, later: FilePath) -> None:
    """The generated file with what real downloads have and the generator lacks.

    `awards`: every 40th award reuses the PIID before it under an IDV of its own. `later`, a newer export of
    some of those awards: other spellings of known UEIs, accented names of new recipients, newer amounts, and
    stored PIIDs under other IDVs.
    """
    with generated.open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    column = {name: number for number, name in enumerate(header)}

    def award(row: list[str], piid: str, idv: str = "") -> None:
        agency = row[column["awarding_sub_agency_code"]]
        key = f"CONT_AWD_{piid}_{agency}_{idv or '-NONE-'}_{agency if idv else '-NONE-'}"
        for name, value in (("award_id_piid", piid), ("parent_award_id_piid", idv), ("contract_award_unique_key", key),
                            ("usaspending_permalink", f"https://www.usaspending.gov/award/{key}/")):
            row[column[name]] = value

    for number in range(40, len(rows), 40):
        award(rows[number], rows[number - 1][column["award_id_piid"]], f"IDV{number:05d}")
    newer = []
    for number, row in enumerate(rows[:LATER * 3:3]):
        row = list(row)
        row[column["last_modified_date"]] = "2026-01-01 10:00:00"
        if number % 4 == 0:
            row[column["recipient_name"]] = row[column["recipient_name"]].title() + ", Inc."
        elif number % 4 == 1:
            row[column["total_obligated_amount"]] = f"{float(row[column['total_obligated_amount']]) * 1.5:.2f}"
        elif number % 4 == 2:
            uei, name = f"ZZ{number:010d}", f"TECNOLOGÍA ÑANDÚ {number} S.A. DE C.V."
            for field, value in (("recipient_uei", uei), ("recipient_name", name), ("recipient_parent_uei", uei),
                                 ("recipient_parent_name", name)):
                row[column[field]] = value
            award(row, f"70ZZ{number:011d}")
        else:
            award(row, row[column["award_id_piid"]], f"LATER{number:04d}")
        newer.append(row)
    for path, body in ((awards, rows), (later, newer)):
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows([header, *body])


def loads(folder: FilePath) -> list[list[str]]:
    """The commands that build the graph, in order (without the store's options)."""
    generated = write_awards(folder / "generated.csv", ROWS)
    awards, later = folder / "awards.csv", folder / "later.csv"
    with_variants(generated, awards, later)
    return [["seed"], ["usaspending", str(AWARDS), str(TRANSACTIONS)], ["usaspending", str(awards)],
            ["usaspending", str(later)],
            ["fedramp", str(FIXTURES / "fedramp_data.json"), str(FIXTURES / "fedramp_atos.json")],
            ["csv", str(ROOT / "examples" / "atlas_of_surveillance_sample.csv"), "--mapping", "atlas_of_surveillance"]]


def load(commands: list[list[str]], options: list[str]) -> list[str]:
    """Run each command as `python -m loaders` would; their reports without timings."""
    reports = []
    for command in commands:
        extra = ["--rejects", os.devnull] if command[0] != "seed" else []
        result = CliRunner().invoke(cli, [*command, *options, *extra], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        reports.append(re.sub(r" \(\d+\.\d s\)", "", result.output))
    return reports


@pytest.fixture(scope="module")
def loaded(neo4j_connection, tmp_path_factory) -> Iterator[tuple[EmbeddedStore, Neo4jStore]]:  # noqa: F811
    """The same loads into an embedded file and into Neo4j, whose reports must agree."""
    folder = tmp_path_factory.mktemp("loaded")
    commands = loads(folder)
    db = folder / "graph.hilos"
    neo4j_connection.clear()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HILOS_NO_PROGRESS", "1")
        patch.chdir(folder)
        embedded_reports = load(commands, ["--backend", "embedded", "--db", str(db)])
        patch.setenv("NEO4J_URI", NEO4J_TEST_URI)
        for name, value in NEO4J_ENV.items():
            if value:
                patch.setenv(name, value)
        neo4j_reports = load(commands, ["--backend", "neo4j"])
    assert neo4j_reports == embedded_reports
    yield EmbeddedStore(db), neo4j_connection
    neo4j_connection.clear()


def differing(pair: tuple[GraphStore, GraphStore], calls: dict[Any, Callable[[GraphStore], Any]]) -> list[Any]:
    """The keys of the calls whose answers differ between the two stores."""
    embedded, neo4j = pair
    return [key for key, call in calls.items() if call(embedded) != call(neo4j)]


def in_order(records: Iterable[Any]) -> list[tuple]:
    """Records with their properties as listed (pages and exports show them in that order)."""
    return [(*record.to_dict().items(),) for record in records]


def as_shown(found: Subgraph | list[Path]) -> tuple:
    """A neighbourhood or paths, with every record's properties as listed."""
    if isinstance(found, Subgraph):
        return in_order(found.nodes), in_order(found.edges), found.truncated
    return tuple((in_order(path.nodes), in_order(path.edges)) for path in found)


def test_the_loads_make_the_same_graph(loaded):
    embedded, neo4j = loaded
    assert neo4j.stats() == embedded.stats()
    assert in_order(neo4j.nodes()) == in_order(embedded.nodes())
    assert in_order(neo4j.edges()) == in_order(embedded.edges())
    # What the seed lacks is there.
    contracts = [node.id for node in embedded.nodes("Contract")]
    assert any("@IDV" in node_id for node_id in contracts) and any("@LATER" in node_id for node_id in contracts)
    assert max(sum(embedded.relationship_counts(n.id).values()) for n in embedded.nodes("Agency")) > 400
    assert len(embedded.get("company:palantir-usg").aliases) >= 3
    assert any(", Inc." in alias for n in embedded.nodes("Company") for alias in n.aliases)
    assert any(e.type == "AUTHORIZED_FOR" and e.properties.get("start") for e in embedded.edges())


def sample(store: EmbeddedStore) -> list[Any]:
    """Every entity but contracts and sources, and every 25th contract (the qualified ones too)."""
    nodes = [node for node in store.nodes() if node.label not in ("Contract", "Source")]
    contracts = list(store.nodes("Contract"))
    return nodes + contracts[::25] + [node for node in contracts if "@" in node.id]


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def queries(nodes: list[Any], rng: random.Random) -> list[str]:
    """What people type: names and aliases as written, folded, accented, with two letters swapped; award keys
    whole, without punctuation, by their start or too short a start; PIIDs and UEIs."""
    found: set[str] = {"ice", "dhs", "palantyr", "inmigracion", "ñandu", "tecnologia nandu", "CONT_AWD_",
                       "CONT_AWD_70", "none", "awd", "x", "s.a. de c.v.", "inc", "IDV00040"}
    for node in nodes:
        name = node.name
        cut = rng.randrange(1, max(2, len(name) - 1))
        found |= {name, strip_accents(name).lower(), name[:cut] + name[cut + 1:cut + 2] + name[cut:cut + 1]
                  + name[cut + 2:], *node.aliases[:2]}
        for identifier in identifiers_of(node):
            found |= {identifier, identifier[:12], identifier.lower().replace("_", " "), identifier[:9]}
        found |= {str(node.properties[key]) for key in ("uei", "piid") if key in node.properties}
    return sorted(found)


def test_search_is_the_same(loaded):
    embedded, _neo4j = loaded
    rng = random.Random(3)
    texts = queries(sample(embedded), rng)
    assert len(texts) > 1000
    # A spread of them: a search on Neo4j that finds fewer than `limit` good matches ranks every name (~40 ms here).
    calls = {(text, None, 10): lambda store, text=text: store.search(text) for text in texts[::9]}
    for text in texts[1::25]:
        labels = rng.choice([["Company"], ["Contract"], ["Agency", "Company"], ["Source"]])
        limit = rng.choice([1, 3, 40])
        calls[(text, tuple(labels), limit)] = lambda store, t=text, ls=labels, n=limit: store.search(
            t, labels=ls, limit=n)
    assert differing(loaded, calls) == []


def hubs(store: EmbeddedStore, count: int) -> list[str]:
    """The entities with the most relationships, most first."""
    degree = {node.id: sum(store.relationship_counts(node.id).values()) for node in store.nodes()
              if node.label not in ("Contract", "Source")}
    return sorted(degree, key=lambda node_id: (-degree[node_id], node_id))[:count]


FILTERS = [PathFilter(), PathFilter(rel_types=frozenset({"AWARDED", "AWARDED_TO", "PART_OF"})),
           PathFilter(fiscal_years=frozenset({2015, 2016, 2020}), avoid=frozenset({"agency:dhs"})),
           PathFilter(labels=frozenset({"Company", "Agency", "Product"}), evidence=frozenset({"seed", "reported"}))]


def test_neighbourhoods_are_the_same(loaded):
    embedded, _neo4j = loaded
    centres = hubs(embedded, 5) + ["agency:ice", "company:palantir-technologies"] + [
        node.id for node in sample(embedded)[::15]]
    calls: dict[Any, Callable[[GraphStore], Any]] = {}
    for node_id in centres:
        calls[(node_id, "edges_of")] = lambda store, i=node_id: in_order(store.edges_of(i))
        calls[(node_id, "counts")] = lambda store, i=node_id: store.relationship_counts(i)
    for node_id, (depth, limit), where in itertools.product(centres, ((1, 50), (2, 12), (3, 400)), FILTERS[:2]):
        calls[(node_id, depth, limit, where)] = lambda store, i=node_id, d=depth, n=limit, w=where: as_shown(
            store.neighbours(i, depth=d, limit=n, where=w))
    assert len(calls) > 150
    assert differing(loaded, calls) == []


def test_paths_and_their_explanations_are_the_same(loaded):
    embedded, _neo4j = loaded
    rng = random.Random(5)
    ends = [node.id for node in sample(embedded) if node.label != "Source"]
    pairs = [tuple(rng.sample(ends, 2)) for _ in range(40)] + [(hub, rng.choice(ends)) for hub in hubs(embedded, 4)]
    calls: dict[Any, Callable[[GraphStore], Any]] = {}
    found = 0
    for number, (source, target) in enumerate(pairs):
        where, directed = FILTERS[number % len(FILTERS)], number % 3 == 0
        calls[(source, target, where, directed)] = lambda store, s=source, t=target, w=where, d=directed: as_shown(
            store.paths(s, t, k=3, directed=d, where=w))
        for path in embedded.paths(source, target, k=2)[:1]:
            found += 1
            for lang in ("es", "en"):
                calls[(source, target, lang)] = lambda store, p=path, la=lang: explain(p, la, store.get).full_text()
                calls[(source, target, lang, "own")] = lambda store, s=source, t=target, la=lang: (
                    explain(store.paths(s, t)[0], la, store.get).full_text())
    assert found > len(pairs) // 2
    assert differing(loaded, calls) == []


def test_exports_of_a_neighbourhood_are_the_same(loaded):
    embedded, _neo4j = loaded
    calls = {}
    for node_id in hubs(embedded, 2) + ["company:palantir-technologies"]:
        for fmt, lang in itertools.product(FORMATS, ("es", "en")):
            calls[(node_id, fmt.key, lang)] = lambda store, i=node_id, f=fmt, la=lang: f.build(
                View(store.neighbours(i, depth=2, limit=60), name=i, highlight_nodes=(i,)), la)
    assert differing(loaded, calls) == []


def page(**params: str) -> list[Any]:
    """Everything a page shows, as AppTest sees it: its texts, links and the drawn graph."""
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.query_params.update(params)
    at = app.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    shown = [element.value for kind in ("title", "markdown", "caption", "subheader") for element in at.get(kind)]
    shown += [(item.proto.label, item.proto.page, item.proto.query_string) for item in at.get("page_link")]
    return shown + [item.proto.json_args for item in at.get("component_instance")]


def test_the_pages_show_the_same(loaded, monkeypatch):
    """Profiles (a company with a UEI and aliases, a contract under a second IDV, the busiest office, an accented
    name), a hub's neighbourhood, a trace through contracts and a search, as each backend's app shows them."""
    embedded, _neo4j = loaded
    contract = next(n.id for n in embedded.nodes("Contract") if "@LATER" in n.id)
    accented = next(n for n in embedded.nodes("Company") if "Ñ" in n.name)
    hub = hubs(embedded, 1)[0]
    views = [dict(page="profile", id="company:palantir-usg", lang="es"), dict(page="profile", id=contract, lang="en"),
             dict(page="profile", id=hub, lang="es"), dict(page="profile", id=accented.id, lang="en"),
             dict(page="neighbourhood", id=hub, depth="2", cap="100", lang="en"),
             {"page": "trace", "from": "Palantir USG", "to": contract, "lang": "es"},
             dict(page="search", q="nandu", lang="es")]
    monkeypatch.setenv("HILOS_DB", str(embedded.path))
    embedded_pages = [page(**view) for view in views]
    # Neo4j's app gets an empty graph file: were it to read the embedded store, it would show the seed alone.
    monkeypatch.setenv("HILOS_DB", str(embedded.path.with_name("unused.hilos")))
    monkeypatch.setenv("HILOS_BACKEND", "neo4j")
    monkeypatch.setenv("NEO4J_URI", NEO4J_TEST_URI)
    for name, value in NEO4J_ENV.items():
        if value:
            monkeypatch.setenv(name, value)
    neo4j_pages = [page(**view) for view in views]
    assert [view for view, shown, expected in zip(views, neo4j_pages, embedded_pages) if shown != expected] == []
