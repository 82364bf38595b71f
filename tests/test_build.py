"""The build: byte-identical reruns, the atomic store swap, validate exit codes, load."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from tests.conftest import values_for

from fdigraph import store
from fdigraph.build import OUTPUTS, BuildResult, build
from fdigraph.cli import main
from fdigraph.errors import FactError, ValidationError


def test_outputs_parse_to_the_same_graph(built: BuildResult) -> None:
    from rdflib import Graph
    from rdflib.compare import isomorphic

    graphs = [
        Graph().parse(built.dist / name)
        for name in ("fdigraph.ttl", "fdigraph.nt", "fdigraph.jsonld")
    ]
    assert len(graphs[0]) == built.info.triples
    assert isomorphic(graphs[0], graphs[1]) and isomorphic(graphs[1], graphs[2])


def test_store_holds_data_and_ontology_graphs(built: BuildResult) -> None:
    opened = store.open_read_only(built.store_path)
    assert len(opened) == built.info.triples
    names = {g.value for g in opened.named_graphs()}
    assert names == set(built.info.graphs)
    assert store.build_info(built.store_path).build == built.info.build


def test_second_build_is_byte_identical(project: Path, built: BuildResult) -> None:
    """A fresh interpreter with another hash seed writes the same bytes."""
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    env.update(
        {
            f"FDIGRAPH_{k}": str(project / v)
            for k, v in (("DATA_DIR", "data"), ("ONTOLOGY_DIR", "ontology"), ("DIST_DIR", "dist"))
        }
    )
    subprocess.run([sys.executable, "-m", "fdigraph", "build", "-q"], env=env, check=True)
    for name in OUTPUTS:
        assert (project / "dist" / name).read_bytes() == (built.dist / name).read_bytes(), name
    assert (project / "dist" / "store").resolve().name == f"store-{built.info.build}"


def test_failed_build_leaves_the_last_good_graph(project: Path) -> None:
    first = build(values_for(project))
    before = {name: (project / "dist" / name).read_bytes() for name in OUTPUTS}
    facts = project / "data" / "facts" / "bac-giang-fdi-2024.yaml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace("value: 365\n", "value: 365\n  oops: [\n"),
        encoding="utf-8",
    )
    with pytest.raises(FactError, match="not valid YAML"):
        build(values_for(project))
    assert store.build_info(first.store_path).build == first.info.build
    assert {name: (project / "dist" / name).read_bytes() for name in OUTPUTS} == before
    assert not list((project / "dist").glob(".build-*"))


def test_interrupted_store_write_keeps_the_old_store(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = build(values_for(project))
    facts = project / "data" / "facts" / "bac-giang-fdi-2024.yaml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace(
            "Đặng Hiền\n  language", "Đặng  Hiền\n  language"
        ),
        encoding="utf-8",
    )

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(ox.Store, "bulk_load", crash)
    with pytest.raises(KeyboardInterrupt):
        build(values_for(project))
    assert (project / "dist" / "store").resolve().name == f"store-{first.info.build}"
    assert not [p for p in (project / "dist").iterdir() if p.name.startswith(".")]


def test_build_refuses_a_graph_that_does_not_conform(project: Path) -> None:
    shapes = project / "ontology" / "shapes.ttl"
    shapes.write_text(
        shapes.read_text(encoding="utf-8").replace(
            'sh:path fdi:isoCode ; sh:minCount 1 ; sh:maxCount 1 ; sh:pattern "^[A-Z]{2}$"',
            'sh:path fdi:isoCode ; sh:minCount 1 ; sh:maxCount 1 ; sh:pattern "^[a-z]{2}$"',
        ),
        encoding="utf-8",
    )
    with pytest.raises(ValidationError, match="does not conform"):
        build(values_for(project))
    assert not (project / "dist").exists()


def _env(monkeypatch: pytest.MonkeyPatch, project: Path) -> None:
    for key, sub in (("DATA_DIR", "data"), ("ONTOLOGY_DIR", "ontology"), ("DIST_DIR", "dist")):
        monkeypatch.setenv(f"FDIGRAPH_{key}", str(project / sub))


def test_validate_exit_codes(
    project: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    _env(monkeypatch, project)
    ok = runner.invoke(main, ["validate"])
    assert ok.exit_code == 0 and "Conforms: True" in ok.output
    shapes = project / "ontology" / "shapes.ttl"
    original = shapes.read_text(encoding="utf-8")
    shapes.write_text(
        original.replace('sh:in ( "latest" "same-topic" "related-link" )', 'sh:in ( "latest" )'),
        encoding="utf-8",
    )
    bad = runner.invoke(main, ["validate"])
    assert bad.exit_code == 1 and "Conforms: False" in bad.output and "teaserSection" in bad.output
    shapes.write_text(original + "\nthis is not turtle", encoding="utf-8")
    broken = runner.invoke(main, ["validate"])
    assert broken.exit_code == 2 and "Error:" in broken.output


def test_load_any_rdf_into_a_store(tmp_path: Path, runner: CliRunner) -> None:
    ttl = tmp_path / "mine.ttl"
    ttl.write_text("<http://e/a> <http://e/p> 1, 2 .\n", encoding="utf-8")
    result = runner.invoke(
        main, ["load", str(ttl), "--store", str(tmp_path / "s"), "--graph", "http://e/g"]
    )
    assert result.exit_code == 0, result.output
    opened = store.open_read_only(tmp_path / "s")
    assert len(opened) == 2 and {g.value for g in opened.named_graphs()} == {"http://e/g"}
    bad = tmp_path / "bad.ttl"
    bad.write_text("<http://e/a> <http://e/p> .\n", encoding="utf-8")
    failed = runner.invoke(main, ["load", str(bad), "--store", str(tmp_path / "s2")])
    assert failed.exit_code == 1 and "bad.ttl" in failed.output
    assert not (tmp_path / "s2").exists()


def test_saved_queries_are_published_in_the_store(built: BuildResult) -> None:
    opened = store.open_read_only(built.store_path)
    graph = ox.NamedNode("https://fdigraph.example/.well-known/sparql-examples")
    result = opened.query(
        "SELECT (COUNT(?q) AS ?n) WHERE { ?q a <http://www.w3.org/ns/shacl#SPARQLExecutable> }",
        default_graph=graph,
    )
    assert isinstance(result, ox.QuerySolutions)
    assert int(next(iter(result))["n"].value) >= 15
