"""Search through the real server process, on the built article graph, and its index files."""

from __future__ import annotations

import html
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.serving import Served, serving
from tests.web.conftest import make_app

from fdigraph import fulltext
from fdigraph.build import BuildResult
from fdigraph.web import search_index

pytestmark = pytest.mark.e2e
ID = "https://fdigraph.example/id/"
HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


@pytest.fixture(scope="module")
def server(built: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    log = tmp_path_factory.mktemp("search-serve") / "serve.log"
    with serving(built.store_path, log, "--workers", "2") as served:
        yield served


def find(served: Served, q: str) -> list[dict[str, object]]:
    r = httpx.get(served.url + "/search", params={"q": q, "format": "json"}, timeout=10)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    hits: list[dict[str, object]] = r.json()["hits"]
    return hits


def marked(passage: object) -> list[str]:
    assert isinstance(passage, dict)
    return [passage["text"][s:e] for s, e in passage["marks"]]


def test_quotes_found_without_diacritics_with_the_words_marked(server: Served) -> None:
    hits = find(server, "lao dong qua dao tao")
    top = [h for h in hits if h["iri"] == ID + "obs/bac-giang-fdi-2024/bg-trained-labour-2023"]
    assert top and hits.index(top[0]) < 3
    passages = top[0]["passages"]
    assert isinstance(passages, list) and passages[0]["field"] == "quote"
    assert marked(passages[0]) == ["lao động qua đào tạo"]
    assert passages[0]["url"].startswith("/id/quote/")


def test_a_figure_as_typed_without_accents(server: Served) -> None:
    hits = find(server, "1,6 ty USD")
    assert hits[0]["iri"] == ID + "obs/bac-giang-fdi-2024/bg-fdi-2024-8m"
    assert all(marked(p) == ["1,6 tỷ USD"] for p in hits[0]["passages"])  # type: ignore[attr-defined]
    page = httpx.get(server.url + "/search", params={"q": "1,6 ty USD"}, headers=HTML).text
    assert "<mark>1,6 tỷ USD</mark>" in page
    assert 'href="/id/obs/bac-giang-fdi-2024/bg-fdi-2024-8m"' in page


def test_a_code_first_then_the_rest(server: Served) -> None:
    hits = find(server, "VN-54")
    assert hits[0]["iri"] == ID + "area/VN-54" and hits[0]["matched"] == "code"
    assert hits[0]["url"] == "/id/area/VN-54"


def test_hostile_text_is_a_page_not_an_error(server: Served) -> None:
    for q in ['"bac" OR NEAR(giang', "<script>alert(1)</script>", "*", "a" * 500]:
        r = httpx.get(server.url + "/search", params={"q": q}, headers=HTML, timeout=10)
        assert r.status_code == 200
        assert "<script>alert" not in r.text
    escaped = html.escape("<script>alert(1)</script>", quote=False)
    page = httpx.get(
        server.url + "/search", params={"q": "<script>alert(1)</script>"}, headers=HTML
    )
    assert escaped in page.text


def test_the_build_writes_the_index_beside_the_store(built: BuildResult) -> None:
    assert fulltext.built_for(built.dist / fulltext.FILE) == built.info.build


def test_a_loaded_store_gets_its_index_made_and_kept(store_path: Path, tmp_path: Path) -> None:
    """A store made by `fdigraph load` has no build index: one is made in its folder."""
    copy = tmp_path / "store-copy"
    shutil.copytree(store_path.resolve(), copy)
    link = tmp_path / "store"
    link.symlink_to(copy.name)
    # An index of another build beside the link is never used for this one.
    fulltext.write(tmp_path / fulltext.FILE, lambda _q: [], "another-build")
    app = make_app(link)
    made = app.extensions[search_index.PATH][1]
    assert made == copy / fulltext.FILE
    hits = app.test_client().get("/search?q=hai+phong&format=json").get_json()["hits"]
    assert [h["iri"] for h in hits] == ["http://example.org/hai-phong"]
    assert hits[0]["label"]["vi"] == "Hải Phòng"
