"""The request body, read whole and checked against the size limit before the app runs.

gunicorn hands a chunked body (``Transfer-Encoding: chunked``) to the app as a stream
of unknown length, and Werkzeug then caps it at MAX_CONTENT_LENGTH by cutting it: a
chunked body over the limit was read up to the limit and answered as if that were all
of it. Here a chunked body is read up to one byte past the limit, and the app sees it
as if it had come with a ``Content-Length``; over the limit (by either framing) or with
broken chunks, the request is marked, and the app answers 413 or 400 in its error shape
before any view runs (:func:`fdigraph.web.errors.register`). A body is never read
further than one byte past the limit; gunicorn drains a little of what is left, then
closes the connection.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from gunicorn.http.errors import ParseException

from fdigraph.errors import FdigraphError, MalformedRequest, PayloadTooLarge

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
REFUSED = "fdigraph.body_refused"  # environ: the error the app must answer with
_READ = 65536


def too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"the request body is larger than {limit} bytes")


class WholeBody:
    """WSGI middleware: a chunked body read whole (at most ``limit`` bytes), or refused."""

    def __init__(self, app: WSGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        refusal = self.check(environ)
        if refusal is not None:
            environ[REFUSED] = refusal
        return self.app(environ, start_response)

    def check(self, environ: dict[str, Any]) -> FdigraphError | None:
        """Why the body must be refused, or None (a chunked body is then buffered)."""
        codings = environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if "chunked" not in codings:
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return MalformedRequest("the Content-Length is not a number")
            return too_large(self.limit) if length > self.limit else None
        stream = environ["wsgi.input"]
        parts: list[bytes] = []
        got = 0
        try:
            while got <= self.limit:
                part = stream.read(min(_READ, self.limit + 1 - got))
                if not part:
                    break
                parts.append(part)
                got += len(part)
        except ParseException as err:
            environ["wsgi.input"] = io.BytesIO(b"")
            return MalformedRequest(f"the chunked request body is malformed: {err}"[:300])
        if got > self.limit:
            environ["wsgi.input"] = io.BytesIO(b"")
            return too_large(self.limit)
        environ["wsgi.input"] = io.BytesIO(b"".join(parts))
        environ["CONTENT_LENGTH"] = str(got)
        del environ["HTTP_TRANSFER_ENCODING"]
        return None
