"""The database at a glance: the one-page summary (counts, studies per mechanism, species and
source, the trials, the curation notes) and every quantitative outcome in one table."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exodb import queries
from exodb.reports.crosstabs import evidence_matrix
from exodb.reports.report import Report, cite
from exodb.schema import tables as t


def outcomes(session: Session, **filters: Any) -> Report:
    """Every quantitative outcome: study, species, measure, value, unit, what it is relative to."""
    ids = queries.study_ids(session, **filters)
    study, reference, species, outcome = t.study.c, t.reference.c, t.species.c, t.outcome.c
    stmt = (
        select(study.key, reference.number, species.key.label("species"), t.outcome)
        .select_from(t.outcome)
        .join(t.study, study.id == outcome.study_id)
        .outerjoin(t.reference, study.reference_id == reference.id)
        .outerjoin(t.species, species.id == outcome.species_id)
        .where(outcome.value.is_not(None), queries.among(study.id, ids))
        .order_by(reference.number, study.key, outcome.measure)
    )
    rows = [
        {
            "study": row.key,
            "ref": row.number,
            "species": row.species,
            "measure": row.measure,
            "value": row.value,
            "unit": row.unit,
            "relative_to": row.relative_to,
        }
        for row in session.execute(stmt)
    ]
    return Report(
        "Quantitative outcomes",
        ["study", "ref", "species", "measure", "value", "unit", "relative_to"],
        {"relative_to": "relative to"},
        rows,
        key="outcomes",
    )


# What the summary counts: a label and the table whose rows it counts (None: computed below).
ENTITY_TABLES = (
    ("studies", "study"),
    ("outcomes", "outcome"),
    ("cell sources", "cell_source"),
    ("molecules", "molecule"),
    ("pathways", "pathway"),
    ("mechanisms", "mechanism"),
    ("delivery systems", "delivery_system"),
    ("materials", "material"),
    ("clinical trials", "clinical_trial"),
    ("references cited", "reference"),
    ("references with a checked record", None),
    ("curation notes", "curation_note"),
)


def _row_count(session: Session, table: str | None) -> int | None:
    if table is None:
        reference = t.reference.c
        stmt = select(func.count(reference.id)).where(reference.check_status.is_not(None))
    else:
        stmt = select(func.count()).select_from(getattr(t, table))
    return session.scalar(stmt)


def summary(session: Session) -> list[Report]:
    """One page for the whole database: counts, per mechanism, species and source, the trials
    and the curation notes."""
    counts = [
        {"entity": label, "rows": _row_count(session, table)} for label, table in ENTITY_TABLES
    ]
    matrix = evidence_matrix(session, rows="cell-source", cols="mechanism", rollup=True)
    per_mechanism = []
    for m in queries.mechanisms(session):
        found = queries.study_keys(session, mechanism=m.key)
        refs = cite(ref for _, ref in found if ref is not None)
        per_mechanism.append({"mechanism": m.name, "studies": len(found), "refs": refs})
    species_matrix = evidence_matrix(session, rows="species", cols="mechanism")
    per_species = [
        {"species": r["species"], "studies": r["studies"].count, "refs": cite(r["studies"].refs)}
        for r in species_matrix.rows
    ]
    per_source = [
        {"source": r["cell_source"], "studies": r["studies"].count, "refs": cite(r["studies"].refs)}
        for r in matrix.rows
    ]
    trial_rows = [dataclasses.asdict(trial) for trial in queries.trials(session)]
    notes = [
        {"key": n.key, "kind": n.kind, "section": n.section, "review_text": n.review_text}
        for n in queries.curation_notes(session)
    ]
    return [
        Report(
            "exodb summary: what the database holds",
            ["entity", "rows"],
            {},
            counts,
            key="summary-counts",
        ),
        Report(
            "Studies per mechanism",
            ["mechanism", "studies", "refs"],
            {},
            per_mechanism,
            key="summary-mechanisms",
        ),
        Report(
            "Studies per species",
            ["species", "studies", "refs"],
            {},
            per_species,
            key="summary-species",
        ),
        Report(
            "Studies per cell source (subtypes under their Table 1 source)",
            ["source", "studies", "refs"],
            {},
            per_source,
            key="summary-sources",
        ),
        Report(
            "Clinical trials",
            ["registry_id", "phase", "source", "route", "population", "ref"],
            {},
            trial_rows,
            key="summary-trials",
        ),
        Report(
            "Curation notes",
            ["key", "kind", "section", "review_text"],
            {"review_text": "what the review says"},
            notes,
            key="summary-notes",
        ),
    ]
