"""`fdigraph publish` against a real Oxigraph server: both protocols, replacement, failures."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from tests.external.conftest import Oxigraph

from fdigraph.build import BuildResult
from fdigraph.cli import main
from fdigraph.errors import FdigraphError
from fdigraph.publish import publish

pytestmark = pytest.mark.e2e

COUNT = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def counts(server: Oxigraph) -> dict[str, int]:
    return {row["g"]: int(row["n"]) for row in server.ask(COUNT)}


def expected(built: BuildResult) -> dict[str, int]:
    out: dict[str, int] = {}
    for line in (built.dist / "fdigraph.nq").read_text(encoding="utf-8").splitlines():
        graph = line[line.rindex(" <") + 2 : -3]
        out[graph] = out.get(graph, 0) + 1
    return out


def test_graph_store_protocol_replaces_each_graph(built: BuildResult, oxigraph: Oxigraph) -> None:
    nq = built.dist / "fdigraph.nq"
    first = publish(nq, store_url=oxigraph.store)
    assert counts(oxigraph) == expected(built) == first.graphs
    publish(nq, store_url=oxigraph.store)  # a second run replaces, never duplicates
    assert counts(oxigraph) == expected(built)


def test_sparql_update_swaps_all_graphs_in_at_once(built: BuildResult, oxigraph: Oxigraph) -> None:
    httpx.post(
        oxigraph.update,
        content="INSERT DATA { GRAPH <https://fdigraph.example/graph/data> { <x:old> <x:p> 1 } }",
        headers={"Content-Type": "application/sparql-update"},
    ).raise_for_status()
    report = publish(built.dist / "fdigraph.nq", update_url=oxigraph.update, progress=None)
    assert report.graphs == expected(built) == counts(oxigraph)
    assert oxigraph.ask("SELECT ?g WHERE { GRAPH ?g { <x:old> ?p ?o } }") == []
    assert not [g for g in counts(oxigraph) if g.startswith("urn:fdigraph:staging")]


def test_everything_into_one_graph(built: BuildResult, oxigraph: Oxigraph) -> None:
    publish(built.dist / "fdigraph.nq", store_url=oxigraph.store, graph="http://example.org/fdi")
    assert counts(oxigraph) == {"http://example.org/fdi": sum(expected(built).values())}


class _FailingProxy(http.server.BaseHTTPRequestHandler):
    """Forwards to a real Oxigraph, but fails the n-th PUT and every update that MOVEs."""

    target = ""
    fail_put = 2
    puts = 0

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.headers.get("Transfer-Encoding") == "chunked":
            body = self._chunked()
        cls = type(self)
        if self.command == "PUT":
            cls.puts += 1
            if cls.puts == cls.fail_put:
                self.send_response(500)
                self.end_headers()
                self.wfile.write(b"injected failure")
                return
        if self.command == "POST" and b"MOVE" in body:
            self.send_response(503)
            self.end_headers()
            return
        headers = {k: v for k, v in self.headers.items() if k.lower() in {"content-type", "accept"}}
        response = httpx.request(
            self.command, cls.target + self.path, content=body, headers=headers, timeout=30
        )
        self.send_response(response.status_code)
        self.send_header("Content-Length", str(len(response.content)))
        if "content-type" in response.headers:
            self.send_header("Content-Type", response.headers["content-type"])
        self.end_headers()
        self.wfile.write(response.content)

    def _chunked(self) -> bytes:
        out = b""
        while True:
            size = int(self.rfile.readline().strip(), 16)
            if size == 0:
                self.rfile.readline()
                return out
            out += self.rfile.read(size)
            self.rfile.readline()

    do_GET = do_PUT = do_POST = do_DELETE = _forward

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def failing_proxy(oxigraph: Oxigraph) -> Iterator[str]:
    handler = type("Proxy", (_FailingProxy,), {"target": oxigraph.url, "puts": 0})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_failed_put_restores_the_graphs_already_replaced(
    built: BuildResult, oxigraph: Oxigraph, failing_proxy: str, tmp_path: Path
) -> None:
    old = tmp_path / "old.nq"
    graphs = sorted(expected(built))
    old.write_text("".join(f'<x:s> <x:p> "before" <{g}> .\n' for g in graphs), encoding="utf-8")
    publish(old, store_url=oxigraph.store)
    before = counts(oxigraph)
    with pytest.raises(FdigraphError, match="1 graph\\(s\\) already replaced were restored"):
        publish(built.dist / "fdigraph.nq", store_url=failing_proxy + "/store")
    assert counts(oxigraph) == before


def test_a_failed_swap_leaves_the_targets_untouched(
    built: BuildResult, oxigraph: Oxigraph, failing_proxy: str
) -> None:
    publish(built.dist / "fdigraph.nq", store_url=oxigraph.store)
    before = counts(oxigraph)
    with pytest.raises(
        FdigraphError, match="target graphs are unchanged and the staging graphs were dropped"
    ):
        publish(built.dist / "fdigraph.nq", update_url=failing_proxy + "/update")
    assert counts(oxigraph) == before


def test_an_unreachable_store_is_reported_plainly(built: BuildResult) -> None:
    from tests.external.conftest import free_port

    with pytest.raises(FdigraphError, match="no graph was changed"):
        publish(
            built.dist / "fdigraph.nq", store_url=f"http://127.0.0.1:{free_port()}/store", timeout=2
        )


def test_cli_publishes_with_progress(
    built: BuildResult, oxigraph: Oxigraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FDIGRAPH_DIST_DIR", str(built.dist))
    result = CliRunner().invoke(main, ["publish", "--to", oxigraph.store])
    assert result.exit_code == 0, result.output
    assert f"published {sum(expected(built).values())} triples" in result.output
    assert "100%" in result.output
