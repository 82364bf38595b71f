"""``fdigraph extract``: drafts of whole articles, scored against curated facts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from fdigraph.cli import main
from fdigraph.extract import Draft, extract
from fdigraph.extract.evaluate import evaluate

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "data" / "articles" / "bac-giang-fdi-2024.txt"
CURATED = ROOT / "data" / "facts" / "bac-giang-fdi-2024.yaml"
OWN = ROOT / "tests" / "data" / "extract"


def _draft(path: Path) -> Draft:
    return extract(path.read_text(encoding="utf-8"), source_id=path.stem)


def _curated(path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return doc


@pytest.fixture(scope="module")
def article_draft() -> Draft:
    return _draft(ARTICLE)


def test_article_meets_the_targets(article_draft: Draft) -> None:
    result = evaluate(article_draft, _curated(CURATED))
    assert result.recall >= 0.9, result.report()
    assert result.precision >= 0.85, result.report()


# The articles the rules were tuned on. The issue-11 dev set beside them (first runs in
# tests/data/extract/FIRST-RUN.md) joins this list article by article as the reader is tuned.
TUNED = ("bac-ninh-2025", "bac-ninh-fdi-2023", "dong-nai-fdi-2024", "nghe-an-fdi-2023")


def test_every_own_article_is_labelled() -> None:
    assert set(TUNED) <= {p.stem for p in OWN.glob("*.txt")}
    for text in OWN.glob("*.txt"):
        assert text.with_suffix(".yaml").is_file(), text.name


@pytest.mark.parametrize("name", TUNED)
def test_own_articles_meet_the_targets(name: str) -> None:
    result = evaluate(_draft(OWN / f"{name}.txt"), _curated(OWN / f"{name}.yaml"))
    assert result.recall >= 0.9, result.report()
    assert result.precision >= 0.85, result.report()


def test_quotes_are_exact_and_located(article_draft: Draft) -> None:
    text = ARTICLE.read_text(encoding="utf-8")
    for fact in (*article_draft.observations, *article_draft.rankings):
        assert 0 < fact.confidence <= 1
        for quote in fact.quotes:
            assert text[quote.start : quote.end] == quote.text
        if hasattr(fact, "figure"):
            assert any(fact.figure in q.text for q in fact.quotes)


def test_teasers_are_sources_of_their_own_facts(article_draft: Draft) -> None:
    by_value = {str(o.value): o for o in article_draft.observations}
    assert by_value["1600000000"].source is None
    assert by_value["54341000000000"].source is not None
    assert by_value["54341000000000"].status == "estimate"
    assert by_value["19000000"].status == "target"
    headlines = [t.headline for t in article_draft.teasers]
    assert "Nhật Bản - nhà đầu tư nước ngoài lớn thứ 2 tại Bình Dương" in headlines
    assert len(headlines) == len(_curated(CURATED)["teasers"])


def test_national_figures_belong_to_vietnam(article_draft: Draft) -> None:
    areas = {(o.value, o.measure): o.area for o in article_draft.observations}
    assert areas[(68, "trainedLabourRate")] == "VN"
    assert areas[(76, "trainedLabourRate")] == "VN-54"
    assert areas[(27, "certifiedLabourRate")] == "VN"


def _area_option(article: Path) -> list[str]:
    """``--area CODE`` for an article that never names its province (its labels' one area),
    as its curator runs it; nothing for any other article."""
    from fdigraph.extract.places import UNKNOWN_PROVINCE

    labels = article.with_suffix(".yaml")
    if not labels.is_file():
        return []
    draft = _draft(article)
    if all(o.area != UNKNOWN_PROVINCE for o in draft.observations):
        return []
    return ["--area", _curated(labels)["source"]["about"][0]]


def test_an_article_naming_no_province_is_scored_with_its_labelled_area() -> None:
    from fdigraph.extract.evaluate import draft_as_curated

    text = "Tỉnh thu hút 12 dự án FDI\n\nNăm 2024, toàn tỉnh cấp mới 12 dự án FDI.\n"
    plain = extract(text, source_id="x")
    assert {o.area for o in plain.observations} == {"VN-??"}
    drafted = draft_as_curated(text, "x", {"source": {"about": ["VN-37"]}})
    assert {o.area for o in drafted.observations} == {"VN-37"}
    named = "Tây Ninh thu hút 12 dự án FDI\n\nNăm 2024, Tây Ninh cấp mới 12 dự án FDI.\n"
    assert draft_as_curated(named, "x", {"source": {"about": ["VN-44"]}}) == extract(
        named, source_id="x"
    )


@pytest.mark.parametrize("article", [ARTICLE, *sorted(OWN.glob("*.txt"))], ids=lambda p: p.stem)
def test_a_draft_loads_as_a_fact_file(tmp_path: Path, article: Path) -> None:
    from fdigraph.sources import load_facts, load_reference

    (tmp_path / "articles").mkdir()
    (tmp_path / "facts").mkdir()
    (tmp_path / "reference").symlink_to(ROOT / "data" / "reference")
    (tmp_path / "articles" / article.name).write_text(
        article.read_text(encoding="utf-8"), encoding="utf-8"
    )
    out = tmp_path / "facts" / f"{article.stem}.yaml"
    args = ["extract", str(article), "--output", str(out), *_area_option(article)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    drafted = yaml.safe_load(out.read_text(encoding="utf-8"))
    facts = load_facts(out, tmp_path, load_reference(tmp_path))
    assert len(facts.observations) == len(drafted["observations"]) > 0
    assert len(facts.rankings) == len(drafted.get("rankings") or [])


def test_cli_prints_precision_recall_and_lists_misses(tmp_path: Path) -> None:
    curated = _curated(CURATED)
    curated["observations"].append({"area": "VN-54", "value": 1, "unit": "USD", "period": "2023"})
    gold = tmp_path / "gold.yaml"
    gold.write_text(yaml.safe_dump(curated, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(ARTICLE), "--evaluate", str(gold)])
    assert result.exit_code == 0, result.output
    assert "precision 1.000" in result.output
    assert "missed: 1\n  observation VN-54 1 USD 2023" in result.output


def test_cli_refuses_unreadable_curated_facts(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("observations: [{area: VN}]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(ARTICLE), "--evaluate", str(bad)])
    assert result.exit_code == 1 and "cannot read curated facts" in result.output


def test_cli_writes_yaml_to_stdout() -> None:
    result = CliRunner().invoke(main, ["extract", str(ARTICLE), "--source-id", "x"])
    assert result.exit_code == 0
    doc = yaml.safe_load(result.output)
    assert doc["source"]["id"] == "x" and doc["source"]["author"] == "Đặng Hiền"
    assert {"confidence", "start", "end"} <= set(doc["observations"][0])


def test_a_drafted_concept_reuses_a_known_one(article_draft: Draft) -> None:
    from fdigraph.extract.writer import known_concepts, to_yaml

    text = ARTICLE.read_text(encoding="utf-8")
    known = known_concepts(ROOT / "data")
    doc = yaml.safe_load(to_yaml(article_draft, text, known))
    for concept in doc["concepts"]:
        assert concept["label"] == known[concept["id"]]["label"]
    # Only the case differs: the draft takes the known concept, under its own id.
    renamed = {
        "indicator-attraction": {
            "id": "indicator-attraction",
            "scheme": "indicators",
            "label": {"vi": "THU HÚT VỐN FDI", "en": "FDI"},
        }
    }
    doc = yaml.safe_load(to_yaml(article_draft, text, renamed))
    ids = {c["id"] for c in doc["concepts"]}
    assert "indicator-attraction" in ids and "indicator-fdi-attraction" not in ids
    assert "indicator-fdi-attraction" not in {r["indicator"] for r in doc["rankings"]}
