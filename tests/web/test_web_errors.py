"""Every bad request gets its 4xx in the one JSON error shape, with CORS."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from tests.web.conftest import make_app
from werkzeug.test import TestResponse

SELECT = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"


def shape(r: TestResponse, status: int, code: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, r.data
    assert r.mimetype == "application/json"
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    body: dict[str, Any] = json.loads(r.data)
    assert body["ok"] is False and body["status"] == status and body["error"]
    if code is not None:
        assert body["code"] == code
    return body


CASES: list[tuple[str, str, dict[str, Any], int, str]] = [
    (
        "missing query",
        "GET",
        {"query_string": {"default-graph-uri": "http://x/"}},
        400,
        "bad_request",
    ),
    ("empty query", "GET", {"query_string": {"query": "  "}}, 400, "bad_request"),
    ("repeated query", "GET", {"query_string": {"query": [SELECT, SELECT]}}, 400, "bad_request"),
    (
        "bad utf-8 body",
        "POST",
        {"data": b"SELECT * {\xff}", "content_type": DIRECT},
        400,
        "bad_request",
    ),
    ("bad utf-8 form", "POST", {"data": b"query=%C3%28", "content_type": FORM}, 400, "bad_request"),
    (
        "query in URL and body",
        "POST",
        {"data": SELECT, "content_type": DIRECT, "query_string": {"query": SELECT}},
        400,
        "bad_request",
    ),
    (
        "repeated in URL and form",
        "POST",
        {"data": f"query={SELECT}", "content_type": FORM, "query_string": {"query": SELECT}},
        400,
        "bad_request",
    ),
    ("form without query", "POST", {"data": "x=1", "content_type": FORM}, 400, "bad_request"),
    (
        "text/plain body",
        "POST",
        {"data": SELECT, "content_type": "text/plain"},
        415,
        "unsupported_media_type",
    ),
    ("no content type", "POST", {"data": SELECT}, 415, "unsupported_media_type"),
    (
        "latin-1 charset",
        "POST",
        {"data": SELECT, "content_type": DIRECT + "; charset=latin-1"},
        415,
        "unsupported_media_type",
    ),
    (
        "update body",
        "POST",
        {"data": "CLEAR ALL", "content_type": "application/sparql-update"},
        403,
        "read_only",
    ),
    ("update param", "GET", {"query_string": {"update": "CLEAR ALL"}}, 403, "read_only"),
    ("update form", "POST", {"data": "update=DROP%20ALL", "content_type": FORM}, 403, "read_only"),
    (
        "update as query",
        "GET",
        {"query_string": {"query": "INSERT DATA { <a:b> <a:c> <a:d> }"}},
        403,
        "read_only",
    ),
    (
        "load as query",
        "GET",
        {"query_string": {"query": "LOAD <http://127.0.0.1:9/x>"}},
        403,
        "read_only",
    ),
    (
        "prefixed update",
        "GET",
        {"query_string": {"query": "PREFIX a: <a:> DELETE WHERE { ?s ?p ?o }"}},
        403,
        "read_only",
    ),
    ("not a query", "GET", {"query_string": {"query": "hello"}}, 400, "bad_request"),
    (
        "service",
        "GET",
        {"query_string": {"query": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}},
        400,
        "query_refused",
    ),
    (
        "silent service",
        "GET",
        {
            "query_string": {
                "query": "SELECT * { SERVICE SILENT <http://127.0.0.1:9/> { ?s ?p ?o } }"
            }
        },
        400,
        "query_refused",
    ),
    (
        "service by variable",
        "GET",
        {
            "query_string": {
                "query": "SELECT * { VALUES ?e { <http://127.0.0.1:9/> } SERVICE ?e { ?s ?p ?o } }"
            }
        },
        400,
        "query_refused",
    ),
    (
        "service by prefix",
        "GET",
        {
            "query_string": {
                "query": "PREFIX e: <http://127.0.0.1:9/> SELECT * { service e:sparql { ?s ?p ?o } }"
            }
        },
        400,
        "query_refused",
    ),
    (
        # keywords are matched by their letters alone: the engine reads SERVICE :sparql
        "service as a prefix",
        "GET",
        {
            "query_string": {
                "query": "PREFIX : <http://127.0.0.1:9/> SELECT * { service:sparql { ?s ?p ?o } }"
            }
        },
        400,
        "query_refused",
    ),
    (
        "not acceptable",
        "GET",
        {"query_string": {"query": SELECT}, "headers": {"Accept": "image/png"}},
        406,
        "not_acceptable",
    ),
    (
        "garbage accept",
        "GET",
        {"query_string": {"query": SELECT}, "headers": {"Accept": "garbage;;;"}},
        406,
        "not_acceptable",
    ),
    (
        "csv for a graph",
        "GET",
        {"query_string": {"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "csv"}},
        406,
        "not_acceptable",
    ),
    (
        "unknown format",
        "GET",
        {"query_string": {"query": SELECT, "format": "bogus"}},
        400,
        "bad_request",
    ),
    (
        "bad graph IRI",
        "GET",
        {"query_string": {"query": SELECT, "default-graph-uri": "not an iri"}},
        400,
        "bad_request",
    ),
    (
        "too long",
        "GET",
        {"query_string": {"query": SELECT + " #" + "x" * 70000}},
        400,
        "limit_exceeded",
    ),
    (
        "too deep",
        "GET",
        {"query_string": {"query": "SELECT * WHERE " + "{" * 2000 + "}" * 2000}},
        400,
        "limit_exceeded",
    ),
    (
        "too large body",
        "POST",
        {"data": b"x" * 1_100_000, "content_type": DIRECT},
        413,
        "payload_too_large",
    ),
]


@pytest.mark.parametrize(
    ("name", "method", "kwargs", "status", "code"), CASES, ids=[c[0] for c in CASES]
)
def test_error_table(
    client: FlaskClient, name: str, method: str, kwargs: dict[str, Any], status: int, code: str
) -> None:
    r = client.open("/sparql", method=method, **kwargs)
    shape(r, status, code)


def test_invalid_utf8_in_the_url_is_refused(client: FlaskClient) -> None:
    body = shape(client.get("/sparql?query=SELECT%20%FF"), 400, "bad_request")
    assert "UTF-8" in body["error"]


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405(client: FlaskClient, method: str) -> None:
    r = client.open("/sparql", method=method)
    shape(r, 405, "method_not_allowed")
    assert "GET" in r.headers["Allow"] and "POST" in r.headers["Allow"]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_update_route_refuses(client: FlaskClient, method: str) -> None:
    shape(client.open("/update", method=method, data="CLEAR ALL"), 403, "read_only")


def test_unknown_path_is_a_json_404(client: FlaskClient) -> None:
    shape(client.get("/nowhere"), 404, "not_found")


def test_syntax_error_has_line_and_column(client: FlaskClient) -> None:
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE {\n  ?s ?p ?o \n FILTER( }"})
    body = shape(r, 400, "bad_request")
    assert body["line"] == 3 and isinstance(body["column"], int)
    assert f"line 3, column {body['column']}" in body["error"]


def test_limits_name_what_was_exceeded(client: FlaskClient) -> None:
    deep = "SELECT * WHERE " + "{" * 100 + "}" * 100
    body = shape(client.get("/sparql", query_string={"query": deep}), 400)
    assert "nests deeper than 64" in body["error"]
    long = shape(client.post("/sparql", data="#" * 70000, content_type=DIRECT), 400)
    assert "the limit is 65536" in long["error"]


def test_service_refusal_names_the_position(client: FlaskClient) -> None:
    q = "SELECT * {\n  SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    body = shape(client.get("/sparql", query_string={"query": q}), 400, "query_refused")
    assert "line 2, column 3" in body["error"]


@pytest.mark.parametrize(
    "query",
    [
        'SELECT ?x WHERE { BIND("SERVICE <http://127.0.0.1:9/>" AS ?x) }',
        "SELECT ?x WHERE { # SERVICE <http://127.0.0.1:9/> {}\n BIND(1 AS ?x) }",
        "SELECT ?service WHERE { BIND(<http://x/SERVICE> AS ?service) }",
        'SELECT ?x WHERE { BIND("""{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{""" AS ?x) }',
        "PREFIX ex: <http://x/> SELECT ?x WHERE { BIND(ex:service AS ?x) }",
    ],
)
def test_the_lexer_skips_strings_comments_iris_and_names(client: FlaskClient, query: str) -> None:
    r = client.get("/sparql", query_string={"query": query})
    assert r.status_code == 200, r.data


def test_allowlisted_service_passes_the_check(store_path: Path) -> None:
    from fdigraph import protocol

    shape_ = protocol.inspect_query(
        "PREFIX e: <http://127.0.0.1:9/> SELECT * { SERVICE e:sparql { ?s ?p ?o } }",
        max_length=1000,
        max_nesting=10,
        allowlist=["http://127.0.0.1:9/sparql"],
    )
    assert shape_.form == "SELECT"


def test_timeout_is_503_and_poisons_the_worker(store_path: Path) -> None:
    import time

    from fdigraph.errors import QueryTimeout
    from fdigraph.web.engine import RUNNER
    from fdigraph.web.errors import POISONED

    with pytest.raises(QueryTimeout):
        RUNNER.run(lambda: time.sleep(0.5), 0.05)
    assert RUNNER.run(lambda: 42, 1.0) == 42  # a fresh helper serves the next job
    app = make_app(store_path, QUERY_TIMEOUT=0.001)
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    seen: dict[str, Any] = {}
    inner = app.wsgi_app

    def spy(environ: dict[str, Any], start_response: Any) -> Any:
        seen["environ"] = environ
        return inner(environ, start_response)

    app.wsgi_app = spy  # type: ignore[method-assign]
    with app.test_client() as c:
        body = shape(c.get("/sparql", query_string={"query": q}), 503, "query_timeout")
    assert "time limit" in body["error"]
    assert seen["environ"].get(POISONED) is True
