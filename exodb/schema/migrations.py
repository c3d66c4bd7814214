"""Run exodb's Alembic migrations from code, independent of the current directory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from exodb.errors import SchemaError
from exodb.io.resources import migrations_dir

# Objects the tables do not describe on purpose: SQLite's FTS5 index and its shadow tables, and
# (on other backends) the PostgreSQL-only full-text index. Autogenerate must not touch them.
FTS_TABLE = "search_fts"
PG_ONLY_INDEXES = {"ix_search_document_text_fts"}
# PostgreSQL: the text-search configuration (and its dictionary) that index uses.
PG_SEARCH_CONFIGURATION = ("exodb_search", "exodb_search_stem")
# PostgreSQL: the functions of revision 0009's triggers (dropping a table drops its triggers,
# not the functions they call).
PG_TRIGGER_FUNCTIONS = ("exodb_measurement_within_scale", "exodb_scale_keeps_measurements")
# The views revisions 0002, 0009 and 0012 create for analysts.
ANALYST_VIEWS = {
    "study_cargo_pathway",
    "cell_source_comparison",
    "outcome_detail",
    "cell_source_ancestry",
    "arm_measurement",
    "study_risk_of_bias",
    "study_mechanism_link",
    "study_species_link",
    "study_cargo_link",
    "study_pathway_node_link",
    "study_dimensions",
}
# SQLite: revision 0012's search index of studies (its name starts with FTS_TABLE, so the
# autogenerate hook leaves it out as well).
STUDY_FTS_TABLE = "search_fts_study"


def include_object_for(dialect: str) -> Callable[..., bool]:
    """An Alembic ``include_object`` hook for ``dialect`` that leaves exodb's full-text objects
    out of autogenerate comparisons."""

    def include_object(obj: Any, name: str | None, type_: str, reflected: bool, other: Any) -> bool:
        if type_ == "table" and name and name.startswith(FTS_TABLE):
            return False
        if type_ == "index" and name in PG_ONLY_INDEXES:
            return dialect == "postgresql"
        return True

    return include_object


def alembic_config(connection: Connection | None = None, *, per_revision: bool = False) -> Config:
    """An Alembic config pointing at the bundled migrations, optionally bound to a connection.

    With ``per_revision``, env.py commits each revision (and its stamp) in a transaction of its
    own; otherwise the caller's open transaction holds the whole migration.
    """
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    if connection is not None:
        cfg.attributes["connection"] = connection
        cfg.attributes["per_revision"] = per_revision
    return cfg


def head_revision() -> str:
    """The newest revision this version of exodb knows."""
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:
        raise SchemaError(f"the migrations have {len(heads)} heads; expected exactly one")
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for a database exodb never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


# The revision that creates import_log, the record that protects imported rows from `exodb seed`.
IMPORT_LOG_REVISION = "0003"


class ImportLogWouldBeLost(SchemaError):
    """A downgrade below the import log's revision would forget the database's imports."""


def _revision_number(revision: str | None) -> int:
    return int(revision) if revision and revision.isdigit() else 0


def _refuse_losing_imports(connection: Connection, target: str) -> None:
    """Refuse a downgrade that would drop a non-empty import log.

    Dropping it would let `exodb seed` delete imported records without asking; the log must
    live through every way down and up, so the way down stops here instead.
    """
    if target != "base" and _revision_number(target) >= int(IMPORT_LOG_REVISION):
        return
    if not connection.dialect.has_table(connection, "import_log"):
        return
    imports = table_count(connection, "import_log")
    if imports:
        raise ImportLogWouldBeLost(
            f"downgrading to {target} would drop the log of {imports} import(s), and with it the "
            "protection of the imported records; keep them with `exodb export csv DIR`, then "
            "empty the log (DELETE FROM import_log) if you really mean to downgrade"
        )


EXTRACTION_REVISION = "0009"
EXTRACTION_TABLES = (
    "animal_model",
    "ev_preparation",
    "ev_marker",
    "arm",
    "outcome_measurement",
    "risk_of_bias",
)


# The extraction's tables that the bundled seeds fill, and the key columns of their rows there:
# rows with other keys came from imports.
BUNDLED_EXTRACTION = {
    "outcome_scale": ("outcome_scales.csv", ("key",)),
    "separation_method": ("separation_methods.csv", ("key",)),
    "bias_domain": ("bias_domains.csv", ("key",)),
    "arm": ("arms.csv", ("study", "arm")),
}


def _bundled_keys(filename: str, columns: tuple[str, ...]) -> set[tuple[str, ...]]:
    import csv

    from exodb.io.resources import seeds_dir

    with open(seeds_dir() / filename, encoding="utf-8", newline="") as handle:
        return {tuple(row[c] for c in columns) for row in csv.DictReader(handle)}


def _imported_extraction(connection: Connection) -> list[str]:
    """What of the extraction's tables the bundled seeds would not bring back."""
    holding = []
    for name in EXTRACTION_TABLES + ("outcome_scale", "separation_method", "bias_domain"):
        if name not in BUNDLED_EXTRACTION:
            count = table_count(connection, name)
        else:
            filename, columns = BUNDLED_EXTRACTION[name]
            if name == "arm":
                stmt = "SELECT s.key, a.label FROM arm AS a JOIN study AS s ON s.id = a.study_id"
            else:
                stmt = f"SELECT key FROM {name}"
            bundled = _bundled_keys(filename, columns)
            count = sum(1 for row in connection.execute(text(stmt)) if tuple(row) not in bundled)
        if count:
            holding.append(f"{count} in {name}")
    studies = connection.execute(
        text(
            "SELECT count(*) FROM study "
            "WHERE section_id IS NULL OR doi IS NOT NULL OR pmid IS NOT NULL"
        )
    ).scalar_one()
    if studies:
        holding.append(f"{studies} studies with a DOI or PMID or without a section")
    return holding


IDENTIFIERS_REVISION = "0011"
IDENTIFIED = ("cell_source", "species", "molecule", "pathway", "mechanism")


def _imported_identifiers(connection: Connection) -> list[str]:
    """Identifier rows the bundled seeds would not bring back (keyed by owner key and CURIE)."""
    holding = []
    for owner in IDENTIFIED:
        table = f"{owner}_identifier"
        if not connection.dialect.has_table(connection, table):
            continue
        bundled = _bundled_keys(f"{table}s.csv", (owner, "curie"))
        rows = connection.execute(
            text(
                f"SELECT o.key, i.curie FROM {table} AS i JOIN {owner} AS o ON o.id = i.{owner}_id"
            )
        )
        count = sum(1 for row in rows if tuple(row) not in bundled)
        if count:
            holding.append(f"{count} in {table}")
    return holding


def _refuse_losing_extraction(connection: Connection, target: str) -> None:
    """Refuse a downgrade below 0009 (0011 for the identifiers) that would drop rows an import
    brought to its tables.

    The bundled seeds rebuild their own rows; imported ones exist nowhere else.
    """
    below_identifiers = target == "base" or _revision_number(target) < int(IDENTIFIERS_REVISION)
    holding = _imported_identifiers(connection) if below_identifiers else []
    if holding:
        raise ImportLogWouldBeLost(
            f"downgrading to {target} would drop the identifier tables, which hold imported "
            f"rows ({', '.join(holding)}); keep them with `exodb export csv DIR` first"
        )
    if target != "base" and _revision_number(target) >= int(EXTRACTION_REVISION):
        return
    if not connection.dialect.has_table(connection, "arm"):
        return
    holding = _imported_extraction(connection)
    if holding:
        raise ImportLogWouldBeLost(
            f"downgrading to {target} would drop the study extraction tables, which hold "
            f"imported rows ({', '.join(holding)}); keep them with `exodb export csv DIR` first"
        )


INFERRED_REVISION = "0010"
# The cargo rows (study, molecule) that the bundled seeds of revision 0010 mark inferred: its
# upgrade sets their flag in a database that has them, so a seeded database upgraded from an
# earlier release (or taken down and up again) reads as a new one does. Frozen with the
# revision: rows marked later come from the seeds or an import, not from this list.
INFERRED_CARGO_0010 = (
    ("fu_54", "miR-21a-3p"),
    ("gao_70", "miR-26a"),
    ("gao_110", "miR-210"),
    ("huang_71", "miR-199-5p"),
    ("liu_24", "miR-216a-5p"),
    ("ref94", "miR-23a-3p"),
    ("sun_72", "miR-431-3p"),
    ("xie_111", "miR-501-5p"),
    ("xiong_103", "miR-709"),
)


def _refuse_losing_inferred(connection: Connection, target: str) -> None:
    """Refuse a downgrade below 0010 that would forget which study molecules are inferred.

    Revision 0010 marks its own list again on the way up; a flag on any other row (an import,
    or seeds of a curator's own) exists nowhere else.
    """
    if target != "base" and _revision_number(target) >= int(INFERRED_REVISION):
        return
    if not connection.dialect.has_table(connection, "study_molecule"):
        return
    from sqlalchemy import inspect

    if "inferred" not in {c["name"] for c in inspect(connection).get_columns("study_molecule")}:
        return
    flagged = connection.execute(
        text(
            "SELECT s.key, m.key, l.role FROM study_molecule AS l "
            "JOIN study AS s ON s.id = l.study_id JOIN molecule AS m ON m.id = l.molecule_id "
            "WHERE l.inferred"
        )
    ).all()
    kept = set(INFERRED_CARGO_0010)
    lost = [row for row in flagged if row[2] != "cargo" or (row[0], row[1]) not in kept]
    if lost:
        raise ImportLogWouldBeLost(
            f"downgrading to {target} would drop the inferred flag of {len(lost)} study "
            f"molecule(s) (first: {lost[0][0]} {lost[0][1]} {lost[0][2]}) that revision "
            f"{INFERRED_REVISION} cannot set again; keep them with `exodb export csv DIR` first"
        )


def _run(
    engine: Engine,
    action,
    revision: str,
    downgrading: bool = False,
    after: Callable[[Connection], None] | None = None,
) -> None:
    """Migrate so that no interruption leaves half a schema.

    SQLite: the whole migration is one ``BEGIN IMMEDIATE`` transaction (DDL is transactional
    there, and holding the write lock from the first read keeps a second migration or a load
    from interleaving); a kill or a full disk rolls it all back. PostgreSQL: one transaction per
    revision, each with its revision stamp, under a session lock that keeps concurrent
    migrations of the same database in turn.

    PostgreSQL: the session holds the loads' advisory lock across its revisions, so no load runs
    against a schema halfway between two revisions, and two migrations take turns.
    """
    from sqlalchemy.exc import OperationalError

    from exodb.storage.config import sqlite_path
    from exodb.storage.connection import (
        LOAD_LOCK_KEY,
        busy_error,
        driver_execute,
        explicit_transactions,
        is_locked,
    )

    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Write-ahead logging lets readers go on while an import writes, and they never see
            # half of it. The setting is stored in the file, so it holds for every later use.
            # Batch mode rebuilds tables by copy-and-rename, which foreign keys would block.
            # Both pragmas take effect only outside a transaction, so they go first.
            driver_execute(connection, "PRAGMA journal_mode=WAL")
            driver_execute(connection, "PRAGMA foreign_keys=OFF")
            explicit_transactions(connection, "IMMEDIATE")
        else:
            _take_migration_lock(connection, str(engine.url.render_as_string(hide_password=True)))
        try:
            try:
                started_at = MigrationContext.configure(connection).get_current_revision()
            except OperationalError as exc:
                if is_locked(str(exc.orig)):
                    raise busy_error(str(sqlite_path(engine.url))) from None
                raise
            if downgrading:
                _refuse_losing_imports(connection, revision)
                _refuse_losing_extraction(connection, revision)
                _refuse_losing_inferred(connection, revision)
            elif started_at is None:
                _clear_unversioned_remnants(connection)
            if not sqlite:
                connection.commit()
            action(alembic_config(connection, per_revision=not sqlite), revision)
            if sqlite:
                problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if problems:
                    raise SchemaError(f"migration left dangling foreign keys: {problems[:5]}")
            if after is not None:
                after(connection)
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        finally:
            if sqlite:
                driver_execute(connection, "PRAGMA foreign_keys=ON")
            else:
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LOAD_LOCK_KEY})
                connection.commit()


def _clear_unversioned_remnants(connection: Connection) -> None:
    """Heal what an interrupted ``init`` of earlier exodb versions left: exodb's tables with no
    revision stamp (their DDL ran outside any transaction). Empty, they are dropped so the
    upgrade can build them; holding rows, the database is refused, never changed.
    """
    from sqlalchemy import inspect

    from exodb.schema.tables import metadata

    inspector = inspect(connection)
    present = set(inspector.get_table_names())
    ours = [table for table in metadata.sorted_tables if table.name in present]
    if not ours:
        return
    # data_version's one row is written by its migration, not by a load.
    holding = [
        table.name
        for table in ours
        if table.name != "data_version" and table_count(connection, table.name)
    ]
    if holding:
        raise SchemaError(
            f"the database has exodb tables with rows ({', '.join(holding[:5])}) but no schema "
            "revision, so exodb cannot tell what they are; it leaves them alone. Move the file "
            "away (or keep it as it is) and create a new database with `exodb init`"
        )
    for view in ANALYST_VIEWS & set(inspector.get_view_names()):
        connection.exec_driver_sql(f'DROP VIEW IF EXISTS "{view}"')
    for fts in (FTS_TABLE, STUDY_FTS_TABLE):
        if fts in present:
            connection.exec_driver_sql(f'DROP TABLE IF EXISTS "{fts}"')
    for table in reversed(ours):
        connection.exec_driver_sql(f'DROP TABLE IF EXISTS "{table.name}"')
    if connection.dialect.name == "postgresql":
        configuration, dictionary = PG_SEARCH_CONFIGURATION
        connection.exec_driver_sql(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {configuration}")
        connection.exec_driver_sql(f"DROP TEXT SEARCH DICTIONARY IF EXISTS {dictionary}")
        for function in PG_TRIGGER_FUNCTIONS:
            connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {function}()")


def _take_migration_lock(connection: Connection, where: str) -> None:
    """PostgreSQL: the loads' lock for the whole migration, waited for as a load waits."""
    from sqlalchemy.exc import DBAPIError

    from exodb.storage.connection import LOAD_LOCK_KEY, busy_error, busy_timeout

    connection.exec_driver_sql(f"SET lock_timeout = {max(1, int(busy_timeout() * 1000))}")
    try:
        connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": LOAD_LOCK_KEY})
    except DBAPIError as exc:
        connection.rollback()
        if getattr(exc.orig, "sqlstate", None) == "55P03":
            raise busy_error(where) from None
        raise
    finally:
        if connection.in_transaction():
            connection.commit()
        connection.exec_driver_sql("RESET lock_timeout")
        connection.commit()


def upgrade(
    engine: Engine, revision: str = "head", *, after: Callable[[Connection], None] | None = None
) -> None:
    """Migrate the database up to ``revision`` (default: the newest), whole or not at all.

    ``after`` runs in the migration's own (last) transaction, once the schema is in place: how
    :func:`exodb.workflows.database.upgrade` fills what the new schema derives from the data.
    """
    _run(engine, command.upgrade, revision, after=after)


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate the database down to ``revision`` (``base`` removes every exodb table).

    Refused (:class:`ImportLogWouldBeLost`, nothing changed) while the database holds imports
    and ``revision`` lies below the import log's own revision.
    """
    _run(engine, command.downgrade, revision, downgrading=True)


def ensure_current(engine: Engine, url_hint: str = "") -> None:
    """Raise :class:`SchemaError` with the fixing command unless the database is at head."""
    from exodb.schema.revision import ensure_current as check

    check(engine, url_hint)


def table_count(connection: Connection, table: str) -> int:
    """Rows in ``table`` (used to tell an empty database from a seeded one)."""
    return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
