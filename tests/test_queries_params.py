"""Parameters are typed RDF terms: wrong values are 400s, hostile values are just values."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pyoxigraph as ox
import pytest
from rdflib import Graph

from fdigraph import queries
from fdigraph.errors import QueryError, QueryParamError, UnknownQuery
from fdigraph.queries.text import pattern_start, query_form
from fdigraph.store import as_dataset

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://fdigraph.example/"
HOSTILE = [
    'x" } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o',
    "x' } UNION { ?s ?p ?o }",
    "} ; DROP ALL #",
    "# comment\n?s ?p ?o",
    "a\nb\r\nc\t",
    'bac giang" || true || "',
    "VN-54> ; <x",
    '\\"\\u0022',
    '"""',
]


@pytest.fixture(scope="module")
def catalogue() -> queries.Catalogue:
    return queries.load(ROOT / "queries")


@pytest.fixture(scope="module")
def dataset(graph_store: ox.Store) -> Graph:
    return as_dataset(graph_store)


def run(dataset: Graph, query: queries.SavedQuery, **raw: list[str]) -> list[list[Any]]:
    return [[str(t) if t is not None else None for t in row] for row in queries.rows(
        queries.run(dataset, query, raw, base_iri=BASE))[1]]  # fmt: skip


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_strings_are_just_values(
    value: str, catalogue: queries.Catalogue, dataset: Graph
) -> None:
    assert run(dataset, catalogue["search"], q=[value]) == []
    text, _ = queries.bound_text(catalogue["search"], {"q": [value]}, BASE)
    assert text.upper().count("DROP") == value.upper().count("DROP") and "INSERT" not in text


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_iris_are_refused_by_name(value: str, catalogue: queries.Catalogue) -> None:
    with pytest.raises(QueryParamError, match="parameter 'area': expected a key under id/area/"):
        queries.bind(catalogue["facts-with-quotes"], {"area": [value]}, BASE)


def test_wrong_type_names_the_parameter_and_the_type(catalogue: queries.Catalogue) -> None:
    cases = [
        ("labour-vs-nation", "year", "23", "a year as YYYY"),
        ("rankings", "top", "seven", "an integer"),
        ("fdi-by-period", "min_usd", "1e9", "a decimal number"),
        ("mergers-2025", "as_of", "2025-02-30", "a date as YYYY-MM-DD"),
        ("provinces", "lang", "fr", "among en, vi"),
        ("motto-criteria", "part", "motto-4", "among motto-1-khong"),
        ("sectors", "relation", "hasInvestmentPillar", "among prioritisesSector"),
        ("rankings", "area", "https://elsewhere.example/id/area/VN-54", "a key under id/area/"),
    ]
    for name, param, value, expected in cases:
        with pytest.raises(QueryParamError) as caught:
            queries.bind(catalogue[name], {param: [value]}, BASE)
        assert f"parameter {param!r}" in str(caught.value) and expected in str(caught.value)
        assert caught.value.status == 400


def test_unknown_missing_and_repeated_parameters(catalogue: queries.Catalogue) -> None:
    with pytest.raises(
        QueryParamError, match=r"unknown parameter 'province'.*its parameters: area"
    ):
        queries.bind(catalogue["facts-with-quotes"], {"province": ["VN-54"]}, BASE)
    with pytest.raises(QueryParamError, match="parameter 'q' is required: expected a string"):
        queries.bind(catalogue["search"], {}, BASE)
    with pytest.raises(QueryParamError, match="parameter 'area' takes one value, got 2"):
        queries.bind(catalogue["facts-with-quotes"], {"area": ["VN-54", "VN-13"]}, BASE)
    with pytest.raises(UnknownQuery):
        catalogue["no-such-query"]


def test_missing_optional_takes_its_default_and_lists_bind_every_value(
    catalogue: queries.Catalogue,
) -> None:
    bound = queries.bind(catalogue["labour-vs-nation"], {}, BASE)
    assert {k: str(v) for k, v in bound.single.items()} == {
        "area": BASE + "id/area/VN-54", "year": "2023", "lang": "en"}  # fmt: skip
    bound = queries.bind(
        catalogue["sectors"], {"relation": ["welcomesSector", "welcomesSector"]}, BASE
    )
    assert [str(v) for v in bound.lists["relation"]] == [
        "https://fdigraph.example/def/fdi#welcomesSector"
    ]
    assert len(queries.bind(catalogue["sectors"], {}, BASE).lists["relation"]) == 4
    full = queries.bind(catalogue["rankings"], {"area": [BASE + "id/area/VN-54"]}, BASE)
    assert str(full.single["area"]) == BASE + "id/area/VN-54"


def test_an_iri_of_the_wrong_class_is_a_400(catalogue: queries.Catalogue, dataset: Graph) -> None:
    with pytest.raises(QueryParamError, match="parameter 'sector': expected a Sector"):
        queries.run(dataset, catalogue["areas-by-sector"], {"sector": ["motto"]}, base_iri=BASE)
    with pytest.raises(QueryParamError, match="parameter 'country': expected a Country"):
        queries.run(
            dataset, catalogue["investors-by-country"], {"country": ["VN-54"]}, base_iri=BASE
        )


def test_folded_search_forgives_accents(catalogue: queries.Catalogue, dataset: Graph) -> None:
    plain = run(dataset, catalogue["search"], q=["BAC GIANG"])
    assert plain == run(dataset, catalogue["search"], q=["Bắc Giang"])
    assert plain[0][0] == BASE + "id/area/VN-54"


@pytest.mark.parametrize(
    ("text", "marker"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "{ ?s"),
        ("PREFIX a: <http://x/{}>\n# { not this\nSELECT ?s { ?s ?p '}{' }", "{ ?s ?p '"),
        ("SELECT (EXISTS { ?a ?b ?c } AS ?e) WHERE { ?s ?p ?o }", "{ ?s ?p ?o }"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o . }", "{ ?s ?p ?o . }"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "{ ?s ?p ?o }"),
        ('ASK { ?s ?p """a } b""" }', '{ ?s ?p """'),
        ("SELECT ?s WHERE { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }", "{ ?s ?p ?o FILTER"),
    ],
)
def test_values_open_the_top_level_where_group(text: str, marker: str) -> None:
    assert pattern_start(text) == text.index(marker) + 1


def test_updates_are_not_queries() -> None:
    with pytest.raises(QueryError, match="read-only"):
        query_form("DELETE WHERE { ?s ?p ?o }")
    with pytest.raises(queries.HeaderError, match=r"bad.rq"):
        queries.parse("#+ title: {en: x, vi: y}\nDROP ALL", Path("bad.rq"))


def test_header_mistakes_name_the_file_and_line() -> None:
    text = "#+ title: {en: x, vi: y}\n#+ description: {en: y, vi: z}\n#+ params:\n#+   a: {type: xsd:nope}\nSELECT ?a {}"
    with pytest.raises(queries.HeaderError, match=r"bad.rq.*type must be one of"):
        queries.parse(text, Path("bad.rq"))
    with pytest.raises(queries.HeaderError, match=r"bad.rq:2: header is not YAML"):
        queries.parse("#+ title: x\n#+ [oops\nSELECT * {}", Path("bad.rq"))
    missing = "#+ title: {en: x}\n#+ description: {en: y, vi: z}\nSELECT * {}"
    with pytest.raises(queries.HeaderError, match="title needs text in vi"):
        queries.parse(missing, Path("bad.rq"))
    unused = "#+ title: {en: x, vi: y}\n#+ description: {en: y, vi: z}\n#+ params: {b: {type: lang}}\nSELECT * {}"
    with pytest.raises(queries.HeaderError, match="'b' is not a variable"):
        queries.parse(unused, Path("bad.rq"))


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def endpoint(graph_store: ox.Store) -> Iterator[str]:
    """A bare SPARQL protocol endpoint (POST form) over the article graph, in a thread."""

    def app(environ: dict[str, Any], start: Any) -> list[bytes]:
        size = int(environ.get("CONTENT_LENGTH") or 0)
        text = parse_qs(environ["wsgi.input"].read(size).decode())["query"][0]
        try:
            answer = graph_store.query(text, use_default_graph_as_union=True)
        except SyntaxError as err:
            start("400 Bad Request", [("Content-Type", "text/plain")])
            return [str(err).encode()]
        if isinstance(answer, ox.QueryTriples):
            start("200 OK", [("Content-Type", "application/n-triples")])
            return [ox.serialize(answer, format=ox.RdfFormat.N_TRIPLES)]
        start("200 OK", [("Content-Type", "application/sparql-results+json")])
        return [answer.serialize(format=ox.QueryResultsFormat.JSON)]

    server = make_server("127.0.0.1", 0, app, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/sparql"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    "name", ["labour-vs-nation", "sectors", "area-profile", "prioritises-sector", "search"]
)
def test_a_remote_endpoint_gives_the_same_answer(
    name: str, endpoint: str, catalogue: queries.Catalogue, dataset: Graph
) -> None:
    raw = {"q": ["giang"]} if name == "search" else {}
    query = catalogue[name]
    local = queries.run(dataset, query, raw, base_iri=BASE)
    remote = queries.run_remote(queries.Endpoint(endpoint), query, raw, base_iri=BASE)
    assert queries.rows(remote) == queries.rows(local)


def test_remote_parameter_checks_and_failures(endpoint: str, catalogue: queries.Catalogue) -> None:
    with pytest.raises(QueryParamError, match="expected a Sector"):
        queries.run_remote(
            queries.Endpoint(endpoint),
            catalogue["areas-by-sector"],
            {"sector": ["motto"]},
            base_iri=BASE,
        )
    with pytest.raises(queries.RemoteEndpointError, match="cannot reach"):
        queries.run_remote(
            queries.Endpoint("http://127.0.0.1:9/sparql", timeout=2),
            catalogue["provinces"],
            {},
            base_iri=BASE,
        )
    with pytest.raises(queries.RemoteEndpointError, match="not an http"):
        queries.Endpoint("file:///etc/passwd")


def test_the_saved_query_reader_takes_escapes_as_the_engine_does() -> None:
    """An IRI with a \\u escape before '#' is an IRI, not the start of a comment."""
    text = "PREFIX ex: <http://e/\\u0061#> SELECT ?x WHERE { ?x ex:p 'a}b' }"
    assert query_form(text) == "SELECT"
    assert text[: pattern_start(text)].endswith("WHERE {")
    with pytest.raises(QueryError, match="read-only"):
        query_form("PREFIX ex: <http://e/\\u0061#> WITH <g> DELETE { ?s ?p ?o } WHERE {}")
