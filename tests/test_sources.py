"""Bad input gets an error naming the file, the line and what is wrong; nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.conftest import values_for

from fdigraph.build import build
from fdigraph.cli import main
from fdigraph.errors import FactError

FACTS = Path("data/facts/bac-giang-fdi-2024.yaml")


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def break_file(project: Path, old: str, new: str) -> int:
    """Replace ``old`` once in the fact file; return the number of the first line changed."""
    path = project / FACTS
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    first = line_of(text, old)
    pairs = zip(old.splitlines(), new.splitlines(), strict=False)
    changed = next((i for i, (a, b) in enumerate(pairs) if a != b), len(old.splitlines()))
    return first + changed


CASES = [
    # (what is broken, old text, new text, expected words in the message)
    (
        "unknown province",
        "  - id: bg-industrial-land-cleared-2023\n    area: VN-54",
        "  - id: bg-industrial-land-cleared-2023\n    area: VN-99",
        "unknown area 'VN-99'",
    ),
    (
        "unknown unit",
        '    figure: "365ha"\n    value: 365\n    unit: HA',
        '    figure: "365ha"\n    value: 365\n    unit: ACRE',
        "unit 'ACRE' is not one of",
    ),
    (
        "period that does not parse",
        '  - id: bg-trained-labour-2023\n    area: VN-54\n    measure: trainedLabourRate\n    period: "2023"',
        '  - id: bg-trained-labour-2023\n    area: VN-54\n    measure: trainedLabourRate\n    period: "2023-13"',
        "not an ISO 8601 period",
    ),
    (
        "quote not in the article",
        'quotes: ["riêng năm 2023 đã giải phóng 365ha mặt bằng sạch đất công nghiệp"]',
        'quotes: ["riêng năm 2023 đã giải phóng 366ha mặt bằng sạch đất công nghiệp"]',
        "quote not found verbatim",
    ),
    (
        "figure disagreeing with its value",
        '    figure: "365ha"\n    value: 365\n',
        '    figure: "365ha"\n    value: 356\n',
        "disagrees with figure",
    ),
    (
        "teaser fact quoted from the main article",
        '    source: thanh-hoa-thu-ngan-sach\n    quotes: ["Thu ngân sách năm 2024',
        '    quotes: ["Thu ngân sách năm 2024',
        "not found verbatim in the main article",
    ),
    ("unknown key", "    qualifier: nearly\n", "    qualifer: nearly\n", "unknown key 'qualifer'"),
]


@pytest.mark.parametrize(("what", "old", "new", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_fact_is_located(project: Path, what: str, old: str, new: str, message: str) -> None:
    line = break_file(project, old, new)
    with pytest.raises(FactError) as info:
        build(values_for(project))
    err = info.value
    assert message in err.message
    assert err.where is not None and err.where.file.endswith("bac-giang-fdi-2024.yaml")
    assert err.where.line == line
    assert not (project / "dist").exists(), "nothing may be written"


def test_duplicate_fact_is_refused(project: Path) -> None:
    text = (project / FACTS).read_text(encoding="utf-8")
    dup = """  - id: bg-fdi-2024-8m-again
    area: VN-54
    measure: fdiRegisteredCapital
    period: 2024-01/2024-08
    figure: "1,6 tỷ USD"
    unit: USD
    quotes: ["8 tháng đầu năm 2024, con số này là 1,6 tỷ USD."]
"""
    (project / FACTS).write_text(
        text.replace("observations:\n", "observations:\n" + dup, 1), encoding="utf-8"
    )
    with pytest.raises(FactError, match="a fact stated twice is one fact"):
        build(values_for(project))


def test_duplicate_yaml_key_is_refused(project: Path) -> None:
    line = break_file(project, "    value: 365\n", "    value: 365\n    value: 365\n")
    with pytest.raises(FactError, match="appears twice") as info:
        build(values_for(project))
    assert info.value.where is not None and info.value.where.line == line


def test_malformed_yaml_names_line_and_column(project: Path) -> None:
    line = break_file(
        project, '    unit: HA\n    quotes: ["riêng', '    unit: HA\n   quotes: ["riêng'
    )
    with pytest.raises(FactError, match="not valid YAML") as info:
        build(values_for(project))
    assert info.value.where is not None and info.value.where.line is not None
    assert info.value.where.line == line and info.value.where.column is not None


def test_cli_reports_the_error_and_exits_non_zero(
    project: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    break_file(
        project, '    unit: HA\n    quotes: ["riêng', '    unit: HECTARE\n    quotes: ["riêng'
    )
    for key, sub in (("DATA_DIR", "data"), ("ONTOLOGY_DIR", "ontology"), ("DIST_DIR", "dist")):
        monkeypatch.setenv(f"FDIGRAPH_{key}", str(project / sub))
    result = runner.invoke(main, ["build"])
    assert result.exit_code == 1
    assert "bac-giang-fdi-2024.yaml:" in result.output and "HECTARE" in result.output
    assert not (project / "dist").exists()


def test_a_fact_may_name_a_concept_an_earlier_file_defines(project: Path) -> None:
    """The Hải Dương file ranks investors by the seed file's indicator-investor-capital."""
    import pyoxigraph as ox

    from fdigraph.store import open_read_only

    labelled = Path(__file__).parent / "data" / "extract"
    for suffix, folder in ((".txt", "articles"), (".yaml", "facts")):
        name = "hai-duong-fdi-2024-11m" + suffix
        (project / "data" / folder / name).write_bytes((labelled / name).read_bytes())
    result = build(values_for(project))
    store = open_read_only(result.store_path, in_memory=True)
    ask = """PREFIX fdi: <https://fdigraph.example/def/fdi#>
    ASK { ?r fdi:refArea <https://fdigraph.example/id/area/CN> ;
             fdi:rankingScope <https://fdigraph.example/id/area/VN-61> ;
             fdi:rankedIndicator <https://fdigraph.example/id/concept/indicator-investor-capital> }"""
    answer = store.query(ask, use_default_graph_as_union=True)
    assert isinstance(answer, ox.QueryBoolean) and bool(answer)


def test_a_concept_no_file_defines_is_still_refused(project: Path) -> None:
    break_file(project, "indicator: indicator-dti", "indicator: indicator-nowhere")
    with pytest.raises(FactError, match="'indicator-nowhere' is not a concept of scheme"):
        build(values_for(project))


def test_a_figure_may_take_its_unit_from_a_heading_it_quotes(project: Path) -> None:
    # the seed's "1,6 tỷ USD" read as a row "1,6" under a heading writing "tỷ USD"
    text = (project / FACTS).read_text(encoding="utf-8")
    (project / FACTS).write_text(
        text.replace('figure: "1,6 tỷ USD"', 'figure: "1,6"\n    unit_written: "tỷ USD"', 1),
        encoding="utf-8",
    )
    result = build(values_for(project))
    assert result.info.triples > 0


def test_a_heading_unit_must_be_quoted(project: Path) -> None:
    line = break_file(
        project, 'figure: "1,6 tỷ USD"', 'figure: "1,6"\n    unit_written: "triệu ha"'
    )
    with pytest.raises(
        FactError, match="unit_written 'triệu ha' occurs in none of its quotes"
    ) as e:
        build(values_for(project))
    assert f":{line + 1}:" in str(e.value)
