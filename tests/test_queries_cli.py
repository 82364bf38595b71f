"""``fdigraph queries`` and ``fdigraph query`` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from fdigraph.build import BuildResult
from fdigraph.cli import main


def test_queries_lists_names_and_parameters(runner: CliRunner) -> None:
    result = runner.invoke(main, ["queries"])
    assert result.exit_code == 0, result.output
    assert "labour-vs-nation  [SELECT]  A province's workforce against Vietnam's" in result.output
    assert "--param year=…  a year as YYYY (optional) = 2023" in result.output
    vi = runner.invoke(main, ["queries", "--lang", "vi"])
    assert "Lực lượng lao động của tỉnh so với cả nước" in vi.output


def test_query_prints_json_when_piped_and_other_formats_when_asked(
    runner: CliRunner, built: BuildResult
) -> None:
    store = str(built.store_path)
    result = runner.invoke(main, ["query", "labour-vs-nation", "--store", store])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["results"]["bindings"]
    assert [(r["province"]["value"], r["vietnam"]["value"]) for r in rows] == [
        ("76", "68"),
        ("33", "27"),
    ]
    table = runner.invoke(
        main, ["query", "labour-vs-nation", "--store", store, "-f", "table", "-p", "lang=vi"]
    )
    assert "tỉ lệ lao động qua đào tạo" in table.output and "(2 rows)" in table.output
    csv = runner.invoke(main, ["query", "sectors", "--store", store, "-f", "csv",
                               "-p", "relation=welcomesSector", "-p", "relation=supportsSector"])  # fmt: skip
    assert csv.output.count("\n") == 3
    graph = runner.invoke(main, ["query", "area-profile", "--store", store, "-p", "area=VN-57"])
    assert graph.output.startswith("@prefix") and "fdi:fdiValidProjectCount 357" in graph.output


def test_query_runs_a_file(runner: CliRunner, built: BuildResult, tmp_path: Path) -> None:
    file = tmp_path / "count.rq"
    file.write_text(
        "#+ params: {kind: {type: iri, namespace: 'https://fdigraph.example/def/fdi#', default: Observation}}\n"
        "SELECT (COUNT(?o) AS ?n) WHERE { ?o a ?kind }\n",
        encoding="utf-8",
    )
    args = ["query", str(file), "--store", str(built.store_path), "-f", "tsv"]
    assert (
        runner.invoke(main, args).output == '?n\n"18"^^<http://www.w3.org/2001/XMLSchema#integer>\n'
    )
    ranking = runner.invoke(main, [*args, "-p", "kind=RankingObservation"])
    assert ranking.output.endswith('"10"^^<http://www.w3.org/2001/XMLSchema#integer>\n')


def test_user_mistakes_are_messages_not_tracebacks(runner: CliRunner, built: BuildResult) -> None:
    store = ["--store", str(built.store_path)]
    cases = [
        (
            ["query", "labour-vs-nation", *store, "-p", "year=20x4"],
            "parameter 'year': expected a year",
        ),
        (["query", "labour-vs-nation", *store, "-p", "nope=1"], "unknown parameter 'nope'"),
        (["query", "search", *store], "parameter 'q' is required"),
        (["query", "no-such-query", *store], "no saved query named 'no-such-query'"),
        (["query", "missing.rq", *store], "missing.rq"),
        (["query", "provinces", "--store", "/nonexistent"], "no store at /nonexistent"),
        (["query", "provinces", "-p", "lang"], "is not NAME=VALUE"),
        (["query", "provinces", *store, "--endpoint", "http://x"], "not both"),
    ]
    for args, message in cases:
        result = runner.invoke(main, args)
        assert result.exit_code != 0 and message in result.output, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit)
