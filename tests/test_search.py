"""Search forgives missing diacritics and case, ranks sensibly, and cannot be injected."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from fdigraph.search import score, search, store_runner, words

ID = "https://fdigraph.example/id/"


@pytest.mark.parametrize(
    "text", ["bac giang", "Bac Giang", "BẮC GIANG", "Bắc Giang", "  bắc   giang "]
)
def test_province_found_however_it_is_typed(graph_store: ox.Store, text: str) -> None:
    hits = search(store_runner(graph_store), text)
    assert hits[0].iri == ID + "area/VN-54"
    assert hits[0].label_vi == "Bắc Giang" and hits[0].kind == "Province"


def test_semiconductor_without_diacritics(graph_store: ox.Store) -> None:
    hits = search(store_runner(graph_store), "ban dan")
    assert ID + "concept/sector-semiconductor-chips" in [h.iri for h in hits[:3]]


def test_english_labels_are_searched_too(graph_store: ox.Store) -> None:
    hits = search(store_runner(graph_store), "semiconductor")
    assert hits[0].iri == ID + "concept/sector-semiconductor-chips"
    assert search(store_runner(graph_store), "Japan")[0].iri == ID + "area/JP"


def test_every_word_must_match(graph_store: ox.Store) -> None:
    hits = search(store_runner(graph_store), "bac ninh")
    assert ID + "area/VN-56" in [h.iri for h in hits]
    assert ID + "area/VN-54" not in [h.iri for h in hits]


def test_nothing_found_is_an_empty_list(graph_store: ox.Store) -> None:
    assert search(store_runner(graph_store), "zzzz qqqq") == []
    assert search(store_runner(graph_store), "!!! ---") == []


@pytest.mark.parametrize("text", ['") } DROP ALL #', "'> <x", "\\u0022 }", "bac\ngiang } ;"])
def test_hostile_text_is_only_words(graph_store: ox.Store, text: str) -> None:
    hits = search(store_runner(graph_store), text)
    assert all(set(w) <= set("abcdefghijklmnopqrstuvwxyz0123456789") for w in words(text))
    assert isinstance(hits, list)


def test_limit_is_respected(graph_store: ox.Store) -> None:
    assert len(search(store_runner(graph_store), "a", limit=5)) == 5


def test_exact_label_beats_longer_label() -> None:
    assert score("bac giang", ["bac", "giang"], "Province") > score(
        "bac giang 7 thang thu hut", ["bac", "giang"], "TeaserSnippet"
    )
    assert score("bac giang", ["bac", "giang"], "Province") > score(
        "bac giang", ["bac", "giang"], "Observation"
    )
