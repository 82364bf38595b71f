"""Turn what was read into a draft: one fact per figure, stable ids, teasers listed.

A figure stated twice is one fact with two quotes; restated in a later teaser, it keeps
its first source and gains a quote that names the teaser.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import TypeVar

from fdigraph.extract.draft import (
    Draft,
    DraftObservation,
    DraftRanking,
    DraftSource,
    DraftTeaser,
)
from fdigraph.extract.gazetteer import KNOWN_REGIONS, REGIONS
from fdigraph.extract.layout import Layout, TeaserBlock, speaks_of_own_province
from fdigraph.extract.periods import current_year, latest_date
from fdigraph.extract.places import MERGER_DATE, UNKNOWN_NOTE, UNKNOWN_PROVINCE, area_key
from fdigraph.extract.reading import Part, read_part
from fdigraph.extract.text import Span, fold, paragraphs, slug
from fdigraph.facts import MEASURE_UNITS, MEASURES
from fdigraph.figures import parse_iso_period

_Fact = TypeVar("_Fact", DraftObservation, DraftRanking)
_GUESSES = {"fdiCapitalAttracted", "investmentCapitalAttracted", "landArea", "growthRate", "count"}


def assemble(text: str, source_id: str, layout: Layout, area: str | None = None) -> Draft:
    """Read every part of the page and merge what it says into one draft.

    ``area``: the province the article is about (its publisher's), for the figures the
    text gives "the province" without naming it; without it, an article that speaks of
    "tỉnh" and names no province gives them to ``UNKNOWN_PROVINCE``, flagged for review.
    """
    if area is not None:
        layout = replace(layout, topic=area)
    elif layout.topic is None and speaks_of_own_province(text, layout.body):
        layout = replace(layout, topic=UNKNOWN_PROVINCE)
    folded = fold(text)
    year = current_year(text[: layout.body.end]) or current_year(text)
    if year is None and layout.published is not None:
        year = layout.published.year
    as_of = layout.published or latest_date(text)
    inline = [t for t in layout.teasers if t.headline.start < layout.body.end]
    blocks = []
    for para in paragraphs(text, layout.body.start, layout.body.end):
        pieces = _cut(para, [t.headline for t in inline])
        if pieces:
            blocks.append(pieces)
    parts = [Part(None, blocks, layout.topic)]
    for teaser in layout.teasers:
        topic = next((a for a in teaser.about if a.startswith("VN-")), layout.topic)
        parts.append(Part(teaser.id, [list(teaser.spans)], topic, teaser=True))
    observations: list[DraftObservation] = []
    rankings: list[DraftRanking] = []
    held: list[DraftObservation] = []  # read, not drafted: shown to the reviewer
    for part in parts:
        read_part(text, folded, part, year, layout.published)
        for obs in part.observations:
            if obs.hold is not None:
                held.append(replace(_successor(obs, as_of), review=obs.hold, confidence=0.3))
            else:
                _merge_observation(observations, _successor(obs, as_of))
        for rank in part.rankings:
            _merge_ranking(rankings, _successor(rank, as_of))
    observations = _follow_levels(observations)
    title_end = layout.body.start + len(layout.title)
    heads = [(layout.body.start, title_end), *_subheadings(text, layout)]
    observations = _fold_title(observations, heads)
    rankings = _fold_title(rankings, heads)
    observations = _disagreements(observations, _lead_end(text, layout))
    observations = _one_value_each([o for o in observations if o.measure in MEASURES])
    rankings = _one_rank_each([r for r in rankings if _known_area(r.scope)])
    observations = [_flag_unknown(o) for o in observations]
    held += [_held(o) for o in observations if _held(o).hold is not None]
    observations = [o for o in observations if _held(o).hold is None]
    source = DraftSource(
        id=source_id,
        text=f"{source_id}.txt",
        title=layout.title,
        author=layout.author,
        body_end=layout.author or text[: layout.body.end].rsplit("\n", 1)[-1].strip() or None,
        about=(area_key(layout.topic, as_of),) if layout.topic else (),
        published=layout.published,
    )
    return Draft(
        source=source,
        teasers=tuple(_teaser(t, as_of) for t in layout.teasers),
        observations=_with_ids(observations),
        rankings=_with_ids(rankings),
        held=_with_ids(held),
    )


_PERCENT_OF_BASE = (
    'a percent of the base period\'s level ("bằng 15,3% so với cùng kỳ"), not a level:'
    " the model has no comparison for it; restate it as growth (the percent minus 100) or drop it"
)


def _held(fact: DraftObservation) -> DraftObservation:
    """The fact with a note when it must not be drafted as it was read: a level in PERCENT
    of a measure whose levels are money or counts (capital "chỉ bằng 15,3% so với cùng kỳ")."""
    units = MEASURE_UNITS.get(fact.measure)
    if fact.comparison == "level" and fact.unit == "PERCENT" and units and "PERCENT" not in units:
        return replace(
            fact,
            review=_PERCENT_OF_BASE,
            hold=_PERCENT_OF_BASE,
            confidence=min(fact.confidence, 0.3),
        )
    return fact


def _flag_unknown(fact: DraftObservation) -> DraftObservation:
    """A figure on the unnamed province: flagged, for a reviewer to name it."""
    if fact.area != UNKNOWN_PROVINCE:
        return fact
    review = f"{UNKNOWN_NOTE}; {fact.review}" if fact.review else UNKNOWN_NOTE
    return replace(fact, review=review)


def _cut(para: Span, holes: list[Span]) -> list[Span]:
    """The paragraph without the inline related links it holds."""
    pieces, cursor = [], para.start
    for hole in sorted(
        (h for h in holes if para.start <= h.start < para.end), key=lambda h: h.start
    ):
        if hole.start > cursor:
            pieces.append(
                Span(cursor, hole.start, para.text[cursor - para.start : hole.start - para.start])
            )
        cursor = max(cursor, hole.end)
    if cursor < para.end:
        pieces.append(Span(cursor, para.end, para.text[cursor - para.start :]))
    return [p for p in pieces if p.text.strip()]


def _merge_observation(found: list[DraftObservation], new: DraftObservation) -> None:
    for i, old in enumerate(found):
        same = (
            old.area,
            old.value,
            old.unit,
            old.period,
            old.counterpart,
            old.comparison,
            old.sector,
        ) == (
            new.area,
            new.value,
            new.unit,
            new.period,
            new.counterpart,
            new.comparison,
            new.sector,
        ) and (old.status == new.status or None in (old.status, new.status))
        if old.quotes[0] == new.quotes[0] and old.at != new.at:
            continue  # the same value twice in one sentence: two facts
        compatible = (
            old.measure == new.measure
            or old.measure in _GUESSES
            or new.measure in _GUESSES
            or _component_of_total(old.measure, new.measure)
        )
        if same and compatible:
            quotes = old.quotes + tuple(q for q in new.quotes if q not in old.quotes)
            best = max(old, new, key=lambda o: o.confidence)
            if _component_of_total(old.measure, new.measure):
                best = new if old.measure == "fdiRegisteredCapital" else old
            found[i] = replace(
                old,
                status=old.status or new.status,
                qualifier=new.qualifier if old.qualifier == "exact" else old.qualifier,
                measure=best.measure,
                quotes=quotes,
                confidence=max(old.confidence, new.confidence),
            )
            return
    found.append(new)


def _follow_levels(facts: list[DraftObservation]) -> list[DraftObservation]:
    """A comparison of registered FDI follows the level of its sentence when that level was
    found elsewhere under its precise name ("tổng vốn FDI đạt 128,6 triệu USD, tăng 46,8%",
    and "vốn cấp mới và tăng thêm đạt 128,6 triệu USD": the growth is of new and adjusted)."""
    out = list(facts)
    for i, fact in enumerate(facts):
        if fact.comparison == "level" or fact.measure != "fdiRegisteredCapital":
            continue
        levels = [
            f
            for f in facts
            if f.comparison == "level"
            and f.area == fact.area
            and f.period == fact.period
            and f.counterpart == fact.counterpart
            and f.sector == fact.sector
            and fact.quotes[0] in f.quotes
            and f.unit in {"USD", "VND"}
        ]
        if len(levels) == 1 and _component_of_total("fdiRegisteredCapital", levels[0].measure):
            out[i] = replace(fact, measure=levels[0].measure)
    return out


def _component_of_total(a: str, b: str) -> bool:
    """One is registered FDI, the other a component of it: the same figure named twice
    ("vốn FDI đăng ký đạt 128,6 triệu USD" ... "vốn cấp mới và tăng thêm đạt 128,6 triệu
    USD"), the component the more precise name."""
    pair = {a, b}
    if "fdiRegisteredCapital" not in pair or len(pair) != 2:
        return False
    other = (pair - {"fdiRegisteredCapital"}).pop()
    return other.startswith("fdi") and other.endswith("Capital") and other != "fdiRealisedCapital"


def _merge_ranking(found: list[DraftRanking], new: DraftRanking) -> None:
    for i, old in enumerate(found):
        unknown = "indicator-unknown" in {old.indicator, new.indicator}
        if old.key == new.key and (old.indicator == new.indicator or unknown):
            # A rank whose indicator was not read is the same rank read elsewhere with one.
            quotes = old.quotes + tuple(q for q in new.quotes if q not in old.quotes)
            known = new.indicator if old.indicator == "indicator-unknown" else old.indicator
            found[i] = replace(
                old,
                indicator=known,
                quotes=quotes,
                confidence=max(old.confidence, new.confidence),
                out_of=old.out_of or new.out_of,
            )
            return
    found.append(new)


def _with_ids(facts: list[_Fact]) -> tuple[_Fact, ...]:
    seen: dict[str, int] = {}
    out = []
    for fact in facts:
        kind = (
            fact.measure
            if isinstance(fact, DraftObservation)
            else f"rank-{fact.indicator.removeprefix('indicator-')}"
        )
        where = "unknown-province" if fact.area == UNKNOWN_PROVINCE else slug(fact.area)
        base = "-".join(filter(None, [where, slug(_kebab(kind)), slug(fact.period or "")]))
        seen[base] = seen.get(base, 0) + 1
        out.append(replace(fact, id=base if seen[base] == 1 else f"{base}-{seen[base]}"))
    return tuple(out)


def _kebab(name: str) -> str:
    return "".join(f"-{c.lower()}" if c.isupper() else c for c in name)


def _successor(fact: _Fact, as_of: date | None) -> _Fact:
    """The fact on the merged province of 2025 when its period (or the page) is after 1 July."""
    when = parse_iso_period(fact.period).end if fact.period else as_of
    if as_of is not None and as_of < MERGER_DATE:
        when = as_of  # a page from before the merger speaks of the provinces it knew
    if isinstance(fact, DraftRanking):
        return replace(fact, area=area_key(fact.area, when), scope=area_key(fact.scope, when))
    return replace(fact, area=area_key(fact.area, when))


def _subheadings(text: str, layout: Layout) -> list[tuple[int, int]]:
    """Where the body's subheadings are: short one-line paragraphs without a stop."""
    furniture = {(f.start, f.end) for f in layout.furniture}
    out = []
    for para in paragraphs(text, layout.body.start, layout.body.end)[1:]:
        line = para.text.strip()
        if (
            (para.start, para.end) not in furniture
            and "\n" not in line
            and len(line.split()) <= 16
            and line[-1:] not in set('.!?;:,…)"”')
        ):
            out.append((para.start, para.end))
    return out


def _fold_title(facts: list[_Fact], heads: list[tuple[int, int]]) -> list[_Fact]:
    """A headline or subheading figure without a period of its own (undated, or dated only
    by the page or the text before) is the body's figure that has one: one fact, its
    quotes the headline's and the body's ("Vốn FDI tăng 15,5 lần" above "Quý I, ... tăng
    15,5 lần so với cùng kỳ")."""
    out = list(facts)
    for fact in facts:
        head = next((h for h in heads if h[0] <= fact.quotes[0].start < h[1]), None)
        if head is None:
            continue
        inferred = getattr(fact, "period_inferred", None)
        title = head == heads[0]
        undated = fact.period is None or inferred == "published"
        if not undated and not (inferred == "context" and not title):
            continue
        twins = [
            f
            for f in out
            if f is not fact
            and f.period
            and f.period != fact.period
            and _bare(f) == _bare(fact)
            and not any(h[0] <= f.quotes[0].start < h[1] for h in heads)
        ]
        if not title:
            # A subheading heads what follows it: the first twin after it, else before.
            twins.sort(key=lambda f: (f.quotes[0].start < head[0], f.quotes[0].start))
        if twins:
            out.remove(fact)
            twin = twins[0]
            out[out.index(twin)] = replace(twin, quotes=fact.quotes + twin.quotes)
    return out


def _lead_end(text: str, layout: Layout) -> int:
    """Where the headline and the sapo (the first paragraph after the title) end."""
    furniture = {(f.start, f.end) for f in layout.furniture}
    paras = [
        p
        for p in paragraphs(text, layout.body.start, layout.body.end)
        if (p.start, p.end) not in furniture
    ]
    if len(paras) > 1 and paras[0].text.strip() == layout.title:
        return paras[1].end
    return paras[0].end if paras else 0


def _disagreements(facts: list[DraftObservation], lead_end: int) -> list[DraftObservation]:
    """A headline or sapo figure that the body states at another scale: flag the body's."""
    out = list(facts)
    for fact in facts:
        if fact.quotes[0].start >= lead_end or fact.source is not None:
            continue
        twins = [
            f
            for f in out
            if f is not fact
            and f.quotes[0].start >= lead_end
            and f.source is None
            and (f.area, f.measure, f.unit, f.comparison)
            == (fact.area, fact.measure, fact.unit, fact.comparison)
            and (fact.period is None or f.period == fact.period)
            and f.value != fact.value
            and _scaled(f.value, fact.value)
        ]
        if twins:
            out.remove(fact)
            twin = twins[0]
            note = f"the headline or sapo says {fact.figure!r}, the body {twin.figure!r}: check"
            out[out.index(twin)] = replace(
                twin, quotes=twin.quotes + fact.quotes, review=note, confidence=0.3
            )
    return out


def _known_area(key: str) -> bool:
    """A key the build knows: no region outside ``KNOWN_REGIONS``."""
    return key not in REGIONS or key in KNOWN_REGIONS


def _identity(o: DraftObservation) -> tuple[object, ...]:
    """What the loader takes to be one fact: two values for it would contradict."""
    return (
        o.area,
        o.measure,
        o.period,
        o.counterpart,
        o.comparison,
        o.stock,
        o.base,
        o.base_area,
        o.share_of,
        o.sector,
        o.source,
    )


def _one_value_each(facts: list[DraftObservation]) -> list[DraftObservation]:
    """One fact per identity: the first is kept, flagged with the figures that were dropped.

    ("tỷ lệ lấp đầy trên 60%, riêng KCN VSIP khoảng 80%": the second belongs to one park.)
    """
    kept: dict[tuple[object, ...], int] = {}
    out: list[DraftObservation] = []
    for fact in facts:
        key = _identity(fact)
        if key not in kept:
            kept[key] = len(out)
            out.append(fact)
            continue
        first = out[kept[key]]
        if first.qualifier != "exact" and fact.qualifier == "exact":
            first, fact = fact, first  # "hơn 15.000 tỷ đồng" in a headline, "15.320" below
        note = f"also stated as {fact.figure!r} (another part or place?): check"
        review = f"{first.review}; {note}" if first.review else note
        out[kept[key]] = replace(first, review=review, confidence=min(first.confidence, 0.5))
    return out


def _one_rank_each(facts: list[DraftRanking]) -> list[DraftRanking]:
    seen: set[tuple[object, ...]] = set()
    out = []
    for fact in facts:
        key = (fact.area, fact.indicator, fact.scope, fact.period, fact.comparator, fact.source)
        if key not in seen:
            seen.add(key)
            out.append(fact)
    return out


def _scaled(a: Decimal, b: Decimal) -> bool:
    """True when ``a`` and ``b`` differ by a power of ten (a scale word or a comma misread)."""
    if a == 0 or b == 0:
        return False
    ratio = max(abs(a), abs(b)) / min(abs(a), abs(b))
    return ratio in {Decimal(10) ** k for k in range(1, 7)}


def _bare(fact: DraftObservation | DraftRanking) -> tuple[object, ...]:
    if isinstance(fact, DraftObservation):
        return (fact.area, fact.value, fact.unit, fact.comparison, fact.source)
    return (fact.area, fact.scope, fact.rank, fact.comparator, fact.source)


def _teaser(block: TeaserBlock, as_of: date | None) -> DraftTeaser:
    end = block.summary.end if block.summary else block.headline.end
    return DraftTeaser(
        id=block.id,
        section=block.section,
        headline=block.headline.text,
        summary=block.summary.text if block.summary else None,
        about=tuple(area_key(a, as_of) for a in block.about),
        start=block.headline.start,
        end=end,
    )
