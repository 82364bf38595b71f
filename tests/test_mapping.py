"""Each mapping function against its small golden graph, compared by isomorphism."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import PROV, XSD
from tests.mapping_cases import GOLDEN, cases

from fdigraph.vocab import FDI, OA

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
    values = set(g.objects(None, FDI.fdiCapitalAttracted)) | set(
        g.objects(None, FDI.stateBudgetRevenue)
    )
    assert values == {
        Literal("1600000000", datatype=XSD.decimal),
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
