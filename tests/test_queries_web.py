"""The saved-query HTTP API through the real app: formats, errors, OpenAPI."""

from __future__ import annotations

import csv
import io
import json
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


def test_the_html_form_offers_lists_and_choices(client: FlaskClient) -> None:
    from html.parser import HTMLParser

    class Fields(HTMLParser):
        """The form's inputs (name, value) and selects (name: multiple, selected)."""

        def __init__(self) -> None:
            super().__init__()
            self.inputs: list[tuple[str | None, str | None]] = []
            self.selects: dict[str | None, tuple[bool, list[str]]] = {}
            self.select: str | None = None
            self.selected = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = dict(attrs)
            if tag == "input":
                self.inputs.append((a["name"], a["value"]))
            elif tag == "select":
                self.select = a["name"]
                self.selects[self.select] = ("multiple" in a, [])
            self.selected = tag == "option" and "selected" in a

        def handle_data(self, data: str) -> None:
            if self.selected:
                self.selects[self.select][1].append(data)
                self.selected = False

    page = client.get(
        "/queries/investors-by-country",
        query_string=[("country", "JP"), ("country", "KR"), ("lang", "vi")],
        headers={"Accept": "text/html"},
    )
    assert page.status_code == 200
    fields = Fields()
    fields.feed(page.get_data(as_text=True))
    # one input per chosen country, and an empty one to add another
    assert fields.inputs == [("country", "JP"), ("country", "KR"), ("country", "")]
    assert fields.selects == {"lang": (False, ["vi"])}
    again = client.get(
        "/queries/investors-by-country",
        query_string=[("country", "JP"), ("country", "KR"), ("country", ""), ("lang", "vi")],
        headers={"Accept": "text/html"},
    )
    refilled = Fields()
    refilled.feed(again.get_data(as_text=True))  # the empty value is ignored, not an error
    assert again.status_code == 200 and refilled.inputs == fields.inputs
