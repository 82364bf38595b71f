"""SPARQL 1.1 Protocol rules, without a web framework.

Turns the parameters of a request into an :class:`Operation` and refuses, before the
engine sees it, a query that is too long, nested too deep, an update, or a federated
``SERVICE`` call to an endpoint not on the allowlist. The answer's format is chosen in
:mod:`fdigraph.formats`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from werkzeug.http import parse_options_header

from fdigraph import lexer, size
from fdigraph.config import DEFAULTS
from fdigraph.errors import (
    LimitExceeded,
    Location,
    QueryError,
    QueryRefused,
    ReadOnly,
    UnsupportedMediaType,
)
from fdigraph.formats import Kind


@dataclass(frozen=True)
class Operation:
    """A query request after the protocol rules: the text and its RDF dataset."""

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    format: str | None = None

    @property
    def has_protocol_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


FORM_TYPE = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"


def _params(raw: str, where: str) -> dict[str, list[str]]:
    try:
        pairs = parse_qsl(raw, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise QueryError(f"the {where} is not valid UTF-8 once percent-decoded") from None
    params: dict[str, list[str]] = {}
    for key, value in pairs:
        params.setdefault(key, []).append(value)
    return params


def _decode(body: bytes, where: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise QueryError(f"the {where} is not valid UTF-8 (byte {err.start})") from None


def url_params(query_string: bytes) -> dict[str, list[str]]:
    """The URL's parameters; a query string that is not UTF-8 once percent-decoded is a
    QueryError (every route refuses it: ``fdigraph.web``), never silently replaced."""
    return _params(_decode(query_string, "URL query string"), "URL query string")


def parse_request(
    method: str, query_string: bytes, content_type: str | None, body: bytes
) -> Operation | None:
    """Apply the protocol's rules to a request; ``None`` asks for the service description.

    ``query_string`` is the raw (still percent-encoded) URL query and ``body`` the raw
    request body, so that invalid UTF-8 is refused rather than silently replaced.
    """
    url = url_params(query_string)
    if method in ("GET", "HEAD"):
        params = url
    elif method == "POST":
        mime, options = parse_options_header(content_type or "")
        charset = options.get("charset", "utf-8").lower()
        if mime == UPDATE_TYPE:
            raise ReadOnly("this endpoint is read-only: SPARQL updates are not accepted")
        if charset not in ("utf-8", "utf8"):
            raise UnsupportedMediaType(f"charset {charset!r} is not supported; send UTF-8")
        if mime == FORM_TYPE:
            params = url
            for key, values in _params(_decode(body, "request body"), "request body").items():
                params.setdefault(key, []).extend(values)
        elif mime == QUERY_TYPE:
            if "query" in url:
                raise QueryError("a query sent as the body must not also be in the URL")
            params = {**url, "query": [_decode(body, "request body")]}
        else:
            shown = mime or "no Content-Type"
            raise UnsupportedMediaType(f"cannot read {shown}; POST {QUERY_TYPE} or {FORM_TYPE}")
    else:  # the web layer answers 405 before this
        raise QueryError(f"method {method} is not part of the SPARQL protocol")
    if "update" in params:
        raise ReadOnly("this endpoint is read-only: SPARQL updates are not accepted")
    queries = params.get("query", [])
    if not queries:
        if method in ("GET", "HEAD") and not set(params) - {"format"}:
            return None
        raise QueryError("missing 'query' parameter")
    if len(queries) > 1:
        raise QueryError("the 'query' parameter must be given exactly once")
    if not queries[0].strip():
        raise QueryError("the query is empty")
    formats = params.get("format", [])
    return Operation(
        query=queries[0],
        default_graphs=tuple(params.get("default-graph-uri", ())),
        named_graphs=tuple(params.get("named-graph-uri", ())),
        format=formats[-1] if formats else None,
    )


@dataclass(frozen=True)
class QueryShape:
    """What the lexer learned about a query without parsing it fully."""

    form: str | None
    from_clause: bool
    prefixes: Mapping[str, str] = field(default_factory=dict)
    services: tuple[str, ...] = ()  # allowed endpoints it calls (refused ones never get here)

    @property
    def kind(self) -> Kind:
        return "graph" if self.form in ("CONSTRUCT", "DESCRIBE") else "results"


FORMS = lexer.QUERY_FORMS
UPDATES = lexer.UPDATE_WORDS


def inspect_query(
    query: str,
    *,
    max_length: int,
    max_nesting: int,
    allowlist: Sequence[str] = (),
    max_patterns: int = DEFAULTS["MAX_TRIPLE_PATTERNS"],
    max_operators: int = DEFAULTS["MAX_EXPRESSION_LENGTH"],
    max_members: int = DEFAULTS["MAX_COLLECTION_LENGTH"],
) -> QueryShape:
    """Check a query's size, nesting, form and SERVICE calls before it is evaluated.

    The text is read with SPARQL's terminals as the engine reads them (``fdigraph.lexer``),
    so that nothing the engine runs is hidden from the checks, and a query that might
    call a service and cannot be read with certainty is refused.
    """
    if len(query) > max_length:
        raise LimitExceeded(f"the query is {len(query)} characters long; the limit is {max_length}")
    form: str | None = None
    from_clause = False
    depth = 0
    prefixes: dict[str, str] = {}
    tokens = lexer.tokens(query)
    for i, tok in enumerate(tokens):
        group = tok.lastgroup
        if group == "open":
            depth += 1
            if depth > max_nesting:
                raise LimitExceeded(
                    f"the query nests deeper than {max_nesting} levels "
                    f"(at {_where(query, tok.start())})",
                    where=_location(query, tok.start()),
                )
        elif group == "close":
            depth -= 1
        elif group == "iri" and "'" in tok.group():
            # <a'b> may also be read as the operator < and then a string, so that a
            # lexer cannot know where the next string starts; the escape is unambiguous.
            raise QueryError(
                f"the IRI at {_where(query, tok.start())} contains an apostrophe; "
                "write it as \\u0027",
                where=_location(query, tok.start()),
            )
        elif group == "word":
            word = tok.group().upper()
            if word == "PREFIX" and i + 2 < len(tokens) and tokens[i + 2].lastgroup == "iri":
                prefixes[tokens[i + 1].group().rstrip(":")] = tokens[i + 2].group()[1:-1]
            elif form is None and word in UPDATES:
                raise ReadOnly(f"this endpoint is read-only: {word} (an update) is not accepted")
            elif form is None and word in FORMS:
                form = word
            elif word == "FROM":
                from_clause = True
    size.check(
        query,
        tokens,
        max_patterns=max_patterns,
        max_operators=max_operators,
        max_members=max_members,
    )
    services: tuple[str, ...] = ()
    if lexer.mentions_service(query):
        services = _check_services(query, tokens, allowlist)
    return QueryShape(form=form, from_clause=from_clause, prefixes=prefixes, services=services)


def _where(text: str, pos: int) -> str:
    return lexer.where(text, pos)


def _location(text: str, pos: int) -> Location:
    line, column = lexer.position(text, pos)
    return Location("query", line, column)


def _check_services(
    query: str, tokens: list[re.Match[str]], allowlist: Sequence[str]
) -> tuple[str, ...]:
    """The allowed endpoints the query calls; any other call, or doubt, is refused."""
    called: list[str] = []
    for reading in lexer.readings(query):
        toks = tokens if reading.text is query else lexer.tokens(reading.text)
        try:
            calls = lexer.service_calls(reading.text, toks)
        except lexer.Unreadable as err:
            pos = reading.origin(err.pos)
            raise QueryRefused(
                f"the query mentions SERVICE and cannot be read with certainty at "
                f"{_where(query, pos)}: {err.why}",
                where=_location(query, pos),
            ) from None
        for call in calls:
            pos = reading.origin(call.pos)
            at = _where(query, pos)
            if call.endpoint is None:
                raise QueryRefused(
                    f"SERVICE at {at} ({call.why}): "
                    + (
                        "the endpoint must be an IRI on the allowed list"
                        if allowlist
                        else "federated queries are switched off"
                    ),
                    where=_location(query, pos),
                )
            if call.endpoint not in allowlist:
                shown = f"SERVICE <{call.endpoint}> at {at}"
                raise QueryRefused(
                    f"{shown} is not in the allowed list of endpoints"
                    if allowlist
                    else f"{shown}: federated queries are switched off",
                    where=_location(query, pos),
                )
            called.append(call.endpoint)
    return tuple(dict.fromkeys(called))
