"""Facts with their evidence: formatted values, quotes in the context of their source, series.

A *fact* is anything carrying ``fdi:hasQuote``: observations, rankings, policy statements,
and the concepts, projects and events the article names. Each quote comes with the
paragraph around it in its source's ``schema:text``, cut at the selector's offsets.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from rdflib import Literal, URIRef
from rdflib.term import Identifier

from fdigraph.errors import FdigraphError
from fdigraph.figures import Amount, Period, format_amount, parse_iso_period
from fdigraph.labels import PROLOGUE, Link, Row, Runner, Text, lookup, values
from fdigraph.mapping import UNIT_IRIS
from fdigraph.vocab import FDI, QB, SCHEMA, SDMX_ATTRIBUTE

UNIT_KEYS = {str(iri): key for key, iri in UNIT_IRIS.items()}
CONTEXT = 280  # characters of source text shown on each side of a quote, at most
MAX_POINTS = 24
ROLES = (
    FDI.refArea,
    FDI.aboutArea,
    FDI.refPeriod,
    QB.measureType,
    FDI.rankedIndicator,
    FDI.rankingScope,
    FDI.counterpartArea,
    FDI.relation,
    FDI.statedObject,
)
STATUS = {"obsStatus-E": Text("ước tính", "estimate"), "Target": Text("mục tiêu", "target")}


@dataclass(frozen=True)
class QuoteInContext:
    iri: str
    source: str
    before: str
    exact: str
    after: str
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class Part:
    """One thing a figure's reading says: ``component``, ``flow``/``position``/``period``,
    ``comparison``, in both languages."""

    role: str
    text: Text


@dataclass(frozen=True)
class Fact:
    iri: str
    kind: str
    label: Text
    value: Text | None
    roles: tuple[tuple[Link, Link], ...]
    quotes: tuple[QuoteInContext, ...]
    reading: tuple[Part, ...] = ()  # an observation's figure in words (see :func:`reading`)


@dataclass(frozen=True)
class Point:
    iri: str
    label: Text
    value: Decimal
    text: Text


@dataclass(frozen=True)
class Series:
    measure: Link
    unit: str
    by: str  # "period", "area" or "both"
    points: tuple[Point, ...]


def fact_triples(run: Runner, iris: Sequence[str]) -> dict[str, list[tuple[str, Identifier]]]:
    """Every (predicate, object) of each fact."""
    out: dict[str, list[tuple[str, Identifier]]] = defaultdict(list)
    if iris:
        for row in run(f"SELECT ?f ?p ?o WHERE {{ {values('f', iris)} ?f ?p ?o }}"):
            out[str(row["f"])].append((str(row["p"]), row["o"]))
    return out


def facts(run: Runner, iris: Sequence[str], names: dict[str, Link]) -> list[Fact]:
    """The facts ``iris`` with their roles, formatted values and quotes (``names`` grows)."""
    triples = fact_triples(run, iris)
    quote_iris = [str(o) for po in triples.values() for p, o in po if p == str(FDI.hasQuote)]
    quotes = quotes_in_context(run, quote_iris)
    components, periods = _components_and_periods(run, triples)
    wanted = {str(o) for po in triples.values() for p, o in po if isinstance(o, URIRef)}
    wanted |= {p for po in triples.values() for p, _ in po} | set(iris)
    wanted |= set(components.values()) | {str(FDI.capitalComponent), str(FDI.refPeriod)}
    names.update(lookup(run, wanted - names.keys()))
    found = []
    for iri in iris:
        po = triples.get(iri, [])
        one = {p: o for p, o in po}
        roles = tuple(
            (names[p], names[str(o)]) for p, o in po if p in map(str, ROLES) and str(o) in names
        )
        found.append(
            Fact(
                iri=iri,
                kind=names[iri].kind,
                label=_label(names[iri], roles),
                value=_value(one, names),
                roles=tuple(sorted(roles, key=lambda r: ROLES.index(URIRef(r[0].iri)))),
                quotes=tuple(
                    quotes[str(o)] for p, o in po if p == str(FDI.hasQuote) and str(o) in quotes
                ),
                reading=reading(one, names, components, periods),
            )
        )
    return found


_COMPONENTS = """SELECT ?m ?c WHERE { %s ?m fdi:capitalComponent ?c }"""
_ISO = """SELECT ?t ?iso WHERE { %s ?t fdi:iso8601 ?iso }"""


def _components_and_periods(
    run: Runner, triples: dict[str, list[tuple[str, Identifier]]]
) -> tuple[dict[str, str], dict[str, Period]]:
    """The capital component of each measure the facts use, and each of their periods."""
    measures = {str(o) for po in triples.values() for p, o in po if p == str(QB.measureType)}
    spans = {
        str(o)
        for po in triples.values()
        for p, o in po
        if p in (str(FDI.refPeriod), str(FDI.basePeriod)) and isinstance(o, URIRef)
    }
    components: dict[str, str] = {}
    if measures:
        for row in run(PROLOGUE + _COMPONENTS % values("m", measures)):
            components.setdefault(str(row["m"]), str(row["c"]))
    periods: dict[str, Period] = {}
    if spans:
        for row in run(PROLOGUE + _ISO % values("t", spans)):
            try:
                periods[str(row["t"])] = parse_iso_period(str(row["iso"]))
            except FdigraphError:
                continue  # a period the build would not mint: shown by its label only
    return components, periods


def day_words(day: date, lang: str) -> str:
    """'30/11/2024' / '30 November 2024'."""
    if lang == "vi":
        return f"{day.day}/{day.month}/{day.year}"
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def period_words(period: Period) -> Text:
    """'11 tháng đầu năm 2024' / 'January–November 2024'; a day as a reader writes it."""
    if period.is_day:
        return Text(day_words(period.begin, "vi"), day_words(period.begin, "en"))
    return Text(period.label("vi"), period.label("en"))


def reading(
    one: dict[str, Identifier],
    names: dict[str, Link],
    components: dict[str, str],
    periods: dict[str, Period],
) -> tuple[Part, ...]:
    """An observation's figure in words: its capital component, whether it is a flow over
    its period or a position as of a day, and its comparison with the base period.

    'capital component: new · flow, January–November 2024 · growth against
    January–November 2023' / 'thành phần vốn: cấp mới · dòng, 11 tháng đầu năm 2024 ·
    tốc độ tăng so với 11 tháng đầu năm 2023'. Empty for facts that are not figures.
    """
    measure = one.get(str(QB.measureType))
    if measure is None or str(measure) == str(FDI.rank):
        return ()
    parts: list[Part] = []

    component = label_of(components.get(str(measure)), names)
    prop = label_of(str(FDI.capitalComponent), names)
    if component is not None and prop is not None:
        parts.append(
            Part("component", Text(f"{prop.vi}: {component.vi}", f"{prop.en}: {component.en}"))
        )
    parts.append(_when(one, names, periods))
    compared = _comparison(one, names, periods)
    if compared is not None:
        parts.append(compared)
    return tuple(parts)


def _when(one: dict[str, Identifier], names: dict[str, Link], periods: dict[str, Period]) -> Part:
    """'flow, January–November 2024', 'position as of 30 November 2024', or the period."""
    flow_stock = str(one.get(str(FDI.flowStock)))
    period = periods.get(str(one.get(str(FDI.refPeriod))))
    if flow_stock == str(FDI.Position):
        if period is None:
            return Part("position", Text("vị thế, không nêu ngày", "position, date not stated"))
        vi, en = day_words(period.end, "vi"), day_words(period.end, "en")
        return Part("position", Text(f"vị thế tại ngày {vi}", f"position as of {en}"))
    if flow_stock == str(FDI.Flow):
        if period is None:
            return Part("flow", Text("dòng, không nêu kỳ", "flow, period not stated"))
        words = period_words(period)
        return Part("flow", Text(f"dòng, {words.vi}", f"flow, {words.en}"))
    prop = names.get(str(FDI.refPeriod))
    head = prop.label if prop is not None else Text("kỳ", "reference period")
    given = one.get(str(FDI.refPeriod))
    if period is not None:
        when = period_words(period)
    else:
        when = label_of(given, names) or Text("không nêu", "not stated")
    return Part("period", Text(f"{head.vi}: {when.vi}", f"{head.en}: {when.en}"))


def label_of(iri: object, names: dict[str, Link]) -> Text | None:
    link = names.get(str(iri)) if iri is not None else None
    return link.label if link is not None else None


def _comparison(
    one: dict[str, Identifier], names: dict[str, Link], periods: dict[str, Period]
) -> Part | None:
    """'growth against January–November 2023', 'share of the total of Vietnam', 'level'."""
    code = one.get(str(FDI.comparison))
    name = label_of(code, names)
    if code is None or name is None:
        return None
    base = one.get(str(FDI.basePeriod))
    if str(base) in periods:
        words = period_words(periods[str(base)])
        return Part(
            "comparison", Text(f"{name.vi} so với {words.vi}", f"{name.en} against {words.en}")
        )
    if str(base) == str(FDI.NotStated):
        return Part(
            "comparison",
            Text(f"{name.vi} (không nêu kỳ gốc)", f"{name.en} (base period not stated)"),
        )
    if str(code) == str(FDI.Share):
        whole = label_of(one.get(str(FDI.shareOf)), names)
        if whole is not None and str(one.get(str(FDI.shareOf))) != str(FDI.NotApplicable):
            return Part(
                "comparison",
                Text(
                    f"{name.vi} trong tổng của {whole.vi}", f"{name.en} of the total of {whole.en}"
                ),
            )
    area = one.get(str(FDI.baseArea))
    if area is not None and str(area) not in (
        str(FDI.NotApplicable),
        str(one.get(str(FDI.refArea))),
    ):
        other = label_of(area, names)
        if other is not None:
            return Part(
                "comparison", Text(f"{name.vi} so với {other.vi}", f"{name.en} against {other.en}")
            )
    return Part("comparison", name)


def _label(link: Link, roles: Sequence[tuple[Link, Link]]) -> Text:
    """The fact's own label, else its roles' labels joined; a title, so capitalised."""
    parts = [target.label for _, target in roles]
    if link.named or not parts:
        text = link.label
    else:
        text = Text(" – ".join(p.vi for p in parts), " – ".join(p.en for p in parts))
    return Text(_capital(text.vi), _capital(text.en))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _value(one: dict[str, Identifier], names: dict[str, Link]) -> Text | None:
    """'hơn 300 ha' / 'more than 300 ha'; 'trong nhóm 10' / 'top 10'; None for other facts."""
    measure = one.get(str(QB.measureType))
    if measure is not None and str(measure) != str(FDI.rank):
        raw, unit = one.get(str(measure)), one.get(str(SDMX_ATTRIBUTE.unitMeasure))
        if not isinstance(raw, Literal):
            return None
        amount = Amount(Decimal(str(raw)), UNIT_KEYS.get(str(unit), "NUM"))
        text = Text(format_amount(amount, "vi"), format_amount(amount, "en"))
        qualifier = one.get(str(FDI.valueQualifier))
        if qualifier is not None and str(qualifier) != str(FDI.Exact) and str(qualifier) in names:
            q = names[str(qualifier)].label
            text = Text(f"{q.vi} {text.vi}", f"{q.en} {text.en}")
        status = one.get(str(SDMX_ATTRIBUTE.obsStatus))
        if status is not None:
            s = STATUS.get(str(status).rsplit("#", 1)[-1], Text.same(""))
            text = Text(f"{text.vi} ({s.vi})", f"{text.en} ({s.en})")
        return text
    rank = one.get(str(FDI.rank))
    if isinstance(rank, Literal):
        n = int(str(rank))
        out_of = one.get(str(FDI.rankOutOf))
        tail = f"/{out_of}" if out_of is not None else ""
        if str(one.get(str(FDI.rankComparator))) == str(FDI.RankAtMost):
            return Text(f"trong nhóm {n}{tail}", f"top {n}{tail}")
        return Text(f"hạng {n}{tail}", f"rank {n}{tail}")
    return None


_QUOTES = """SELECT ?q ?src ?exact ?prefix ?suffix ?start ?end ?text WHERE {
  %s
  ?q oa:hasTarget ?t . ?t oa:hasSource ?src .
  OPTIONAL { ?t oa:hasSelector ?qs . ?qs oa:exact ?exact
             OPTIONAL { ?qs oa:prefix ?prefix } OPTIONAL { ?qs oa:suffix ?suffix } }
  OPTIONAL { ?t oa:hasSelector ?ps . ?ps oa:start ?start ; oa:end ?end }
}"""


def quotes_in_context(run: Runner, iris: Sequence[str]) -> dict[str, QuoteInContext]:
    """Each quote with the paragraph around it, read from its source's ``schema:text``."""
    if not iris:
        return {}
    rows = run(PROLOGUE + _QUOTES % values("q", iris))
    sources = sorted({str(r["src"]) for r in rows})
    texts = {
        str(r["s"]): str(r["text"])
        for r in run(f"SELECT ?s ?text WHERE {{ {values('s', sources)} ?s <{SCHEMA.text}> ?text }}")
    }
    found: dict[str, QuoteInContext] = {}
    for r in rows:
        exact = str(r.get("exact", ""))
        text = texts.get(str(r["src"]), "")
        start = int(str(r["start"])) if "start" in r else text.find(exact) if exact else -1
        end = int(str(r["end"])) if "end" in r else start + len(exact)
        if text and 0 <= start <= end <= len(text) and (not exact or text[start:end] == exact):
            before, exact, after = around(text, start, end)
        else:
            before, after = str(r.get("prefix", "")), str(r.get("suffix", ""))
        found[str(r["q"])] = QuoteInContext(
            str(r["q"]),
            str(r["src"]),
            before,
            exact,
            after,
            start if start >= 0 else None,
            end if start >= 0 else None,
        )
    return found


def around(text: str, start: int, end: int) -> tuple[str, str, str]:
    """The paragraph around ``text[start:end]``, cut to CONTEXT characters each side."""
    para_start = text.rfind("\n", 0, start) + 1
    para_end = text.find("\n", end)
    para_end = len(text) if para_end < 0 else para_end
    before, after = text[para_start:start], text[end:para_end]
    if len(before) > CONTEXT:
        before = "…" + before[-CONTEXT:].split(" ", 1)[-1]
    if len(after) > CONTEXT:
        after = after[:CONTEXT].rsplit(" ", 1)[0] + "…"
    return before, text[start:end], after


_SERIES = """SELECT ?o ?m ?v ?unit ?area ?period WHERE {
  %s
  ?o a fdi:Observation ; qb:measureType ?m ; sdmx-attribute:unitMeasure ?unit ; fdi:refArea ?area .
  ?o ?m ?v .
  OPTIONAL { ?o fdi:refPeriod ?period }
} ORDER BY ?m ?period ?area LIMIT 500"""


def series(run: Runner, measures: Iterable[str], names: dict[str, Link]) -> list[Series]:
    """For each measure with two or more observations: its values by period and/or place."""
    wanted = sorted(set(measures))
    if not wanted:
        return []
    rows = run(PROLOGUE + _SERIES % values("m", wanted))
    groups: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for r in rows:
        groups[(str(r["m"]), str(r["unit"]))].append(r)
    names.update(
        lookup(
            run, {str(r[k]) for r in rows for k in ("m", "area", "period") if k in r} - names.keys()
        )
    )
    found = []
    for (measure, unit), group in sorted(groups.items()):
        if len(group) < 2:
            continue
        areas = {str(r["area"]) for r in group}
        periods = {str(r.get("period", "")) for r in group}
        by = (
            "both"
            if len(areas) > 1 and len(periods) > 1
            else "area"
            if len(areas) > 1
            else "period"
        )
        points = []
        for r in group[:MAX_POINTS]:
            amount = Amount(Decimal(str(r["v"])), UNIT_KEYS.get(unit, "NUM"))
            area = names[str(r["area"])].label
            period = names[str(r["period"])].label if "period" in r else Text("?", "?")
            label = (
                area
                if by == "area"
                else period
                if by == "period"
                else Text(f"{area.vi}, {period.vi}", f"{area.en}, {period.en}")
            )
            text = Text(format_amount(amount, "vi"), format_amount(amount, "en"))
            points.append(Point(str(r["o"]), label, amount.value, text))
        found.append(Series(names[measure], UNIT_KEYS.get(unit, "NUM"), by, tuple(points)))
    return found
