"""SPARQL 1.1 Protocol rules, without a web framework.

One table of formats drives content negotiation (as Oxigraph's server does): each row
names a media type, the kind of result it carries and the Oxigraph serialiser. The rest
turns the parameters of a request into an :class:`Operation` and refuses, before the
engine sees it, a query that is too long, nested too deep, an update, or a federated
``SERVICE`` call to an endpoint not on the allowlist.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal
from urllib.parse import parse_qsl

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header, parse_options_header

from fdigraph.errors import (
    LimitExceeded,
    NotAcceptable,
    QueryError,
    QueryRefused,
    ReadOnly,
    UnsupportedMediaType,
)

Kind = Literal["results", "graph"]


@dataclass(frozen=True)
class Format:
    """One row of the negotiation table."""

    name: str
    media_type: str
    kind: Kind
    oxigraph: ox.QueryResultsFormat | ox.RdfFormat
    aliases: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        text = self.media_type.startswith("text/") or self.name in {"json", "jsonld"}
        return f"{self.media_type}; charset=utf-8" if text else self.media_type


R, G = ox.QueryResultsFormat, ox.RdfFormat
# The first row of each kind is its default, used when the request has no Accept header.
FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", "results", R.JSON, ("application/json",)),
    Format(
        "xml", "application/sparql-results+xml", "results", R.XML, ("application/xml", "text/xml")
    ),
    Format("csv", "text/csv", "results", R.CSV),
    Format("tsv", "text/tab-separated-values", "results", R.TSV),
    Format("turtle", "text/turtle", "graph", G.TURTLE, ("application/x-turtle",), ("ttl",)),
    Format("ntriples", "application/n-triples", "graph", G.N_TRIPLES, (), ("nt",)),
    Format("jsonld", "application/ld+json", "graph", G.JSON_LD, ("application/json",), ("json",)),
    Format("rdfxml", "application/rdf+xml", "graph", G.RDF_XML, ("application/xml",), ("xml",)),
    Format("nquads", "application/n-quads", "graph", G.N_QUADS, (), ("nq",)),
    Format("trig", "application/trig", "graph", G.TRIG),
)
BY_KIND: dict[str, tuple[Format, ...]] = {
    kind: tuple(f for f in FORMATS if f.kind == kind) for kind in ("results", "graph")
}
# Canonical types before aliases, so that text/* means CSV rather than text/xml.
_CANDIDATES = {
    kind: [(f.media_type, f) for f in fmts] + [(a, f) for f in fmts for a in f.aliases]
    for kind, fmts in BY_KIND.items()
}
_MEDIA = {kind: [m for m, _ in pairs] for kind, pairs in _CANDIDATES.items()}


@lru_cache(maxsize=256)
def negotiate(accept: str | None, kind: Kind, format_param: str | None = None) -> Format:
    """Pick the format for a result of ``kind`` from a ``format`` parameter or Accept.

    No Accept header (or an empty one) means the default; a header that matches
    nothing is a 406, never a silent fallback. Clients send few distinct headers, so
    answers are memoised (errors are raised again each time).
    """
    table = BY_KIND[kind]
    if format_param:
        wanted = format_param.strip().lower()
        for fmt in table:
            if wanted in (fmt.name, fmt.media_type, *fmt.names):
                return fmt
        if any(wanted in (f.name, f.media_type, *f.names) for f in FORMATS):
            raise NotAcceptable(
                f"format={format_param!r} cannot carry {_kind_text(kind)}; {_offer(kind)}"
            )
        raise QueryError(f"unknown format {format_param!r}; {_offer(kind)}")
    if accept is None or not accept.strip():
        return table[0]
    # Media-type parameters (charset, profile) must not stop a match: Werkzeug
    # compares them literally, so keep only the type and its quality.
    parsed = parse_accept_header(accept, MIMEAccept)
    plain = MIMEAccept([(value.split(";", 1)[0].strip().lower(), q) for value, q in parsed])
    best = plain.best_match(_MEDIA[kind])
    if best is None:
        raise NotAcceptable(
            f"nothing in Accept: {accept!r} can carry {_kind_text(kind)}; {_offer(kind)}"
        )
    return dict(_CANDIDATES[kind])[best]


def _kind_text(kind: Kind) -> str:
    return "query results" if kind == "results" else "an RDF graph"


def _offer(kind: Kind) -> str:
    return "use one of " + ", ".join(f.media_type for f in BY_KIND[kind])


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


def parse_request(
    method: str, query_string: bytes, content_type: str | None, body: bytes
) -> Operation | None:
    """Apply the protocol's rules to a request; ``None`` asks for the service description.

    ``query_string`` is the raw (still percent-encoded) URL query and ``body`` the raw
    request body, so that invalid UTF-8 is refused rather than silently replaced.
    """
    url = _params(_decode(query_string, "URL query string"), "URL query string")
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

    @property
    def kind(self) -> Kind:
        return "graph" if self.form in ("CONSTRUCT", "DESCRIBE") else "results"


_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\r\n]*)
  | (?P<string>\"\"\"(?:[^\"\\]|\\.|\"(?!\"\"))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
      |\"(?:[^\"\\\r\n]|\\.)*\"|'(?:[^'\\\r\n]|\\.)*')
  | (?P<iri><[^<>\"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$]\w+)
  | (?P<word>[^\W\d][\w\-.]*(?::[\w\-.:%\\]*)?|:[\w\-.:%\\]*)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
    """,
    re.VERBOSE | re.DOTALL,
)
FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
UPDATES = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)


def _where(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    return f"line {line}, column {pos - (text.rfind(chr(10), 0, pos) + 1) + 1}"


def inspect_query(
    query: str, *, max_length: int, max_nesting: int, allowlist: Sequence[str] = ()
) -> QueryShape:
    """Check a query's size, nesting, form and SERVICE calls before it is evaluated."""
    if len(query) > max_length:
        raise LimitExceeded(f"the query is {len(query)} characters long; the limit is {max_length}")
    form: str | None = None
    from_clause = False
    depth = 0
    prefixes: dict[str, str] = {}
    tokens = list(_TOKEN.finditer(query))
    for i, tok in enumerate(tokens):
        group = tok.lastgroup
        if group == "open":
            depth += 1
            if depth > max_nesting:
                raise LimitExceeded(
                    f"the query nests deeper than {max_nesting} levels "
                    f"(at {_where(query, tok.start())})"
                )
        elif group == "close":
            depth -= 1
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
            elif word == "SERVICE":
                _check_service(query, tokens, i, prefixes, allowlist)
    return QueryShape(form=form, from_clause=from_clause, prefixes=prefixes)


def _check_service(
    query: str,
    tokens: Sequence[re.Match[str]],
    i: int,
    prefixes: Mapping[str, str],
    allowlist: Sequence[str],
) -> None:
    rest = [t for t in tokens[i + 1 : i + 3] if t.group().upper() != "SILENT"]
    target = rest[0] if rest else None
    endpoint = None
    if target is not None and target.lastgroup == "iri":
        endpoint = target.group()[1:-1]
    elif target is not None and target.lastgroup == "word" and ":" in target.group():
        prefix, _, local = target.group().partition(":")
        if prefix in prefixes:
            endpoint = prefixes[prefix] + local
    if endpoint is not None and endpoint in allowlist:
        return
    shown = f"<{endpoint}>" if endpoint else "with an endpoint that is not an IRI"
    where = _where(query, tokens[i].start())
    if not allowlist:
        raise QueryRefused(f"SERVICE {shown} at {where}: federated queries are switched off")
    raise QueryRefused(f"SERVICE {shown} at {where} is not in the allowed list of endpoints")
