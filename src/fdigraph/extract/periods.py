"""Find the periods a Vietnamese text names, and the year its undated phrases mean.

"8 tháng đầu năm 2024", "7 tháng" (year from context), "năm 2023", "2020 - 2022",
"quý I/2024", "tháng 8/2023", "26/11/2024"; "nhiều năm liền" and "hiện nay" name no
period and stop one from being carried over from the sentence before.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from fdigraph.errors import FigureError
from fdigraph.extract.text import fold
from fdigraph.figures import Period, parse_iso_period

_YEAR = r"(19[89]\d|20[0-4]\d)"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "span",
        re.compile(
            rf"\b(?:tu )?thang (\d{{1,2}}) (?:den|-) (?:het )?thang (\d{{1,2}})(?:/| nam ){_YEAR}\b"
        ),
    ),
    ("year-end", re.compile(rf"\b(?:den het|den cuoi) nam {_YEAR}\b")),
    ("months", re.compile(rf"\b(\d{{1,2}}) thang(?: dau)?(?: nam)?(?:[ /]{_YEAR})?\b")),
    ("quarter", re.compile(rf"\bquy (iv|i{{1,3}}|[1-4])(?:/| nam ){_YEAR}\b")),
    ("day", re.compile(rf"\b(\d{{1,2}})/(\d{{1,2}})/{_YEAR}\b")),
    ("month", re.compile(rf"\bthang (\d{{1,2}})(?:/| nam ){_YEAR}\b")),
    ("years", re.compile(rf"\b{_YEAR}\s*[-\u2013]\s*{_YEAR}\b")),
    ("year", re.compile(rf"\bnam {_YEAR}\b")),
    ("this-year", re.compile(r"\b(trong nam|nam nay|ca nam)\b(?! \d)")),
    (
        "none",
        re.compile(
            r"\b(nhieu nam (lien|qua)|nhung nam qua|thoi gian qua|hien nay"
            r"|den nay|tu truoc den nay)\b|(^|, )hien\b"
        ),
    ),
)
# A period after these words is the base of a comparison, not the period of a figure.
_BASE = re.compile(r"\b(so voi|cung ky|vuot|tang \d+ bac so voi)\s*(cung ky\s*)?(nam\s*)?$")
# A date after these words is the "as of" of a stock; any other date is an event's.
_AS_OF = re.compile(r"\b(tinh den|den|den het|luy ke den|luy ke den het)\s*(ngay\s*)?$")
_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@dataclass(frozen=True)
class PeriodMention:
    """A period phrase: where it is, what it means (None: explicitly no period)."""

    start: int
    end: int
    period: Period | None
    inferred: bool  # the year came from context


def find_periods(
    text: str, year: int | None, start: int = 0, end: int | None = None
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
            mention = _read(kind, match, year)
            before = folded[max(0, match.start() - 30) : match.start()]
            if kind == "day" and not _AS_OF.search(before):
                mention = None
            if mention is not None and _BASE.search(before):
                mention = None
            if mention is not None:
                found.append(mention)
                taken.append((match.start(), match.end()))
    return sorted(found, key=lambda m: m.start)


def _read(kind: str, match: re.Match[str], year: int | None) -> PeriodMention | None:
    s, e = match.start(), match.end()
    try:
        if kind == "span":
            first, last, y = int(match[1]), int(match[2]), match[3]
            return PeriodMention(s, e, parse_iso_period(f"{y}-{first:02d}/{y}-{last:02d}"), False)
        if kind == "year-end":
            end_of_year = date(int(match[1]), 12, 31)
            return PeriodMention(s, e, Period(end_of_year, end_of_year), False)
        if kind == "months":
            months, y = int(match[1]), match[2]
            if not 1 <= months <= 12 or (y is None and year is None):
                return None
            iso = f"{y or year}-01/{y or year}-{months:02d}"
            return PeriodMention(s, e, parse_iso_period(iso), y is None)
        if kind == "quarter":
            q, y = _QUARTERS[match[1]], match[2]
            return PeriodMention(
                s, e, parse_iso_period(f"{y}-{3 * q - 2:02d}/{y}-{3 * q:02d}"), False
            )
        if kind == "day":
            day = date(int(match[3]), int(match[2]), int(match[1]))
            return PeriodMention(s, e, Period(day, day), False)
        if kind == "month":
            return PeriodMention(s, e, parse_iso_period(f"{match[2]}-{int(match[1]):02d}"), False)
        if kind == "years":
            return PeriodMention(s, e, parse_iso_period(f"{match[1]}/{match[2]}"), False)
        if kind == "year":
            return PeriodMention(s, e, parse_iso_period(match[1]), False)
        if kind == "this-year":
            return None if year is None else PeriodMention(s, e, parse_iso_period(str(year)), True)
    except (FigureError, ValueError):
        return None
    return PeriodMention(s, e, None, False)


def current_year(text: str) -> int | None:
    """The year an article reports on: that of its part-year figures, else its commonest."""
    folded = fold(text)
    partial = [int(m[1]) for m in re.finditer(rf"\d{{1,2}} thang(?: dau)? nam {_YEAR}", folded)]
    if partial:
        return max(partial)
    dated = [int(m[1]) for m in re.finditer(rf"\d{{1,2}}/\d{{1,2}}/{_YEAR}", folded)]
    if dated:
        return max(dated)
    years = Counter(int(m[1]) for m in re.finditer(rf"\bnam {_YEAR}", folded))
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
