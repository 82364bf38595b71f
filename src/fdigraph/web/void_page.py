"""The VoID description and the SPARQL service description, as a page for people.

Served at ``/.well-known/void`` when a browser asks (the footer links there). Everything
on it is read from the very triples the RDF answer holds, so the two never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from werkzeug.wrappers import Response as BaseResponse

from fdigraph import labels, void
from fdigraph.labels import Link, Text
from fdigraph.web.dumps import Dump

STATISTICS = (
    ("triples", Text("bộ ba RDF", "RDF triples")),
    ("entities", Text("thực thể có IRI", "entities with an IRI")),
    ("distinctSubjects", Text("chủ thể khác nhau", "distinct subjects")),
    ("distinctObjects", Text("đối tượng khác nhau", "distinct objects")),
    ("properties", Text("thuộc tính", "properties")),
    ("classes", Text("lớp", "classes")),
)
FEATURES = {
    "UnionDefaultGraph": Text(
        "đồ thị mặc định là hợp của các đồ thị có tên",
        "the default graph is the union of the named graphs",
    ),
    "BasicFederatedQuery": Text(
        "truy vấn liên kết (SERVICE) tới các điểm cuối được phép",
        "federated queries (SERVICE) to allowed endpoints",
    ),
}


@dataclass(frozen=True)
class About:
    dataset: str
    title: str
    description: str
    build: str
    uri_space: str
    endpoint: str
    statistics: tuple[tuple[Text, int], ...]
    dumps: tuple[Dump, ...]
    examples: tuple[Link, ...]
    sources: tuple[str, ...]
    licenses: tuple[str, ...]
    classes: tuple[tuple[Link, int], ...]
    properties: tuple[tuple[Link, int], ...]
    language: str
    features: tuple[Text, ...]
    result_formats: tuple[str, ...]
    named_graphs: tuple[str, ...]


Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def _by(triples: Sequence[ox.Triple], subject: Term, local: str, ns: str) -> list[str]:
    """The values (IRIs, lexical forms, blank node ids) of ``subject``'s ``ns:local``."""
    return [_value(t) for t in _objects(triples, subject, local, ns)]


def _objects(triples: Sequence[ox.Triple], subject: Term, local: str, ns: str) -> list[Term]:
    predicate = ox.NamedNode(ns + local)
    return [t.object for t in triples if t.subject == subject and t.predicate == predicate]


def _value(term: Term) -> str:
    return "" if isinstance(term, ox.Triple) else term.value


def _one(triples: Sequence[ox.Triple], subject: Term, local: str, ns: str) -> str:
    found = _by(triples, subject, local, ns)
    return found[0] if found else ""


def _number(terms: Sequence[Term]) -> int:
    return int(terms[0].value) if terms and isinstance(terms[0], ox.Literal) else 0


def _partitions(
    triples: Sequence[ox.Triple], ds: Term, link: str, what: str, count: str
) -> list[tuple[str, int]]:
    out = []
    for node in _objects(triples, ds, link, void.VOID):
        target = _objects(triples, node, what, void.VOID)
        if target and isinstance(target[0], ox.NamedNode):
            out.append((target[0].value, _number(_objects(triples, node, count, void.VOID))))
    return out


def about(
    triples: Sequence[ox.Triple],
    service: Sequence[ox.Triple],
    files: Sequence[Dump],
    endpoint: str,
    run: labels.Runner,
) -> About:
    """What the page shows, from the VoID triples and the service description."""
    ds = next(
        t.subject
        for t in triples
        if t.predicate == void.RDF_TYPE and t.object == ox.NamedNode(void.VOID + "Dataset")
    )
    classes = _partitions(triples, ds, "classPartition", "class", "entities")
    properties = _partitions(triples, ds, "propertyPartition", "property", "triples")
    examples = _by(triples, ds, "exampleResource", void.VOID)
    names = labels.lookup(run, [i for i, _ in classes + properties] + examples)
    svc = ox.NamedNode(endpoint)
    graphs = [_value(t.object) for t in service if t.predicate == ox.NamedNode(void.SD + "name")]
    return About(
        dataset=_value(ds),
        title=_one(triples, ds, "title", void.DCT),
        description=_one(triples, ds, "description", void.DCT),
        build=_one(triples, ds, "identifier", void.DCT),
        uri_space=_one(triples, ds, "uriSpace", void.VOID),
        endpoint=endpoint,
        statistics=tuple(
            (text, _number(_objects(triples, ds, local, void.VOID))) for local, text in STATISTICS
        ),
        dumps=tuple(files),
        examples=tuple(names[i] for i in examples),
        sources=tuple(_by(triples, ds, "source", void.DCT)),
        licenses=tuple(_by(triples, ds, "license", void.DCT)),
        classes=tuple((names[i], n) for i, n in classes),
        properties=tuple((names[i], n) for i, n in properties),
        language="SPARQL 1.1 Query" if _by(service, svc, "supportedLanguage", void.SD) else "",
        features=tuple(
            FEATURES[labels.local(f)]
            for f in _by(service, svc, "feature", void.SD)
            if labels.local(f) in FEATURES
        ),
        result_formats=tuple(
            labels.local(f).replace("_", " ") for f in _by(service, svc, "resultFormat", void.SD)
        ),
        named_graphs=tuple(graphs),
    )


def page(triples: Sequence[ox.Triple], files: Sequence[Dump], endpoint: str) -> BaseResponse:
    """The HTML view of the VoID triples (the service description read from /sparql's)."""
    from fdigraph.web.pages import _timed, render, rows
    from fdigraph.web.sparql import service_triples

    service = service_triples(endpoint)
    run = rows()
    info = _timed(lambda: about(triples, service, files, endpoint, run))
    response = render("page_void.html", about=info)
    response.headers["Vary"] = "Accept, Accept-Language, Cookie"
    return response
