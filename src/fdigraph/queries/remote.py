"""A small SPARQL 1.1 protocol client, so saved queries run against any endpoint."""

from __future__ import annotations

import io
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from rdflib import Graph
from rdflib.query import Result

from fdigraph import __version__, formats
from fdigraph.errors import FdigraphError

RESULTS_ACCEPT = formats.accept_header(("json", 1))
GRAPH_ACCEPT = formats.accept_header(("ntriples", 1), ("turtle", 0.9))
# The graph formats rdflib reads an answer in (Turtle when the type is none of them).
READABLE = tuple(f for f in formats.SAVED if not f.tabular)


class RemoteEndpointError(FdigraphError):
    """A remote SPARQL endpoint could not be reached or refused the query."""

    status = 502
    code = "bad_gateway"


@dataclass(frozen=True)
class Endpoint:
    """A remote SPARQL endpoint reached over HTTP(S) with the query in a POST form."""

    url: str
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if urllib.parse.urlsplit(self.url).scheme not in {"http", "https"}:
            raise RemoteEndpointError(f"not an http(s) endpoint URL: {self.url!r}")

    def query(self, text: str, form: str) -> Result:
        """Send ``text``; parse the answer into an rdflib Result of the query's form."""
        graph_form = form in {"CONSTRUCT", "DESCRIBE"}
        accept = GRAPH_ACCEPT if graph_form else RESULTS_ACCEPT
        request = urllib.request.Request(
            self.url,
            data=urllib.parse.urlencode({"query": text}).encode("utf-8"),
            headers={
                "Accept": accept,
                "Content-Type": "application/x-www-form-urlencoded",
                "User-Agent": f"fdigraph/{__version__}",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read()
                media = response.headers.get_content_type()
        except urllib.error.HTTPError as err:
            detail = err.read(500).decode("utf-8", "replace").strip()
            raise RemoteEndpointError(f"{self.url} answered {err.code}: {detail}") from None
        except (urllib.error.URLError, OSError) as err:
            raise RemoteEndpointError(f"cannot reach {self.url}: {err}") from None
        try:
            if graph_form:
                result = Result("CONSTRUCT")
                fmt = formats.by_media_type(media, READABLE) or formats.BY_NAME["turtle"]
                result.graph = Graph().parse(data=body, format=fmt.rdflib)
                return result
            return Result.parse(io.BytesIO(body), format="json")
        except Exception as err:  # a parser's own error types vary by format
            raise RemoteEndpointError(
                f"{self.url} sent an unreadable {media} answer: {err}"
            ) from None
