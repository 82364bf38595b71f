"""What a cache keys on is exactly what the app sees: duplicate headers poison nothing.

nginx reads the first copy of a repeated header (``$http_accept``), Werkzeug all of them
joined; nginx matches a cookie's name case-insensitively, Flask case-sensitively. Each
attack below is sent three times (nginx keeps an answer from its second request on),
then a plain request with the headers the attack seemed to carry must get the answer it
gets on a fresh server. Against the real server, with the nginx front and without.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.serving import Served, serving
from tests.web.conftest import needs_nginx
from tests.web.test_limits_http import Answer, exchange

pytestmark = pytest.mark.e2e
FRONTS = [pytest.param("none"), pytest.param("nginx", marks=needs_nginx)]
SPARQL = "/sparql?query=SELECT%20%3Fs%20WHERE%20%7B%20%3Fs%20a%20%3Fo%20%7D%20%23%20"
SEARCH = "/search?q=ha+noi&case="


@pytest.fixture(scope="module", params=FRONTS)
def server(
    request: pytest.FixtureRequest, store: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    log = tmp_path_factory.mktemp("keys-log") / "server.log"
    with serving(store, log, "--workers", "1", "--front", request.param) as s:
        yield s


def get(target: str, *headers: str) -> bytes:
    head = "".join(h + "\r\n" for h in headers)
    return f"GET {target} HTTP/1.1\r\nHost: x\r\n{head}Connection: close\r\n\r\n".encode()


def csv(answer: Answer) -> bool:
    return answer.headers.get("content-type", "").startswith("text/csv")


def gzipped(answer: Answer) -> bool:
    return answer.headers.get("content-encoding") == "gzip"


def english(answer: Answer) -> bool:
    return answer.headers.get("content-language") == "en"


# name: (path, the attack's headers, the plain request's, what the plain answer must not be)
CASES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...], Callable[[Answer], bool]]] = {
    "accept": (SPARQL, ("Accept: */*", "Accept: text/csv"), ("Accept: */*",), csv),
    "empty-accept": (SPARQL, ("Accept:", "Accept: text/csv"), (), csv),
    "accept-encoding": (
        "/.well-known/void?case=",
        ("Accept-Encoding: identity", "Accept-Encoding: gzip"),
        ("Accept-Encoding: identity",),
        gzipped,
    ),
    "accept-language": (
        SEARCH,
        ("Accept-Language: fr", "Accept-Language: en"),
        ("Accept-Language: fr",),
        english,
    ),
    "forwarded-ssl": (  # gunicorn trusts these from its own Unix socket (behind nginx)
        "/.well-known/void?case=",
        ("Accept: text/turtle", "X-Forwarded-Ssl: on", "X-Forwarded-Protocol: ssl"),
        ("Accept: text/turtle",),
        lambda answer: b"https://x/" in answer.body,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_repeated_header_poisons_no_cache(server: Served, case: str) -> None:
    path, attack, plain, wrong = CASES[case]
    target = path + case
    for _ in range(3):
        answer = exchange(server, get(target, *attack))
        assert answer.status == 200, answer
    for _ in range(3):  # the third is a cache hit wherever one is kept
        answer = exchange(server, get(target, *plain))
        assert answer.status == 200 and not wrong(answer), (case, answer)


def test_the_language_cookie_is_read_as_the_cache_reads_it(server: Served) -> None:
    target = SEARCH + "cookie"
    for _ in range(3):  # not the cookie the app reads: the default language
        answer = exchange(server, get(target, "Cookie: LANG=en"))
        assert answer.status == 200 and not english(answer), answer
    for _ in range(3):
        answer = exchange(server, get(target, "Cookie: lang=en"))
        assert answer.status == 200 and english(answer), answer
    for cookie in ("Cookie: x=1; lang=en", "Cookie: x=1", "Cookie: lang=en"):
        for _ in range(3):  # more than one Cookie line: the app reads what the cache keys on
            answer = exchange(server, get(SEARCH + "two-cookies", cookie, "Cookie: lang=vi"))
            assert answer.status == 200, answer
        answer = exchange(server, get(SEARCH + "two-cookies", cookie))
        assert english(answer) == ("lang=en" in cookie), (cookie, answer)
