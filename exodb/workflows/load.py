"""Every load, whole: the seed files written, then what exodb derives from them.

A load is one transaction holding the rows, the search index built from them and the advanced
data generation, so no reader sees rows without their index or a kept report of the data
before. After the commit, a large database gets its default cross-tab reports kept. This module
sits above curation, search and the kept reports, which know nothing of each other.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

from exodb.console.search import rebuild_index
from exodb.curation import importlog, load
from exodb.curation.seedread import DEFAULT_MAX_FILE_BYTES
from exodb.curation.write import reset_sequences
from exodb.schema.generation import advance_generation, data_generation
from exodb.storage.connection import write_transaction


def reindex(engine: Engine) -> int:
    """Rebuild what exodb derives from the data (the search index, and the generation that kept
    reports are tied to), for rows changed with other tools. Returns the search documents."""

    with write_transaction(engine) as connection:
        documents = rebuild_index(connection)
        advance_generation(connection, data_generation(connection))
    _prepare_reports(engine)
    return documents


def _prepare_reports(engine: Engine) -> None:
    """After a load has committed: keep the default cross-tab reports of a large database.

    Optional work: Ctrl-C here skips it (the reports are computed on their first request)
    rather than reporting a committed load as aborted.
    """
    from exodb.reports.prepared import prepare

    try:
        prepare(engine)
    except KeyboardInterrupt:
        return


def load_folder(engine: Engine, folder: Path, *, replace_imports: bool = False) -> dict[str, int]:
    """Replace the database's content with the seed files in ``folder``, all or nothing.

    Returns the number of rows written per table. Raises :class:`SeedError` (and writes
    nothing) when any file has a problem, and :class:`ImportsPresent` when the database holds
    imported records, unless ``replace_imports``. Afterwards, a large database gets its default
    cross-tab reports kept (:func:`exodb.reports.prepared.prepare`).
    """
    seeds = load.checked_seed_set(folder)
    with write_transaction(engine) as connection:
        generation = data_generation(connection)  # read before the rows (and its own) go
        counts = load.replace_content(
            connection, seeds, str(folder), replace_imports=replace_imports
        )
        del seeds  # written: its memory goes back before the search index is built
        _derive(connection, counts, generation)
    _prepare_reports(engine)
    return counts


def import_path(
    engine: Engine,
    path: Path,
    *,
    max_bytes: int | None = DEFAULT_MAX_FILE_BYTES,
    progress: Any = None,
) -> dict[str, int]:
    """Add the records of ``path`` (a folder of seed files, or one) to the database.

    New vocabulary (a molecule, a source) may come in the same import as the rows that use it.
    Everything is checked first, against the files and the database; any problem raises
    :class:`SeedError` and nothing is written. The write is one transaction; after it, a large
    database gets its default cross-tab reports kept (:func:`exodb.reports.prepared.prepare`).
    """
    seeds = load.checked_import(path, max_bytes)
    if not sum(len(r) for r in seeds.files.values()):
        # Nothing to add: no log entry either, which would make `exodb seed` refuse for nothing.
        return {}
    digest = importlog.files_digest(seeds.paths)
    # The lock comes first: what is already present, and every id written, is read inside it.
    with write_transaction(engine) as connection:
        counts = load.add_records(connection, seeds, path, digest, progress)
        del seeds  # written: its memory goes back before the search index is built
        _derive(connection, counts, data_generation(connection))
    _prepare_reports(engine)
    return counts


def _derive(connection: Connection, counts: dict[str, int], generation: int) -> None:
    # Derived in the load's own transaction, so search never sees a half-loaded database and
    # no kept report outlives the data it was computed from.
    counts["search_document"] = rebuild_index(connection)
    advance_generation(connection, generation)
    reset_sequences(connection)
