"""Sectors a figure is of: "công nghiệp chế biến, chế tạo thu hút 4,47 tỷ USD".

A sector named in a figure's clause makes the figure that sector's part of the total, not
the total itself; the keys and labels are those of the curated fact files.
"""

from __future__ import annotations

import re

# (folded pattern, concept id, Vietnamese label, English label), most specific first.
SECTORS: tuple[tuple[str, str, str, str], ...] = (
    (
        r"(?:cong nghiep )?che bien,? che tao",
        "sector-processing-manufacturing",
        "Công nghiệp chế biến, chế tạo",
        "Processing and manufacturing",
    ),
    (
        r"(?:kinh doanh )?bat dong san",
        "sector-real-estate",
        "Kinh doanh bất động sản",
        "Real estate",
    ),
    (
        r"san xuat,? (?:va )?phan phoi dien",
        "sector-electricity",
        "Sản xuất, phân phối điện",
        "Electricity production and distribution",
    ),
    (
        r"kho bai,? logistics|logistics|kho bai",
        "sector-logistics",
        "Kho bãi, logistics",
        "Warehousing and logistics",
    ),
)
LABELS = {key: (vi, en) for _, key, vi, en in SECTORS}
_PATTERN = re.compile(
    r"\b(?:" + "|".join(f"(?P<s{i}>{p})" for i, (p, *_) in enumerate(SECTORS)) + r")\b"
)


def sector_in(folded: str, start: int, end: int) -> tuple[str, int, int] | None:
    """The last sector named in ``folded[start:end]``: (key, start, end), or None."""
    found = None
    for m in _PATTERN.finditer(folded, start, end):
        i = int(next(k for k, v in m.groupdict().items() if v is not None)[1:])
        found = (SECTORS[i][1], m.start(), m.end())
    return found


def first_named(folded: str, key: str) -> tuple[int, int] | None:
    """Where the page first names sector ``key`` (for the concept's quote)."""
    pattern = next(p for p, k, *_ in SECTORS if k == key)
    m = re.search(rf"\b(?:{pattern})\b", folded)
    return (m.start(), m.end()) if m else None
