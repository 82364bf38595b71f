"""Read the facts of one part of a page (the article, or one teaser), sentence by sentence.

Within a sentence a figure belongs to the nearest place before it ("cả nước là 68% thì
tỉ lệ của Bắc Giang là 76%"), else to the place after it, else to the place the
paragraph is about; its period is the nearest period phrase, else the one of the
sentence before (marked inferred).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from fdigraph.extract.comparisons import Base, Comparison, base_of, comparison_of
from fdigraph.extract.draft import DraftObservation, DraftQuote, DraftRanking
from fdigraph.extract.gazetteer import MERGERS
from fdigraph.extract.measures import (
    GROWTH_MEASURES,
    NEW_AND_ADJUSTED_COUNT,
    STOCK_CUES,
    Window,
    has_component,
    investor_side,
    measure_of,
)
from fdigraph.extract.periods import PeriodMention, current_year, find_periods
from fdigraph.extract.places import MERGER_DATE, Place, area_key, find_places
from fdigraph.extract.quantities import Quantity, find_quantities
from fdigraph.extract.ranked import Where, rank_facts, top_n_cue
from fdigraph.extract.rankings import find_ranks, indicator_of
from fdigraph.extract.respective import respective_figures
from fdigraph.extract.sectors import sector_in
from fdigraph.extract.tables import Heading, Row, heading_of, row_of
from fdigraph.extract.text import Span, sentences
from fdigraph.figures import Period, parse_iso_period

# "tỉnh", "địa phương": the place the paragraph is about; not after a number ("hai địa
# phương cũng vừa hợp nhất": others).
_REFERENCE = re.compile(
    r"(?<!cac )(?<!nhung )(?<!nhieu )(?<!mot )(?<!hai )(?<!ba )(?<!bon )"
    r"\b(toan tinh|trong tinh|tinh|dia phuong|thanh pho)\b"
)
# National figures named by who publishes them, not by "cả nước".
_NATIONAL = re.compile(r"\b(cuc dau tu nuoc ngoai|tong cuc thong ke|bo ke hoach va dau tu)\b")
_ESTIMATE = re.compile(r"\b(uoc dat|uoc tinh|uoc thuc hien|uoc|du kien|du bao)\b")
# "sẽ" (will: "thành phố sẽ trao chứng nhận cho khoảng 20 dự án") makes a forecast, unless
# a target is named ("mục tiêu đến năm 2030 tỉnh sẽ thu hút"); not "chia sẻ" (share).
_WILL = re.compile(r"(?<!chia )(?<!san )\bse\b")
_WHOLE_OF_SHARE = re.compile(r"\bchiem (?:khoang |gan |hon |tren )?[\d,]+\s*%[^,;%]*\bcua\s+$")
_BOTH_PARTS = re.compile(
    r"[^;.(]{0,40}?(?:\b(?:gom|bao gom|trong do)\s+|\()[\d.]+ du an (?:fdi|nuoc ngoai)\b[^;]{0,80}?"
    r"\b[\d.]+ du an (?:ddi|trong nuoc)\b"
)
_PLANNED = re.compile(r"\b(?:ke hoach|muc tieu|phan dau|chi tieu)(?: \w+)?\s*(?:trong\s+)?$")
_FORECAST_YEAR = re.compile(r"\b(?:uoc|du kien|du bao)(?: \w+)?\s*(?:trong\s+)?$")
_REPORTED = re.compile(r"\b(?:cho biet|cong bo|thong tin|bao cao|cho hay|ra mat|hop bao)\b")
_LICENSED = re.compile(
    r"\b(?:trao (?:giay )?chung nhan|cap (?:giay )?chung nhan|cap phep|cap moi|chap thuan chu"
    r" truong|quyet dinh chu truong|dieu chinh (?:tang )?von)\b"
)
_CONDITION = re.compile(r"\b(?:neu|gia su|trong truong hop)\b(?! so| tinh| xet| ke)[^,;.:]*$")
_FORECAST = re.compile(r"\b(du kien|du bao|ky vong)\b")
_TARGET = re.compile(r"\b(muc tieu|ke hoach|phan dau|chi tieu|dat muc tieu)\b")
# Words that name a plan without making a figure a target: the planning department, or
# a percent of the plan ("đạt 19% kế hoạch").
_NOT_STATUS = re.compile(
    r"\b(?:so )?ke hoach\s*(?:va|&|-|\u2013|\u2014)?\s*dau tu\b|\bkh\s*&\s*dt\b"
    r"|%\s*(?:so voi |cua )?(?:ke hoach|du toan|chi tieu|muc tieu)"
    r"|\b(?:vuot|so voi) (?:muc )?(?:ke hoach|du toan|chi tieu|muc tieu)"
)
_MERGED = re.compile(r"\(moi\)|\bsau (?:khi )?(?:sap nhap|hop nhat)\b")
_COUNTERPART = {"share", "level", "growth", "change", "multiplier"}
_OWNER_AFTER = re.compile(r"\s*(?:cua|tai)\s+$")
# What parks are is dated by its own sentence only, never by the period of a flow before.
_PARKS = {
    "industrialParkCount",
    "industrialClusterCount",
    "industrialParkArea",
    "industrialLandLeasedArea",
    "industrialParkOccupancyRate",
}
_INVESTMENT = re.compile(r"fdi|ddi|investment")
# Figures the model has no measure for: not proposed.
_NO_MEASURE = {"population", "projectCountBothSides", NEW_AND_ADJUSTED_COUNT}
_CAPITAL_OF_COUNT = {
    "fdiNewProjectCount": "fdiNewCapital",
    "fdiAdjustmentCount": "fdiAdjustedCapital",
    "fdiContributionCount": "fdiContributionCapital",
    "fdiCharterContributionCount": "fdiCharterContributionCapital",
    "fdiSharePurchaseCount": "fdiSharePurchaseCapital",
    "ddiNewProjectCount": "ddiNewCapital",
    "ddiAdjustmentCount": "ddiAdjustedCapital",
}
_ASIDE = re.compile(r"\b(?:rieng|chi rieng|tinh rieng)(?: trong)?(?: thang| quy)?\s*$")
_INVESTOR_WORD = re.compile(r"\b(fdi|ddi|nuoc ngoai|trong nuoc|von ngoai)\b")
_FLOW_CUES = re.compile(
    r"\b(cap moi|dieu chinh|gop von|thu hut|tang them|dang ky moi|du an moi|cap phep"
    r"|chu truong dau tu|von thuc hien|giai ngan)\b"
)
# Just after a figure dated "tính đến ngày ...": what makes it the year's flow to that day
# ("520 dự án mới", "đạt 16,28 tỷ USD, tăng 7,4% so với cùng kỳ"), not a stock.
_FLOW_AFTER = re.compile(
    r"\s*(?:fdi\s+)?(?:moi|duoc cap phep|duoc cap moi)\b|[^;]{0,25}\bso voi cung ky\b"
)


@dataclass
class Part:
    """One part of a page: its source (None: the main article), blocks and topic."""

    source: str | None
    blocks: list[list[Span]]  # paragraphs (article) or [headline + summary] (teaser)
    topic: str | None
    teaser: bool = False
    observations: list[DraftObservation] = field(default_factory=list)
    rankings: list[DraftRanking] = field(default_factory=list)


@dataclass
class _Sentence:
    """What one sentence holds, for reading its figures."""

    span: Span
    places: list[Place]
    periods: list[PeriodMention]
    quantities: list[Quantity]
    carried: PeriodMention | None
    area: str | None
    merged: bool
    stock_context: bool = False  # the period carried over is a stock's as-of day
    carried_here: bool = True  # the period carried over is from this paragraph
    published: date | None = None  # the page's date: what an undated stock is as of
    respective: dict[int, Place] = field(default_factory=dict)  # "lần lượt": figure -> place
    levels: list[DraftObservation] = field(default_factory=list)  # read so far, levels only
    heading: Span | None = None  # a table row's heading: its words name the row's measure


def read_part(
    text: str, folded: str, part: Part, year: int | None, published: date | None = None
) -> Part:
    """Fill ``part`` with the observations and rankings of its sentences."""
    carried: PeriodMention | None = None
    stock_context = False
    table: Heading | None = None
    rank_carried: PeriodMention | None = None  # as ``carried``, "năm nay" to date
    since_seen: list[PeriodMention] = []  # "từ năm 2021 đến nay" and the like, read so far
    for block in part.blocks:
        area = part.topic
        carried_here = False
        in_block_ranks = False
        last: DraftObservation | None = None
        if part.teaser:
            carried, stock_context = None, False
        if part.teaser:
            year = current_year(" ".join(span.text for span in block)) or year
            found = [
                p
                for span in block
                for p in find_periods(text, year, span.start, span.end, published)
                if p.period is not None and p.kind != "event-day"
            ]
            carried = found[0] if found else None
        for sentence in (s for span in block for s in sentences(text, span.start, span.end)):
            places = find_places(text, sentence.start, sentence.end)
            places = sorted(
                places + _references(folded, sentence, places, area), key=lambda p: p.start
            )
            periods = find_periods(text, year, sentence.start, sentence.end, published)
            if _REPORTED.search(folded, sentence.start, sentence.end) or not _LICENSED.search(
                folded, sentence.start, sentence.end
            ):
                # The day of licences ("Ngày 5/11, tỉnh trao giấy chứng nhận cho 3 dự án")
                # dates them; that of a report ("Ngày 20/9, Sở cho biết") or of a ground-
                # breaking (a project's capital) dates no figure.
                periods = [p for p in periods if p.kind != "event-day"]
            quantities = find_quantities(text, sentence.start, sentence.end)
            since_seen += [p for p in periods if p.kind == "since" and p.period is not None]
            back = _back_to(folded, sentence, periods, since_seen)
            if back is not None:
                # "sau gần 4 năm": the span the page opened with, not a duration.
                periods = sorted([*periods, back], key=lambda p: p.start)
                quantities = [q for q in quantities if not back.start <= q.start < back.end]
            # "ba nhà đầu tư lớn nhất", "top 5 địa phương": how many are ranked, no figure.
            quantities = [q for q in quantities if not top_n_cue(folded, sentence, q.start)]
            # "nếu hai dự án ... được cấp chủ trương": a condition, no fact.
            quantities = [
                q for q in quantities if not _CONDITION.search(folded, sentence.start, q.start)
            ]
            heading = heading_of(folded, sentence) if _line_end(text, sentence.end) else None
            row: Row | None = None
            if heading is None and table is not None and _line_start(text, sentence.start):
                row = (
                    row_of(text, folded, sentence, table) if _line_end(text, sentence.end) else None
                )
            table = heading or (table if row is not None else None)
            if row is not None and row.quantity is not None and not quantities:
                quantities = [row.quantity]
            merged = bool(_MERGED.search(folded, sentence.start, sentence.end))
            here = _Sentence(
                sentence,
                places,
                periods,
                quantities,
                carried,
                area,
                merged,
                stock_context,
                carried_here or part.teaser,
                None if part.teaser else published,  # a teaser has no date of its own
                respective_figures(folded, sentence, places, quantities),
            )
            if row is not None and table is not None:
                here.heading = table.span
            for i in range(len(quantities)):
                obs = _observation(folded, here, i, part, last)
                if obs.measure in _NO_MEASURE:
                    continue
                part.observations.append(obs)
                if obs.comparison == "level":
                    last = obs
                    here.levels.append(obs)
            ranks = find_ranks(folded, sentence.start, sentence.end)
            # "năm nay" in a report on the year so far ranks the year to date.
            rank_periods = [_to_date(folded, p, carried) for p in periods if p.kind != "now"]
            where = Where(
                places,
                rank_periods,
                rank_carried,
                area,
                carried_here or part.teaser,
            )
            previous = part.rankings[-1] if part.rankings and in_block_ranks else None
            found_ranks = rank_facts(folded, sentence, ranks, where, part.source, previous)
            if heading is not None:
                found_ranks = []  # "Top 5 địa phương ... (tỷ USD)": its rows rank, not it
            if row is not None and row.rank is not None and table is not None:
                found_ranks = _row_ranking(text, folded, sentence, row, table, where, part.source)
            part.rankings.extend(found_ranks)
            in_block_ranks = in_block_ranks or bool(found_ranks)
            # A target year ("phấn đấu đến năm 2030") is never carried to the next sentence.
            real = [
                p
                for p in periods
                if p.period is not None
                and not p.published
                and (year is None or p.period.begin.year <= year)
            ]
            # "Riêng trong tháng 3, ...": an aside; the next sentence is back on the span before.
            real = [p for p in real if not _aside(folded, p)]
            # "kế hoạch năm 2024 của tỉnh là 800 triệu USD", "Ước cả năm, ...": a plan's or a
            # forecast's year; the next sentence is still on the span reported.
            real = [p for p in real if not _planned(folded, p) and p.kind != "event-day"]
            if not part.teaser and real:
                rank_carried = _to_date(folded, real[-1], carried)
                carried, carried_here = real[-1], True
                stock_context = carried.as_of and bool(
                    STOCK_CUES.search(folded, sentence.start, sentence.end)
                )
            elif not part.teaser and any(p.kind in {"none", "now"} for p in periods):
                carried = rank_carried = None
                now = [p for p in periods if p.kind == "now" and p.period is not None]
                if now and STOCK_CUES.search(folded, sentence.start, sentence.end):
                    # "Lũy kế đến nay, ... . Hàn Quốc là nhà đầu tư lớn nhất": as of today.
                    rank_carried = now[-1]
            elif part.teaser or (not real and carried is None):
                rank_carried = carried
            lead = [p for p in places if p.kind == "province" and p.start - sentence.start < 25]
            if lead and not part.teaser and row is None:  # a table's row is no paragraph lead
                area = lead[0].code
    return part


_YEAR_WORDS = {"hai": 2, "ba": 3, "bon": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "muoi": 10}
_BACK = re.compile(
    r"\b(?:sau|trong|qua|trong vong)\s+(?:gan|hon|khoang|chua day)?\s*(?P<n>\d{1,2}|"
    + "|".join(w for w in _YEAR_WORDS)
    + r")\s+nam(?:\s+qua)?\b(?!\s+(?:nua|toi|sau|truoc|\d))"
)


def _back_to(
    folded: str, s: Span, periods: list[PeriodMention], since: list[PeriodMention]
) -> PeriodMention | None:
    """ "sau gần 4 năm" after "từ năm 2021 đến nay": the span read before, that long."""
    if not since or any(p.period is not None for p in periods):
        return None
    m = _BACK.search(folded, s.start, s.end)
    last = since[-1].period
    if m is None or last is None:
        return None
    n = int(m["n"]) if m["n"].isdigit() else _YEAR_WORDS[m["n"]]
    years = (last.end - last.begin).days / 365.25
    if abs(years - n) > 1:
        return None
    return PeriodMention(m.start(), m.end(), last, True, "since-back")


def _to_date(folded: str, p: PeriodMention, carried: PeriodMention | None) -> PeriodMention:
    """The year so far for "năm nay" after a part of this year ("11 tháng năm 2025")."""
    if p.kind != "this-year" or folded[p.start : p.end] != "nam nay" or p.period is None:
        return p
    if carried is None or carried.period is None or carried.as_of:
        return p
    span = carried.period
    if span.begin != p.period.begin or span.end >= p.period.end:
        return p
    return replace(p, period=span, inferred=True)


def _line_start(text: str, at: int) -> bool:
    return at == 0 or text[at - 1] == "\n" or not text[text.rfind("\n", 0, at) + 1 : at].strip()


def _line_end(text: str, at: int) -> bool:
    stop = text.find("\n", at)
    return not text[at : len(text) if stop < 0 else stop].strip()


def _row_ranking(
    text: str, folded: str, s: Span, row: Row, table: Heading, where: Where, source: str | None
) -> list[DraftRanking]:
    """The rank a numbered row under a ranking heading gives the place it names."""
    named = [
        p
        for p in where.places
        if row.label.start <= p.start < row.label.end and p.kind in {"province", "country"}
    ]
    if not named or named[0].code == "VN":
        return []
    who = named[0]
    h = table.span
    heads = find_places(text, h.start, h.end)
    if who.kind == "country":
        indicator = "indicator-investor-capital"
        inside = [p.code for p in heads if p.kind == "province"]
        scope = inside[0] if inside else where.area or "VN"
    else:
        cue = indicator_of(folded, (h.start, h.end), (h.end, h.end))
        indicator = cue or "indicator-fdi-attraction"
        regions = [p.code for p in heads if p.kind == "region"]
        scope = regions[0] if regions else "VN"
    own = [p for p in where.periods if p.period is not None]
    period = own[0] if own else where.carried
    return [
        DraftRanking(
            id="",
            area=who.code,
            indicator=indicator,
            scope=scope,
            rank=row.rank or 0,
            quotes=(DraftQuote(s.text, s.start, s.end, source),),
            confidence=0.7,
            period=period.period.iso if period is not None and period.period else None,
            source=source,
        )
    ]


def _planned(folded: str, p: PeriodMention) -> bool:
    """A plan's period ("kế hoạch năm 2024"), or a forecast's year ("Ước cả năm"), not the
    span the text reports on ("Ước 9 tháng" is)."""
    before = folded[max(0, p.start - 20) : p.start]
    if _PLANNED.search(before):
        return True
    return p.kind in {"this-year", "year"} and bool(_FORECAST_YEAR.search(before))


def _aside(folded: str, p: PeriodMention) -> bool:
    """One month or quarter set apart ("Riêng trong tháng 3"), within a longer span."""
    if p.kind not in {"one-month", "month", "quarter"}:
        return False
    return bool(
        _ASIDE.search(folded, max(0, p.start - 16), p.start)
        or re.match(r"(?:chi |tinh )?rieng\b", folded[p.start : p.end])
    )


def _references(folded: str, s: Span, places: list[Place], area: str | None) -> list[Place]:
    out = []
    if area is not None:
        for m in _REFERENCE.finditer(folded, s.start, s.end):
            # Not a name's title ("tỉnh Bắc Ninh") nor its apposition ("Hà Nội, địa phương
            # dẫn đầu năm 2024"): the place named is meant.
            if not any(0 <= p.start - m.end() <= 2 or 0 <= m.start() - p.end <= 2 for p in places):
                out.append(Place(area, "reference", m.start(), m.end()))
    if not any(p.kind == "province" for p in places):
        for m in _NATIONAL.finditer(folded, s.start, s.end):
            out.append(Place("VN", "country", m.start(), m.end()))
    return out


# A period the figure is given to, just after it: "500 triệu USD cho năm 2025".
_OWN_PERIOD_AFTER = re.compile(r"\s*(?:von fdi\s+)?(?:cho|vao)\s+")


def _period(
    q: Quantity,
    stock: bool,
    periods: list[PeriodMention],
    carried: PeriodMention | None,
    published: date | None = None,
    next_start: int | None = None,
    folded: str | None = None,
) -> tuple[str | None, str | None, bool]:
    """(ISO period, how it was inferred, whether it is a stock's as-of day) for ``q``.

    A period after the figure is its own only before the next figure ("vốn dự kiến 500-700
    triệu USD và kỳ vọng cấp phép 1 dự án trong quý IV": the quarter is the project's)."""
    usable = [p for p in periods if p.period is not None or p.kind in {"none", "now"}]
    if stock:
        days = [p for p in usable if p.period is not None and p.as_of]
        if days:
            usable = days
    else:
        if any(p.kind == "now" for p in usable) and not any(p.kind != "now" for p in usable):
            return None, None, False  # "hiện sử dụng 380.000 lao động": no span to give it
        usable = [p for p in usable if p.kind != "now"]
    before = [p for p in usable if p.end <= q.start]
    after = [p for p in usable if p.start >= q.end and (next_start is None or p.end <= next_start)]
    if next_start is not None and folded is not None:
        # "tỷ lệ lấp đầy đạt 63,3%, 10 tháng thu hút 41 dự án": a period that opens the next
        # clause is the next figure's.
        after = [
            p
            for p in after
            if not (
                re.search(r"[,;]", folded[q.end : p.start])
                and "," not in folded[p.end : next_start]
            )
        ]
    chosen = before[-1] if before else after[0] if after else None
    if folded is not None and after and _OWN_PERIOD_AFTER.fullmatch(folded, q.end, after[0].start):
        # "đặt mục tiêu 500 triệu USD cho năm 2025" after "Năm 2024, ...": the year given to
        # the figure itself.
        chosen = after[0]
    inferred: str | None = None
    if chosen is None:
        if (carried is None or carried.period is None) and stock and published is not None:
            # "Tỉnh có 37 KCN được quy hoạch": a stock with no date is as of the page's date.
            return published.isoformat(), "published", True
        if carried is None or carried.period is None:
            return None, None, False
        chosen, inferred = carried, "context"
    else:
        inferred = "context" if chosen.inferred else None
    if chosen.period is None:
        return None, None, False
    if chosen.published:
        inferred = "published"
    period = chosen.period
    if chosen.kind == "event-day":
        # "Ngày 5/11/2024, UBND tỉnh trao giấy chứng nhận cho 3 dự án": flows of that day.
        return chosen.period.iso, inferred, stock
    if chosen.since and not stock:
        # "từ ngày 1/7/2025, tỉnh thu hút 6 dự án": from that day to the page's date.
        if published is None or published < period.begin:
            return None, None, False
        return Period(period.begin, published).iso, "published", False
    if chosen.as_of and not stock:
        # "tính đến ngày 20/9, tổng vốn đăng ký cấp mới ... đạt": the year to that day.
        period = Period(date(period.end.year, 1, 1), period.end)
    return period.iso, inferred, chosen.as_of and stock


def _achieved_to_date(
    folded: str, here: _Sentence, q: Quantity, period: str, inferred: str | None
) -> tuple[str, str | None]:
    """ "Giai đoạn 2021-2025, mục tiêu ...; đến nay đã đạt 82% mục tiêu": what was achieved
    from the start of the plan's span to the page's date, not over the whole span."""
    now = [
        p
        for p in here.periods
        if p.kind == "now" and p.end <= q.start and folded[p.start : p.end] == "den nay"
    ]
    span = parse_iso_period(period)
    if not now or here.published is None or not span.begin < here.published < span.end:
        return period, inferred
    return Period(span.begin, here.published).iso, "published"


def _status(before: str) -> str | None:
    before = _NOT_STATUS.sub(" ", before)
    estimate = [m.end() for m in _ESTIMATE.finditer(before)]
    target = [m.end() for m in _TARGET.finditer(before)]
    if not target:
        estimate += [m.end() for m in _WILL.finditer(before)]
    if not estimate and not target:
        return None
    return "estimate" if max(estimate, default=-1) > max(target, default=-1) else "target"


def _observation(
    folded: str, here: _Sentence, i: int, part: Part, last: DraftObservation | None
) -> DraftObservation:
    s, q, qs = here.span, here.quantities[i], here.quantities
    lo = qs[i - 1].end if i > 0 else s.start
    hi = qs[i + 1].start if i + 1 < len(qs) else s.end
    before, after = folded[lo : q.start], folded[q.end : hi]
    head = folded[s.start : q.start]
    quotes: tuple[DraftQuote, ...] = (DraftQuote(s.text, s.start, s.end, part.source),)
    if here.heading is not None:
        # A table row: the words of its heading name what the row's figure is, and its unit.
        words = folded[here.heading.start : here.heading.end]
        before, head = f"{words} {before}", f"{words} {head}"
        h = here.heading
        quotes += (DraftQuote(h.text, h.start, h.end, part.source),)
    comparison = comparison_of(q, head[-40:], folded[q.end : s.end])
    stock_cue = bool(STOCK_CUES.search(head) or STOCK_CUES.search(after[:40]))
    dated = any(
        p.as_of and not p.published and p.kind != "event-day"
        for p in here.periods
        if p.end <= q.start
    )
    own = any(p.period is not None for p in here.periods)
    now = any(p.kind == "now" and not p.start > q.start for p in here.periods)
    flow = bool(_FLOW_CUES.search(head) or _FLOW_AFTER.match(folded, q.end, s.end))
    stock = stock_cue or ((dated or now) and not flow)
    stock = stock or (here.stock_context and not own and not flow)
    subject = _subject_after(folded, here)
    if subject is not None and subject.start > q.start:
        stock = True  # "Với 357 dự án, tổng vốn 5,98 tỷ USD, hiện Nhật Bản đứng thứ 2"
    domestic = "fdi" not in q.noun and investor_side(head, after)
    clause_after = re.split(r"[;,(:)]\s|\s[-\u2013]\s", after, maxsplit=1)[0]
    foreign = any(p.kind == "country" and p.code != "VN" for p in here.places)
    window = Window(before, clause_after, head, domestic, stock, foreign)
    measure, cued = measure_of(q, window)
    if q.unit in {"USD", "VND"} and i > 0 and last is not None and last.at == qs[i - 1].start:
        # "cấp mới 185 dự án với tổng vốn đăng ký 3,1 tỷ USD": the capital of those projects.
        linked = _CAPITAL_OF_COUNT.get(last.measure)
        # Not across a new clause with its own subject ("14 dự án; Hàn Quốc dẫn đầu về vốn
        # với 18,7 triệu USD": the capital of all Korea's projects, not of those 14).
        new_subject = ";" in before or any(
            qs[i - 1].end <= p.start < q.start
            and re.fullmatch(r"[^;]*[,;]\s*", folded[qs[i - 1].end : p.start])
            for p in here.places
        )
        # and only with a word that joins them ("với tổng vốn", "vốn"), not a bare comma
        # of a table's columns ("Năm 2021: 12 dự án, 1.520 triệu USD").
        joined = re.search(r"\b(voi|von|them|tri gia|gia tri)\b|\|", before)
        if linked and joined and not has_component(before) and len(before) < 60 and not new_subject:
            measure, cued = linked, True
    if q.unit == "NUM" and "fdi" not in q.noun and _BOTH_PARTS.match(folded, q.end, s.end):
        # "498 dự án còn hiệu lực, gồm 312 dự án FDI ... và 186 dự án DDI": projects of both
        # sides, a count the model has no measure for (its parts are read).
        measure = "projectCountBothSides"
    base_level = _base_level(folded, here, q, comparison.code)
    if base_level is not None:
        measure, cued = base_level[1].measure, True
    if comparison.code != "level" and measure not in GROWTH_MEASURES:
        measure, cued = _compared(q, comparison.code, measure, cued, after, here, i, last)
        named = _clause_measure(q, head, part.observations[-8:])
        if named is not None:
            measure, cued = named, True
    elif measure in GROWTH_MEASURES:
        comparison = Comparison("level")
    subjects = [
        p
        for p in here.places
        if (p.kind in {"province", "reference"} or p.code == "VN") and not p.scope_only
    ]
    # A place in brackets the figure is not in qualifies the words there ("(tính gộp An
    # Giang và Kiên Giang cũ), nhưng vốn cấp mới gấp 2,6 lần"): no subject of the figure.
    subjects = [p for p in subjects if not _bracketed(folded, p, q, s)]
    # "chiếm 43% số dự án của cả nước, nhưng ... bình quân 2,4 triệu USD/dự án": the whole a
    # share is of is not the subject of the figures after it.
    subjects = [
        p
        for p in subjects
        if not (
            p.end <= q.start and _WHOLE_OF_SHARE.search(folded, max(s.start, p.start - 70), p.start)
        )
    ]
    before_places = [p for p in subjects if p.end <= q.start]
    after_places = [p for p in subjects if p.start >= q.end]
    chosen = before_places[-1] if before_places else after_places[0] if after_places else None
    turn = here.respective.get(i)
    if turn is not None and turn.kind == "province":
        chosen = turn  # "Hải Phòng, TP.HCM và Bình Dương với lần lượt 1,72, 1,46 và 1,05 tỷ"
    if after_places and _OWNER_AFTER.fullmatch(folded[q.end : after_places[0].start]):
        chosen = after_places[0]  # "mức 6,5% của cả nước"
    area = chosen.code if chosen else (here.area or "VN")
    if here.merged and area in MERGERS:
        area = area_key(area, MERGER_DATE)
    stock = stock or measure in _PARKS
    is_stock = stock and comparison.code == "level"
    carried = None if measure in _PARKS else here.carried
    if not here.carried_here and not _INVESTMENT.match(measure):
        carried = None  # only investment figures take a period from an earlier paragraph
    # Figures joined bare ("1,2 tỷ USD và 50 dự án trong 9 tháng") share the period after.
    if _FORECAST.search(head.rsplit(";", 1)[-1]):
        # "đang làm việc với 3 nhà đầu tư có tổng vốn dự kiến 500-700 triệu USD": a forecast
        # its sentence does not date is not of the period the text was on before.
        carried = None
    later = [
        o.start
        for o in qs[i + 1 :]
        if not re.fullmatch(r"[\s,]*(?:va|voi|cung)?\s*", folded[q.end : o.start])
    ]
    period, inferred, _ = _period(
        q, is_stock, here.periods, carried, here.published, later[0] if later else None, folded
    )
    if base_level is not None:
        # "tăng 60,7% so với cùng kỳ năm 2023 (37,37 triệu USD)": the level of the base.
        at, level = base_level
        compared = base_of(folded[s.start : s.end], at - s.start, level.period).period
        period, inferred = compared, level.period_inferred if compared else None
        is_stock = level.stock and compared is not None and len(compared) == 10
    # "... tổng vốn 1,93 tỷ USD, chiếm 40,9% tổng vốn FDI": a share of a position is as of
    # its day.
    if (
        comparison.code == "share"
        and last is not None
        and last.stock
        and last.quotes[0].start == s.start
        and not any(last.at <= p.start < q.start for p in here.periods)
    ):
        period, inferred = last.period, last.period_inferred
    if comparison.code.startswith("plan") and period is not None:
        period, inferred = _achieved_to_date(folded, here, q, period, inferred)
    base = Base()
    if comparison.code in {"change", "growth", "multiplier"}:
        base = base_of(folded[s.start : s.end], q.start - s.start, period)
    counterpart = _counterpart(folded, here, i, measure, comparison.code, last)
    sector = _sector(folded, here, q, lo, measure, comparison.code, last)
    share_of = None
    if comparison.code == "share":
        share_of = _share_of(folded, here, q, area)
    confidence = 0.95 - (0 if cued else 0.25) - (0 if chosen else 0.15)
    confidence -= (0.1 if inferred else 0) + (0.1 if q.word_numeral else 0)
    value = q.value * comparison.sign
    unit = q.unit
    if comparison.code in {"growth", "share", "plan-percent", "plan-excess"}:
        unit = "PERCENT"
    status = _status(head.rsplit(";", 1)[-1])
    if comparison.code.startswith("plan") and status == "target":
        status = None  # "bằng 19% kế hoạch": the plan is the base, the figure no target
    qualifier = q.qualifier
    if comparison.code == "plan-excess" and re.search(r"\bvuot\s+$", folded[s.start : q.start]):
        qualifier = "exact"  # "vượt 50% kế hoạch": the excess itself, not "more than"
    hold = None
    if _sub_split(folded, s, q, qs[:i]):
        hold = _SUB_SPLIT_NOTE
    return DraftObservation(
        id="",
        hold=hold,
        area=area,
        measure=measure,
        period=period,
        figure=q.figure,
        value=value,
        unit=unit,
        quotes=quotes,
        confidence=round(max(confidence, 0.1), 2),
        qualifier=qualifier,
        status=status,
        period_inferred=inferred,
        counterpart=counterpart,
        source=part.source,
        comparison=comparison.code,
        stock=is_stock and period is not None and len(period) == 10,
        base=base.period,
        base_area=base.area,
        share_of=share_of,
        value_max=q.value_max,
        sector=sector,
        at=q.start,
    )


# "(trong KCN 292 dự án ...; ngoài KCN 173 dự án ...)": the parts of the total before.
_PART_OF_PARKS = re.compile(
    r"(?:^|[(;,]\s*)(?:trong do[:,]?\s*)?(?:trong|ngoai|tai|o|thuoc)\s+(?:cac\s+)?"
    r"(?:kcn|khu cong nghiep|khu kinh te|kkt|ccn|cum cong nghiep)\b"
)
_SUB_SPLIT_NOTE = (
    "a part of the total before its brackets (in or outside the industrial parks), not the"
    " province's total: add it only with what it is a part of named"
)


def _sub_split(folded: str, s: Span, q: Quantity, before: list[Quantity]) -> bool:
    """True for a figure in brackets that split the figure before them by where the projects
    are ("465 dự án ... (trong KCN 292 dự án ...; ngoài KCN 173 dự án ...)")."""
    opened = folded.rfind("(", s.start, q.start)
    if opened < 0 or ")" in folded[opened : q.start]:
        return False
    if not any(b.end <= opened and (b.unit == "NUM") == (q.unit == "NUM") for b in before):
        return False
    return bool(_PART_OF_PARKS.search(folded[opened : q.start]))


# "so với cùng kỳ năm 2023 (": a figure in brackets just after a comparison's base.
_BASE_VALUE = re.compile(
    r"\b(?P<base>so voi|so) (?:cung ky|(?:ca )?nam|thang|quy)\b[^;()]{0,30}\(\s*"
    r"(?:khoang |gan |hon |tren |dat |la |chi )?$"
)


def _base_level(
    folded: str, here: _Sentence, q: Quantity, code: str
) -> tuple[int, DraftObservation] | None:
    """(where the base is named, the level compared) for an amount or count in brackets
    after a comparison's base ("vượt nhiều lần so với cùng kỳ năm 2023 (35,4 triệu USD)"):
    the level of the same measure in the base period, not a figure of its own."""
    if code != "level" or q.unit not in {"USD", "VND", "NUM"}:
        return None
    m = _BASE_VALUE.search(folded, max(here.span.start, q.start - 80), q.start)
    if m is None or not re.match(r"\s*\)", folded[q.end : q.end + 3]):
        return None
    money = q.unit != "NUM"
    for level in reversed(here.levels):
        if level.at < m.start() and (level.unit != "NUM") == money:
            return m.start("base"), level
    return None


def _sector(
    folded: str,
    here: _Sentence,
    q: Quantity,
    lo: int,
    measure: str,
    code: str,
    last: DraftObservation | None,
) -> str | None:
    """The sector a figure is of: named in its clause just before it ("kinh doanh bất động
    sản thu hút 1,18 tỷ USD"), or that of the figure a share follows ("..., chiếm 17,1%")."""
    if q.unit not in {"USD", "VND", "PERCENT"} or not _INVESTMENT.match(measure):
        return None
    start = max(lo, q.start - 90, folded.rfind(";", here.span.start, q.start) + 1)
    found = sector_in(folded, start, q.start)
    if found is not None:
        return found[0]
    if (
        code == "share"
        and last is not None
        and last.quotes[0].start == here.span.start
        and ";" not in folded[last.at : q.start]
    ):
        return last.sector
    return None


def _bracketed(folded: str, p: Place, q: Quantity, s: Span) -> bool:
    """True when ``p`` is inside brackets of the sentence that do not hold ``q``."""
    lo, hi = (p.end, q.start) if p.end <= q.start else (q.end, p.start)
    between = folded[lo:hi]
    if p.end <= q.start:
        opened = folded.rfind("(", s.start, p.start)
        return opened >= 0 and ")" not in folded[opened : p.start] and ")" in between
    closed = folded.find(")", p.end, s.end)
    return closed >= 0 and "(" not in folded[p.end : closed] and "(" in between


def _clause_measure(q: Quantity, head: str, recent: list[DraftObservation]) -> str | None:
    """The capital a comparison's own clause names ("nhưng vốn cấp mới gấp 2,6 lần", "còn
    vốn đầu tư trong nước tăng 27,4%"), over the level the sentence stated before it."""
    clause = re.split(r"[,;(:]\s|\s[-\u2013]\s|\)\s*", head)[-1]
    if not re.search(r"\bvon\b", clause) or re.search(r"\b(?:ve|cua) (?:so |tong )?von\b", clause):
        return None
    if not (has_component(clause) or _INVESTOR_WORD.search(clause)):
        return None  # "nhưng vốn đăng ký tăng 21,6%": the sentence's level says whose
    money = replace(q, unit="USD", change="", noun="usd")
    domestic = investor_side(clause, "")
    measure, _ = measure_of(money, Window(clause, "", clause, domestic, False))
    if measure == "ddiRegisteredCapital":
        # Domestic capital compared: that of the domestic level just stated.
        for o in reversed(recent):
            if o.comparison == "level" and o.measure.startswith("ddi") and o.unit == "VND":
                return o.measure
    return measure if _INVESTMENT.match(measure) else None


def _compared(
    q: Quantity,
    code: str,
    measure: str,
    cued: bool,
    after: str,
    here: _Sentence,
    i: int,
    last: DraftObservation | None,
) -> tuple[str, bool]:
    """The measure a change, growth, share or multiplier is of: the level it follows."""
    if code == "change" and q.unit == "NUM":
        return measure, cued
    if re.match(r"^\s*(?:ve|cua) (?:so )?(?:luong )?(?:du an|luot)", after):
        want = "NUM"
    elif re.match(r"^\s*(?:ve|cua) (?:so |tong )?von", after):
        want = "money"
    else:
        want = None
    # The level it follows in the sentence, of the kind "về số vốn" / "về số dự án" asks for.
    for level in reversed(here.levels):
        if want is None or (want == "NUM") == (level.unit == "NUM"):
            return level.measure, True
    if code == "change" or cued:
        return measure, cued
    if last is not None:
        return last.measure, False
    return measure, cued


def _counterpart(
    folded: str, here: _Sentence, i: int, measure: str, code: str, last: DraftObservation | None
) -> str | None:
    """The investor country of a figure: named between it and the figure before, or just after."""
    if not (measure.startswith("fdi") or measure == "investmentCapitalAttracted"):
        return None
    q, qs = here.quantities[i], here.quantities
    lo = qs[i - 1].end if i > 0 else here.span.start
    subject = _subject_after(folded, here)
    if subject is not None and subject.start > q.start:
        return subject.code
    foreign = [p for p in here.places if p.kind == "country" and p.code != "VN"]
    near = [p for p in foreign if lo <= p.start < q.start]
    if near:
        return near[-1].code
    after = [p for p in foreign if q.end <= p.start <= q.end + 40]
    hi = qs[i + 1].start if i + 1 < len(qs) else here.span.end
    if after and after[0].start < hi and re.search(r"\b(cua|tu)\b", folded[q.end : after[0].start]):
        return after[0].code
    if code != "level" and last is not None and last.quotes[0].start == here.span.start:
        return last.counterpart
    if last is not None and i > 0 and last.at == qs[i - 1].start and last.counterpart:
        # "Hàn Quốc ... với 98 dự án, tổng vốn 1,93 tỷ USD": the figures of one investor,
        # unless a clause or another place comes between.
        gap = folded[lo : q.start]
        if (
            ";" not in gap
            and len(gap) < 60
            and not any(lo <= p.start < q.start for p in here.places)
        ):
            return last.counterpart
    return None


def _subject_after(folded: str, here: _Sentence) -> Place | None:
    """The investor country a sentence opening with "Với ..." is about, named after its figures."""
    if not re.match(r"\s*voi\s", folded[here.span.start : here.span.start + 6]):
        return None
    return next((p for p in here.places if p.kind == "country" and p.code != "VN"), None)


def _share_of(folded: str, here: _Sentence, q: Quantity, area: str) -> str | None:
    """The area whose total a share is of, when it is named after the percent and is not ``area``."""
    whole = [
        p
        for p in here.places
        if q.end <= p.start <= q.end + 60 and (p.kind == "province" or p.code == "VN")
    ]
    if whole and whole[0].code != area:
        return whole[0].code
    return None
