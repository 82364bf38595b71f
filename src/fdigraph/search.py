"""Search that forgives missing diacritics, written as SPARQL so any store can answer it.

Labels are folded at build time into ``fdi:searchLabel`` (lowercase, no diacritics, đ→d);
a query is folded the same way and matched word by word, so "bac giang", "Bac Giang" and
"BẮC GIANG" all find Bắc Giang and "ban dan" finds "bán dẫn". The words are reduced to
``[a-z0-9]+`` and bound in a VALUES row written by rdflib's term serialiser, so no input
can change what the query does; the hits are ranked here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from rdflib import Literal

from fdigraph.vocab import PREFIXES, fold

MAX_WORDS = 8

# A row runner: query text -> rows of {variable: value}.
Runner = Callable[[str], Sequence[Mapping[str, str]]]

# Kinds of resource, best first, as they rank when their labels match equally well.
KIND_WEIGHT = {
    "Province": 6,
    "Municipality": 6,
    "Country": 5,
    "Region": 5,
    "Locality": 4,
    "Sector": 4,
    "InvestmentPillar": 4,
    "Motto": 4,
    "MottoPart": 3,
    "Criterion": 3,
    "PolicyInstrument": 3,
    "Indicator": 3,
    "Goal": 3,
    "InfrastructureProject": 3,
    "Event": 2,
    "NewsArticle": 2,
    "TeaserSnippet": 1,
    "Observation": 1,
    "RankingObservation": 1,
}


@dataclass(frozen=True)
class Hit:
    iri: str
    kind: str
    label_vi: str
    label_en: str
    matched: str
    score: int


def words(text: str) -> list[str]:
    """The folded words of a search text, at most MAX_WORDS of them."""
    return re.findall(r"[a-z0-9]+", fold(text))[:MAX_WORDS]


def sparql(query_words: Sequence[str], limit: int) -> str:
    """The query matching every word; the words are bound as ?w0, ?w1, ... in VALUES."""
    prologue = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("fdi", "rdfs", "rdf"))
    names = " ".join(f"?w{i}" for i in range(len(query_words)))
    row = " ".join(Literal(w).n3() for w in query_words)
    tests = " && ".join(f"CONTAINS(?folded, ?w{i})" for i in range(len(query_words))) or "false"
    return (
        prologue
        + "SELECT ?s ?folded (GROUP_CONCAT(DISTINCT STR(?type)) AS ?kinds)"
        + " (SAMPLE(?vi) AS ?labelVi) (SAMPLE(?en) AS ?labelEn)\n"
        + "WHERE {\n"
        + f"  VALUES ({names}) {{ ({row}) }}\n"
        + f"  ?s fdi:searchLabel ?folded . FILTER({tests})\n"
        + "  OPTIONAL { ?s rdf:type ?type }\n"
        + '  OPTIONAL { ?s rdfs:label ?vi FILTER(LANG(?vi) = "vi") }\n'
        + '  OPTIONAL { ?s rdfs:label ?en FILTER(LANG(?en) = "en") }\n'
        + "}\n"
        + f"GROUP BY ?s ?folded LIMIT {int(limit) * 10}"
    )


def score(folded_label: str, query_words: Sequence[str], kind: str) -> int:
    """Exact label > label starting with the words > whole words > parts of words."""
    phrase = " ".join(query_words)
    label_words = re.findall(r"[a-z0-9]+", folded_label)
    joined = " ".join(label_words)
    if joined == phrase:
        base = 100
    elif joined.startswith(phrase):
        base = 70
    elif all(w in label_words for w in query_words):
        base = 50 if phrase in joined else 40
    else:
        base = 20
    return base * 10 + KIND_WEIGHT.get(kind, 0) * 5 - min(len(label_words), 40)


def search(run: Runner, text: str, *, limit: int = 20) -> list[Hit]:
    """Resources whose labels contain every word of ``text``, best first."""
    query_words = words(text)
    if not query_words:
        return []
    rows = run(sparql(query_words, limit))
    best: dict[str, Hit] = {}
    for row in rows:
        kind = _kind(row.get("kinds", ""))
        folded = row.get("folded", "")
        hit = Hit(
            iri=row["s"],
            kind=kind,
            label_vi=row.get("labelVi") or row.get("labelEn") or row["s"],
            label_en=row.get("labelEn") or row.get("labelVi") or row["s"],
            matched=folded,
            score=score(folded, query_words, kind),
        )
        if hit.iri not in best or hit.score > best[hit.iri].score:
            best[hit.iri] = hit
    ranked = sorted(best.values(), key=lambda h: (-h.score, h.label_vi, h.iri))
    return ranked[:limit]


def _kind(types: str) -> str:
    """The most telling of a resource's classes (SAMPLE would leave it to the engine)."""
    names = sorted(t.rsplit("#", 1)[-1].rsplit("/", 1)[-1] for t in types.split())
    return max(names, key=lambda name: KIND_WEIGHT.get(name, 0), default="")


def store_runner(store: object) -> Runner:
    """A runner over a pyoxigraph store (or a remote one), with values as plain strings."""
    from fdigraph.labels import store_runner as term_runner

    rows = term_runner(store)
    return lambda query: [{name: str(term) for name, term in row.items()} for row in rows(query)]
