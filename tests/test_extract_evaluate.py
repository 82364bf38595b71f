"""The scorer of ``fdigraph extract --evaluate``: strict and lenient matching, one to one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from fdigraph.cli import main
from fdigraph.extract.evaluate import Fact, curated_facts, match

ROW: dict[str, Any] = {
    "area": "VN-HP",
    "measure": "fdiNewCapital",
    "value": 1600000000,
    "unit": "USD",
    "period": "2024-01/2024-08",
}


def _facts(*rows: dict[str, Any]) -> list[Fact]:
    return curated_facts({"observations": list(rows)})


def test_identical_facts_match_strictly() -> None:
    result = match(_facts(ROW), _facts(dict(ROW)))
    assert (result.strict.hits, result.lenient.hits) == (1, 1)
    assert result.strict.precision == result.strict.recall == 1.0
    assert not result.disagreements


def test_defaults_equal_their_explicit_values() -> None:
    explicit = ROW | {"comparison": "level", "qualifier": "exact", "status": None}
    assert match(_facts(ROW), _facts(explicit)).strict.hits == 1


def test_periods_and_values_are_compared_normalised() -> None:
    written = ROW | {"value": "1600000000.0", "period": "2024-01/2024-08"}
    assert match(_facts(ROW | {"value": 1.6e9}), _facts(written)).strict.hits == 1


def test_each_strict_field_counts_as_a_disagreement() -> None:
    changes = {
        "measure": "fdiRegisteredCapital",
        "comparison": "change",
        "qualifier": "more-than",
        "status": "estimate",
        "counterpart": "JP",
        "base": "2023-01/2023-08",
    }
    for name, other in changes.items():
        result = match(_facts(ROW | {name: other}), _facts(ROW))
        assert (result.lenient.hits, result.strict.hits) == (1, 0), name
        assert result.disagreements == {name: 1}, name
        assert f"{name} {other} (curated" in result.report()


def test_a_lenient_field_wrong_is_no_match_at_all() -> None:
    for name, other in {"area": "VN", "value": 16, "unit": "VND", "period": "2024"}.items():
        result = match(_facts(ROW | {name: other}), _facts(ROW))
        assert (result.lenient.hits, result.strict.hits) == (0, 0), name
        assert len(result.missed) == len(result.spurious) == 1


def test_matching_is_one_to_one() -> None:
    result = match(_facts(ROW, ROW), _facts(ROW))
    assert result.strict.hits == 1
    assert result.strict.precision == 0.5 and result.strict.recall == 1.0
    assert len(result.spurious) == 1


def test_lenient_pairs_take_the_closest_curated_fact() -> None:
    drafted = _facts(
        ROW | {"status": "estimate", "counterpart": "JP"},
        ROW | {"measure": "fdiAdjustedCapital", "qualifier": "more-than"},
    )
    curated = _facts(ROW | {"status": "estimate"}, ROW | {"measure": "fdiAdjustedCapital"})
    result = match(drafted, curated)
    assert result.strict.hits == 0 and result.lenient.hits == 2
    assert result.disagreements == {"counterpart": 1, "qualifier": 1}


def test_a_strict_pair_is_never_broken_for_a_lenient_one() -> None:
    other = ROW | {"measure": "fdiRegisteredCapital"}
    result = match(_facts(other, ROW), _facts(ROW, other))
    assert result.strict.hits == 2 and not result.lenient_pairs


def test_rankings_match_on_area_scope_rank_comparator_period() -> None:
    rank = {"area": "VN-HP", "scope": "VN", "rank": 2, "period": "2024", "indicator": "x"}
    doc = {"rankings": [rank]}
    same = curated_facts({"rankings": [rank | {"indicator": "y", "comparator": "equal"}]})
    assert match(same, curated_facts(doc)).strict.hits == 1
    other = curated_facts({"rankings": [rank | {"comparator": "at-most"}]})
    result = match(other, curated_facts(doc))
    assert result.strict.hits == 0 and result.lenient.hits == 0


def test_empty_sides_score_one() -> None:
    result = match([], [])
    assert result.strict.precision == result.strict.recall == 1.0


def _article(folder: Path, name: str, text: str, observations: list[dict[str, Any]]) -> None:
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    doc = {"observations": observations}
    (folder / f"{name}.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")


def test_evaluate_dir_prints_a_row_per_article_and_pools_them(tmp_path: Path) -> None:
    text = "Hải Phòng thu hút FDI\n\nNăm 2023, Hải Phòng thu hút 3 tỷ USD vốn FDI.\n"
    found = {"area": "VN-HP", "value": 3000000000, "unit": "USD", "period": "2023"}
    _article(tmp_path, "a", text, [found])
    _article(tmp_path, "b", text, [found | {"value": 1}])
    (tmp_path / "unlabelled.txt").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", "--evaluate-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    rows: dict[str, list[str]] = {}
    for line in filter(None, result.output.splitlines()):
        rows.setdefault(line.split()[0], line.split())
    assert rows["a"][1:5] == ["1", "1", "1.000", "1.000"]
    assert rows["b"][3:5] == ["0.000", "0.000"]
    assert rows["pooled"][1:5] == ["2", "2", "0.500", "0.500"]
    assert "unlabelled" not in rows
    assert "pooled lenient precision 0.500 (1/2)" in result.output


def test_evaluate_dir_refuses_bad_labels_and_an_article_argument(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Năm 2023.\n", encoding="utf-8")
    (tmp_path / "a.yaml").write_text("observations: [{area: VN}]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", "--evaluate-dir", str(tmp_path)])
    assert result.exit_code == 1 and "cannot read curated facts" in result.output
    both = ["extract", str(tmp_path / "a.txt"), "--evaluate-dir", str(tmp_path)]
    assert CliRunner().invoke(main, both).exit_code == 2
    assert CliRunner().invoke(main, ["extract"]).exit_code == 2
