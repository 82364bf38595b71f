"""The README cannot drift from the code: every setting and command is documented."""

from __future__ import annotations

import pytest
from tests.conftest import ROOT

from fdigraph.cli import main
from fdigraph.config import SETTINGS

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", SETTINGS, ids=[s.name for s in SETTINGS])
def test_every_setting_is_in_the_readme(setting: object) -> None:
    from fdigraph.config import Setting

    assert isinstance(setting, Setting)
    assert f"`{setting.env}`" in README


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"`fdigraph {command}" in README


def test_readme_opens_with_the_two_commands() -> None:
    head = README[: README.index("## What it does")]
    assert "make serve" in head and "make test" in head


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci and "make test" in README
