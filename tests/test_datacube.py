"""The Data Cube integrity constraints hold on the graphs we build and catch each breach."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD
from tests.conftest import ROOT, values_for

from fdigraph import config, datacube
from fdigraph.build import assemble, build
from fdigraph.errors import ValidationError
from fdigraph.validate import load_shapes
from fdigraph.vocab import FDI, QB, SDMX_ATTRIBUTE

ONTOLOGY, _ = load_shapes(ROOT / "ontology")
ID = "https://fdigraph.example/id/"
OBS = URIRef(ID + "obs/mini/bg-fdi")
GROWTH = URIRef(ID + "obs/mini/bg-fdi-growth")
RANK = URIRef(ID + "ranking/mini/bg-rank")
EMPTY = URIRef("https://example.org/dsd-without-measures")


@pytest.fixture(scope="module")
def mini() -> Graph:
    mini_dir = Path(__file__).parent / "data" / "mini"
    return assemble(
        config.load({}, DATA_DIR=str(mini_dir), ONTOLOGY_DIR=str(ROOT / "ontology"))
    ).data


def copy(graph: Graph) -> Graph:
    out = Graph()
    for t in graph:
        out.add(t)
    return out


def test_the_mini_and_article_graphs_meet_every_constraint(mini: Graph) -> None:
    assert datacube.check(mini, ONTOLOGY) == []
    article = assemble(config.load({})).data
    assert datacube.check(article, ONTOLOGY) == []


def _duplicate(g: Graph) -> None:
    twin = URIRef(ID + "obs/mini/bg-fdi-twin")
    for p, o in list(g.predicate_objects(OBS)):
        g.add((twin, p, o))


def _second_dataset(g: Graph) -> None:
    g.add((OBS, QB.dataSet, URIRef(ID + "dataset/mini-rankings")))


def _two_measures(g: Graph) -> None:
    g.add((OBS, FDI.fdiNewCapital, Literal("1", datatype=XSD.decimal)))


DATA: list[tuple[str, Callable[[Graph], None], str, URIRef]] = [
    ("IC-1", _second_dataset, "", OBS),
    ("IC-11", lambda g: g.remove((GROWTH, FDI.basePeriod, None)), str(FDI.basePeriod), GROWTH),
    ("IC-12", _duplicate, "same dimensions as", URIRef(ID + "obs/mini/bg-fdi-twin")),
    ("IC-13", lambda g: g.remove((OBS, SDMX_ATTRIBUTE.unitMeasure, None)), "unitMeasure", OBS),
    ("IC-14", lambda g: g.remove((RANK, FDI.rank, None)), str(FDI.rank), RANK),
    ("IC-15", lambda g: g.remove((OBS, FDI.fdiRegisteredCapital, None)), "fdiRegisteredCapital", OBS),
    ("IC-16", _two_measures, str(FDI.fdiNewCapital), OBS),
    ("IC-19", lambda g: g.set((OBS, FDI.comparison, FDI.Exact)), str(FDI.Exact), OBS),
]  # fmt: skip


@pytest.mark.parametrize(("key", "breaks", "detail", "subject"), DATA, ids=[d[0] for d in DATA])
def test_a_breach_in_the_data_is_named(
    mini: Graph, key: str, breaks: Callable[[Graph], None], detail: str, subject: URIRef
) -> None:
    graph = copy(mini)
    breaks(graph)
    found = [p for p in datacube.check(graph, ONTOLOGY) if p.key == key]
    assert found, datacube.check(graph, ONTOLOGY)
    assert str(subject) in {p.subject for p in found}
    assert any(detail in (p.detail or "") for p in found if p.subject == str(subject))


def _empty_structure(g: Graph) -> None:
    g.add((EMPTY, RDF.type, QB.DataStructureDefinition))
    g.add((EMPTY, QB.component, FDI.componentRefArea))


def _uncoded_concept_dimension(g: Graph) -> None:
    g.remove((FDI.comparison, QB.codeList, None))
    g.set((FDI.comparison, RDFS.range, SKOS.Concept))


def _optional_dimension(g: Graph) -> None:
    g.add((FDI.componentComparison, QB.componentRequired, Literal(False)))


STRUCTURE: list[tuple[str, Callable[[Graph], None], URIRef]] = [
    ("IC-3", _empty_structure, EMPTY),
    ("IC-4", lambda g: g.remove((FDI.comparison, RDFS.range, None)), FDI.comparison),
    ("IC-5", _uncoded_concept_dimension, FDI.comparison),
    ("IC-6", _optional_dimension, FDI.componentComparison),
]


@pytest.mark.parametrize(("key", "breaks", "subject"), STRUCTURE, ids=[s[0] for s in STRUCTURE])
def test_a_breach_in_the_structure_is_named(
    mini: Graph, key: str, breaks: Callable[[Graph], None], subject: URIRef
) -> None:
    ontology = copy(ONTOLOGY)
    breaks(ontology)
    assert str(subject) in {p.subject for p in datacube.check(mini, ontology) if p.key == key}


def test_a_data_set_with_two_structures_is_named(mini: Graph) -> None:
    data = copy(mini)
    dataset = URIRef(ID + "dataset/mini-indicators")
    data.add((dataset, QB.structure, FDI.dsdRankings))
    assert str(dataset) in {p.subject for p in datacube.check(data, ONTOLOGY) if p.key == "IC-2"}


def test_a_breach_stops_the_build_at_the_observations_lines(project: Path) -> None:
    # A dimension added to the structure that no observation has: IC-11 for every one.
    ontology = project / "ontology" / "fdi.ttl"
    ontology.write_text(
        ontology.read_text(encoding="utf-8")
        + "\nfdi:dsdIndicators qb:component fdi:componentExtra .\n"
        "fdi:componentExtra qb:dimension fdi:extra .\n"
        "fdi:extra a qb:DimensionProperty ; rdfs:range rdfs:Resource .\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError, match="IC-11") as info:
        build(values_for(project))
    facts = (project / "data" / "facts" / "bac-giang-fdi-2024.yaml").read_text(encoding="utf-8")
    line = facts[: facts.index("- id: bg-fdi-2024-8m\n")].count("\n") + 1
    assert f"bac-giang-fdi-2024.yaml:{line}: bg-fdi-2024-8m: IC-11" in info.value.message
    assert not (project / "dist").exists(), "nothing may be written"
