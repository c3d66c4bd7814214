"""``exodb export``: references, the evidence network and the database as seed files."""

from __future__ import annotations

from typing import Any

import click

from exodb.cli.common import (
    SPREADSHEET_SAFE_HELP,
    Context,
    _user_errors,
    pass_context,
    protected_files,
    study_filter_options,
    write,
)


@click.group()
def export() -> None:
    """Export references and the evidence network for other tools."""


@export.command("references")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("bibtex", "ris", "csl-json")),
    default="bibtex",
    show_default=True,
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE.")
@pass_context
@_user_errors
def export_references(ctx: Context, fmt: str, output: str | None) -> None:
    """The review and every reference with a checked bibliographic record."""
    from exodb.exports import export_references as build

    write(build(ctx.session(), fmt), output)


@export.command("network")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("graphml", "dot", "json")),
    default="graphml",
    show_default=True,
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE.")
@study_filter_options
@pass_context
@_user_errors
def export_network(ctx: Context, fmt: str, output: str | None, **filters: Any) -> None:
    """The evidence graph: source -> cargo -> target -> pathway node -> mechanism."""
    from exodb.exports import export_network as build

    write(build(ctx.session(), fmt, **filters), output)


@export.command("csv")
@click.argument("folder", type=click.Path(file_okay=False, path_type=str))
@click.option(
    "--force", is_flag=True, help="Write into a folder that holds other files (never seeds/)."
)
@click.option(
    "--spreadsheet-safe",
    is_flag=True,
    help=SPREADSHEET_SAFE_HELP + " The files are then for reading, no longer seeds to import.",
)
@pass_context
@_user_errors
def export_csv(ctx: Context, folder: str, force: bool, spreadsheet_safe: bool) -> None:
    """The whole database in the seeds/ format, one canonical CSV file per table.

    FOLDER must be new, empty, or an earlier export (marked by its exodb-export.json).
    Every value is written as it is, so the files import back unchanged.
    """
    from pathlib import Path

    from exodb.curation.seedexport import export_folder

    ctx.session()
    from exodb.curation.seedspec import SEED_FILES
    from exodb.io.progress import Progress

    progress = Progress("exodb: exporting", len(SEED_FILES))
    try:
        counts = export_folder(
            ctx.engine(),
            Path(folder),
            progress,
            force=force,
            protect=protected_files(),
            spreadsheet_safe=spreadsheet_safe,
        )
    finally:
        progress.close()
    records = sum(counts.values())
    click.echo(
        f"exodb: wrote {records} records (header rows not counted) in {len(counts)} files to "
        f"{folder}"
    )
