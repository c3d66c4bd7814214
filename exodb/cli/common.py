"""The ``exodb`` command: parse options, call a library function, render the result.

No SQL is built here. Heavy modules (SQLAlchemy, Alembic, tabulate) are imported inside the
commands, so ``exodb --help`` starts as fast as click itself.
"""

from __future__ import annotations

import functools
import math
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

import click

from exodb.cli import startup
from exodb.names import vocabulary as v
from exodb.storage.interrupt import exits_on_interrupt

FORMATS = ("table", "markdown", "latex", "csv", "json")


class Context:
    def __init__(self, url: str | None):
        self.url = url
        self._session = None

    def session(self):
        """A session on a ready database (the default one is built on first use)."""
        if self._session is None:
            from exodb.storage.connection import session_factory
            from exodb.workflows.database import open_database

            def notify(message: str) -> None:
                click.echo(message, err=True)

            self._session = session_factory(open_database(self.url, notify=notify))()
            startup.finish()
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


def _report_problems(problems: Sequence[Any], outcome: str = "nothing was written") -> None:
    for problem in problems[:MAX_PROBLEMS_SHOWN]:
        click.echo(str(problem), err=True)
    hidden = len(problems) - MAX_PROBLEMS_SHOWN
    if hidden > 0:
        click.echo(f"... and {hidden:,} more", err=True)
    from exodb.curation.importlog import ALREADY_PRESENT

    present = sum(1 for p in problems if p.message.endswith(ALREADY_PRESENT))
    if present > 1:
        click.echo(
            f"exodb: {present:,} rows are already in the database; were these files imported "
            'before? (`exodb sql "SELECT * FROM import_log"` lists earlier imports)',
            err=True,
        )
    click.echo(f"exodb: {len(problems):,} problem(s) found; {outcome}", err=True)


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
            InputFileError,
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
        except InputFileError as exc:  # a file to compute from, not to load
            _report_problems(exc.problems, "nothing was computed")
            sys.exit(1)
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
    from exodb.storage.integrity import damaged_message, full_message, is_damage, is_full

    message = str(error).strip()
    path = _database_path(click.get_current_context().find_object(Context))
    if is_damage(message):
        return damaged_message(str(path or "file"), message)
    if is_full(message):
        return full_message(message)
    if path is not None and "readonly database" in message:
        from exodb.storage.config import not_writable_message

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
        from exodb.storage.integrity import full_message

        return full_message(where)
    if exc.filename and exc.errno in (errno.ENOTDIR, errno.EEXIST):
        from exodb.io.safefile import file_in_the_way

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
    from exodb.storage.config import resolve_url, sqlite_path

    try:
        return sqlite_path(resolve_url(obj.url if obj else None))
    except ValueError:
        return None


def protected_files() -> list[Any]:
    """The database of this command and its companion files: no output may overwrite them."""
    from exodb.io.safefile import database_files

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
        from exodb.io.safefile import write_text

        write_text(output, text, protect=protected_files())
        click.echo(f"exodb: wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


def write_released(
    ctx: Context, build: Callable[[], str], output: str | None, **export: Any
) -> None:
    """Write the export ``build()`` returns as :func:`write` does, with the release stamp of the
    data it was built from: in ``FILE.release.json`` beside ``-o FILE`` (with the file's
    SHA-256 and the options given), or as one line on stderr when the export goes to standard
    output or to a device or pipe. The file itself stays byte-for-byte the same for the same
    data, since the stamp's date lives beside it."""
    from pathlib import Path

    from exodb.curation.release import SIDECAR_SUFFIX, sidecar, stamped
    from exodb.io.safefile import is_stream

    text, release = stamped(ctx.engine(), build, ctx.session().rollback)
    write(text, output)
    if output and output != "-" and not is_stream(Path(output)):
        data = text.encode("utf-8")  # what write() wrote
        write(sidecar(release, Path(output).name, data, **export), output + SIDECAR_SUFFIX)
    else:
        click.echo(
            f"exodb: release: exodb {release['exodb_version']}, schema "
            f"{release['schema_revision']}, {release['exported_on']}, content "
            f"{release['content_sha256']}",
            err=True,
        )


def emit(
    rows: Sequence[Any],
    fmt: str | None,
    columns: Sequence[str],
    output: str | None = None,
    csv_extra: Sequence[str] = (),
) -> None:
    """Render ``rows`` with ``columns`` (JSON: every field), and in CSV also ``csv_extra``:
    columns for other tools (identifiers) that would only widen a table for reading."""
    from exodb.render import render

    chosen = resolve_format(fmt, output)
    shown = [*columns, *csv_extra] if chosen == "csv" else columns
    write(render(rows, chosen, shown, spreadsheet_safe=_spreadsheet_safe()), output)


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


# A time point as typed: ASCII digits, a decimal point, an exponent (float() alone also takes
# "1_000", "٢٨", "inf" and "nan").
DAYS = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


class Days(click.ParamType):
    """A number of days after injury, 0 or more (``28``, ``0.5``): an int when it is whole, so
    a report's note says ``timepoint=28``."""

    name = "days"

    def convert(self, value: Any, param: Any, ctx: Any) -> int | float:
        if isinstance(value, int | float):
            return value
        text = str(value).strip()
        days = float(text) if DAYS.fullmatch(text) else math.nan
        if not math.isfinite(days):
            self.fail(
                f"{value!r} is not a number of days after injury: 0 or more, such as 28 or 0.5",
                param,
                ctx,
            )
        return int(days) if days.is_integer() and days < 2**53 else days


def study_filter_options(func: Callable) -> Callable:
    """The filters of ``exodb studies``, shared by every command that selects studies."""
    options = [
        click.option("--cell-source", metavar="SOURCE", help="Source and its subtypes (MSC)."),
        click.option(
            "--cargo",
            metavar="MOLECULE",
            help="Carried or loaded, inferred cargo included; miR-21 = family.",
        ),
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
        click.option(
            "--injury-model",
            type=click.Choice(v.INJURY_MODELS),
            metavar="MODEL",
            help=f"The injury of any animal model: {', '.join(v.INJURY_MODELS)}.",
        ),
        click.option(
            "--route",
            metavar="ROUTE",
            help="The study's or any arm's, e.g. intranasal, intravenous.",
        ),
        click.option(
            "--material",
            metavar="MATERIAL",
            help="By name, or a category (hydrogel, scaffold, nanomaterial, physical_therapy) "
            "for every material in it.",
        ),
        click.option(
            "--modification", metavar="KIND|MOLECULE", help="e.g. hypoxic_preconditioning."
        ),
        click.option(
            "--separation",
            metavar="METHOD",
            help="An EV preparation separated by METHOD, by name or alias (sec, UC).",
        ),
        click.option("--has-outcome", metavar="WORDS", help="An outcome measure has WORDS."),
        click.option("--quantitative", is_flag=True, help="Only studies with a numeric outcome."),
        click.option(
            "--scale",
            metavar="SCALE",
            help="An outcome measured on SCALE, by name or alias (BBB, BMS).",
        ),
        click.option(
            "--timepoint",
            type=Days(),
            metavar="DAYS",
            help="An outcome measured DAYS after injury (with --scale, the same measurement).",
        ),
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


pass_context = click.make_pass_decorator(Context)


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
