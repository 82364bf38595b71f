"""The one table of formats and the negotiation over it (fdigraph.formats)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import Namespace

from fdigraph import formats
from fdigraph.build import BuildResult
from fdigraph.errors import NotAcceptable, QueryError
from fdigraph.formats import FORMATS, PAGE, SAVED, SAVED_OFFERS, Format
from fdigraph.web import create_app

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ALIASES = [(a, f) for f in FORMATS for a in f.aliases]
NAMES = [(n, f) for f in FORMATS for n in (f.name, f.media_type, *f.names)]
IDS = [f.name for f in FORMATS]


def by(name: str) -> Format:
    return formats.BY_NAME[name]


def test_the_rows_are_distinct() -> None:
    for column in ("name", "label", "media_type", "iri"):
        values = [getattr(f, column) for f in FORMATS]
        assert len(set(values)) == len(values), column
    suffixes = [f.suffix for f in FORMATS if f.suffix]
    assert len(set(suffixes)) == len(suffixes)
    assert all(f.iri.startswith("http://www.w3.org/ns/formats/") for f in FORMATS)
    assert [f.kind for f in formats.BY_KIND["results"]] == ["results"] * 4
    assert {f.media_type for f in FORMATS}.isdisjoint(a for a, _ in ALIASES)


@pytest.mark.parametrize("fmt", FORMATS, ids=IDS)
def test_each_format_by_its_media_type(fmt: Format) -> None:
    assert formats.endpoint(fmt.media_type, fmt.kind) is fmt
    assert formats.endpoint(f"{fmt.media_type}; charset=utf-8; q=0.5", fmt.kind) is fmt
    assert formats.endpoint(fmt.media_type.upper(), fmt.kind) is fmt
    assert formats.by_media_type(fmt.media_type) is fmt


@pytest.mark.parametrize(("alias", "fmt"), ALIASES, ids=[f"{f.name}:{a}" for a, f in ALIASES])
def test_each_format_by_its_aliases(alias: str, fmt: Format) -> None:
    assert formats.endpoint(alias, fmt.kind) is fmt
    assert formats.by_media_type(alias) is None  # an alias is never a row's own type


@pytest.mark.parametrize(("name", "fmt"), NAMES, ids=[f"{f.name}:{n}" for n, f in NAMES])
def test_each_format_by_its_format_names(name: str, fmt: Format) -> None:
    assert formats.endpoint(None, fmt.kind, name) is fmt
    assert formats.endpoint("image/png", fmt.kind, f" {name.upper()} ") is fmt  # wins over Accept


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f.suffix], ids=lambda f: f.suffix)
def test_each_format_by_its_suffix(fmt: Format) -> None:
    if fmt.kind == "graph":  # /id/x.ttl
        assert formats.negotiate(None, PAGE, fmt.suffix) is fmt
        assert formats.negotiate(BROWSER, PAGE, fmt.suffix) is fmt
    if fmt in SAVED:  # /queries/NAME.ttl, whatever the query's form
        for offer in SAVED_OFFERS.values():
            assert formats.negotiate(None, offer, fmt.suffix) is fmt
            assert formats.negotiate(None, offer, fmt.name) is fmt


def test_suffixes_where_they_are_offered() -> None:
    assert set(PAGE.suffixes) == {"ttl", "nt", "jsonld", "rdf", "html"}
    assert PAGE.suffixes["html"] is None
    assert [f.suffix for f in SAVED] == ["json", "xml", "csv", "tsv", "ttl", "jsonld", "nt"]
    for offer in SAVED_OFFERS.values():
        with pytest.raises(QueryError, match="unknown format 'rdf'; formats: json, xml, csv"):
            formats.negotiate(None, offer, "rdf")  # RDF/XML is no saved-query format


def test_no_accept_header_gives_the_default() -> None:
    for accept in (None, "", "  "):
        assert formats.endpoint(accept, "results") is by("json")
        assert formats.endpoint(accept, "graph") is by("turtle")
        assert formats.negotiate(accept, PAGE) is None
        assert formats.negotiate(accept, SAVED_OFFERS["results"]) is by("json")
        assert formats.negotiate(accept, SAVED_OFFERS["graph"]) is by("turtle")


@pytest.mark.parametrize(
    ("accept", "kind", "name"),
    [
        ("text/csv;q=0.5, application/sparql-results+json;q=0.9", "results", "json"),
        ("text/csv, application/sparql-results+json;q=0.9", "results", "csv"),
        ("application/xml;q=0.2, text/tab-separated-values;q=0.3", "results", "tsv"),
        (
            "text/turtle;q=0.1, application/ld+json;q=0.2, application/n-triples;q=0.3",
            "graph",
            "ntriples",
        ),
        ("application/rdf+xml, text/turtle;q=0.9", "graph", "rdfxml"),
        ("text/turtle;q=0, */*", "graph", "ntriples"),  # q=0 refuses; then the order
        ("*/*", "results", "json"),
        ("*/*", "graph", "turtle"),
        ("text/*", "results", "csv"),  # the rows' own types before the aliases: not text/xml
        ("application/*", "graph", "ntriples"),
        ("application/json", "results", "json"),
        ("application/json", "graph", "jsonld"),
        ("application/xml", "graph", "rdfxml"),
    ],
)
def test_negotiation_follows_the_qualities(accept: str, kind: formats.Kind, name: str) -> None:
    assert formats.endpoint(accept, kind) is by(name)


def test_a_header_that_matches_nothing_is_a_406() -> None:
    with pytest.raises(NotAcceptable) as err:
        formats.endpoint("image/png, text/turtle;q=0", "graph")
    assert err.value.message == (
        "nothing in Accept: 'image/png, text/turtle;q=0' can carry an RDF graph; use one of "
        "text/turtle, application/n-triples, application/ld+json, application/rdf+xml, "
        "application/n-quads, application/trig"
    )
    with pytest.raises(NotAcceptable, match="can carry query results; use one of application/"):
        formats.endpoint("text/turtle", "results")
    with pytest.raises(NotAcceptable, match=r"is offered; use text/html or RDF$"):
        formats.negotiate("text/csv", PAGE)
    with pytest.raises(NotAcceptable, match=r"is offered; use \.json, \.xml, \.csv, \.tsv, \.ttl"):
        formats.negotiate("application/rdf+xml", SAVED_OFFERS["graph"])


def test_format_names_of_the_other_kind_or_none() -> None:
    with pytest.raises(NotAcceptable, match="format='csv' cannot carry an RDF graph"):
        formats.endpoint(None, "graph", "csv")
    with pytest.raises(NotAcceptable, match="format='trig' cannot carry query results"):
        formats.endpoint(None, "results", "trig")
    with pytest.raises(QueryError, match="unknown format 'yaml'; use one of text/turtle"):
        formats.endpoint("text/turtle", "graph", "yaml")
    with pytest.raises(NotAcceptable, match="cannot carry an RDF graph"):
        formats.negotiate(None, PAGE, "tsv")  # the pages' names are /sparql's for a graph


def test_the_pages_offer() -> None:
    assert formats.negotiate(BROWSER, PAGE) is None
    assert formats.negotiate("*/*", PAGE) is None
    assert formats.negotiate("application/json", PAGE) is by("jsonld")
    assert formats.negotiate("text/turtle, text/html;q=0.5", PAGE) is by("turtle")
    assert formats.negotiate("application/xhtml+xml;q=0.5, application/*", PAGE) is by("turtle")
    assert formats.negotiate(None, PAGE, "text/html") is None
    assert formats.negotiate(None, PAGE, "rdf") is by("rdfxml")
    assert formats.negotiate(None, PAGE, "nquads") is by("nquads")  # a name, though no suffix


def test_the_saved_queries_offer() -> None:
    select, construct = SAVED_OFFERS["results"], SAVED_OFFERS["graph"]
    assert formats.negotiate("*/*", construct) is by("turtle")
    assert formats.negotiate("application/json", construct) is by("json")  # SPARQL JSON here
    assert formats.negotiate("text/*", select) is by("csv")
    assert formats.negotiate(BROWSER, select) is None  # the page
    assert formats.negotiate("text/html;q=0.1, text/csv", select) is by("csv")
    with pytest.raises(NotAcceptable):
        formats.negotiate("application/x-turtle", construct)  # no aliases but the results'


def test_prefers_html() -> None:
    assert formats.prefers_html(BROWSER)
    assert formats.prefers_html("text/html;charset=utf-8")
    assert not formats.prefers_html("*/*")
    assert not formats.prefers_html("text/html, application/json")
    assert not formats.prefers_html("")


def test_content_types_and_accept_headers() -> None:
    assert by("json").content_type == "application/sparql-results+json; charset=utf-8"
    assert by("csv").content_type == "text/csv; charset=utf-8"
    assert by("rdfxml").content_type == "application/rdf+xml"
    assert formats.accept_header(("ntriples", 1), ("turtle", 0.9)) == (
        "application/n-triples, text/turtle;q=0.9"
    )


@pytest.fixture(scope="module")
def app(built: BuildResult) -> Flask:
    return create_app({"TESTING": True, "STORE_PATH": str(built.store_path), "IN_MEMORY": True})


@pytest.fixture
def client(app: Flask) -> Iterator[FlaskClient]:
    with app.test_client() as c:
        yield c


# rdflib reads quads into a Dataset through its deprecated default context.
@pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning")
@pytest.mark.parametrize("fmt", formats.BY_KIND["graph"], ids=lambda f: f.name)
def test_the_service_description_lists_exactly_the_table(client: FlaskClient, fmt: Format) -> None:
    r = client.get("/sparql", headers={"Accept": fmt.media_type})
    assert r.status_code == 200 and r.headers["Content-Type"] == fmt.content_type
    graph = Dataset() if fmt.name in {"nquads", "trig"} else Graph()
    graph.parse(data=r.data, format=fmt.rdflib)  # the table's rdflib name reads it
    found = {str(o) for o in graph.objects(URIRef("http://localhost/sparql"), SD.resultFormat)}
    assert found == {f.iri for f in FORMATS}
