"""`fdigraph serve` wiring, without starting a server (the e2e tests start one)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from fdigraph import server
from fdigraph.cli import main


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    seen: list[tuple[dict[str, Any], dict[str, Any]]] = []
    monkeypatch.setattr(server, "serve", lambda overrides, **kw: seen.append((overrides, kw)))
    return seen


def test_serve_passes_its_options(store_path: Path, calls: list[Any]) -> None:
    args = ["serve", "--store", str(store_path), "--port", "5123", "--workers", "3"]
    result = CliRunner().invoke(main, [*args, "--timeout", "2.5"])
    assert result.exit_code == 0, result.output
    overrides, kw = calls[0]
    assert overrides["STORE_PATH"] == str(store_path.resolve())
    assert overrides["QUERY_TIMEOUT"] == 2.5
    assert {k: kw[k] for k in ("host", "port", "workers", "timeout")} == {
        "host": "127.0.0.1",
        "port": 5123,
        "workers": 3,
        "timeout": 2.5,
    }
    assert kw["max_body"] == 1048576 and kw["cors"] == "*"


def test_serve_fronts_a_local_store_with_nginx_when_asked(
    store_path: Path, calls: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from fdigraph import front

    monkeypatch.setattr(front, "find_nginx", lambda: "/opt/nginx")
    for args, expected in (([], "/opt/nginx"), (["--front", "none"], None)):
        result = CliRunner().invoke(main, ["serve", "--store", str(store_path), *args])
        assert result.exit_code == 0, result.output
        assert calls.pop()[1]["front"] == expected
    monkeypatch.setattr(front, "find_nginx", lambda: None)
    monkeypatch.setenv("FDIGRAPH_FRONT", "nginx")
    result = CliRunner().invoke(main, ["serve", "--store", str(store_path)])
    assert result.exit_code == 1 and "nginx is not installed" in result.output and not calls


def test_serve_refuses_a_missing_store(tmp_path: Path, calls: list[Any]) -> None:
    result = CliRunner().invoke(main, ["serve", "--store", str(tmp_path / "none")])
    assert result.exit_code == 1 and "no store at" in result.output and not calls


def test_serve_builds_first_when_nothing_is_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, calls: list[Any]
) -> None:
    import fdigraph.build

    built: list[dict[str, Any]] = []

    class Result:
        class info:  # mimics BuildResult.info
            build, triples = "b", 1

    def fake_build(values: dict[str, Any], **_: Any) -> Result:
        built.append(values)
        return Result()

    monkeypatch.setattr(fdigraph.build, "build", fake_build)
    monkeypatch.setenv("FDIGRAPH_DIST_DIR", str(tmp_path / "dist"))
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 0, result.output
    assert built and calls


def test_gunicorn_options() -> None:
    opts = server.options(host="127.0.0.1", port=1, workers=2, timeout=10)
    assert opts["preload_app"] is True and opts["worker_class"] == "fdigraph.worker.BalancedWorker"
    assert opts["timeout"] > 10 and opts["logger_class"] == "fdigraph.worker.AccessLogger"
    assert opts["post_request"] is server.post_request
