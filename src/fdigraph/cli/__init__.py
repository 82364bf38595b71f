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
    # Each module adds its commands; they import their domain modules lazily, inside the
    # commands, so `fdigraph --help` stays fast.
    from fdigraph.cli import extract, graph, publish, queries, serve

    for module in (graph, serve, queries, extract, publish):
        module.register(main)


_register()
