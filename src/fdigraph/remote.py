"""A remote SPARQL endpoint behind the part of ``pyoxigraph.Store`` that fdigraph uses.

``fdigraph serve --endpoint URL`` serves a triple store it does not own. Everything the
server shows is asked through ``store.query(...)``, so :class:`RemoteStore` answers
that one call over the SPARQL 1.1 Protocol and hands back real pyoxigraph results,
parsed from the store's answer: the serialisers, the row runners, oxrdflib and VoID
then work unchanged. One ``httpx.Client`` (a connection pool) per process, made after
the fork. The store being down, refusing, or answering something unreadable is a
:class:`RemoteStoreError` (502); too slow is :class:`RemoteStoreTimeout` (504).
"""

from __future__ import annotations

import io
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import IO, Any, cast

import httpx
import pyoxigraph as ox

from fdigraph import __version__, formats
from fdigraph.errors import ConfigError, QueryError, RemoteStoreError, RemoteStoreTimeout

Answer = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
Budget = Callable[[], float | None]  # seconds the caller still has, when it has a deadline
GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph
UNION = "union"
ACCEPT = formats.accept_header(
    ("json", 1), ("ntriples", 0.9), ("turtle", 0.8), ("xml", 0.7), ("rdfxml", 0.5)
)
MAX_BODY = 128 << 20  # an answer read whole (not streamed) may be at most this big
GRAPH_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
DEFAULT_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
_LINE_ONE = re.compile(r"^(error at 1:)(\d+)")


class _Body(io.RawIOBase):
    """A response body that pyoxigraph's parsers read as they go, within a deadline."""

    def __init__(self, url: str, response: httpx.Response, deadline: float, limit: int) -> None:
        self.url, self.deadline, self.limit = url, deadline, limit
        self.chunks = response.iter_bytes()
        self.pending, self.offset, self.total = b"", 0, 0
        self.failure: RemoteStoreError | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.offset >= len(self.pending):
            self.pending, self.offset = self._next(), 0
        size = min(len(buffer), len(self.pending) - self.offset)
        buffer[:size] = self.pending[self.offset : self.offset + size]
        self.offset += size
        return size

    def _next(self) -> bytes:
        if time.monotonic() > self.deadline:
            raise self._fail(RemoteStoreTimeout(f"the triple store at {self.url} was too slow"))
        try:
            chunk = next(self.chunks, b"")
        except httpx.TimeoutException:
            raise self._fail(
                RemoteStoreTimeout(f"the triple store at {self.url} was too slow")
            ) from None
        except httpx.HTTPError as err:
            raise self._fail(
                RemoteStoreError(f"the triple store at {self.url} broke off: {err}")
            ) from None
        self.total += len(chunk)
        if self.total > self.limit:
            raise self._fail(RemoteStoreError(f"{self.url} answered more than {self.limit} bytes"))
        return chunk

    def _fail(self, err: RemoteStoreError) -> RemoteStoreError:
        self.failure = err
        return err


class RemoteStore:
    """``query``, ``len`` and ``named_graphs`` of a pyoxigraph Store, over HTTP.

    ``graphs`` says what the default graph of a ``use_default_graph_as_union`` query is:
    ``"union"`` (the store's own default graph is already the union), space-separated
    graph IRIs, or empty for every named graph the store holds (as found by the last
    :meth:`fingerprint`). Those graphs are sent as ``default-graph-uri`` and
    ``named-graph-uri``, so ``GRAPH`` patterns still see them.
    """

    def __init__(
        self,
        url: str,
        *,
        timeout: float,
        graphs: str = "",
        budget: Budget | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if httpx.URL(url).scheme not in ("http", "https"):
            raise ConfigError(f"ENDPOINT must be an http(s) URL: {url!r}")
        self.url, self.timeout, self.budget = url, timeout, budget
        self.union = graphs.strip() == UNION
        self.fixed = tuple(graphs.split()) if graphs.strip() and not self.union else None
        self.graphs: tuple[str, ...] | None = self.fixed
        self.transport = transport  # tests put a mock here
        self._client: httpx.Client | None = None
        self._pid = 0
        self._lock = threading.Lock()

    def client(self) -> httpx.Client:
        """This process's connection pool (a client made before a fork is left alone)."""
        if self._client is None or self._pid != os.getpid():
            with self._lock:
                if self._client is None or self._pid != os.getpid():
                    self._client = httpx.Client(
                        headers={"User-Agent": f"fdigraph/{__version__}", "Accept": ACCEPT},
                        limits=httpx.Limits(max_connections=64, max_keepalive_connections=16),
                        transport=self.transport,
                    )
                    self._pid = os.getpid()
        return self._client

    def query(self, query: str, **options: Any) -> Answer:
        """Like ``pyoxigraph.Store.query``: the whole answer is read and checked first."""
        deadline = self._deadline()
        with self._send(query, options, deadline, client_query=False) as (body, media):
            data = body.read()
        results_format = ox.QueryResultsFormat.from_media_type(media)
        try:
            if results_format is not None:
                answer = ox.parse_query_results(data, results_format)
                if isinstance(answer, ox.QuerySolutions):
                    for _ in answer:  # garbage mid-way fails here, not in the caller
                        pass
                    answer = ox.parse_query_results(data, results_format)
                return answer
            rdf_format = ox.RdfFormat.from_media_type(media)
            assert rdf_format is not None  # _send checked it
            scratch = ox.Store()  # real QueryTriples, as oxrdflib expects
            scratch.load(data, rdf_format, to_graph=ox.DefaultGraph())
            found = scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")
        except (SyntaxError, ValueError, OSError) as err:
            raise RemoteStoreError(f"{self.url} answered an unreadable {media}: {err}") from None
        return found

    @contextmanager
    def answer(self, query: str, deadline: float, **options: Any) -> Iterator[Any]:
        """A client's query: results parsed as they are read, the response closed after.

        An HTTP 400 from the store is raised as SyntaxError (as pyoxigraph does), with
        its position corrected for the prologue sent before the query. Triples come as
        a lazy iterator, so a row cap stops reading early.
        """
        with self._send(query, options, deadline, client_query=True) as (body, media):
            results_format = ox.QueryResultsFormat.from_media_type(media)
            try:
                if results_format is not None:
                    yield ox.parse_query_results(cast(IO[bytes], body), results_format)
                else:
                    rdf_format = ox.RdfFormat.from_media_type(media)
                    yield (quad.triple for quad in ox.parse(cast(IO[bytes], body), rdf_format))
            except (SyntaxError, ValueError, OSError) as err:
                if body.failure is not None:
                    raise body.failure from None
                raise RemoteStoreError(
                    f"{self.url} answered an unreadable {media}: {err}"
                ) from None

    def __len__(self) -> int:
        found = self.query(DEFAULT_COUNT, use_default_graph_as_union=True)
        assert isinstance(found, ox.QuerySolutions)
        return sum(_int(row[0]) for row in found)

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        return (ox.NamedNode(g) for g in sorted(self.fingerprint()) if g)

    def fingerprint(self) -> dict[str, int]:
        """Triples per named graph (and ``""``: the default graph, in union mode).

        Cheap on any store, and it changes when a graph is republished with other
        content; it also refreshes the list of graphs that make the union.
        """
        try:
            found = self.query(GRAPH_COUNTS)
            assert isinstance(found, ox.QuerySolutions)
            counts = {row[0].value: _int(row[1]) for row in found if row[0] is not None}
        except RemoteStoreError:
            if not self.union:  # a union store may keep everything in its default graph
                raise
            counts = {}
        if self.fixed is not None:
            counts = {g: counts.get(g, 0) for g in self.fixed}
        elif self.union:
            total = self.query(DEFAULT_COUNT)
            assert isinstance(total, ox.QuerySolutions)
            counts[""] = sum(_int(row[0]) for row in total)
        else:
            self.graphs = tuple(sorted(counts))
        return counts

    def _deadline(self) -> float:
        left = self.budget() if self.budget is not None else None
        limit = self.timeout if left is None else min(self.timeout, max(left, 0.01))
        return time.monotonic() + limit

    def _params(self, query: str, options: Mapping[str, Any]) -> tuple[list[tuple[str, str]], int]:
        """The form to POST, and how many characters the prologue adds to line 1."""
        unknown = set(options) - {
            "base_iri", "prefixes", "use_default_graph_as_union",
            "default_graph", "named_graphs", "substitutions",
        }  # fmt: skip
        if unknown or options.get("substitutions"):
            raise ValueError(f"a remote store does not take {sorted(unknown) or 'substitutions'}")
        prologue = _prologue(query, options.get("base_iri"), options.get("prefixes") or {})
        form = [("query", prologue + query)]
        default, named = options.get("default_graph"), options.get("named_graphs")
        form += [("default-graph-uri", g) for g in _names(default)]
        form += [("named-graph-uri", g) for g in _names(named)]
        if options.get("use_default_graph_as_union") and default is None and named is None:
            if self.graphs is None and not self.union:
                self.fingerprint()
            for graph in () if self.union else self.graphs or ():
                form += [("default-graph-uri", graph), ("named-graph-uri", graph)]
        return form, len(prologue)

    @contextmanager
    def _send(
        self, query: str, options: Mapping[str, Any], deadline: float, *, client_query: bool
    ) -> Iterator[tuple[_Body, str]]:
        form, shift = self._params(query, options)
        left = max(deadline - time.monotonic(), 0.01)
        timeout = httpx.Timeout(left, connect=min(left, 3.0))
        request = self.client().build_request("POST", self.url, data=_pairs(form), timeout=timeout)
        response = self._open(request)
        try:
            body = _Body(self.url, response, deadline, MAX_BODY)
            media = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if response.status_code != 200:
                detail = _detail(body)
                if response.status_code == 400 and client_query:
                    raise SyntaxError(
                        _LINE_ONE.sub(lambda m: m[1] + str(int(m[2]) - shift), detail)
                    )
                if response.status_code in (408, 504):
                    raise RemoteStoreTimeout(f"the triple store at {self.url} timed out: {detail}")
                raise RemoteStoreError(
                    f"the triple store at {self.url} answered {response.status_code}: {detail}"
                )
            if (
                ox.QueryResultsFormat.from_media_type(media) is None
                and ox.RdfFormat.from_media_type(media) is None
            ):
                raise RemoteStoreError(f"{self.url} answered with {media or 'no media type'}")
            yield body, media
        finally:
            response.close()

    def _open(self, request: httpx.Request) -> httpx.Response:
        """Send, once more if a kept-alive connection turned out dead (a restarted store)."""
        for attempt in (1, 2):
            try:
                return self.client().send(request, stream=True)
            except httpx.TimeoutException:
                raise RemoteStoreTimeout(f"the triple store at {self.url} was too slow") from None
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as err:
                if attempt == 2:
                    raise RemoteStoreError(
                        f"the triple store at {self.url} failed: {err}"
                    ) from None
            except httpx.HTTPError as err:
                raise RemoteStoreError(
                    f"cannot reach the triple store at {self.url}: {err}"
                ) from None
        raise AssertionError("unreachable")


def _pairs(form: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in form:
        out.setdefault(key, []).append(value)
    return out


def _prologue(query: str, base: str | None, prefixes: Mapping[str, str]) -> str:
    """BASE and the prefixes the caller gave that the query uses, on one leading line.

    The base comes from the request's Host header: checked as an IRI, so that no text
    can reach the query past the protocol's checks that way.
    """
    try:
        parts = [f"BASE {ox.NamedNode(base)}"] if base else []
        spelled = {name: str(ox.NamedNode(str(iri))) for name, iri in prefixes.items()}
    except ValueError as err:
        raise QueryError(f"not an IRI: {err} (the request's Host header?)") from None
    for name, iri in spelled.items():
        declared = re.search(rf"(?i)\bPREFIX\s+{re.escape(name)}:", query)
        if f"{name}:" in query and not declared:
            parts.append(f"PREFIX {name}: {iri}")
    return " ".join(parts) + " " if parts else ""


def _names(graphs: GraphName | Sequence[GraphName] | None) -> list[str]:
    if graphs is None:
        return []
    out = []
    for graph in graphs if isinstance(graphs, Sequence) else [graphs]:
        if isinstance(graph, ox.NamedNode):
            out.append(graph.value)
        elif not isinstance(graph, ox.DefaultGraph):
            raise ValueError("a remote store names graphs by IRI only")
    return out


def _detail(body: _Body) -> str:
    try:
        text = body.read(2000).decode("utf-8", "replace")
    except RemoteStoreError:
        text = ""
    return " ".join(text.split())[:300] or "(no message)"


def _int(term: object) -> int:
    return int(term.value) if isinstance(term, ox.Literal) else 0
