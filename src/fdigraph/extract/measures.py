"""Which measure a quantity is, from its unit and the words around it.

Measure keys are those of the issue-11 agreement: the components of registered FDI
(new, adjusted, contributions and their two kinds, realised), their counts (projects
versus "lượt" events), stocks of valid projects, domestic investment (never FDI),
industrial parks and clusters, and the older keys kept beside them. A cue is looked for
between the figure and its neighbours in the sentence, nearest first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fdigraph.extract.quantities import Quantity

# The capital component named near a money figure, most specific first.
_COMPONENTS: tuple[tuple[str, str], ...] = (
    (
        r"(?:cap moi|dang ky moi),? (?:von )?(?:dang ky )?(?:dieu chinh|tang them|bo sung)(?: von)?"
        r"(?:,| va) (?:gia tri )?(?:gop von|von gop)(?:,? (?:mua co phan|mua phan von gop|mua phan von))*",
        "total",
    ),
    (
        r"(?:cap moi|dang ky moi|moi) va (?:tang them|dieu chinh|bo sung|dieu chinh tang)",
        "new+adjusted",
    ),
    (r"khong lam tang von dieu le|mua lai co phan|mua lai phan von", "share-purchase"),
    (r"lam tang von dieu le", "charter"),
    (r"gop von|mua co phan|mua phan von gop|von gop", "contribution"),
    (r"dieu chinh|tang them|tang von|bo sung von|von bo sung|mo rong", "adjusted"),
    (
        r"cap moi|dang ky moi|cap phep moi|du an moi|cap giay chung nhan dang ky dau tu|cap giay chung nhan dau tu|cap phep",
        "new",
    ),
    (r"von thuc hien|thuc hien|giai ngan", "realised"),
)
_CAPITAL = {
    "total": "fdiRegisteredCapital",
    "new+adjusted": "fdiNewAndAdjustedCapital",
    "share-purchase": "fdiSharePurchaseCapital",
    "charter": "fdiCharterContributionCapital",
    "contribution": "fdiContributionCapital",
    "adjusted": "fdiAdjustedCapital",
    "new": "fdiNewCapital",
    "realised": "fdiRealisedCapital",
}
_DOMESTIC_CAPITAL = {"new": "ddiNewCapital", "adjusted": "ddiAdjustedCapital"}
_EVENT_COUNTS = {
    "share-purchase": "fdiSharePurchaseCount",
    "charter": "fdiCharterContributionCount",
    "contribution": "fdiContributionCount",
    "adjusted": "fdiAdjustmentCount",
}
# Money that is not investment: the cue nearest the figure wins over investment words.
_OTHER_MONEY: tuple[tuple[str, str], ...] = (
    (r"thu ngan sach|so thu|thu noi dia|tong thu", "stateBudgetRevenue"),
    (r"kim ngach|xuat khau", "exportValue"),
    (r"dau tu cong|von ngan sach", "publicInvestmentDisbursed"),
)
_INVESTMENT = r"von fdi|fdi|ddi|von dau tu|dau tu|von dang ky|tong von|thu hut|vnd|von"
_HA: tuple[tuple[str, str], ...] = (
    (r"cho thue|lap day|da thue", "industrialLandLeasedArea"),
    (r"dat cong nghiep|mat bang sach|giai phong mat bang|thu hoi", "industrialLandCleared"),
    (r"dat do thi|dat khac", "otherLandCleared"),
    (r"khu cong nghiep|kcn|cum cong nghiep|ccn", "industrialParkArea"),
)
# A verb just before an area in ha: what was done with the land.
_LAND_VERBS = {
    "cho thue": "industrialLandLeasedArea",
    "da thue": "industrialLandLeasedArea",
    "giai phong mat bang": "industrialLandCleared",
}
_LAND_VERB = re.compile(r"\b(cho thue|da thue|giai phong mat bang)\s+(?:duoc\s+)?$")
_PERCENT: tuple[tuple[str, str], ...] = (
    (r"ky so", "digitalSignatureAdoptionRate"),
    (r"qua dao tao", "trainedLabourRate"),
    (r"chung chi", "certifiedLabourRate"),
    (r"chi so san xuat|iip", "industrialProductionIndexGrowth"),
    (r"lap day", "industrialParkOccupancyRate"),
    (r"grdp|tang truong kinh te", "grdpGrowth"),
    (r"kim ngach|xuat khau", "exportValue"),
    (r"thu ngan sach|so thu|thu noi dia", "stateBudgetRevenue"),
    # "chiếm 43% số dự án FDI cấp mới", "dẫn đầu về số dự án mới với 27,1%": of a count.
    (r"(?:tong )?so (?:luong )?du an (?:fdi )?(?:cap moi|moi|dang ky moi)", "fdiNewProjectCount"),
    (r"von fdi|fdi|dau tu nuoc ngoai|von dang ky|tong von", "fdiRegisteredCapital"),
)
_NOUNS: tuple[tuple[str, str], ...] = (
    ("san pham", "featuredProductCount"),
    ("quoc gia", "investorCountryCount"),
    ("doanh nghiep", "enterpriseCount"),
    ("nha dau tu", "enterpriseCount"),
    ("khu cong nghiep", "industrialParkCount"),
    ("kcn", "industrialParkCount"),
    ("khu kinh te", "industrialParkCount"),
    ("cum cong nghiep", "industrialClusterCount"),
    ("ccn", "industrialClusterCount"),
    ("lao dong", "jobCount"),
    ("nguoi", "jobCount"),
)
_DOMESTIC = re.compile(r"\b(trong nuoc|ddi|nha dau tu viet nam|noi dia)\b")
_FOREIGN = re.compile(r"\b(fdi|nuoc ngoai|ngoai nuoc|von ngoai)\b")
STOCK_CUES = re.compile(
    r"\b(luy ke|con hieu luc|hien co|dang hoat dong|tu truoc den nay|tong so du an|hien dang co"
    r"|da thanh lap|duoc thanh lap|chi con|dang su dung|dang tao viec lam cho)\b"
)
_BOTH_SIDES = re.compile(
    r"\b(?:trong nuoc va (?:nuoc ngoai|fdi)|(?:nuoc ngoai|fdi) va trong nuoc"
    r"|ddi va fdi|fdi va ddi)\b"
)
# One plant or resort being built: its capital is investment, not FDI, unless a foreign
# investor is named.
_ONE_PLANT = re.compile(
    r"\b(khoi cong|nha may|resort|khu nghi duong|khach san|trung tam thuong mai)\b"
)
# Parks in operation, as against those decided or planned: the words right after the count
# ("8 KCN đã đi vào hoạt động", "24 KCN đang hoạt động", "KCN đã hoạt động ổn định").
_OPERATING = re.compile(
    r"\W*(?:\w+\W+){0,3}?(?:da |dang )(?:di vao |chinh thuc )?(?:hoat dong|van hanh)\b"
)
# Growth measures: their percent is a level, not a growth of something else.
GROWTH_MEASURES = {"grdpGrowth", "industrialProductionIndexGrowth"}


@dataclass(frozen=True)
class Window:
    """The words between a figure and its neighbours in the sentence (folded)."""

    before: str  # from the previous figure (or the sentence start) to this one
    after: str  # from this figure to the next one (or the sentence end)
    sentence: str  # the whole sentence, up to the figure
    domestic: bool  # the nearest investor word before the figure is domestic
    stock: bool  # a position at a date, not a flow
    foreign: bool = False  # a foreign investor country is named with the figure


def investor_side(before: str, after: str) -> bool:
    """True when the investment near the figure is domestic (DDI), not foreign."""
    near_after = after[:40]
    dom_after = _DOMESTIC.search(near_after)
    for_after = _FOREIGN.search(near_after)
    if dom_after and (not for_after or dom_after.start() < for_after.start()):
        return True
    if for_after:
        return False
    dom = [m.end() for m in _DOMESTIC.finditer(before)]
    foreign = [m.end() for m in _FOREIGN.finditer(before)]
    return max(dom, default=-1) > max(foreign, default=-1)


def _matches(cues: tuple[tuple[str, str], ...], text: str) -> list[tuple[int, int, str]]:
    """Cue matches in ``text``; one inside a more specific (earlier) cue's match is dropped."""
    found: list[tuple[int, int, str]] = []
    for pattern, name in cues:
        for m in re.finditer(rf"\b(?:{pattern})\b", text):
            if not any(a <= m.start() and m.end() <= b for a, b, _ in found):
                found.append((m.start(), m.end(), name))
    return found


def _nearest(cues: tuple[tuple[str, str], ...], window: Window) -> tuple[str, int] | None:
    """The cue nearest the figure: (what it names, distance); a cue right after wins ties."""
    best: tuple[int, str] | None = None
    after = sorted(_matches(cues, window.after))
    if after:
        best = (after[0][0], after[0][2])
    for _, end, name in _matches(cues, window.before):
        distance = len(window.before) - end + 1
        if best is None or distance < best[0]:
            best = (distance, name)
    return None if best is None else (best[1], best[0])


def has_component(text: str) -> bool:
    """True when ``text`` (folded) names a component of registered capital."""
    return any(re.search(rf"\b(?:{pattern})\b", text) for pattern, _ in _COMPONENTS)


def measure_of(q: Quantity, window: Window) -> tuple[str, bool]:
    """The measure of ``q`` and whether a cue named it (False: a guess from the unit)."""
    if q.change == "duration":
        hit = re.search(r"trien khai|thuc hien", window.after)
        return ("programmeImplementationDuration", True) if hit else ("duration", False)
    if q.unit == "NUM":
        return _count(q, window)
    window = _sector_masked(window)
    if q.unit in {"USD", "VND"}:
        return _money(q, window)
    if q.unit == "HA":
        if re.search(r"\bha\s*/\s*$", window.sentence):
            return "industrialParkArea", True  # "đã cho thuê 525,51 ha/927,60 ha"
        verb = _LAND_VERB.search(window.before)
        if verb is not None:
            # "đã cho thuê 702,5 ha đất công nghiệp": the verb says what was done with the
            # land; the noun after only says which land.
            return _LAND_VERBS[verb[1]], True
        found = _nearest(_HA, window) or _nearest(_HA, _whole(window))
        return (found[0], True) if found else ("landArea", False)
    if q.unit == "PERCENT":
        found = _nearest(_PERCENT, window) or _nearest(_PERCENT, _whole(window))
        return (found[0], True) if found else ("fdiRegisteredCapital", False)
    if q.unit == "KM":
        return "roadLength", True
    return "count", False


def _sector_masked(window: Window) -> Window:
    """Exports or budget of "khu vực FDI": FDI names whose exports, not the measure."""
    if not _NOT_INVESTMENT.search(window.sentence + " " + window.after):
        return window

    def mask(text: str) -> str:
        return _FDI_SECTOR.sub(lambda m: " " * len(m[0]), text)

    return Window(
        mask(window.before),
        mask(window.after),
        mask(window.sentence),
        window.domestic,
        window.stock,
        window.foreign,
    )


_NOT_INVESTMENT = re.compile(r"\b(xuat khau|nhap khau|kim ngach|thu ngan sach|nop ngan sach)\b")
_FDI_SECTOR = re.compile(
    r"\b(?:khu vuc|(?:cac )?doanh nghiep)(?: co von)? (?:fdi|(?:dau tu )?nuoc ngoai)\b"
)


def _whole(window: Window) -> Window:
    """The window widened to the start of the sentence."""
    return Window(window.sentence, window.after, window.sentence, window.domestic, window.stock)


def _money(q: Quantity, window: Window) -> tuple[str, bool]:
    if _BOTH_SIDES.search(window.before[-80:]):
        return "investmentCapitalAttracted", True  # "cả trong nước và nước ngoài"
    other = _nearest(_OTHER_MONEY, window)
    invest = _nearest(((_INVESTMENT, "invest"),), window)
    component = _nearest(
        _COMPONENTS, Window(window.before[-90:], window.after[:60], "", False, False)
    )
    if re.search(rf"\b(?:{_COMPONENTS[0][0]})", window.before[-160:]):
        # "tổng vốn đăng ký cấp mới, điều chỉnh và góp vốn, mua cổ phần, mua phần vốn góp
        # của nhà đầu tư nước ngoài trong 8 tháng đạt ...": the total, however long its name.
        component = ("total", 0)
    if (
        other
        and (invest is None or other[1] < invest[1])
        and (component is None or other[1] < component[1])
    ):
        return other[0], True
    if re.search(r"\bbinh quan\b", window.before[-30:]) or re.match(r"\s*/\s*du an", window.after):
        return "fdiAverageProjectCapital", True
    kind = component[0] if component else None
    if kind in {None, "adjusted"} and _new_and_adjusted(window.sentence):
        kind = "new+adjusted"
    if kind == "adjusted" and _NEW_THEN_ADJUSTED.search(window.sentence[-200:].split(";")[-1]):
        kind = "new+adjusted"  # "24 dự án mới và 21 lượt tăng vốn với tổng vốn ... X"
    if window.domestic:
        if window.stock:
            return "ddiRegisteredCapital", True
        return _DOMESTIC_CAPITAL.get(kind or "", "ddiRegisteredCapital"), True
    if kind == "realised":
        public = re.search(r"\bdau tu cong\b", window.before + window.after[:30])
        return ("publicInvestmentDisbursed" if public else "fdiRealisedCapital"), True
    if window.stock:
        return "fdiRegisteredCapital", True
    if kind:
        return _CAPITAL[kind], True
    near = window.sentence + " " + window.after
    if _FOREIGN.search(near) or window.foreign:
        return "fdiRegisteredCapital", True
    if re.search(r"\b(von (?:dau tu )?dang ky|dang ky dau tu)\b", window.before[-40:]):
        return "fdiRegisteredCapital", True  # registered investment: licences, in USD
    if q.unit == "USD" and re.search(r"\b(nganh|linh vuc)\b", window.sentence):
        return "fdiRegisteredCapital", True  # a sector's share of the FDI in USD
    if re.search(r"\bvon dau tu\b", window.before[-40:] + " " + window.after[:40]):
        return "investmentCapitalAttracted", True
    if _ONE_PLANT.search(window.sentence + " " + window.after[:40]):
        # "Khởi công nhà máy dệt may 30 triệu USD": one plant's capital, investor unnamed.
        return "investmentCapitalAttracted", True
    if q.unit == "USD":
        return "fdiRegisteredCapital", bool(re.search(r"\bthu hut\b", window.sentence))
    return "investmentCapitalAttracted", False


# Words that name one component after "cấp mới và điều chỉnh": the figure is of it.
_ONE_COMPONENT = re.compile(
    r"\b(?:cap moi|dang ky moi|du an moi|dieu chinh|gop von|mua co phan|thuc hien|giai ngan)\b"
)
# New projects and adjustments counted side by side, then one capital for both: "24 dự án
# FDI mới và 21 lượt tăng vốn đầu tư với tổng vốn đăng ký 930 triệu USD" (folded text).
_NEW_THEN_ADJUSTED = re.compile(
    r"\b\d[\d.,]* du an (?:\w+ ){0,2}?(?:moi|cap moi)\b[^;]{0,30}?\bva \d[\d.,]* (?:luot )?"
    r"(?:du an )?(?:tang von|dieu chinh|tang them|bo sung von)\b[^;]{0,60}?\btong (?:so )?von\b"
)
# The count of projects licensed or adjusted together: no measure of the model.
NEW_AND_ADJUSTED_COUNT = "projectCountNewAndAdjusted"


def _new_and_adjusted(head: str) -> bool:
    """True when the clause of a figure is on new and adjusted together ("cấp mới và điều
    chỉnh vốn cho 20 dự án với tổng vốn đăng ký tăng thêm ..."), no one component named after."""
    both = list(re.finditer(rf"\b(?:{_COMPONENTS[1][0]})\b", head))
    if not both:
        return False
    between = head[both[-1].end() :]
    return ";" not in between and not _ONE_COMPONENT.search(between)


def _count(q: Quantity, window: Window) -> tuple[str, bool]:
    noun = q.noun
    if noun.startswith("luot khach"):
        international = window.after.strip().startswith("quoc te")
        return ("internationalVisitorArrivals" if international else "visitorArrivals"), True
    if noun in {"lan"}:
        return "count", False
    if noun == "nguoi" and re.search(r"\bdan so\b", window.before[-30:]):
        return "population", False
    for word, measure in _NOUNS:
        if noun.startswith(word):
            if measure == "industrialParkCount" and _OPERATING.match(window.after):
                return "operatingIndustrialParkCount", True  # "8 KCN đã đi vào hoạt động"
            return measure, True
    if noun.startswith("luot") or noun.startswith("giao dich"):
        near = Window(window.before[-50:], window.after[:70], "", False, False)
        found = _nearest(_COMPONENTS, near)
        kind = found[0] if found else "adjusted"
        if kind == "new+adjusted":
            return NEW_AND_ADJUSTED_COUNT, True
        if window.domestic:
            return "ddiAdjustmentCount", True
        return _EVENT_COUNTS.get(kind, "fdiAdjustmentCount"), True
    if noun.startswith("du an"):
        near = Window(window.before[-40:], window.after[:50], "", False, False)
        found = _nearest(_COMPONENTS, near)
        project_kind = found[0] if found else None
        if project_kind == "new+adjusted" and not window.domestic:
            return NEW_AND_ADJUSTED_COUNT, True
        if window.stock and project_kind not in {"new", "adjusted"}:
            return ("ddiValidProjectCount" if window.domestic else "fdiValidProjectCount"), True
        if project_kind == "adjusted":
            return ("ddiAdjustmentCount" if window.domestic else "fdiAdjustmentCount"), True
        if window.domestic:
            return "ddiNewProjectCount", True
        return "fdiNewProjectCount", project_kind is not None
    return "count", False
