"""What every table module builds with: the one MetaData, its naming convention, and the
column and table shapes the schema repeats.

Import the tables from :mod:`exodb.schema.tables`, never from its modules.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

# Every constraint and index gets its name from here, so that Alembic can find and alter it on
# SQLite (batch mode) and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


def enum(values: tuple[str, ...], name: str) -> Enum:
    """A string type restricted by a named CHECK constraint (``ck_<table>_<name>``): the same on
    every backend, since no backend's native enumeration type is used."""
    return Enum(
        *values,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(x) for x in values),
        validate_strings=False,
    )


def foreign_key(
    name: str, target: str, *, nullable: bool = False, cascade: bool = False, index: bool = True
) -> Column[Any]:
    """A column referring to ``target`` (``"table.column"``), indexed unless a composite index
    already leads with it; with ``cascade``, its rows disappear with the row they hang from."""
    return Column(
        name,
        ForeignKey(target, ondelete="CASCADE" if cascade else None),
        nullable=nullable,
        index=index,
    )


def reference_link(owner: str) -> Table:
    """The link table that ties rows of ``owner`` to the reference numbers they cite."""
    return Table(
        f"{owner}_reference",
        metadata,
        Column(f"{owner}_id", ForeignKey(f"{owner}.id", ondelete="CASCADE"), primary_key=True),
        Column("reference_id", ForeignKey("reference.id"), primary_key=True, index=True),
        comment=f"Reference numbers cited for each {owner.replace('_', ' ')} row.",
    )


def name_table(owner: str) -> Table:
    """Every name a row of ``owner`` is known by (key, name, abbreviation, curated aliases),
    folded for look-up. ``folded`` is unique across the table, so one typed name never
    means two things; ``is_alias`` marks the curated aliases that export writes back."""
    return Table(
        f"{owner}_name",
        metadata,
        Column("id", Integer, primary_key=True),
        foreign_key(f"{owner}_id", f"{owner}.id", cascade=True),
        Column("name", String(200), nullable=False),
        Column("folded", String(200), nullable=False, unique=True),
        Column("is_alias", Boolean, nullable=False),
        comment=f"Names and aliases of each {owner.replace('_', ' ')}, folded for look-up.",
    )


def alias_table(owner: str) -> Table:
    """The curated aliases of each ``owner`` row, verbatim and in the curator's order. (The
    ``*_name`` table is the folded look-up index derived from them; spellings that fold alike
    share one index row, so the verbatim list lives here.)"""
    return Table(
        f"{owner}_alias",
        metadata,
        Column(f"{owner}_id", ForeignKey(f"{owner}.id", ondelete="CASCADE"), primary_key=True),
        Column("position", Integer, primary_key=True),
        Column("alias", String(200), nullable=False),
        UniqueConstraint(f"{owner}_id", "alias"),
        comment=f"Curated aliases of each {owner.replace('_', ' ')}, as written.",
    )


class PostgresqlIndex(Index):
    """An index that only PostgreSQL has (every other backend's DDL skips it).

    SQLAlchemy checks dialect arguments against the dialect that defines them, so a plain
    ``Index(..., postgresql_using="gin")`` imports SQLAlchemy's PostgreSQL dialect (with the
    modules of all its drivers, some 35 ms) as soon as its table is defined: at the start of
    every exodb command, SQLite ones included. This index keeps its ``postgresql_*`` arguments
    aside and hands them to SQLAlchemy's usual checks the first time something reads its
    PostgreSQL options (PostgreSQL's DDL compiler, Alembic comparing with a PostgreSQL
    database, ``dialect_kwargs``), which has the dialect loaded by then.

    It leans on two SQLAlchemy internals, ``_kw_reg_for_dialect_cls`` and
    ``_validate_dialect_kwargs`` (the same from 0.9 to 2.1); tests/test_schema_tables.py
    checks the DDL it gives on both backends.
    """

    def __init__(self, name: str, *expressions: Any, **kw: Any) -> None:
        self._postgresql_kw = {k: kw.pop(k) for k in list(kw) if k.startswith("postgresql_")}
        super().__init__(name, *expressions, **kw)
        self.ddl_if(dialect="postgresql")

    @cached_property
    def dialect_options(self) -> _DialectOptions:
        return _DialectOptions(self)

    @property
    def dialect_kwargs(self):
        # SQLAlchemy's flat view lists only the dialects whose options were read: read
        # PostgreSQL's first.
        if self._postgresql_kw:
            self.dialect_options["postgresql"]
        return super().dialect_kwargs


class _DialectOptions(dict):
    """dialect name -> that dialect's options for one :class:`PostgresqlIndex`, each built on
    first use, as SQLAlchemy builds its own; PostgreSQL's then takes the deferred arguments."""

    def __init__(self, index: PostgresqlIndex) -> None:
        super().__init__()
        self.index = index

    def __missing__(self, dialect_name: str) -> Any:
        # SQLAlchemy's own defaults for this kind of index and dialect, then (for PostgreSQL)
        # the arguments given, through SQLAlchemy's own checks.
        self[dialect_name] = options = type(self.index)._kw_reg_for_dialect_cls(dialect_name)
        if dialect_name == "postgresql":
            self.index._validate_dialect_kwargs(self.index._postgresql_kw)
        return options
