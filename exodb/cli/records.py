"""A user's own records: ``exodb import`` and ``exodb validate``."""

from __future__ import annotations

import click

from exodb.cli import startup
from exodb.cli.common import (
    Context,
    _user_errors,
    pass_context,
)

MAX_FILE_SIZE = click.option(
    "--max-file-size",
    type=click.IntRange(1),
    default=64,
    show_default=True,
    metavar="MB",
    help="Refuse any CSV file larger than this.",
)


@click.command("import")
@click.argument("path", type=click.Path(exists=False, path_type=str))
@MAX_FILE_SIZE
@pass_context
@_user_errors
def import_command(ctx: Context, path: str, max_file_size: int) -> None:
    """Add your own records: a folder of CSV files in the seeds/ format, or one such file.

    New vocabulary (a molecule, a cell source) may come with the studies that use it.
    Everything is checked first; on any problem nothing is written.
    """
    from pathlib import Path

    from exodb.workflows.load import import_path

    ctx.session()  # builds the default database on first use, checks the schema otherwise
    from exodb.curation.load import records_in
    from exodb.curation.seedspec import SEED_FILES
    from exodb.io.progress import Progress

    progress = Progress("exodb: importing", len(SEED_FILES))
    try:
        counts = import_path(
            ctx.engine(), Path(path), max_bytes=max_file_size * 1_000_000, progress=progress
        )
    finally:
        progress.close()
    if not counts:
        click.echo(f"exodb: {path} holds no records (only header rows); nothing was imported")
        return
    click.echo(f"exodb: imported {records_in(counts)} records from {path}")


@click.command("validate")
@click.argument("path", type=click.Path(exists=False, path_type=str))
@click.option(
    "--as-seed",
    is_flag=True,
    help="Check a complete seed folder on its own (as `exodb seed` would), not as an import.",
)
@MAX_FILE_SIZE
@pass_context
@_user_errors
def validate_command(ctx: Context, path: str, as_seed: bool, max_file_size: int) -> None:
    """Check CSV files as an import into the database would, and list every problem.

    Nothing is written. The exit status is 0 when the files are clean, 1 otherwise.
    """
    startup.finish()  # every file is read and checked: collect as usual
    from pathlib import Path

    from exodb.curation.load import check_folder, check_import
    from exodb.errors import SeedError

    if as_seed:
        problems = check_folder(Path(path))
        rows = None
    else:
        ctx.session()
        seeds, problems = check_import(
            ctx.engine(), Path(path), max_bytes=max_file_size * 1_000_000
        )
        rows = sum(len(r) for r in seeds.files.values())
    if problems:
        raise SeedError(problems)
    detail = f"{rows} rows " if rows is not None else ""
    click.echo(f"exodb: {path}: {detail}valid, nothing written")
