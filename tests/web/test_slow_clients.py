"""Slow clients (slowloris) against a real `fdigraph serve` on TCP, with and without nginx.

Each slow connection trickles a request's headers one byte every half second and never
finishes them; meanwhile a normal client's requests must all be answered, quickly. A
client that has not sent its headers within FDIGRAPH_HEADER_TIMEOUT is dropped: answered
408 by gunicorn, closed by nginx (its client_header_timeout).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
from tests.serving import Served, serving
from tests.web.conftest import needs_nginx
from tests.web.test_limits_http import Answer, exchange, refused

pytestmark = pytest.mark.e2e
FRONTS = [pytest.param("none"), pytest.param("nginx", marks=needs_nginx)]
SLOW = 40  # connections
TRICKLE = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: abc"  # 40 bytes, never finished
BYTES = 30  # each slow connection sends at most this many, one every STEP seconds
STEP = 0.5
FAST = 2.0  # seconds: the most a normal request may take meanwhile


def address(served: Served) -> tuple[str, int]:
    host, port = urllib.parse.urlsplit(served.url).netloc.split(":")
    return host, int(port)


class Slowloris:
    """``SLOW`` connections, each sending ``start`` at once and then one byte of ``TRICKLE``
    every ``STEP`` seconds."""

    def __init__(
        self, served: Served, slow: int = SLOW, start: bytes = b"", trickle: bytes = TRICKLE
    ) -> None:
        self.socks = [socket.create_connection(address(served), timeout=5) for _ in range(slow)]
        for sock in self.socks:
            sock.sendall(start)
        self.trickle = trickle
        self.answers: list[bytes] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        for i in range(BYTES):
            if self.stop.wait(STEP):  # after the start has been answered
                return
            for sock in list(self.socks):
                try:
                    sock.send(self.trickle[i : i + 1])
                except OSError:  # dropped by the server: read what it said
                    self.socks.remove(sock)
                    self.answers.append(_read(sock))
                    sock.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        for sock in self.socks:
            sock.close()


def _read(sock: socket.socket) -> bytes:
    with contextlib.suppress(OSError):
        sock.settimeout(1)
        return sock.recv(65536)
    return b""


def timed_health(served: Served) -> float:
    started = time.monotonic()
    request = b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    answer = exchange(served, request)
    took = time.monotonic() - started
    assert answer.status == 200 and answer.json()["ok"] is True, answer
    return took


@pytest.mark.parametrize("mode", FRONTS)
def test_slow_clients_do_not_stop_the_others(store: Path, tmp_path: Path, mode: str) -> None:
    args = ("--workers", "2", "--front", mode)
    with serving(store, tmp_path / "server.log", *args) as served:
        attack = Slowloris(served)
        try:
            times = []
            deadline = time.monotonic() + BYTES * STEP - 1
            time.sleep(1)  # every slow connection has been accepted and has begun
            while time.monotonic() < deadline:
                times.append(timed_health(served))
                time.sleep(0.25)
        finally:
            attack.close()
        assert len(times) > 20 and max(times) < FAST, times
        assert timed_health(served) < FAST


HEALTH = b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
POST = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
# (what each connection sends at once, what it then trickles)
KINDS = {
    # its next request on a kept-alive connection, after a first one
    "keep-alive": (HEALTH, TRICKLE),
    # a request and the start of the next in one go: the rest is read ahead by the parser
    "pipelined": (HEALTH + TRICKLE[:5], TRICKLE[5:]),
    # the headers, then a body of known length a byte at a time
    "body": (POST + b"Content-Length: 40\r\n\r\n", b"ASK { ?s ?p ?o }" + b" " * 24),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_slow_requests_of_every_kind_leave_the_threads_free(
    store: Path, tmp_path: Path, kind: str
) -> None:
    start, trickle = KINDS[kind]
    with serving(store, tmp_path / "server.log", "--workers", "2", "--front", "none") as served:
        attack = Slowloris(served, 12, start, trickle)
        try:
            times = []
            deadline = time.monotonic() + 6
            time.sleep(1)
            while time.monotonic() < deadline:
                times.append(timed_health(served))
                time.sleep(0.25)
        finally:
            attack.close()
        assert len(times) > 10 and max(times) < FAST, times


def read_until_closed(sock: socket.socket, seconds: float) -> tuple[bytes, bool]:
    """All the server sends within ``seconds``, and whether it then closed."""
    raw, deadline = b"", time.monotonic() + seconds
    with contextlib.suppress(ConnectionResetError):
        while (left := deadline - time.monotonic()) > 0:
            sock.settimeout(left)
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                return raw, False
            if not chunk:
                return raw, True
            raw += chunk
    return raw, True


@pytest.mark.parametrize("mode", FRONTS)
def test_headers_not_sent_in_time_are_a_408(store: Path, tmp_path: Path, mode: str) -> None:
    settings = {"FDIGRAPH_HEADER_TIMEOUT": "2"}
    args = ("--workers", "1", "--front", mode)
    with serving(store, tmp_path / "server.log", *args, settings=settings) as served:
        with socket.create_connection(address(served), timeout=5) as sock:
            started = time.monotonic()
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
            raw, closed = read_until_closed(sock, 6)
            took = time.monotonic() - started
        assert closed and 1.5 < took < 4, (took, raw)
        if mode == "none":
            refused(Answer(raw), 408, "request_timeout")
        else:  # nginx closes a connection past client_header_timeout without a word
            assert raw == b""
        # a client that sends nothing at all is dropped too
        with socket.create_connection(address(served), timeout=5) as sock:
            started = time.monotonic()
            raw, closed = read_until_closed(sock, 6)
            assert closed and time.monotonic() - started < 4, raw
        assert timed_health(served) < FAST
