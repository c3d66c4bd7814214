"""ORM classes of a study's extraction: animal models, EV preparations, arms, arm-level
measurements, risk of bias, and their vocabularies. Import them from
:mod:`exodb.schema.models`; relationships name the other classes by their names there.
"""

from __future__ import annotations

from sqlalchemy.orm import Mapped, relationship

from exodb.schema import tables as t
from exodb.schema.orm_base import Base

# Species, CellSource, Molecule and Route are classes of exodb.schema.models: relationships
# find them by name in the registry the classes share, so this module need not import that one.


class OutcomeScale(Base):
    __table__ = t.outcome_scale

    id: Mapped[int]
    key: Mapped[str]
    name: Mapped[str]
    minimum: Mapped[float | None]
    maximum: Mapped[float | None]
    higher_is_better: Mapped[bool]
    unit: Mapped[str | None]
    normal_value: Mapped[float | None]
    species_id: Mapped[int | None]
    note: Mapped[str | None]

    species: Mapped[Species | None] = relationship()  # noqa: F821


class SeparationMethod(Base):
    __table__ = t.separation_method

    id: Mapped[int]
    key: Mapped[str]
    name: Mapped[str]
    note: Mapped[str | None]


class BiasDomain(Base):
    __table__ = t.bias_domain

    id: Mapped[int]
    key: Mapped[str]
    tool: Mapped[str]
    position: Mapped[int]
    name: Mapped[str]
    bias_type: Mapped[str | None]
    question: Mapped[str]
    note: Mapped[str | None]


class AnimalModel(Base):
    __table__ = t.animal_model

    id: Mapped[int]
    study_id: Mapped[int]
    label: Mapped[str]
    species_id: Mapped[int]
    strain: Mapped[str | None]
    sex: Mapped[str | None]
    age_weeks_min: Mapped[float | None]
    age_weeks_max: Mapped[float | None]
    weight_g_min: Mapped[float | None]
    weight_g_max: Mapped[float | None]
    injury_model: Mapped[str | None]
    spinal_level: Mapped[str | None]
    injury_device: Mapped[str | None]
    force_kdyn: Mapped[float | None]
    height_mm: Mapped[float | None]
    clip_force_g: Mapped[float | None]
    duration_s: Mapped[float | None]
    severity: Mapped[str | None]
    note: Mapped[str | None]

    species: Mapped[Species] = relationship()  # noqa: F821


class EvPreparation(Base):
    __table__ = t.ev_preparation

    id: Mapped[int]
    study_id: Mapped[int]
    label: Mapped[str]
    cell_source_id: Mapped[int | None]
    source_amount: Mapped[str | None]
    separation_detail: Mapped[str | None]
    protein_method: Mapped[str | None]
    particle_method: Mapped[str | None]
    lipid_method: Mapped[str | None]
    particles_per_ug: Mapped[float | None]
    imaging_method: Mapped[str | None]
    single_particle_method: Mapped[str | None]
    size_nm: Mapped[float | None]
    note: Mapped[str | None]

    cell_source: Mapped[CellSource | None] = relationship()  # noqa: F821
    separation: Mapped[list[SeparationMethod]] = relationship(
        secondary=t.ev_preparation_separation,
        order_by=t.ev_preparation_separation.c.position,
        viewonly=True,
    )
    markers: Mapped[list[EvMarker]] = relationship(
        primaryjoin="EvPreparation.id == foreign(EvMarker.ev_preparation_id)",
        order_by="EvMarker.id",
        viewonly=True,
    )


class EvMarker(Base):
    __table__ = t.ev_marker

    id: Mapped[int]
    study_id: Mapped[int]
    ev_preparation_id: Mapped[int]
    molecule_id: Mapped[int]
    category: Mapped[str]
    detected: Mapped[bool]
    note: Mapped[str | None]

    molecule: Mapped[Molecule] = relationship()  # noqa: F821


class Arm(Base):
    __table__ = t.arm

    id: Mapped[int]
    study_id: Mapped[int]
    label: Mapped[str]
    role: Mapped[str]
    control_kind: Mapped[str | None]
    ev_preparation_id: Mapped[int | None]
    animal_model_id: Mapped[int | None]
    dose_amount: Mapped[float | None]
    dose_unit: Mapped[str | None]
    first_dose_hours: Mapped[float | None]
    doses: Mapped[int | None]
    interval_hours: Mapped[float | None]
    route_id: Mapped[int | None]
    control_arm_id: Mapped[int | None]
    n_allocated: Mapped[int | None]
    note: Mapped[str | None]

    route: Mapped[Route | None] = relationship()  # noqa: F821
    ev_preparation: Mapped[EvPreparation | None] = relationship(
        primaryjoin="foreign(Arm.ev_preparation_id) == EvPreparation.id", viewonly=True
    )
    animal_model: Mapped[AnimalModel | None] = relationship(
        primaryjoin="foreign(Arm.animal_model_id) == AnimalModel.id", viewonly=True
    )
    control_arm: Mapped[Arm | None] = relationship(
        primaryjoin="foreign(Arm.control_arm_id) == Arm.id", remote_side="Arm.id", viewonly=True
    )


class OutcomeMeasurement(Base):
    __table__ = t.outcome_measurement

    id: Mapped[int]
    study_id: Mapped[int]
    arm_id: Mapped[int]
    outcome_scale_id: Mapped[int]
    timepoint_days: Mapped[float]
    n: Mapped[int]
    central: Mapped[float]
    central_kind: Mapped[str]
    dispersion_kind: Mapped[str | None]
    dispersion: Mapped[float | None]
    lower: Mapped[float | None]
    upper: Mapped[float | None]
    unit: Mapped[str | None]
    source_location: Mapped[str | None]
    note: Mapped[str | None]

    scale: Mapped[OutcomeScale] = relationship()
    arm: Mapped[Arm] = relationship(
        primaryjoin="foreign(OutcomeMeasurement.arm_id) == Arm.id", viewonly=True
    )


class RiskOfBias(Base):
    __table__ = t.risk_of_bias

    id: Mapped[int]
    study_id: Mapped[int]
    bias_domain_id: Mapped[int]
    tool: Mapped[str]
    judgement: Mapped[str]
    support: Mapped[str | None]

    domain: Mapped[BiasDomain] = relationship(
        primaryjoin="foreign(RiskOfBias.bias_domain_id) == BiasDomain.id", viewonly=True
    )
