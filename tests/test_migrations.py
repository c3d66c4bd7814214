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
    }


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
