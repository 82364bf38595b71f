"""The warm path: whole responses kept per worker, keyed by the raw request.

The build a server holds never changes, so a response is a pure function of the
request: its method, URL, body and the headers negotiation reads, each keyed as the
WSGI environ holds it, which is what Werkzeug reads (a header sent twice is both copies
joined, there and here; never the first copy alone). A hit is answered
here, in front of Flask, with the bytes (already gzipped if they were) and the ETag
made the first time; a matching ``If-None-Match`` gets a 304.

A view declares that its answer is a pure function of the request with :func:`keep`;
this cache then keeps it (on the paths it watches), and so does the nginx cache front
(:mod:`fdigraph.front`) on every path.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from flask import request

from fdigraph.web.body import REFUSED
from fdigraph.web.engine import LRU

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
CACHEABLE = "fdigraph.cacheable"  # set in the environ by a view whose 200 may be kept
MAX_BODY = 65536  # POST bodies read here to form a key; longer ones go straight through
_NOT_IN_304 = {"content-type", "content-length", "content-encoding"}


def keep() -> None:
    """In a view: this answer depends on the request and the build only, so it may be kept."""
    request.environ[CACHEABLE] = True


class ResponseCache:
    """WSGI middleware answering repeated requests to ``paths`` from an LRU."""

    def __init__(self, app: WSGIApp, lru: LRU, paths: frozenset[str]) -> None:
        self.app, self.lru, self.paths = app, lru, paths

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if (
            method not in ("GET", "POST")
            or environ.get("PATH_INFO") not in self.paths
            or REFUSED in environ  # the app answers it 413 or 400 (fdigraph.web.body)
        ):
            return self.app(environ, start_response)
        body = b""
        if method == "POST":
            try:
                length = int(environ.get("CONTENT_LENGTH") or -1)
            except ValueError:
                length = -1
            if not 0 <= length <= MAX_BODY:
                return self.app(environ, start_response)
            body = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = io.BytesIO(body)
        key = (
            method,
            environ.get("wsgi.url_scheme"),
            environ.get("HTTP_HOST"),
            environ.get("SCRIPT_NAME"),
            environ.get("PATH_INFO"),
            environ.get("QUERY_STRING"),
            environ.get("CONTENT_TYPE"),
            body,
            environ.get("HTTP_ACCEPT"),
            environ.get("HTTP_ACCEPT_ENCODING"),
            environ.get("HTTP_ORIGIN"),
        )
        hit = self.lru.get(key)
        if hit is not None:
            status, headers, payload, etag = hit
            match = environ.get("HTTP_IF_NONE_MATCH")
            if match and (etag in match or match.strip() == "*"):
                kept = [(k, v) for k, v in headers if k.lower() not in _NOT_IN_304]
                start_response("304 Not Modified", kept)
                return []
            start_response(status, headers)
            return [payload]
        captured: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured[:] = [status, headers]
            return start_response(status, headers, exc_info)

        out = self.app(environ, capture)
        if not environ.get(CACHEABLE) or not captured or not captured[0].startswith("200"):
            return out
        try:
            payload = b"".join(out)
        finally:
            close = getattr(out, "close", None)
            if close is not None:
                close()
        etag = next((v for k, v in captured[1] if k.lower() == "etag"), "")
        self.lru.put(key, (captured[0], list(captured[1]), payload, etag), len(payload) + 512)
        return [payload]
