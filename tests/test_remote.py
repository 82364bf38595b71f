"""RemoteStore against a mock transport: requests sent, answers parsed, failures mapped.

The real thing (`oxigraph serve` behind `fdigraph serve --endpoint`) is tested in
tests/external/test_serve_remote.py; these cover what a healthy store never does.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from urllib.parse import parse_qs

import httpx
import pyoxigraph as ox
import pytest

from fdigraph.errors import ConfigError, RemoteStoreError, RemoteStoreTimeout
from fdigraph.remote import RemoteStore

URL = "http://store.test/query"
JSON = "application/sparql-results+json"
ROWS = b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"uri","value":"http://e/1"}}]}}'
COUNTS = (
    b'{"head":{"vars":["g","n"]},"results":{"bindings":['
    b'{"g":{"type":"uri","value":"http://e/g1"},"n":{"type":"literal","value":"3"}},'
    b'{"g":{"type":"uri","value":"http://e/g2"},"n":{"type":"literal","value":"4"}}]}}'
)
Handler = Callable[[httpx.Request], httpx.Response]


def store(handler: Handler, **kwargs: object) -> RemoteStore:
    return RemoteStore(URL, timeout=2, transport=httpx.MockTransport(handler), **kwargs)  # type: ignore[arg-type]


def form(request: httpx.Request) -> dict[str, list[str]]:
    return parse_qs(request.content.decode())


def answer(body: bytes, media: str = JSON, status: int = 200) -> Handler:
    return lambda request: httpx.Response(status, content=body, headers={"Content-Type": media})


def test_select_is_a_real_query_solutions() -> None:
    found = store(answer(ROWS)).query("SELECT ?s WHERE { ?s ?p ?o }")
    assert isinstance(found, ox.QuerySolutions)
    assert [row["s"] for row in found] == [ox.NamedNode("http://e/1")]


def test_ask_and_construct() -> None:
    ask = store(answer(b'{"head":{},"boolean":true}')).query("ASK {}")
    assert isinstance(ask, ox.QueryBoolean) and bool(ask)
    nt = b'<http://e/s> <http://e/p> _:b .\n<http://e/s> <http://e/q> "x"@vi .\n'
    graph = store(answer(nt, "application/n-triples")).query("CONSTRUCT WHERE { ?s ?p ?o }")
    assert isinstance(graph, ox.QueryTriples)
    assert len(list(graph)) == 2


def test_union_default_graph_is_sent_as_the_named_graphs() -> None:
    sent: list[dict[str, list[str]]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(form(request))
        return httpx.Response(200, content=COUNTS if "GROUP BY" in sent[-1]["query"][0] else ROWS,
                              headers={"Content-Type": JSON})  # fmt: skip

    remote = store(handler)
    remote.query("SELECT * { ?s ?p ?o }", use_default_graph_as_union=True)
    assert (
        sent[-1]["default-graph-uri"]
        == sent[-1]["named-graph-uri"]
        == ["http://e/g1", "http://e/g2"]
    )
    union = store(handler, graphs="union")
    union.query("SELECT * { ?s ?p ?o }", use_default_graph_as_union=True)
    assert "default-graph-uri" not in sent[-1]
    fixed = store(handler, graphs="http://e/g2")
    fixed.query("SELECT * { ?s ?p ?o }", use_default_graph_as_union=True)
    assert sent[-1]["default-graph-uri"] == ["http://e/g2"]
    fixed.query(
        "SELECT * { ?s ?p ?o }", default_graph=[ox.NamedNode("http://e/x")], named_graphs=[]
    )
    assert sent[-1]["default-graph-uri"] == ["http://e/x"] and "named-graph-uri" not in sent[-1]


def test_base_and_prefixes_go_on_one_leading_line() -> None:
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(form(request)["query"][0])
        return httpx.Response(200, content=ROWS, headers={"Content-Type": JSON})

    store(handler).query(
        "PREFIX b: <http://b/> SELECT * { ?s a:x b:y }",
        base_iri="http://here/sparql",
        prefixes={"a": "http://a/", "b": "http://other/", "c": "http://c/"},
    )
    assert (
        sent[0]
        == "BASE <http://here/sparql> PREFIX a: <http://a/> PREFIX b: <http://b/> SELECT * { ?s a:x b:y }"
    )


def test_a_client_syntax_error_keeps_its_position() -> None:
    refuse = answer(b"error at 1:30: expected '{'", "text/plain", 400)
    with (
        pytest.raises(SyntaxError, match=r"error at 1:4:"),
        store(refuse).answer("SELECT * ?s", time.monotonic() + 2, base_iri="http://here/sparql"),
    ):
        pass


@pytest.mark.parametrize(
    ("handler", "error", "message"),
    [
        (answer(b"oops", "text/html", 200), RemoteStoreError, "text/html"),
        (answer(b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":', JSON), RemoteStoreError, "unreadable"),
        (answer(b"<s> <p> .", "application/n-triples"), RemoteStoreError, "unreadable"),
        (answer(b"boom", "text/plain", 500), RemoteStoreError, "answered 500: boom"),
        (answer(b"bad query", "text/plain", 400), RemoteStoreError, "answered 400"),
        (answer(b"slow", "text/plain", 504), RemoteStoreTimeout, "timed out"),
    ],
    ids=["media", "json", "ntriples", "500", "400-internal", "504"],
)  # fmt: skip
def test_failures_are_502_or_504(handler: Handler, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        store(handler).query("SELECT * { ?s ?p ?o }")


def test_unreachable_and_slow() -> None:
    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(RemoteStoreError, match="cannot reach") as caught:
        store(refused).query("ASK {}")
    assert caught.value.status == 502
    with pytest.raises(RemoteStoreTimeout) as late:
        store(slow).query("ASK {}")
    assert late.value.status == 504


def test_a_stream_cut_mid_way_is_a_502_not_a_syntax_error() -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"head":{"vars":["s"]},"results":{"bindings":['
        yield b'{"s":{"type":"uri","value":"http://e/1"}},'
        raise httpx.ReadError("connection reset")

    broken = lambda request: httpx.Response(200, content=chunks(), headers={"Content-Type": JSON})  # noqa: E731
    with (
        pytest.raises(RemoteStoreError, match="broke off"),
        store(broken).answer("SELECT * { ?s ?p ?o }", time.monotonic() + 2) as found,
    ):
        list(found)


def test_a_stale_kept_alive_connection_is_tried_again() -> None:
    calls: list[int] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            raise httpx.RemoteProtocolError("Server disconnected", request=request)
        return httpx.Response(200, content=ROWS, headers={"Content-Type": JSON})

    assert len(list(store(flaky).query("SELECT * {}"))) == 1  # type: ignore[arg-type]
    assert len(calls) == 2


def test_fingerprint_and_len() -> None:
    remote = store(answer(COUNTS))
    assert remote.fingerprint() == {"http://e/g1": 3, "http://e/g2": 4}
    assert [g.value for g in remote.named_graphs()] == ["http://e/g1", "http://e/g2"]


def test_only_http_urls() -> None:
    with pytest.raises(ConfigError):
        RemoteStore("file:///etc/passwd", timeout=1)


def test_serve_takes_a_store_or_an_endpoint() -> None:
    from click.testing import CliRunner

    from fdigraph.cli import main

    done = CliRunner().invoke(main, ["serve", "--store", "x", "--endpoint", "http://h/q"])
    assert done.exit_code == 2 and "not both" in done.output
    assert "--endpoint URL" in CliRunner().invoke(main, ["serve", "--help"]).output


def test_a_base_that_is_not_an_iri_never_reaches_the_query() -> None:
    from fdigraph.errors import QueryError

    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(form(request)["query"][0])
        return httpx.Response(200, content=ROWS, headers={"Content-Type": JSON})

    evil = "http://h> SELECT * { SERVICE <http://inside/> { ?s ?p ?o } } #/sparql"
    with pytest.raises(QueryError, match="not an IRI"):
        store(handler).query("SELECT * {}", base_iri=evil)
    assert sent == []


def test_the_app_starts_while_the_store_is_down_and_says_502() -> None:
    import socket

    from fdigraph.web import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there once the socket is closed
    app = create_app({"TESTING": True, "ENDPOINT": f"http://127.0.0.1:{port}/query"})
    with app.test_client() as client:
        for path in (
            "/health",
            "/sparql?query=ASK%7B%7D",
            "/queries/provinces.json",
            "/search?q=a",
        ):
            r = client.get(path, headers={"Accept": "application/json"})
            assert r.status_code == 502, (path, r.data)
            assert r.json["code"] == "bad_gateway" and "triple store" in r.json["error"]


def test_a_union_store_without_named_graphs_still_has_a_fingerprint() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if "GRAPH" in form(request)["query"][0]:
            return httpx.Response(400, content=b"GRAPH is not supported")
        total = (
            b'{"head":{"vars":["n"]},"results":{"bindings":[{"n":{"type":"literal","value":"9"}}]}}'
        )
        return httpx.Response(200, content=total, headers={"Content-Type": JSON})

    assert store(handler, graphs="union").fingerprint() == {"": 9}
    with pytest.raises(RemoteStoreError):
        store(handler).fingerprint()
