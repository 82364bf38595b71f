"""Running a saved query with its parameters bound as RDF terms.

Every value becomes a validated rdflib term, and the terms reach the query as a
``VALUES`` block that opens its top-level ``WHERE`` group, serialised by rdflib (see
:mod:`fdigraph.queries.text`). ``initBindings`` cannot carry them: oxrdflib turns them
into Oxigraph substitutions, and Oxigraph 0.5 refuses to substitute any variable that is
not in the SELECT projection (so no ASK, CONSTRUCT, or variable used only in a FILTER).
One mechanism serves the local store and remote endpoints alike, with the same meaning.
The text is always given to ``Graph.query`` as a string, never as a prepared query,
which rdflib would evaluate in Python instead of Oxigraph.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.query import Result
from rdflib.term import Identifier

from fdigraph.errors import QueryError, QueryParamError
from fdigraph.queries.catalogue import SavedQuery
from fdigraph.queries.remote import Endpoint
from fdigraph.queries.results import normalise
from fdigraph.queries.text import with_values

Raw = Mapping[str, Sequence[str]]
RDF_TYPE_OF = "ASK { ?value a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?class }"


@dataclass(frozen=True)
class Bound:
    """A query's parameters as terms: single values, and lists for VALUES."""

    single: Mapping[str, Identifier]
    lists: Mapping[str, tuple[Identifier, ...]]

    def rows(self) -> tuple[list[str], list[tuple[Identifier, ...]]]:
        """Variables and rows of the VALUES block: singles, then every list combination."""
        names = [*self.single, *self.lists]
        columns = [(v,) for v in self.single.values()] + list(self.lists.values())
        return names, [tuple(row) for row in itertools.product(*columns)]


def bind(query: SavedQuery, raw: Raw, base_iri: str) -> Bound:
    """Check raw values against the query's parameters and turn them into terms."""
    unknown = sorted(set(raw) - {p.name for p in query.params})
    if unknown:
        known = ", ".join(p.name for p in query.params) or "none"
        raise QueryParamError(
            f"unknown parameter {unknown[0]!r} for query {query.name!r}; its parameters: {known}"
        )
    single: dict[str, Identifier] = {}
    lists: dict[str, tuple[Identifier, ...]] = {}
    for param in query.params:
        values = [v for v in raw.get(param.name, ()) if v != ""] or list(param.default)
        if not values:
            if param.required:
                raise QueryParamError(
                    f"parameter {param.name!r} is required: expected {param.expects}"
                )
            continue
        if len(values) > 1 and not param.multiple:
            raise QueryParamError(f"parameter {param.name!r} takes one value, got {len(values)}")
        terms = tuple(dict.fromkeys(param.term(v, base_iri) for v in values))
        if param.multiple:
            lists[param.name] = terms
        else:
            single[param.name] = terms[0]
    return Bound(single, lists)


def bound_text(query: SavedQuery, raw: Raw, base_iri: str) -> tuple[str, Bound]:
    """The query text with its parameters bound, and the bound terms."""
    bound = bind(query, raw, base_iri)
    names, rows = bound.rows()
    return with_values(query.text, names, rows), bound


def run(graph: Graph, query: SavedQuery, raw: Raw, *, base_iri: str) -> Result:
    """Run ``query`` on a graph (an oxrdflib Dataset in practice) with bound parameters."""
    text, bound = bound_text(query, raw, base_iri)
    for name, term, cls in _class_checks(query, bound):
        if not graph.query(with_values(RDF_TYPE_OF, ["value", "class"], [(term, cls)])).askAnswer:
            raise _not_of_class(name, term, cls)
    try:
        return normalise(graph.query(text))
    except SyntaxError as err:  # Oxigraph's parser reports a malformed query this way
        raise QueryError(f"query {query.name!r} is not valid SPARQL: {err}") from None


def run_remote(endpoint: Endpoint, query: SavedQuery, raw: Raw, *, base_iri: str) -> Result:
    """Run ``query`` on a remote SPARQL endpoint with the same bound text."""
    text, bound = bound_text(query, raw, base_iri)
    for name, term, cls in _class_checks(query, bound):
        ask = with_values(RDF_TYPE_OF, ["value", "class"], [(term, cls)])
        if not endpoint.query(ask, "ASK").askAnswer:
            raise _not_of_class(name, term, cls)
    return normalise(endpoint.query(text, query.form))


def _class_checks(query: SavedQuery, bound: Bound) -> Iterator[tuple[str, Identifier, URIRef]]:
    """(parameter, value, class) for each IRI value whose class the header names."""
    for param in query.params:
        if param.cls:
            for term in _terms(bound, param.name):
                yield param.name, term, URIRef(param.cls)


def _terms(bound: Bound, name: str) -> tuple[Identifier, ...]:
    if name in bound.single:
        return (bound.single[name],)
    return bound.lists.get(name, ())


def _not_of_class(name: str, term: Identifier, cls: str) -> QueryParamError:
    kind = cls.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return QueryParamError(f"parameter {name!r}: expected a {kind}, and {term.n3()} is not one")
