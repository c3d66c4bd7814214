"""Run exodb's Alembic migrations from code, independent of the current directory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from exodb.errors import SchemaError
from exodb.resources import migrations_dir

# Objects the models do not describe on purpose: SQLite's FTS5 index and its shadow tables, and
# (on other backends) the PostgreSQL-only full-text index. Autogenerate must not touch them.
FTS_TABLE = "search_fts"
PG_ONLY_INDEXES = {"ix_search_document_text_fts"}


def include_object_for(dialect: str) -> Callable[..., bool]:
    """An Alembic ``include_object`` hook for ``dialect`` that leaves exodb's full-text objects
    out of autogenerate comparisons."""

    def include_object(obj: Any, name: str | None, type_: str, reflected: bool, other: Any) -> bool:
        if type_ == "table" and name and name.startswith(FTS_TABLE):
            return False
        if type_ == "index" and name in PG_ONLY_INDEXES:
            return dialect == "postgresql"
        return True

    return include_object


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the bundled migrations, optionally bound to a connection."""
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest revision this version of exodb knows."""
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:
        raise SchemaError(f"the migrations have {len(heads)} heads; expected exactly one")
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for a database exodb never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _run(engine: Engine, action, revision: str) -> None:
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Write-ahead logging lets readers go on while an import writes, and they never see
            # half of it. The setting is stored in the file, so it holds for every later use.
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")
            # Batch mode rebuilds tables by copy-and-rename, which foreign keys would block;
            # the pragma only takes effect outside a transaction, so set it first.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        action(alembic_config(connection), revision)
        if sqlite:
            problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                connection.rollback()
                raise SchemaError(f"migration left dangling foreign keys: {problems[:5]}")
        connection.commit()
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database up to ``revision`` (default: the newest)."""
    _run(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate the database down to ``revision`` (``base`` removes every exodb table)."""
    _run(engine, command.downgrade, revision)


def ensure_current(engine: Engine, url_hint: str = "") -> None:
    """Raise :class:`SchemaError` with the fixing command unless the database is at head."""
    from exodb.revision import ensure_current as check

    check(engine, url_hint)


def table_count(connection: Connection, table: str) -> int:
    """Rows in ``table`` (used to tell an empty database from a seeded one)."""
    return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
