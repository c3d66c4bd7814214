"""Views for analysts, the full-text search table, and column comments.

- Four views spare analysts the joins: study_cargo_pathway, cell_source_comparison,
  outcome_detail and cell_source_ancestry. They have the same names and columns on SQLite and
  PostgreSQL; only the string aggregation differs.
- search_document holds the searchable text of every entity. On SQLite an FTS5 table
  (search_fts) indexes it, rebuilt by the loader; on PostgreSQL a GIN index serves full-text
  search.
- *_alias tables keep curated aliases verbatim (the *_name look-up index folds them).
- Column comments are written to PostgreSQL's catalogue (SQLite has nowhere to keep them).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VIEWS = ("study_cargo_pathway", "cell_source_comparison", "outcome_detail", "cell_source_ancestry")


def _rank(column: str, values: tuple[str, ...]) -> str:
    cases = " ".join(f"WHEN '{value}' THEN {i}" for i, value in enumerate(values, start=1))
    return f"CASE {column} {cases} END"


def _view_sql(dialect: str) -> dict[str, str]:
    if dialect == "postgresql":
        refs = "string_agg(r.number::text, ', ' ORDER BY r.number)"
    else:
        refs = "group_concat(r.number, ', ')"
    profile_refs = (
        f"(SELECT {refs} FROM (SELECT r.number FROM cell_source_profile_reference pr "
        "JOIN reference r ON r.id = pr.reference_id WHERE pr.cell_source_profile_id = p.id "
        "ORDER BY r.number) AS r)"
    )
    return {
        "study_cargo_pathway": """
            SELECT s.key AS study, r.number AS ref, s.first_author, sec.key AS section,
                   s.design, s.exosome_based, cs.key AS cell_source, m.key AS cargo,
                   m.kind AS cargo_kind, sm.role AS cargo_role, p.key AS pathway,
                   sp.effect AS pathway_effect
            FROM study AS s
            JOIN section AS sec ON sec.id = s.section_id
            LEFT JOIN reference AS r ON r.id = s.reference_id
            LEFT JOIN cell_source AS cs ON cs.id = s.cell_source_id
            LEFT JOIN study_molecule AS sm
                   ON sm.study_id = s.id AND sm.role IN ('cargo', 'loaded')
            LEFT JOIN molecule AS m ON m.id = sm.molecule_id
            LEFT JOIN study_pathway AS sp ON sp.study_id = s.id
            LEFT JOIN pathway AS p ON p.id = sp.pathway_id
        """,
        "cell_source_comparison": f"""
            SELECT p.position, cs.key AS cell_source, cs.name, cs.abbreviation,
                   p.main_functions,
                   p.acquisition,
                   {_rank("p.acquisition", ("easy", "relatively_easy", "moderate", "difficult"))}
                       AS acquisition_rank,
                   p.acquisition_note,
                   p.expansion,
                   {_rank("p.expansion", ("limited", "moderate", "high"))} AS expansion_rank,
                   p.expansion_note,
                   p.immunogenicity,
                   {_rank("p.immunogenicity", ("low", "moderate", "high"))}
                       AS immunogenicity_rank,
                   p.immunogenicity_note,
                   p.advantages, p.limitations,
                   p.clinical_potential,
                   {_rank("p.clinical_potential", ("moderate", "relatively_high", "high"))}
                       AS clinical_potential_rank,
                   p.clinical_potential_note,
                   {profile_refs} AS refs
            FROM cell_source_profile AS p
            JOIN cell_source AS cs ON cs.id = p.cell_source_id
        """,
        "outcome_detail": """
            SELECT s.key AS study, r.number AS ref, s.first_author, o.measure, o.direction,
                   o.value, o.unit, o.relative_to, sp.key AS species, o.note
            FROM outcome AS o
            JOIN study AS s ON s.id = o.study_id
            LEFT JOIN reference AS r ON r.id = s.reference_id
            LEFT JOIN species AS sp ON sp.id = o.species_id
        """,
        "cell_source_ancestry": """
            WITH RECURSIVE up (source_id, ancestor_id, depth) AS (
                SELECT id, id, 0 FROM cell_source
                UNION ALL
                SELECT up.source_id, c.parent_id, up.depth + 1
                FROM up JOIN cell_source AS c ON c.id = up.ancestor_id
                WHERE c.parent_id IS NOT NULL
            )
            SELECT s.key AS cell_source, a.key AS ancestor, up.depth
            FROM up
            JOIN cell_source AS s ON s.id = up.source_id
            JOIN cell_source AS a ON a.id = up.ancestor_id
        """,
    }


def create_views() -> None:
    for name, sql in _view_sql(op.get_bind().dialect.name).items():
        op.execute(f"CREATE VIEW {name} AS {sql}")


def drop_views() -> None:
    for name in reversed(VIEWS):
        op.execute(f"DROP VIEW IF EXISTS {name}")


ALIAS_OWNERS = ("cell_source", "molecule", "material")


def _create_alias_tables() -> None:
    for owner in ALIAS_OWNERS:
        op.create_table(
            f"{owner}_alias",
            sa.Column(f"{owner}_id", sa.Integer(), nullable=False),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.Column("alias", sa.String(length=200), nullable=False),
            sa.ForeignKeyConstraint(
                [f"{owner}_id"],
                [f"{owner}.id"],
                name=op.f(f"fk_{owner}_alias_{owner}_id_{owner}"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint(f"{owner}_id", "position", name=op.f(f"pk_{owner}_alias")),
            sa.UniqueConstraint(
                f"{owner}_id", "alias", name=op.f(f"uq_{owner}_alias_{owner}_id_alias")
            ),
            comment=f"Curated aliases of each {owner.replace('_', ' ')}, as written.",
        )
        # Until now only the folded look-up index held aliases: carry over what it has.
        op.execute(
            f"INSERT INTO {owner}_alias ({owner}_id, position, alias) "
            f"SELECT {owner}_id, ROW_NUMBER() OVER (PARTITION BY {owner}_id ORDER BY id), name "
            f"FROM {owner}_name WHERE is_alias"
        )


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    _create_alias_tables()
    op.create_table(
        "search_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=30), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("ref", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=50), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_document")),
        comment="Searchable text of every entity (feeds full-text search).",
    )
    op.create_index(op.f("ix_search_document_entity"), "search_document", ["entity"])
    if dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5(entity UNINDEXED, key UNINDEXED, "
            "field UNINDEXED, text, content='search_document', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        # No triggers: the loader refills search_document and rebuilds this index in the same
        # transaction, once per load (triggers would index every row twice).
    elif dialect == "postgresql":
        op.execute(
            "CREATE INDEX ix_search_document_text_fts ON search_document "
            "USING gin (to_tsvector('english', text))"
        )
        _comment_columns()
    create_views()


def _comment_columns() -> None:
    # The comments as the models hold them at the time of this migration's release; Alembic
    # quotes them (they contain colons and percent signs, which raw SQL would misread).
    from exodb.schema.tables import metadata

    # Only what exists at this revision: tables added later carry their comments themselves.
    inspector = sa.inspect(op.get_bind())
    present = {
        t: {c["name"] for c in inspector.get_columns(t)} for t in inspector.get_table_names()
    }
    for table in metadata.sorted_tables:
        for column in table.columns:
            if column.comment and column.name in present.get(table.name, ()):
                op.alter_column(
                    table.name,
                    column.name,
                    comment=column.comment,
                    existing_type=column.type,
                    existing_nullable=column.nullable,
                )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    drop_views()
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_document_text_fts")
    op.drop_index(op.f("ix_search_document_entity"), table_name="search_document")
    op.drop_table("search_document")
    for owner in reversed(ALIAS_OWNERS):
        op.drop_table(f"{owner}_alias")
