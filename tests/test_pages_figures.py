"""Figures in words on the pages: capital component, flow or position, comparison, period.

The graph is the seed article plus the hand-labelled Hải Dương article of
tests/data/extract/ (new, adjusted, contribution and realised components, a growth, a
change and a multiplier against the same months of 2023, shares, and positions as of
30 November 2024), built as in test_queries_model.py and served by the Flask app.
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from fdigraph import config
from fdigraph.build import BuildResult, build
from fdigraph.store import open_read_only
from fdigraph.web import create_app

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = "hai-duong-fdi-2024-11m"
OBS = f"/id/obs/{ARTICLE}/"
HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def labelled(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    root = tmp_path_factory.mktemp("figures")
    for name in ("data", "ontology"):
        shutil.copytree(ROOT / name, root / name)
    extract = ROOT / "tests" / "data" / "extract"
    shutil.copy(extract / f"{ARTICLE}.txt", root / "data" / "articles")
    shutil.copy(extract / f"{ARTICLE}.yaml", root / "data" / "facts")
    values = {"DATA_DIR": "data", "ONTOLOGY_DIR": "ontology", "DIST_DIR": "dist"}
    return build(config.load({}, **{k: str(root / v) for k, v in values.items()}))


@pytest.fixture(scope="module")
def client(labelled: BuildResult) -> Iterator[FlaskClient]:
    app = create_app({"TESTING": True, "STORE_PATH": str(labelled.store_path), "IN_MEMORY": True})
    with app.test_client() as c:
        yield c


def readings(client: FlaskClient, path: str, lang: str) -> dict[str, dict[str, str]]:
    """Each fact's reading on the page at ``path``, by the fact's link: {role: text}."""
    body = client.get(path, headers=HTML, query_string={"lang": lang}).get_data(as_text=True)
    found: dict[str, dict[str, str]] = {}
    for fact in body.split('<div class="fact" ')[1:]:
        link = re.search(r'<a class="fact-label" href="([^"]+)"', fact)
        assert link is not None
        reading = re.search(r'<p class="reading">(.*?)</p>', fact, re.S)
        parts = (
            re.findall(r'<span class="[^"]+" data-role="([^"]+)">([^<]*)</span>', reading[1])
            if reading
            else []
        )
        found[link[1]] = {role: html.unescape(text) for role, text in parts}
    return found


def reading_of(client: FlaskClient, key: str, lang: str) -> dict[str, str]:
    """The reading an observation's own page shows for it."""
    return readings(client, OBS + key, lang)[OBS + key]


@pytest.mark.parametrize(
    ("key", "lang", "expected"),
    [
        (
            "hd-capital-stock",
            "en",
            {
                "component": "capital component: total registered capital",
                "position": "position as of 30 November 2024",
                "comparison": "level",
            },
        ),
        (
            "hd-capital-stock",
            "vi",
            {
                "component": "thành phần vốn: tổng vốn đăng ký",
                "position": "vị thế tại ngày 30/11/2024",
                "comparison": "mức",
            },
        ),
        (
            "hd-new-capital-2024-11m",
            "en",
            {"component": "capital component: new", "flow": "flow, January–November 2024"},
        ),
        (
            "hd-new-capital-2024-11m",
            "vi",
            {"component": "thành phần vốn: cấp mới", "flow": "dòng, 11 tháng đầu năm 2024"},
        ),
        ("hd-new-capital-2024-11", "en", {"flow": "flow, November 2024"}),
        ("hd-new-capital-2024-11", "vi", {"flow": "dòng, tháng 11/2024"}),
        ("hd-adjusted-capital-2024-11m", "en", {"component": "capital component: adjusted"}),
        ("hd-adjusted-capital-2024-11m", "vi", {"component": "thành phần vốn: điều chỉnh"}),
        (
            "hd-contribution-capital-2024-11m",
            "en",
            {"component": "capital component: contributions and share purchases"},
        ),
        (
            "hd-contribution-capital-2024-11m",
            "vi",
            {"component": "thành phần vốn: góp vốn, mua cổ phần"},
        ),
        ("hd-realised-2024-11m", "en", {"component": "capital component: realised"}),
        ("hd-realised-2024-11m", "vi", {"component": "thành phần vốn: vốn thực hiện"}),
        (
            "hd-ddi-capital-growth-2024-11m",
            "en",
            {"comparison": "growth against January–November 2023"},
        ),
        (
            "hd-ddi-capital-growth-2024-11m",
            "vi",
            {"comparison": "tốc độ tăng so với 11 tháng đầu năm 2023"},
        ),
        (
            "hd-new-projects-change-2024-11m",
            "en",
            {"comparison": "change against January–November 2023"},
        ),
        (
            "hd-fdi-multiplier-2024-11m",
            "vi",
            {"comparison": "số lần so với 11 tháng đầu năm 2023"},
        ),
        ("hd-fdi-share-vn-2024-11m", "en", {"comparison": "share of the total of Vietnam"}),
        ("hd-fdi-share-vn-2024-11m", "vi", {"comparison": "tỷ trọng trong tổng của Việt Nam"}),
        (
            "hd-realised-plan-excess-2024-11m",
            "en",
            {"comparison": "percent above plan"},
        ),
        (
            "hd-valid-projects-stock",
            "vi",
            {"position": "vị thế tại ngày 30/11/2024", "comparison": "mức"},
        ),
        ("hd-new-parks-2024", "en", {"flow": "flow, 2024", "comparison": "level"}),
    ],
)
def test_an_observation_page_reads_its_figure(
    client: FlaskClient, key: str, lang: str, expected: dict[str, str]
) -> None:
    shown = reading_of(client, key, lang)
    assert {role: shown.get(role) for role in expected} == expected, shown


def test_a_figure_without_a_component_says_none(client: FlaskClient) -> None:
    shown = reading_of(client, "hd-investor-countries-stock", "en")
    assert "component" not in shown
    assert shown["position"] == "position as of 30 November 2024"


@pytest.mark.parametrize(
    ("lang", "position", "component"),
    [
        ("en", "position, date not stated", "capital component: total registered capital"),
        ("vi", "vị thế, không nêu ngày", "thành phần vốn: tổng vốn đăng ký"),
    ],
)
def test_the_seed_position_without_a_date(
    client: FlaskClient, lang: str, position: str, component: str
) -> None:
    """Bình Dương's valid projects (seed data): a position whose date the text does not give."""
    shown = readings(client, "/id/area/VN-57", lang)
    valid = [r for r in shown.values() if r.get("position") == position]
    assert len(valid) == 3  # investor countries, registered capital, valid projects
    assert sum(r.get("component") == component for r in valid) == 2


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_area_page_reads_every_figure_as_the_graph_has_it(
    client: FlaskClient, labelled: BuildResult, lang: str
) -> None:
    """On Hải Dương's page every observation is read, flow or position as its fdi:flowStock
    says, and no ranking or statement is."""
    store = open_read_only(labelled.store_path, in_memory=True)
    query = (
        "PREFIX fdi: <https://fdigraph.example/def/fdi#> SELECT ?o ?fs WHERE { ?o a"
        " <http://purl.org/linked-data/cube#Observation> ; fdi:refArea"
        " <https://fdigraph.example/id/area/VN-61> ; fdi:flowStock ?fs ; fdi:hasQuote ?q }"
    )
    expected: dict[str, str] = {}
    for row in store.query(query, use_default_graph_as_union=True):
        assert isinstance(row["o"], ox.NamedNode) and isinstance(row["fs"], ox.NamedNode)
        path = "/id/" + row["o"].value.split("/id/", 1)[1]
        expected[path] = row["fs"].value.rsplit("#", 1)[1]
    assert len(expected) >= 25 and {"Flow", "Position"} <= set(expected.values())
    shown = readings(client, "/id/area/VN-61", lang)
    roles = {"Flow": "flow", "Position": "position", "NotApplicable": "period"}
    for path, flow_stock in expected.items():
        assert roles[flow_stock] in shown[path], (path, shown[path])
        assert "comparison" in shown[path]
    others = [p for p in shown if p not in expected]
    rankings = [p for p in others if "/ranking/" in p]
    assert rankings and all(shown[p] == {} for p in rankings)
