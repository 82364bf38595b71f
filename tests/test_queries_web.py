"""The saved-query HTTP API through the real app: formats, errors, OpenAPI."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate
from rdflib import Graph
from rdflib.query import Result

from fdigraph.build import BuildResult
from fdigraph.web import create_app

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "queries"
NAMES = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
SUFFIXES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
}
REQUIRED = {"search": "?q=nhat+ban"}
HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def app(built: BuildResult) -> Flask:
    return create_app({"TESTING": True, "STORE_PATH": str(built.store_path)})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def golden_rows(name: str) -> list[list[str | None]]:
    rows: list[list[str | None]] = json.loads((GOLDEN / f"{name}.json").read_text("utf-8"))[0][
        "rows"
    ]
    return rows


def parse_rows(body: bytes, fmt: str) -> list[list[str | None]]:
    result = Result.parse(io.BytesIO(body), format=fmt)
    if result.type == "ASK":
        return [[str(result.askAnswer).lower()]]
    names = list(result.vars or [])
    return [[None if b.get(n) is None else str(b[n]) for n in names] for b in result.bindings]


@pytest.mark.parametrize("name", NAMES)
def test_every_query_in_every_format(name: str, client: FlaskClient) -> None:
    tail = REQUIRED.get(name, "")
    for suffix, media in SUFFIXES.items():
        response = client.get(f"/queries/{name}.{suffix}{tail}")
        assert response.status_code == 200, (suffix, response.get_data(as_text=True))
        assert response.mimetype == media
        body = response.get_data()
        if suffix in {"json", "xml"}:
            rows = parse_rows(body, suffix)
            if name != "area-profile":  # a graph's rows come back as triples, sorted
                assert rows == golden_rows(name)
        elif suffix == "csv":
            table = list(csv.reader(io.StringIO(body.decode("utf-8"))))
            assert len(table) == len(golden_rows(name)) + 1
        elif suffix == "tsv":
            assert body.decode("utf-8").startswith("?")
        else:
            graph = Graph().parse(
                data=body, format={"ttl": "turtle", "jsonld": "json-ld"}.get(suffix, suffix)
            )
            assert len(graph) > 0


@pytest.mark.parametrize(
    ("path", "accept", "status", "media"),
    [
        ("/queries/provinces", None, 200, "application/sparql-results+json"),
        ("/queries/provinces", "*/*", 200, "application/sparql-results+json"),
        ("/queries/provinces", "text/csv", 200, "text/csv"),
        ("/queries/provinces", "application/json", 200, "application/sparql-results+json"),
        ("/queries/provinces", "text/turtle;q=0.9, text/csv;q=0.1", 200, "text/turtle"),
        ("/queries/provinces", "text/html,application/xhtml+xml,*/*;q=0.8", 200, "text/html"),
        ("/queries/provinces", "image/png", 406, "application/json"),
        ("/queries/provinces.csv", "application/json", 200, "text/csv"),
        ("/queries/area-profile", None, 200, "text/turtle"),
        (
            "/queries/area-profile",
            "application/sparql-results+json",
            200,
            "application/sparql-results+json",
        ),
        ("/queries/provinces.png", None, 404, "application/json"),
        ("/queries/nothing", None, 404, "application/json"),
        ("/queries", None, 200, "application/json"),
        ("/queries", "text/html", 200, "text/html"),
        ("/queries.json", "text/html", 200, "application/json"),
        ("/openapi.json", None, 200, "application/json"),
    ],
)
def test_negotiation(
    path: str, accept: str | None, status: int, media: str, client: FlaskClient
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get(path, headers=headers)
    assert (response.status_code, response.mimetype) == (status, media)


@pytest.mark.parametrize(
    ("query_string", "fragment"),
    [
        ("labour-vs-nation?year=23", "parameter 'year': expected a year as YYYY, got '23'"),
        ("rankings?top=seven", "parameter 'top': expected an integer"),
        (
            "provinces?lang=fr",
            "parameter 'lang': expected a language tag such as en or vi among en, vi",
        ),
        ("facts-with-quotes?province=VN-54", "unknown parameter 'province'"),
        ("search", "parameter 'q' is required"),
        ("facts-with-quotes?area=VN-54&area=VN-13", "parameter 'area' takes one value"),
        ("areas-by-sector?sector=motto", "parameter 'sector': expected a Sector"),
        ("facts-with-quotes?area=VN-54%3E%20%3B%20DROP%20ALL", "parameter 'area': expected a key"),
    ],
)
def test_bad_parameters_are_400s_naming_them(
    query_string: str, fragment: str, client: FlaskClient
) -> None:
    response = client.get(f"/queries/{query_string}")
    body = response.get_json()
    assert response.status_code == 400 and body["ok"] is False and body["status"] == 400
    assert fragment in body["error"]


@pytest.mark.parametrize(
    "value", ['x" } ; DROP ALL #', "} UNION { ?s ?p ?o }", "qq\n}zz", "<script>alert(1)</script>"]
)
def test_hostile_values_over_http_match_nothing(value: str, client: FlaskClient) -> None:
    response = client.get("/queries/search.json", query_string={"q": value})
    assert response.status_code == 200
    assert response.get_json()["results"]["bindings"] == []
    page = client.get("/queries/search", query_string={"q": value}, headers={"Accept": "text/html"})
    assert "<script>alert" not in page.get_data(as_text=True)


def test_list_parameters_repeat_the_key(client: FlaskClient) -> None:
    response = client.get(
        "/queries/sectors.json?relation=welcomesSector&relation=supportsSector&lang=vi"
    )
    labels = [b["label"]["value"] for b in response.get_json()["results"]["bindings"]]
    assert labels == [
        "Hạ tầng nhà ở, trường học, y tế, thương mại, vui chơi cho người lao động",
        "Sản xuất phần mềm",
    ]


def test_listing_and_conditional_requests(client: FlaskClient) -> None:
    listing = client.get("/queries").get_json()["queries"]
    assert len(listing) == len(NAMES)
    search = next(q for q in listing if q["name"] == "search")
    assert search["params"][0] | {"description": None} == {
        "name": "q", "type": "xsd:string", "expects": "a string", "required": True,
        "multiple": False, "default": None, "allowed": [], "example": "ban dan", "description": None,
    }  # fmt: skip
    assert search["formats"]["csv"] == "/queries/search.csv"
    first = client.get("/queries/provinces.csv")
    again = client.get("/queries/provinces.csv", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_openapi_document_validates(client: FlaskClient) -> None:
    doc = client.get("/openapi.json").get_json()
    validate(doc)
    assert doc["openapi"] == "3.1.0"
    operations = {op["operationId"] for path in doc["paths"].values() for op in path.values()}
    assert operations == {n.replace("-", "_") for n in NAMES} | {"list_queries"}
    year = next(
        p
        for p in doc["paths"]["/queries/labour-vs-nation"]["get"]["parameters"]
        if p["name"] == "year"
    )
    assert year["schema"] == {"type": "string", "pattern": "^[0-9]{4}$", "default": "2023"}
    assert year["example"] == "2023"
    lang = next(p for p in doc["paths"]["/queries/provinces"]["get"]["parameters"])
    assert lang["schema"]["enum"] == ["en", "vi"]


def _request(path: str, op: dict[str, Any], use_examples: bool) -> dict[str, Any]:
    """Query-string parameters as a generated client would send them."""
    params: dict[str, Any] = {}
    for param in op.get("parameters", []):
        if param["required"] or (use_examples and "example" in param):
            value = param.get("example", param["schema"].get("default"))
            params[param["name"]] = value if isinstance(value, list) else [value]
    return params


@pytest.mark.parametrize("use_examples", [False, True])
def test_a_generated_client_can_call_every_operation(
    use_examples: bool, client: FlaskClient
) -> None:
    doc = client.get("/openapi.json").get_json()
    base = doc["servers"][0]["url"].rstrip("/")
    for path, item in doc["paths"].items():
        op = item["get"]
        documented = op["responses"]["200"]["content"]
        params = _request(path, op, use_examples)
        for media in documented:
            response = client.get(base + path, query_string=params, headers={"Accept": media})
            assert response.status_code == 200, (path, media, response.get_data(as_text=True))
            assert response.mimetype in documented
            assert response.mimetype == media or path == "/queries", (path, media)


class Form(HTMLParser):
    """The parameter form of a saved query's page: its controls and their messages."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.checked: dict[str, list[str]] = {}
        self.options: dict[str, list[tuple[str, str]]] = {}  # select: (value, label)
        self.selected: dict[str, list[str]] = {}
        self.inputs: list[tuple[str, str]] = []
        self.errors: dict[str, str] = {}
        self._select = ""
        self._option: str | None = None
        self._error = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and "params" in a.get("class", ""):
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and a.get("type") == "checkbox":
            self.options.setdefault(a["name"], []).append((a["value"], ""))
            if "checked" in a:
                self.checked.setdefault(a["name"], []).append(a["value"])
        elif tag == "input":
            self.inputs.append((a["name"], a["value"]))
        elif tag == "select":
            self._select = a["name"]
            self.options[self._select] = []
        elif tag == "option":
            self._option = a["value"]
            if "selected" in a:
                self.selected.setdefault(self._select, []).append(a["value"])
        elif tag == "p" and "error" in a.get("class", ""):
            self._error = a["id"].removeprefix("error-")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self.options[self._select].append((self._option, data))
            self._option = None
        elif self._error:
            self.errors[self._error] = data
            self._error = ""


def form_of(response: Any) -> Form:
    form = Form()
    form.feed(response.get_data(as_text=True))
    return form


def test_the_html_form_offers_things_of_the_graph_as_choices(client: FlaskClient) -> None:
    page = client.get(
        "/queries/investors-by-country",
        query_string=[("country", "JP"), ("country", "KR"), ("country", ""), ("lang", "vi")],
        headers={"Accept": "text/html"},
    )
    assert page.status_code == 200
    form = form_of(page)
    assert form.checked == {"country": ["JP", "KR"]}  # the empty value is ignored
    assert {"JP", "KR", "CN", "US"} <= {v for v, _ in form.options["country"]}
    assert form.selected == {"lang": ["vi"]}
    areas = client.get("/queries/area-figures?lang=vi", headers={"Accept": "text/html"})
    choices = dict(form_of(areas).options["area"])
    assert choices["VN-54"] == "Bắc Giang (VN-54)" and choices["VN"] == "Việt Nam (VN)"
    english = dict(
        form_of(client.get("/queries/area-figures?lang=en", headers=HTML)).options["area"]
    )
    assert english["VN-54"] == "Bac Giang (VN-54)"
    parts = form_of(client.get("/queries/motto-criteria", headers=HTML)).options["part"]
    assert len(parts) == 4
    relations = dict(
        form_of(client.get("/queries/sectors?lang=en", headers=HTML)).options["relation"]
    )
    assert set(relations) == {
        "prioritisesSector",
        "welcomesSector",
        "supportsSector",
        "attractsSector",
    }


@pytest.mark.parametrize(
    ("query_string", "field", "kept"),
    [
        ("area=VN-54&year=20x&lang=en", "year", ("year", "20x")),
        ("area=nowhere&lang=en", "area", None),
        ("area=VN-54&area=VN-01&lang=en", "area", None),
    ],
)
def test_a_bad_value_rerenders_the_form_with_its_message(
    client: FlaskClient, query_string: str, field: str, kept: tuple[str, str] | None
) -> None:
    page = client.get(f"/queries/area-figures?{query_string}", headers=HTML)
    assert page.status_code == 400 and page.mimetype == "text/html"
    form = form_of(page)
    assert list(form.errors) == [field]
    if kept is not None:
        assert kept in form.inputs
    else:
        assert sorted(form.selected["area"]) in (["nowhere"], ["VN-01", "VN-54"])
    api = client.get(f"/queries/area-figures.json?{query_string}")
    assert api.status_code == 400 and api.mimetype == "application/json"
    assert api.get_json()["ok"] is False


def test_unknown_parameter_on_the_page_is_a_400_with_a_message(client: FlaskClient) -> None:
    page = client.get("/queries/area-figures?colour=red", headers=HTML)
    assert page.status_code == 400 and 'id="query-error"' in page.get_data(as_text=True)
    assert "colour" in page.get_data(as_text=True)


def cells(body: str, column: int) -> list[str]:
    """The text of one column of the page's result table."""
    import re

    table = body.split('<table class="results">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S)
    return [re.sub(r"<[^>]+>", "", re.findall(r"<td>(.*?)</td>", r, re.S)[column]) for r in rows]


def test_the_table_links_iris_to_this_server_with_labels(client: FlaskClient) -> None:
    body = client.get("/queries/provinces?lang=vi", headers=HTML).get_data(as_text=True)
    table = body.split('<table class="results">', 1)[1]
    assert 'href="/id/area/VN-54"' in table and ">Bắc Giang</a>" in table
    assert "https://fdigraph.example/id/" not in table.replace('title="https://fdigraph', "")


def test_the_table_sorts_by_a_column(client: FlaskClient) -> None:
    page = client.get("/queries/rankings?lang=en&_sort=rank", headers=HTML)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    columns = body.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert 'aria-sort="ascending"' in columns
    rank = [c for c in re.findall(r"<th [^>]*>(.*?)</th>", columns, re.S)].index(
        next(c for c in re.findall(r"<th [^>]*>(.*?)</th>", columns, re.S) if ">rank" in c)
    )
    ranks = [int(v) for v in cells(body, rank)]
    assert ranks == sorted(ranks) and ranks[0] < ranks[-1]
    down = client.get("/queries/rankings?lang=en&_sort=rank&_desc=1", headers=HTML)
    assert [int(v) for v in cells(down.get_data(as_text=True), rank)] == sorted(ranks, reverse=True)


def test_downloads_carry_the_values_and_every_format(client: FlaskClient) -> None:
    body = client.get("/queries/area-figures?area=VN&_sort=period", headers=HTML).get_data(
        as_text=True
    )
    links = dict(re.findall(r'<a href="([^"]+)" data-format="([^"]+)"', body))
    assert sorted(links.values()) == sorted(
        ["SPARQL JSON", "SPARQL XML", "CSV", "TSV", "Turtle", "JSON-LD", "N-Triples"]
    )
    for url in links:
        url = url.replace("&amp;", "&")
        assert "area=VN" in url and "_sort" not in url
        assert client.get(url).status_code == 200


def test_an_ask_answer_is_yes_or_no(client: FlaskClient) -> None:
    yes = client.get("/queries/prioritises-sector?lang=en", headers=HTML).get_data(as_text=True)
    assert 'data-answer="yes"' in yes and "<strong>Yes</strong>" in yes and "_askResult" not in yes
    no = client.get("/queries/prioritises-sector?area=VN-01&lang=vi", headers=HTML).get_data(
        as_text=True
    )
    assert 'data-answer="no"' in no and "<strong>Không</strong>" in no


def test_no_rows_says_which_values_give_rows(client: FlaskClient) -> None:
    page = client.get("/queries/area-figures?area=VN-01&year=2023&lang=en", headers=HTML)
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="no-rows"' in body
    found = re.findall(r'<li><code>(\w+)</code> = <a href="([^"]+)">([^<]+)</a>', body)
    assert ("area", "Bac Giang (VN-54)") in [(p, label) for p, _, label in found]
    for _, url, _ in found:
        answer = client.get(
            url.replace("&amp;", "&").replace("/area-figures", "/area-figures.json")
        )
        assert answer.get_json()["results"]["bindings"], url


def test_the_editor_link_carries_the_bound_query(client: FlaskClient) -> None:
    from urllib.parse import parse_qs, unquote

    body = client.get("/queries/area-figures?area=VN&lang=en", headers=HTML).get_data(as_text=True)
    href = re.search(r'id="open-editor" href="([^"]+)"', body)
    assert href is not None and href.group(1).startswith("/sparql#")
    fragment = parse_qs(unquote(href.group(1).split("#", 1)[1].replace("&amp;", "&")))
    text = fragment["query"][0]
    assert "<https://fdigraph.example/id/area/VN>" in text and "VALUES" in text


@pytest.mark.parametrize(
    "path", ["/queries/nope", "/queries/provinces.foo", "/nothing-here", "/assets/yasgui/x.js"]
)
def test_browsers_get_an_html_404_everywhere(client: FlaskClient, path: str) -> None:
    page = client.get(path, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert '<header class="top">' in page.get_data(as_text=True)
    api = client.get(path)
    assert api.status_code == 404 and api.get_json()["code"] == "not_found"


def test_the_list_of_queries_has_the_site_layout(client: FlaskClient) -> None:
    vi = client.get("/queries?lang=vi", headers=HTML).get_data(as_text=True)
    assert '<header class="top">' in vi and 'name="viewport"' in vi and "page.css" in vi
    assert "Thứ hạng theo chỉ số" in vi
    en = client.get("/queries?lang=en", headers=HTML).get_data(as_text=True)
    assert "Rankings by index" in en and "Thứ hạng theo chỉ số" not in en
