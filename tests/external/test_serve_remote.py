"""`fdigraph serve --endpoint` in front of a real `oxigraph serve`, both as real processes.

The article's graph is published to Oxigraph with ``fdigraph.publish``; everything the
server offers is then asked through the front and compared with what the embedded
store answers (an app over the session's build). Last, the store is paused, stopped
and restarted on the same port while clients keep asking.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from tests.external.conftest import Oxigraph, free_port, oxigraph_binary, start_oxigraph, stop

from fdigraph import config, queries
from fdigraph.build import BuildResult
from fdigraph.publish import publish
from fdigraph.web import create_app

pytestmark = pytest.mark.e2e
TIMEOUT = 2  # the front's --timeout
MAX_ROWS = 1000
BASE = "https://fdigraph.example/"
VN54 = "/id/area/VN-54"
OBS = "/id/obs/bac-giang-fdi-2024/bg-fdi-2024-8m"
VOID = "http://rdfs.org/ns/void#"


@dataclass
class Front:
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    store: Oxigraph

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return httpx.get(self.url + path, timeout=TIMEOUT + 8, **kwargs)

    def sparql(self, query: str, accept: str | None = None, **params: str) -> httpx.Response:
        headers = {"Accept": accept} if accept else {}
        return self.get("/sparql", params={"query": query, **params}, headers=headers)


@pytest.fixture(scope="module")
def front(built: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Front]:
    root = tmp_path_factory.mktemp("remote")
    store = start_oxigraph(root / "oxigraph")
    publish(built.dist / "fdigraph.nq", store_url=store.store)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FDIGRAPH_")}
    env |= {"FDIGRAPH_ENDPOINT_REFRESH": "0.5", "FDIGRAPH_MAX_ROWS": str(MAX_ROWS)}
    log = root / "front.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "fdigraph", "serve", "--endpoint", store.query,
             "--port", str(port), "--workers", "2", "--timeout", str(TIMEOUT)],
            stdout=out, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
    served = Front(f"http://127.0.0.1:{port}", process, log, store)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if served.get("/health").json()["ok"]:
                    break
            except (httpx.HTTPError, ValueError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("fdigraph serve did not start:\n" + log.read_text())
            time.sleep(0.1)
        yield served
    finally:
        process.terminate()
        process.wait(15)
        stop(served.store)
    text = log.read_text()
    assert "Traceback" not in text and "internal_error" not in text, text[-3000:]


@pytest.fixture(scope="module")
def embedded(built: BuildResult) -> Flask:
    return create_app({"TESTING": True, "STORE_PATH": str(built.store_path), "MAX_ROWS": MAX_ROWS})


@pytest.fixture
def local(embedded: Flask) -> Iterator[FlaskClient]:
    with embedded.test_client() as client:
        yield client


def rows(body: bytes) -> list[str]:
    """SPARQL JSON rows in a canonical order (GROUP_CONCAT's order is the engine's choice)."""
    data = json.loads(body)
    if "boolean" in data:
        return [str(data["boolean"])]
    for row in data["results"]["bindings"]:
        for term in row.values():
            if term["type"] == "literal" and ", " in term["value"]:
                term["value"] = ", ".join(sorted(term["value"].split(", ")))
    return sorted(json.dumps(row, sort_keys=True) for row in data["results"]["bindings"])


def same_page(one: str, other: str) -> bool:
    """The same links and highlighted quotes (the order of equal facts is the engine's)."""

    def parts(html: str) -> tuple[list[str], list[str]]:
        return sorted(re.findall(r'href="([^"]+)"', html)), sorted(
            re.findall(r"<mark[^>]*>(.*?)</mark>", html, re.S)
        )

    return parts(one) == parts(other) and bool(parts(one)[0])


def graph(body: bytes, fmt: str = "turtle") -> Graph:
    return Graph().parse(data=body, format=fmt)


# --- the protocol: a representative part of the table in tests/web ---------------------

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
LABELS = (
    f"SELECT ?l WHERE {{ <{BASE}id/area/VN-54> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"
)
CONSTRUCT = f"CONSTRUCT WHERE {{ <{BASE}id/area/VN-54> ?p ?o }}"


@pytest.mark.parametrize(
    ("query", "accept", "media"),
    [
        (LABELS, None, "application/sparql-results+json"),
        (LABELS, "application/sparql-results+xml", "application/sparql-results+xml"),
        (LABELS, "text/csv", "text/csv"),
        (LABELS, "text/tab-separated-values", "text/tab-separated-values"),
        ("ASK { ?s ?p ?o }", "application/json", "application/sparql-results+json"),
        (CONSTRUCT, None, "text/turtle"),
        (CONSTRUCT, "application/n-triples", "application/n-triples"),
        (CONSTRUCT, "application/ld+json", "application/ld+json"),
        (CONSTRUCT, "application/rdf+xml", "application/rdf+xml"),
        (f"DESCRIBE <{BASE}id/area/VN-54>", "application/n-quads", "application/n-quads"),
    ],
)
def test_formats_as_the_embedded_store(
    front: Front, local: FlaskClient, query: str, accept: str | None, media: str
) -> None:
    remote = front.sparql(query, accept)
    here = local.get("/sparql", query_string={"query": query}, headers={"Accept": accept or ""})
    assert remote.status_code == 200, remote.text
    assert remote.headers["content-type"].split(";")[0] == media
    if media == "application/sparql-results+json":
        assert rows(remote.content) == rows(here.data)
    elif media in ("text/csv", "text/tab-separated-values"):
        assert sorted(remote.text.splitlines()) == sorted(here.text.splitlines())
    elif media != "application/sparql-results+xml":
        fmt = {"text/turtle": "turtle", "application/n-triples": "nt",
               "application/ld+json": "json-ld", "application/rdf+xml": "xml",
               "application/n-quads": "nt"}[media]  # fmt: skip
        assert isomorphic(graph(remote.content, fmt), graph(here.data, fmt))
    else:
        assert remote.text.count("<result>") == here.text.count("<result>") == 2


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, None),  # the union of the named graphs, as embedded
        ({"default-graph-uri": f"{BASE}graph/ontology"}, None),
        ({"named-graph-uri": f"{BASE}graph/ontology"}, "0"),  # nothing in the default graph
    ],
)
def test_dataset_as_the_embedded_store(
    front: Front, local: FlaskClient, params: dict[str, str], expected: str | None
) -> None:
    remote = front.sparql(COUNT, **params)
    here = local.get("/sparql", query_string={"query": COUNT, **params})
    assert rows(remote.content) == rows(here.data)
    if expected is not None:
        assert json.loads(remote.content)["results"]["bindings"][0]["n"]["value"] == expected


@pytest.mark.parametrize(
    ("method", "kwargs", "status", "code"),
    [
        ("GET", {"params": {"query": "SELECT * WHERE {\n  ?s ?p"}}, 400, "bad_request"),
        ("GET", {"params": {"query": "SELECT * { SERVICE <http://example.org/s> { ?s ?p ?o } }"}},
         400, "query_refused"),
        ("GET", {"params": {"query": "SELECT * {" * 100 + "}" * 100}}, 400, "limit_exceeded"),
        ("POST", {"content": "DROP ALL", "headers": {"Content-Type": "application/sparql-update"}},
         403, "read_only"),
        ("GET", {"params": {"query": LABELS}, "headers": {"Accept": "image/png"}}, 406,
         "not_acceptable"),
        ("PUT", {"content": "x"}, 405, "method_not_allowed"),
    ],
    ids=["syntax", "service", "nesting", "update", "406", "405"],
)  # fmt: skip
def test_protocol_errors_before_the_store(
    front: Front, method: str, kwargs: dict[str, Any], status: int, code: str
) -> None:
    r = httpx.request(method, front.url + "/sparql", timeout=10, **kwargs)
    assert r.status_code == status, r.text
    body = r.json()
    assert body["ok"] is False and body["status"] == status and body["code"] == code
    if code == "bad_request":  # the store's position, moved back past the BASE line
        assert (body["line"], body["column"]) == (2, 8)


def test_relative_iris_row_cap_and_etags(front: Front) -> None:
    relative = front.sparql("SELECT ?i WHERE { BIND(<x> AS ?i) }")
    assert rows(relative.content) == [json.dumps({"i": {"type": "uri", "value": front.url + "/x"}})]
    capped = front.sparql("SELECT * WHERE { ?s ?p ?o }")
    assert capped.headers["Fdigraph-Truncated"] == f"rows={MAX_ROWS}"
    assert len(json.loads(capped.content)["results"]["bindings"]) == MAX_ROWS
    etag = front.sparql(LABELS).headers["ETag"]
    again = front.get("/sparql", params={"query": LABELS}, headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_service_description_names_the_graphs(front: Front) -> None:
    sd = graph(front.get("/sparql", headers={"Accept": "text/turtle"}).content)
    names = set(sd.objects(None, URIRef("http://www.w3.org/ns/sparql-service-description#name")))
    assert names == {URIRef(f"{BASE}graph/data"), URIRef(f"{BASE}graph/ontology"),
                     URIRef(f"{BASE}.well-known/sparql-examples")}  # fmt: skip


# --- saved queries, pages, search, VoID, health ------------------------------------------


def test_every_saved_query_answers_as_embedded(front: Front, local: FlaskClient) -> None:
    catalogue = queries.load(config.resolve_path(config.load({}), "QUERIES_DIR"))
    assert len(catalogue) >= 20
    for query in catalogue.values():
        suffix = "ttl" if query.form in ("CONSTRUCT", "DESCRIBE") else "json"
        args = {p.name: p.example for p in query.params if p.required and not p.default}
        remote = front.get(f"/queries/{query.name}.{suffix}", params=args)
        here = local.get(f"/queries/{query.name}.{suffix}", query_string=args)
        assert remote.status_code == here.status_code == 200, (query.name, remote.text)
        if suffix == "ttl":
            assert isomorphic(graph(remote.content), graph(here.data)), query.name
        else:
            assert rows(remote.content) == rows(here.data), query.name
    wrong = front.get("/queries/area-figures.json", params={"area": "VN-999"})
    assert wrong.status_code == 400 and wrong.json()["code"] == "bad_parameter"


@pytest.mark.parametrize("path", [VN54, OBS])
def test_pages_in_html_and_turtle(front: Front, local: FlaskClient, path: str) -> None:
    page = front.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    here = local.get(path, headers={"Accept": "text/html"})
    assert same_page(page.text, here.text)
    turtle = front.get(path, headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200
    mine = local.get(path, headers={"Accept": "text/turtle"})
    assert isomorphic(graph(turtle.content), graph(mine.data))
    assert front.get(path + "-nothing").status_code == 404


def test_home_search_void_and_health(front: Front, local: FlaskClient) -> None:
    remote_home, local_home = front.get("/").text, local.get("/").text
    # the dumps are the local build's files: a server of a remote store has none to offer
    assert "/download/" in local_home and "/download/" not in remote_home

    def without_downloads(html: str) -> str:
        return re.sub(r'<section id="download">.*?</section>', "", html, flags=re.S)

    assert same_page(without_downloads(remote_home), without_downloads(local_home))
    hits = front.get("/search", params={"q": "bac giang", "format": "json"}).json()["hits"]
    assert hits == local.get("/search?q=bac+giang&format=json").json["hits"]
    assert hits[0]["iri"] == BASE + "id/area/VN-54"
    void = graph(front.get("/.well-known/void").content)
    mine = graph(local.get("/.well-known/void").data)
    count = URIRef(VOID + "triples")
    dataset = URIRef(BASE + "dataset")
    assert void.value(dataset, count) == mine.value(dataset, count)
    health = front.get("/health").json()
    assert health["ok"] and health["store"] == "remote" and len(health["graphs"]) == 3
    assert void.value(dataset, URIRef("http://purl.org/dc/terms/identifier")) == Literal(
        health["build"]
    )


def test_a_change_in_the_store_reaches_every_cache(front: Front) -> None:
    probe = f"ASK {{ <{BASE}id/area/VN-54> <urn:probe> 1 }}"
    before = front.get("/health").json()["build"]
    assert front.sparql(probe).json()["boolean"] is False
    edit = f"INSERT DATA {{ GRAPH <{BASE}graph/data> {{ <{BASE}id/area/VN-54> <urn:probe> 1 }} }}"
    headers = {"Content-Type": "application/sparql-update"}
    httpx.post(front.store.update, content=edit, headers=headers).raise_for_status()
    try:
        assert _eventually(lambda: front.sparql(probe).json()["boolean"] is True)
        assert _eventually(lambda: front.get("/health").json()["build"] != before)
    finally:
        undo = edit.replace("INSERT DATA", "DELETE DATA")
        httpx.post(front.store.update, content=undo, headers=headers).raise_for_status()
    assert _eventually(lambda: front.get("/health").json()["build"] == before)
    assert _eventually(lambda: front.sparql(probe).json()["boolean"] is False)


def _eventually(check: Any, within: float = 5) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


# --- the store paused, stopped and restarted under load ------------------------------------

LOAD = [
    "/sparql?query=ASK+%7B+%3Fs+%3Fp+%3Fo+%7D+%23+{n}",  # a new comment each time: no cache
    "/queries/provinces.json?lang=en",  # saved queries and pages are never cached
    VN54 + ".ttl?n={n}",
    "/search?q=bac+giang&format=json&n={n}",
    "/health",
]


def error_shape(response: httpx.Response) -> bool:
    """A 502 or 504 in the endpoint's one JSON error shape, naming the triple store."""
    try:
        body = response.json()
    except ValueError:
        return False
    return (
        response.status_code in (502, 504)
        and body.get("ok") is False
        and body.get("status") == response.status_code
        and body.get("code") in ("bad_gateway", "gateway_timeout")
        and "triple store" in str(body.get("error"))
    )


def test_store_paused_stopped_and_restarted_under_load(front: Front) -> None:
    """Clients keep asking: 504 while the store hangs, 502 while it is gone, then 200.

    Search alone keeps answering: with --endpoint each worker makes its index in memory
    at its first search, and keeps it while the store is away.
    """
    import threading

    seen: list[tuple[str, int, float]] = []
    searched: list[int] = []
    warmed: set[int] = set()  # the clients that have had a search answered
    problems: list[str] = []
    slowest = [0.0]
    phase = ["up"]
    done = threading.Event()

    def client(start: int) -> None:
        with httpx.Client(timeout=TIMEOUT + 8) as http:
            for n in range(start, start + 1000):  # bounded: 1000 requests a client at most
                if done.is_set():
                    return
                path = LOAD[n % len(LOAD)].format(n=n)
                began, at = time.monotonic(), phase[0]
                r = http.get(front.url + path)
                took = time.monotonic() - began
                if path.startswith("/search"):
                    searched.append(r.status_code)  # from the worker's index, not the store
                    if r.status_code == 200:
                        warmed.add(start)
                else:
                    seen.append((at if at == phase[0] else "between", r.status_code, took))
                slowest[0] = max(slowest[0], took)
                if r.status_code != 200 and not error_shape(r):
                    problems.append(f"{path}: {r.status_code} {r.text[:300]}")
                if r.status_code != 200:
                    time.sleep(0.01)  # a refused connection answers at once: pace the loop

    clients = [threading.Thread(target=client, args=(i * 1000,)) for i in range(4)]
    for thread in clients:
        thread.start()
    try:
        # Each worker makes its search index at its first search: wait until every
        # client (each on its own kept-alive connection to a worker) has searched once.
        warm = time.monotonic() + 15
        while len(warmed) < len(clients) and time.monotonic() < warm:
            time.sleep(0.05)
        time.sleep(0.2)
        phase[0] = "paused"
        os.kill(front.store.process.pid, signal.SIGSTOP)  # accepts connections, never answers
        time.sleep(TIMEOUT + 2.5)
        phase[0] = "resuming"
        os.kill(front.store.process.pid, signal.SIGCONT)
        stop(front.store)
        phase[0] = "stopped"
        time.sleep(1.0)
        phase[0] = "restarting"
        front.store = start_oxigraph(front.store.location, front.store.port)
        phase[0] = "back"
        time.sleep(1.5)
    finally:
        done.set()
        for thread in clients:
            thread.join(30)
    by_phase: dict[str, list[int]] = {}
    for name, status, _ in seen:
        by_phase.setdefault(name, []).append(status)
    assert not problems, problems[:5]
    assert {status for _, status, _ in seen} <= {200, 502, 504}
    assert slowest[0] < TIMEOUT + 4, "a request hung"
    assert set(by_phase["up"]) == {200}, by_phase
    summary = {name: sorted(set(codes)) for name, codes in by_phase.items()}
    assert 504 in by_phase.get("paused", []) + by_phase.get("between", []), summary
    assert set(by_phase["stopped"]) == {502}, summary
    back = by_phase["back"]
    assert back[-8:] == [200] * 8, back
    assert searched and set(searched) == {200}, "search is answered from memory, store or not"
    assert front.get("/health").json()["ok"] is True


# --- the other ways to make the default graph, in-process over a real store ---------------


@pytest.mark.parametrize(
    ("graphs", "union", "expected"),
    [
        ("union", True, None),  # the store's own union default graph
        (f"{BASE}graph/ontology", False, f"{BASE}graph/ontology"),  # exactly these graphs
    ],
)
def test_union_by_the_store_or_a_graph_list(
    built: BuildResult, tmp_path: Path, local: FlaskClient, graphs: str, union: bool,
    expected: str | None,
) -> None:  # fmt: skip
    port = free_port()
    argv = [oxigraph_binary(), "serve", "--location", str(tmp_path / "ox"),
            "--bind", f"127.0.0.1:{port}", *(["--union-default-graph"] if union else [])]  # fmt: skip
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        assert _eventually(lambda: _up(url), within=20)
        publish(built.dist / "fdigraph.nq", store_url=url + "/store")
        app = create_app({"TESTING": True, "ENDPOINT": url + "/query",
                          "ENDPOINT_GRAPHS": graphs, "MAX_ROWS": MAX_ROWS})  # fmt: skip
        with app.test_client() as client:
            params = {"default-graph-uri": expected} if expected else {}
            mine = rows(client.get("/sparql", query_string={"query": COUNT}).data)
            assert mine == rows(local.get("/sparql", query_string={"query": COUNT, **params}).data)
            hits = client.get("/search?q=bac+giang&format=json").json["hits"]
            assert bool(hits) is (expected is None)  # the ontology graph has no places
            assert client.get("/health").json["ok"] is True
    finally:
        process.terminate()
        process.wait(10)


def _up(url: str) -> bool:
    try:
        return httpx.get(url + "/query?query=ASK%7B%7D", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
