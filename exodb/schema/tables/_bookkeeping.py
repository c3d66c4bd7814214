"""exodb's own records, kept beside the data: the search index, the log of imports, the data
generation and the kept reports."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, DateTime, Integer, String, Table, Text, text

from exodb.schema.tables._common import PostgresqlIndex, metadata

# Text that `exodb search` looks through, one row per searchable field of an entity. The
# loader rebuilds it in the same transaction as every load, so it is always in step with the
# data. ``terms`` holds the words the text is filed under (exodb.names.searchterms), which is
# what both backends match: on SQLite an FTS5 index (``search_fts``, created by migration and
# rebuilt with the table) covers it; on PostgreSQL the GIN index below.
search_document = Table(
    "search_document",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("entity", String(30), nullable=False, index=True),
    Column("key", String(200), nullable=False),
    Column("ref", Integer),
    Column("field", String(50), nullable=False),
    Column("text", Text, nullable=False),
    Column("terms", Text, nullable=False, server_default=""),
    PostgresqlIndex(
        "ix_search_document_text_fts",
        # Written as text: building it with func.to_tsvector would import SQLAlchemy's
        # PostgreSQL dialect into every exodb start-up.
        text("to_tsvector('exodb_search'::regconfig, terms)"),
        postgresql_using="gin",
    ),
    comment="Searchable text of every entity (feeds full-text search).",
)

# One row per `exodb import`: what was added to the curated seeds, from where, when.
import_log = Table(
    "import_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("source", Text, nullable=False),
    Column("files", Text, nullable=False),
    Column("rows", Integer, nullable=False),
    Column("digest", String(64), index=True),
    comment="Imports of users' own records into this database.",
)

# One row: a number every load increases, in the same transaction as its writes. A computed
# report is kept with the number it was computed at, so it is only ever served for those
# exact data, even when a load commits while the report is being computed.
data_version = Table(
    "data_version",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("generation", Integer, nullable=False),
    CheckConstraint("id = 1", name="one_row"),
    CheckConstraint("generation >= 0", name="not_negative"),
    comment="How many times loads have changed the data (one row).",
)

# A cross-tab report as exodb last computed it for these data and these options. Every load
# (seed, import) empties the table in its own transaction, so a row never outlives the data it
# was computed from; `exodb reindex` empties it after edits made with other tools.
report_cache = Table(
    "report_cache",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("generation", Integer, nullable=False),
    Column("report", String(40), nullable=False),
    Column("options", Text, nullable=False),
    Column("exodb_version", String(40), nullable=False),
    Column("computed_at", DateTime(timezone=True), nullable=False),
    Column("payload", Text, nullable=False),
    comment="Computed reports, kept until the next load changes the data.",
)
