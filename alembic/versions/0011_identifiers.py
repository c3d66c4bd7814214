"""Identifiers of other resources for exodb's named rows: cell_source_identifier,
species_identifier, molecule_identifier, pathway_identifier and mechanism_identifier, each
with the record's label, where it was seen (source) and how it matches.

Every existing row is kept; the new tables start empty, and an upgrade of a seeded database
fills them from the bundled seeds in the same transaction (workflows.database).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cell_source_identifier",
        sa.Column(
            "id",
            sa.Integer(),
            nullable=False,
            comment="Surrogate key; stable only within one load, so join on it but cite natural keys.",
        ),
        sa.Column(
            "cell_source_id", sa.Integer(), nullable=False, comment="The cell source identified."
        ),
        sa.Column(
            "curie",
            sa.String(length=120),
            nullable=False,
            comment="The identifier as a CURIE (prefix:local ID), the prefix spelt as the resource spells it.",
        ),
        sa.Column(
            "label",
            sa.String(length=300),
            nullable=True,
            comment="The label on the record the identifier was seen on.",
        ),
        sa.Column(
            "source",
            sa.Text(),
            nullable=False,
            comment="Where the record was seen: the ontology and its version, or the page.",
        ),
        sa.Column(
            "match",
            sa.Enum(
                "exact",
                "synonym",
                "broader",
                "approximate",
                name="match",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
            comment="exact, synonym, broader or approximate: how the record matches the row.",
        ),
        sa.Column(
            "note",
            sa.Text(),
            nullable=True,
            comment="Why this term, for a synonym, broader or approximate match.",
        ),
        sa.CheckConstraint(
            "curie LIKE 'CL:_%' OR curie LIKE 'UBERON:_%' OR curie LIKE 'EFO:_%' OR curie LIKE 'CLO:_%'",
            name=op.f("ck_cell_source_identifier_curie_prefix"),
        ),
        sa.CheckConstraint(
            "length(source) > 0", name=op.f("ck_cell_source_identifier_source_given")
        ),
        sa.ForeignKeyConstraint(
            ["cell_source_id"],
            ["cell_source.id"],
            name=op.f("fk_cell_source_identifier_cell_source_id_cell_source"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cell_source_identifier")),
        sa.UniqueConstraint(
            "cell_source_id", "curie", name=op.f("uq_cell_source_identifier_cell_source_id_curie")
        ),
        comment="Identifiers of cell sources (CL, UBERON, EFO, CLO) in other resources, each with where it was seen.",
    )
    op.create_table(
        "molecule_identifier",
        sa.Column(
            "id",
            sa.Integer(),
            nullable=False,
            comment="Surrogate key; stable only within one load, so join on it but cite natural keys.",
        ),
        sa.Column("molecule_id", sa.Integer(), nullable=False, comment="The molecule identified."),
        sa.Column(
            "curie",
            sa.String(length=120),
            nullable=False,
            comment="The identifier as a CURIE (prefix:local ID), the prefix spelt as the resource spells it.",
        ),
        sa.Column(
            "label",
            sa.String(length=300),
            nullable=True,
            comment="The label on the record the identifier was seen on.",
        ),
        sa.Column(
            "source",
            sa.Text(),
            nullable=False,
            comment="Where the record was seen: the ontology and its version, or the page.",
        ),
        sa.Column(
            "match",
            sa.Enum(
                "exact",
                "synonym",
                "broader",
                "approximate",
                name="match",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
            comment="exact, synonym, broader or approximate: how the record matches the row.",
        ),
        sa.Column(
            "species_id",
            sa.Integer(),
            nullable=True,
            comment="The species of a species-specific form (a rat miRNA); empty for the human form or a compound.",
        ),
        sa.Column(
            "note",
            sa.Text(),
            nullable=True,
            comment="Why this term, for a synonym, broader or approximate match.",
        ),
        sa.CheckConstraint(
            "curie LIKE 'CHEBI:_%' OR curie LIKE 'mirbase.mature:_%' OR curie LIKE 'HGNC:_%' OR curie LIKE 'NCBIGene:_%'",
            name=op.f("ck_molecule_identifier_curie_prefix"),
        ),
        sa.CheckConstraint("length(source) > 0", name=op.f("ck_molecule_identifier_source_given")),
        sa.ForeignKeyConstraint(
            ["molecule_id"],
            ["molecule.id"],
            name=op.f("fk_molecule_identifier_molecule_id_molecule"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["species_id"], ["species.id"], name=op.f("fk_molecule_identifier_species_id_species")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_molecule_identifier")),
        sa.UniqueConstraint(
            "molecule_id", "curie", name=op.f("uq_molecule_identifier_molecule_id_curie")
        ),
        comment="Identifiers of molecules (ChEBI, miRBase, HGNC, NCBI Gene) in other resources, each with where it was seen.",
    )
    with op.batch_alter_table("molecule_identifier", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_molecule_identifier_species_id"), ["species_id"], unique=False
        )

    op.create_table(
        "pathway_identifier",
        sa.Column(
            "id",
            sa.Integer(),
            nullable=False,
            comment="Surrogate key; stable only within one load, so join on it but cite natural keys.",
        ),
        sa.Column("pathway_id", sa.Integer(), nullable=False, comment="The pathway identified."),
        sa.Column(
            "curie",
            sa.String(length=120),
            nullable=False,
            comment="The identifier as a CURIE (prefix:local ID), the prefix spelt as the resource spells it.",
        ),
        sa.Column(
            "label",
            sa.String(length=300),
            nullable=True,
            comment="The label on the record the identifier was seen on.",
        ),
        sa.Column(
            "source",
            sa.Text(),
            nullable=False,
            comment="Where the record was seen: the ontology and its version, or the page.",
        ),
        sa.Column(
            "match",
            sa.Enum(
                "exact",
                "synonym",
                "broader",
                "approximate",
                name="match",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
            comment="exact, synonym, broader or approximate: how the record matches the row.",
        ),
        sa.Column(
            "note",
            sa.Text(),
            nullable=True,
            comment="Why this term, for a synonym, broader or approximate match.",
        ),
        sa.CheckConstraint(
            "curie LIKE 'kegg.pathway:_%' OR curie LIKE 'reactome:_%'",
            name=op.f("ck_pathway_identifier_curie_prefix"),
        ),
        sa.CheckConstraint("length(source) > 0", name=op.f("ck_pathway_identifier_source_given")),
        sa.ForeignKeyConstraint(
            ["pathway_id"],
            ["pathway.id"],
            name=op.f("fk_pathway_identifier_pathway_id_pathway"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathway_identifier")),
        sa.UniqueConstraint(
            "pathway_id", "curie", name=op.f("uq_pathway_identifier_pathway_id_curie")
        ),
        comment="Identifiers of signalling pathways (KEGG, Reactome) in other resources, each with where it was seen.",
    )
    op.create_table(
        "species_identifier",
        sa.Column(
            "id",
            sa.Integer(),
            nullable=False,
            comment="Surrogate key; stable only within one load, so join on it but cite natural keys.",
        ),
        sa.Column("species_id", sa.Integer(), nullable=False, comment="The species identified."),
        sa.Column(
            "curie",
            sa.String(length=120),
            nullable=False,
            comment="The identifier as a CURIE (prefix:local ID), the prefix spelt as the resource spells it.",
        ),
        sa.Column(
            "label",
            sa.String(length=300),
            nullable=True,
            comment="The label on the record the identifier was seen on.",
        ),
        sa.Column(
            "source",
            sa.Text(),
            nullable=False,
            comment="Where the record was seen: the ontology and its version, or the page.",
        ),
        sa.Column(
            "match",
            sa.Enum(
                "exact",
                "synonym",
                "broader",
                "approximate",
                name="match",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
            comment="exact, synonym, broader or approximate: how the record matches the row.",
        ),
        sa.Column(
            "note",
            sa.Text(),
            nullable=True,
            comment="Why this term, for a synonym, broader or approximate match.",
        ),
        sa.CheckConstraint(
            "curie LIKE 'NCBITaxon:_%'", name=op.f("ck_species_identifier_curie_prefix")
        ),
        sa.CheckConstraint("length(source) > 0", name=op.f("ck_species_identifier_source_given")),
        sa.ForeignKeyConstraint(
            ["species_id"],
            ["species.id"],
            name=op.f("fk_species_identifier_species_id_species"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_species_identifier")),
        sa.UniqueConstraint(
            "species_id", "curie", name=op.f("uq_species_identifier_species_id_curie")
        ),
        comment="Identifiers of species (NCBI Taxonomy) in other resources, each with where it was seen.",
    )
    op.create_table(
        "mechanism_identifier",
        sa.Column(
            "id",
            sa.Integer(),
            nullable=False,
            comment="Surrogate key; stable only within one load, so join on it but cite natural keys.",
        ),
        sa.Column(
            "mechanism_id", sa.Integer(), nullable=False, comment="The mechanism identified."
        ),
        sa.Column(
            "curie",
            sa.String(length=120),
            nullable=False,
            comment="The identifier as a CURIE (prefix:local ID), the prefix spelt as the resource spells it.",
        ),
        sa.Column(
            "label",
            sa.String(length=300),
            nullable=True,
            comment="The label on the record the identifier was seen on.",
        ),
        sa.Column(
            "source",
            sa.Text(),
            nullable=False,
            comment="Where the record was seen: the ontology and its version, or the page.",
        ),
        sa.Column(
            "match",
            sa.Enum(
                "exact",
                "synonym",
                "broader",
                "approximate",
                name="match",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
            comment="exact, synonym, broader or approximate: how the record matches the row.",
        ),
        sa.Column(
            "note",
            sa.Text(),
            nullable=True,
            comment="Why this term, for a synonym, broader or approximate match.",
        ),
        sa.CheckConstraint("curie LIKE 'GO:_%'", name=op.f("ck_mechanism_identifier_curie_prefix")),
        sa.CheckConstraint("length(source) > 0", name=op.f("ck_mechanism_identifier_source_given")),
        sa.ForeignKeyConstraint(
            ["mechanism_id"],
            ["mechanism.id"],
            name=op.f("fk_mechanism_identifier_mechanism_id_mechanism"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mechanism_identifier")),
        sa.UniqueConstraint(
            "mechanism_id", "curie", name=op.f("uq_mechanism_identifier_mechanism_id_curie")
        ),
        comment="Identifiers of mechanisms (GO biological process) in other resources, each with where it was seen.",
    )


def downgrade() -> None:
    op.drop_table("mechanism_identifier")
    op.drop_table("species_identifier")
    op.drop_table("pathway_identifier")
    with op.batch_alter_table("molecule_identifier", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_molecule_identifier_species_id"))

    op.drop_table("molecule_identifier")
    op.drop_table("cell_source_identifier")
