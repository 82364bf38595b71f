"""Resource descriptions and page models over the built article graph."""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox
import pytest

from fdigraph import chart, describe, evidence, labels, overview
from fdigraph.labels import Link, Text
from fdigraph.vocab import ONTOLOGY_IRI

BASE = "https://fdigraph.example/"
BG = BASE + "id/area/VN-54"
ARTICLE = BASE + "id/article/bac-giang-fdi-2024"
FDI_8M = BASE + "id/obs/bac-giang-fdi-2024/bg-fdi-2024-8m"


@pytest.fixture(scope="module")
def run(graph_store: ox.Store) -> labels.Runner:
    return labels.store_runner(graph_store)


@pytest.mark.parametrize(
    ("path", "iri"),
    [
        ("area/VN-54", BG),
        ("obs/bac-giang-fdi-2024/bg-fdi-2024-8m", FDI_8M),
        ("period/2024-01_2024-08", BASE + "id/period/2024-01_2024-08"),
        ("nonsense/VN-54", None),
        ("area", None),
        ("area/", None),
        ("area/../ontology", None),
        ("area/VN-54> } ; DROP ALL ; #", None),
        ("area/a b", None),
        ("area/<x>", None),
        ('area/x"y', None),
        ("area//x", None),
    ],
)
def test_resource_iri_only_accepts_minted_shapes(path: str, iri: str | None) -> None:
    assert describe.resource_iri(BASE, path) == iri


def test_description_has_both_directions_and_neighbour_labels(graph_store: ox.Store) -> None:
    triples = list(
        graph_store.query(describe.description_query(BG), use_default_graph_as_union=True)
    )
    subject = ox.NamedNode(BG)
    label = ox.NamedNode(labels.PREFIXES["rdfs"] + "label")
    out = [t for t in triples if t.subject == subject]
    inc = [t for t in triples if t.object == subject]
    assert ox.Literal("Bắc Giang", language="vi") in {t.object for t in out if t.predicate == label}
    assert any(str(t.subject.value).startswith(BASE + "id/obs/") for t in inc)
    region = ox.NamedNode(BASE + "id/area/VN")
    assert ox.Triple(region, label, ox.Literal("Vietnam", language="en")) in triples


def test_description_bounds_incoming_links(graph_store: ox.Store) -> None:
    query = describe.description_query(ARTICLE, max_incoming=30)
    triples = list(graph_store.query(query, use_default_graph_as_union=True))
    article = ox.NamedNode(ARTICLE)
    assert len({t.subject for t in triples if t.object == article}) <= 30
    assert any(t.subject == article for t in triples)


def test_ontology_query_is_the_ontology_graph(graph_store: ox.Store) -> None:
    query = describe.ontology_query(ONTOLOGY_IRI)
    triples = list(graph_store.query(query, use_default_graph_as_union=True))
    subjects = {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}
    assert ONTOLOGY_IRI in subjects and ONTOLOGY_IRI + "#searchLabel" in subjects
    assert not any(s.startswith(BASE + "id/") for s in subjects)


def test_exists(run: labels.Runner) -> None:
    assert describe.exists(run, BG)
    assert not describe.exists(run, BASE + "id/area/VN-99")


def test_unknown_resource_has_no_page(run: labels.Runner) -> None:
    assert describe.page(run, BASE + "id/area/VN-99") is None


def test_province_page(run: labels.Runner) -> None:
    page = describe.page(run, BG)
    assert page is not None
    assert page.label == Text("Bắc Giang", "Bac Giang")
    assert page.kind == "Province"
    fdi = next(f for f in page.facts if f.iri == FDI_8M)
    assert fdi.value == Text("1,6 tỷ USD", "1.6 billion USD")
    assert {r.label.en for _, r in fdi.roles} >= {"Bac Giang", "January–August 2024"}
    assert len(fdi.quotes) == 2
    for quote in fdi.quotes:
        assert "1,6 tỷ USD" in quote.exact and quote.source == ARTICLE
        assert quote.start is not None and quote.end == quote.start + len(quote.exact)
    first = next(q for q in fdi.quotes if q.iri.endswith("-1"))
    assert first.exact == "8 tháng đầu năm 2024, Bắc Giang thu hút được 1,6 tỷ USD vốn FDI."
    assert page.facts[0].kind == "Observation"  # figures first
    assert page.incoming_total == sum(len(g.values) for g in page.incoming)
    assert BG in page.query and "SELECT" in page.query


def test_qualified_and_ranked_values(run: labels.Runner) -> None:
    page = describe.page(run, BG)
    assert page is not None
    values = {f.value.en for f in page.facts if f.value}
    assert "more than 300 ha" in values
    assert any(v.startswith("top 10") for v in values)
    vi = {f.value.vi for f in page.facts if f.value}
    assert "hơn 300 ha" in vi and "365 ha" in vi and "76%" in vi


def test_series_compare_places(run: labels.Runner) -> None:
    page = describe.page(run, BG)
    assert page is not None
    trained = next(s for s in page.series if s.measure.iri.endswith("#trainedLabourRate"))
    assert trained.by == "area" and trained.unit == "PERCENT"
    assert {(p.label.en, p.value) for p in trained.points} == {
        ("Vietnam", Decimal(68)),
        ("Bac Giang", Decimal(76)),
    }


def test_quote_page_shows_its_fact(run: labels.Runner) -> None:
    page = describe.page(run, BASE + "id/quote/bac-giang-fdi-2024/bg-fdi-2024-8m-1")
    assert page is not None
    assert [f.iri for f in page.facts] == [FDI_8M]


def test_article_page_bounds_incoming(run: labels.Runner) -> None:
    page = describe.page(run, ARTICLE)
    assert page is not None
    shown = sum(len(g.values) for g in page.incoming)
    assert shown == describe.MAX_INCOMING < page.incoming_total
    assert any(v.long for g in page.properties for v in g.values)  # schema:text


def test_around_cuts_the_paragraph() -> None:
    text = "Title\n\n" + "word " * 100 + "THE QUOTE" + " more" * 100 + "\nNext paragraph"
    start = text.index("THE QUOTE")
    before, exact, after = evidence.around(text, start, start + 9)
    assert exact == "THE QUOTE"
    assert before.startswith("…") and len(before) <= evidence.CONTEXT + 1
    assert after.endswith("…") and "Next" not in after
    assert evidence.around("a\nb X c\nd", 4, 5) == ("b ", "X", " c")


def test_lookup_labels_standard_terms_and_falls_back_to_prefixed_names(
    run: labels.Runner,
) -> None:
    pref = "http://www.w3.org/2004/02/skos/core#prefLabel"
    replaces = "http://purl.org/dc/terms/replaces"
    odd = "http://www.w3.org/2004/02/skos/core#exactMatch"  # in no table, not in the graph
    found = labels.lookup(run, [BG, pref, replaces, odd])
    assert found[BG].label.vi == "Bắc Giang" and found[BG].kind == "Province"
    assert found[BG].kind_label is not None and found[BG].kind_label.en == "Province"
    assert found[pref].label == Text("tên chính", "preferred label") and found[pref].named
    assert found[replaces].inverse_label() == Text("được thay thế bởi", "replaced by")
    assert found[odd].label.en == "skos:exactMatch" and not found[odd].named


def test_every_standard_term_the_graph_uses_has_a_label_in_both_languages(
    run: labels.Runner,
) -> None:
    used = run(
        "SELECT DISTINCT ?t WHERE { { ?s ?t ?o } UNION { ?s a ?t } "
        'FILTER(!STRSTARTS(STR(?t), "https://fdigraph.example/def/fdi#")) '
        "FILTER NOT EXISTS { ?t <http://www.w3.org/2000/01/rdf-schema#label> ?l } }"
    )
    missing = [str(r["t"]) for r in used if str(r["t"]) not in labels.TERMS]
    assert missing == []
    for label, inverse in labels.TERMS.values():
        assert label.vi and label.en and (inverse is None or (inverse.vi and inverse.en))


def test_bar_chart_is_escaped_svg() -> None:
    series = evidence.Series(
        Link("x", Text("đo <b>", "measure <b>")),
        "PERCENT",
        "area",
        (
            evidence.Point("a", Text("A & B", "A & B"), Decimal(10), Text("10%", "10%")),
            evidence.Point("b", Text("C", "C"), Decimal(5), Text("5%", "5%")),
        ),
    )
    svg = chart.bar_chart(series, "en")
    assert svg.startswith("<svg") and svg.count("<rect") == 2
    assert "measure &lt;b&gt;" in svg and "A &amp; B" in svg and "<b>" not in svg


def test_overview(run: labels.Runner) -> None:
    info = overview.overview(run)
    counts = {c.name: c.n for c in info.counts}
    assert counts["Observation"] == 18 and counts["Quote"] > 100
    assert info.places[0].link.label.vi == "Bắc Giang" and info.places[0].code == "VN-54"
    assert ARTICLE in {s.iri for s in info.sources}


def test_ontology_terms(run: labels.Runner) -> None:
    onto = overview.ontology(run, ONTOLOGY_IRI)
    assert onto is not None and onto.label.en
    terms = {t.name: t for _, ts in onto.sections for t in ts}
    assert terms["searchLabel"].label == Text("nhãn tìm kiếm", "search label")
    assert "Province" in {t.name for kind, ts in onto.sections if kind == "Class" for t in ts}
    assert overview.ontology(run, BASE + "def/none") is None
