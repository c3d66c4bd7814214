"""Write a checked seed set: parents before children, in batches, the fastest way each backend
offers (COPY on PostgreSQL, a prepared executemany on SQLite), inside the caller's transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from exodb.curation import seedspec as spec
from exodb.curation.seedread import Row, SeedSet
from exodb.curation.validate import _names_of
from exodb.errors import DiskFull, Problem, SeedError
from exodb.names.mirna import parse as parse_mirna
from exodb.names.pathways import split_pathway
from exodb.names.vocabulary import fold
from exodb.schema.tables import metadata
from exodb.storage import integrity


def _parent_first(rows: list[Row]) -> list[Row]:
    """Order hierarchy rows so that every parent is inserted before its children.

    Iterative, not recursive: a chain of thousands of levels written child-first must not run
    out of Python's stack. Cycles were refused by validation.
    """
    by_key = {r.values["key"]: r for r in rows}
    depth: dict[str, int] = {}
    for row in rows:
        chain: list[str] = []
        on_chain: set[str] = set()
        key = row.values["key"]
        while key not in depth:
            chain.append(key)
            on_chain.add(key)
            parent = by_key[key].values.get("parent")
            if parent is None or parent not in by_key or parent in on_chain:
                depth[key] = 0
                chain.pop()
                break
            key = parent
        base = depth[key]
        for offset, child in enumerate(reversed(chain), start=1):
            depth[child] = base + offset
    return sorted(rows, key=lambda r: depth[r.values["key"]])


def bulk_insert(connection: Connection, table: str, columns: list[str], rows: list[tuple]) -> None:
    """Insert many rows, the fastest way each backend offers: COPY on PostgreSQL, a prepared
    executemany on SQLite. Values are positional, in ``columns`` order."""
    if not rows:
        return
    names = ", ".join(f'"{c}"' for c in columns)
    if connection.dialect.name == "postgresql":
        driver = connection.connection.driver_connection
        with driver.cursor() as cursor, cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    connection.exec_driver_sql(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)


BATCH_ROWS = 50_000


MIRNA_COLUMNS = ["mirna_stem", "mirna_family", "mirna_letter", "mirna_paralog", "mirna_arm"]


class _Writer:
    def __init__(self, connection: Connection, seeds: SeedSet, progress: Any = None):
        self.connection = connection
        self.seeds = seeds
        self.tables = metadata.tables
        self.ids: dict[str, dict[Any, int]] = {}
        self.counts: dict[str, int] = {}
        self.progress = progress

    def next_id(self, table: str) -> int:
        current = self.connection.execute(select(func.max(self.tables[table].c.id))).scalar()
        return (current or 0) + 1

    def existing_ids(self, seed: spec.SeedFile) -> dict[Any, int]:
        table = self.tables[seed.table]
        column = seed.column(seed.key_column)
        key_col = table.c[column.db or column.name] if column.kind != spec.REF else None
        if key_col is None:
            return {}
        if seed.scope:  # named within a study: (study key, name) -> id
            study = self.tables["study"]
            stmt = select(study.c.key, key_col, table.c.id).join(
                study, study.c.id == table.c.study_id
            )
            return {
                (study_key, name): row_id
                for study_key, name, row_id in self.connection.execute(stmt)
            }
        return dict(self.connection.execute(select(key_col, table.c.id)).all())

    def insert(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        bulk_insert(self.connection, table, columns, rows)
        self.counts[table] = self.counts.get(table, 0) + len(rows)

    def write(self) -> dict[str, int]:
        for seed in spec.SEED_FILES:
            rows = self.seeds.files.get(seed.name)
            ids = self.existing_ids(seed) if seed.key_column else {}
            self.ids[seed.name] = ids
            if rows is None:
                continue
            self.write_file(seed, rows, ids)
            if self.progress:
                self.progress(f"wrote {seed.filename}")
        return self.counts

    def write_file(self, seed: spec.SeedFile, rows: list[Row], ids: dict[Any, int]) -> None:
        if seed.name in ("sections", "species", "cell_sources", "molecules"):
            rows = _parent_first(rows)
        if seed.name == "arms":
            # A treatment arm names its control arm, which validation made a control: those
            # first, so the row a foreign key names is always there already.
            rows = sorted(rows, key=lambda r: r.values["role"] != "control")
        with_id = seed.table not in spec.WITHOUT_ID
        first_id = self.next_id(seed.table) if with_id else 0
        index = rows[0].index if rows else {}
        scalar = [
            (
                i,
                col,
                self.ids.get(col.target or "") if col.kind == spec.REF else None,
                index[col.scope] if col.scope and rows else None,
            )
            for i, col in enumerate(seed.columns)
            if col.kind not in (spec.TEXT_LIST, spec.REF_LIST)
        ]
        columns = (["id"] if with_id else []) + [col.db or col.name for _, col, _, _ in scalar]
        molecules = seed.name == "molecules"
        if molecules:
            columns += MIRNA_COLUMNS
        tools = self.domain_tools() if seed.name == "risk_of_bias" else None
        if tools is not None:
            columns.append("tool")
        key_position = rows[0].index[seed.key_column] if rows and seed.key_column else None
        scope_position = index[seed.scope] if seed.scope and rows else None
        records = []
        table_count = self.counts.get(seed.table, 0)
        for offset, row in enumerate(rows):
            if len(records) == BATCH_ROWS:  # bounded memory: write as we go
                bulk_insert(self.connection, seed.table, columns, records)
                table_count += len(records)
                records = []
            data = row.data
            values = [first_id + offset] if with_id else []
            for i, _, target, scope in scalar:
                value = data[i]
                if target is not None and value is not None:
                    value = target[(data[scope], value) if scope is not None else value]
                values.append(value)
            if molecules:
                values += _mirna_columns(row)
            if tools is not None:
                values.append(tools[values[columns.index("bias_domain_id")]])
            if key_position is not None:
                key = data[key_position]
                ids[(data[scope_position], key) if scope_position is not None else key] = (
                    first_id + offset
                )
            records.append(tuple(values))
        self.counts[seed.table] = table_count
        self.insert(seed.table, columns, records)
        if with_id:
            self.write_lists(seed, rows, range(first_id, first_id + len(rows)))

    def write_lists(self, seed: spec.SeedFile, rows: list[Row], row_ids: Any) -> None:
        for (file_name, column), (table, owner_col, target_col) in spec.REF_LIST_TABLES.items():
            if file_name != seed.name:
                continue
            target = self.ids[seed.column(column).target or ""]
            ordered = "position" in self.tables[table].c
            columns = [owner_col, target_col] + (["position"] if ordered else [])
            links = [
                (row_id, target[item], position) if ordered else (row_id, target[item])
                for row, row_id in zip(rows, row_ids, strict=True)
                for position, item in enumerate(row.get(column) or [], start=1)
            ]
            self.insert(table, columns, links)
        if seed.name in spec.NAMED_FILES:
            self.write_names(seed, rows, row_ids)
        for (file_name, column), (table, owner_col, value_col) in spec.TEXT_LIST_TABLES.items():
            if file_name != seed.name:
                continue
            self.insert(
                table,
                [owner_col, "position", value_col],
                [
                    (row_id, i, item)
                    for row, row_id in zip(rows, row_ids, strict=True)
                    for i, item in enumerate(row.get(column) or [], start=1)
                ],
            )
        if seed.name == "pathways":
            self.write_pathway_nodes(rows, row_ids)

    def domain_tools(self) -> dict[int, str]:
        """bias_domain.id -> its tool, which each judgement's row repeats (the database checks
        the judgement against it)."""
        domain = self.tables["bias_domain"]
        return dict(self.connection.execute(select(domain.c.id, domain.c.tool)).all())

    def write_names(self, seed: spec.SeedFile, rows: list[Row], row_ids: Any) -> None:
        owner = f"{seed.table}_id"
        records = []
        for row, row_id in zip(rows, row_ids, strict=True):
            seen: set[str] = set()
            for column, text in _names_of(spec.NAMED_FILES[seed.name], row):
                folded = fold(text)
                if folded in seen:
                    continue
                seen.add(folded)
                records.append((row_id, text, folded, column == "aliases"))
        self.insert(f"{seed.table}_name", [owner, "name", "folded", "is_alias"], records)
        self.insert(
            f"{seed.table}_alias",
            [owner, "position", "alias"],
            [
                (row_id, position, alias)
                for row, row_id in zip(rows, row_ids, strict=True)
                for position, alias in enumerate(row.get("aliases") or [], start=1)
            ],
        )

    def write_pathway_nodes(self, rows: list[Row], row_ids: Any) -> None:
        names = self.tables["molecule_name"]
        lookup = dict(self.connection.execute(select(names.c.folded, names.c.molecule_id)).all())
        self.insert(
            "pathway_node",
            ["pathway_id", "position", "molecule_id"],
            [
                (row_id, i, lookup[fold(node)])
                for row, row_id in zip(rows, row_ids, strict=True)
                for i, node in enumerate(split_pathway(row["key"]), start=1)
            ],
        )


def _mirna_columns(values: Any) -> list[Any]:
    parts = parse_mirna(values["key"]) if values.get("kind") == "mirna" else None
    if parts is None:
        return [None] * len(MIRNA_COLUMNS)
    return [parts.stem, parts.family, parts.letter, parts.paralog, parts.arm]


def clear(connection: Connection) -> None:
    """Delete every exodb row (children first), keeping the schema and its revision.

    Ids start again from 1 afterwards, so loading the same seeds gives the same rows.
    """
    tables = list(reversed(metadata.sorted_tables))
    if connection.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY")
        return
    for table in tables:
        connection.execute(table.delete())


def reset_sequences(connection: Connection) -> None:
    # Rows carry explicit ids; PostgreSQL's sequences must be moved past them.
    if connection.dialect.name != "postgresql":
        return
    for table in metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key:
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"
            )


def write_or_explain(
    connection: Connection, seeds: SeedSet, where: str, progress: Any = None
) -> dict[str, int]:
    """Write the checked rows; should the database still refuse one (a constraint the checks
    do not know), report it as a problem: the transaction is rolled back either way."""
    from sqlalchemy.exc import DBAPIError

    # COPY on PostgreSQL goes through the driver directly, so its own error class comes too.
    driver_error = getattr(connection.dialect.dbapi, "Error", DBAPIError)
    try:
        return _Writer(connection, seeds, progress).write()
    except (DBAPIError, driver_error) as exc:
        message = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        if integrity.is_full(message):  # not a problem with the data: say so as such
            raise DiskFull(integrity.full_message(message)) from None
        problem = Problem(where, 0, "-", f"the database refused the data: {message}")
        raise SeedError([problem]) from None
