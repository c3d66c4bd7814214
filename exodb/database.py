"""Open, create and seed exodb databases: the library behind ``exodb init`` and ``connect``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, inspect

from exodb.config import is_default, resolve_url, sqlite_path
from exodb.db import make_engine
from exodb.errors import SchemaError


@dataclass(frozen=True)
class InitReport:
    url: str
    revision: str
    seeded: bool
    rows: int


def is_seeded(engine: Engine) -> bool:
    """True when the database already holds curated rows."""
    from exodb import migrations

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
    from exodb import loader, migrations
    from exodb.resources import seeds_dir

    migrations.upgrade(engine)
    rows = 0
    seeded = False
    if seed and (reseed or not is_seeded(engine)):
        counts = loader.load_folder(engine, seeds or seeds_dir())
        rows = sum(counts.values())
        seeded = True
    return InitReport(
        url=engine.url.render_as_string(hide_password=True),
        revision=migrations.head_revision(),
        seeded=seeded,
        rows=rows,
    )


def open_database(url: str | None = None, *, notify: Callable[[str], None] | None = None) -> Engine:
    """An engine on a ready database.

    The default SQLite file is built from the bundled seeds the first time it is used (and
    ``notify`` is told so, in one line). Any other database must already be initialised; if
    it is missing or behind this version's schema, :class:`exodb.errors.SchemaError` says
    which command fixes it.
    """
    resolved = resolve_url(url)
    path = sqlite_path(resolved)
    if is_default(url) and path is not None and not path.exists():
        engine = make_engine(resolved)
        report = init_database(engine)
        if notify:
            notify(f"exodb: created the default database at {path} ({report.rows} rows from seeds)")
        return engine
    if path is not None and not path.exists():
        raise SchemaError(f"no database at {path}; run `exodb --db {path} init` to create it")
    from exodb.revision import ensure_current

    engine = make_engine(resolved, create_parent=False)
    ensure_current(engine, "" if is_default(url) else str(url))
    return engine


def backup(url: str | None, target: Path, *, overwrite: bool = False) -> Path:
    """Copy the SQLite database at ``url`` to ``target`` with SQLite's online backup API.

    The copy is consistent even while other connections read (or write) the source.
    """
    import sqlite3

    path = sqlite_path(resolve_url(url))
    if path is None:
        raise ValueError(
            "exodb backup copies SQLite files; for PostgreSQL use pg_dump (for example "
            "`pg_dump --format=custom DBNAME > exodb.dump`)"
        )
    target = Path(target)
    if target.exists() and not overwrite:
        raise ValueError(f"{target} exists; choose another name or pass --force")
    if target.resolve() == path.resolve():
        raise ValueError("the backup cannot overwrite the database itself")
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        destination.close()
        source.close()
    return target
