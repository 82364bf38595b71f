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

import contextlib
import ctypes
import http
import json
import multiprocessing
import os
import selectors
import socket
import ssl
import time
from datetime import datetime
from functools import partial
from typing import Any

from gunicorn import util
from gunicorn.glogging import Logger
from gunicorn.http import errors, get_parser
from gunicorn.http.wsgi import Response, default_environ
from gunicorn.http2 import negotiation
from gunicorn.workers.gthread import ThreadWorker

from fdigraph.headers import EXPOSED

SLOTS_PER_WORKER = 4  # room for replacements of workers that died without clearing
# One header line and the number of them (gunicorn's limit_request_field_size and
# limit_request_fields, set by fdigraph.server); past either, 431.
HEADER_LINE_BYTES = 8190
HEADER_LINES = 100
REQUEST_LINE_BYTES = 1024 * 1024  # gunicorn's cap with limit_request_line = 0
HEADER_TIMEOUT = 10.0  # seconds for a request's headers (FDIGRAPH_HEADER_TIMEOUT), then 408
RECHECK_SECONDS = 0.01  # how soon a worker held back by fairness looks again
STOP_LINGER = 2.0  # a stopping worker's wait for headers being sent (gthread's own linger)


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
    """A gthread worker that accepts only while it holds no more connections than any other,
    and hands a connection to a request thread only once the request's headers are in.

    gthread reads a request's headers in a pool thread, blocking, with no time limit: a
    client sending them a byte a second held a thread for as long as it liked, so four
    such connections stopped both workers (two threads each) and forty stopped the server.
    A socket timeout would not have helped: a trickle resets it with every byte, and even
    a deadline of N seconds still gives each slow client a whole thread for N seconds.
    Waiting for the socket to be readable (gthread does, for a connection's first byte)
    does not either: one byte makes it readable. So here the headers are read in the
    worker's event loop, without blocking, into a buffer per connection; only a complete
    header block (or one already past gunicorn's limits, which the parser refuses at once)
    goes to a thread, with the bytes handed to the parser. A connection whose headers are
    not complete within HEADER_TIMEOUT seconds of its first byte (of its accept, for a new
    one) is answered 408 and closed. A body of known length (Content-Length, within the
    app's MAX_CONTENT_LENGTH) is waited for the same way, with as long again once the
    headers are in; a chunked body, or one after ``Expect: 100-continue``, is still read
    in the thread, as gthread does. Slow clients then cost a buffer and a timer each,
    never a thread.
    """

    slot = -1

    def init_process(self) -> None:
        if BOARD is not None:
            self.slot = BOARD.claim(os.getpid())
        self.heads: dict[Any, None] = {}  # connections reading headers, oldest first
        super().init_process()

    @property
    def header_timeout(self) -> float:
        config = getattr(getattr(self, "wsgi", None), "config", {})
        return float(config.get("HEADER_TIMEOUT", HEADER_TIMEOUT))

    def enqueue_req(self, conn: Any) -> None:
        """To a thread if the request's headers are in, else wait for them in the loop."""
        if getattr(conn, "fdigraph_head_in", False):
            conn.fdigraph_head_in = False
            super().enqueue_req(conn)
            return
        if conn.parser is None and (
            self.cfg.is_ssl or negotiation.prior_knowledge_allowed(self.cfg, conn.client)
        ):
            super().enqueue_req(conn)  # TLS or an HTTP/2 preface: gthread's own way
            return
        # kept-alive, or pipelined: what the parser read ahead is the start of the head
        conn.fdigraph_head = bytearray(conn.parser.unreader.take_buffered() if conn.parser else b"")
        conn.fdigraph_need = None  # bytes of the whole request, once its headers are in
        conn.fdigraph_deadline = time.monotonic() + self.header_timeout
        if self._ready(conn):
            self._hand_over(conn)
            return
        conn.sock.setblocking(False)
        self.heads[conn] = None
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._read_head, conn))

    def _read_head(self, conn: Any, _sock: Any) -> None:
        try:
            data = conn.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:  # the client went away
            self._drop(conn)
            return
        conn.fdigraph_head += data
        if self._ready(conn):
            self.poller.unregister(conn.sock)
            del self.heads[conn]
            self._hand_over(conn)

    def _ready(self, conn: Any) -> bool:
        """Whether the request is in (headers, and a body of known length), or refusable."""
        head = conn.fdigraph_head
        if conn.fdigraph_need is None:
            end = self._head_end(head)
            if end == 0:
                return True
            if end < 0:
                return False
            conn.fdigraph_need = end + self._body_length(head[:end])
            if conn.fdigraph_need > end:  # the body has as long again
                conn.fdigraph_deadline = time.monotonic() + self.header_timeout
        need: int = conn.fdigraph_need
        return len(head) >= need

    def _head_end(self, head: bytearray) -> int:
        """Where the headers end; -1 if not yet, 0 if the parser can refuse them already."""
        start = len(head) - len(head.lstrip(b"\r\n"))  # empty lines before a request
        ends = [i + len(s) for s in (b"\r\n\r\n", b"\n\n") if (i := head.find(s, start)) >= 0]
        if ends:
            return min(ends)
        lines = head.count(b"\n", start)
        line = self.cfg.limit_request_line or REQUEST_LINE_BYTES
        if lines:
            line = self.cfg.limit_request_field_size
        # past a limit the parser answers 431 or 414 without waiting for the rest
        over = (
            len(head) - (head.rfind(b"\n") + 1) > line + 2
            or lines > self.cfg.limit_request_fields + 1
        )
        return 0 if over else -1

    def _body_length(self, head: bytearray) -> int:
        """The body's Content-Length, when it is one the app accepts; else 0 (the thread
        reads the body, as gthread does: chunked, Expect: 100-continue, too long, odd)."""
        length = None
        for line in bytes(head).split(b"\n")[1:]:
            name, colon, value = line.partition(b":")
            name = name.strip().lower()
            if not colon:
                continue
            if name in (b"transfer-encoding", b"expect"):
                return 0
            if name == b"content-length":
                if length is not None or not value.strip().isdigit():
                    return 0
                length = int(value.strip())
        config = getattr(getattr(self, "wsgi", None), "config", {})
        limit = int(config.get("MAX_CONTENT_LENGTH") or 0)
        return length if length is not None and length <= limit else 0

    def _hand_over(self, conn: Any) -> None:
        if conn.parser is None:  # what TConn.init does for plain HTTP/1
            conn.parser = get_parser(self.cfg, conn.sock, conn.client)
            conn.initialized = True
        conn.parser.unreader.unread(bytes(conn.fdigraph_head))
        conn.fdigraph_head = bytearray()
        conn.fdigraph_head_in = True
        self.enqueue_req(conn)

    def _drop(self, conn: Any, answer: bytes = b"") -> None:
        with contextlib.suppress(OSError, KeyError, ValueError):
            self.poller.unregister(conn.sock)
        self.heads.pop(conn, None)
        self.nr_conns -= 1
        with contextlib.suppress(OSError):
            if answer:
                conn.sock.send(answer)  # small: the socket's buffer takes it whole
                conn.sock.shutdown(socket.SHUT_WR)
        conn.close()

    def _drop_slow(self) -> None:
        """408 (and close) for each connection whose request is not in by its deadline."""
        now = time.monotonic()
        if not self.alive:  # stopping: a head being sent has STOP_LINGER seconds more
            for conn in self.heads:
                conn.fdigraph_deadline = min(conn.fdigraph_deadline, now + STOP_LINGER)
        for conn in [c for c in self.heads if c.fdigraph_deadline <= now]:
            if not conn.fdigraph_head:  # sent nothing: closed, as an idle keep-alive is
                self._drop(conn)
                continue
            self.log.warning(
                "Request timeout from ip=%s: no complete request in %g s",
                (conn.client or ("",))[0],
                self.header_timeout,
            )
            cors = getattr(getattr(self, "wsgi", None), "config", {}).get("CORS_ORIGINS", "*")
            message = (
                f"the request did not arrive in time: its headers (and then a body) have "
                f"{self.header_timeout:g} s each"
            )
            head, body = error_answer(408, "request_timeout", message, str(cors), None)
            self._drop(conn, head + body)

    def accept(self, listener: Any) -> None:
        super().accept(listener)
        if BOARD is not None:
            BOARD.publish(self.slot, self.nr_conns)

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        # The run loop compares nr_conns with worker_connections before each wait, but
        # only after the wait: a worker that had become fair again waited out the whole
        # second of select() before accepting, and a burst of connections (forty slow
        # clients) then took ten seconds to be accepted, the queue behind them too. So
        # accepting follows fairness at once here, and a worker held back by it looks
        # again soon (it is no longer woken by the listening socket).
        if BOARD is not None and self.slot >= 0:
            BOARD.publish(self.slot, self.nr_conns)
            fair = self.nr_conns <= BOARD.fewest(self.slot)
            self.worker_connections = self.cfg.worker_connections if fair else self.nr_conns
            if self.alive:
                self.set_accept_enabled(self.nr_conns < self.worker_connections)
            if not fair:
                timeout = min(timeout, RECHECK_SECONDS)
        if self.heads:  # wake for the first deadline
            first = min(c.fdigraph_deadline for c in self.heads) - time.monotonic()
            timeout = min(timeout, max(first, 0.0))
        super().wait_for_and_dispatch_events(timeout)
        self._drop_slow()

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
