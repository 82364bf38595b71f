"""Self-description: VoID statistics of a store and the SPARQL service description.

Both are built as Oxigraph triples and written by Oxigraph's serialisers, so escaping
is never done by hand. ``describe`` runs at build time (``dist/void.ttl``); the server
adds its own endpoint IRI when it serves the file.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pyoxigraph as ox

VOID = "http://rdfs.org/ns/void#"
DCT = "http://purl.org/dc/terms/"
SD = "http://www.w3.org/ns/sparql-service-description#"
DCAT = "http://www.w3.org/ns/dcat#"
IANA = "http://www.iana.org/assignments/media-types/"
GZIP = "application/gzip"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD_INT = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
XSD_NNI = ox.NamedNode("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")
PREFIXES = {
    "void": VOID,
    "dcterms": DCT,
    "sd": SD,
    "dcat": DCAT,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "formats": "http://www.w3.org/ns/formats/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
}
EXAMPLES = 5


def _n(ns: str, local: str) -> ox.NamedNode:
    return ox.NamedNode(ns + local)


def _count(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=XSD_INT)


def _rows(store: ox.Store, query: str) -> list[ox.QuerySolution]:
    results = store.query(query, use_default_graph_as_union=True)
    assert isinstance(results, ox.QuerySolutions)
    return list(results)


def _number(store: ox.Store, query: str) -> int:
    term = _rows(store, query)[0][0]
    return int(term.value) if isinstance(term, ox.Literal) else 0


def dataset_iri(base_iri: str) -> ox.NamedNode:
    return ox.NamedNode(f"{base_iri}dataset")


def _statistics(store: ox.Store, ds: ox.NamedNode) -> Iterator[ox.Triple]:
    distinct = "{ SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    for local, query in (
        ("triples", f"SELECT (COUNT(*) AS ?n) WHERE {distinct}"),
        ("entities", "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o FILTER isIRI(?s) }"),
        ("distinctSubjects", "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"),
        ("distinctObjects", "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"),
        ("properties", "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }"),
        ("classes", "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }"),
    ):
        yield ox.Triple(ds, _n(VOID, local), _count(_number(store, query)))


def _partitions(store: ox.Store, ds: ox.NamedNode) -> Iterator[ox.Triple]:
    classes = _rows(
        store,
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER isIRI(?c) }"
        " GROUP BY ?c ORDER BY DESC(?n) STR(?c)",
    )
    props = _rows(
        store,
        "SELECT ?p (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
        " GROUP BY ?p ORDER BY DESC(?n) STR(?p)",
    )
    # Labelled blank nodes keep the file identical from one build to the next.
    parts = [
        (ox.BlankNode(f"class{i}"), r, "classPartition", "class", "entities")
        for i, r in enumerate(classes, 1)
    ]
    parts += [
        (ox.BlankNode(f"property{i}"), r, "propertyPartition", "property", "triples")
        for i, r in enumerate(props, 1)
    ]
    for node, _, link, _, _ in parts:
        yield ox.Triple(ds, _n(VOID, link), node)
    for node, row, _, what, count in parts:
        yield ox.Triple(node, _n(VOID, what), row[0])
        yield ox.Triple(node, _n(VOID, count), row[1])


def _examples(store: ox.Store, ds: ox.NamedNode, base_iri: str) -> Iterator[ox.Triple]:
    """One resource of each of the most common classes minted under the base IRI."""
    rows = _rows(
        store,
        "SELECT ?c (MIN(STR(?s)) AS ?e) (COUNT(?s) AS ?n) WHERE { ?s a ?c ; <http://www.w3.org/2000/01/rdf-schema#label> ?l "
        f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{base_iri}id/")) }} '
        f"GROUP BY ?c ORDER BY DESC(?n) STR(?c) LIMIT {EXAMPLES}",
    )
    seen: set[str] = set()
    for row in rows:
        iri = row["e"].value
        if iri not in seen:
            seen.add(iri)
            yield ox.Triple(ds, _n(VOID, "exampleResource"), ox.NamedNode(iri))


def _provenance(store: ox.Store, ds: ox.NamedNode) -> Iterator[ox.Triple]:
    """Where the data comes from (the source pages' URLs) and under which licence."""
    for row in _rows(
        store,
        "SELECT DISTINCT ?u WHERE { { ?a <https://schema.org/url> ?u } UNION"
        " { ?a <http://schema.org/url> ?u } UNION { ?a <http://purl.org/dc/terms/source> ?u } }"
        " ORDER BY STR(?u)",
    ):
        url = row["u"]
        if isinstance(url, ox.Literal):
            url = ox.NamedNode(url.value) if "://" in url.value else url
        yield ox.Triple(ds, _n(DCT, "source"), url)
    for row in _rows(store, f"SELECT DISTINCT ?l WHERE {{ ?x <{DCT}license> ?l }} ORDER BY ?l"):
        yield ox.Triple(ds, _n(DCT, "license"), row["l"])


def void_triples(
    store: ox.Store, *, base_iri: str, build: str, endpoint: str | None
) -> list[ox.Triple]:
    ds = dataset_iri(base_iri)
    out = [
        ox.Triple(ds, RDF_TYPE, _n(VOID, "Dataset")),
        ox.Triple(ds, _n(DCT, "title"), ox.Literal("fdigraph", language="en")),
        ox.Triple(
            ds,
            _n(DCT, "description"),
            ox.Literal("Vietnamese provincial FDI news as a knowledge graph", language="en"),
        ),
        ox.Triple(ds, _n(DCT, "identifier"), ox.Literal(build)),
        ox.Triple(ds, _n(VOID, "uriSpace"), ox.Literal(base_iri)),
    ]
    if endpoint:
        out.append(ox.Triple(ds, _n(VOID, "sparqlEndpoint"), ox.NamedNode(endpoint)))
    out += _statistics(store, ds)
    out += _examples(store, ds, base_iri)
    out += _provenance(store, ds)
    out += _partitions(store, ds)
    return out


def dump_triples(
    dataset: ox.NamedNode, dumps: Sequence[tuple[str, str, bool, int]]
) -> tuple[list[ox.Triple], list[ox.Triple]]:
    """``void:dataDump`` for each ``(url, media type, gzipped, bytes)``, and each dump's
    description (two lists, so a serialiser keeps the dataset's triples together).

    ``dcterms:format`` (and ``dcat:mediaType``) is the RDF serialisation inside the file,
    as an IANA media-type IRI; a gzipped file says so with ``dcat:compressFormat``.
    """
    links: list[ox.Triple] = []
    described: list[ox.Triple] = []
    for url, media_type, gzipped, size in dumps:
        dump = ox.NamedNode(url)
        fmt = ox.NamedNode(IANA + media_type)
        links.append(ox.Triple(dataset, _n(VOID, "dataDump"), dump))
        described += [
            ox.Triple(dump, _n(DCT, "format"), fmt),
            ox.Triple(dump, _n(DCAT, "mediaType"), fmt),
            ox.Triple(dump, _n(DCAT, "byteSize"), ox.Literal(str(size), datatype=XSD_NNI)),
        ]
        if gzipped:
            described.append(ox.Triple(dump, _n(DCAT, "compressFormat"), ox.NamedNode(IANA + GZIP)))
    return links, described


def describe(store: ox.Store, *, base_iri: str, build: str, endpoint: str | None) -> bytes:
    """The VoID description of ``store`` as Turtle."""
    triples = void_triples(store, base_iri=base_iri, build=build, endpoint=endpoint)
    body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    assert body is not None
    return body


def service_description(
    endpoint: str,
    *,
    dataset: ox.NamedNode | None,
    result_formats: Sequence[str],
    void_url: str | None = None,
    federation: bool = False,
    named_graphs: Sequence[str] = (),
) -> list[ox.Triple]:
    """A SPARQL 1.1 Service Description of a read-only endpoint with a union default graph.

    The default graph is the union of ``named_graphs``, which are listed in the default
    dataset too (whether the store or fdigraph makes the union, clients see the same).
    ``result_formats`` are the W3C IRIs of the formats (``fdigraph.formats``).
    """
    svc = ox.NamedNode(endpoint)
    out = [
        ox.Triple(svc, RDF_TYPE, _n(SD, "Service")),
        ox.Triple(svc, _n(SD, "endpoint"), svc),
        ox.Triple(svc, _n(SD, "supportedLanguage"), _n(SD, "SPARQL11Query")),
        ox.Triple(svc, _n(SD, "feature"), _n(SD, "UnionDefaultGraph")),
    ]
    if federation:
        out.append(ox.Triple(svc, _n(SD, "feature"), _n(SD, "BasicFederatedQuery")))
    for fmt in result_formats:
        out.append(ox.Triple(svc, _n(SD, "resultFormat"), ox.NamedNode(fmt)))
    if dataset is not None:
        default = ox.BlankNode()
        out += [
            ox.Triple(svc, _n(SD, "defaultDataset"), default),
            ox.Triple(default, RDF_TYPE, _n(SD, "Dataset")),
            ox.Triple(default, _n(SD, "defaultGraph"), dataset),
            ox.Triple(dataset, RDF_TYPE, _n(SD, "Graph")),
            ox.Triple(dataset, RDF_TYPE, _n(VOID, "Dataset")),
        ]
        if void_url:
            see_also = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso")
            out.append(ox.Triple(dataset, see_also, ox.NamedNode(void_url)))
        for name in named_graphs:
            graph = ox.BlankNode()
            out += [
                ox.Triple(default, _n(SD, "namedGraph"), graph),
                ox.Triple(graph, RDF_TYPE, _n(SD, "NamedGraph")),
                ox.Triple(graph, _n(SD, "name"), ox.NamedNode(name)),
            ]
    return out
