"""The release stamp's parts that need no database: exodb's version, the schema revision, the
date, and the content hash of seed files (see :mod:`exodb.curation.release`)."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Mapping
from typing import Any

from exodb.version import __version__


def content_sha256(digests: Mapping[str, str]) -> str:
    """The content hash of seed files given as {file name: SHA-256 of its text}: the SHA-256 of
    each file's name and SHA-256, in name order."""
    listing = "".join(f"{name}\t{digests[name]}\n" for name in sorted(digests))
    return hashlib.sha256(listing.encode("utf-8")).hexdigest()


def stamp(revision: str | None, content: str) -> dict[str, Any]:
    """The stamp of an export of data whose content hash is ``content``."""
    return {
        "exodb_version": __version__,
        "schema_revision": revision or "",
        "exported_on": datetime.date.today().isoformat(),
        "content_sha256": content,
    }
