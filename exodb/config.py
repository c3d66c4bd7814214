"""Where the database is: one rule for the CLI, the library and Alembic.

Resolution order: an explicit URL (``--db`` / ``connect(url)`` / ``alembic -x db=URL``), then the
``EXODB_URL`` environment variable, then the embedded default SQLite file.

The default file lives in the user's data directory, ``$XDG_DATA_HOME/exodb/exodb.sqlite``
(``~/.local/share/exodb/exodb.sqlite`` when ``XDG_DATA_HOME`` is unset), so every working
directory sees the same database. ``EXODB_HOME`` overrides the folder.

This module imports nothing heavy: ``exodb --help`` goes through it.
"""

from __future__ import annotations

import os
from pathlib import Path

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
    """SQLAlchemy URL for a SQLite file."""
    return f"sqlite:///{Path(path).expanduser().resolve()}"


def resolve_url(url: str | None = None) -> str:
    """The database URL to use: ``url``, else ``$EXODB_URL``, else the default SQLite file.

    A bare file path (no ``://``) is taken as a SQLite file.
    """
    chosen = url or os.environ.get(ENV_URL)
    if not chosen:
        return sqlite_url(default_database_path())
    if "://" not in chosen:
        return sqlite_url(chosen)
    return chosen


def is_default(url: str | None) -> bool:
    """True when neither an explicit URL nor ``EXODB_URL`` chose the database."""
    return not (url or os.environ.get(ENV_URL))


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for another backend or an in-memory database."""
    if not url.startswith("sqlite"):
        return None
    _, _, rest = url.partition(":///")
    if not rest or rest.startswith(":memory:"):
        return None
    return Path(rest.split("?", 1)[0])
