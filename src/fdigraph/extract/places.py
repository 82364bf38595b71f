"""Find places in Vietnamese text: provinces, regions, countries, with or without diacritics."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from fdigraph.extract.gazetteer import COUNTRIES, MERGERS, PROVINCES, REGIONS
from fdigraph.extract.text import fold, is_capitalised, slug, word_after, word_before

MERGER_DATE = date(2025, 7, 1)

# The area of figures on "the province" of an article that names none ("toàn tỉnh thu hút
# ..."): not a key of the reference data, so that a draft using it cannot be loaded until
# a reviewer sets the province (or reruns ``fdigraph extract --area CODE``).
UNKNOWN_PROVINCE = "VN-??"
UNKNOWN_NOTE = "the article names no province; rerun with --area CODE (or set the area)"

# Words that, just before "cả nước", make it the field of a comparison rather than
# the subject of a figure: "địa phương đầu tiên của cả nước", "đứng thứ 7 cả nước".
_SCOPE_CUES = re.compile(
    r"(dau tien|nhat|dung|thu \d+|top \d+|nhom \d+|dan dau|dau|trong so|muc|binh quan|so voi)"
    r"\W+(\w+\W+){0,2}$"
)


@dataclass(frozen=True)
class Place:
    """A place named in the text: its code or key, its kind, and where it is."""

    code: str
    kind: str  # province | region | country
    start: int
    end: int
    scope_only: bool = False  # "cả nước" as the field of a ranking or a "first"


@cache
def _names() -> tuple[tuple[str, str, str, str], ...]:
    """(folded alias, alias, code, kind), longest alias first."""
    rows: list[tuple[str, str, str, str]] = []
    for table, kind in ((PROVINCES, "province"), (REGIONS, "region"), (COUNTRIES, "country")):
        for code, aliases in table.items():
            rows.extend((fold(a), a, code, kind) for a in aliases)
    return tuple(sorted(rows, key=lambda r: len(r[0]), reverse=True))


@cache
def _pattern() -> re.Pattern[str]:
    alternatives = "|".join(re.escape(r[0]).replace(r"\ ", r"\s+") for r in _names())
    return re.compile(rf"(?<![\w.])(?:{alternatives})(?!\w)")


def find_places(text: str, start: int = 0, end: int | None = None) -> list[Place]:
    """All places named in ``text[start:end]``, in order."""
    stop = len(text) if end is None else end
    folded = fold(text)
    by_alias = {r[0]: r for r in _names()}
    out: list[Place] = []
    for match in _pattern().finditer(folded, start, stop):
        key = " ".join(match[0].split())
        _, alias, code, kind = by_alias[key]
        original = text[match.start() : match.end()]
        if alias[0].isupper() and not is_capitalised(original) and not _region_word(kind, original):
            continue
        if len(alias.split()) == 1 and kind != "region" and _inside_name(text, match):
            continue
        scope = code == "VN" and bool(
            _SCOPE_CUES.search(folded[max(0, match.start() - 30) : match.start()])
        )
        out.append(Place(code, kind, match.start(), match.end(), scope))
    return out


def _region_word(kind: str, original: str) -> bool:
    """ "vùng Trung du và miền núi phía Bắc": a region's name after a lowercase "vùng"."""
    words = original.split()
    return kind == "region" and len(words) > 1 and words[0] == "vùng" and is_capitalised(words[1])


def _inside_name(text: str, match: re.Match[str]) -> bool:
    """A one-word name next to another capitalised word is part of a longer name."""
    before = word_before(text, match.start())
    after = word_after(text, match.end())
    return (is_capitalised(before) and before.lower() not in {"tỉnh", "tp"}) or is_capitalised(
        after
    )


def area_key(code: str, period_end: date | None) -> str:
    """The area a fact of that period belongs to: a merged successor after 1 July 2025."""
    if period_end is None or period_end < MERGER_DATE or code not in MERGERS:
        return code
    return f"{slug(PROVINCES[code][0])}-2025"


def successor_of(code: str) -> str | None:
    """The code whose name the merged unit of 2025 took, for a predecessor code."""
    for successor, predecessors in MERGERS.items():
        if code in predecessors:
            return successor
    return None
