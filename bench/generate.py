"""Synthetic FDI-shaped RDF for the benchmark: deterministic, seeded, any size.

The data has the shape of fdigraph's real graph (see ``shared/research/modeling.md``
§2-3): RDF Data Cube observations in the measure-dimension style (area, period,
measure, ``xsd:decimal`` value, QUDT unit, status, qualifier), ranking observations
in their own data set, SKOS concept schemes for sectors and indicators, provinces with
ISO 3166-2:VN codes and ``@vi``/``@en`` labels with diacritics, and articles the
observations were derived from (PROV-O).

    python bench/generate.py --triples 100000 --out bench/data/fdi-100k.nt

The same ``--triples`` and ``--seed`` always give the same bytes. Output is N-Triples
(or N-Quads into ``https://fdigraph.example/graph/data`` when the file ends in .nq).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

BASE = "https://fdigraph.example/"
ID = BASE + "id/"
FDI = BASE + "def/fdi#"
GRAPH = BASE + "graph/data"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
QB = "http://purl.org/linked-data/cube#"
SDMX_ATTR = "http://purl.org/linked-data/sdmx/2009/attribute#"
SDMX_DIM = "http://purl.org/linked-data/sdmx/2009/dimension#"
SDMX_MEASURE = "http://purl.org/linked-data/sdmx/2009/measure#"
SDMX_CODE = "http://purl.org/linked-data/sdmx/2009/code#"
UNIT = "http://qudt.org/vocab/unit/"
PROV = "http://www.w3.org/ns/prov#"
TIME = "http://www.w3.org/2006/time#"
SCHEMA = "https://schema.org/"
DCTERMS = "http://purl.org/dc/terms/"

# The 63 provinces and cities before the 2025 merger: ISO 3166-2:VN code, Vietnamese
# name, region key.
PROVINCES: tuple[tuple[str, str, str], ...] = (
    ("VN-01", "Lai Châu", "tdmnpb"),
    ("VN-02", "Lào Cai", "tdmnpb"),
    ("VN-03", "Hà Giang", "tdmnpb"),
    ("VN-04", "Cao Bằng", "tdmnpb"),
    ("VN-05", "Sơn La", "tdmnpb"),
    ("VN-06", "Yên Bái", "tdmnpb"),
    ("VN-07", "Tuyên Quang", "tdmnpb"),
    ("VN-09", "Lạng Sơn", "tdmnpb"),
    ("VN-13", "Quảng Ninh", "dbsh"),
    ("VN-14", "Hòa Bình", "tdmnpb"),
    ("VN-18", "Ninh Bình", "dbsh"),
    ("VN-20", "Thái Bình", "dbsh"),
    ("VN-21", "Thanh Hóa", "btb"),
    ("VN-22", "Nghệ An", "btb"),
    ("VN-23", "Hà Tĩnh", "btb"),
    ("VN-24", "Quảng Bình", "btb"),
    ("VN-25", "Quảng Trị", "btb"),
    ("VN-26", "Thừa Thiên Huế", "btb"),
    ("VN-27", "Quảng Nam", "ntb"),
    ("VN-28", "Kon Tum", "tn"),
    ("VN-29", "Quảng Ngãi", "ntb"),
    ("VN-30", "Gia Lai", "tn"),
    ("VN-31", "Bình Định", "ntb"),
    ("VN-32", "Phú Yên", "ntb"),
    ("VN-33", "Đắk Lắk", "tn"),
    ("VN-34", "Khánh Hòa", "ntb"),
    ("VN-35", "Lâm Đồng", "tn"),
    ("VN-36", "Ninh Thuận", "ntb"),
    ("VN-37", "Tây Ninh", "db"),
    ("VN-39", "Đồng Nai", "db"),
    ("VN-40", "Bình Thuận", "ntb"),
    ("VN-41", "Long An", "dbscl"),
    ("VN-43", "Bà Rịa - Vũng Tàu", "db"),
    ("VN-44", "An Giang", "dbscl"),
    ("VN-45", "Đồng Tháp", "dbscl"),
    ("VN-46", "Tiền Giang", "dbscl"),
    ("VN-47", "Kiên Giang", "dbscl"),
    ("VN-49", "Vĩnh Long", "dbscl"),
    ("VN-50", "Bến Tre", "dbscl"),
    ("VN-51", "Trà Vinh", "dbscl"),
    ("VN-52", "Sóc Trăng", "dbscl"),
    ("VN-53", "Bắc Kạn", "tdmnpb"),
    ("VN-54", "Bắc Giang", "tdmnpb"),
    ("VN-55", "Bạc Liêu", "dbscl"),
    ("VN-56", "Bắc Ninh", "dbsh"),
    ("VN-57", "Bình Dương", "db"),
    ("VN-58", "Bình Phước", "db"),
    ("VN-59", "Cà Mau", "dbscl"),
    ("VN-61", "Hải Dương", "dbsh"),
    ("VN-63", "Hà Nam", "dbsh"),
    ("VN-66", "Hưng Yên", "dbsh"),
    ("VN-67", "Nam Định", "dbsh"),
    ("VN-68", "Phú Thọ", "tdmnpb"),
    ("VN-69", "Thái Nguyên", "tdmnpb"),
    ("VN-70", "Vĩnh Phúc", "dbsh"),
    ("VN-71", "Điện Biên", "tdmnpb"),
    ("VN-72", "Đắk Nông", "tn"),
    ("VN-73", "Hậu Giang", "dbscl"),
    ("VN-CT", "Cần Thơ", "dbscl"),
    ("VN-DN", "Đà Nẵng", "ntb"),
    ("VN-HN", "Hà Nội", "dbsh"),
    ("VN-HP", "Hải Phòng", "dbsh"),
    ("VN-SG", "Thành phố Hồ Chí Minh", "db"),
)

REGIONS: dict[str, tuple[str, str]] = {
    "tdmnpb": ("Vùng Trung du và miền núi phía Bắc", "Northern Midlands and Mountains"),
    "dbsh": ("Vùng Đồng bằng sông Hồng", "Red River Delta"),
    "btb": ("Bắc Trung Bộ", "North Central Coast"),
    "ntb": ("Duyên hải Nam Trung Bộ", "South Central Coast"),
    "tn": ("Tây Nguyên", "Central Highlands"),
    "db": ("Đông Nam Bộ", "Southeast"),
    "dbscl": ("Vùng Đồng bằng sông Cửu Long", "Mekong River Delta"),
}


@dataclass(frozen=True)
class Measure:
    key: str
    vi: str
    en: str
    unit: str
    low: float
    high: float
    integer: bool = False


MEASURES: tuple[Measure, ...] = (
    Measure("fdiCapitalAttracted", "Vốn FDI thu hút", "FDI capital attracted", "CCY_USD", 1e6, 5e9),
    Measure("fdiProjectCount", "Số dự án FDI", "FDI project count", "NUM", 1, 400, True),
    Measure(
        "investmentCapitalAttracted",
        "Vốn đầu tư thu hút",
        "Investment capital attracted",
        "CCY_USD",
        1e7,
        9e9,
    ),
    Measure(
        "trainedLabourRate", "Tỷ lệ lao động qua đào tạo", "Trained labour rate", "PERCENT", 20, 90
    ),
    Measure(
        "industrialLandClearedArea",
        "Diện tích đất công nghiệp đã giải phóng mặt bằng",
        "Industrial land cleared",
        "HA",
        5,
        3000,
    ),
    Measure(
        "stateBudgetRevenue",
        "Thu ngân sách nhà nước",
        "State budget revenue",
        "CCY_VND",
        1e11,
        5e14,
    ),
    Measure(
        "industrialProductionIndexGrowth",
        "Tăng trưởng chỉ số sản xuất công nghiệp",
        "Industrial production index growth",
        "PERCENT",
        -5,
        35,
    ),
    Measure("visitorArrivals", "Lượt khách du lịch", "Visitor arrivals", "NUM", 1e4, 4e7, True),
)

SECTORS: tuple[tuple[str, str, str], ...] = (
    ("solar-energy", "Năng lượng mặt trời", "Solar energy"),
    ("semiconductor-chips", "Chip bán dẫn", "Semiconductor chips"),
    ("electric-vehicles", "Xe điện", "Electric vehicles"),
    ("electronic-components", "Linh kiện điện tử", "Electronic components"),
    ("software-production", "Sản xuất phần mềm", "Software production"),
    ("textiles-garments", "Dệt may", "Textiles and garments"),
    ("food-processing", "Chế biến thực phẩm", "Food processing"),
    ("logistics", "Dịch vụ hậu cần", "Logistics services"),
    ("real-estate", "Kinh doanh bất động sản", "Real estate"),
    ("renewable-wind", "Điện gió", "Wind power"),
)

INDICATORS: tuple[tuple[str, str, str], ...] = (
    ("fdi-attraction", "Thu hút vốn FDI", "FDI attraction"),
    ("par-index", "Chỉ số cải cách hành chính (PAR INDEX)", "Public administration reform index"),
    ("dti", "Chỉ số chuyển đổi số (DTI)", "Digital transformation index"),
    ("pci", "Chỉ số năng lực cạnh tranh cấp tỉnh (PCI)", "Provincial competitiveness index"),
)

QUALIFIERS = ("Exact", "Exact", "Exact", "Approx", "GreaterThan", "AtLeast", "AtMost")
QUALIFIER_VI = {
    "Exact": "",
    "Approx": "gần ",
    "GreaterThan": "hơn ",
    "AtLeast": "ít nhất ",
    "AtMost": "tối đa ",
}


def iri(value: str) -> str:
    return f"<{value}>"


def lit(text: str, lang: str | None = None, dtype: str | None = None) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    if lang:
        return f'"{escaped}"@{lang}'
    if dtype:
        return f'"{escaped}"^^<{dtype}>'
    return f'"{escaped}"'


Triple = tuple[str, str, str]
A = iri(RDF + "type")
LABEL = iri(RDFS + "label")


def period_key(year: int, first: int, last: int) -> str:
    if first == 1 and last == 12:
        return str(year)
    return f"{year}-{first:02d}_{year}-{last:02d}"


def periods() -> Iterator[tuple[int, int, int]]:
    """Newest first: each year's full period, then its cumulative months (01..08 etc.)."""
    for year in range(2024, 1899, -1):
        yield (year, 1, 12)
        for last in (3, 6, 8, 9):
            yield (year, 1, last)


def static_triples() -> Iterator[Triple]:
    """Schemes, concepts, provinces, regions, measures, units: the graph's skeleton."""
    fdi = FDI
    for key, (vi, en) in REGIONS.items():
        r = iri(f"{ID}concept/region-{key}")
        yield r, A, iri(SKOS + "Concept")
        yield r, iri(SKOS + "inScheme"), iri(fdi + "RegionScheme")
        yield r, iri(SKOS + "prefLabel"), lit(vi, "vi")
        yield r, iri(SKOS + "prefLabel"), lit(en, "en")
    for code, name, region in PROVINCES:
        a = iri(f"{ID}area/{code}")
        yield a, A, iri(fdi + "Province")
        yield a, LABEL, lit(name, "vi")
        yield a, LABEL, lit(f"{_ascii(name)} province", "en")
        yield a, iri(SKOS + "notation"), lit(code)
        yield a, iri(fdi + "inRegion"), iri(f"{ID}concept/region-{region}")
        yield a, iri(fdi + "partOf"), iri(f"{ID}area/VN")
    yield iri(f"{ID}area/VN"), A, iri(fdi + "Country")
    yield iri(f"{ID}area/VN"), LABEL, lit("Việt Nam", "vi")
    yield iri(f"{ID}area/VN"), LABEL, lit("Vietnam", "en")
    for scheme, items in (("SectorScheme", SECTORS), ("IndicatorScheme", INDICATORS)):
        s = iri(fdi + scheme)
        yield s, A, iri(SKOS + "ConceptScheme")
        for key, vi, en in items:
            c = iri(f"{ID}concept/{key}")
            yield c, A, iri(SKOS + "Concept")
            yield c, iri(SKOS + "inScheme"), s
            yield c, iri(SKOS + "prefLabel"), lit(vi, "vi")
            yield c, iri(SKOS + "prefLabel"), lit(en, "en")
            yield s, iri(SKOS + "hasTopConcept"), c
    for m in MEASURES:
        p = iri(fdi + m.key)
        yield p, A, iri(QB + "MeasureProperty")
        yield p, iri(RDFS + "subPropertyOf"), iri(SDMX_MEASURE + "obsValue")
        yield p, LABEL, lit(m.vi, "vi")
        yield p, LABEL, lit(m.en, "en")
        yield p, iri(fdi + "unit"), iri(UNIT + m.unit)
    for ds in ("indicators", "rankings", "sectors"):
        d = iri(f"{ID}dataset/{ds}")
        yield d, A, iri(QB + "DataSet")
        yield d, iri(QB + "structure"), iri(f"{fdi}dsd-{ds}")
        yield d, LABEL, lit(f"Bộ dữ liệu tổng hợp ({ds})", "vi")
    yield iri(fdi + "refArea"), iri(RDFS + "subPropertyOf"), iri(SDMX_DIM + "refArea")
    yield iri(fdi + "refPeriod"), iri(RDFS + "subPropertyOf"), iri(SDMX_DIM + "refPeriod")


def _ascii(text: str) -> str:
    import unicodedata

    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def generate(target: int, seed: int = 20240801) -> Iterator[Triple]:
    """Yield about ``target`` triples (stops at the first observation past it)."""
    rng = random.Random(seed)
    count = 0
    for t in static_triples():
        count += 1
        yield t
    dec = XSD + "decimal"
    integer = XSD + "integer"
    obs_type = iri(QB + "Observation")
    for year, first, last in periods():
        pkey = period_key(year, first, last)
        p = iri(f"{ID}period/{pkey}")
        period_label_vi = (
            f"năm {year}" if (first, last) == (1, 12) else f"{last} tháng đầu năm {year}"
        )
        head: list[Triple] = [
            (p, A, iri(TIME + "ProperInterval")),
            (p, LABEL, lit(period_label_vi, "vi")),
            (p, iri(fdi_("year")), lit(str(year), dtype=XSD + "gYear")),
            (p, iri(TIME + "hasBeginning"), lit(f"{year}-{first:02d}-01", dtype=XSD + "date")),
        ]
        for t in head:
            count += 1
            yield t
        for code, name, _region in PROVINCES:
            area = iri(f"{ID}area/{code}")
            article = iri(f"{ID}article/{code.lower()}-{pkey}")
            art: list[Triple] = [
                (article, A, iri(SCHEMA + "NewsArticle")),
                (
                    article,
                    iri(SCHEMA + "headline"),
                    lit(f"Sức hút nguồn vốn FDI của {name} {period_label_vi}", "vi"),
                ),
                (article, iri(SCHEMA + "inLanguage"), lit("vi")),
                (article, iri(SCHEMA + "about"), area),
            ]
            for t in art:
                count += 1
                yield t
            for m in MEASURES:
                if m.key != "fdiCapitalAttracted" and rng.random() < 0.15:
                    continue  # news is sparse: not every measure every period
                o = iri(f"{ID}obs/{code}/{pkey}/{m.key}")
                scale = 1.0 + (year - 1900) / 60.0
                raw = rng.uniform(m.low, m.high) * (scale if m.unit != "PERCENT" else 1.0)
                value = str(int(raw)) if m.integer else f"{raw:.2f}"
                qual = rng.choice(QUALIFIERS)
                triples: list[Triple] = [
                    (o, A, obs_type),
                    (o, iri(QB + "dataSet"), iri(f"{ID}dataset/indicators")),
                    (o, iri(fdi_("refArea")), area),
                    (o, iri(fdi_("refPeriod")), p),
                    (o, iri(QB + "measureType"), iri(fdi_(m.key))),
                    (o, iri(fdi_(m.key)), lit(value, dtype=integer if m.integer else dec)),
                    (o, iri(SDMX_ATTR + "unitMeasure"), iri(UNIT + m.unit)),
                    (o, iri(fdi_("valueQualifier")), iri(fdi_(qual))),
                    (o, iri(PROV + "wasDerivedFrom"), article),
                    (o, LABEL, lit(f"{m.vi}: {name}, {period_label_vi}", "vi")),
                ]
                if rng.random() < 0.2:
                    triples.append(
                        (o, iri(SDMX_ATTR + "obsStatus"), iri(SDMX_CODE + "obsStatus-E"))
                    )
                if m.key == "fdiCapitalAttracted":
                    quote = f"thu hút {QUALIFIER_VI[qual]}{value} USD vốn FDI"
                    triples.append((o, iri(fdi_("quote")), lit(quote, "vi")))
                for t in triples:
                    count += 1
                    yield t
            # FDI capital by sector (a separate data set: one more dimension).
            for skey, _vi, _en in rng.sample(SECTORS, 2):
                o = iri(f"{ID}obs/{code}/{pkey}/sector-{skey}")
                value = f"{rng.uniform(1e5, 1e9):.2f}"
                for t in (
                    (o, A, obs_type),
                    (o, iri(QB + "dataSet"), iri(f"{ID}dataset/sectors")),
                    (o, iri(fdi_("refArea")), area),
                    (o, iri(fdi_("refPeriod")), p),
                    (o, iri(fdi_("sector")), iri(f"{ID}concept/{skey}")),
                    (o, iri(QB + "measureType"), iri(fdi_("fdiCapitalAttracted"))),
                    (o, iri(fdi_("fdiCapitalAttracted")), lit(value, dtype=dec)),
                    (o, iri(SDMX_ATTR + "unitMeasure"), iri(UNIT + "CCY_USD")),
                ):
                    count += 1
                    yield t
            if count >= target:
                break
        # Rankings of all 63 provinces for each indicator, nationally.
        if count < target:
            for ikey, _vi, _en in INDICATORS:
                order = list(range(1, len(PROVINCES) + 1))
                rng.shuffle(order)
                for (code, _name, _region), rank in zip(PROVINCES, order, strict=True):
                    r = iri(f"{ID}ranking/{code}/{pkey}/{ikey}")
                    for t in (
                        (r, A, obs_type),
                        (r, iri(QB + "dataSet"), iri(f"{ID}dataset/rankings")),
                        (r, iri(fdi_("refArea")), iri(f"{ID}area/{code}")),
                        (r, iri(fdi_("refPeriod")), p),
                        (r, iri(fdi_("rankedIndicator")), iri(f"{ID}concept/{ikey}")),
                        (r, iri(fdi_("rankingScope")), iri(f"{ID}area/VN")),
                        (r, iri(fdi_("rank")), lit(str(rank), dtype=integer)),
                        (r, iri(fdi_("rankOutOf")), lit(str(len(PROVINCES)), dtype=integer)),
                    ):
                        count += 1
                        yield t
        if count >= target:
            return


def fdi_(local: str) -> str:
    return FDI + local


def write(target: int, out: Path, seed: int = 20240801) -> int:
    """Write the data to ``out`` (N-Triples, or N-Quads for .nq); return the line count."""
    out.parent.mkdir(parents=True, exist_ok=True)
    suffix = f" <{GRAPH}> .\n" if out.suffix == ".nq" else " .\n"
    n = 0
    tmp = out.with_name(out.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for s, p, o in generate(target, seed):
            fh.write(f"{s} {p} {o}{suffix}")
            n += 1
    tmp.replace(out)
    return n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000, help="about how many triples")
    parser.add_argument("--seed", type=int, default=20240801)
    parser.add_argument("--out", type=Path, required=True, help="file (.nt or .nq) to write")
    args = parser.parse_args(argv)
    n = write(args.triples, args.out, args.seed)
    print(f"{args.out}: {n} triples", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
