"""Search over labels, quotes and source text, forgiving missing diacritics and case.

The text is folded as labels are (lowercase, no diacritics, đ→d) and cut into terms at
spaces; a term is its ``[a-z0-9]+`` parts, so nothing else ever reaches the FTS5 query.
A word matches as a prefix ("semicond"), a number exactly, and a term of several parts
("1,6", "VN-54") as a phrase, the way the index split it. The whole text is also looked
up as a code (ISO 3166-2, notation, key), exactly. Hits are resources, ranked here:
a code, then exact labels, labels starting with the words, whole words, parts of words;
a fact matched by one of its quotes comes with that quote, the matching words marked,
and a source by the paragraphs that match.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from fdigraph import fulltext
from fdigraph.vocab import fold

MAX_WORDS = 8
CANDIDATES = 400  # documents ranked by bm25 before they are ranked here
CONTEXT = 110  # characters of a paragraph shown on each side of its first match
PASSAGES = 3  # quotes or paragraphs shown per hit

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
# Where a match was found: a code outranks every label, a label its quotes, a quote text.
CODE_SCORE = 2000
FIELD_PENALTY = {"label": 0, "quote": 100, "text": 200}
QUOTED_BONUS = 3  # a label match whose quotes match too


@dataclass(frozen=True)
class Passage:
    """A quote or a paragraph with the spans where the query matched it."""

    field: str  # "quote" or "text"
    iri: str  # the quote, or the source the paragraph is from
    text: str
    marks: tuple[tuple[int, int], ...]

    def segments(self) -> list[tuple[str, bool]]:
        """The text cut into (piece, matched) pieces, for a template to mark."""
        out: list[tuple[str, bool]] = []
        pos = 0
        for start, end in self.marks:
            if start > pos:
                out.append((self.text[pos:start], False))
            out.append((self.text[start:end], True))
            pos = end
        if pos < len(self.text):
            out.append((self.text[pos:], False))
        return out


@dataclass(frozen=True)
class Hit:
    iri: str
    kind: str
    label_vi: str
    label_en: str
    matched: str  # "code", "label", "quote" or "text": where its best match was
    score: int
    passages: tuple[Passage, ...] = ()


def terms(text: str) -> list[tuple[str, ...]]:
    """The folded terms of a search text, each the words of one space-separated part."""
    found = (tuple(re.findall(r"[a-z0-9]+", part)) for part in fold(text).split())
    return [t for t in found if t][:MAX_WORDS]


def words(text: str) -> list[str]:
    """The folded words of a search text, at most MAX_WORDS terms of them."""
    return [w for term in terms(text) for w in term]


def expression(query: Sequence[tuple[str, ...]]) -> str:
    """The FTS5 query: every term, a word as a prefix, a number or several parts exact."""
    parts = []
    for term in query:
        if len(term) > 1:
            parts.append('"' + " ".join(term) + '"')
        elif term[0].isdigit():
            parts.append(f'"{term[0]}"')
        else:
            parts.append(f'"{term[0]}"*')
    return " AND ".join(parts)


def score(folded_label: str, query_words: Sequence[str], kind: str) -> int:
    """Exact label > label starting with the words > whole words > parts of words."""
    phrase = " ".join(query_words)
    label_words = re.findall(r"[a-z0-9]+", folded_label)
    joined = " ".join(label_words)
    if joined == phrase:
        base = 100
    elif (joined + " ").startswith(phrase + " "):
        base = 70
    elif all(w in label_words for w in query_words):
        base = 50 if f" {phrase} " in f" {joined} " else 40
    else:
        base = 20
    return base * 10 + KIND_WEIGHT.get(kind, 0) * 5 - min(len(label_words), 40)


def kind_of(types: str) -> str:
    """The most telling of a resource's classes."""
    names = sorted(types.split())
    return max(names, key=lambda name: KIND_WEIGHT.get(name, 0), default="")


def search(index: fulltext.Index, text: str, *, limit: int = 20) -> list[Hit]:
    """Resources matching every term of ``text``, best first."""
    query = terms(text)
    if not query:
        return []
    flat = [w for term in query for w in term]
    best: dict[str, Hit] = {}
    passages: dict[str, list[tuple[int, Passage]]] = {}
    for resource in index.codes(text):
        kind = kind_of(resource.types)
        best[resource.iri] = Hit(resource.iri, kind, resource.vi, resource.en, "code", CODE_SCORE)
    for match in index.match(expression(query), CANDIDATES):
        doc, resource = match.doc, match.resource
        kind = kind_of(resource.types)
        if doc.field == "label":
            labels = (doc.vi, doc.en, *doc.alt.split(" · "))
            value = max(score(fold(t), flat, kind) for t in labels if t)
        else:
            value = min(score(fold(doc.body), flat, kind), 500) - FIELD_PENALTY[doc.field]
            passage = _passage(doc, match.marked["body"])
            passages.setdefault(resource.iri, []).append((value, passage))
        hit = Hit(resource.iri, kind, resource.vi, resource.en, doc.field, value)
        if resource.iri not in best or value > best[resource.iri].score:
            best[resource.iri] = hit
    hits = [_with_passages(h, passages.get(h.iri, [])) for h in best.values()]
    return sorted(hits, key=lambda h: (-h.score, h.label_vi, h.iri))[:limit]


def _with_passages(hit: Hit, found: list[tuple[int, Passage]]) -> Hit:
    """The hit with its best quotes or paragraphs; a fact its own quotes back ranks higher."""
    if not found:
        return hit
    chosen = tuple(p for _, p in sorted(found, key=lambda vp: -vp[0])[:PASSAGES])
    bonus = QUOTED_BONUS if hit.matched == "label" else 0
    return Hit(
        hit.iri, hit.kind, hit.label_vi, hit.label_en, hit.matched, hit.score + bonus, chosen
    )


def _passage(doc: fulltext.Doc, marked: str) -> Passage:
    """The quote whole; a paragraph cut to CONTEXT characters around its first match."""
    folded, spans = fulltext.marks(marked)
    text = doc.body if len(doc.body) == len(folded) else folded
    if doc.field == "quote" or not spans or len(text) <= 2 * CONTEXT + 40:
        return Passage(doc.field, doc.quote or doc.iri, text, spans)
    start = max(0, spans[0][0] - CONTEXT)
    end = min(len(text), spans[0][1] + CONTEXT)
    if start > 0:
        start = text.find(" ", start, spans[0][0]) + 1 or start
    if end < len(text):
        cut = text.rfind(" ", spans[0][1], end)
        end = cut if cut > 0 else end
    head = "… " if start > 0 else ""
    tail = " …" if end < len(text) else ""
    shift = len(head) - start
    kept = tuple((s + shift, e + shift) for s, e in spans if s >= start and e <= end)
    return Passage(doc.field, doc.iri, head + text[start:end] + tail, kept)
