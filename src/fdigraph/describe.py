"""The description of one resource: as SPARQL (for RDF answers) and as a page model.

:func:`resource_iri` turns a request path into an IRI under the base IRI, or ``None``
when the path cannot be one the build mints, so nothing unchecked reaches query text.
:func:`description_query` is the CONSTRUCT served to linked-data clients: the triples
with the resource as subject and as object (a bounded number of those), plus labels and
types of what it links to. :func:`page` gathers the same through a row runner for people:
labels, grouped properties, facts with quotes, chart series and the editor's query.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from fdigraph import evidence
from fdigraph.labels import PROLOGUE, Link, Row, Runner, Text, lookup, short, values
from fdigraph.vocab import KINDS, QB, SCHEMA

MAX_INCOMING = 200
MAX_FACTS = 200
LONG = 600  # characters; longer literals are folded on pages
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*(/[A-Za-z0-9][A-Za-z0-9._~-]*)*$")
KIND_ORDER = ("Observation", "RankingObservation", "PolicyStatement")


def resource_iri(base_iri: str, path: str) -> str | None:
    """``<base>id/<path>`` when ``path`` is ``kind/key`` as the build mints them, else None."""
    kind, _, key = path.partition("/")
    if kind not in KINDS or not _KEY.match(key):
        return None
    return f"{base_iri}id/{kind}/{key}"


def exists(run: Runner, iri: str) -> bool:
    """Whether the graph has any triple with ``iri`` as subject or object."""
    node = values("r", [iri])
    return bool(run(f"SELECT ?r WHERE {{ {node} {{ ?r ?p ?o }} UNION {{ ?s ?p ?r }} }} LIMIT 1"))


def description_query(iri: str, max_incoming: int = MAX_INCOMING) -> str:
    """CONSTRUCT the resource's triples both ways, with labels and types of its neighbours."""
    return f"""{PROLOGUE}CONSTRUCT {{
  ?r ?p ?o . ?o rdfs:label ?ol . ?o a ?ot .
  ?s ?q ?r . ?s rdfs:label ?sl . ?s a ?st .
}}
WHERE {{
  {values("r", [iri])}
  {{ ?r ?p ?o
     OPTIONAL {{ ?o rdfs:label ?ol }} OPTIONAL {{ ?o a ?ot FILTER(?p != rdf:type) }} }}
  UNION
  {{ {{ SELECT ?s ?q WHERE {{ {values("r", [iri])} ?s ?q ?r }} ORDER BY ?q ?s LIMIT {max_incoming} }}
     OPTIONAL {{ ?s rdfs:label ?sl }} OPTIONAL {{ ?s a ?st }} }}
}}"""


def ontology_query(ontology_iri: str) -> str:
    """CONSTRUCT the named graph that holds the ontology document."""
    return f"""{PROLOGUE}CONSTRUCT {{ ?s ?p ?o }}
WHERE {{ {values("onto", [ontology_iri])} GRAPH ?g {{ ?onto a owl:Ontology . ?s ?p ?o }} }}"""


def editor_query(iri: str, label: str) -> str:
    """A query people can edit: everything said about the resource, both ways."""
    name = label.replace("\n", " ")
    node = URIRef(iri).n3()
    return f"""# {name}: what the graph says about it, and what points to it
PREFIX rdfs: <{RDFS}>

SELECT ?direction ?property ?value ?label
WHERE {{
  {{ {node} ?property ?value . BIND("out" AS ?direction) }}
  UNION
  {{ ?value ?property {node} . BIND("in" AS ?direction) }}
  OPTIONAL {{ ?value rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), "en")) }}
}}
ORDER BY DESC(?direction) ?property ?value
LIMIT 500
"""


@dataclass(frozen=True)
class Value:
    """One object of a property: a link, or a literal with its language or datatype."""

    link: Link | None = None
    text: str = ""
    lang: str = ""
    datatype: str = ""

    @property
    def long(self) -> bool:
        return len(self.text) > LONG


@dataclass(frozen=True)
class Group:
    """A property and its values, from the page's resource (or to it, for incoming)."""

    property: Link
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Page:
    iri: str
    label: Text
    comment: Text | None
    types: tuple[Link, ...]
    properties: tuple[Group, ...]
    incoming: tuple[Group, ...]
    incoming_total: int
    facts: tuple[evidence.Fact, ...]
    series: tuple[evidence.Series, ...]
    query: str
    kind: str = ""  # local name of its fdi: class
    links: dict[str, Link] = field(default_factory=dict, compare=False, repr=False)


# The facts about ?r: itself when quoted, what is quoted and points to it, what it annotates.
FACTS_ABOUT = """{ ?r fdi:hasQuote ?q BIND(?r AS ?f) }
  UNION { ?f ?p ?r . ?f fdi:hasQuote ?q FILTER(?p != fdi:hasQuote) }
  UNION { ?r oa:hasBody ?f }"""
_FACTS = (
    """SELECT DISTINCT ?f WHERE {
  %s
  """
    + FACTS_ABOUT
    + """
} ORDER BY ?f LIMIT %d"""
)


def page(run: Runner, iri: str) -> Page | None:
    """The page model of ``iri``, or None when the graph says nothing about it."""
    node = values("r", [iri])
    out = run(f"SELECT ?p ?o WHERE {{ {node} ?r ?p ?o }} ORDER BY ?p ?o")
    inc = run(f"SELECT ?s ?p WHERE {{ {node} ?s ?p ?r }} ORDER BY ?p ?s LIMIT {MAX_INCOMING + 1}")
    if not out and not inc:
        return None
    total = len(inc)
    if total > MAX_INCOMING:
        inc = inc[:MAX_INCOMING]
        total = int(str(run(f"SELECT (COUNT(*) AS ?n) WHERE {{ {node} ?s ?p ?r }}")[0]["n"]))
    fact_iris = [str(r["f"]) for r in run(PROLOGUE + _FACTS % (node, MAX_FACTS))]
    wanted = {iri} | {str(r["p"]) for r in (*out, *inc)}
    wanted |= {str(r["o"]) for r in out if isinstance(r["o"], URIRef)}
    wanted |= {str(r["s"]) for r in inc if isinstance(r["s"], URIRef)}
    names = lookup(run, wanted)
    facts = evidence.facts(run, fact_iris, names)
    facts.sort(key=lambda f: (_rank(f.kind), f.label.en, f.iri))
    for f in facts:  # an unlabelled fact is called by its title wherever it is linked
        if f.iri in names and not names[f.iri].named:
            names[f.iri] = replace(names[f.iri], label=f.label, named=True)
    measures = [t.iri for f in facts for p, t in f.roles if p.iri == str(QB.measureType)]
    me = names[iri]
    comment = _comment(out)
    return Page(
        iri=iri,
        label=me.label,
        comment=comment,
        types=tuple(names[str(r["o"])] for r in out if str(r["p"]) == str(RDF.type)),
        properties=_groups([(str(r["p"]), r["o"]) for r in out], names),
        incoming=_groups([(str(r["p"]), r["s"]) for r in inc], names),
        incoming_total=total,
        facts=tuple(facts),
        series=tuple(evidence.series(run, measures, names)),
        query=editor_query(iri, me.label.en),
        kind=me.kind,
        links=names,
    )


def _rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def _comment(out: Sequence[Row]) -> Text | None:
    found: dict[str, str] = {}
    for r in out:
        if str(r["p"]) in (str(RDFS.comment), str(SKOS.definition), str(SCHEMA.abstract)):
            lang = r["o"].language if isinstance(r["o"], Literal) else None
            found.setdefault(lang or "", str(r["o"]))
    if not found:
        return None
    plain = found.get("", "")
    vi = found.get("vi") or plain or found.get("en", "")
    return Text(vi, found.get("en") or plain or vi)


def _groups(pairs: list[tuple[str, object]], names: dict[str, Link]) -> tuple[Group, ...]:
    grouped: dict[str, list[Value]] = defaultdict(list)
    for p, o in pairs:
        if isinstance(o, URIRef):
            grouped[p].append(Value(link=names.get(str(o), Link(str(o), Text.same(short(str(o)))))))
        elif isinstance(o, Literal):
            dt = short(str(o.datatype)) if o.datatype else ""
            grouped[p].append(Value(text=str(o), lang=o.language or "", datatype=dt))
        else:
            grouped[p].append(Value(text=str(o)))
    return tuple(Group(names[p], tuple(vs)) for p, vs in grouped.items())
