"""The baselines the benchmark measures exodb against, on the same files and schema.

``csv_executemany``: Python's csv module reads each seed file, natural keys are resolved to ids
in memory (dicts), and sqlite3's executemany inserts every table's rows in one transaction.
It checks nothing and derives nothing: the floor any loader that reads CSV in Python stands on.
"""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

from exodb.curation import seedspec as spec


def _value(column: spec.Column, raw: str):
    if raw == "":
        return None
    if column.kind == spec.INT:
        return int(raw)
    if column.kind == spec.FLOAT:
        return float(raw)
    if column.kind == spec.BOOL:
        return raw == "true"
    return raw


def _parents_first(records: list[dict]) -> list[dict]:
    parent = {r["key"]: r.get("parent") or None for r in records}
    depth: dict[str, int] = {}

    def level(key: str) -> int:
        if key not in depth:
            up = parent.get(key)
            depth[key] = 0 if up is None or up not in parent else level(up) + 1
        return depth[key]

    return sorted(records, key=lambda r: level(r["key"]))


def csv_executemany(folder: Path, database: Path) -> int:
    """Load ``folder`` into the (migrated, empty) SQLite file ``database``; returns rows."""
    connection = sqlite3.connect(database)
    ids: dict[str, dict] = {}
    rows_written = 0
    try:
        connection.execute("BEGIN")
        for seed in spec.SEED_FILES:
            path = Path(folder) / seed.filename
            if not path.exists():
                continue
            with path.open(newline="", encoding="utf-8") as handle:
                records = list(csv.DictReader(handle))
            if seed.name in ("cell_sources", "molecules", "sections", "species"):
                records = _parents_first(records)  # as foreign keys demand
            scalar = [c for c in seed.columns if c.kind not in (spec.TEXT_LIST, spec.REF_LIST)]
            with_id = seed.table not in spec.WITHOUT_ID
            columns = (["id"] if with_id else []) + [c.db or c.name for c in scalar]
            table_ids = ids.setdefault(seed.name, {})
            batch = []
            for number, record in enumerate(records, start=1):
                values = [number] if with_id else []
                for column in scalar:
                    value = _value(column, record.get(column.name, ""))
                    if column.kind == spec.REF and value is not None:
                        target = ids[column.target]
                        value = target[int(value) if column.target == "references" else value]
                    values.append(value)
                if seed.key_column:
                    key = record[seed.key_column]
                    table_ids[int(key) if seed.name == "references" else key] = number
                batch.append(values)
            marks = ", ".join("?" for _ in columns)
            connection.executemany(
                f"INSERT INTO {seed.table} ({', '.join(columns)}) VALUES ({marks})", batch
            )
            rows_written += len(batch)
        connection.execute("COMMIT")
    finally:
        connection.close()
    return rows_written
