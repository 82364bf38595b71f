"""The nginx cache front of `fdigraph serve`: the real nginx in front of the real server."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph
from tests.serving import Served, children, command_line, serving, wait_healthy
from tests.web.conftest import EX, make_app

from fdigraph import front
from fdigraph.errors import ConfigError
from fdigraph.store import load_files

NGINX = front.find_nginx()
needs_nginx = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (make install)")
ASK = f"ASK {{ <{EX}ha-noi> ?p ?o }}"


def test_choose_follows_the_mode_and_the_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(front, "find_nginx", lambda: "/opt/nginx")
    assert front.choose("auto", remote=False) == "/opt/nginx"
    assert front.choose("auto", remote=True) is None  # remote data can change under a cache
    assert front.choose("nginx", remote=True) == "/opt/nginx"
    assert front.choose("none", remote=False) is None
    with pytest.raises(ConfigError, match="one of auto, nginx, none"):
        front.choose("varnish", remote=False)
    monkeypatch.setattr(front, "find_nginx", lambda: None)
    assert front.choose("auto", remote=False) is None
    with pytest.raises(ConfigError, match="nginx is not installed"):
        front.choose("nginx", remote=False)


@needs_nginx
def test_the_written_config_is_valid_nginx(tmp_path: Path) -> None:
    proxy = front.Front(str(NGINX), "127.0.0.1", 1, 10.0, 1024, "https://a.example b", tmp_path)
    (tmp_path / "nginx.conf").write_text(proxy.config(), encoding="utf-8")
    argv = [str(NGINX), "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", "stderr"]
    checked = subprocess.run([*argv, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    conf = proxy.config()
    assert "client_max_body_size 1024;" in conf and "proxy_read_timeout 40s;" in conf
    assert "'https://a.example' $http_origin;" in conf  # CORS on nginx's own errors
    # nginx's own refusals in the app's error shape; 494 (headers too large) goes out as 431
    assert "error_page 494 =431 /_fdigraph_error_494;" in conf
    assert "error_page 501 =501 /_fdigraph_error_501;" in conf
    assert "large_client_header_buffers 8 1048576;" in conf
    assert "client_header_timeout 10s;" in conf  # slow clients (FDIGRAPH_HEADER_TIMEOUT)
    # the app is passed exactly the header values the cache key holds
    for name, variable in (("Accept", "$http_accept"), ("Cookie", "$fdigraph_cookie")):
        assert f"proxy_set_header {name} {variable};" in conf
    assert "$cookie_lang" not in conf  # nginx matches a cookie's name in any case


def test_the_app_marks_for_nginx_only_what_may_be_kept(store_path: Path) -> None:
    fronted = make_app(store_path, FRONT_CACHE=True).test_client()
    kept = fronted.get("/sparql", query_string={"query": "ASK {}"})
    assert kept.status_code == 200 and kept.headers["X-Accel-Expires"] == str(front.KEEP_SECONDS)
    assert fronted.get("/search", query_string={"q": "ha noi"}).headers.get("X-Accel-Expires")
    for refused in (
        fronted.get("/sparql", query_string={"query": "ASK {"}),  # 400
        fronted.get("/health"),  # says whether the store is open now
        fronted.get("/id/nothing/here"),  # 404
    ):
        assert "X-Accel-Expires" not in refused.headers, refused.status
    alone = make_app(store_path).test_client()
    assert "X-Accel-Expires" not in alone.get("/sparql", query_string={"query": "ASK {}"}).headers


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, dict(err.headers), err.read()


def query_url(served: Served, query: str) -> str:
    return served.endpoint + "?" + urllib.parse.urlencode({"query": query})


@pytest.fixture(scope="module")
def served(store: Path) -> Iterator[Served]:
    if NGINX is None:
        pytest.skip("nginx is not installed (make install)")
    with serving(store, store.parent / "front.log", "--front", "nginx", "--workers", "1") as s:
        yield s


@pytest.mark.e2e
def test_a_repeated_get_is_answered_by_nginx(served: Served) -> None:
    url = query_url(served, f"SELECT ?s WHERE {{ ?s a <{EX}Province> }} ORDER BY ?s # front")
    accept = {"Accept": "application/sparql-results+json"}
    first, again, third = (get(url, accept) for _ in range(3))
    assert first[0] == third[0] == 200
    # kept from its second request on (a one-off query never costs a cache write)
    assert [r[1]["Fdigraph-Cache"] for r in (first, again, third)] == ["MISS", "MISS", "HIT"]
    second = third
    assert first[2] == second[2] and first[1]["ETag"] == second[1]["ETag"]
    rows = json.loads(second[2])["results"]["bindings"]
    assert [r["s"]["value"] for r in rows] == [f"{EX}bac-giang", f"{EX}ha-noi", f"{EX}hai-phong"]
    assert "X-Accel-Expires" not in second[1]  # nginx's instruction, never forwarded
    assert second[1]["Access-Control-Allow-Origin"] == "*"
    status, headers, body = get(url, {**accept, "If-None-Match": first[1]["ETag"]})
    assert (status, body, headers["Fdigraph-Cache"]) == (304, b"", "HIT")


@pytest.mark.e2e
def test_each_format_is_kept_apart(served: Served) -> None:
    url = query_url(served, f"CONSTRUCT WHERE {{ <{EX}vietnam> ?p ?o }} # formats")
    for accept, fmt in (("text/turtle", "turtle"), ("application/n-triples", "nt")) * 3:
        status, headers, body = get(url, {"Accept": accept})
        assert status == 200 and headers["Content-Type"].startswith(accept)
        assert len(Graph().parse(data=body, format=fmt)) == 2
    assert headers["Fdigraph-Cache"] == "HIT"


@pytest.mark.e2e
def test_errors_and_posts_are_not_kept(served: Served) -> None:
    url = query_url(served, "SELECT * WHERE { ?s ?p }")
    for _ in range(2):
        status, headers, body = get(url)
        assert status == 400 and headers["Fdigraph-Cache"] == "MISS"
        assert json.loads(body)["line"] == 1
    for _ in range(2):
        req = urllib.request.Request(
            served.endpoint, data=ASK.encode(), headers={"Content-Type": "application/sparql-query"}
        )
        with urllib.request.urlopen(req, timeout=10) as r:
            assert json.load(r)["boolean"] is True
            assert r.headers.get("Fdigraph-Cache") in (None, "BYPASS")


@pytest.mark.e2e
def test_what_nginx_refuses_it_refuses_in_the_apps_error_shape(served: Served) -> None:
    host, port = urllib.parse.urlsplit(served.url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        line = b"GET /sparql?query=" + b"A" * 1_100_000 + b" HTTP/1.1\r\n"
        sock.sendall(line + b"Host: x\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 414") and b"Access-Control-Allow-Origin: *" in head
    assert json.loads(body) == {
        "ok": False,
        "status": 414,
        "code": "bad_request",
        "error": "the request line is longer than 1048576 bytes; send the query by POST",
    }
    req = urllib.request.Request(
        served.endpoint,
        data=b"ASK {} #" + b"x" * 1_100_000,
        headers={"Content-Type": "application/sparql-query"},
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(req, timeout=10)
    with caught.value as err:
        assert err.code == 413 and json.loads(err.read())["code"] == "payload_too_large"


@pytest.mark.e2e
def test_nginx_writes_the_access_log(served: Served) -> None:
    url = query_url(served, ASK + " # logged")
    for _ in range(3):
        get(url)
    deadline = time.monotonic() + 5  # nginx flushes its log buffer every second
    wanted = ("cache=MISS", "cache=MISS", "cache=HIT")
    while time.monotonic() < deadline:
        lines = [x for x in served.log.read_text().splitlines() if "logged HTTP/1.1" in x]
        if len(lines) >= 3:
            break
        time.sleep(0.2)
    # each nginx worker flushes its own log buffer, so the lines may come in any order
    assert sorted(line.rsplit(" ", 1)[1] for line in lines) == sorted(wanted)
    assert all(line.startswith('127.0.0.1 "GET /sparql?query=') for line in lines)
    assert all(line.split()[-2].endswith("s") for line in lines)  # seconds the request took


def group(leader: int) -> list[int]:
    """Live processes in the process group ``leader`` leads (nginx's master and workers)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z" and int(fields[2]) == leader:
                pids.append(int(entry.name))
    return pids


def wait_empty(leader: int, seconds: float = 10) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := group(leader)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def run_dir_of(served: Served) -> str:
    """The nginx front's run folder: the ``-p`` of the nginx the server started."""
    for pid in children(served.process.pid):
        argv = command_line(pid)
        if "nginx" in " ".join(argv) and "-p" in argv:
            return argv[argv.index("-p") + 1]
    raise AssertionError("no nginx under the server:\n" + served.log.read_text())


@pytest.mark.e2e
@needs_nginx
def test_sigterm_stops_both_and_cleans_up(store: Path, tmp_path: Path) -> None:
    with serving(store, tmp_path / "log", "--front", "nginx", "--workers", "1") as s:
        run_dir = run_dir_of(s)
        master = int((Path(run_dir) / "nginx.pid").read_text())
        assert len(group(master)) >= 2  # the master and its worker
        s.process.send_signal(signal.SIGTERM)
        assert s.process.wait(15) == 0
    assert not wait_empty(master) and not Path(run_dir).exists()
    with pytest.raises(OSError):
        urllib.request.urlopen(s.url + "/health", timeout=2)


@pytest.mark.e2e
@needs_nginx
def test_sigterm_refuses_new_clients_and_answers_those_in_flight(tmp_path: Path) -> None:
    """Told to stop, nginx lets nobody new in (no 502 while gunicorn drains)."""
    import http.client
    import threading

    data = tmp_path / "many.nt"  # 300 triples: the query below runs far past 3 s on them
    data.write_text(
        "".join(f"<http://e/s{i}> <http://e/p> <http://e/o{i}> .\n" for i in range(300)),
        encoding="utf-8",
    )
    load_files([data], tmp_path / "store")
    settings = {"FDIGRAPH_QUERY_TIMEOUT": "3"}
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(?c != ?i) }"
    args = ("--front", "nginx", "--workers", "1")
    with serving(tmp_path / "store", tmp_path / "log", *args, settings=settings) as s:
        port = int(s.url.rsplit(":", 1)[1])
        answered: list[tuple[int, float]] = []

        def in_flight() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
            try:
                conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": runaway}))
                answered.append((conn.getresponse().status, time.monotonic()))
            finally:
                conn.close()

        thread = threading.Thread(target=in_flight)
        thread.start()
        time.sleep(0.5)  # the query is running
        s.process.send_signal(signal.SIGTERM)
        told = time.monotonic()
        time.sleep(0.2)
        later: list[int | str] = []
        for _ in range(10):  # bounded: ten tries over about a second
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                conn.request("GET", "/health")
                later.append(conn.getresponse().status)
            except ConnectionRefusedError:
                later.append("refused")
            finally:
                conn.close()
            time.sleep(0.1)
        thread.join(20)
        assert s.process.wait(20) == 0
    assert later == ["refused"] * 10, later  # never a 502 "starting or restarting"
    # the query in flight when the server was told to stop got its answer (the time
    # limit's 503), after that
    assert [status for status, _ in answered] == [503] and answered[0][1] > told


@pytest.mark.e2e
@needs_nginx
def test_a_killed_server_takes_nginx_with_it(store: Path, tmp_path: Path) -> None:
    with serving(store, tmp_path / "log", "--front", "nginx", "--workers", "1") as s:
        run_dir = Path(run_dir_of(s))
        master = int((run_dir / "nginx.pid").read_text())
        s.process.send_signal(signal.SIGKILL)
        s.process.wait(5)
        assert not wait_empty(master)
    shutil.rmtree(run_dir)  # what a killed server could not remove


@pytest.mark.e2e
@needs_nginx
def test_a_port_in_use_is_a_clear_error(store: Path, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("FDIGRAPH_")}
        done = subprocess.run(
            [sys.executable, "-m", "fdigraph", "serve", "--store", str(store),
             "--port", str(port), "--front", "nginx"],
            capture_output=True, text=True, env=env, timeout=60,
        )  # fmt: skip
    assert done.returncode == 1
    assert f"is 127.0.0.1:{port} already in use?" in done.stderr


@pytest.mark.e2e
def test_without_the_front_gunicorn_serves_and_logs(store: Path, tmp_path: Path) -> None:
    with serving(store, tmp_path / "log", "--front", "none", "--workers", "1") as s:
        status, headers, body = get(query_url(s, ASK), {"Accept": "text/csv"})
        assert status == 200 and body.strip() == b"true" and "Fdigraph-Cache" not in headers
        assert headers.get("Server", "").startswith("gunicorn")
        wait_healthy(s)
    assert '"GET /sparql?query=ASK' in s.log.read_text()  # gunicorn's own access line


@pytest.mark.e2e
@needs_nginx
def test_if_nginx_dies_the_server_stops_and_says_why(store: Path, tmp_path: Path) -> None:
    with serving(store, tmp_path / "log", "--front", "nginx", "--workers", "1") as s:
        run_dir = run_dir_of(s)
        master = int((Path(run_dir) / "nginx.pid").read_text())
        os.kill(master, signal.SIGKILL)  # its workers are left holding the port
        assert s.process.wait(20) == 1
        assert not wait_empty(master)
    log = s.log.read_text()
    assert "the nginx front ended unexpectedly; its messages are above" in log, log[-600:]
    assert "fdigraph stopped" in log and not Path(run_dir).exists()


@pytest.mark.e2e
def test_pages_are_kept_per_language(served: Served) -> None:
    url = served.url + "/search?q=ha+noi"
    for lang in ("en", "vi", "en", "vi", "en"):
        status, headers, body = get(url, {"Accept-Language": lang})
        assert status == 200 and headers["Content-Language"] == lang
    assert headers["Fdigraph-Cache"] == "HIT"
    status, headers, _ = get(url, {"Accept-Language": "vi", "Cookie": "lang=en"})
    assert (headers["Content-Language"], headers["Fdigraph-Cache"]) == ("en", "MISS")
    for _ in range(2):  # choosing a language sets the cookie: never kept
        status, headers, _ = get(url + "&lang=en", {"Accept-Language": "vi"})
        assert "lang=en" in headers["Set-Cookie"] and headers["Fdigraph-Cache"] == "MISS"
    for _ in range(3):
        status, headers, body = get(url, {"Accept": "application/json"})
    assert headers["Fdigraph-Cache"] == "HIT" and json.loads(body)["query"] == "ha noi"


@pytest.mark.e2e
def test_health_is_never_kept(served: Served) -> None:
    for _ in range(2):
        status, headers, _ = get(served.url + "/health")
        assert status == 200 and headers["Fdigraph-Cache"] == "MISS"
