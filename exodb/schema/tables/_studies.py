"""The primary studies the review describes, and what links each to the vocabularies.

A study's rows hang from it (``ondelete="CASCADE"``). The query commands filter studies by
what they link to; the main filters (cargo, pathway, mechanism, species) have composite indexes
that lead with the linked entity and end with ``study_id``, so the filter is answered from the
index alone. The other direction (a study's own rows) is served by the primary keys and unique
constraints, which lead with ``study_id``: most link tables give it no index of its own.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from exodb.names import vocabulary as v
from exodb.schema.tables._common import enum, foreign_key, metadata

study = Table(
    "study",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(100), nullable=False, unique=True),
    foreign_key("reference_id", "reference.id", nullable=True),
    Column("first_author", String(100)),
    # NULL for a study extracted from its paper that the review does not describe.
    foreign_key("section_id", "section.id", nullable=True),
    Column("design", enum(v.STUDY_DESIGNS, "design"), nullable=False),
    Column("exosome_based", Boolean, nullable=False),
    foreign_key("cell_source_id", "cell_source.id", nullable=True),
    foreign_key("route_id", "route.id", nullable=True),
    Column("theme", enum(v.STUDY_THEMES, "theme")),
    Column("summary", Text, nullable=False),
    # The paper's own identifiers, for studies extracted from it (the review's references carry
    # theirs on the reference row).
    Column("doi", String(200)),
    Column("pmid", String(20)),
    CheckConstraint("doi IS NULL OR doi LIKE '10.%/%'", name="doi_form"),
    comment="Primary studies the review describes.",
)

study_molecule = Table(
    "study_molecule",
    metadata,
    Column("id", Integer, primary_key=True),
    foreign_key("study_id", "study.id", cascade=True, index=False),
    foreign_key("molecule_id", "molecule.id", index=False),
    Column("role", enum(v.MOLECULE_ROLES, "role"), nullable=False),
    # The role is exodb's reading, not the review's words (revision 0010).
    Column("inferred", Boolean, nullable=False, server_default=false()),
    Column("note", Text),
    UniqueConstraint("study_id", "molecule_id", "role"),
    # Covering the cargo filter: molecule -> studies without visiting the table.
    Index("ix_study_molecule_molecule_id_role_study_id", "molecule_id", "role", "study_id"),
    comment="Molecules a study involves: exosome cargo, loaded drugs, co-treatments.",
)

study_interaction = Table(
    "study_interaction",
    metadata,
    Column("id", Integer, primary_key=True),
    foreign_key("study_id", "study.id", cascade=True, index=False),
    foreign_key("regulator_id", "molecule.id"),
    foreign_key("target_id", "molecule.id"),
    Column("effect", enum(v.INTERACTION_EFFECTS, "effect"), nullable=False),
    Column("note", Text),
    UniqueConstraint("study_id", "regulator_id", "target_id"),
    CheckConstraint("regulator_id <> target_id", name="distinct_partners"),
    comment="Regulator -> target interactions a study reports, with their effect.",
)

study_pathway = Table(
    "study_pathway",
    metadata,
    Column("id", Integer, primary_key=True),
    foreign_key("study_id", "study.id", cascade=True, index=False),
    foreign_key("pathway_id", "pathway.id", index=False),
    Column("effect", enum(v.PATHWAY_EFFECTS, "effect"), nullable=False),
    Column("note", Text),
    UniqueConstraint("study_id", "pathway_id"),
    Index("ix_study_pathway_pathway_id_effect_study_id", "pathway_id", "effect", "study_id"),
    comment="Pathways a study reports, with their effect.",
)

study_mechanism = Table(
    "study_mechanism",
    metadata,
    Column("study_id", ForeignKey("study.id", ondelete="CASCADE"), primary_key=True),
    Column("mechanism_id", ForeignKey("mechanism.id"), primary_key=True),
    Index("ix_study_mechanism_mechanism_id_study_id", "mechanism_id", "study_id"),
    comment="Mechanism categories (Table 2) a study supports.",
)

study_model = Table(
    "study_model",
    metadata,
    Column("id", Integer, primary_key=True),
    foreign_key("study_id", "study.id", cascade=True, index=False),
    foreign_key("species_id", "species.id", index=False),
    Column("model", Text),
    Column("note", Text),
    UniqueConstraint("study_id", "species_id"),
    Index("ix_study_model_species_id_study_id", "species_id", "study_id"),
    comment="Species and injury model of a study.",
)

study_material = Table(
    "study_material",
    metadata,
    Column("study_id", ForeignKey("study.id", ondelete="CASCADE"), primary_key=True),
    Column("material_id", ForeignKey("material.id"), primary_key=True, index=True),
    Column("note", Text),
    comment="Materials and co-therapies a study combines with exosomes.",
)

study_modification = Table(
    "study_modification",
    metadata,
    Column("id", Integer, primary_key=True),
    foreign_key("study_id", "study.id", cascade=True, index=False),
    Column("kind", enum(v.MODIFICATION_KINDS, "kind"), nullable=False),
    foreign_key("molecule_id", "molecule.id", nullable=True),
    Column("note", Text),
    UniqueConstraint("study_id", "kind", "molecule_id"),
    comment="How a study modified its exosomes or their donor cells.",
)

outcome = Table(
    "outcome",
    metadata,
    Column("id", Integer, primary_key=True),
    foreign_key("study_id", "study.id", cascade=True),
    Column("measure", String(200), nullable=False),
    Column("direction", enum(v.OUTCOME_DIRECTIONS, "direction"), nullable=False),
    Column("value", Float),
    Column("unit", String(50)),
    Column("relative_to", String(200)),
    foreign_key("species_id", "species.id", nullable=True),
    Column("note", Text),
    UniqueConstraint("study_id", "measure", "species_id"),
    CheckConstraint("value IS NULL OR unit IS NOT NULL", name="value_has_unit"),
    CheckConstraint("unit <> '%' OR value >= 0", name="non_negative_percentage"),
    comment="What a study measured: direction, and value with unit where given.",
)
