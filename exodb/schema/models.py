"""The exodb schema as ORM classes, for the code that writes and curates the data.

The schema itself is defined once, as the Core tables of :mod:`exodb.schema.tables`; each class
here is mapped onto its table (``__table__``, SQLAlchemy's declarative mapping with an
imperative table) and adds only what the ORM needs: attribute annotations and relationships.
``Base.metadata`` is ``tables.metadata``. Read paths select from the tables and never import
this module (building and configuring the mappers costs a command some 200 ms).

The ``Mapped[...]`` annotations of columns are for type checkers and readers: with a
``__table__``, SQLAlchemy maps every column of the table by its name and neither creates columns
from annotations nor checks them (tests/test_schema_tables.py does: one annotation per column,
``| None`` exactly where the column is nullable). A column mapped under another name says so.
"""

from __future__ import annotations

import datetime

from sqlalchemy.orm import Mapped, column_property, relationship

from exodb.schema import tables as t
from exodb.schema.orm_base import Base

# A study's extraction (animal models, preparations, arms, measurements, risk of bias).
from exodb.schema.orm_extraction import (  # noqa: F401
    AnimalModel,
    Arm,
    BiasDomain,
    EvMarker,
    EvPreparation,
    OutcomeMeasurement,
    OutcomeScale,
    RiskOfBias,
    SeparationMethod,
)

# Identifiers of other resources, one class per kind of row identified.
from exodb.schema.orm_identifiers import (  # noqa: F401
    CellSourceIdentifier,
    MechanismIdentifier,
    MoleculeIdentifier,
    PathwayIdentifier,
    SpeciesIdentifier,
)

# The link tables have no class of their own; these names keep them importable from here.
from exodb.schema.tables import (  # noqa: F401
    cell_source_alias,
    cell_source_name,
    cell_source_profile_reference,
    delivery_system_indication,
    delivery_system_reference,
    epidemiology_reference,
    ev_preparation_exemption,
    ev_preparation_separation,
    exosome_component_reference,
    material_alias,
    material_name,
    material_reference,
    molecule_alias,
    molecule_name,
    outcome_scale_alias,
    outcome_scale_name,
    separation_method_alias,
    separation_method_name,
    study_material,
    study_mechanism,
)

# --- provenance -------------------------------------------------------------------------------


class Section(Base):
    __table__ = t.section

    id: Mapped[int]
    key: Mapped[str]
    title: Mapped[str]
    parent_id: Mapped[int | None]

    parent: Mapped[Section | None] = relationship(remote_side=t.section.c.id)


class Reference(Base):
    __table__ = t.reference

    id: Mapped[int]
    number: Mapped[int]
    first_author: Mapped[str | None]
    year: Mapped[int | None]
    title: Mapped[str | None]
    journal: Mapped[str | None]
    doi: Mapped[str | None]
    pmid: Mapped[str | None]
    check_status: Mapped[str | None]
    checked_at: Mapped[str | None]
    note: Mapped[str | None]


# --- vocabularies -----------------------------------------------------------------------------


class Species(Base):
    __table__ = t.species

    id: Mapped[int]
    key: Mapped[str]
    name: Mapped[str]
    parent_id: Mapped[int | None]
    is_primate: Mapped[bool]

    parent: Mapped[Species | None] = relationship(remote_side=t.species.c.id)


class Route(Base):
    __table__ = t.route

    id: Mapped[int]
    key: Mapped[str]
    name: Mapped[str]
    note: Mapped[str | None]


class Disease(Base):
    __table__ = t.disease

    id: Mapped[int]
    key: Mapped[str]
    name: Mapped[str]


class CellSource(Base):
    __table__ = t.cell_source

    id: Mapped[int]
    key: Mapped[str]
    name: Mapped[str]
    abbreviation: Mapped[str | None]
    parent_id: Mapped[int | None]
    category: Mapped[str]
    note: Mapped[str | None]

    parent: Mapped[CellSource | None] = relationship(remote_side=t.cell_source.c.id)
    profile: Mapped[CellSourceProfile | None] = relationship(back_populates="cell_source")


class Molecule(Base):
    __table__ = t.molecule

    id: Mapped[int]
    key: Mapped[str]
    kind: Mapped[str]
    full_name: Mapped[str | None]
    parent_id: Mapped[int | None]
    note: Mapped[str | None]
    mirna_stem: Mapped[str | None]
    mirna_family: Mapped[int | None]
    mirna_letter: Mapped[str | None]
    mirna_paralog: Mapped[int | None]
    mirna_arm: Mapped[str | None]

    parent: Mapped[Molecule | None] = relationship(remote_side=t.molecule.c.id)


class Pathway(Base):
    __table__ = t.pathway

    id: Mapped[int]
    key: Mapped[str]
    note: Mapped[str | None]

    nodes: Mapped[list[PathwayNode]] = relationship(
        cascade="all, delete-orphan", order_by="PathwayNode.position"
    )


class PathwayNode(Base):
    __table__ = t.pathway_node

    pathway_id: Mapped[int]
    position: Mapped[int]
    molecule_id: Mapped[int]

    molecule: Mapped[Molecule] = relationship()


class Material(Base):
    __table__ = t.material

    id: Mapped[int]
    key: Mapped[str]
    name: Mapped[str]
    category: Mapped[str]
    section_id: Mapped[int | None]
    note: Mapped[str | None]

    section: Mapped[Section | None] = relationship()
    refs: Mapped[list[Reference]] = relationship(
        secondary=t.material_reference, order_by=Reference.number
    )


# --- the review's tables ------------------------------------------------------------------------


class CellSourceProfile(Base):
    """Table 1: one compared cell source and its seven attributes."""

    __table__ = t.cell_source_profile

    id: Mapped[int]
    cell_source_id: Mapped[int]
    position: Mapped[int]
    main_functions: Mapped[str]
    acquisition: Mapped[str]
    acquisition_note: Mapped[str]
    expansion: Mapped[str]
    expansion_note: Mapped[str]
    immunogenicity: Mapped[str]
    immunogenicity_note: Mapped[str | None]
    advantages: Mapped[str]
    limitations: Mapped[str]
    clinical_potential: Mapped[str]
    clinical_potential_note: Mapped[str | None]
    section_id: Mapped[int]

    cell_source: Mapped[CellSource] = relationship(back_populates="profile")
    section: Mapped[Section] = relationship()
    refs: Mapped[list[Reference]] = relationship(
        secondary=t.cell_source_profile_reference, order_by=Reference.number
    )


class Mechanism(Base):
    """Table 2: one mechanism category."""

    __table__ = t.mechanism

    id: Mapped[int]
    key: Mapped[str]
    name: Mapped[str]
    position: Mapped[int]
    section_id: Mapped[int]

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
    __table__ = t.mechanism_function

    id: Mapped[int]
    mechanism_id: Mapped[int]
    position: Mapped[int]
    name: Mapped[str]
    description: Mapped[str]


class MechanismMolecule(Base):
    __table__ = t.mechanism_molecule

    id: Mapped[int]
    mechanism_id: Mapped[int]
    group_position: Mapped[int]
    group_name: Mapped[str]
    molecule_id: Mapped[int]
    note: Mapped[str | None]

    molecule: Mapped[Molecule] = relationship()


class MechanismPathway(Base):
    __table__ = t.mechanism_pathway

    id: Mapped[int]
    mechanism_id: Mapped[int]
    group_position: Mapped[int]
    group_name: Mapped[str]
    pathway_id: Mapped[int]
    note: Mapped[str | None]

    pathway: Mapped[Pathway] = relationship()


class DeliverySystem(Base):
    """Table 3: one exosome-based nano-delivery system."""

    __table__ = t.delivery_system

    id: Mapped[int]
    key: Mapped[str]
    name: Mapped[str]
    position: Mapped[int]
    advantages: Mapped[str]
    disadvantages: Mapped[str]
    section_id: Mapped[int]
    note: Mapped[str | None]

    section: Mapped[Section] = relationship()
    payloads: Mapped[list[DeliverySystemPayload]] = relationship(
        order_by="DeliverySystemPayload.position", cascade="all, delete-orphan"
    )
    indications: Mapped[list[Disease]] = relationship(
        secondary=t.delivery_system_indication,
        order_by=t.delivery_system_indication.c.position,
        viewonly=True,
    )
    refs: Mapped[list[Reference]] = relationship(
        secondary=t.delivery_system_reference, order_by=Reference.number
    )


class DeliverySystemPayload(Base):
    __table__ = t.delivery_system_payload

    delivery_system_id: Mapped[int]
    position: Mapped[int]
    payload: Mapped[str]


class ExosomeComponent(Base):
    """Section 2: what exosomes contain, and which contents serve as markers."""

    __table__ = t.exosome_component

    id: Mapped[int]
    molecule_id: Mapped[int]
    component_class: Mapped[str]
    group_name: Mapped[str | None]
    is_marker: Mapped[bool]
    section_id: Mapped[int]

    molecule: Mapped[Molecule] = relationship()
    section: Mapped[Section] = relationship()
    refs: Mapped[list[Reference]] = relationship(
        secondary=t.exosome_component_reference, order_by=Reference.number
    )


class ClinicalTrial(Base):
    __table__ = t.clinical_trial

    id: Mapped[int]
    registry_id: Mapped[str]
    # The column "registry": declarative classes keep the attribute name for themselves.
    registry_name: Mapped[str] = column_property(t.clinical_trial.c.registry)
    phase: Mapped[str]
    cell_source_id: Mapped[int]
    route_id: Mapped[int | None]
    population: Mapped[str]
    design: Mapped[str | None]
    summary: Mapped[str]
    section_id: Mapped[int]
    reference_id: Mapped[int]

    cell_source: Mapped[CellSource] = relationship()
    route: Mapped[Route | None] = relationship()
    section: Mapped[Section] = relationship()
    reference: Mapped[Reference] = relationship()


class Epidemiology(Base):
    __table__ = t.epidemiology

    id: Mapped[int]
    key: Mapped[str]
    measure: Mapped[str]
    condition: Mapped[str]
    value: Mapped[float | None]
    unit: Mapped[str | None]
    region: Mapped[str | None]
    note: Mapped[str | None]
    section_id: Mapped[int]

    section: Mapped[Section] = relationship()
    refs: Mapped[list[Reference]] = relationship(
        secondary=t.epidemiology_reference, order_by=Reference.number
    )


class CurationNote(Base):
    """Where the review contradicts itself, a checked source, or has a typo: what it says."""

    __table__ = t.curation_note

    id: Mapped[int]
    key: Mapped[str]
    kind: Mapped[str]
    section_id: Mapped[int]
    subject: Mapped[str | None]
    review_text: Mapped[str]
    problem: Mapped[str]
    source: Mapped[str | None]
    reference_id: Mapped[int | None]

    section: Mapped[Section] = relationship()
    reference: Mapped[Reference | None] = relationship()


# --- studies -------------------------------------------------------------------------------------


class Study(Base):
    """One primary experiment the review describes."""

    __table__ = t.study

    id: Mapped[int]
    key: Mapped[str]
    reference_id: Mapped[int | None]
    first_author: Mapped[str | None]
    section_id: Mapped[int | None]
    design: Mapped[str]
    exosome_based: Mapped[bool]
    cell_source_id: Mapped[int | None]
    route_id: Mapped[int | None]
    theme: Mapped[str | None]
    summary: Mapped[str]
    doi: Mapped[str | None]
    pmid: Mapped[str | None]

    reference: Mapped[Reference | None] = relationship()
    section: Mapped[Section | None] = relationship()
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
        secondary=t.study_mechanism, order_by=Mechanism.position
    )
    models: Mapped[list[StudyModel]] = relationship(
        cascade="all, delete-orphan", order_by="StudyModel.id"
    )
    materials: Mapped[list[Material]] = relationship(
        secondary=t.study_material, order_by=Material.key, viewonly=True
    )
    modifications: Mapped[list[StudyModification]] = relationship(
        cascade="all, delete-orphan", order_by="StudyModification.id"
    )
    outcomes: Mapped[list[Outcome]] = relationship(
        cascade="all, delete-orphan", order_by="Outcome.id"
    )
    # The extraction's rows are owned by the study (the database deletes them with it).
    animal_models: Mapped[list[AnimalModel]] = relationship(
        order_by="AnimalModel.id", viewonly=True
    )
    ev_preparations: Mapped[list[EvPreparation]] = relationship(
        order_by="EvPreparation.id", viewonly=True
    )
    arms: Mapped[list[Arm]] = relationship(order_by="Arm.id", viewonly=True)
    measurements: Mapped[list[OutcomeMeasurement]] = relationship(
        order_by="OutcomeMeasurement.id", viewonly=True
    )
    risks_of_bias: Mapped[list[RiskOfBias]] = relationship(order_by="RiskOfBias.id", viewonly=True)


class StudyMolecule(Base):
    __table__ = t.study_molecule

    id: Mapped[int]
    study_id: Mapped[int]
    molecule_id: Mapped[int]
    role: Mapped[str]
    inferred: Mapped[bool]
    note: Mapped[str | None]

    molecule: Mapped[Molecule] = relationship()


class StudyInteraction(Base):
    __table__ = t.study_interaction

    id: Mapped[int]
    study_id: Mapped[int]
    regulator_id: Mapped[int]
    target_id: Mapped[int]
    effect: Mapped[str]
    note: Mapped[str | None]

    regulator: Mapped[Molecule] = relationship(foreign_keys=[t.study_interaction.c.regulator_id])
    target: Mapped[Molecule] = relationship(foreign_keys=[t.study_interaction.c.target_id])


class StudyPathway(Base):
    __table__ = t.study_pathway

    id: Mapped[int]
    study_id: Mapped[int]
    pathway_id: Mapped[int]
    effect: Mapped[str]
    note: Mapped[str | None]

    pathway: Mapped[Pathway] = relationship()


class StudyModel(Base):
    __table__ = t.study_model

    id: Mapped[int]
    study_id: Mapped[int]
    species_id: Mapped[int]
    model: Mapped[str | None]
    note: Mapped[str | None]

    species: Mapped[Species] = relationship()


class StudyModification(Base):
    __table__ = t.study_modification

    id: Mapped[int]
    study_id: Mapped[int]
    kind: Mapped[str]
    molecule_id: Mapped[int | None]
    note: Mapped[str | None]

    molecule: Mapped[Molecule | None] = relationship()


class Outcome(Base):
    __table__ = t.outcome

    id: Mapped[int]
    study_id: Mapped[int]
    measure: Mapped[str]
    direction: Mapped[str]
    value: Mapped[float | None]
    unit: Mapped[str | None]
    relative_to: Mapped[str | None]
    species_id: Mapped[int | None]
    note: Mapped[str | None]

    species: Mapped[Species | None] = relationship()


# --- exodb's own records ----------------------------------------------------------------------


class SearchDocument(Base):
    """Text that ``exodb search`` looks through, one row per searchable field of an entity."""

    __table__ = t.search_document

    id: Mapped[int]
    entity: Mapped[str]
    key: Mapped[str]
    ref: Mapped[int | None]
    field: Mapped[str]
    text: Mapped[str]
    terms: Mapped[str]


class ImportLog(Base):
    """One row per ``exodb import``: what was added to the curated seeds, from where, when."""

    __table__ = t.import_log

    id: Mapped[int]
    imported_at: Mapped[datetime.datetime]
    source: Mapped[str]
    files: Mapped[str]
    rows: Mapped[int]
    digest: Mapped[str | None]


class DataVersion(Base):
    """One row: a number every load increases, in the same transaction as its writes."""

    __table__ = t.data_version

    id: Mapped[int]
    generation: Mapped[int]


class ReportCache(Base):
    """A cross-tab report as exodb last computed it for these data and these options."""

    __table__ = t.report_cache

    digest: Mapped[str]
    generation: Mapped[int]
    report: Mapped[str]
    options: Mapped[str]
    exodb_version: Mapped[str]
    computed_at: Mapped[datetime.datetime]
    payload: Mapped[str]
