"""A primary study as a systematic reviewer extracts it: animal models, EV preparations and
their characterisation, intervention arms, arm-level outcome measurements, risk of bias.

- New vocabularies (outcome_scale, separation_method, bias_domain) and the per-study tables;
  rows of a study that point at one another do so through composite foreign keys on
  (study_id, id), so no arm can use another study's preparation.
- study gains the paper's own doi and pmid.
- A measurement's central value must lie within its scale's range: a CHECK cannot look into
  another table, so triggers guard it, on both backends, on insert and update of either side.
- Two views for analysts: arm_measurement (one row per arm-level measurement with its study,
  source, species, dose, time point and scale) and study_risk_of_bias (one row per appraised
  study, a column per SYRCLE domain).

Every existing row is kept: the new tables start empty and the new columns NULL.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bias_domain",
        sa.Column(
            "id",
            sa.Integer(),
            nullable=False,
            comment="Surrogate key; stable only within one load, so join on it but cite natural keys.",
        ),
        sa.Column(
            "key",
            sa.String(length=100),
            nullable=False,
            comment="Natural key, unique: the identifier used in seeds/ and on the command line.",
        ),
        sa.Column(
            "tool",
            sa.Enum("syrcle", "camarades", name="tool", native_enum=False, create_constraint=True),
            nullable=False,
            comment="The appraisal tool: syrcle or camarades.",
        ),
        sa.Column(
            "position",
            sa.Integer(),
            nullable=False,
            comment="Number of the item in its tool, from 1.",
        ),
        sa.Column(
            "name", sa.String(length=200), nullable=False, comment="Name for people to read."
        ),
        sa.Column(
            "bias_type",
            sa.Enum(
                "selection",
                "performance",
                "detection",
                "attrition",
                "reporting",
                "other",
                name="bias_type",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
            comment="Kind of bias the domain guards against (selection, ...).",
        ),
        sa.Column(
            "question", sa.Text(), nullable=False, comment="What the domain asks, paraphrased."
        ),
        sa.Column(
            "note", sa.Text(), nullable=True, comment="Curator's note, in exodb's own words."
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bias_domain")),
        sa.UniqueConstraint("id", "tool", name=op.f("uq_bias_domain_id_tool")),
        sa.UniqueConstraint("key", name=op.f("uq_bias_domain_key")),
        sa.UniqueConstraint("tool", "position", name=op.f("uq_bias_domain_tool_position")),
        comment="Risk-of-bias domains: SYRCLE's ten and the CAMARADES checklist's items.",
    )
    op.create_table(
        "separation_method",
        sa.Column(
            "id",
            sa.Integer(),
            nullable=False,
            comment="Surrogate key; stable only within one load, so join on it but cite natural keys.",
        ),
        sa.Column(
            "key",
            sa.String(length=100),
            nullable=False,
            comment="Natural key, unique: the identifier used in seeds/ and on the command line.",
        ),
        sa.Column(
            "name", sa.String(length=200), nullable=False, comment="Name for people to read."
        ),
        sa.Column(
            "note", sa.Text(), nullable=True, comment="Curator's note, in exodb's own words."
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_separation_method")),
        sa.UniqueConstraint("key", name=op.f("uq_separation_method_key")),
        comment="Methods that separate EVs from their source (MISEV's categories).",
    )
    op.create_table(
        "outcome_scale",
        sa.Column(
            "id",
            sa.Integer(),
            nullable=False,
            comment="Surrogate key; stable only within one load, so join on it but cite natural keys.",
        ),
        sa.Column(
            "key",
            sa.String(length=100),
            nullable=False,
            comment="Natural key, unique: the identifier used in seeds/ and on the command line.",
        ),
        sa.Column(
            "name", sa.String(length=200), nullable=False, comment="Name for people to read."
        ),
        sa.Column(
            "minimum",
            sa.Float(),
            nullable=True,
            comment="Lowest possible value; NULL where the measure has no floor.",
        ),
        sa.Column(
            "maximum",
            sa.Float(),
            nullable=True,
            comment="Highest possible value; NULL where the measure has no ceiling.",
        ),
        sa.Column(
            "higher_is_better",
            sa.Boolean(),
            nullable=False,
            comment="True where a higher value means better function.",
        ),
        sa.Column(
            "unit",
            sa.String(length=50),
            nullable=True,
            comment="Unit of the measure (points, mm3, %); NULL for a plain score.",
        ),
        sa.Column(
            "normal_value",
            sa.Float(),
            nullable=True,
            comment="The value of an uninjured animal, where the scale fixes one.",
        ),
        sa.Column(
            "species_id",
            sa.Integer(),
            nullable=True,
            comment="The species the scale was designed for (species.id), if one.",
        ),
        sa.Column(
            "note", sa.Text(), nullable=True, comment="Curator's note, in exodb's own words."
        ),
        sa.CheckConstraint(
            "minimum IS NULL OR maximum IS NULL OR minimum <= maximum",
            name=op.f("ck_outcome_scale_range_ordered"),
        ),
        sa.CheckConstraint(
            "normal_value IS NULL OR ((minimum IS NULL OR normal_value >= minimum) AND (maximum IS NULL OR normal_value <= maximum))",
            name=op.f("ck_outcome_scale_normal_within_range"),
        ),
        sa.ForeignKeyConstraint(
            ["species_id"], ["species.id"], name=op.f("fk_outcome_scale_species_id_species")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_scale")),
        sa.UniqueConstraint("key", name=op.f("uq_outcome_scale_key")),
        comment="Outcome scales and measures (BBB, BMS, ...), with their range and direction.",
    )
    with op.batch_alter_table("outcome_scale", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outcome_scale_species_id"), ["species_id"], unique=False
        )

    op.create_table(
        "separation_method_alias",
        sa.Column(
            "separation_method_id",
            sa.Integer(),
            nullable=False,
            comment="The separation method (separation_method.id).",
        ),
        sa.Column(
            "position",
            sa.Integer(),
            nullable=False,
            comment="Order in the review's table or cell, from 1.",
        ),
        sa.Column(
            "alias",
            sa.String(length=200),
            nullable=False,
            comment="An alias as the curator wrote it.",
        ),
        sa.ForeignKeyConstraint(
            ["separation_method_id"],
            ["separation_method.id"],
            name=op.f("fk_separation_method_alias_separation_method_id_separation_method"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "separation_method_id", "position", name=op.f("pk_separation_method_alias")
        ),
        sa.UniqueConstraint(
            "separation_method_id",
            "alias",
            name=op.f("uq_separation_method_alias_separation_method_id_alias"),
        ),
        comment="Curated aliases of each separation method, as written.",
    )
    op.create_table(
        "separation_method_name",
        sa.Column(
            "id",
            sa.Integer(),
            nullable=False,
            comment="Surrogate key; stable only within one load, so join on it but cite natural keys.",
        ),
        sa.Column(
            "separation_method_id",
            sa.Integer(),
            nullable=False,
            comment="The separation method (separation_method.id).",
        ),
        sa.Column(
            "name", sa.String(length=200), nullable=False, comment="Name for people to read."
        ),
        sa.Column(
            "folded",
            sa.String(length=200),
            nullable=False,
            comment="The name folded for look-up (case, Greek letters, punctuation); unique.",
        ),
        sa.Column(
            "is_alias",
            sa.Boolean(),
            nullable=False,
            comment="True for curated aliases; false for the key, name or abbreviation.",
        ),
        sa.ForeignKeyConstraint(
            ["separation_method_id"],
            ["separation_method.id"],
            name=op.f("fk_separation_method_name_separation_method_id_separation_method"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_separation_method_name")),
        sa.UniqueConstraint("folded", name=op.f("uq_separation_method_name_folded")),
        comment="Names and aliases of each separation method, folded for look-up.",
    )
    with op.batch_alter_table("separation_method_name", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_separation_method_name_separation_method_id"),
            ["separation_method_id"],
            unique=False,
        )

    op.create_table(
        "animal_model",
        sa.Column(
            "id",
            sa.Integer(),
            nullable=False,
            comment="Surrogate key; stable only within one load, so join on it but cite natural keys.",
        ),
        sa.Column(
            "study_id",
            sa.Integer(),
            nullable=False,
            comment="The study this row belongs to (study.id).",
        ),
        sa.Column(
            "label",
            sa.String(length=100),
            nullable=False,
            comment="Name of this row within its study (unique per study), as seeds/ writes it.",
        ),
        sa.Column("species_id", sa.Integer(), nullable=False, comment="The species (species.id)."),
        sa.Column(
            "strain",
            sa.String(length=200),
            nullable=True,
            comment="Strain as the paper names it (Sprague-Dawley, C57BL/6).",
        ),
        sa.Column(
            "sex",
            sa.Enum(
                "male", "female", "mixed", name="sex", native_enum=False, create_constraint=True
            ),
            nullable=True,
            comment="male, female or mixed; NULL where not reported.",
        ),
        sa.Column("age_weeks_min", sa.Float(), nullable=True, comment="Youngest age, in weeks."),
        sa.Column(
            "age_weeks_max",
            sa.Float(),
            nullable=True,
            comment="Oldest age, in weeks (equal to the minimum for one age).",
        ),
        sa.Column(
            "weight_g_min", sa.Float(), nullable=True, comment="Lowest body weight, in grams."
        ),
        sa.Column(
            "weight_g_max", sa.Float(), nullable=True, comment="Highest body weight, in grams."
        ),
        sa.Column(
            "injury_model",
            sa.Enum(
                "contusion",
                "compression",
                "crush",
                "transection",
                "hemisection",
                "distraction",
                "dislocation",
                "ischemia",
                "other",
                name="injury_model",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
            comment="contusion, compression, crush, transection, hemisection, ...",
        ),
        sa.Column(
            "spinal_level",
            sa.String(length=50),
            nullable=True,
            comment="Vertebral or segmental level of the lesion (T10, T9-T10).",
        ),
        sa.Column(
            "injury_device",
            sa.String(length=200),
            nullable=True,
            comment="Impactor, clip or instrument (NYU impactor, aneurysm clip).",
        ),
        sa.Column("force_kdyn", sa.Float(), nullable=True, comment="Impact force, in kilodynes."),
        sa.Column(
            "height_mm", sa.Float(), nullable=True, comment="Weight-drop height, in millimetres."
        ),
        sa.Column(
            "clip_force_g",
            sa.Float(),
            nullable=True,
            comment="Closing force of a compression clip, in grams.",
        ),
        sa.Column(
            "duration_s", sa.Float(), nullable=True, comment="Duration of compression, in seconds."
        ),
        sa.Column(
            "severity",
            sa.Enum(
                "mild",
                "moderate",
                "severe",
                name="severity",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
            comment="mild, moderate or severe, as the paper grades its injury.",
        ),
        sa.Column(
            "note", sa.Text(), nullable=True, comment="Curator's note, in exodb's own words."
        ),
        sa.CheckConstraint(
            "age_weeks_max IS NULL OR age_weeks_max >= 0",
            name=op.f("ck_animal_model_age_weeks_max_non_negative"),
        ),
        sa.CheckConstraint(
            "age_weeks_min IS NULL OR age_weeks_max IS NULL OR age_weeks_min <= age_weeks_max",
            name=op.f("ck_animal_model_age_ordered"),
        ),
        sa.CheckConstraint(
            "age_weeks_min IS NULL OR age_weeks_min >= 0",
            name=op.f("ck_animal_model_age_weeks_min_non_negative"),
        ),
        sa.CheckConstraint(
            "clip_force_g IS NULL OR clip_force_g >= 0",
            name=op.f("ck_animal_model_clip_force_g_non_negative"),
        ),
        sa.CheckConstraint(
            "duration_s IS NULL OR duration_s >= 0",
            name=op.f("ck_animal_model_duration_s_non_negative"),
        ),
        sa.CheckConstraint(
            "force_kdyn IS NULL OR force_kdyn >= 0",
            name=op.f("ck_animal_model_force_kdyn_non_negative"),
        ),
        sa.CheckConstraint(
            "height_mm IS NULL OR height_mm >= 0",
            name=op.f("ck_animal_model_height_mm_non_negative"),
        ),
        sa.CheckConstraint(
            "weight_g_max IS NULL OR weight_g_max >= 0",
            name=op.f("ck_animal_model_weight_g_max_non_negative"),
        ),
        sa.CheckConstraint(
            "weight_g_min IS NULL OR weight_g_max IS NULL OR weight_g_min <= weight_g_max",
            name=op.f("ck_animal_model_weight_ordered"),
        ),
        sa.CheckConstraint(
            "weight_g_min IS NULL OR weight_g_min >= 0",
            name=op.f("ck_animal_model_weight_g_min_non_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["species_id"], ["species.id"], name=op.f("fk_animal_model_species_id_species")
        ),
        sa.ForeignKeyConstraint(
            ["study_id"],
            ["study.id"],
            name=op.f("fk_animal_model_study_id_study"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_animal_model")),
        sa.UniqueConstraint("study_id", "id", name=op.f("uq_animal_model_study_id_id")),
        sa.UniqueConstraint("study_id", "label", name=op.f("uq_animal_model_study_id_label")),
        comment="The animals and the injury of a study: species, strain, sex, age, weight, lesion.",
    )
    with op.batch_alter_table("animal_model", schema=None) as batch_op:
        batch_op.create_index(
            "ix_animal_model_injury_model_study_id", ["injury_model", "study_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_animal_model_species_id"), ["species_id"], unique=False
        )

    op.create_table(
        "ev_preparation",
        sa.Column(
            "id",
            sa.Integer(),
            nullable=False,
            comment="Surrogate key; stable only within one load, so join on it but cite natural keys.",
        ),
        sa.Column(
            "study_id",
            sa.Integer(),
            nullable=False,
            comment="The study this row belongs to (study.id).",
        ),
        sa.Column(
            "label",
            sa.String(length=100),
            nullable=False,
            comment="Name of this row within its study (unique per study), as seeds/ writes it.",
        ),
        sa.Column(
            "cell_source_id",
            sa.Integer(),
            nullable=True,
            comment="Where the EVs come from (cell_source.id).",
        ),
        sa.Column(
            "source_amount",
            sa.Text(),
            nullable=True,
            comment="How much source material was used (cells, volume, time).",
        ),
        sa.Column(
            "separation_detail",
            sa.Text(),
            nullable=True,
            comment="Separation as the paper describes it (speeds, kit).",
        ),
        sa.Column(
            "protein_method",
            sa.String(length=200),
            nullable=True,
            comment="How EV protein was quantified (BCA); NULL if not.",
        ),
        sa.Column(
            "particle_method",
            sa.String(length=200),
            nullable=True,
            comment="How particles were counted (NTA); NULL if not.",
        ),
        sa.Column(
            "lipid_method",
            sa.String(length=200),
            nullable=True,
            comment="How EV lipid was quantified; NULL if not.",
        ),
        sa.Column(
            "particles_per_ug",
            sa.Float(),
            nullable=True,
            comment="Particles per microgram of protein, where reported.",
        ),
        sa.Column(
            "imaging_method",
            sa.String(length=200),
            nullable=True,
            comment="Single-vesicle imaging (TEM, cryo-EM); NULL if none.",
        ),
        sa.Column(
            "single_particle_method",
            sa.String(length=200),
            nullable=True,
            comment="Single-particle analysis (NTA, TRPS, flow).",
        ),
        sa.Column(
            "size_nm",
            sa.Float(),
            nullable=True,
            comment="Modal or mean diameter reported, in nanometres.",
        ),
        sa.Column(
            "note", sa.Text(), nullable=True, comment="Curator's note, in exodb's own words."
        ),
        sa.CheckConstraint(
            "particles_per_ug IS NULL OR particles_per_ug > 0",
            name=op.f("ck_ev_preparation_ratio_positive"),
        ),
        sa.CheckConstraint(
            "size_nm IS NULL OR size_nm > 0", name=op.f("ck_ev_preparation_size_positive")
        ),
        sa.ForeignKeyConstraint(
            ["cell_source_id"],
            ["cell_source.id"],
            name=op.f("fk_ev_preparation_cell_source_id_cell_source"),
        ),
        sa.ForeignKeyConstraint(
            ["study_id"],
            ["study.id"],
            name=op.f("fk_ev_preparation_study_id_study"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ev_preparation")),
        sa.UniqueConstraint("study_id", "id", name=op.f("uq_ev_preparation_study_id_id")),
        sa.UniqueConstraint("study_id", "label", name=op.f("uq_ev_preparation_study_id_label")),
        comment="An EV preparation of a study: its source, separation and characterisation (MISEV).",
    )
    with op.batch_alter_table("ev_preparation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ev_preparation_cell_source_id"), ["cell_source_id"], unique=False
        )

    op.create_table(
        "outcome_scale_alias",
        sa.Column(
            "outcome_scale_id",
            sa.Integer(),
            nullable=False,
            comment="The outcome scale or measure (outcome_scale.id).",
        ),
        sa.Column(
            "position",
            sa.Integer(),
            nullable=False,
            comment="Order in the review's table or cell, from 1.",
        ),
        sa.Column(
            "alias",
            sa.String(length=200),
            nullable=False,
            comment="An alias as the curator wrote it.",
        ),
        sa.ForeignKeyConstraint(
            ["outcome_scale_id"],
            ["outcome_scale.id"],
            name=op.f("fk_outcome_scale_alias_outcome_scale_id_outcome_scale"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "outcome_scale_id", "position", name=op.f("pk_outcome_scale_alias")
        ),
        sa.UniqueConstraint(
            "outcome_scale_id", "alias", name=op.f("uq_outcome_scale_alias_outcome_scale_id_alias")
        ),
        comment="Curated aliases of each outcome scale, as written.",
    )
    op.create_table(
        "outcome_scale_name",
        sa.Column(
            "id",
            sa.Integer(),
            nullable=False,
            comment="Surrogate key; stable only within one load, so join on it but cite natural keys.",
        ),
        sa.Column(
            "outcome_scale_id",
            sa.Integer(),
            nullable=False,
            comment="The outcome scale or measure (outcome_scale.id).",
        ),
        sa.Column(
            "name", sa.String(length=200), nullable=False, comment="Name for people to read."
        ),
        sa.Column(
            "folded",
            sa.String(length=200),
            nullable=False,
            comment="The name folded for look-up (case, Greek letters, punctuation); unique.",
        ),
        sa.Column(
            "is_alias",
            sa.Boolean(),
            nullable=False,
            comment="True for curated aliases; false for the key, name or abbreviation.",
        ),
        sa.ForeignKeyConstraint(
            ["outcome_scale_id"],
            ["outcome_scale.id"],
            name=op.f("fk_outcome_scale_name_outcome_scale_id_outcome_scale"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_scale_name")),
        sa.UniqueConstraint("folded", name=op.f("uq_outcome_scale_name_folded")),
        comment="Names and aliases of each outcome scale, folded for look-up.",
    )
    with op.batch_alter_table("outcome_scale_name", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outcome_scale_name_outcome_scale_id"), ["outcome_scale_id"], unique=False
        )

    op.create_table(
        "risk_of_bias",
        sa.Column(
            "id",
            sa.Integer(),
            nullable=False,
            comment="Surrogate key; stable only within one load, so join on it but cite natural keys.",
        ),
        sa.Column(
            "study_id",
            sa.Integer(),
            nullable=False,
            comment="The study this row belongs to (study.id).",
        ),
        sa.Column(
            "bias_domain_id",
            sa.Integer(),
            nullable=False,
            comment="The risk-of-bias domain (bias_domain.id).",
        ),
        sa.Column(
            "tool",
            sa.Enum("syrcle", "camarades", name="tool", native_enum=False, create_constraint=True),
            nullable=False,
            comment="The appraisal tool: syrcle or camarades.",
        ),
        sa.Column(
            "judgement",
            sa.Enum(
                "low",
                "high",
                "unclear",
                "yes",
                "no",
                name="judgement",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
            comment="SYRCLE: low, high or unclear; CAMARADES: yes or no.",
        ),
        sa.Column(
            "support",
            sa.Text(),
            nullable=True,
            comment="What supports the judgement (the paper's words or a paraphrase).",
        ),
        sa.CheckConstraint(
            "(tool = 'syrcle' AND judgement IN ('low', 'high', 'unclear')) OR (tool = 'camarades' AND judgement IN ('yes', 'no'))",
            name=op.f("ck_risk_of_bias_judgement_fits_tool"),
        ),
        sa.ForeignKeyConstraint(
            ["bias_domain_id", "tool"],
            ["bias_domain.id", "bias_domain.tool"],
            name=op.f("fk_risk_of_bias_bias_domain_id_bias_domain"),
        ),
        sa.ForeignKeyConstraint(
            ["study_id"],
            ["study.id"],
            name=op.f("fk_risk_of_bias_study_id_study"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_of_bias")),
        sa.UniqueConstraint(
            "study_id", "bias_domain_id", name=op.f("uq_risk_of_bias_study_id_bias_domain_id")
        ),
        comment="Risk-of-bias judgements per study and domain, with the text that supports each.",
    )
    with op.batch_alter_table("risk_of_bias", schema=None) as batch_op:
        batch_op.create_index(
            "ix_risk_of_bias_bias_domain_id_judgement",
            ["bias_domain_id", "judgement"],
            unique=False,
        )

    op.create_table(
        "arm",
        sa.Column(
            "id",
            sa.Integer(),
            nullable=False,
            comment="Surrogate key; stable only within one load, so join on it but cite natural keys.",
        ),
        sa.Column(
            "study_id",
            sa.Integer(),
            nullable=False,
            comment="The study this row belongs to (study.id).",
        ),
        sa.Column(
            "label",
            sa.String(length=100),
            nullable=False,
            comment="Name of this row within its study (unique per study), as seeds/ writes it.",
        ),
        sa.Column(
            "role",
            sa.Enum("treatment", "control", name="role", native_enum=False, create_constraint=True),
            nullable=False,
            comment="treatment or control.",
        ),
        sa.Column(
            "control_kind",
            sa.Enum(
                "vehicle",
                "sham",
                "untreated",
                "other_preparation",
                name="control_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
            comment="For a control: vehicle, sham, untreated or other_preparation.",
        ),
        sa.Column(
            "ev_preparation_id",
            sa.Integer(),
            nullable=True,
            comment="The EV preparation, of the same study (ev_preparation.id).",
        ),
        sa.Column(
            "animal_model_id",
            sa.Integer(),
            nullable=True,
            comment="The animal model, of the same study (animal_model.id).",
        ),
        sa.Column(
            "dose_amount", sa.Float(), nullable=True, comment="Amount per dose, in dose_unit."
        ),
        sa.Column(
            "dose_unit",
            sa.Enum(
                "ug",
                "ug_per_kg",
                "particles",
                "particles_per_kg",
                "ul",
                "mg_per_kg",
                name="dose_unit",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
            comment="ug (of EV protein), ug_per_kg, particles, particles_per_kg, ul, mg_per_kg.",
        ),
        sa.Column(
            "first_dose_hours",
            sa.Float(),
            nullable=True,
            comment="Time of the first dose after injury, in hours (negative: before).",
        ),
        sa.Column("doses", sa.Integer(), nullable=True, comment="Number of doses."),
        sa.Column("interval_hours", sa.Float(), nullable=True, comment="Hours between doses."),
        sa.Column(
            "route_id", sa.Integer(), nullable=True, comment="The administration route (route.id)."
        ),
        sa.Column(
            "control_arm_id",
            sa.Integer(),
            nullable=True,
            comment="The control arm this arm is compared with, of the same study.",
        ),
        sa.Column(
            "n_allocated", sa.Integer(), nullable=True, comment="Animals allocated to the arm."
        ),
        sa.Column(
            "note", sa.Text(), nullable=True, comment="Curator's note, in exodb's own words."
        ),
        sa.CheckConstraint(
            "(role = 'control' AND control_kind IS NOT NULL) OR (role = 'treatment' AND control_kind IS NULL)",
            name=op.f("ck_arm_control_has_kind"),
        ),
        sa.CheckConstraint(
            "control_arm_id IS NULL OR (role = 'treatment' AND control_arm_id <> id)",
            name=op.f("ck_arm_treatment_has_control"),
        ),
        sa.CheckConstraint(
            "(dose_amount IS NULL) = (dose_unit IS NULL)", name=op.f("ck_arm_dose_has_unit")
        ),
        sa.CheckConstraint(
            "dose_amount IS NULL OR dose_amount > 0", name=op.f("ck_arm_dose_positive")
        ),
        sa.CheckConstraint("doses IS NULL OR doses >= 1", name=op.f("ck_arm_doses_at_least_one")),
        sa.CheckConstraint(
            "interval_hours IS NULL OR interval_hours >= 0",
            name=op.f("ck_arm_interval_hours_non_negative"),
        ),
        sa.CheckConstraint(
            "n_allocated IS NULL OR n_allocated >= 1", name=op.f("ck_arm_n_at_least_one")
        ),
        sa.ForeignKeyConstraint(["route_id"], ["route.id"], name=op.f("fk_arm_route_id_route")),
        sa.ForeignKeyConstraint(
            ["study_id", "animal_model_id"],
            ["animal_model.study_id", "animal_model.id"],
            name=op.f("fk_arm_study_id_animal_model"),
        ),
        sa.ForeignKeyConstraint(
            ["study_id", "control_arm_id"],
            ["arm.study_id", "arm.id"],
            name=op.f("fk_arm_study_id_arm"),
        ),
        sa.ForeignKeyConstraint(
            ["study_id", "ev_preparation_id"],
            ["ev_preparation.study_id", "ev_preparation.id"],
            name=op.f("fk_arm_study_id_ev_preparation"),
        ),
        sa.ForeignKeyConstraint(
            ["study_id"], ["study.id"], name=op.f("fk_arm_study_id_study"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_arm")),
        sa.UniqueConstraint("study_id", "id", name=op.f("uq_arm_study_id_id")),
        sa.UniqueConstraint("study_id", "label", name=op.f("uq_arm_study_id_label")),
        comment="Intervention and control arms of a study: what each group received, when, how.",
    )
    with op.batch_alter_table("arm", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_arm_route_id"), ["route_id"], unique=False)
        batch_op.create_index(
            "ix_arm_study_id_animal_model_id", ["study_id", "animal_model_id"], unique=False
        )
        batch_op.create_index(
            "ix_arm_study_id_control_arm_id", ["study_id", "control_arm_id"], unique=False
        )
        batch_op.create_index(
            "ix_arm_study_id_ev_preparation_id", ["study_id", "ev_preparation_id"], unique=False
        )

    op.create_table(
        "ev_marker",
        sa.Column(
            "id",
            sa.Integer(),
            nullable=False,
            comment="Surrogate key; stable only within one load, so join on it but cite natural keys.",
        ),
        sa.Column(
            "study_id",
            sa.Integer(),
            nullable=False,
            comment="The study this row belongs to (study.id).",
        ),
        sa.Column(
            "ev_preparation_id",
            sa.Integer(),
            nullable=False,
            comment="The EV preparation, of the same study (ev_preparation.id).",
        ),
        sa.Column(
            "molecule_id", sa.Integer(), nullable=False, comment="The molecule (molecule.id)."
        ),
        sa.Column(
            "category",
            sa.Enum(
                "transmembrane",
                "cytosolic",
                "non_ev",
                name="category",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
            comment="transmembrane, cytosolic or non_ev (MISEV's marker categories).",
        ),
        sa.Column(
            "detected",
            sa.Boolean(),
            nullable=False,
            comment="True where the marker was found; false where shown absent.",
        ),
        sa.Column(
            "note", sa.Text(), nullable=True, comment="Curator's note, in exodb's own words."
        ),
        sa.ForeignKeyConstraint(
            ["molecule_id"], ["molecule.id"], name=op.f("fk_ev_marker_molecule_id_molecule")
        ),
        sa.ForeignKeyConstraint(
            ["study_id", "ev_preparation_id"],
            ["ev_preparation.study_id", "ev_preparation.id"],
            name=op.f("fk_ev_marker_study_id_ev_preparation"),
        ),
        sa.ForeignKeyConstraint(
            ["study_id"], ["study.id"], name=op.f("fk_ev_marker_study_id_study"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ev_marker")),
        sa.UniqueConstraint(
            "ev_preparation_id",
            "molecule_id",
            name=op.f("uq_ev_marker_ev_preparation_id_molecule_id"),
        ),
        comment="Markers a preparation was tested for, and whether each was found.",
    )
    with op.batch_alter_table("ev_marker", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ev_marker_molecule_id"), ["molecule_id"], unique=False)
        batch_op.create_index(
            "ix_ev_marker_study_id_ev_preparation_id",
            ["study_id", "ev_preparation_id"],
            unique=False,
        )

    op.create_table(
        "ev_preparation_exemption",
        sa.Column(
            "ev_preparation_id",
            sa.Integer(),
            nullable=False,
            comment="The EV preparation, of the same study (ev_preparation.id).",
        ),
        sa.Column(
            "position",
            sa.Integer(),
            nullable=False,
            comment="Order as the curator listed it, from 1.",
        ),
        sa.Column(
            "item",
            sa.Enum(
                "source_amount",
                "separation",
                "quantification",
                "ratio",
                "transmembrane_marker",
                "cytosolic_marker",
                "non_ev_marker",
                "imaging",
                "single_particle",
                name="item",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
            comment="A MISEV reporting item that does not apply.",
        ),
        sa.ForeignKeyConstraint(
            ["ev_preparation_id"],
            ["ev_preparation.id"],
            name=op.f("fk_ev_preparation_exemption_ev_preparation_id_ev_preparation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "ev_preparation_id", "position", name=op.f("pk_ev_preparation_exemption")
        ),
        sa.UniqueConstraint(
            "ev_preparation_id",
            "item",
            name=op.f("uq_ev_preparation_exemption_ev_preparation_id_item"),
        ),
        comment="Reporting items a curator marked not applicable to a preparation.",
    )
    op.create_table(
        "ev_preparation_separation",
        sa.Column(
            "ev_preparation_id",
            sa.Integer(),
            nullable=False,
            comment="The EV preparation, of the same study (ev_preparation.id).",
        ),
        sa.Column(
            "position",
            sa.Integer(),
            nullable=False,
            comment="Order in which the method was applied, from 1.",
        ),
        sa.Column(
            "separation_method_id",
            sa.Integer(),
            nullable=False,
            comment="The separation method (separation_method.id).",
        ),
        sa.ForeignKeyConstraint(
            ["ev_preparation_id"],
            ["ev_preparation.id"],
            name=op.f("fk_ev_preparation_separation_ev_preparation_id_ev_preparation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["separation_method_id"],
            ["separation_method.id"],
            name=op.f("fk_ev_preparation_separation_separation_method_id_separation_method"),
        ),
        sa.PrimaryKeyConstraint(
            "ev_preparation_id", "position", name=op.f("pk_ev_preparation_separation")
        ),
        sa.UniqueConstraint(
            "ev_preparation_id",
            "separation_method_id",
            name=op.f("uq_ev_preparation_separation_ev_preparation_id_separation_method_id"),
        ),
        comment="The separation methods of each preparation, in the order they were applied.",
    )
    with op.batch_alter_table("ev_preparation_separation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ev_preparation_separation_separation_method_id"),
            ["separation_method_id"],
            unique=False,
        )

    op.create_table(
        "outcome_measurement",
        sa.Column(
            "id",
            sa.Integer(),
            nullable=False,
            comment="Surrogate key; stable only within one load, so join on it but cite natural keys.",
        ),
        sa.Column(
            "study_id",
            sa.Integer(),
            nullable=False,
            comment="The study this row belongs to (study.id).",
        ),
        sa.Column(
            "arm_id",
            sa.Integer(),
            nullable=False,
            comment="The arm measured, of the same study (arm.id).",
        ),
        sa.Column(
            "outcome_scale_id",
            sa.Integer(),
            nullable=False,
            comment="The outcome scale or measure (outcome_scale.id).",
        ),
        sa.Column(
            "timepoint_days",
            sa.Float(),
            nullable=False,
            comment="Days after injury at which it was measured.",
        ),
        sa.Column("n", sa.Integer(), nullable=False, comment="Animals measured."),
        sa.Column(
            "central",
            sa.Float(),
            nullable=False,
            comment="Mean or median, on the scale (within its range).",
        ),
        sa.Column(
            "central_kind",
            sa.Enum(
                "mean", "median", name="central_kind", native_enum=False, create_constraint=True
            ),
            nullable=False,
            comment="mean or median.",
        ),
        sa.Column(
            "dispersion_kind",
            sa.Enum(
                "sd",
                "sem",
                "ci95",
                "iqr",
                "range",
                name="dispersion_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
            comment="sd, sem (in dispersion), ci95, iqr or range (in lower and upper).",
        ),
        sa.Column("dispersion", sa.Float(), nullable=True, comment="The SD or SEM."),
        sa.Column(
            "lower", sa.Float(), nullable=True, comment="Lower bound of the CI, IQR or range."
        ),
        sa.Column(
            "upper", sa.Float(), nullable=True, comment="Upper bound of the CI, IQR or range."
        ),
        sa.Column(
            "unit",
            sa.String(length=50),
            nullable=True,
            comment="Unit, where the scale fixes none (else the scale's).",
        ),
        sa.Column(
            "source_location",
            sa.String(length=200),
            nullable=True,
            comment="Where in the paper the numbers are (Fig. 2B).",
        ),
        sa.Column(
            "note", sa.Text(), nullable=True, comment="Curator's note, in exodb's own words."
        ),
        sa.CheckConstraint(
            "(dispersion_kind IS NULL AND dispersion IS NULL AND lower IS NULL AND upper IS NULL) OR (dispersion_kind IN ('sd', 'sem') AND dispersion IS NOT NULL AND lower IS NULL AND upper IS NULL) OR (dispersion_kind IN ('ci95', 'iqr', 'range') AND dispersion IS NULL AND lower IS NOT NULL AND upper IS NOT NULL)",
            name=op.f("ck_outcome_measurement_dispersion_complete"),
        ),
        sa.CheckConstraint(
            "dispersion IS NULL OR dispersion >= 0",
            name=op.f("ck_outcome_measurement_dispersion_non_negative"),
        ),
        sa.CheckConstraint(
            "lower IS NULL OR central BETWEEN lower AND upper",
            name=op.f("ck_outcome_measurement_central_inside"),
        ),
        sa.CheckConstraint(
            "lower IS NULL OR upper IS NULL OR lower <= upper",
            name=op.f("ck_outcome_measurement_interval_ordered"),
        ),
        sa.CheckConstraint("n >= 1", name=op.f("ck_outcome_measurement_n_at_least_one")),
        sa.CheckConstraint(
            "timepoint_days >= 0", name=op.f("ck_outcome_measurement_timepoint_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["outcome_scale_id"],
            ["outcome_scale.id"],
            name=op.f("fk_outcome_measurement_outcome_scale_id_outcome_scale"),
        ),
        sa.ForeignKeyConstraint(
            ["study_id", "arm_id"],
            ["arm.study_id", "arm.id"],
            name=op.f("fk_outcome_measurement_study_id_arm"),
        ),
        sa.ForeignKeyConstraint(
            ["study_id"],
            ["study.id"],
            name=op.f("fk_outcome_measurement_study_id_study"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_measurement")),
        sa.UniqueConstraint(
            "arm_id",
            "outcome_scale_id",
            "timepoint_days",
            name=op.f("uq_outcome_measurement_arm_id_outcome_scale_id_timepoint_days"),
        ),
        comment="Arm-level outcome data: n, central value and dispersion at one time point.",
    )
    with op.batch_alter_table("outcome_measurement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outcome_measurement_outcome_scale_id"),
            ["outcome_scale_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_outcome_measurement_outcome_scale_id_timepoint_days_study_id",
            ["outcome_scale_id", "timepoint_days", "study_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_outcome_measurement_study_id_arm_id", ["study_id", "arm_id"], unique=False
        )

    _batch_alter_study_keeping_views(True)
    with op.batch_alter_table("study", schema=None) as batch_op:
        batch_op.alter_column("section_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(
            sa.Column(
                "doi",
                sa.String(length=200),
                nullable=True,
                comment="The paper's DOI, for a study extracted from the paper itself.",
            )
        )
        batch_op.add_column(
            sa.Column(
                "pmid",
                sa.String(length=20),
                nullable=True,
                comment="The paper's PubMed id, for a study extracted from the paper itself.",
            )
        )
        batch_op.create_check_constraint(
            op.f("ck_study_doi_form"), "doi IS NULL OR doi LIKE '10.%/%'"
        )
    _batch_alter_study_keeping_views(False)

    _create_triggers(op.get_bind().dialect.name)
    _replace_cargo_view(left_join_section=True)
    create_views()


def downgrade() -> None:
    drop_views()
    _replace_cargo_view(left_join_section=False)
    _drop_triggers(op.get_bind().dialect.name)
    _batch_alter_study_keeping_views(True)
    with op.batch_alter_table("study", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_study_doi_form"), type_="check")
        batch_op.drop_column("pmid")
        batch_op.drop_column("doi")
        batch_op.alter_column("section_id", existing_type=sa.Integer(), nullable=False)
    _batch_alter_study_keeping_views(False)

    with op.batch_alter_table("outcome_measurement", schema=None) as batch_op:
        batch_op.drop_index("ix_outcome_measurement_study_id_arm_id")
        batch_op.drop_index("ix_outcome_measurement_outcome_scale_id_timepoint_days_study_id")
        batch_op.drop_index(batch_op.f("ix_outcome_measurement_outcome_scale_id"))

    op.drop_table("outcome_measurement")
    with op.batch_alter_table("ev_preparation_separation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ev_preparation_separation_separation_method_id"))

    op.drop_table("ev_preparation_separation")
    op.drop_table("ev_preparation_exemption")
    with op.batch_alter_table("ev_marker", schema=None) as batch_op:
        batch_op.drop_index("ix_ev_marker_study_id_ev_preparation_id")
        batch_op.drop_index(batch_op.f("ix_ev_marker_molecule_id"))

    op.drop_table("ev_marker")
    with op.batch_alter_table("arm", schema=None) as batch_op:
        batch_op.drop_index("ix_arm_study_id_ev_preparation_id")
        batch_op.drop_index("ix_arm_study_id_control_arm_id")
        batch_op.drop_index("ix_arm_study_id_animal_model_id")
        batch_op.drop_index(batch_op.f("ix_arm_route_id"))

    op.drop_table("arm")
    with op.batch_alter_table("risk_of_bias", schema=None) as batch_op:
        batch_op.drop_index("ix_risk_of_bias_bias_domain_id_judgement")

    op.drop_table("risk_of_bias")
    with op.batch_alter_table("outcome_scale_name", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcome_scale_name_outcome_scale_id"))

    op.drop_table("outcome_scale_name")
    op.drop_table("outcome_scale_alias")
    with op.batch_alter_table("ev_preparation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ev_preparation_cell_source_id"))

    op.drop_table("ev_preparation")
    with op.batch_alter_table("animal_model", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_animal_model_species_id"))
        batch_op.drop_index("ix_animal_model_injury_model_study_id")

    op.drop_table("animal_model")
    with op.batch_alter_table("separation_method_name", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_separation_method_name_separation_method_id"))

    op.drop_table("separation_method_name")
    op.drop_table("separation_method_alias")
    with op.batch_alter_table("outcome_scale", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcome_scale_species_id"))

    op.drop_table("outcome_scale")
    op.drop_table("separation_method")
    op.drop_table("bias_domain")


RANGE_MESSAGE = "outcome_measurement: the central value lies outside its scale's range"
OUTSIDE = "({m}.central < {s}.minimum OR {m}.central > {s}.maximum)"


def _create_triggers(dialect: str) -> None:
    if dialect == "sqlite":
        message = RANGE_MESSAGE.replace("'", "''")
        for event in ("INSERT", "UPDATE OF central, outcome_scale_id"):
            name = "insert" if event == "INSERT" else "update"
            op.execute(
                f"CREATE TRIGGER trg_outcome_measurement_within_scale_{name} "
                f"BEFORE {event} ON outcome_measurement FOR EACH ROW "
                "WHEN EXISTS (SELECT 1 FROM outcome_scale AS s WHERE s.id = NEW.outcome_scale_id "
                f"AND {OUTSIDE.format(m='NEW', s='s')}) "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
        op.execute(
            "CREATE TRIGGER trg_outcome_scale_keeps_measurements "
            "BEFORE UPDATE OF minimum, maximum ON outcome_scale FOR EACH ROW "
            "WHEN EXISTS (SELECT 1 FROM outcome_measurement AS m WHERE m.outcome_scale_id = NEW.id "
            f"AND {OUTSIDE.format(m='m', s='NEW')}) "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )
    elif dialect == "postgresql":
        message = RANGE_MESSAGE.replace("'", "''")
        op.execute(
            "CREATE FUNCTION exodb_measurement_within_scale() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN IF EXISTS (SELECT 1 FROM outcome_scale AS s "
            f"WHERE s.id = NEW.outcome_scale_id AND {OUTSIDE.format(m='NEW', s='s')}) THEN "
            f"RAISE EXCEPTION '{message}' USING ERRCODE = '23514'; END IF; RETURN NEW; END $$"
        )
        op.execute(
            "CREATE TRIGGER trg_outcome_measurement_within_scale "
            "BEFORE INSERT OR UPDATE OF central, outcome_scale_id ON outcome_measurement "
            "FOR EACH ROW EXECUTE FUNCTION exodb_measurement_within_scale()"
        )
        op.execute(
            "CREATE FUNCTION exodb_scale_keeps_measurements() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN IF EXISTS (SELECT 1 FROM outcome_measurement AS m "
            f"WHERE m.outcome_scale_id = NEW.id AND {OUTSIDE.format(m='m', s='NEW')}) THEN "
            f"RAISE EXCEPTION '{message}' USING ERRCODE = '23514'; END IF; RETURN NEW; END $$"
        )
        op.execute(
            "CREATE TRIGGER trg_outcome_scale_keeps_measurements "
            "BEFORE UPDATE OF minimum, maximum ON outcome_scale "
            "FOR EACH ROW EXECUTE FUNCTION exodb_scale_keeps_measurements()"
        )


def _drop_triggers(dialect: str) -> None:
    if dialect == "sqlite":
        for name in ("within_scale_insert", "within_scale_update"):
            op.execute(f"DROP TRIGGER IF EXISTS trg_outcome_measurement_{name}")
        op.execute("DROP TRIGGER IF EXISTS trg_outcome_scale_keeps_measurements")
    elif dialect == "postgresql":
        op.execute(
            "DROP TRIGGER IF EXISTS trg_outcome_measurement_within_scale ON outcome_measurement"
        )
        op.execute("DROP TRIGGER IF EXISTS trg_outcome_scale_keeps_measurements ON outcome_scale")
        op.execute("DROP FUNCTION IF EXISTS exodb_measurement_within_scale()")
        op.execute("DROP FUNCTION IF EXISTS exodb_scale_keeps_measurements()")


VIEWS = ("arm_measurement", "study_risk_of_bias")
# SYRCLE's ten domains, by their keys in bias_domain, in the tool's order.
SYRCLE_DOMAINS = (
    "sequence_generation",
    "baseline_characteristics",
    "allocation_concealment",
    "random_housing",
    "blinding_caregivers",
    "random_outcome_assessment",
    "blinding_assessors",
    "incomplete_outcome_data",
    "selective_reporting",
    "other_bias",
)


def _view_sql(dialect: str) -> dict[str, str]:
    if dialect == "postgresql":
        separation = "string_agg(ps.key, ';' ORDER BY ps.position)"
    else:
        separation = "group_concat(ps.key, ';')"
    separation_list = (
        f"(SELECT {separation} FROM (SELECT sm.key, ps.position FROM ev_preparation_separation "
        "AS ps JOIN separation_method AS sm ON sm.id = ps.separation_method_id "
        "WHERE ps.ev_preparation_id = p.id ORDER BY ps.position) AS ps)"
    )
    # A study's one species, where it names exactly one and the arm names no animal model.
    only_species = (
        "(SELECT min(sp1.key) FROM study_model AS smo JOIN species AS sp1 "
        "ON sp1.id = smo.species_id WHERE smo.study_id = s.id HAVING count(*) = 1)"
    )
    judgements = ",\n".join(
        f"max(CASE WHEN d.key = '{key}' THEN rb.judgement END) AS {key}" for key in SYRCLE_DOMAINS
    )
    return {
        "arm_measurement": f"""
            SELECT s.key AS study, r.number AS ref, s.first_author, a.label AS arm, a.role,
                   a.control_kind, ca.label AS control_arm,
                   coalesce(pcs.key, cs.key) AS cell_source, p.label AS preparation,
                   {separation_list} AS separation,
                   coalesce(asp.key, {only_species}) AS species,
                   am.label AS animal_model, am.strain, am.injury_model, am.spinal_level,
                   a.dose_amount, a.dose_unit, a.first_dose_hours, a.doses, a.interval_hours,
                   coalesce(ar.key, CASE WHEN a.role = 'treatment' THEN sr.key END) AS route,
                   sc.key AS scale, sc.higher_is_better, sc.minimum AS scale_minimum,
                   sc.maximum AS scale_maximum, m.timepoint_days, m.n, m.central,
                   m.central_kind, m.dispersion_kind, m.dispersion, m.lower, m.upper,
                   coalesce(m.unit, sc.unit) AS unit, m.source_location
            FROM outcome_measurement AS m
            JOIN arm AS a ON a.id = m.arm_id
            JOIN study AS s ON s.id = m.study_id
            JOIN outcome_scale AS sc ON sc.id = m.outcome_scale_id
            LEFT JOIN reference AS r ON r.id = s.reference_id
            LEFT JOIN arm AS ca ON ca.id = a.control_arm_id
            LEFT JOIN ev_preparation AS p ON p.id = a.ev_preparation_id
            LEFT JOIN cell_source AS pcs ON pcs.id = p.cell_source_id
            LEFT JOIN cell_source AS cs ON cs.id = s.cell_source_id
            LEFT JOIN animal_model AS am ON am.id = a.animal_model_id
            LEFT JOIN species AS asp ON asp.id = am.species_id
            LEFT JOIN route AS ar ON ar.id = a.route_id
            LEFT JOIN route AS sr ON sr.id = s.route_id
        """,
        "study_risk_of_bias": f"""
            SELECT s.key AS study, r.number AS ref, s.first_author,
                   {judgements},
                   sum(CASE WHEN rb.judgement = 'low' THEN 1 ELSE 0 END) AS low,
                   sum(CASE WHEN rb.judgement = 'high' THEN 1 ELSE 0 END) AS high,
                   sum(CASE WHEN rb.judgement = 'unclear' THEN 1 ELSE 0 END) AS unclear
            FROM risk_of_bias AS rb
            JOIN bias_domain AS d ON d.id = rb.bias_domain_id
            JOIN study AS s ON s.id = rb.study_id
            LEFT JOIN reference AS r ON r.id = s.reference_id
            WHERE rb.tool = 'syrcle'
            GROUP BY s.id, s.key, r.number, s.first_author
        """,
    }


def create_views() -> None:
    for name, sql in _view_sql(op.get_bind().dialect.name).items():
        op.execute(f"CREATE VIEW {name} AS {sql}")


def drop_views() -> None:
    for name in reversed(VIEWS):
        op.execute(f"DROP VIEW IF EXISTS {name}")


def _batch_alter_study_keeping_views(start: bool) -> None:
    """SQLite: batch mode copies study into a new table and renames it back; the analyst views
    that name study must not be rewritten on the way (they name the same table again after)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"PRAGMA legacy_alter_table = {'ON' if start else 'OFF'}")


def _replace_cargo_view(left_join_section: bool) -> None:
    """study_cargo_pathway as 0002 made it, but keeping studies that have no section."""
    join = "LEFT JOIN" if left_join_section else "JOIN"
    op.execute("DROP VIEW IF EXISTS study_cargo_pathway")
    op.execute(
        f"""CREATE VIEW study_cargo_pathway AS
            SELECT s.key AS study, r.number AS ref, s.first_author, sec.key AS section,
                   s.design, s.exosome_based, cs.key AS cell_source, m.key AS cargo,
                   m.kind AS cargo_kind, sm.role AS cargo_role, p.key AS pathway,
                   sp.effect AS pathway_effect
            FROM study AS s
            {join} section AS sec ON sec.id = s.section_id
            LEFT JOIN reference AS r ON r.id = s.reference_id
            LEFT JOIN cell_source AS cs ON cs.id = s.cell_source_id
            LEFT JOIN study_molecule AS sm
                   ON sm.study_id = s.id AND sm.role IN ('cargo', 'loaded')
            LEFT JOIN molecule AS m ON m.id = sm.molecule_id
            LEFT JOIN study_pathway AS sp ON sp.study_id = s.id
            LEFT JOIN pathway AS p ON p.id = sp.pathway_id
        """
    )
