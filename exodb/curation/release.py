"""The release stamp every export carries: exodb's version, the schema revision, the date, and
a content hash that is the same whenever the data are.

The content hash is that of the database in the seed format (the files `exodb export csv`
writes): the SHA-256 of each file's name and SHA-256, in name order. It depends on the evidence
only, not on ids, row order on disk or the backend, so a BibTeX file, a network and a data
package exported from the same data carry the same hash, and `exodb diff` finds no change
between two databases exactly when their hashes agree.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Connection, Engine

from exodb.curation.seedexport import seed_texts
from exodb.curation.stamp import content_sha256, stamp
from exodb.errors import DatabaseBusy

# The sidecar beside a file an export writes (`-o refs.ris` gets
# `refs.ris.release.json`).
SIDECAR_SUFFIX = ".release.json"


def seed_digests(connection: Connection) -> dict[str, str]:
    """{seed file name: SHA-256 of the text `exodb export csv` would write}, without writing."""
    return {
        seed.filename: hashlib.sha256(text.encode("utf-8")).hexdigest()
        for seed, _, text in seed_texts(connection)
    }


def release_stamp(engine: Engine) -> dict[str, Any]:
    """The stamp of the database ``engine`` reaches, read in one snapshot."""
    from exodb.schema.migrations import current_revision
    from exodb.storage.connection import read_snapshot

    with read_snapshot(engine) as connection:
        digests = seed_digests(connection)
    return stamp(current_revision(engine), content_sha256(digests))


# How often an export is read again when a load commits while it is read.
ATTEMPTS = 3


def stamped(
    engine: Engine, build: Callable[[], str], fresh: Callable[[], object] | None = None
) -> tuple[str, dict[str, Any]]:
    """``build()``'s export and the stamp of the data it was built from.

    The stamp and the export are two reads; a load that commits between them advances the data
    generation, and then both are read again (up to ``ATTEMPTS`` times), so the hash is never
    that of other data than the file's. ``fresh()``, called before each attempt, ends the read
    transaction ``build`` reads in (``session.rollback``), so that it sees the newest commit.
    """
    from exodb.schema.generation import data_generation

    for _ in range(ATTEMPTS):
        if fresh is not None:
            fresh()
        with engine.connect() as connection:
            before = data_generation(connection)
        release = release_stamp(engine)
        text = build()
        with engine.connect() as connection:
            if data_generation(connection) == before:
                return text, release
    raise DatabaseBusy(
        f"the database changed during each of {ATTEMPTS} attempts to export it; run the export "
        "again when the loads are done"
    )


def _given(value: Any) -> bool:
    # 0 and False are given values (--timepoint 0, --not-exosome-based); None and () are not.
    return value is not None and not (isinstance(value, tuple | list | dict) and not value)


def _recorded(options: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: _recorded(value) if isinstance(value, Mapping) else value
        for key, value in options.items()
        if _given(value) and not (isinstance(value, Mapping) and not _recorded(value))
    }


def sidecar(release: Mapping[str, Any], file_name: str, data: bytes, **export: Any) -> str:
    """The JSON of ``file_name``'s sidecar: the stamp, what was exported (the options given,
    filters among them), and the SHA-256 of the file's bytes ``data``."""
    import json

    document = {
        **release,
        "export": _recorded(export),
        "file": file_name,
        "file_sha256": hashlib.sha256(data).hexdigest(),
    }
    return json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"
