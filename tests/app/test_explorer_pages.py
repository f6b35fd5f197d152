"""Every explorer page in AppTest, each opened from a link's query parameters the way a shared URL opens it."""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.display import link, safe_url
from app_pages.markup import WORD_JOINER
from app_pages.profile import NOT_FACTS
from app_pages.trace import FIRST_YEAR, LAST_YEAR
from graph.i18n import MESSAGES, t
from graph.model import Edge, Node
from graph.schema import get_schema
from graph.store_networkx import EmbeddedStore

XSS = "<img src=x onerror=alert(1)>"
CYPHER = '"; MATCH (n) DETACH DELETE n //'


def open_view(app: AppTest, **params: str | list[str]) -> AppTest:
    app.query_params.update(params)
    at = app.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    return at


def plain(markdown: str) -> str:
    """Markdown as the reader sees it: escapes undone, word joiners dropped."""
    return re.sub(r"\\(.)", r"\1", markdown).replace(WORD_JOINER, "")


def texts(at: AppTest) -> list[str]:
    return [plain(md.value) for md in at.markdown] + [plain(caption.value) for caption in at.caption]


def links(at: AppTest) -> list[tuple[str, str, dict[str, list[str]]]]:
    """Every st.page_link as (label as shown, target page, query parameters)."""
    return [(plain(item.proto.label), item.proto.page, parse_qs(item.proto.query_string))
            for item in at.get("page_link")]


def graph_args(at: AppTest, number: int = 0) -> dict:
    """What the graph component was given: vis-network data, legend, height."""
    return json.loads(at.get("component_instance")[number].proto.json_args)


@pytest.mark.parametrize("query, first_id", [
    ("falcon", "product:falcon-sa"), ("Falcón", "product:falcon-sa"), ("inmigracion", "agency:ice"),
    ("palantir usg", "company:palantir-usg"), ("PALANTYR", "company:palantir-technologies"),
])
def test_search_finds_the_right_entity_from_a_link(app, query, first_id):
    at = open_view(app, page="search", q=query)
    assert at.text_input(key="q").value == query and at.title[0].value == "Buscar"
    label, target, params = links(at)[0]
    assert target == "profile" and params["id"] == [first_id] and params["lang"] == ["es"]


def test_search_narrows_by_type_and_keeps_the_types_in_the_url(app):
    at = open_view(app, page="search", q="palantir", types=["Contract"], lang="en")
    found = links(at)
    assert found and all(label.endswith("· Contract") for label, _page, _params in found)
    assert at.query_params["types"] == "Contract"
    at.get("button_group")[0].set_value(["Company", "Contract"]).run()
    assert at.query_params["types"] == ["Company", "Contract"]
    assert any("· Company" in label for label, _page, _params in links(at))


def test_overview_counts_legend_and_starter_traces(app):
    at = open_view(app, page="overview", lang="en")
    assert [metric.value for metric in at.metric] == ["101", "111", "23"]
    starters = [(label, params["from"], params["to"]) for label, _page, params in links(at)
                if params["page"] == ["trace"]]
    assert starters == [
        ("Palantir Technologies → Homeland Security Investigations", ["Palantir Technologies"],
         ["Homeland Security Investigations"]),
        ("FALCON-SA → Homeland Security Investigations", ["FALCON-SA"], ["Homeland Security Investigations"]),
        ("Amazon Web Services → U.S. Immigration and Customs Enforcement", ["Amazon Web Services"],
         ["U.S. Immigration and Customs Enforcement"]),
    ]
    legend = at.get("html")[0].proto.body
    assert "<strong>Company</strong>" in legend and "<strong>Source</strong>" in legend
    by_type = at.dataframe[0].value
    assert by_type.iloc[0].tolist() == ["awarded contract", "AWARDED", 15]


def test_profile_shows_relationships_by_type_with_sources(app):
    at = open_view(app, page="profile", id="company:palantir-technologies", lang="en")
    assert at.title[0].value == "Palantir Technologies"
    shown = texts(at)
    assert "**Also known as:** Palantir, Palantir Technologies Inc." in shown
    groups = [plain(expander.label) for expander in at.expander]
    assert "→ develops and sells (5)" in groups and "← holds contract (2)" in groups
    assert any(text.startswith("[1] Ruby Wray, “Campaña #NoTechForICE revela lazos con ICE”") for text in shown)
    assert any(text.startswith("> “Al igual que otros productos de Palantir") for text in shown)
    assert any("evidence: public record" in text for text in shown)
    assert {"product:falcon-sa", "company:palantir-usg"} <= {node["id"] for node in graph_args(at)["data"]["nodes"]}
    names = {label for label, page, _params in links(at) if page == "profile"}
    assert {"FALCON-SA", "Palantir USG", "Israel Defense Forces"} <= names


def test_profile_in_spanish_translates_the_relationships(app):
    at = open_view(app, page="profile", id="product:falcon-sa")
    groups = [plain(expander.label) for expander in at.expander]
    assert "← desarrollado por (1)" in groups and "← usado por (2)" in groups
    assert {edge["label"] for edge in graph_args(at)["data"]["edges"]} >= {"usa", "desarrolla y vende"}


def test_profile_without_an_entity_offers_a_search(app):
    at = open_view(app, page="profile", id="company:nobody")
    assert "company:nobody" in plain(at.warning[0].value)
    at.text_input(key="profile.find").set_value("gotham").run()
    assert links(at)[0][2]["id"] == ["product:palantir-gotham"]


def test_neighbourhood_expands_by_type_with_counts_and_a_cap(app):
    at = open_view(app, page="neighbourhood", id="agency:ice", lang="en")
    pills = at.get("button_group")[0]
    assert pills.options[0] == "awarded contract (13)"
    assert "is part of · has component (3)" in pills.options
    at = open_view(AppTest.from_file(app._script_path, default_timeout=60), page="neighbourhood", id="agency:ice",
                   expand=["AWARDED"], depth="2", cap="10", lang="en")
    nodes = graph_args(at)["data"]["nodes"]
    assert len(nodes) == 10 and {node["id"] for node in nodes} >= {"agency:ice"}
    assert at.slider(key="depth").value == 2 and at.number_input(key="cap").value == 10
    assert "there are more" in texts(at)[-1] or any("there are more" in text for text in texts(at))
    at.button[0].click().run()
    assert at.number_input(key="cap").value == 60 and at.query_params["cap"] == "60"
    table = at.dataframe[0].value
    amounts = [value for value in table["Amount"] if value]
    assert amounts and amounts[0].startswith("$")


def test_trace_restores_filters_path_choice_and_avoided_entities(app):
    at = open_view(app, page="trace", **{"from": "FALCON-SA", "to": "HSI", "k": "2", "path": "2",
                                         "rels": ["USES", "PART_OF"], "ev": ["public_record", "seed"],
                                         "fy": ["2010", "2020"], "avoid": "agency:ice", "lang": "en"})
    assert not at.multiselect and not at.slider  # the filters' panel is closed: they apply, read from the link
    nodes = {node["id"] for node in graph_args(at)["data"]["nodes"]}
    assert "agency:ice" not in nodes and {"product:falcon-sa", "agency:hsi"} <= nodes
    assert any(text.startswith("**FALCON-SA → Homeland Security Investigations**") for text in texts(at))
    at.session_state["trace.filters"] = True  # what opening the panel does
    at.run()
    assert at.text_input(key="from").value == "FALCON-SA" and at.number_input(key="k").value == 2
    assert at.multiselect(key="rels").value == ["PART_OF", "USES"]
    assert at.slider(key="fy").value == (2010, 2020)
    assert any(text.startswith("**FALCON-SA → Homeland Security Investigations**") for text in texts(at))
    at.session_state["trace.filters"] = False  # closed again: the link keeps the filters
    at.run()
    assert not at.multiselect and at.query_params["rels"] == ["PART_OF", "USES"]
    assert at.query_params["fy"] == ["2010", "2020"]
    assert [button.label for button in at.button if button.key == "unavoid.agency:ice"]
    at.button(key="unavoid.agency:ice").click().run()
    assert "avoid" not in at.query_params


def test_trace_filters_are_drawn_once_their_panel_is_open(app):
    at = open_view(app, page="trace", lang="en")
    assert not at.multiselect and not at.slider  # no filter in the link: the panel is closed, nothing sent
    at.session_state["trace.filters"] = True  # what opening the panel does
    at.run()
    assert at.multiselect(key="rels").value == [] and at.slider(key="fy").value == (FIRST_YEAR, LAST_YEAR)
    at.slider(key="fy").set_value((2012, 2020)).run()
    assert at.query_params["fy"] == ["2012", "2020"]
    at.session_state["trace.filters"] = False
    at.run()
    assert not at.slider and at.query_params["fy"] == ["2012", "2020"]  # kept in the link while the panel is closed
    at.session_state["trace.filters"] = True
    at.run()
    assert at.slider(key="fy").value == (2012, 2020)


def test_trace_avoid_button_and_common_connections(app):
    at = open_view(app, page="trace", lang="en")
    assert any(subheader.value == "Common connections (2)" for subheader in at.subheader)
    first = {node["id"] for node in graph_args(at)["data"]["nodes"]}
    assert "product:falcon-sa" in first
    at.button(key="avoid.product:falcon-sa").click().run()
    assert at.query_params["avoid"] == "product:falcon-sa"
    assert "product:falcon-sa" not in {node["id"] for node in graph_args(at)["data"]["nodes"]}


def test_every_view_offers_every_export_once_its_panel_is_open(app):
    at = open_view(app, page="profile", id="agency:hsi", lang="en")
    assert not at.get("download_button")  # closed: nothing built or sent
    at.session_state["profile.exports"] = True  # what opening the expander does
    buttons = at.run().get("download_button")
    assert sorted(button.proto.label for button in buttons) == sorted(
        t(f"export.format.{key}", "en") for key in ("html", "graphml", "gexf", "csv_nodes", "csv_edges", "json", "cypher"))


def _hostile_graph(db_path: Path) -> None:
    EmbeddedStore(db_path).write(
        [Node("company:xss", "Company", {"name": XSS, "aliases": ["Hostile"], "description_en": f"**{XSS}** $x$",
                                          "website": "javascript:alert(1)"}),
         Node("company:cypher", "Company", {"name": CYPHER}),
         Node("agency:hsi", "Agency", {"name": "HSI"}),
         Node("source:s", "Source", {"name": "S", "title": f"<b>{XSS}</b>", "kind": "article",
                                     "url": "https://example.org/a b?q=<x>"})],
        [Edge("company:xss", "SUPPLIES", "agency:hsi", {"sources": ["source:s"], "evidence": "reported",
                                                        "quote": f"{XSS} [a](javascript:alert(1))"}),
         Edge("company:cypher", "SUPPLIES", "agency:hsi", {"sources": ["source:s"], "evidence": "reported"})])


def test_hostile_names_are_text_on_every_page(app, db_path: Path):
    _hostile_graph(db_path)
    at = open_view(app, page="profile", id="company:xss", lang="en")
    assert at.title[0].value == "\\<img src\\=x onerror\\=alert\\(1\\)\\>"
    shown = texts(at)
    assert f"**{XSS}** $x$" in shown and "**Website:** javascript:alert(1)" in shown
    assert any(text.startswith(f"> “{XSS} [a](javascript:alert(1))”") for text in shown)
    citation = next(caption.value for caption in at.caption if "example.org" in caption.value)
    assert "(<https://example.org/a%20b?q=%3Cx%3E>)" in citation and "<b>" not in citation
    node = next(node for node in graph_args(at)["data"]["nodes"] if node["id"] == "company:xss")
    assert node["label"] == XSS and node["title"].startswith(XSS)
    search = open_view(AppTest.from_file(app._script_path, default_timeout=60), page="search", q="match")
    assert links(search)[0][0].startswith(CYPHER)
    trace = open_view(AppTest.from_file(app._script_path, default_timeout=60), page="trace",
                      **{"from": "Hostile", "to": CYPHER})
    assert any(text.startswith(f"**{XSS} → HSI → {CYPHER}**") for text in texts(trace))


def test_only_http_links_are_links():
    assert safe_url("https://example.org/x?a=1&b=(2)") == "https://example.org/x?a=1&b=%282%29"
    assert safe_url("javascript:alert(1)") is None and safe_url("data:text/html,x") is None
    assert safe_url("http:///no-host") is None
    assert safe_url("http://javascript:alert(1)") is None  # "alert(1)" is no port: no browser can open it
    assert safe_url("http://example.org:8080/x") == "http://example.org:8080/x"
    assert link("javascript:alert(1)").startswith("javascript\\:")
    assert link("https://a.example/<script>") == "[https\u2060\\:\\/\\/a\\.example\\/\\<script\\>](<https://a.example/%3Cscript%3E>)"


def test_trace_prints_a_quote_two_relationships_share_once(app):
    at = open_view(app, page="trace", **{"from": "Amazon", "to": "Palantir"})
    quote = "Empresas como Palantir, Amazon, Salesforce, Microsoft y Hewlett-Packard tienen contratos con el DHS"
    assert sum(text.count(quote) for text in texts(at)) == 1


def test_a_loaded_contract_reads_as_titled_facts_in_the_schemas_order_in_either_language(app, db_path: Path):
    EmbeddedStore(db_path).write([Node("contract:70CTD022FR0000170", "Contract", {
        "name": "ICM O&M", "end": "2027-09-30", "award_type": "DELIVERY ORDER", "start": "2022-09-30",
        "amount_usd": -3000.0, "award_key": "CONT_AWD_70CTD022FR0000170_7012_47QTCA19D00MM_4732",
        "naics_code": "541511", "psc_code": "DA01", "last_modified": "2024-06-01",
        "obligations_by_fy": ["2022=150700000.00", "2023=-3000.00"]})], [])
    shown = texts(open_view(app, page="profile", id="contract:70CTD022FR0000170"))
    facts = [text for text in shown if text.startswith("**")]
    assert facts[:4] == ["**Tipo de adjudicación:** orden de entrega", "**Inicio:** 2022-09-30",
                         "**Fin:** 2027-09-30", "**Monto comprometido:** -US$3,000"]
    assert "**Comprometido por año fiscal:** 2022: US$150,700,000 · 2023: -US$3,000" in shown
    assert {"**Código NAICS (sector):** 541511", "**Código PSC (producto o servicio):** DA01",
            "**Última modificación en USAspending:** 2024-06-01"} <= set(shown)
    english = texts(open_view(AppTest.from_file(app._script_path, default_timeout=60), page="profile",
                              id="contract:70CTD022FR0000170", lang="en"))
    assert "**Obligated by fiscal year:** 2022: $150,700,000 · 2023: -$3,000" in english


def test_every_property_a_profile_can_show_has_a_title_in_both_languages():
    shown = {name for label in get_schema().labels.values() for name in label.properties} - NOT_FACTS
    assert sorted(name for name in shown if f"prop.{name}" not in MESSAGES) == []


def test_a_load_made_while_the_app_runs_shows_on_the_next_page(app, db_path: Path):
    """An organizer keeps the app open, loads a file from the command line and reloads the page."""
    assert links(open_view(app, page="search", q="Nuevo Vendedor")) == []
    EmbeddedStore(db_path).write([Node("company:nuevo", "Company", {"name": "Nuevo Vendedor"})], [])
    assert [params["id"] for _label, _page, params in links(app.run())] == [["company:nuevo"]]
