"""The ``exodb`` command: parse options, call a library function, render the result.

No SQL is built here. Heavy modules (SQLAlchemy, Alembic, tabulate) are imported inside the
commands, so ``exodb --help`` starts as fast as click itself.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

import click

from exodb import vocabulary as v
from exodb.interrupt import exits_on_interrupt

FORMATS = ("table", "markdown", "latex", "csv", "json")


class Context:
    def __init__(self, url: str | None):
        self.url = url
        self._session = None

    def session(self):
        """A session on a ready database (the default one is built on first use)."""
        if self._session is None:
            from exodb.database import open_database
            from exodb.db import session_factory

            def notify(message: str) -> None:
                click.echo(message, err=True)

            self._session = session_factory(open_database(self.url, notify=notify))()
        return self._session

    def close(self) -> None:
        """Release the connection: a server database should not keep idle connections."""
        if self._session is not None:
            engine = self._session.get_bind()
            self._session.close()
            engine.dispose()
            self._session = None

    def engine(self):
        """The engine behind :meth:`session` (opening the database if needed)."""
        return self.session().get_bind()


# A listing of problems stops here, as a compiler's does; the count of the rest follows.
MAX_PROBLEMS_SHOWN = 50


def _report_problems(problems: Sequence[Any]) -> None:
    for problem in problems[:MAX_PROBLEMS_SHOWN]:
        click.echo(str(problem), err=True)
    hidden = len(problems) - MAX_PROBLEMS_SHOWN
    if hidden > 0:
        click.echo(f"... and {hidden:,} more", err=True)
    from exodb.importlog import ALREADY_PRESENT

    present = sum(1 for p in problems if p.message.endswith(ALREADY_PRESENT))
    if present > 1:
        click.echo(
            f"exodb: {present:,} rows are already in the database; were these files imported "
            'before? (`exodb sql "SELECT * FROM import_log"` lists earlier imports)',
            err=True,
        )
    click.echo(f"exodb: {len(problems):,} problem(s) found; nothing was written", err=True)


def _user_errors(func: Callable) -> Callable:
    """Turn the errors a user can cause into one clear line on stderr and exit status 1 (and
    Ctrl-C into "exodb: interrupted" and exit status 130)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import sqlite3

        from sqlalchemy.exc import DBAPIError

        from exodb.errors import (
            AlreadyImported,
            DamagedDatabase,
            DatabaseBusy,
            DiskFull,
            ForeignDatabase,
            ImportsPresent,
            NotWritable,
            OutputError,
            ReadOnlyError,
            SchemaError,
            SeedError,
            SqlError,
            UnknownName,
        )

        try:
            return func(*args, **kwargs)
        except SeedError as exc:
            _report_problems(exc.problems)
            sys.exit(1)
        except AlreadyImported as exc:  # the database already is as the user wants it
            click.echo(f"exodb: {exc}")
            return None
        except (
            UnknownName,
            SchemaError,
            ValueError,
            ReadOnlyError,
            ImportsPresent,
            DatabaseBusy,
            DamagedDatabase,
            DiskFull,
            NotWritable,
            ForeignDatabase,
        ) as exc:
            raise click.ClickException(str(exc)) from None
        except OutputError:  # standard output itself failed: said once, by the main group
            raise
        except SqlError as exc:
            raise click.ClickException(f"SQL error: {exc}") from None
        except DBAPIError as exc:
            raise click.ClickException(_database_error(exc.orig)) from None
        except sqlite3.Error as exc:  # exodb's own direct uses of sqlite3 (backup, console)
            raise click.ClickException(_database_error(exc)) from None
        except OSError as exc:
            raise click.ClickException(_os_error(exc)) from None
        except MemoryError:
            raise click.ClickException(
                "ran out of memory (for exodb sql: --limit N, or --format csv or json, "
                "which stream)"
            ) from None

    return exits_on_interrupt(wrapper)


def _database_error(error: BaseException) -> str:
    """A database's own error as one line: a damaged file and a full disk say what to do."""
    from exodb.integrity import damaged_message, full_message, is_damage, is_full

    message = str(error).strip()
    path = _database_path(click.get_current_context().find_object(Context))
    if is_damage(message):
        return damaged_message(str(path or "file"), message)
    if is_full(message):
        return full_message(message)
    if path is not None and "readonly database" in message:
        from exodb.config import not_writable_message

        return not_writable_message(path)
    return f"database error: {message}"


def _os_error(exc: OSError) -> str:
    """A failed file operation as one line: which file, and the system's reason (for a file
    where a folder is needed, or a read-only file system, which folder is in the way)."""
    import errno
    from pathlib import Path

    reason = exc.strerror or str(exc)
    where = f"{exc.filename}: {reason}" if exc.filename else reason
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        from exodb.integrity import full_message

        return full_message(where)
    if exc.filename and exc.errno in (errno.ENOTDIR, errno.EEXIST):
        from exodb.safefile import file_in_the_way

        path = Path(os.fsdecode(exc.filename))
        file = file_in_the_way(path if exc.errno == errno.EEXIST else path.parent)
        if file == path:
            return f"{path} is a file, not a folder"
        if file is not None:
            return f"cannot use {path}: {file} is a file, not a folder"
    if exc.filename and exc.errno == errno.EROFS:  # only a write meets a read-only file system
        path = Path(os.fsdecode(exc.filename))
        return f"cannot write {path}: the folder {path.parent} is not writable ({reason})"
    return where


def _database_path(obj: Context | None) -> Any:
    from exodb.config import resolve_url, sqlite_path

    try:
        return sqlite_path(resolve_url(obj.url if obj else None))
    except ValueError:
        return None


def protected_files() -> list[Any]:
    """The database of this command and its companion files: no output may overwrite them."""
    from exodb.safefile import database_files

    context = click.get_current_context(silent=True)
    obj = context.find_object(Context) if context else None
    return database_files(_database_path(obj))


def _keep_spreadsheet_safe(ctx: click.Context, _param: Any, value: bool) -> bool:
    # Kept in the context, not passed to every command: emit() and emit_report() read it.
    ctx.meta["exodb.spreadsheet_safe"] = value
    return value


SPREADSHEET_SAFE_HELP = (
    "In CSV, put a ' before each cell that starts with = + - @ (or a tab or carriage return), "
    "so a spreadsheet shows it as text instead of running it as a formula."
)


def spreadsheet_safe_option(func: Callable) -> Callable:
    return click.option(
        "--spreadsheet-safe",
        is_flag=True,
        expose_value=False,
        callback=_keep_spreadsheet_safe,
        help=SPREADSHEET_SAFE_HELP,
    )(func)


def _spreadsheet_safe() -> bool:
    context = click.get_current_context(silent=True)
    return bool(context and context.meta.get("exodb.spreadsheet_safe"))


def output_options_with(default: str) -> Callable[[Callable], Callable]:
    """--format, -o and --spreadsheet-safe, for a command that prints ``default`` when no
    format is given."""

    def decorate(func: Callable) -> Callable:
        func = spreadsheet_safe_option(func)
        func = click.option(
            "-o",
            "--output",
            type=click.Path(dir_okay=False, writable=True),
            help="Write to FILE; its extension (.txt .md .tex .csv .json) picks the format.",
        )(func)
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(FORMATS),
            default=None,
            help=f"Output format (default: from -o's extension, else {default}).",
        )(func)

    return decorate


output_options = output_options_with("table")


def resolve_format(fmt: str | None, output: str | None) -> str:
    """The explicit --format, else the one -o's extension names, else a text table."""
    if fmt:
        return fmt
    if output:
        from pathlib import Path

        from exodb.render import EXTENSIONS

        suffix = Path(output).suffix.lower()
        if suffix not in EXTENSIONS:
            raise click.UsageError(
                f"cannot tell the format from '{output}'; use --format or one of "
                f"{', '.join(EXTENSIONS)}"
            )
        return EXTENSIONS[suffix]
    return "table"


def write(text: str, output: str | None) -> None:
    """Print ``text``, or write it to ``output`` and say so on stderr (``-`` is stdout)."""
    if output == "":
        raise click.UsageError("-o is empty; give a file name, or - for standard output")
    if output == "-":
        output = None
    if output:
        from exodb.safefile import write_text

        write_text(output, text, protect=protected_files())
        click.echo(f"exodb: wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


def emit(
    rows: Sequence[Any], fmt: str | None, columns: Sequence[str], output: str | None = None
) -> None:
    from exodb.render import render

    text = render(rows, resolve_format(fmt, output), columns, spreadsheet_safe=_spreadsheet_safe())
    write(text, output)


def emit_report(report: Any, fmt: str | None, output: str | None) -> None:
    from exodb.render import render_report

    chosen = resolve_format(fmt, output)
    write(render_report(report, chosen, spreadsheet_safe=_spreadsheet_safe()), output)


cache_option = click.option(
    "--cache/--no-cache",
    default=True,
    show_default=True,
    help="Serve the copy kept from an earlier run on the same data, or compute afresh.",
)


def card_options(func: Callable) -> Callable:
    """KEY_OR_REF, --format and -o of the commands that print study cards."""
    func = click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE.")(
        func
    )
    func = click.option(
        "--format",
        "fmt",
        type=click.Choice(("table", "markdown", "json")),
        default=None,
        help="Output format (default: from -o's extension, else text).",
    )(func)
    return click.argument("key_or_ref")(func)


def study_filter_options(func: Callable) -> Callable:
    """The filters of ``exodb studies``, shared by every command that selects studies."""
    options = [
        click.option("--cell-source", metavar="SOURCE", help="Source and its subtypes (MSC)."),
        click.option("--cargo", metavar="MOLECULE", help="Carried or loaded; miR-21 = family."),
        click.option("--target", metavar="MOLECULE", help="Target of a regulator -> target."),
        click.option(
            "--molecule",
            metavar="MOLECULE",
            help="In any role: cargo, co-administered drug (methylprednisolone), agent, "
            "regulator, target or modification.",
        ),
        click.option("--pathway", metavar="NODES", help="A node (NF-kB) or chain (PI3K/Akt)."),
        click.option("--mechanism", metavar="KEY", help="e.g. neuroprotection."),
        click.option("--species", metavar="SPECIES", help="e.g. rat, mouse, monkey."),
        click.option("--route", metavar="ROUTE", help="e.g. intranasal, intravenous."),
        click.option(
            "--material",
            metavar="MATERIAL",
            help="By name, or a category (hydrogel, scaffold, nanomaterial, physical_therapy) "
            "for every material in it.",
        ),
        click.option(
            "--modification", metavar="KIND|MOLECULE", help="e.g. hypoxic_preconditioning."
        ),
        click.option("--has-outcome", metavar="WORDS", help="An outcome measure has WORDS."),
        click.option("--quantitative", is_flag=True, help="Only studies with a numeric outcome."),
        click.option(
            "--exosome-based/--not-exosome-based",
            default=None,
            help="Only exosome studies, or only the findings proposed for combination.",
        ),
        click.option(
            "--design", type=click.Choice(v.STUDY_DESIGNS), help="How the study was done."
        ),
        click.option(
            "--ref", type=click.IntRange(1, 2**63 - 1), metavar="N", help="Reference number."
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


class MainGroup(click.Group):
    """The ``exodb`` group: a failed write to standard output ends the command with one line."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        from exodb.errors import OutputError
        from exodb.outputstream import guarded_stdout, report

        try:
            with guarded_stdout():
                return super().main(*args, **kwargs)
        except OutputError as exc:
            sys.exit(report(exc))


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


pass_context = click.make_pass_decorator(Context)


# --- database management ------------------------------------------------------------------------


@main.command()
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
    from exodb.database import init_url

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


@main.command()
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
    from pathlib import Path

    from exodb.database import seed_url
    from exodb.resources import seeds_dir

    counts = seed_url(
        ctx.url, Path(folder) if folder else seeds_dir(), replace_imports=replace_imports
    )
    click.echo(f"exodb: loaded {sum(counts.values())} rows into {len(counts)} tables")


# --- listings ------------------------------------------------------------------------------------


def _ordinal(name: str) -> click.Choice:
    return click.Choice(v.ORDINALS[name])


@main.command("cell-sources")
@click.option("--immunogenicity", type=_ordinal("immunogenicity"), help="Exactly this level.")
@click.option("--max-immunogenicity", type=_ordinal("immunogenicity"), help="At most this level.")
@click.option("--clinical-potential", type=_ordinal("clinical_potential"), help="Exactly this.")
@click.option(
    "--min-clinical-potential", type=_ordinal("clinical_potential"), help="At least this level."
)
@click.option(
    "--max-acquisition", type=_ordinal("acquisition"), help="At most this hard to obtain."
)
@click.option("--min-expansion", type=_ordinal("expansion"), help="At least this expandable.")
@click.option(
    "--category", type=click.Choice(v.CELL_SOURCE_CATEGORIES), help="What kind of source it is."
)
@click.option("--within", metavar="SOURCE", help="A source and everything below it (e.g. MSC).")
@click.option("--profiled", is_flag=True, help="Only the nine sources compared in Table 1.")
@output_options
@pass_context
@_user_errors
def cell_sources_command(ctx: Context, fmt: str | None, output: str | None, **filters: Any) -> None:
    """Exosome cell sources, with Table 1's comparison where the review gives one."""
    from exodb import queries

    rows = queries.cell_sources(ctx.session(), **filters)
    columns = ["key", "name", "abbreviation", "parent", "immunogenicity", "clinical_potential"]
    emit(rows, fmt, columns + ["acquisition", "expansion", "refs"], output)


@main.command()
@click.option("--key", type=click.Choice(v.MECHANISM_KEYS), help="One mechanism only.")
@output_options
@pass_context
@_user_errors
def mechanisms(ctx: Context, fmt: str | None, output: str | None, key: str | None) -> None:
    """Table 2: mechanisms of exosome therapy, with core functions, molecules and pathways."""
    from exodb import queries

    rows = queries.mechanisms(ctx.session(), key=key)
    emit(rows, fmt, ["key", "name", "section", "functions", "pathways"], output)


@main.command("delivery-systems")
@click.option("--indication", metavar="DISEASE", help="e.g. glioma, SCI, stroke.")
@click.option("--payload", metavar="TEXT", help="Loaded drug type contains TEXT (e.g. siRNA).")
@output_options
@pass_context
@_user_errors
def delivery_systems_command(
    ctx: Context, fmt: str | None, output: str | None, indication: str | None, payload: str | None
) -> None:
    """Table 3: exosome-based nano-delivery systems."""
    from exodb import queries

    rows = queries.delivery_systems(ctx.session(), indication=indication, payload=payload)
    emit(rows, fmt, ["key", "name", "payloads", "indications", "refs"], output)


@main.command()
@output_options
@pass_context
@_user_errors
def trials(ctx: Context, fmt: str | None, output: str | None) -> None:
    """Clinical trials of exosomes in SCI (as the review reports them)."""
    from exodb import queries

    rows = queries.trials(ctx.session())
    emit(rows, fmt, ["registry_id", "phase", "source", "route", "population", "ref"], output)


@main.command()
@click.option("--kind", type=click.Choice(v.MOLECULE_KINDS), help="One kind of molecule.")
@click.option("--name", metavar="NAME", help="One molecule, by any name or alias.")
@output_options
@pass_context
@_user_errors
def molecules(
    ctx: Context, fmt: str | None, output: str | None, kind: str | None, name: str | None
) -> None:
    """Molecules (cargo, targets, pathway nodes) and how many studies involve each."""
    from exodb import queries

    rows = queries.molecules(ctx.session(), kind=kind, name=name)
    emit(rows, fmt, ["key", "kind", "full_name", "parent", "studies"], output)


@main.command()
@click.option("--node", metavar="NODES", help="Containing a node (NF-kB) or chain (PI3K/Akt).")
@output_options
@pass_context
@_user_errors
def pathways(ctx: Context, fmt: str | None, output: str | None, node: str | None) -> None:
    """Signalling pathways as written, their nodes, and how many studies cite each."""
    from exodb import queries

    rows = queries.pathways(ctx.session(), node=node)
    emit(rows, fmt, ["key", "nodes", "studies"], output)


@main.command()
@study_filter_options
@output_options
@pass_context
@_user_errors
def studies(ctx: Context, fmt: str | None, output: str | None, **filters: Any) -> None:
    """Primary studies the review describes; all filters combine with AND."""
    from exodb import queries

    rows = queries.studies(ctx.session(), **filters)
    columns = ["key", "ref", "first_author", "cell_source", "cargo", "pathways", "mechanisms"]
    emit(rows, fmt, [*columns, "species"], output)


@main.command()
@card_options
@pass_context
@_user_errors
def show(ctx: Context, key_or_ref: str, fmt: str | None, output: str | None) -> None:
    """Everything about one study (KEY), or about each study of a reference number (N)."""
    _study_cards(ctx, key_or_ref, fmt, output)


@main.command()
@click.option("--kind", type=click.Choice(v.CURATION_KINDS), help="One kind of problem.")
@click.option("--subject", metavar="FILE:KEY", help="e.g. cell_sources:uc_msc, references:146")
@output_options
@pass_context
@_user_errors
def notes(
    ctx: Context, fmt: str | None, output: str | None, kind: str | None, subject: str | None
) -> None:
    """Curation notes: the review's typos, inconsistencies and contradictions."""
    from exodb import queries

    rows = queries.curation_notes(ctx.session(), kind=kind, subject=subject)
    emit(rows, fmt, ["key", "kind", "section", "subject", "review_text"], output)


@main.command()
@click.option("--markers", is_flag=True, help="Only the contents the review names as markers.")
@output_options
@pass_context
@_user_errors
def components(ctx: Context, fmt: str | None, output: str | None, markers: bool) -> None:
    """Section 2: what exosomes contain, and their markers."""
    from exodb import queries

    rows = queries.exosome_components(ctx.session(), markers_only=markers)
    emit(rows, fmt, ["molecule", "component_class", "group", "is_marker", "refs"], output)


@main.command()
@output_options
@pass_context
@_user_errors
def epidemiology(ctx: Context, fmt: str | None, output: str | None) -> None:
    """Section 1: incidence of spinal cord injury."""
    from exodb import queries

    rows = queries.epidemiology(ctx.session())
    emit(
        rows,
        fmt,
        ["key", "measure", "condition", "value", "unit", "region", "note", "refs"],
        output,
    )


@main.command("search")
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

    from exodb.render import highlight
    from exodb.search import search

    chosen = resolve_format(fmt, output)
    hits = search(ctx.session(), " ".join(words), limit=limit, entity=entity)
    rows = [dataclasses.replace(hit, snippet=highlight(hit.snippet, chosen)) for hit in hits]
    emit(rows, chosen, ["entity", "key", "ref", "field", "snippet"], output)


# The text formats need every row for their column widths: they show at most this many rows
# unless --limit says otherwise, and at most TABLE_BYTES of text and binary values whatever it
# says; CSV and JSON stream any number.
TABLE_ROWS = 10_000
TABLE_BYTES = 50_000_000


@main.command("sql")
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
    from exodb.errors import ConsoleLimit
    from exodb.sqlquery import DEFAULT_TIMEOUT_SECONDS, parse_param, stream_sql

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
    from exodb.render import STREAMING_FORMATS, render, render_stream
    from exodb.sqlquery import next_batch, value_bytes

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
    from exodb.safefile import atomic_output

    with atomic_output(output, protect=protected_files()) as handle:
        render_stream(
            batches, fmt, rows.columns, lambda t: handle.write(t.encode()), spreadsheet_safe=safe
        )
    click.echo(f"exodb: wrote {output}", err=True)
    return None


@main.command("schema")
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
    from exodb import schema

    engine = ctx.session().get_bind()
    if fmt == "mermaid":
        write(schema.mermaid(engine), output)
        return
    rows = schema.describe(engine, table)
    columns = ["table", "kind", "column", "type", "nullable", "key", "references", "comment"]
    emit(rows, fmt, columns, output)


# --- reports --------------------------------------------------------------------------------------


@main.group()
def report() -> None:
    """Reports for review writing: the review's tables, cross-tabs, gaps, outcomes, summary.

    Every report takes --format table|markdown|latex|csv|json and -o FILE.
    """


def _table_report(name: str, builder: str, doc: str) -> None:
    @report.command(name, help=doc)
    @output_options
    @pass_context
    @_user_errors
    def command(ctx: Context, fmt: str | None, output: str | None) -> None:
        from exodb import reports

        emit_report(getattr(reports, builder)(ctx.session()), fmt, output)


_table_report("cell-sources", "table1_cell_sources", "Table 1 regenerated from the database.")
_table_report("mechanisms", "table2_mechanisms", "Table 2 regenerated from the database.")
_table_report(
    "delivery-systems", "table3_delivery_systems", "Table 3 regenerated from the database."
)


@report.command("evidence-matrix")
@click.option(
    "--rows",
    "row_dim",
    type=click.Choice(("cell-source", "species", "cargo-kind")),
    default="cell-source",
    show_default=True,
)
@click.option(
    "--cols",
    "col_dim",
    type=click.Choice(("mechanism", "pathway-node")),
    default="mechanism",
    show_default=True,
)
@click.option("--rollup", is_flag=True, help="Count subtypes under their Table 1 source.")
@cache_option
@click.option(
    "--figure",
    type=click.Path(dir_okay=False),
    metavar="FILE.png|svg",
    help="Also draw the matrix as an annotated heatmap (needs matplotlib).",
)
@study_filter_options
@output_options
@pass_context
@_user_errors
def evidence_matrix_command(
    ctx: Context,
    fmt: str | None,
    output: str | None,
    row_dim: str,
    col_dim: str,
    rollup: bool,
    cache: bool,
    figure: str | None,
    **filters: Any,
) -> None:
    """Cross-tab of study counts, with the reference numbers behind each cell."""
    from exodb import reports

    matrix = reports.evidence_matrix(
        ctx.session(), rows=row_dim, cols=col_dim, rollup=rollup, cache=cache, **filters
    )
    if figure:
        from exodb.figures import FigureUnavailable, heatmap

        try:
            heatmap(matrix, figure, protect=protected_files())
        except FigureUnavailable as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"exodb: wrote {figure}", err=True)
    emit_report(matrix, fmt, output)


@report.command("convergence")
@click.option("--chains", is_flag=True, help="Two-node chains (PI3K/Akt) instead of nodes.")
@cache_option
@study_filter_options
@output_options
@pass_context
@_user_errors
def convergence_command(
    ctx: Context, fmt: str | None, output: str | None, chains: bool, cache: bool, **filters: Any
) -> None:
    """How many studies converge on each pathway node, from which sources and cargo."""
    from exodb import reports

    report = reports.convergence(ctx.session(), chains=chains, cache=cache, **filters)
    emit_report(report, fmt, output)


def _filtered_report(name: str, builder: str, doc: str) -> None:
    """A report over the studies that pass the filters of ``exodb studies``."""

    @report.command(name, help=doc)
    @study_filter_options
    @output_options
    @pass_context
    @_user_errors
    def command(ctx: Context, fmt: str | None, output: str | None, **filters: Any) -> None:
        from exodb import reports

        emit_report(getattr(reports, builder)(ctx.session(), **filters), fmt, output)


_filtered_report("gaps", "gaps", "The evidence gap map: combinations no study covers.")
_filtered_report("outcomes", "outcomes", "Every quantitative outcome in one table.")


@report.command("summary")
@output_options_with("markdown")
@pass_context
@_user_errors
def summary_command(ctx: Context, fmt: str | None, output: str | None) -> None:
    """One page for the whole database, in Markdown unless --format or -o's extension asks for
    another format."""
    from exodb import reports

    emit_report(reports.summary(ctx.session()), fmt or ("markdown" if not output else None), output)


@report.command("study")
@card_options
@pass_context
@_user_errors
def study_report(ctx: Context, key_or_ref: str, fmt: str | None, output: str | None) -> None:
    """A citation-ready card for one study (or each study of a reference number)."""
    _study_cards(ctx, key_or_ref, fmt, output)


def _study_cards(ctx: Context, key_or_ref: str, fmt: str | None, output: str | None) -> None:
    from exodb import queries
    from exodb.render import render, study_card

    chosen = resolve_format(fmt, output)
    if chosen not in ("table", "markdown", "json"):
        raise click.UsageError("a study card is text, Markdown or JSON")
    details = queries.study_details(ctx.session(), key_or_ref)
    if chosen == "json":
        write(render(details, "json"), output)
    else:
        write("\n".join(study_card(d, chosen) for d in details), output)


# --- exports --------------------------------------------------------------------------------------


@main.group()
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


# --- users' own records ------------------------------------------------------------------------

MAX_FILE_SIZE = click.option(
    "--max-file-size",
    type=click.IntRange(1),
    default=64,
    show_default=True,
    metavar="MB",
    help="Refuse any CSV file larger than this.",
)


@main.command("import")
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

    from exodb.loader import import_path

    ctx.session()  # builds the default database on first use, checks the schema otherwise
    from exodb.loader import records_in
    from exodb.progress import Progress
    from exodb.seedspec import SEED_FILES

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


@main.command("validate")
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
    from pathlib import Path

    from exodb.loader import SeedError, check_folder, check_import

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

    from exodb.seedexport import export_folder

    ctx.session()
    from exodb.progress import Progress
    from exodb.seedspec import SEED_FILES

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


@main.command("reindex")
@pass_context
@_user_errors
def reindex_command(ctx: Context) -> None:
    """Rebuild the search index and renew kept reports, after rows were changed with other tools.

    exodb's own loads do this in the same transaction as their writes.
    """
    from exodb.loader import reindex

    documents = reindex(ctx.engine())
    click.echo(f"exodb: search index rebuilt ({documents} documents); kept reports renewed")


@main.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=str))
@click.option("--force", is_flag=True, help="Overwrite TARGET if it exists.")
@pass_context
@_user_errors
def backup_command(ctx: Context, target: str, force: bool) -> None:
    """Copy a SQLite database with SQLite's online backup (safe while others read it)."""
    from pathlib import Path

    from exodb.database import backup

    ctx.session()
    written = backup(ctx.url, Path(target), overwrite=force)
    click.echo(f"exodb: backed up to {written}")


if __name__ == "__main__":  # pragma: no cover
    main()
