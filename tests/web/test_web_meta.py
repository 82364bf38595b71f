"""Row cap, caching, CORS, gzip, service description, VoID and /health."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.query import Result
from tests.web.conftest import EX, make_app

VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
# Forty rows whose strings hold the very byte sequences the row counter looks for.
TRICKY = (
    "SELECT ?i ?x WHERE { VALUES ?i { "
    + " ".join(str(i) for i in range(40))
    + ' } BIND(CONCAT("a},{\\"b\\r\\n<result>", STR(?i), "\\n\\t") AS ?x) } ORDER BY ?i'
)
RESULT_TYPES = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
]


@pytest.fixture(scope="module")
def capped(store_path: Path) -> Flask:
    return make_app(store_path, MAX_ROWS=7)


@pytest.mark.parametrize("media", RESULT_TYPES)
def test_row_cap_is_stated_and_the_body_stays_valid(capped: Flask, media: str) -> None:
    r = capped.test_client().get(
        "/sparql", query_string={"query": TRICKY}, headers={"Accept": media}
    )
    assert r.status_code == 200
    assert r.headers["Fdigraph-Truncated"] == "rows=7"
    fmt = {"text/csv": "csv", "text/tab-separated-values": "tsv"}.get(media, media.split("+")[-1])
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(r.data.decode(), newline="")))
        assert len(rows) == 8 and rows[-1][0] == "6"
        return
    result = Result.parse(io.BytesIO(r.data), format=fmt)
    values = [int(row[0]) for row in result]  # type: ignore[index]
    assert values == list(range(7))
    assert all(str(row[1]).startswith('a},{"b') for row in result)  # type: ignore[index]
    if fmt == "json":
        assert json.loads(r.data)["truncated"] is True
    if fmt == "xml":
        assert b"truncated" in r.data


@pytest.mark.parametrize("media", RESULT_TYPES)
def test_results_under_the_cap_are_whole(capped: Flask, media: str) -> None:
    q = TRICKY.replace("ORDER BY ?i", "FILTER(?i < 7) } ORDER BY ?i").replace(
        ") } FILTER", ") FILTER"
    )
    r = capped.test_client().get("/sparql", query_string={"query": q}, headers={"Accept": media})
    assert r.status_code == 200, r.data
    assert "Fdigraph-Truncated" not in r.headers


@pytest.mark.parametrize("media", ["text/turtle", "application/n-triples", "application/ld+json"])
def test_graph_cap(capped: Flask, media: str) -> None:
    q = "CONSTRUCT WHERE { ?s ?p ?o }"
    r = capped.test_client().get("/sparql", query_string={"query": q}, headers={"Accept": media})
    assert r.headers["Fdigraph-Truncated"] == "rows=7"
    fmt = {"text/turtle": "turtle", "application/n-triples": "nt"}.get(media, "json-ld")
    assert len(Graph().parse(data=r.data, format=fmt)) == 7


def test_etag_and_304(client: FlaskClient) -> None:
    q = {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"}
    first = client.get("/sparql", query_string=q)
    etag = first.headers["ETag"]
    assert first.headers["ETag"].startswith('W/"')
    again = client.get("/sparql", query_string=q)  # answered from the response cache
    assert again.data == first.data and again.headers["ETag"] == etag
    fresh = client.get("/sparql", query_string=q, headers={"If-None-Match": etag})
    assert fresh.status_code == 304 and fresh.data == b""
    assert fresh.headers["Access-Control-Allow-Origin"] == "*"
    other = client.get("/sparql", query_string=q, headers={"Accept": "text/csv"})
    assert other.headers["ETag"] != etag


def test_304_before_the_cache_is_warm(store_path: Path) -> None:
    client = make_app(store_path).test_client()
    q = {"query": "ASK { ?s ?p ?o }"}
    etag = client.get("/sparql", query_string=q).headers["ETag"]
    cold = make_app(store_path).test_client()
    r = cold.get("/sparql", query_string=q, headers={"If-None-Match": etag})
    assert r.status_code == 304


def test_post_is_cached_by_body(client: FlaskClient) -> None:
    body = b"SELECT ?s WHERE { ?s ?p ?o } LIMIT 2"
    one = client.post("/sparql", data=body, content_type="application/sparql-query")
    two = client.post("/sparql", data=body, content_type="application/sparql-query")
    other = client.post(
        "/sparql", data=body.replace(b"2", b"1"), content_type="application/sparql-query"
    )
    assert one.data == two.data and one.data != other.data


def test_gzip_when_accepted(client: FlaskClient) -> None:
    q = {"query": "SELECT * WHERE { ?s ?p ?o }"}
    plain = client.get("/sparql", query_string=q)
    zipped = client.get("/sparql", query_string=q, headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert "Accept-Encoding" in zipped.headers["Vary"]
    refused = client.get("/sparql", query_string=q, headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in refused.headers


def test_cors_preflight(client: FlaskClient) -> None:
    r = client.options(
        "/sparql",
        headers={
            "Origin": "https://yasgui.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in r.headers["Access-Control-Allow-Methods"]
    assert r.headers["Access-Control-Allow-Headers"] == "content-type"


def test_cors_with_a_list_of_origins(store_path: Path) -> None:
    client = make_app(store_path, CORS_ORIGINS="https://a.example https://b.example").test_client()
    q = {"query": "ASK {}"}
    ok = client.get("/sparql", query_string=q, headers={"Origin": "https://b.example"})
    assert ok.headers["Access-Control-Allow-Origin"] == "https://b.example"
    assert "Origin" in ok.headers["Vary"]
    other = client.get("/sparql", query_string=q, headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [("text/turtle", "turtle"), ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")],
)
def test_service_description(client: FlaskClient, accept: str, fmt: str) -> None:
    r = client.get("/sparql", headers={"Accept": accept})
    assert r.status_code == 200 and r.mimetype == accept
    g = Graph().parse(data=r.data, format=fmt)
    svc = URIRef("http://localhost/sparql")
    assert (svc, SD.endpoint, svc) in g
    assert (svc, SD.feature, SD.UnionDefaultGraph) in g
    assert (svc, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert (svc, SD.feature, SD.BasicFederatedQuery) not in g
    assert len(list(g.objects(svc, SD.resultFormat))) == 10


@pytest.mark.parametrize(
    ("accept", "fmt"), [("text/turtle", "turtle"), ("application/ld+json", "json-ld")]
)
def test_void(client: FlaskClient, accept: str, fmt: str) -> None:
    r = client.get("/.well-known/void", headers={"Accept": accept})
    assert r.status_code == 200 and r.mimetype == accept
    g = Graph().parse(data=r.data, format=fmt)
    ds = next(g.subjects(VOID.sparqlEndpoint, URIRef("http://localhost/sparql")))
    health = client.get("/health").get_json()
    assert g.value(ds, VOID.triples) == Literal(health["triples"])
    assert g.value(ds, VOID.classes) == Literal(2)
    classes = {
        g.value(p, VOID["class"]): g.value(p, VOID.entities)
        for p in g.objects(ds, VOID.classPartition)
    }
    assert classes[URIRef(f"{EX}Province")] == Literal(3)
    props = {
        g.value(p, VOID.property): g.value(p, VOID.triples)
        for p in g.objects(ds, VOID.propertyPartition)
    }
    assert props[URIRef(f"{EX}value")] == Literal(60)


def test_health(client: FlaskClient) -> None:
    r = client.get("/health")
    body = r.get_json()
    assert r.status_code == 200 and body["ok"] and body["store"] == "open"
    assert len(body["build"]) == 16 and body["triples"] == 73
    assert r.headers["Access-Control-Allow-Origin"] == "*"


def test_disk_store_is_served_too(store_path: Path) -> None:
    client = make_app(store_path, IN_MEMORY=False).test_client()
    r = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    assert json.loads(r.data)["results"]["bindings"][0]["n"]["value"] == "73"
    assert client.get("/health").get_json()["in_memory"] is False


def test_void_from_the_build_is_served_when_it_matches(tmp_path: Path) -> None:
    from fdigraph.store import load_files

    (tmp_path / "d.nt").write_text(f"<{EX}a> <{EX}p> <{EX}b> .\n", encoding="utf-8")
    info = load_files([tmp_path / "d.nt"], tmp_path / "store")
    marker = "http://example.org/marker"
    beside = tmp_path / "void.ttl"
    beside.write_text(
        f'<{EX}dataset> <http://purl.org/dc/terms/identifier> "{info.build}" ; <{marker}> 1 .\n',
        encoding="utf-8",
    )
    body = make_app(tmp_path / "store").test_client().get("/.well-known/void").data
    assert marker.encode() in body
    beside.write_text(
        f'<{EX}dataset> <http://purl.org/dc/terms/identifier> "old" ; <{marker}> 1 .\n'
    )
    (tmp_path / "store" / "void.ttl").unlink(missing_ok=True)
    stale = make_app(tmp_path / "store").test_client().get("/.well-known/void").data
    assert marker.encode() not in stale and b"void:triples 1" in stale
    assert (tmp_path / "store" / "void.ttl").is_file()  # computed once, kept beside the data
