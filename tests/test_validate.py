"""The SHACL shapes accept the graphs we build and reject each kind of broken fact."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS, XSD
from tests.conftest import ROOT

from fdigraph import config
from fdigraph.build import assemble
from fdigraph.validate import ValidationReport, check, load_shapes
from fdigraph.vocab import FDI, OA, SDMX_ATTRIBUTE, UNIT

ONTOLOGY, SHAPES = load_shapes(ROOT / "ontology")
ID = "https://fdigraph.example/id/"
OBS = URIRef(ID + "obs/mini/bg-fdi")
RANK = URIRef(ID + "ranking/mini/bg-rank")


@pytest.fixture(scope="module")
def mini() -> Graph:
    mini_dir = Path(__file__).parent / "data" / "mini"
    return assemble(
        config.load({}, DATA_DIR=str(mini_dir), ONTOLOGY_DIR=str(ROOT / "ontology"))
    ).data


def validate(graph: Graph) -> ValidationReport:
    return check(graph, SHAPES, ONTOLOGY)


def test_the_mini_graph_conforms(mini: Graph) -> None:
    report = validate(mini)
    assert report.conforms, report.text


def test_the_article_graph_conforms(built: object) -> None:
    from fdigraph.build import BuildResult

    assert isinstance(built, BuildResult) and built.report.conforms


def _drop(s: URIRef, p: URIRef) -> Callable[[Graph], None]:
    return lambda g: g.remove((s, p, None))


def _set(s: URIRef, p: URIRef, o: URIRef | Literal) -> Callable[[Graph], None]:
    return lambda g: g.set((s, p, o))


def _shift_quote(g: Graph) -> None:
    selector = URIRef(ID + "selector/mini/bg-fdi-1-position")
    start = int(g.value(selector, OA.start))  # type: ignore[arg-type]
    g.set((selector, OA.start, Literal(start + 1, datatype=XSD.nonNegativeInteger)))


def _extra_value(g: Graph) -> None:
    g.remove((OBS, FDI.fdiRegisteredCapital, None))
    g.add((OBS, FDI.fdiRegisteredCapital, Literal("1.6e9", datatype=XSD.double)))


def _drop_english(g: Graph, s: URIRef) -> None:
    for label in list(g.objects(s, RDFS.label)):
        if isinstance(label, Literal) and label.language == "en":
            g.remove((s, RDFS.label, label))


GROWTH = URIRef(ID + "obs/mini/bg-fdi-growth")
STOCK = URIRef(ID + "obs/mini/bg-valid-projects")
ARTICLE = URIRef(ID + "article/mini")


def _negative_level(g: Graph) -> None:
    g.set((OBS, FDI.fdiRegisteredCapital, Literal("-1", datatype=XSD.decimal)))


def _base_on_level(g: Graph) -> None:
    g.set((OBS, FDI.basePeriod, URIRef(ID + "period/2023-01_2023-08")))


def _stock_over_months(g: Graph) -> None:
    g.set((STOCK, FDI.refPeriod, URIRef(ID + "period/2024-01_2024-08")))


def _published_elsewhere(g: Graph) -> None:
    g.set((ARTICLE, DCTERMS.issued, Literal(date(2024, 12, 1))))


BROKEN: list[tuple[str, Callable[[Graph], None], str]] = [
    ("stock over months", _stock_over_months, "a stock (fdi:Position) is as of a day"),
    ("growth in dollars", _set(GROWTH, SDMX_ATTRIBUTE.unitMeasure, UNIT.CCY_USD), "is in percent"),
    ("level with a base period", _base_on_level, "only a change, growth or multiplier has a base"),
    (
        "growth without a base area",
        _set(GROWTH, FDI.baseArea, FDI.NotApplicable),
        "each of them has both",
    ),
    (
        "share of nothing",
        _set(OBS, FDI.comparison, FDI.Share),
        "only a share says what it is a share of",
    ),
    ("range without an upper bound", _drop(STOCK, FDI.upperBound), "has an upper bound"),
    ("negative level", _negative_level, "only a change or a growth may be negative"),
    (
        "inferred period without its basis",
        _drop(STOCK, FDI.periodBasis),
        "says where it comes from",
    ),
    ("publication date after the stock's day", _published_elsewhere, "ends on or in the month"),
    ("period missing", _drop(OBS, FDI.refPeriod), "fdi:NotStated when the text gives none"),
    ("counterpart missing", _drop(OBS, FDI.counterpartArea), "counterpartArea"),
    ("unknown comparison", _set(OBS, FDI.comparison, FDI.Flow), "comparison"),
    (
        "observation without a quote",
        _drop(OBS, FDI.hasQuote),
        "every fact carries at least one quote",
    ),
    (
        "observation without its source",
        _drop(OBS, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")),
        "derived from",
    ),
    ("quote offsets that miss the text", _shift_quote, "not the text at its offsets"),
    ("value that is not a decimal", _extra_value, "exactly one xsd:decimal value"),
    ("unit outside QUDT list", _set(OBS, SDMX_ATTRIBUTE.unitMeasure, UNIT.FT), "unitMeasure"),
    ("unknown qualifier", _set(OBS, FDI.valueQualifier, FDI.RankEqual), "valueQualifier"),
    ("rank that is not a positive integer", _set(RANK, FDI.rank, Literal(0)), "rank"),
    ("rank comparator missing", _drop(RANK, FDI.rankComparator), "rankComparator"),
    (
        "province code of the wrong form",
        _set(URIRef(ID + "area/VN-54"), FDI.isoCode, Literal("54")),
        "ISO 3166-2:VN",
    ),
    (
        "concept with two English labels",
        lambda g: g.add(
            (URIRef(ID + "concept/sector-chips"), SKOS.prefLabel, Literal("Chips", lang="en"))
        ),
        "prefLabel",
    ),
    ("observation without an English label", lambda g: _drop_english(g, OBS), "English"),
    (
        "search label with diacritics",
        lambda g: g.add((URIRef(ID + "area/VN-54"), FDI.searchLabel, Literal("bắc giang"))),
        "diacritics",
    ),
]


@pytest.mark.parametrize(("what", "breaks", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_shapes_reject_broken_facts(
    mini: Graph, what: str, breaks: Callable[[Graph], None], message: str
) -> None:
    graph = Graph()
    for t in mini:
        graph.add(t)
    breaks(graph)
    report = validate(graph)
    assert not report.conforms, what
    assert message in report.text, report.text[:2000]


def test_motto_part_must_name_as_many_criteria_as_its_number(built: object) -> None:
    from fdigraph.build import BuildResult

    assert isinstance(built, BuildResult)
    graph = Graph().parse(built.dist / "fdigraph.nt")
    part = URIRef(ID + "concept/motto-5-san-sang")
    graph.set((part, FDI.criteriaCount, Literal(6, datatype=XSD.positiveInteger)))
    report = validate(graph)
    assert not report.conforms and "as many criteria as its number says" in report.text


def test_every_measure_needs_a_vietnamese_example(mini: Graph) -> None:
    # The ontology is validated with the data, so the measure shape checks fdi.ttl itself.
    ontology = Graph()
    for t in ONTOLOGY:
        ontology.add(t)
    ontology.remove((FDI.fdiNewCapital, SKOS.example, None))
    report = check(mini, SHAPES, ontology)
    assert not report.conforms and "Vietnamese example" in report.text


def test_a_constraint_query_is_parsed_once_and_run_with_each_binding() -> None:
    """pySHACL's per-focus-node queries: one parse, answers that follow the bindings."""
    from fdigraph.validate import _prepared

    g = Graph()
    a, b, p = URIRef("http://e/a"), URIRef("http://e/b"), URIRef("http://e/p")
    g.add((a, p, Literal(1)))
    g.add((b, p, Literal(2)))
    text = "SELECT ?v WHERE { ?s <http://e/p> ?v }"
    _prepared.cache_clear()
    assert [row[0] for row in g.query(text, initBindings={"s": a})] == [Literal(1)]
    assert [row[0] for row in g.query(text, initBindings={"s": b})] == [Literal(2)]
    info = _prepared.cache_info()
    assert (info.misses, info.hits) == (1, 1)
