"""Questions a reader of the article asks, answered by SPARQL over the built graph."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

OBS = """
    ?o fdi:refArea {area} ; qb:measureType fdi:{measure} ; fdi:{measure} ?value .
    OPTIONAL {{ ?o fdi:refPeriod/fdi:iso8601 ?period }}
"""


def value_of(ask: Any, area: str, measure: str, period: str | None = None) -> list[Decimal]:
    flt = f'FILTER(?period = "{period}")' if period else ""
    rows = ask(f"SELECT ?value ?period WHERE {{ {OBS.format(area=area, measure=measure)} {flt} }}")
    return [Decimal(r[0]) for r in rows]


def test_fdi_first_eight_months_2024(ask: Any) -> None:
    assert value_of(ask, "area:VN-54", "fdiRegisteredCapital", "2024-01/2024-08") == [
        Decimal(1600000000)
    ]


def test_seven_month_figure_is_a_different_fact_from_its_teaser(ask: Any) -> None:
    rows = ask("""SELECT ?value ?period ?src WHERE {
        ?o fdi:refArea area:VN-54 ; fdi:investmentCapitalAttracted ?value ;
           fdi:refPeriod/fdi:iso8601 ?period ; prov:wasDerivedFrom ?src }""")
    assert [(Decimal(v), p) for v, p, _ in rows] == [(Decimal("1543700000"), "2024-01/2024-07")]
    assert rows[0][2].endswith("/teaser/bac-giang-fdi-2024/bac-giang-7-thang")


def test_the_fact_stated_twice_is_one_fact_with_two_quotes(ask: Any) -> None:
    rows = ask("""SELECT (COUNT(DISTINCT ?o) AS ?facts) (COUNT(DISTINCT ?q) AS ?quotes) WHERE {
        ?o fdi:refArea area:VN-54 ; fdi:fdiRegisteredCapital ?v ; fdi:hasQuote ?q }""")
    assert rows == [("1", "2")]


def test_trained_labour_2023_against_vietnam(ask: Any) -> None:
    rows = ask("""SELECT ?bg ?vn (?bg - ?vn AS ?diff) WHERE {
        ?a fdi:refArea area:VN-54 ; fdi:trainedLabourRate ?bg ; fdi:refPeriod ?p .
        ?b fdi:refArea area:VN ; fdi:trainedLabourRate ?vn ; fdi:refPeriod ?p .
        ?p fdi:iso8601 "2023" }""")
    assert [tuple(Decimal(x) for x in r) for r in rows] == [(76, 68, 8)]


def test_certificate_rates_belong_to_their_areas(ask: Any) -> None:
    assert value_of(ask, "area:VN-54", "certifiedLabourRate", "2023") == [Decimal(33)]
    assert value_of(ask, "area:VN", "certifiedLabourRate", "2023") == [Decimal(27)]


def test_national_figures_are_never_on_the_province(ask: Any) -> None:
    rows = ask("SELECT ?v WHERE { ?o fdi:refArea area:VN-54 ; fdi:trainedLabourRate ?v }")
    assert [Decimal(r[0]) for r in rows] == [Decimal(76)]


def test_percent_values_carry_the_percent_unit(ask: Any) -> None:
    rows = ask("""SELECT ?unit WHERE { ?o fdi:refArea area:VN-54 ; fdi:trainedLabourRate ?v ;
        sdmx-attribute:unitMeasure ?unit }""")
    assert rows == [("http://qudt.org/vocab/unit/PERCENT",)]


def rank(
    ask: Any, indicator: str, scope: str = "area:VN", period: str | None = None
) -> list[tuple[int, str]]:
    flt = (
        f'?r fdi:refPeriod/fdi:iso8601 "{period}" .'
        if period
        else "?r fdi:refPeriod fdi:NotStated ."
    )
    rows = ask(f"""SELECT ?rank ?cmp WHERE {{
        ?r fdi:refArea area:VN-54 ; fdi:rankedIndicator concept:{indicator} ; fdi:rankingScope {scope} ;
           fdi:rank ?rank ; fdi:rankComparator ?cmp . {flt} }}""")
    return [(int(r), c.rsplit("#", 1)[1]) for r, c in rows]


def test_digital_transformation_rank_2023(ask: Any) -> None:
    assert rank(ask, "indicator-dti", period="2023") == [(9, "RankEqual")]


def test_administrative_reform_rank_2023(ask: Any) -> None:
    assert rank(ask, "indicator-par-index", period="2023") == [(4, "RankEqual")]


def test_e_government_first_2020_to_2022(ask: Any) -> None:
    assert rank(ask, "indicator-e-government", period="2020/2022") == [(1, "RankEqual")]


def test_fdi_rank_national_and_regional(ask: Any) -> None:
    assert rank(ask, "indicator-fdi-attraction", period="2024-01/2024-08") == [(7, "RankEqual")]
    regional = rank(
        ask,
        "indicator-fdi-attraction",
        "<https://fdigraph.example/id/area/trung-du-mien-nui-phia-bac>",
        "2024-01/2024-08",
    )
    assert regional == [(1, "RankEqual")]


def test_top_ten_is_at_most_tenth_without_a_period(ask: Any) -> None:
    assert rank(ask, "indicator-fdi-attraction") == [(10, "RankAtMost")]


def test_regional_ranking_implies_region_membership(ask: Any) -> None:
    rows = ask("SELECT ?r WHERE { area:VN-54 schema:containedInPlace ?r . ?r a fdi:Region }")
    assert rows == [("https://fdigraph.example/id/area/trung-du-mien-nui-phia-bac",)]


def test_three_pillars(ask: Any) -> None:
    rows = ask("""SELECT ?n ?label WHERE { area:VN-54 fdi:hasInvestmentPillar ?p .
        ?p skos:notation ?n ; skos:prefLabel ?label FILTER(LANG(?label) = "en") } ORDER BY ?n""")
    assert [r[0] for r in rows] == ["1", "2", "3"]
    assert "industrial-park" in rows[0][1]


def test_motto_has_four_parts_and_eleven_criteria(ask: Any) -> None:
    rows = ask("""SELECT ?part ?count (COUNT(?c) AS ?found) WHERE {
        area:VN-54 fdi:hasInvestmentMotto ?m . ?p skos:broader ?m ; skos:prefLabel ?part ;
        fdi:criteriaCount ?count . ?c skos:broader ?p FILTER(LANG(?part) = "vi") }
        GROUP BY ?part ?count ORDER BY ?count""")
    assert rows == [
        ("1 không", "1", "1"),
        ("2 ít", "2", "2"),
        ("3 cao", "3", "3"),
        ("5 sẵn sàng", "5", "5"),
    ]
    total = ask("SELECT (COUNT(?c) AS ?n) WHERE { ?c a fdi:Criterion }")
    assert total == [("11",)]


def test_criteria_of_ready_part(ask: Any) -> None:
    rows = ask("""SELECT ?label WHERE { ?c skos:broader concept:motto-5-san-sang ;
        skos:prefLabel ?label FILTER(LANG(?label) = "vi") } ORDER BY ?label""")
    assert [r[0] for r in rows] == [
        "Chống dịch hiệu quả",
        "Cải thiện môi trường đầu tư",
        "Hỗ trợ nhà đầu tư",
        "Sẵn sàng mặt bằng",
        "Sẵn sàng nhân lực",
    ]


def test_priority_sectors(ask: Any) -> None:
    rows = ask("""SELECT ?label WHERE { area:VN-54 fdi:prioritisesSector ?s .
        ?s skos:prefLabel ?label FILTER(LANG(?label) = "en") } ORDER BY ?label""")
    assert [r[0] for r in rows] == [
        "Electric vehicles",
        "Electronic components",
        "Semiconductor chips",
        "Services for these future-technology industries",
        "Solar energy",
    ]


def test_software_is_welcomed_not_prioritised(ask: Any) -> None:
    assert ask("ASK { area:VN-54 fdi:welcomesSector concept:sector-software }") == [(True,)]
    assert ask("ASK { area:VN-54 fdi:prioritisesSector concept:sector-software }") == [(False,)]


def test_partner_markets_are_the_country_areas(ask: Any) -> None:
    rows = ask(
        "SELECT ?code WHERE { area:VN-54 fdi:targetsPartnerMarket ?c . ?c fdi:isoCode ?code } ORDER BY ?code"
    )
    assert [r[0] for r in rows] == ["CN", "JP", "KR", "US"]


def test_policy_instruments_include_the_named_ones(ask: Any) -> None:
    rows = ask("SELECT ?i WHERE { area:VN-54 fdi:usesPolicyInstrument ?i }")
    keys = {r[0].rsplit("/", 1)[1] for r in rows}
    assert {"instrument-special-working-groups", "instrument-on-the-spot-promotion"} <= keys


def test_infrastructure_items(ask: Any) -> None:
    rows = ask("""SELECT ?label WHERE { area:VN-54 fdi:developsProject ?p .
        ?p rdfs:label ?label FILTER(LANG(?label) = "en") } ORDER BY ?label""")
    assert [r[0] for r in rows] == [
        "Second lane of the Như Nguyệt bridge",
        "Widening the road from Bắc Giang to Quảng Ninh",
    ]
    assert ask(
        "ASK { <https://fdigraph.example/id/project/nhu-nguyet-bridge-second-lane> fdi:fundedBy area:VN-54 }"
    ) == [(True,)]


def test_land_cleared_in_2023(ask: Any) -> None:
    assert value_of(ask, "area:VN-54", "industrialLandCleared", "2023") == [Decimal(365)]
    rows = ask("SELECT ?v ?q WHERE { ?o fdi:otherLandCleared ?v ; fdi:valueQualifier ?q }")
    assert [(Decimal(v), q.rsplit("#")[1]) for v, q in rows] == [(Decimal(300), "MoreThan")]


def test_japan_projects_in_binh_duong(ask: Any) -> None:
    rows = ask("""SELECT ?v ?teaser WHERE { ?o fdi:refArea area:VN-57 ; fdi:counterpartArea area:JP ;
        fdi:fdiValidProjectCount ?v ; fdi:flowStock fdi:Position ; prov:wasDerivedFrom ?teaser }""")
    assert [Decimal(rows[0][0])] == [Decimal(357)] and len(rows) == 1
    assert "/teaser/" in rows[0][1]


def test_japan_capital_is_nearly(ask: Any) -> None:
    rows = ask(
        "SELECT ?v ?q WHERE { ?o fdi:counterpartArea area:JP ; fdi:fdiRegisteredCapital ?v ; fdi:valueQualifier ?q }"
    )
    assert [(Decimal(v), q.rsplit("#")[1]) for v, q in rows] == [(Decimal("5980000000"), "Nearly")]


def test_japan_second_of_65_investors(ask: Any) -> None:
    rows = ask(
        "SELECT ?rank ?of WHERE { ?r fdi:refArea area:JP ; fdi:rankingScope area:VN-57 ; fdi:rank ?rank ; fdi:rankOutOf ?of }"
    )
    assert rows == [("2", "65")]


def test_thanh_hoa_budget_is_an_estimate_in_dong(ask: Any) -> None:
    rows = ask("""SELECT ?v ?unit ?status WHERE { ?o fdi:refArea area:VN-21 ; fdi:stateBudgetRevenue ?v ;
        sdmx-attribute:unitMeasure ?unit ; sdmx-attribute:obsStatus ?status }""")
    assert [(Decimal(v), u.rsplit("/")[-1], s.rsplit("#")[-1]) for v, u, s in rows] == [
        (Decimal("54341000000000"), "CCY_VND", "obsStatus-E")
    ]


def test_quang_ninh_visitor_target_has_quotes_from_two_teasers(ask: Any) -> None:
    rows = ask("""SELECT ?v ?status (COUNT(DISTINCT ?src) AS ?sources) WHERE {
        ?o fdi:refArea area:VN-13 ; fdi:visitorArrivals ?v ; sdmx-attribute:obsStatus ?status ;
           prov:wasDerivedFrom ?src } GROUP BY ?v ?status""")
    assert [(Decimal(v), s.rsplit("#")[-1], n) for v, s, n in rows] == [
        (Decimal(19000000), "Target", "2")
    ]


def test_provinces_only_in_teasers(ask: Any) -> None:
    rows = ask("""SELECT DISTINCT ?code WHERE {
        ?t a fdi:TeaserSnippet ; schema:mentions ?a . ?a a fdi:Province ; fdi:isoCode ?code .
        FILTER NOT EXISTS { ?article a schema:NewsArticle ; schema:about ?a }
        FILTER NOT EXISTS { ?o fdi:refArea ?a ; prov:wasDerivedFrom ?art . ?art a schema:NewsArticle }
    } ORDER BY ?code""")
    codes = [r[0] for r in rows]
    assert "VN-54" not in codes
    assert {"VN-05", "VN-13", "VN-21", "VN-31", "VN-43", "VN-44", "VN-57", "VN-09"} <= set(codes)


def test_non_quantities_never_became_values(ask: Any) -> None:
    rows = ask("SELECT ?v WHERE { ?o a qb:Observation ; qb:measureType ?m ; ?m ?v }")
    values = {Decimal(r[0]) for r in rows}
    assert not values & {Decimal(1719), Decimal(2)}
    no_storm = ask(
        "ASK { ?o a qb:Observation ; fdi:asWritten ?w FILTER(CONTAINS(?w, 'bão') || CONTAINS(?w, 'con số')) }"
    )
    assert no_storm == [(False,)]


def test_merger_is_history_not_a_rename(ask: Any) -> None:
    rows = ask("""SELECT ?label ?from ?until WHERE { ?new dcterms:replaces area:VN-54 ; fdi:validFrom ?from ;
        rdfs:label ?label . area:VN-54 fdi:validUntil ?until FILTER(LANG(?label) = "vi") }""")
    assert rows == [("Bắc Ninh", "2025-07-01", "2025-06-30")]
    basis = ask(
        """SELECT ?act WHERE { ?c fdi:predecessor area:VN-54 ; fdi:legalBasis/rdfs:label ?act FILTER(LANG(?act) = "vi") }"""
    )
    assert basis == [("Nghị quyết 202/2025/QH15",)]
    assert ask("ASK { ?o fdi:refArea area:VN-54 ; fdi:fdiRegisteredCapital ?v }") == [(True,)]


def test_reference_facts_carry_their_own_source(ask: Any) -> None:
    rows = ask("SELECT ?url WHERE { area:VN-54 prov:wasDerivedFrom ?s . ?s schema:url ?url }")
    assert len(rows) == 1 and "iso-codes" in rows[0][0]
    merger = ask(
        "SELECT (COUNT(?s) AS ?n) WHERE { ?c fdi:predecessor area:VN-54 ; prov:wasDerivedFrom ?s . ?s schema:url ?u }"
    )
    assert int(merger[0][0]) >= 1


def test_search_label_forgives_diacritics(ask: Any) -> None:
    rows = ask(
        'SELECT ?s WHERE { ?s a fdi:Province ; fdi:searchLabel ?l FILTER(CONTAINS(?l, "bac giang")) }'
    )
    assert rows == [("https://fdigraph.example/id/area/VN-54",)]
    chips = ask(
        'SELECT ?s WHERE { ?s a fdi:Sector ; fdi:searchLabel ?l FILTER(CONTAINS(?l, "ban dan")) }'
    )
    assert chips == [("https://fdigraph.example/id/concept/sector-semiconductor-chips",)]


@pytest.mark.parametrize(
    ("period", "begin", "end", "duration"),
    [
        ("2024-01/2024-08", "2024-01-01", "2024-08-31", "P8M"),
        ("2023", "2023-01-01", "2023-12-31", "P1Y"),
        ("2020/2022", "2020-01-01", "2022-12-31", "P3Y"),
    ],
)
def test_periods_have_owl_time_bounds(
    ask: Any, period: str, begin: str, end: str, duration: str
) -> None:
    rows = ask(f"""SELECT ?b ?e ?d WHERE {{ ?p fdi:iso8601 "{period}" ;
        time:hasBeginning/time:inXSDDate ?b ; time:hasEnd/time:inXSDDate ?e ; time:hasXSDDuration ?d }}""")
    assert rows == [(begin, end, duration)]


def test_every_fact_has_a_quote(ask: Any) -> None:
    rows = ask("""SELECT ?f WHERE { { ?f a qb:Observation } UNION { ?f a fdi:PolicyStatement }
        FILTER NOT EXISTS { ?f fdi:hasQuote ?q } }""")
    assert rows == []
