"""The exception hierarchy: every error fdigraph raises on purpose is a FdigraphError.

Each class carries the HTTP status a web layer should answer with, so the mapping from
domain errors to responses lives in one handler instead of in every view.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where in an input the problem is: a file with an optional line and column."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        out = self.file
        if self.line is not None:
            out += f":{self.line}"
            if self.column is not None:
                out += f":{self.column}"
        return out


class FdigraphError(Exception):
    """Base class of every error fdigraph raises deliberately."""

    status = 500
    code = "internal_error"

    def __init__(self, message: str, *, where: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class ConfigError(FdigraphError):
    """A setting has a value that cannot be used."""

    code = "config_error"


class FactError(FdigraphError):
    """A curated fact file is malformed or contradicts its source text."""

    status = 400
    code = "fact_error"


class FigureError(FdigraphError):
    """A Vietnamese number, amount or period could not be read."""

    status = 400
    code = "figure_error"


class MappingError(FdigraphError):
    """Facts could not be turned into triples."""

    code = "mapping_error"


class ValidationError(FdigraphError):
    """The graph does not conform to the SHACL shapes."""

    status = 500
    code = "validation_error"


class StoreError(FdigraphError):
    """The on-disk store is missing, locked or unreadable."""

    status = 503
    code = "store_unavailable"


class QueryError(FdigraphError):
    """A client's query or request is not acceptable; always the client's mistake."""

    status = 400
    code = "bad_request"


class UnknownQuery(FdigraphError):
    """No saved query has that name."""

    status = 404
    code = "not_found"


class QueryParamError(QueryError):
    """A saved-query parameter is missing, unknown or of the wrong type."""

    code = "bad_parameter"


class QueryRefused(QueryError):
    """A query asks for something this endpoint never does (SERVICE, an update)."""

    code = "query_refused"


class LimitExceeded(QueryError):
    """A query is longer or nested deeper than the settings allow."""

    code = "limit_exceeded"


class ReadOnly(FdigraphError):
    """An update was sent to a read-only endpoint."""

    status = 403
    code = "read_only"


class MethodNotAllowed(FdigraphError):
    """The route exists but not for this HTTP method."""

    status = 405
    code = "method_not_allowed"


class NotAcceptable(FdigraphError):
    """No format the client accepts can carry this kind of result."""

    status = 406
    code = "not_acceptable"


class PayloadTooLarge(FdigraphError):
    """The request body is larger than MAX_REQUEST_BYTES."""

    status = 413
    code = "payload_too_large"


class MalformedRequest(FdigraphError):
    """The request is not valid HTTP (a chunked body whose framing is broken)."""

    status = 400
    code = "bad_request"


class UnsupportedMediaType(FdigraphError):
    """The request body has a content type the endpoint does not read."""

    status = 415
    code = "unsupported_media_type"


class QueryStopped(FdigraphError):
    """A query was stopped by one of the server's limits; ``retry_after`` when worth retrying."""

    status = 503
    code = "query_stopped"

    def __init__(self, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class QueryTimeout(QueryStopped):
    """A query ran past QUERY_TIMEOUT and was stopped."""

    code = "query_timeout"


class QueryMemoryLimit(QueryStopped):
    """The queries of a worker took more than MAX_QUERY_MEMORY and were stopped."""

    code = "memory_limit"


class Overloaded(QueryStopped):
    """Every slot of a worker is busy with long queries, or the worker is restarting."""

    code = "overloaded"


class ServiceFailed(FdigraphError):
    """A SERVICE call to an allowed endpoint failed or sent what cannot be read."""

    status = 502
    code = "service_failed"


class RemoteStoreError(FdigraphError):
    """The remote triple store being served is down, refused, or answered garbage."""

    status = 502
    code = "bad_gateway"


class RemoteStoreTimeout(RemoteStoreError):
    """The remote triple store did not answer within the time limit."""

    status = 504
    code = "gateway_timeout"
