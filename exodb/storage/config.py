"""Where the database is: one rule for the CLI, the library and Alembic.

Resolution order: an explicit URL (``--db`` / ``connect(url)`` / ``alembic -x db=URL``), then the
``EXODB_URL`` environment variable, then the embedded default SQLite file.

The default file lives in the user's data directory, ``$XDG_DATA_HOME/exodb/exodb.sqlite``
(``~/.local/share/exodb/exodb.sqlite`` when ``XDG_DATA_HOME`` is unset), so every working
directory sees the same database. ``EXODB_HOME`` overrides the folder.

SQLite file paths become URLs through SQLAlchemy's ``URL.create``, never by pasting text: a
``#``, ``?`` or ``%41`` in a folder name is part of the name, not URL syntax.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

ENV_URL = "EXODB_URL"
ENV_HOME = "EXODB_HOME"
DEFAULT_FILENAME = "exodb.sqlite"


def default_database_path() -> Path:
    """The path of the embedded default SQLite database."""
    home = os.environ.get(ENV_HOME)
    if home:
        return Path(home).expanduser() / DEFAULT_FILENAME
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home).expanduser() / "exodb" / DEFAULT_FILENAME


def sqlite_url(path: str | os.PathLike[str]) -> str:
    """SQLAlchemy URL for a SQLite file (every character of the path kept as it is)."""
    from sqlalchemy.engine import URL

    database = str(Path(path).expanduser().resolve())
    return URL.create("sqlite", database=database).render_as_string()


def resolve_url(url: str | None = None) -> str:
    """The database URL to use: ``url``, else ``$EXODB_URL``, else the default SQLite file.

    A bare file path (no ``://``) is taken as a SQLite file.
    """
    if url is not None and not str(url).strip():
        raise ValueError("--db is empty; give a database URL or a SQLite file path")
    chosen = url or os.environ.get(ENV_URL)
    if not chosen:
        return sqlite_url(default_database_path())
    if "://" not in chosen:
        return sqlite_url(chosen)
    _check_url(chosen)
    return chosen


def _check_url(url: str) -> None:
    """A URL SQLAlchemy cannot read is one line naming it, not the parser's own words alone
    (a host with an unclosed bracket reads as "invalid literal for int()")."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        make_url(url).port  # noqa: B018 (the port is read, and checked, on access)
    except (ArgumentError, ValueError) as exc:
        shown = _hide_password(url)
        raise ValueError(
            f"cannot read the database URL {shown} ({exc}); the form is "
            "dialect://user@host:port/database, with an IPv6 host in brackets: [::1]"
        ) from None


def _hide_password(url: str) -> str:
    """``url`` with any password replaced, for a message."""
    import re

    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", url)


def is_default(url: str | None) -> bool:
    """True when neither an explicit URL nor ``EXODB_URL`` chose the database."""
    return not (url or os.environ.get(ENV_URL))


def sqlite_path(url: Any) -> Path | None:
    """The file behind a SQLite URL, or None for another backend or an in-memory database."""
    if not str(url).startswith("sqlite"):
        return None
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    database = parsed.database
    if not database or database.startswith(":memory:"):
        return None
    if database.startswith("file:"):  # a SQLite URI (?uri=true): the file it names
        from urllib.parse import unquote, urlsplit

        path = unquote(urlsplit(database).path)
        if not path or path == ":memory:" or "mode=memory" in database:
            return None
        return Path(path)
    return Path(database)


def sqlite_uri(path: str | os.PathLike[str], mode: str = "ro") -> str:
    """A ``file:`` URI for sqlite3.connect(..., uri=True), opening ``path`` in ``mode``.

    The path is percent-encoded (``Path.as_uri``): pasted as it is, a ``#`` would start a URI
    fragment (the mode is lost and another file is opened) and ``%41`` would become ``A``.
    Read-only, a file in a folder exodb cannot write is opened as :func:`needs_immutable` says.
    """
    uri = f"{Path(path).expanduser().resolve().as_uri()}?mode={mode}"
    return f"{uri}&immutable=1" if mode == "ro" and needs_immutable(path) else uri


def can_write(path: str | os.PathLike[str]) -> bool:
    """Whether this process may change the SQLite file ``path``: the file itself, and its folder,
    where SQLite keeps the -wal, -shm and -journal files beside it. (``os.access`` also answers
    no for a read-only mount, even to root.)"""
    path = Path(path)
    folder_ok = os.access(path.parent, os.W_OK | os.X_OK)
    return folder_ok and (not path.exists() or os.access(path, os.W_OK))


def needs_immutable(path: str | os.PathLike[str]) -> bool:
    """Whether reading ``path`` needs SQLite's ``immutable=1``: a database in write-ahead-log mode
    is read through its -shm file, which a read-only folder cannot hold, so SQLite must be told
    that nothing changes the file. That is true only with no -wal file beside it (a -wal file
    holds commits that immutable=1 would not see)."""
    path = Path(path)
    return not os.access(path.parent, os.W_OK | os.X_OK) and not Path(f"{path}-wal").exists()


def read_only_url(path: str | os.PathLike[str]) -> str:
    """SQLAlchemy URL opening the SQLite file ``path`` read-only (see :func:`sqlite_uri`)."""
    from sqlalchemy.engine import URL

    return URL.create("sqlite", database=sqlite_uri(path), query={"uri": "true"}).render_as_string()


def not_writable_message(path: str | os.PathLike[str]) -> str:
    """Why a command that changes the SQLite file ``path`` cannot run, and what to do."""
    path = Path(path)
    if not os.access(path.parent, os.W_OK | os.X_OK):
        where = f"the folder {path.parent} is not writable"
    elif not can_write(path):
        where = f"the file {path} is read-only"
    else:
        where = "its URL opens it read-only (mode=ro)"
    return (
        f"{path} can only be read: {where}, and changing a database needs a writable file in a "
        "writable folder (SQLite keeps its -wal and -shm files beside it). Copy the database to "
        "a writable folder and pass that copy with --db; nothing was written"
    )
