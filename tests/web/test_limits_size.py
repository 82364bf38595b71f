"""The size counts of ``fdigraph.size`` on small queries, and its limits' messages."""

from __future__ import annotations

import pytest

from fdigraph import lexer, size
from fdigraph.errors import LimitExceeded


@pytest.mark.parametrize(
    ("query", "patterns"),
    [
        ("ASK { ?s ?p ?o }", 1),
        ("ASK { ?s ?p ?o . ?a ?b ?c . }", 2),
        ("ASK { ?s ?p ?o ; ?q ?r , ?t . }", 3),
        ("ASK { ?s ?p [ ?q ?r ; ?t ?u ] . }", 3),
        ("SELECT * { ?s ?p ?o FILTER(?o > 1) ?a ?b ?c }", 2),
        ("SELECT * { ?s ?p ?o . OPTIONAL { ?x ?y ?z } ?d ?e ?f }", 3),
        ("SELECT * { VALUES ?x { 1 2 3 } ?s ?p ?x }", 1),
        ("SELECT * { VALUES (?a ?b) { (1 2) (3 4) } ?s ?p ?a }", 1),
        ("SELECT ?x { { SELECT ?x WHERE { ?x ?p ?o } } ?x ?q ?r } LIMIT 3", 2),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER NOT EXISTS { ?s a ?c } }", 3),
        ("SELECT * { BIND(1 AS ?x) ?s ?p ?o } # ?a ?b ?c .", 1),
        ("SELECT * { ?s ?p '. ; ,' . { ?a ?b ?c } UNION { ?d ?e ?f } }", 3),
    ],
)
def test_triple_patterns_are_counted(query: str, patterns: int) -> None:
    assert size.measure(lexer.tokens(query)).patterns == patterns


def test_expressions_and_collections_are_measured() -> None:
    found = size.measure(lexer.tokens("SELECT ((1 + 2) * 3 AS ?x) { ?s ?p (1 2 (3 4)) }"))
    assert (found.operators, found.members) == (2, 3)
    found = size.measure(lexer.tokens("SELECT * { ?s ?p ?o FILTER(?o IN (1, 2, 3)) }"))
    assert found.members == 0  # an IN list is cheap for the engine: not a collection


def test_the_refusal_names_the_limit_and_the_place() -> None:
    query = "SELECT * {\n  ?s ?p ?o FILTER(?o = 1 || ?o = 2)\n}"
    with pytest.raises(LimitExceeded) as caught:
        size.check(query, lexer.tokens(query), max_patterns=9, max_operators=2, max_members=9)
    assert "line 2, column 18 has 3 operators" in caught.value.message
    assert "FDIGRAPH_MAX_EXPRESSION_LENGTH" in caught.value.message
    assert caught.value.where is not None and caught.value.where.line == 2
