"""The EV preparations of the studies that pass the study filters, with their separation methods,
markers and the reporting items a curator marked not applicable: what a reporting-quality
appraisal reads (:mod:`exodb.names.misev` says which items a preparation reports)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from exodb.queries.filters import among, check_filters, study_ids
from exodb.queries.related import by_parent, values_by_parent
from exodb.schema import tables as t


class Marker(NamedTuple):
    """A marker a preparation was tested for: ``category`` is transmembrane, cytosolic or
    non_ev, and ``detected`` says whether it was found (False: shown absent)."""

    molecule: str
    category: str
    detected: bool


@dataclass(frozen=True)
class EvPreparationRow:
    """One EV preparation of a study, its columns under their seed names
    (``ev_preparations.csv``), so :func:`exodb.names.misev.reported_items` reads it as it is."""

    study: str
    ref: int | None
    preparation: str
    cell_source: str | None
    source_amount: str | None
    separation: list[str]
    separation_detail: str | None
    protein_method: str | None
    particle_method: str | None
    lipid_method: str | None
    particles_per_ug: float | None
    imaging_method: str | None
    single_particle_method: str | None
    size_nm: float | None
    markers: list[Marker]
    not_applicable: list[str]
    note: str | None


# The preparation's own columns, in the order of the seed file.
_COLUMNS = (
    "source_amount",
    "separation_detail",
    "protein_method",
    "particle_method",
    "lipid_method",
    "particles_per_ug",
    "imaging_method",
    "single_particle_method",
    "size_nm",
    "note",
)


def ev_preparations(session: Session, **filters: Any) -> list[EvPreparationRow]:
    """Every EV preparation of the studies passing ``filters`` (those of :func:`studies`), by
    reference number (studies without one last), study key, then preparation.

    One statement for the preparations, then one each for their separation methods (in the
    order applied), markers (in the order curated) and not-applicable items, for every 500
    preparations.
    """
    check_filters("ev_preparations", filters)
    ids = study_ids(session, **filters)
    preparation, study, reference = t.ev_preparation, t.study, t.reference
    stmt = (
        select(
            preparation.c.id,
            study.c.key.label("study"),
            reference.c.number.label("ref"),
            preparation.c.label.label("preparation"),
            t.cell_source.c.key.label("cell_source"),
            *(preparation.c[name] for name in _COLUMNS),
        )
        .join(study, study.c.id == preparation.c.study_id)
        .outerjoin(reference, reference.c.id == study.c.reference_id)
        .outerjoin(t.cell_source, t.cell_source.c.id == preparation.c.cell_source_id)
        .where(among(preparation.c.study_id, ids))
        .order_by(
            reference.c.number.is_(None), reference.c.number, study.c.key, preparation.c.label
        )
    )
    found = session.execute(stmt).all()
    keys = [row.id for row in found]
    separation, method = t.ev_preparation_separation, t.separation_method
    separations = values_by_parent(
        session,
        separation.c.ev_preparation_id,
        method.c.key,
        separation.c.position,
        keys,
        on=method.c.id == separation.c.separation_method_id,
    )
    exemption = t.ev_preparation_exemption
    exempt = values_by_parent(
        session, exemption.c.ev_preparation_id, exemption.c.item, exemption.c.position, keys
    )
    marker, molecule = t.ev_marker, t.molecule
    markers = by_parent(
        session,
        select(marker.c.ev_preparation_id, molecule.c.key, marker.c.category, marker.c.detected)
        .join(molecule, molecule.c.id == marker.c.molecule_id)
        .order_by(marker.c.id),
        marker.c.ev_preparation_id,
        keys,
    )
    return [
        EvPreparationRow(
            study=row.study,
            ref=row.ref,
            preparation=row.preparation,
            cell_source=row.cell_source,
            separation=separations.get(row.id, []),
            markers=[Marker(*m[1:]) for m in markers.get(row.id, [])],
            not_applicable=exempt.get(row.id, []),
            **{name: getattr(row, name) for name in _COLUMNS},
        )
        for row in found
    ]
