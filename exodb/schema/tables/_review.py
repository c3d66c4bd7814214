"""The review's own material: its sections and references (provenance), the vocabularies its
facts are written in, and its tables (Table 1 to 3, exosome contents, trials, epidemiology),
with the curator's notes on its errors.

Every fact taken from the review carries provenance: the review section (``section_id``) and
the reference number(s) it cites (``reference_id`` or a ``*_reference`` link table).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from exodb.names import vocabulary as v
from exodb.schema.tables._common import (
    alias_table,
    enum,
    foreign_key,
    metadata,
    name_table,
    reference_link,
)

# --- provenance -------------------------------------------------------------------------------

section = Table(
    "section",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(20), nullable=False, unique=True),
    Column("title", Text, nullable=False),
    foreign_key("parent_id", "section.id", nullable=True),
    comment="The review's sections, tables and figures.",
)

reference = Table(
    "reference",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", Integer, nullable=False, unique=True),
    # Bibliographic fields stay NULL until a record has been checked (check_status says how).
    Column("first_author", String(100)),
    Column("year", Integer),
    Column("title", Text),
    Column("journal", String(200)),
    Column("doi", String(200)),
    Column("pmid", String(20)),
    Column("check_status", enum(v.CHECK_STATUSES, "check_status")),
    Column("checked_at", Text),
    Column("note", Text),
    CheckConstraint("number > 0", name="positive_number"),
    comment="The review's numbered references; bibliographic fields only as checked.",
)

# --- vocabularies -----------------------------------------------------------------------------
# Hierarchies (species, cell_source, molecule) point to their broader entry with parent_id.
# Cell sources, molecules and materials are looked up by any of their names: *_name holds
# them folded, *_alias the curated aliases as written.

species = Table(
    "species",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(50), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    foreign_key("parent_id", "species.id", nullable=True),
    Column("is_primate", Boolean, nullable=False),
    comment="Species vocabulary, with broader terms (rhesus monkey < macaque).",
)

route = Table(
    "route",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(50), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    Column("note", Text),
    comment="Administration routes.",
)

disease = Table(
    "disease",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(50), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    comment="Diseases named as indications (Table 3's therapeutic goals).",
)

cell_source = Table(
    "cell_source",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(50), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("abbreviation", String(50)),
    foreign_key("parent_id", "cell_source.id", nullable=True),
    Column("category", enum(v.CELL_SOURCE_CATEGORIES, "category"), nullable=False),
    Column("note", Text),
    comment="Exosome origins, as a hierarchy (MSC includes UC-MSC, ...).",
)
cell_source_name = name_table("cell_source")
cell_source_alias = alias_table("cell_source")

molecule = Table(
    "molecule",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(100), nullable=False, unique=True),
    Column("kind", enum(v.MOLECULE_KINDS, "kind"), nullable=False),
    Column("full_name", String(200)),
    foreign_key("parent_id", "molecule.id", nullable=True),
    Column("note", Text),
    # The parts of a miRNA name (exodb.names.mirna), filled by the loader, so that a family
    # query (miR-21 -> miR-21a-3p, not miR-210) is a plain indexed WHERE clause.
    Column("mirna_stem", String(3)),
    Column("mirna_family", Integer, index=True),
    Column("mirna_letter", String(1)),
    Column("mirna_paralog", Integer),
    Column("mirna_arm", String(2)),
    comment="Cargo molecules, their targets and pathway nodes, with families.",
)
molecule_name = name_table("molecule")
molecule_alias = alias_table("molecule")

pathway = Table(
    "pathway",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(200), nullable=False, unique=True),
    Column("note", Text),
    comment="Signalling axes as the review writes them (e.g. PI3K/Akt/mTOR).",
)

pathway_node = Table(
    "pathway_node",
    metadata,
    Column("pathway_id", ForeignKey("pathway.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    foreign_key("molecule_id", "molecule.id"),
    CheckConstraint("position >= 1", name="position_from_one"),
    comment="The ordered nodes of each pathway, each a molecule.",
)

material = Table(
    "material",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(50), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("category", enum(v.MATERIAL_CATEGORIES, "category"), nullable=False),
    foreign_key("section_id", "section.id", nullable=True),
    Column("note", Text),
    comment="Biomaterials, nanomaterials and physical co-therapies combined with exosomes.",
)
material_reference = reference_link("material")
material_name = name_table("material")
material_alias = alias_table("material")

# --- Table 1: exosome cell sources compared -----------------------------------------------------
# The graded attributes are ordinal enumerations (exodb.names.vocabulary, lowest first); each
# has a note with Table 1's own wording, paraphrased.

cell_source_profile = Table(
    "cell_source_profile",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("cell_source_id", ForeignKey("cell_source.id"), nullable=False, unique=True),
    Column("position", Integer, nullable=False, unique=True),
    Column("main_functions", Text, nullable=False),
    Column("acquisition", enum(v.ACQUISITION, "acquisition"), nullable=False),
    Column("acquisition_note", Text, nullable=False),
    Column("expansion", enum(v.EXPANSION, "expansion"), nullable=False),
    Column("expansion_note", Text, nullable=False),
    Column("immunogenicity", enum(v.IMMUNOGENICITY, "immunogenicity"), nullable=False),
    Column("immunogenicity_note", Text),
    Column("advantages", Text, nullable=False),
    Column("limitations", Text, nullable=False),
    Column("clinical_potential", enum(v.CLINICAL_POTENTIAL, "clinical_potential"), nullable=False),
    Column("clinical_potential_note", Text),
    foreign_key("section_id", "section.id"),
    comment="Table 1: comparison of exosome cell sources.",
)
cell_source_profile_reference = reference_link("cell_source_profile")

# --- Table 2: mechanisms ----------------------------------------------------------------------
# Each cell of Table 2 lists its molecules and pathways in groups: group_position numbers the
# group within the cell, group_name is its heading.

mechanism = Table(
    "mechanism",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(30), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("position", Integer, nullable=False, unique=True),
    foreign_key("section_id", "section.id"),
    CheckConstraint(
        "key IN (" + ", ".join(f"'{k}'" for k in v.MECHANISM_KEYS) + ")", name="known_key"
    ),
    comment="Table 2: the five mechanism categories.",
)

# The unique constraints below lead with mechanism_id, so it needs no index of its own.
mechanism_function = Table(
    "mechanism_function",
    metadata,
    Column("id", Integer, primary_key=True),
    foreign_key("mechanism_id", "mechanism.id", cascade=True, index=False),
    Column("position", Integer, nullable=False),
    Column("name", String(200), nullable=False),
    Column("description", Text, nullable=False),
    UniqueConstraint("mechanism_id", "position"),
    comment="Table 2, core functions of each mechanism.",
)

mechanism_molecule = Table(
    "mechanism_molecule",
    metadata,
    Column("id", Integer, primary_key=True),
    foreign_key("mechanism_id", "mechanism.id", cascade=True, index=False),
    Column("group_position", Integer, nullable=False),
    Column("group_name", String(200), nullable=False),
    foreign_key("molecule_id", "molecule.id"),
    Column("note", Text),
    UniqueConstraint("mechanism_id", "group_position", "molecule_id"),
    comment="Table 2, key molecules of each mechanism, by group.",
)

mechanism_pathway = Table(
    "mechanism_pathway",
    metadata,
    Column("id", Integer, primary_key=True),
    foreign_key("mechanism_id", "mechanism.id", cascade=True, index=False),
    Column("group_position", Integer, nullable=False),
    Column("group_name", String(200), nullable=False),
    foreign_key("pathway_id", "pathway.id"),
    Column("note", Text),
    UniqueConstraint("mechanism_id", "group_position", "pathway_id"),
    comment="Table 2, signalling pathways of each mechanism, by group.",
)

# --- Table 3: nano-delivery systems -----------------------------------------------------------

delivery_system = Table(
    "delivery_system",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(50), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("position", Integer, nullable=False, unique=True),
    Column("advantages", Text, nullable=False),
    Column("disadvantages", Text, nullable=False),
    foreign_key("section_id", "section.id"),
    Column("note", Text),
    comment="Table 3: exosome-based nano-delivery systems.",
)

delivery_system_payload = Table(
    "delivery_system_payload",
    metadata,
    Column(
        "delivery_system_id",
        ForeignKey("delivery_system.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("position", Integer, primary_key=True),
    Column("payload", String(200), nullable=False),
    comment="Table 3, types of loaded drug, in the table's order.",
)

delivery_system_indication = Table(
    "delivery_system_indication",
    metadata,
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

# --- the review's other facts -----------------------------------------------------------------

# Section 2: what exosomes contain, and which contents serve as markers.
exosome_component = Table(
    "exosome_component",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("molecule_id", ForeignKey("molecule.id"), nullable=False, unique=True),
    Column("component_class", enum(v.COMPONENT_CLASSES, "component_class"), nullable=False),
    Column("group_name", String(100)),
    Column("is_marker", Boolean, nullable=False),
    foreign_key("section_id", "section.id"),
    comment="Section 2: exosome contents and markers.",
)
exosome_component_reference = reference_link("exosome_component")

clinical_trial = Table(
    "clinical_trial",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("registry_id", String(50), nullable=False, unique=True),
    # The ORM maps this column as ClinicalTrial.registry_name: declarative classes keep the
    # attribute name "registry" for themselves.
    Column("registry", String(200), nullable=False),
    Column("phase", String(20), nullable=False),
    foreign_key("cell_source_id", "cell_source.id"),
    foreign_key("route_id", "route.id", nullable=True),
    Column("population", Text, nullable=False),
    Column("design", Text),
    Column("summary", Text, nullable=False),
    foreign_key("section_id", "section.id"),
    foreign_key("reference_id", "reference.id"),
    comment="Clinical trials of exosomes in SCI, as the review reports them.",
)

epidemiology = Table(
    "epidemiology",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(50), nullable=False, unique=True),
    Column("measure", String(100), nullable=False),
    Column("condition", String(200), nullable=False),
    Column("value", Float),
    Column("unit", String(50)),
    Column("region", String(200)),
    Column("note", Text),
    foreign_key("section_id", "section.id"),
    CheckConstraint("value IS NULL OR unit IS NOT NULL", name="value_has_unit"),
    CheckConstraint("value IS NOT NULL OR note IS NOT NULL", name="value_or_note"),
    CheckConstraint("value IS NULL OR value >= 0", name="non_negative_value"),
    comment="Section 1: incidence figures and observations.",
)
epidemiology_reference = reference_link("epidemiology")

# Where the review contradicts itself, a checked source, or has a typo: what it says.
curation_note = Table(
    "curation_note",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(100), nullable=False, unique=True),
    Column("kind", enum(v.CURATION_KINDS, "kind"), nullable=False),
    foreign_key("section_id", "section.id"),
    Column("subject", String(200), index=True),
    Column("review_text", Text, nullable=False),
    Column("problem", Text, nullable=False),
    Column("source", Text),
    foreign_key("reference_id", "reference.id", nullable=True),
    CheckConstraint(
        "kind <> 'contradicts_source' OR source IS NOT NULL", name="contradiction_has_source"
    ),
    comment="The review's errors and contradictions, with what it says.",
)
