"""`fdigraph publish`: send the built graph to an external triple store."""

from __future__ import annotations

from pathlib import Path

import click

from fdigraph import config
from fdigraph.errors import FdigraphError


@click.command("publish")
@click.option("--to", "store_url", help="Graph Store Protocol URL, e.g. http://host:7878/store.")
@click.option("--update-endpoint", "update_url", help="Publish by SPARQL 1.1 Update instead.")
@click.option("--graph", default=None, help="Put every triple into this one named graph.")
@click.option(
    "--auth",
    default=None,
    envvar="FDIGRAPH_PUBLISH_AUTH",
    help="USER:PASSWORD for HTTP basic auth (or set FDIGRAPH_PUBLISH_AUTH).",
)
@click.option(
    "--source",
    type=click.Path(path_type=Path),
    default=None,
    help="N-Quads to send (default: dist/fdigraph.nq).",
)
@click.option(
    "--timeout", default=60.0, show_default=True, help="Seconds to wait for each request."
)
@click.option("--quiet", "-q", is_flag=True, help="No progress.")
def publish_command(
    store_url: str | None,
    update_url: str | None,
    graph: str | None,
    auth: str | None,
    source: Path | None,
    timeout: float,
    quiet: bool,
) -> None:
    """Replace the build's named graphs in another store (Oxigraph, Fuseki, GraphDB, ...)."""
    from fdigraph.publish import publish

    credentials = None
    if auth:
        user, sep, password = auth.partition(":")
        if not sep:
            raise click.BadParameter("expected USER:PASSWORD", param_hint="--auth")
        credentials = (user, password)
    values = config.load()
    nquads = source or config.resolve_path(values, "DIST_DIR") / "fdigraph.nq"
    progress = None if quiet else (lambda msg: click.echo(msg, err=True))
    try:
        report = publish(
            nquads,
            store_url=store_url,
            update_url=update_url,
            graph=graph,
            auth=credentials,
            timeout=timeout,
            progress=progress,
        )
    except FdigraphError as err:
        raise click.ClickException(str(err)) from err
    for name, count in sorted(report.graphs.items()):
        click.echo(f"{name}: {count} triples ({report.method})")
    click.echo(f"published {sum(report.graphs.values())} triples to {update_url or store_url}")


def register(main: click.Group) -> None:
    main.add_command(publish_command)
