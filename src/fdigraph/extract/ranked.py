"""Who ranks where: the place a rank phrase is about, its scope, indicator and period.

A rank phrase ranks the place just before it ("Bắc Giang đứng thứ 7 cả nước") or, with
"là", the place after it ("đứng thứ hai là TP.HCM"). A ranking list goes on from the last
rank: "Hà Nội dẫn đầu với X, tiếp theo là Hải Phòng với Y, Bình Dương ..." ranks Hải
Phòng second and Bình Dương third, on the same indicator and in the same scope.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from fdigraph.extract.draft import DraftQuote, DraftRanking
from fdigraph.extract.gazetteer import COUNTRIES
from fdigraph.extract.periods import PeriodMention
from fdigraph.extract.places import Place
from fdigraph.extract.rankings import RankMention, indicator_of
from fdigraph.extract.respective import respective_ranks
from fdigraph.extract.text import Span

_NEXT = re.compile(
    r"\b(tiep theo (?:la|do la)|tiep den la|tiep do la|tiep sau la|theo sau la|ke den la"
    r"|xep sau la|sau do la|tiep theo|tiep den)\b"
)
# "đứng thứ 2 cả nước, chỉ sau Hà Nội": the place named is one rank ahead.
_BEHIND = re.compile(r",\s*(?:chi )?(?:xep |dung )?sau\s+(?:(?:tinh|thanh pho|tp\.?)\s+)?")
_COUNTRY_CODES = set(COUNTRIES) - {"VN"}
_SECTOR = re.compile(r"\b(nganh|linh vuc)\b")
# "Các địa phương thu hút nhiều vốn FDI nhất gồm Hà Nội (...), Bắc Ninh (...)": ranks 1, 2, ...
_LIST = re.compile(
    r"\b(?:nhieu|lon) (?:von )?(?:fdi |dau tu |von fdi )?nhat(?: ca nuoc)?"
    r" (?:gom|bao gom|la|lan luot la|gom co)\b"
)
# "TP.HCM đã vượt Hà Nội để dẫn đầu": the place overtaken is not the one ranked.
_OVERTAKEN = re.compile(r"\b(?:vuot|vuot qua|qua mat)\s+(?:(?:tinh|thanh pho|tp\.?)\s+)?$")
# "TP.HCM sau hợp nhất với Bình Dương và Bà Rịa - Vũng Tàu đã ...": the places merged into
# the subject are not ranked.
_MERGED_WITH = re.compile(r"\b(?:hop nhat|sap nhap) (?:voi|cung) [^,;.]*$")
_ON_COUNT = re.compile(r"\s*(?:ca )?ve (?:tong )?so (?:luong )?(?:du an|luot)")
_UNNAMED_FIELD = re.compile(r"\s*(?:trong |cua )?(?:vung|khu vuc)\b(?!\s+(?:fdi|von))")
_NAMED_AFTER = re.compile(r"^\s*(?:la|thuoc ve|goi ten)\s+(?:(?:tinh|thanh pho|tp\.?)\s+)?$")


@dataclass(frozen=True)
class Where:
    """The places and periods of a sentence, the period carried over, the area it is about."""

    places: list[Place]
    periods: list[PeriodMention]
    carried: PeriodMention | None
    area: str | None
    carried_here: bool = True  # the carried period is from the same paragraph


def _listed(
    folded: str, s: Span, where: Where, source: str | None, taken: set[int]
) -> list[DraftRanking]:
    cue = _LIST.search(folded, s.start, s.end)
    if cue is None:
        return []
    listed = [p for p in where.places if p.start >= cue.end() and p.code != "VN"]
    listed = [p for p in listed if p.kind == (listed[0].kind if listed else "province")]
    if not listed or listed[0].kind not in {"province", "country"}:
        return []
    ranks = list(range(1, len(listed) + 1))
    return _ranked(listed, ranks, "equal", cue, s, where, source, taken)


def _ranked(
    places: list[Place],
    ranks: list[int],
    comparator: str,
    cue: re.Match[str],
    s: Span,
    where: Where,
    source: str | None,
    taken: set[int],
) -> list[DraftRanking]:
    """One ranking per place of a list: countries rank among the area's investors, places
    in the country; the period is the cue's."""
    foreign = places[0].kind == "country"
    indicator = "indicator-investor-capital" if foreign else "indicator-fdi-attraction"
    scope = (where.area or "VN") if foreign else "VN"
    period = _period(cue.start(), cue.end(), where, indicator)
    out = []
    for place, rank in zip(places, ranks, strict=True):
        taken.add(place.start)
        out.append(
            DraftRanking(
                id="",
                area=place.code,
                indicator=indicator,
                scope=scope,
                rank=rank,
                quotes=(DraftQuote(s.text, s.start, s.end, source),),
                confidence=0.7,
                period=period,
                comparator=comparator,
                source=source,
            )
        )
    return out


_TOP_N = re.compile(
    r"\b(?:la|deu la|la nhung|thuoc nhom) (?P<n>hai|ba|bon|nam|\d{1,2}) (?P<who>nha dau tu|doi tac"
    r"|quoc gia(?:, vung lanh tho| va vung lanh tho)?|dia phuong|tinh(?:, thanh pho)?)"
    r"(?: [a-z ]{0,30}?)? (?:lon|nhieu|cao) (?:von )?nhat\b"
)
_JOINED = re.compile(r"\s*(?:,|va|,\s*va)\s*")
_COUNT_WORDS = {"hai": 2, "ba": 3, "bon": 4, "nam": 5}


def top_n_cue(folded: str, s: Span, at: int) -> bool:
    """True when ``at`` is the count of a "là ba nhà đầu tư lớn nhất" phrase."""
    cue = _TOP_N.search(folded, s.start, s.end)
    return cue is not None and cue.start("n") == at


def _top_n(
    folded: str, s: Span, where: Where, source: str | None, taken: set[int]
) -> list[DraftRanking]:
    """ "Hàn Quốc, Singapore và Nhật Bản là ba nhà đầu tư lớn nhất": each in the top three."""
    cue = _TOP_N.search(folded, s.start, s.end)
    if cue is None:
        return []
    n = int(cue["n"]) if cue["n"].isdigit() else _COUNT_WORDS[cue["n"]]
    before = [p for p in where.places if p.end <= cue.start() and p.code != "VN"]
    if not before or not re.fullmatch(r"\s*", folded[before[-1].end : cue.start()]):
        return []
    run = [before[-1]]
    for p in reversed(before[:-1]):
        if p.kind != run[0].kind or not _JOINED.fullmatch(folded[p.end : run[0].start]):
            break
        run.insert(0, p)
    if len(run) > n or run[0].kind not in {"province", "country"}:
        return []
    return _ranked(run, [n] * len(run), "at-most", cue, s, where, source, taken)


def who_place_kind(place: Place | None) -> str:
    return place.kind if place is not None else "province"


def _period(at: int, end: int, where: Where, indicator: str) -> str | None:
    before = [p for p in where.periods if p.end <= at]
    after = [p for p in where.periods if p.start >= end]
    # Only investment rankings take a period from an earlier paragraph.
    investment = indicator in {"indicator-fdi-attraction", "indicator-investor-capital"}
    carried = where.carried if where.carried_here or investment else None
    chosen = before[-1] if before else after[0] if after else carried
    return chosen.period.iso if chosen is not None and chosen.period is not None else None


def rank_facts(
    folded: str,
    s: Span,
    ranks: list[RankMention],
    where: Where,
    source: str | None,
    previous: DraftRanking | None = None,
) -> list[DraftRanking]:
    """The rankings a sentence states, list continuations included.

    ``previous`` is the last ranking of the sentence before: a sentence that opens with
    "Tiếp theo là ..." goes on with its list.
    """
    out: list[DraftRanking] = []
    taken_here: set[int] = set()
    stop_first = ranks[0].start if ranks else s.end
    if previous is not None and _NEXT.match(folded, s.start, stop_first):
        quoted = replace(previous, quotes=(DraftQuote(s.text, s.start, s.end, source),))
        foreign = previous.area in _COUNTRY_CODES
        out.extend(
            _continued(folded, quoted, s.start, stop_first, where.places, taken_here, foreign)
        )
    out.extend(_listed(folded, s, where, source, taken_here))
    top = _top_n(folded, s, where, source, taken_here)
    if top:
        out.extend(top)
        cue = _TOP_N.search(folded, s.start, s.end)
        ranks = [r for r in ranks if cue is None or not cue.start() <= r.start < cue.end()]
    respective = respective_ranks(folded, s, where.places)
    for place, rank, span in respective:
        foreign = place.kind == "country"
        listed_on = "indicator-investor-capital" if foreign else "indicator-fdi-attraction"
        taken_here.add(place.start)
        out.append(
            DraftRanking(
                id="",
                area=place.code,
                indicator=listed_on,
                scope=(where.area or "VN") if foreign else "VN",
                rank=rank,
                quotes=(DraftQuote(s.text, s.start, s.end, source),),
                confidence=0.7,
                period=_period(span.start, span.end, where, listed_on),
                source=source,
            )
        )
    if respective:
        span = respective[0][2]
        ranks = [r for r in ranks if not span.start <= r.start < span.end]
    scope_prev: str | None = None
    indicator_prev: str | None = None
    scopes: list[Place] = []
    subject: Place | None = None  # the place the sentence's last rank was of
    taken = taken_here
    places = where.places
    for i, r in enumerate(ranks):
        stop = ranks[i + 1].start if i + 1 < len(ranks) else s.end
        ahead = [
            p
            for p in places
            if r.end <= p.start < stop and p.kind in {"province", "region", "country"}
        ]
        named = next(
            (p for p in ahead if p.code != "VN" and _NAMED_AFTER.match(folded[r.end : p.start])),
            None,
        )
        # The field of a rank is the nation or a region named just after it, never a
        # province of the list that follows ("dẫn đầu với X, tiếp theo là Hải Phòng").
        scope_places = [
            p
            for p in ahead
            if p is not named and (p.kind == "region" or p.code == "VN") and p.start - r.end < 40
        ]
        ranked = [
            p
            for p in places
            if p.end <= r.start
            and p not in scopes
            and p.code != "VN"
            and p.kind != "region"
            and p.start not in taken
            and not _OVERTAKEN.search(folded, max(s.start, p.start - 12), p.start)
            and not _MERGED_WITH.search(folded, max(s.start, p.start - 40), p.start)
        ]
        who_place = named or (ranked[-1] if ranked else None)
        if who_place is None and subject is not None and r.comparator == "equal":
            # "Hà Nội, địa phương dẫn đầu năm 2024, năm nay lùi xuống vị trí thứ hai": the
            # same subject, ranked again.
            who_place = subject
        since = who_place.end if who_place is not None and who_place is not named else s.start
        if named is None and _SECTOR.search(folded, since, r.start):
            continue  # "ngành bất động sản đứng thứ hai": a sector's rank, not a place's
        if _ON_COUNT.match(folded, r.end, stop):
            continue  # "dẫn đầu về số dự án mới": on a count no indicator measures
        if not scope_places and _UNNAMED_FIELD.match(folded, r.end, stop):
            continue  # "dẫn đầu vùng về thu hút FDI": the region is not named, nor the scope
        foreign = who_place is not None and who_place.kind == "country"
        # An investor country ranks among the investors of the place the text is about.
        scope = (
            scope_places[0].code
            if scope_places and (named is None or scope_places[0].start < named.start)
            else scope_prev or (where.area if foreign and where.area else "VN")
        )
        scopes.extend(scope_places[:1])
        who = who_place.code if who_place else where.area
        if who is None or who == scope:
            continue
        if who_place is not None:
            taken.add(who_place.start)
            subject = who_place if r.comparator == "equal" else None
        indicator = indicator_of(folded, (s.start, r.start), (r.end, stop))
        if foreign:
            indicator = "indicator-investor-capital"
        if indicator is None and re.search(r"\busd\b", folded[r.end : stop]):
            indicator = "indicator-fdi-attraction"
        indicator = indicator or indicator_prev or "indicator-unknown"
        period = _period(r.start, r.end, where, indicator)
        confidence = 0.9 - (0 if scope_places else 0.15) - (0 if who_place else 0.15)
        confidence -= 0.3 if indicator == "indicator-unknown" else 0
        fact = DraftRanking(
            id="",
            area=who,
            indicator=indicator,
            scope=scope,
            rank=r.rank,
            quotes=(DraftQuote(s.text, s.start, s.end, source),),
            confidence=round(max(confidence, 0.1), 2),
            period=period,
            comparator=r.comparator,
            out_of=r.out_of,
            source=source,
        )
        out.append(fact)
        out.extend(_continued(folded, fact, r.end, stop, places, taken, foreign))
        ahead_of = _BEHIND.search(folded, r.end, stop)
        leader = [p for p in places if ahead_of and p.start == ahead_of.end()]
        if ahead_of and leader and fact.rank > 1 and leader[0].kind == who_place_kind(who_place):
            taken.add(leader[0].start)
            out.append(replace(fact, area=leader[0].code, rank=fact.rank - 1))
        scope_prev, indicator_prev = scope, indicator
    return out


def _continued(
    folded: str,
    first: DraftRanking,
    start: int,
    stop: int,
    places: list[Place],
    taken: set[int],
    foreign: bool,
) -> list[DraftRanking]:
    """The places a list names after "tiếp theo là", ranked one after another."""
    if first.comparator != "equal":
        return []
    cue = _NEXT.search(folded, start, stop)
    if cue is None:
        return []
    kind = "country" if foreign else "province"
    listed = [
        p
        for p in places
        if cue.end() <= p.start < stop and p.kind == kind and p.code not in {"VN", first.scope}
    ]
    out = []
    for n, place in enumerate(listed, start=1):
        if place.start in taken:
            continue
        taken.add(place.start)
        out.append(
            DraftRanking(
                id="",
                area=place.code,
                indicator=first.indicator,
                scope=first.scope,
                rank=first.rank + n,
                quotes=first.quotes,
                confidence=round(max(first.confidence - 0.1, 0.1), 2),
                period=first.period,
                source=first.source,
            )
        )
    return out
