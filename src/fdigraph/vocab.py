"""Namespaces, prefixes and IRI minting.

Instance IRIs are minted from the data's own keys under a configurable base IRI, so
two builds of the same facts mint the same IRIs and the graph is independent of the
host that serves it. Ontology terms live under a fixed namespace; ``FDI`` is closed
(``_fail = True``) so a misspelt term raises instead of minting a stray IRI.
"""

from __future__ import annotations

import re
import unicodedata

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, TIME, XSD

from fdigraph._fdi_terms import FDI

ONTOLOGY_IRI = "https://fdigraph.example/def/fdi"
QB = Namespace("http://purl.org/linked-data/cube#")
SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDMX_ATTRIBUTE = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
SDMX_CODE = Namespace("http://purl.org/linked-data/sdmx/2009/code#")
UNIT = Namespace("http://qudt.org/vocab/unit/")
QUDT = Namespace("http://qudt.org/schema/qudt/")
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

PREFIXES: dict[str, str] = {
    "fdi": str(FDI),
    "qb": str(QB),
    "sdmx-dimension": str(SDMX_DIMENSION),
    "sdmx-measure": str(SDMX_MEASURE),
    "sdmx-attribute": str(SDMX_ATTRIBUTE),
    "sdmx-code": str(SDMX_CODE),
    "unit": str(UNIT),
    "qudt": str(QUDT),
    "oa": str(OA),
    "schema": str(SCHEMA),
    "void": str(VOID),
    "sd": str(SD),
    "skos": str(SKOS),
    "prov": str(PROV),
    "time": str(TIME),
    "dcterms": str(DCTERMS),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "sh": str(SH),
}

# Kinds of minted resources: each is served under <base>id/<kind>/<key>.
KINDS = (
    "area",
    "scheme",
    "concept",
    "obs",
    "ranking",
    "statement",
    "period",
    "instant",
    "article",
    "teaser",
    "quote",
    "selector",
    "target",
    "project",
    "event",
    "dataset",
    "change",
    "source",
    "person",
    "activity",
)

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*(/[A-Za-z0-9][A-Za-z0-9._~-]*)*$")


def fdi_term(name: str) -> URIRef:
    """The ontology term called ``name``; raises AttributeError for a term it lacks."""
    term: URIRef = getattr(FDI, name)
    return term


def slug(text: str) -> str:
    """A lowercase ASCII key from any label: 'Bắc Giang' -> 'bac-giang'."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def fold(text: str) -> str:
    """Lowercase and strip Vietnamese diacritics (đ -> d) for matching and search."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(stripped.lower().split())


class Minter:
    """Mints the IRIs of one build from its base IRI."""

    def __init__(self, base: str) -> None:
        if not base.endswith("/"):
            raise ValueError(f"base IRI must end in '/': {base!r}")
        self.base = base
        self.id = Namespace(base + "id/")

    def __call__(self, kind: str, *parts: str) -> URIRef:
        if kind not in KINDS:
            raise ValueError(f"unknown resource kind {kind!r}")
        key = "/".join(parts)
        if not _KEY.match(key):
            raise ValueError(f"not a usable IRI key for {kind}: {key!r}")
        return URIRef(f"{self.id}{kind}/{key}")

    def graph(self, name: str) -> URIRef:
        """IRI of a named graph in the store (data, ontology, ...)."""
        return URIRef(f"{self.base}graph/{name}")


__all__ = [
    "FDI",
    "OA",
    "ONTOLOGY_IRI",
    "PREFIXES",
    "QB",
    "QUDT",
    "SCHEMA",
    "SD",
    "SDMX_ATTRIBUTE",
    "SDMX_CODE",
    "SDMX_DIMENSION",
    "SDMX_MEASURE",
    "UNIT",
    "VOID",
    "Minter",
    "fdi_term",
    "fold",
    "slug",
]
