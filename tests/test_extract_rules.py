"""The reader's rules, one by one, on small articles written for them (own words)."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml

from fdigraph.extract import Draft, DraftObservation, extract

DATE_LINE = "Thứ Hai, 11/11/2024 08:30 (GMT+7)"


def _draft(*paragraphs: str, title: str = "Tin đầu tư") -> Draft:
    return extract("\n\n".join([title, DATE_LINE, *paragraphs, "Minh Anh"]) + "\n", source_id="t")


def _one(draft: Draft, figure: str) -> DraftObservation:
    found = [o for o in draft.observations if o.figure == figure]
    assert len(found) == 1, [(o.figure, o.measure) for o in draft.observations]
    return found[0]


COMPONENTS = (
    "10 tháng năm 2024, tổng vốn đầu tư nước ngoài đăng ký cấp mới, điều chỉnh và góp vốn mua"
    " cổ phần của tỉnh Thái Nguyên đạt 1,05 tỷ USD. Trong đó, có 25 dự án cấp mới với tổng vốn"
    " đăng ký 620 triệu USD; 18 lượt dự án điều chỉnh vốn, tăng thêm 400 triệu USD; 40 lượt góp"
    " vốn, mua cổ phần với tổng giá trị 30 triệu USD, trong đó 12 lượt làm tăng vốn điều lệ với"
    " giá trị 10 triệu USD và 28 lượt mua lại cổ phần không làm tăng vốn điều lệ với giá trị 20"
    " triệu USD. Vốn thực hiện ước đạt 650 triệu USD. Tổng vốn cấp mới và tăng thêm đạt 1,02 tỷ"
    " USD."
)


@pytest.mark.parametrize(
    ("figure", "measure"),
    [
        ("1,05 tỷ USD", "fdiRegisteredCapital"),
        ("25 dự án", "fdiNewProjectCount"),
        ("620 triệu USD", "fdiNewCapital"),
        ("18 lượt dự án", "fdiAdjustmentCount"),
        ("400 triệu USD", "fdiAdjustedCapital"),
        ("40 lượt", "fdiContributionCount"),
        ("30 triệu USD", "fdiContributionCapital"),
        ("12 lượt", "fdiCharterContributionCount"),
        ("10 triệu USD", "fdiCharterContributionCapital"),
        ("28 lượt", "fdiSharePurchaseCount"),
        ("20 triệu USD", "fdiSharePurchaseCapital"),
        ("650 triệu USD", "fdiRealisedCapital"),
        ("1,02 tỷ USD", "fdiNewAndAdjustedCapital"),
    ],
)
def test_components_of_registered_capital_and_their_counts(figure: str, measure: str) -> None:
    fact = _one(_draft(COMPONENTS), figure)
    assert (fact.measure, fact.area, fact.period) == (measure, "VN-69", "2024-01/2024-10")


def test_realised_capital_is_an_estimate_when_estimated() -> None:
    assert _one(_draft(COMPONENTS), "650 triệu USD").status == "estimate"


def test_stocks_as_of_a_day_and_as_of_the_publication_date() -> None:
    draft = _draft(
        "Lũy kế đến hết tháng 10/2024, tỉnh Thái Nguyên có 210 dự án FDI còn hiệu lực với tổng"
        " vốn đăng ký 11,2 tỷ USD.",
        "Đến nay, tỉnh có 6 KCN và 32 CCN; hiện có 250 dự án FDI còn hiệu lực.",
    )
    projects, capital = _one(draft, "210 dự án"), _one(draft, "11,2 tỷ USD")
    assert (projects.measure, projects.period, projects.stock) == (
        "fdiValidProjectCount",
        "2024-10-31",
        True,
    )
    assert (capital.measure, capital.period, capital.stock) == (
        "fdiRegisteredCapital",
        "2024-10-31",
        True,
    )
    parks, clusters = _one(draft, "6 KCN"), _one(draft, "32 CCN")
    assert (parks.measure, clusters.measure) == ("industrialParkCount", "industrialClusterCount")
    now = _one(draft, "250 dự án")
    assert (now.period, now.period_inferred, now.measure) == (
        "2024-11-11",
        "published",
        "fdiValidProjectCount",
    )


def test_domestic_investment_is_never_fdi() -> None:
    draft = _draft(
        "Năm 2024, tỉnh Long An cấp mới 48 dự án trong nước với tổng vốn 12.500 tỷ đồng và 30 dự"
        " án FDI với tổng vốn 300 triệu USD."
    )
    assert _one(draft, "48 dự án").measure == "ddiNewProjectCount"
    assert _one(draft, "12.500 tỷ đồng").measure == "ddiNewCapital"
    assert _one(draft, "30 dự án").measure == "fdiNewProjectCount"
    assert _one(draft, "300 triệu USD").measure == "fdiNewCapital"


def test_ddi_abbreviation() -> None:
    draft = _draft("Năm 2024, tỉnh Long An thu hút DDI 25.000 tỷ đồng.")
    assert _one(draft, "25.000 tỷ đồng").measure == "ddiRegisteredCapital"


@pytest.mark.parametrize(
    ("sentence", "figure", "comparison", "value", "base"),
    [
        (
            "Năm 2024, tỉnh Bắc Ninh thu hút 4,7 tỷ USD vốn FDI, tăng 30% so với cùng kỳ.",
            "30%",
            "growth",
            "30",
            "2023",
        ),
        (
            "8 tháng đầu năm 2024, vốn FDI của tỉnh Bắc Ninh đạt 2 tỷ USD, giảm 4,2% so với cùng kỳ.",
            "4,2%",
            "growth",
            "-4.2",
            "2023-01/2023-08",
        ),
        (
            "Năm 2024, tỉnh Bắc Ninh cấp mới 120 dự án FDI, tăng 79 dự án so với năm 2023.",
            "79 dự án",
            "change",
            "79",
            "2023",
        ),
        (
            "Năm 2024, vốn đầu tư trong nước của tỉnh Bắc Ninh đạt 20.000 tỷ đồng, giảm 71.337 tỷ"
            " đồng so với năm 2023.",
            "71.337 tỷ đồng",
            "change",
            "-71337000000000",
            "2023",
        ),
        (
            "Năm 2024, tỉnh Bắc Ninh thu hút 4,7 tỷ USD vốn FDI, gấp 5,4 lần so với năm 2023.",
            "5,4 lần",
            "multiplier",
            "5.4",
            "2023",
        ),
        (
            "Tính đến ngày 28/2/2025, tỉnh Bắc Ninh có 60 dự án mới, giảm 3,5% so với cùng kỳ.",
            "3,5%",
            "growth",
            "-3.5",
            "2024-01/2024-02",
        ),
    ],
)
def test_changes_growth_and_multipliers_with_their_base(
    sentence: str, figure: str, comparison: str, value: str, base: str
) -> None:
    fact = _one(_draft(sentence), figure)
    assert (fact.comparison, fact.value, fact.base) == (comparison, Decimal(value), base)


def test_a_multiplier_nearly_reached() -> None:
    fact = _one(
        _draft("Quý I/2025, tỉnh Bắc Ninh thu hút 1,9 tỷ USD vốn FDI, gấp gần 2,1 lần cùng kỳ."),
        "2,1 lần",
    )
    assert (fact.qualifier, fact.comparison, fact.base) == (
        "nearly",
        "multiplier",
        "2024-01/2024-03",
    )


def test_shares_are_not_growth_and_carry_the_investor_country() -> None:
    draft = _draft(
        "9 tháng năm 2024, tỉnh Đồng Nai thu hút 1,3 tỷ USD vốn FDI. Nhật Bản dẫn đầu với 420"
        " triệu USD, chiếm 32% tổng vốn."
    )
    level, share = _one(draft, "420 triệu USD"), _one(draft, "32%")
    assert (level.counterpart, level.measure) == ("JP", "fdiRegisteredCapital")
    assert (share.comparison, share.counterpart, share.measure, share.unit) == (
        "share",
        "JP",
        "fdiRegisteredCapital",
        "PERCENT",
    )


def test_a_share_of_the_nation() -> None:
    draft = _draft(
        "Quý I/2025, tỉnh Bắc Ninh thu hút 1,9 tỷ USD vốn FDI, chiếm 17,3% tổng vốn đầu tư cả nước."
    )
    fact = _one(draft, "17,3%")
    assert (fact.area, fact.share_of, fact.comparison) == ("VN-56", "VN", "share")


@pytest.mark.parametrize(
    ("sentence", "figure", "comparison", "measure"),
    [
        (
            "10 tháng năm 2024, tỉnh Hà Tĩnh thu ngân sách 15.320 tỷ đồng, đạt 19% kế hoạch.",
            "19%",
            "plan-percent",
            "stateBudgetRevenue",
        ),
        (
            "10 tháng năm 2024, thu ngân sách của tỉnh Hà Tĩnh đạt 15.320 tỷ đồng, bằng 105,2% dự toán.",
            "105,2%",
            "plan-percent",
            "stateBudgetRevenue",
        ),
        (
            "Năm 2024, tỉnh Hà Tĩnh thu hút 900 triệu USD vốn FDI, vượt 50% kế hoạch năm.",
            "50%",
            "plan-excess",
            "fdiRegisteredCapital",
        ),
    ],
)
def test_percent_of_a_plan(sentence: str, figure: str, comparison: str, measure: str) -> None:
    fact = _one(_draft(sentence), figure)
    assert (fact.comparison, fact.measure, fact.status) == (comparison, measure, None)


def test_the_planning_department_is_a_source_not_a_target() -> None:
    draft = _draft(
        "Theo Sở Kế hoạch và Đầu tư, năm 2024 tỉnh Hà Tĩnh thu hút 900 triệu USD vốn FDI."
    )
    assert _one(draft, "900 triệu USD").status is None
    target = _draft("Kế hoạch năm 2025, tỉnh Hà Tĩnh phấn đấu thu hút 1 tỷ USD vốn FDI.")
    assert _one(target, "1 tỷ USD").status == "target"


def test_national_figures_in_a_provincial_article_go_to_vietnam() -> None:
    draft = _draft(
        "Năm 2024, tỉnh Hà Nam thu hút 600 triệu USD vốn FDI. Cả nước thu hút 38,2 tỷ USD.",
        "Theo Cục Đầu tư nước ngoài, 10 tháng năm 2024 tổng vốn đăng ký đạt 27,26 tỷ USD.",
    )
    assert _one(draft, "600 triệu USD").area == "VN-63"
    assert _one(draft, "38,2 tỷ USD").area == "VN"
    assert _one(draft, "27,26 tỷ USD").area == "VN"


def test_ranking_lists_give_a_rank_and_a_figure_for_each_place() -> None:
    draft = _draft(
        "Năm 2023, Hà Nội dẫn đầu cả nước với 2,9 tỷ USD, tiếp theo là Hải Phòng với 2,1 tỷ USD,"
        " Bắc Ninh 1,9 tỷ USD."
    )
    ranks = {(r.area, r.rank, r.scope, r.period) for r in draft.rankings}
    assert ranks == {
        ("VN-HN", 1, "VN", "2023"),
        ("VN-HP", 2, "VN", "2023"),
        ("VN-56", 3, "VN", "2023"),
    }
    assert {o.area for o in draft.observations} == {"VN-HN", "VN-HP", "VN-56"}


@pytest.mark.parametrize(
    ("sentence", "area", "rank"),
    [
        ("Năm 2024, Bắc Ninh vươn lên vị trí thứ hai cả nước về thu hút FDI.", "VN-56", 2),
        ("Năm 2024, đứng ở vị trí thứ hai về thu hút FDI là TP.HCM.", "VN-SG", 2),
        ("Năm 2024, Bắc Ninh đứng thứ 2 cả nước về thu hút FDI, chỉ sau Hà Nội.", "VN-HN", 1),
    ],
)
def test_ranks_in_words(sentence: str, area: str, rank: int) -> None:
    ranks = {(r.area, r.rank) for r in _draft(sentence).rankings}
    assert (area, rank) in ranks


def test_ranges_and_pairs_of_areas() -> None:
    draft = _draft(
        "Năm 2025, tỉnh Bắc Giang dự kiến thu hút 20-25 dự án FDI. Tỉnh hiện có 6 khu công"
        " nghiệp, đã cho thuê 525,51 ha/927,60 ha."
    )
    projects = _one(draft, "20-25 dự án")
    assert (projects.qualifier, projects.value, projects.value_max) == (
        "between",
        Decimal(20),
        Decimal(25),
    )
    assert _one(draft, "525,51 ha").measure == "industrialLandLeasedArea"
    assert _one(draft, "927,60 ha").measure == "industrialParkArea"


def test_ty_without_dong_in_a_dong_sentence() -> None:
    draft = _draft(
        "Năm 2024, tỉnh Long An thu hút 25.000 tỷ đồng vốn trong nước, tăng 3.000 tỷ so với năm 2023."
    )
    fact = _one(draft, "3.000 tỷ")
    assert (fact.unit, fact.value, fact.comparison) == ("VND", Decimal(3 * 10**12), "change")


def test_the_same_value_twice_in_one_sentence_is_two_facts() -> None:
    draft = _draft(
        "Năm 2024, tỉnh Long An có vốn cấp mới 100 triệu USD và vốn điều chỉnh 100 triệu USD."
    )
    found = sorted(o.measure for o in draft.observations if o.value == 10**8)
    assert found == ["fdiAdjustedCapital", "fdiNewCapital"]


@pytest.mark.parametrize(
    ("sentence", "period"),
    [
        ("8 tháng đầu năm 2024, tỉnh Long An thu hút 1 tỷ USD vốn FDI.", "2024-01/2024-08"),
        ("Năm 2024, trong tháng 2, tỉnh Long An thu hút 100 triệu USD vốn FDI.", "2024-02"),
        ("Từ đầu năm tới tháng 6/2024, tỉnh Long An thu hút 1 tỷ USD vốn FDI.", "2024-01/2024-06"),
        ("Từ năm 2021 đến nay, tỉnh Long An thu hút 4 tỷ USD vốn FDI.", "2021-01-01/2024-11-11"),
        (
            "Tính từ đầu năm đến ngày 20/9/2024, tỉnh Long An thu hút 1 tỷ USD vốn FDI.",
            "2024-01-01/2024-09-20",
        ),
        ("Sáu tháng đầu năm 2024, tỉnh Long An thu hút 1 tỷ USD vốn FDI.", "2024-01/2024-06"),
    ],
)
def test_periods_as_written(sentence: str, period: str) -> None:
    assert _draft(sentence).observations[0].period == period


def test_the_publication_date_line_is_read_and_is_not_the_title() -> None:
    text = f"{DATE_LINE}\nTrang chủ > Kinh tế > Đầu tư\nLong An hút vốn FDI\n\nNăm 2024, tỉnh Long An thu hút 1 tỷ USD vốn FDI.\n"
    draft = extract(text, source_id="t")
    assert str(draft.source.published) == "2024-11-11"
    assert draft.source.title == "Long An hút vốn FDI"


def test_a_figure_repeated_by_the_sapo_is_one_fact_with_two_quotes() -> None:
    draft = _draft(
        "9 tháng năm 2024, Đồng Nai thu hút 1,3 tỷ USD vốn FDI.",
        "Theo Sở Kế hoạch và Đầu tư, 9 tháng năm 2024 tỉnh Đồng Nai thu hút 1,3 tỷ USD vốn FDI.",
        title="Đồng Nai thu hút 1,3 tỷ USD vốn FDI",
    )
    (fact,) = [o for o in draft.observations if o.value == Decimal("1.3E9")]
    assert len(fact.quotes) == 3 and fact.review is None


def test_a_sapo_at_another_scale_than_the_body_is_flagged_not_kept() -> None:
    draft = _draft(
        "9 tháng năm 2024, Đồng Nai thu hút 13 tỷ USD vốn FDI.",
        "Theo Sở Kế hoạch và Đầu tư, 9 tháng năm 2024 tỉnh Đồng Nai thu hút 1,3 tỷ USD vốn FDI.",
        title="Đồng Nai: vốn FDI tăng mạnh",
    )
    money = [o for o in draft.observations if o.unit == "USD"]
    assert len(money) == 1 and money[0].value == Decimal("1.3E9")
    assert money[0].review is not None and "13 tỷ USD" in money[0].review


def test_after_the_merger_figures_go_to_the_successor() -> None:
    text = (
        "Bắc Ninh thu hút FDI\n\nThứ Tư, 15/10/2025 09:00\n\n9 tháng năm 2025, tỉnh Bắc Ninh"
        " (mới) thu hút 3,2 tỷ USD vốn FDI. Năm 2024, tỉnh Bắc Giang thu hút 1,6 tỷ USD vốn FDI.\n"
    )
    draft = extract(text, source_id="t")
    assert _one(draft, "3,2 tỷ USD").area == "bac-ninh-2025"
    assert _one(draft, "1,6 tỷ USD").area == "VN-54"


def test_a_body_paragraph_without_its_stop_is_not_split_into_teasers() -> None:
    draft = _draft(
        "Năm 2024, tỉnh Bắc Giang thu hút 1,6 tỷ USD vốn FDI, trong khi Bắc Ninh thu hút 4,7 tỷ"
        " USD, Hải Phòng thu hút 3 tỷ USD và Hà Nội thu hút 2,9 tỷ USD trong cùng giai đoạn"
    )
    assert draft.teasers == ()


def test_a_photo_caption_is_no_teaser() -> None:
    draft = _draft(
        "Năm 2024, tỉnh Bắc Giang thu hút 1,6 tỷ USD vốn FDI.",
        "Khu công nghiệp Quang Châu của tỉnh Bắc Giang thu hút nhiều nhà đầu tư lớn (Ảnh: TTXVN)",
    )
    assert draft.teasers == ()


def test_a_flag_for_review_is_a_comment_above_the_fact() -> None:
    from fdigraph.extract.writer import to_yaml

    paragraphs = [
        "9 tháng năm 2024, Đồng Nai thu hút 13 tỷ USD vốn FDI.",
        "Theo Sở Kế hoạch và Đầu tư, 9 tháng năm 2024 tỉnh Đồng Nai thu hút 1,3 tỷ USD vốn FDI.",
    ]
    text = "\n\n".join(["Đồng Nai: vốn FDI tăng mạnh", DATE_LINE, *paragraphs, "Minh Anh"]) + "\n"
    body = to_yaml(extract(text, source_id="t"), text)
    lines = body.split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("# REVIEW:"))
    assert "13 tỷ USD" in lines[at] and lines[at + 1].startswith("- id: ")
    assert "review" not in body.replace("# REVIEW", "")


def test_a_list_goes_on_in_the_next_sentence() -> None:
    draft = _draft(
        "6 tháng đầu năm 2025, Singapore dẫn đầu với hơn 4,6 tỷ USD, chiếm khoảng 21,4% tổng vốn"
        " FDI. Tiếp theo là Hàn Quốc (3 tỷ USD), Trung Quốc (2,55 tỷ USD).",
        title="FDI vào Việt Nam 6 tháng",
    )
    assert {(r.area, r.rank) for r in draft.rankings} == {("SG", 1), ("KR", 2), ("CN", 3)}
    assert _one(draft, "3 tỷ USD").counterpart == "KR"


def test_places_listed_as_the_largest() -> None:
    draft = _draft(
        "6 tháng đầu năm 2025, các địa phương thu hút nhiều vốn FDI nhất gồm Hà Nội (3,66 tỷ"
        " USD), Bắc Ninh (3,15 tỷ USD).",
        title="FDI vào Việt Nam 6 tháng",
    )
    assert {(r.area, r.rank, r.scope) for r in draft.rankings} == {
        ("VN-HN", 1, "VN"),
        ("VN-56", 2, "VN"),
    }


def test_a_sector_rank_is_no_place_rank() -> None:
    draft = _draft(
        "Năm 2024, tỉnh Bắc Ninh thu hút 4,7 tỷ USD vốn FDI. Ngành bất động sản đứng thứ hai với"
        " 500 triệu USD."
    )
    assert draft.rankings == ()


def test_transactions_are_contribution_events() -> None:
    draft = _draft(
        "6 tháng đầu năm 2025, cả nước có 1.708 giao dịch góp vốn, mua cổ phần của nhà đầu tư"
        " nước ngoài, tổng giá trị vốn góp đạt 3,28 tỷ USD."
    )
    assert _one(draft, "1.708 giao dịch").measure == "fdiContributionCount"
    assert _one(draft, "3,28 tỷ USD").measure == "fdiContributionCapital"


def test_a_national_report_listing_provinces_once_each_is_about_vietnam() -> None:
    draft = _draft(
        "Tính chung 10 tháng năm 2024, tổng vốn FDI đăng ký đạt 27,3 tỷ USD.",
        "Về địa bàn, Hải Phòng dẫn đầu với 2,5 tỷ USD; Quảng Ninh đứng thứ hai với 2,2 tỷ USD.",
        title="Vốn FDI 10 tháng tăng mạnh",
    )
    assert draft.source.about == ()
    fact = _one(draft, "27,3 tỷ USD")
    assert (fact.area, fact.measure, fact.period) == (
        "VN",
        "fdiRegisteredCapital",
        "2024-01/2024-10",
    )
    assert _one(draft, "2,2 tỷ USD").area == "VN-13"


def test_a_provincial_article_without_its_province_in_the_title_keeps_it() -> None:
    draft = _draft(
        "Năm 2024, tỉnh Quảng Ninh thu hút 2,2 tỷ USD vốn FDI, gấp đôi cả nước bình quân.",
        "Quảng Ninh có 25 dự án mới; Hải Phòng lân cận có 60 dự án.",
        "Vốn thực hiện ước đạt 900 triệu USD.",
        title="Thu hút FDI năm 2024 vượt kế hoạch",
    )
    assert _one(draft, "900 triệu USD").area == "VN-13"


@pytest.mark.parametrize(
    ("sentence", "figure", "measure", "period"),
    [
        (
            "Tính đến ngày 20/9/2024, tỉnh Long An có 45 dự án mới được cấp phép với tổng vốn"
            " đăng ký 300 triệu USD.",
            "45 dự án",
            "fdiNewProjectCount",
            "2024-01-01/2024-09-20",
        ),
        (
            "Tính đến ngày 20/9/2024, tỉnh Long An có 45 dự án mới được cấp phép với tổng vốn"
            " đăng ký 300 triệu USD.",
            "300 triệu USD",
            "fdiNewCapital",
            "2024-01-01/2024-09-20",
        ),
        (
            "Tính đến ngày 30/9/2024, tổng vốn FDI đăng ký của tỉnh Long An đạt 900 triệu USD,"
            " tăng 12% so với cùng kỳ.",
            "900 triệu USD",
            "fdiRegisteredCapital",
            "2024-01/2024-09",
        ),
        (
            "Tính đến ngày 30/9/2024, tỉnh Long An có 1.200 dự án FDI với tổng vốn 12 tỷ USD.",
            "1.200 dự án",
            "fdiValidProjectCount",
            "2024-09-30",
        ),
    ],
)
def test_a_flow_to_a_day_is_the_year_to_that_day_not_a_stock(
    sentence: str, figure: str, measure: str, period: str
) -> None:
    fact = _one(_draft(sentence), figure)
    assert (fact.area, fact.measure, fact.period) == ("VN-41", measure, period)


@pytest.mark.parametrize(
    ("sentence", "figure", "measure", "period"),
    [
        (
            "Từ ngày 1/7 đến nay, tỉnh Long An đã cấp mới 6 dự án FDI.",
            "6 dự án",
            "fdiNewProjectCount",
            "2024-07-01/2024-11-11",
        ),
        (
            "Từ ngày 1/7/2024, tỉnh Long An thu hút thêm 5 dự án mới.",
            "5 dự án",
            "fdiNewProjectCount",
            "2024-07-01/2024-11-11",
        ),
        (
            "Sau khi điều chỉnh quy hoạch từ ngày 1/7/2024, tỉnh Long An có 40 KCN.",
            "40 KCN",
            "industrialParkCount",
            "2024-07-01",
        ),
        (
            "Tỉnh Long An có 37 KCN được quy hoạch với tổng diện tích 15.000 ha.",
            "15.000 ha",
            "industrialParkArea",
            "2024-11-11",
        ),
    ],
)
def test_from_a_day_and_undated_stocks(
    sentence: str, figure: str, measure: str, period: str
) -> None:
    fact = _one(_draft(sentence), figure)
    assert (fact.area, fact.measure, fact.period) == ("VN-41", measure, period)


def test_teasers_printed_once_under_a_section_header() -> None:
    page = "\n\n".join(
        [
            "Bình Dương: 10 tháng thu hút 1,2 tỷ USD vốn FDI",
            DATE_LINE,
            "10 tháng năm 2024, tỉnh Bình Dương thu hút 1,2 tỷ USD vốn FDI.",
            "Minh Anh",
            "Tin khác",
            "Bình Phước: 10 tháng cấp mới 12 dự án FDI",
            "Trong 10 tháng năm 2024, tỉnh Bình Phước cấp mới 12 dự án FDI với tổng vốn 150"
            " triệu USD.",
            "Tây Ninh: Khởi công nhà máy giày 25 triệu USD",
            "Tiền Giang: Mở rộng KCN Long Giang thêm 300 ha",
        ]
    )
    draft = extract(page + "\n", source_id="t")
    assert [t.section for t in draft.teasers] == ["latest", "latest", "latest"]
    assert _one(draft, "300 ha").period is None  # a teaser has no date of its own
    assert draft.teasers[0].summary is not None
    capital = _one(draft, "150 triệu USD")
    assert (capital.area, capital.measure, capital.period) == (
        "VN-58",
        "fdiNewCapital",
        "2024-01/2024-10",
    )
    plant = _one(draft, "25 triệu USD")
    assert (plant.area, plant.measure, plant.period) == (
        "VN-37",
        "investmentCapitalAttracted",
        None,
    )


def test_a_plant_of_a_named_foreign_investor_is_fdi() -> None:
    draft = _draft("Tỉnh Tây Ninh khởi công nhà máy 25 triệu USD của tập đoàn Hàn Quốc.")
    fact = _one(draft, "25 triệu USD")
    assert (fact.measure, fact.counterpart) == ("fdiRegisteredCapital", "KR")


def test_exports_of_the_fdi_sector_are_exports() -> None:
    draft = _draft("Năm 2024, xuất khẩu của khu vực FDI tỉnh Bắc Ninh tăng 16% so với năm 2023.")
    fact = _one(draft, "16%")
    assert (fact.area, fact.measure, fact.comparison, fact.base) == (
        "VN-56",
        "exportValue",
        "growth",
        "2023",
    )


def test_a_country_s_capital_after_another_country_s_new_projects_is_registered() -> None:
    draft = _draft(
        "9 tháng năm 2024, tỉnh Nam Định cấp mới 40 dự án FDI. Nhật Bản dẫn đầu về số dự án"
        " mới với 12 dự án; Hàn Quốc dẫn đầu về vốn với 30 triệu USD, chiếm 25% tổng vốn FDI."
    )
    capital = _one(draft, "30 triệu USD")
    assert (capital.area, capital.measure, capital.counterpart, capital.period) == (
        "VN-67",
        "fdiRegisteredCapital",
        "KR",
        "2024-01/2024-09",
    )
    assert _one(draft, "25%").measure == "fdiRegisteredCapital"
    owned = _draft(
        "Ngày 5/11/2024, tỉnh Nam Định trao chứng nhận cho 3 dự án của nhà đầu tư Hàn Quốc"
        " với tổng vốn 150 triệu USD."
    )
    assert _one(owned, "150 triệu USD").measure == "fdiNewCapital"


@pytest.mark.parametrize(
    ("sentence", "figure", "comparison", "measure"),
    [
        (
            "Quý I/2024, thu ngân sách của tỉnh Hà Tĩnh ước đạt 4.100 tỷ đồng, bằng 24,1% dự toán.",
            "24,1%",
            "plan-percent",
            "stateBudgetRevenue",
        ),
        (
            "Năm 2024, vốn FDI thực hiện của tỉnh Hà Tĩnh ước đạt 700 triệu USD, vượt 8,2% kế"
            " hoạch.",
            "8,2%",
            "plan-excess",
            "fdiRealisedCapital",
        ),
    ],
)
def test_an_estimate_against_a_plan_is_an_estimate_and_its_excess_exact(
    sentence: str, figure: str, comparison: str, measure: str
) -> None:
    fact = _one(_draft(sentence), figure)
    assert (fact.area, fact.comparison, fact.measure, fact.status, fact.qualifier) == (
        "VN-23",
        comparison,
        measure,
        "estimate",
        "exact",
    )


def test_a_share_of_the_new_projects_is_of_their_count() -> None:
    draft = _draft(
        "9 tháng năm 2024, Hàn Quốc dẫn đầu về số dự án mới tại tỉnh Bắc Giang, chiếm 31,5%"
        " số dự án FDI cấp mới; Nhật Bản chiếm 20% tổng vốn đăng ký."
    )
    projects = _one(draft, "31,5%")
    assert (projects.area, projects.measure, projects.comparison, projects.period) == (
        "VN-54",
        "fdiNewProjectCount",
        "share",
        "2024-01/2024-09",
    )
    assert _one(draft, "20%").measure == "fdiRegisteredCapital"


def test_a_table_line_of_projects_and_capital_is_not_the_new_projects_capital() -> None:
    draft = _draft(
        "Kết quả thu hút FDI của tỉnh Bắc Giang qua các năm (số dự án cấp mới, vốn FDI đăng ký):",
        "Năm 2022: 14 dự án, 1.200 triệu USD.",
        "Năm 2023, tỉnh Bắc Giang cấp mới 20 dự án với tổng vốn 900 triệu USD và điều chỉnh"
        " vốn cho 9 dự án thêm 150 triệu USD.",
    )
    table = _one(draft, "1.200 triệu USD")
    assert (table.measure, table.period) == ("fdiRegisteredCapital", "2022")
    assert _one(draft, "900 triệu USD").measure == "fdiNewCapital"
    assert _one(draft, "150 triệu USD").measure == "fdiAdjustedCapital"


def test_a_comparison_names_its_own_capital_and_bracketed_places_are_no_subject() -> None:
    draft = _draft(
        "10 tháng năm 2024, tỉnh Cà Mau cấp mới 5 dự án FDI với tổng vốn đăng ký 120 triệu"
        " USD và 3 lượt điều chỉnh vốn thêm 20 triệu USD.",
        "Số dự án mới bằng cùng kỳ (tính gộp Cà Mau và Bạc Liêu cũ), nhưng vốn cấp mới gấp"
        " 1,8 lần.",
    )
    fact = _one(draft, "1,8 lần")
    assert (fact.area, fact.measure, fact.comparison, fact.base) == (
        "VN-59",
        "fdiNewCapital",
        "multiplier",
        "2023-01/2023-10",
    )


def test_domestic_capital_compared_is_the_domestic_level_just_stated() -> None:
    draft = _draft(
        "9 tháng năm 2024, tỉnh Bình Định cấp mới 10 dự án FDI với tổng vốn 80 triệu USD và"
        " chấp thuận chủ trương cho 40 dự án trong nước với tổng vốn 9.000 tỷ đồng. So với"
        " cùng kỳ, vốn FDI cấp mới tăng 12%, còn vốn đầu tư trong nước tăng 20,5%."
    )
    assert _one(draft, "12%").measure == "fdiNewCapital"
    domestic = _one(draft, "20,5%")
    assert (domestic.area, domestic.measure, domestic.period) == (
        "VN-31",
        "ddiNewCapital",
        "2024-01/2024-09",
    )


def test_a_total_named_twice_is_one_fact_under_its_precise_name() -> None:
    draft = _draft(
        "Quý I/2024, tổng vốn FDI đăng ký vào tỉnh Bình Định đạt 50 triệu USD.",
        "Trong đó, cấp mới 3 dự án với 40 triệu USD, điều chỉnh vốn thêm 10 triệu USD. Như"
        " vậy, tổng vốn FDI cấp mới và tăng thêm đạt 50 triệu USD.",
    )
    fact = _one(draft, "50 triệu USD")
    assert (fact.measure, fact.period, len(fact.quotes)) == (
        "fdiNewAndAdjustedCapital",
        "2024-01/2024-03",
        2,
    )


def test_a_long_named_total_and_investment_of_both_sides() -> None:
    draft = _draft(
        "Như vậy, tính chung tổng vốn đăng ký cấp mới, điều chỉnh và góp vốn mua cổ phần, mua"
        " phần vốn góp của nhà đầu tư nước ngoài vào tỉnh Bình Định trong 8 tháng năm 2024 đạt"
        " 300 triệu USD.",
        "Tổng vốn đầu tư thu hút cả trong nước và nước ngoài của tỉnh Bình Định 8 tháng năm"
        " 2024 đạt khoảng 20.000 tỷ đồng.",
    )
    assert _one(draft, "300 triệu USD").measure == "fdiRegisteredCapital"
    assert _one(draft, "20.000 tỷ đồng").measure == "investmentCapitalAttracted"


def test_respective_figures_and_ranks_after_lan_luot() -> None:
    draft = _draft(
        "10 tháng năm 2024, Hà Nội dẫn đầu cả nước với 3 tỷ USD; tiếp theo là Đồng Nai,"
        " TP. Hồ Chí Minh và Long An với lần lượt 1,5 tỷ USD, 1,2 tỷ USD và 900 triệu USD.",
        "Về đối tác, Singapore dẫn đầu; Nhật Bản, Hàn Quốc và Đài Loan lần lượt xếp thứ hai,"
        " thứ ba và thứ tư.",
    )
    assert _one(draft, "1,5 tỷ USD").area == "VN-39"
    assert _one(draft, "1,2 tỷ USD").area == "VN-SG"
    long_an = _one(draft, "900 triệu USD")
    assert (long_an.area, long_an.period) == ("VN-41", "2024-01/2024-10")
    ranks = {(r.area, r.rank, r.scope, r.period) for r in draft.rankings}
    assert {
        ("VN-39", 2, "VN", "2024-01/2024-10"),
        ("VN-SG", 3, "VN", "2024-01/2024-10"),
        ("VN-41", 4, "VN", "2024-01/2024-10"),
        ("JP", 2, "VN", "2024-01/2024-10"),
        ("KR", 3, "VN", "2024-01/2024-10"),
        ("TW", 4, "VN", "2024-01/2024-10"),
    } <= ranks
    assert not any(r.area == "TW" and r.rank == 2 for r in draft.rankings)


@pytest.mark.parametrize("aside", ["Riêng trong tháng 3", "Riêng tháng 3"])
def test_an_aside_on_one_month_is_not_carried_to_the_next_sentence(aside: str) -> None:
    draft = _draft(
        "Quý I/2024, tỉnh Phú Thọ cấp mới 7 dự án FDI với tổng vốn 90 triệu USD."
        f" {aside}, tỉnh cấp mới 3 dự án với tổng vốn 50 triệu USD. Cùng kỳ, tỉnh chấp thuận"
        " chủ trương cho 11 dự án trong nước với tổng vốn 3.000 tỷ đồng."
    )
    assert _one(draft, "50 triệu USD").period == "2024-03"
    domestic = _one(draft, "3.000 tỷ đồng")
    assert (domestic.area, domestic.measure, domestic.period) == (
        "VN-68",
        "ddiNewCapital",
        "2024-01/2024-03",
    )


TABLE = (
    "Năm tỉnh dẫn đầu về vốn FDI đăng ký 9 tháng năm 2024 (triệu USD)\n"
    "1. Thái Nguyên: 820,5\n"
    "2. Bắc Giang: 610\n"
    "3. Phú Thọ: 95,2"
)


def test_a_flattened_table_takes_unit_scale_measure_and_period_from_its_heading() -> None:
    draft = _draft("Tình hình thu hút đầu tư của vùng có nhiều khởi sắc.", TABLE)
    row = _one(draft, "610")
    assert (row.area, row.value, row.unit, row.measure, row.period) == (
        "VN-54",
        Decimal(610_000_000),
        "USD",
        "fdiRegisteredCapital",
        "2024-01/2024-09",
    )
    assert _one(draft, "95,2").value == Decimal(95_200_000)
    ranks = {(r.area, r.rank, r.scope, r.period, r.indicator) for r in draft.rankings}
    assert ranks == {
        (area, n, "VN", "2024-01/2024-09", "indicator-fdi-attraction")
        for area, n in (("VN-69", 1), ("VN-54", 2), ("VN-68", 3))
    }


def test_a_table_row_is_no_paragraph_lead_and_its_heading_no_rank() -> None:
    draft = _draft(
        "Tỉnh Hà Nam có nhiều lợi thế về hạ tầng giao thông.",
        "Top 3 địa phương về số dự án mới 6 tháng năm 2024 (dự án)\n1. Bắc Ninh: 80\n"
        "2. Hải Dương: 40\n3. Hưng Yên: 30\nTrong 6 tháng, tỉnh cấp mới 12 dự án FDI.",
        title="Hà Nam thu hút đầu tư",
    )
    assert _one(draft, "40").measure == "fdiNewProjectCount"
    assert _one(draft, "12 dự án").area == "VN-63"
    assert not any(r.comparator == "at-most" for r in draft.rankings)


def test_a_numbered_list_under_a_ranking_line_with_a_colon_ranks_its_rows() -> None:
    draft = _draft(
        "Ba nhà đầu tư lớn nhất vào tỉnh Long An 6 tháng năm 2024:\n"
        "1. Trung Quốc: 120 triệu USD\n2. Hàn Quốc: 80 triệu USD\n3. Nhật Bản: 40 triệu USD"
    )
    assert _one(draft, "80 triệu USD").counterpart == "KR"
    ranks = {(r.area, r.rank, r.scope) for r in draft.rankings}
    assert ranks == {("CN", 1, "VN-41"), ("KR", 2, "VN-41"), ("JP", 3, "VN-41")}


def test_a_table_row_is_written_with_its_headings_unit() -> None:
    """'610' under '(triệu USD)': a fact with unit_written, the heading quoted beside it."""
    from fdigraph.extract.writer import to_yaml

    text = "\n\n".join(["Tin đầu tư", DATE_LINE, TABLE, "Minh Anh"]) + "\n"
    body = to_yaml(extract(text, source_id="t"), text)
    data = yaml.safe_load(body)
    row = next(o for o in data["observations"] if str(o["figure"]) == "610")
    assert row["unit_written"] == "triệu USD" and row["value"] == 610_000_000
    assert any("(triệu USD)" in str(q) for q in row["quotes"])
    assert "# REVIEW: figures without a unit" not in body
    assert len(data["rankings"]) == 3


def test_an_overtaken_and_a_merged_place_are_not_the_one_ranked() -> None:
    draft = _draft(
        "Với 7 tỷ USD trong 11 tháng năm 2025, TP. Hồ Chí Minh sau hợp nhất với Bình Dương và"
        " Bà Rịa - Vũng Tàu đã vượt Hà Nội để dẫn đầu cả nước.",
        title="Thu hút FDI",
    )
    assert {(r.area, r.rank) for r in draft.rankings} == {("VN-SG", 1)}


def test_an_apposition_ranks_the_place_before_it_and_the_same_place_again() -> None:
    draft = _draft(
        "10 tháng năm 2024, cả nước thu hút 30 tỷ USD vốn FDI.",
        "Hà Nội, địa phương dẫn đầu năm 2023, năm nay lùi xuống vị trí thứ hai. Bắc Ninh và"
        " Hải Phòng, hai địa phương giáp nhau, lần lượt đứng thứ ba và thứ tư.",
        title="FDI cả nước",
    )
    ranks = {(r.area, r.rank, r.period) for r in draft.rankings}
    assert ranks == {
        ("VN-HN", 1, "2023"),
        ("VN-HN", 2, "2024-01/2024-10"),
        ("VN-56", 3, "2024-01/2024-10"),
        ("VN-HP", 4, "2024-01/2024-10"),
    }


def test_a_rank_without_an_indicator_is_the_same_rank_read_with_one() -> None:
    draft = _draft(
        TABLE.replace("Năm tỉnh", "Top 3 tỉnh"),
        "Bắc Giang đứng thứ hai trong 9 tháng năm 2024.",
    )
    second = [r for r in draft.rankings if r.rank == 2]
    assert [(r.area, r.indicator) for r in second] == [("VN-54", "indicator-fdi-attraction")]
    assert len(second[0].quotes) == 2


def test_a_bare_scale_is_dong_when_domestic_or_too_large_for_dollars() -> None:
    draft = _draft(
        "Lũy kế đến nay, tỉnh Kon Tum có 40 dự án FDI với tổng vốn 1,2 tỷ USD, cùng 300 dự án"
        " trong nước với tổng vốn 900 tỷ.",
        "Năm 2024, tỉnh Kon Tum thu hút 2 tỷ USD vốn FDI, trong đó vốn cấp mới 1,5 tỷ; thu ngân"
        " sách đạt hơn 15.000 tỷ.",
    )
    assert (_one(draft, "900 tỷ").unit, _one(draft, "900 tỷ").measure) == (
        "VND",
        "ddiRegisteredCapital",
    )
    assert _one(draft, "1,5 tỷ").unit == "USD"
    assert _one(draft, "15.000 tỷ").value == Decimal(15_000 * 10**9)
    assert _one(draft, "15.000 tỷ").unit == "VND"


def test_what_will_be_done_is_an_estimate_unless_a_target() -> None:
    draft = _draft(
        "10 tháng năm 2024, tỉnh Tây Ninh cấp mới 30 dự án FDI. Trong tháng 12, tỉnh sẽ trao"
        " chứng nhận đầu tư cho thêm khoảng 15 dự án. Mục tiêu năm 2025, tỉnh sẽ thu hút 1 tỷ"
        " USD vốn FDI. Sở đã chia sẻ kinh nghiệm với 40 doanh nghiệp."
    )
    assert _one(draft, "15 dự án").status == "estimate"
    assert _one(draft, "1 tỷ USD").status == "target"
    assert _one(draft, "40 doanh nghiệp").status is None


def test_after_n_years_is_the_span_the_page_opened_with() -> None:
    draft = _draft(
        "Từ năm 2021 đến nay, tỉnh Nam Định thu hút 900 triệu USD vốn FDI.",
        "Như vậy, sau hơn 3 năm, tỉnh đã cấp mới 30 dự án FDI. Quy mô bình quân khoảng 30"
        " triệu USD/dự án.",
    )
    span = "2021-01-01/2024-11-11"
    assert _one(draft, "30 dự án").period == span
    assert _one(draft, "30 triệu USD").period == span
    assert not any(o.unit == "YR" for o in draft.observations)


def test_a_plan_achieved_to_date_runs_from_the_plan_s_start_to_the_page_s_date() -> None:
    draft = _draft(
        "Giai đoạn 2021-2025, tỉnh Nam Định đặt mục tiêu thu hút 2 tỷ USD vốn FDI; đến nay đã"
        " đạt hơn 60% mục tiêu."
    )
    done = _one(draft, "60%")
    assert (done.comparison, done.period) == ("plan-percent", "2021-01-01/2024-11-11")
    assert _one(draft, "2 tỷ USD").period == "2021/2025"


def test_what_only_remains_is_a_position_at_the_page_s_date() -> None:
    draft = _draft(
        "Tỉnh Nam Định có 5 KCN. Quỹ đất sạch sẵn sàng cho nhà đầu tư chỉ còn khoảng 120 ha."
    )
    left = _one(draft, "120 ha")
    assert (left.period, left.stock) == ("2024-11-11", True)


def test_a_forecast_range_takes_no_period_from_the_next_clause_nor_the_text_before() -> None:
    draft = _draft(
        "9 tháng năm 2024, thành phố Đà Nẵng thu hút 90 triệu USD vốn FDI. Thành phố đang làm"
        " việc với 2 tập đoàn có tổng vốn dự kiến 300-400 triệu USD và kỳ vọng cấp phép ít nhất"
        " 1 dự án trong quý IV.",
    )
    pipeline = _one(draft, "300-400 triệu USD")
    assert (pipeline.period, pipeline.status, pipeline.qualifier) == (None, "estimate", "between")
    assert _one(draft, "1 dự án").period == "2024-10/2024-12"


def test_figures_joined_bare_share_the_period_after_them() -> None:
    draft = _draft("Tỉnh Hưng Yên thu hút 1,2 tỷ USD và 50 dự án trong 9 tháng năm 2024.")
    assert _one(draft, "1,2 tỷ USD").period == "2024-01/2024-09"


def test_no_rank_on_a_count_of_projects_nor_in_an_unnamed_region() -> None:
    draft = _draft(
        "9 tháng năm 2024, Nhật Bản dẫn đầu về số dự án mới tại tỉnh Phú Thọ với 9 dự án; Hàn"
        " Quốc dẫn đầu về vốn với 40 triệu USD.",
        "Tỉnh Phú Thọ dẫn đầu vùng về thu hút FDI quý I. Tỉnh Phú Thọ đứng thứ 2 vùng Trung du"
        " và miền núi phía Bắc về thu hút FDI 9 tháng năm 2024.",
        title="Phú Thọ thu hút FDI",
    )
    ranks = {(r.area, r.rank, r.scope) for r in draft.rankings}
    assert ranks == {("KR", 1, "VN-68"), ("VN-68", 2, "trung-du-mien-nui-phia-bac")}


def test_a_region_named_after_a_lowercase_vung() -> None:
    from fdigraph.extract.places import find_places

    found = find_places("Tỉnh đứng thứ 2 vùng Trung du và miền núi phía Bắc.")
    assert [p.code for p in found] == ["trung-du-mien-nui-phia-bac"]


def test_a_plan_s_year_and_a_multiplier_s_base_year_are_not_carried() -> None:
    draft = _draft(
        "Tính đến ngày 20/10/2024, tỉnh Ninh Bình thu hút 300 triệu USD vốn FDI. Ước cả năm,"
        " vốn FDI đạt 400 triệu USD, gấp 2,5 lần năm 2023; kế hoạch năm 2024 của tỉnh là 350"
        " triệu USD.",
        "Đối với đầu tư trong nước, tỉnh chấp thuận 60 dự án với tổng vốn 9.000 tỷ đồng.",
    )
    assert _one(draft, "2,5 lần").base == "2023"
    domestic = _one(draft, "9.000 tỷ đồng")
    assert (domestic.measure, domestic.period) == ("ddiNewCapital", "2024-01-01/2024-10-20")


def test_places_that_are_the_n_largest_are_each_in_the_top_n_as_of_today() -> None:
    draft = _draft(
        "Lũy kế đến nay, tỉnh Bình Phước có 300 dự án FDI còn hiệu lực. Đài Loan, Trung Quốc"
        " và Hàn Quốc là ba nhà đầu tư lớn nhất."
    )
    ranks = {(r.area, r.rank, r.comparator, r.scope, r.period) for r in draft.rankings}
    assert ranks == {(c, 3, "at-most", "VN-58", "2024-11-11") for c in ("TW", "CN", "KR")}


def test_a_percent_in_brackets_after_an_amount_is_its_share() -> None:
    draft = _draft(
        "6 tháng năm 2024, tỉnh Tây Ninh thu hút 400 triệu USD vốn FDI. Singapore dẫn đầu với"
        " 150 triệu USD, chiếm 37,5%; tiếp theo là Trung Quốc với 100 triệu USD (25%)."
    )
    share = _one(draft, "25%")
    assert (share.comparison, share.counterpart, share.measure) == (
        "share",
        "CN",
        "fdiRegisteredCapital",
    )


def test_the_whole_a_share_is_of_is_not_the_subject_of_the_figures_after_it() -> None:
    draft = _draft(
        "10 tháng năm 2024, các dự án mới của tỉnh Bắc Ninh chiếm 20% số dự án FDI cấp mới của"
        " cả nước, nhưng bình quân chỉ khoảng 3 triệu USD/dự án."
    )
    assert _one(draft, "3 triệu USD").area == "VN-56"


INVESTORS = (
    "Lũy kế đến hết tháng 10/2024, các KCN tỉnh Hưng Yên có 420 dự án còn hiệu lực, gồm 300"
    " dự án FDI với tổng vốn 5 tỷ USD và 120 dự án trong nước với tổng vốn 30.000 tỷ đồng."
    " Nhật Bản là nhà đầu tư lớn nhất với 90 dự án, tổng vốn 2 tỷ USD, chiếm 40% tổng vốn FDI;"
    " Hàn Quốc đứng thứ hai với 70 dự án và 1,2 tỷ USD."
)


def test_the_figures_of_one_investor_and_a_share_of_a_position() -> None:
    draft = _draft(INVESTORS)
    japan = _one(draft, "2 tỷ USD")
    assert (japan.counterpart, japan.period, japan.stock) == ("JP", "2024-10-31", True)
    share = _one(draft, "40%")
    assert (share.counterpart, share.period) == ("JP", "2024-10-31")
    assert _one(draft, "1,2 tỷ USD").counterpart == "KR"


def test_a_count_of_both_sides_split_after_gom_is_not_an_fdi_count() -> None:
    draft = _draft(INVESTORS)
    assert not any(o.figure == "420 dự án" for o in draft.observations)
    fdi = _one(draft, "300 dự án")
    assert (fdi.measure, fdi.period) == ("fdiValidProjectCount", "2024-10-31")


def test_a_period_opening_the_next_clause_is_the_next_figure_s() -> None:
    draft = _draft(
        "Tính đến hết tháng 10/2024, các KCN tỉnh Hà Nam có tỷ lệ lấp đầy đạt 60%.",
        "Trong 10 tháng năm 2024, các KCN thu hút 40 dự án FDI mới.",
        title="Hà Nam: Tỷ lệ lấp đầy KCN đạt 60%, 10 tháng thu hút 40 dự án FDI",
    )
    rate = _one(draft, "60%")
    assert (rate.period, len(rate.quotes)) == ("2024-10-31", 2)


def test_a_word_on_the_next_line_does_not_unmake_a_figure() -> None:
    draft = _draft("Tỉnh Hà Nam thu hút 40 dự án FDI", "Thứ trưởng thăm khu công nghiệp.")
    assert _one(draft, "40 dự án").measure == "fdiNewProjectCount"


def test_a_look_back_window_is_no_duration() -> None:
    draft = _draft(
        "Lần đầu tiên sau 4 năm, vốn FDI vào tỉnh Hòa Bình vượt 500 triệu USD. Vốn thực hiện"
        " đạt mức cao nhất trong 6 năm. Dự án có thời gian triển khai 3 năm."
    )
    assert [o.figure for o in draft.observations if o.unit == "YR"] == ["3 năm"]


def test_a_share_after_a_dated_position_and_a_workforce_employed_now() -> None:
    draft = _draft(
        "Tính đến hết tháng 9/2024, tỉnh Hòa Bình có 60 dự án FDI còn hiệu lực với tổng vốn"
        " 1 tỷ USD; trong đó Hàn Quốc chiếm 50% tổng vốn.",
        "Các doanh nghiệp FDI đang sử dụng khoảng 20.000 lao động.",
    )
    share = _one(draft, "50%")
    assert (share.period, share.counterpart) == ("2024-09-30", "KR")
    jobs = _one(draft, "20.000 lao động")
    assert (jobs.measure, jobs.period, jobs.stock) == ("jobCount", "2024-11-11", True)


def test_a_bare_scale_after_capital_is_dong_and_a_month_without_its_year() -> None:
    draft = _draft(
        "2 tháng năm 2024, tỉnh Hòa Bình cấp mới 4 dự án DDI với tổng vốn 900 tỷ và điều chỉnh"
        " tăng vốn cho 2 dự án thêm 120 tỷ.",
        "Kim ngạch xuất khẩu tháng 2 ước đạt 300 triệu USD, giảm 5,2% so với tháng trước.",
    )
    assert (_one(draft, "900 tỷ").unit, _one(draft, "900 tỷ").measure) == ("VND", "ddiNewCapital")
    assert _one(draft, "120 tỷ").value == Decimal(120 * 10**9)
    exports = _one(draft, "300 triệu USD")
    assert (exports.measure, exports.period) == ("exportValue", "2024-02")
    assert _one(draft, "5,2%").base == "2024-01"


def test_a_sector_s_figures_are_its_part_of_the_total_and_written_with_its_concept() -> None:
    from fdigraph.extract.writer import to_yaml

    paragraphs = [
        "10 tháng năm 2024, tỉnh Bình Định thu hút 500 triệu USD vốn FDI.",
        "Theo lĩnh vực, công nghiệp chế biến, chế tạo thu hút 300 triệu USD, chiếm 60% tổng"
        " vốn; kinh doanh bất động sản thu hút 100 triệu USD, chiếm 20%.",
    ]
    text = "\n\n".join(["Tin đầu tư", DATE_LINE, *paragraphs, "Minh Anh"]) + "\n"
    draft = extract(text, source_id="t")
    assert _one(draft, "300 triệu USD").sector == "sector-processing-manufacturing"
    assert _one(draft, "20%").sector == "sector-real-estate"
    assert _one(draft, "500 triệu USD").sector is None
    assert not any(o.review for o in draft.observations)
    data = yaml.safe_load(to_yaml(draft, text))
    sectors = {c["id"]: c for c in data["concepts"] if c["scheme"] == "sectors"}
    assert sectors["sector-real-estate"]["quotes"] == ["kinh doanh bất động sản"]


def test_how_many_are_ranked_is_no_figure() -> None:
    draft = _draft(
        "Năm 2024, Đài Loan, Trung Quốc và Hàn Quốc là ba nhà đầu tư lớn nhất vào tỉnh Bình"
        " Phước; riêng Đài Loan chiếm 40% tổng vốn FDI."
    )
    assert [o.figure for o in draft.observations] == ["40%"]
    assert _one(draft, "40%").measure == "fdiRegisteredCapital"


def test_an_estimated_span_is_still_carried_and_from_a_month_is_no_month() -> None:
    draft = _draft(
        "Ước 9 tháng năm 2024, tỉnh Nam Định thu hút 400 triệu USD vốn FDI. Trong đó, vốn cấp"
        " mới đạt 250 triệu USD.",
        "Kể từ tháng 7, tỉnh cấp mới 5 dự án FDI.",
    )
    assert _one(draft, "250 triệu USD").period == "2024-01/2024-09"
    assert _one(draft, "5 dự án").period != "2024-07"


def test_a_bare_scale_after_foreign_capital_is_dollars() -> None:
    draft = _draft("Năm 2024, tổng vốn FDI đăng ký vào tỉnh Nam Định đạt 1,5 tỷ.")
    assert _one(draft, "1,5 tỷ").unit == "USD"


def test_a_pipe_table_row_is_read_not_taken_for_glued_headlines() -> None:
    draft = _draft(
        "Từ đầu năm tới tháng 10/2024, tỉnh Cà Mau cấp mới 4 dự án FDI với tổng vốn 50 triệu USD.",
        "Kết quả thu hút đầu tư 10 tháng năm 2024\nChỉ tiêu | Số dự án | Vốn đăng ký\n"
        "Dự án FDI điều chỉnh vốn | 3 lượt | 12,5 triệu USD",
    )
    assert draft.teasers == ()
    adjusted = _one(draft, "12,5 triệu USD")
    assert (adjusted.period, adjusted.source) == ("2024-01/2024-10", None)


def test_a_figure_in_a_condition_is_no_fact_but_one_compared_is() -> None:
    draft = _draft(
        "Năm 2024, tỉnh Cà Mau đặt mục tiêu thu hút 500 triệu USD vốn FDI. Mục tiêu trong tầm"
        " tay nếu 3 dự án điện gió được cấp chủ trương trong tháng 12. Nếu so với cùng kỳ, vốn"
        " FDI 10 tháng năm 2024 tăng 20%."
    )
    assert [o.figure for o in draft.observations] == ["500 triệu USD", "20%"]


def test_the_day_of_licences_dates_them_not_that_of_a_groundbreaking_or_a_report() -> None:
    draft = _draft(
        "Ngày 5/11/2024, UBND tỉnh Long An trao giấy chứng nhận đầu tư cho 4 dự án của nhà đầu"
        " tư Nhật Bản với tổng vốn 120 triệu USD.",
        "Ngày 8/11/2024, tỉnh Long An khởi công nhà máy có vốn đầu tư 60 triệu USD của tập"
        " đoàn Hàn Quốc.",
        "Ngày 9/11/2024, Sở Kế hoạch và Đầu tư cho biết tỉnh Long An thu hút 900 triệu USD vốn"
        " FDI.",
    )
    licensed = _one(draft, "4 dự án")
    assert (licensed.period, licensed.measure, licensed.stock) == (
        "2024-11-05",
        "fdiNewProjectCount",
        False,
    )
    assert _one(draft, "120 triệu USD").period == "2024-11-05"
    assert _one(draft, "60 triệu USD").period is None
    assert _one(draft, "900 triệu USD").period != "2024-11-09"


def test_a_comparison_follows_its_sentence_s_level_named_precisely_elsewhere() -> None:
    draft = _draft(
        "Quý I/2024, tổng vốn FDI đăng ký vào tỉnh Phú Thọ đạt 90 triệu USD, tăng 30% so với"
        " cùng kỳ năm 2023.",
        "Trong quý I/2024, tổng vốn cấp mới và tăng thêm của tỉnh Phú Thọ đạt 90 triệu USD.",
    )
    assert _one(draft, "90 triệu USD").measure == "fdiNewAndAdjustedCapital"
    assert _one(draft, "30%").measure == "fdiNewAndAdjustedCapital"


def test_parks_in_operation_are_their_own_measure() -> None:
    draft = _draft(
        "Tỉnh Hà Nam hiện có 12 KCN được phê duyệt quy hoạch, trong đó 7 KCN đã đi vào hoạt động.",
        "Tỉnh Long An có 30 khu công nghiệp đang hoạt động ổn định.",
    )
    assert _one(draft, "12 KCN").measure == "industrialParkCount"
    assert _one(draft, "7 KCN").measure == "operatingIndustrialParkCount"
    assert _one(draft, "30 khu công nghiệp").measure == "operatingIndustrialParkCount"


def _dated(date_line: str, *paragraphs: str, title: str = "Tin đầu tư") -> Draft:
    return extract("\n\n".join([title, date_line, *paragraphs, "Minh Anh"]) + "\n", source_id="t")


def test_a_review_dated_in_january_of_the_whole_year_before_reports_on_that_year() -> None:
    draft = _dated(
        "Thứ Năm, 09/01/2025 - 10:00",
        "Cả năm 2024, Bình Định thu hút 210 triệu USD vốn FDI. Trong năm qua, tỉnh cấp mới"
        " 14 dự án FDI với tổng vốn 150 triệu USD.",
    )
    assert _one(draft, "14 dự án").period == "2024"
    assert _one(draft, "150 triệu USD").period == "2024"


def test_a_target_s_year_written_just_after_it_is_its_own() -> None:
    draft = _draft(
        "Năm 2024, Bình Định vượt kế hoạch thu hút FDI, đặt mục tiêu 300 triệu USD cho năm 2025.",
    )
    fact = _one(draft, "300 triệu USD")
    assert (fact.period, fact.status) == ("2025", "target")


def test_months_in_words_opening_a_sentence_are_the_year_s_span() -> None:
    draft = _draft(
        "Chín tháng năm 2024, Nam Định thu hút 300 triệu USD vốn FDI.",
        "Hiện tỉnh có 6 KCN. Chín tháng, kim ngạch xuất khẩu của tỉnh đạt 1,5 tỷ USD, tăng 12%"
        " so với cùng kỳ.",
    )
    assert _one(draft, "1,5 tỷ USD").period == "2024-01/2024-09"
    assert _one(draft, "12%").period == "2024-01/2024-09"


def test_land_leased_is_read_from_the_verb_not_from_the_land_named_after() -> None:
    draft = _draft(
        "Tính đến ngày 30/9/2024, các KCN của Nam Định đã cho thuê 700 ha đất công nghiệp."
    )
    assert _one(draft, "700 ha").measure == "industrialLandLeasedArea"


def test_a_count_of_both_sides_split_in_brackets_and_cues_after_the_bracket() -> None:
    draft = _draft(
        "9 tháng năm 2024, các KCN của Nam Định cấp mới 20 dự án (15 dự án FDI và 5 dự án DDI)"
        " và điều chỉnh tăng vốn cho 12 lượt dự án FDI."
    )
    assert "20 dự án" not in {o.figure for o in draft.observations}
    assert _one(draft, "15 dự án").measure == "fdiNewProjectCount"
    assert _one(draft, "5 dự án").measure == "ddiNewProjectCount"
    assert _one(draft, "12 lượt dự án").measure == "fdiAdjustmentCount"


def test_new_projects_and_adjustments_then_one_capital_is_new_and_adjusted() -> None:
    draft = _draft(
        "10 tháng năm 2024, các KCN của tỉnh Hà Nam thu hút 18 dự án FDI mới và 9 lượt tăng"
        " vốn với tổng vốn đăng ký 412 triệu USD."
    )
    assert _one(draft, "412 triệu USD").measure == "fdiNewAndAdjustedCapital"
    assert _one(draft, "18 dự án").measure == "fdiNewProjectCount"
    assert _one(draft, "9 lượt").measure == "fdiAdjustmentCount"
