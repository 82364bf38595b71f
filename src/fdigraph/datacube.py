"""The RDF Data Cube well-formedness constraints (W3C, section 11), checked at build time.

The W3C gives each integrity constraint as a SPARQL ASK query over a *normalized* graph.
Here each is a SELECT of the same patterns, so that a failure names the resource at
fault; the build locates an observation in its fact file. IC-12 (no duplicate
observations) groups observations by their dimension values instead of pairing them,
the same test in linear time. The constraints run in an in-memory Oxigraph store of the
data and the ontology, after the normalization the specification gives (phase 1: the
types and ``qb:componentProperty`` implied by ``qb:dataSet``, ``qb:dimension``,
``qb:measure`` and ``qb:attribute``).

Not checked, because the graph has no slices or hierarchical code lists: IC-18, IC-20
and IC-21 (IC-7 to IC-10 run, and hold vacuously). Not checked by design: IC-17 (every
measure present for each key), since news gives sparse figures, one measure at a time.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

PROLOGUE = """PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

NORMALIZE = """
INSERT { ?o a qb:Observation } WHERE { ?o qb:dataSet ?ds } ;
INSERT { ?ds a qb:DataSet } WHERE { ?o qb:dataSet ?ds } ;
INSERT { ?cs a qb:ComponentSpecification } WHERE { ?dsd qb:component ?cs } ;
INSERT { ?cs qb:componentProperty ?p . ?p a qb:DimensionProperty } WHERE { ?cs qb:dimension ?p } ;
INSERT { ?cs qb:componentProperty ?p . ?p a qb:MeasureProperty } WHERE { ?cs qb:measure ?p } ;
INSERT { ?cs qb:componentProperty ?p . ?p a qb:AttributeProperty } WHERE { ?cs qb:attribute ?p }
"""


@dataclass(frozen=True)
class Constraint:
    key: str  # "IC-11"
    title: str
    select: str  # ?subject (the resource at fault) and, optionally, ?detail


CONSTRAINTS = (
    Constraint(
        "IC-1",
        "Unique DataSet: an observation is in exactly one data set",
        """
        SELECT DISTINCT ?subject ?detail WHERE {
          { ?subject a qb:Observation . FILTER NOT EXISTS { ?subject qb:dataSet ?d } BIND("no data set" AS ?detail) }
          UNION { ?subject a qb:Observation ; qb:dataSet ?d1, ?d2 . FILTER (?d1 != ?d2) BIND(?d2 AS ?detail) }
        }""",
    ),
    Constraint(
        "IC-2",
        "Unique DSD: a data set has exactly one structure",
        """
        SELECT DISTINCT ?subject ?detail WHERE {
          { ?subject a qb:DataSet . FILTER NOT EXISTS { ?subject qb:structure ?s } BIND("no structure" AS ?detail) }
          UNION { ?subject a qb:DataSet ; qb:structure ?s1, ?s2 . FILTER (?s1 != ?s2) BIND(?s2 AS ?detail) }
        }""",
    ),
    Constraint(
        "IC-3",
        "DSD includes measure: a structure declares at least one measure",
        """
        SELECT ?subject WHERE {
          ?subject a qb:DataStructureDefinition .
          FILTER NOT EXISTS { ?subject qb:component/qb:componentProperty ?m . ?m a qb:MeasureProperty }
        }""",
    ),
    Constraint(
        "IC-4",
        "Dimensions have range",
        """
        SELECT ?subject WHERE {
          ?subject a qb:DimensionProperty . FILTER NOT EXISTS { ?subject rdfs:range ?r }
        }""",
    ),
    Constraint(
        "IC-5",
        "Concept dimensions have code lists",
        """
        SELECT ?subject WHERE {
          ?subject a qb:DimensionProperty ; rdfs:range skos:Concept .
          FILTER NOT EXISTS { ?subject qb:codeList ?list }
        }""",
    ),
    Constraint(
        "IC-6",
        "Only attributes may be optional",
        """
        SELECT ?subject ?detail WHERE {
          ?dsd qb:component ?subject .
          ?subject qb:componentRequired "false"^^xsd:boolean ; qb:componentProperty ?detail .
          FILTER NOT EXISTS { ?detail a qb:AttributeProperty }
        }""",
    ),
    Constraint(
        "IC-7",
        "Slice keys must be declared",
        """
        SELECT ?subject WHERE {
          ?subject a qb:SliceKey .
          FILTER NOT EXISTS { ?dsd a qb:DataStructureDefinition ; qb:sliceKey ?subject }
        }""",
    ),
    Constraint(
        "IC-8",
        "Slice keys consistent with DSD",
        """
        SELECT ?subject ?detail WHERE {
          ?subject a qb:SliceKey ; qb:componentProperty ?detail . ?dsd qb:sliceKey ?subject .
          FILTER NOT EXISTS { ?dsd qb:component/qb:componentProperty ?detail }
        }""",
    ),
    Constraint(
        "IC-9",
        "Unique slice structure",
        """
        SELECT DISTINCT ?subject WHERE {
          { ?subject a qb:Slice . FILTER NOT EXISTS { ?subject qb:sliceStructure ?k } }
          UNION { ?subject a qb:Slice ; qb:sliceStructure ?k1, ?k2 . FILTER (?k1 != ?k2) }
          UNION { ?ds qb:slice ?subject . ?subject qb:sliceStructure ?k . ?ds qb:structure ?dsd .
                  FILTER NOT EXISTS { ?dsd qb:sliceKey ?k } }
        }""",
    ),
    Constraint(
        "IC-10",
        "Slice dimensions complete",
        """
        SELECT ?subject ?detail WHERE {
          ?subject qb:sliceStructure/qb:componentProperty ?detail .
          FILTER NOT EXISTS { ?subject ?detail ?v }
        }""",
    ),
    Constraint(
        "IC-11",
        "All dimensions required: an observation has a value for each dimension",
        """
        SELECT ?subject ?detail WHERE {
          ?subject qb:dataSet/qb:structure/qb:component/qb:componentProperty ?detail .
          ?detail a qb:DimensionProperty .
          FILTER NOT EXISTS { ?subject ?detail ?v }
        }""",
    ),
    Constraint(
        "IC-13",
        "Required attributes: an observation has each required attribute",
        """
        SELECT ?subject ?detail WHERE {
          ?subject qb:dataSet/qb:structure/qb:component ?c .
          ?c qb:componentRequired "true"^^xsd:boolean ; qb:componentProperty ?detail .
          FILTER NOT EXISTS { ?subject ?detail ?v }
        }""",
    ),
    Constraint(
        "IC-14",
        "All measures present (a structure without a measure dimension)",
        """
        SELECT ?subject ?detail WHERE {
          ?subject qb:dataSet/qb:structure ?dsd .
          FILTER NOT EXISTS { ?dsd qb:component/qb:componentProperty qb:measureType }
          ?dsd qb:component/qb:componentProperty ?detail . ?detail a qb:MeasureProperty .
          FILTER NOT EXISTS { ?subject ?detail ?v }
        }""",
    ),
    Constraint(
        "IC-15",
        "Measure dimension consistent: the value of the measure type is given",
        """
        SELECT ?subject ?detail WHERE {
          ?subject qb:dataSet/qb:structure ?dsd ; qb:measureType ?detail .
          ?dsd qb:component/qb:componentProperty qb:measureType .
          FILTER NOT EXISTS { ?subject ?detail ?v }
        }""",
    ),
    Constraint(
        "IC-16",
        "Single measure on a measure-dimension observation",
        """
        SELECT ?subject ?detail WHERE {
          ?subject qb:dataSet/qb:structure ?dsd ; qb:measureType ?measure ; ?detail ?v .
          ?dsd qb:component/qb:componentProperty qb:measureType .
          ?dsd qb:component/qb:componentProperty ?detail . ?detail a qb:MeasureProperty .
          FILTER (?detail != ?measure)
        }""",
    ),
    Constraint(
        "IC-19",
        "Codes from code list: a coded dimension's value is in its code list",
        """
        SELECT ?subject ?detail WHERE {
          ?subject qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
          ?dim a qb:DimensionProperty ; qb:codeList ?list . ?list a skos:ConceptScheme .
          ?subject ?dim ?detail .
          FILTER NOT EXISTS { ?detail a skos:Concept ; skos:inScheme ?list }
        }""",
    ),
)

_DIMENSION_VALUES = """
SELECT ?ds ?obs ?dim ?value WHERE {
  ?obs qb:dataSet ?ds . ?ds qb:structure/qb:component/qb:componentProperty ?dim .
  ?dim a qb:DimensionProperty . ?obs ?dim ?value .
}"""


@dataclass(frozen=True)
class Problem:
    key: str
    title: str
    subject: str
    detail: str | None = None

    def __str__(self) -> str:
        extra = f" ({self.detail})" if self.detail else ""
        return f"{self.key} {self.title}: <{self.subject}>{extra}"


def _store(graphs: Iterable[Graph]) -> ox.Store:
    store = ox.Store()
    for graph in graphs:
        data = graph.serialize(format="nt", encoding="utf-8")
        store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    store.update(PROLOGUE + NORMALIZE)
    return store


def _value(term: object) -> str:
    return str(getattr(term, "value", term))


def check(data: Graph, ontology: Graph) -> list[Problem]:
    """Every violation of the constraints that apply, in a stable order."""
    store = _store((data, ontology))
    problems: list[Problem] = []
    for ic in CONSTRAINTS:
        result = store.query(PROLOGUE + ic.select)
        assert isinstance(result, ox.QuerySolutions)
        for row in result:
            detail = row["detail"] if "detail" in [v.value for v in result.variables] else None
            problems.append(
                Problem(
                    ic.key, ic.title, _value(row["subject"]), _value(detail) if detail else None
                )
            )
    problems += _duplicates(store)
    return sorted(problems, key=lambda p: (int(p.key[3:]), p.subject, p.detail or ""))


def _duplicates(store: ox.Store) -> list[Problem]:
    """IC-12: no two observations of one data set have the same value for every dimension."""
    keys: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    result = store.query(PROLOGUE + _DIMENSION_VALUES)
    assert isinstance(result, ox.QuerySolutions)
    for row in result:
        keys[(_value(row["ds"]), _value(row["obs"]))].append(
            (_value(row["dim"]), str(row["value"]))
        )
    seen: dict[tuple[str, tuple[tuple[str, str], ...]], str] = {}
    problems = []
    for (ds, obs), values in sorted(keys.items()):
        key = (ds, tuple(sorted(values)))
        if key in seen:
            problems.append(
                Problem(
                    "IC-12", "No duplicate observations", obs, f"same dimensions as <{seen[key]}>"
                )
            )
        else:
            seen[key] = obs
    return problems


_FACT_IRI = re.compile(r"/id/(?:obs|ranking)/(?P<article>[^/]+)/(?P<fact>[^/]+)$")


def locate(problem: Problem, facts_dir: Path) -> str:
    """The problem with the fact file and line of the observation it names, when it names one."""
    match = _FACT_IRI.search(problem.subject)
    if not match:
        return str(problem)
    path = facts_dir / f"{match['article']}.yaml"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return str(problem)
    at = re.search(rf"\bid: {re.escape(match['fact'])}\b", text)
    line = f":{text[: at.start()].count(chr(10)) + 1}" if at else ""
    return f"{path}{line}: {match['fact']}: {problem}"
