"""What a figure compares: a level, a change, a growth rate, a multiplier, a share, a plan.

"tăng 30% so với cùng kỳ" is growth against the same span a year before; "tăng 79 dự
án" a change; "gấp 5,4 lần" a multiplier; "chiếm 37,5%" a share; "đạt 19% kế hoạch" and
"bằng 105,2% dự toán" percent of a plan; "vượt 50% kế hoạch" the excess over it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from fdigraph.extract.quantities import Quantity
from fdigraph.figures import Period, parse_iso_period

_QUAL = r"(?:hon |gan |khoang |tren |xap xi |toi |den |chi |lan luot |tuong ung )*"
_PLAN = re.compile(r"^\s*(?:so voi |cua |so )?(ke hoach|du toan|chi tieu|muc tieu|kh)\b")
_SHARE = re.compile(rf"\bchiem(?: ty (?:le|trong))?\s+{_QUAL}$")
_EXCESS = re.compile(rf"\bvuot\s+{_QUAL}$")
_UP = re.compile(rf"\b(?:tang|tang truong|tang them|tang len)\s+{_QUAL}$")
_DOWN = re.compile(rf"\b(?:giam|giam di|sut giam|giam them)\s+{_QUAL}$")
_ADJUST = re.compile(r"\b(?:dieu chinh|dieu chinh von|tang von|bo sung)(?: \w+){0,3}\s+$")
_REACH = re.compile(rf"\b(?:dat|bang|hoan thanh|thuc hien)\s+{_QUAL}$")
_BASE = re.compile(
    r"\b(?:so voi|so) (?P<what>cung ky(?: nam (?:truoc|ngoai|(?P<y1>\d{4})))?"
    r"|(?:ca )?nam (?:truoc|ngoai)|(?:ca )?nam (?P<y2>\d{4})|ca nuoc|binh quan(?: chung)? ca nuoc"
    r"|(?:thang|quy) [\w/ ]+?(?=[,.;)]|$))"
    r"|\b(?P<bare>cung ky)(?: nam (?:truoc|ngoai|(?P<y3>\d{4})))?"
    r"|(?:\d\s*lan|\bgap (?:doi|ba|bon)) (?P<ratio>nam (?P<y4>\d{4}))"
)
# "Trung Quốc với 121 triệu USD (23,6%)": the percent in brackets after an amount is its share.
_BRACKETED_SHARE = re.compile(r"(?:usd|dong|du an|ha)\s*\(\s*(?:khoang |gan |hon )?$")
_WORD_RATIOS = {"doi": 2, "ba": 3, "bon": 4, "nam": 5}
_WORD_RATIO = re.compile(r"\bgap (doi|ba|bon|nam)\b(?! \d)")


@dataclass(frozen=True)
class Comparison:
    """How a figure compares: its code and the sign of its value."""

    code: str  # level | change | growth | multiplier | share | plan-percent | plan-excess
    sign: int = 1


def comparison_of(q: Quantity, before: str, after: str) -> Comparison:
    """The comparison a figure states, from the words just around it (folded)."""
    if q.change == "ratio":
        return Comparison("multiplier")
    if q.unit == "PERCENT":
        plan = _PLAN.match(after)
        if plan and _EXCESS.search(before):
            return Comparison("plan-excess")
        if plan:
            return Comparison("plan-percent")
        if _SHARE.search(before) or _BRACKETED_SHARE.search(before):
            return Comparison("share")
        if _EXCESS.search(before) and re.match(r"^\s*so voi (ke hoach|du toan|chi tieu)", after):
            return Comparison("plan-excess")
    up, down = _UP.search(before), _DOWN.search(before)
    if up or down:
        sign = -1 if down else 1
        if q.unit == "NUM" and re.match(r"^\s*lan\b", after):
            return Comparison("multiplier")
        if q.unit == "PERCENT":
            return Comparison("growth", sign)
        # "vốn tăng thêm 6,5 tỷ USD", "điều chỉnh tăng vốn 500 triệu USD", "tăng lên 1,6 tỷ
        # USD" are levels (of adjusted capital, or reached); "tăng 181 triệu USD" a change.
        if up and (re.search(r"\btang (them|len)\b", up[0]) or _ADJUST.search(before)):
            return Comparison("level")
        return Comparison("change", sign)
    return Comparison("level")


def word_ratios(folded: str, start: int, end: int) -> list[tuple[int, int, Decimal]]:
    """Multipliers in words: "gấp đôi" (2), "gấp ba" (3): (start, end, value)."""
    return [
        (m.start(), m.end(), Decimal(_WORD_RATIOS[m[1]]))
        for m in _WORD_RATIO.finditer(folded, start, end)
    ]


def shifted(period: str | None, years: int) -> str | None:
    """The same span ``years`` earlier (negative: earlier): the "cùng kỳ" of a period."""
    if period is None:
        return None
    p = parse_iso_period(period)
    end = _shift(p.end, years)
    if (p.end + timedelta(days=1)).day == 1:
        # A month's last day stays one: the same span as 2025-01/2025-02 is 2024-01/2024-02.
        end = (end.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return Period(_shift(p.begin, years), end).iso


def _shift(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _with_year(period: str, year: int) -> str:
    p = parse_iso_period(period)
    return shifted(period, year - p.end.year) or period


@dataclass(frozen=True)
class Base:
    """What a comparison is against: a period, an area, or neither."""

    period: str | None = None
    area: str | None = None


def base_of(sentence: str, at: int, period: str | None) -> Base:
    """The base named after the figure at ``at`` (else before it) in a folded sentence."""
    matches = list(_BASE.finditer(sentence))
    after = [m for m in matches if m.start() >= at]
    before = [m for m in matches if m.end() <= at]
    chosen = after[0] if after else before[-1] if before else None
    if chosen is None:
        return Base()
    what = chosen["what"] or chosen["bare"] or chosen["ratio"] or ""
    year = chosen["y1"] or chosen["y2"] or chosen["y3"] or chosen["y4"]
    if "ca nuoc" in what:
        return Base(area="VN")
    if period is None:
        return Base(period=year) if year and "cung ky" not in what else Base()
    if year:
        if "cung ky" in what:
            return Base(period=_with_year(period, int(year)))
        p = parse_iso_period(period)
        full = p.begin.month == 1 and p.end.month == 12 and p.end.day == 31
        return Base(period=year if full or p.begin == p.end else _with_year(period, int(year)))
    if "cung ky" in what or "nam truoc" in what or "nam ngoai" in what:
        return Base(period=shifted(period, -1))
    if what.startswith("thang truoc") and re.fullmatch(r"\d{4}-\d{2}", period):
        # "tháng 2 ... giảm 9,1% so với tháng trước": the month before.
        y, m = int(period[:4]), int(period[5:])
        return Base(period=f"{y - (m == 1)}-{12 if m == 1 else m - 1:02d}")
    return Base()
