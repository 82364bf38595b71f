"""The saved queries of the FDI categories, answered from hand-labelled articles.

The graph here is the seed article plus test articles whose label files
(``tests/data/extract/*.yaml``) were written by hand from their text and build as fact
files. Every expected value below was read from the article text, not from a run of the
query: these are hand-checked answers, unlike the regenerated golden rows of
test_queries.py. A component split that does not add up, a flow taken for a stock, or a
ranking from another period would fail them.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph

from fdigraph import config, queries
from fdigraph.build import build
from fdigraph.store import as_dataset, open_read_only

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "tests" / "data" / "extract"
BASE = "https://fdigraph.example/"

# Label files that build as fact files (the others name concepts no file defines yet).
ARTICLES = (
    "bac-ninh-fdi-2023",
    "da-nang-fdi-2024-9m",
    "dong-nai-fdi-2024",
    "hai-duong-fdi-2024-11m",
    "nghe-an-fdi-2023",
    "thai-nguyen-fdi-2024-q1",
    "vinh-phuc-fdi-2024-02",
    "vn-fdi-2024-8m",
    "vn-fdi-2025-02",
)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Graph:
    root = tmp_path_factory.mktemp("labelled")
    for name in ("data", "ontology"):
        shutil.copytree(ROOT / name, root / name)
    for article in ARTICLES:
        shutil.copy(LABELLED / f"{article}.txt", root / "data" / "articles")
        shutil.copy(LABELLED / f"{article}.yaml", root / "data" / "facts")
    result = build(
        config.load(
            {},
            DATA_DIR=str(root / "data"),
            ONTOLOGY_DIR=str(root / "ontology"),
            DIST_DIR=str(root / "dist"),
        )
    )
    return as_dataset(open_read_only(result.store_path, in_memory=True))


@pytest.fixture(scope="module")
def run(dataset: Graph) -> Any:
    catalogue = queries.load(ROOT / "queries")

    def answer(name: str, **raw: str) -> list[dict[str, str]]:
        params = {k: [v] for k, v in raw.items()}
        result = queries.run(dataset, catalogue[name], params, base_iri=BASE)
        names, rows = queries.rows(result)
        return [
            {n: str(t) for n, t in zip(names, row, strict=True) if t is not None} for row in rows
        ]

    return answer


def test_components_of_hai_duongs_eleven_months_add_up_to_the_total(run: Any) -> None:
    rows = run("fdi-by-component", area="VN-61", period="2024-01/2024-11")
    capital = {r["component"]: Decimal(r["value"]) for r in rows if "counted" not in r}
    counts = {r["component"]: (Decimal(r["value"]), r["counted"]) for r in rows if "counted" in r}
    # "cấp mới 88 dự án với tổng vốn đăng ký 721,6 triệu USD ...; điều chỉnh tăng vốn 54 lượt
    # dự án với 268,4 triệu USD; góp vốn, mua cổ phần 23 lượt với giá trị 40,5 triệu USD"
    assert capital["new"] == 721_600_000
    assert capital["adjusted"] == 268_400_000
    assert capital["contribution"] == 40_500_000
    assert capital["total"] == 1_030_500_000 == capital["new"] + capital["adjusted"] + 40_500_000
    assert counts["new"] == (88, "projects")
    assert counts["adjusted"] == (54, "events")  # lượt: adjustment events, not projects
    assert counts["contribution"] == (23, "events")
    # "Vốn FDI thực hiện 11 tháng ước đạt 640 triệu USD": realised, an estimate, not registered
    realised = next(r for r in rows if r["component"] == "realised")
    assert Decimal(realised["value"]) == 640_000_000 and realised["status"] == "estimated value"
    # November alone ("Riêng trong tháng 11") is another period, not part of these rows
    assert {r["iso"] for r in rows} == {"2024-01/2024-11"}
    # changes and multipliers ("tăng 31 dự án", "gấp 2,3 lần") are not levels
    assert 31 not in {Decimal(r["value"]) for r in rows}


def test_components_are_named_in_vietnamese(run: Any) -> None:
    rows = run("fdi-by-component", area="VN-61", period="2024-11", lang="vi")
    assert {(r["componentName"], r["periodName"]) for r in rows} == {("cấp mới", "tháng 11/2024")}


def test_valid_projects_as_of_mid_2024_are_the_latest_positions_before_it(run: Any) -> None:
    rows = run("valid-projects-as-of", as_of="2024-06-30")
    total = {r["area"].rsplit("/", 1)[1]: r for r in rows if r["investorName"] == "total"}
    # "Lũy kế đến hết năm 2023, toàn tỉnh có 1.250 dự án FDI còn hiệu lực"
    assert (total["VN-56"]["date"], total["VN-56"]["projects"]) == ("2023-12-31", "1250")
    # "Tính đến hết tháng 3/2024, ... có 197 dự án FDI còn hiệu lực ... 10,2 tỷ USD"
    assert (total["VN-69"]["projects"], total["VN-69"]["capital"]) == ("197", "10200000000")
    # "Lũy kế đến nay": the day is the article's publication date, and the row says so
    assert total["VN-70"]["date"] == "2024-03-01"
    assert total["VN-70"]["dateBasis"] == "from the publication date"
    # positions after the day (Đồng Nai's of 30/9/2024, Hải Dương's of 30/11/2024) are not
    assert "VN-39" not in total and "VN-61" not in total


def test_the_latest_valid_projects_of_an_area(run: Any) -> None:
    rows = run("valid-projects-as-of", area="VN-61")
    assert [(r["date"], r["projects"], r["capital"]) for r in rows] == [
        ("2024-11-30", "571", "10870000000")  # "Tính đến hết tháng 11/2024 ... 571 ... 10,87 tỷ"
    ]


def test_provinces_ranked_for_eight_months_of_2024_across_two_articles(run: Any) -> None:
    rows = run("rankings-for-period", period="2024-01/2024-08", lang="vi")
    table = [(int(r["rank"]), r["areaName"]) for r in rows]
    # vn-fdi-2024-8m: "Bắc Ninh dẫn đầu ..., Quảng Ninh đứng thứ hai ...; tiếp theo là Hải
    # Phòng, TP. Hồ Chí Minh và Bình Dương"; the seed article: "Bắc Giang đứng thứ 7 cả nước"
    assert table == [
        (1, "Bắc Ninh"),
        (2, "Quảng Ninh"),
        (3, "Hải Phòng"),
        (4, "Hồ Chí Minh"),
        (5, "Bình Dương"),
        (7, "Bắc Giang"),
    ]


def test_a_ranking_by_another_indicator_and_its_size(run: Any) -> None:
    rows = run("rankings-for-period", indicator="indicator-pci", period="2023")
    # "PCI của Đồng Nai xếp thứ 15/63", "Chỉ số PCI năm 2023 của Nghệ An đứng thứ 22/63"
    assert [(r["rank"], r["areaName"], r["outOf"]) for r in rows] == [
        ("15", "Dong Nai", "63"),
        ("22", "Nghe An", "63"),
    ]


def test_investor_countries_are_not_provinces_in_a_league_table(run: Any) -> None:
    rows = run("rankings-for-period", period="2024-01/2024-11", scope="VN-61")
    # Hải Dương's article ranks China, Korea and Japan within the province: not provinces
    assert rows == []
