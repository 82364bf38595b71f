"""The least a Flask SPARQL endpoint can do: the benchmark's reference app.

One route, ``GET /query?query=...``, evaluated by pyoxigraph on an in-memory store
loaded at start from the N-Triples file named by ``BENCH_REFERENCE_DATA``, and answered
with pyoxigraph's own serialisation: SPARQL JSON for SELECT and ASK, N-Triples for
CONSTRUCT and DESCRIBE (the two formats ``bench/run.py`` asks for). No safety checks,
no content negotiation, no cache, no time limit, no logging: whatever a real Flask
endpoint does costs at least what this costs. It does not import fdigraph;
``bench/run.py`` serves it from ``bench/.venv`` with gunicorn (``flask-minimal``) and
with granian (``flask-minimal-granian``).
"""

from __future__ import annotations

import os

import pyoxigraph
from flask import Flask, Response, request

store = pyoxigraph.Store()
store.bulk_load(path=os.environ["BENCH_REFERENCE_DATA"], format=pyoxigraph.RdfFormat.N_TRIPLES)

app = Flask(__name__)


@app.get("/query")
def query() -> Response:
    result = store.query(request.args["query"])
    if isinstance(result, pyoxigraph.QueryTriples):
        body = result.serialize(format=pyoxigraph.RdfFormat.N_TRIPLES)
        return Response(body, content_type="application/n-triples")
    body = result.serialize(format=pyoxigraph.QueryResultsFormat.JSON)
    return Response(body, content_type="application/sparql-results+json")
