"""SHACL validation with pySHACL: a report with a conforms flag, results and text."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pyshacl import validate as shacl_validate
from rdflib import Graph, plugin
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Processor
from rdflib.term import Identifier

from fdigraph.errors import ValidationError


class PreparedOnce(SPARQLProcessor):
    """rdflib's SPARQL processor, parsing each distinct query text once per process.

    pySHACL (0.40) runs a SPARQL-based constraint once per focus node, each time with the
    same text and other ``initBindings``, and rdflib parses a text on every call: with
    pyparsing that was 60 of the 80 seconds of a ten-article build (2,777 parses of a
    dozen texts). A translated query is made to be run again with other bindings (it is
    what ``prepareQuery`` returns), so the parse is kept; evaluation is rdflib's own.
    Neither library offers this: pySHACL takes no prepared query, rdflib no parse cache.
    """

    def query(  # type: ignore[override]
        self,
        strOrQuery: str | Query,
        initBindings: Mapping[str, Identifier] | None = None,
        initNs: Mapping[str, Any] | None = None,
        base: str | None = None,
        DEBUG: bool = False,
    ) -> Mapping[str, Any]:
        if isinstance(strOrQuery, str):
            strOrQuery = _prepared(strOrQuery, base, tuple(sorted((initNs or {}).items())))
        return super().query(strOrQuery, initBindings, initNs, base, DEBUG)


@lru_cache(maxsize=256)
def _prepared(text: str, base: str | None, namespaces: tuple[tuple[str, Any], ...]) -> Query:
    return translateQuery(parseQuery(text), base, dict(namespaces))


# rdflib looks its SPARQL processor up by name on every Graph.query: this one takes its place.
plugin.register("sparql", Processor, __name__, PreparedOnce.__name__)


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    results: Graph
    text: str


def check(data: Graph, shapes: Graph, ontology: Graph) -> ValidationReport:
    """Validate ``data`` (with the ontology's subclass axioms) against ``shapes``."""
    combined = data + ontology
    conforms, results, text = shacl_validate(
        combined,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    return ValidationReport(bool(conforms), results, str(text))


def load_shapes(ontology_dir: Path) -> tuple[Graph, Graph]:
    """The ontology and the shapes graph from ``ontology/``."""
    try:
        return (
            Graph().parse(ontology_dir / "fdi.ttl", format="turtle"),
            Graph().parse(ontology_dir / "shapes.ttl", format="turtle"),
        )
    except (OSError, SyntaxError, ValueError) as err:
        raise ValidationError(
            f"cannot read the ontology or shapes in {ontology_dir}: {err}"
        ) from err
