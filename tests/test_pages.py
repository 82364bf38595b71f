"""Pages, dereferencing and search through the Flask test client, on the built article graph."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from fdigraph.build import BuildResult
from fdigraph.store import load_files
from fdigraph.vocab import KINDS, ONTOLOGY_IRI
from fdigraph.web import create_app

BASE = "https://fdigraph.example/"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
HTML = {"Accept": BROWSER}
FORMATS = {  # suffix: (media type, rdflib parser)
    "ttl": ("text/turtle", "turtle"),
    "jsonld": ("application/ld+json", "json-ld"),
    "nt": ("application/n-triples", "nt"),
    "rdf": ("application/rdf+xml", "xml"),
}


@pytest.fixture(scope="module")
def app(built: BuildResult) -> Flask:
    return create_app({"TESTING": True, "STORE_PATH": str(built.store_path), "IN_MEMORY": True})


@pytest.fixture
def client(app: Flask) -> Iterator[FlaskClient]:
    with app.test_client() as c:
        yield c


def one_of_each_kind(store: ox.Store) -> dict[str, str]:
    """The first IRI (in order) of every kind of minted resource in the graph."""
    found: dict[str, str] = {}
    query = f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{BASE}id/")) }}'
    for row in store.query(query, use_default_graph_as_union=True):
        iri = row[0].value
        kind = iri[len(BASE) + 3 :].split("/", 1)[0]
        if kind not in found or iri < found[kind]:
            found[kind] = iri
    return found


@pytest.fixture(scope="module")
def kinds(graph_store: ox.Store) -> dict[str, str]:
    found = one_of_each_kind(graph_store)
    assert set(found) <= set(KINDS) and len(found) >= 15
    return found


KIND_NAMES = [k for k in KINDS if k != "activity"]  # no activity is minted by this article


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_every_kind_dereferences_in_html(
    client: FlaskClient, kinds: dict[str, str], kind: str
) -> None:
    iri = kinds[kind]
    r = client.get("/id/" + iri[len(BASE) + 3 :], headers=HTML)
    assert r.status_code == 200 and r.mimetype == "text/html"
    body = r.get_data(as_text=True)
    assert f"<code>{iri}</code>" in body and 'id="open-editor"' in body


@pytest.mark.parametrize("kind", KIND_NAMES)
@pytest.mark.parametrize("suffix", list(FORMATS))
def test_every_kind_dereferences_in_rdf(
    client: FlaskClient, kinds: dict[str, str], kind: str, suffix: str
) -> None:
    iri = kinds[kind]
    media, parser = FORMATS[suffix]
    path = "/id/" + iri[len(BASE) + 3 :]
    by_accept = client.get(path, headers={"Accept": media})
    by_suffix = client.get(f"{path}.{suffix}")
    by_param = client.get(path, query_string={"format": suffix})
    for r in (by_accept, by_suffix, by_param):
        assert r.status_code == 200 and r.mimetype == media
    graph = Graph().parse(data=by_accept.get_data(as_text=True), format=parser)
    node = URIRef(iri)
    assert (node, None, None) in graph or (None, None, node) in graph
    assert by_accept.headers["Vary"].startswith("Accept") and by_accept.headers["ETag"]


@pytest.mark.parametrize("suffix", list(FORMATS))
def test_ontology_in_rdf(client: FlaskClient, suffix: str) -> None:
    media, parser = FORMATS[suffix]
    r = client.get(f"/def/fdi.{suffix}")
    assert r.status_code == 200 and r.mimetype == media
    graph = Graph().parse(data=r.get_data(as_text=True), format=parser)
    term = URIRef(ONTOLOGY_IRI + "#searchLabel")
    assert (term, RDFS.label, Literal("search label", lang="en")) in graph
    assert client.get("/def/fdi", headers={"Accept": media}).mimetype == media


def test_ontology_page_has_term_anchors(client: FlaskClient) -> None:
    r = client.get("/def/fdi", headers=HTML, query_string={"lang": "en"})
    body = r.get_data(as_text=True)
    assert r.status_code == 200
    for term in ("searchLabel", "Province", "refArea", "MoreThan"):
        assert f'id="{term}"' in body
    assert "search label" in body
    assert client.get("/def/fdi.exe", headers=HTML).status_code == 404


def test_links_to_the_ontology_use_anchors(client: FlaskClient) -> None:
    body = client.get("/id/area/VN-54", headers=HTML).get_data(as_text=True)
    assert 'href="/def/fdi#Province"' in body and 'href="/id/area/VN"' in body


def test_labels_and_values_in_both_languages(client: FlaskClient) -> None:
    vi = client.get("/id/area/VN-54", headers=HTML, query_string={"lang": "vi"})
    en = client.get("/id/area/VN-54", headers=HTML, query_string={"lang": "en"})
    vi_body, en_body = vi.get_data(as_text=True), en.get_data(as_text=True)
    assert "<h1>Bắc Giang</h1>" in vi_body and '<html lang="vi">' in vi_body
    assert "<h1>Bac Giang</h1>" in en_body and '<html lang="en">' in en_body
    assert "1,6 tỷ USD" in vi_body and "Dữ kiện và trích dẫn" in vi_body
    assert "1.6 billion USD" in en_body and "Facts and their quotes" in en_body
    assert "hơn 300 ha" in vi_body and "more than 300 ha" in en_body
    assert vi.headers["Content-Language"] == "vi" and en.headers["Content-Language"] == "en"


def test_language_choice_is_remembered(client: FlaskClient) -> None:
    first = client.get("/", headers=HTML, query_string={"lang": "en"})
    assert "lang=en" in first.headers["Set-Cookie"]
    later = client.get("/id/area/VN-54", headers=HTML)
    assert "<h1>Bac Giang</h1>" in later.get_data(as_text=True)
    client.get("/", headers=HTML, query_string={"lang": "vi"})
    assert "<h1>Bắc Giang</h1>" in client.get("/id/area/VN-54", headers=HTML).get_data(as_text=True)


def test_accept_language_when_nothing_chosen(client: FlaskClient) -> None:
    r = client.get("/id/area/VN-54", headers={**HTML, "Accept-Language": "en-GB,en;q=0.8"})
    assert r.headers["Content-Language"] == "en"


def test_quotes_are_highlighted_in_context(client: FlaskClient) -> None:
    body = client.get("/id/area/VN-54", headers=HTML).get_data(as_text=True)
    quotes = re.findall(r'<blockquote class="quote"[^>]*>\s*<p>(.*?)</p>', body, re.DOTALL)
    assert len(quotes) >= 40
    assert all(q.count("<mark>") == 1 for q in quotes)
    assert "<mark>8 tháng đầu năm 2024, Bắc Giang thu hút được 1,6 tỷ USD vốn FDI.</mark>" in body
    assert '<svg class="chart"' in body


def test_editor_link_opens_the_resource_query(client: FlaskClient) -> None:
    body = client.get("/id/area/VN-54", headers=HTML).get_data(as_text=True)
    link = re.search(r'id="open-editor" href="([^"]+)"', body)
    assert link is not None and link[1].startswith("/sparql#query=")
    assert "VN-54" in link[1]


@pytest.mark.parametrize(
    "path", ["/id/area/VN-99", "/id/nonsense/thing", "/id/area/%3Cscript%3E", "/id/obs/"]
)
def test_unknown_resource_is_a_404_page_offering_search(client: FlaskClient, path: str) -> None:
    r = client.get(path, headers=HTML)
    assert r.status_code == 404 and r.mimetype == "text/html"
    body = r.get_data(as_text=True)
    assert 'action="/search"' in body and "<script>" not in body


def test_unknown_resource_in_rdf_is_a_json_404(client: FlaskClient) -> None:
    r = client.get("/id/area/VN-99", headers={"Accept": "text/turtle"})
    assert r.status_code == 404 and r.get_json()["code"] == "not_found"
    assert client.get("/id/area/VN-99.ttl").status_code == 404


@pytest.mark.parametrize(
    ("accept", "status", "mimetype"),
    [
        (None, 200, "text/html"),
        ("*/*", 200, "text/html"),
        (BROWSER, 200, "text/html"),
        ("text/turtle", 200, "text/turtle"),
        ("application/ld+json;profile=x", 200, "application/ld+json"),
        ("application/rdf+xml, text/html;q=0.5", 200, "application/rdf+xml"),
        ("image/png", 406, "application/json"),
    ],
)
def test_negotiation(client: FlaskClient, accept: str | None, status: int, mimetype: str) -> None:
    headers = {"Accept": accept} if accept else {}
    r = client.get("/id/area/VN-54", headers=headers)
    assert (r.status_code, r.mimetype) == (status, mimetype)


def test_iris_follow_the_base_not_the_host(client: FlaskClient) -> None:
    r = client.get("/id/area/VN-54.nt", base_url="http://localhost:8123")
    assert f"<{BASE}id/area/VN-54>" in r.get_data(as_text=True)


@pytest.mark.parametrize("text", ["bac giang", "Bac Giang", "BẮC GIANG", "bắc giang"])
def test_search_without_diacritics(client: FlaskClient, text: str) -> None:
    hits = client.get("/search", query_string={"q": text, "format": "json"}).get_json()["hits"]
    assert hits[0]["iri"] == BASE + "id/area/VN-54" and hits[0]["url"] == "/id/area/VN-54"
    page = client.get("/search", query_string={"q": text}, headers=HTML).get_data(as_text=True)
    assert 'href="/id/area/VN-54"' in page


def test_search_finds_semiconductors(client: FlaskClient) -> None:
    r = client.get("/search", query_string={"q": "ban dan"}, headers={"Accept": "application/json"})
    assert r.mimetype == "application/json"
    labels = [h["label"]["vi"] for h in r.get_json()["hits"]]
    assert any("bán dẫn" in label for label in labels)
    english = client.get("/search", query_string={"q": "semiconductor", "format": "json"})
    assert english.get_json()["hits"]


def test_empty_search(client: FlaskClient) -> None:
    assert client.get("/search", headers=HTML).status_code == 200
    assert client.get("/search?q=&format=json").get_json()["hits"] == []


def test_home(client: FlaskClient) -> None:
    body = client.get("/", headers=HTML, query_string={"lang": "en"}).get_data(as_text=True)
    assert "What the graph holds" in body and 'href="/id/area/VN-54"' in body
    assert 'href="/id/article/bac-giang-fdi-2024"' in body
    assert "/queries/provinces" in body and "#query=" in body


def test_editor_for_browsers_endpoint_for_clients(client: FlaskClient) -> None:
    page = client.get("/sparql", headers=HTML)
    assert page.mimetype == "text/html" and 'id="editor-settings"' in page.get_data(as_text=True)
    assert "/assets/yasgui/yasgui.min.js" in page.get_data(as_text=True)
    assert client.get("/sparql", headers={"Accept": "*/*"}).mimetype == "text/turtle"
    assert client.get("/sparql").mimetype != "text/html"
    answer = client.get("/sparql", query_string={"query": "ASK {}"}, headers=HTML)
    assert answer.mimetype != "text/html"


def test_editor_assets_are_served_locally(client: FlaskClient) -> None:
    with client.get("/assets/yasgui/yasgui.min.js") as r:
        assert r.status_code == 200 and b"Yasgui" in r.data[:2000]
    with client.get("/assets/yasgui/yasgui.min.css") as r:
        assert r.status_code == 200 and r.mimetype == "text/css"
    assert client.get("/assets/yasgui/package.json").status_code == 404
    assert client.get("/assets/yasgui/..%2F..%2Fpackage.json").status_code == 404


def test_no_page_names_another_host(client: FlaskClient) -> None:
    for path in ("/", "/id/area/VN-54", "/sparql", "/def/fdi", "/search?q=x"):
        body = client.get(path, headers=HTML).get_data(as_text=True)
        for attr in re.findall(r'(?:src|href)="([^"]+)"', body):
            if attr.startswith("http"):  # only plain links to sources may leave
                assert not re.search(r"<(script|link)[^>]+" + re.escape(attr), body)


def test_pages_on_a_store_without_the_article(tmp_path: Path) -> None:
    """Any loaded store is served: empty overviews, 404s for what it lacks, never a 500."""
    data = tmp_path / "a.ttl"
    data.write_text('<http://example.org/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n')
    load_files([data], tmp_path / "store")
    app = create_app({"TESTING": True, "STORE_PATH": str(tmp_path / "store")})
    with app.test_client() as c:
        for path, status in [("/", 200), ("/search?q=x", 200), ("/sparql", 200)]:
            assert c.get(path, headers=HTML).status_code == status
        for path in ("/def/fdi", "/def/fdi.ttl", "/id/area/VN-54", "/id/area/VN-54.ttl"):
            assert c.get(path, headers=HTML).status_code == 404


@pytest.mark.slow
def test_every_minted_iri_dereferences(client: FlaskClient, graph_store: ox.Store) -> None:
    """All of them, in HTML and Turtle (the other formats share the Turtle's query)."""
    query = f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{BASE}id/")) }}'
    iris = [row[0].value for row in graph_store.query(query, use_default_graph_as_union=True)]
    assert len(iris) > 500
    for iri in iris:
        path = "/id/" + iri[len(BASE) + 3 :]
        page = client.get(path, headers=HTML)
        assert page.status_code == 200, iri
        turtle = client.get(path + ".ttl")
        assert turtle.status_code == 200 and iri.rsplit("/", 1)[-1] in turtle.get_data(as_text=True)


def anchors(body: str) -> list[tuple[str, str]]:
    """(href, text) of every link inside the page's main part."""
    main = body.split("<main>", 1)[1].split("</main>", 1)[0]
    found = re.findall(r'<a\s[^>]*?href="([^"]*)"[^>]*>(.*?)</a>', main, re.S)
    return [(href, re.sub(r"<[^>]+>", "", text).strip()) for href, text in found]


RAW_TERM = re.compile(r"^(?:is )?[a-z][a-z-]*:[A-Za-z]")  # a prefixed name such as qb:measureType


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("kind", KIND_NAMES)
def test_every_link_shows_a_label_not_a_term_or_key(
    client: FlaskClient, kinds: dict[str, str], kind: str, lang: str
) -> None:
    body = client.get(f"/id/{kinds[kind][len(BASE) + 3 :]}?lang={lang}", headers=HTML)
    for href, text in anchors(body.get_data(as_text=True)):
        assert not RAW_TERM.match(text), (href, text)
        key = href.split("#")[0].rstrip("/").rsplit("/", 1)[-1]
        if href.startswith("/id/") and not re.fullmatch(r"[0-9_-]+", key):
            assert text != key, f"{href} is shown by its key"
        assert not re.fullmatch(r"[A-Z][a-z]+(?:[A-Z][a-z]+)+", text), f"class name {text}"


def test_incoming_links_read_as_phrases_in_both_languages(client: FlaskClient) -> None:
    vi = client.get("/id/area/VN-54?lang=vi", headers=HTML).get_data(as_text=True)
    en = client.get("/id/area/VN-54?lang=en", headers=HTML).get_data(as_text=True)
    assert ">replaced by</a>" in en and ">được thay thế bởi</a>" in vi
    assert ">prioritised by</a>" not in en  # only where the province is the object
    assert "is dcterms:replaces of" not in en and "qb:measureType" not in en
    incoming = en.split('class="props incoming"', 1)[1]
    assert "bg-instrument-clean-land-bank</a>" not in incoming
    assert "Clearing land for a bank of ready industrial land" in incoming


def test_fact_titles_are_capitalised(client: FlaskClient) -> None:
    for lang in ("vi", "en"):
        body = client.get(f"/id/area/VN-54?lang={lang}", headers=HTML).get_data(as_text=True)
        titles = re.findall(r'class="fact-label"[^>]*>([^<]+)<', body)
        assert len(titles) >= 40
        assert [t for t in titles if t[0].islower()] == []


def test_home_counts_the_facts_the_place_page_shows(client: FlaskClient) -> None:
    home = client.get("/?lang=en", headers=HTML).get_data(as_text=True)
    places = re.findall(
        r'<a href="/id/area/([^"]+)">[^<]+</a> <span class="muted">[^·]*· (\d+) fact', home
    )
    assert len(places) >= 3
    for key, count in places[:4]:
        page = client.get(f"/id/area/{key}?lang=en", headers=HTML).get_data(as_text=True)
        shown = re.search(r'Facts and their quotes <span class="muted">\((\d+)\)', page)
        assert shown is not None and shown.group(1) == count, key


def test_no_page_links_to_the_base_iris_host(client: FlaskClient, kinds: dict[str, str]) -> None:
    """IRIs under the base IRI are linked to this server's pages; the IRIs themselves stay."""
    names = sorted(p.stem for p in (Path(__file__).parents[1] / "queries").glob("*.rq"))
    paths = ["/", "/def/fdi", "/queries", "/search?q=bac+giang"]
    paths += ["/id/" + iri[len(BASE) + 3 :] for iri in kinds.values()]
    paths += [f"/queries/{n}" for n in names if n != "search"] + ["/queries/search?q=bac"]
    for path in paths:
        body = client.get(path, headers=HTML).get_data(as_text=True)
        assert f'href="{BASE}' not in body, path


DUMP_NAMES = [f"fdigraph.{s}{z}" for s in ("ttl", "nt", "nq", "jsonld") for z in (".gz", "")]


@pytest.mark.parametrize(
    ("lang", "heading", "size"),
    [("en", "Download the data", "1.5 MB"), ("vi", "Tải dữ liệu", "1,5 MB")],
)
def test_home_offers_the_dumps_with_sizes(
    client: FlaskClient, built: BuildResult, lang: str, heading: str, size: str
) -> None:
    body = client.get("/", headers=HTML, query_string={"lang": lang}).get_data(as_text=True)
    section = body.split('<section id="download">', 1)[1].split("</section>", 1)[0]
    assert f"<h2>{heading}</h2>" in section
    for name in DUMP_NAMES:
        assert f'href="/download/{name}"' in section
    nq = (built.dist / "fdigraph.nq").stat().st_size
    assert 1_450_000 < nq < 1_550_000, "the size shown below is this file's"
    assert size in section and 'href="/.well-known/void"' in section


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_void_for_browsers_is_a_page(client: FlaskClient, built: BuildResult, lang: str) -> None:
    r = client.get("/.well-known/void", headers=HTML, query_string={"lang": lang})
    assert r.status_code == 200 and r.mimetype == "text/html"
    assert r.headers["Content-Language"] == lang and "Accept" in r.headers["Vary"]
    body = r.get_data(as_text=True)
    assert ("Về bộ dữ liệu" if lang == "vi" else "About the dataset") in body
    links = re.findall(r'<a class="dump" href="/download/([^"]+)"', body)
    assert links == DUMP_NAMES
    assert f"<code>{built.info.build}</code>" in body
    assert "<code>http://localhost/sparql</code>" in body  # the service description
    assert "SPARQL 1.1 Query" in body and "https://fdigraph.example/graph/data" in body
    assert ("Tỉnh" if lang == "vi" else "Province") in body  # class partitions, labelled
    assert f"<strong>{built.info.triples}</strong>" in body


@pytest.mark.parametrize(
    ("accept", "query", "mimetype"),
    [
        ("*/*", {}, "text/turtle"),
        (None, {}, "text/turtle"),
        ("application/ld+json", {}, "application/ld+json"),
        ("text/turtle, text/html;q=0.5", {}, "text/turtle"),
        (BROWSER, {"format": "turtle"}, "text/turtle"),
        ("text/turtle", {"format": "html"}, "text/html"),
    ],
)
def test_void_stays_rdf_for_clients(
    client: FlaskClient, accept: str | None, query: dict[str, str], mimetype: str
) -> None:
    r = client.get(
        "/.well-known/void", headers={"Accept": accept} if accept else {}, query_string=query
    )
    assert (r.status_code, r.mimetype) == (200, mimetype)
    if mimetype != "text/html":
        graph = Graph().parse(
            data=r.get_data(as_text=True), format="json-ld" if "json" in mimetype else "turtle"
        )
        dumps = set(graph.objects(None, URIRef("http://rdfs.org/ns/void#dataDump")))
        assert {str(d).rsplit("/", 1)[1] for d in dumps} == set(DUMP_NAMES)
