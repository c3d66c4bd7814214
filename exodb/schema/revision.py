"""The schema revision this version of exodb expects, and a light check of a database against it.

Query commands check the revision on every run; doing it with a plain SELECT instead of Alembic
keeps Alembic out of their start-up. A test keeps ``HEAD_REVISION`` equal to the newest
migration.
"""

from __future__ import annotations

from sqlalchemy import Engine, inspect, text

from exodb.errors import SchemaError

HEAD_REVISION = "0012"


def database_revision(engine: Engine) -> str | None:
    """The revision recorded in the database, or None where exodb never migrated it."""
    if not inspect(engine).has_table("alembic_version"):
        return None
    with engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def ensure_current(engine: Engine, url_hint: str = "") -> None:
    """Raise :class:`SchemaError`, naming the fixing command, unless the database is at head."""
    current = database_revision(engine)
    where = f" --db {url_hint}" if url_hint else ""
    if current is None:
        raise SchemaError(f"the database has no exodb schema; run `exodb{where} init` to create it")
    if current != HEAD_REVISION:
        raise SchemaError(
            f"the database is at schema revision {current}, this exodb expects {HEAD_REVISION}; "
            f"run `exodb{where} init` to upgrade it"
        )
