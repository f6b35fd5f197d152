"""Explanations read a path as sentences with numbered footnotes that cite each edge."""
import pytest

from graph.explain import explain


def test_spanish_explanation_cites_every_edge(tiny_store):
    path = tiny_store.paths("company:acme", "agency:hsi", k=2)[1]
    explanation = explain(path, "es", tiny_store.get)
    assert explanation.text() == "Acme Data desarrolla y vende Tool-SA [1]; HSI usa Tool-SA [2]."
    assert [f.citation for f in explanation.footnotes] == [
        "R. W., “Campaña revela lazos”, Foco, artículo", "“Contract X1”, X1, registro público"]


def test_english_explanation_uses_summaries_and_glosses(tiny_store):
    path = tiny_store.paths("company:acme", "agency:hsi")[0]
    explanation = explain(path, "en", tiny_store.get)
    assert explanation.text() == "Acme sells CaseMgr to ICE [1]; HSI uses CaseMgr [1]."
    full = explanation.full_text()
    assert "“Acme vende CaseMgr.” (Acme sells CaseMgr.) [1]" in full
    assert full.endswith("Sources:\n[1] R. W., “Campaña revela lazos”, Foco, article")


def test_unknown_language_is_refused(tiny_store):
    with pytest.raises(ValueError):
        explain(tiny_store.paths("company:acme", "agency:hsi")[0], "fr", tiny_store.get)
