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
_UNIT_WORDS = sorted((u for u in UNITS if u not in {"năm", "lần"}), key=len, reverse=True)
_UNIT = "|".join(re.escape(u).replace(r"\ ", r"\s+") for u in _UNIT_WORDS)

_AMOUNT = re.compile(
    rf"(?<![\w.,/-])(?P<num>{_NUM}|{_WORDS})(?:\s*(?P<scale>{_SCALE}))?"
    rf"\s*(?P<unit>{_UNIT}|lần|năm)(?!\w)",
    re.IGNORECASE,
)

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


def find_quantities(text: str, start: int = 0, end: int | None = None) -> list[Quantity]:
    """Every quantity in ``text[start:end]``, in order."""
    stop = len(text) if end is None else end
    folded = fold(text)
    out: list[Quantity] = []
    for match in _AMOUNT.finditer(text, start, stop):
        quantity = _read(text, folded, match)
        if quantity is not None:
            out.append(quantity)
    return out


def _read(text: str, folded: str, match: re.Match[str]) -> Quantity | None:
    before = folded[max(0, match.start() - 40) : match.start()]
    after = folded[match.end() : match.end() + 30]
    if _NOT_QUANTITY.search(before) or _NOT_AFTER.match(after):
        return None
    word_numeral = not match["num"][0].isdigit()
    unit_word = " ".join(match["unit"].lower().split())
    if word_numeral and unit_word in {"%", "ha", "usd", "đồng", "vnd", "vnđ"}:
        return None
    try:
        value = parse_number(match["num"])
    except FigureError:
        return None
    if match["scale"]:
        value *= SCALES[match["scale"].lower()]
    change = _change(before, after, unit_word)
    if change is None:
        return None
    unit = "YR" if unit_word == "năm" else UNITS.get(unit_word, "NUM")
    cue = _QUALIFIER.search(before)
    qualifier = dict(QUALIFIERS)[cue[1]] if cue else "exact"
    return Quantity(
        start=match.start(),
        end=match.end(),
        figure=text[match.start() : match.end()],
        value=normalise(value),
        unit=unit,
        noun=fold(unit_word),
        qualifier=qualifier,
        change=change,
        word_numeral=word_numeral,
    )


def _change(before: str, after: str, unit_word: str) -> str | None:
    """What kind of figure it is, or None when it is not a quantity at all."""
    if unit_word == "năm":
        # "hơn ba năm triển khai" is a duration; "ba năm liên tiếp từ 2020 - 2022" names
        # the period itself, and "năm 2024" after a number is a date.
        if re.match(r"^\s*(lien tiep|lien|qua|toi|nua|truoc|sau|gan day|\d)", after):
            return None
        return "duration"
    if unit_word == "lần":
        return "ratio" if re.search(r"\bgap\s+$", before) else None
    if re.search(r"\b(tang|tang truong)\s+(hon\s+|gan\s+|khoang\s+)?$", before):
        return "growth" if unit_word == "%" else ""
    if re.search(r"\bgiam\s+(hon\s+|gan\s+|khoang\s+)?$", before):
        return "decline" if unit_word == "%" else ""
    return ""
