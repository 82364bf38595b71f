"""The saved queries as data: SHACL SPARQL executables, as sib-swiss/sparql-examples has them.

Query editors such as sib-swiss/sparql-editor read an endpoint's example queries from
the named graph ``<base>.well-known/sparql-examples``: one ``sh:SPARQLExecutable`` each,
with ``rdfs:label``, ``rdfs:comment``, the query text under ``sh:select``,
``sh:construct``, ``sh:ask`` or ``sh:describe``, and the prefixes it declares.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib import XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH

from fdigraph.queries.catalogue import SavedQuery
from fdigraph.vocab import SCHEMA

EXAMPLES_PATH = ".well-known/sparql-examples"
_PREFIX = re.compile(r"^\s*PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE | re.MULTILINE)
_PROPERTY = {
    "SELECT": SH.select,
    "CONSTRUCT": SH.construct,
    "ASK": SH.ask,
    "DESCRIBE": URIRef(f"{SH}describe"),
}
_CLASS = {
    "SELECT": SH.SPARQLSelectExecutable,
    "CONSTRUCT": SH.SPARQLConstructExecutable,
    "ASK": SH.SPARQLAskExecutable,
    "DESCRIBE": SH.SPARQLExecutable,
}


def examples_graph_iri(base_iri: str) -> URIRef:
    """Name of the named graph that holds the examples."""
    return URIRef(base_iri + EXAMPLES_PATH)


def as_graph(catalogue: Iterable[SavedQuery], base_iri: str) -> Graph:
    """The saved queries as ``sh:SPARQLExecutable`` resources, ready to load as a named graph."""
    ex = Namespace(base_iri + EXAMPLES_PATH + "/")
    graph = Graph(identifier=examples_graph_iri(base_iri))
    graph.bind("sh", SH)
    graph.bind("schema", SCHEMA)
    graph.bind("ex", ex)
    declarations = URIRef(ex)
    graph.add((declarations, RDF.type, OWL.Ontology))
    graph.add((declarations, RDFS.label, Literal("fdigraph saved queries", lang="en")))
    declared: set[str] = set()
    endpoint = URIRef(base_iri + "sparql")
    for query in sorted(catalogue, key=lambda q: q.name):
        node = ex[query.name]
        graph.add((node, RDF.type, SH.SPARQLExecutable))
        graph.add((node, RDF.type, _CLASS[query.form]))
        graph.add((node, _PROPERTY[query.form], Literal(query.text)))
        graph.add((node, SH.prefixes, declarations))
        graph.add((node, SCHEMA.target, endpoint))
        graph.add((node, DCTERMS.identifier, Literal(query.name)))
        graph.add((node, RDFS.seeAlso, URIRef(f"{base_iri}queries/{query.name}")))
        for lang, text in query.title.items():
            graph.add((node, RDFS.label, Literal(text, lang=lang)))
        for lang, text in query.description.items():
            if text:
                graph.add((node, RDFS.comment, Literal(text, lang=lang)))
        for tag in query.tags:
            graph.add((node, SCHEMA.keywords, Literal(tag)))
        for prefix, namespace in _PREFIX.findall(query.text):
            if not prefix or prefix in declared:
                continue
            declared.add(prefix)
            declaration = BNode(f"prefix_{prefix}".replace("-", "_"))
            graph.add((declarations, SH.declare, declaration))
            graph.add((declaration, SH.prefix, Literal(prefix)))
            graph.add((declaration, SH.namespace, Literal(namespace, datatype=XSD.anyURI)))
    return graph
