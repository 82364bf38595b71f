"""`fdigraph serve`: the SPARQL endpoint under gunicorn, building the graph first if needed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from fdigraph import config
from fdigraph.errors import FdigraphError


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--store",
    "store_path",
    type=click.Path(path_type=Path, file_okay=False),
    help="Store to serve (from `fdigraph build` or `fdigraph load`); default STORE_PATH.",
)
@click.option(
    "--endpoint",
    metavar="URL",
    help="Serve from this remote SPARQL query endpoint instead; default FDIGRAPH_ENDPOINT.",
)
@click.option("--workers", type=int, help="Worker processes; default FDIGRAPH_WORKERS.")
@click.option("--timeout", type=float, help="Seconds per query; default FDIGRAPH_QUERY_TIMEOUT.")
@click.option(
    "--front",
    type=click.Choice(["auto", "nginx", "none"]),
    help="nginx cache in front of gunicorn; default FDIGRAPH_FRONT (auto: when installed).",
)
def serve_command(
    host: str,
    port: int,
    store_path: Path | None,
    endpoint: str | None,
    workers: int | None,
    timeout: float | None,
    front: str | None,
) -> None:
    """Serve the graph over SPARQL (gunicorn); builds it first when none is built.

    With --endpoint, serves a remote triple store instead (nothing is built or opened).
    """
    overrides: dict[str, Any] = {}
    if store_path is not None and endpoint:
        raise click.UsageError("give --store or --endpoint, not both")
    if endpoint:
        overrides["ENDPOINT"] = endpoint
    if store_path is not None:
        overrides["STORE_PATH"] = str(store_path.resolve())
    if timeout is not None:
        overrides["QUERY_TIMEOUT"] = timeout
    if workers is not None:
        overrides["WORKERS"] = workers
    if front is not None:
        overrides["FRONT"] = front
    try:
        values = config.load(**overrides)
        path = config.resolve_path(values, "STORE_PATH")
        if not values["ENDPOINT"] and not path.exists():
            if store_path is not None:
                raise click.ClickException(f"no store at {path}")
            _build(values)
        from fdigraph.front import choose

        nginx = choose(str(values["FRONT"]), remote=bool(values["ENDPOINT"]))
    except FdigraphError as err:
        raise click.ClickException(str(err)) from err
    from fdigraph.server import serve

    try:
        serve(
            overrides,
            host=host,
            port=port,
            workers=int(values["WORKERS"]),
            timeout=float(values["QUERY_TIMEOUT"]),
            front=nginx,
            max_body=int(values["MAX_REQUEST_BYTES"]),
            cors=str(values["CORS_ORIGINS"]),
            header_timeout=float(values["HEADER_TIMEOUT"]),
        )
    except FdigraphError as err:
        raise click.ClickException(str(err)) from err


def _build(values: dict[str, Any]) -> None:
    try:
        from fdigraph.build import build
    except ImportError as err:
        raise click.ClickException("no store built and no builder available") from err
    click.echo("no store yet: building the graph first", err=True)
    result = build(values, log=lambda msg: click.echo(msg, err=True))
    click.echo(f"built {result.info.build}: {result.info.triples} triples", err=True)


def register(main: click.Group) -> None:
    main.add_command(serve_command)
