"""``exodb export``: references, the evidence network, the database as seed files, the
cross-walk of identifiers, and the comparisons a meta-analysis pools."""

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
    write_released,
)
from exodb.cli.synthesis import breaks, outcome_options


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

    session = ctx.session()
    write_released(ctx, lambda: build(session, fmt), output, command="references", format=fmt)


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

    session = ctx.session()
    write_released(
        ctx,
        lambda: build(session, fmt, **filters),
        output,
        command="network",
        format=fmt,
        filters=given(filters),
    )


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


@export.command("datapackage")
@click.argument("folder", type=click.Path(file_okay=False, path_type=str))
@click.option(
    "--force", is_flag=True, help="Write into a folder that holds other files (never seeds/)."
)
@pass_context
@_user_errors
def export_datapackage_command(ctx: Context, folder: str, force: bool) -> None:
    """The database as a Frictionless Data Package: the seed-format CSV files and a
    datapackage.json with a Table Schema for each (types, enumerations, required fields, keys,
    foreign keys, descriptions) and a release stamp (version, schema revision, date, content
    hash)."""
    from pathlib import Path

    from exodb.exports.datapackage import export_datapackage

    ctx.session()
    stamp = export_datapackage(ctx.engine(), Path(folder), force=force, protect=protected_files())
    click.echo(
        f"exodb: wrote {folder}/datapackage.json (content {stamp['content_sha256'][:12]})",
        err=True,
    )


@export.command("crosswalk")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("exocarta", "mirtarbase")),
    default="exocarta",
    show_default=True,
    help="exocarta: cargo genes in ExoCarta's protein columns; mirtarbase: miRNA -> target "
    "interactions in miRTarBase's.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE.")
@study_filter_options
@pass_context
@_user_errors
def export_crosswalk(ctx: Context, fmt: str, output: str | None, **filters: Any) -> None:
    """Cargo and miRNA targets by Entrez and miRBase identifiers, tab-separated in the shape of
    ExoCarta's and miRTarBase's downloads, to join exodb's evidence with theirs."""
    from exodb.exports import export_crosswalk as build

    session = ctx.session()
    write_released(
        ctx,
        lambda: build(session, fmt, **filters),
        output,
        command="crosswalk",
        format=fmt,
        filters=given(filters),
    )


@export.command("meta")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("metafor",)),
    default="metafor",
    show_default=True,
    help="metafor: a CSV that escalc() reads as it is.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE.")
@outcome_options
@study_filter_options
@pass_context
@_user_errors
def export_meta(
    ctx: Context,
    fmt: str,
    output: str | None,
    outcomes: tuple[str, ...],
    measure: str | None,
    by: str | None,
    dose_breaks: str | None,
    shared_control: str,
    **filters: Any,
) -> None:
    """The comparisons `exodb report meta-analysis` pools, one per row, in metafor's column
    names (SDs as pooled, derived ones included; n2i after a shared control is split), so
    that R can check exodb's numbers: escalc("MD", m1i=m1i, sd1i=sd1i, ...)."""
    from exodb import reports
    from exodb.render import render_report

    session = ctx.session()

    def build() -> str:
        table = reports.metafor_table(
            session,
            outcomes,
            measure=measure.upper() if measure else None,
            by=by,
            dose_breaks=breaks(dose_breaks),
            shared_control=shared_control,
            **filters,
        )
        return render_report(table, "csv")

    write_released(
        ctx,
        build,
        output,
        command="meta",
        format=fmt,
        outcomes=list(outcomes),
        measure=measure,
        by=by,
        dose_breaks=dose_breaks,
        shared_control=shared_control,
        filters=given(filters),
    )


def given(filters: dict[str, Any]) -> dict[str, Any]:
    """The filters the user gave (not click's defaults), for the stamp's record of the export:
    ``--timepoint 0`` and ``--not-exosome-based`` are given, an unset flag is not."""
    from click.core import ParameterSource

    context = click.get_current_context()
    return {
        name: value
        for name, value in filters.items()
        if context.get_parameter_source(name) not in (ParameterSource.DEFAULT, None)
    }
