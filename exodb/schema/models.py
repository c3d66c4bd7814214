"""The exodb schema: SQLAlchemy 2.0 typed models.

Integrity lives in the database: foreign keys, unique natural keys, CHECK constraints for every
enumeration and NOT NULL for what a fact cannot lack. All constraints are named through one
naming convention so that Alembic can alter them on SQLite (batch mode) and PostgreSQL alike.

Every fact taken from the review carries provenance: the review section (``section_id``) and the
reference number(s) it cites (``reference_id`` or a ``*_reference`` link table).
"""

from __future__ import annotations

import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from exodb.names import vocabulary as v

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def enum(values: tuple[str, ...], name: str) -> Enum:
    """A string column restricted by a named CHECK constraint: identical on every backend."""
    return Enum(
        *values,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(x) for x in values),
        validate_strings=False,
    )


def fk(target: str, *, nullable: bool = False, cascade: bool = False, index: bool = True):
    """A foreign-key column; link rows disappear with the row they hang from (``cascade``)."""
    return mapped_column(
        ForeignKey(target, ondelete="CASCADE" if cascade else None),
        nullable=nullable,
        index=index,
    )


def reference_link(owner: str) -> Table:
    """The link table that ties rows of ``owner`` to the reference numbers they cite."""
    return Table(
        f"{owner}_reference",
        Base.metadata,
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
        Base.metadata,
        Column("id", Integer, primary_key=True),
        Column(
            f"{owner}_id", ForeignKey(f"{owner}.id", ondelete="CASCADE"), nullable=False, index=True
        ),
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
        Base.metadata,
        Column(f"{owner}_id", ForeignKey(f"{owner}.id", ondelete="CASCADE"), primary_key=True),
        Column("position", Integer, primary_key=True),
        Column("alias", String(200), nullable=False),
        UniqueConstraint(f"{owner}_id", "alias"),
        comment=f"Curated aliases of each {owner.replace('_', ' ')}, as written.",
    )


# --- provenance -----------------------------------------------------------------------------


class Section(Base):
    __tablename__ = "section"
    __table_args__ = {"comment": "The review's sections, tables and figures."}

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(Text)
    parent_id: Mapped[int | None] = fk("section.id", nullable=True)

    parent: Mapped[Section | None] = relationship(remote_side=[id])


class Reference(Base):
    __tablename__ = "reference"
    __table_args__ = (
        CheckConstraint("number > 0", name="positive_number"),
        {"comment": "The review's numbered references; bibliographic fields only as checked."},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    first_author: Mapped[str | None] = mapped_column(String(100))
    year: Mapped[int | None]
    title: Mapped[str | None] = mapped_column(Text)
    journal: Mapped[str | None] = mapped_column(String(200))
    doi: Mapped[str | None] = mapped_column(String(200))
    pmid: Mapped[str | None] = mapped_column(String(20))
    check_status: Mapped[str | None] = mapped_column(enum(v.CHECK_STATUSES, "check_status"))
    checked_at: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)


# --- vocabularies -----------------------------------------------------------------------------


class Species(Base):
    __tablename__ = "species"
    __table_args__ = {
        "comment": "Species vocabulary, with broader terms (rhesus monkey < macaque)."
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    parent_id: Mapped[int | None] = fk("species.id", nullable=True)
    is_primate: Mapped[bool] = mapped_column(Boolean)

    parent: Mapped[Species | None] = relationship(remote_side=[id])


class Route(Base):
    __tablename__ = "route"
    __table_args__ = {"comment": "Administration routes."}

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)


class Disease(Base):
    __tablename__ = "disease"
    __table_args__ = {"comment": "Diseases named as indications (Table 3's therapeutic goals)."}

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(100))


class CellSource(Base):
    __tablename__ = "cell_source"
    __table_args__ = {"comment": "Exosome origins, as a hierarchy (MSC includes UC-MSC, ...)."}

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    abbreviation: Mapped[str | None] = mapped_column(String(50))
    parent_id: Mapped[int | None] = fk("cell_source.id", nullable=True)
    category: Mapped[str] = mapped_column(enum(v.CELL_SOURCE_CATEGORIES, "category"))
    note: Mapped[str | None] = mapped_column(Text)

    parent: Mapped[CellSource | None] = relationship(remote_side=[id])
    profile: Mapped[CellSourceProfile | None] = relationship(back_populates="cell_source")


cell_source_name = name_table("cell_source")
cell_source_alias = alias_table("cell_source")


class Molecule(Base):
    __tablename__ = "molecule"
    __table_args__ = {"comment": "Cargo molecules, their targets and pathway nodes, with families."}

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(enum(v.MOLECULE_KINDS, "kind"))
    full_name: Mapped[str | None] = mapped_column(String(200))
    parent_id: Mapped[int | None] = fk("molecule.id", nullable=True)
    note: Mapped[str | None] = mapped_column(Text)
    # The parts of a miRNA name (exodb.names.mirna), filled by the loader, so that a family query
    # (miR-21 -> miR-21a-3p, not miR-210) is a plain indexed WHERE clause.
    mirna_stem: Mapped[str | None] = mapped_column(String(3))
    mirna_family: Mapped[int | None] = mapped_column(index=True)
    mirna_letter: Mapped[str | None] = mapped_column(String(1))
    mirna_paralog: Mapped[int | None]
    mirna_arm: Mapped[str | None] = mapped_column(String(2))

    parent: Mapped[Molecule | None] = relationship(remote_side=[id])


molecule_name = name_table("molecule")
molecule_alias = alias_table("molecule")


class Pathway(Base):
    __tablename__ = "pathway"
    __table_args__ = {"comment": "Signalling axes as the review writes them (e.g. PI3K/Akt/mTOR)."}

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    note: Mapped[str | None] = mapped_column(Text)

    nodes: Mapped[list[PathwayNode]] = relationship(
        cascade="all, delete-orphan", order_by="PathwayNode.position"
    )


class PathwayNode(Base):
    __tablename__ = "pathway_node"
    __table_args__ = (
        CheckConstraint("position >= 1", name="position_from_one"),
        {"comment": "The ordered nodes of each pathway, each a molecule."},
    )

    pathway_id: Mapped[int] = mapped_column(
        ForeignKey("pathway.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)
    molecule_id: Mapped[int] = fk("molecule.id")

    molecule: Mapped[Molecule] = relationship()


class Material(Base):
    __tablename__ = "material"
    __table_args__ = {
        "comment": "Biomaterials, nanomaterials and physical co-therapies combined with exosomes."
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(enum(v.MATERIAL_CATEGORIES, "category"))
    section_id: Mapped[int | None] = fk("section.id", nullable=True)
    note: Mapped[str | None] = mapped_column(Text)

    section: Mapped[Section | None] = relationship()
    refs: Mapped[list[Reference]] = relationship(
        secondary=lambda: material_reference, order_by=Reference.number
    )


material_reference = reference_link("material")
material_name = name_table("material")
material_alias = alias_table("material")


# --- the review's tables ------------------------------------------------------------------------


class CellSourceProfile(Base):
    """Table 1: one compared cell source and its seven attributes."""

    __tablename__ = "cell_source_profile"
    __table_args__ = {"comment": "Table 1: comparison of exosome cell sources."}

    id: Mapped[int] = mapped_column(primary_key=True)
    cell_source_id: Mapped[int] = mapped_column(ForeignKey("cell_source.id"), unique=True)
    position: Mapped[int] = mapped_column(unique=True)
    main_functions: Mapped[str] = mapped_column(Text)
    acquisition: Mapped[str] = mapped_column(enum(v.ACQUISITION, "acquisition"))
    acquisition_note: Mapped[str] = mapped_column(Text)
    expansion: Mapped[str] = mapped_column(enum(v.EXPANSION, "expansion"))
    expansion_note: Mapped[str] = mapped_column(Text)
    immunogenicity: Mapped[str] = mapped_column(enum(v.IMMUNOGENICITY, "immunogenicity"))
    immunogenicity_note: Mapped[str | None] = mapped_column(Text)
    advantages: Mapped[str] = mapped_column(Text)
    limitations: Mapped[str] = mapped_column(Text)
    clinical_potential: Mapped[str] = mapped_column(
        enum(v.CLINICAL_POTENTIAL, "clinical_potential")
    )
    clinical_potential_note: Mapped[str | None] = mapped_column(Text)
    section_id: Mapped[int] = fk("section.id")

    cell_source: Mapped[CellSource] = relationship(back_populates="profile")
    section: Mapped[Section] = relationship()
    refs: Mapped[list[Reference]] = relationship(
        secondary=lambda: cell_source_profile_reference, order_by=Reference.number
    )


cell_source_profile_reference = reference_link("cell_source_profile")


class Mechanism(Base):
    """Table 2: one mechanism category."""

    __tablename__ = "mechanism"
    __table_args__ = (
        CheckConstraint(
            "key IN (" + ", ".join(f"'{k}'" for k in v.MECHANISM_KEYS) + ")", name="known_key"
        ),
        {"comment": "Table 2: the five mechanism categories."},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(unique=True)
    section_id: Mapped[int] = fk("section.id")

    section: Mapped[Section] = relationship()
    functions: Mapped[list[MechanismFunction]] = relationship(
        order_by="MechanismFunction.position", cascade="all, delete-orphan"
    )
    molecules: Mapped[list[MechanismMolecule]] = relationship(
        order_by="(MechanismMolecule.group_position, MechanismMolecule.id)",
        cascade="all, delete-orphan",
    )
    pathways: Mapped[list[MechanismPathway]] = relationship(
        order_by="(MechanismPathway.group_position, MechanismPathway.id)",
        cascade="all, delete-orphan",
    )


class MechanismFunction(Base):
    __tablename__ = "mechanism_function"
    __table_args__ = (
        UniqueConstraint("mechanism_id", "position"),
        {"comment": "Table 2, core functions of each mechanism."},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mechanism_id: Mapped[int] = fk("mechanism.id", cascade=True, index=False)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)


class MechanismMolecule(Base):
    __tablename__ = "mechanism_molecule"
    __table_args__ = (
        UniqueConstraint("mechanism_id", "group_position", "molecule_id"),
        {"comment": "Table 2, key molecules of each mechanism, by group."},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mechanism_id: Mapped[int] = fk("mechanism.id", cascade=True, index=False)
    group_position: Mapped[int]
    group_name: Mapped[str] = mapped_column(String(200))
    molecule_id: Mapped[int] = fk("molecule.id")
    note: Mapped[str | None] = mapped_column(Text)

    molecule: Mapped[Molecule] = relationship()


class MechanismPathway(Base):
    __tablename__ = "mechanism_pathway"
    __table_args__ = (
        UniqueConstraint("mechanism_id", "group_position", "pathway_id"),
        {"comment": "Table 2, signalling pathways of each mechanism, by group."},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mechanism_id: Mapped[int] = fk("mechanism.id", cascade=True, index=False)
    group_position: Mapped[int]
    group_name: Mapped[str] = mapped_column(String(200))
    pathway_id: Mapped[int] = fk("pathway.id")
    note: Mapped[str | None] = mapped_column(Text)

    pathway: Mapped[Pathway] = relationship()


class DeliverySystem(Base):
    """Table 3: one exosome-based nano-delivery system."""

    __tablename__ = "delivery_system"
    __table_args__ = {"comment": "Table 3: exosome-based nano-delivery systems."}

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(unique=True)
    advantages: Mapped[str] = mapped_column(Text)
    disadvantages: Mapped[str] = mapped_column(Text)
    section_id: Mapped[int] = fk("section.id")
    note: Mapped[str | None] = mapped_column(Text)

    section: Mapped[Section] = relationship()
    payloads: Mapped[list[DeliverySystemPayload]] = relationship(
        order_by="DeliverySystemPayload.position", cascade="all, delete-orphan"
    )
    indications: Mapped[list[Disease]] = relationship(
        secondary=lambda: delivery_system_indication,
        order_by=lambda: delivery_system_indication.c.position,
        viewonly=True,
    )
    refs: Mapped[list[Reference]] = relationship(
        secondary=lambda: delivery_system_reference, order_by=Reference.number
    )


class DeliverySystemPayload(Base):
    __tablename__ = "delivery_system_payload"
    __table_args__ = {"comment": "Table 3, types of loaded drug, in the table's order."}

    delivery_system_id: Mapped[int] = mapped_column(
        ForeignKey("delivery_system.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)
    payload: Mapped[str] = mapped_column(String(200))


delivery_system_indication = Table(
    "delivery_system_indication",
    Base.metadata,
    Column(
        "delivery_system_id",
        ForeignKey("delivery_system.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("disease_id", ForeignKey("disease.id"), primary_key=True, index=True),
    # Table 3 lists goals in a meaningful order (the main indication first): keep it.
    Column("position", Integer, nullable=False),
    comment="Table 3, therapeutic goals (diseases) of each delivery system.",
)
delivery_system_reference = reference_link("delivery_system")


class ExosomeComponent(Base):
    """Section 2: what exosomes contain, and which contents serve as markers."""

    __tablename__ = "exosome_component"
    __table_args__ = {"comment": "Section 2: exosome contents and markers."}

    id: Mapped[int] = mapped_column(primary_key=True)
    molecule_id: Mapped[int] = mapped_column(ForeignKey("molecule.id"), unique=True)
    component_class: Mapped[str] = mapped_column(enum(v.COMPONENT_CLASSES, "component_class"))
    group_name: Mapped[str | None] = mapped_column(String(100))
    is_marker: Mapped[bool] = mapped_column(Boolean)
    section_id: Mapped[int] = fk("section.id")

    molecule: Mapped[Molecule] = relationship()
    section: Mapped[Section] = relationship()
    refs: Mapped[list[Reference]] = relationship(
        secondary=lambda: exosome_component_reference, order_by=Reference.number
    )


exosome_component_reference = reference_link("exosome_component")


class ClinicalTrial(Base):
    __tablename__ = "clinical_trial"
    __table_args__ = {"comment": "Clinical trials of exosomes in SCI, as the review reports them."}

    id: Mapped[int] = mapped_column(primary_key=True)
    registry_id: Mapped[str] = mapped_column(String(50), unique=True)
    # The attribute name "registry" is reserved by SQLAlchemy's declarative base.
    registry_name: Mapped[str] = mapped_column("registry", String(200))
    phase: Mapped[str] = mapped_column(String(20))
    cell_source_id: Mapped[int] = fk("cell_source.id")
    route_id: Mapped[int | None] = fk("route.id", nullable=True)
    population: Mapped[str] = mapped_column(Text)
    design: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    section_id: Mapped[int] = fk("section.id")
    reference_id: Mapped[int] = fk("reference.id")

    cell_source: Mapped[CellSource] = relationship()
    route: Mapped[Route | None] = relationship()
    section: Mapped[Section] = relationship()
    reference: Mapped[Reference] = relationship()


class Epidemiology(Base):
    __tablename__ = "epidemiology"
    __table_args__ = (
        CheckConstraint("value IS NULL OR unit IS NOT NULL", name="value_has_unit"),
        CheckConstraint("value IS NOT NULL OR note IS NOT NULL", name="value_or_note"),
        CheckConstraint("value IS NULL OR value >= 0", name="non_negative_value"),
        {"comment": "Section 1: incidence figures and observations."},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(50), unique=True)
    measure: Mapped[str] = mapped_column(String(100))
    condition: Mapped[str] = mapped_column(String(200))
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(50))
    region: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    section_id: Mapped[int] = fk("section.id")

    section: Mapped[Section] = relationship()
    refs: Mapped[list[Reference]] = relationship(
        secondary=lambda: epidemiology_reference, order_by=Reference.number
    )


epidemiology_reference = reference_link("epidemiology")


class CurationNote(Base):
    """Where the review contradicts itself, a checked source, or has a typo: what it says."""

    __tablename__ = "curation_note"
    __table_args__ = (
        CheckConstraint(
            "kind <> 'contradicts_source' OR source IS NOT NULL", name="contradiction_has_source"
        ),
        {"comment": "The review's errors and contradictions, with what it says."},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(enum(v.CURATION_KINDS, "kind"))
    section_id: Mapped[int] = fk("section.id")
    subject: Mapped[str | None] = mapped_column(String(200), index=True)
    review_text: Mapped[str] = mapped_column(Text)
    problem: Mapped[str] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    reference_id: Mapped[int | None] = fk("reference.id", nullable=True)

    section: Mapped[Section] = relationship()
    reference: Mapped[Reference | None] = relationship()


# --- studies -------------------------------------------------------------------------------------


class Study(Base):
    """One primary experiment the review describes."""

    __tablename__ = "study"
    __table_args__ = {"comment": "Primary studies the review describes."}

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    reference_id: Mapped[int | None] = fk("reference.id", nullable=True)
    first_author: Mapped[str | None] = mapped_column(String(100))
    section_id: Mapped[int] = fk("section.id")
    design: Mapped[str] = mapped_column(enum(v.STUDY_DESIGNS, "design"))
    exosome_based: Mapped[bool] = mapped_column(Boolean)
    cell_source_id: Mapped[int | None] = fk("cell_source.id", nullable=True)
    route_id: Mapped[int | None] = fk("route.id", nullable=True)
    theme: Mapped[str | None] = mapped_column(enum(v.STUDY_THEMES, "theme"))
    summary: Mapped[str] = mapped_column(Text)

    reference: Mapped[Reference | None] = relationship()
    section: Mapped[Section] = relationship()
    cell_source: Mapped[CellSource | None] = relationship()
    route: Mapped[Route | None] = relationship()
    molecules: Mapped[list[StudyMolecule]] = relationship(
        cascade="all, delete-orphan", order_by="StudyMolecule.id"
    )
    interactions: Mapped[list[StudyInteraction]] = relationship(
        cascade="all, delete-orphan", order_by="StudyInteraction.id"
    )
    pathways: Mapped[list[StudyPathway]] = relationship(
        cascade="all, delete-orphan", order_by="StudyPathway.id"
    )
    mechanisms: Mapped[list[Mechanism]] = relationship(
        secondary=lambda: study_mechanism, order_by=Mechanism.position
    )
    models: Mapped[list[StudyModel]] = relationship(
        cascade="all, delete-orphan", order_by="StudyModel.id"
    )
    materials: Mapped[list[Material]] = relationship(
        secondary=lambda: study_material, order_by=Material.key, viewonly=True
    )
    modifications: Mapped[list[StudyModification]] = relationship(
        cascade="all, delete-orphan", order_by="StudyModification.id"
    )
    outcomes: Mapped[list[Outcome]] = relationship(
        cascade="all, delete-orphan", order_by="Outcome.id"
    )


class StudyMolecule(Base):
    __tablename__ = "study_molecule"
    __table_args__ = (
        UniqueConstraint("study_id", "molecule_id", "role"),
        # Covering the cargo filter: molecule -> studies without visiting the table.
        Index("ix_study_molecule_molecule_id_role_study_id", "molecule_id", "role", "study_id"),
        {"comment": "Molecules a study involves: exosome cargo, loaded drugs, co-treatments."},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = fk("study.id", cascade=True, index=False)
    molecule_id: Mapped[int] = fk("molecule.id", index=False)
    role: Mapped[str] = mapped_column(enum(v.MOLECULE_ROLES, "role"))
    note: Mapped[str | None] = mapped_column(Text)

    molecule: Mapped[Molecule] = relationship()


class StudyInteraction(Base):
    __tablename__ = "study_interaction"
    __table_args__ = (
        UniqueConstraint("study_id", "regulator_id", "target_id"),
        CheckConstraint("regulator_id <> target_id", name="distinct_partners"),
        {"comment": "Regulator -> target interactions a study reports, with their effect."},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = fk("study.id", cascade=True, index=False)
    regulator_id: Mapped[int] = fk("molecule.id")
    target_id: Mapped[int] = fk("molecule.id")
    effect: Mapped[str] = mapped_column(enum(v.INTERACTION_EFFECTS, "effect"))
    note: Mapped[str | None] = mapped_column(Text)

    regulator: Mapped[Molecule] = relationship(foreign_keys=[regulator_id])
    target: Mapped[Molecule] = relationship(foreign_keys=[target_id])


class StudyPathway(Base):
    __tablename__ = "study_pathway"
    __table_args__ = (
        UniqueConstraint("study_id", "pathway_id"),
        Index("ix_study_pathway_pathway_id_effect_study_id", "pathway_id", "effect", "study_id"),
        {"comment": "Pathways a study reports, with their effect."},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = fk("study.id", cascade=True, index=False)
    pathway_id: Mapped[int] = fk("pathway.id", index=False)
    effect: Mapped[str] = mapped_column(enum(v.PATHWAY_EFFECTS, "effect"))
    note: Mapped[str | None] = mapped_column(Text)

    pathway: Mapped[Pathway] = relationship()


study_mechanism = Table(
    "study_mechanism",
    Base.metadata,
    Column("study_id", ForeignKey("study.id", ondelete="CASCADE"), primary_key=True),
    Column("mechanism_id", ForeignKey("mechanism.id"), primary_key=True),
    Index("ix_study_mechanism_mechanism_id_study_id", "mechanism_id", "study_id"),
    comment="Mechanism categories (Table 2) a study supports.",
)


class StudyModel(Base):
    __tablename__ = "study_model"
    __table_args__ = (
        UniqueConstraint("study_id", "species_id"),
        Index("ix_study_model_species_id_study_id", "species_id", "study_id"),
        {"comment": "Species and injury model of a study."},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = fk("study.id", cascade=True, index=False)
    species_id: Mapped[int] = fk("species.id", index=False)
    model: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)

    species: Mapped[Species] = relationship()


study_material = Table(
    "study_material",
    Base.metadata,
    Column("study_id", ForeignKey("study.id", ondelete="CASCADE"), primary_key=True),
    Column("material_id", ForeignKey("material.id"), primary_key=True, index=True),
    Column("note", Text),
    comment="Materials and co-therapies a study combines with exosomes.",
)


class StudyModification(Base):
    __tablename__ = "study_modification"
    __table_args__ = (
        UniqueConstraint("study_id", "kind", "molecule_id"),
        {"comment": "How a study modified its exosomes or their donor cells."},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = fk("study.id", cascade=True, index=False)
    kind: Mapped[str] = mapped_column(enum(v.MODIFICATION_KINDS, "kind"))
    molecule_id: Mapped[int | None] = fk("molecule.id", nullable=True)
    note: Mapped[str | None] = mapped_column(Text)

    molecule: Mapped[Molecule | None] = relationship()


class Outcome(Base):
    __tablename__ = "outcome"
    __table_args__ = (
        UniqueConstraint("study_id", "measure", "species_id"),
        CheckConstraint("value IS NULL OR unit IS NOT NULL", name="value_has_unit"),
        CheckConstraint("unit <> '%' OR value >= 0", name="non_negative_percentage"),
        {"comment": "What a study measured: direction, and value with unit where given."},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = fk("study.id", cascade=True)
    measure: Mapped[str] = mapped_column(String(200))
    direction: Mapped[str] = mapped_column(enum(v.OUTCOME_DIRECTIONS, "direction"))
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(50))
    relative_to: Mapped[str | None] = mapped_column(String(200))
    species_id: Mapped[int | None] = fk("species.id", nullable=True)
    note: Mapped[str | None] = mapped_column(Text)

    species: Mapped[Species | None] = relationship()


class SearchDocument(Base):
    """Text that ``exodb search`` looks through, one row per searchable field of an entity.

    The loader rebuilds it in the same transaction as every load, so it is always in step with
    the data. ``terms`` holds the words the text is filed under (exodb.names.searchterms), which is
    what both backends match: on SQLite an FTS5 index (``search_fts``, rebuilt with it) covers
    it; on PostgreSQL a GIN index on it serves the same purpose.
    """

    __tablename__ = "search_document"
    __table_args__ = (
        # PostgreSQL's own full-text search; SQLite uses the FTS5 table search_fts instead.
        Index(
            "ix_search_document_text_fts",
            # Written as text: building it with func.to_tsvector would import SQLAlchemy's
            # PostgreSQL dialect (and asyncio) into every exodb start-up.
            text("to_tsvector('exodb_search'::regconfig, terms)"),
            postgresql_using="gin",
        ).ddl_if(dialect="postgresql"),
        {"comment": "Searchable text of every entity (feeds full-text search)."},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(30), index=True)
    key: Mapped[str] = mapped_column(String(200))
    ref: Mapped[int | None]
    field: Mapped[str] = mapped_column(String(50))
    text: Mapped[str] = mapped_column(Text)
    terms: Mapped[str] = mapped_column(Text, server_default="")


class ImportLog(Base):
    """One row per ``exodb import``: what was added to the curated seeds, from where, when."""

    __tablename__ = "import_log"
    __table_args__ = {"comment": "Imports of users' own records into this database."}

    id: Mapped[int] = mapped_column(primary_key=True)
    imported_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(Text)
    files: Mapped[str] = mapped_column(Text)
    rows: Mapped[int]
    digest: Mapped[str | None] = mapped_column(String(64), index=True)


class DataVersion(Base):
    """One row: a number every load increases, in the same transaction as its writes.

    A computed report is kept with the number it was computed at, so it is only ever served for
    those exact data, even when a load commits while the report is being computed.
    """

    __tablename__ = "data_version"
    __table_args__ = (
        CheckConstraint("id = 1", name="one_row"),
        CheckConstraint("generation >= 0", name="not_negative"),
        {"comment": "How many times loads have changed the data (one row)."},
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    generation: Mapped[int]


class ReportCache(Base):
    """A cross-tab report as exodb last computed it for these data and these options.

    Every load (seed, import) empties the table in its own transaction, so a row never outlives
    the data it was computed from; `exodb reindex` empties it after edits made with other tools.
    """

    __tablename__ = "report_cache"
    __table_args__ = {"comment": "Computed reports, kept until the next load changes the data."}

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    generation: Mapped[int]
    report: Mapped[str] = mapped_column(String(40))
    options: Mapped[str] = mapped_column(Text)
    exodb_version: Mapped[str] = mapped_column(String(40))
    computed_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True))
    payload: Mapped[str] = mapped_column(Text)


# --- column comments ------------------------------------------------------------------------------
# Every column carries a comment: PostgreSQL keeps them in its catalogue and `exodb schema` prints
# them. Columns that mean the same everywhere get theirs from _GENERIC; the rest are listed.

_GENERIC = {
    "id": "Surrogate key; stable only within one load, so join on it but cite natural keys.",
    "key": "Natural key, unique: the identifier used in seeds/ and on the command line.",
    "name": "Name for people to read.",
    "note": "Curator's note, in exodb's own words.",
    "section_id": "Where the review states this: a section, table or figure (section.id).",
    "reference_id": "The review's reference number cited for this (reference.id).",
    "parent_id": "The broader entry this one belongs under (same table), or NULL at the top.",
    "position": "Order in the review's table or cell, from 1.",
    "folded": "The name folded for look-up (case, Greek letters, punctuation); unique.",
    "is_alias": "True for curated aliases; false for the key, name or abbreviation.",
    "group_position": "Number of the group within the Table 2 cell.",
    "group_name": "Heading of the group as Table 2 prints it.",
    "study_id": "The study this row belongs to (study.id).",
    "molecule_id": "The molecule (molecule.id).",
    "pathway_id": "The pathway (pathway.id).",
    "mechanism_id": "The mechanism category (mechanism.id).",
    "species_id": "The species (species.id).",
    "cell_source_id": "The exosome source (cell_source.id).",
    "route_id": "The administration route (route.id).",
    "material_id": "The material or co-therapy (material.id).",
    "disease_id": "The disease (disease.id).",
    "delivery_system_id": "The nano-delivery system (delivery_system.id).",
    "cell_source_profile_id": "The Table 1 profile (cell_source_profile.id).",
    "exosome_component_id": "The exosome component (exosome_component.id).",
    "epidemiology_id": "The epidemiology row (epidemiology.id).",
    "summary": "One or two sentences in exodb's words.",
    "design": "Study design: in_vivo, in_vitro, clinical, mixed, or not_stated.",
    "value": "The number the review gives; NULL where it gives none.",
    "unit": "Unit of value (%, fold, per million people); required with a value.",
    "effect": "Direction the review states for this link.",
    "advantages": "Advantages, paraphrased.",
    "disadvantages": "Disadvantages, paraphrased.",
    "category": "Kind of entry (a fixed vocabulary, enforced by a CHECK constraint).",
    "kind": "Kind of entry (a fixed vocabulary, enforced by a CHECK constraint).",
    "measure": "What is measured.",
}

_SPECIFIC = {
    "section.title": "Heading as the review gives it.",
    "reference.number": "The review's in-text reference number.",
    "reference.first_author": "First author's surname, as the review's text or a checked record "
    "names it.",
    "reference.year": "Publication year, only from a checked record.",
    "reference.title": "Title, only from a checked record.",
    "reference.journal": "Journal, only from a checked record.",
    "reference.doi": "DOI, only from a checked record.",
    "reference.pmid": "PubMed id, only from a checked record.",
    "reference.check_status": "confirmed, title_only or number_inferred; NULL when unchecked.",
    "reference.checked_at": "Where the bibliographic fields were seen (URL).",
    "species.is_primate": "True for primates, human included.",
    "cell_source.abbreviation": "Common abbreviation (UC-MSC).",
    "molecule.full_name": "Name spelled out.",
    "molecule.mirna_stem": "miRNA names: mir or let.",
    "molecule.mirna_family": "miRNA names: the family number (21 in miR-21a-3p).",
    "molecule.mirna_letter": "miRNA names: the letter (a in miR-21a-3p).",
    "molecule.mirna_paralog": "miRNA names: the paralog number (1 in miR-199a-1).",
    "molecule.mirna_arm": "miRNA names: the arm (3p in miR-21a-3p).",
    "pathway.key": "The axis as the review writes it, nodes separated by /.",
    "pathway_node.position": "Place of the node in the axis, from 1.",
    "mechanism.key": "One of neuroprotection, axon_regeneration, immune_regulation, "
    "angiogenesis_bscb, ecm_regulation.",
    "mechanism_function.description": "The core function, paraphrased.",
    "cell_source_profile.main_functions": "Main functions / research directions (paraphrase).",
    "cell_source_profile.acquisition": "Ease of obtaining the source: easy < relatively_easy < "
    "moderate < difficult.",
    "cell_source_profile.acquisition_note": "Where the cells come from and how (paraphrase).",
    "cell_source_profile.expansion": "In-vitro preparation and expansion: limited < moderate < "
    "high.",
    "cell_source_profile.expansion_note": "Table 1's wording on preparation, paraphrased.",
    "cell_source_profile.immunogenicity": "low < moderate < high.",
    "cell_source_profile.immunogenicity_note": "The reason Table 1 gives, paraphrased.",
    "cell_source_profile.limitations": "Main limitations, paraphrased.",
    "cell_source_profile.clinical_potential": "Clinical translation potential: moderate < "
    "relatively_high < high.",
    "cell_source_profile.clinical_potential_note": "Table 1's qualifier, paraphrased.",
    "delivery_system_payload.payload": "A type of loaded drug, paraphrased.",
    "exosome_component.component_class": "protein, lipid or nucleic_acid.",
    "exosome_component.is_marker": "True where the review names it as an exosome marker.",
    "clinical_trial.registry_id": "Trial registration number.",
    "clinical_trial.registry": "Registry that holds the registration.",
    "clinical_trial.phase": "Trial phase as the review states it.",
    "clinical_trial.population": "Patients as the review describes them.",
    "epidemiology.condition": "What the figure is about (traumatic SCI, ...).",
    "epidemiology.region": "Region the figure or observation concerns.",
    "curation_note.subject": "What the note concerns, as file:key (cell_sources:uc_msc).",
    "curation_note.review_text": "The few words of the review in question, quoted.",
    "curation_note.problem": "What is wrong, and how exodb records it.",
    "curation_note.source": "Where the contradicting reading was seen (URL).",
    "study.first_author": "First author as the review's text names it.",
    "study.exosome_based": "False for findings the review proposes to combine with exosomes.",
    "study.theme": "biomaterial_combination, nanocarrier or clinical (sections 4 and 5).",
    "study_molecule.role": "cargo, loaded, co_administered or agent.",
    "study_interaction.regulator_id": "The regulating molecule (molecule.id).",
    "study_interaction.target_id": "The molecule acted on (molecule.id).",
    "study_model.model": "Injury model as the review describes it.",
    "study_modification.kind": "How the exosomes or their donor cells were modified.",
    "outcome.direction": "increase, decrease or no_change.",
    "outcome.relative_to": "What the value is relative to (normal level, natural secretion).",
    "search_document.entity": "Kind of entity the text belongs to (study, molecule, ...).",
    "search_document.key": "Natural key of that entity.",
    "search_document.ref": "Reference number the entity cites, where it has one.",
    "search_document.field": "Which field the text comes from.",
    "search_document.text": "The searchable text.",
    "search_document.terms": "The words the text is filed under for search (names folded).",
    "cell_source_alias.alias": "An alias as the curator wrote it.",
    "molecule_alias.alias": "An alias as the curator wrote it.",
    "material_alias.alias": "An alias as the curator wrote it.",
    "import_log.imported_at": "When the import was committed (UTC).",
    "import_log.source": "The file or folder imported.",
    "import_log.files": "The seed files it contained, ';'-separated.",
    "import_log.rows": "Rows it added.",
    "import_log.digest": "SHA-256 over the names and bytes of the files imported, in seed order.",
    "data_version.id": "Always 1: the table has one row.",
    "data_version.generation": "Increased by one in every load's transaction.",
    "report_cache.digest": "SHA-256 of the report's name, options and exodb version.",
    "report_cache.generation": "data_version.generation of the data it was computed from.",
    "report_cache.report": "Which report (evidence-matrix, convergence).",
    "report_cache.options": "The options it was computed with, as JSON.",
    "report_cache.exodb_version": "The exodb version that computed it.",
    "report_cache.computed_at": "When it was computed (UTC).",
    "report_cache.payload": "The report itself, as JSON.",
}


def _comment_columns() -> None:
    for table in Base.metadata.tables.values():
        for column in table.columns:
            column.comment = _SPECIFIC.get(f"{table.name}.{column.name}") or _GENERIC.get(
                column.name
            )


_comment_columns()
