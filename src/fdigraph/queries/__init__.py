"""Saved queries: ``queries/*.rq`` files with a ``#+`` header, run with bound RDF terms.

The catalogue parses each file into a :class:`SavedQuery`; :func:`run` binds raw
parameter values as typed RDF terms and runs the query text on an rdflib graph backed by
Oxigraph (or :func:`run_remote` on any SPARQL endpoint); :func:`serialize` writes the
answer in any format; :func:`as_graph` publishes the catalogue as SHACL executables and
:func:`openapi` describes it as an HTTP API. Nothing here knows Flask or click.
"""

from __future__ import annotations

from fdigraph.queries.catalogue import Catalogue, HeaderError, SavedQuery, load, parse
from fdigraph.queries.openapi import document as openapi
from fdigraph.queries.params import Param
from fdigraph.queries.publish import EXAMPLES_PATH, as_graph, examples_graph_iri
from fdigraph.queries.remote import Endpoint, RemoteEndpointError
from fdigraph.queries.results import (
    default_format,
    format_named,
    offer,
    rows,
    serialize,
    text_table,
)
from fdigraph.queries.run import Bound, bind, bound_text, run, run_remote

__all__ = [
    "EXAMPLES_PATH",
    "Bound",
    "Catalogue",
    "Endpoint",
    "HeaderError",
    "Param",
    "RemoteEndpointError",
    "SavedQuery",
    "as_graph",
    "bind",
    "bound_text",
    "default_format",
    "examples_graph_iri",
    "format_named",
    "load",
    "offer",
    "openapi",
    "parse",
    "rows",
    "run",
    "run_remote",
    "serialize",
    "text_table",
]
