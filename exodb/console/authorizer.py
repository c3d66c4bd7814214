"""SQLite's authorizer for read-only connections: what a statement may do when it only reads.

`exodb sql` and the web UI (`exodb serve`) give every connection this rule, so the database
itself refuses writes, ATTACH, pragmas that set something and the functions that hand out or
take a C pointer, whatever the statement looks like.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

QUERIES_ONLY = "exodb sql runs queries only (SELECT, WITH, VALUES, TABLE)"

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
    "data_version",  # FTS5 reads it on every query of a full-text table
}
# What a query does, as SQLite's authorizer sees it; every other action is refused.
_QUERY_ACTIONS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_RECURSIVE}
# SQLite's own schema tables. Creating or dropping something also writes them, and the
# authorizer is asked about that write before the statement's own action (CREATE VIEW, DROP
# TABLE), which every such statement has and which is refused. No statement can write them
# directly (SQLite refuses without writable_schema, a refused pragma), and a virtual table
# (FTS5) that connects has SQLite authorize an UPDATE of sqlite_master that it never runs.
# The statistics tables (sqlite_stat1, ...) can be written directly, and are refused.
_SCHEMA_TABLES = ("sqlite_master", "sqlite_schema", "sqlite_temp_master", "sqlite_temp_schema")
_SCHEMA_WRITES = {sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE}
# fts3_tokenizer() hands out (and with two arguments takes) a C pointer: never from a user.
_REFUSED_SQLITE_FUNCTIONS = {"fts3_tokenizer", "load_extension"}
# SQLite's other authorizer actions, named for the refusal message.
_SQLITE_ACTIONS = (
    "CREATE_INDEX",
    "CREATE_TABLE",
    "CREATE_TEMP_INDEX",
    "CREATE_TEMP_TABLE",
    "CREATE_TEMP_TRIGGER",
    "CREATE_TEMP_VIEW",
    "CREATE_TRIGGER",
    "CREATE_VIEW",
    "DELETE",
    "DROP_INDEX",
    "DROP_TABLE",
    "DROP_TEMP_INDEX",
    "DROP_TEMP_TABLE",
    "DROP_TEMP_TRIGGER",
    "DROP_TEMP_VIEW",
    "DROP_TRIGGER",
    "DROP_VIEW",
    "INSERT",
    "UPDATE",
    "ALTER_TABLE",
    "REINDEX",
    "ANALYZE",
    "CREATE_VTABLE",
    "DROP_VTABLE",
)
_ACTION_NAMES = {getattr(sqlite3, f"SQLITE_{a}"): a.replace("_", " ") for a in _SQLITE_ACTIONS}


def refusal(action: int, arg1: str | None, arg2: str | None) -> str | None:
    """Why SQLite's authorizer must refuse ``action`` on a read-only connection, or None when it
    reads (the console's rule, and that of the web UI's connections)."""
    if action in _QUERY_ACTIONS:
        return None
    if action in _SCHEMA_WRITES and arg1 in _SCHEMA_TABLES:
        return None
    if arg1 and re.fullmatch(r"sqlite_stat\d", arg1):
        return f"writing SQLite's statistics (ANALYZE) is refused; {QUERIES_ONLY}"
    if action == sqlite3.SQLITE_FUNCTION:
        if (arg2 or "").lower() not in _REFUSED_SQLITE_FUNCTIONS:
            return None
        return f"{arg2}() is refused"
    if action == sqlite3.SQLITE_PRAGMA:
        name = (arg1 or "").lower()
        if name in _READING_PRAGMAS and (arg2 is None or name in _TABLE_PRAGMAS):
            return None
        shown = f"PRAGMA {arg1}" + (f" = {arg2}" if arg2 is not None else "")
        return f"{shown} is refused; only pragmas that read are allowed"
    if action == sqlite3.SQLITE_ATTACH:
        return "ATTACH and VACUUM INTO write other files and are refused"
    if action == sqlite3.SQLITE_DETACH:
        return "DETACH is refused"
    if action in (sqlite3.SQLITE_TRANSACTION, sqlite3.SQLITE_SAVEPOINT):
        word = "SAVEPOINT" if action == sqlite3.SQLITE_SAVEPOINT else (arg1 or "BEGIN")
        return f"{word} is refused; {QUERIES_ONLY}"
    name = _ACTION_NAMES.get(action, f"action {action}")
    return f"{name} is refused; {QUERIES_ONLY}"


def authorize_read(action: int, arg1: str | None, arg2: str | None, *_: Any) -> int:
    """A stateless SQLite authorizer that lets a connection read and nothing else."""
    return sqlite3.SQLITE_OK if refusal(action, arg1, arg2) is None else sqlite3.SQLITE_DENY
