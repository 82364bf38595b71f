"""Which measure a quantity is, from its unit and the words around it.

Measure keys are the ontology's (``fdigraph.facts.MEASURES``).
"""

from __future__ import annotations

import re

from fdigraph.extract.quantities import Quantity

# (folded cue, measure) per unit; the cue nearest before the figure wins, and a cue
# right after it ("1,6 tỷ USD vốn FDI") wins over both.
_CUES: dict[str, tuple[tuple[str, str], ...]] = {
    "money": (
        ("thu ngan sach", "stateBudgetRevenue"),
        ("so thu", "stateBudgetRevenue"),
        ("thu noi dia", "stateBudgetRevenue"),
        ("kim ngach", "exportValue"),
        ("xuat khau", "exportValue"),
        ("giai ngan", "publicInvestmentDisbursed"),
        ("tong von dau tu", "fdiCapitalRegistered"),
        ("von dang ky", "fdiCapitalRegistered"),
        ("tong von dang ky", "fdiCapitalRegistered"),
        ("von fdi", "fdiCapitalAttracted"),
        ("fdi", "fdiCapitalAttracted"),
        ("von dau tu truc tiep nuoc ngoai", "fdiCapitalAttracted"),
        ("von dau tu nuoc ngoai", "fdiCapitalAttracted"),
        ("von nuoc ngoai", "fdiCapitalAttracted"),
        ("von dau tu", "investmentCapitalAttracted"),
        ("thu hut", "investmentCapitalAttracted"),
    ),
    "HA": (
        ("dat cong nghiep", "industrialLandCleared"),
        ("mat bang sach", "industrialLandCleared"),
        ("dat do thi", "otherLandCleared"),
        ("dat khac", "otherLandCleared"),
        ("dien tich", "landArea"),
        ("quy mo", "landArea"),
    ),
    "PERCENT": (
        ("ky so", "digitalSignatureAdoptionRate"),
        ("qua dao tao", "trainedLabourRate"),
        ("chung chi", "certifiedLabourRate"),
        ("chi so san xuat", "industrialProductionIndexGrowth"),
        ("iip", "industrialProductionIndexGrowth"),
        ("lap day", "industrialParkOccupancyRate"),
        ("grdp", "grdpGrowth"),
        ("tang truong kinh te", "grdpGrowth"),
        ("xuat khau", "exportValue"),
    ),
}
_NOUNS: tuple[tuple[str, str], ...] = (
    ("du an", "fdiProjectCount"),
    ("luot du an", "fdiProjectCount"),
    ("san pham", "featuredProductCount"),
    ("luot khach", "visitorArrivals"),
    ("quoc gia", "investorCountryCount"),
    ("doanh nghiep", "enterpriseCount"),
    ("nha dau tu", "enterpriseCount"),
    ("khu cong nghiep", "industrialParkCount"),
    ("cum cong nghiep", "industrialParkCount"),
    ("lao dong", "jobCount"),
    ("nguoi", "jobCount"),
)
_FALLBACK = {"USD": "fdiCapitalAttracted", "VND": "investmentCapitalAttracted", "HA": "landArea"}


def measure_of(q: Quantity, folded: str, clause_start: int, clause_end: int) -> tuple[str, bool]:
    """The measure of ``q`` and whether a cue named it (False: a guess from the unit)."""
    if q.change == "duration":
        hit = re.search(r"trien khai|thuc hien", folded[q.end : clause_end])
        return ("programmeImplementationDuration", True) if hit else ("duration", False)
    if q.change == "ratio":
        return "growthRatio", True
    if q.unit == "NUM":
        for noun, measure in _NOUNS:
            if q.noun.startswith(noun):
                if noun == "luot khach" and folded[q.end : q.end + 8].strip().startswith("quoc te"):
                    return "internationalVisitorArrivals", True
                return measure, True
        return "count", False
    cues = _CUES["money" if q.unit in {"USD", "VND"} else q.unit] if q.unit != "YR" else ()
    after = folded[q.end : min(clause_end, q.end + 40)]
    for cue, measure in cues:
        if re.match(rf"\W*{cue}\b", after):
            return measure, True
    before = folded[clause_start : q.start]
    best: tuple[int, int, str] | None = None
    for cue, measure in cues:
        for match in re.finditer(rf"\b{cue}\b", before):
            rank = (match.end(), len(cue), measure)
            if best is None or rank[:2] > best[:2]:
                best = rank
    if best is not None:
        return best[2], True
    if q.change == "growth":
        return "growthRate", False
    if q.change == "decline":
        return "declineRate", False
    return _FALLBACK.get(q.unit, "growthRate" if q.unit == "PERCENT" else "count"), False
