"""Vietnamese figures: numbers, amounts with units, and periods, read and written.

Vietnamese writes "." between thousands and "," before decimals ("1.543,7"), and
scales amounts with words ("1,6 tỷ USD"). Amounts are normalised to base units as
exact ``Decimal`` values; never through ``float``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from fdigraph.errors import FigureError

SCALES: dict[str, int] = {
    "nghìn tỷ": 10**12,
    "ngàn tỷ": 10**12,
    "nghìn": 10**3,
    "ngàn": 10**3,
    "triệu": 10**6,
    "tỷ": 10**9,
    "tỉ": 10**9,
}

# Unit words as written -> unit key. Keys are the ones the fact files use.
UNITS: dict[str, str] = {
    "usd": "USD",
    "đô la mỹ": "USD",
    "đô la": "USD",
    "đôla": "USD",
    "đồng": "VND",
    "vnd": "VND",
    "vnđ": "VND",
    "ha": "HA",
    "héc-ta": "HA",
    "hecta": "HA",
    "%": "PERCENT",
    "năm": "YR",
    "dự án": "NUM",
    "sản phẩm": "NUM",
    "lượt khách": "NUM",
    "quốc gia và vùng lãnh thổ": "NUM",
    "quốc gia, vùng lãnh thổ": "NUM",
    "quốc gia": "NUM",
    "doanh nghiệp": "NUM",
    "nhà đầu tư": "NUM",
    "khu công nghiệp": "NUM",
    "cụm công nghiệp": "NUM",
    "lao động": "NUM",
    "người": "NUM",
    "lần": "NUM",
    "lượt dự án": "NUM",
    "lượt": "NUM",
    "kcn": "NUM",
    "ccn": "NUM",
    "km": "KM",
}

WORD_NUMBERS: dict[str, int] = {
    "một": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "tư": 4,
    "năm": 5,
    "sáu": 6,
    "bảy": 7,
    "tám": 8,
    "chín": 9,
    "mười": 10,
}

_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$|^\d+(?:,\d+)?$")
_SCALE_RE = "|".join(sorted((re.escape(s) for s in SCALES), key=len, reverse=True))
_UNIT_RE = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
_AMOUNT = re.compile(
    rf"^(?P<num>[\d.,]+|{'|'.join(WORD_NUMBERS)})\s*(?:(?P<scale>{_SCALE_RE})\s*)?"
    rf"(?P<unit>{_UNIT_RE})?$",
    re.IGNORECASE,
)


_UNIT_PHRASE = re.compile(rf"(?<!\w)(?:(?:{_SCALE_RE})\s*)?(?:{_UNIT_RE})(?!\w)", re.IGNORECASE)


def unit_phrases(text: str) -> list[str]:
    """The scale-and-unit phrases of a text, in order: '(tỷ USD)' -> ['tỷ USD'].

    A table's heading writes them once for every row ("Top 5 địa phương (tỷ USD)" over
    "1. Hà Nội: 4,1"): a fact file gives the row's figure and the heading's phrase.
    """
    return [m.group() for m in _UNIT_PHRASE.finditer(" ".join(text.split()))]


def parse_number(text: str) -> Decimal:
    """Read a number written the Vietnamese way: '1.543,7' -> 1543.7, '54.341' -> 54341.

    A lone group of three digits after a dot ('54.341') is a thousands group, as in
    Vietnamese; '1.5' is refused rather than guessed.
    """
    token = text.strip()
    if token.lower() in WORD_NUMBERS:
        return Decimal(WORD_NUMBERS[token.lower()])
    if not _NUMBER.match(token):
        raise FigureError(f"not a Vietnamese number: {text!r}")
    try:
        return Decimal(token.replace(".", "").replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern already rules this out
        raise FigureError(f"not a Vietnamese number: {text!r}") from None


@dataclass(frozen=True)
class Amount:
    """A quantity in base units: value times 10**scale already applied."""

    value: Decimal
    unit: str


CURRENCIES = ("VND", "USD")


def parse_amount(text: str, currency: str | None = None) -> Amount:
    """Read '1,6 tỷ USD' -> Amount(1600000000, 'USD'); '365ha' -> Amount(365, 'HA').

    News drops "đồng" after a scale word once the sentence is about đồng ("vốn đăng ký
    512.000 tỷ"): with ``currency`` (VND or USD, the unit the fact file states) a scaled
    amount with no unit word is in that currency. A bare number stays an error: without a
    scale word nothing says it is money.
    """
    match = _AMOUNT.match(" ".join(text.split()))
    if not match:
        raise FigureError(f"not an amount with a unit: {text!r}")
    unit_word = match["unit"]
    if unit_word is None and not (match["scale"] and currency in CURRENCIES):
        raise FigureError(f"amount has no unit: {text!r}")
    value = parse_number(match["num"])
    if match["scale"]:
        value *= SCALES[match["scale"].lower()]
    unit = UNITS[unit_word.lower()] if unit_word is not None else str(currency)
    return Amount(normalise(value), unit)


@dataclass(frozen=True)
class Figure:
    """A figure as a fact file writes it: an amount, an upper bound for a range, a sign word.

    ``sign`` is -1 for a decrease word written with the figure ("giảm 4,2%"), +1 for an
    increase ("tăng 79 dự án"), 0 when the figure carries none.
    """

    amount: Amount
    upper: Decimal | None = None
    sign: int = 0


_SIGN_WORDS = (("giảm", -1), ("tăng", 1), ("-", -1), ("−", -1), ("+", 1))
_DOUBLING: dict[str, Decimal] = {
    "đôi": Decimal(2),
    "ba": Decimal(3),
    "bốn": Decimal(4),
    "năm": Decimal(5),
    "rưỡi": Decimal("1.5"),
}
_RANGE = re.compile(r"^(?P<low>[\d.,]+)\s*[-–]\s*(?P<rest>[\d.,]+.*)$")


def parse_figure(text: str, currency: str | None = None) -> Figure:
    """Read a figure with what may surround it: 'giảm 4,2%', '20-25 dự án', 'gấp đôi', '5,4 lần'.

    A range's scale and unit apply to both bounds ("20-25 triệu USD"); "gấp đôi" is 2.
    ``currency``: see :func:`parse_amount`.
    """
    phrase = " ".join(text.split())
    sign = 0
    for word, value in _SIGN_WORDS:
        if phrase.lower().startswith(word):
            sign, phrase = value, phrase[len(word) :].strip()
            break
    if phrase.lower().startswith("gấp "):
        rest = phrase[4:].strip()
        if rest.lower() in _DOUBLING:
            return Figure(Amount(_DOUBLING[rest.lower()], "NUM"), None, sign)
        phrase = rest if rest.lower().endswith("lần") else f"{rest} lần"
    if match := _RANGE.match(phrase):
        upper = parse_amount(match["rest"], currency)
        ratio = upper.value / parse_number(match["rest"].split()[0])
        low = normalise(parse_number(match["low"]) * ratio)
        if low >= upper.value:
            raise FigureError(f"a range runs from the lower to the higher bound: {text!r}")
        return Figure(Amount(low, upper.unit), upper.value, sign)
    return Figure(parse_amount(phrase, currency), None, sign)


def normalise(value: Decimal) -> Decimal:
    """Drop a needless fractional part and exponent: 1600000000.0 -> 1600000000."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def format_number(value: Decimal, lang: str = "vi") -> str:
    """Write a number as people of ``lang`` read it: 1543.7 -> '1.543,7' (vi), '1,543.7' (en)."""
    sign = "-" if value < 0 else ""
    text = format(abs(normalise(value)), "f")
    whole, _, frac = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    thousands, decimal_mark = (".", ",") if lang == "vi" else (",", ".")
    out = thousands.join(groups)
    return sign + (out + decimal_mark + frac if frac else out)


_SCALE_NAMES = {
    "vi": ((10**12, "nghìn tỷ"), (10**9, "tỷ"), (10**6, "triệu")),
    "en": ((10**12, "trillion"), (10**9, "billion"), (10**6, "million")),
}
_UNIT_SYMBOLS = {
    "vi": {
        "USD": "USD",
        "VND": "đồng",
        "HA": "ha",
        "PERCENT": "%",
        "NUM": "",
        "YR": "năm",
        "KM": "km",
    },
    "en": {
        "USD": "USD",
        "VND": "VND",
        "HA": "ha",
        "PERCENT": "%",
        "NUM": "",
        "YR": "years",
        "KM": "km",
    },
}


def format_amount(amount: Amount, lang: str = "vi") -> str:
    """Write an amount with a scale word: (1600000000, USD) -> '1,6 tỷ USD' / '1.6 billion USD'."""
    value = amount.value
    scale_word = ""
    if amount.unit in {"USD", "VND", "NUM"}:
        # The largest scale that keeps at most two decimals, as the press writes it:
        # 1,6 tỷ USD but 1.543,7 triệu USD, and 54.341 tỷ đồng rather than 54,341 nghìn tỷ.
        fitting = [(f, w) for f, w in _SCALE_NAMES[lang] if abs(value) >= f]
        for factor, word in fitting:
            scaled = value / factor
            if scaled == scaled.quantize(Decimal("0.01")) or (factor, word) == fitting[-1]:
                value, scale_word = scaled, word
                break
    symbol = _UNIT_SYMBOLS[lang].get(amount.unit, amount.unit)
    number = format_number(value, lang)
    if amount.unit == "PERCENT":
        return f"{number}%"
    return " ".join(p for p in (number, scale_word, symbol) if p)


@dataclass(frozen=True, order=True)
class Period:
    """A span of whole months or years, as an ISO 8601 interval."""

    begin: date
    end: date

    @property
    def iso(self) -> str:
        """'2024-01/2024-08', '2023', or '2020/2022'."""
        if self.begin.month == 1 and self.end.month == 12 and self.end.day == 31:
            if self.begin.year == self.end.year:
                return f"{self.begin.year}"
            return f"{self.begin.year}/{self.end.year}"
        if self.begin == self.end:
            return self.begin.isoformat()
        if self.begin.day == 1 and self.end.day == _last_day(self.end.year, self.end.month):
            if (self.begin.year, self.begin.month) == (self.end.year, self.end.month):
                return f"{self.begin:%Y-%m}"
            return f"{self.begin:%Y-%m}/{self.end:%Y-%m}"
        return f"{self.begin.isoformat()}/{self.end.isoformat()}"

    @property
    def key(self) -> str:
        """The period's IRI key: the ISO form with '/' replaced by '_'."""
        return self.iso.replace("/", "_")

    @property
    def months(self) -> int:
        return (self.end.year - self.begin.year) * 12 + self.end.month - self.begin.month + 1

    @property
    def duration(self) -> str:
        """xsd:duration of the period: 'P8M', 'P1Y', 'P3Y', 'P1D'."""
        if self.begin.day != 1 or self.end.day != _last_day(self.end.year, self.end.month):
            return f"P{(self.end - self.begin).days + 1}D"
        if self.months % 12 == 0 and self.begin.month == 1:
            return f"P{self.months // 12}Y"
        return f"P{self.months}M"

    @property
    def is_day(self) -> bool:
        return self.begin == self.end

    def label(self, lang: str = "vi") -> str:
        """A reader's name for the period: '8 tháng đầu năm 2024' / 'January–August 2024'."""
        b, e = self.begin, self.end
        if self.begin == self.end:
            return f"{b.day}/{b.month}/{b.year}" if lang == "vi" else b.isoformat()
        if b.day != 1 or e.day != _last_day(e.year, e.month):
            if lang == "vi":
                return f"{b.day}/{b.month}/{b.year} - {e.day}/{e.month}/{e.year}"
            return f"{b.isoformat()}–{e.isoformat()}"
        whole_years = b.month == 1 and e.month == 12
        if whole_years and b.year == e.year:
            return f"năm {b.year}" if lang == "vi" else str(b.year)
        if whole_years:
            return f"{b.year} - {e.year}" if lang == "vi" else f"{b.year}–{e.year}"
        if (b.year, b.month) == (e.year, e.month):
            return (
                f"tháng {b.month}/{b.year}"
                if lang == "vi"
                else f"{calendar.month_name[b.month]} {b.year}"
            )
        if b.year == e.year and b.month == 1:
            if lang == "vi":
                return f"{e.month} tháng đầu năm {b.year}"
            return f"January–{calendar.month_name[e.month]} {b.year}"
        if lang == "vi":
            return f"tháng {b.month}/{b.year} - tháng {e.month}/{e.year}"
        return f"{calendar.month_name[b.month]} {b.year}–{calendar.month_name[e.month]} {e.year}"


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _month_start(text: str) -> date:
    y, m = (int(p) for p in text.split("-"))
    return date(y, m, 1)


def _month_end(text: str) -> date:
    y, m = (int(p) for p in text.split("-"))
    return date(y, m, _last_day(y, m))


_ISO_YEAR = re.compile(r"^\d{4}$")
_ISO_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_iso_period(text: str) -> Period:
    """Read an ISO 8601 period as the fact files write it: '2023', '2024-01/2024-08', '2020/2022'."""
    parts = text.strip().split("/")
    if len(parts) > 2 or not all(parts):
        raise FigureError(f"not an ISO 8601 period: {text!r}")
    try:
        begin = _bound(parts[0], start=True)
        end = _bound(parts[-1], start=False)
    except ValueError:
        raise FigureError(f"not an ISO 8601 period: {text!r}") from None
    if end < begin:
        raise FigureError(f"period ends before it begins: {text!r}")
    return Period(begin, end)


def _bound(part: str, *, start: bool) -> date:
    if _ISO_YEAR.match(part):
        return date(int(part), 1, 1) if start else date(int(part), 12, 31)
    if _ISO_MONTH.match(part):
        return _month_start(part) if start else _month_end(part)
    if _ISO_DAY.match(part):
        return date.fromisoformat(part)
    raise ValueError(part)


_VN_FIRST_MONTHS = re.compile(r"^(\d{1,2}) tháng(?: đầu)?(?: năm (\d{4}))?$")
_VN_YEAR = re.compile(r"^(?:năm )?(\d{4})$")
_VN_YEARS = re.compile(r"^(?:từ )?(?:năm )?(\d{4})\s*[-–]\s*(\d{4})$")
_VN_MONTH = re.compile(r"^tháng (\d{1,2})/(\d{4})$")
_VN_DATE = re.compile(r"^(?:ngày )?(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_vn_period(text: str, *, year: int | None = None) -> Period:
    """Read a Vietnamese period phrase: '8 tháng đầu năm 2024' -> 2024-01/2024-08.

    ``year`` fills in a phrase that leaves the year to its context ('7 tháng').
    """
    phrase = " ".join(text.lower().split())
    try:
        if m := _VN_FIRST_MONTHS.match(phrase):
            months, y = int(m[1]), int(m[2]) if m[2] else year
            if y is None:
                raise FigureError(f"period has no year and none was given: {text!r}")
            if not 1 <= months <= 12:
                raise FigureError(f"not a month count: {text!r}")
            return Period(date(y, 1, 1), date(y, months, _last_day(y, months)))
        if m := _VN_YEAR.match(phrase):
            return Period(date(int(m[1]), 1, 1), date(int(m[1]), 12, 31))
        if m := _VN_YEARS.match(phrase):
            return parse_iso_period(f"{m[1]}/{m[2]}")
        if m := _VN_MONTH.match(phrase):
            y, mo = int(m[2]), int(m[1])
            return Period(date(y, mo, 1), date(y, mo, _last_day(y, mo)))
        if m := _VN_DATE.match(phrase):
            day = date(int(m[3]), int(m[2]), int(m[1]))
            return Period(day, day)
    except ValueError:
        raise FigureError(f"not a valid period: {text!r}") from None
    raise FigureError(f"not a Vietnamese period phrase: {text!r}")
