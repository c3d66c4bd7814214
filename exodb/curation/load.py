"""Validate seed CSV files and load them in one transaction.

The same loader serves the bundled seeds and a user's own files. It reads and checks everything
first: encoding, CSV syntax, columns, types, enumerations, keys, references between files,
hierarchies, aliases and pathway nodes. Any problem is reported as ``file:line: column: problem``
and nothing is written. Only a clean set of files is written, in a single transaction, so the
database is either fully loaded or exactly as it was.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

from exodb.curation import importlog, write
from exodb.curation import seedspec as spec
from exodb.curation.seedread import DEFAULT_MAX_FILE_BYTES, SeedSet, read_import, read_seed_set
from exodb.curation.validate import existing_state, validate
from exodb.errors import AlreadyImported, ImportsPresent, Problem, SeedError


def check_folder(folder: Path) -> list[Problem]:
    """Every problem with the seed files in ``folder``, without touching any database."""
    seeds, problems = read_seed_set(folder)
    return problems + validate(seeds)


def imports_present(connection: Connection) -> int:
    """How many imports the database has recorded."""
    return importlog.count(connection)


def _utc(moment: datetime) -> datetime:
    """A logged time in UTC (PostgreSQL returns it in the session's time zone; SQLite naive)."""
    return moment.astimezone(UTC) if moment.tzinfo else moment


def records_in(counts: dict[str, int]) -> int:
    """How many CSV records a load wrote (its derived rows, names and links, not counted)."""
    return sum(counts.get(seed.table, 0) for seed in spec.SEED_FILES)


def check_import(
    engine: Engine, path: Path, *, max_bytes: int | None = DEFAULT_MAX_FILE_BYTES
) -> tuple[SeedSet, list[Problem]]:
    """Every problem an import of ``path`` into the database would meet; nothing is written."""
    seeds, problems = read_import(path, max_bytes)
    with engine.connect() as connection:
        existing = existing_state(connection, seeds.files)
    return seeds, problems + validate(seeds, existing)


def checked_seed_set(folder: Path) -> SeedSet:
    """The seed files of ``folder``, read and validated; any problem raises :class:`SeedError`."""
    seeds, problems = read_seed_set(folder)
    problems += validate(seeds)
    if problems:
        raise SeedError(problems)
    return seeds


def replace_content(
    connection: Connection, seeds: SeedSet, where: str, *, replace_imports: bool = False
) -> dict[str, int]:
    """In the caller's write transaction: every exodb row deleted, then ``seeds`` written.

    Raises :class:`ImportsPresent` (nothing changed) when the database holds imported records,
    unless ``replace_imports``. Returns the rows written per table.
    """
    imported = imports_present(connection)
    if imported and not replace_imports:
        raise ImportsPresent(
            f"the database holds records from {imported} import(s), which reloading the "
            "seeds would remove; save them with `exodb export csv DIR` first, then run "
            "`exodb seed --replace-imports`"
        )
    write.clear(connection)
    return write.write_or_explain(connection, seeds, where)


def checked_import(path: Path, max_bytes: int | None) -> SeedSet:
    """The files of an import, read; a problem in any file raises :class:`SeedError`."""
    seeds, problems = read_import(path, max_bytes)
    if problems:
        raise SeedError(problems)
    return seeds


def add_records(
    connection: Connection, seeds: SeedSet, path: Path, digest: str, progress: Any = None
) -> dict[str, int]:
    """In the caller's write transaction (whose lock makes what it reads current): ``seeds``
    checked against the database, written and logged as one import.

    Raises :class:`SeedError`, or :class:`AlreadyImported` when the same files were imported
    before and every record is already present; nothing is written then.
    """
    rows = sum(len(r) for r in seeds.files.values())
    problems = validate(seeds, existing_state(connection, seeds.files))
    if problems:
        earlier = importlog.earlier_import(connection, digest)
        if earlier is not None and importlog.is_repeat(problems, rows):
            raise AlreadyImported(
                f"every record of {path} is already in the database: the same files were "
                f"imported on {_utc(earlier.imported_at):%Y-%m-%d %H:%M} UTC (import "
                f"{earlier.number}, {earlier.rows} records); nothing was written"
            )
        raise SeedError(problems)
    counts = write.write_or_explain(connection, seeds, str(path), progress)
    files = [spec.BY_NAME[name].filename for name in seeds.files]
    importlog.record(connection, Path(path), files, records_in(counts), digest)
    return counts
