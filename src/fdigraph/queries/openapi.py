"""An OpenAPI 3.1 document with one operation per saved query, typed from its header."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from fdigraph import __version__
from fdigraph.formats import SAVED
from fdigraph.queries.catalogue import SavedQuery
from fdigraph.queries.params import MAX_LENGTH, Param

_ITEM: dict[str, dict[str, Any]] = {
    "xsd:string": {"type": "string", "maxLength": MAX_LENGTH},
    "xsd:integer": {"type": "integer"},
    "xsd:decimal": {"type": "number"},
    "xsd:date": {"type": "string", "format": "date"},
    "xsd:gYear": {"type": "string", "pattern": "^[0-9]{4}$"},
    "iri": {"type": "string", "maxLength": MAX_LENGTH},
    "lang": {"type": "string", "pattern": "^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$"},
}
ERROR = {
    "type": "object",
    "required": ["ok", "error", "status"],
    "properties": {
        "ok": {"const": False},
        "error": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "string"}},
        "status": {"type": "integer"},
        "code": {"type": "string"},
    },
}


def document(
    catalogue: Iterable[SavedQuery], *, base_iri: str, server: str = "/"
) -> dict[str, Any]:
    """The OpenAPI 3.1 document for the saved-query API served under ``server``."""
    queries = sorted(catalogue, key=lambda q: q.name)
    tags = sorted({t for q in queries for t in q.tags})
    paths: dict[str, Any] = {
        "/queries": {
            "get": {
                "operationId": "list_queries",
                "summary": "List the saved queries",
                "description": "Every saved query with its parameters (HTML for browsers).",
                "tags": ["catalogue"],
                "responses": {
                    "200": {
                        "description": "The catalogue.",
                        "content": {
                            "application/json": {"schema": {"type": "object"}},
                            "text/html": {"schema": {"type": "string"}},
                        },
                    }
                },
            }
        }
    }
    for query in queries:
        paths[f"/queries/{query.name}"] = {"get": _operation(query, base_iri)}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "fdigraph saved queries",
            "version": __version__,
            "description": (
                "Saved SPARQL queries over the fdigraph knowledge graph of Vietnamese "
                "provincial FDI news. Parameters are bound as typed RDF terms, never pasted "
                "into the query. Add a suffix (.json, .csv, .tsv, .xml, .ttl, .jsonld, .nt) "
                "to a path to fix the format in a plain link."
            ),
        },
        "servers": [{"url": server}],
        "tags": [{"name": "catalogue"}, *({"name": t} for t in tags)],
        "paths": paths,
        "components": {"schemas": {"Error": ERROR}},
    }


def _operation(query: SavedQuery, base_iri: str) -> dict[str, Any]:
    vi = " — ".join(t for t in (query.title.get("vi"), query.description.get("vi")) if t)
    content: dict[str, Any] = {f.media_type: {"schema": {"type": "string"}} for f in SAVED}
    content["application/sparql-results+json"] = {"schema": {"type": "object"}}
    content["application/ld+json"] = {"schema": {"type": ["object", "array"]}}
    content["text/html"] = {"schema": {"type": "string"}}
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    return {
        "operationId": query.name.replace("-", "_"),
        "summary": query.label("en"),
        "description": f"{query.description.get('en', '')}\n\n{vi}".strip(),
        "tags": list(query.tags),
        "parameters": [_parameter(p, base_iri) for p in query.params],
        "x-sparql-form": query.form,
        "responses": {
            "200": {
                "description": f"The {query.form} result, in the format asked for.",
                "content": content,
            },
            "400": {
                "description": "A parameter is missing, unknown or of the wrong type.",
                "content": error,
            },
            "406": {
                "description": "None of the accepted media types is offered.",
                "content": error,
            },
        },
    }


def _parameter(param: Param, base_iri: str) -> dict[str, Any]:
    item = dict(_ITEM[param.type])
    if param.allowed:
        item["enum"] = [_json(param, v) for v in param.allowed]
    schema: dict[str, Any] = {"type": "array", "items": item} if param.multiple else item
    if param.default:
        defaults = [_json(param, v) for v in param.default]
        schema["default"] = defaults if param.multiple else defaults[0]
    expects = param.expects
    if param.namespace:
        expects = expects.replace(param.namespace, param.namespace_iri(base_iri), 1)
    text = param.description.get("en", "") or param.name
    spec: dict[str, Any] = {
        "name": param.name,
        "in": "query",
        "required": param.required and not param.default,
        "description": f"{text} ({expects}).",
        "schema": schema,
    }
    if param.multiple:
        spec |= {"style": "form", "explode": True}
    if param.example:
        example = _json(param, param.example)
        spec["example"] = [example] if param.multiple else example
    return spec


def _json(param: Param, value: str) -> Any:
    """A header value as the JSON type its schema declares."""
    if param.type == "xsd:integer":
        return int(value)
    if param.type == "xsd:decimal":
        return float(Decimal(value))
    return value
