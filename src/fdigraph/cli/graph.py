"""`fdigraph build`, `validate` and `load`: the graph side of the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from fdigraph import config
from fdigraph.errors import FdigraphError, ValidationError


def _values() -> dict[str, Any]:
    try:
        return config.load()
    except FdigraphError as err:
        raise click.ClickException(str(err)) from err


@click.command("build")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def build_command(quiet: bool) -> None:
    """Build the graph: check facts, map, validate with SHACL, write dist/ and the store."""
    from fdigraph.build import build

    log = (lambda _msg: None) if quiet else click.echo
    try:
        result = build(_values(), log=log)
    except FdigraphError as err:
        raise click.ClickException(str(err)) from err
    if not quiet:
        click.echo(f"build {result.info.build}: {result.info.triples} triples in {result.dist}")


@click.command("validate")
def validate_command() -> None:
    """Validate the graph against the SHACL shapes without writing anything.

    Exit status: 0 when the graph conforms, 1 when it does not, 2 on an error.
    """
    from fdigraph.build import validate

    try:
        assembled, report = validate(_values())
    except FdigraphError as err:
        click.echo(f"Error: {err}", err=True)
        raise SystemExit(2) from err
    click.echo(report.text.rstrip())
    if not report.conforms:
        raise SystemExit(1)
    click.echo(f"{len(assembled.data)} triples conform.")


@click.command("load")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--store", "store_path", required=True, type=click.Path(path_type=Path), help="Store to create."
)
@click.option(
    "--graph", default=None, help="Named graph for triples files (default: the default graph)."
)
def load_command(files: tuple[Path, ...], store_path: Path, graph: str | None) -> None:
    """Load RDF files (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD) into a new store."""
    from fdigraph.store import load_files

    try:
        info = load_files(files, store_path, graph=graph)
    except FdigraphError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"loaded {info.triples} triples into {store_path} (build {info.build})")


def register(main: click.Group) -> None:
    for command in (build_command, validate_command, load_command):
        main.add_command(command)


__all__ = ["ValidationError", "register"]
