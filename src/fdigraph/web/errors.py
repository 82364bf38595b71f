"""Every error as one JSON shape, mapped from the exception's class in one place.

``{"ok": false, "status": 400, "code": "bad_request", "error": "..."}``, plus
``line`` and ``column`` when the error points into the query. A client's mistake
is a 4xx with a message; anything else is logged and answered 500.
"""

from __future__ import annotations

import json

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException

from fdigraph.errors import FdigraphError, QueryStopped
from fdigraph.web.body import REFUSED

POISONED = "fdigraph.poisoned"  # environ key: this worker must stop after answering

_CODES = {
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


def error_response(
    status: int, code: str, message: str, extra: dict[str, object] | None = None
) -> Response:
    body = {"ok": False, "status": status, "code": code, "error": message, **(extra or {})}
    return Response(
        json.dumps(body, ensure_ascii=False) + "\n",
        status=status,
        content_type="application/json; charset=utf-8",
    )


def _domain(err: FdigraphError) -> Response:
    extra: dict[str, object] = {}
    if err.where is not None and err.where.line is not None:
        extra = {"line": err.where.line, "column": err.where.column}
    retry_after = None
    if isinstance(err, QueryStopped):
        # The evaluation may still be running in its helper thread: only the end of the
        # worker process stops it (fdigraph.server retires the worker after this answer).
        request.environ[POISONED] = True
        retry_after = err.retry_after
    if err.status >= 500 and err.status != 503:
        current_app.logger.error("%s: %s", type(err).__name__, err)
    response = error_response(err.status, err.code, err.message, extra)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _http(err: HTTPException) -> Response:
    status = err.code or 500
    code = _CODES.get(status, "bad_request" if status < 500 else "internal_error")
    message = err.description or err.name
    if status == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        message = f"the request body is larger than {limit} bytes"
    response = error_response(status, code, message)
    for name, value in err.get_headers():
        if name.lower() == "allow":
            response.headers["Allow"] = value
    return response


def _unexpected(err: Exception) -> Response:
    current_app.logger.exception("unexpected error: %s", err)
    return error_response(500, "internal_error", "internal error (a bug); it has been logged")


def _refused_body() -> None:
    """A body over the limit or with broken framing (:mod:`fdigraph.web.body`): before any view."""
    refusal = request.environ.get(REFUSED)
    if refusal is not None:
        raise refusal


def register(app: Flask) -> None:
    app.before_request(_refused_body)
    app.register_error_handler(FdigraphError, _domain)
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(Exception, _unexpected)
