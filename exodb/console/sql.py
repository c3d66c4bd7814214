"""Run a user's SQL against an exodb database: read-only and bounded, enforced by the database.

SQLite: the file is opened read-only (URI ``mode=ro``) with ``PRAGMA query_only``, and an
authorizer allows only what a query does (read tables, call functions, recurse, read pragmas);
every other action, and a statement that is not a query at all (``DROP TABLE IF EXISTS`` of a
missing table does nothing, and is still refused), is refused. A progress handler stops the
statement at its time limit or on Ctrl-C; ``SQLITE_LIMIT_LENGTH`` keeps SQLite from building a
value larger than the console returns.

PostgreSQL: the statement runs in a ``READ ONLY`` transaction that is rolled back, under
``statement_timeout`` and ``lock_timeout``. Before it runs, the server plans it with
``EXPLAIN``, which accepts only queries (SELECT, VALUES, TABLE, WITH, and the writes that READ
ONLY then refuses): COPY, DO, LOCK, SET, CALL, ANALYZE and the like never run. The plan names
every function the statement calls; functions that administer the server, signal other
sessions, change settings, take advisory locks or touch the server's files are refused.

Rows are streamed from the database in batches, so a long result never sits in memory whole.
Nothing here parses the SQL to decide what is allowed.
"""

from __future__ import annotations

import math
import re
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exodb.console.authorizer import QUERIES_ONLY, refusal
from exodb.errors import QueryTimeout, ReadOnlyError, SqlError, ValueTooLarge
from exodb.storage import interrupt
from exodb.storage.config import sqlite_uri

# A terminal user waits this long for an answer; --timeout gives more (0: no limit).
DEFAULT_TIMEOUT_SECONDS = 30.0
# The largest text or binary value the console returns: a page of a review is a few kB.
MAX_VALUE_BYTES = 1_000_000
# A batch ends at this many bytes of text and binary values, whichever of it and BATCH_ROWS
# comes first: a thousand values just under the cap would otherwise hold a gigabyte.
BATCH_BYTES = 8_000_000
# Rows fetched from the database at a time.
BATCH_ROWS = 1000


# PostgreSQL functions the console never calls, by name as the plan shows them: server
# administration, signalling other sessions (a role may signal its own sessions without any
# privilege), settings, advisory locks, large objects and the server's files, other databases,
# and the functions that run a query given as text (which the plan cannot see into).
_REFUSED_SERVER_FUNCTIONS = re.compile(
    r"pg_(terminate|cancel)_backend|pg_reload_conf|pg_rotate_logfile\w*|pg_promote"
    r"|pg_(start|stop)_backup|pg_backup_(start|stop)|pg_switch_wal|pg_create_restore_point"
    r"|pg_wal_replay_\w+|pg_log_backend_memory_contexts|pg_\w*replication_\w+"
    r"|pg_logical_\w+|pg_\w*_reset\w*|pg_stat_reset\w*|pg_import_system_collations"
    r"|set_config|pg_notify|pg_(try_)?advisory_\w+|lo_\w+|lo(read|write)"
    r"|pg_read_(binary_)?file|pg_stat_file|pg_ls_\w+|pg_file_\w+|dblink\w*"
    r"|(query|cursor)_to_xml\w*|ts_stat|ts_rewrite|pg_prewarm",
)
# PostgreSQL's commands that are not queries (the first word of their statements), for the
# message when EXPLAIN refuses one of them as a syntax error.
_SERVER_COMMANDS = {
    "ABORT",
    "ALTER",
    "ANALYZE",
    "BEGIN",
    "CALL",
    "CHECKPOINT",
    "CLOSE",
    "CLUSTER",
    "COMMENT",
    "COMMIT",
    "COPY",
    "CREATE",
    "DEALLOCATE",
    "DECLARE",
    "DISCARD",
    "DO",
    "DROP",
    "END",
    "EXECUTE",
    "EXPLAIN",
    "FETCH",
    "GRANT",
    "IMPORT",
    "LISTEN",
    "LOAD",
    "LOCK",
    "MOVE",
    "NOTIFY",
    "PREPARE",
    "REASSIGN",
    "REFRESH",
    "REINDEX",
    "RELEASE",
    "RESET",
    "REVOKE",
    "ROLLBACK",
    "SAVEPOINT",
    "SECURITY",
    "SET",
    "SHOW",
    "START",
    "TRUNCATE",
    "UNLISTEN",
    "VACUUM",
}

ONE_STATEMENT = "exodb sql runs one statement at a time; send the others separately"


@dataclass(frozen=True)
class SqlResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]
    # True when ``limit`` left rows out.
    truncated: bool = False

    def as_dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


@dataclass
class RowStream:
    """The rows of a running statement, fetched in batches as they are iterated.

    ``truncated`` becomes true when iteration stopped at ``limit`` with rows left; ``warnings``
    holds what the caller should tell the user (a role with more rights than the console needs).
    """

    columns: list[str]
    _batches: Iterator[list[tuple[Any, ...]]]
    limit: int | None = None
    truncated: bool = False
    warnings: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        count = 0
        for batch in self._batches:
            for row in batch:
                if self.limit is not None and count >= self.limit:
                    self.truncated = True
                    return
                count += 1
                yield tuple(row)


# The integers SQLite stores (and PostgreSQL's bigint): signed 64 bits.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
_QUOTE_IT = "quote it in SQL as text if you meant a string"


def parse_param(text: str) -> tuple[str, Any]:
    """``name=value`` -> (name, value); whole numbers and decimals become numbers.

    Only ASCII digits make a number ("١٢٣" stays text). A whole number beyond 64 bits, or a
    decimal beyond a double, raises ValueError: no database column could hold it.
    """
    name, sep, value = text.partition("=")
    if not sep or not re.fullmatch(r"[A-Za-z_]\w*", name):
        raise ValueError(f"--param expects name=value, got '{text}'")
    if re.fullmatch(r"[+-]?[0-9]+", value):
        number = int(value)
        if not INT64_MIN <= number <= INT64_MAX:
            raise ValueError(f"--param {name}: {value} does not fit a 64-bit integer; {_QUOTE_IT}")
        return name, number
    if re.fullmatch(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?", value):
        decimal = float(value)
        if math.isinf(decimal):
            raise ValueError(f"--param {name}: {value} does not fit a 64-bit float; {_QUOTE_IT}")
        return name, decimal
    return name, value


def _unique_columns(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for name in names:
        count = seen.get(name, 0)
        seen[name] = count + 1
        result.append(name if not count else f"{name}_{count + 1}")
    return result


def _seconds(timeout: float) -> str:
    return f"{timeout:g} s"


def _size(limit: int) -> str:
    return f"{limit // 1_000_000} MB" if limit % 1_000_000 == 0 else f"{limit:,} bytes"


def timeout_error(timeout: float, what: str = "ran longer than") -> QueryTimeout:
    return QueryTimeout(
        f"the query {what} the {_seconds(timeout)} limit and was stopped; give it more time "
        "with --timeout SECONDS (0 for no limit)"
    )


def _too_large(limit: int, where: str = "") -> ValueTooLarge:
    return ValueTooLarge(
        f"a value{where} is larger than the {_size(limit)} that exodb sql returns; select a "
        "part of it (substr) or its length"
    )


def _first_word(sql: str) -> str:
    """The statement's first keyword, for messages only (comments and brackets skipped)."""
    rest = re.sub(r"^(\s|--[^\n]*(\n|$)|/\*.*?\*/|\()*", "", sql, flags=re.S)
    match = re.match(r"[A-Za-z_]+", rest)
    return match.group(0).upper() if match else "this statement"


def function_refused(name: str) -> ReadOnlyError:
    return ReadOnlyError(
        f"exodb sql is read-only: {name}() is refused; the console calls no function that "
        "administers the server, signals a session, changes a setting, takes an advisory lock "
        "or reads the server's files"
    )


def not_a_query(sql: str) -> ReadOnlyError:
    return ReadOnlyError(f"exodb sql is read-only: {_first_word(sql)} is refused; {QUERIES_ONLY}")


def _check_params(params: dict[str, Any] | None) -> None:
    for name, value in (params or {}).items():
        # sqlite3 would raise OverflowError from deep inside the call.
        if isinstance(value, int) and not INT64_MIN <= value <= INT64_MAX:
            raise ValueError(f"parameter {name}: {value} does not fit a 64-bit integer")


class _SqliteGuard:
    """The authorizer and progress handler of one console connection, and what they saw."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout if timeout else math.inf
        self.expired = False
        self.refused: list[str] = []

    def progress(self) -> int:
        # Called inside SQLite's step: a pending Ctrl-C runs its handler here (see interrupt).
        if interrupt.requested():
            return 1
        if time.monotonic() > self.deadline:
            self.expired = True
            return 1
        return 0

    def authorize(self, action: int, arg1: str | None, arg2: str | None, *_: Any) -> int:
        reason = refusal(action, arg1, arg2)
        if reason is None:
            return sqlite3.SQLITE_OK
        return self._refuse(reason)

    def _refuse(self, reason: str) -> int:
        self.refused.append(reason)
        return sqlite3.SQLITE_DENY

    def error(self, exc: sqlite3.Error, max_value_bytes: int | None) -> BaseException:
        """The console's error for what SQLite raised."""
        message = str(exc)
        if isinstance(exc, sqlite3.ProgrammingError):
            if "one statement at a time" in message:
                return ValueError(ONE_STATEMENT)
            return SqlError(message)
        if self.refused:
            return ReadOnlyError(f"exodb sql is read-only: {self.refused[0]}")
        if message == "interrupted":
            return timeout_error(self.timeout) if self.expired else KeyboardInterrupt()
        if "too big" in message and max_value_bytes is not None:
            return _too_large(max_value_bytes)
        if any(w in message for w in ("readonly", "read-only", "not be modified")):
            return ReadOnlyError(
                f"exodb sql is read-only: the statement would change the database ({message})"
            )
        return SqlError(message)


@contextmanager
def stream_sqlite(
    path: Path,
    sql: str,
    params: dict[str, Any] | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    limit: int | None = None,
    max_value_bytes: int | None = MAX_VALUE_BYTES,
) -> Iterator[RowStream]:
    """Run one statement on the SQLite file at ``path``, read-only; the rows as a stream.

    ``timeout`` seconds (0: none) bound the whole statement, fetching included.
    """
    if not path.exists():
        raise SqlError(f"no database at {path}")
    _check_params(params)
    guard = _SqliteGuard(timeout)
    connection = sqlite3.connect(sqlite_uri(path, "ro"), uri=True, isolation_level=None)
    try:
        connection.execute("PRAGMA query_only = ON")
        if max_value_bytes is not None:
            connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, max_value_bytes)
        connection.set_authorizer(guard.authorize)
        connection.set_progress_handler(guard.progress, interrupt.PROGRESS_STEPS)
        try:
            cursor = connection.execute(sql, params or {})
        except sqlite3.Error as exc:
            raise guard.error(exc, max_value_bytes) from None
        if cursor.description is None:
            # It ran, as a statement that changes nothing (DROP TABLE IF EXISTS of no table).
            raise not_a_query(sql)

        def batches() -> Iterator[list[tuple[Any, ...]]]:
            rows = iter(cursor)
            while True:
                try:
                    batch = next_batch(rows)
                except sqlite3.Error as exc:
                    raise guard.error(exc, max_value_bytes) from None
                if not batch:
                    return
                yield batch

        columns = _unique_columns([d[0] for d in cursor.description])
        yield RowStream(columns, batches(), limit)
    finally:
        connection.close()


def value_bytes(row: Sequence[Any]) -> int:
    """About how many bytes the text and binary values of ``row`` hold."""
    return sum(len(v) for v in row if isinstance(v, str | bytes | bytearray | memoryview))


def next_batch(rows: Iterator[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The next rows of ``rows``: up to BATCH_ROWS of them, or BATCH_BYTES of values."""
    batch: list[tuple[Any, ...]] = []
    held = 0
    for row in rows:
        batch.append(row)
        held += value_bytes(row)
        if len(batch) >= BATCH_ROWS or held >= BATCH_BYTES:
            break
    return batch


def _collect(stream: Iterator[RowStream]) -> SqlResult:
    with stream as rows:
        return SqlResult(rows.columns, list(rows), rows.truncated)


def run_sqlite(
    path: Path, sql: str, params: dict[str, Any] | None = None, **options: Any
) -> SqlResult:
    """Run one statement on the SQLite file at ``path``, read-only; every row at once.

    ``options`` (``timeout``, ``limit``, ``max_value_bytes``) are those of :func:`stream_sql`.
    """
    return _collect(stream_sqlite(path, sql, params, **options))


def _plan_strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _plan_strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _plan_strings(value)


# A name and the parenthesis of its call. It starts only where a word starts and takes the
# whole word at once (possessive), so a long run of letters (a constant the planner folded,
# such as repeat('x', 2000000)) costs one pass, not one per letter.
_CALL = re.compile(r"(?<![\w$])([A-Za-z_][\w$]*+)\"?\s*\(")


def refused_functions(plan: Any) -> list[str]:
    """The refused functions an ``EXPLAIN (VERBOSE, FORMAT JSON)`` plan calls.

    Every name followed by a parenthesis counts, inside a string literal too: telling a
    literal from a quoted identifier that holds a quote takes a full lexer, and a wrong guess
    would let a call through. A text that spells out a refused call is refused with it.
    """
    found = []
    for text in _plan_strings(plan):
        for name in _CALL.findall(text):
            if _REFUSED_SERVER_FUNCTIONS.fullmatch(name.lower()) and name not in found:
                found.append(name)
    return found


# Roles that give a session the server's files, programs or other sessions.
_POWERFUL_ROLES = (
    "pg_read_server_files",
    "pg_write_server_files",
    "pg_execute_server_program",
    "pg_signal_backend",
)


def _role_warnings(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT current_user, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user), "
        "ARRAY(SELECT r.rolname FROM pg_roles r WHERE r.rolname = ANY(%s) "
        "AND pg_has_role(current_user, r.oid, 'MEMBER') ORDER BY r.rolname)",
        (list(_POWERFUL_ROLES),),
    )
    user, superuser, members = cursor.fetchone()
    # A superuser is a member of every role: the one word says it all.
    rights = ["a superuser"] if superuser else [f"a member of {r}" for r in members]
    if not rights:
        return []
    return [
        f"the role '{user}' is {' and '.join(rights)}; exodb sql refuses what it can, but a "
        "role for the console should have none of these rights (README: the console's limits)"
    ]


class _ServerErrors:
    """Maps the driver's errors to the console's, for one statement."""

    def __init__(self, sql: str, timeout: float, max_value_bytes: int | None):
        self.sql = sql
        self.timeout, self.max_value_bytes = timeout, max_value_bytes

    def error(self, exc: Exception) -> Exception:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        state = getattr(exc, "sqlstate", None)
        if state == "57014" and "statement timeout" in message:
            return timeout_error(self.timeout)
        if state == "55P03" and "lock timeout" in message:
            return timeout_error(self.timeout, "waited for a lock longer than")
        if state == "54000" and "null character" not in message and self.max_value_bytes:
            return _too_large(self.max_value_bytes)
        denied = re.fullmatch(r"permission denied for function (\w+)", message)
        if denied and _REFUSED_SERVER_FUNCTIONS.fullmatch(denied.group(1)):
            # The role lacks the right (as a console's role should): the same refusal.
            return function_refused(denied.group(1))
        if "read-only transaction" in message:
            return ReadOnlyError(f"exodb sql is read-only: {message}")
        if "multiple commands" in message:
            return ValueError(ONE_STATEMENT)
        if state == "42601" and self._at_the_first_word(exc):
            return not_a_query(self.sql)
        return SqlError(message)

    def _at_the_first_word(self, exc: Exception) -> bool:
        """True when the server's grammar for a query (behind EXPLAIN) failed on a statement
        that begins with a command other than a query's: it does not take that statement."""
        return _first_word(self.sql) in _SERVER_COMMANDS


def _check_value_sizes(row: tuple[Any, ...], columns: list[str], number: int, cap: int) -> None:
    for column, value in zip(columns, row, strict=False):
        if isinstance(value, str):
            size = len(value) if len(value) * 4 <= cap else len(value.encode("utf-8"))
        elif isinstance(value, bytes | bytearray | memoryview):
            size = len(value)
        else:
            continue
        if size > cap:
            raise _too_large(cap, f" in row {number}, column {column} ({size:,} bytes)")


@contextmanager
def stream_server(
    url: str,
    sql: str,
    params: dict[str, Any] | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    limit: int | None = None,
    max_value_bytes: int | None = MAX_VALUE_BYTES,
) -> Iterator[RowStream]:
    """Run one query on a server database inside a READ ONLY transaction; rows as a stream.

    The statement is planned and run as a prepared statement (the extended query protocol),
    which the server itself refuses for more than one statement. The server holds a value of
    any size until it is sent; a text or binary value above ``max_value_bytes`` is refused as
    it arrives.
    """
    from sqlalchemy import text

    from exodb.storage.connection import make_engine

    engine = make_engine(url)
    compiled = text(sql).compile(dialect=engine.dialect)
    names = list(compiled.params)
    missing = [n for n in names if n not in (params or {})]
    if missing:
        raise ValueError(f"the query needs --param for: {', '.join(missing)}")
    statement, bound = str(compiled), {n: (params or {})[n] for n in names}
    prefix = "EXPLAIN (VERBOSE, FORMAT JSON) "
    errors = _ServerErrors(statement, timeout, max_value_bytes)
    connection = engine.raw_connection()
    rows: Iterator[Any] | None = None
    try:
        cursor = connection.cursor()
        milliseconds = str(max(1, round(timeout * 1000)) if timeout else 0)
        cursor.execute("SET TRANSACTION READ ONLY")
        cursor.execute(
            "SELECT set_config('statement_timeout', %s, true), "
            "set_config('lock_timeout', %s, true)",
            (milliseconds, milliseconds),
        )
        warnings = _role_warnings(cursor)
        try:
            cursor.execute(prefix + statement, bound, prepare=True)
            plan = cursor.fetchone()[0]
        except Exception as exc:  # the driver's own error classes
            raise errors.error(exc) from None
        refused = refused_functions(plan)
        if refused:
            raise function_refused(refused[0])
        rows = cursor.stream(statement, bound)
        try:
            first = next(rows, None)
        except Exception as exc:
            raise errors.error(exc) from None
        if first is None:
            # A stream of no rows leaves no description behind: run it again, unstreamed (it
            # returns nothing), for its columns.
            try:
                cursor.execute(statement, bound, prepare=True)
            except Exception as exc:
                raise errors.error(exc) from None
        if cursor.description is None:
            raise not_a_query(sql)
        columns = _unique_columns([d[0] for d in cursor.description])

        def batches() -> Iterator[list[tuple[Any, ...]]]:
            number = 0
            pending = [first] if first is not None else []
            while pending:
                if max_value_bytes is not None:
                    for row in pending:
                        number += 1
                        _check_value_sizes(row, columns, number, max_value_bytes)
                yield pending
                try:
                    pending = next_batch(rows)
                except Exception as exc:
                    raise errors.error(exc) from None

        yield RowStream(columns, batches(), limit, warnings=warnings)
    finally:
        if rows is not None:
            rows.close()  # psycopg cancels a statement that has rows left
        connection.rollback()
        connection.close()
        engine.dispose()


def run_server(
    url: str, sql: str, params: dict[str, Any] | None = None, **options: Any
) -> SqlResult:
    """Run one query on a server database, read-only; every row at once (``options`` as for
    :func:`stream_sql`)."""
    return _collect(stream_server(url, sql, params, **options))


@contextmanager
def stream_sql(
    url: str | None,
    sql: str,
    params: dict[str, Any] | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    limit: int | None = None,
    max_value_bytes: int | None = MAX_VALUE_BYTES,
) -> Iterator[RowStream]:
    """Run one read-only statement on the database at ``url`` (resolved as elsewhere) and
    stream its rows. ``timeout`` is in seconds (0: no limit); ``limit`` caps the rows
    (``RowStream.truncated`` says whether it left some out); ``max_value_bytes`` caps one
    text or binary value (``None``: no cap)."""
    from exodb.storage.config import resolve_url, sqlite_path

    resolved = resolve_url(url)
    path = sqlite_path(resolved)
    options = {"timeout": timeout, "limit": limit, "max_value_bytes": max_value_bytes}
    if path is not None:
        with stream_sqlite(path, sql, params, **options) as rows:
            yield rows
    else:
        with stream_server(resolved, sql, params, **options) as rows:
            yield rows


def run_sql(
    url: str | None, sql: str, params: dict[str, Any] | None = None, **options: Any
) -> SqlResult:
    """Run one read-only statement on the database at ``url``; every row at once (``options``
    as for :func:`stream_sql`).

    >>> run_sql(None, "SELECT count(*) AS n FROM study").rows  # doctest: +SKIP
    [(57,)]
    """
    return _collect(stream_sql(url, sql, params, **options))
