"""The database back out in the seed format: one canonical CSV file per table, natural keys.

Exporting a database loaded from seeds/ gives files identical to seeds/, byte for byte; exporting
after an import gives files that rebuild the same database, user records included.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, select

from exodb import seedspec as spec
from exodb.canonical import canonical_rows
from exodb.models import Base


def _tables() -> dict[str, Any]:
    return Base.metadata.tables


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
        else:  # payloads
            t = tables["delivery_system_payload"]
            owner, value, order = t.c.delivery_system_id, t.c.payload, t.c.position
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
            row[column.name] = value
        yield row


def export_folder(engine: Engine, folder: Path, progress: Any = None) -> dict[str, int]:
    """Write every seed file of the database into ``folder``; returns rows per file."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    with engine.connect() as connection:
        keys = _key_maps(connection)
        for seed in spec.SEED_FILES:
            rows = list(database_rows(connection, seed, keys))
            (folder / seed.filename).write_text(canonical_rows(seed, rows), encoding="utf-8")
            counts[seed.filename] = len(rows)
            if progress:
                progress(f"wrote {seed.filename}")
    return counts
