"""The Core tables are the schema's one definition; the ORM classes are mapped onto them."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import create_mock_engine
from sqlalchemy.orm import configure_mappers

from exodb.schema import tables
from exodb.schema.models import Base


def test_importing_the_tables_builds_no_orm_and_no_postgresql_dialect():
    code = (
        "import sys\n"
        "import exodb.schema.tables\n"
        "loaded = ('exodb.schema.models', 'sqlalchemy.orm', 'sqlalchemy.dialects.postgresql')\n"
        "print(','.join(m for m in loaded if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_the_models_are_mapped_onto_the_tables():
    assert Base.metadata is tables.metadata
    configure_mappers()
    for mapper in Base.registry.mappers:
        assert mapper.local_table is tables.metadata.tables[mapper.local_table.name]
        assert mapper.class_.__tablename__ == mapper.local_table.name


def test_every_table_is_a_name_of_the_module():
    names = set(tables.metadata.tables)
    assert {name for name in tables.__all__ if name not in ("metadata", "NAMING_CONVENTION")} == (
        names
    )
    assert all(getattr(tables, name) is tables.metadata.tables[name] for name in names)


def test_column_annotations_match_the_columns():
    """With ``__table__``, SQLAlchemy neither reads nor checks column annotations: a missing,
    misspelt or wrongly optional one would mislead type checkers with nothing failing."""
    configure_mappers()
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        annotations = cls.__annotations__
        for prop in mapper.column_attrs:
            (column,) = prop.columns
            annotation = annotations.get(prop.key, "")
            assert annotation.startswith("Mapped["), f"{cls.__name__}.{prop.key}"
            optional = annotation.endswith("| None]")
            assert optional == column.nullable, f"{cls.__name__}.{prop.key}: {annotation}"
        unmapped = set(annotations) - set(mapper.attrs.keys())
        assert not unmapped, f"{cls.__name__} annotates what it does not map: {unmapped}"


def _ddl(url: str) -> list[str]:
    """The statements ``create_all`` would run on ``url``'s backend."""
    statements: list[str] = []

    def record(sql, *args, **kwargs):
        statements.append(str(sql.compile(dialect=engine.dialect)))

    engine = create_mock_engine(url, record)
    tables.metadata.create_all(engine, checkfirst=False)
    return statements


def test_the_postgresql_only_index_keeps_its_options():
    """Its PostgreSQL options are filled in when read, not when the table is built."""
    gin = (
        "CREATE INDEX ix_search_document_text_fts ON search_document USING gin "
        "(to_tsvector('exodb_search'::regconfig, terms))"
    )
    assert gin in _ddl("postgresql://")
    assert not [s for s in _ddl("sqlite://") if "ix_search_document_text_fts" in s]
    (index,) = (
        i for i in tables.search_document.indexes if i.name == "ix_search_document_text_fts"
    )
    assert index.dialect_kwargs["postgresql_using"] == "gin"
