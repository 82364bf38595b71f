"""What pages call things: bilingual labels of IRIs, looked up with SPARQL through a runner.

A *runner* takes SELECT query text and returns rows of rdflib terms, so the same code
works on the embedded store (:func:`store_runner`) or in front of a remote endpoint.
Every IRI put into query text goes through rdflib's ``.n3()`` in a VALUES block.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from fdigraph.vocab import PREFIXES

Row = Mapping[str, Identifier]
Runner = Callable[[str], Sequence[Row]]
LANGS = ("vi", "en")
PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
MAX_VALUES = 400  # IRIs per VALUES block


@dataclass(frozen=True)
class Text:
    """A text in Vietnamese and English (either may repeat the other)."""

    vi: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi

    @classmethod
    def same(cls, text: str) -> Text:
        return cls(text, text)


@dataclass(frozen=True)
class Link:
    """An IRI with its label and the local name of its most telling class."""

    iri: str
    label: Text
    kind: str = ""


def values(name: str, iris: Iterable[str]) -> str:
    """``VALUES ?name { <a> <b> }`` with each IRI serialised by rdflib."""
    return f"VALUES ?{name} {{ {' '.join(URIRef(i).n3() for i in iris)} }}"


def short(iri: str) -> str:
    """A readable fallback name: a prefixed name, else the last part of the IRI."""
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    tail = iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return tail or iri


def local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


_LABELS = """SELECT ?x (SAMPLE(?vi) AS ?labelVi) (SAMPLE(?en) AS ?labelEn)
  (SAMPLE(?plain) AS ?labelPlain) (SAMPLE(?type) AS ?kind)
WHERE {
  %s
  OPTIONAL { ?x rdfs:label|skos:prefLabel|schema:headline ?vi FILTER(LANG(?vi) = "vi") }
  OPTIONAL { ?x rdfs:label|skos:prefLabel ?en FILTER(LANG(?en) = "en") }
  OPTIONAL { ?x rdfs:label|schema:name|dcterms:title ?plain FILTER(LANG(?plain) = "") }
  OPTIONAL { ?x a ?type FILTER(STRSTARTS(STR(?type), STR(fdi:))) }
}
GROUP BY ?x"""


def lookup(run: Runner, iris: Iterable[str]) -> dict[str, Link]:
    """Links for IRIs: labels from the graph, else a short name; kinds from fdi: classes."""
    wanted = sorted(set(iris))
    found: dict[str, Link] = {}
    for i in range(0, len(wanted), MAX_VALUES):
        for row in run(PROLOGUE + _LABELS % values("x", wanted[i : i + MAX_VALUES])):
            iri = str(row["x"])
            plain = _text(row.get("labelPlain"))
            vi = _text(row.get("labelVi")) or plain
            en = _text(row.get("labelEn")) or plain
            kind = local(str(row["kind"])) if row.get("kind") is not None else ""
            name = short(iri)
            found[iri] = Link(iri, Text(vi or en or name, en or vi or name), kind)
    for iri in wanted:
        found.setdefault(iri, Link(iri, Text.same(short(iri))))
    return found


_INSTANCES = """SELECT ?x (COUNT(?s) AS ?n) WHERE {
  %s
  ?x a/rdfs:subClassOf* ?c .
  OPTIONAL { ?s ?p ?x }
} GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT %d"""


def instances(run: Runner, cls: str, limit: int = 500) -> list[Link]:
    """Things of class ``cls`` or a subclass, with labels, the most linked to first."""
    rows = run(PROLOGUE + _INSTANCES % (values("c", [cls]), limit))
    iris = [str(r["x"]) for r in rows if isinstance(r["x"], URIRef)]
    names = lookup(run, iris)
    return [names[i] for i in iris]


def _text(term: Identifier | None) -> str:
    return str(term) if term is not None else ""


def store_runner(store: object) -> Runner:
    """A runner over a pyoxigraph store (union default graph), yielding rdflib terms."""
    import pyoxigraph as ox

    assert hasattr(store, "query")  # a pyoxigraph Store, or fdigraph.remote.RemoteStore

    def convert(term: object) -> Identifier:
        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        if isinstance(term, ox.Literal):
            if term.language:
                return Literal(term.value, lang=term.language)
            return Literal(term.value, datatype=URIRef(term.datatype.value))
        assert isinstance(term, ox.BlankNode)
        return BNode(term.value)

    def run(query: str) -> list[dict[str, Identifier]]:
        result = store.query(query, use_default_graph_as_union=True)
        assert isinstance(result, ox.QuerySolutions)
        names = [v.value for v in result.variables]
        return [{n: convert(row[n]) for n in names if row[n] is not None} for row in result]

    return run
