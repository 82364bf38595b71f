"""``fdigraph queries`` lists the saved queries; ``fdigraph query`` runs one."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from fdigraph import config
from fdigraph.errors import FdigraphError

FORMAT_NAMES = ("table", "json", "csv", "tsv", "xml", "turtle", "ttl", "jsonld", "ntriples", "nt")


def register(main: click.Group) -> None:
    main.add_command(queries_command)
    main.add_command(query_command)


@click.command("queries")
@click.option("--lang", type=click.Choice(["en", "vi"]), default="en", help="Language of titles.")
def queries_command(lang: str) -> None:
    """List the saved queries with their parameters."""
    from fdigraph import queries

    values = config.load()
    try:
        catalogue = queries.load(config.resolve_path(values, "QUERIES_DIR"))
    except FdigraphError as err:
        raise click.ClickException(str(err)) from None
    for query in catalogue.values():
        click.echo(f"{click.style(query.name, bold=True)}  [{query.form}]  {query.label(lang)}")
        for param in query.params:
            default = f" = {','.join(param.default)}" if param.default else ""
            need = "required" if param.required and not param.default else "optional"
            many = ", several" if param.multiple else ""
            click.echo(f"    --param {param.name}=…  {param.expects} ({need}{many}){default}")


@click.command("query")
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A parameter value; repeat for several values or parameters.")  # fmt: skip
@click.option("--format", "-f", "fmt", type=click.Choice(FORMAT_NAMES), default=None,
              help="Output format [default: table on a terminal, json (or turtle) when piped].")  # fmt: skip
@click.option("--store", type=click.Path(path_type=Path), default=None,
              help="The built store [default: STORE_PATH].")  # fmt: skip
@click.option("--endpoint", default=None, metavar="URL", help="Run on a remote SPARQL endpoint.")
def query_command(
    name: str, params: tuple[str, ...], fmt: str | None, store: Path | None, endpoint: str | None
) -> None:
    """Run saved query NAME, or a query file FILE.rq, and print its result."""
    from fdigraph import queries

    if store and endpoint:
        raise click.UsageError("give --store or --endpoint, not both")
    values = config.load()
    raw: dict[str, list[str]] = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{item!r} is not NAME=VALUE", param_hint="--param")
        raw.setdefault(key.strip(), []).append(value)
    base = str(values["BASE_IRI"])
    try:
        if name.endswith(".rq") or "/" in name:
            path = Path(name)
            saved = queries.parse(path.read_text(encoding="utf-8"), path, strict=False)
        else:
            saved = queries.load(config.resolve_path(values, "QUERIES_DIR"))[name]
        if endpoint:
            result = queries.run_remote(queries.Endpoint(endpoint), saved, raw, base_iri=base)
        else:
            from fdigraph.store import as_dataset, open_read_only

            path = store or config.resolve_path(values, "STORE_PATH")
            result = queries.run(as_dataset(open_read_only(path)), saved, raw, base_iri=base)
        if fmt is None:
            fmt = "table" if sys.stdout.isatty() else queries.default_format(saved.form).name
        if fmt == "table":
            click.echo(queries.text_table(result), nl=False)
        else:
            click.echo(queries.serialize(result, queries.format_named(fmt)), nl=False)
    except OSError as err:
        raise click.ClickException(f"{name}: {err.strerror or err}") from None
    except FdigraphError as err:
        raise click.ClickException(str(err)) from None
