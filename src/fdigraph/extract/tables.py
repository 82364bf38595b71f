"""Tables flattened into text: a heading that names the unit, then one line per row.

"Top 5 địa phương thu hút FDI 11 tháng năm 2025 (tỷ USD)" and then "1. Hà Nội: 4,1":
the row's number has no unit of its own; its unit and scale are the heading's, its
measure and period are those the heading names, and a numbered row under a ranking
heading ("Top 5", "... nhiều nhất", "dẫn đầu") is a rank.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fdigraph.errors import FigureError
from fdigraph.extract.quantities import Quantity
from fdigraph.extract.text import Span
from fdigraph.figures import normalise, parse_number

_SCALES = {"nghin ty": 10**12, "ngan ty": 10**12, "ty": 10**9, "ti": 10**9, "trieu": 10**6}
_UNITS = {"usd": "USD", "dong": "VND", "vnd": "VND", "du an": "NUM", "%": "PERCENT", "ha": "HA"}
_SCALE = "|".join(sorted(_SCALES, key=len, reverse=True))
_UNIT = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
# "(tỷ USD)", "(Đơn vị: triệu USD)", "ĐVT: tỷ đồng" at the end of the heading line.
_HEADING_UNIT = re.compile(
    rf"(?:\(\s*(?:(?:don vi(?: tinh)?|dvt)\s*:\s*)?|\b(?:don vi(?: tinh)?|dvt)\s*:\s*)"
    rf"(?:(?P<scale>{_SCALE})\s+)?(?P<unit>{_UNIT})(?!\w)\s*\)?\s*[:.]?\s*$"
)
_RANKED = re.compile(r"\b(top \d{1,2}|nhieu nhat|lon nhat|cao nhat|dan dau|xep hang|dung dau)\b")
_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
# "1. Hà Nội: 4,1", "2) Bắc Ninh - 3,95", "Hải Phòng: 3,2": a label, then the row's number.
_ROW = re.compile(
    rf"^(?:(?P<rank>\d{{1,2}})\s*[.)]\s+)?(?P<label>[^\d:;,()]{{2,60}}?)\s*(?::|\s[-\u2013]\s)"
    rf"\s*(?P<num>{_NUM})(?P<unit>\s*[^\d\s;:][^\d;:]{{0,24}}?)?\s*[.;]?$"
)


@dataclass(frozen=True)
class Heading:
    """A table's heading line: where it is, its unit and scale, whether its rows rank."""

    span: Span
    unit: str | None  # None: a ranking heading whose rows carry their own units
    noun: str
    scale: int
    ranked: bool


@dataclass(frozen=True)
class Row:
    """A table row: its rank (numbered rows under a ranking heading), label and figure."""

    rank: int | None
    label: Span
    quantity: Quantity | None  # None: the row's figure has its own unit, read as any other


def heading_of(folded: str, line: Span) -> Heading | None:
    """The table heading ``line`` is, or None: a line that ends with a unit in brackets,
    or a short ranking line that ends with a colon ("Top 5 nhà đầu tư lớn nhất:")."""
    m = _HEADING_UNIT.search(folded, line.start, line.end)
    if m is not None and m.start() > line.start:
        scale = _SCALES[m["scale"]] if m["scale"] else 1
        ranked = bool(_RANKED.search(folded, line.start, m.start()))
        return Heading(line, _UNITS[m["unit"]], m["unit"], scale, ranked)
    words = folded[line.start : line.end].split()
    if (
        folded[line.end - 1] == ":"
        and len(words) <= 25
        and _RANKED.search(folded, line.start, line.end)
    ):
        return Heading(line, None, "", 1, True)
    return None


def row_of(text: str, folded: str, line: Span, heading: Heading) -> Row | None:
    """The row ``line`` is under ``heading``, or None."""
    m = _ROW.match(folded[line.start : line.end])
    if m is None or (heading.unit is None) != bool(m["unit"]):
        return None  # a row's own unit only under a heading that has none
    try:
        value = parse_number(m["num"]) * heading.scale
    except FigureError:
        return None
    start, end = line.start + m.start("num"), line.start + m.end("num")
    label = Span(line.start + m.start("label"), line.start + m.end("label"), m["label"])
    rank = int(m["rank"]) if m["rank"] and heading.ranked else None
    if heading.unit is None:
        return Row(rank, label, None)
    quantity = Quantity(
        start=start,
        end=end,
        figure=text[start:end],
        value=normalise(value),
        unit=heading.unit,
        noun=heading.noun,
        qualifier="exact",
        change="",
        word_numeral=False,
    )
    return Row(rank, label, quantity)
