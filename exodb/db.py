"""Engines, sessions and write transactions for exodb's databases.

SQLite connections are set up so that SQLAlchemy, not the driver, decides where transactions
begin and end. Python's sqlite3 driver, left to itself, opens a transaction only before an
INSERT, UPDATE or DELETE: schema changes ran outside any transaction (an interrupted migration
left half a schema behind), and a load read the ids it was about to write from before its own
transaction, where a concurrent load could change them. Here every transaction begins with an
explicit ``BEGIN``, and a write transaction with ``BEGIN IMMEDIATE``, which takes the write lock
before the first read.

Every SQLite connection has foreign keys on: SQLite leaves them off by default and ignores the
pragma inside a transaction, so it is set as soon as the connection opens.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, Executable, create_engine, event, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from exodb.config import resolve_url, sqlite_path

# How long a writer waits for another writer's lock before giving up. A load holds the lock for
# the length of its write transaction; EXODB_BUSY_TIMEOUT (seconds) changes the wait.
BUSY_TIMEOUT_SECONDS = 30.0
ENV_BUSY_TIMEOUT = "EXODB_BUSY_TIMEOUT"

# Every load on PostgreSQL takes this transaction-level advisory lock first, so two loads run
# one after the other, each reading the ids it writes only after the other has committed.
LOAD_LOCK_KEY = 0x6578_6F64_625F_6C64  # "exodb_ld"
_BEGIN_OPTION = "exodb_sqlite_begin"


def busy_timeout() -> float:
    """Seconds a SQLite writer waits for the lock (``$EXODB_BUSY_TIMEOUT``, else 30)."""
    raw = os.environ.get(ENV_BUSY_TIMEOUT, "")
    try:
        value = float(raw)
    except ValueError:
        return BUSY_TIMEOUT_SECONDS
    return value if value >= 0 else BUSY_TIMEOUT_SECONDS


def _on_sqlite_connect(dbapi_connection, _record) -> None:
    # No implicit transactions from the driver; SQLAlchemy's begin event below starts them.
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA foreign_keys=ON")


def _on_sqlite_begin(connection: Connection) -> None:
    mode = connection.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str | URL | None = None, *, create_parent: bool = True) -> Engine:
    """Create an engine for ``url`` (resolved as in :func:`exodb.config.resolve_url`).

    For a SQLite file, the parent folder is created when ``create_parent`` is true.
    """
    resolved = resolve_url(url) if not isinstance(url, URL) else url
    path = sqlite_path(resolved)
    if path is not None and create_parent:
        path.parent.mkdir(parents=True, exist_ok=True)
    if str(resolved).startswith("sqlite"):
        engine = create_engine(resolved, connect_args={"timeout": busy_timeout()})
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    return create_engine(resolved)


def driver_execute(connection: Connection, sql: str) -> None:
    """Run ``sql`` on the driver connection, outside any transaction (SQLite pragmas such as
    journal_mode and foreign_keys take effect only there)."""
    connection.connection.driver_connection.execute(sql)


@contextmanager
def write_transaction(engine: Engine, *, check_intact: bool = True) -> Iterator[Connection]:
    """A transaction that holds the database's write lock from its first statement to commit.

    Everything a load reads inside it (the ids it will point at, the rows already present) is
    what it writes against: no other load can commit in between. SQLite: ``BEGIN IMMEDIATE``
    (a second writer waits up to :func:`busy_timeout`, then gets :class:`DatabaseBusy`), and
    with ``check_intact`` SQLite's quick check first, so a damaged file is never written to
    (:class:`DamagedDatabase`). PostgreSQL: a transaction-level advisory lock, taken before
    anything is read. Commits on success, rolls back on any exception.
    """
    from sqlalchemy.exc import DBAPIError

    from exodb import integrity
    from exodb.errors import DamagedDatabase, DatabaseBusy

    where = str(sqlite_path(engine.url) or engine.url.render_as_string(hide_password=True))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
        try:
            transaction = connection.begin()
            if sqlite and check_intact and (found := integrity.problems(connection)):
                raise DamagedDatabase(integrity.damaged_message(where, found[0]))
        except DBAPIError as exc:
            message = str(exc.orig)
            if "database is locked" in message:
                raise DatabaseBusy(
                    f"another process is writing to {where}; exodb waited {busy_timeout():g} s "
                    "for it to finish. Try again when it has, or wait longer with "
                    "EXODB_BUSY_TIMEOUT=SECONDS; nothing was written"
                ) from None
            if integrity.is_damage(message):
                raise DamagedDatabase(integrity.damaged_message(where, message)) from None
            raise
        with transaction:
            if not sqlite:
                _take_load_lock(connection, where)
            yield connection


def _take_load_lock(connection: Connection, where: str) -> None:
    """PostgreSQL: wait for another load's lock as long as SQLite would, then refuse."""
    from sqlalchemy.exc import DBAPIError

    from exodb.errors import DatabaseBusy

    milliseconds = max(1, int(busy_timeout() * 1000))  # 0 would mean no limit at all
    connection.exec_driver_sql(f"SET LOCAL lock_timeout = {milliseconds}")
    try:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOAD_LOCK_KEY})
    except DBAPIError as exc:
        if "lock timeout" not in str(exc.orig):
            raise
        raise DatabaseBusy(
            f"another process is writing to {where}; exodb waited {busy_timeout():g} s "
            "for it to finish. Try again when it has, or wait longer with "
            "EXODB_BUSY_TIMEOUT=SECONDS; nothing was written"
        ) from None
    connection.exec_driver_sql("SET LOCAL lock_timeout = 0")  # the lock is ours; no limit now


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
