"""The ``fdigraph`` command: a thin click group over the domain functions.

Each command lives in a module of this package named after what it does, and calls
one domain function; user mistakes become ``click.ClickException`` (exit 1 or 2).
"""

from __future__ import annotations

import click

from fdigraph import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="fdigraph")
def main() -> None:
    """Vietnamese provincial FDI news as a linked-data knowledge graph."""


def _register() -> None:
    # Imported here so `import fdigraph.cli` stays cheap; each module adds its commands.
    from fdigraph.cli import graph

    graph.register(main)
    for name in ("serve", "extract", "queries", "publish"):
        try:
            module = __import__(f"fdigraph.cli.{name}", fromlist=["register"])
        except ModuleNotFoundError as err:
            if err.name != f"fdigraph.cli.{name}":
                raise
            continue
        module.register(main)


_register()
