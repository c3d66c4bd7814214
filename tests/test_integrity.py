"""Integrity is enforced by the database itself, not only by the loader."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from exodb.schema.models import Base
from exodb.storage.connection import make_engine


@pytest.fixture
def engine(fresh_url):
    engine = make_engine(fresh_url)
    yield engine
    engine.dispose()


@pytest.mark.sqlite_only
def test_foreign_keys_are_on_for_every_connection(engine):
    for _ in range(3):
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_orphan_row_is_rejected(engine):
    with engine.begin() as connection, pytest.raises(IntegrityError, match="(?i)foreign key"):
        connection.execute(
            text(
                "INSERT INTO cell_source_profile_reference (cell_source_profile_id, reference_id)"
                " VALUES (1, 99999)"
            )
        )


def test_orphan_row_is_rejected_for_parent_links(engine):
    with engine.begin() as connection, pytest.raises(IntegrityError, match="(?i)foreign key"):
        connection.execute(
            text(
                "INSERT INTO cell_source (key, name, parent_id, category) "
                "VALUES ('x', 'x', 4242, 'group')"
            )
        )


@pytest.mark.parametrize(
    ("statement", "constraint"),
    [
        ("UPDATE cell_source_profile SET immunogenicity = 'very_low'", "immunogenicity"),
        ("UPDATE cell_source_profile SET clinical_potential = 'low'", "clinical_potential"),
        ("UPDATE molecule SET kind = 'enzyme' WHERE key = 'BDNF'", "kind"),
        ("UPDATE mechanism SET key = 'nerve_growth' WHERE position = 1", "known_key"),
        ("UPDATE epidemiology SET unit = NULL WHERE key = 'tsci_incidence'", "value_has_unit"),
    ],
)
def test_check_constraints_reject_bad_values(engine, statement, constraint):
    with engine.begin() as connection, pytest.raises(IntegrityError, match=constraint):
        connection.execute(text(statement))


def test_unique_natural_keys(engine):
    with engine.begin() as connection, pytest.raises(IntegrityError, match="(?i)unique"):
        connection.execute(text("INSERT INTO reference (number) VALUES (54)"))


def test_required_fields_are_not_null(engine):
    with engine.begin() as connection, pytest.raises(IntegrityError, match="(?i)not.null"):
        connection.execute(
            text("UPDATE cell_source_profile SET advantages = NULL WHERE position = 1")
        )


@pytest.mark.sqlite_only
def test_constraints_are_named_by_convention(fresh_path):
    with sqlite3.connect(fresh_path) as connection:
        sql = connection.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'cell_source_profile'"
        ).fetchone()[0]
    assert "CONSTRAINT ck_cell_source_profile_immunogenicity CHECK" in sql
    assert "CONSTRAINT fk_cell_source_profile_cell_source_id_cell_source" in sql
    assert "CONSTRAINT uq_cell_source_profile_position" in sql
    assert Base.metadata.naming_convention["ck"] == "ck_%(table_name)s_%(constraint_name)s"
