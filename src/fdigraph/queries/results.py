"""Every saved-query result in every saved format (``fdigraph.formats.SAVED``).

A SELECT or ASK answer is also given as RDF (the W3C result-set vocabulary, as Jena
writes it), and a CONSTRUCT answer also as a table of subject, predicate and object
(as Virtuoso does), so a link with any suffix works for any saved query.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from typing import TypeVar

from rdflib import BNode, Graph, Literal, Namespace, URIRef, Variable
from rdflib.namespace import RDF
from rdflib.query import Result
from rdflib.term import Identifier, Node

from fdigraph.errors import QueryError
from fdigraph.formats import SAVED, SAVED_NAMES, SAVED_OFFERS, Format, Offer
from fdigraph.vocab import PREFIXES

RS = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/result-set#")
N = TypeVar("N", bound=Node)
XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")
ASK_COLUMN = "_askResult"
SPARQL_XML = "http://www.w3.org/2005/sparql-results#"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"  # Jena's name for the one column of an ASK answer as CSV


def offer(form: str) -> Offer:
    """What a saved query of ``form`` is offered in: every saved format, its default first."""
    return SAVED_OFFERS["graph" if form in {"CONSTRUCT", "DESCRIBE"} else "results"]


def format_named(name: str) -> Format:
    """The format called ``name`` (or with that suffix), or QueryError."""
    try:
        return SAVED_NAMES[name.lower()]
    except KeyError:
        names = ", ".join(f.name for f in SAVED)
        raise QueryError(f"unknown format {name!r}; formats: {names}") from None


def default_format(form: str) -> Format:
    fmt = offer(form).default
    assert fmt is not None  # a saved query's default is a format, never the page
    return fmt


def normalise(result: Result) -> Result:
    """Simple literals without their implicit ``xsd:string``, as every reader writes them.

    oxrdflib hands them over typed and rdflib's parsers plain; both mean the same.
    """
    if result.type in {"CONSTRUCT", "DESCRIBE"}:
        graph = Graph()
        graph += ((s, p, _plain(o)) for s, p, o in result.graph or Graph())
        result.graph = graph
    elif result.type == "SELECT":
        result.bindings = [
            {v: _plain(t) for v, t in row.items() if t is not None} for row in result.bindings
        ]
    return result


def _plain(term: N) -> N:
    if isinstance(term, Literal) and term.datatype == XSD_STRING:
        return Literal(str(term))  # type: ignore[return-value]
    return term


def serialize(result: Result, fmt: Format) -> bytes:
    """``result`` as bytes in ``fmt``."""
    if fmt.tabular:
        table = as_table_result(result)
        if fmt.name == "tsv" or (fmt.name == "csv" and table.type == "ASK"):
            return _delimited(table, fmt.name)
        if fmt.name == "xml":  # rdflib's XML writer drops false and 0 (a Literal's truth)
            return _xml(table)
        return table.serialize(format=fmt.rdflib) or b""
    graph = result.graph if result.type in {"CONSTRUCT", "DESCRIBE"} else result_set(result)
    if graph is None:
        raise QueryError("the query gave no graph")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    return graph.serialize(format=fmt.rdflib, encoding="utf-8")


def rows(result: Result) -> tuple[list[str], list[list[Identifier | None]]]:
    """Column names and rows of terms (None where unbound) of any result."""
    table = as_table_result(result)
    if table.type == "ASK":
        return [ASK_COLUMN], [[Literal(bool(table.askAnswer))]]
    names = [str(v) for v in table.vars or []]
    out: list[list[Identifier | None]] = []
    for binding in table.bindings:
        out.append([_ident(binding.get(Variable(n))) for n in names])
    return names, out


def as_table_result(result: Result) -> Result:
    """SELECT and ASK unchanged; a graph as a SELECT of ?subject ?predicate ?object."""
    if result.type not in {"CONSTRUCT", "DESCRIBE"}:
        return result
    table = Result("SELECT")
    table.vars = [Variable("subject"), Variable("predicate"), Variable("object")]
    triples = sorted(result.graph or Graph(), key=lambda t: tuple(x.n3() for x in t))
    table.bindings = [
        {v: t for v, t in zip(table.vars, triple, strict=True) if isinstance(t, Identifier)}
        for triple in triples
    ]
    return table


def result_set(result: Result) -> Graph:
    """A SELECT or ASK answer in the W3C result-set vocabulary."""
    graph = Graph()
    graph.bind("rs", RS)
    answer = BNode()
    graph.add((answer, RDF.type, RS.ResultSet))
    if result.type == "ASK":
        graph.add((answer, RS.boolean, Literal(bool(result.askAnswer))))
        return graph
    names, table = rows(result)
    for name in names:
        graph.add((answer, RS.resultVariable, Literal(name)))
    for index, row in enumerate(table, 1):
        solution = BNode()
        graph.add((answer, RS.solution, solution))
        graph.add((solution, RS["index"], Literal(index)))
        for name, term in zip(names, row, strict=True):
            if term is not None:
                binding = BNode()
                graph.add((solution, RS.binding, binding))
                graph.add((binding, RS.variable, Literal(name)))
                graph.add((binding, RS.value, term))
    return graph


def _ident(node: Node | None) -> Identifier | None:
    return node if isinstance(node, Identifier) else None


def _delimited(result: Result, name: str) -> bytes:
    """TSV (terms in N-Triples syntax), and CSV for an ASK answer."""
    names, table = rows(result)
    out = io.StringIO()
    if name == "csv":
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(names)
        writer.writerows([["" if t is None else str(t) for t in row] for row in table])
        return out.getvalue().encode("utf-8")
    out.write("\t".join(f"?{n}" for n in names) + "\n")
    for row in table:
        out.write("\t".join("" if t is None else _tsv_term(t) for t in row) + "\n")
    return out.getvalue().encode("utf-8")


def _xml(result: Result) -> bytes:
    """SPARQL 1.1 Query Results XML."""
    root = ET.Element("sparql", xmlns=SPARQL_XML)
    head = ET.SubElement(root, "head")
    if result.type == "ASK":
        ET.SubElement(root, "boolean").text = "true" if result.askAnswer else "false"
        return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))
    names, table = rows(result)
    for name in names:
        ET.SubElement(head, "variable", name=name)
    results = ET.SubElement(root, "results")
    for row in table:
        solution = ET.SubElement(results, "result")
        for name, term in zip(names, row, strict=True):
            if term is None:
                continue
            binding = ET.SubElement(solution, "binding", name=name)
            if isinstance(term, URIRef):
                ET.SubElement(binding, "uri").text = str(term)
            elif isinstance(term, BNode):
                ET.SubElement(binding, "bnode").text = str(term)
            else:
                literal = ET.SubElement(binding, "literal")
                literal.text = str(term)
                if isinstance(term, Literal) and term.language:
                    literal.set(XML_LANG, term.language)
                elif isinstance(term, Literal) and term.datatype:
                    literal.set("datatype", str(term.datatype))
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def _tsv_term(term: Identifier) -> str:
    if isinstance(term, Literal):
        lexical = str(term).replace("\\", "\\\\").replace('"', '\\"')
        lexical = lexical.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
        if term.language:
            return f'"{lexical}"@{term.language}'
        if term.datatype and term.datatype != XSD_STRING:
            return f'"{lexical}"^^<{term.datatype}>'
        return f'"{lexical}"'
    return term.n3()


def text_table(result: Result, *, width: int = 60) -> str:
    """A readable table for a terminal: prefixed names, plain literals, long cells cut."""
    names, table = rows(result)
    cells = [[_readable(t, width) for t in row] for row in table]
    widths = [max([len(n), *(len(r[i]) for r in cells)]) for i, n in enumerate(names)]
    line = "  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True))
    out = [line.rstrip(), "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    out.append(f"({len(cells)} row{'' if len(cells) == 1 else 's'})")
    return "\n".join(out) + "\n"


def _readable(term: Identifier | None, width: int) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        text = str(term)
        for prefix, namespace in PREFIXES.items():
            if text.startswith(namespace) and len(text) > len(namespace):
                text = f"{prefix}:{text[len(namespace) :]}"
                break
    else:
        text = " ".join(str(term).split())
    return text if len(text) <= width else text[: width - 1] + "…"
