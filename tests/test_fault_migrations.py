"""Migrations never lose the import log, never leave half a revision, and leave a database
ready to use: faults that used to let `exodb seed` delete imported records, or left a file
that `exodb init` could not repair, each reproduced."""

from __future__ import annotations

import subprocess
import sys

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from exodb.cli import main
from exodb.console.search import search
from exodb.errors import ImportsPresent
from exodb.io.resources import seeds_dir
from exodb.schema import migrations
from exodb.storage.connection import make_engine, session_factory
from exodb.workflows import load
from exodb.workflows.database import upgrade

from .conftest import BACKEND, REPO, snapshot
from .test_import import USER_FILES

REVISIONS = [
    r.revision for r in ScriptDirectory.from_config(migrations.alembic_config()).walk_revisions()
]


@pytest.fixture
def imported_url(fresh_url, tmp_path) -> str:
    folder = tmp_path / "mine"
    folder.mkdir()
    for name, content in USER_FILES.items():
        (folder / name).write_text(content, encoding="utf-8")
    engine = make_engine(fresh_url)
    load.import_path(engine, folder)
    engine.dispose()
    return fresh_url


def import_log(url: str) -> list[tuple]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, source, files, rows FROM import_log")).all()
    engine.dispose()
    return [tuple(r) for r in rows]


@pytest.mark.parametrize("lower", REVISIONS[1:] + ["base"])
def test_every_round_trip_keeps_the_import_log_or_is_refused(imported_url, lower):
    engine = make_engine(imported_url)
    log = import_log(imported_url)
    assert len(log) == 1
    before = snapshot(imported_url)
    if lower == "base" or int(lower) < int(migrations.IMPORT_LOG_REVISION):
        with pytest.raises(migrations.ImportLogWouldBeLost) as refused:
            migrations.downgrade(engine, lower)
        assert "would drop the log of 1 import(s)" in str(refused.value)
        assert migrations.current_revision(engine) == migrations.head_revision()
        assert snapshot(imported_url) == before
    else:
        migrations.downgrade(engine, lower)
        assert migrations.current_revision(engine) == lower
        upgrade(engine)
        assert import_log(imported_url) == log
    with pytest.raises(ImportsPresent):
        load.load_folder(engine, seeds_dir())
    engine.dispose()


def test_the_alembic_command_line_cannot_drop_the_log_either(imported_url):
    result = subprocess.run(
        [sys.executable, "-m", "alembic", "-c", "alembic.ini", "-x", f"db={imported_url}"]
        + ["downgrade", "0002"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "import_log records 1 import(s)" in result.stderr
    engine = make_engine(imported_url)
    # Whatever the backend committed on the way down, the log is still there.
    assert int(migrations.current_revision(engine)) >= int(migrations.IMPORT_LOG_REVISION)
    assert len(import_log(imported_url)) == 1
    upgrade(engine)
    with pytest.raises(ImportsPresent):
        load.load_folder(engine, seeds_dir())
    engine.dispose()


def test_an_upgrade_from_0001_fills_the_search_index(fresh_url):
    engine = make_engine(fresh_url)
    migrations.downgrade(engine, "0001")
    upgrade(engine)
    with session_factory(engine)() as session:
        hits = search(session, "ferroptosis")
    assert hits, "the search index is empty after the upgrade"
    assert all("ferroptosis" in hit.snippet.lower() for hit in hits)
    engine.dispose()


def test_a_failing_revision_leaves_no_half_of_itself(fresh_url, monkeypatch):
    engine = make_engine(fresh_url)
    migrations.downgrade(engine, "0001")
    before = snapshot_at_0001(fresh_url)
    from alembic import op

    original = op.create_index

    def fail_in_0005(name, *args, **kwargs):
        if "_study_id" in name and "study_model" in name:
            raise OSError(28, "No space left on device")  # as a full disk would, midway
        return original(name, *args, **kwargs)

    monkeypatch.setattr(op, "create_index", fail_in_0005)
    with pytest.raises(OSError):
        upgrade(engine)
    monkeypatch.undo()
    reached = migrations.current_revision(engine)
    if BACKEND == "sqlite":
        # One transaction for the whole upgrade: back where it started, byte for byte in content.
        assert reached == "0001"
        assert snapshot_at_0001(fresh_url) == before
    else:
        # One transaction per revision: the revisions before the failing one are complete.
        assert reached == "0004"
    # exodb init carries on from there.
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["--db", fresh_url, "init"])
    assert result.exit_code == 0, result.output
    assert migrations.current_revision(engine) == migrations.head_revision()
    with session_factory(engine)() as session:  # the index, built by no finished upgrade yet
        assert search(session, "ferroptosis")
    engine.dispose()


def snapshot_at_0001(url: str) -> dict[str, list[tuple]]:
    """Rows of the tables revision 0001 has (the models describe the head revision)."""
    engine = make_engine(url)
    with engine.connect() as connection:
        names = [
            row[0]
            for row in connection.execute(
                text(
                    "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"
                    if connection.dialect.name == "sqlite"
                    else "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "ORDER BY tablename"
                )
            )
        ]
        result = {
            name: sorted(
                map(tuple, connection.execute(text(f'SELECT * FROM "{name}"')).all()), key=repr
            )
            for name in names
        }
    engine.dispose()
    return result


def test_init_repairs_a_database_left_schema_only(runner, empty_url):
    """A kill between the schema and the seeds (exodb init of an existing empty file): init
    again completes it."""
    assert runner.invoke(main, ["--db", empty_url, "init", "--no-seed"]).exit_code == 0
    result = runner.invoke(main, ["--db", empty_url, "init"])
    assert result.exit_code == 0
    assert "loaded" in result.output


@pytest.mark.sqlite_only
def test_a_failed_first_build_leaves_no_file_under_the_name(tmp_path, monkeypatch):
    from exodb.workflows import database

    home = tmp_path / "home"
    monkeypatch.setenv("EXODB_HOME", str(home))

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(load, "load_folder", interrupted)
    with pytest.raises(KeyboardInterrupt):
        database.open_database()
    assert list(home.iterdir()) == []  # no database, no temporary left either
    monkeypatch.undo()
    monkeypatch.setenv("EXODB_HOME", str(home))
    engine = database.open_database()
    with session_factory(engine)() as session:
        from exodb import queries

        low = [row.key for row in queries.cell_sources(session, immunogenicity="low")]
    assert low == ["uc_msc", "ad_msc", "bmsc", "schwann_cell", "ipsc"]
    engine.dispose()
    assert sorted(p.name for p in home.iterdir() if not p.name.endswith(("-wal", "-shm"))) == [
        "exodb.sqlite"
    ]


def unstamp(url: str) -> None:
    """Make the database look like an init of an earlier exodb, killed before its stamp."""
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
    engine.dispose()


def test_init_heals_empty_tables_left_without_a_revision(runner, empty_url):
    assert runner.invoke(main, ["--db", empty_url, "init", "--no-seed"]).exit_code == 0
    unstamp(empty_url)
    result = runner.invoke(main, ["--db", empty_url, "init"])
    assert result.exit_code == 0, result.output
    assert "loaded" in result.output
    engine = make_engine(empty_url)
    assert migrations.current_revision(engine) == migrations.head_revision()
    engine.dispose()


def test_init_refuses_unstamped_tables_that_hold_rows(runner, fresh_url):
    unstamp(fresh_url)
    before = snapshot(fresh_url)
    result = runner.invoke(main, ["--db", fresh_url, "init"])
    assert result.exit_code == 1
    assert "exodb tables with rows (" in result.output and "no schema revision" in result.output
    assert "Traceback" not in result.output
    assert snapshot(fresh_url) == before
