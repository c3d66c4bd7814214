"""The import log: what each ``exodb import`` added, and how a repeated import is recognised.

The log protects imported records (``exodb seed`` refuses to drop them while it has entries) and
keeps a digest of the files each import read. An import killed after its commit but before it
could report success is retried by its user; the retry's files have a digest the log already
holds and every row is present, so the answer is one line ("already imported on ...") instead
of one problem per row.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, func, insert, select

from exodb.curation import seedspec as spec
from exodb.errors import Problem
from exodb.schema.tables import import_log

# The ending of the problem the validator reports for a row whose key is already present.
ALREADY_PRESENT = "is already in the database"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class EarlierImport:
    number: int
    imported_at: datetime
    rows: int


def files_digest(paths: dict[str, str]) -> str:
    """SHA-256 over the file names and bytes of an import, in seed-file order."""
    digest = hashlib.sha256()
    for seed in spec.SEED_FILES:
        path = paths.get(seed.name)
        if path is None:
            continue
        digest.update(seed.filename.encode() + b"\0")
        with open(path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
        digest.update(b"\0")
    return digest.hexdigest()


def count(connection: Connection) -> int:
    """How many imports the database has recorded."""
    return connection.execute(select(func.count()).select_from(import_log)).scalar_one()


def earlier_import(connection: Connection, digest: str) -> EarlierImport | None:
    """The latest logged import whose files had this digest."""
    table = import_log
    row = connection.execute(
        select(table.c.id, table.c.imported_at, table.c.rows)
        .where(table.c.digest == digest)
        .order_by(table.c.id.desc())
        .limit(1)
    ).first()
    return EarlierImport(*row) if row else None


def is_repeat(problems: list[Problem], rows: int) -> bool:
    """True when the only problems are that every one of ``rows`` rows is already present."""
    return (
        rows > 0
        and len(problems) == rows
        and all(p.message.endswith(ALREADY_PRESENT) for p in problems)
    )


def record(connection: Connection, source: Path, files: list[str], rows: int, digest: str) -> None:
    """Log an import, in the import's own transaction."""
    connection.execute(
        insert(import_log).values(
            imported_at=datetime.now(UTC),
            source=str(Path(source).resolve()),
            files=";".join(files),
            rows=rows,
            digest=digest,
        )
    )
