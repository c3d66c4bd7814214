"""Engines, sessions, write transactions and read snapshots for exodb's databases.

SQLite reads keep the driver's own transaction handling: each statement sees the newest commit
and holds no lock once it has run, so a notebook session sees what a load just added and never
keeps a writer waiting. Where exodb needs a real transaction it asks for one explicitly, and
the connection hands transaction control to SQLAlchemy for that time: a load begins with
``BEGIN IMMEDIATE`` (the write lock before its first read, so the ids it writes are those at its
commit), a migration likewise (its DDL inside the transaction, which the driver's own handling
would have run outside any), and an export with ``BEGIN`` (one state of the data for all its
files). Left to itself, the driver opens a transaction only before the first INSERT, UPDATE or
DELETE: schema changes ran unprotected and a load read its ids from before its own transaction.

Every SQLite connection has foreign keys on: SQLite leaves them off by default and ignores the
pragma inside a transaction, so it is set as soon as the connection opens.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, Executable, create_engine, event, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from exodb.storage.config import resolve_url, sqlite_path

# How long a writer waits for another writer's lock before giving up. A load holds the lock for
# the length of its write transaction; EXODB_BUSY_TIMEOUT (seconds) changes the wait.
BUSY_TIMEOUT_SECONDS = 30.0
ENV_BUSY_TIMEOUT = "EXODB_BUSY_TIMEOUT"

# Every load on PostgreSQL takes this transaction-level advisory lock first, so two loads run
# one after the other, each reading the ids it writes only after the other has committed.
LOAD_LOCK_KEY = 0x6578_6F64_625F_6C64  # "exodb_ld"
_BEGIN_OPTION = "exodb_sqlite_begin"


# SQLite's busy timeout is a C int of milliseconds; PostgreSQL's lock_timeout the same.
_LONGEST_WAIT_SECONDS = (2**31 - 1) / 1000


def busy_timeout() -> float:
    """Seconds a writer waits for another writer's lock (``$EXODB_BUSY_TIMEOUT``, else 30)."""
    raw = os.environ.get(ENV_BUSY_TIMEOUT, "")
    try:
        value = float(raw)
    except ValueError:
        return BUSY_TIMEOUT_SECONDS
    if math.isnan(value) or value < 0:
        return BUSY_TIMEOUT_SECONDS
    return min(value, _LONGEST_WAIT_SECONDS)


def busy_error(where: str) -> Exception:
    """The one refusal for a writer that waited too long for another writer."""
    from exodb.errors import DatabaseBusy

    return DatabaseBusy(
        f"another process is writing to {where}; exodb waited {busy_timeout():g} s for it to "
        "finish. Try again when it has, or wait longer with EXODB_BUSY_TIMEOUT=SECONDS; nothing "
        "was written"
    )


def is_locked(message: str) -> bool:
    """True when a SQLite error says another connection holds the lock."""
    return "database is locked" in message or "database table is locked" in message


def _on_sqlite_connect(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA foreign_keys=ON")


def _on_sqlite_begin(connection: Connection) -> None:
    mode = connection.get_execution_options().get(_BEGIN_OPTION)
    if mode is None:
        return  # the driver's own handling (see the module docstring)
    # Explicit transactions from here until the connection goes back to the pool.
    connection.connection.driver_connection.isolation_level = None
    connection.exec_driver_sql(f"BEGIN {mode}")


def _on_sqlite_checkin(dbapi_connection, _record) -> None:
    # The next user of this pooled connection gets the driver's own handling again.
    if dbapi_connection.isolation_level is None:
        if dbapi_connection.in_transaction:
            dbapi_connection.rollback()
        dbapi_connection.isolation_level = ""


def explicit_transactions(connection: Connection, mode: str = "DEFERRED") -> Connection:
    """Have ``connection``'s transactions begin with ``BEGIN {mode}`` on SQLite (no-op
    elsewhere); returns the connection."""
    if connection.dialect.name == "sqlite":
        connection.execution_options(**{_BEGIN_OPTION: mode})
    return connection


def abandon(connection: Connection) -> None:
    """Roll back at the driver: after a failed COMMIT, SQLite may still hold the transaction
    that SQLAlchemy already counts as ended."""
    with contextlib.suppress(Exception):
        driver = connection.connection.driver_connection
        if getattr(driver, "in_transaction", False):
            driver.rollback()


def make_engine(url: str | URL | None = None, *, create_parent: bool = True) -> Engine:
    """Create an engine for ``url`` (resolved as in :func:`exodb.storage.config.resolve_url`).

    For a SQLite file, the parent folder is created when ``create_parent`` is true.
    """
    resolved = resolve_url(url) if not isinstance(url, URL) else url
    path = sqlite_path(resolved)
    if path is not None and create_parent:
        path.parent.mkdir(parents=True, exist_ok=True)
    if str(resolved).startswith("sqlite"):
        _refuse_ignored_options(resolved)
        engine = create_engine(resolved, connect_args={"timeout": busy_timeout()})
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        event.listen(engine, "checkin", _on_sqlite_checkin)
        from exodb.storage.interrupt import on_sqlite_connect  # Ctrl-C stops a running statement

        event.listen(engine, "connect", on_sqlite_connect)
        return engine
    return _server_engine(resolved)


def _refuse_ignored_options(url: str | URL) -> None:
    """SQLite options such as ?mode=ro take effect only in the file: URI form; elsewhere the
    driver ignores them, and a "read-only" database would be written to."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    uri = str(parsed.query.get("uri", "")).lower() == "true"
    ignored = sorted(set(parsed.query) - {"uri", "timeout", "check_same_thread"})
    if ignored and not uri:
        raise ValueError(
            f"the SQLite URL option(s) {', '.join(ignored)} take effect only in the URI form "
            "(sqlite:///file:PATH?mode=ro&uri=true); give a plain path otherwise"
        )


def _server_engine(url: str | URL) -> Engine:
    """An engine for a server URL, or a clear error for a dialect or driver that is missing."""
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    scheme = str(url).split(":", 1)[0]
    try:
        if not scheme.startswith("postgresql"):
            raise NoSuchModuleError(scheme)
        return create_engine(url)
    except NoSuchModuleError:
        raise ValueError(
            f"exodb works with SQLite files and PostgreSQL (postgresql+psycopg://...); "
            f"'{scheme}' is not one of them"
        ) from None
    except ArgumentError as exc:
        raise ValueError(f"not a database URL: {exc}") from None
    except ModuleNotFoundError as exc:
        hint = " (pip install 'exodb[postgres]')" if "psycopg" in str(exc) else ""
        raise ValueError(f"the database driver is not installed: {exc.name}{hint}") from None


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

    from exodb.errors import DamagedDatabase
    from exodb.storage import integrity

    where = str(sqlite_path(engine.url) or engine.url.render_as_string(hide_password=True))
    _refuse_read_only(engine)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        explicit_transactions(connection, "IMMEDIATE")
        try:
            transaction = connection.begin()
            if sqlite and check_intact and (found := integrity.problems(connection)):
                raise DamagedDatabase(integrity.damaged_message(where, found[0]))
        except DBAPIError as exc:
            abandon(connection)
            message = str(exc.orig)
            if is_locked(message):
                raise busy_error(where) from None
            if integrity.is_damage(message):
                raise DamagedDatabase(integrity.damaged_message(where, message)) from None
            raise
        try:
            with transaction:
                if not sqlite:
                    _take_load_lock(connection, where)
                yield connection
        except DBAPIError as exc:
            abandon(connection)
            if is_locked(str(exc.orig)):  # a COMMIT that a reader's lock held off too long
                raise busy_error(where) from None
            raise


def opened_read_only(url: str | URL) -> bool:
    """True for a SQLite file opened through a read-only URI (``mode=ro`` or ``immutable=1``),
    as :func:`exodb.workflows.database.open_database` opens one this process cannot write."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.query.get("uri") != "true":
        return False
    options = (parsed.database or "").partition("?")[2].split("&")
    return "mode=ro" in options or "immutable=1" in options


def _refuse_read_only(engine: Engine) -> None:
    """A write to a file opened read-only is refused before it starts, saying why (SQLite would
    only say "attempt to write a readonly database" once the write had begun)."""
    if opened_read_only(engine.url):
        from exodb.errors import NotWritable
        from exodb.storage.config import not_writable_message

        raise NotWritable(not_writable_message(sqlite_path(engine.url)))


def _take_load_lock(connection: Connection, where: str) -> None:
    """PostgreSQL: wait for another load's lock as long as SQLite would, then refuse."""
    from sqlalchemy.exc import DBAPIError

    milliseconds = max(1, int(busy_timeout() * 1000))  # 0 would mean no limit at all
    previous = connection.exec_driver_sql("SELECT current_setting('lock_timeout')").scalar()
    connection.exec_driver_sql(f"SET LOCAL lock_timeout = {milliseconds}")
    try:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOAD_LOCK_KEY})
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) != "55P03":  # lock_not_available
            raise
        raise busy_error(where) from None
    # The lock is ours: the rest of the load runs under the setting it found.
    connection.execute(text("SELECT set_config('lock_timeout', :v, true)"), {"v": previous})


@contextmanager
def read_snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection whose every read sees one state of the data, until the block ends.

    SQLite: one deferred transaction (in WAL mode, readers never wait for writers).
    PostgreSQL: a REPEATABLE READ, READ ONLY transaction. Nothing is written; it rolls back.
    """
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execution_options(isolation_level="REPEATABLE READ")
        explicit_transactions(connection, "DEFERRED")
        with connection.begin() as transaction:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql("SET TRANSACTION READ ONLY")
            yield connection
            transaction.rollback()


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
