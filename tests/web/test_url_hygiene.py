"""Invalid UTF-8 in any URL is a 400, and no answer may be sniffed into another type.

Against the real server, with nginx in front and without.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.serving import Served, serving
from tests.web.conftest import TRIG

from fdigraph import front
from fdigraph.store import load_files

pytestmark = pytest.mark.e2e
needs_nginx = pytest.mark.skipif(front.find_nginx() is None, reason="nginx is not installed")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hygiene")
    (root / "data.trig").write_text(TRIG, encoding="utf-8")
    load_files([root / "data.trig"], root / "store")
    return root / "store"


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
