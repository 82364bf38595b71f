"""What the graph holds, for the home page: counts, places with facts, sources, schemes.

Also the ontology document as a list of terms, for the page at the ontology's IRI.
Everything is asked through a row runner, so it works on any SPARQL store.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from fdigraph.describe import FACTS_ABOUT
from fdigraph.labels import PROLOGUE, Link, Runner, Text, local, lookup, values

COUNTED = (
    ("Observation", "fdi:Observation", Text("số liệu", "figures")),
    ("RankingObservation", "fdi:RankingObservation", Text("xếp hạng", "rankings")),
    ("PolicyStatement", "fdi:PolicyStatement", Text("nhận định chính sách", "policy statements")),
    ("Quote", "fdi:Quote", Text("trích dẫn", "quotes")),
    ("Area", "fdi:Area", Text("địa bàn", "places")),
    ("Concept", "skos:Concept", Text("khái niệm", "concepts")),
    ("NewsArticle", "schema:NewsArticle", Text("bài báo", "articles")),
    ("TeaserSnippet", "fdi:TeaserSnippet", Text("tin liên quan", "news teasers")),
)


@dataclass(frozen=True)
class Count:
    name: str
    label: Text
    n: int


@dataclass(frozen=True)
class PlaceWithFacts:
    link: Link
    code: str
    facts: int


@dataclass(frozen=True)
class Overview:
    counts: tuple[Count, ...]
    places: tuple[PlaceWithFacts, ...]
    sources: tuple[Link, ...]
    schemes: tuple[tuple[Link, int], ...]


def overview(run: Runner) -> Overview:
    """Counts by kind, places that have facts (most first), sources and concept schemes."""
    rows = []
    for name, cls, label in COUNTED:
        if name == "Area":
            pattern = "?x a ?c . VALUES ?c { fdi:Country fdi:Region fdi:Province fdi:Municipality fdi:Locality }"
        else:
            pattern = f"?x a {cls}"
        found = run(f"{PROLOGUE}SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} }}")
        rows.append(Count(name, label, int(str(found[0]["n"])) if found else 0))
    # Counted as the place's own page counts its facts (describe.FACTS_ABOUT).
    places = run(
        PROLOGUE
        + """SELECT ?a (SAMPLE(?c) AS ?code) (COUNT(DISTINCT ?f) AS ?n) WHERE {
  { SELECT DISTINCT ?r WHERE { ?f fdi:hasQuote ?q ; fdi:refArea|fdi:aboutArea ?r } }
  """
        + FACTS_ABOUT
        + """
  BIND(?r AS ?a)
  OPTIONAL { ?a fdi:isoCode ?c }
} GROUP BY ?a ORDER BY DESC(?n) ?code"""
    )
    sources = run(
        PROLOGUE
        + "SELECT DISTINCT ?s WHERE { { ?s a schema:NewsArticle } UNION "
        + "{ ?s a dcterms:BibliographicResource } } ORDER BY ?s"
    )
    schemes = run(
        PROLOGUE
        + """SELECT ?s (COUNT(DISTINCT ?c) AS ?n) WHERE {
  ?s a skos:ConceptScheme . ?c skos:inScheme ?s
  FILTER(!STRSTARTS(STR(?s), STR(fdi:)))
} GROUP BY ?s ORDER BY DESC(?n)"""
    )
    names = lookup(run, [str(r["a"]) for r in places] + [str(r["s"]) for r in (*sources, *schemes)])
    return Overview(
        counts=tuple(rows),
        places=tuple(
            PlaceWithFacts(names[str(r["a"])], str(r.get("code", "")), int(str(r["n"])))
            for r in places
        ),
        sources=tuple(names[str(r["s"])] for r in sources),
        schemes=tuple((names[str(r["s"])], int(str(r["n"]))) for r in schemes),
    )


@dataclass(frozen=True)
class Term:
    iri: str
    name: str
    label: Text
    comment: Text
    kinds: tuple[str, ...]
    related: tuple[tuple[str, Link], ...]  # (rdfs:domain / rdfs:range / rdfs:subClassOf, target)


@dataclass(frozen=True)
class Ontology:
    iri: str
    label: Text
    comment: Text
    sections: tuple[tuple[str, tuple[Term, ...]], ...]


SECTIONS = ("Class", "ObjectProperty", "DatatypeProperty", "Code", "Other")
_RELATED = ("subClassOf", "subPropertyOf", "domain", "range")


def ontology(run: Runner, iri: str) -> Ontology | None:
    """The ontology's terms grouped by kind, each with labels, comments, domain and range."""
    rows = run(
        f"""{PROLOGUE}SELECT ?t ?p ?o WHERE {{
  {values("onto", [iri])}
  GRAPH ?g {{ ?onto a owl:Ontology . ?t ?p ?o }}
  FILTER(?t = ?onto || STRSTARTS(STR(?t), CONCAT(STR(?onto), "#")))
  FILTER(isIRI(?t))
}}"""
    )
    if not rows:
        return None
    by_term: dict[str, list[tuple[str, object]]] = defaultdict(list)
    for r in rows:
        by_term[str(r["t"])].append((local(str(r["p"])), r["o"]))
    targets = {str(o) for po in by_term.values() for p, o in po if p in _RELATED}
    names = lookup(run, targets)
    terms = {t: _term(t, po, names) for t, po in by_term.items()}
    me = terms.pop(iri)
    sections: dict[str, list[Term]] = defaultdict(list)
    for term in sorted(terms.values(), key=lambda t: t.name.lower()):
        kind = next((k for k in SECTIONS if k in term.kinds), "Other")
        sections[kind].append(term)
    return Ontology(
        iri, me.label, me.comment, tuple((k, tuple(sections[k])) for k in SECTIONS if sections[k])
    )


def _term(iri: str, po: list[tuple[str, object]], names: dict[str, Link]) -> Term:
    text: dict[tuple[str, str], str] = {}
    for p, o in po:
        lang = getattr(o, "language", None) or ""
        if p in ("label", "comment", "title", "description"):
            key = "label" if p in ("label", "title") else "comment"
            text.setdefault((key, lang), str(o))

    def pick(key: str) -> Text:
        vi = text.get((key, "vi")) or text.get((key, ""), "")
        return Text(vi, text.get((key, "en")) or vi)

    return Term(
        iri=iri,
        name=local(iri),
        label=pick("label"),
        comment=pick("comment"),
        kinds=tuple(sorted(local(str(o)) for p, o in po if p == "type")),
        related=tuple(
            sorted(
                ((p, names[str(o)]) for p, o in po if p in _RELATED), key=lambda r: (r[0], r[1].iri)
            )
        ),
    )
