"""The Vietnamese number, amount and period readers, by property and by table."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fdigraph.errors import FigureError
from fdigraph.figures import (
    SCALES,
    Amount,
    Period,
    format_amount,
    format_number,
    parse_amount,
    parse_iso_period,
    parse_number,
    parse_vn_period,
)

decimals = st.decimals(
    min_value=0, max_value=Decimal("1e15"), places=3, allow_nan=False, allow_infinity=False
)


@given(decimals)
def test_number_round_trips_through_vietnamese_writing(value: Decimal) -> None:
    written = format_number(value, "vi")
    assert parse_number(written) == value
    assert "." not in written.split(",")[-1] or "," not in written


@given(decimals)
def test_vietnamese_and_english_writings_swap_separators(value: Decimal) -> None:
    vi, en = format_number(value, "vi"), format_number(value, "en")
    assert vi.translate(str.maketrans(".,", ",.")) == en


@given(st.integers(min_value=1000, max_value=10**12))
def test_thousands_groups_use_dots(value: int) -> None:
    written = format_number(Decimal(value), "vi")
    assert written.replace(".", "") == str(value)
    assert all(len(group) == 3 for group in written.split(".")[1:])


@given(
    st.decimals(min_value=1, max_value=999, places=1, allow_nan=False, allow_infinity=False),
    st.sampled_from(sorted(SCALES)),
    st.sampled_from(["USD", "đồng", "dự án", "lượt khách"]),
)
def test_scale_words_multiply(number: Decimal, scale: str, unit: str) -> None:
    text = f"{format_number(number, 'vi')} {scale} {unit}"
    amount = parse_amount(text)
    assert amount.value == number * SCALES[scale]


@given(
    st.integers(min_value=1, max_value=10**6).map(Decimal), st.sampled_from(["USD", "VND", "NUM"])
)
def test_amount_round_trips_through_its_vietnamese_form(millions: Decimal, unit: str) -> None:
    amount = Amount(millions * 10**6, unit)
    assert parse_amount(format_amount(amount, "vi") + (" dự án" if unit == "NUM" else "")) == amount


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("1.543,7 triệu USD", Decimal("1543700000"), "USD"),
        ("1,6 tỷ USD", Decimal("1600000000"), "USD"),
        ("54.341 tỷ đồng", Decimal("54341000000000"), "VND"),
        ("76%", Decimal(76), "PERCENT"),
        ("28,3%", Decimal("28.3"), "PERCENT"),
        ("365ha", Decimal(365), "HA"),
        ("300 ha", Decimal(300), "HA"),
        ("5,98 tỷ USD", Decimal("5980000000"), "USD"),
        ("357 dự án", Decimal(357), "NUM"),
        ("3,5 triệu lượt khách", Decimal(3500000), "NUM"),
        ("2 nghìn tỷ đồng", Decimal(2 * 10**12), "VND"),
        ("ba năm", Decimal(3), "YR"),
    ],
)
def test_amounts_in_the_article(text: str, value: Decimal, unit: str) -> None:
    assert parse_amount(text) == Amount(value, unit)


@pytest.mark.parametrize("text", ["1.5 triệu USD", "12,5,3 USD", "USD", "1,6 tỷ", "quốc lộ 1", ""])
def test_what_is_not_an_amount_is_refused(text: str) -> None:
    with pytest.raises(FigureError):
        parse_amount(text)


@pytest.mark.parametrize(
    ("amount", "vi", "en"),
    [
        (Amount(Decimal(1600000000), "USD"), "1,6 tỷ USD", "1.6 billion USD"),
        (Amount(Decimal(76), "PERCENT"), "76%", "76%"),
        (Amount(Decimal(365), "HA"), "365 ha", "365 ha"),
        (Amount(Decimal("54341000000000"), "VND"), "54.341 tỷ đồng", "54,341 billion VND"),
        (Amount(Decimal("1543700000"), "USD"), "1.543,7 triệu USD", "1,543.7 million USD"),
        (Amount(Decimal("5980000000"), "USD"), "5,98 tỷ USD", "5.98 billion USD"),
        (Amount(Decimal("19000000"), "NUM"), "19 triệu", "19 million"),
    ],
)
def test_amounts_are_written_as_readers_read_them(amount: Amount, vi: str, en: str) -> None:
    assert format_amount(amount, "vi") == vi
    assert format_amount(amount, "en") == en


@given(st.integers(min_value=1990, max_value=2100), st.integers(min_value=1, max_value=12))
def test_first_months_of_a_year(year: int, months: int) -> None:
    period = parse_vn_period(f"{months} tháng đầu năm {year}")
    assert period.begin == date(year, 1, 1) and period.end.month == months
    expected = {12: str(year), 1: f"{year}-01"}.get(months, f"{year}-01/{year}-{months:02d}")
    assert period.iso == expected
    assert parse_iso_period(period.iso) == period
    assert parse_vn_period(period.label("vi")) == period


@given(st.integers(min_value=1990, max_value=2100), st.integers(min_value=0, max_value=10))
def test_year_spans_round_trip(start: int, length: int) -> None:
    period = parse_vn_period(f"{start} - {start + length}")
    assert parse_iso_period(period.iso) == period
    assert period.duration == f"P{length + 1}Y"


@pytest.mark.parametrize(
    ("text", "year", "iso"),
    [
        ("8 tháng đầu năm 2024", None, "2024-01/2024-08"),
        ("7 tháng", 2024, "2024-01/2024-07"),
        ("năm 2023", None, "2023"),
        ("từ 2020 - 2022", None, "2020/2022"),
        ("tháng 8/2023", None, "2023-08"),
        ("26/11/2024", None, "2024-11-26"),
    ],
)
def test_period_phrases(text: str, year: int | None, iso: str) -> None:
    assert parse_vn_period(text, year=year).iso == iso


@pytest.mark.parametrize("text", ["7 tháng", "13 tháng đầu năm 2024", "31/02/2024", "mùa xuân"])
def test_unreadable_periods_are_refused(text: str) -> None:
    with pytest.raises(FigureError):
        parse_vn_period(text)


@pytest.mark.parametrize("text", ["2024-13", "2024/2023", "24", "2024-01/", "2024-1"])
def test_bad_iso_periods_are_refused(text: str) -> None:
    with pytest.raises(FigureError):
        parse_iso_period(text)


def test_period_keys_are_iri_safe() -> None:
    period = Period(date(2024, 1, 1), date(2024, 8, 31))
    assert period.key == "2024-01_2024-08" and period.duration == "P8M"


def test_a_bare_scale_word_takes_the_currency_the_fact_states() -> None:
    """ "vốn đăng ký 512.000 tỷ" in a đồng sentence: the fact file says VND."""
    from fdigraph.figures import parse_figure

    assert parse_figure("512.000 tỷ", "VND").amount == Amount(Decimal(512_000 * 10**9), "VND")
    assert parse_figure("20-25 triệu", "USD").upper == Decimal(25_000_000)
    with pytest.raises(FigureError, match="has no unit"):
        parse_figure("512.000 tỷ")  # no currency stated: not money
    with pytest.raises(FigureError, match="has no unit"):
        parse_figure("4,1", "USD")  # no scale word either: nothing says it is an amount
    with pytest.raises(FigureError, match="has no unit"):
        parse_figure("5 tỷ", "HA")  # only a currency is implied by a bare scale word


def test_a_heading_writes_its_rows_scale_and_unit() -> None:
    from fdigraph.figures import unit_phrases

    assert unit_phrases("Top 5 địa phương thu hút FDI (tỷ USD)") == ["tỷ USD"]
    assert unit_phrases("Diện tích (ha), tỷ lệ lấp đầy (%)") == ["ha", "%"]
    assert unit_phrases("Top 5 địa phương thu hút FDI") == []
