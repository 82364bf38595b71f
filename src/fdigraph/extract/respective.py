"""After "lần lượt": places listed, then as many figures or ranks, each for its place in turn.

"Hải Phòng, TP. Hồ Chí Minh và Bình Dương với lần lượt 1,72 tỷ USD, 1,46 tỷ USD và 1,05
tỷ USD" gives each city its figure; "Trung Quốc, Hàn Quốc và Hồng Kông lần lượt xếp thứ
ba, thứ tư và thứ năm" each country its rank.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fdigraph.extract.places import Place
from fdigraph.extract.quantities import Quantity
from fdigraph.extract.rankings import ordinal
from fdigraph.extract.text import Span

_CUE = re.compile(r"\blan luot\b")
_JOIN = re.compile(r"\s*(?:,|va|;)?\s*(?:(?:tinh|thanh pho|tp\.?)\s+)?")
_RANKS = re.compile(
    r"\s*(?:la |o |xep |dung |nam )?(?:o )?(?:vi tri |hang )?"
    r"(?P<list>thu \w+(?:\s*(?:,|va|,\s*va)\s*thu \w+)+)"
)
_ORDINAL = re.compile(r"thu (\w+)")


@dataclass(frozen=True)
class Respective:
    """The places listed before "lần lượt" and where the cue ends."""

    places: tuple[Place, ...]
    cue_end: int


def find_respective(folded: str, s: Span, places: list[Place]) -> Respective | None:
    """The list of two or more places (of one kind) that "lần lượt" refers to, if any."""
    cue = _CUE.search(folded, s.start, s.end)
    if cue is None:
        return None
    before = [p for p in places if p.end <= cue.start() and p.code != "VN"]
    if not before:
        return None
    last = before[-1]
    gap = folded[last.end : cue.start()]
    if len(gap) > 60 or "." in gap or ";" in gap:
        return None
    run = [last]
    for p in reversed(before[:-1]):
        if p.kind != last.kind or not _JOIN.fullmatch(folded[p.end : run[0].start]):
            break
        run.insert(0, p)
    if len(run) < 2:
        return None
    return Respective(tuple(run), cue.end())


def respective_figures(
    folded: str, s: Span, places: list[Place], quantities: list[Quantity]
) -> dict[int, Place]:
    """Quantity index -> its place, for figures listed after "lần lượt"."""
    found = find_respective(folded, s, places)
    if found is None:
        return {}
    after = [i for i, q in enumerate(quantities) if q.start >= found.cue_end]
    listed = after[: len(found.places)]
    if len(listed) != len(found.places):
        return {}
    units = {quantities[i].unit for i in listed}
    if len(units) != 1:
        return {}
    return dict(zip(listed, found.places, strict=True))


def respective_ranks(folded: str, s: Span, places: list[Place]) -> list[tuple[Place, int, Span]]:
    """(place, rank, where the ranks are) for "X và Y lần lượt xếp thứ ba, thứ tư"."""
    found = find_respective(folded, s, places)
    if found is None:
        return []
    m = _RANKS.match(folded, found.cue_end, s.end)
    if m is None:
        return []
    ranks = [ordinal(w) for w in _ORDINAL.findall(m["list"])]
    if len(ranks) != len(found.places) or any(r is None for r in ranks):
        return []
    where = Span(found.cue_end, m.end(), folded[found.cue_end : m.end()])
    return [(p, r, where) for p, r in zip(found.places, ranks, strict=True) if r is not None]
