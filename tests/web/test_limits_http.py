"""HTTP a client gets wrong, sent over a raw socket to a real `fdigraph serve`.

Every answer is the app's JSON error shape with CORS, whoever gives it (the app,
gunicorn's parser, nginx), and a body over FDIGRAPH_MAX_REQUEST_BYTES is a 413 however
it is framed. Each exchange is bounded by a socket timeout of a few seconds.
"""

from __future__ import annotations

import contextlib
import json
import socket
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.serving import Served, serving
from tests.web.conftest import needs_nginx

pytestmark = pytest.mark.e2e
FRONTS = [pytest.param("none"), pytest.param("nginx", marks=needs_nginx)]
LIMIT = 100_000  # FDIGRAPH_MAX_REQUEST_BYTES for these servers
TIMEOUT = 5.0  # seconds, for each socket operation


@pytest.fixture(scope="module", params=FRONTS)
def server(
    request: pytest.FixtureRequest, store: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    log = tmp_path_factory.mktemp("http-log") / "server.log"
    args = ("--workers", "1", "--timeout", "8", "--front", request.param)
    with serving(store, log, *args, settings={"FDIGRAPH_MAX_REQUEST_BYTES": str(LIMIT)}) as s:
        yield s


class Answer:
    """One HTTP response read off a socket: status, headers (lower-case names), body."""

    def __init__(self, raw: bytes) -> None:
        head, _, self.body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        self.status_line = lines[0]
        self.status = int(lines[0].split()[1]) if len(lines[0].split()) > 1 else 0
        self.headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()

    def json(self) -> dict[str, object]:
        found: dict[str, object] = json.loads(self.body)
        return found

    def __repr__(self) -> str:
        return f"{self.status_line!r} {self.headers} {self.body[:300]!r}"


def exchange(served: Served, request: bytes) -> Answer:
    """Send ``request`` on a fresh connection and read one answer (until the server closes
    or the announced Content-Length has come)."""
    host, port = urllib.parse.urlsplit(served.url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=TIMEOUT) as sock:
        # the server may answer and close before it has read everything: read that
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(request)
        raw = b""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            raw += chunk
            _, sep, body = raw.partition(b"\r\n\r\n")
            if sep:
                length = Answer(raw).headers.get("content-length")
                if length is not None and len(body) >= int(length):
                    break
    assert raw, "no answer"
    return Answer(raw)


def refused(answer: Answer, status: int, code: str) -> dict[str, object]:
    """The app's error shape, with CORS, for ``status``."""
    assert answer.status == status, answer
    assert answer.headers.get("content-type", "").startswith("application/json"), answer
    assert answer.headers.get("access-control-allow-origin") == "*", answer
    body = answer.json()
    assert body["ok"] is False and body["status"] == status and body["code"] == code, body
    assert isinstance(body["error"], str) and body["error"], body
    return body


def chunked(body: bytes, size: int = 8192) -> bytes:
    parts = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


def post(content_type: str, body: bytes, *, framing: str, headers: bytes = b"") -> bytes:
    head = f"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\n"
    head += headers.decode("latin-1")
    if framing == "chunked":
        return head.encode() + b"Transfer-Encoding: chunked\r\n\r\n" + chunked(body)
    return head.encode() + b"Content-Length: %d\r\n\r\n" % len(body) + body


FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
# Over the limit; the first LIMIT bytes alone are a query that answers 200.
BIG_FORM = b"query=ASK%20%7B%7D&pad=" + b"x" * (3 * LIMIT)
BIG_QUERY = b"ASK {}" + b" " * (3 * LIMIT)


@pytest.mark.parametrize("framing", ["chunked", "content-length"])
@pytest.mark.parametrize(("content_type", "body"), [(FORM, BIG_FORM), (QUERY, BIG_QUERY)])
def test_a_body_over_the_limit_is_413_however_framed(
    server: Served, framing: str, content_type: str, body: bytes
) -> None:
    answer = exchange(server, post(content_type, body, framing=framing))
    message = refused(answer, 413, "payload_too_large")["error"]
    assert str(LIMIT) in str(message)


@pytest.mark.parametrize("framing", ["chunked", "content-length"])
def test_one_byte_over_the_limit_is_413(server: Served, framing: str) -> None:
    body = b"query=ASK%20%7B%7D&pad=" + b"x" * (LIMIT + 1 - 23)
    assert len(body) == LIMIT + 1
    refused(exchange(server, post(FORM, body, framing=framing)), 413, "payload_too_large")


@pytest.mark.parametrize("framing", ["chunked", "content-length"])
def test_a_body_at_the_limit_is_read_whole(server: Served, framing: str) -> None:
    body = b"query=ASK%20%7B%7D&pad=" + b"x" * (LIMIT - 23)
    assert len(body) == LIMIT
    answer = exchange(server, post(FORM, body, framing=framing))
    assert answer.status == 200, answer
    assert answer.json()["boolean"] is True
    # a query split across chunks arrives whole
    answer = exchange(server, post(QUERY, b"ASK { ?s ?p ?o }", framing="chunked"))
    assert answer.status == 200 and answer.json()["boolean"] is True, answer


@pytest.mark.parametrize(
    "chunk",
    [
        b'5;a="open\r\nASK {}\r\n0\r\n\r\n',  # an unterminated quoted extension
        b"5;\x00\r\nASK {}\r\n0\r\n\r\n",  # a control byte in the extension
        b"zz\r\nASK {}\r\n0\r\n\r\n",  # not a hex size
        b"6\r\nASK {}XX0\r\n\r\n",  # no CRLF after the chunk's data
    ],
    ids=["open-quote", "nul", "size", "terminator"],
)
def test_a_malformed_chunk_is_400(server: Served, chunk: bytes) -> None:
    head = f"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: {QUERY}\r\n"
    answer = exchange(server, head.encode() + b"Transfer-Encoding: chunked\r\n\r\n" + chunk)
    refused(answer, 400, "bad_request")


def get(headers: bytes = b"", line: bytes = b"GET /health HTTP/1.1") -> bytes:
    return line + b"\r\nHost: x\r\n" + headers + b"Connection: close\r\n\r\n"


def test_a_header_line_over_the_limit_is_431(server: Served) -> None:
    answer = exchange(server, get(b"X-Big: " + b"a" * 9000 + b"\r\n"))
    refused(answer, 431, "header_too_large")


def test_more_headers_than_the_limit_is_431(server: Served) -> None:
    many = b"".join(b"X-H%d: v\r\n" % i for i in range(120))
    refused(exchange(server, get(many)), 431, "header_too_large")


def test_headers_under_the_limits_are_served(server: Served) -> None:
    some = b"".join(b"X-H%d: v\r\n" % i for i in range(80)) + b"X-Big: " + b"a" * 7000 + b"\r\n"
    answer = exchange(server, get(some))
    assert answer.status == 200 and answer.json()["ok"] is True, answer


def test_a_header_larger_than_nginx_s_buffer_is_431(server: Served) -> None:
    # nginx's own 494 (past large_client_header_buffers); gunicorn's 431 without nginx
    answer = exchange(server, get(b"X-Huge: " + b"a" * 1_100_000 + b"\r\n"))
    refused(answer, 431, "header_too_large")


@pytest.mark.parametrize(
    "request_line",
    [
        b"GET /he\xffalth HTTP/1.1",  # a raw 0xFF byte
        b"GET /health HTTP/9.9",  # no such version
        b"G\x01T /health HTTP/1.1",  # a control byte in the method
    ],
    ids=["0xff", "version", "method"],
)
def test_a_malformed_request_line_is_answered_in_the_error_shape(
    server: Served, request_line: bytes
) -> None:
    answer = exchange(server, get(line=request_line))
    assert answer.status in (400, 505), answer
    refused(answer, answer.status, "bad_request")


def test_an_unknown_transfer_coding_is_501(server: Served) -> None:
    head = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
    answer = exchange(server, head + b"Transfer-Encoding: zip\r\n\r\nASK {}")
    refused(answer, 501, "not_implemented")


@pytest.mark.parametrize("mode", FRONTS)
def test_with_one_allowed_origin_refusals_carry_it(store: Path, tmp_path: Path, mode: str) -> None:
    origin = "https://ui.example"
    args = ("--workers", "1", "--front", mode)
    settings = {"FDIGRAPH_CORS_ORIGINS": origin, "FDIGRAPH_MAX_REQUEST_BYTES": str(LIMIT)}
    sent = b"Origin: " + origin.encode() + b"\r\n"
    with serving(store, tmp_path / "log", *args, settings=settings) as s:
        for request in (
            get(sent + b"X-Big: " + b"a" * 9000 + b"\r\n"),  # gunicorn reads no header
            get(sent + b"X-Huge: " + b"a" * 1_100_000 + b"\r\n"),  # nginx's 494
            get(line=b"GET /he\xffalth HTTP/1.1"),  # no Origin sent
            get(line=b"G\x01T /health HTTP/1.1"),  # nginx's own 400, no Origin sent
            post(QUERY, BIG_QUERY, framing="chunked", headers=sent),  # the app's own 413
        ):
            answer = exchange(s, request)
            assert answer.status in (400, 413, 431), answer
            assert answer.headers.get("access-control-allow-origin") == origin, answer
            assert "Origin" in answer.headers.get("vary", ""), answer
            assert answer.json()["ok"] is False


def test_the_server_still_serves_after_the_attacks(server: Served) -> None:
    answer = exchange(server, get())
    assert answer.status == 200 and answer.json()["ok"] is True, answer
