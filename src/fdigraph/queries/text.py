"""Reading just enough SPARQL text to know a query's form and where its pattern opens.

Parameters are bound as RDF terms. Where the query engine can take them itself
(Oxigraph's substitutions, through rdflib's ``initBindings``) it does; where it cannot
(a list parameter, a remote endpoint) a ``VALUES`` block built from validated terms,
serialised by rdflib, opens the query's top-level ``WHERE`` group. The text is read with
the endpoint's own lexer (:mod:`fdigraph.lexer`, SPARQL's terminals and escapes), so
braces inside strings, IRIs and comments never count and both read a text alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from rdflib.term import Identifier

from fdigraph import lexer
from fdigraph.errors import QueryError

VARNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _tokens(text: str) -> Iterator[tuple[str, str, int]]:
    """(kind, text, end offset) of each token, comments included, as the engine reads them."""
    for match in lexer.TOKEN.finditer(text):
        yield match.lastgroup or "other", match.group(), match.end()


def query_form(text: str) -> str:
    """SELECT, CONSTRUCT, ASK or DESCRIBE: the form of a query (an update is refused)."""
    for kind, token, _ in _tokens(text):
        if kind == "word" and token.upper() in lexer.QUERY_FORMS:
            return token.upper()
        if kind == "word" and token.upper() in lexer.UPDATE_WORDS:
            raise QueryError("saved queries are read-only: an update is not a query")
    raise QueryError("no SELECT, CONSTRUCT, ASK or DESCRIBE found in the query")


def pattern_start(text: str) -> int:
    """Offset just after the ``{`` that opens the query's top-level WHERE group."""
    form: str | None = None
    depth = 0
    groups = 0
    construct_where = False
    last_word = ""
    for kind, token, end in _tokens(text):
        if kind == "comment":
            continue
        if kind == "word" and depth == 0:
            upper = token.upper()
            if form is None and upper in lexer.QUERY_FORMS:
                form = upper
            elif form == "CONSTRUCT" and groups == 0 and last_word == "CONSTRUCT":
                construct_where = upper == "WHERE"
            last_word = upper
        elif kind == "open":
            if token == "{" and depth == 0 and form is not None:
                wanted = 1 if form == "CONSTRUCT" and not construct_where else 0
                if groups == wanted:
                    return end
                groups += 1
            depth += 1
        elif kind == "close":
            depth = max(depth - 1, 0)
    raise QueryError("the query has no WHERE group to bind parameters in")


def values_block(variables: Sequence[str], rows: Sequence[Sequence[Identifier]]) -> str:
    """``VALUES (?a ?b) { (t1 t2) ... }`` from variable names and validated RDF terms."""
    for name in variables:
        if not VARNAME.match(name):
            raise QueryError(f"not a variable name: {name!r}")
    head = " ".join(f"?{name}" for name in variables)
    body = " ".join("(" + " ".join(term.n3() for term in row) + ")" for row in rows)
    return f"VALUES ({head}) {{ {body} }}"


def with_values(text: str, variables: Sequence[str], rows: Sequence[Sequence[Identifier]]) -> str:
    """The query with a VALUES block opening its WHERE group; unchanged if nothing to bind."""
    if not variables:
        return text
    at = pattern_start(text)
    return f"{text[:at]}\n  {values_block(variables, rows)}\n{text[at:]}"
