"""The SPARQL 1.1 Protocol table through the Flask test client.

Every (transport × query form × Accept) answers with the negotiated type, and every
body is read back by a real parser: rdflib for RDF and SPARQL results, json, csv.
"""

from __future__ import annotations

import csv
import io
import json
import warnings
from typing import Any
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient
from rdflib import Graph
from rdflib.query import Result
from tests.web.conftest import EX, G1, G2
from werkzeug.test import TestResponse

QUERIES = {
    "SELECT": f"SELECT ?s ?label WHERE {{ ?s a <{EX}Province> ; <http://www.w3.org/2000/01/rdf-schema#label> ?label }}",
    "ASK": f"ASK {{ <{EX}bac-giang> a <{EX}Province> }}",
    "CONSTRUCT": f"CONSTRUCT {{ ?s a ?c }} WHERE {{ ?s a ?c FILTER(?c = <{EX}Province>) }}",
    "DESCRIBE": f"DESCRIBE <{EX}ha-noi>",
}
RESULT_TYPES = {
    None: "application/sparql-results+json",
    "*/*": "application/sparql-results+json",
    "application/sparql-results+json": "application/sparql-results+json",
    "application/json": "application/sparql-results+json",
    "application/sparql-results+xml": "application/sparql-results+xml",
    "text/csv": "text/csv",
    "text/tab-separated-values": "text/tab-separated-values",
    "text/*;q=0.5, application/sparql-results+xml": "application/sparql-results+xml",
    "text/*, text/csv;q=0": "text/tab-separated-values",
    "application/sparql-results+json;charset=utf-8": "application/sparql-results+json",
}
GRAPH_TYPES = {
    None: "text/turtle",
    "*/*": "text/turtle",
    "text/turtle": "text/turtle",
    "application/n-triples": "application/n-triples",
    "application/ld+json": "application/ld+json",
    "application/rdf+xml": "application/rdf+xml",
    "application/n-quads": "application/n-quads",
    "application/trig": "application/trig",
    "application/*;q=0.9, text/turtle;q=0.1": "application/n-triples",
}
RDFLIB_RESULTS = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
RDFLIB_GRAPH = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-quads": "nquads",
    "application/trig": "trig",
}
TRANSPORTS = ("GET", "POST-form", "POST-direct")


def ask(
    client: FlaskClient, transport: str, query: str, accept: str | None = None, **params: Any
) -> TestResponse:
    headers = {"Accept": accept} if accept is not None else {}
    if transport == "GET":
        return client.get("/sparql", query_string={"query": query, **params}, headers=headers)
    if transport == "POST-form":
        body = urlencode({"query": query, **params}, doseq=True)
        return client.post(
            "/sparql",
            data=body,
            content_type="application/x-www-form-urlencoded",
            headers=headers,
        )
    return client.post(
        "/sparql",
        data=query.encode(),
        query_string=params,
        content_type="application/sparql-query",
        headers=headers,
    )


def parse_results(body: bytes, media: str) -> Result:
    fmt = RDFLIB_RESULTS[media]
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(body.decode())))
        assert rows, "an empty CSV answer"
    return Result.parse(io.BytesIO(body), format=fmt)


def parse_graph(body: bytes, media: str) -> Graph:
    from rdflib import Dataset

    fmt = RDFLIB_GRAPH[media]
    if fmt in ("nquads", "trig"):
        ds = Dataset()
        with warnings.catch_warnings():  # rdflib's own deprecations inside parse()
            warnings.simplefilter("ignore", DeprecationWarning)
            ds.parse(data=body, format=fmt)
        g = Graph()
        for s, p, o, _ in ds.quads():
            g.add((s, p, o))
        return g
    return Graph().parse(data=body, format=fmt)


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("form", ["SELECT", "ASK"])
@pytest.mark.parametrize("accept", list(RESULT_TYPES), ids=str)
def test_results_table(client: FlaskClient, transport: str, form: str, accept: str | None) -> None:
    r = ask(client, transport, QUERIES[form], accept)
    media = RESULT_TYPES[accept]
    assert r.status_code == 200, r.data
    assert r.mimetype == media
    assert "Accept" in r.headers["Vary"]
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    if form == "ASK":
        if media in ("text/csv", "text/tab-separated-values"):
            assert r.data.strip() == b"true"
        else:
            assert parse_results(r.data, media).askAnswer is True
        return
    result = parse_results(r.data, media)
    labels = {str(row[1]) for row in result}  # type: ignore[index]
    assert {"Bắc Giang", "Hà Nội", "Hải Phòng"} <= labels


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
@pytest.mark.parametrize("accept", list(GRAPH_TYPES), ids=str)
def test_graph_table(client: FlaskClient, transport: str, form: str, accept: str | None) -> None:
    r = ask(client, transport, QUERIES[form], accept)
    media = GRAPH_TYPES[accept]
    assert r.status_code == 200, r.data
    assert r.mimetype == media
    graph = parse_graph(r.data, media)
    assert len(graph) >= 1
    subjects = {str(s) for s in graph.subjects()}
    assert (f"{EX}ha-noi" in subjects) if form == "DESCRIBE" else (f"{EX}bac-giang" in subjects)


@pytest.mark.parametrize(
    ("form", "value", "media"),
    [
        ("SELECT", "csv", "text/csv"),
        ("SELECT", "tsv", "text/tab-separated-values"),
        ("SELECT", "xml", "application/sparql-results+xml"),
        ("SELECT", "application/sparql-results+json", "application/sparql-results+json"),
        ("CONSTRUCT", "nt", "application/n-triples"),
        ("CONSTRUCT", "jsonld", "application/ld+json"),
        ("CONSTRUCT", "xml", "application/rdf+xml"),
        ("CONSTRUCT", "json", "application/ld+json"),
    ],
)
def test_format_parameter_beats_accept(
    client: FlaskClient, form: str, value: str, media: str
) -> None:
    r = ask(client, "GET", QUERIES[form], "image/png", format=value)
    assert r.status_code == 200 and r.mimetype == media


def _select(client: FlaskClient, query: str, **params: Any) -> list[dict[str, Any]]:
    r = ask(client, "GET", query, None, **params)
    assert r.status_code == 200, r.data
    bindings: list[dict[str, Any]] = json.loads(r.data)["results"]["bindings"]
    return bindings


def test_default_graph_is_the_union(client: FlaskClient) -> None:
    rows = _select(client, f"SELECT ?s WHERE {{ ?s a <{EX}Province> }}")
    assert len(rows) == 3


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_default_graph_uri_is_honoured(client: FlaskClient, transport: str) -> None:
    q = f"SELECT ?s WHERE {{ ?s a <{EX}Province> }}"
    r = ask(client, transport, q, None, **{"default-graph-uri": G2})
    rows = json.loads(r.data)["results"]["bindings"]
    assert [row["s"]["value"] for row in rows] == [f"{EX}hai-phong"]


def test_named_graph_uri_is_honoured(client: FlaskClient) -> None:
    q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    rows = _select(client, q, **{"named-graph-uri": G1})
    assert [row["g"]["value"] for row in rows] == [G1]
    both = _select(client, q, **{"named-graph-uri": [G1, G2]})
    assert {row["g"]["value"] for row in both} == {G1, G2}


def test_protocol_dataset_replaces_from(client: FlaskClient) -> None:
    q = f"SELECT ?s FROM <{G1}> WHERE {{ ?s a <{EX}Province> }}"
    assert len(_select(client, q)) == 2
    rows = _select(client, q, **{"default-graph-uri": G2})
    assert [row["s"]["value"] for row in rows] == [f"{EX}hai-phong"]


def test_from_a_file_reads_nothing(client: FlaskClient) -> None:
    rows = _select(client, "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }")
    assert rows == []


def test_relative_iris_resolve_against_the_endpoint(client: FlaskClient) -> None:
    rows = _select(client, "SELECT ?x WHERE { BIND(<rel/x> AS ?x) }")
    assert rows[0]["x"]["value"] == "http://localhost/rel/x"


def test_no_accept_header_gets_the_default(client: FlaskClient) -> None:
    r = client.get("/sparql", query_string={"query": QUERIES["SELECT"]}, headers={"Accept": ""})
    assert r.mimetype == "application/sparql-results+json"


def test_head_answers_like_get(client: FlaskClient) -> None:
    r = client.head("/sparql", query_string={"query": QUERIES["ASK"]})
    assert r.status_code == 200 and r.data == b""
