"""Limits that hold against a real `fdigraph serve`: memory, long-query share, client mistakes.

Each test runs an attack of issue 12 against the real server process, with small limits
(64 MiB, 0.3 s) so that a test takes seconds; none times anything.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from tests.serving import Served, free_port, serving, workers
from tests.web.conftest import EX, NUMBERS, TRIG

from fdigraph import front
from fdigraph.store import load_files

pytestmark = pytest.mark.e2e
needs_nginx = pytest.mark.skipif(front.find_nginx() is None, reason="nginx is not installed")
FRONTS = [pytest.param("none"), pytest.param("nginx", marks=needs_nginx)]
CHAIN = "\n".join(f"<{EX}c/{i}> <{EX}next> <{EX}c/{i + 1}> ." for i in range(3000))
HOG = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"  # memory, fast
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # CPU, forever
SMALL = {"FDIGRAPH_MAX_QUERY_MEMORY": "64", "FDIGRAPH_EXPENSIVE_AFTER": "0.3"}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("limits")
    (root / "data.trig").write_text(TRIG, encoding="utf-8")
    (root / "more.nt").write_text(NUMBERS + "\n" + CHAIN + "\n", encoding="utf-8")
    load_files([root / "data.trig", root / "more.nt"], root / "store")
    return root / "store"


@pytest.fixture(scope="module", params=FRONTS)
def server(
    request: pytest.FixtureRequest, store: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    log = tmp_path_factory.mktemp("limits-log") / "server.log"
    args = ("--workers", "2", "--timeout", "8", "--front", request.param)
    with serving(store, log, *args, settings=SMALL) as served:
        yield served


def fetch(url: str, timeout: float = 15) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, dict(err.headers), err.read()


def ask(served: Served, query: str, timeout: float = 15) -> tuple[int, dict[str, str], bytes]:
    return fetch(served.endpoint + "?" + urllib.parse.urlencode({"query": query}), timeout)


def code(body: bytes) -> str:
    found: str = json.loads(body)["code"]
    return found


def healthy(served: Served) -> bool:
    status, _, body = fetch(served.url + "/health", timeout=10)
    return status == 200 and json.loads(body)["ok"] is True


def test_a_query_over_the_memory_limit_is_stopped(server: Served) -> None:
    status, _, body = ask(server, HOG)
    assert status == 503 and code(body) == "memory_limit", body
    assert b"64 MiB" in body
    assert healthy(server)
    status, _, _ = ask(server, f"ASK {{ <{EX}ha-noi> ?p ?o }}")
    assert status == 200
    time.sleep(0.5)  # the worker logs as it stops
    assert "stops: a query ran past the memory limit" in server.log.read_text()


def test_a_burst_of_runaways_leaves_room_for_cheap_queries(server: Served) -> None:
    """Ten runaways at once: each is stopped early, and no cheap query waits behind them."""
    cheap: list[int] = []
    stop = threading.Event()

    def light() -> None:
        for i in range(400):  # bounded; ends early when the runaways are answered
            if stop.is_set():
                return
            cheap.append(ask(server, f"ASK {{ ?s <{EX}value> {i} }}", timeout=6)[0])

    with ThreadPoolExecutor(12) as pool:
        clients = [pool.submit(light) for _ in range(2)]
        time.sleep(0.2)
        runaways = list(pool.map(lambda _: ask(server, RUNAWAY, timeout=30), range(10)))
        stop.set()
        for client in clients:
            client.result()
    overloaded = [r for r in runaways if r[0] == 503 and code(r[2]) == "overloaded"]
    assert overloaded, [(s, b) for s, _, b in runaways]
    assert all(h.get("Retry-After") for _, h, _ in overloaded)
    assert all(s == 503 for s, _, _ in runaways), [(s, b) for s, _, b in runaways]
    assert cheap and set(cheap) == {200}
    assert healthy(server)


def test_a_stopping_worker_takes_only_short_work() -> None:
    from fdigraph.errors import Overloaded
    from fdigraph.web.engine import Runner

    runner = Runner()  # not the process's own: this one believes it serves under gunicorn
    runner.configure(memory_limit=0, expensive_after=0.1)
    runner.served = runner.stopping = True
    assert runner.run(lambda: 42, 5.0) == 42
    with pytest.raises(Overloaded) as caught:
        runner.run(lambda: time.sleep(1), 5.0)
    assert caught.value.retry_after == 1


@pytest.mark.parametrize(
    ("path", "wanted"),
    [
        (
            "/sparql?"
            + urllib.parse.urlencode({"query": "SELECT (<urn:no-such-function>(1) AS ?x) {}"}),
            "unknown function <urn:no-such-function>",
        ),
        ("/queries/motto-criteria?part=%22%7D%20%3B%20DROP%20ALL%20%23", "parameter 'part'"),
    ],
)
def test_client_mistakes_are_400s(server: Served, path: str, wanted: str) -> None:
    status, _, body = fetch(server.url + path)
    assert status == 400, body
    assert wanted in json.loads(body)["error"]


def label_file(root: Path, label: str) -> Path:
    path = root / f"{label}.nt"
    path.write_text(f'<{EX}thing> <{EX}label> "{label}" .\n', encoding="utf-8")
    return path


def labels_seen(served: Served, times: int) -> set[str]:
    seen = set()
    for _ in range(times):  # each on a new connection, so both workers answer
        status, _, body = ask(served, f"SELECT ?l WHERE {{ <{EX}thing> <{EX}label> ?l }}")
        assert status == 200, body
        seen |= {b["l"]["value"] for b in json.loads(body)["results"]["bindings"]}
    return seen


def replace_a_worker(served: Served) -> None:
    """kill -9 the newest worker and wait (bounded) for gunicorn to boot its replacement."""
    booted = workers(served)
    os.kill(booted[-1], signal.SIGKILL)
    for _ in range(100):
        time.sleep(0.1)
        now = workers(served)
        if len(now) == len(booted) and booted[-1] not in now:
            break
    time.sleep(0.5)
    assert healthy(served)


def test_one_build_for_the_server_s_life(tmp_path: Path) -> None:
    """Rebuilt twice while served from disk, with workers replaced: the first build only."""
    dist = tmp_path / "dist"
    first = load_files([label_file(tmp_path, "old")], dist / "store")
    settings = {"FDIGRAPH_STORE_PATH": str(dist / "store"), "FDIGRAPH_IN_MEMORY": "false"}
    args = ("--workers", "2", "--front", "none")
    with serving(None, tmp_path / "server.log", *args, settings=settings) as served:
        assert labels_seen(served, 4) == {"old"}
        load_files([label_file(tmp_path, "new")], dist / "store")
        replace_a_worker(served)
        assert labels_seen(served, 12) == {"old"}
        load_files([label_file(tmp_path, "newer")], dist / "store")  # prunes the oldest
        assert (dist / f"store-{first.build}").is_dir()  # leased: the server holds it
        replace_a_worker(served)
        assert labels_seen(served, 12) == {"old"}
        assert json.loads(fetch(served.url + "/health")[2])["build"] == first.build
    load_files([label_file(tmp_path, "newest")], dist / "store")  # no server: pruned now
    assert not (dist / f"store-{first.build}").exists()


def corrupt_the_largest_sst(store: Path) -> None:
    largest = max(store.resolve().glob("*.sst"), key=lambda p: p.stat().st_size)
    data = bytearray(largest.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(b ^ 0xFF for b in data[middle : middle + 64])
    largest.write_bytes(bytes(data))  # same size


@pytest.mark.parametrize("in_memory", ["false", "true"])
def test_a_damaged_store_refuses_to_start(tmp_path: Path, in_memory: str) -> None:
    load_files([label_file(tmp_path, "old")], tmp_path / "store")
    corrupt_the_largest_sst(tmp_path / "store")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FDIGRAPH_")}
    env["FDIGRAPH_IN_MEMORY"] = in_memory
    argv = [sys.executable, "-m", "fdigraph", "serve", "--store", str(tmp_path / "store")]
    argv += ["--port", str(free_port()), "--front", "none"]
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode != 0
    assert "is damaged" in done.stderr and ".sst does not match the checksum" in done.stderr


def test_health_says_what_was_checked(server: Served) -> None:
    status, _, body = fetch(server.url + "/health")
    checked = json.loads(body)["checked"]
    assert status == 200 and checked["method"] == "sha256" and checked["complete"] is True
    assert checked["files"] > 0 and checked["bytes"] > 0


BIG = {
    "MAX_TRIPLE_PATTERNS": "ASK { " + " . ".join(f"?s ?p{i} ?o{i}" for i in range(2000)) + " }",
    "MAX_EXPRESSION_LENGTH": "ASK { ?s ?p ?o FILTER("
    + "||".join(f"?o={i}" for i in range(5000))
    + ") }",
    "MAX_COLLECTION_LENGTH": "ASK { ?s ?p (" + " ".join(str(i) for i in range(5000)) + ") }",
}
PLUS = "SELECT (" + "+".join(["1"] * 20000) + " AS ?x) {}"


def post(served: Served, query: str) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(
        served.endpoint, data=query.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    try:
        with urllib.request.urlopen(req, timeout=15) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, dict(err.headers), err.read()


@pytest.mark.parametrize(
    ("query", "setting"),
    [*((q, s) for s, q in BIG.items()), (PLUS, "MAX_EXPRESSION_LENGTH")],
    ids=["patterns", "or-filter", "collection", "plus"],
)
def test_large_queries_are_refused_before_the_engine(
    server: Served, query: str, setting: str
) -> None:
    assert len(query) < 65536  # under FDIGRAPH_MAX_QUERY_LENGTH: this limit is another
    status, _, body = post(server, query)
    assert status == 400, body
    answer = json.loads(body)
    assert answer["code"] == "limit_exceeded" and f"FDIGRAPH_{setting}" in answer["error"]
    assert healthy(server)
