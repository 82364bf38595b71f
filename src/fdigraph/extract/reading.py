"""Read the facts of one part of a page (the article, or one teaser), sentence by sentence.

Within a sentence a figure belongs to the nearest place before it ("cả nước là 68% thì
tỉ lệ của Bắc Giang là 76%"), else to the place after it, else to the place the
paragraph is about; its period is the nearest period phrase, else the one of the
sentence before (marked inferred).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fdigraph.extract.draft import DraftObservation, DraftQuote, DraftRanking
from fdigraph.extract.measures import measure_of
from fdigraph.extract.periods import PeriodMention, current_year, find_periods
from fdigraph.extract.places import Place, find_places
from fdigraph.extract.quantities import Quantity, find_quantities
from fdigraph.extract.rankings import RankMention, find_ranks, indicator_of
from fdigraph.extract.text import Span, sentences

_REFERENCE = re.compile(
    r"(?<!cac )(?<!nhung )(?<!nhieu )\b(toan tinh|trong tinh|tinh|dia phuong|thanh pho)\b"
)
_ESTIMATE = re.compile(r"\b(uoc dat|uoc tinh|uoc thuc hien|uoc|du kien)\b")
_TARGET = re.compile(r"\b(muc tieu|ke hoach|phan dau|chi tieu)\b")
_WITH_COUNTERPART = {
    "fdiCapitalAttracted",
    "fdiCapitalRegistered",
    "fdiProjectCount",
    "investmentCapitalAttracted",
}
_OWNER_AFTER = re.compile(r"\s*(?:cua|tai)\s+$")


@dataclass
class Part:
    """One part of a page: its source (None: the main article), blocks and topic."""

    source: str | None
    blocks: list[list[Span]]  # paragraphs (article) or [headline + summary] (teaser)
    topic: str | None
    teaser: bool = False
    observations: list[DraftObservation] = field(default_factory=list)
    rankings: list[DraftRanking] = field(default_factory=list)


def read_part(text: str, folded: str, part: Part, year: int | None) -> Part:
    """Fill ``part`` with the observations and rankings of its sentences."""
    for block in part.blocks:
        area = part.topic
        carried: PeriodMention | None = None
        if part.teaser:
            year = current_year(" ".join(span.text for span in block)) or year
            found = [p for span in block for p in find_periods(text, year, span.start, span.end)]
            carried = found[0] if found else None
        for sentence in (s for span in block for s in sentences(text, span.start, span.end)):
            places = find_places(text, sentence.start, sentence.end)
            places = sorted(
                places + _references(folded, sentence, places, area), key=lambda p: p.start
            )
            periods = find_periods(text, year, sentence.start, sentence.end)
            quantities = find_quantities(text, sentence.start, sentence.end)
            for q in quantities:
                part.observations.append(
                    _observation(folded, sentence, q, places, periods, carried, area, part)
                )
            ranks = find_ranks(folded, sentence.start, sentence.end)
            _rankings(folded, sentence, ranks, places, periods, carried, area, part)
            if not part.teaser and periods:
                carried = periods[-1]
            lead = [p for p in places if p.kind == "province" and p.start - sentence.start < 25]
            if lead and not part.teaser:
                area = lead[0].code
    return part


def _references(folded: str, s: Span, places: list[Place], area: str | None) -> list[Place]:
    if area is None:
        return []
    out = []
    for m in _REFERENCE.finditer(folded, s.start, s.end):
        if not any(0 <= p.start - m.end() <= 2 for p in places):
            out.append(Place(area, "reference", m.start(), m.end()))
    return out


def _period(
    at: int, end: int, periods: list[PeriodMention], carried: PeriodMention | None
) -> tuple[str | None, bool, bool]:
    """(ISO period, inferred, from this sentence) for a figure at ``at``..``end``."""
    before = [p for p in periods if p.end <= at]
    after = [p for p in periods if p.start >= end]
    chosen = before[-1] if before else after[0] if after else None
    if chosen is None:
        if carried is None or carried.period is None:
            return None, False, False
        return carried.period.iso, True, False
    if chosen.period is None:
        return None, False, True
    return chosen.period.iso, chosen.inferred, True


def _status(before: str) -> str | None:
    estimate = [m.end() for m in _ESTIMATE.finditer(before)]
    target = [m.end() for m in _TARGET.finditer(before)]
    if not estimate and not target:
        return None
    return "estimate" if max(estimate, default=-1) > max(target, default=-1) else "target"


def _observation(
    folded: str,
    s: Span,
    q: Quantity,
    places: list[Place],
    periods: list[PeriodMention],
    carried: PeriodMention | None,
    area: str | None,
    part: Part,
) -> DraftObservation:
    measure, cued = measure_of(q, folded, s.start, s.end)
    subjects = [
        p
        for p in places
        if (p.kind in {"province", "reference"} or p.code == "VN") and not p.scope_only
    ]
    before = [p for p in subjects if p.end <= q.start]
    after = [p for p in subjects if p.start >= q.end]
    chosen = before[-1] if before else after[0] if after else None
    if after and _OWNER_AFTER.fullmatch(folded[q.end : after[0].start]):
        chosen = after[0]  # "mức 6,5% của cả nước"
    period, inferred, here = _period(q.start, q.end, periods, carried)
    counterpart = None
    if measure in _WITH_COUNTERPART:
        foreign = [p for p in places if p.kind == "country" and p.code != "VN"]
        if foreign:
            counterpart = min(foreign, key=lambda p: abs(p.start - q.start)).code
    confidence = 0.95 - (0 if cued else 0.25) - (0 if chosen else 0.15) - (0.1 if inferred else 0)
    confidence -= 0.1 if q.word_numeral else 0
    return DraftObservation(
        id="",
        area=chosen.code if chosen else (area or "VN"),
        measure=measure,
        period=period,
        figure=q.figure,
        value=q.value,
        unit=q.unit,
        quotes=(DraftQuote(s.text, s.start, s.end, part.source),),
        confidence=round(max(confidence, 0.1), 2),
        qualifier=q.qualifier,
        status=_status(folded[s.start : q.start]),
        period_inferred="context" if inferred or (period is not None and not here) else None,
        counterpart=counterpart,
        source=part.source,
    )


def _rankings(
    folded: str,
    s: Span,
    ranks: list[RankMention],
    places: list[Place],
    periods: list[PeriodMention],
    carried: PeriodMention | None,
    area: str | None,
    part: Part,
) -> None:
    scope_prev: str | None = None
    indicator_prev: str | None = None
    scopes: list[Place] = []
    for i, r in enumerate(ranks):
        stop = ranks[i + 1].start if i + 1 < len(ranks) else s.end
        ahead = [
            p
            for p in places
            if r.end <= p.start < stop and p.kind in {"province", "region", "country"}
        ]
        ahead = [p for p in ahead if p.kind != "country" or p.code == "VN"]
        ranked = [
            p
            for p in places
            if p.end <= r.start and p not in scopes and p.code != "VN" and p.kind != "region"
        ]
        foreign = bool(ranked) and ranked[-1].kind == "country"
        # An investor country ranks among the investors of the place the text is about.
        scope = ahead[0].code if ahead else scope_prev or (area if foreign and area else "VN")
        scopes.extend(ahead[:1])
        who = ranked[-1].code if ranked else area
        if who is None or who == scope:
            continue
        indicator = indicator_of(folded, (s.start, r.start), (r.end, stop))
        if foreign:
            indicator = "indicator-investor-capital"
        indicator = indicator or indicator_prev or "indicator-unknown"
        period, _, _ = _period(r.start, r.end, periods, carried)
        confidence = 0.9 - (0 if ahead else 0.15) - (0 if ranked else 0.15)
        confidence -= 0.3 if indicator == "indicator-unknown" else 0
        part.rankings.append(
            DraftRanking(
                id="",
                area=who,
                indicator=indicator,
                scope=scope,
                rank=r.rank,
                quotes=(DraftQuote(s.text, s.start, s.end, part.source),),
                confidence=round(max(confidence, 0.1), 2),
                period=period,
                comparator=r.comparator,
                out_of=r.out_of,
                source=part.source,
            )
        )
        scope_prev, indicator_prev = scope, indicator
