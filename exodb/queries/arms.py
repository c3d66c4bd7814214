"""A study's extraction as its details give it: the arms, with what each received, and the
arm-level measurements, each by the names a curator wrote (arm, preparation, scale)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exodb.queries.related import by_parent
from exodb.schema import tables as t


def arms_of_studies(session: Session, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """study id -> its arms, treated ones first, each with what it received."""
    arm, control = t.arm, t.arm.alias("control")
    stmt = (
        select(
            arm.c.study_id,
            arm.c.label.label("arm"),
            arm.c.role,
            arm.c.control_kind,
            t.ev_preparation.c.label.label("preparation"),
            t.animal_model.c.label.label("model"),
            arm.c.dose_amount,
            arm.c.dose_unit,
            arm.c.first_dose_hours,
            arm.c.doses,
            arm.c.interval_hours,
            t.route.c.key.label("route"),
            control.c.label.label("control_arm"),
            arm.c.n_allocated,
            arm.c.note,
        )
        .outerjoin(t.ev_preparation, t.ev_preparation.c.id == arm.c.ev_preparation_id)
        .outerjoin(t.animal_model, t.animal_model.c.id == arm.c.animal_model_id)
        .outerjoin(t.route, t.route.c.id == arm.c.route_id)
        .outerjoin(control, control.c.id == arm.c.control_arm_id)
        # Treated arms first ('treatment' sorts after 'control'), then by name.
        .order_by(arm.c.role.desc(), arm.c.label)
    )
    return _by_study(session, stmt, arm.c.study_id, ids)


def measurements_of_studies(session: Session, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """study id -> its arm-level measurements, by arm, scale and time point."""
    m, arm, scale = t.outcome_measurement, t.arm, t.outcome_scale
    stmt = (
        select(
            m.c.study_id,
            arm.c.label.label("arm"),
            scale.c.key.label("scale"),
            m.c.timepoint_days,
            m.c.n,
            m.c.central,
            m.c.central_kind,
            m.c.dispersion_kind,
            m.c.dispersion,
            m.c.lower,
            m.c.upper,
            func.coalesce(m.c.unit, scale.c.unit).label("unit"),
            m.c.source_location,
        )
        .join(arm, arm.c.id == m.c.arm_id)
        .join(scale, scale.c.id == m.c.outcome_scale_id)
        .order_by(arm.c.label, scale.c.key, m.c.timepoint_days)
    )
    return _by_study(session, stmt, m.c.study_id, ids)


def _by_study(session: Session, stmt: Any, study: Any, ids: list[int]) -> dict[int, list[dict]]:
    """The rows of ``stmt`` (the study's id first) as dicts without that id, by study."""
    found = by_parent(session, stmt, study, ids)
    return {
        key: [{k: v for k, v in row._mapping.items() if k != "study_id"} for row in rows]
        for key, rows in found.items()
    }
