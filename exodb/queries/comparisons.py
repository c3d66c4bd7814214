"""The comparisons a meta-analysis pools, read from the extraction: each treated arm against
the control arm it names (``arms.csv``, column ``control_arm``), on one outcome scale at one
time point, with the sham arm of the same study where one was measured then too (the normal
value a normalised mean difference needs), and the study dimensions a subgroup analysis
splits by."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from exodb.queries.arguments import check_days
from exodb.queries.filters import among, check_filters, study_ids
from exodb.queries.resolve import named
from exodb.schema import tables as t


@dataclass(frozen=True)
class GroupSummary:
    """One arm's measurement as the paper reports it (``dispersion_kind`` says which of
    ``dispersion`` or ``lower``/``upper`` holds the spread)."""

    arm: str
    n: int
    central: float
    central_kind: str
    dispersion_kind: str | None
    dispersion: float | None
    lower: float | None
    upper: float | None


@dataclass(frozen=True)
class ComparisonRow:
    """A treated arm against its control at one scale and time point, with what a subgroup
    analysis can split by."""

    study: str
    ref: int | None
    scale: str
    timepoint_days: float
    higher_is_better: bool
    normal_value: float | None
    treated: GroupSummary
    control: GroupSummary
    sham: GroupSummary | None
    cell_source: str | None
    species: str | None
    route: str | None
    dose_amount: float | None
    dose_unit: str | None
    injury_model: str | None


def _group(prefix: str, table: Any, arm: Any) -> list[Any]:
    return [
        arm.c.label.label(f"{prefix}_arm"),
        *(
            table.c[name].label(f"{prefix}_{name}")
            for name in (
                "n", "central", "central_kind", "dispersion_kind", "dispersion", "lower", "upper"
            )
        ),
    ]  # fmt: skip


def _summary(row: Any, prefix: str) -> GroupSummary | None:
    if getattr(row, f"{prefix}_arm") is None:
        return None
    return GroupSummary(
        *(
            getattr(row, f"{prefix}_{name}")
            for name in (
                "arm", "n", "central", "central_kind", "dispersion_kind", "dispersion", "lower",
                "upper",
            )
        )
    )  # fmt: skip


def comparisons(
    session: Session,
    outcomes: Sequence[str],
    *,
    timepoint: float | None = None,
    **filters: Any,
) -> list[ComparisonRow]:
    """Every treated arm measured on one of ``outcomes`` (scales by key, name or alias) whose
    control arm was measured on the same scale at the same time point, in the studies that pass
    ``filters`` (those of :func:`exodb.queries.studies`); at ``timepoint`` days only, if given.

    Ordered by reference number (studies without one last), study, scale, treated arm and time
    point."""
    check_filters("comparisons", filters)
    if not outcomes:
        raise ValueError("name at least one outcome scale (BBB, BMS)")
    scale_ids = sorted(
        {
            i
            for text in outcomes
            for i in named(session, t.outcome_scale_name, t.outcome_scale, "outcome scale", text)
        }
    )
    timepoint = check_days("timepoint", timepoint)
    ids = study_ids(session, timepoint=timepoint, **filters)
    m, treated_arm = t.outcome_measurement, t.arm
    control_m, control_arm = m.alias("control_m"), t.arm.alias("control_arm")
    sham_m, sham_arm = m.alias("sham_m"), t.arm.alias("sham_arm")
    scale, study, reference = t.outcome_scale, t.study, t.reference
    model, species = t.animal_model, t.species
    stmt = (
        select(
            study.c.key.label("study"),
            reference.c.number.label("ref"),
            scale.c.key.label("scale"),
            m.c.timepoint_days,
            scale.c.higher_is_better,
            scale.c.normal_value,
            *_group("treated", m, treated_arm),
            *_group("control", control_m, control_arm),
            *_group("sham", sham_m, sham_arm),
            t.cell_source.c.key.label("cell_source"),
            species.c.key.label("species"),
            t.route.c.key.label("route"),
            treated_arm.c.dose_amount,
            treated_arm.c.dose_unit,
            model.c.injury_model,
        )
        .join(treated_arm, treated_arm.c.id == m.c.arm_id)
        .join(control_arm, control_arm.c.id == treated_arm.c.control_arm_id)
        .join(
            control_m,
            and_(
                control_m.c.arm_id == control_arm.c.id,
                control_m.c.outcome_scale_id == m.c.outcome_scale_id,
                control_m.c.timepoint_days == m.c.timepoint_days,
            ),
        )
        .outerjoin(
            sham_arm,
            and_(
                sham_arm.c.study_id == m.c.study_id,
                sham_arm.c.control_kind == "sham",
            ),
        )
        .outerjoin(
            sham_m,
            and_(
                sham_m.c.arm_id == sham_arm.c.id,
                sham_m.c.outcome_scale_id == m.c.outcome_scale_id,
                sham_m.c.timepoint_days == m.c.timepoint_days,
            ),
        )
        .join(scale, scale.c.id == m.c.outcome_scale_id)
        .join(study, study.c.id == m.c.study_id)
        .outerjoin(reference, reference.c.id == study.c.reference_id)
        .outerjoin(t.ev_preparation, t.ev_preparation.c.id == treated_arm.c.ev_preparation_id)
        .outerjoin(t.cell_source, t.cell_source.c.id == t.ev_preparation.c.cell_source_id)
        .outerjoin(model, model.c.id == treated_arm.c.animal_model_id)
        .outerjoin(species, species.c.id == model.c.species_id)
        .outerjoin(t.route, t.route.c.id == treated_arm.c.route_id)
        .where(
            treated_arm.c.role == "treatment",
            m.c.outcome_scale_id.in_(scale_ids),
            among(m.c.study_id, ids),
        )
        .order_by(
            reference.c.number.is_(None),
            reference.c.number,
            study.c.key,
            scale.c.key,
            treated_arm.c.label,
            m.c.timepoint_days,
            sham_arm.c.label,
        )
    )
    if timepoint is not None:
        stmt = stmt.where(m.c.timepoint_days == timepoint)
    found: list[ComparisonRow] = []
    seen: set[tuple] = set()
    for row in session.execute(stmt):
        # A study with two sham arms gives a row for each; the first measured one serves.
        key = (row.study, row.scale, row.treated_arm, row.timepoint_days)
        sham = _summary(row, "sham") if row.sham_n is not None else None
        if key in seen:
            if sham is not None and found[-1].sham is None:
                found[-1] = _replace_sham(found[-1], sham)
            continue
        seen.add(key)
        found.append(
            ComparisonRow(
                study=row.study,
                ref=row.ref,
                scale=row.scale,
                timepoint_days=row.timepoint_days,
                higher_is_better=bool(row.higher_is_better),
                normal_value=row.normal_value,
                treated=_summary(row, "treated"),
                control=_summary(row, "control"),
                sham=sham,
                cell_source=row.cell_source,
                species=row.species,
                route=row.route,
                dose_amount=row.dose_amount,
                dose_unit=row.dose_unit,
                injury_model=row.injury_model,
            )
        )
    return found


def _replace_sham(row: ComparisonRow, sham: GroupSummary) -> ComparisonRow:
    from dataclasses import replace

    return replace(row, sham=sham)
