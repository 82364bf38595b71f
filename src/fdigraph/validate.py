"""SHACL validation with pySHACL: a report with a conforms flag, results and text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Graph

from fdigraph.errors import ValidationError


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
