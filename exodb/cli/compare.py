"""``exodb diff A B``: what changed between two databases or two exported folders."""

from __future__ import annotations

import sys

import click

from exodb.cli.common import Context, _user_errors, pass_context, write


@click.command("diff")
@click.argument("first", metavar="A")
@click.argument("second", metavar="B")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "markdown", "json")),
    default="text",
    show_default=True,
    help="markdown: a changelog section.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE.")
@pass_context
@_user_errors
def diff_command(ctx: Context, first: str, second: str, fmt: str, output: str | None) -> None:
    """What changed from A to B (each a database, or a folder of seed files such as an export):
    rows added, removed or changed, by file and key, with the fields that changed. Exits 0 when
    they hold the same evidence, 1 when they differ, as diff does."""
    from exodb.exports.diff import compare, render_diff

    diffs = compare(first, second)
    write(render_diff(diffs, fmt, first, second), output)
    if diffs:
        sys.exit(1)
