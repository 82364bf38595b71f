"""The one table of media types fdigraph reads and writes, and content negotiation over it.

Each row is a format: its media type and the other media types taken for it, its short
name and URL suffix, whether it carries query results or an RDF graph, its W3C format IRI
(for the service description), and the names Oxigraph and rdflib know it by. Every place
that offers formats (``/sparql``, the pages' ``/id/x.ttl``, the saved queries'
``/queries/NAME.csv``, the remote clients' Accept headers) looks them up here, and every
choice from an Accept header or a ``format=`` name is made by :func:`negotiate`, over the
:class:`Offer` of the place asking. Nothing here knows Flask or the web side.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from fdigraph.errors import NotAcceptable, QueryError

Kind = Literal["results", "graph"]
KINDS: tuple[Kind, ...] = ("results", "graph")
W3C = "http://www.w3.org/ns/formats/"
HTML = "text/html"
XHTML = "application/xhtml+xml"


@dataclass(frozen=True)
class Format:
    """One row of the table."""

    name: str  # format=NAME, `fdigraph query --format NAME`
    label: str  # as people read it: links to download an answer
    media_type: str
    kind: Kind
    iri: str  # the W3C format IRI, as the service description lists it
    oxigraph: ox.QueryResultsFormat | ox.RdfFormat
    rdflib: str  # rdflib's parser and serialiser name
    suffix: str = ""  # a URL's suffix, if it has one: /id/x.ttl, /queries/NAME.ttl
    aliases: tuple[str, ...] = ()  # other media types taken for it in Accept
    names: tuple[str, ...] = ()  # other format= names at /sparql

    @property
    def content_type(self) -> str:
        """The Content-Type of an answer in this format (UTF-8 said where it is text)."""
        text = self.media_type.startswith("text/") or self.name in {"json", "jsonld"}
        return f"{self.media_type}; charset=utf-8" if text else self.media_type

    @property
    def tabular(self) -> bool:
        return self.kind == "results"


R, G = ox.QueryResultsFormat, ox.RdfFormat
# The first row of each kind is /sparql's default, used when a request has no Accept header.
FORMATS: tuple[Format, ...] = (
    Format(
        name="json",
        label="SPARQL JSON",
        media_type="application/sparql-results+json",
        kind="results",
        iri=W3C + "SPARQL_Results_JSON",
        oxigraph=R.JSON,
        rdflib="json",
        suffix="json",
        aliases=("application/json",),
    ),
    Format(
        name="xml",
        label="SPARQL XML",
        media_type="application/sparql-results+xml",
        kind="results",
        iri=W3C + "SPARQL_Results_XML",
        oxigraph=R.XML,
        rdflib="xml",
        suffix="xml",
        aliases=("application/xml", "text/xml"),
    ),
    Format(
        name="csv",
        label="CSV",
        media_type="text/csv",
        kind="results",
        iri=W3C + "SPARQL_Results_CSV",
        oxigraph=R.CSV,
        rdflib="csv",
        suffix="csv",
    ),
    Format(
        name="tsv",
        label="TSV",
        media_type="text/tab-separated-values",
        kind="results",
        iri=W3C + "SPARQL_Results_TSV",
        oxigraph=R.TSV,
        rdflib="tsv",
        suffix="tsv",
    ),
    Format(
        name="turtle",
        label="Turtle",
        media_type="text/turtle",
        kind="graph",
        iri=W3C + "Turtle",
        oxigraph=G.TURTLE,
        rdflib="turtle",
        suffix="ttl",
        aliases=("application/x-turtle",),
        names=("ttl",),
    ),
    Format(
        name="ntriples",
        label="N-Triples",
        media_type="application/n-triples",
        kind="graph",
        iri=W3C + "N-Triples",
        oxigraph=G.N_TRIPLES,
        rdflib="nt",
        suffix="nt",
        names=("nt",),
    ),
    Format(
        name="jsonld",
        label="JSON-LD",
        media_type="application/ld+json",
        kind="graph",
        iri=W3C + "JSON-LD",
        oxigraph=G.JSON_LD,
        rdflib="json-ld",
        suffix="jsonld",
        aliases=("application/json",),
        names=("json",),
    ),
    Format(
        name="rdfxml",
        label="RDF/XML",
        media_type="application/rdf+xml",
        kind="graph",
        iri=W3C + "RDF_XML",
        oxigraph=G.RDF_XML,
        rdflib="xml",
        suffix="rdf",
        aliases=("application/xml",),
        names=("xml",),
    ),
    Format(
        name="nquads",
        label="N-Quads",
        media_type="application/n-quads",
        kind="graph",
        iri=W3C + "N-Quads",
        oxigraph=G.N_QUADS,
        rdflib="nquads",
        names=("nq",),
    ),
    Format(
        name="trig",
        label="TriG",
        media_type="application/trig",
        kind="graph",
        iri=W3C + "TriG",
        oxigraph=G.TRIG,
        rdflib="trig",
    ),
)
BY_NAME: dict[str, Format] = {f.name: f for f in FORMATS}
BY_KIND: dict[Kind, tuple[Format, ...]] = {
    k: tuple(f for f in FORMATS if f.kind == k) for k in KINDS
}
# Every media type taken for a format, each row's own before its aliases.
MEDIA_TYPES: tuple[str, ...] = tuple(m for f in FORMATS for m in (f.media_type, *f.aliases))
# The saved queries' formats (any saved query in any of them), in the order their links,
# downloads and messages list them.
SAVED: tuple[Format, ...] = tuple(
    BY_NAME[n] for n in ("json", "xml", "csv", "tsv", "turtle", "jsonld", "ntriples")
)


def by_media_type(media: str, among: Sequence[Format] = FORMATS) -> Format | None:
    """The format whose own media type (not an alias) is ``media``, among ``among``."""
    return next((f for f in among if f.media_type == media), None)


def accept_header(*wanted: tuple[str, float]) -> str:
    """An Accept header asking for the formats named, each with its quality."""
    return ", ".join(BY_NAME[n].media_type + ("" if q == 1 else f";q={q:g}") for n, q in wanted)


@dataclass(frozen=True, eq=False)
class Offer:
    """What one place offers an answer in, and how a request chooses among it."""

    media: tuple[tuple[str, Format | None], ...]  # in order: ties go to the first; None: HTML
    default: Format | None  # for a request without an Accept header
    refusal: str  # the end of a 406's message
    kind: Kind | None = None  # format= names of this kind's rows (the other kind's: a 406)
    suffixes: Mapping[str, Format | None] = field(default_factory=dict)  # names as written
    names: Mapping[str, Format | None] = field(default_factory=dict)  # more, not suffixes


def _what(kind: Kind) -> str:
    return "query results" if kind == "results" else "an RDF graph"


def _use(kind: Kind) -> str:
    return "use one of " + ", ".join(f.media_type for f in BY_KIND[kind])


def _endpoint(kind: Kind) -> Offer:
    """/sparql: this kind's rows, the default first, every own type before the aliases."""
    rows = BY_KIND[kind]
    media = [(f.media_type, f) for f in rows] + [(a, f) for f in rows for a in f.aliases]
    return Offer(tuple(media), rows[0], f"can carry {_what(kind)}; {_use(kind)}", kind)


# A saved query's format by name or suffix (lower case): /queries/NAME.ttl, --format turtle.
SAVED_NAMES: dict[str, Format] = {f.name: f for f in SAVED} | {
    f.suffix: f for f in SAVED if f.suffix
}


def _saved(default: Format) -> Offer:
    """/queries/NAME: the query's default first, the saved formats, the results formats'
    aliases (application/json is SPARQL JSON there, whatever the query's form), the page."""
    media: dict[str, Format | None] = {default.media_type: default}
    media |= {f.media_type: f for f in SAVED}
    media |= {a: f for f in SAVED if f.tabular for a in f.aliases}
    media[HTML] = None
    use = "use " + ", ".join(f".{f.suffix}" for f in SAVED)
    return Offer(tuple(media.items()), default, f"is offered; {use}", None, SAVED_NAMES)


RESULTS, GRAPH = _endpoint("results"), _endpoint("graph")
ENDPOINT: dict[Kind, Offer] = {"results": RESULTS, "graph": GRAPH}
# /id/... and /def/fdi: the page (which */*, text/* and application/* get), else RDF,
# each row's aliases right after its own type (application/* with XHTML put lower is
# Turtle, as application/x-turtle).
PAGE = Offer(
    (
        (HTML, None),
        (XHTML, None),
        *((m, f) for f in BY_KIND["graph"] for m in (f.media_type, *f.aliases)),
    ),
    None,
    "is offered; use text/html or RDF",
    "graph",
    {f.suffix: f for f in BY_KIND["graph"] if f.suffix} | {"html": None},
    {HTML: None},
)
SAVED_OFFERS: dict[Kind, Offer] = {
    "results": _saved(BY_NAME["json"]),
    "graph": _saved(BY_NAME["turtle"]),
}


def accepted(accept: str) -> MIMEAccept:
    """An Accept header without media-type parameters (charset, profile), which Werkzeug
    would compare literally so that they stop a match; each type keeps its quality."""
    parsed = parse_accept_header(accept, MIMEAccept)
    return MIMEAccept([(value.split(";", 1)[0].strip().lower(), q) for value, q in parsed])


@lru_cache(maxsize=512)
def negotiate(accept: str | None, offer: Offer, name: str | None = None) -> Format | None:
    """The format ``offer`` answers in for an Accept header or a format name (``None``:
    the HTML page).

    A name (``format=`` or a URL suffix) wins over Accept: one of ``offer.suffixes`` or
    ``offer.names`` as written, else a ``format=`` name of ``offer.kind``'s rows (a 406 when only the other
    kind has it, a 400 when none does). No Accept header (or an empty one) means the
    default; a header that matches nothing is a 406, never a silent fallback. Clients send
    few distinct headers, so answers are memoised (errors are raised again each time).
    """
    if name:
        if name in offer.suffixes:
            return offer.suffixes[name]
        if name in offer.names:
            return offer.names[name]
        return _named(name, offer)
    if accept is None or not accept.strip():
        return offer.default
    best = accepted(accept).best_match([m for m, _ in offer.media])
    if best is None:
        raise NotAcceptable(f"nothing in Accept: {accept!r} {offer.refusal}")
    return dict(offer.media)[best]


def _named(name: str, offer: Offer) -> Format:
    if offer.kind is None:
        names = ", ".join(dict.fromkeys(f.name for f in offer.suffixes.values() if f))
        raise QueryError(f"unknown format {name!r}; formats: {names}")
    wanted = name.strip().lower()
    for fmt in BY_KIND[offer.kind]:
        if wanted in (fmt.name, fmt.media_type, *fmt.names):
            return fmt
    if any(wanted in (f.name, f.media_type, *f.names) for f in FORMATS):
        raise NotAcceptable(f"format={name!r} cannot carry {_what(offer.kind)}; {_use(offer.kind)}")
    raise QueryError(f"unknown format {name!r}; {_use(offer.kind)}")


def endpoint(accept: str | None, kind: Kind, name: str | None = None) -> Format:
    """/sparql's format for an answer of ``kind`` (never the HTML page)."""
    fmt = negotiate(accept, ENDPOINT[kind], name)
    assert fmt is not None  # the endpoint's offers hold no page
    return fmt


def prefers_html(accept: str) -> bool:
    """An explicit text/html that beats every format in the table."""
    plain = accepted(accept)
    if HTML not in plain.values():
        return False
    return plain.quality(HTML) > max(plain.quality(m) for m in MEDIA_TYPES)
