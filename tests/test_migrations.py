"""The migrations build exactly the models' schema, and run both ways on a loaded database."""

from __future__ import annotations

import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from exodb.schema import migrations
from exodb.schema.models import Base
from exodb.storage.connection import make_engine
from exodb.workflows.database import init_database, is_seeded, upgrade

from .conftest import REPO


def test_exactly_one_head():
    from exodb.schema.revision import HEAD_REVISION

    script = ScriptDirectory.from_config(migrations.alembic_config())
    assert len(script.get_heads()) == 1
    assert migrations.head_revision() == script.get_current_head()
    # The light check used at every command's start must know the newest revision.
    assert script.get_current_head() == HEAD_REVISION


@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression")
def test_upgraded_schema_matches_models(empty_url):
    engine = make_engine(empty_url)
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_object": migrations.include_object_for(connection.dialect.name),
            },
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
    tables = {t for t in inspect(engine).get_table_names() if not t.startswith("search_fts")}
    assert tables == set(Base.metadata.tables) | {"alembic_version"}
    assert set(inspect(engine).get_view_names()) == {
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
    assert set(inspect(engine).get_view_names()) == migrations.ANALYST_VIEWS


def test_round_trip_with_data(empty_url):
    engine = make_engine(empty_url)
    init_database(engine)
    assert is_seeded(engine)
    migrations.downgrade(engine, "base")
    assert inspect(engine).get_table_names() == ["alembic_version"]
    assert migrations.current_revision(engine) is None
    report = init_database(engine)
    assert report.seeded and report.rows > 1000
    assert migrations.current_revision(engine) == migrations.head_revision()


def test_alembic_command_line_uses_the_same_url_rules(empty_url):
    target = empty_url
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "alembic",
            "-c",
            "alembic.ini",
            "-x",
            f"db={target}",
            "upgrade",
            "head",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    engine = make_engine(target)
    assert migrations.current_revision(engine) == migrations.head_revision()
    engine.dispose()


def test_behind_database_names_the_fixing_command(empty_url):
    engine = make_engine(empty_url)
    with pytest.raises(migrations.SchemaError, match=r"run `exodb --db x init`"):
        migrations.ensure_current(engine, "x")


def test_upgrading_to_0010_marks_the_bundled_inferred_cargo(fresh_url):
    """A seeded database of revision 0009 (the previous release) has no inferred column; the
    upgrade adds it and sets it on the bundled rows the seeds mark, and nowhere else."""
    from sqlalchemy import text

    engine = make_engine(fresh_url)
    query = text(
        "SELECT s.key, m.key FROM study_molecule AS l JOIN study AS s ON s.id = l.study_id "
        "JOIN molecule AS m ON m.id = l.molecule_id WHERE l.inferred ORDER BY s.key"
    )
    with engine.connect() as connection:
        seeded = connection.execute(query).all()
    assert len(seeded) == len(migrations.INFERRED_CARGO_0010)
    migrations.downgrade(engine, "0009")
    columns = {c["name"] for c in inspect(engine).get_columns("study_molecule")}
    assert "inferred" not in columns
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(query).all() == seeded
        assert connection.execute(text("SELECT count(*) FROM study_cargo_pathway")).scalar()
    engine.dispose()


def test_a_downgrade_that_would_drop_other_inferred_flags_is_refused(fresh_url):
    from sqlalchemy import text

    engine = make_engine(fresh_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE study_molecule SET inferred = :yes WHERE molecule_id = "
                "(SELECT id FROM molecule WHERE key = 'miR-2861')"
            ),
            {"yes": True},
        )
    with pytest.raises(migrations.ImportLogWouldBeLost, match="inferred flag of 1 study"):
        migrations.downgrade(engine, "0009")
    assert migrations.current_revision(engine) == migrations.head_revision()
    engine.dispose()


def test_upgrading_to_0012_adds_the_link_views_and_fills_the_study_search(fresh_url):
    """A seeded database of revision 0011 has no link views and no study search index; the
    upgrade adds the views, and (SQLite) an index that already finds the studies."""
    from sqlalchemy import text

    engine = make_engine(fresh_url)
    migrations.downgrade(engine, "0011")
    views = set(inspect(engine).get_view_names())
    assert not views & {"study_mechanism_link", "study_dimensions"}
    assert "search_fts_study" not in inspect(engine).get_table_names()
    upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT study FROM study_mechanism_link WHERE mechanism = 'ecm_regulation'")
        ).all()
        assert len(rows) == 5
        if engine.dialect.name == "sqlite":
            found = connection.execute(
                text(
                    "SELECT s.key FROM study AS s WHERE s.id IN (SELECT rowid FROM "
                    "search_fts_study WHERE search_fts_study MATCH 'ferroptosis') ORDER BY s.key"
                )
            ).all()
            assert [k for (k,) in found] == ["chen_65", "zhang_64"]
    engine.dispose()


@pytest.mark.sqlite_only
def test_the_study_search_follows_an_import(fresh_url):
    """The loader refills the study index with the search index, in the same transaction."""
    from sqlalchemy import text

    from exodb.workflows.load import import_path

    engine = make_engine(fresh_url)
    import_path(engine, REPO / "examples" / "extraction")
    with engine.connect() as connection:
        (documents,) = connection.execute(text("SELECT count(*) FROM search_fts_study")).one()
        (studies,) = connection.execute(text("SELECT count(*) FROM study")).one()
        found = connection.execute(
            text(
                "SELECT s.key FROM study AS s WHERE s.id IN (SELECT rowid FROM search_fts_study "
                "WHERE search_fts_study MATCH 'compression') ORDER BY s.key"
            )
        ).all()
    engine.dispose()
    assert documents == studies
    assert ("example_mouse_compression",) in found


def test_revision_0012_fills_the_study_search_as_the_loader_does():
    """The migration keeps its own copy of the statement (a revision does not change once
    released); while they are the same, an upgraded database and a loaded one agree."""
    import importlib.util

    from exodb.console.search import FILL_STUDY_INDEX

    path = REPO / "alembic" / "versions" / "0012_link_views_and_study_search.py"
    spec = importlib.util.spec_from_file_location("revision_0012", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.FILL_STUDY_FTS == FILL_STUDY_INDEX
