"""The ontology is complete and bilingual, and the code's vocabulary stays in step with it."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from tests.conftest import ROOT
from tools.gen_terms import render

from fdigraph import facts as F
from fdigraph.vocab import FDI, QB, Minter, fold, slug

ONTOLOGY = Graph().parse(ROOT / "ontology" / "fdi.ttl")
NS = str(FDI)
TERM_TYPES = (
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    QB.AttributeProperty,
    QB.MeasureProperty,
    QB.DimensionProperty,
)
TERMS = sorted(
    {s for t in TERM_TYPES for s in ONTOLOGY.subjects(RDF.type, t) if str(s).startswith(NS)}
)


def test_generated_namespace_matches_the_ontology() -> None:
    current = (ROOT / "src" / "fdigraph" / "_fdi_terms.py").read_text(encoding="utf-8")
    assert current == render(ROOT / "ontology" / "fdi.ttl"), "run tools/gen_terms.py"


def test_misspelt_term_raises() -> None:
    with pytest.raises(AttributeError):
        _ = FDI.Provnice


@pytest.mark.parametrize("term", TERMS, ids=[str(t)[len(NS) :] for t in TERMS])
def test_every_class_and_property_is_labelled_and_explained_in_both_languages(term: URIRef) -> None:
    for prop in (RDFS.label, RDFS.comment):
        langs = sorted(
            o.language or "" for o in ONTOLOGY.objects(term, prop) if isinstance(o, Literal)
        )
        assert langs == ["en", "vi"], f"{term} {prop}"


def test_there_are_enough_terms_to_be_serious() -> None:
    classes = {t for t in TERMS if (t, RDF.type, OWL.Class) in ONTOLOGY}
    assert len(classes) >= 25 and len(TERMS) >= 80


def test_fact_measures_are_the_ontology_measures() -> None:
    measures = {str(s)[len(NS) :] for s in ONTOLOGY.subjects(RDF.type, QB.MeasureProperty)}
    assert measures - {"rank"} == set(F.MEASURES)


def test_fact_relations_are_ontology_properties() -> None:
    for name in F.RELATIONS:
        assert (FDI[name], RDF.type, OWL.ObjectProperty) in ONTOLOGY


@pytest.mark.parametrize(
    ("text", "folded", "key"),
    [
        ("Bắc Giang", "bac giang", "bac-giang"),
        ("BẮC GIANG", "bac giang", "bac-giang"),
        ("Đặng Hiền", "dang hien", "dang-hien"),
        ("bán dẫn", "ban dan", "ban-dan"),
        ("Bà Rịa – Vũng Tàu", "ba ria – vung tau", "ba-ria-vung-tau"),
    ],
)
def test_folding_forgives_diacritics_and_case(text: str, folded: str, key: str) -> None:
    assert fold(text) == folded and slug(text) == key


def test_minted_iris_are_stable_and_checked() -> None:
    mint = Minter("https://data.example.org/fdi/")
    assert mint("area", "VN-54") == URIRef("https://data.example.org/fdi/id/area/VN-54")
    assert mint("obs", "a", "b") == URIRef("https://data.example.org/fdi/id/obs/a/b")
    with pytest.raises(ValueError):
        mint("area", "has space")
    with pytest.raises(ValueError):
        mint("nonsense", "x")


def test_ontology_readme_is_generated_from_the_ontology() -> None:
    from tools.gen_ontology_doc import render as render_doc

    current = (ROOT / "ontology" / "README.md").read_text(encoding="utf-8")
    assert current == render_doc(ROOT / "ontology" / "fdi.ttl"), "run tools/gen_ontology_doc.py"


CODED = sorted(
    {s for s in ONTOLOGY.subjects(RDF.type, QB.MeasureProperty) if str(s).startswith(NS)}
    | {s for s in ONTOLOGY.subjects(RDF.type, FDI.Code)}
)


@pytest.mark.parametrize("term", CODED, ids=[str(t)[len(NS) :] for t in CODED])
def test_every_measure_and_code_has_a_vietnamese_example_in_the_readme(term: URIRef) -> None:
    examples = [o for o in ONTOLOGY.objects(term, SKOS.example) if isinstance(o, Literal)]
    assert examples and all(e.language == "vi" for e in examples), term
    readme = (ROOT / "ontology" / "README.md").read_text(encoding="utf-8")
    assert all(f"“{e}”" in readme for e in examples), term


def test_investment_measures_are_classified() -> None:
    component, origin, counts = FDI.capitalComponent, FDI.investmentOrigin, FDI.counts
    for name in F.MEASURE_UNITS:
        term = FDI[name]
        if name.startswith(("fdi", "ddi")):
            assert ONTOLOGY.value(term, origin) is not None, name
        if name.startswith(("fdi", "ddi")) and name.endswith("Count"):
            assert ONTOLOGY.value(term, counts) is not None, name
        if name.endswith("Capital"):
            assert ONTOLOGY.value(term, component) is not None, name
    assert ONTOLOGY.value(FDI.fdiAdjustmentCount, counts) == FDI.countedEvents
    assert ONTOLOGY.value(FDI.fdiNewProjectCount, counts) == FDI.countedProjects
    assert ONTOLOGY.value(FDI.ddiNewCapital, origin) == FDI.originDomestic


def test_deprecated_measures_name_their_replacement() -> None:
    from rdflib.namespace import DCTERMS

    for old, new in F.DEPRECATED.items():
        assert (FDI[old], OWL.deprecated, Literal(True)) in ONTOLOGY, old
        assert {FDI[n] for n in new} == set(ONTOLOGY.objects(FDI[old], DCTERMS.isReplacedBy))
