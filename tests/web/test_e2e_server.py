"""End to end: `fdigraph serve` as a real process, asked by real SPARQL clients."""

from __future__ import annotations

import json
import signal
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from tests.serving import Served, serving
from tests.web.conftest import EX, NUMBERS, TRIG

from fdigraph.store import load_files

pytestmark = pytest.mark.e2e
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"
CHAIN = "\n".join(f"<{EX}c/{i}> <{EX}next> <{EX}c/{i + 1}> ." for i in range(3000))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("e2e")
    (root / "data.trig").write_text(TRIG, encoding="utf-8")
    (root / "more.nt").write_text(NUMBERS + "\n" + CHAIN + "\n", encoding="utf-8")
    load_files([root / "data.trig", root / "more.nt"], root / "store")
    args = ("--workers", "2", "--timeout", "2")
    with serving(root / "store", root / "server.log", *args) as served:
        yield served


def get(served: Served, query: str, accept: str = "", timeout: float = 10) -> tuple[int, bytes]:
    url = served.endpoint + "?" + urllib.parse.urlencode({"query": query})
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.read()


def test_sparqlwrapper(server: Served) -> None:
    from SPARQLWrapper import JSON, TURTLE, XML, SPARQLWrapper

    sw = SPARQLWrapper(server.endpoint)
    sw.setQuery(
        f"SELECT ?l WHERE {{ <{EX}bac-giang> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"
    )
    sw.setReturnFormat(JSON)
    labels = {b["l"]["value"] for b in sw.query().convert()["results"]["bindings"]}  # type: ignore[index]
    assert labels == {"Bắc Giang", "Bac Giang"}
    sw.setReturnFormat(XML)
    assert sw.query().convert().getElementsByTagName("result")  # type: ignore[union-attr]
    sw.setMethod("POST")
    sw.setQuery(f"ASK {{ <{EX}ha-noi> ?p ?o }}")
    sw.setReturnFormat(JSON)
    assert sw.query().convert()["boolean"] is True  # type: ignore[index]
    sw.setQuery(f"CONSTRUCT WHERE {{ <{EX}ha-noi> ?p ?o }}")
    sw.setReturnFormat(TURTLE)
    assert f"{EX}ha-noi".encode() in sw.query().convert()  # type: ignore[operator]


def test_rdflib_sparqlstore(server: Served) -> None:
    from rdflib import Graph, URIRef
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    g = Graph(store=SPARQLStore(server.endpoint))
    rows = list(g.query(f"SELECT ?s WHERE {{ ?s a <{EX}Province> }} ORDER BY ?s"))
    assert [str(r[0]) for r in rows] == [f"{EX}bac-giang", f"{EX}ha-noi", f"{EX}hai-phong"]  # type: ignore[index]
    assert (URIRef(f"{EX}vietnam"), None, None) in g
    described = g.query(f"DESCRIBE <{EX}vietnam>").graph
    assert described is not None and len(described) == 2


def test_runaway_query_is_stopped_while_others_are_served(server: Served) -> None:
    result: dict[str, object] = {}

    def runaway() -> None:
        start = time.monotonic()
        result["status"], result["body"] = get(server, RUNAWAY, timeout=30)
        result["took"] = time.monotonic() - start

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    served_meanwhile = 0
    while thread.is_alive():
        status, _ = get(server, f"ASK {{ <{EX}ha-noi> ?p ?o }}", timeout=5)
        assert status == 200
        served_meanwhile += 1
        time.sleep(0.05)
    thread.join()
    assert result["status"] == 503
    assert b"time limit" in result["body"]  # type: ignore[operator]
    assert 1.9 < result["took"] < 6  # type: ignore[operator]
    assert served_meanwhile > 5
    start = time.monotonic()
    status, _ = get(server, "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert status == 200 and time.monotonic() - start < 1
    time.sleep(0.5)
    assert "stops: a query ran past the time limit" in server.log.read_text()


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection it gets."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits: list[str] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                conn, addr = self.sock.accept()
            except TimeoutError:
                continue
            self.hits.append(str(addr))
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.sock.close()


def test_service_from_and_load_reach_nothing(server: Served) -> None:
    listener = Listener()
    url = f"http://127.0.0.1:{listener.port}"
    try:
        cases = [
            (f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}", 400),
            (f"SELECT * WHERE {{ SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}", 400),
            (f"SELECT * FROM <{url}/graph> WHERE {{ ?s ?p ?o }}", 200),
            (f"SELECT * FROM NAMED <{url}/graph> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", 200),
            (f"LOAD <{url}/data.ttl>", 403),
        ]
        for query, expected in cases:
            status, body = get(server, query)
            assert status == expected, body
            if status == 200:
                assert json.loads(body)["results"]["bindings"] == []
        time.sleep(0.5)
        assert listener.hits == []
    finally:
        listener.close()


def test_from_a_local_file_leaks_nothing(server: Served) -> None:
    for query in (
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }",
        "CONSTRUCT { ?s ?p ?o } FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    ):
        status, body = get(server, query, accept="*/*")
        assert status == 200
        assert b"root" not in body and b"/bin/" not in body


def test_oversized_and_deeply_nested_queries(server: Served) -> None:
    deep = "SELECT * WHERE " + "{" * 2000 + "}" * 2000
    status, body = get(server, deep)
    assert status == 400 and b"nests deeper" in body
    req = urllib.request.Request(
        server.endpoint,
        data=b"SELECT * WHERE { ?s ?p ?o } #" + b"x" * 2_000_000,
        headers={"Content-Type": "application/sparql-query"},
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            status = r.status
    except urllib.error.HTTPError as err:
        status = err.code
        err.close()
    except OSError:  # the server may close early on a body it refuses
        status = 413
    assert status == 413
    long = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 70_000
    req = urllib.request.Request(
        server.endpoint, data=long.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(req, timeout=10)
    assert caught.value.code == 400
    caught.value.close()
    with urllib.request.urlopen(server.url + "/health", timeout=5) as r:
        assert json.load(r)["ok"] is True


def test_concurrent_clients(server: Served) -> None:
    queries = [
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 50", "application/sparql-results+json"),
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 50", "text/csv"),
        (f"CONSTRUCT WHERE {{ <{EX}c/7> ?p ?o }}", "application/ld+json"),
        (f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{EX}next> ?o }}", "application/sparql-results+xml"),
    ]

    def client(i: int) -> list[int]:
        return [get(server, *queries[(i + j) % len(queries)])[0] for j in range(20)]

    with ThreadPoolExecutor(8) as pool:
        statuses = [s for batch in pool.map(client, range(8)) for s in batch]
    assert statuses == [200] * 160


def test_sigterm_is_graceful(server: Served) -> None:
    """Runs last in this module: the server stops cleanly on SIGTERM."""
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(15) == 0
    log = server.log.read_text()
    assert "fdigraph stopped" in log, log[-300:]
    for crash in ("SIGSEGV", "SIGABRT", "terminate called", "Traceback"):
        assert crash not in log
