"""A primary study as a systematic reviewer extracts it: animal models, EV preparations and their
characterisation, intervention arms, arm-level outcome measurements, and risk of bias.

Each of these rows belongs to one study and is named within it (``label``: the arm ``exo`` of
study ``x``), so a curator writes short names and two studies may both have a ``vehicle`` arm.
A row that points at another row of the same study (an arm at its preparation, a measurement at
its arm) does so through a composite foreign key on ``(study_id, <row>_id)``: the database itself
refuses an arm that uses another study's preparation.

The vocabularies they use (outcome scales with their ranges, EV separation methods, the
risk-of-bias domains of SYRCLE and the CAMARADES checklist) are tables, not fixed enumerations,
so a curator can add a scale or a method in the same import that uses it.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from exodb.names import misev
from exodb.names import vocabulary as v
from exodb.schema.tables._common import alias_table, enum, foreign_key, metadata, name_table


def _non_negative(*columns: str) -> list[CheckConstraint]:
    return [CheckConstraint(f"{c} IS NULL OR {c} >= 0", name=f"{c}_non_negative") for c in columns]


def _ordered(low: str, high: str, name: str) -> CheckConstraint:
    return CheckConstraint(
        f"{low} IS NULL OR {high} IS NULL OR {low} <= {high}", name=f"{name}_ordered"
    )


def _in_study(column: str, target: str) -> ForeignKeyConstraint:
    """``(study_id, column)`` must name a ``target`` row of the same study."""
    return ForeignKeyConstraint(["study_id", column], [f"{target}.study_id", f"{target}.id"])


# --- vocabularies ---------------------------------------------------------------------------

outcome_scale = Table(
    "outcome_scale",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(100), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("minimum", Float),
    Column("maximum", Float),
    Column("higher_is_better", Boolean, nullable=False),
    Column("unit", String(50)),
    Column("normal_value", Float),
    foreign_key("species_id", "species.id", nullable=True),
    Column("note", Text),
    _ordered("minimum", "maximum", "range"),
    CheckConstraint(
        "normal_value IS NULL OR ((minimum IS NULL OR normal_value >= minimum) "
        "AND (maximum IS NULL OR normal_value <= maximum))",
        name="normal_within_range",
    ),
    comment="Outcome scales and measures (BBB, BMS, ...), with their range and direction.",
)
outcome_scale_name = name_table("outcome_scale")
outcome_scale_alias = alias_table("outcome_scale")

separation_method = Table(
    "separation_method",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(100), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("note", Text),
    comment="Methods that separate EVs from their source (MISEV's categories).",
)
separation_method_name = name_table("separation_method")
separation_method_alias = alias_table("separation_method")

bias_domain = Table(
    "bias_domain",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(100), nullable=False, unique=True),
    Column("tool", enum(v.BIAS_TOOLS, "tool"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("name", String(200), nullable=False),
    Column("bias_type", enum(v.BIAS_TYPES, "bias_type")),
    Column("question", Text, nullable=False),
    Column("note", Text),
    UniqueConstraint("tool", "position"),
    # Lets a judgement carry its domain's tool, which decides the judgements allowed.
    UniqueConstraint("id", "tool"),
    comment="Risk-of-bias domains: SYRCLE's ten and the CAMARADES checklist's items.",
)

# --- the animals ----------------------------------------------------------------------------

animal_model = Table(
    "animal_model",
    metadata,
    Column("id", Integer, primary_key=True),
    foreign_key("study_id", "study.id", cascade=True, index=False),
    Column("label", String(100), nullable=False),
    foreign_key("species_id", "species.id"),
    Column("strain", String(200)),
    Column("sex", enum(v.ANIMAL_SEXES, "sex")),
    Column("age_weeks_min", Float),
    Column("age_weeks_max", Float),
    Column("weight_g_min", Float),
    Column("weight_g_max", Float),
    Column("injury_model", enum(v.INJURY_MODELS, "injury_model")),
    Column("spinal_level", String(50)),
    Column("injury_device", String(200)),
    Column("force_kdyn", Float),
    Column("height_mm", Float),
    Column("clip_force_g", Float),
    Column("duration_s", Float),
    Column("severity", enum(v.INJURY_SEVERITIES, "severity")),
    Column("note", Text),
    UniqueConstraint("study_id", "label"),
    UniqueConstraint("study_id", "id"),
    *_non_negative(
        "age_weeks_min",
        "age_weeks_max",
        "weight_g_min",
        "weight_g_max",
        "force_kdyn",
        "height_mm",
        "clip_force_g",
        "duration_s",
    ),
    _ordered("age_weeks_min", "age_weeks_max", "age"),
    _ordered("weight_g_min", "weight_g_max", "weight"),
    Index("ix_animal_model_injury_model_study_id", "injury_model", "study_id"),
    comment="The animals and the injury of a study: species, strain, sex, age, weight, lesion.",
)

# --- the EVs ----------------------------------------------------------------------------------

ev_preparation = Table(
    "ev_preparation",
    metadata,
    Column("id", Integer, primary_key=True),
    foreign_key("study_id", "study.id", cascade=True, index=False),
    Column("label", String(100), nullable=False),
    foreign_key("cell_source_id", "cell_source.id", nullable=True),
    Column("source_amount", Text),
    Column("separation_detail", Text),
    Column("protein_method", String(200)),
    Column("particle_method", String(200)),
    Column("lipid_method", String(200)),
    Column("particles_per_ug", Float),
    Column("imaging_method", String(200)),
    Column("single_particle_method", String(200)),
    Column("size_nm", Float),
    Column("note", Text),
    UniqueConstraint("study_id", "label"),
    UniqueConstraint("study_id", "id"),
    CheckConstraint("particles_per_ug IS NULL OR particles_per_ug > 0", name="ratio_positive"),
    CheckConstraint("size_nm IS NULL OR size_nm > 0", name="size_positive"),
    comment="An EV preparation of a study: its source, separation and characterisation (MISEV).",
)

ev_preparation_separation = Table(
    "ev_preparation_separation",
    metadata,
    Column(
        "ev_preparation_id", ForeignKey("ev_preparation.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("position", Integer, primary_key=True),
    foreign_key("separation_method_id", "separation_method.id"),
    UniqueConstraint("ev_preparation_id", "separation_method_id"),
    comment="The separation methods of each preparation, in the order they were applied.",
)

ev_preparation_exemption = Table(
    "ev_preparation_exemption",
    metadata,
    Column(
        "ev_preparation_id", ForeignKey("ev_preparation.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("position", Integer, primary_key=True),
    Column("item", enum(misev.ITEM_KEYS, "item"), nullable=False),
    UniqueConstraint("ev_preparation_id", "item"),
    comment="Reporting items a curator marked not applicable to a preparation.",
)

ev_marker = Table(
    "ev_marker",
    metadata,
    Column("id", Integer, primary_key=True),
    foreign_key("study_id", "study.id", cascade=True, index=False),
    Column("ev_preparation_id", Integer, nullable=False),
    foreign_key("molecule_id", "molecule.id"),
    Column("category", enum(v.MARKER_CATEGORIES, "category"), nullable=False),
    Column("detected", Boolean, nullable=False),
    Column("note", Text),
    _in_study("ev_preparation_id", "ev_preparation"),
    UniqueConstraint("ev_preparation_id", "molecule_id"),
    Index("ix_ev_marker_study_id_ev_preparation_id", "study_id", "ev_preparation_id"),
    comment="Markers a preparation was tested for, and whether each was found.",
)

# --- the experiment ---------------------------------------------------------------------------

arm = Table(
    "arm",
    metadata,
    Column("id", Integer, primary_key=True),
    foreign_key("study_id", "study.id", cascade=True, index=False),
    Column("label", String(100), nullable=False),
    Column("role", enum(v.ARM_ROLES, "role"), nullable=False),
    Column("control_kind", enum(v.CONTROL_KINDS, "control_kind")),
    Column("ev_preparation_id", Integer),
    Column("animal_model_id", Integer),
    Column("dose_amount", Float),
    Column("dose_unit", enum(v.DOSE_UNITS, "dose_unit")),
    Column("first_dose_hours", Float),
    Column("doses", Integer),
    Column("interval_hours", Float),
    foreign_key("route_id", "route.id", nullable=True),
    Column("control_arm_id", Integer),
    Column("n_allocated", Integer),
    Column("note", Text),
    UniqueConstraint("study_id", "label"),
    UniqueConstraint("study_id", "id"),
    _in_study("ev_preparation_id", "ev_preparation"),
    _in_study("animal_model_id", "animal_model"),
    _in_study("control_arm_id", "arm"),
    CheckConstraint(
        "(role = 'control' AND control_kind IS NOT NULL) "
        "OR (role = 'treatment' AND control_kind IS NULL)",
        name="control_has_kind",
    ),
    CheckConstraint("(dose_amount IS NULL) = (dose_unit IS NULL)", name="dose_has_unit"),
    CheckConstraint("dose_amount IS NULL OR dose_amount > 0", name="dose_positive"),
    CheckConstraint("doses IS NULL OR doses >= 1", name="doses_at_least_one"),
    CheckConstraint("n_allocated IS NULL OR n_allocated >= 1", name="n_at_least_one"),
    *_non_negative("interval_hours"),
    CheckConstraint(
        "control_arm_id IS NULL OR (role = 'treatment' AND control_arm_id <> id)",
        name="treatment_has_control",
    ),
    Index("ix_arm_study_id_ev_preparation_id", "study_id", "ev_preparation_id"),
    Index("ix_arm_study_id_animal_model_id", "study_id", "animal_model_id"),
    Index("ix_arm_study_id_control_arm_id", "study_id", "control_arm_id"),
    comment="Intervention and control arms of a study: what each group received, when, how.",
)

outcome_measurement = Table(
    "outcome_measurement",
    metadata,
    Column("id", Integer, primary_key=True),
    foreign_key("study_id", "study.id", cascade=True, index=False),
    Column("arm_id", Integer, nullable=False),
    foreign_key("outcome_scale_id", "outcome_scale.id"),
    Column("timepoint_days", Float, nullable=False),
    Column("n", Integer, nullable=False),
    Column("central", Float, nullable=False),
    Column("central_kind", enum(v.CENTRAL_KINDS, "central_kind"), nullable=False),
    Column("dispersion_kind", enum(v.DISPERSION_KINDS, "dispersion_kind")),
    Column("dispersion", Float),
    Column("lower", Float),
    Column("upper", Float),
    Column("unit", String(50)),
    Column("source_location", String(200)),
    Column("note", Text),
    _in_study("arm_id", "arm"),
    UniqueConstraint("arm_id", "outcome_scale_id", "timepoint_days"),
    CheckConstraint("n >= 1", name="n_at_least_one"),
    CheckConstraint("timepoint_days >= 0", name="timepoint_non_negative"),
    *_non_negative("dispersion"),
    _ordered("lower", "upper", "interval"),
    CheckConstraint(
        "(dispersion_kind IS NULL AND dispersion IS NULL AND lower IS NULL AND upper IS NULL) "
        f"OR (dispersion_kind IN {v.SPREAD_KINDS!r} AND dispersion IS NOT NULL "
        "AND lower IS NULL AND upper IS NULL) "
        f"OR (dispersion_kind IN {v.INTERVAL_KINDS!r} AND dispersion IS NULL "
        "AND lower IS NOT NULL AND upper IS NOT NULL)",
        name="dispersion_complete",
    ),
    CheckConstraint("lower IS NULL OR central BETWEEN lower AND upper", name="central_inside"),
    Index("ix_outcome_measurement_study_id_arm_id", "study_id", "arm_id"),
    Index(
        "ix_outcome_measurement_outcome_scale_id_timepoint_days_study_id",
        "outcome_scale_id",
        "timepoint_days",
        "study_id",
    ),
    comment="Arm-level outcome data: n, central value and dispersion at one time point.",
)

# --- appraisal --------------------------------------------------------------------------------

risk_of_bias = Table(
    "risk_of_bias",
    metadata,
    Column("id", Integer, primary_key=True),
    foreign_key("study_id", "study.id", cascade=True, index=False),
    Column("bias_domain_id", Integer, nullable=False),
    Column("tool", enum(v.BIAS_TOOLS, "tool"), nullable=False),
    Column("judgement", enum(v.ALL_BIAS_JUDGEMENTS, "judgement"), nullable=False),
    Column("support", Text),
    ForeignKeyConstraint(
        ["bias_domain_id", "tool"],
        ["bias_domain.id", "bias_domain.tool"],
    ),
    UniqueConstraint("study_id", "bias_domain_id"),
    CheckConstraint(
        " OR ".join(
            f"(tool = '{tool}' AND judgement IN {values!r})"
            for tool, values in v.BIAS_JUDGEMENTS.items()
        ),
        name="judgement_fits_tool",
    ),
    Index("ix_risk_of_bias_bias_domain_id_judgement", "bias_domain_id", "judgement"),
    comment="Risk-of-bias judgements per study and domain, with the text that supports each.",
)
