"""A provincial paper's articles: the province unnamed, subheadings, base values, stocks.

Every article here is written for these tests (own words), in the manner of provincial
news: "toàn tỉnh", "tỉnh cấp mới", no name of the province.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from fdigraph.cli import main
from fdigraph.extract import Draft, DraftObservation, extract
from fdigraph.extract.places import UNKNOWN_PROVINCE

DATE_LINE = "Thứ Tư, 17/04/2024 09:15 (GMT+7)"


def _page(*paragraphs: str, title: str = "Thu hút đầu tư khởi sắc") -> str:
    return "\n\n".join([title, DATE_LINE, *paragraphs, "Lan Hương"]) + "\n"


def _draft(
    *paragraphs: str, title: str = "Thu hút đầu tư khởi sắc", area: str | None = None
) -> Draft:
    return extract(_page(*paragraphs, title=title), source_id="t", area=area)


def _one(draft: Draft, figure: str) -> DraftObservation:
    found = [o for o in draft.observations if o.figure == figure]
    assert len(found) == 1, [(o.figure, o.measure, o.area) for o in draft.observations]
    return found[0]


UNNAMED = (
    "Ba tháng đầu năm 2024, toàn tỉnh thu hút 310 triệu USD vốn FDI.",
    "Cũng trong quý I, cả nước thu hút 5,2 tỷ USD vốn FDI.",
)


def test_an_unnamed_province_takes_the_area_given() -> None:
    draft = _draft(*UNNAMED, area="VN-37")
    assert _one(draft, "310 triệu USD").area == "VN-37"
    assert _one(draft, "5,2 tỷ USD").area == "VN"
    assert draft.source.about == ("VN-37",)


def test_an_unnamed_province_is_never_the_nation_without_an_area() -> None:
    draft = _draft(*UNNAMED)
    fact = _one(draft, "310 triệu USD")
    assert fact.area == UNKNOWN_PROVINCE and fact.review and "--area" in fact.review
    assert _one(draft, "5,2 tỷ USD").area == "VN"
    assert draft.source.about == (UNKNOWN_PROVINCE,)


def test_a_figure_in_no_sentence_with_a_place_is_the_unnamed_provinces() -> None:
    draft = _draft(
        "Tỉnh cấp mới 6 dự án FDI trong quý I/2024.", "Vốn thực hiện quý I đạt 40 triệu USD."
    )
    assert _one(draft, "6 dự án").area == UNKNOWN_PROVINCE
    assert _one(draft, "40 triệu USD").area == UNKNOWN_PROVINCE


def test_a_national_article_stays_national() -> None:
    draft = _draft(
        "Quý I/2024, cả nước thu hút 5,2 tỷ USD vốn FDI.",
        "Vốn thực hiện đạt 4,6 tỷ USD.",
        title="Vốn FDI quý I tăng",
    )
    assert {o.area for o in draft.observations} == {"VN"}
    assert draft.source.about == ()


def test_other_provinces_are_not_the_own_province() -> None:
    draft = _draft("Quý I/2024, nhiều tỉnh thu hút thêm vốn FDI; cả nước đạt 5,2 tỷ USD.")
    assert _one(draft, "5,2 tỷ USD").area == "VN"
    assert draft.source.about == ()


def test_the_writer_flags_the_placeholder(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(_page(*UNNAMED), encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(article)])
    assert result.exit_code == 0, result.output
    assert "--area" in result.stderr and UNKNOWN_PROVINCE in result.stderr
    body = result.stdout
    assert body.startswith("# REVIEW: the article names no province")
    lines = body.split("\n")
    at = next(i for i, line in enumerate(lines) if line == f"  area: {UNKNOWN_PROVINCE}")
    assert lines[at - 2].startswith("# REVIEW: the article names no province")
    assert yaml.safe_load(body)["source"]["about"] == [UNKNOWN_PROVINCE]


def test_the_cli_area_option(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(_page(*UNNAMED), encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(article), "--area", "vn-37"])
    assert result.exit_code == 0, result.output
    doc = yaml.safe_load(result.stdout)
    assert doc["source"]["about"] == ["VN-37"]
    assert "VN-37" in {o["area"] for o in doc["observations"]}
    assert "warning" not in result.stderr


def test_the_cli_refuses_an_unknown_area(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(_page(*UNNAMED), encoding="utf-8")
    for bad in ("VN-99", "JP", "bac-ninh"):
        result = CliRunner().invoke(main, ["extract", str(article), "--area", bad])
        assert result.exit_code == 2 and "not a province" in result.output, bad


def test_a_subheading_repeating_a_body_figure_is_one_fact_with_two_quotes() -> None:
    draft = _draft(
        "Năm 2023, toàn tỉnh thu hút 24 triệu USD vốn FDI.",
        "Vốn FDI tăng gần 9 lần",
        "Quý I/2024, tỉnh thu hút 70 triệu USD vốn FDI, tăng gần 9 lần so với cùng kỳ.",
        area="VN-37",
    )
    fact = _one(draft, "9 lần")
    assert (fact.period, fact.base, fact.comparison) == (
        "2024-01/2024-03",
        "2023-01/2023-03",
        "multiplier",
    )
    assert fact.quotes[0].text == "Vốn FDI tăng gần 9 lần"
    assert len(fact.quotes) == 2


def test_a_period_opening_a_paragraph_is_no_base_of_the_subheading_before() -> None:
    draft = _draft(
        "Vốn FDI tăng 3,5 lần", "Quý I/2024, tỉnh thu hút 70 triệu USD vốn FDI.", area="VN-37"
    )
    assert _one(draft, "70 triệu USD").period == "2024-01/2024-03"


def test_a_value_in_brackets_after_a_base_is_the_level_of_the_base_period() -> None:
    draft = _draft(
        "Quý I/2024, tỉnh thu hút 92 triệu USD vốn FDI cấp mới, vượt nhiều lần so với cùng"
        " kỳ năm 2023 (12,5 triệu USD).",
        "Vốn điều chỉnh đạt 40 triệu USD, tăng 25,4% so với cùng kỳ năm 2023 (31,9 triệu USD).",
        area="VN-37",
    )
    new = _one(draft, "12,5 triệu USD")
    assert (new.measure, new.period, new.comparison) == (
        "fdiNewCapital",
        "2023-01/2023-03",
        "level",
    )
    adjusted = _one(draft, "31,9 triệu USD")
    assert (adjusted.measure, adjusted.period, adjusted.comparison) == (
        "fdiAdjustedCapital",
        "2023-01/2023-03",
        "level",
    )
    assert _one(draft, "40 triệu USD").review is None


def test_new_and_adjusted_together_is_one_capital_and_its_count_no_measure() -> None:
    draft = _draft(
        "Quý I/2024, Ban quản lý các KCN tỉnh cấp mới và điều chỉnh vốn cho 17 dự án với tổng"
        " vốn đăng ký tăng thêm 245 triệu USD.",
        "Sáu tháng năm 2024, tỉnh cấp mới và điều chỉnh vốn 31 lượt dự án, tổng vốn đăng ký"
        " 390 triệu USD, trong đó cấp mới 11 dự án với 150 triệu USD.",
        area="VN-37",
    )
    assert _one(draft, "245 triệu USD").measure == "fdiNewAndAdjustedCapital"
    assert _one(draft, "390 triệu USD").measure == "fdiNewAndAdjustedCapital"
    assert not [o for o in draft.observations if o.figure in {"17 dự án", "31 lượt dự án"}]
    assert _one(draft, "11 dự án").measure == "fdiNewProjectCount"
    assert _one(draft, "150 triệu USD").measure == "fdiNewCapital"


def test_the_period_carries_over_a_base_period_even_with_no_date_line() -> None:
    text = "\n\n".join(
        [
            "Vốn FDI quý I",
            "Quý I/2024, tỉnh cấp mới và điều chỉnh vốn cho 15 dự án. Trong đó, 9 dự án FDI cấp"
            " mới với tổng vốn đăng ký 1,25 tỷ USD. 6 dự án điều chỉnh tăng vốn, đạt 88,4 triệu"
            " USD, tăng 41,2% so với cùng kỳ năm 2023. Vốn thực hiện đạt 75 triệu USD.",
            "Lan Hương",
        ]
    )
    draft = extract(text, source_id="t", area="VN-37")
    for figure in ("9 dự án", "1,25 tỷ USD", "6 dự án", "88,4 triệu USD", "75 triệu USD"):
        assert _one(draft, figure).period == "2024-01/2024-03", figure
    growth = _one(draft, "41,2%")
    assert (growth.period, growth.base) == ("2024-01/2024-03", "2023-01/2023-03")


def test_a_misspelt_quarter_is_a_quarter() -> None:
    draft = _draft("Qúy II/2024, tỉnh thu hút 66 triệu USD vốn FDI.", area="VN-37")
    assert _one(draft, "66 triệu USD").period == "2024-04/2024-06"


def test_as_of_days_with_a_dash_and_mid_or_end_of_month() -> None:
    draft = _draft(
        "Tính đến ngày 20-8, trên địa bàn tỉnh có 412 dự án FDI còn hiệu lực.",
        "Đến ngày 20-8-2024, tổng vốn đăng ký của các dự án FDI còn hiệu lực đạt 7,3 tỷ USD.",
        "Đến giữa tháng 9, toàn tỉnh có 418 dự án FDI còn hiệu lực.",
        "Đến cuối tháng 9/2024, trên địa bàn tỉnh có 420 dự án FDI còn hiệu lực.",
        area="VN-37",
    )
    assert (_one(draft, "412 dự án").period, _one(draft, "412 dự án").stock) == ("2024-08-20", True)
    capital = _one(draft, "7,3 tỷ USD")
    assert (capital.period, capital.period_inferred, capital.stock) == ("2024-08-20", None, True)
    assert (_one(draft, "418 dự án").period, _one(draft, "418 dự án").stock) == ("2024-09-15", True)
    assert (_one(draft, "420 dự án").period, _one(draft, "420 dự án").stock) == ("2024-09-30", True)


def test_capital_as_a_percent_of_the_base_period_is_held_for_review(tmp_path: Path) -> None:
    paragraph = (
        "Quý I/2024, tỉnh cấp mới 4 dự án FDI; số vốn đăng ký chỉ bằng 21,6% (so với cùng kỳ)."
    )
    draft = _draft(paragraph, area="VN-37")
    assert not [o for o in draft.observations if o.unit == "PERCENT"]
    (held,) = draft.held
    assert held.figure == "21,6%" and held.review and "no comparison" in held.review
    article = tmp_path / "a.txt"
    article.write_text(_page(paragraph), encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(article), "--area", "VN-37"])
    doc = yaml.safe_load(result.stdout)
    assert [o["figure"] for o in doc["observations"]] == ["4 dự án"]
    assert "# REVIEW: a percent of the base period's level" in result.stdout
    assert "#   figure: 21,6%" in result.stdout


def test_stocks_to_date_and_their_sub_splits_held_for_review() -> None:
    draft = _draft(
        "Tám tháng năm 2024, tỉnh thu hút 95 triệu USD vốn FDI.",
        "Đến nay, trên địa bàn tỉnh có 386 dự án đầu tư nước ngoài với tổng vốn đầu tư đăng ký"
        " hơn 21,7 tỷ USD (trong KCN 240 dự án với 16,2 tỷ USD; ngoài KCN 146 dự án với 5,5 tỷ"
        " USD).",
        area="VN-37",
    )
    assert _one(draft, "95 triệu USD").period == "2024-01/2024-08"
    projects, capital = _one(draft, "386 dự án"), _one(draft, "21,7 tỷ USD")
    assert (projects.measure, projects.period, projects.stock) == (
        "fdiValidProjectCount",
        "2024-04-17",
        True,
    )
    assert (capital.measure, capital.period, capital.stock) == (
        "fdiRegisteredCapital",
        "2024-04-17",
        True,
    )
    assert projects.review is None and capital.review is None
    assert {o.figure for o in draft.held} == {"240 dự án", "16,2 tỷ USD", "146 dự án", "5,5 tỷ USD"}
    assert all(o.review and "part of the total" in o.review for o in draft.held)
