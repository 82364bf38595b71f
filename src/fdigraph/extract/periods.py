"""Find the periods a Vietnamese text names, and the year its undated phrases mean.

"8 tháng đầu năm 2024", "7 tháng" (year from context), "năm 2023", "2020 - 2022",
"quý I/2024", "tháng 8/2023", "26/11/2024"; "nhiều năm liền" and "hiện nay" name no
period and stop one from being carried over from the sentence before.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date

from fdigraph.errors import FigureError
from fdigraph.extract.text import fold
from fdigraph.figures import Period, parse_iso_period

_YEAR = r"(19[89]\d|20[0-4]\d)"
_MONTHS_WORDS = {
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "nam": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
    "muoi": 10,
    "muoi mot": 11,
    "muoi hai": 12,
}
_MONTHS = r"(\d{1,2}|muoi mot|muoi hai|mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi)"
_UNTIL = r"(?:den|toi|den het|toi het|den cuoi|het)"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "span",
        re.compile(
            rf"\b(?:tu )?thang (\d{{1,2}}) (?:den|-|toi) (?:het )?thang (\d{{1,2}})"
            rf"(?:(?:/| nam ){_YEAR})?\b"
        ),
    ),
    (
        "to-month",
        re.compile(
            rf"\b(?:tinh )?tu dau nam(?: {_YEAR})? {_UNTIL} thang (\d{{1,2}})(?:(?:/| nam ){_YEAR})?\b"
        ),
    ),
    (
        "to-day",
        re.compile(
            rf"\b(?:tinh )?tu dau nam(?: {_YEAR})? {_UNTIL} (?:ngay )?(\d{{1,2}})[/-](\d{{1,2}})"
            rf"(?:[/-]{_YEAR})?\b"
        ),
    ),
    ("to-now", re.compile(rf"\b(?:tinh )?tu dau nam(?: {_YEAR})? (?:den|toi) nay\b")),
    # "từ ngày 1/7 đến nay": from that day to the page's date; "từ ngày 1/7/2025" alone:
    # the day a stock is counted from, or the start of a flow to the page's date.
    (
        "since-day",
        re.compile(
            rf"\btu ngay (\d{{1,2}})[/-](\d{{1,2}})(?:[/-]{_YEAR})?(?![/\d-])"
            rf"(?:\s*(den nay|toi nay|den het nam nay))?"
        ),
    ),
    (
        "since",
        re.compile(
            rf"\b(?:tu|trong giai doan|giai doan|tu nam) (?:nam )?{_YEAR}\s*(?:den nay|-\s*nay)\b"
        ),
    ),
    ("year-end", re.compile(rf"\b(?:den het|den cuoi|het) nam {_YEAR}\b")),
    # "đến giữa tháng 9": as of the 15th.
    (
        "mid-month",
        re.compile(rf"\b(?:tinh )?(?:den|toi) giua thang (\d{{1,2}})(?:(?:/| nam ){_YEAR})?\b"),
    ),
    (
        "month-end",
        re.compile(rf"\b{_UNTIL} thang (\d{{1,2}})(?:(?:/| nam ){_YEAR})?\b"),
    ),
    ("half", re.compile(rf"\b(?:nua dau nam|6 thang dau nam)(?: {_YEAR})?\b")),
    (
        "months",
        re.compile(
            rf"\b{_MONTHS} thang(?: dau)?(?: nam)?(?:[ /]{_YEAR})?(?! truoc| qua| toi| \d)\b"
        ),
    ),
    ("quarter", re.compile(rf"\bquy (iv|i{{1,3}}|[1-4])(?:(?:/| nam ){_YEAR})?\b")),
    ("day", re.compile(rf"\b(\d{{1,2}})([/-])(\d{{1,2}})\2{_YEAR}\b")),
    ("day-no-year", re.compile(r"\b(?:ngay )?(\d{1,2})[/-](\d{1,2})(?![/\d-])")),
    ("month", re.compile(rf"\bthang (\d{{1,2}})(?:/| nam ){_YEAR}\b")),
    ("one-month", re.compile(r"\b(?:trong|rieng|chi rieng|tinh rieng) thang (\d{1,2})\b(?!/)")),
    # "Kim ngạch xuất khẩu tháng 2 ước đạt ...": one month of the year in context.
    (
        "one-month",
        re.compile(
            r"(?<!\d )(?<!tu )\bthang (\d{1,2})\b(?![/-]|\s*(?:nam|den|toi|-|\u2013)\b|\s*\d)"
        ),
    ),
    ("years", re.compile(rf"\b{_YEAR}\s*[-\u2013]\s*{_YEAR}\b")),
    ("year", re.compile(rf"\bnam {_YEAR}\b")),
    ("this-year", re.compile(r"\b(trong nam|nam nay|ca nam)\b(?! \d)")),
    (
        "now",
        re.compile(
            r"\b(den nay|tu truoc den nay|hien nay|hien co)\b"
            r"|(?<!thuc )(?<!xuat )(?<!the )(?<!phat )(?<!bieu )(?<!trinh )(?<!tai )"
            r"\bhien(?= \w|,)(?! (?:dai|thuc|tuong|truong|vat|dien|ke|than|hanh|hau|nhien|minh)\b)"
        ),
    ),
    ("none", re.compile(r"\b(nhieu nam (lien|qua)|nhung nam qua|thoi gian qua)\b")),
)
# A period after these words is the base of a comparison, not the period of a figure.
# "gấp 3,1 lần năm 2023": the year a multiplier is of.
_BASE = re.compile(
    r"(?:\b(?:so voi|cung ky|vuot|tang \d+ bac so voi)|\d\s*lan|\bgap (?:doi|ba|bon))"
    r"\s*(cung ky\s*)?(nam\s*)?$"
)
# A date after these words is the "as of" of a stock; any other date is an event's.
_AS_OF = re.compile(r"\b(tinh den|den|den het|luy ke den|luy ke den het|toi)\s*(ngay\s*)?$")
# "Ngày 5/11/2024, UBND tỉnh trao giấy chứng nhận cho 3 dự án": the day of what is told.
_EVENT_DAY = re.compile(r"(?:^|[.!?\n]\s*)ngay\s+$")
_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@dataclass(frozen=True)
class PeriodMention:
    """A period phrase: where it is, what it means (None: explicitly no period)."""

    start: int
    end: int
    period: Period | None
    inferred: bool  # the year came from context
    kind: str = ""  # the pattern: months, day, month-end, now, ...
    published: bool = False  # the period ends at the article's publication date
    since: bool = False  # "từ ngày 1/7": a day that starts a span, not one that ends it

    @property
    def as_of(self) -> bool:
        """A day a stock is counted at ("tính đến ngày 30/9", "đến hết tháng 11", "đến nay")."""
        return self.period is not None and self.period.begin == self.period.end


def find_periods(
    text: str,
    year: int | None,
    start: int = 0,
    end: int | None = None,
    published: date | None = None,
) -> list[PeriodMention]:
    """Period phrases in ``text[start:end]``; ``year`` completes phrases without one."""
    stop = len(text) if end is None else end
    folded = fold(text[:stop])
    found: list[PeriodMention] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(folded, start, stop):
            if any(a < match.end() and match.start() < b for a, b in taken):
                continue
            # Only the words of the span read: "... tăng 15,5 lần" ending a subheading
            # makes no base of "Quý I/2024" opening the paragraph after it.
            before = folded[max(start, match.start() - 30) : match.start()]
            event = kind == "day" and bool(
                _EVENT_DAY.search(folded, max(0, match.start() - 8), match.start())
            )
            if kind in {"day", "day-no-year"} and not _AS_OF.search(before) and not event:
                continue
            mention = _read(kind, match, year, published)
            if mention is not None and event and not _AS_OF.search(before):
                mention = replace(mention, kind="event-day")
            if mention is not None and _BASE.search(before):
                mention = None
            if mention is not None:
                found.append(mention)
                taken.append((match.start(), match.end()))
    return sorted(found, key=lambda m: m.start)


def _months(word: str) -> int:
    return int(word) if word.isdigit() else _MONTHS_WORDS[word]


def _day(y: int, m: int, d: int) -> Period:
    day = date(y, m, d)
    return Period(day, day)


def _month_end(y: int, m: int) -> date:
    return parse_iso_period(f"{y}-{m:02d}").end


def _read(
    kind: str, match: re.Match[str], year: int | None, published: date | None
) -> PeriodMention | None:
    s, e = match.start(), match.end()

    def made(period: Period | None, inferred: bool, **extra: bool) -> PeriodMention:
        return PeriodMention(s, e, period, inferred, kind, **extra)

    try:
        if kind == "span":
            first, last, y = int(match[1]), int(match[2]), match[3] or year
            if y is None:
                return None
            return made(parse_iso_period(f"{y}-{first:02d}/{y}-{last:02d}"), match[3] is None)
        if kind == "to-month":
            y = match[1] or match[3] or year
            if y is None:
                return None
            return made(
                parse_iso_period(f"{y}-01/{y}-{int(match[2]):02d}"), not (match[1] or match[3])
            )
        if kind == "to-day":
            y = match[1] or match[4] or year
            if y is None:
                return None
            upto = date(int(y), int(match[3]), int(match[2]))
            return made(Period(date(int(y), 1, 1), upto), not (match[1] or match[4]))
        if kind == "to-now":
            y = int(match[1]) if match[1] else (published.year if published else year)
            if published is None or y is None:
                return made(None, False, published=True)
            return made(Period(date(y, 1, 1), published), True, published=True)
        if kind == "since-day":
            y = match[3] or year
            if y is None:
                return None
            day = date(int(y), int(match[2]), int(match[1]))
            if match[4] is None:
                return made(Period(day, day), match[3] is None, since=True)
            if published is None or published < day:
                return made(None, False, published=True)
            return made(Period(day, published), True, published=True)
        if kind == "since":
            if published is None:
                return made(None, False, published=True)
            return made(Period(date(int(match[1]), 1, 1), published), True, published=True)
        if kind == "year-end":
            end_of_year = date(int(match[1]), 12, 31)
            return made(Period(end_of_year, end_of_year), False)
        if kind == "mid-month":
            y = match[2] or year
            if y is None or not 1 <= int(match[1]) <= 12:
                return None
            return made(_day(int(y), int(match[1]), 15), match[2] is None)
        if kind == "month-end":
            y = match[2] or year
            if y is None or not 1 <= int(match[1]) <= 12:
                return None
            month_end = _month_end(int(y), int(match[1]))
            return made(Period(month_end, month_end), match[2] is None)
        if kind == "half":
            y = match[1] or year
            return None if y is None else made(parse_iso_period(f"{y}-01/{y}-06"), match[1] is None)
        if kind == "months":
            if not match[1].isdigit() and "dau" not in match[0] and not match[2]:
                # "Chín tháng, giá trị xuất khẩu ... đạt": months in words opening a sentence
                # are the span of the year in context; elsewhere "ba tháng" may be a duration.
                opens = re.search(r"(?:^|[.!?\n])\s*$", match.string[max(0, s - 3) : s])
                if not (opens and match.string.startswith(",", e)):
                    return None
            months, y = _months(match[1]), match[2]
            if not 1 <= months <= 12 or (y is None and year is None):
                return None
            iso = f"{y or year}-01/{y or year}-{months:02d}"
            return made(parse_iso_period(iso), y is None)
        if kind == "quarter":
            q, y = _QUARTERS[match[1]], match[2] or year
            if y is None:
                return None
            return made(parse_iso_period(f"{y}-{3 * q - 2:02d}/{y}-{3 * q:02d}"), match[2] is None)
        if kind == "day":
            return made(_day(int(match[4]), int(match[3]), int(match[1])), False)
        if kind == "day-no-year":
            if year is None:
                return None
            return made(_day(year, int(match[2]), int(match[1])), True)
        if kind == "month":
            return made(parse_iso_period(f"{match[2]}-{int(match[1]):02d}"), False)
        if kind == "one-month":
            return (
                None
                if year is None
                else made(parse_iso_period(f"{year}-{int(match[1]):02d}"), True)
            )
        if kind == "years":
            return made(parse_iso_period(f"{match[1]}/{match[2]}"), False)
        if kind == "year":
            return made(parse_iso_period(match[1]), False)
        if kind == "this-year":
            return None if year is None else made(parse_iso_period(str(year)), True)
        if kind == "now":
            if published is None:
                return made(None, False, published=True)
            return made(Period(published, published), True, published=True)
    except (FigureError, ValueError, KeyError):
        return None
    return made(None, False)


def current_year(text: str) -> int | None:
    """The year an article reports on: that of its part-year figures, else its commonest."""
    folded = fold(text)
    partial = [int(m[1]) for m in re.finditer(rf"\d{{1,2}} thang(?: dau)? nam {_YEAR}", folded)]
    if partial:
        return max(partial)
    days = [
        m.groups()
        for m in re.finditer(rf"\b\d{{1,2}}[/-](\d{{1,2}})[/-]{_YEAR}", folded)
        if 1 <= int(m[1]) <= 12
    ]
    if days:
        month, latest = max((int(y), int(mo)) for mo, y in days)[::-1]
        # A review dated in January or February of "cả năm 2024": it reports on 2024.
        if month <= 2 and re.search(rf"\bca nam {latest - 1}\b", folded):
            return latest - 1
        return latest
    # "Quý I/2024, ... tăng 60,7% so với cùng kỳ năm 2023": the quarter's year, not the base's.
    parts = [
        int(m[1])
        for m in re.finditer(
            rf"\b(?:quy (?:iv|i{{1,3}}|[1-4])|thang \d{{1,2}})(?:/| nam ){_YEAR}", folded
        )
        if not _BASE.search(folded[max(0, m.start() - 30) : m.start()])
    ]
    if parts:
        return max(parts)
    years = Counter(
        int(m[1])
        for m in re.finditer(rf"\bnam {_YEAR}", folded)
        if not _BASE.search(folded[max(0, m.start() - 30) : m.start()])
    )
    return years.most_common(1)[0][0] if years else None


def latest_date(text: str) -> date | None:
    """The latest day the page dates or reports up to: what undated facts are "as of"."""
    folded = fold(text)
    ends = [
        date(int(m[3]), int(m[2]), int(m[1]))
        for m in re.finditer(rf"\b(\d{{1,2}})/(\d{{1,2}})/{_YEAR}\b", folded)
        if 1 <= int(m[2]) <= 12 and 1 <= int(m[1]) <= 31
    ]
    for m in re.finditer(rf"\b(\d{{1,2}}) thang(?: dau)? nam {_YEAR}", folded):
        if 1 <= int(m[1]) <= 12:
            ends.append(parse_iso_period(f"{m[2]}-{int(m[1]):02d}").end)
    return max(ends, default=None)
