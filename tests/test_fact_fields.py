"""The fact-file fields of issue 11: each mistake is refused at its file and line.

Each case writes one observation into a copy of the mini data set, whose article gains a
paragraph with the phrases used here, and loads it; a good observation must load, a bad
one must fail naming the line of the offending key.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from fdigraph import facts as F
from fdigraph.errors import FactError
from fdigraph.sources import load_all

MINI = Path(__file__).resolve().parent / "data" / "mini"
PARAGRAPH = (
    "Riêng trong tháng 2, vốn FDI giảm 4,2% so với cùng kỳ. Số dự án cấp mới tăng 79 dự án, "
    "vốn FDI gấp 5,4 lần cùng kỳ và gấp đôi bình quân cả nước. Nhật Bản chiếm 37,5% tổng vốn, "
    "bằng 10% tổng vốn FDI của cả nước. Tỉnh có 20-25 dự án mới. "
    "Công nghiệp chế biến, chế tạo thu hút 1,2 tỷ USD. Vốn trong nước giảm 71.337 tỷ đồng.\n"
)
SECTOR = """  - id: sector-processing
    scheme: sectors
    label: {vi: "Công nghiệp chế biến, chế tạo", en: "Processing and manufacturing"}
    quotes: ["Công nghiệp chế biến, chế tạo"]
"""


def load(tmp_path: Path, observation: str, *, published: bool = True) -> F.FactSet:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    article = root / "articles" / "mini.txt"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("\n\nPhóng Viên", "\n" + PARAGRAPH + "\nPhóng Viên"), "utf-8")
    facts = root / "facts" / "mini.yaml"
    doc = facts.read_text(encoding="utf-8")
    if not published:
        doc = doc.replace("  published: 2024-09-20\n", "")
    doc = doc.replace("concepts:\n", "concepts:\n" + SECTOR, 1)
    doc = doc.replace("observations:\n", "observations:\n" + observation, 1)
    facts.write_text(doc, encoding="utf-8")
    _, (fs,) = load_all(root)
    return fs


def obs(**fields: str) -> str:
    """One observation in YAML, `case` first so its keys have known lines (2, 3, ...)."""
    lines = [f"  - id: {fields.pop('id', 'case')}"]
    lines += [f"    {k}: {v}" for k, v in fields.items()]
    return "\n".join(lines) + "\n"


FALL = dict(
    area="VN-54", period="2024-02", base="2023-02", quotes='["vốn FDI giảm 4,2% so với cùng kỳ"]'
)
GROWTH = dict(
    FALL, measure="fdiRegisteredCapital", comparison="growth", figure='"4,2%"', unit="PERCENT"
)


def line_in_file(observation: str, key: str) -> int:
    """The line of ``key`` in the fact file once the observation is inserted (of the
    observation itself when the key is missing)."""
    doc = (MINI / "facts" / "mini.yaml").read_text(encoding="utf-8")
    doc = doc.replace("concepts:\n", "concepts:\n" + SECTOR, 1)
    before = doc[: doc.index("observations:\n") + len("observations:\n")].count("\n")
    lines = enumerate(observation.splitlines())
    offset = next((i for i, line in lines if f" {key}:" in line), 0)
    return before + offset + 1


def test_a_signed_growth_for_one_month_loads(tmp_path: Path) -> None:
    fs = load(tmp_path, obs(**GROWTH, value="-4.2"))
    o = next(o for o in fs.observations if o.id == "case")
    assert (o.comparison, o.value, o.period and o.period.iso) == (
        "growth",
        Decimal("-4.2"),
        "2024-02",
    )
    assert o.base is not None and o.base.iso == "2023-02"


def test_a_decrease_without_a_value_is_negative(tmp_path: Path) -> None:
    fs = load(tmp_path, obs(**GROWTH))
    assert next(o.value for o in fs.observations if o.id == "case") == Decimal("-4.2")


def test_change_in_dong_is_signed(tmp_path: Path) -> None:
    fs = load(
        tmp_path,
        obs(area="VN-54", measure="ddiRegisteredCapital", comparison="change", period="2024",
            figure='"71.337 tỷ đồng"', value="-71337000000000", unit="VND",
            quotes='["Vốn trong nước giảm 71.337 tỷ đồng"]'),
    )  # fmt: skip
    assert next(o.value for o in fs.observations if o.id == "case") == Decimal("-71337000000000")


def test_range_share_multiplier_and_sector_load(tmp_path: Path) -> None:
    text = (
        obs(id="range", area="VN-54", measure="fdiNewProjectCount", period="2024",
            figure='"20-25 dự án"', value="20", value_max="25", qualifier="between", unit="NUM",
            quotes='["Tỉnh có 20-25 dự án mới"]')
        + obs(id="share", area="VN-54", measure="fdiRegisteredCapital", comparison="share",
              counterpart="JP", period="2024", figure='"37,5%"', unit="PERCENT",
              quotes='["Nhật Bản chiếm 37,5% tổng vốn"]')
        + obs(id="share-vn", area="VN-54", measure="fdiRegisteredCapital", comparison="share",
              share_of="VN", period="2024", figure='"10%"', unit="PERCENT",
              quotes='["bằng 10% tổng vốn FDI của cả nước"]')
        + obs(id="double", area="VN-54", measure="fdiRegisteredCapital", comparison="multiplier",
              base_area="VN", period="2024", figure='"gấp đôi"', value="2", unit="NUM",
              quotes='["gấp đôi bình quân cả nước"]')
        + obs(id="sector", area="VN-54", measure="fdiRegisteredCapital", sector="sector-processing",
              period="2024", figure='"1,2 tỷ USD"', unit="USD",
              quotes='["Công nghiệp chế biến, chế tạo thu hút 1,2 tỷ USD"]')
    )  # fmt: skip
    found = {o.id: o for o in load(tmp_path, text).observations}
    assert found["range"].value_max == 25 and found["range"].qualifier == "between"
    assert found["share"].counterpart == "JP" and found["share-vn"].share_of == "VN"
    assert found["double"].value == 2 and found["double"].base_area == "VN"
    assert found["sector"].sector == "sector-processing"


def test_published_period_loads_and_is_marked(tmp_path: Path) -> None:
    fs = load(tmp_path, "")
    o = next(o for o in fs.observations if o.id == "bg-valid-projects")
    assert (o.stock, o.period_basis, o.period_inferred) == (True, "published", True)
    assert fs.article.published is not None and fs.article.published.isoformat() == "2024-09-20"


CASES = [
    # (what, observation fields, key whose line is reported, words of the message)
    ("unknown comparison", dict(GROWTH, comparison="ratio"), "comparison", "comparison 'ratio' is not one of"),
    ("growth not in percent", dict(GROWTH, unit="NUM"), "unit", "a growth is in PERCENT"),
    ("level in the wrong unit",
     dict(area="VN-54", measure="fdiNewProjectCount", period="2024", figure='"79 dự án"', unit="USD",
          quotes='["tăng 79 dự án"]'), "unit", "fdiNewProjectCount is in NUM"),
    ("multiplier not a number",
     dict(area="VN-54", measure="fdiRegisteredCapital", comparison="multiplier", period="2024",
          figure='"5,4 lần"', unit="PERCENT", quotes='["gấp 5,4 lần cùng kỳ"]'), "unit", "a multiplier is in NUM"),
    ("wrong sign", dict(GROWTH, value="4.2"), "value", "wrong sign"),
    ("negative level",
     dict(GROWTH, comparison="level", measure="industrialProductionIndexGrowth", value="-4.2", base=None),
     "value", "disagrees with figure"),
    ("value not the figure", dict(GROWTH, value="-4.3"), "value", "disagrees with figure"),
    ("base on a level", dict(GROWTH, comparison="level", measure="grdpGrowth"), "base", "base is for change"),
    ("base after the period", dict(GROWTH, base="2024-03"), "base", "must begin before"),
    ("base area on a share", dict(GROWTH, comparison="share", base=None, base_area="VN"), "base_area", "base_area is for"),
    ("share_of on a growth", dict(GROWTH, share_of="VN"), "share_of", "share_of is for comparison share"),
    ("unknown base area", dict(GROWTH, base_area="VN-99"), "base_area", "unknown base area 'VN-99'"),
    ("stock over a month", dict(GROWTH, comparison="level", measure="grdpGrowth", base=None, stock="true"),
     "period", "a stock is a position as of a day"),
    ("stock not a flag", dict(GROWTH, stock="sometimes"), "stock", "stock must be true or false"),
    ("unknown period basis", dict(GROWTH, period_inferred="guess"), "period_inferred", "not one of: true"),
    ("published period not ending on the date", dict(GROWTH, period_inferred="published"), "period",
     "ends on it (2024-09-20)"),
    ("range without between",
     dict(area="VN-54", measure="fdiNewProjectCount", period="2024", figure='"20-25 dự án"', unit="NUM",
          quotes='["Tỉnh có 20-25 dự án mới"]'), "qualifier", "is a range: give qualifier between"),
    ("between without value_max",
     dict(area="VN-54", measure="fdiNewProjectCount", period="2024", figure='"20-25 dự án"', unit="NUM",
          qualifier="between", quotes='["Tỉnh có 20-25 dự án mới"]'), "qualifier", "go together"),
    ("value_max not the figure's",
     dict(area="VN-54", measure="fdiNewProjectCount", period="2024", figure='"20-25 dự án"', unit="NUM",
          qualifier="between", value_max="26", quotes='["Tỉnh có 20-25 dự án mới"]'), "value_max",
     "disagrees with figure"),
    ("sector that is no sector", dict(GROWTH, sector="indicator-fdi"), "sector", "not a concept of scheme 'sectors'"),
    ("deprecated measure with a comparison", dict(GROWTH, measure="fdiCapitalAttracted"), "measure", "deprecated"),
]  # fmt: skip


@pytest.mark.parametrize(("what", "fields", "key", "message"), CASES, ids=[c[0] for c in CASES])
def test_mistake_is_located(
    tmp_path: Path, what: str, fields: dict[str, str | None], key: str, message: str
) -> None:
    text = obs(**{k: v for k, v in fields.items() if v is not None})
    with pytest.raises(FactError) as info:
        load(tmp_path, text)
    err = info.value
    assert message in err.message, err.message
    assert err.where is not None and err.where.file.endswith("mini.yaml")
    assert err.where.line == line_in_file(text, key)


def test_published_period_needs_a_publication_date(tmp_path: Path) -> None:
    with pytest.raises(FactError, match="needs `published:` on the source") as info:
        load(tmp_path, "", published=False)
    assert info.value.where is not None and info.value.where.line is not None


def test_published_must_be_a_date(tmp_path: Path) -> None:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    facts = root / "facts" / "mini.yaml"
    doc = facts.read_text(encoding="utf-8").replace("published: 2024-09-20", "published: 20/9/2024")
    facts.write_text(doc, encoding="utf-8")
    with pytest.raises(FactError, match="published must be a date") as info:
        load_all(root)
    assert (
        info.value.where is not None
        and info.value.where.line == doc[: doc.index("published:")].count("\n") + 1
    )


def test_same_growth_against_two_bases_are_two_facts_but_one_base_twice_is_refused(
    tmp_path: Path,
) -> None:
    two = obs(**GROWTH) + obs(**dict(GROWTH, id="case-2", base="2022-02"))
    assert len([o for o in load(tmp_path / "a", two).observations if o.id.startswith("case")]) == 2
    with pytest.raises(FactError, match="states the same fact as case"):
        load(tmp_path / "b", obs(**GROWTH) + obs(**dict(GROWTH, id="case-2")))


def test_curated_facts_use_no_deprecated_measure() -> None:
    root = Path(__file__).resolve().parents[1] / "data"
    _, fact_sets = load_all(root)
    used = {o.measure for fs in fact_sets for o in fs.observations}
    assert not used & set(F.DEPRECATED), "data/facts use the measures of the current model"


def write_second_file(root: Path, concept: str, statement: str) -> None:
    """A second article and fact file in ``root`` that defines ``concept``."""
    text = "Bắc Ninh hút vốn\n\nTỉnh ưu tiên CHIP BÁN DẪN và chip bán dẫn.\n\nPV\n"
    (root / "articles" / "second.txt").write_text(text, encoding="utf-8")
    (root / "facts" / "second.yaml").write_text(
        "source: {id: second, text: second.txt, title: Bắc Ninh hút vốn, language: vi,"
        " body_end: PV}\n"
        f"concepts:\n{concept}statements:\n{statement}",
        encoding="utf-8",
    )


def test_drafted_concept_differing_in_case_reuses_the_existing_one(tmp_path: Path) -> None:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    write_second_file(
        root,
        '  - {id: sector-chips, scheme: sectors, label: {vi: "chip bán dẫn", en: "semiconductor'
        ' chips"}, quotes: ["CHIP BÁN DẪN"]}\n'
        '  - {id: sector-chip-ban-dan, scheme: sectors, label: {vi: "CHIP BÁN DẪN", en: "Chips"},'
        ' quotes: ["chip bán dẫn"]}\n',
        "  - {id: bn-chips, area: VN-56, relation: prioritisesSector, object: sector-chip-ban-dan,"
        ' quotes: ["Tỉnh ưu tiên CHIP BÁN DẪN"]}\n',
    )
    _, (first, second) = load_all(root)
    assert [c.label for c in second.concepts] == [first.concepts[0].label]
    assert [c.id for c in second.concepts] == ["sector-chips"]
    assert len(second.concepts[0].quotes) == 2
    assert second.statements[0].object == "sector-chips"


def test_same_concept_id_with_another_label_is_located(tmp_path: Path) -> None:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    write_second_file(
        root,
        '  - {id: sector-chips, scheme: sectors, label: {vi: "Linh kiện", en: "Parts"},'
        ' quotes: ["chip bán dẫn"]}\n',
        "  - {id: bn-chips, area: VN-56, relation: prioritisesSector, object: sector-chips,"
        ' quotes: ["Tỉnh ưu tiên CHIP BÁN DẪN"]}\n',
    )
    with pytest.raises(FactError, match="differs from the one an earlier fact file") as info:
        load_all(root)
    assert info.value.where is not None and info.value.where.file.endswith("second.yaml")
    assert info.value.where.line == 3
