"""Is the database file sound? SQLite's own consistency check, asked before a load writes.

A damaged file can still accept writes to its healthy pages: an import would "succeed" and a
backup would copy the damage, both saying all was well. Loads and backups ask SQLite first, and
a damaged file is reported with what to do, not written to.
"""

from __future__ import annotations

from sqlalchemy import Connection

# Words in the databases' errors that mean the disk (or a quota) has no room left.
_FULL_WORDS = ("database or disk is full", "no space left on device", "disk quota exceeded")
# Words in SQLite's own errors that mean the file itself is damaged (not the statement).
# (A disk I/O error is not among them: it is often passing, and restoring a backup would lose
# newer evidence.)
_DAMAGE_WORDS = ("malformed", "not a database", "file is encrypted")


def problems(connection: Connection, *, full: bool = False) -> list[str]:
    """What SQLite's check finds wrong (empty when the file is sound); [] on other backends.

    ``quick_check`` verifies every page and record in linear time; ``integrity_check``
    (``full``) also compares every index with its table.
    """
    if connection.dialect.name != "sqlite":
        return []
    pragma = "integrity_check" if full else "quick_check"
    found = [row[0] for row in connection.exec_driver_sql(f"PRAGMA {pragma}(20)")]
    return [] if found == ["ok"] else found


def damaged_message(where: str, detail: str, outcome: str = "nothing was written") -> str:
    """The one message for a damaged database file: what SQLite said, and what to do."""
    import shlex

    return (
        f"the database {where} is damaged ({detail}); {outcome}. Check it with "
        f"`sqlite3 {shlex.quote(where)} 'PRAGMA integrity_check'` and restore your latest backup"
    )


def is_damage(message: str) -> bool:
    """True when a database error message says the file itself is damaged."""
    lowered = message.lower()
    return any(word in lowered for word in _DAMAGE_WORDS)


def is_full(message: str) -> bool:
    """True when a database or file-system error says there is no room left."""
    lowered = message.lower()
    return any(word in lowered for word in _FULL_WORDS)


def full_message(detail: str) -> str:
    """The one message for a full disk: nothing was written, and what to do."""
    return (
        f"the disk is full ({detail.strip()}); nothing was written. Free some space and run "
        "the command again"
    )
