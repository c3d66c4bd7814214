"""Engines and sessions for exodb's databases.

Every SQLite connection that exodb opens has foreign keys switched on: SQLite leaves them off by
default and ignores the pragma inside a transaction, so it is set from a connect-event listener,
before anything else runs on the connection.
"""

from __future__ import annotations

from sqlalchemy import Engine, Executable, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from exodb.config import resolve_url, sqlite_path

BUSY_TIMEOUT_SECONDS = 30


def _enable_sqlite_foreign_keys(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str | None = None, *, create_parent: bool = True) -> Engine:
    """Create an engine for ``url`` (resolved as in :func:`exodb.config.resolve_url`).

    For a SQLite file, the parent folder is created when ``create_parent`` is true.
    """
    resolved = resolve_url(url)
    path = sqlite_path(resolved)
    if path is not None and create_parent:
        path.parent.mkdir(parents=True, exist_ok=True)
    if resolved.startswith("sqlite"):
        # Wait for a writer instead of failing with "database is locked" at once.
        engine = create_engine(resolved, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})
    else:
        engine = create_engine(resolved)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to ``engine``; sessions do not expire objects on commit."""
    return sessionmaker(engine, expire_on_commit=False)


def plain_rows(session: Session, stmt: Executable) -> list[tuple]:
    """The rows of ``stmt`` as the driver returns them: plain tuples, no per-row Python objects.

    For result sets of tens of thousands of rows, building SQLAlchemy rows costs more than the
    query; this path is for statements whose columns need no type conversion (text, integers).
    The statement still goes through SQLAlchemy's compiled cache and its events.
    """
    result = session.connection().execute(stmt)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()
