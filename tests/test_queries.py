"""Every saved query runs on the article's graph and gives its expected rows.

Expected rows live in ``tests/golden/queries/<name>.json``, one entry per parameter
case below. Regenerate them with ``FDIGRAPH_UPDATE_GOLDEN=1 pytest tests/test_queries.py``
and read the diff: each value must be what the article says. Regenerated files detect a
change, not correctness; test_headline_answers keeps the hand-checked answers apart.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.plugins.sparql import prepareQuery

from fdigraph import queries
from fdigraph.store import as_dataset

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "queries"
BASE = "https://fdigraph.example/"
UPDATE = os.environ.get("FDIGRAPH_UPDATE_GOLDEN") == "1"

# Parameter cases per query, besides the defaults ({}).
CASES: dict[str, list[dict[str, list[str]]]] = {
    "area-figures": [{"area": ["VN-13"], "lang": ["vi"]}, {"year": ["2024"]}],
    "area-profile": [{"area": ["VN-57"]}],
    "areas-by-sector": [{"sector": ["sector-software"]}],
    "facts-with-quotes": [{"area": ["VN-13"]}],
    "fdi-by-component": [{"period": ["2024-01/2024-08"], "lang": ["vi"]}, {"area": ["VN-13"]}],
    "fdi-by-period": [{"area": ["VN-54"], "min_usd": ["1550000000"]}],
    "infrastructure": [{"area": ["VN-13"], "lang": ["vi"]}],
    "investment-pillars": [{"lang": ["vi"]}],
    "investors-by-country": [{"country": ["JP", "KR"]}, {"country": ["US"]}],
    "labour-vs-nation": [{"year": ["2024"]}],
    "mergers-2025": [{"as_of": ["2025-06-30"]}],
    "motto-criteria": [{"part": ["motto-2-it", "motto-3-cao"], "lang": ["vi"]}],
    "periods": [{"year": ["2024"]}],
    "prioritises-sector": [{"sector": ["sector-software"]}],
    "rankings": [{"indicator": ["indicator-fdi-attraction", "indicator-dti"], "top": ["7"]}],
    "rankings-for-period": [
        {"period": ["2024-01/2024-08"], "lang": ["vi"]},
        {"scope": ["trung-du-mien-nui-phia-bac"]},
    ],
    "search": [{"q": ["Bắc Giang"]}, {"q": ["ban dan"], "lang": ["vi"]}],
    "sectors": [{"relation": ["welcomesSector", "supportsSector"]}],
    "valid-projects-as-of": [{"as_of": ["2024-06-30"]}, {"area": ["VN-57"], "lang": ["vi"]}],
}
REQUIRED = {"search": {"q": ["nhat ban"]}}


@pytest.fixture(scope="session")
def catalogue() -> queries.Catalogue:
    return queries.load(ROOT / "queries")


@pytest.fixture(scope="session")
def dataset(graph_store: ox.Store) -> Graph:
    return as_dataset(graph_store)


def plain(result: Any) -> dict[str, Any]:
    names, rows = queries.rows(result)
    return {"vars": names, "rows": [[None if t is None else str(t) for t in r] for r in rows]}


def cases(name: str) -> list[dict[str, list[str]]]:
    return [REQUIRED.get(name, {}), *CASES.get(name, [])]


def test_there_are_at_least_fifteen_documented_queries(catalogue: queries.Catalogue) -> None:
    assert len(catalogue) >= 15
    for query in catalogue.values():
        assert query.title["en"] and query.title["vi"] and query.description["vi"], query.name
        assert query.tags, query.name
    kinds = {tag for q in catalogue.values() for tag in q.tags}
    assert {"provinces", "pillars", "policies", "motto", "sectors", "metrics", "periods"} <= kinds
    assert {"rankings", "partner-markets", "infrastructure", "quotes", "teasers"} <= kinds


def test_every_query_parses_on_its_own_prefixes(catalogue: queries.Catalogue) -> None:
    for query in catalogue.values():
        prepareQuery(query.text)  # the only use of prepareQuery: parsing, never running


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "queries").glob("*.rq")))
def test_saved_query_gives_its_expected_rows(
    name: str, catalogue: queries.Catalogue, dataset: Graph
) -> None:
    query = catalogue[name]
    got = [
        {"params": raw, **plain(queries.run(dataset, query, raw, base_iri=BASE))}
        for raw in cases(name)
    ]
    path = GOLDEN / f"{name}.json"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert got == json.loads(path.read_text(encoding="utf-8"))
    assert got[0]["rows"], f"{name} gives no rows with its defaults"


def test_headline_answers(catalogue: queries.Catalogue, dataset: Graph) -> None:
    def run(name: str, **raw: list[str]) -> list[list[Any]]:
        return plain(queries.run(dataset, catalogue[name], raw, base_iri=BASE))["rows"]

    labour = run("labour-vs-nation")
    assert [row[2:] for row in labour] == [["76", "68", "8"], ["33", "27", "6"]]
    fdi = run("fdi-by-period", area=["VN-54"])
    assert [(r[0], r[5]) for r in fdi] == [
        ("2024-01/2024-07", "1543700000"),
        ("2024-01/2024-08", "1600000000"),
    ]
    codes = {r[0] for r in run("teaser-only-provinces")}
    assert {"VN-05", "VN-21", "VN-57"} <= codes and "VN-54" not in codes
    assert run("prioritises-sector", sector=["sector-software"]) == [["false"]]
    japan = run("investors-by-country", country=["JP"])
    assert [r[3:] for r in japan] == [["357", "5980000000", "nearly", "2", "65"]]
    quotes = run("facts-with-quotes")
    assert len({r[0] for r in quotes}) == 40 and all(r[2] for r in quotes)


def test_the_examples_graph_describes_every_query(catalogue: queries.Catalogue) -> None:
    graph = queries.as_graph(catalogue.values(), BASE)
    assert graph.identifier == queries.examples_graph_iri(BASE)
    rows = graph.query("""
        PREFIX sh: <http://www.w3.org/ns/shacl#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?q ?text WHERE {
          ?q a sh:SPARQLExecutable ; rdfs:label ?en, ?vi ; rdfs:comment ?c ;
             sh:select|sh:construct|sh:ask ?text ; sh:prefixes/sh:declare/sh:prefix "fdi" .
          FILTER(LANG(?en) = "en" && LANG(?vi) = "vi")
        }""")
    found = {str(q).rsplit("/", 1)[1]: str(text) for q, text in rows}  # type: ignore[misc]
    assert set(found) == set(catalogue)
    assert found["search"] == catalogue["search"].text
    assert graph.serialize(format="nt") == queries.as_graph(catalogue.values(), BASE).serialize(
        format="nt"
    )


def test_every_saved_query_is_in_the_readme(catalogue: queries.Catalogue) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Saved queries") :]
    assert [name for name in catalogue if f"| `{name}` |" not in section] == []
