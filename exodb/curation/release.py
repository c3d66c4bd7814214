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
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Engine

from exodb.curation.seedexport import seed_texts
from exodb.curation.stamp import content_sha256, stamp

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


def sidecar(release: Mapping[str, Any], file_name: str, data: bytes, **export: Any) -> str:
    """The JSON of ``file_name``'s sidecar: the stamp, what was exported, and the file's hash."""
    import json

    document = {
        **release,
        "export": {key: value for key, value in export.items() if value not in (None, (), [])},
        "file": file_name,
        "file_sha256": hashlib.sha256(data).hexdigest(),
    }
    return json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"
