"""Open, create and seed exodb databases: the library behind ``exodb init`` and ``connect``."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Connection, Engine, inspect

from exodb.errors import NotWritable, SchemaError
from exodb.storage import integrity
from exodb.storage.config import (
    can_write,
    is_default,
    not_writable_message,
    read_only_url,
    resolve_url,
    sqlite_path,
)
from exodb.storage.connection import make_engine

T = TypeVar("T")


@dataclass(frozen=True)
class InitReport:
    url: str
    revision: str
    seeded: bool
    rows: int


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database up to ``revision``, whole or not at all; an upgrade that finds data
    but no search index builds the index in the same transaction (see below)."""
    from exodb.schema import migrations

    migrations.upgrade(engine, revision, after=_fill_derived)


def _fill_derived(connection: Connection) -> None:
    _fill_bundled_extraction(connection)
    _fill_bundled_identifiers(connection)
    _fill_search_index(connection)


# What the bundled seeds hold for the extraction's tables (revision 0009): an upgrade of a
# seeded database brings them in, as a new database would have them.
BUNDLED_EXTRACTION_FILES = ("outcome_scales", "separation_methods", "bias_domains", "arms")


def _fill_bundled_extraction(connection: Connection) -> None:
    """A seeded database upgraded to the extraction's revision gets the bundled vocabularies
    (scales, separation methods, risk-of-bias domains) and the bundled arms, in the upgrade's
    own transaction; a database that has any of them already is left alone.

    The rows are checked against the database like an import; the arms are left out where the
    database lacks the studies or routes they name (a database seeded from other seed files).
    """
    from exodb.schema.migrations import table_count

    if not connection.dialect.has_table(connection, "outcome_scale"):
        return
    if not table_count(connection, "reference"):
        return
    if any(table_count(connection, name) for name in ("outcome_scale", "separation_method")):
        return
    from exodb.curation import seedspec as spec
    from exodb.curation import write
    from exodb.curation.seedread import SeedSet, read_file
    from exodb.curation.validate import existing_state, validate
    from exodb.errors import SeedError
    from exodb.io.resources import seeds_dir
    from exodb.schema.generation import advance_generation, data_generation

    seeds, problems = SeedSet(seeds_dir()), []
    for name in BUNDLED_EXTRACTION_FILES:
        seed = spec.BY_NAME[name]
        seeds.paths[name] = str(seeds.folder / seed.filename)
        seeds.files[name] = read_file(seed, seeds.folder / seed.filename, problems)
    if table_count(connection, "arm") or validate(seeds, existing_state(connection, ["arms"])):
        del seeds.files["arms"]
    problems += validate(seeds, existing_state(connection, seeds.files))
    if problems:
        raise SeedError(problems)
    write.write_or_explain(connection, seeds, str(seeds.folder))
    advance_generation(connection, data_generation(connection))


# The identifier files (revision 0011), which an upgrade of a seeded database brings in too.
BUNDLED_IDENTIFIER_FILES = (
    "cell_source_identifiers",
    "species_identifiers",
    "molecule_identifiers",
    "pathway_identifiers",
    "mechanism_identifiers",
)


def _fill_bundled_identifiers(connection: Connection) -> None:
    """A seeded database upgraded to the identifiers' revision gets the bundled identifiers,
    in the upgrade's own transaction; a database that has any identifier already is left
    alone, and a file whose rows name what the database lacks (one seeded from other files)
    is left out whole."""
    from exodb.schema.migrations import table_count

    tables = [name.removesuffix("s") for name in BUNDLED_IDENTIFIER_FILES]
    if not connection.dialect.has_table(connection, tables[0]):
        return
    if not table_count(connection, "reference"):
        return
    if any(table_count(connection, name) for name in tables):
        return
    from exodb.curation import seedspec as spec
    from exodb.curation import write
    from exodb.curation.seedread import SeedSet, read_file
    from exodb.curation.validate import existing_state, validate
    from exodb.io.resources import seeds_dir
    from exodb.schema.generation import advance_generation, data_generation

    seeds = SeedSet(seeds_dir())
    for name in BUNDLED_IDENTIFIER_FILES:
        seed, problems = spec.BY_NAME[name], []
        one = SeedSet(seeds.folder)
        one.paths[name] = str(seeds.folder / seed.filename)
        one.files[name] = read_file(seed, seeds.folder / seed.filename, problems)
        if problems or validate(one, existing_state(connection, [name])):
            continue
        seeds.paths[name], seeds.files[name] = one.paths[name], one.files[name]
    if not any(seeds.files.values()):
        return
    write.write_or_explain(connection, seeds, str(seeds.folder))
    advance_generation(connection, data_generation(connection))


def _fill_search_index(connection: Connection) -> None:
    """An upgrade that finds data but an empty search index fills it (and renews the data
    generation that kept reports are tied to), in the upgrade's own transaction on SQLite.

    That is the state after an upgrade from before the index existed, including one that was
    interrupted after the index's own revision; an index the data left empty costs one count.
    """
    from exodb.schema.migrations import table_count

    if not table_count(connection, "reference") or table_count(connection, "search_document"):
        return
    from exodb.console.search import rebuild_index
    from exodb.schema.generation import advance_generation, data_generation

    rebuild_index(connection)
    advance_generation(connection, data_generation(connection))


def is_seeded(engine: Engine) -> bool:
    """True when the database already holds curated rows."""
    from exodb.schema import migrations

    if not inspect(engine).has_table("reference"):
        return False
    with engine.connect() as connection:
        return migrations.table_count(connection, "reference") > 0


def init_database(
    engine: Engine, *, reseed: bool = False, seeds: Path | None = None, seed: bool = True
) -> InitReport:
    """Create or upgrade the schema, then load the seeds if the database is empty (or ``reseed``).

    Safe to run again: an up-to-date, seeded database is left as it is. ``seed=False`` creates
    the schema only.
    """
    from exodb.io.resources import seeds_dir
    from exodb.schema import migrations
    from exodb.workflows import load

    upgrade(engine)
    rows = 0
    seeded = False
    if seed and (reseed or not is_seeded(engine)):
        counts = load.load_folder(engine, seeds or seeds_dir())
        rows = sum(counts.values())
        seeded = True
    return InitReport(
        url=engine.url.render_as_string(hide_password=True),
        revision=migrations.head_revision(),
        seeded=seeded,
        rows=rows,
    )


def _build_new_file(path: Path, fill: Callable[[Engine], T], *, default: bool = False) -> T | None:
    """Run ``fill`` on a new database in a temporary file beside ``path``, then rename it to
    ``path``; None when another process published ``path`` first (ours is discarded).

    On failure no file is left under ``path``, and no temporary beside it.
    """
    from exodb.io.safefile import UnsafeTarget, replacing
    from exodb.storage.config import sqlite_url

    path = Path(path)
    _make_folder(path, default=default)
    try:
        with replacing(path, overwrite=False) as temporary:
            engine = make_engine(sqlite_url(temporary))
            try:
                result = fill(engine)
                with engine.connect() as connection:
                    # Everything into the main file before the rename: no -wal is left behind.
                    connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                engine.dispose()
    except UnsafeTarget:
        if not path.exists():
            raise
        return None
    return result


# The errors of a folder that cannot be made or written to, as opposed to a full disk.
_NOT_WRITABLE = (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR, errno.EEXIST)


def _make_folder(path: Path, *, default: bool) -> None:
    """Make ``path``'s folder (and its missing parents) and check it can take a new file, or
    raise :class:`NotWritable` naming the folder."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if exc.errno not in _NOT_WRITABLE:
            raise
        raise NotWritable(
            _cannot_create(path, f"{exc.filename}: {exc.strerror}", default)
        ) from None
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise NotWritable(_cannot_create(path, "the folder is not writable", default))


def _cannot_create(path: Path, reason: str, default: bool) -> str:
    if default:
        return (
            f"cannot create the default database in {path.parent} ({reason}). Choose another "
            "folder for it with EXODB_HOME=FOLDER, or a database file with --db FILE"
        )
    return f"cannot create {path} ({reason}). Choose a file in a folder you can write to with --db"


def _refuse_folder(path: Path) -> None:
    """A folder is not a database: SQLite would only say it is "unable to open database file"."""
    if path.is_dir():
        raise IsADirectoryError(
            errno.EISDIR,
            f"is a folder, not a database file; name a file in it (--db {path / 'exodb.sqlite'})",
            str(path),
        )


def build_sqlite_file(path: Path, *, seeds: Path | None = None, seed: bool = True) -> InitReport:
    """Create a new SQLite database at ``path``: built in a temporary file beside it and renamed
    into place only when complete, so a kill or a full disk never leaves a half-built database
    (or a schema-only one that answers every question with nothing) under that name.

    Two processes building the same file at once are fine: the first to finish publishes it,
    and the other completes the published one instead.
    """
    from exodb.storage.config import sqlite_url

    return init_url(sqlite_url(path), seeds=seeds, seed=seed)


def _on_database(url: str | None, fill: Callable[[Engine], T]) -> T:
    """Run ``fill`` on the database at ``url``; a SQLite file that does not exist yet is built
    whole (:func:`_build_new_file`), any other database is used as it is."""
    resolved = resolve_url(url)
    path = sqlite_path(resolved)
    if path is not None:
        _refuse_folder(path)
    if path is not None and not path.exists():
        result = _build_new_file(path, fill, default=is_default(url))
        if result is not None:
            return result
        # Another process published the file first: carry on with the published one.
    if path is not None and not can_write(path):
        raise NotWritable(not_writable_message(path))
    engine = make_engine(resolved)
    try:
        return fill(engine)
    finally:
        engine.dispose()


def seed_url(url: str | None, folder: Path, *, replace_imports: bool = False) -> dict[str, int]:
    """``exodb seed``: replace the database's content with the seed files in ``folder``.

    A new SQLite file is built whole; an existing database is upgraded first, then loaded in
    one transaction (see :func:`exodb.workflows.load.load_folder`).
    """
    from exodb.workflows import load

    def fill(engine: Engine) -> dict[str, int]:
        refuse_foreign(engine)
        upgrade(engine)
        return load.load_folder(engine, folder, replace_imports=replace_imports)

    return _on_database(url, fill)


def init_url(
    url: str | None,
    *,
    reseed: bool = False,
    seeds: Path | None = None,
    seed: bool = True,
    into_existing: bool = False,
) -> InitReport:
    """``exodb init``: a new SQLite file is built whole; an existing database is upgraded (each
    migration whole or not at all) and seeded if empty.

    A database that holds other software's tables and no exodb schema is refused
    (:class:`ForeignDatabase`, nothing written) unless ``into_existing``.
    """
    import dataclasses

    def fill(engine: Engine) -> InitReport:
        if not into_existing:
            refuse_foreign(engine)
        return init_database(engine, reseed=reseed, seeds=seeds, seed=seed)

    report = _on_database(url, fill)
    # Built in a temporary file, the report names that file; the user named this one.
    return dataclasses.replace(report, url=_shown_url(url))


# How many of a database's other tables a refusal names; the count of the rest follows.
FOREIGN_TABLES_SHOWN = 5


def foreign_tables(engine: Engine) -> list[str]:
    """The tables of a database with no exodb schema yet that are not exodb's own; [] for an
    exodb database (tables an analyst added to one are theirs to keep, and no reason to stop)."""
    from exodb.schema import migrations
    from exodb.schema.tables import metadata

    present = inspect(engine).get_table_names()
    if "alembic_version" in present:
        return []
    ours = set(metadata.tables) | {"alembic_version", migrations.FTS_TABLE}
    return sorted(
        name
        for name in present
        if name not in ours
        and not name.startswith(("sqlite_", f"{migrations.FTS_TABLE}_"))  # SQLite's, FTS's
    )


def refuse_foreign(engine: Engine) -> None:
    """Raise :class:`ForeignDatabase` when the database holds other software's tables: adding
    exodb's fifty-odd tables among them is rarely what was meant."""
    from exodb.errors import ForeignDatabase

    found = foreign_tables(engine)
    if not found:
        return
    shown = ", ".join(found[:FOREIGN_TABLES_SHOWN])
    more = len(found) - FOREIGN_TABLES_SHOWN
    if more > 0:
        shown += f" and {more} more"
    where = sqlite_path(engine.url) or engine.url.render_as_string(hide_password=True)
    raise ForeignDatabase(
        f"{where} is not an exodb database: it holds {len(found)} other table(s) ({shown}); "
        "nothing was written. Choose a new file with --db, or add exodb's tables beside them "
        "with `exodb init --into-existing`"
    )


def _shown_url(url: str | None) -> str:
    from sqlalchemy.engine import make_url

    return make_url(resolve_url(url)).render_as_string(hide_password=True)


def open_database(url: str | None = None, *, notify: Callable[[str], None] | None = None) -> Engine:
    """An engine on a ready database.

    The default SQLite file is built from the bundled seeds the first time it is used (and
    ``notify`` is told so, in one line), whole or not at all. Any other database must already
    be initialised; if it is missing or behind this version's schema,
    :class:`exodb.errors.SchemaError` says which command fixes it.
    """
    resolved = resolve_url(url)
    path = sqlite_path(resolved)
    if path is not None:
        _refuse_folder(path)
    if is_default(url) and path is not None and not path.exists():
        report = _on_database(None, init_database)
        if notify and report.seeded:
            notify(
                f"exodb: created the default database at {path} "
                f"({report.rows} database rows from seeds)"
            )
        return make_engine(resolved, create_parent=False)
    if path is not None and not path.exists():
        raise SchemaError(f"no database at {path}; run `exodb --db {path} init` to create it")
    if path is not None and not can_write(path):
        # Readers need not write: open it read-only (a writer is refused with the reason).
        resolved = read_only_url(path)
    from exodb.schema.revision import ensure_current

    engine = make_engine(resolved, create_parent=False)
    ensure_current(engine, "" if is_default(url) else str(url))
    return engine


def backup(url: str | None, target: Path, *, overwrite: bool = False) -> Path:
    """Copy the SQLite database at ``url`` to ``target`` with SQLite's online backup API.

    The copy is consistent even while other connections read (or write) the source. It is
    made in a temporary file beside ``target``, checked with SQLite's full integrity check, and
    renamed into place only when sound: a damaged source raises :class:`DamagedDatabase` and
    leaves no file; a kill or a full disk leaves no partial file.
    """
    import sqlite3

    from exodb.errors import DamagedDatabase
    from exodb.io.safefile import database_files, replacing
    from exodb.storage import integrity
    from exodb.storage.config import sqlite_uri

    path = sqlite_path(resolve_url(url))
    if path is None:
        raise ValueError(
            "exodb backup copies SQLite files; for PostgreSQL use pg_dump (for example "
            "`pg_dump --format=custom DBNAME > exodb.dump`)"
        )
    target = Path(target)
    # The copy is as private as the database: a 0600 file must not back up as 0644.
    source_mode = stat.S_IMODE(os.stat(path).st_mode) if path.exists() else None
    with replacing(
        target, protect=database_files(path), overwrite=overwrite, mode=source_mode
    ) as temporary:
        source = sqlite3.connect(sqlite_uri(path, "ro"), uri=True)
        destination = sqlite3.connect(temporary)
        try:
            try:
                source.backup(destination)
                found = [row[0] for row in destination.execute("PRAGMA integrity_check(20)")]
            except sqlite3.DatabaseError as exc:
                if integrity.is_damage(str(exc)):
                    raise DamagedDatabase(_no_backup(path, str(exc))) from None
                raise
            if found != ["ok"]:
                raise DamagedDatabase(_no_backup(path, found[0]))
        finally:
            destination.close()
            source.close()
    return target


def _no_backup(path: Path, detail: str) -> str:
    return integrity.damaged_message(str(path), detail, "no backup was written")
