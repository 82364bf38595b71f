"""The dumps at /download/NAME, from a real `fdigraph serve` of the built article graph,
and their listing in VoID."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, XSD
from tests.serving import Served, serving
from tests.web.conftest import EX, make_app

from fdigraph.build import BuildResult
from fdigraph.store import load_files
from fdigraph.web.dumps import DUMPS

pytestmark = pytest.mark.e2e
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
IANA = "http://www.iana.org/assignments/media-types/"
MEDIA = {  # name: Content-Type sent
    "fdigraph.ttl": "text/turtle; charset=utf-8",
    "fdigraph.nt": "application/n-triples; charset=utf-8",
    "fdigraph.nq": "application/n-quads; charset=utf-8",
    "fdigraph.jsonld": "application/ld+json",
    **{f"fdigraph.{s}.gz": "application/gzip" for s in ("ttl", "nt", "nq", "jsonld")},
}
INNER = {  # name: the RDF media type inside (dcterms:format)
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "nq": "application/n-quads",
    "jsonld": "application/ld+json",
}


@pytest.fixture(scope="module")
def served(built: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    log = tmp_path_factory.mktemp("downloads") / "server.log"
    with serving(built.store_path, log, "--workers", "1") as server:
        yield server


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, dict(err.headers), err.read()


def raw_get(served: Served, path: str) -> int:
    """GET ``path`` exactly as written (urllib and browsers would tidy ``..`` away)."""
    where = urlsplit(served.url)
    conn = http.client.HTTPConnection(where.hostname, where.port, timeout=10)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        conn.endheaders()
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def test_every_dump_name_is_a_file_of_the_build(built: BuildResult) -> None:
    assert set(DUMPS) == set(MEDIA)
    assert all((built.dist / name).is_file() for name in DUMPS)


@pytest.mark.parametrize("name", sorted(MEDIA))
def test_dump_is_the_built_file(served: Served, built: BuildResult, name: str) -> None:
    status, headers, body = fetch(f"{served.url}/download/{name}")
    assert status == 200
    assert body == (built.dist / name).read_bytes()
    assert headers["Content-Type"] == MEDIA[name]
    assert "Content-Encoding" not in headers  # a .gz is sent as the file, never re-encoded
    assert int(headers["Content-Length"]) == len(body)
    etag = headers["ETag"]
    assert etag == f'"{built.info.build}-{name}"'
    again, kept, empty = fetch(f"{served.url}/download/{name}", {"If-None-Match": etag})
    assert again == 304 and empty == b"" and kept["ETag"] == etag
    other, _, whole = fetch(f"{served.url}/download/{name}", {"If-None-Match": '"other"'})
    assert other == 200 and whole == body


def test_head_of_a_dump(served: Served, built: BuildResult) -> None:
    req = urllib.request.Request(f"{served.url}/download/fdigraph.ttl.gz", method="HEAD")
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 200 and r.read() == b""
        size = (built.dist / "fdigraph.ttl.gz").stat().st_size
        assert int(r.headers["Content-Length"]) == size
        assert r.headers["ETag"] == f'"{built.info.build}-fdigraph.ttl.gz"'


def test_a_range_of_a_dump(served: Served, built: BuildResult) -> None:
    status, headers, body = fetch(f"{served.url}/download/fdigraph.nt", {"Range": "bytes=0-99"})
    assert status == 206 and body == (built.dist / "fdigraph.nt").read_bytes()[:100]
    assert headers["Content-Range"].startswith("bytes 0-99/")


@pytest.mark.parametrize(
    "path",
    [
        "/download/fdigraph.rdf",
        "/download/build.json",
        "/download/void.ttl",
        "/download/search.sqlite",
        "/download/store",
        "/download/",
        "/download/../build.json",
        "/download/..%2Fbuild.json",
        "/download/%2e%2e%2fbuild.json",
        "/download/..%2F..%2Fpyproject.toml",
        "/download/store%2FFDIGRAPH_BUILD.json",
        "/download/fdigraph.ttl%00.gz",
        "/download/FDIGRAPH.TTL",
    ],
)
def test_unknown_names_and_traversal_are_refused(
    served: Served, built: BuildResult, path: str
) -> None:
    """404 from the app; nginx, when it fronts the server, refuses some itself with a 400
    (a path above its root, a NUL byte). Never the file."""
    assert raw_get(served, path) in (400, 404)
    app = make_app(built.store_path)
    assert app.test_client().get(path).status_code == 404


def test_void_lists_every_dump(served: Served, built: BuildResult) -> None:
    status, headers, body = fetch(served.url + "/.well-known/void", {"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    g = Graph().parse(data=body, format="turtle")
    ds = next(g.subjects(VOID.sparqlEndpoint, URIRef(served.endpoint)))
    dumps = {str(d) for d in g.objects(ds, VOID.dataDump)}
    assert dumps == {f"{served.url}/download/{name}" for name in MEDIA}
    for url in dumps:
        name = url.rsplit("/", 1)[1]
        node = URIRef(url)
        inner = INNER[name.removesuffix(".gz").rsplit(".", 1)[1]]
        assert g.value(node, DCTERMS["format"]) == URIRef(IANA + inner)
        assert g.value(node, DCAT.mediaType) == URIRef(IANA + inner)
        size = (built.dist / name).stat().st_size
        assert g.value(node, DCAT.byteSize) == Literal(size, datatype=XSD.nonNegativeInteger)
        zipped = g.value(node, DCAT.compressFormat)
        assert zipped == (URIRef(IANA + "application/gzip") if name.endswith(".gz") else None)
        status, _, data = fetch(url)  # every listed dump is there
        assert status == 200 and len(data) == size


def test_dumps_of_another_build_are_never_served(tmp_path: Path) -> None:
    """After a rebuild the files beside the store link are another build's: 404, unlisted."""
    (tmp_path / "d.nt").write_text(f"<{EX}a> <{EX}p> <{EX}b> .\n", encoding="utf-8")
    info = load_files([tmp_path / "d.nt"], tmp_path / "store")
    (tmp_path / "fdigraph.nt").write_bytes(b"this build\n")
    (tmp_path / "build.json").write_text(info.to_json(), encoding="utf-8")
    client = make_app(tmp_path / "store").test_client()
    with client.get("/download/fdigraph.nt") as r:
        assert r.status_code == 200 and r.data == b"this build\n"
    assert client.get("/download/fdigraph.ttl").status_code == 404  # not written: not offered
    listed = client.get("/.well-known/void", headers={"Accept": "text/turtle"}).data
    assert b"/download/fdigraph.nt>" in listed and b"/download/fdigraph.ttl>" not in listed
    (tmp_path / "build.json").write_text(json.dumps({"build": "another"}), encoding="utf-8")
    assert client.get("/download/fdigraph.nt").status_code == 404
    listed = client.get("/.well-known/void", headers={"Accept": "text/turtle"}).data
    assert b"void:dataDump" not in listed
