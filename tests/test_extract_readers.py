"""The extractor's readers: quantities, periods, places and ranks, by property and by table."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pycountry
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fdigraph.extract.gazetteer import MERGERS, PROVINCES
from fdigraph.extract.periods import find_periods
from fdigraph.extract.places import area_key, find_places
from fdigraph.extract.quantities import find_quantities
from fdigraph.extract.rankings import find_ranks
from fdigraph.extract.text import fold
from fdigraph.figures import Amount, format_amount, format_number, normalise, parse_iso_period

values = st.decimals(min_value=Decimal("0.1"), max_value=Decimal("999999"), places=2)
scales = st.sampled_from(
    [("", 1), ("nghìn", 10**3), ("triệu", 10**6), ("tỷ", 10**9), ("nghìn tỷ", 10**12)]
)
units = st.sampled_from(
    [("USD", "USD"), ("đồng", "VND"), ("ha", "HA"), ("dự án", "NUM"), ("lượt khách", "NUM")]
)
years = st.integers(min_value=1995, max_value=2049)


def _one(text: str) -> tuple[Decimal, str]:
    found = find_quantities(text)
    assert len(found) == 1, (text, found)
    return found[0].value, found[0].unit


@given(values, scales, units)
def test_amount_written_the_vietnamese_way_is_read_back(
    value: Decimal, scale: tuple[str, int], unit: tuple[str, str]
) -> None:
    word, factor = scale
    written = " ".join(p for p in (format_number(value), word, unit[0]) if p)
    assert _one(f"Năm 2023, tỉnh đạt {written} trong lĩnh vực này.") == (
        normalise(value * factor),
        unit[1],
    )


@given(
    st.decimals(min_value=1, max_value=Decimal("1e13"), places=0),
    st.sampled_from(["USD", "VND", "HA", "PERCENT"]),
)
def test_format_amount_round_trips(value: Decimal, unit: str) -> None:
    written = format_amount(Amount(value, unit))
    found, found_unit = _one(f"Tổng cộng {written}.")
    assert (found, found_unit) == (value, unit)


@given(st.integers(min_value=1, max_value=99999), st.sampled_from(["ha", "%"]))
def test_glued_units(number: int, unit: str) -> None:
    assert _one(f"giải phóng {format_number(Decimal(number))}{unit} mặt bằng")[0] == number


@given(years, st.integers(min_value=1, max_value=12))
def test_first_months_of_a_year(year: int, months: int) -> None:
    (m,) = find_periods(f"{months} tháng đầu năm {year}, tỉnh thu hút", None)
    assert m.period == parse_iso_period(f"{year}-01/{year}-{months:02d}")
    (bare,) = find_periods(f"Tỉnh {months} tháng, thu hút", year)
    assert bare.inferred and bare.period == m.period


@given(years, years, st.integers(min_value=1, max_value=12), st.integers(min_value=1, max_value=4))
def test_years_months_and_quarters(a: int, b: int, month: int, quarter: int) -> None:
    first, last = sorted((a, b))
    text = f"năm {first}; từ {first} - {last}; tháng {month}/{last}; quý {quarter}/{last}"
    isos = [m.period.iso for m in find_periods(text, None) if m.period]
    span = str(first) if first == last else f"{first}/{last}"
    q = f"{last}-{3 * quarter - 2:02d}/{last}-{3 * quarter:02d}"
    assert isos == [str(first), span, f"{last}-{month:02d}", q]


@pytest.mark.parametrize(
    "text",
    [
        "cao tốc quốc lộ 1 nối Bắc Ninh với Bắc Giang",
        "đầu tư làn thứ hai của cầu này",
        "Chương trình mục tiêu quốc gia 1719",
        "hậu quả của bão số 3",
        "giữ vững tăng trưởng 2 con số",
        "Ngày 26/11/2024, UBND tỉnh An Giang",
        "tháng 8/2023 khởi công",
        "đứng thứ 4/63 tỉnh, thành phố",
        "ba trụ cột trong chính sách",
        "1 không - không ô nhiễm; 2 ít - sử dụng ít đất; 3 cao; và 5 sẵn sàng",
        "Nghị quyết số 08 về phát triển hạ tầng, với 3 trục động lực",
        "Trong ba năm liên tiếp từ 2020 - 2022",
        "diện tích 4.718,6 km2",
    ],
)
def test_non_quantities_are_never_read(text: str) -> None:
    assert find_quantities(text) == []


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier", "change"),
    [
        ("hơn 300ha", "300", "HA", "more-than", ""),
        ("trên 1.000 dự án", "1000", "NUM", "more-than", ""),
        ("gần 5,98 tỷ USD", "5980000000", "USD", "nearly", ""),
        ("khoảng 25,5 tỷ USD", "25500000000", "USD", "approximately", ""),
        ("1.543,7 triệu USD", "1543700000", "USD", "exact", ""),
        ("54.341 tỷ đồng", "54341000000000", "VND", "exact", ""),
        ("tăng 28,3%", "28.3", "PERCENT", "exact", "growth"),
        ("giảm 4,2%", "4.2", "PERCENT", "exact", "decline"),
        ("gấp 2,46 lần", "2.46", "NUM", "exact", "ratio"),
        ("Sau hơn ba năm triển khai", "3", "YR", "more-than", "duration"),
        ("65 quốc gia, vùng lãnh thổ", "65", "NUM", "exact", ""),
        ("3,5 triệu lượt khách quốc tế", "3500000", "NUM", "exact", ""),
        ("hai dự án", "2", "NUM", "exact", ""),
    ],
)
def test_quantities_table(text: str, value: str, unit: str, qualifier: str, change: str) -> None:
    (q,) = find_quantities(text)
    assert (q.value, q.unit, q.qualifier, q.change) == (Decimal(value), unit, qualifier, change)


@pytest.mark.parametrize(
    ("text", "rank", "comparator", "out_of"),
    [
        ("Bắc Giang đứng thứ 7 cả nước", 7, "equal", None),
        ("đứng đầu Vùng Trung du và miền núi phía Bắc", 1, "equal", None),
        ("xếp thứ 4/63 tỉnh, thành phố", 4, "equal", 63),
        ("nằm trong top 10 địa phương dẫn đầu về thu hút vốn FDI", 10, "at-most", None),
        ("trong nhóm 10 địa phương có số thu cao nhất cả nước", 10, "at-most", None),
        ("Nhật Bản đứng thứ 2 trong số 65 quốc gia", 2, "equal", 65),
        ("địa phương đầu tiên của cả nước áp dụng ký số", 1, "equal", None),
        ("Hàn Quốc là nhà đầu tư lớn nhất", 1, "equal", None),
    ],
)
def test_ranks_table(text: str, rank: int, comparator: str, out_of: int | None) -> None:
    folded = fold(text)
    (r,) = find_ranks(folded, 0, len(folded))
    assert (r.rank, r.comparator, r.out_of) == (rank, comparator, out_of)


@pytest.mark.parametrize(
    "text", ["làn thứ hai của cầu", "quốc lộ 1", "lần đầu tiên lọt vào", "nhà máy thứ hai"]
)
def test_ordinals_are_not_ranks(text: str) -> None:
    folded = fold(text)
    assert find_ranks(folded, 0, len(folded)) == []


def test_gazetteer_codes_are_iso_3166_2() -> None:
    iso = {s.code for s in pycountry.subdivisions.get(country_code="VN")}
    assert set(PROVINCES) == iso and len(PROVINCES) == 63


@pytest.mark.parametrize("code", sorted(PROVINCES))
def test_every_province_is_found_with_and_without_diacritics(code: str) -> None:
    name = PROVINCES[code][0]
    plain = fold(name).title()
    for written in (name, plain):
        found = find_places(f"Năm 2024, tỉnh {written} thu hút vốn.")
        assert [p.code for p in found] == [code], written


def test_the_34_units_after_the_merger() -> None:
    from datetime import date

    after = date(2025, 9, 30)
    units = {area_key(code, after) for code in PROVINCES}
    kept = {c for c in PROVINCES if not any(c in p for p in MERGERS.values())}
    assert len(kept) == 11 and len(MERGERS) == 23
    assert len({area_key(c, after) for c in MERGERS} | kept) == 34
    assert (
        area_key("VN-56", after) == "bac-ninh-2025"
        and area_key("VN-56", date(2024, 8, 31)) == "VN-56"
    )
    assert "VN-54" in units  # a predecessor keeps its code: 2024 facts stay on it


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Nhật Bản, Hàn Quốc, Trung Quốc, Mỹ...", ["JP", "KR", "CN", "US"]),
        ("nha dau tu Han Quoc va Hoa Ky", ["KR", "US"]),
        ("nha dau tu han quoc va hoa ky", []),
        ("đầu tư vào Bac Giang và Ha Noi", ["VN-54", "VN-HN"]),
        ("khu công nghiệp Long Đức 3 và Mỹ Phước", []),
        ("TP.HCM và Bà Rịa \u2013 Vũng Tàu", ["VN-SG", "VN-43"]),
        ("đứng đầu khu vực Bắc Trung bộ", ["bac-trung-bo"]),
        ("nền hòa bình", []),
    ],
)
def test_places_table(text: str, codes: list[str]) -> None:
    assert [p.code for p in find_places(text)] == codes


def test_the_gazetteer_names_what_the_reference_data_knows() -> None:
    from pathlib import Path

    import yaml

    from fdigraph.extract.gazetteer import COUNTRIES, KNOWN_REGIONS

    root = Path(__file__).resolve().parents[1]
    places = yaml.safe_load((root / "data" / "reference" / "places.yaml").read_text("utf-8"))
    assert set(COUNTRIES) <= {a["code"] for a in places["countries"]["areas"]}
    assert set(KNOWN_REGIONS) == {a["key"] for a in places["regions"]["areas"]}
    history = yaml.safe_load((root / "data" / "reference" / "history.yaml").read_text("utf-8"))
    successors = {m["successor"] for m in history["mergers"]}
    after = date(2025, 7, 1)
    assert {area_key(code, after) for code in MERGERS} == successors
