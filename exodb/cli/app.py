"""The ``exodb`` group: the global ``--db`` option, and each command loaded only when it runs.

A command's module is imported when the command is called (or listed by a narrow terminal's
``--help``), so a query command pays for its own group of commands and no other.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from exodb.cli.common import Context

# Command name -> (module in exodb.cli, attribute). tests/test_cli.py checks that every module's
# commands are here and nowhere else.
COMMANDS: dict[str, tuple[str, str]] = {
    "backup": ("admin", "backup_command"),
    "cell-sources": ("listings", "cell_sources_command"),
    "components": ("listings", "components"),
    "delivery-systems": ("listings", "delivery_systems_command"),
    "diff": ("compare", "diff_command"),
    "epidemiology": ("listings", "epidemiology"),
    "export": ("exports", "export"),
    "import": ("records", "import_command"),
    "init": ("admin", "init"),
    "mechanisms": ("listings", "mechanisms"),
    "meta-analysis": ("synthesis", "meta_analysis_command"),
    "molecules": ("listings", "molecules"),
    "notes": ("listings", "notes"),
    "pathways": ("listings", "pathways"),
    "reindex": ("admin", "reindex_command"),
    "report": ("reports", "report"),
    "schema": ("admin", "schema_command"),
    "search": ("console", "search_command"),
    "seed": ("admin", "seed"),
    "serve": ("web", "serve_command"),
    "show": ("listings", "show"),
    "sql": ("console", "sql_command"),
    "studies": ("listings", "studies"),
    "trials": ("listings", "trials"),
    "validate": ("records", "validate_command"),
}


class MainGroup(click.Group):
    """The ``exodb`` group: a failed write to standard output ends the command with one line."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        from exodb.errors import OutputError
        from exodb.io.outputstream import guarded_stdout, report

        try:
            with guarded_stdout():
                return super().main(*args, **kwargs)
        except OutputError as exc:
            sys.exit(report(exc))

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand:
            # click suggests close names from the commands it holds; this group holds none
            # until they are asked for, so it suggests from the table.
            raise click.exceptions.NoSuchCommand(
                str(args[0]), possibilities=list(COMMANDS), ctx=ctx
            ) from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        where = COMMANDS.get(cmd_name)
        if where is None:
            return None
        module, attribute = where
        return getattr(importlib.import_module(f"exodb.cli.{module}"), attribute)


@click.group(cls=MainGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "url",
    metavar="URL",
    envvar="EXODB_URL",
    help="Database URL or SQLite file path (default: $EXODB_URL, then the default SQLite file).",
)
@click.version_option(package_name="exodb")
@click.pass_context
def main(ctx: click.Context, url: str | None) -> None:
    """exodb: evidence on exosome therapies for spinal cord injury, from one curated review.

    \b
    Start with:
      exodb cell-sources --immunogenicity low
      exodb delivery-systems --indication glioma
      exodb mechanisms
    The default database is built from the bundled seeds the first time it is used.
    """
    if url is not None and not url.strip():
        raise click.BadParameter(
            "is empty; give a database URL or a SQLite file path", param_hint="'--db'"
        )
    ctx.obj = Context(url)
    ctx.call_on_close(ctx.obj.close)
