"""gunicorn parts for ``fdigraph serve``: a worker that shares the load, a cheap access log.

gthread workers keep the keep-alive connections they accept, and all of them poll one
listening socket, so one worker often wins every connection of a burst while the other
idles: eight clients then get one core of two (measured in bench/RESULTS.md). Here each
worker publishes how many connections it holds on a small shared board, and accepts a
new one only while no live worker holds fewer. The access log writes one short line per
request with the time it took, without gunicorn's per-request table of every header.
What gunicorn answers itself, a request it cannot parse (a header over its limits, a
broken request line, an unknown transfer coding), is answered in the app's JSON error
shape with CORS, as every answer of the app is (gunicorn's own are HTML pages).
"""

from __future__ import annotations

import ctypes
import http
import json
import multiprocessing
import os
import ssl
from datetime import datetime
from typing import Any

from gunicorn import util
from gunicorn.glogging import Logger
from gunicorn.http import errors
from gunicorn.http.wsgi import Response, default_environ
from gunicorn.workers.gthread import ThreadWorker

from fdigraph.front import EXPOSED

SLOTS_PER_WORKER = 4  # room for replacements of workers that died without clearing
# One header line and the number of them (gunicorn's limit_request_field_size and
# limit_request_fields, set by fdigraph.server); past either, 431.
HEADER_LINE_BYTES = 8190
HEADER_LINES = 100
REQUEST_LINE_BYTES = 1024 * 1024  # gunicorn's cap with limit_request_line = 0


class Board:
    """Connections held per worker process, in memory shared across the fork."""

    def __init__(self, workers: int) -> None:
        size = max(1, workers) * SLOTS_PER_WORKER
        self.lock = multiprocessing.get_context("fork").Lock()
        self.pids = multiprocessing.RawArray(ctypes.c_long, size)
        self.conns = multiprocessing.RawArray(ctypes.c_long, size)

    def claim(self, pid: int) -> int:
        """A free slot for ``pid`` (one whose process is gone counts as free)."""
        with self.lock:
            for slot, owner in enumerate(self.pids):
                if owner == 0 or not _alive(owner):
                    self.pids[slot], self.conns[slot] = pid, 0
                    return slot
        return -1  # more workers than slots: this one simply does not balance

    def release(self, slot: int) -> None:
        if slot >= 0:
            self.pids[slot], self.conns[slot] = 0, 0

    def publish(self, slot: int, conns: int) -> None:
        if slot >= 0:
            self.conns[slot] = conns

    def fewest(self, slot: int) -> int:
        """The fewest connections any other live worker holds (a large number if none)."""
        best = 1 << 30
        for other, owner in enumerate(self.pids):
            if other != slot and owner and self.conns[other] < best and _alive(owner):
                best = self.conns[other]
        return best


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


BOARD: Board | None = None


def on_starting(server: Any) -> None:
    """In the arbiter, before any fork: make the board the workers share."""
    global BOARD
    BOARD = Board(int(server.cfg.workers))


class BalancedWorker(ThreadWorker):  # type: ignore[misc]
    """A gthread worker that accepts only while it holds no more connections than any other."""

    slot = -1

    def init_process(self) -> None:
        if BOARD is not None:
            self.slot = BOARD.claim(os.getpid())
        super().init_process()

    def accept(self, listener: Any) -> None:
        super().accept(listener)
        if BOARD is not None:
            BOARD.publish(self.slot, self.nr_conns)

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        # The run loop compares nr_conns with worker_connections before each wait.
        if BOARD is not None and self.slot >= 0:
            BOARD.publish(self.slot, self.nr_conns)
            fair = self.nr_conns <= BOARD.fewest(self.slot)
            self.worker_connections = self.cfg.worker_connections if fair else self.nr_conns
        super().wait_for_and_dispatch_events(timeout)

    def handle_exit(self, sig: Any, frame: Any) -> None:
        if BOARD is not None:
            BOARD.release(self.slot)
        super().handle_exit(sig, frame)

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        """gunicorn's own answer to a request it could not parse or serve, in JSON."""
        started = datetime.now()
        addr = addr or ("", -1)  # a Unix socket (behind nginx)
        req = req or getattr(exc, "req", None)
        status, code, message = own_error(exc, self.cfg)
        if status < 500:
            self.log.warning("Invalid request from ip=%s: %s", addr[0], exc)
        else:
            uri = getattr(req, "uri", None)
            self.log.exception("Error handling request %s", uri or "(no URI read)")
        origin = next((v for k, v in getattr(req, "headers", ()) if k == "ORIGIN"), None)
        cors = getattr(getattr(self, "wsgi", None), "config", {}).get("CORS_ORIGINS", "*")
        head, body = error_answer(status, code, message, str(cors), origin)
        if req is not None and getattr(req, "method", None):
            environ = default_environ(req, client, self.cfg)
            environ["REMOTE_ADDR"], environ["REMOTE_PORT"] = addr[0], str(addr[1])
            resp = Response(req, client, self.cfg)
            resp.status = f"{status} {http.HTTPStatus(status).phrase}"
            resp.response_length = resp.sent = len(body)
            self.log.access(resp, req, environ, datetime.now() - started)
        try:
            util.write_nonblock(client, head + body)
        except Exception:
            self.log.debug("Failed to send error message.")


def own_error(exc: BaseException, cfg: Any) -> tuple[int, str, str]:
    """Status, code and message for what gunicorn refuses (its own table: base.Worker)."""
    detail = str(exc)[:200]
    if isinstance(exc, errors.LimitRequestHeaders):
        return (
            431,
            "header_too_large",
            f"the request's headers are too large: at most {cfg.limit_request_fields} "
            f"header lines of {cfg.limit_request_field_size} bytes each",
        )
    if isinstance(exc, errors.LimitRequestLine):
        line = cfg.limit_request_line or REQUEST_LINE_BYTES
        return (
            414,
            "bad_request",
            f"the request line is longer than {line} bytes; send the query by POST",
        )
    if isinstance(exc, errors.UnsupportedTransferCoding):
        return 501, "not_implemented", f"{detail}; send chunked or a Content-Length"
    if isinstance(exc, errors.ExpectationFailed):
        return 417, "bad_request", detail
    if isinstance(exc, (errors.ForbiddenProxyRequest, ssl.SSLError)):
        return 403, "forbidden", "request forbidden"
    if isinstance(
        exc,
        (
            errors.InvalidResponseHeader,
            errors.InvalidResponseHeaderName,
            errors.ConfigurationProblem,
        ),
    ):
        return 500, "internal_error", "internal error (a bug); it has been logged"
    if isinstance(exc, errors.ParseException):
        return 400, "bad_request", f"the request is not valid HTTP: {detail}"
    return 500, "internal_error", "internal error (a bug); it has been logged"


def error_answer(
    status: int, code: str, message: str, cors: str, origin: str | None
) -> tuple[bytes, bytes]:
    """The head and body of an error answer, with CORS as the app sets it."""
    shape = {"ok": False, "status": status, "code": code, "error": message}
    body = (json.dumps(shape, ensure_ascii=False) + "\n").encode()
    lines = [
        f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}",
        "Connection: close",
        "Content-Type: application/json; charset=utf-8",
        f"Content-Length: {len(body)}",
    ]
    origins = cors.split()
    if "*" in origins:
        lines.append("Access-Control-Allow-Origin: *")
    else:
        lines.append("Vary: Origin")
        if origin is None and len(origins) == 1:
            # gunicorn gives no header of a request it could not parse; the one origin
            # allowed is the only one a browser could accept anyway
            origin = origins[0]
        if origin is not None and origin in origins:
            lines.append(f"Access-Control-Allow-Origin: {origin}")
    lines.append(f"Access-Control-Expose-Headers: {EXPOSED}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"), body


class AccessLogger(Logger):  # type: ignore[misc]
    """``host "request line" status bytes 12.3ms``: one line per request, cheaply."""

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        ms = request_time.seconds * 1000 + request_time.microseconds / 1000
        status = str(resp.status).split(None, 1)[0]
        sent = getattr(resp, "sent", None)
        self.access_log.info(
            '%s "%s %s %s" %s %s %.1fms',
            environ.get("REMOTE_ADDR", "-"),
            environ["REQUEST_METHOD"],
            environ.get("RAW_URI", environ.get("PATH_INFO", "")),
            environ.get("SERVER_PROTOCOL", "-"),
            status,
            "-" if sent is None else sent,
            ms,
        )
