"""Run a user's SQL against an exodb database, read-only, enforced by the database itself.

SQLite: the file is opened read-only (URI ``mode=ro``), ``PRAGMA query_only`` is set, and an
authorizer refuses what read-only mode alone would let through (ATTACH and VACUUM INTO, which
write other files; pragmas that change settings). PostgreSQL: the statement runs in a
``READ ONLY`` transaction that is rolled back. Nothing here parses the SQL to decide.
"""

from __future__ import annotations

import math
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exodb.config import sqlite_uri
from exodb.errors import ReadOnlyError, SqlError

# Pragmas that only read; any other pragma, or any pragma given a value, is refused. The table
# pragmas take a table name as their "value".
_TABLE_PRAGMAS = {
    "table_info",
    "table_xinfo",
    "table_list",
    "index_list",
    "index_info",
    "index_xinfo",
    "foreign_key_list",
    "foreign_key_check",
    "integrity_check",
    "quick_check",
}
_READING_PRAGMAS = _TABLE_PRAGMAS | {
    "database_list",
    "collation_list",
    "function_list",
    "module_list",
    "pragma_list",
    "compile_options",
    "user_version",
    "schema_version",
    "application_id",
    "page_count",
    "page_size",
    "freelist_count",
    "encoding",
    "foreign_keys",
    "query_only",
}


ONE_STATEMENT = "exodb sql runs one statement at a time; send the others separately"


@dataclass(frozen=True)
class SqlResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]

    def as_dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


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
    if re.fullmatch(r"[+-]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?", value):
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


def run_sqlite(path: Path, sql: str, params: dict[str, Any] | None = None) -> SqlResult:
    """Run one statement on the SQLite file at ``path``, read-only."""
    if not path.exists():
        raise SqlError(f"no database at {path}")
    for name, value in (params or {}).items():
        # sqlite3 would raise OverflowError from deep inside the call.
        if isinstance(value, int) and not INT64_MIN <= value <= INT64_MAX:
            raise ValueError(f"parameter {name}: {value} does not fit a 64-bit integer")
    refused: list[str] = []

    def authorize(action: int, arg1: str | None, arg2: str | None, *_: Any) -> int:
        if action == sqlite3.SQLITE_ATTACH:
            refused.append("ATTACH and VACUUM INTO write other files and are refused")
            return sqlite3.SQLITE_DENY
        if action == sqlite3.SQLITE_DETACH:
            refused.append("DETACH is refused")
            return sqlite3.SQLITE_DENY
        if action == sqlite3.SQLITE_PRAGMA:
            name = (arg1 or "").lower()
            if name not in _READING_PRAGMAS or (arg2 is not None and name not in _TABLE_PRAGMAS):
                shown = f"PRAGMA {arg1}" + (f" = {arg2}" if arg2 is not None else "")
                refused.append(f"{shown} is refused; only pragmas that read are allowed")
                return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK

    uri = sqlite_uri(path, "ro")
    connection = sqlite3.connect(uri, uri=True, isolation_level=None)
    try:
        connection.execute("PRAGMA query_only = ON")
        connection.set_authorizer(authorize)
        try:
            cursor = connection.execute(sql, params or {})
            rows = cursor.fetchall()
        except sqlite3.ProgrammingError as exc:
            if "one statement at a time" in str(exc):
                raise ValueError(ONE_STATEMENT) from None
            raise SqlError(str(exc)) from None
        except sqlite3.DatabaseError as exc:
            message = str(exc)
            if refused:
                raise ReadOnlyError(f"exodb sql is read-only: {refused[0]}") from None
            if "readonly" in message or "read-only" in message or "query_only" in message:
                raise ReadOnlyError(
                    f"exodb sql is read-only: the statement would change the database ({message})"
                ) from None
            raise SqlError(message) from None
        columns = _unique_columns([d[0] for d in cursor.description or []])
        return SqlResult(columns, rows)
    finally:
        connection.close()


def run_server(url: str, sql: str, params: dict[str, Any] | None = None) -> SqlResult:
    """Run one statement on a server database inside a READ ONLY transaction.

    The statement is prepared (the extended query protocol), which the server itself refuses
    for more than one statement.
    """
    from sqlalchemy import text

    from exodb.db import make_engine

    engine = make_engine(url)
    compiled = text(sql).compile(dialect=engine.dialect)
    names = list(compiled.params)
    missing = [n for n in names if n not in (params or {})]
    if missing:
        raise ValueError(f"the query needs --param for: {', '.join(missing)}")
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("SET TRANSACTION READ ONLY")
        try:
            cursor.execute(str(compiled), {n: params[n] for n in names}, prepare=True)
        except Exception as exc:  # the driver's own error classes
            message = str(exc).strip().splitlines()[0]
            if "read-only transaction" in message:
                raise ReadOnlyError(f"exodb sql is read-only: {message}") from None
            if "multiple commands" in message:
                raise ValueError(ONE_STATEMENT) from None
            raise SqlError(message) from None
        columns = _unique_columns([d[0] for d in cursor.description or []])
        rows = [tuple(r) for r in cursor.fetchall()] if cursor.description else []
        return SqlResult(columns, rows)
    finally:
        connection.rollback()
        connection.close()
        engine.dispose()


def run_sql(url: str, sql: str, params: dict[str, Any] | None = None) -> SqlResult:
    """Run one read-only statement on the database at ``url`` (resolved as elsewhere)."""
    from exodb.config import resolve_url, sqlite_path

    resolved = resolve_url(url)
    path = sqlite_path(resolved)
    if path is not None:
        return run_sqlite(path, sql, params)
    return run_server(resolved, sql, params)
