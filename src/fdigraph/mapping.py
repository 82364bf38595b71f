"""Fact records to triples: one small pure function per kind of fact.

Every fact gets a stable IRI minted from its file's keys, a link to the source it was
derived from (the article or a teaser) and one Web Annotation per quote. No blank
nodes are minted, so the same facts always serialise to the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, TIME, XSD

from fdigraph import facts as F
from fdigraph.figures import Period
from fdigraph.vocab import (
    FDI,
    OA,
    QB,
    SCHEMA,
    SDMX_ATTRIBUTE,
    SDMX_CODE,
    UNIT,
    Minter,
    fdi_term,
    fold,
)

Triple = tuple[URIRef, URIRef, URIRef | Literal]

UNIT_IRIS = {
    "USD": UNIT.CCY_USD,
    "VND": UNIT.CCY_VND,
    "HA": UNIT.HA,
    "PERCENT": UNIT.PERCENT,
    "NUM": UNIT.NUM,
    "YR": UNIT.YR,
    "KM": UNIT.KiloM,
}
QUALIFIERS = {
    "exact": FDI.Exact,
    "more-than": FDI.MoreThan,
    "nearly": FDI.Nearly,
    "approximately": FDI.Approximately,
    "at-least": FDI.AtLeast,
    "up-to": FDI.UpTo,
    "between": FDI.Between,
}
COMPARISONS = {
    "level": FDI.Level,
    "change": FDI.Change,
    "growth": FDI.Growth,
    "multiplier": FDI.Multiplier,
    "share": FDI.Share,
    "plan-percent": FDI.PlanPercent,
    "plan-excess": FDI.PlanExcess,
}
PERIOD_BASES = {"context": FDI.InferredFromContext, "published": FDI.InferredFromPublication}
COMPARISON_WORDS = {
    "change": (" (mức thay đổi)", " (change)"),
    "growth": (" (tốc độ tăng)", " (growth)"),
    "multiplier": (" (số lần)", " (multiplier)"),
    "share": (" (tỷ trọng)", " (share)"),
    "plan-percent": (" (phần trăm kế hoạch)", " (percent of plan)"),
    "plan-excess": (" (vượt kế hoạch)", " (above plan)"),
}
STATUSES = {"estimate": SDMX_CODE["obsStatus-E"], "target": FDI.Target}
COMPARATORS = {"equal": FDI.RankEqual, "at-most": FDI.RankAtMost}
AREA_CLASSES = {
    "country": FDI.Country,
    "province": FDI.Province,
    "municipality": FDI.Municipality,
    "region": FDI.Region,
    "locality": FDI.Locality,
}
SCHEMES = {
    "pillars": (
        "Trụ cột chính sách thu hút đầu tư",
        "Investment-policy pillars",
        FDI.InvestmentPillar,
    ),
    "motto": ("Phương châm thu hút đầu tư", "Investment mottos", FDI.Motto),
    "sectors": ("Ngành, lĩnh vực thu hút đầu tư", "Investment sectors", FDI.Sector),
    "instruments": ("Công cụ chính sách", "Policy instruments", FDI.PolicyInstrument),
    "indicators": ("Chỉ số xếp hạng", "Ranking indicators", FDI.Indicator),
    "goals": ("Mục tiêu phát triển", "Development goals", FDI.Goal),
}


def vi(text: str) -> Literal:
    return Literal(text, lang="vi")


def en(text: str) -> Literal:
    return Literal(text, lang="en")


def labelled(subject: URIRef, labels: F.Labels, *, pref: bool = False) -> Iterator[Triple]:
    """rdfs:label (and skos:prefLabel) in both languages, plus the folded search label."""
    for prop in (RDFS.label, SKOS.prefLabel) if pref else (RDFS.label,):
        yield subject, prop, vi(labels.vi)
        yield subject, prop, en(labels.en)
    for folded in sorted({fold(labels.vi), fold(labels.en)}):
        yield subject, FDI.searchLabel, Literal(folded)


class Mapper:
    """Maps the records of one build, minting IRIs under one base."""

    def __init__(self, mint: Minter) -> None:
        self.mint = mint

    def area(self, key: str) -> URIRef:
        return self.mint("area", key)

    # -- reference data ----------------------------------------------------------------

    def source_ref(self, ref: F.SourceRef) -> Iterator[Triple]:
        s = self.mint("source", ref.id)
        yield s, RDF.type, PROV.Entity
        yield s, RDF.type, DCTERMS.BibliographicResource
        yield s, DCTERMS.title, Literal(ref.title)
        yield s, RDFS.label, Literal(ref.title)
        if ref.url:
            yield s, SCHEMA.url, Literal(ref.url, datatype=XSD.anyURI)

    def place(self, place: F.Place) -> Iterator[Triple]:
        s = self.area(place.key)
        yield s, RDF.type, AREA_CLASSES[place.kind]
        yield from labelled(s, place.label, pref=True)
        for alt in place.alt:
            yield s, SKOS.altLabel, vi(alt)
            yield s, FDI.searchLabel, Literal(fold(alt))
        if place.iso_code:
            yield s, FDI.isoCode, Literal(place.iso_code)
        if place.within:
            yield s, SCHEMA.containedInPlace, self.area(place.within)
        if place.source.startswith("article:"):
            yield s, PROV.wasDerivedFrom, self.mint("article", place.source.split(":", 1)[1])
        else:
            yield s, PROV.wasDerivedFrom, self.mint("source", place.source)

    def merger(self, merger: F.Merger, resolution: F.Resolution) -> Iterator[Triple]:
        new = merger.successor
        yield from self.place(new)
        successor = self.area(new.key)
        act = self.mint("source", resolution.id)
        change = self.mint("change", new.key)
        yield successor, FDI.validFrom, Literal(resolution.effective)
        yield change, RDF.type, FDI.AdministrativeChange
        yield change, RDFS.label, vi(f"Sáp nhập thành {new.label.vi} ({resolution.effective.year})")
        yield change, RDFS.label, en(f"Merger into {new.label.en} ({resolution.effective.year})")
        yield change, FDI.legalBasis, act
        yield change, FDI.effective, Literal(resolution.effective)
        yield change, FDI.successor, successor
        for key in merger.sources:
            yield change, PROV.wasDerivedFrom, self.mint("source", key)
        for code in merger.predecessors:
            old = self.area(code)
            yield change, FDI.predecessor, old
            yield successor, DCTERMS.replaces, old
            yield old, DCTERMS.isReplacedBy, successor
            yield old, FDI.validUntil, Literal(resolution.effective - timedelta(days=1))

    def resolution(self, resolution: F.Resolution) -> Iterator[Triple]:
        act = self.mint("source", resolution.id)
        yield act, RDF.type, FDI.LegalAct
        yield from labelled(act, resolution.label)
        yield act, FDI.adopted, Literal(resolution.adopted)
        yield act, FDI.effective, Literal(resolution.effective)

    # -- articles, teasers, quotes ----------------------------------------------------

    def article(self, article: F.Article) -> Iterator[Triple]:
        s = self.mint("article", article.id)
        yield s, RDF.type, SCHEMA.NewsArticle
        yield s, RDF.type, PROV.Entity
        yield s, DCTERMS.identifier, Literal(article.id)
        yield s, SCHEMA.headline, vi(article.title)
        yield s, RDFS.label, vi(article.title)
        yield s, FDI.searchLabel, Literal(fold(article.title))
        yield s, SCHEMA.inLanguage, Literal(article.language)
        yield s, SCHEMA.text, Literal(article.text, lang=article.language)
        for code in article.about:
            yield s, SCHEMA.about, self.area(code)
        if article.published:
            yield s, DCTERMS.issued, Literal(article.published)
        if article.author:
            person = self.mint("person", fold(article.author).replace(" ", "-"))
            yield s, SCHEMA.author, person
            yield person, RDF.type, SCHEMA.Person
            yield person, SCHEMA.name, Literal(article.author)
            yield person, RDFS.label, Literal(article.author)
        for kind, structure in (("indicators", FDI.dsdIndicators), ("rankings", FDI.dsdRankings)):
            ds = self.mint("dataset", f"{article.id}-{kind}")
            yield ds, RDF.type, QB.DataSet
            yield ds, QB.structure, structure
            yield ds, PROV.wasDerivedFrom, s
            yield (
                ds,
                RDFS.label,
                vi(f"{'Số liệu' if kind == 'indicators' else 'Xếp hạng'}: {article.title}"),
            )
            yield (
                ds,
                RDFS.label,
                en(f"{'Figures' if kind == 'indicators' else 'Rankings'} of {article.id}"),
            )

    def teaser(self, article: F.Article, teaser: F.Teaser) -> Iterator[Triple]:
        s = self.mint("teaser", article.id, teaser.id)
        span = self.mint("selector", article.id, f"teaser-{teaser.id}")
        yield s, RDF.type, FDI.TeaserSnippet
        yield s, SCHEMA.headline, vi(teaser.headline)
        yield s, RDFS.label, vi(teaser.headline)
        yield s, FDI.searchLabel, Literal(fold(teaser.headline))
        if teaser.summary:
            yield s, SCHEMA.abstract, vi(teaser.summary)
        yield s, DCTERMS.isPartOf, self.mint("article", article.id)
        yield s, FDI.teaserSection, Literal(teaser.section)
        for code in teaser.about:
            yield s, SCHEMA.mentions, self.area(code)
        yield s, FDI.textSpan, span
        yield span, RDF.type, OA.TextPositionSelector
        yield span, OA.start, Literal(teaser.start, datatype=XSD.nonNegativeInteger)
        yield span, OA.end, Literal(teaser.end, datatype=XSD.nonNegativeInteger)

    def quote(
        self, fact: URIRef, key: str, n: int, quote: F.Quote, article_id: str | None = None
    ) -> Iterator[Triple]:
        """One Web Annotation tying ``fact`` to the exact words that support it."""
        page = article_id or self._article_of(fact)
        q = self.mint("quote", page, f"{key}-{n}")
        target = self.mint("target", page, f"{key}-{n}")
        exact = self.mint("selector", page, f"{key}-{n}-quote")
        position = self.mint("selector", page, f"{key}-{n}-position")
        yield fact, FDI.hasQuote, q
        yield q, RDF.type, FDI.Quote
        yield q, RDF.type, OA.Annotation
        yield q, RDFS.label, vi(quote.text)
        yield q, OA.hasBody, fact
        yield q, OA.hasTarget, target
        yield target, RDF.type, OA.SpecificResource
        yield target, OA.hasSource, self.mint("article", page)
        yield target, OA.hasSelector, exact
        yield target, OA.hasSelector, position
        yield exact, RDF.type, OA.TextQuoteSelector
        yield exact, OA.exact, Literal(quote.text)
        yield exact, OA.prefix, Literal(quote.prefix)
        yield exact, OA.suffix, Literal(quote.suffix)
        yield position, RDF.type, OA.TextPositionSelector
        yield position, OA.start, Literal(quote.start, datatype=XSD.nonNegativeInteger)
        yield position, OA.end, Literal(quote.end, datatype=XSD.nonNegativeInteger)

    def _article_of(self, fact: URIRef) -> str:
        # Facts are minted as <kind>/<article>/<id>: the article key is the second part.
        return str(fact)[len(str(self.mint.id)) :].split("/")[1]

    def _provenance(
        self, article: F.Article, s: URIRef, key: str, source: str, quotes: Iterable[F.Quote]
    ) -> Iterator[Triple]:
        derived = (
            self.mint("article", article.id)
            if source == article.id
            else self.mint("teaser", article.id, source)
        )
        yield s, PROV.wasDerivedFrom, derived
        for n, q in enumerate(quotes, start=1):
            if q.source != source:
                yield s, PROV.wasDerivedFrom, self.mint("teaser", article.id, q.source)
            yield from self.quote(s, key, n, q, article.id)

    # -- periods ------------------------------------------------------------------------

    def period(self, period: Period) -> Iterator[Triple]:
        s = self.mint("period", period.key)
        yield s, RDF.type, FDI.Period
        yield s, RDF.type, TIME.ProperInterval
        yield s, FDI.iso8601, Literal(period.iso)
        yield s, RDFS.label, vi(period.label("vi"))
        yield s, RDFS.label, en(period.label("en"))
        yield s, TIME.hasXSDDuration, Literal(period.duration, datatype=XSD.duration)
        for prop, day in ((TIME.hasBeginning, period.begin), (TIME.hasEnd, period.end)):
            instant = self.instant(day)
            yield s, prop, instant
            yield instant, RDF.type, TIME.Instant
            yield instant, TIME.inXSDDate, Literal(day)

    def instant(self, day: date) -> URIRef:
        return self.mint("instant", day.isoformat())

    # -- facts --------------------------------------------------------------------------

    def concept(self, article: F.Article, c: F.Concept) -> Iterator[Triple]:
        s = self.mint("concept", c.id)
        scheme = self.mint("scheme", c.scheme)
        vi_name, en_name, cls = SCHEMES[c.scheme]
        if c.scheme == "motto" and c.broader is not None:
            cls = FDI.MottoPart if c.count is not None else FDI.Criterion
        yield s, RDF.type, SKOS.Concept
        yield s, RDF.type, cls
        yield s, SKOS.inScheme, scheme
        yield from labelled(s, c.label, pref=True)
        if c.notation:
            yield s, SKOS.notation, Literal(c.notation)
        if c.broader:
            yield s, SKOS.broader, self.mint("concept", c.broader)
            yield self.mint("concept", c.broader), SKOS.narrower, s
        else:
            yield s, SKOS.topConceptOf, scheme
            yield scheme, SKOS.hasTopConcept, s
        if c.count is not None:
            yield s, FDI.criteriaCount, Literal(c.count, datatype=XSD.positiveInteger)
        yield scheme, RDF.type, SKOS.ConceptScheme
        yield scheme, RDFS.label, vi(vi_name)
        yield scheme, RDFS.label, en(en_name)
        yield scheme, SKOS.prefLabel, vi(vi_name)
        yield scheme, SKOS.prefLabel, en(en_name)
        if c.quotes:
            yield from self._provenance(article, s, c.id, article.id, c.quotes)

    def statement(
        self, article: F.Article, st: F.Statement, objects: dict[str, URIRef]
    ) -> Iterator[Triple]:
        s = self.mint("statement", article.id, st.id)
        relation = fdi_term(st.relation)
        obj = objects[st.object]
        yield s, RDF.type, FDI.PolicyStatement
        yield s, FDI.aboutArea, self.area(st.area)
        yield s, FDI.relation, relation
        yield s, FDI.statedObject, obj
        yield self.area(st.area), relation, obj
        yield from self._provenance(article, s, st.id, st.source, st.quotes)

    def _cube(
        self, s: URIRef, cls: URIRef, dataset: str, area: str, period: Period | None
    ) -> Iterator[Triple]:
        """What every Data Cube observation has: its classes, data set, area and period."""
        yield s, RDF.type, cls
        yield s, RDF.type, QB.Observation
        yield s, QB.dataSet, self.mint("dataset", dataset)
        yield s, FDI.refArea, self.area(area)
        yield from self._period_dimension(s, FDI.refPeriod, period, FDI.NotStated)

    def _period_dimension(
        self, s: URIRef, prop: URIRef, period: Period | None, missing: URIRef
    ) -> Iterator[Triple]:
        if period is None:
            yield s, prop, missing
        else:
            yield s, prop, self.mint("period", period.key)
            yield from self.period(period)

    def observation(
        self, article: F.Article, o: F.Observation, labels: dict[str, F.Labels]
    ) -> Iterator[Triple]:
        s = self.mint("obs", article.id, o.id)
        measure = fdi_term(o.measure)
        yield from self._cube(s, FDI.Observation, f"{article.id}-indicators", o.area, o.period)
        yield s, QB.measureType, measure
        yield s, measure, Literal(str(o.value), datatype=XSD.decimal)
        yield s, SDMX_ATTRIBUTE.unitMeasure, UNIT_IRIS[o.unit]
        yield s, FDI.valueQualifier, QUALIFIERS[o.qualifier]
        yield s, FDI.asWritten, Literal(o.figure, lang="vi")
        if o.value_max is not None:
            yield s, FDI.upperBound, Literal(str(o.value_max), datatype=XSD.decimal)
        if o.status:
            yield s, SDMX_ATTRIBUTE.obsStatus, STATUSES[o.status]
        if o.period_inferred:
            yield s, FDI.periodInferred, Literal(True)
            yield s, FDI.periodBasis, PERIOD_BASES[o.period_basis or "context"]
        yield from self._dimensions(s, o)
        area, what = labels[o.area], labels[o.measure]
        when = (
            (f" – {o.period.label('vi')}", f" – {o.period.label('en')}") if o.period else ("", "")
        )
        how = ("", "") if o.comparison == "level" else COMPARISON_WORDS[o.comparison]
        yield s, RDFS.label, vi(f"{what.vi}{how[0]} – {area.vi}{when[0]}: {o.figure}")
        yield s, RDFS.label, en(f"{what.en}{how[1]} – {area.en}{when[1]}")
        yield from self._provenance(article, s, o.id, o.source, o.quotes)

    def _dimensions(self, s: URIRef, o: F.Observation) -> Iterator[Triple]:
        """The dimensions beside area, period and measure, each with a value (IC-11)."""
        yield s, FDI.comparison, COMPARISONS[o.comparison]
        if o.stock:
            flow_stock = FDI.Position
        elif o.measure in F.FLOW_STOCK_MEASURES:
            flow_stock = FDI.Flow
        else:
            flow_stock = FDI.NotApplicable
        yield s, FDI.flowStock, flow_stock
        yield s, FDI.counterpartArea, self.area(o.counterpart) if o.counterpart else FDI.Total
        yield s, FDI.sector, self.mint("concept", o.sector) if o.sector else FDI.Total
        if o.comparison in F.BASED:
            yield from self._period_dimension(s, FDI.basePeriod, o.base, FDI.NotStated)
            yield s, FDI.baseArea, self.area(o.base_area or o.area)
        else:
            yield s, FDI.basePeriod, FDI.NotApplicable
            yield s, FDI.baseArea, FDI.NotApplicable
        if o.comparison == "share":
            yield s, FDI.shareOf, self.area(o.share_of or o.area)
        else:
            yield s, FDI.shareOf, FDI.NotApplicable

    def ranking(
        self, article: F.Article, r: F.Ranking, labels: dict[str, F.Labels], kinds: dict[str, str]
    ) -> Iterator[Triple]:
        s = self.mint("ranking", article.id, r.id)
        yield from self._cube(s, FDI.RankingObservation, f"{article.id}-rankings", r.area, r.period)
        yield s, FDI.rankedIndicator, self.mint("concept", r.indicator)
        yield s, FDI.rankingScope, self.area(r.scope)
        yield s, FDI.rank, Literal(r.rank, datatype=XSD.positiveInteger)
        yield s, FDI.rankComparator, COMPARATORS[r.comparator]
        if r.out_of:
            yield s, FDI.rankOutOf, Literal(r.out_of, datatype=XSD.positiveInteger)
        if kinds.get(r.scope) == "region":
            # Ranked within a region implies being in it; the ranking's quote is the source.
            yield self.area(r.area), SCHEMA.containedInPlace, self.area(r.scope)
        top = "top " if r.comparator == "at-most" else "#"
        area, ind, scope = labels[r.area], labels[r.indicator], labels[r.scope]
        what = ind.vi[:1].lower() + ind.vi[1:]
        yield (
            s,
            RDFS.label,
            vi(
                f"{area.vi}: {'nhóm ' if r.comparator == 'at-most' else 'thứ '}{r.rank} về {what} ({scope.vi})"
            ),
        )
        yield s, RDFS.label, en(f"{area.en}: {top}{r.rank} in {ind.en} ({scope.en})")
        yield from self._provenance(article, s, r.id, r.source, r.quotes)

    def project(self, article: F.Article, p: F.Project) -> Iterator[Triple]:
        s = self.mint("project", p.id)
        yield s, RDF.type, FDI.InfrastructureProject
        yield from labelled(s, p.label)
        for code in p.areas:
            yield s, SCHEMA.location, self.area(code)
        if p.funded_by:
            yield s, FDI.fundedBy, self.area(p.funded_by)
        yield from self._provenance(article, s, p.id, p.source, p.quotes)

    def event(self, article: F.Article, e: F.Event) -> Iterator[Triple]:
        s = self.mint("event", e.id)
        yield s, RDF.type, FDI.Event
        yield from labelled(s, e.label)
        yield s, SCHEMA.startDate, Literal(e.date)
        if e.organiser:
            yield s, SCHEMA.organizer, self.area(e.organiser)
        if e.location:
            yield s, SCHEMA.location, self.area(e.location)
        yield from self._provenance(article, s, e.id, e.source, e.quotes)

    def fact_set(
        self,
        fs: F.FactSet,
        reference: F.Reference,
        measure_labels: dict[str, F.Labels],
        concepts: Iterable[F.Concept] = (),
    ) -> Iterator[Triple]:
        """The triples of one fact set; ``concepts``: those of every fact set of the build.

        A fact may name a concept an earlier fact file defines (concept IRIs are global).
        """
        art = fs.article
        known = [*concepts, *fs.concepts]
        labels = {k: p.label for k, p in reference.places.items()}
        labels.update({c.id: c.label for c in known})
        labels.update(measure_labels)
        kinds = {k: p.kind for k, p in reference.places.items()}
        objects = {k: self.area(k) for k in reference.places}
        objects.update({c.id: self.mint("concept", c.id) for c in known})
        objects.update({p.id: self.mint("project", p.id) for p in fs.projects})
        yield from self.article(art)
        for t in fs.teasers:
            yield from self.teaser(art, t)
        for c in fs.concepts:
            yield from self.concept(art, c)
        for st in fs.statements:
            yield from self.statement(art, st, objects)
        for o in fs.observations:
            yield from self.observation(art, o, labels)
        for r in fs.rankings:
            yield from self.ranking(art, r, labels, kinds)
        for p in fs.projects:
            yield from self.project(art, p)
        for e in fs.events:
            yield from self.event(art, e)


def to_graph(
    reference: F.Reference,
    fact_sets: Iterable[F.FactSet],
    mint: Minter,
    measure_labels: dict[str, F.Labels],
    place_quotes: dict[str, tuple[str, F.Quote]] | None = None,
) -> Graph:
    """The data graph of a build: reference data plus every fact set."""
    m = Mapper(mint)
    g = Graph()
    place_quotes = place_quotes or {}
    for ref in reference.sources.values():
        for t in m.source_ref(ref):
            g.add(t)
    merged = {mg.successor.key for mg in reference.mergers}
    for key, place in reference.places.items():
        if key in merged:
            continue
        article_quote = place_quotes.get(key)
        triples = (
            m.place(place) if article_quote is None else _place_with_quote(m, place, *article_quote)
        )
        for t in triples:
            g.add(t)
    if reference.resolution:
        for t in m.resolution(reference.resolution):
            g.add(t)
        for mg in reference.mergers:
            for t in m.merger(mg, reference.resolution):
                g.add(t)
    fact_sets = tuple(fact_sets)
    concepts = [c for fs in fact_sets for c in fs.concepts]
    for fs in fact_sets:
        for t in m.fact_set(fs, reference, measure_labels, concepts):
            g.add(t)
    return g


def _place_with_quote(
    m: Mapper, place: F.Place, article_id: str, quote: F.Quote
) -> Iterator[Triple]:
    yield from m.place(place)
    yield from m.quote(m.area(place.key), f"place-{place.key}", 1, quote, article_id)
