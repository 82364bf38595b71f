"""No query reaches the network: SERVICE as the engine reads it, against the real server.

Each of ATTACKS made pyoxigraph POST to the named URL through the old check (issue 12,
item 1); MISREADINGS catch a check that reads the text otherwise than the engine does.
All are run against the engine alone (to show they are real), against the check, and
against ``fdigraph serve`` with and without its nginx front, with a listener on
127.0.0.1 that must receive nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import re
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox
import pytest
from tests.serving import Served, free_port, serving
from tests.web.conftest import NUMBERS, TRIG, make_app

from fdigraph import front, lexer, protocol, sandbox
from fdigraph.errors import QueryError, QueryRefused
from fdigraph.store import load_files

URL = "http://127.0.0.1:{port}"
# Each hid its SERVICE call from the old lexer: {url} is the listener's address.
ATTACKS = {
    "u escape in an IRI": (
        r"PREFIX ex: <http://e/\u0061#> SELECT * WHERE { SERVICE <{url}/internal> { ?x ?y ?z } }"
    ),
    "U escape in an IRI": (
        r"PREFIX ex: <http://e/\U00000061#> SELECT * WHERE { SERVICE <{url}/a> { ?x ?y ?z } }"
    ),
    "escaped # in a prefixed name": (
        r"PREFIX ex: <http://e/> SELECT * WHERE { BIND(ex:a\#b AS ?q) SERVICE <{url}/> { ?x ?y ?z } }"
    ),
    "lower case, after an escape": (
        r"prefix ex: <http://e/\u0061#> select * where { service <{url}/> { ?x ?y ?z } }"
    ),
    "SILENT, after an escape": (
        r"PREFIX ex: <http://e/\u0061#> SELECT * WHERE { SERVICE SILENT <{url}/> { ?x ?y ?z } }"
    ),
    "a prefixed endpoint, after an escape": (
        r"PREFIX ex: <http://e/\u0061#> PREFIX t: <{url}/> SELECT * WHERE "
        r"{ SERVICE t:sparql { ?x ?y ?z } }"
    ),
    # the letters of a keyword are matched with no word boundary: SERVICE then :x
    "service:x is SERVICE :x": "PREFIX : <{url}/> SELECT * WHERE { service:x { ?x ?y ?z } }",
}
# Texts that a check reading them otherwise than the engine gets wrong (the old lexer
# read these right; rdflib's parser, for one, finds no call in the last two).
MISREADINGS = {
    "escape in the endpoint": r"SELECT * WHERE { SERVICE <{url}/\u0061> { ?x ?y ?z } }",
    # what an engine that unescapes first (SPARQL 1.1 §19.2) would read as a string end
    "an escaped quote before #": (
        'SELECT * WHERE { BIND("a\\u0022 # " AS ?y) SERVICE <{url}/> { ?x ?y ?z } BIND("b"\n'
        "AS ?w) }"
    ),
    "a comment ended by CR": "SELECT * WHERE { # note\r SERVICE <{url}/> { ?x ?y ?z } }",
}
# Queries that mention the word but call nothing: they must still be answered.
HARMLESS = {
    "in a string": 'SELECT ?service WHERE {{ BIND("SERVICE <{url}/> {{}}" AS ?service) }}',
    "in a long string": "SELECT ?x WHERE {{ BIND('''\nSERVICE <{url}/> {{}}\n''' AS ?x) }}",
    "in a comment": "SELECT * WHERE {{ # SERVICE <{url}/> {{}}\n ?s ?p ?o }} LIMIT 1",
    "in an IRI": "SELECT * WHERE {{ ?s ?p ?o FILTER(?p != <{url}/service>) }} LIMIT 1",
    "in a local name": (
        "PREFIX ex: <{url}/> SELECT * WHERE {{ ?s ?p ?o FILTER(?p != ex:service) }} LIMIT 1"
    ),
    "with escapes elsewhere": r'SELECT ?service WHERE {{ BIND("caf\u00e9" AS ?service) }}',
}


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.url = URL.format(port=self.sock.getsockname()[1])
        self.hits: list[str] = []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.done.is_set():
            try:
                conn, addr = self.sock.accept()
            except TimeoutError:
                continue
            self.hits.append(str(addr))
            conn.close()

    def close(self) -> None:
        self.done.set()
        self.thread.join(5)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.close()


ALL = {**ATTACKS, **MISREADINGS}


def attack(name: str, url: str) -> str:
    return ALL[name].replace("{url}", url)


@pytest.mark.parametrize("name", ALL)
def test_each_attack_reaches_the_network_through_the_engine_alone(
    name: str, listener: Listener
) -> None:
    """The attacks are real: pyoxigraph, asked directly, connects to the listener."""
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("o")))
    with contextlib.suppress(OSError):  # the listener hangs up without answering
        solutions = store.query(attack(name, listener.url))
        assert isinstance(solutions, ox.QuerySolutions)
        list(solutions)
    listener.close()
    assert listener.hits


def test_the_engine_reads_escapes_only_inside_iris_and_strings() -> None:
    """pyoxigraph 0.5 runs no §19.2 pass: an escaped keyword is a syntax error."""
    with pytest.raises(SyntaxError):
        ox.Store().query(r"SELECT * WHERE { \u0053ERVICE <http://127.0.0.1:9/> {} }")
    assert lexer.mentions_service(r"\u0053ERVICE") and lexer.mentions_service(r"\u005Cu0073ervice")
    assert not lexer.mentions_service(r"SELECT * { ?s ?p 'servic\u00e9' }")


@pytest.mark.parametrize("name", ALL)
def test_the_check_refuses_each_attack(name: str) -> None:
    with pytest.raises(QueryRefused) as refused:
        protocol.inspect_query(attack(name, "http://127.0.0.1:9"), max_length=9999, max_nesting=9)
    assert refused.value.where is not None and refused.value.where.line in (1, 2)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("SELECT * { ?s ?p 1SERVICE <http://h/> { } }", "column 19: federated"),
        ("SELECT * { ?s ?p trueSERVICE <http://h/> { } }", "'trueSERVICE' may be read"),
        ("PREFIX e: <http://h/> SELECT * { SERVICE SILENTe:a { } }", "SILENT and more"),
        ("PREFIXe: <http://h/> PREFIX e: <http://h/> SELECT * { SERVICE e:a { } }", "declared"),
        (r"SELECT * { \u0053ERVICE <http://h/> { } }", "line 1, column 12"),
        # read after §19.2, placed in the client's text: column 21, not 16
        (r"SELECT * { # \u000a SERVICE <http://h/> { } }", "<http://h/> at line 1, column 21"),
        ("SELECT * {\n  SERVICE <http://h/> { } }", "at line 2, column 3: federated"),
        ("SELECT * { SERVICE ?e { } }", "(the endpoint is the variable ?e): federated"),
        ("SELECT * { SERVICE ex:e { } }", "(the prefix of ex:e is not declared once)"),
        ("SELECT * { SeRvIcE <http://h/> { } }", "switched off"),
    ],
)
def test_what_may_be_a_call_is_refused_and_placed(query: str, message: str) -> None:
    with pytest.raises(QueryRefused, match=re.escape(message)):
        protocol.inspect_query(query, max_length=9999, max_nesting=9)


def test_an_allowed_endpoint_passes_only_as_the_engine_would_read_it() -> None:
    allowed = ["http://127.0.0.1:9/sparql"]
    shape = protocol.inspect_query(
        r"PREFIX e: <http://127.0.0.1:9/> SELECT * { SERVICE e:sparql { ?s ?p ?o } "
        r"SERVICE SILENT <http://127.0.0.1:9/\u0073parql> {} }",
        max_length=1000,
        max_nesting=10,
        allowlist=allowed,
    )
    assert shape.services == ("http://127.0.0.1:9/sparql",)
    for query in (
        "PREFIX e: <http://127.0.0.1:9/> PREFIX e: <http://h/> SELECT * { SERVICE e:sparql {} }",
        "PREFIX e: <http://127.0.0.1:9/> SELECT * { SERVICE e:sparql {} SERVICE <http://h/> {} }",
        "SELECT * { SERVICE <http://127.0.0.1:9/x/../sparql> {} }",
    ):
        with pytest.raises(QueryRefused):
            protocol.inspect_query(query, max_length=1000, max_nesting=10, allowlist=allowed)


def test_an_apostrophe_in_an_iri_is_refused_as_ambiguous() -> None:
    # <ex:a('b> is an IRI here, and the operator < then a call of ex:a to pyoxigraph:
    # whichever the lexer chose, a string could start where the engine's does not.
    with pytest.raises(QueryError, match=r"apostrophe; write it as \\u0027"):
        protocol.inspect_query(
            "SELECT * { ?s ?p ?o FILTER(?o<ex:a('b> ')) }", max_length=999, max_nesting=9
        )


def test_the_lexer_never_skips_what_it_cannot_read() -> None:
    text = "SELECT * { ?s ?p ~ \\ ` ?o } # a\rb"
    toks = lexer.tokens(text)
    covered = "".join(text[t.start() : t.end()] for t in toks)
    assert covered == "SELECT*{?s?p~\\`?o}# ab"
    assert [t.group() for t in toks if t.lastgroup == "other"] == ["~", "\\", "`"]
    assert toks[-1].group() == "b"  # the comment ended at CR, as the engine ends it


@pytest.mark.parametrize("depth", [65, 32000])
def test_nesting_behind_an_escape_is_counted(depth: int) -> None:
    query = r"PREFIX ex: <http://e/\u0061#> SELECT * WHERE " + "{" * depth + "}" * depth
    with pytest.raises(QueryError, match="nests deeper than 64 levels"):
        protocol.inspect_query(query, max_length=65536, max_nesting=64)


@pytest.mark.parametrize("name", HARMLESS)
def test_the_word_alone_is_no_call(name: str) -> None:
    query = HARMLESS[name].format(url="http://127.0.0.1:9")
    assert protocol.inspect_query(query, max_length=999, max_nesting=9).services == ()


def test_only_a_query_with_the_word_is_read_for_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[str] = []
    real = lexer.service_calls

    def spy(text: str, toks: Sequence[re.Match[str]]) -> list[lexer.Call]:
        read.append(text)
        return real(text, toks)

    monkeypatch.setattr(lexer, "service_calls", spy)
    protocol.inspect_query(r"SELECT * { ?s ?p 'caf\u00e9' }", max_length=99, max_nesting=9)
    assert read == []  # the gate alone: no full reading
    protocol.inspect_query(r"SELECT * { ?s ?p 'caf\u00e9 service' }", max_length=99, max_nesting=9)
    assert read == [r"SELECT * { ?s ?p 'caf\u00e9 service' }", "SELECT * { ?s ?p 'café service' }"]


# --- the real server, both fronts ------------------------------------------------------


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ssrf")
    (root / "data.trig").write_text(TRIG, encoding="utf-8")
    (root / "numbers.nt").write_text(NUMBERS + "\n", encoding="utf-8")
    load_files([root / "data.trig", root / "numbers.nt"], root / "store")
    return root / "store"


@pytest.fixture(scope="module", params=["none", "nginx"])
def server(request: pytest.FixtureRequest, store: Path) -> Iterator[Served]:
    if request.param == "nginx" and front.find_nginx() is None:
        pytest.skip("nginx is not installed (make install)")
    log = store.parent / f"server-{request.param}.log"
    with serving(store, log, "--front", request.param, "--workers", "1") as served:
        yield served


def ask(served: Served, query: str, post: bool = False) -> tuple[int, dict[str, object]]:
    if post:
        req = urllib.request.Request(
            served.endpoint, query.encode(), {"Content-Type": "application/sparql-query"}
        )
    else:
        req = urllib.request.Request(
            served.endpoint + "?" + urllib.parse.urlencode({"query": query})
        )
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as err:
        with err:
            return err.code, json.load(err)


@pytest.mark.e2e
@pytest.mark.parametrize("name", ALL)
def test_the_server_refuses_each_attack_and_calls_nothing(
    server: Served, listener: Listener, name: str
) -> None:
    answers = [ask(server, attack(name, listener.url), post) for post in (False, True)]
    listener.close()  # joins the thread: every connection made so far is recorded
    assert listener.hits == []
    for status, body in answers:
        assert (status, body["code"]) == (400, "query_refused"), body
        assert "line" in body and "column" in body


@pytest.mark.e2e
def test_the_server_refuses_deep_nesting_behind_an_escape(server: Served) -> None:
    deep = r"PREFIX ex: <http://e/\u0061#> SELECT * WHERE " + "{" * 32000 + "}" * 32000
    status, body = ask(server, deep, post=True)
    assert (status, body["code"]) == (400, "limit_exceeded"), body
    status, _ = ask(server, "ASK {}")
    assert status == 200


@pytest.mark.e2e
def test_the_server_answers_queries_that_only_mention_the_word(
    server: Served, listener: Listener
) -> None:
    for name, query in HARMLESS.items():
        status, body = ask(server, query.format(url=listener.url))
        assert status == 200, (name, body)
    listener.close()
    assert listener.hits == []


# --- the network sandbox ---------------------------------------------------------------


def children(pid: int) -> list[int]:
    """Live child processes of ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def workers(served: Served) -> list[int]:
    """The gunicorn workers of a server (its children that are not nginx)."""
    return [
        p
        for p in children(served.process.pid)
        if Path(f"/proc/{p}/comm").read_text().strip() != "nginx"
    ]


def health(served: Served) -> dict[str, object]:
    with urllib.request.urlopen(served.url + "/health", timeout=10) as r:
        found: dict[str, object] = json.load(r)
        return found


def in_child(run: Callable[[], str]) -> str:
    """What ``run`` returns in a forked child (whose namespaces end with it)."""
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        try:
            os.write(write, run().encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as answer:
        said = answer.read().decode()
    os.waitpid(child, 0)
    return said


def connect_from(pid: int, port: int) -> str:
    """In a child moved into ``pid``'s network namespace, connect to 127.0.0.1:port."""

    def run() -> str:
        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open(f"/proc/{pid}/ns/net", os.O_RDONLY)
        if libc.setns(fd, sandbox.CLONE_NEWNET) != 0:
            return "setns: " + os.strerror(ctypes.get_errno())
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
        except OSError as err:
            return err.strerror or str(err)
        return "connected"

    return in_child(run)


needs_namespaces = pytest.mark.skipif(
    sandbox.probe() != "on", reason="this kernel or container forbids network namespaces"
)


@pytest.mark.e2e
@needs_namespaces
def test_each_worker_is_in_a_network_namespace_of_its_own(
    server: Served, listener: Listener
) -> None:
    assert health(server)["network_sandbox"] == "on"
    ours = os.readlink("/proc/self/ns/net")
    assert os.readlink(f"/proc/{server.process.pid}/ns/net") == ours  # the arbiter: ours
    found = workers(server)
    assert found, "no worker found"
    for pid in found:
        assert os.readlink(f"/proc/{pid}/ns/net") != ours
    # a query that reached the engine would open its socket where the worker is: there,
    # not even 127.0.0.1 can be reached (run only where this test may enter it: root)
    port = int(listener.url.rsplit(":", 1)[1])
    said = connect_from(found[0], port)
    if said.startswith("setns"):
        pytest.skip(f"cannot enter the worker's namespace to try ({said})")
    assert said == "Network is unreachable"
    assert connect_from(os.getpid(), port) == "connected"  # the way it is tried works
    listener.close()
    assert len(listener.hits) == 1  # only the control connection


@needs_namespaces
def test_an_engine_in_the_sandbox_cannot_reach_the_listener(listener: Listener) -> None:
    """What a SERVICE call that got past the check would meet, in a worker like process."""

    def run() -> str:
        state = sandbox.isolate()
        try:
            found = ox.Store().query(f"SELECT * {{ SERVICE <{listener.url}/> {{ ?s ?p ?o }} }}")
            assert isinstance(found, ox.QuerySolutions)
            return f"{state}: answered {list(found)}"
        except OSError as err:
            return f"{state}: {err}"

    said = in_child(run)
    listener.close()
    assert (said, listener.hits) == (
        f"on: Network is unreachable (os error {errno.ENETUNREACH})",
        [],
    )


@pytest.mark.e2e
def test_with_an_allowlist_the_workers_keep_the_network(store: Path, listener: Listener) -> None:
    closed = free_port()  # nothing listens there: the allowed call fails
    allowed = f"http://127.0.0.1:{closed}/sparql"
    with serving(
        store,
        store.parent / "allowlist.log",
        "--front",
        "none",
        "--workers",
        "1",
        settings={"FDIGRAPH_SERVICE_ALLOWLIST": allowed},
    ) as served:
        said = health(served)["network_sandbox"]
        assert said == "off: FDIGRAPH_SERVICE_ALLOWLIST names endpoints"
        status, body = ask(served, f"SELECT * {{ SERVICE <{allowed}> {{ ?s ?p ?o }} }}")
        assert (status, body["code"]) == (502, "service_failed"), body
        assert f"SERVICE <{allowed}> failed: Connection refused" in str(body["error"])
        status, body = ask(served, attack("u escape in an IRI", listener.url))
        assert (status, body["code"]) == (400, "query_refused"), body
        assert "not in the allowed list" in str(body["error"])
    listener.close()
    assert listener.hits == []


@needs_namespaces
def test_a_call_the_check_missed_is_a_400_in_the_sandbox(
    store_path: Path, listener: Listener, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Were the text check wrong, the sandboxed engine fails and the client gets a 400."""
    monkeypatch.setattr(lexer, "mentions_service", lambda text: False)  # a check that misses
    client = make_app(store_path).test_client()

    def run() -> str:
        sandbox.isolate()
        query = f"SELECT * {{ SERVICE <{listener.url}/> {{ ?s ?p ?o }} }}"
        r = client.get("/sparql", query_string={"query": query})
        return f"{r.status_code} {r.get_json()['error']}"

    said = in_child(run)
    listener.close()
    assert listener.hits == []
    assert (
        said == "400 the query tried to open a network connection, which this endpoint never does"
    )


@needs_namespaces
@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to become another user")
def test_without_root_a_user_namespace_comes_with_it() -> None:
    def as_nobody(threads: int) -> Callable[[], str]:
        def run() -> str:
            os.setgid(65534)
            os.setuid(65534)
            stop = threading.Event()
            for _ in range(threads):
                threading.Thread(target=stop.wait, daemon=True).start()
            said = sandbox.isolate()
            stop.set()
            return f"{said} {os.getuid()}"

        return run

    assert in_child(as_nobody(0)) == "on 65534"  # still itself, seen from inside
    assert in_child(as_nobody(1)).startswith("off: not root, and a user namespace needs")


def test_a_machine_without_namespaces_says_so_once_and_serves(
    store_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from fdigraph.server import Server, options

    monkeypatch.setattr(sandbox, "probe", lambda: "off: no network namespaces on testos")
    monkeypatch.setattr(sandbox, "state", sandbox.state)
    settings = options(host="127.0.0.1", port=1, workers=1, timeout=1)
    app = Server({"STORE_PATH": str(store_path), "IN_MEMORY": False}, settings)
    assert app.load() is not None and app.isolate is False
    said = capsys.readouterr().err
    assert said.count("WARNING") == 1
    assert "workers keep the network (off: no network namespaces on testos)" in said


def test_the_gate_undoes_escapes_a_bounded_number_of_times(monkeypatch: pytest.MonkeyPatch) -> None:
    """13,000 layers of \\u005C fit in a query: undoing them all would cost seconds."""
    rounds: list[int] = []
    real = lexer.unescape

    def counted(text: str) -> lexer.Reading:
        rounds.append(1)
        return real(text)

    monkeypatch.setattr(lexer, "unescape", counted)
    layered = "SELECT * { ?s ?p '\\u005C" + "u005C" * 13000 + "u0041' }"
    assert lexer.mentions_service(layered)  # when unsure, the full check decides
    assert len(rounds) == lexer._ROUNDS
    rounds.clear()
    shape = protocol.inspect_query(layered, max_length=65536, max_nesting=9)
    assert shape.services == () and len(rounds) <= lexer._ROUNDS + 1


def test_the_workers_keep_the_network_only_when_they_need_it() -> None:
    assert sandbox.wanted("", remote=False) is None
    assert sandbox.wanted(" ", remote=False) is None
    assert sandbox.wanted("http://h/sparql", remote=False) == (
        "FDIGRAPH_SERVICE_ALLOWLIST names endpoints"
    )
    assert sandbox.wanted("", remote=True) == "the store is a remote endpoint"
