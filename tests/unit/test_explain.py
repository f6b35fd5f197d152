"""Explanations read a path as sentences with numbered footnotes that cite each edge."""
from dataclasses import replace

import pytest

from graph.explain import explain, prose


def test_spanish_explanation_cites_every_edge(tiny_store):
    path = tiny_store.paths("company:acme", "agency:hsi", k=2)[1]
    explanation = explain(path, "es", tiny_store.get)
    assert explanation.text() == "Acme Data desarrolla y vende Tool-SA [1]. HSI usa Tool-SA [2]."
    assert [f.citation for f in explanation.footnotes] == [
        "R. W., “Campaña revela lazos”, Foco, artículo", "“Contract X1”, X1, registro público"]


def test_english_explanation_uses_summaries_and_glosses(tiny_store):
    path = tiny_store.paths("company:acme", "agency:hsi")[0]
    explanation = explain(path, "en", tiny_store.get)
    assert explanation.text() == "Acme sells CaseMgr to ICE [1]. HSI uses CaseMgr [1]."
    full = explanation.full_text()
    assert "“Acme vende CaseMgr.” (Acme sells CaseMgr.) [1]" in full
    assert full.endswith("Sources:\n[1] R. W., “Campaña revela lazos”, Foco, article")


def test_unknown_language_is_refused(tiny_store):
    with pytest.raises(ValueError):
        explain(tiny_store.paths("company:acme", "agency:hsi")[0], "fr", tiny_store.get)


def test_a_quote_two_relationships_share_is_printed_once_with_every_mark(tiny_store):
    path = tiny_store.paths("company:acme", "agency:hsi")[0]
    shared = "Acme y HSI trabajan juntas."
    edges = tuple(replace(edge, properties={**edge.properties, "quote": shared, "quote_en": ""}) for edge in path.edges)
    full = explain(replace(path, edges=edges), "es", tiny_store.get).full_text()
    assert full.count(shared) == 1
    assert f"«{shared}» [1]" in full


def test_each_relationship_is_a_sentence_of_its_own(tiny_store):
    """Joined with '; ', a summary (a full sentence) put a capital mid-sentence: "…Tool-SA; Según la prensa…"."""
    path = tiny_store.paths("company:acme", "agency:hsi", k=2)[1]
    summary = {**path.edges[1].properties, "summary_es": "Según la prensa, HSI usa Tool-SA."}
    said = replace(path.edges[1], properties=summary)
    text = explain(replace(path, edges=(path.edges[0], said)), "es", tiny_store.get).text()
    assert text == "Acme Data desarrolla y vende Tool-SA [1]. Según la prensa, HSI usa Tool-SA [2]."
    assert prose(["el contrato X1 se adjudicó a Acme [1]", ""]) == "El contrato X1 se adjudicó a Acme [1]."
