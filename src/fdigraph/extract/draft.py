"""Drafted facts: frozen records in the shape of the curated fact files, plus confidence.

A draft is for review: each fact carries the quote it was read from (with character
offsets into the article text) and a confidence between 0 and 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from fdigraph.facts import Teaser


@dataclass(frozen=True)
class DraftQuote:
    """Exact words of the page, ``text == page[start:end]``; ``source`` is a teaser id or None."""

    text: str
    start: int
    end: int
    source: str | None = None


@dataclass(frozen=True)
class DraftObservation:
    id: str
    area: str
    measure: str
    period: str | None
    figure: str
    value: Decimal
    unit: str
    quotes: tuple[DraftQuote, ...]
    confidence: float
    qualifier: str = "exact"
    status: str | None = None
    period_inferred: str | None = None  # context | published
    counterpart: str | None = None
    source: str | None = None  # a teaser id; None: the main article
    comparison: str = "level"  # level | change | growth | multiplier | share | plan-...
    stock: bool = False  # a position as of ``period`` (a day), not a flow over it
    base: str | None = None  # the period a change, growth or multiplier compares with
    base_area: str | None = None  # the area compared with ("gấp 1,6 lần cả nước")
    share_of: str | None = None  # the area whose total a share is of, when not ``area``
    value_max: Decimal | None = None  # the upper bound of a range (qualifier ``between``)
    sector: str | None = None  # the sector concept a figure is of ("chế biến, chế tạo")
    review: str | None = None  # why a reviewer must look at this fact (disagreeing quotes)
    hold: str | None = None  # why it is not drafted but only shown (a part of a total)
    at: int = -1  # where the figure is in the page (not written out)

    @property
    def key(self) -> tuple[str, Decimal, str, str | None]:
        """What an evaluation matches on: area, value, unit, period."""
        return (self.area, self.value, self.unit, self.period)


@dataclass(frozen=True)
class DraftRanking:
    id: str
    area: str
    indicator: str
    scope: str
    rank: int
    quotes: tuple[DraftQuote, ...]
    confidence: float
    period: str | None = None
    comparator: str = "equal"
    out_of: int | None = None
    source: str | None = None

    @property
    def key(self) -> tuple[str, str, int, str, str | None]:
        """What an evaluation matches on: area, scope, rank, comparator, period."""
        return (self.area, self.scope, self.rank, self.comparator, self.period)


# A drafted teaser has exactly the fields of a curated one.
DraftTeaser = Teaser


@dataclass(frozen=True)
class DraftSource:
    id: str
    text: str
    title: str
    author: str | None
    body_end: str | None
    about: tuple[str, ...]
    language: str = "vi"
    published: date | None = None  # from the page's date line


@dataclass(frozen=True)
class Draft:
    """Everything drafted from one page."""

    source: DraftSource
    teasers: tuple[DraftTeaser, ...]
    observations: tuple[DraftObservation, ...]
    rankings: tuple[DraftRanking, ...]
    # Figures read but not drafted, each with its ``review`` note: written as comments for
    # a reviewer to restate or drop (a percent of the base period's capital, a sub-split).
    held: tuple[DraftObservation, ...] = ()
