"""Each mapping function against its small golden graph, compared by isomorphism.

The golden graphs are regenerated from the code (tools/regen_golden.py), so they detect a
change, not correctness. The tests after the first state by hand what the mini article
says and must hold whatever the golden files contain.
"""

from __future__ import annotations

from datetime import date

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import DCTERMS, PROV, XSD
from tests.mapping_cases import GOLDEN, cases

from fdigraph.vocab import FDI, OA, QB, SDMX_ATTRIBUTE, UNIT

CASES = cases()


@pytest.mark.parametrize("kind", sorted(CASES))
def test_mapping_matches_golden_graph(kind: str) -> None:
    produced = CASES[kind]()
    expected = Graph().parse(GOLDEN / f"{kind}.ttl")
    if not isomorphic(produced, expected):
        _, missing, extra = graph_diff(to_isomorphic(expected), to_isomorphic(produced))
        pytest.fail(f"{kind}: missing {sorted(missing)[:5]}, unexpected {sorted(extra)[:5]}")


def test_observation_values_are_exact_decimals_in_base_units() -> None:
    g = CASES["observation"]()
    values = set(g.objects(None, FDI.fdiRegisteredCapital)) | set(
        g.objects(None, FDI.stateBudgetRevenue)
    )
    assert values == {
        Literal("1600000000", datatype=XSD.decimal),
        Literal("30", datatype=XSD.decimal),
        Literal("54341000000000", datatype=XSD.decimal),
    }


def test_teaser_fact_is_derived_from_the_teaser_not_the_article() -> None:
    g = CASES["observation"]()
    sources = {
        (str(s).rsplit("/", 1)[1], str(o)) for s, o in g.subject_objects(PROV.wasDerivedFrom)
    }
    assert ("th-budget", "https://fdigraph.example/id/teaser/mini/thanh-hoa") in sources
    assert ("bg-fdi", "https://fdigraph.example/id/article/mini") in sources


def test_quotes_point_at_their_offsets() -> None:
    g = CASES["observation"]()
    text = (GOLDEN.parent / "data" / "mini" / "articles" / "mini.txt").read_text(encoding="utf-8")
    exacts = {str(o) for o in g.objects(None, OA.exact)}
    starts = sorted(int(o) for o in g.objects(None, OA.start))
    ends = sorted(int(o) for o in g.objects(None, OA.end))
    found = sorted(text[s:e] for s, e in zip(starts, ends, strict=True))
    assert found == sorted(exacts)


def test_no_blank_nodes_anywhere() -> None:
    from rdflib import BNode

    for kind, make in CASES.items():
        for triple in make():
            assert not any(isinstance(term, BNode) for term in triple), kind


ID = "https://fdigraph.example/id/"


def test_growth_names_its_base_period_and_is_in_percent() -> None:
    # "Vốn FDI tăng 30% so với cùng kỳ năm 2023" (of the first eight months of 2024).
    g = CASES["observation"]()
    s = URIRef(ID + "obs/mini/bg-fdi-growth")
    assert g.value(s, QB.measureType) == FDI.fdiRegisteredCapital
    assert g.value(s, FDI.comparison) == FDI.Growth
    assert g.value(s, FDI.basePeriod) == URIRef(ID + "period/2023-01_2023-08")
    assert g.value(s, FDI.baseArea) == URIRef(ID + "area/VN-54")
    assert g.value(s, SDMX_ATTRIBUTE.unitMeasure) == UNIT.PERCENT
    assert g.value(s, FDI.fdiRegisteredCapital) == Literal("30", datatype=XSD.decimal)


def test_stock_read_from_the_publication_date_is_a_range_as_of_that_day() -> None:
    # "lũy kế đến nay tỉnh có 20-25 dự án FDI còn hiệu lực", published 20 September 2024.
    g = CASES["observation"]()
    s = URIRef(ID + "obs/mini/bg-valid-projects")
    assert g.value(s, FDI.flowStock) == FDI.Position
    assert g.value(s, FDI.refPeriod) == URIRef(ID + "period/2024-09-20")
    assert g.value(s, FDI.periodBasis) == FDI.InferredFromPublication
    assert g.value(s, FDI.valueQualifier) == FDI.Between
    assert g.value(s, FDI.fdiValidProjectCount) == Literal("20", datatype=XSD.decimal)
    assert g.value(s, FDI.upperBound) == Literal("25", datatype=XSD.decimal)


def test_dimensions_that_do_not_apply_have_sdmx_codes() -> None:
    g = CASES["observation"]()
    level = URIRef(ID + "obs/mini/bg-fdi")
    assert g.value(level, FDI.comparison) == FDI.Level
    assert g.value(level, FDI.flowStock) == FDI.Flow
    assert g.value(level, FDI.counterpartArea) == FDI.Total
    assert g.value(level, FDI.sector) == FDI.Total
    for prop in (FDI.basePeriod, FDI.baseArea, FDI.shareOf):
        assert g.value(level, prop) == FDI.NotApplicable


def test_article_has_its_publication_date() -> None:
    g = CASES["article"]()
    issued = g.value(URIRef(ID + "article/mini"), DCTERMS.issued)
    assert issued == Literal(date(2024, 9, 20))
