"""Invalid UTF-8 in any URL is a 400, and no answer may be sniffed into another type.

Against the real server, with nginx in front and without.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.serving import Served, serving
from tests.web.conftest import needs_nginx

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module", params=["none", pytest.param("nginx", marks=needs_nginx)])
def server(
    request: pytest.FixtureRequest, store: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    log = tmp_path_factory.mktemp("hygiene-log") / "server.log"
    with serving(store, log, "--workers", "1", "--front", request.param) as s:
        yield s


@pytest.mark.parametrize(
    "path",
    [
        "/search?q=%FF",
        "/search?q=%FF&format=json",
        "/queries/search?q=b%E1%BA",
        "/sparql?query=%FF",
    ],
)
def test_invalid_utf8_in_a_url_is_400(server: Served, path: str) -> None:
    r = httpx.get(server.url + path, timeout=10)
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["code"] == "bad_request" and "not valid UTF-8" in body["error"]
    assert r.headers["access-control-allow-origin"] == "*"


def test_valid_utf8_is_searched(server: Served) -> None:
    r = httpx.get(server.url + "/search?q=b%E1%BA%AFc&format=json", timeout=10)
    assert r.status_code == 200 and r.json()["query"] == "bắc"


@pytest.mark.parametrize("path", ["/sparql?query=ASK%7B%7D", "/health", "/search?q=%FF", "/nope"])
def test_every_answer_forbids_sniffing(server: Served, path: str) -> None:
    r = httpx.get(server.url + path, timeout=10)
    assert r.headers["x-content-type-options"] == "nosniff", (r.status_code, dict(r.headers))


def test_http_10_without_host_gets_links_on_the_address_it_asked(server: Served) -> None:
    """No Host header (HTTP/1.0): VoID's endpoint is the listening address, not http:///."""
    import socket
    from urllib.parse import urlsplit

    where = urlsplit(server.url)
    assert where.hostname is not None and where.port is not None
    with socket.create_connection((where.hostname, where.port), timeout=10) as conn:
        conn.sendall(b"GET /.well-known/void HTTP/1.0\r\nAccept: text/turtle\r\n\r\n")
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.split(b" ", 2)[1] == b"200", head
    assert b"<http:///" not in body
    assert f"<http://{where.hostname}:{where.port}/sparql>".encode() in body
