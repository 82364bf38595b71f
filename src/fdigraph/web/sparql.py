"""The SPARQL 1.1 Protocol endpoint: ``/sparql`` for queries, ``/update`` refused."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request
from werkzeug.wrappers import Response as BaseResponse

from fdigraph import formats, protocol, void
from fdigraph.errors import ReadOnly
from fdigraph.web.cache import keep
from fdigraph.web.engine import LRU, Engine

bp = Blueprint("sparql", __name__)
TRUNCATED = "Fdigraph-Truncated"


def engine() -> Engine:
    found: Engine = current_app.extensions["fdigraph"]
    return found


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> BaseResponse:
    """Answer a query (GET, POST form, POST sparql-query) or describe the service."""
    settings = current_app.config
    op = protocol.parse_request(
        request.method, request.query_string, request.content_type, request.get_data()
    )
    if op is None:
        return service_description()
    shape = protocol.inspect_query(
        op.query,
        max_length=settings["MAX_QUERY_LENGTH"],
        max_nesting=settings["MAX_NESTING"],
        allowlist=settings["SERVICE_ALLOWLIST"].split(),
        max_patterns=settings["MAX_TRIPLE_PATTERNS"],
        max_operators=settings["MAX_EXPRESSION_LENGTH"],
        max_members=settings["MAX_COLLECTION_LENGTH"],
    )
    fmt = formats.endpoint(request.headers.get("Accept"), shape.kind, op.format)
    base = endpoint_url(request.environ)
    key = (op.query, op.default_graphs, op.named_graphs, fmt.name, base)
    eng = engine()
    etag = eng.etag(key)
    known: LRU = current_app.extensions["fdigraph.results"]
    answer = known.get(key)
    if answer is None:
        answer = eng.evaluate(op, shape, fmt, base)
        known.put(key, answer, len(answer.body))
    headers = {"ETag": etag, "Cache-Control": "public, no-cache"}
    if answer.truncated:
        headers[TRUNCATED] = f"rows={eng.max_rows}"
    keep()
    match = request.environ.get("HTTP_IF_NONE_MATCH")
    if match and (etag in match or match.strip() == "*"):
        return Response(status=304, headers=headers)
    return Response(answer.body, content_type=fmt.content_type, headers=headers)


def endpoint_url(environ: dict[str, Any]) -> str:
    """The URL of this endpoint, the base for relative IRIs in a query.

    Built from the WSGI environ directly: Werkzeug's ``base_url`` also converts the
    URL to an IRI, a cost on every request for nothing a base IRI needs.
    """
    host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    return f"{environ['wsgi.url_scheme']}://{host}{path}"


def service_description() -> BaseResponse:
    """SPARQL 1.1 Service Description, in an RDF format chosen by Accept."""
    keep()
    fmt = formats.endpoint(request.headers.get("Accept"), "graph", request.args.get("format"))
    eng = engine()
    triples = service_triples(request.base_url)
    body = ox.serialize(triples, format=fmt.oxigraph, prefixes=void.PREFIXES)  # type: ignore[arg-type]
    response = Response(body, content_type=fmt.content_type)
    response.headers["ETag"] = eng.etag(("sd", fmt.name, request.base_url))
    return response.make_conditional(request)


def service_triples(endpoint: str) -> list[ox.Triple]:
    """The service description of this endpoint at ``endpoint`` (also shown on the VoID page)."""
    eng = engine()
    settings = current_app.config
    return void.service_description(
        endpoint,
        dataset=void.dataset_iri(eng.info.base_iri or settings["BASE_IRI"]),
        result_formats=[f.iri for f in formats.FORMATS],
        void_url=request.host_url + ".well-known/void",
        federation=bool(settings["SERVICE_ALLOWLIST"].split()),
        named_graphs=eng.info.graphs,
    )


@bp.route("/update", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
def update() -> Any:
    """Updates are refused on every route; this one says so plainly."""
    raise ReadOnly("this endpoint is read-only: SPARQL updates are not accepted")
