"""How large a query is, counted from its tokens (``fdigraph.lexer``) before the engine.

Three sizes make pyoxigraph 0.5 slow far beyond their length, measured on an empty
store (bench/RESULTS.md, "Query size"): the triple patterns of a query (its planner is
superlinear: 100 patterns take 0.8 s, 200 take 15 s), the terms of one expression (5,000
``||`` terms 17 s, 20,000 ``+`` terms 8 s) and the members of an RDF collection (each
is two more patterns: 1,000 members never finish). :func:`measure` counts them in one
pass over the tokens, and :func:`check` refuses a query over a limit with a 400 that
names the limit and where the count passed it.

The counts follow the grammar's shape without parsing it: a triple pattern ends at each
``.``, ``;`` or ``,`` (and at the end of a group or ``[ ]``) that follows a term, except in
the clauses that hold no triples (FILTER, BIND, VALUES, a subquery's projection); an
expression is everything in one outermost pair of parentheses outside triples, its
length the operators in it; a collection is a parenthesised list in a triple.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from fdigraph import lexer
from fdigraph.errors import LimitExceeded, Location

_TERMS = frozenset({"string", "iri", "var", "bnode", "pname", "number", "word"})
_NOT_TRIPLES = frozenset({"FILTER", "BIND", "VALUES", "SELECT", "HAVING", "ORDER", "GROUP"})
_SEPARATORS = frozenset({".", ";", ","})
_CLAUSES = _NOT_TRIPLES | {"OPTIONAL", "MINUS", "GRAPH", "SERVICE", "UNION", "EXISTS", "NOT"}


@dataclass(frozen=True)
class Size:
    """The three counts, and where in the text each reached its largest value."""

    patterns: int = 0
    patterns_at: int = 0
    operators: int = 0
    operators_at: int = 0
    members: int = 0
    members_at: int = 0


class _Level:
    """One open bracket: what it is and, inside a group, the triple being read."""

    __slots__ = (
        "collection", "data", "expression", "kind", "members", "skip", "start", "term", "word",
    )  # fmt: skip

    def __init__(self, kind: str, start: int) -> None:
        self.kind = kind  # "{", "[" or "("
        self.start = start
        self.term = False  # a term seen since the last triple ended
        self.skip = False  # in a clause without triples (FILTER, BIND, ...)
        self.data = False  # a VALUES block: terms, no triples
        self.word = ""  # the keyword that began the clause without triples
        self.collection = False
        self.expression: _Level | None = None  # the outermost "(" of the expression
        self.members = 0


def measure(toks: Sequence[re.Match[str]]) -> Size:
    """Count the triple patterns, the longest expression and the longest collection."""
    patterns = operators = members = 0
    operators_at = members_at = patterns_at = 0
    counts: dict[int, int] = {}  # operators per outermost "(" of an expression, by id
    top = _Level("{", 0)
    top.skip = True  # the prologue and projection hold no triples
    stack = [top]
    for tok in toks:
        group, text, here = tok.lastgroup, tok.group(), stack[-1]
        if group in ("comment", "langtag"):
            continue
        if group == "open":
            level = _Level(text, tok.start())
            triples = here.kind != "(" and not here.skip and not here.data
            if text == "(":
                level.collection = triples or here.collection
                if not level.collection:
                    level.expression = here.expression or level
            else:
                level.data = here.data or here.word == "VALUES"
                level.expression = here.expression if text == "[" else None
            if here.kind == "(" or triples:
                here.members += 1
            stack.append(level)
            continue
        if group == "close":
            if len(stack) == 1:
                continue  # unbalanced: the engine's parser will say so
            level = stack.pop()
            here = stack[-1]
            if level.kind != "(" and level.term and not level.skip and not level.data:
                patterns += 1
                patterns_at = tok.start()
            if level.collection and level.members > members:
                members, members_at = level.members, level.start
            if level.expression is level:
                found = counts.pop(id(level), 0)
                if found > operators:
                    operators, operators_at = found, level.start
            if here is top:
                here.term = False
            elif level.kind == "{" and here.kind == "{":
                here.term = here.skip = False  # a nested group ends a clause
                here.word = ""
            elif level.kind == "(" and here.skip and here.kind == "{" and here.word != "VALUES":
                here.term = here.skip = False  # FILTER(...) or BIND(...) ended
            else:
                here.term = True
            continue
        if here.expression is not None and group == "op" and text not in _SEPARATORS:
            key = id(here.expression)
            counts[key] = counts.get(key, 0) + 1
        if here.kind == "(":
            if group in _TERMS:
                here.members += 1
            continue
        if group == "op" and text in _SEPARATORS:
            if here.term and not here.skip and not here.data:
                patterns += 1
                patterns_at = tok.start()
            here.term = False
            if text == "." and here is not top:
                here.skip, here.word = False, ""
            continue
        word = text.upper() if group == "word" else ""
        if word in _CLAUSES:  # never a term: it ends the triple before it
            if here.term and not here.skip and not here.data:
                patterns += 1
                patterns_at = tok.start()
            here.term = False
            if word in _NOT_TRIPLES:
                here.skip, here.word = True, word
            continue
        if group in _TERMS:
            here.term = True
    return Size(patterns, patterns_at, operators, operators_at, members, members_at)


def check(
    query: str,
    toks: Sequence[re.Match[str]],
    *,
    max_patterns: int,
    max_operators: int,
    max_members: int,
) -> Size:
    """Refuse (LimitExceeded) a query over one of the size limits; its size otherwise."""
    size = measure(toks)
    if size.patterns > max_patterns:
        raise LimitExceeded(
            f"the query has {size.patterns} triple patterns; the limit is {max_patterns} "
            "(FDIGRAPH_MAX_TRIPLE_PATTERNS)"
        )
    over = [
        (size.operators, max_operators, size.operators_at, "operators", "MAX_EXPRESSION_LENGTH"),
        (size.members, max_members, size.members_at, "members", "MAX_COLLECTION_LENGTH"),
    ]
    for found, limit, at, what, setting in over:
        if found > limit:
            line, column = lexer.position(query, at)
            kind = "expression" if what == "operators" else "collection"
            raise LimitExceeded(
                f"the {kind} at line {line}, column {column} has {found} {what}; "
                f"the limit is {limit} (FDIGRAPH_{setting})",
                where=Location("query", line, column),
            )
    return size
