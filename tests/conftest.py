"""Shared fixtures: one build of the real article graph per session, flaskr-style runners."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from fdigraph import config
from fdigraph.build import BuildResult, build

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The article graph, built once into a scratch dist/ folder."""
    dist = tmp_path_factory.mktemp("dist")
    return build(config.load({}, DIST_DIR=str(dist)))


@pytest.fixture(scope="session")
def graph_store(built: BuildResult) -> ox.Store:
    """The built store, copied into memory for fast questions."""
    from fdigraph.store import open_read_only

    return open_read_only(built.store_path, in_memory=True)


@pytest.fixture(scope="session")
def ask(graph_store: ox.Store) -> Any:
    """Run a SELECT with the project prefixes; rows as tuples of plain values."""
    from fdigraph.vocab import PREFIXES

    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    prologue += "PREFIX area: <https://fdigraph.example/id/area/>\n"
    prologue += "PREFIX concept: <https://fdigraph.example/id/concept/>\n"

    def run(query: str) -> list[tuple[Any, ...]]:
        result = graph_store.query(prologue + query, use_default_graph_as_union=True)
        if isinstance(result, ox.QueryBoolean):
            return [(bool(result),)]
        return [tuple(None if t is None else t.value for t in row) for row in result]

    return run


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    """A writable copy of data/ and ontology/ to break on purpose."""
    import shutil

    for name in ("data", "ontology"):
        shutil.copytree(ROOT / name, tmp_path / name)
    yield tmp_path


def values_for(project: Path, **extra: Any) -> dict[str, Any]:
    return config.load(
        {},
        DATA_DIR=str(project / "data"),
        ONTOLOGY_DIR=str(project / "ontology"),
        DIST_DIR=str(project / "dist"),
        **extra,
    )
