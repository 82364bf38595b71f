"""Fact records: frozen, free of rdflib, each with the quotes that support it.

These are what the curated fact files (and the extractor's drafts) hold once read and
checked; ``mapping`` turns them into triples.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from fdigraph.figures import Period

UNITS = ("USD", "VND", "HA", "PERCENT", "NUM", "YR", "KM")
QUALIFIERS = ("exact", "more-than", "nearly", "approximately", "at-least", "up-to", "between")
STATUSES = ("estimate", "target")
COMPARATORS = ("equal", "at-most")
COMPARISONS = ("level", "change", "growth", "multiplier", "share", "plan-percent", "plan-excess")
# What each comparison is measured in; None: the unit of the measure itself.
COMPARISON_UNITS: dict[str, str | None] = {
    "level": None,
    "change": None,
    "growth": "PERCENT",
    "multiplier": "NUM",
    "share": "PERCENT",
    "plan-percent": "PERCENT",
    "plan-excess": "PERCENT",
}
BASED = ("change", "growth", "multiplier")  # comparisons against a base period or area
SIGNED = ("change", "growth")  # comparisons whose value may be negative
PERIOD_BASES = ("context", "published")
SCHEMES = ("pillars", "motto", "sectors", "instruments", "indicators", "goals")
SECTIONS = ("latest", "same-topic", "related-link")

_MONEY = ("USD", "VND")
# Measure key -> the units a level of it may have. The ontology defines each key.
MEASURE_UNITS: dict[str, tuple[str, ...]] = {
    "fdiRegisteredCapital": _MONEY,
    "fdiNewCapital": _MONEY,
    "fdiAdjustedCapital": _MONEY,
    "fdiNewAndAdjustedCapital": _MONEY,
    "fdiContributionCapital": _MONEY,
    "fdiCharterContributionCapital": _MONEY,
    "fdiSharePurchaseCapital": _MONEY,
    "fdiRealisedCapital": _MONEY,
    "fdiAverageProjectCapital": _MONEY,
    "fdiNewProjectCount": ("NUM",),
    "fdiAdjustmentCount": ("NUM",),
    "fdiContributionCount": ("NUM",),
    "fdiCharterContributionCount": ("NUM",),
    "fdiSharePurchaseCount": ("NUM",),
    "fdiValidProjectCount": ("NUM",),
    "investorCountryCount": ("NUM",),
    "ddiRegisteredCapital": _MONEY,
    "ddiNewCapital": _MONEY,
    "ddiAdjustedCapital": _MONEY,
    "ddiNewProjectCount": ("NUM",),
    "ddiAdjustmentCount": ("NUM",),
    "ddiValidProjectCount": ("NUM",),
    "investmentCapitalAttracted": _MONEY,
    "industrialParkCount": ("NUM",),
    "operatingIndustrialParkCount": ("NUM",),
    "industrialClusterCount": ("NUM",),
    "industrialParkArea": ("HA",),
    "industrialLandLeasedArea": ("HA",),
    "industrialParkOccupancyRate": ("PERCENT",),
    "industrialLandCleared": ("HA",),
    "otherLandCleared": ("HA",),
    "digitalSignatureAdoptionRate": ("PERCENT",),
    "trainedLabourRate": ("PERCENT",),
    "certifiedLabourRate": ("PERCENT",),
    "stateBudgetRevenue": _MONEY,
    "industrialProductionIndexGrowth": ("PERCENT",),
    "visitorArrivals": ("NUM",),
    "internationalVisitorArrivals": ("NUM",),
    "featuredProductCount": ("NUM",),
    "programmeImplementationDuration": ("YR",),
    "exportValue": _MONEY,
    "landArea": ("HA",),
    "enterpriseCount": ("NUM",),
    "jobCount": ("NUM",),
    "publicInvestmentDisbursed": _MONEY,
    "grdpGrowth": ("PERCENT",),
    "duration": ("YR",),
    "roadLength": ("KM",),
}
# Old measure keys, still read (drafts of older readers use them), and what replaces each.
DEPRECATED: dict[str, tuple[str, ...]] = {
    "fdiCapitalAttracted": ("fdiRegisteredCapital",),
    "fdiCapitalRegistered": ("fdiRegisteredCapital",),
    "fdiProjectCount": ("fdiValidProjectCount",),
    "growthRate": (),
    "declineRate": (),
    "growthRatio": (),
    "projectCount": ("fdiNewProjectCount", "fdiValidProjectCount"),
}
MEASURES = (*MEASURE_UNITS, *DEPRECATED)
# Measures of investment flows and positions; other measures are neither (flow/stock _Z).
FLOW_STOCK_MEASURES = frozenset(
    k
    for k in MEASURE_UNITS
    if k.startswith(
        ("fdi", "ddi", "investment", "industrialPark", "industrialCluster", "industrialLand")
    )
) | {
    "investorCountryCount",
    "exportValue",
    "stateBudgetRevenue",
    "publicInvestmentDisbursed",
    "enterpriseCount",
    "jobCount",
}
RELATIONS = (
    "hasInvestmentPillar",
    "hasInvestmentMotto",
    "prioritisesSector",
    "welcomesSector",
    "supportsSector",
    "attractsSector",
    "targetsPartnerMarket",
    "usesPolicyInstrument",
    "developsProject",
    "pursuesGoal",
)


@dataclass(frozen=True)
class Labels:
    vi: str
    en: str


@dataclass(frozen=True)
class Quote:
    """Exact words of a source, located by character offsets (start included, end not)."""

    text: str
    source: str  # the article id or a teaser id
    start: int
    end: int
    prefix: str
    suffix: str


@dataclass(frozen=True)
class Teaser:
    id: str
    section: str
    headline: str
    summary: str | None
    about: tuple[str, ...]
    start: int
    end: int


@dataclass(frozen=True)
class Article:
    id: str
    text: str
    file: str
    title: str
    author: str | None
    language: str
    about: tuple[str, ...]
    body_end: int
    published: date | None = None


@dataclass(frozen=True)
class Concept:
    id: str
    scheme: str
    label: Labels
    quotes: tuple[Quote, ...] = ()
    notation: str | None = None
    broader: str | None = None
    count: int | None = None


@dataclass(frozen=True)
class Statement:
    id: str
    area: str
    relation: str
    object: str
    source: str
    quotes: tuple[Quote, ...]


@dataclass(frozen=True)
class Observation:
    id: str
    area: str
    measure: str
    period: Period | None
    figure: str
    value: Decimal
    unit: str
    source: str
    quotes: tuple[Quote, ...]
    qualifier: str = "exact"
    status: str | None = None
    period_inferred: bool = False
    counterpart: str | None = None
    comparison: str = "level"
    stock: bool = False
    period_basis: str | None = None  # context | published, when period_inferred
    base: Period | None = None
    base_area: str | None = None
    share_of: str | None = None
    sector: str | None = None
    value_max: Decimal | None = None


@dataclass(frozen=True)
class Ranking:
    id: str
    area: str
    indicator: str
    scope: str
    rank: int
    source: str
    quotes: tuple[Quote, ...]
    period: Period | None = None
    comparator: str = "equal"
    out_of: int | None = None


@dataclass(frozen=True)
class Project:
    id: str
    label: Labels
    areas: tuple[str, ...]
    source: str
    quotes: tuple[Quote, ...]
    funded_by: str | None = None


@dataclass(frozen=True)
class Event:
    id: str
    label: Labels
    date: date
    source: str
    quotes: tuple[Quote, ...]
    organiser: str | None = None
    location: str | None = None


@dataclass(frozen=True)
class FactSet:
    """Everything one fact file says about one article and its teasers."""

    article: Article
    teasers: tuple[Teaser, ...] = ()
    concepts: tuple[Concept, ...] = ()
    statements: tuple[Statement, ...] = ()
    observations: tuple[Observation, ...] = ()
    rankings: tuple[Ranking, ...] = ()
    projects: tuple[Project, ...] = ()
    events: tuple[Event, ...] = ()


@dataclass(frozen=True)
class SourceRef:
    """A source outside the articles (a standard, a news page) that reference data cites."""

    id: str
    title: str
    url: str | None = None


@dataclass(frozen=True)
class Place:
    key: str  # the ISO code where there is one, else a local key
    kind: str  # country | province | municipality | region | locality
    label: Labels
    source: str  # a SourceRef id, or "article:<id>"
    iso_code: str | None = None
    alt: tuple[str, ...] = ()
    within: str | None = None
    quote: str | None = None


@dataclass(frozen=True)
class Merger:
    successor: Place
    predecessors: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Resolution:
    id: str
    label: Labels
    adopted: date
    effective: date


@dataclass(frozen=True)
class Reference:
    """Reference data: places, the sources they come from, and their history."""

    places: dict[str, Place]
    sources: dict[str, SourceRef]
    resolution: Resolution | None = None
    mergers: tuple[Merger, ...] = field(default=())
