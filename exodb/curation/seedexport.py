"""The database back out in the seed format: one canonical CSV file per table, natural keys.

Exporting a database loaded from seeds/ gives files identical to seeds/, byte for byte; exporting
after an import gives files that rebuild the same database, user records included.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, select

from exodb.curation import seedspec as spec
from exodb.curation.canonical import canonical_rows
from exodb.schema.tables import metadata


def _tables() -> dict[str, Any]:
    return metadata.tables


def _key_maps(connection: Connection) -> dict[str, dict[int, Any]]:
    """For every seed file that others point at: row id -> the key the seed files use."""
    maps: dict[str, dict[int, Any]] = {}
    for seed in spec.SEED_FILES:
        if not seed.key_column:
            continue
        column = seed.column(seed.key_column)
        if column.kind == spec.REF:
            continue  # keyed by another file's key; nothing points at it
        table = _tables()[seed.table]
        key_col = table.c[column.db or column.name]
        if seed.scope:  # named within a study: id -> (study key, name)
            study = _tables()["study"]
            stmt = select(table.c.id, study.c.key, key_col).join(
                study, study.c.id == table.c.study_id
            )
            maps[seed.name] = {row_id: (s, name) for row_id, s, name in connection.execute(stmt)}
            continue
        maps[seed.name] = dict(connection.execute(select(table.c.id, key_col)).all())
    return maps


def _list_values(
    connection: Connection, seed: spec.SeedFile, column: spec.Column, keys: dict[str, dict]
) -> dict[Any, list[Any]]:
    """owner id -> the list a TEXT_LIST or REF_LIST cell holds, in stored order."""
    tables = _tables()
    result: dict[Any, list[Any]] = {}
    if column.kind == spec.TEXT_LIST:
        if column.name == "aliases":
            t = tables[f"{seed.table}_alias"]
            owner, value, order = t.c[f"{seed.table}_id"], t.c.alias, t.c.position
        else:
            name, owner_col, value_col = spec.TEXT_LIST_TABLES[(seed.name, column.name)]
            t = tables[name]
            owner, value, order = t.c[owner_col], t.c[value_col], t.c.position
        for owner_id, item in connection.execute(select(owner, value).order_by(owner, order)):
            result.setdefault(owner_id, []).append(item)
        return result
    link_name, owner_col, target_col = spec.REF_LIST_TABLES[(seed.name, column.name)]
    link = tables[link_name]
    order = link.c.position if "position" in link.c else link.c[target_col]
    target_keys = keys[column.target or ""]
    stmt = select(link.c[owner_col], link.c[target_col]).order_by(link.c[owner_col], order)
    for owner_id, target_id in connection.execute(stmt):
        result.setdefault(owner_id, []).append(target_keys[target_id])
    return result


def database_rows(
    connection: Connection, seed: spec.SeedFile, keys: dict[str, dict] | None = None
) -> Iterator[dict[str, Any]]:
    """Every row of ``seed``'s table as parsed seed values (natural keys, lists as lists)."""
    keys = keys if keys is not None else _key_maps(connection)
    table = _tables()[seed.table]
    lists = {
        c.name: _list_values(connection, seed, c, keys)
        for c in seed.columns
        if c.kind in (spec.TEXT_LIST, spec.REF_LIST)
    }
    has_id = "id" in table.c
    for record in connection.execute(select(table)).mappings():
        row: dict[str, Any] = {}
        for column in seed.columns:
            if column.kind in (spec.TEXT_LIST, spec.REF_LIST):
                row[column.name] = lists[column.name].get(record["id"], []) if has_id else []
                continue
            value = record[column.db or column.name]
            if column.kind == spec.REF and value is not None:
                value = keys[column.target or ""][value]
                if column.scope:  # (study, name): the row's own study column says the first
                    value = value[1]
            row[column.name] = value
        yield row


def seed_texts(
    connection: Connection, *, spreadsheet_safe: bool = False
) -> Iterator[tuple[spec.SeedFile, int, str]]:
    """(seed file, rows, canonical text) for every seed file, in the specification's order."""
    keys = _key_maps(connection)
    for seed in spec.SEED_FILES:
        rows = list(database_rows(connection, seed, keys))
        if spreadsheet_safe:
            yield seed, len(rows), canonical_rows(seed, rows, spreadsheet_safe=True)
        else:
            yield seed, len(rows), canonical_rows(seed, rows)


# Written last into every export folder: it marks the folder as exodb's, so a later export may
# replace the files in it, and records what each file held.
MANIFEST = "exodb-export.json"
# Files an export may write beside the seed files (exodb export datapackage's descriptor): an
# earlier export that holds them is still an earlier export.
EXPORT_EXTRAS = ("datapackage.json",)


def _same_file(first: Path, second: Path) -> bool:
    try:
        a, b = os.stat(first), os.stat(second)
    except OSError:
        return os.path.realpath(first) == os.path.realpath(second)
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def _check_folder(folder: Path, force: bool, protect: list[Path]) -> bool:
    """Refuse to export where it would overwrite what is not a previous exodb export; True when
    ``force`` lets the export in among other files."""
    from exodb.io.resources import seeds_dir

    if folder.exists() and not folder.is_dir():
        raise ValueError(f"cannot export into {folder}: it is not a folder")
    above = next((p for p in folder.absolute().parents if p.exists()), None)
    if above is not None and not above.is_dir():
        raise ValueError(f"cannot export into {folder}: {above} is a file, not a folder")
    if _same_file(folder, seeds_dir()):  # by inode too: a bind mount or symlink is the same
        raise ValueError(
            f"refusing to export into {folder}: it is the bundled seeds folder, and imported "
            "records written there would be loaded as curated ones; choose another folder"
        )
    if not folder.is_dir():
        return False
    inside = [p for p in protect if p.exists() and _same_file(p.parent, folder)]
    if inside:
        raise ValueError(
            f"refusing to export into {folder}: the database {inside[0].name} is in that folder, "
            "and replacing the folder would remove it; choose another folder"
        )
    entries = sorted(entry.name for entry in folder.iterdir())
    if not entries:
        return False
    ours = {seed.filename for seed in spec.SEED_FILES} | {MANIFEST, *EXPORT_EXTRAS}
    foreign = [name for name in entries if name not in ours]
    if MANIFEST not in entries or foreign:
        if force:
            return True
        shown = ", ".join(foreign[:5]) or ", ".join(entries[:5])
        raise ValueError(
            f"refusing to export into {folder}: it is not empty and not an earlier exodb export "
            f"(it holds {shown}{', ...' if len(foreign or entries) > 5 else ''}); choose an empty "
            "or new folder, or pass --force to write the seed files among what is there"
        )
    return False


def export_folder(
    engine: Engine,
    folder: Path,
    progress: Any = None,
    *,
    force: bool = False,
    protect: list[Path] | None = None,
    spreadsheet_safe: bool = False,
    also: Any = None,
) -> dict[str, int]:
    """Write every seed file of the database into ``folder``; returns rows per file.

    ``also(folder, files)``, if given, writes more files beside them (a data package
    descriptor) before the export takes its place, with each file's rows and SHA-256.

    ``folder`` must be new, empty or an earlier export (unless ``force``), and never the bundled
    seeds. All files come from one read transaction (one state of the data). They are written
    into a new folder beside ``folder`` that then takes its place whole, so a kill or a full disk
    leaves the earlier export or the new one, never a mix. With ``force`` among other files,
    each file is written whole in place, the manifest last. ``spreadsheet_safe`` puts a ``'``
    before each cell a spreadsheet would run as a formula (the files no longer round-trip).
    """

    folder = Path(folder)
    protect = protect or []
    from exodb.io.safefile import can_replace_folder, replacing_folder

    foreign = _check_folder(folder, force, protect)
    folder.parent.mkdir(parents=True, exist_ok=True)
    if foreign or not can_replace_folder(folder):
        # --force among other files (they stay), or a folder that cannot be swapped (a mount
        # point, a parent we may not write): each file is still written whole, in place.
        return _write_export(engine, folder, progress, protect, spreadsheet_safe, also)
    with replacing_folder(folder) as staging:
        return _write_export(engine, staging, progress, protect, spreadsheet_safe, also)


def _write_export(
    engine: Engine,
    folder: Path,
    progress: Any,
    protect: list[Path],
    spreadsheet_safe: bool,
    also: Any = None,
) -> dict[str, int]:
    import hashlib
    import json

    from exodb.io.safefile import write_text
    from exodb.version import __version__

    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    digests: dict[str, str] = {}
    from exodb.storage.connection import read_snapshot

    with read_snapshot(engine) as connection:  # every file from one state of the data
        for seed, count, text in seed_texts(connection, spreadsheet_safe=spreadsheet_safe):
            write_text(folder / seed.filename, text, protect=protect)
            counts[seed.filename] = count
            digests[seed.filename] = hashlib.sha256(text.encode("utf-8")).hexdigest()
            if progress:
                progress(f"wrote {seed.filename}")
    from exodb.curation.stamp import content_sha256, stamp
    from exodb.schema.migrations import current_revision

    manifest = {
        "format": "exodb seed files",
        "exodb_version": __version__,
        # A spreadsheet-safe export has a ' before some cells: a reader must know it is not seeds.
        **({"spreadsheet_safe": True} if spreadsheet_safe else {}),
        # The release stamp; a spreadsheet-safe folder's files are not the data's, nor its hash.
        **(
            {}
            if spreadsheet_safe
            else {"release": stamp(current_revision(engine), content_sha256(digests))}
        ),
        "files": {name: {"rows": counts[name], "sha256": digests[name]} for name in counts},
    }
    if also is not None:
        also(folder, manifest["files"])
    write_text(folder / MANIFEST, json.dumps(manifest, indent=2) + "\n", protect=protect)
    return counts
