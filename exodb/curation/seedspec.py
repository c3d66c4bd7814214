"""What each seed file holds: its columns, their types, and what they point at.

This is the one description of the CSV format; the loader validates against it, and a test
checks that seeds/README.md documents every file and column listed here. Files appear in load
order: a file only points at files above it (or at itself, for hierarchies).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from exodb.names import vocabulary as v

# Column kinds
TEXT = "text"
INT = "int"
FLOAT = "float"
BOOL = "bool"
ENUM = "enum"
REF = "ref"  # the key of a row in another seed file (or the same one)
TEXT_LIST = "text_list"  # ';'-separated plain values of this row
REF_LIST = "ref_list"  # ';'-separated keys of rows in another seed file
CURIE = "curie"  # an identifier of another resource (CL:0000134); values: the prefixes allowed


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = TEXT
    required: bool = False
    values: tuple[str, ...] = ()  # ENUM
    target: str | None = None  # REF / REF_LIST: name of the seed file pointed at
    db: str | None = None  # database column, when it differs from the CSV name
    minimum: float | None = None  # INT / FLOAT: smallest sensible value
    maximum: float | None = None  # INT / FLOAT: largest sensible value
    # REF to a file whose rows are named within a study (arms, preparations): the column of
    # this row that names the study, so that "exo" means the arm exo of this row's study.
    scope: str | None = None
    # An optional column's value where the cell is empty or the file has no such column (a
    # flag that files written before it existed do not mention); None: empty means NULL.
    default: bool | None = None


@dataclass(frozen=True)
class SeedFile:
    name: str  # file stem: cell_sources -> cell_sources.csv
    table: str  # database table
    key: tuple[str, ...]  # natural key columns: unique, and the canonical row order
    columns: tuple[Column, ...]
    key_column: str | None = None  # column other files refer to (single-column keys)
    notes: tuple[str, ...] = field(default=())
    # For rows named within a study: the key column naming the study. Other files then point
    # at a row by (that study, key_column's value), and the keys held are such pairs.
    scope: str | None = None

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def req(name: str, kind: str = TEXT, **kw) -> Column:
    return Column(name, kind, required=True, **kw)


def opt(name: str, kind: str = TEXT, **kw) -> Column:
    return Column(name, kind, required=False, **kw)


def choice(name: str, values: tuple[str, ...], required: bool = True) -> Column:
    return Column(name, ENUM, required=required, values=values)


def ref(name: str, target: str, required: bool = True, db: str | None = None) -> Column:
    return Column(name, REF, required=required, target=target, db=db or f"{name}_id")


def in_study(name: str, target: str, db: str, required: bool = False) -> Column:
    """A REF to a row of ``target`` that belongs to the same study as this row."""
    return Column(name, REF, required=required, target=target, db=db, scope="study")


SECTION = ref("section", "sections")


def _identifiers(owner: str, owner_file: str, extra: tuple[Column, ...]) -> SeedFile:
    """``<owner>_identifiers.csv``: a row's identifiers in other resources (a CURIE of the
    prefixes that suit it), the record's label, where it was seen, and how it matches."""
    from exodb.names.identifiers import PREFIXES

    prefixes = tuple(p.name for p in PREFIXES if owner in p.kinds)
    return SeedFile(
        f"{owner}_identifiers",
        f"{owner}_identifier",
        (owner, "curie"),
        (
            ref(owner, owner_file),
            Column("curie", CURIE, required=True, values=prefixes),
            opt("label"),
            req("source"),
            choice("match", v.IDENTIFIER_MATCHES),
            *extra,
            opt("note"),
        ),
    )


REFS = Column("refs", REF_LIST, required=True, target="references")

SEED_FILES: tuple[SeedFile, ...] = (
    SeedFile(
        "sections",
        "section",
        ("key",),
        (req("key"), req("title"), ref("parent", "sections", required=False)),
        key_column="key",
    ),
    SeedFile(
        "references",
        "reference",
        ("number",),
        (
            req("number", INT, minimum=1),
            opt("first_author"),
            opt("year", INT, minimum=1800, maximum=2100),
            opt("title"),
            opt("journal"),
            opt("doi"),
            opt("pmid"),
            choice("check_status", v.CHECK_STATUSES, required=False),
            opt("checked_at"),
            opt("note"),
        ),
        key_column="number",
    ),
    SeedFile(
        "species",
        "species",
        ("key",),
        (
            req("key"),
            req("name"),
            ref("parent", "species", required=False),
            req("is_primate", BOOL),
        ),
        key_column="key",
    ),
    SeedFile("routes", "route", ("key",), (req("key"), req("name"), opt("note")), "key"),
    SeedFile("diseases", "disease", ("key",), (req("key"), req("name")), "key"),
    SeedFile(
        "cell_sources",
        "cell_source",
        ("key",),
        (
            req("key"),
            req("name"),
            opt("abbreviation"),
            ref("parent", "cell_sources", required=False),
            choice("category", v.CELL_SOURCE_CATEGORIES),
            opt("aliases", TEXT_LIST),
            opt("note"),
        ),
        key_column="key",
    ),
    SeedFile(
        "molecules",
        "molecule",
        ("key",),
        (
            req("key"),
            choice("kind", v.MOLECULE_KINDS),
            opt("full_name"),
            ref("parent", "molecules", required=False),
            opt("aliases", TEXT_LIST),
            opt("note"),
        ),
        key_column="key",
    ),
    SeedFile("pathways", "pathway", ("key",), (req("key"), opt("note")), "key"),
    SeedFile(
        "mechanisms",
        "mechanism",
        ("position",),
        (choice("key", v.MECHANISM_KEYS), req("name"), req("position", INT, minimum=1), SECTION),
        key_column="key",
    ),
    SeedFile(
        "mechanism_functions",
        "mechanism_function",
        ("mechanism", "position"),
        (
            ref("mechanism", "mechanisms"),
            req("position", INT, minimum=1),
            req("name"),
            req("description"),
        ),
    ),
    SeedFile(
        "mechanism_molecules",
        "mechanism_molecule",
        ("mechanism", "group_position", "molecule"),
        (
            ref("mechanism", "mechanisms"),
            req("group_position", INT, minimum=1),
            req("group", db="group_name"),
            ref("molecule", "molecules"),
            opt("note"),
        ),
    ),
    SeedFile(
        "mechanism_pathways",
        "mechanism_pathway",
        ("mechanism", "group_position", "pathway"),
        (
            ref("mechanism", "mechanisms"),
            req("group_position", INT, minimum=1),
            req("group", db="group_name"),
            ref("pathway", "pathways"),
            opt("note"),
        ),
    ),
    SeedFile(
        "materials",
        "material",
        ("key",),
        (
            req("key"),
            req("name"),
            choice("category", v.MATERIAL_CATEGORIES),
            opt("aliases", TEXT_LIST),
            ref("section", "sections", required=False),
            Column("refs", REF_LIST, required=False, target="references"),
            opt("note"),
        ),
        key_column="key",
    ),
    SeedFile(
        "delivery_systems",
        "delivery_system",
        ("position",),
        (
            req("key"),
            req("name"),
            req("position", INT, minimum=1),
            req("payloads", TEXT_LIST),
            Column("indications", REF_LIST, required=True, target="diseases"),
            req("advantages"),
            req("disadvantages"),
            SECTION,
            REFS,
            opt("note"),
        ),
        key_column="key",
    ),
    SeedFile(
        "cell_source_profiles",
        "cell_source_profile",
        ("position",),
        (
            ref("cell_source", "cell_sources"),
            req("position", INT, minimum=1),
            req("main_functions"),
            choice("acquisition", v.ACQUISITION),
            req("acquisition_note"),
            choice("expansion", v.EXPANSION),
            req("expansion_note"),
            choice("immunogenicity", v.IMMUNOGENICITY),
            opt("immunogenicity_note"),
            req("advantages"),
            req("limitations"),
            choice("clinical_potential", v.CLINICAL_POTENTIAL),
            opt("clinical_potential_note"),
            SECTION,
            REFS,
        ),
        key_column="cell_source",
    ),
    SeedFile(
        "exosome_components",
        "exosome_component",
        ("molecule",),
        (
            ref("molecule", "molecules"),
            choice("component_class", v.COMPONENT_CLASSES),
            opt("group", db="group_name"),
            req("is_marker", BOOL),
            SECTION,
            REFS,
        ),
        key_column="molecule",
    ),
    SeedFile(
        "clinical_trials",
        "clinical_trial",
        ("registry_id",),
        (
            req("registry_id"),
            req("registry"),
            req("phase"),
            ref("cell_source", "cell_sources"),
            ref("route", "routes", required=False),
            req("population"),
            opt("design"),
            req("summary"),
            SECTION,
            ref("ref", "references", db="reference_id"),
        ),
        key_column="registry_id",
    ),
    SeedFile(
        "epidemiology",
        "epidemiology",
        ("key",),
        (
            req("key"),
            req("measure"),
            req("condition"),
            opt("value", FLOAT),
            opt("unit"),
            opt("region"),
            opt("note"),
            SECTION,
            REFS,
        ),
        key_column="key",
    ),
    SeedFile(
        "studies",
        "study",
        ("key",),
        (
            req("key"),
            ref("ref", "references", required=False, db="reference_id"),
            opt("first_author"),
            ref("section", "sections", required=False),
            choice("design", v.STUDY_DESIGNS),
            req("exosome_based", BOOL),
            ref("cell_source", "cell_sources", required=False),
            ref("route", "routes", required=False),
            choice("theme", v.STUDY_THEMES, required=False),
            req("summary"),
            opt("doi"),
            opt("pmid"),
        ),
        key_column="key",
    ),
    SeedFile(
        "study_molecules",
        "study_molecule",
        ("study", "molecule", "role"),
        (
            ref("study", "studies"),
            ref("molecule", "molecules"),
            choice("role", v.MOLECULE_ROLES),
            # True where the review names the molecule in the finding but does not say the
            # exosomes carry it: the role is exodb's reading. Empty or absent: false.
            opt("inferred", BOOL, default=False),
            opt("note"),
        ),
    ),
    SeedFile(
        "study_interactions",
        "study_interaction",
        ("study", "regulator", "target"),
        (
            ref("study", "studies"),
            ref("regulator", "molecules"),
            ref("target", "molecules"),
            choice("effect", v.INTERACTION_EFFECTS),
            opt("note"),
        ),
    ),
    SeedFile(
        "study_pathways",
        "study_pathway",
        ("study", "pathway"),
        (
            ref("study", "studies"),
            ref("pathway", "pathways"),
            choice("effect", v.PATHWAY_EFFECTS),
            opt("note"),
        ),
    ),
    SeedFile(
        "study_mechanisms",
        "study_mechanism",
        ("study", "mechanism"),
        (ref("study", "studies"), ref("mechanism", "mechanisms")),
    ),
    SeedFile(
        "study_models",
        "study_model",
        ("study", "species"),
        (ref("study", "studies"), ref("species", "species"), opt("model"), opt("note")),
    ),
    SeedFile(
        "study_materials",
        "study_material",
        ("study", "material"),
        (ref("study", "studies"), ref("material", "materials"), opt("note")),
    ),
    SeedFile(
        "study_modifications",
        "study_modification",
        ("study", "kind", "molecule"),
        (
            ref("study", "studies"),
            choice("kind", v.MODIFICATION_KINDS),
            ref("molecule", "molecules", required=False),
            opt("note"),
        ),
    ),
    SeedFile(
        "outcomes",
        "outcome",
        ("study", "measure", "species"),
        (
            ref("study", "studies"),
            req("measure"),
            choice("direction", v.OUTCOME_DIRECTIONS),
            opt("value", FLOAT),
            opt("unit"),
            opt("relative_to"),
            ref("species", "species", required=False),
            opt("note"),
        ),
    ),
    # --- vocabularies of the extraction --------------------------------------------------
    SeedFile(
        "outcome_scales",
        "outcome_scale",
        ("key",),
        (
            req("key"),
            req("name"),
            opt("aliases", TEXT_LIST),
            opt("minimum", FLOAT),
            opt("maximum", FLOAT),
            req("higher_is_better", BOOL),
            opt("unit"),
            opt("normal_value", FLOAT),
            ref("species", "species", required=False),
            opt("note"),
        ),
        key_column="key",
    ),
    SeedFile(
        "separation_methods",
        "separation_method",
        ("key",),
        (req("key"), req("name"), opt("aliases", TEXT_LIST), opt("note")),
        key_column="key",
    ),
    SeedFile(
        "bias_domains",
        "bias_domain",
        ("key",),
        (
            req("key"),
            choice("tool", v.BIAS_TOOLS),
            req("position", INT, minimum=1),
            req("name"),
            choice("bias_type", v.BIAS_TYPES, required=False),
            req("question"),
            opt("note"),
        ),
        key_column="key",
    ),
    # --- a primary study as a systematic reviewer extracts it -----------------------------
    SeedFile(
        "animal_models",
        "animal_model",
        ("study", "model"),
        (
            ref("study", "studies"),
            req("model", db="label"),
            ref("species", "species"),
            opt("strain"),
            choice("sex", v.ANIMAL_SEXES, required=False),
            opt("age_weeks_min", FLOAT, minimum=0),
            opt("age_weeks_max", FLOAT, minimum=0),
            opt("weight_g_min", FLOAT, minimum=0),
            opt("weight_g_max", FLOAT, minimum=0),
            choice("injury_model", v.INJURY_MODELS, required=False),
            opt("spinal_level"),
            opt("injury_device"),
            opt("force_kdyn", FLOAT, minimum=0),
            opt("height_mm", FLOAT, minimum=0),
            opt("clip_force_g", FLOAT, minimum=0),
            opt("duration_s", FLOAT, minimum=0),
            choice("severity", v.INJURY_SEVERITIES, required=False),
            opt("note"),
        ),
        key_column="model",
        scope="study",
    ),
    SeedFile(
        "ev_preparations",
        "ev_preparation",
        ("study", "preparation"),
        (
            ref("study", "studies"),
            req("preparation", db="label"),
            ref("cell_source", "cell_sources", required=False),
            opt("source_amount"),
            Column("separation", REF_LIST, target="separation_methods"),
            opt("separation_detail"),
            opt("protein_method"),
            opt("particle_method"),
            opt("lipid_method"),
            opt("particles_per_ug", FLOAT),
            opt("imaging_method"),
            opt("single_particle_method"),
            opt("size_nm", FLOAT),
            opt("not_applicable", TEXT_LIST),
            opt("note"),
        ),
        key_column="preparation",
        scope="study",
    ),
    SeedFile(
        "ev_markers",
        "ev_marker",
        ("study", "preparation", "molecule"),
        (
            ref("study", "studies"),
            in_study("preparation", "ev_preparations", "ev_preparation_id", required=True),
            ref("molecule", "molecules"),
            choice("category", v.MARKER_CATEGORIES),
            req("detected", BOOL),
            opt("note"),
        ),
    ),
    SeedFile(
        "arms",
        "arm",
        ("study", "arm"),
        (
            ref("study", "studies"),
            req("arm", db="label"),
            choice("role", v.ARM_ROLES),
            choice("control_kind", v.CONTROL_KINDS, required=False),
            in_study("preparation", "ev_preparations", "ev_preparation_id"),
            in_study("model", "animal_models", "animal_model_id"),
            opt("dose_amount", FLOAT),
            choice("dose_unit", v.DOSE_UNITS, required=False),
            opt("first_dose_hours", FLOAT),
            opt("doses", INT, minimum=1),
            opt("interval_hours", FLOAT, minimum=0),
            ref("route", "routes", required=False),
            in_study("control_arm", "arms", "control_arm_id"),
            opt("n_allocated", INT, minimum=1),
            opt("note"),
        ),
        key_column="arm",
        scope="study",
    ),
    SeedFile(
        "outcome_measurements",
        "outcome_measurement",
        ("study", "arm", "scale", "timepoint_days"),
        (
            ref("study", "studies"),
            in_study("arm", "arms", "arm_id", required=True),
            ref("scale", "outcome_scales", db="outcome_scale_id"),
            req("timepoint_days", FLOAT, minimum=0),
            req("n", INT, minimum=1),
            req("central", FLOAT),
            choice("central_kind", v.CENTRAL_KINDS),
            choice("dispersion_kind", v.DISPERSION_KINDS, required=False),
            opt("dispersion", FLOAT, minimum=0),
            opt("lower", FLOAT),
            opt("upper", FLOAT),
            opt("unit"),
            opt("source_location"),
            opt("note"),
        ),
    ),
    SeedFile(
        "risk_of_bias",
        "risk_of_bias",
        ("study", "domain"),
        (
            ref("study", "studies"),
            ref("domain", "bias_domains", db="bias_domain_id"),
            choice("judgement", v.ALL_BIAS_JUDGEMENTS),
            opt("support"),
        ),
    ),
    # --- identifiers of other resources, each with where its record was seen ----------------
    *(
        _identifiers(owner, owner_file, extra)
        for owner, owner_file, extra in (
            ("cell_source", "cell_sources", ()),
            ("species", "species", ()),
            ("molecule", "molecules", (ref("species", "species", required=False),)),
            ("pathway", "pathways", ()),
            ("mechanism", "mechanisms", ()),
        )
    ),
    SeedFile(
        "curation_notes",
        "curation_note",
        ("key",),
        (
            req("key"),
            choice("kind", v.CURATION_KINDS),
            SECTION,
            opt("subject"),
            req("review_text"),
            req("problem"),
            opt("source"),
            ref("ref", "references", required=False, db="reference_id"),
        ),
        key_column="key",
    ),
)

BY_NAME: dict[str, SeedFile] = {f.name: f for f in SEED_FILES}
BY_TABLE: dict[str, SeedFile] = {f.table: f for f in SEED_FILES}

# Link tables filled from REF_LIST columns: (file, column) -> (table, owner column, target column)
REF_LIST_TABLES: dict[tuple[str, str], tuple[str, str, str]] = {
    ("materials", "refs"): ("material_reference", "material_id", "reference_id"),
    ("delivery_systems", "refs"): (
        "delivery_system_reference",
        "delivery_system_id",
        "reference_id",
    ),
    ("delivery_systems", "indications"): (
        "delivery_system_indication",
        "delivery_system_id",
        "disease_id",
    ),
    ("cell_source_profiles", "refs"): (
        "cell_source_profile_reference",
        "cell_source_profile_id",
        "reference_id",
    ),
    ("exosome_components", "refs"): (
        "exosome_component_reference",
        "exosome_component_id",
        "reference_id",
    ),
    ("epidemiology", "refs"): ("epidemiology_reference", "epidemiology_id", "reference_id"),
    ("ev_preparations", "separation"): (
        "ev_preparation_separation",
        "ev_preparation_id",
        "separation_method_id",
    ),
}

# Child tables filled from TEXT_LIST columns other than aliases: (file, column) -> (table,
# owner column, value column); each keeps the curator's order in ``position``.
TEXT_LIST_TABLES: dict[tuple[str, str], tuple[str, str, str]] = {
    ("delivery_systems", "payloads"): ("delivery_system_payload", "delivery_system_id", "payload"),
    ("ev_preparations", "not_applicable"): (
        "ev_preparation_exemption",
        "ev_preparation_id",
        "item",
    ),
}

# Files whose names (key, name, abbreviation, aliases) are folded into a *_name look-up table.
NAMED_FILES: dict[str, tuple[str, ...]] = {
    "cell_sources": ("key", "name", "abbreviation"),
    "molecules": ("key", "full_name"),
    "materials": ("key", "name"),
    "outcome_scales": ("key", "name"),
    "separation_methods": ("key", "name"),
}

# Tables whose rows have no surrogate id (composite primary keys).
WITHOUT_ID = {"study_mechanism", "study_material"}


def _natural(value: object) -> tuple:
    """Sort key that orders numbers numerically and text case-insensitively, digit runs as
    numbers ("3.2" < "3.10", "miR-21" < "miR-199")."""
    if value is None:
        return (0,)
    if isinstance(value, bool | int | float):
        return (1, float(value))
    parts = re.split(r"([0-9]+)", str(value).casefold())  # ASCII digits only: "²" is text
    return (
        2,
        tuple((0, int(p), "") if p.isascii() and p.isdigit() else (1, 0, p) for p in parts if p),
    )


def canonical_key(values: tuple) -> tuple:
    """The canonical sort key of a row, from the values of its file's key columns."""
    return tuple(_natural(v) for v in values)
