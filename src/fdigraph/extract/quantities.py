"""Find the quantities of a Vietnamese text: amounts with units, growth, ratios, durations.

A number becomes a quantity only with a unit ("1,6 tỷ USD", "365ha", "357 dự án",
"28,3%"): road numbers, storm names, programme numbers, ordinals and dates have none,
and the few shapes that do look like quantities are refused by name (``_NOT_QUANTITY``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from fdigraph.errors import FigureError
from fdigraph.extract.text import fold
from fdigraph.figures import SCALES, UNITS, WORD_NUMBERS, normalise, parse_number

_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_WORDS = "|".join(sorted((w for w in WORD_NUMBERS if w != "năm"), key=len, reverse=True))
_SCALE = "|".join(sorted((re.escape(s) for s in SCALES), key=len, reverse=True))
# Unit words the reader knows beyond the fact files' own (abbreviations, events, km).
LOCAL_UNITS: dict[str, str] = {
    "kcn": "NUM",
    "ccn": "NUM",
    "lượt": "NUM",
    "giao dịch": "NUM",
    "km": "KM",
    "dự án fdi": "NUM",
    "khu kinh tế": "NUM",
}
_ALL_UNITS = {**UNITS, **LOCAL_UNITS}
_UNIT_WORDS = sorted((u for u in _ALL_UNITS if u not in {"năm", "lần"}), key=len, reverse=True)
_UNIT = "|".join(re.escape(u).replace(r"\ ", r"\s+") for u in _UNIT_WORDS)

_AMOUNT = re.compile(
    rf"(?:(?<![\w.,/-])|(?<=ha/)|(?<=ha /))(?P<num>{_NUM}|{_WORDS})"
    rf"(?:\s*(?:-|–|đến)\s*(?P<num2>{_NUM}))?(?:\s*(?P<scale>{_SCALE}))?"
    rf"\s*(?P<unit>{_UNIT}|lần|năm)(?!\w)",
    re.IGNORECASE,
)
# A scale with no unit ("25.000 tỷ"): money in the unit of the sentence's other amounts.
_BARE_SCALE = re.compile(
    rf"(?<![\w.,/-])(?P<num>{_NUM})\s*(?P<scale>nghìn tỷ|ngàn tỷ|tỷ|tỉ|triệu)(?!\w)"
    rf"(?!\s*(?:{_UNIT}|lần|năm)(?!\w))",
    re.IGNORECASE,
)

# A capital word in the clause before a bare scale ("với tổng vốn 1.126 tỷ", "vốn FDI đăng
# ký vào tỉnh đạt 1,5 tỷ"): money.
_CAPITAL_WORD = re.compile(r"\b(?:von|tri gia|gia tri)\b[^,;.\d]{0,50}$")

QUALIFIERS: tuple[tuple[str, str], ...] = (
    ("hon", "more-than"),
    ("tren", "more-than"),
    ("vuot", "more-than"),
    ("gan", "nearly"),
    ("khoang", "approximately"),
    ("xap xi", "approximately"),
    ("chung", "approximately"),
    ("it nhat", "at-least"),
    ("toi thieu", "at-least"),
    ("toi da", "up-to"),
)
_QUALIFIER = re.compile(rf"\b({'|'.join(q for q, _ in QUALIFIERS)})\s+$")

# Words before a number that make it a name or an ordinal, not a quantity.
_NOT_QUANTITY = re.compile(
    r"\b(quoc lo|tinh lo|duong so|bao so|so hieu|chuong trinh(?: [a-z ]+)?|nghi dinh"
    r"|nghi quyet|quyet dinh|thong tu|thu|lan thu|khoa|dot)\s+$"
)
_NOT_AFTER = re.compile(r"^\s*(con so|chu so|lan thu|thu)\b")


@dataclass(frozen=True)
class Quantity:
    """A quantity as written: its figure text and offsets, its value in base units."""

    start: int
    end: int
    figure: str
    value: Decimal
    unit: str
    noun: str  # the unit word as written, folded: 'usd', 'du an', '%', 'lan'
    qualifier: str
    change: str  # '' | 'growth' | 'decline' | 'ratio' | 'duration'
    word_numeral: bool
    value_max: Decimal | None = None  # a range's upper bound ("20-25 dự án")


def find_quantities(text: str, start: int = 0, end: int | None = None) -> list[Quantity]:
    """Every quantity in ``text[start:end]``, in order."""
    stop = len(text) if end is None else end
    folded = fold(text)
    out: list[Quantity] = []
    for match in _AMOUNT.finditer(text, start, stop):
        quantity = _read(text, folded, match)
        if quantity is not None:
            out.append(quantity)
    money = [q for q in out if q.unit in {"USD", "VND"}]
    for match in _BARE_SCALE.finditer(text, start, stop):
        if any(q.start <= match.start() < q.end for q in out):
            continue
        if money:
            nearest = min(money, key=lambda q: abs(q.start - match.start())).unit
        elif _CAPITAL_WORD.search(folded, max(start, match.start() - 60), match.start()):
            # "với tổng vốn 1.126 tỷ": đồng, but foreign capital is counted in dollars
            # ("vốn FDI đạt 1,5 tỷ").
            clause = re.split(r"[;.]\s", folded[max(start, match.start() - 80) : match.start()])[-1]
            nearest = "USD" if re.search(r"\b(fdi|nuoc ngoai)\b", clause) else "VND"
        else:
            continue
        quantity = _read(text, folded, match, _bare_unit(folded, match, nearest))
        if quantity is not None:
            out.append(quantity)
            money.append(quantity)  # "... 1.126 tỷ và ... thêm 215 tỷ": the same currency
    return sorted(out, key=lambda q: q.start)


def _bare_unit(folded: str, match: re.Match[str], nearest: str) -> str:
    """The currency of a scale with no unit word: đồng when only đồng can be that large
    ("hơn 512.000 tỷ", "25 nghìn tỷ": no province counts its FDI in thousands of billions
    of dollars) or when it is domestic investment ("dự án trong nước với tổng vốn 900
    tỷ"), else that of the nearest amount."""
    scale = fold(match["scale"])
    try:
        number = parse_number(match["num"])
    except FigureError:
        return nearest
    if scale in {"nghin ty", "ngan ty"} or (scale in {"ty", "ti"} and number >= 1000):
        return "VND"
    clause = re.split(r"[;,.]\s", folded[max(0, match.start() - 80) : match.start()])[-1]
    if re.search(r"\b(trong nuoc|ddi|noi dia)\b", clause):
        return "VND"
    return nearest


def _read(
    text: str, folded: str, match: re.Match[str], bare_unit: str | None = None
) -> Quantity | None:
    before = folded[max(0, match.start() - 40) : match.start()]
    after = folded[match.end() : match.end() + 30].split("\n", 1)[0]  # not the next line's
    if _NOT_QUANTITY.search(before) or _NOT_AFTER.match(after):
        return None
    word_numeral = not match["num"][0].isdigit()
    unit_word = "đồng" if bare_unit == "VND" else "usd" if bare_unit else ""
    unit_word = unit_word or " ".join(match["unit"].lower().split())
    if word_numeral and unit_word in {"%", "ha", "usd", "đồng", "vnd", "vnđ"}:
        return None
    try:
        value = parse_number(match["num"])
    except FigureError:
        return None
    scale = SCALES[match["scale"].lower()] if match["scale"] else 1
    value *= scale
    upper = None
    if "num2" in match.groupdict() and match["num2"]:
        try:
            upper = normalise(parse_number(match["num2"]) * scale)
        except FigureError:
            return None
        if upper <= value:
            return None
    change = _change(before, after, unit_word)
    if change is None:
        return None
    unit = "YR" if unit_word == "năm" else _ALL_UNITS.get(unit_word, "NUM")
    cue = _QUALIFIER.search(before)
    qualifier = dict(QUALIFIERS)[cue[1]] if cue else "exact"
    if upper is not None:
        qualifier = "between"
    return Quantity(
        start=match.start(),
        end=match.end(),
        figure=_figure(text, match, unit_word),
        value=normalise(value),
        unit=unit,
        noun=fold(unit_word),
        qualifier=qualifier,
        change=change,
        word_numeral=word_numeral,
        value_max=upper,
    )


def _figure(text: str, match: re.Match[str], unit_word: str) -> str:
    """The figure as written, ending at a unit word the fact files know ("120 dự án", not
    "120 dự án FDI": "FDI" tells the measure, not the unit)."""
    written = text[match.start() : match.end()]
    if unit_word == "dự án fdi":
        return written[: written.lower().rindex("fdi")].rstrip()
    return written


def _change(before: str, after: str, unit_word: str) -> str | None:
    """What kind of figure it is, or None when it is not a quantity at all."""
    if unit_word == "năm":
        # "hơn ba năm triển khai" is a duration; "ba năm liên tiếp từ 2020 - 2022" names
        # the period itself, and "năm 2024" after a number is a date.
        if re.match(r"^\s*(lien tiep|lien|qua|toi|nua|truoc|sau|gan day|\d)", after):
            return None
        if re.search(
            r"\b(?:nhat|lan dau tien|ky luc)\b(?:[^,.;]{0,30}\b(?:sau|trong|cua))?\s+$", before
        ):
            return None  # "cao nhất 5 năm", "lần đầu tiên sau 5 năm": a look-back, no figure
        return "duration"
    if unit_word == "lần":
        return (
            "ratio"
            if re.search(r"\b(gap|tang|bang)\s+(hon\s+|gan\s+|khoang\s+)?$", before)
            else None
        )
    if re.search(r"\b(tang|tang truong)\s+(hon\s+|gan\s+|khoang\s+)?$", before):
        return "growth" if unit_word == "%" else ""
    if re.search(r"\bgiam\s+(hon\s+|gan\s+|khoang\s+)?$", before):
        return "decline" if unit_word == "%" else ""
    return ""
