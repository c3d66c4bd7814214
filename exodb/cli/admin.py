"""The database itself: ``init``, ``seed``, ``schema``, ``reindex`` and ``backup``."""

from __future__ import annotations

import click

from exodb.cli import startup
from exodb.cli.common import (
    FORMATS,
    Context,
    _user_errors,
    emit,
    pass_context,
    spreadsheet_safe_option,
    write,
)


@click.command()
@click.option("--reseed", is_flag=True, help="Reload the bundled seeds even if data is present.")
@click.option("--no-seed", is_flag=True, help="Create the schema only, with no data.")
@click.option(
    "--into-existing",
    is_flag=True,
    help="Add exodb's tables to a database that already holds other tables (refused otherwise).",
)
@pass_context
@_user_errors
def init(ctx: Context, reseed: bool, no_seed: bool, into_existing: bool) -> None:
    """Create or upgrade the database schema and load the bundled seeds into an empty database."""
    startup.finish()  # a load follows: collect as usual
    from exodb.workflows.database import init_url

    report = init_url(ctx.url, reseed=reseed, seed=not no_seed, into_existing=into_existing)
    if report.seeded:
        # Rows of the database's tables: the seed files' records with their names, links
        # and search documents (export csv counts the records alone).
        action = (
            f"loaded {report.rows} database rows from seeds (the records with their names, "
            "links and search documents)"
        )
    elif no_seed:
        action = "schema only, no data loaded"
    else:
        action = "data already present"
    click.echo(f"exodb: {report.url} at schema revision {report.revision}; {action}")


@click.command()
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=str))
@click.option(
    "--replace-imports", is_flag=True, help="Also drop records that `exodb import` added."
)
@pass_context
@_user_errors
def seed(ctx: Context, folder: str | None, replace_imports: bool) -> None:
    """Replace the database's content with the seed CSV files (default: the bundled seeds).

    Every file is checked first; on any problem nothing is written. A database that holds
    imported records is left alone unless --replace-imports is given.
    """
    startup.finish()  # a load follows: collect as usual
    from pathlib import Path

    from exodb.io.resources import seeds_dir
    from exodb.workflows.database import seed_url

    counts = seed_url(
        ctx.url, Path(folder) if folder else seeds_dir(), replace_imports=replace_imports
    )
    click.echo(f"exodb: loaded {sum(counts.values())} rows into {len(counts)} tables")


@click.command("schema")
@click.option("--table", metavar="NAME", help="One table or view only.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice((*FORMATS, "mermaid")),
    default=None,
    help="Output format; mermaid draws an entity-relationship diagram.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE.")
@spreadsheet_safe_option
@pass_context
@_user_errors
def schema_command(ctx: Context, table: str | None, fmt: str | None, output: str | None) -> None:
    """Every table and view: columns, types, keys, foreign keys and comments."""
    from exodb.schema import describe as schema

    engine = ctx.session().get_bind()
    if fmt == "mermaid":
        write(schema.mermaid(engine), output)
        return
    rows = schema.describe(engine, table)
    columns = ["table", "kind", "column", "type", "nullable", "key", "references", "comment"]
    emit(rows, fmt, columns, output)


@click.command("reindex")
@pass_context
@_user_errors
def reindex_command(ctx: Context) -> None:
    """Rebuild the search index and renew kept reports, after rows were changed with other tools.

    exodb's own loads do this in the same transaction as their writes.
    """
    from exodb.workflows.load import reindex

    documents = reindex(ctx.engine())
    click.echo(f"exodb: search index rebuilt ({documents} documents); kept reports renewed")


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=str))
@click.option("--force", is_flag=True, help="Overwrite TARGET if it exists.")
@pass_context
@_user_errors
def backup_command(ctx: Context, target: str, force: bool) -> None:
    """Copy a SQLite database with SQLite's online backup (safe while others read it)."""
    from pathlib import Path

    from exodb.workflows.database import backup

    ctx.session()
    written = backup(ctx.url, Path(target), overwrite=force)
    click.echo(f"exodb: backed up to {written}")
