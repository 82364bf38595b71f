"""The endpoint answers the basic requests through the Flask test client."""

from __future__ import annotations

import json

from flask.testing import FlaskClient


def test_select_json(client: FlaskClient) -> None:
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 2"})
    assert r.status_code == 200
    assert r.mimetype == "application/sparql-results+json"
    assert len(json.loads(r.data)["results"]["bindings"]) == 2


def test_health(client: FlaskClient) -> None:
    body = client.get("/health").get_json()
    assert body["ok"] is True and body["triples"] > 60 and body["build"]
