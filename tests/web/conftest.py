"""Fixtures for the endpoint tests: one small store (two named graphs), app and client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fdigraph import front
from fdigraph.store import BuildInfo, load_files
from fdigraph.web import create_app

EX = "http://example.org/"
G1 = "http://example.org/graph/one"
G2 = "http://example.org/graph/two"
TRIG = f"""
@prefix ex: <{EX}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<{G1}> {{
    ex:bac-giang a ex:Province ; rdfs:label "Bắc Giang"@vi, "Bac Giang"@en ;
        ex:fdi "2.1"^^xsd:decimal ; ex:note "tab\\there, quote \\" and }},{{ and\\nnewline" .
    ex:ha-noi a ex:Province ; rdfs:label "Hà Nội"@vi ; ex:fdi "3.5"^^xsd:decimal .
    ex:vietnam a ex:Country ; rdfs:label "Việt Nam"@vi .
}}
<{G2}> {{
    ex:hai-phong a ex:Province ; rdfs:label "Hải Phòng"@vi ; ex:fdi "1.2"^^xsd:decimal .
}}
"""
NUMBERS = "\n".join(
    f'<{EX}n/{i}> <{EX}value> "{i}"^^<http://www.w3.org/2001/XMLSchema#integer> .'
    for i in range(60)
)


@pytest.fixture(scope="session")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture store, loaded once per session with ``fdigraph.store.load_files``."""
    root = tmp_path_factory.mktemp("web-store")
    (root / "data.trig").write_text(TRIG, encoding="utf-8")
    (root / "numbers.nt").write_text(NUMBERS + "\n", encoding="utf-8")
    info: BuildInfo = load_files([root / "data.trig", root / "numbers.nt"], root / "store")
    assert info.triples > 60
    return root / "store"


needs_nginx = pytest.mark.skipif(front.find_nginx() is None, reason="nginx is not installed")


@pytest.fixture(scope="session")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """TRIG alone in a store: what the tests that start `fdigraph serve` serve (a module
    that needs other data defines its own ``store``)."""
    root = tmp_path_factory.mktemp("served")
    (root / "data.trig").write_text(TRIG, encoding="utf-8")
    load_files([root / "data.trig"], root / "store")
    return root / "store"


def make_app(store_path: Path, **overrides: Any) -> Flask:
    settings: dict[str, Any] = {"TESTING": True, "STORE_PATH": str(store_path), "IN_MEMORY": True}
    settings.update(overrides)
    return create_app(settings)


@pytest.fixture(scope="session")
def app(store_path: Path) -> Flask:
    """One app for the read-only tests (the store never changes, so sharing is safe)."""
    return make_app(store_path)


@pytest.fixture
def client(app: Flask) -> Iterator[FlaskClient]:
    with app.test_client() as c:
        yield c
