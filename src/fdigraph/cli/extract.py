"""``fdigraph extract``: draft the facts of an article; score them against curated ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import yaml

from fdigraph.errors import FdigraphError


def _known_concepts() -> dict[str, dict[str, Any]]:
    """The concepts of the configured data directory's fact files (none when unconfigured)."""
    from fdigraph import config
    from fdigraph.extract.writer import known_concepts

    try:
        return known_concepts(config.resolve_path(config.load(), "DATA_DIR"))
    except FdigraphError:
        return {}


def _provinces() -> dict[str, str]:
    """The provinces of the reference data (``data/reference/places.yaml``): key -> name."""
    from fdigraph import config
    from fdigraph.sources import load_reference

    try:
        data_dir = config.resolve_path(config.load(), "DATA_DIR")
    except FdigraphError:
        data_dir = Path(__file__).resolve().parents[3] / "data"
    try:
        places = load_reference(data_dir).places
    except (FdigraphError, OSError) as err:
        raise click.ClickException(f"--area: cannot read the reference places: {err}") from None
    return {k: p.label.vi for k, p in places.items() if p.kind in {"province", "municipality"}}


def _check_area(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    provinces = _provinces()
    key = value.strip()
    by_case = {k.casefold(): k for k in provinces}
    if key.casefold() in by_case:
        return by_case[key.casefold()]
    raise click.BadParameter(
        f"{value!r} is not a province of data/reference/places.yaml; give a province's code,"
        f" e.g. VN-56 ({provinces.get('VN-56', 'Bắc Ninh')}) or VN-HN"
        f" ({provinces.get('VN-HN', 'Hà Nội')})",
        ctx,
        param,
    )


def register(main: click.Group) -> None:
    """Add the ``extract`` command to ``main``."""
    main.add_command(extract_command)


@click.command("extract")
@click.argument(
    "article", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--evaluate",
    "facts",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Curated fact file to score the draft against (lenient and strict precision, recall).",
)
@click.option(
    "--evaluate-dir",
    "directory",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Score every X.txt of this directory against its X.yaml; print a table, pooled.",
)
@click.option(
    "--details", is_flag=True, help="With --evaluate-dir: each article's full report too."
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the draft here instead of standard output.",
)
@click.option("--source-id", help="Id of the source (default: the article's file name stem).")
@click.option(
    "--area",
    callback=_check_area,
    metavar="CODE",
    help="The province the article is about (a province code of data/reference/places.yaml,"
    ' e.g. VN-56): for figures the text gives "tỉnh" (the province) without naming it.',
)
def extract_command(
    article: Path | None,
    facts: Path | None,
    directory: Path | None,
    details: bool,
    output: Path | None,
    source_id: str | None,
    area: str | None,
) -> None:
    """Draft the numeric facts of ARTICLE.txt as a fact file for review."""
    from fdigraph.extract import extract
    from fdigraph.extract.evaluate import evaluate, evaluate_directory, table
    from fdigraph.extract.places import UNKNOWN_PROVINCE
    from fdigraph.extract.writer import to_yaml

    if directory is not None:
        if article is not None or facts is not None or area is not None:
            raise click.UsageError("--evaluate-dir takes no ARTICLE, --evaluate nor --area")
        try:
            results = evaluate_directory(directory)
        except FdigraphError as err:
            raise click.ClickException(str(err)) from None
        if not results:
            raise click.ClickException(f"{directory}: no X.txt with an X.yaml beside it")
        if details:
            for name, result in results:
                click.echo(f"== {name}\n{result.report()}\n")
        click.echo(table(results))
        return
    if article is None:
        raise click.UsageError("give ARTICLE, or --evaluate-dir DIR")
    try:
        text = article.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise click.ClickException(f"{article}: not UTF-8 text ({err.reason})") from None
    draft = extract(text, source_id=source_id or article.stem, area=area)
    unnamed = sum(o.area == UNKNOWN_PROVINCE for o in draft.observations) + sum(
        r.area == UNKNOWN_PROVINCE for r in draft.rankings
    )
    if unnamed:
        click.echo(
            f"warning: {article}: the article speaks of the province without naming it;"
            f" {unnamed} facts have the placeholder area {UNKNOWN_PROVINCE}: rerun with"
            " --area CODE (e.g. --area VN-56)",
            err=True,
        )
    if facts is not None:
        try:
            curated = yaml.safe_load(facts.read_text(encoding="utf-8")) or {}
            result = evaluate(draft, curated)
        except (yaml.YAMLError, KeyError, TypeError, FdigraphError) as err:
            raise click.ClickException(f"{facts}: cannot read curated facts: {err}") from None
        click.echo(result.report())
        if output is None:
            return
    body = to_yaml(draft, text, _known_concepts())
    if output is None:
        click.echo(body, nl=False)
    else:
        output.write_text(body, encoding="utf-8")
        counts = f"{len(draft.observations)} observations, {len(draft.rankings)} rankings"
        click.echo(f"wrote {output}: {counts}", err=True)
