"""The SQL console and full-text search: ``exodb sql`` and ``exodb search``."""

from __future__ import annotations

import functools
import sys
from typing import Any

import click

from exodb.cli.common import (
    Context,
    _spreadsheet_safe,
    _user_errors,
    emit,
    output_options,
    pass_context,
    protected_files,
    resolve_format,
    write,
)


@click.command("search")
@click.argument("words", nargs=-1, required=True)
@click.option("--entity", help="Only one kind: study, curation_note, molecule, cell_source, ...")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@output_options
@pass_context
@_user_errors
def search_command(
    ctx: Context,
    fmt: str | None,
    output: str | None,
    words: tuple[str, ...],
    entity: str | None,
    limit: int,
) -> None:
    """Full-text search: study summaries, curation notes, names and aliases, Table 1-3 notes."""
    import dataclasses

    from exodb.console.search import search
    from exodb.render import highlight

    chosen = resolve_format(fmt, output)
    hits = search(ctx.session(), " ".join(words), limit=limit, entity=entity)
    rows = [dataclasses.replace(hit, snippet=highlight(hit.snippet, chosen)) for hit in hits]
    emit(rows, chosen, ["entity", "key", "ref", "field", "snippet"], output)


# The text formats need every row for their column widths: they show at most this many rows
# unless --limit says otherwise, and at most TABLE_BYTES of text and binary values whatever it
# says; CSV and JSON stream any number.
TABLE_ROWS = 10_000
TABLE_BYTES = 50_000_000


@click.command("sql")
@click.argument("query", required=False)
@click.option(
    "-f",
    "--file",
    "query_file",
    type=click.File("r", encoding="utf-8"),
    help="Read the query from FILE ('-' for standard input).",
)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind :NAME in the query to VALUE (numbers become numbers). Repeatable.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=None,
    metavar="SECONDS",
    help="Stop the query after SECONDS (default: 30; 0: no limit).",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help=f"Print at most N rows (default: all in csv and json, {TABLE_ROWS:,} in the others).",
)
@output_options
@pass_context
@_user_errors
def sql_command(
    ctx: Context,
    fmt: str | None,
    output: str | None,
    query: str | None,
    query_file: Any,
    params: tuple[str, ...],
    timeout: float | None,
    limit: int | None,
) -> None:
    """Run one read-only SQL statement and print its rows.

    \b
    exodb sql "SELECT key, ref FROM study_cargo_pathway WHERE cargo = :m" --param m=miR-210
    exodb sql -f question.sql --format csv
    echo "SELECT count(*) AS n FROM study" | exodb sql -

    Only queries run: the database refuses any change (INSERT, UPDATE, DELETE, DROP, ATTACH,
    VACUUM INTO, pragmas that set something) and every statement that is not a query, and
    only one statement runs at a time. A query stops after 30 seconds unless --timeout says
    otherwise; a text or binary value larger than 1 MB is refused; Ctrl-C stops it at once.
    """
    from exodb.console.sql import DEFAULT_TIMEOUT_SECONDS, parse_param, stream_sql
    from exodb.errors import ConsoleLimit

    if query_file is not None:
        text = query_file.read()
    elif query == "-" or (query is None and not sys.stdin.isatty()):
        text = sys.stdin.read()
    elif query is None:
        raise click.UsageError("give a query, -f FILE, or the query on standard input")
    else:
        text = query
    if not text.strip():
        raise click.UsageError("the query is empty")
    if output == "":
        raise click.UsageError("-o is empty; give a file name, or - for standard output")
    chosen = resolve_format(fmt, output)
    output = None if output == "-" else output
    bound = dict(parse_param(p) for p in params)
    ctx.session()  # builds the default database on first use, checks the schema otherwise
    from exodb.render import STREAMING_FORMATS

    shown = limit if limit is not None or chosen in STREAMING_FORMATS else TABLE_ROWS
    seconds = DEFAULT_TIMEOUT_SECONDS if timeout is None else timeout
    try:
        with stream_sql(ctx.url, text, bound, timeout=seconds, limit=shown) as rows:
            for warning in rows.warnings:
                click.echo(f"exodb: warning: {warning}", err=True)
            cut = _print_rows(rows, chosen, output)
    except ConsoleLimit as exc:
        raise click.ClickException(str(exc)) from None
    if cut is not None:
        click.echo(
            f"exodb: showed the first {cut:,} rows; the {chosen} format holds at most "
            f"{TABLE_BYTES // 1_000_000} MB of values (--format csv or json streams all)",
            err=True,
        )
    elif rows.truncated:
        hint = "--limit N shows more" if limit is not None else "--format csv or json streams all"
        click.echo(f"exodb: showed the first {shown:,} rows; the query has more ({hint})", err=True)


def _print_rows(rows: Any, fmt: str, output: str | None) -> int | None:
    """CSV and JSON go out batch by batch as the database returns them; the text formats,
    which need their column widths, once every row is in (or TABLE_BYTES of them: then the
    number of rows shown is returned)."""
    from exodb.console.sql import next_batch, value_bytes
    from exodb.render import STREAMING_FORMATS, render, render_stream

    if fmt not in STREAMING_FORMATS:
        table, held, cut = [], 0, None
        for row in rows:
            held += value_bytes(row)
            if held > TABLE_BYTES:
                cut = len(table)
                break
            table.append(dict(zip(rows.columns, row, strict=True)))
        write(render(table, fmt, rows.columns, spreadsheet_safe=_spreadsheet_safe()), output)
        return cut
    iterator = iter(rows)
    batches = iter(lambda: next_batch(iterator), [])
    safe = _spreadsheet_safe()
    if output is None:
        echo = functools.partial(click.echo, nl=False)
        render_stream(batches, fmt, rows.columns, echo, spreadsheet_safe=safe)
        return None
    from exodb.io.safefile import atomic_output

    with atomic_output(output, protect=protected_files()) as handle:
        render_stream(
            batches, fmt, rows.columns, lambda t: handle.write(t.encode()), spreadsheet_safe=safe
        )
    click.echo(f"exodb: wrote {output}", err=True)
    return None
