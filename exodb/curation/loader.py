"""Validate seed CSV files and load them in one transaction.

The same loader serves the bundled seeds and a user's own files. It reads and checks everything
first: encoding, CSV syntax, columns, types, enumerations, keys, references between files,
hierarchies, aliases and pathway nodes. Any problem is reported as ``file:line: column: problem``
and nothing is written. Only a clean set of files is written, in a single transaction, so the
database is either fully loaded or exactly as it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, func, insert, select

from exodb.curation import importlog
from exodb.curation import seedspec as spec
from exodb.curation.seedread import (  # noqa: F401  (the loader's public names, kept for callers)
    _INT,
    DEFAULT_MAX_FILE_BYTES,
    Row,
    SeedSet,
    parse_text,
    read_file,
    read_import,
    read_seed_set,
)
from exodb.errors import AlreadyImported, DiskFull, ImportsPresent, Problem, SeedError
from exodb.names.closekeys import CloseKeys
from exodb.names.mirna import parse as parse_mirna
from exodb.names.vocabulary import fold
from exodb.schema.models import Base
from exodb.storage import integrity
from exodb.storage.connection import write_transaction

# What a value may be in each unit: a percentage or an incidence is never negative, a fold
# change is never zero or negative.
UNIT_RULES = {
    "%": (0.0, "a percentage cannot be negative"),
    "per million people": (0.0, "an incidence cannot be negative"),
}


# --- validation -----------------------------------------------------------------------------


def _label(seed_name: str) -> str:
    """What one row of a seed file is called: its table's name (studies -> study, species ->
    species), which is singular already."""
    seed = spec.BY_NAME.get(seed_name)
    return (seed.table if seed else seed_name).replace("_", " ")


# Close matches are looked for among the keys of the first this many unknown names only (the
# command line shows 50 problems): each look costs time that grows with the database, and a
# file with thousands of unknown keys needs a different fix than a hint for each.
SUGGESTED_NAMES = 50


@dataclass
class Existing:
    """What the database already holds, as an import must see it."""

    keys: dict[str, set] = field(default_factory=dict)  # file -> keys other files point at
    row_keys: dict[str, set] = field(default_factory=dict)  # file -> natural keys of its rows
    names: dict[str, dict[str, str]] = field(default_factory=dict)  # file -> folded -> key


def existing_state(connection: Connection, files: Iterable[str]) -> Existing:
    """The keys, row keys (for the files in ``files``) and folded names in the database."""
    from exodb.curation.seedexport import _key_maps, database_rows

    keys = _key_maps(connection)
    state = Existing(keys={name: set(values.values()) for name, values in keys.items()})
    for name in files:
        seed = spec.BY_NAME[name]
        if seed.key_column and seed.key == (seed.key_column,) and name in state.keys:
            state.row_keys[name] = {(k,) for k in state.keys[name]}
        else:
            state.row_keys[name] = {
                tuple(row[k] for k in seed.key) for row in database_rows(connection, seed, keys)
            }
    tables = _metadata().tables
    for name in spec.NAMED_FILES:
        seed = spec.BY_NAME[name]
        names = tables[f"{seed.table}_name"]
        owner = tables[seed.table]
        stmt = select(names.c.folded, owner.c.key).join(
            owner, owner.c.id == names.c[f"{seed.table}_id"]
        )
        state.names[name] = dict(connection.execute(stmt).all())
    return state


class _Validator:
    def __init__(self, seeds: SeedSet, existing: Existing | None = None):
        self.seeds = seeds
        self.problems: list[Problem] = []
        self.existing = existing or Existing()
        # Keys other rows may point at: from these files, plus (for imports) the database.
        self.keys: dict[str, set] = {n: set(v) for n, v in self.existing.keys.items()}
        self.molecule_names: dict[str, str] = dict(self.existing.names.get("molecules", {}))
        # Built once per validation (not once per problem), on the first unknown name.
        self._close: dict[str, CloseKeys] = {}
        self._hints: dict[tuple[str, str], str] = {}
        self._looked = 0

    def problem(self, seed_name: str, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(self.seeds.paths[seed_name], line, column, message))

    def run(self) -> list[Problem]:
        for seed in spec.SEED_FILES:
            rows = self.seeds.files.get(seed.name)
            if rows is None:
                continue
            self.check_unique(seed, rows)
            if seed.key_column:
                self.keys.setdefault(seed.name, set()).update(
                    r.values[seed.key_column] for r in rows if r.values[seed.key_column] is not None
                )
        for seed in spec.SEED_FILES:
            rows = self.seeds.files.get(seed.name)
            if rows is None:
                continue
            self.check_references(seed, rows)
        self.check_hierarchies()
        self.check_names()
        self.check_mirnas()
        self.check_pathways()
        self.check_rules()
        return self.problems

    def check_unique(self, seed: spec.SeedFile, rows: list[Row]) -> None:
        first: dict[tuple, int] = {}
        in_database = self.existing.row_keys.get(seed.name, set())
        if not rows:
            return
        positions = [rows[0].index[k] for k in seed.key]
        all_required = all(seed.column(k).required for k in seed.key)
        for row in rows:
            data = row.data
            key = tuple([data[p] for p in positions])
            if all_required and None in key:
                continue  # already reported as empty
            if key in in_database:
                shown = ", ".join(f"{k}={v}" for k, v in zip(seed.key, key, strict=True))
                self.problem(
                    seed.name, row.line, seed.key[0], f"({shown}) {importlog.ALREADY_PRESENT}"
                )
            elif key in first:
                shown = ", ".join(f"{k}={v}" for k, v in zip(seed.key, key, strict=True))
                self.problem(
                    seed.name,
                    row.line,
                    seed.key[0],
                    f"duplicate key ({shown}); first defined on line {first[key]}",
                )
            else:
                first[key] = row.line

    def hint(self, target: str, text: str) -> str:
        """``; did you mean ...?`` with the keys of ``target`` that ``text`` may have meant.

        Keys equal to ``text`` but for case and punctuation are always named; close spellings
        are looked for in the first SUGGESTED_NAMES unknown names. A name met again gets the
        same hint at no cost.
        """
        hint = self._hints.get((target, text))
        if hint is not None:
            return hint
        matcher = self._close.get(target)
        if matcher is None:
            matcher = self._close[target] = CloseKeys(str(k) for k in self.keys.get(target, ()))
        close = matcher.same_fold(text)
        if not close and self._looked < SUGGESTED_NAMES:
            self._looked += 1
            close = matcher.close(text)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        self._hints[(target, text)] = hint
        return hint

    def unknown(self, seed_name: str, line: int, col: spec.Column, value: Any) -> None:
        target = col.target or ""
        self.problem(
            seed_name,
            line,
            col.name,
            f"unknown {_label(target)} '{value}' (not a key of {target}.csv)"
            + self.hint(target, str(value)),
        )

    def check_references(self, seed: spec.SeedFile, rows: list[Row]) -> None:
        for col in seed.columns:
            if col.kind not in (spec.REF, spec.REF_LIST):
                continue
            known = self.keys.get(col.target or "", set())
            position = rows[0].index[col.name] if rows else 0
            if col.kind == spec.REF:
                for row in rows:
                    item = row.data[position]
                    if item is not None and item not in known:
                        self.unknown(seed.name, row.line, col, item)
                continue
            for row in rows:
                for item in row.data[position] or ():
                    if item not in known:
                        self.unknown(seed.name, row.line, col, item)

    def check_hierarchies(self) -> None:
        for name in ("sections", "species", "cell_sources", "molecules"):
            rows = self.seeds.files.get(name)
            if not rows:
                continue
            parent = {r.values["key"]: (r.values.get("parent"), r.line) for r in rows}
            for start, (_, line) in parent.items():
                seen = {start}
                node = parent[start][0]
                while node is not None and node in parent:
                    if node in seen:
                        self.problem(
                            name, line, "parent", f"'{start}' is its own ancestor (a cycle)"
                        )
                        break
                    seen.add(node)
                    node = parent[node][0]

    def check_names(self) -> None:
        for name, name_columns in spec.NAMED_FILES.items():
            rows = self.seeds.files.get(name)
            if rows is None:
                continue
            owner: dict[str, tuple[str, int, str]] = {
                folded: (key, 0, "in the database")
                for folded, key in self.existing.names.get(name, {}).items()
            }
            for row in rows:
                key = row.values["key"]
                for column, text in _names_of(name_columns, row.values):
                    folded = fold(text)
                    if not folded:
                        self.problem(name, row.line, column, f"'{text}' has no letters or digits")
                        continue
                    other = owner.get(folded)
                    if other and other[0] != key:
                        where = other[2] if not other[1] else f"line {other[1]}, {other[2]}"
                        self.problem(
                            name,
                            row.line,
                            column,
                            f"'{text}' would also name '{other[0]}' ({where}); "
                            "a name may point at one entry only",
                        )
                    else:
                        owner.setdefault(folded, (key, row.line, column))
            if name == "molecules":
                self.molecule_names.update({f: k for f, (k, _, _) in owner.items()})

    def check_mirnas(self) -> None:
        for row in self.seeds.files.get("molecules", []):
            key = row.values.get("key")
            if row.values.get("kind") == "mirna" and key and parse_mirna(key) is None:
                self.problem(
                    "molecules",
                    row.line,
                    "key",
                    f"'{key}' is not a miRNA name of the form miR-21a-3p (kind is mirna)",
                )

    def check_pathways(self) -> None:
        rows = self.seeds.files.get("pathways")
        if rows is None:
            return
        seen: dict[tuple[str, ...], tuple[str, int]] = {}
        for row in rows:
            key = row.values["key"]
            if not key:
                continue
            nodes = split_pathway(key)
            if any(not node for node in nodes):
                self.problem("pathways", row.line, "key", f"'{key}' has an empty node")
                continue
            resolved = []
            for node in nodes:
                molecule = self.molecule_names.get(fold(node))
                if molecule is None:
                    self.problem(
                        "pathways",
                        row.line,
                        "key",
                        f"node '{node}' of '{key}' is not a molecule key or alias"
                        + self.hint("molecules", node),
                    )
                resolved.append(molecule)
            signature = tuple(resolved)
            if None not in signature:
                if signature in seen:
                    other, line = seen[signature]
                    self.problem(
                        "pathways",
                        row.line,
                        "key",
                        f"'{key}' has the same nodes as '{other}' (line {line})",
                    )
                seen[signature] = (key, row.line)

    def check_rules(self) -> None:
        for name in ("epidemiology", "outcomes"):
            for row in self.seeds.files.get(name, []):
                value, unit = row.values.get("value"), row.values.get("unit")
                if value is not None and not unit:
                    self.problem(name, row.line, "unit", "a value needs a unit")
                if value is not None and unit in UNIT_RULES and value < UNIT_RULES[unit][0]:
                    self.problem(name, row.line, "value", f"{value:g}: {UNIT_RULES[unit][1]}")
                if value is not None and unit == "fold" and value <= 0:
                    self.problem(name, row.line, "value", f"{value:g}: a fold change is positive")
                if name == "epidemiology" and value is None and not row.values.get("note"):
                    self.problem(name, row.line, "note", "a row without a value needs a note")
        for row in self.seeds.files.get("study_interactions", []):
            regulator, target = row.values.get("regulator"), row.values.get("target")
            if regulator is not None and regulator == target:
                self.problem(
                    "study_interactions", row.line, "target", "regulator and target are the same"
                )
        for row in self.seeds.files.get("curation_notes", []):
            values = row.values
            if values.get("kind") == "contradicts_source" and not values.get("source"):
                self.problem(
                    "curation_notes",
                    row.line,
                    "source",
                    "a contradicts_source note must say where the other reading was seen",
                )
            subject = values.get("subject")
            if subject:
                self.check_subject(row.line, subject)

    def check_subject(self, line: int, subject: str) -> None:
        file_name, _, key = subject.partition(":")
        seed = spec.BY_NAME.get(file_name)
        if seed is None or not seed.key_column or not key:
            self.problem(
                "curation_notes",
                line,
                "subject",
                f"'{subject}' is not of the form file:key (e.g. cell_sources:uc_msc)",
            )
            return
        wanted: Any = int(key) if file_name == "references" and _INT.match(key) else key
        if wanted not in self.keys.get(file_name, set()):
            self.problem(
                "curation_notes", line, "subject", f"'{key}' is not a key of {file_name}.csv"
            )


def split_pathway(key: str) -> list[str]:
    """The ordered nodes of a pathway as written: ``"PI3K/Akt/mTOR"`` -> PI3K, Akt, mTOR."""
    return [node.strip() for node in key.split("/")]


def _names_of(name_columns: Iterable[str], values: dict[str, Any]) -> list[tuple[str, str]]:
    names = [(c, values.get(c)) for c in name_columns if values.get(c)]
    names += [("aliases", alias) for alias in values.get("aliases") or []]
    return names


def validate(seeds: SeedSet, existing: Existing | None = None) -> list[Problem]:
    """Every problem with a parsed seed set (in addition to those found while reading)."""
    return _Validator(seeds, existing).run()


# --- writing ----------------------------------------------------------------------------------


def _metadata() -> MetaData:
    return Base.metadata


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
        self.tables = _metadata().tables
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
        with_id = seed.table not in spec.WITHOUT_ID
        first_id = self.next_id(seed.table) if with_id else 0
        scalar = [
            (i, col, self.ids.get(col.target or "") if col.kind == spec.REF else None)
            for i, col in enumerate(seed.columns)
            if col.kind not in (spec.TEXT_LIST, spec.REF_LIST)
        ]
        columns = (["id"] if with_id else []) + [col.db or col.name for _, col, _ in scalar]
        molecules = seed.name == "molecules"
        if molecules:
            columns += MIRNA_COLUMNS
        key_position = rows[0].index[seed.key_column] if rows and seed.key_column else None
        records = []
        table_count = self.counts.get(seed.table, 0)
        for offset, row in enumerate(rows):
            if len(records) == BATCH_ROWS:  # bounded memory: write as we go
                bulk_insert(self.connection, seed.table, columns, records)
                table_count += len(records)
                records = []
            data = row.data
            values = [first_id + offset] if with_id else []
            for i, _, target in scalar:
                value = data[i]
                values.append(target[value] if target is not None and value is not None else value)
            if molecules:
                values += _mirna_columns(row)
            if key_position is not None:
                ids[data[key_position]] = first_id + offset
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
        if seed.name == "delivery_systems":
            self.insert(
                "delivery_system_payload",
                ["delivery_system_id", "position", "payload"],
                [
                    (row_id, i, payload)
                    for row, row_id in zip(rows, row_ids, strict=True)
                    for i, payload in enumerate(row["payloads"], start=1)
                ],
            )
        if seed.name == "pathways":
            self.write_pathway_nodes(rows, row_ids)

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
    tables = list(reversed(_metadata().sorted_tables))
    if connection.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY")
        return
    for table in tables:
        connection.execute(table.delete())


def _reset_sequences(connection: Connection) -> None:
    # Rows carry explicit ids; PostgreSQL's sequences must be moved past them.
    if connection.dialect.name != "postgresql":
        return
    for table in _metadata().sorted_tables:
        if "id" in table.c and table.c.id.primary_key:
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"
            )


def check_folder(folder: Path) -> list[Problem]:
    """Every problem with the seed files in ``folder``, without touching any database."""
    seeds, problems = read_seed_set(folder)
    return problems + validate(seeds)


def imports_present(connection: Connection) -> int:
    """How many imports the database has recorded."""
    return importlog.count(connection)


def data_generation(connection: Connection) -> int:
    """data_version.generation: how many loads have changed this database's data."""
    table = _metadata().tables["data_version"]
    return connection.execute(select(table.c.generation)).scalar() or 0


def advance_generation(connection: Connection, previous: int) -> None:
    # In the load's own transaction: a report kept from before it can no longer be served.
    version = _metadata().tables["data_version"]
    connection.execute(version.delete())
    connection.execute(insert(version).values(id=1, generation=previous + 1))
    connection.execute(_metadata().tables["report_cache"].delete())


def reindex(engine: Engine) -> int:
    """Rebuild what exodb derives from the data (the search index, and the generation that kept
    reports are tied to), for rows changed with other tools. Returns the search documents."""
    from exodb.console.search import rebuild_index

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
    from exodb.reports.cache import prepare

    try:
        prepare(engine)
    except KeyboardInterrupt:
        return


def load_folder(engine: Engine, folder: Path, *, replace_imports: bool = False) -> dict[str, int]:
    """Replace the database's content with the seed files in ``folder``, all or nothing.

    Returns the number of rows written per table. Raises :class:`SeedError` (and writes
    nothing) when any file has a problem, and :class:`ImportsPresent` when the database holds
    imported records, unless ``replace_imports``. Afterwards, a large database gets its default
    cross-tab reports kept (:func:`exodb.reports.cache.prepare`).
    """
    from exodb.console.search import rebuild_index

    seeds, problems = read_seed_set(folder)
    problems += validate(seeds)
    if problems:
        raise SeedError(problems)
    with write_transaction(engine) as connection:
        imported = imports_present(connection)
        if imported and not replace_imports:
            raise ImportsPresent(
                f"the database holds records from {imported} import(s), which reloading the "
                "seeds would remove; save them with `exodb export csv DIR` first, then run "
                "`exodb seed --replace-imports`"
            )
        generation = data_generation(connection)
        clear(connection)
        counts = _write_or_explain(connection, seeds, str(folder))
        # Derived in the same transaction, so search never sees a half-loaded database.
        counts["search_document"] = rebuild_index(connection)
        advance_generation(connection, generation)
        _reset_sequences(connection)
    _prepare_reports(engine)
    return counts


def _write_or_explain(
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


def _utc(moment: datetime) -> datetime:
    """A logged time in UTC (PostgreSQL returns it in the session's time zone; SQLite naive)."""
    return moment.astimezone(UTC) if moment.tzinfo else moment


def records_in(counts: dict[str, int]) -> int:
    """How many CSV records a load wrote (its derived rows, names and links, not counted)."""
    return sum(counts.get(seed.table, 0) for seed in spec.SEED_FILES)


def check_import(
    engine: Engine, path: Path, *, max_bytes: int | None = DEFAULT_MAX_FILE_BYTES
) -> tuple[SeedSet, list[Problem]]:
    """Every problem an import of ``path`` into the database would meet; nothing is written."""
    seeds, problems = read_import(path, max_bytes)
    with engine.connect() as connection:
        existing = existing_state(connection, seeds.files)
    return seeds, problems + validate(seeds, existing)


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
    database gets its default cross-tab reports kept (:func:`exodb.reports.cache.prepare`).
    """
    from exodb.console.search import rebuild_index

    seeds, problems = read_import(path, max_bytes)
    if problems:
        raise SeedError(problems)
    rows = sum(len(r) for r in seeds.files.values())
    if not rows:
        # Nothing to add: no log entry either, which would make `exodb seed` refuse for nothing.
        return {}
    digest = importlog.files_digest(seeds.paths)
    # The lock comes first: what is already present, and every id written, is read inside it.
    with write_transaction(engine) as connection:
        problems = validate(seeds, existing_state(connection, seeds.files))
        if problems:
            earlier = importlog.earlier_import(connection, digest)
            if earlier is not None and importlog.is_repeat(problems, rows):
                raise AlreadyImported(
                    f"every record of {path} is already in the database: the same files were "
                    f"imported on {_utc(earlier.imported_at):%Y-%m-%d %H:%M} UTC (import "
                    f"{earlier.number}, {earlier.rows} records); nothing was written"
                )
            raise SeedError(problems)
        counts = _write_or_explain(connection, seeds, str(path), progress)
        files = [spec.BY_NAME[name].filename for name in seeds.files]
        importlog.record(connection, Path(path), files, records_in(counts), digest)
        counts["search_document"] = rebuild_index(connection)
        advance_generation(connection, data_generation(connection))
        _reset_sequences(connection)
    _prepare_reports(engine)
    return counts
