"""Saved-query parameters: their declared type, and raw strings turned into RDF terms.

Every value a user sends is checked against its parameter's type and allowed values
and becomes an rdflib term; nothing a user types ever reaches the query text as text.
A mistake raises :class:`QueryParamError` naming the parameter and what it expected.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from rdflib import XSD, Literal, URIRef
from rdflib.term import Identifier

from fdigraph.errors import QueryParamError
from fdigraph.vocab import fold

# Type name in a header -> what a user is told it expects.
TYPES: dict[str, str] = {
    "xsd:string": "a string",
    "xsd:integer": "an integer such as 10",
    "xsd:decimal": "a decimal number such as 1.5",
    "xsd:date": "a date as YYYY-MM-DD",
    "xsd:gYear": "a year as YYYY",
    "iri": "an IRI",
    "lang": "a language tag such as en or vi",
}
MAX_LENGTH = 500

_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_YEAR = re.compile(r"^[0-9]{4}$")
_LANG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*(/[A-Za-z0-9][A-Za-z0-9._~-]*)*$")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^<>\"{}|^`\\\x00-\x20]*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Param:
    """One declared parameter of a saved query; its name is the query variable's."""

    name: str
    type: str
    description: Mapping[str, str] = field(default_factory=dict)
    default: tuple[str, ...] = ()
    allowed: tuple[str, ...] = ()
    required: bool = True
    multiple: bool = False
    namespace: str = ""
    cls: str = ""
    fold: bool = False
    example: str = ""

    @property
    def expects(self) -> str:
        """What a value must look like, in words, for error messages and docs."""
        text = TYPES[self.type]
        if self.type == "iri" and self.namespace:
            text = f"a key under {self.namespace} or an IRI starting with it"
        if self.allowed:
            text += " among " + ", ".join(self.allowed)
        return text

    def term(self, raw: str, base_iri: str) -> Identifier:
        """The RDF term for one raw value, or QueryParamError."""
        value = unicodedata.normalize("NFC", raw.strip())
        try:
            # A value that is not even of the parameter's type is as wrong as one that is
            # not among the allowed values: both are the client's mistake.
            if self.allowed and _canonical(self, value, base_iri) not in {
                _canonical(self, a, base_iri) for a in self.allowed
            }:
                raise ValueError(value)
            return _convert(self, value, base_iri)
        except (ValueError, InvalidOperation):
            raise self.error(raw) from None

    def namespace_iri(self, base_iri: str) -> str:
        """The namespace an IRI value must start with, resolved against the base IRI."""
        ns = self.namespace
        return ns if not ns or "://" in ns or ns.startswith("urn:") else base_iri + ns

    def error(self, raw: str) -> QueryParamError:
        shown = raw if len(raw) <= 60 else raw[:57] + "..."
        return QueryParamError(f"parameter {self.name!r}: expected {self.expects}, got {shown!r}")


def _canonical(param: Param, value: str, base_iri: str) -> str:
    """The form allowed values are compared in (IRIs in full, tags in lower case)."""
    if param.type == "iri":
        return _iri(param, value, base_iri)
    return value.lower() if param.type == "lang" else value


def _iri(param: Param, value: str, base_iri: str) -> str:
    namespace = param.namespace_iri(base_iri)
    if _KEY.match(value) and namespace and ":" not in value:
        return namespace + value
    if not _IRI.match(value) or not value.startswith(namespace) or value == namespace:
        raise ValueError(value)
    return value


def _convert(param: Param, value: str, base_iri: str) -> Identifier:
    kind = param.type
    if len(value) > MAX_LENGTH or _CONTROL.search(value):
        raise ValueError(value)
    if kind == "iri":
        return URIRef(_iri(param, value, base_iri))
    if kind == "xsd:string":
        return Literal(fold(value) if param.fold else value)
    if kind == "lang":
        if not _LANG.match(value):
            raise ValueError(value)
        return Literal(value.lower())
    if kind == "xsd:integer":
        if not _INTEGER.match(value):
            raise ValueError(value)
        return Literal(str(int(value)), datatype=XSD.integer)
    if kind == "xsd:decimal":
        if not _DECIMAL.match(value):
            raise ValueError(value)
        number = Decimal(value)
        return Literal(format(number, "f") if "." in value else f"{number}.0", datatype=XSD.decimal)
    if kind == "xsd:date":
        if not _DATE.match(value):
            raise ValueError(value)
        return Literal(date.fromisoformat(value).isoformat(), datatype=XSD.date)
    if kind == "xsd:gYear":
        if not _YEAR.match(value):
            raise ValueError(value)
        return Literal(value, datatype=XSD.gYear)
    raise ValueError(kind)
