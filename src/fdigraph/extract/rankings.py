"""Find rankings: "đứng thứ 7 cả nước", "đứng đầu Vùng ...", "thứ 4/63", "top 10".

Ordinals that are not ranks ("làn thứ hai", "quốc lộ 1") never match: a rank needs a
verb of standing ("đứng", "xếp", "lớn") or a "top"/"nhóm" before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fdigraph.extract.text import fold
from fdigraph.figures import WORD_NUMBERS

_WORDS = {fold(w): n for w, n in WORD_NUMBERS.items()}
_ORD = rf"\d{{1,3}}|{'|'.join(sorted(_WORDS, key=len, reverse=True))}|nhat"
_RANKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "equal",
        re.compile(
            rf"\b(?:dung|xep|xep hang|lon|cao|nam|(?:o |len )?vi tri|hang) thu ({_ORD})"
            rf"(?:\s*/\s*(\d{{1,3}}))?\b"
        ),
    ),
    ("equal", re.compile(r"\bthu (\d{1,3})\s*/\s*(\d{1,3})\b")),
    ("equal", re.compile(r"\b(?:va|con) thu (\d{1,3})(?= ve )")),
    ("first", re.compile(r"\b(?:dung|xep) dau\b")),
    (
        "first",
        re.compile(r"(?<!dia phuong )(?<!tinh )\bdan dau (?=ca nuoc|toan quoc|vung|khu vuc)"),
    ),
    (
        "first",
        re.compile(
            r"\b(?:dia phuong|tinh|thanh pho) dau tien (?:cua |trong )?(?=ca nuoc|toan quoc)"
        ),
    ),
    ("first", re.compile(r"\b(?:nha dau tu|doi tac|thi truong) (?:nuoc ngoai )?lon nhat\b")),
    (
        "first",
        re.compile(
            r"(?<!dia phuong )(?<!tinh )(?<!nhom )\b(?:vi tri )?dan dau(?= voi | ve |\s*[,.;]| khi | trong | danh sach)"
        ),
    ),
    ("first", re.compile(r"\bvi tri (?:so 1|so mot|dau tien)\b")),
    # "Hà Nội, địa phương dẫn đầu năm 2024, ...": an apposition ranks the place before it.
    ("first", re.compile(r"(?<=, )(?:la )?(?:dia phuong|tinh|thanh pho) dan dau\b")),
    ("at-most", re.compile(r"\b(?:top|trong nhom|nhom) (\d{1,3})\b")),
)
_OUT_OF = re.compile(r"^\s*(?:trong (?:so|tong so)|tren) (\d{1,3})\b")

INDICATOR_CUES: tuple[tuple[str, str], ...] = (
    ("cai cach hanh chinh", "indicator-par-index"),
    ("par index", "indicator-par-index"),
    ("chuyen doi so", "indicator-dti"),
    ("dti", "indicator-dti"),
    ("chinh quyen dien tu", "indicator-e-government"),
    ("chinh quyen so", "indicator-e-government"),
    ("ky so", "indicator-digital-signature-adoption"),
    ("thu ngan sach", "indicator-budget-revenue"),
    ("so thu", "indicator-budget-revenue"),
    ("nang luc canh tranh", "indicator-pci"),
    ("pci", "indicator-pci"),
    ("xuat khau", "indicator-export"),
    ("grdp", "indicator-grdp-growth"),
    ("tang truong", "indicator-grdp-growth"),
    ("nha dau tu", "indicator-investor-capital"),
    ("thu hut", "indicator-fdi-attraction"),
    ("fdi", "indicator-fdi-attraction"),
    ("von dau tu", "indicator-fdi-attraction"),
)


@dataclass(frozen=True)
class RankMention:
    """A rank phrase: where it is, the rank, how it compares, and out of how many."""

    start: int
    end: int
    rank: int
    comparator: str  # equal | at-most
    out_of: int | None


def find_ranks(folded: str, start: int, end: int) -> list[RankMention]:
    """Rank phrases in ``folded[start:end]`` (folded text), in order, not overlapping."""
    found: list[RankMention] = []
    for kind, pattern in _RANKS:
        for m in pattern.finditer(folded, start, end):
            if any(r.start < m.end() and m.start() < r.end for r in found):
                continue
            if kind == "first":
                rank, out_of = 1, None
            else:
                rank = 1 if m[1] == "nhat" else _WORDS.get(m[1]) or int(m[1])
                out_of = int(m[2]) if m.lastindex and m.lastindex >= 2 and m[2] else None
            after = _OUT_OF.match(folded[m.end() : end])
            if after and out_of is None:
                out_of = int(after[1])
            comparator = "at-most" if kind == "at-most" else "equal"
            found.append(RankMention(m.start(), m.end(), rank, comparator, out_of))
    return sorted(found, key=lambda r: r.start)


def indicator_of(folded: str, before: tuple[int, int], after: tuple[int, int]) -> str | None:
    """The indicator a rank is on: a cue just after the rank ("về ..."), else the nearest before."""
    best: tuple[int, int, str] | None = None
    for cue, indicator in INDICATOR_CUES:
        m = re.search(rf"\b{cue}\b", folded[after[0] : after[1]])
        # A cue after the rank names its indicator only close by ("đứng thứ 4 về chỉ số
        # ..."), not in the next clause ("...; chỉ số PAR xếp thứ 17").
        if m and (
            m.start() > 30 and not re.search(r"\bve\b", folded[after[0] : after[0] + m.start()])
        ):
            m = None
        if m and (best is None or (m.start(), -len(cue)) < best[:2]):
            best = (m.start(), -len(cue), indicator)
    if best is not None:
        return best[2]
    for cue, indicator in INDICATOR_CUES:
        for m in re.finditer(rf"\b{cue}\b", folded[before[0] : before[1]]):
            key = (-m.end(), -len(cue))
            if best is None or key < best[:2]:
                best = (key[0], key[1], indicator)
    return best[2] if best else None


def ordinal(word: str) -> int | None:
    """The rank an ordinal word names (folded): "ba" 3, "tu" 4, "nhat" 1, "7" 7."""
    if word == "nhat":
        return 1
    if word.isdigit():
        return int(word)
    return _WORDS.get(word)
